//! The root of an engine crate: the names the other macros use.

/// Stamps, at an engine crate's root, the contract the other macros of this
/// crate rely on: the `Engine`, `Db`, `EngineRow` and `EngineConnection`
/// aliases, `other(err, what)`, and `impl Store` (`ping`, `engine`). The
/// engine still defines `Engine::begin_write` and its `dialect` module.
///
/// ```text
/// motcua_store_sql::engine_root! {
///     store: SqliteStore,
///     db: sqlx::Sqlite,
///     row: sqlx::sqlite::SqliteRow,
///     connection: sqlx::SqliteConnection,
///     name: "sqlite",
/// }
/// ```
#[macro_export]
macro_rules! engine_root {
    (
        store: $store:ty,
        db: $db:ty,
        row: $row:ty,
        connection: $connection:ty,
        name: $name:literal $(,)?
    ) => {
        /// The store type the shared SQL of `motcua-store-sql` is stamped for.
        pub(crate) type Engine = $store;
        /// Its `sqlx` database, for the shared query builders.
        pub(crate) type Db = $db;
        /// Its row type, for the shared row readers.
        pub(crate) type EngineRow = $row;
        /// Its connection type, for the shared helpers that run inside a
        /// transaction.
        pub(crate) type EngineConnection = $connection;

        /// A driver error with what the store was doing.
        pub(crate) fn other(
            err: impl Into<anyhow::Error>,
            what: &'static str,
        ) -> motcua_app::StoreError {
            motcua_app::StoreError::Other(err.into().context(what))
        }

        // The 766 index's fact sources (issue 15): FeedbackFacts is in
        // `feedback_store!` (feedback.rs), PaymentFacts in `payment_store!`
        // (payments.rs), ElectronicResultFacts here.
        $crate::electronic_result_facts!();

        #[async_trait::async_trait]
        impl motcua_app::ports::Store for Engine {
            async fn ping(&self) -> Result<(), motcua_app::StoreError> {
                sqlx::query("SELECT 1")
                    .execute(&self.pool)
                    .await
                    .map_err(|e| other(e, "ping"))?;
                Ok(())
            }

            fn engine(&self) -> &'static str {
                $name
            }
        }
    };
}
