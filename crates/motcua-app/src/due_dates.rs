//! Use cases of the working calendar and the legal clock (thời hạn giải
//! quyết): a year's non-working days, and due dates with their explanation.

use chrono::{DateTime, Utc};
use motcua_domain::calendar::{CalendarError, MAX_YEAR, MIN_YEAR, WorkingCalendar, YearCalendar};
use motcua_domain::catalog::{ProcedureCode, VersionKey};
use motcua_domain::clock::{
    ClockError, ClockRequest, DueDate, Extension, Pause, ReceptionRules, compute_due, to_local,
};
use motcua_domain::legal_time::TimeLimit;

use crate::AppError;
use crate::catalog::CatalogService;

/// Where the limit and reception rules of a due-date request come from.
#[derive(Debug, Clone)]
pub enum LimitSource {
    /// Given by the caller.
    Explicit {
        /// The time limit.
        limit: TimeLimit,
        /// Cut-off and Saturday-morning reception.
        reception: ReceptionRules,
    },
    /// Taken from a catalog procedure: a given version, or the one in force
    /// on the (local) day of receipt.
    Procedure {
        /// The procedure code.
        code: ProcedureCode,
        /// The version; `None` = in force on the day of receipt.
        version: Option<u32>,
    },
}

/// A due-date question, validated at the edge.
#[derive(Debug, Clone)]
pub struct DueDateInput {
    /// When the complete dossier was received.
    pub received_at: DateTime<Utc>,
    /// The limit and its rules.
    pub source: LimitSource,
    /// Supplement pauses.
    pub pauses: Vec<Pause>,
    /// Extensions (form 04).
    pub extensions: Vec<Extension>,
}

/// The clock's answer, with the procedure version it was taken from.
#[derive(Debug, Clone)]
pub struct DueDateAnswer {
    /// The due instant, start day, steps and calendar version.
    pub due: DueDate,
    /// The limit applied.
    pub limit: TimeLimit,
    /// The reception rules applied.
    pub reception: ReceptionRules,
    /// The catalog version used, when the limit came from the catalog.
    pub procedure: Option<VersionKey>,
}

/// The calendar and clock use cases.
#[derive(Clone)]
pub struct DueDateService {
    catalog: CatalogService,
}

impl DueDateService {
    /// Uses Vietnam's embedded calendar and the given catalog.
    pub fn new(catalog: CatalogService) -> Self {
        Self { catalog }
    }

    /// The calendar in use: Vietnam's embedded one (built once, then shared).
    pub fn calendar(&self) -> Result<WorkingCalendar, AppError> {
        WorkingCalendar::vietnam()
            .map_err(|e| AppError::Unexpected(anyhow::anyhow!("building the calendar: {e}")))
    }

    /// Non-working days and make-up Saturdays of a year (1900–2199).
    pub fn year(&self, year: i32) -> Result<YearCalendar, AppError> {
        self.calendar()?.year_calendar(year).map_err(|e| match e {
            CalendarError::YearOutOfRange(y) => AppError::NotFound(format!(
                "Không có lịch năm {y}; hỗ trợ {MIN_YEAR}–{MAX_YEAR} / no calendar for {y}; \
                 supported years are {MIN_YEAR}-{MAX_YEAR}"
            )),
            other => AppError::Unexpected(anyhow::anyhow!("calendar of {year}: {other}")),
        })
    }

    /// Computes a due date and explains it.
    pub async fn due_date(&self, input: DueDateInput) -> Result<DueDateAnswer, AppError> {
        let (limit, reception, procedure) = match &input.source {
            LimitSource::Explicit { limit, reception } => (*limit, *reception, None),
            LimitSource::Procedure { code, version } => {
                let v = match version {
                    Some(n) => self.catalog.version(code, *n).await?,
                    None => {
                        let day = to_local(input.received_at).date();
                        self.catalog.in_force(code, day).await?
                    }
                };
                let timing = &v.procedure.timing;
                let limit = timing.limit.ok_or_else(|| {
                    AppError::Invalid(format!(
                        "Thủ tục {code} phiên bản {} chưa có thời hạn xác minh (NOT FOUND); hãy \
                         gửi limit / procedure {code} version {} has no known time limit \
                         (NOT FOUND); send a limit instead",
                        v.version, v.version
                    ))
                })?;
                let reception = ReceptionRules {
                    cutoff: timing.cut_off.and_then(|c| {
                        chrono::NaiveTime::from_hms_opt(c.hour().into(), c.minute().into(), 0)
                    }),
                    saturday_morning_reception: timing.saturday_morning_reception,
                };
                (limit, reception, Some(v.key()))
            }
        };
        let request = ClockRequest {
            received_at: input.received_at,
            limit,
            reception,
            pauses: input.pauses,
            extensions: input.extensions,
            province: None,
        };
        let due = compute_due(&self.calendar()?, &request).map_err(clock_error)?;
        Ok(DueDateAnswer {
            due,
            limit,
            reception,
            procedure,
        })
    }
}

fn clock_error(e: ClockError) -> AppError {
    let vi = match &e {
        ClockError::Calendar(_) => "ngoài phạm vi lịch 1900–2199",
        ClockError::PauseBeforeReceipt(_) => "tạm dừng trước khi tiếp nhận hồ sơ",
        ClockError::PauseEndsBeforeStart(_) => "tạm dừng kết thúc trước khi bắt đầu",
        ClockError::OverlappingPauses(_) => "các lần tạm dừng chồng lên nhau",
        ClockError::ExtensionBeforeReceipt(_) => "gia hạn trước khi tiếp nhận hồ sơ",
        ClockError::ExtensionDuringOpenPause(_) => "gia hạn trong khi đang tạm dừng",
        ClockError::LimitTooLarge => "thời hạn quá lớn",
    };
    AppError::Invalid(format!("{vi} / {e}"))
}
