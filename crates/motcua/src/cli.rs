//! Command-line interface. The names of commands and flags are stable:
//! scripts and checks depend on them.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// motcua — hệ thống một cửa / the one-stop administrative service.
#[derive(Debug, Parser)]
#[command(name = "motcua", version, about)]
pub struct Cli {
    /// Configuration file (default: ./motcua.toml when present).
    #[arg(long, global = true, env = "MOTCUA_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data is; overrides the configuration.
#[derive(Debug, Clone, Args, Default)]
pub struct DbArgs {
    /// Data directory (default ./data).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL (default: SQLite in the data directory).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application and the API.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// `province` (default) or `national`: the hub that receives the
        /// provinces' syncs (`[national] senders`) and shows `/quoc-gia`.
        #[arg(long, value_enum, default_value_t = Role::Province)]
        role: Role,
        /// Demonstration mode: turn on the development login (`Bearer
        /// dev:<officer>:<agency>`, `/dang-nhap/phat-trien`, no password) with
        /// a banner on every page. Only on a loopback address; never for
        /// citizens.
        #[arg(long)]
        demo: bool,
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
    },
    /// Run the outbox relay alone (`[exchange]`): deliver dossier events
    /// to the national hub and NATS until stopped.
    Relay {
        /// Deliver until nothing is left, then exit.
        #[arg(long)]
        once: bool,
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
    },
    /// The exchange with the national hub (trao đổi dữ liệu).
    Exchange {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which exchange command.
        #[command(subcommand)]
        command: ExchangeCommand,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
    },
    /// Print an example configuration file.
    DefaultConfig,
    /// Administrative units (đơn vị hành chính).
    Units {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which units command.
        #[command(subcommand)]
        command: UnitsCommand,
    },
    /// The staff registry (cán bộ): check, import and export CSV files.
    Staff {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which staff command.
        #[command(subcommand)]
        command: crate::commands::staff::StaffCommand,
    },
    /// Training (đào tạo, bồi dưỡng): the plan of a unit from its shortage signal.
    Training {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which training command.
        #[command(subcommand)]
        command: crate::commands::training::TrainingCommand,
    },
    /// Old addresses to current units (chuyển đổi địa chỉ); needs no database.
    Addresses {
        /// Which addresses command.
        #[command(subcommand)]
        command: crate::commands::addresses::AddressesCommand,
    },
    /// Agencies and service points (cơ quan, điểm tiếp nhận).
    Agencies {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which agencies command.
        #[command(subcommand)]
        command: AgenciesCommand,
    },
    /// The procedure catalog (danh mục thủ tục hành chính).
    Catalog {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which catalog command.
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Demo data (dữ liệu mẫu) for demonstrations and benchmarks.
    Demo {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which demo command.
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// The audit log (nhật ký khai thác): verify, and a citizen's accesses.
    Audit {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which audit command.
        #[command(subcommand)]
        command: crate::commands::audit::AuditCommand,
    },
    /// Grants of access to the population database (phân quyền khai thác).
    Grants {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which grants command.
        #[command(subcommand)]
        command: crate::commands::grants::GrantsCommand,
    },
    /// The population registry (CSDLQG về dân cư): embedded residents and look-ups.
    Registry {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which registry command.
        #[command(subcommand)]
        command: crate::commands::registry::RegistryCommand,
    },
    /// Officer and system accounts (tài khoản) and their roles.
    Accounts {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which accounts command.
        #[command(subcommand)]
        command: crate::commands::accounts::AccountsCommand,
    },
    /// API keys of system accounts (khóa API).
    ApiKeys {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which API-keys command.
        #[command(subcommand)]
        command: crate::commands::accounts::ApiKeysCommand,
    },
    /// Signed webhooks to sector systems (`[exchange] webhooks`).
    Webhooks {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which webhooks command.
        #[command(subcommand)]
        command: crate::commands::webhooks::WebhooksCommand,
    },
    /// Online fee payment (thanh toán trực tuyến, `[payment]`): the day's
    /// reconciliation, and the stub platform for demonstrations.
    Payments {
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
        /// Which payments command.
        #[command(subcommand)]
        command: crate::commands::payments::PaymentsCommand,
    },
    /// Back up the database (SQLite: an online `VACUUM INTO` copy;
    /// PostgreSQL: `pg_dump`) and the data directory's keys and attachments
    /// into a new folder (sao lưu).
    Backup {
        /// The folder to write (must be new or empty).
        #[arg(long)]
        to: PathBuf,
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
    },
    /// Restore a backup made by `motcua backup` (khôi phục), then run
    /// `motcua audit verify`.
    Restore {
        /// The backup folder.
        #[arg(long)]
        from: PathBuf,
        /// Write over an existing database (stop the server first).
        #[arg(long)]
        force: bool,
        /// Database location.
        #[command(flatten)]
        db: DbArgs,
    },
}

/// `motcua exchange ...`.
#[derive(Debug, Subcommand)]
pub enum ExchangeCommand {
    /// Compare the dossiers started in a period here and at the national
    /// hub (`[exchange] hub_url`); exit 0 when they match, 2 when not.
    Reconcile {
        /// First day, YYYY-MM-DD (default: the first of this month).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Last day, YYYY-MM-DD (default: today).
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
    },
}

/// What a served instance is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// A province's one-stop system.
    Province,
    /// The national hub.
    National,
}

/// `motcua catalog ...`.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Check catalog files (TOML), then import every version in one
    /// transaction; imports nothing when any file has a problem.
    Import {
        /// Catalog files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Overwrite stored versions whose content changed (default: refuse).
        #[arg(long)]
        replace: bool,
    },
    /// Check catalog files and print every problem; imports nothing.
    Check {
        /// Catalog files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write the stored catalog (every version) as one TOML file.
    Export {
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// `motcua demo ...`.
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Fill the database with realistic dossiers across the province's
    /// communes and the seed procedures, in various statuses.
    Seed {
        /// How many dossiers.
        #[arg(long)]
        dossiers: u64,
        /// Random seed (the same seed gives the same applicants and walks).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Share of receptions and officers' actions outside office time
        /// (làm thêm giờ): half in working-day evenings until 21:30, half on
        /// weekends and holidays; the rest follows the working calendar and
        /// the office windows (Vietnam time). Nothing falls 22:00–06:00.
        #[arg(long, default_value_t = 0.08)]
        after_hours_share: f64,
    },
}

/// `motcua units ...`.
#[derive(Debug, Subcommand)]
pub enum UnitsCommand {
    /// Load the reference units shipped in the binary (no-op when loaded).
    Load,
    /// List units.
    List {
        /// `province`, `commune` or `district`.
        #[arg(long)]
        level: Option<String>,
        /// Type, e.g. `xã`, `phường`, `đặc khu`.
        #[arg(long = "type")]
        unit_type: Option<String>,
        /// Parent code.
        #[arg(long)]
        parent: Option<String>,
        /// Free text.
        #[arg(long, short)]
        q: Option<String>,
        /// Search the legacy (pre-2025) units.
        #[arg(long)]
        legacy: bool,
        /// Maximum rows.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show one unit with its parent, children count and lineage.
    Show {
        /// Unit code.
        code: String,
    },
    /// Show which current unit(s) an old commune code now belongs to.
    Legacy {
        /// Old commune (or island district) code.
        code: String,
    },
    /// Apply an effective-dated change set (CSV shaped like units-2026-changes.csv).
    ApplyChanges {
        /// The CSV file.
        file: PathBuf,
    },
    /// Classify units (NĐ 307/2025) from a statistics CSV (unit_code, one
    /// column per input of the rule file, source, as_of); prints a CSV of
    /// results.
    Classify {
        /// The statistics file.
        #[arg(long)]
        stats: PathBuf,
        /// A unit and its children (a province: all its communes); default:
        /// every unit the file names.
        #[arg(long)]
        unit: Option<String>,
        /// Where to write the results (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The date whose rule set applies (default: today).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Use draft rules too (a provisional score, marked so).
        #[arg(long)]
        provisional: bool,
    },
}

/// `motcua agencies ...`.
#[derive(Debug, Subcommand)]
pub enum AgenciesCommand {
    /// Create the default agencies of the configured province that are missing.
    Generate,
    /// List agencies.
    List {
        /// Unit code.
        #[arg(long)]
        unit: Option<String>,
        /// Kind, e.g. `commune_service_center`.
        #[arg(long)]
        kind: Option<String>,
        /// Free text.
        #[arg(long, short)]
        q: Option<String>,
        /// Maximum rows.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Create or edit an agency.
    Set {
        /// Electronic identifier.
        #[arg(long)]
        id: String,
        /// Official name.
        #[arg(long)]
        name: String,
        /// Kind.
        #[arg(long)]
        kind: String,
        /// Unit code it serves.
        #[arg(long)]
        unit: String,
        /// Parent agency identifier.
        #[arg(long)]
        parent: Option<String>,
        /// Mark as closed.
        #[arg(long)]
        inactive: bool,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
