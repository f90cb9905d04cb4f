//! Payment orders (`PaymentStore`) and the settled payments the 766 index
//! reads (`PaymentFacts`), migration 0029.

/// Stamps `impl PaymentStore for crate::Engine` and
/// `impl PaymentFacts for crate::Engine` with the SQL both engines share.
#[macro_export]
macro_rules! payment_store {
    () => {
        use std::collections::HashSet;

        use async_trait::async_trait;
        use chrono::{DateTime, NaiveDate, Utc};
        use motcua_app::StoreError;
        use motcua_app::ports::payments::PaymentStore;
        use motcua_app::ports::service_index::{FactScope, PaymentFacts};
        use motcua_domain::payment::{
            CHANNEL_NATIONAL_PLATFORM, OrderStatus, PaymentOrder, PlatformReport,
        };
        use motcua_domain::service_index::facts::PaymentFact;
        use sqlx::Row;

        use crate::{Engine, EngineRow, other};

        const COLUMNS: &str = "id, dossier_code, lines_json, amount_vnd, created_at, status, \
             transaction_id, paid_vnd, paid_at, settled_at";

        fn vnd(v: i64) -> u64 {
            u64::try_from(v).unwrap_or(0)
        }

        fn order(r: &EngineRow) -> Result<PaymentOrder, StoreError> {
            let lines: String = r.try_get("lines_json").map_err(|e| other(e, "lines_json"))?;
            let status: String = r.try_get("status").map_err(|e| other(e, "status"))?;
            Ok(PaymentOrder {
                id: r.try_get("id").map_err(|e| other(e, "id"))?,
                dossier_code: r.try_get("dossier_code").map_err(|e| other(e, "dossier_code"))?,
                lines: serde_json::from_str(&lines)
                    .map_err(|e| other(e, "reading payment order lines"))?,
                amount_vnd: vnd(r.try_get("amount_vnd").map_err(|e| other(e, "amount_vnd"))?),
                created_at: r.try_get("created_at").map_err(|e| other(e, "created_at"))?,
                status: OrderStatus::parse(&status).ok_or_else(|| {
                    StoreError::Other(anyhow::anyhow!("unknown payment status {status:?}"))
                })?,
                transaction_id: r
                    .try_get("transaction_id")
                    .map_err(|e| other(e, "transaction_id"))?,
                paid_vnd: r
                    .try_get::<Option<i64>, _>("paid_vnd")
                    .map_err(|e| other(e, "paid_vnd"))?
                    .map(vnd),
                paid_at: r.try_get("paid_at").map_err(|e| other(e, "paid_at"))?,
                settled_at: r.try_get("settled_at").map_err(|e| other(e, "settled_at"))?,
            })
        }

        fn amount(v: u64) -> Result<i64, StoreError> {
            i64::try_from(v).map_err(|e| other(e, "amount out of range"))
        }

        #[async_trait]
        impl PaymentStore for Engine {
            async fn insert_payment_order(
                &self,
                o: &PaymentOrder,
            ) -> Result<PaymentOrder, StoreError> {
                let lines = serde_json::to_string(&o.lines)
                    .map_err(|e| other(e, "writing payment order lines"))?;
                sqlx::query(
                    "INSERT INTO payment_orders (id, dossier_code, lines_json, amount_vnd, \
                       created_at, created_day, status) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(&o.id)
                .bind(&o.dossier_code)
                .bind(lines)
                .bind(amount(o.amount_vnd)?)
                .bind(o.created_at)
                .bind(motcua_domain::clock::to_local(o.created_at).date())
                .bind(o.status.as_str())
                .execute(&self.pool)
                .await
                .map_err(|e| other(e, "storing a payment order"))?;
                self.payment_order(&o.id).await?.ok_or(StoreError::NotFound)
            }

            async fn payment_order(&self, id: &str) -> Result<Option<PaymentOrder>, StoreError> {
                sqlx::query(&format!("SELECT {COLUMNS} FROM payment_orders WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| other(e, "reading a payment order"))?
                    .as_ref()
                    .map(order)
                    .transpose()
            }

            async fn payment_orders_of(
                &self,
                dossier_code: &str,
            ) -> Result<Vec<PaymentOrder>, StoreError> {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM payment_orders WHERE dossier_code = $1 \
                     ORDER BY created_at DESC, id"
                ))
                .bind(dossier_code)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading a dossier's payment orders"))?
                .iter()
                .map(order)
                .collect()
            }

            async fn payment_orders_on(
                &self,
                day: NaiveDate,
            ) -> Result<Vec<PaymentOrder>, StoreError> {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM payment_orders WHERE created_day = $1 \
                     ORDER BY created_at, id"
                ))
                .bind(day)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading a day's payment orders"))?
                .iter()
                .map(order)
                .collect()
            }

            async fn mark_payment_order(
                &self,
                id: &str,
                from: OrderStatus,
                to: OrderStatus,
                report: &PlatformReport,
                at: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "UPDATE payment_orders SET status = $1, transaction_id = $2, paid_vnd = $3, \
                       paid_at = $4, settled_at = $5 WHERE id = $6 AND status = $7",
                )
                .bind(to.as_str())
                .bind(&report.transaction_id)
                .bind(amount(report.amount_vnd)?)
                .bind(report.paid_at)
                .bind(at)
                .bind(id)
                .bind(from.as_str())
                .execute(&self.pool)
                .await
                .map_err(|e| other(e, "settling a payment order"))?;
                Ok(done.rows_affected() == 1)
            }
        }

        #[async_trait]
        impl PaymentFacts for Engine {
            /// Settled orders of the dossiers received in the period by an
            /// agency of one of the scope's units (the agency's unit code), as 3.6
            /// counts them,
            /// whenever they were settled; channel 1 (the national platform).
            async fn payment_facts(
                &self,
                scope: &FactScope,
            ) -> Result<Option<Vec<PaymentFact>>, StoreError> {
                let units: HashSet<&str> = scope.units.iter().map(String::as_str).collect();
                let rows = sqlx::query(
                    "SELECT o.dossier_code, d.procedure_code, a.unit_code, d.received_at, \
                       o.settled_at, o.paid_vnd FROM payment_orders o \
                     JOIN dossiers d ON d.code = o.dossier_code \
                     JOIN agencies a ON a.id = d.receiving_unit WHERE o.status = 'settled' \
                     ORDER BY o.dossier_code, o.id",
                )
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading settled payments"))?;
                let mut facts = Vec::new();
                for r in &rows {
                    let unit: String =
                        r.try_get("unit_code").map_err(|e| other(e, "unit"))?;
                    let procedure: String =
                        r.try_get("procedure_code").map_err(|e| other(e, "procedure"))?;
                    let received: Option<DateTime<Utc>> =
                        r.try_get("received_at").map_err(|e| other(e, "received_at"))?;
                    let in_period =
                        received.is_some_and(|at| at >= scope.from && at < scope.to);
                    if !in_period
                        || !units.contains(unit.as_str())
                        || scope.procedure.as_ref().is_some_and(|p| *p != procedure)
                    {
                        continue;
                    }
                    let settled: Option<DateTime<Utc>> =
                        r.try_get("settled_at").map_err(|e| other(e, "settled_at"))?;
                    let paid: Option<i64> = r.try_get("paid_vnd").map_err(|e| other(e, "paid"))?;
                    facts.push(PaymentFact {
                        dossier_code: r.try_get("dossier_code").map_err(|e| other(e, "code"))?,
                        procedure_code: procedure,
                        unit_code: unit,
                        settled_at: settled.unwrap_or(scope.from),
                        amount_vnd: paid.unwrap_or(0),
                        channel: CHANNEL_NATIONAL_PLATFORM,
                    });
                }
                Ok(Some(facts))
            }
        }
    };
}
