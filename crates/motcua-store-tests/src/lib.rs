//! One conformance suite for every motcua store engine.
//!
//! The cases in [`cases`] and `cases_*` modules each take a fresh, empty, migrated store and
//! assert exact values through the [`Store`] traits only, so that SQLite and
//! PostgreSQL are held to the same behaviour. An engine's test file is two
//! lines:
//!
//! ```text
//! //! The store conformance suite on SQLite.
//! motcua_store_tests::conformance_suite!(motcua_store_tests::engines::sqlite);
//! ```
//!
//! [`conformance_suite!`] expands to one `#[tokio::test]` per case; the
//! factory is any `FnOnce() -> impl Future<Output = FreshStore>`.

#![forbid(unsafe_code)]

pub mod cases;
pub mod cases_accounts;
pub mod cases_attachments;
pub mod cases_catalog;
pub mod cases_desk;
pub mod cases_dossiers;
pub mod cases_exchange;
pub mod cases_feedback;
pub mod cases_identity;
pub mod cases_lookup;
pub mod cases_notices;
pub mod cases_obstacles;
pub mod cases_on_time;
pub mod cases_payments;
pub mod cases_service_index;
pub mod cases_staff;
pub mod cases_tracking;
pub mod cases_training;
pub mod cases_webhooks;
pub mod dossier_fixtures;
pub mod engines;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use motcua_app::ports::Store;

/// Work to do once a case has passed (dropping a test database).
pub type Teardown = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// Runs raw SQL on the engine under a store, bypassing the store traits:
/// how tamper cases edit the database behind the application's back.
pub type RawSql =
    Arc<dyn Fn(String) -> Pin<Box<dyn Future<Output = anyhow::Result<u64>> + Send>> + Send + Sync>;

/// A fresh, empty, migrated store and what keeps it alive.
pub struct FreshStore {
    /// The store under test.
    pub store: Arc<dyn Store>,
    /// Raw SQL on the same database, for tamper cases.
    pub raw: Option<RawSql>,
    /// Kept until the case ends (a temp dir holding the database file).
    _keep: Option<Box<dyn Send + Sync>>,
    teardown: Option<Teardown>,
}

impl FreshStore {
    /// Wraps a store; `keep` lives as long as the store is in use and
    /// `teardown` runs after a case passed.
    pub fn new(
        store: Arc<dyn Store>,
        keep: Option<Box<dyn Send + Sync>>,
        teardown: Option<Teardown>,
    ) -> Self {
        Self {
            store,
            raw: None,
            _keep: keep,
            teardown,
        }
    }

    /// Adds raw SQL access to the same database.
    pub fn with_raw(mut self, raw: RawSql) -> Self {
        self.raw = Some(raw);
        self
    }

    /// Drops the store, then runs the teardown.
    pub async fn finish(self) {
        let Self {
            store,
            raw,
            _keep,
            teardown,
        } = self;
        drop(raw);
        drop(store);
        if let Some(teardown) = teardown {
            teardown.await.expect("tearing down the test store");
        }
        drop(_keep);
    }
}

/// Runs one case on a store made by `factory`.
pub async fn run<F, Fut, C, CFut>(factory: F, case: C)
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = FreshStore>,
    C: FnOnce(Arc<dyn Store>) -> CFut,
    CFut: Future<Output = ()>,
{
    let fresh = factory().await;
    case(Arc::clone(&fresh.store)).await;
    fresh.finish().await;
}

/// Runs one case that also needs raw SQL on a store made by `factory`.
pub async fn run_raw<F, Fut, C, CFut>(factory: F, case: C)
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = FreshStore>,
    C: FnOnce(Arc<dyn Store>, RawSql) -> CFut,
    CFut: Future<Output = ()>,
{
    let fresh = factory().await;
    let raw = fresh
        .raw
        .clone()
        .expect("this engine's factory gives raw SQL access");
    case(Arc::clone(&fresh.store), raw).await;
    fresh.finish().await;
}

/// Expands to one `#[tokio::test]` per conformance case, each on a fresh
/// store from `$factory` (an async fn returning [`FreshStore`]).
#[macro_export]
macro_rules! conformance_suite {
    ($factory:expr) => {
        $crate::__conformance_cases!(
            $factory; cases;
            fresh_store_is_empty,
            reference_load_counts,
            reference_round_trips_exactly,
            loading_twice_is_a_no_op,
            search_is_folded,
            search_by_code_and_in_legacy,
            parent_filter,
            type_filter,
            limit_offset_and_total,
            get_unit_and_count_children,
            successors_of_a_split_commune,
            island_district_successor,
            predecessors_of_a_new_commune,
            apply_2026_changes_once,
            changes_survive_a_reload,
            agencies_insert_missing_is_idempotent,
            agency_upsert_edits,
            agency_list_filters,
            agency_parent_must_exist,
            ping_and_engine,
        );
        $crate::__conformance_cases!(
            $factory; cases_catalog;
            catalog_fresh_store_is_empty,
            catalog_seed_round_trips_exactly,
            catalog_reimport_is_a_no_op,
            catalog_changed_version_is_a_conflict,
            catalog_replace_overwrites_changed_versions,
            catalog_version_in_force_by_date,
            catalog_list_pages_and_field_filter,
            catalog_search_candidates_match_the_domain,
        );
        $crate::__conformance_cases_from!(
            cases_dossiers; $factory;
            dossier_create_round_trips,
            dossier_create_replays_by_key,
            dossier_sequences_per_agency_and_day,
            dossier_failed_build_leaves_no_gap,
            dossier_concurrent_creations_are_gap_free,
            dossier_append_checks_version,
            dossier_concurrent_appends_one_wins,
            dossier_work_lists,
            dossier_work_list_scope_follows_the_agency_tree,
        );
        $crate::__conformance_cases_from!(
            cases_tracking; $factory;
            tracking_read_gives_state_and_events_only_for_a_new_version,
        );
        $crate::__conformance_cases_from!(
            cases_attachments; $factory;
            attachments_round_trip_and_respect_the_dossier_limit,
            attachments_of_a_failed_creation_are_not_written,
            attachments_ride_with_an_append,
        );
        $crate::__conformance_cases_from!(
            cases_exchange; $factory;
            exchange_claims_in_order_per_dossier_under_a_lease,
            exchange_failures_dead_letters_and_replay,
            exchange_a_sink_failure_leaves_other_sinks_delivering,
            exchange_concurrent_claims_are_disjoint_per_sink,
            exchange_settle_and_claim_records_then_claims,
            exchange_a_drain_beside_concurrent_writers_misses_no_row,
            national_index_is_idempotent_and_totals,
        );
        $crate::__conformance_module_cases!(
            $factory;
            cases_identity::audit_appends_chain_and_read_back_exactly,
            cases_identity::audit_concurrent_appends_never_fork,
            cases_identity::audit_entries_of_one_subject_newest_first,
            cases_identity::grants_round_trip_and_are_audited_atomically,
            cases_identity::residents_import_upsert_and_count,
            cases_accounts::accounts_roles_and_logins_round_trip,
            cases_accounts::sessions_and_api_keys_round_trip,
            cases_accounts::sso_links_and_session_revocation,
            cases_accounts::account_profiles_names_and_officers_of_a_subtree,
            cases_lookup::lookups_refused_without_grant_purpose_or_in_time_are_audited,
            cases_lookup::an_allowed_lookup_returns_fields_and_waiver_sources,
            cases_lookup::the_citizen_sees_who_looked_at_their_data,
            cases_desk::desk_work_list_counts_and_order,
            cases_desk::desk_work_list_register_period,
            cases_desk::desk_leader_stats_in_sql,
            cases_on_time::on_time_rule_is_one_for_leader_hub_and_portal,
            cases_service_index::index_facts_and_one_on_time_rule_for_leader_hub_and_index,
        );
        $crate::__conformance_cases_from!(
            cases_webhooks; $factory;
            webhooks_round_trip_change_and_delete,
            webhook_secrets_rotate_with_an_overlap,
        );
        $crate::__conformance_cases_from!(
            cases_payments; $factory;
            payment_orders_settle_once_and_feed_the_index,
        );
        $crate::__conformance_cases_from!(
            cases_feedback; $factory;
            feedback_round_trips_with_its_events,
            feedback_lists_follow_units_status_and_deadlines,
            feedback_facts_of_a_period,
        );
        $crate::__conformance_cases_from!(
            cases_notices; $factory;
            notices_are_recorded_once_per_event_and_channel,
            notice_contacts_keep_their_token_and_opt_out,
            electronic_results_are_facts_of_the_receiving_unit,
            a_feedback_answer_writes_its_notice_to_the_outbox_atomically,
        );
        $crate::__conformance_cases_from!(
            cases_obstacles; $factory;
            obstacles_round_trip_with_versions_and_scopes,
            obstacles_watcher_sees_only_overdue_cases,
            obstacle_figures_count_dossiers_of_the_unit,
            obstacle_events_reach_the_outbox_and_the_national_index,
        );
        $crate::__conformance_cases_from!(
            cases_staff; $factory;
            staff_statistics_and_classifications_round_trip,
            workload_aggregates_follow_units_fields_and_windows,
        );
        $crate::__conformance_cases_from!(
            cases_training; $factory;
            training_courses_sessions_and_completions_round_trip,
        );
        $crate::__conformance_raw_cases!(
            $factory;
            cases_identity::audit_log_refuses_update_and_delete,
            cases_identity::tampered_audit_edit_is_caught,
            cases_identity::tampered_audit_delete_is_caught,
            cases_identity::tampered_audit_reorder_is_caught,
            cases_exchange::exchange_a_new_sink_gets_earlier_events_with_their_old_state,
            cases_service_index::index_facts_missing_are_derived_from_the_state_and_kept,
        );
    };
}

/// Like [`__conformance_cases!`] for cases kept in another module of this
/// crate; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_cases_from {
    ($module:ident; $factory:expr; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                $crate::run($factory, $crate::$module::$case).await;
            }
        )*
    };
}

/// The expansion of [`conformance_suite!`] for cases that need raw SQL; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_raw_cases {
    ($factory:expr; $($module:ident :: $case:ident),* $(,)?) => {
        $(
            #[::tokio::test]
            async fn $case() {
                $crate::run_raw($factory, $crate::$module::$case).await;
            }
        )*
    };
}

/// The expansion of [`conformance_suite!`]; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_cases {
    ($factory:expr; $module:ident; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test]
            async fn $case() {
                $crate::run($factory, $crate::$module::$case).await;
            }
        )*
    };
}

/// The expansion of [`conformance_suite!`] for cases kept in their own
/// `cases_<topic>` module; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_module_cases {
    ($factory:expr; $($module:ident :: $case:ident),* $(,)?) => {
        $(
            #[::tokio::test]
            async fn $case() {
                $crate::run($factory, $crate::$module::$case).await;
            }
        )*
    };
}
