//! Online payment of a dossier's fees (issue 15 item 5, facts sheet §2.8):
//! the citizen's order from the tracking page, the platform's signed
//! callback, the day's reconciliation, and what officers and citizens see.
//!
//! Settlement goes through the dossier use case
//! ([`DossierService::record_online_payment`]): the payment becomes a
//! `payment_recorded` event in the dossier's history, with the outbox row
//! that syncs it to the portal (`DuocThanhToanTrucTuyen` = 1). A callback
//! settles once: the order moves from pending to settled in one statement
//! that only one caller wins, and the dossier's event is keyed by the order,
//! so a replay (or twenty) records nothing more. The order of the two steps
//! (the dossier first, then the order) lets a crash between them heal on the
//! next replay or the reconciliation.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::audit::{AuditAction, AuditEntry, AuditOutcome};
use motcua_domain::dossier::Dossier;
use motcua_domain::payment::signature::{self, SignatureError};
use motcua_domain::payment::{
    NothingToPay, OrderStatus, PaymentOrder, PlatformReport, Settlement, order_id, payable, settle,
};
use serde::Serialize;

use crate::StoreError;
use crate::dossiers::{Accessor, DossierError, DossierService};
use crate::ports::Clock;
use crate::ports::audit::AuditStore;
use crate::ports::payments::{GatewayError, OrderRequest, PaymentGateway, PaymentStore};

/// The system account named in the audit log for callbacks.
pub const PLATFORM_ACTOR: &str = "payment-platform";

/// What the payment use cases use: the orders and the audit log.
pub trait PaymentPorts: PaymentStore + AuditStore {}

impl<T: PaymentStore + AuditStore + ?Sized> PaymentPorts for T {}

/// The secret shared with the platform for callback signatures. Its
/// `Debug` never shows it.
#[derive(Clone)]
pub struct CallbackSecret(Arc<Vec<u8>>);

impl CallbackSecret {
    /// The secret's bytes as configured.
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self(Arc::new(secret.into()))
    }

    fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for CallbackSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallbackSecret(***)")
    }
}

/// The connected platform.
#[derive(Clone)]
struct Platform {
    gateway: Arc<dyn PaymentGateway>,
    secret: CallbackSecret,
}

/// Errors of the payment use cases.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// No platform is configured (`[payment] platform_url`): 503.
    #[error("Chưa kết nối nền tảng thanh toán / online payment is not configured")]
    NotConfigured,
    /// Nothing to pay on this dossier (409).
    #[error("{vi} / {en}")]
    NothingToPay {
        /// Machine code.
        code: &'static str,
        /// Vietnamese.
        vi: &'static str,
        /// English.
        en: &'static str,
    },
    /// A callback whose signature is refused (401); audited.
    #[error("Chữ ký không hợp lệ / invalid signature ({})", .0.code())]
    Signature(SignatureError),
    /// A callback body that cannot be read (400).
    #[error("Nội dung không đọc được / unreadable body: {0}")]
    Invalid(String),
    /// No such order (404).
    #[error("Không có yêu cầu thanh toán này / no such payment order")]
    NotFound,
    /// The platform failed (502/503/504).
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    /// From the dossier use case (its own status).
    #[error(transparent)]
    Dossier(#[from] DossierError),
    /// The store failed (503).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a citizen's order gives: the order and where to pay.
#[derive(Debug, Clone, Serialize)]
pub struct Started {
    /// The order (new, or the same order asked again).
    pub order: PaymentOrder,
    /// The platform's page.
    pub pay_url: String,
}

/// What a report (callback or reconciliation row) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Settled now, and recorded on the dossier.
    Settled,
    /// Settled before; nothing changed.
    AlreadySettled,
    /// The amount differs: flagged, not recorded.
    Mismatch,
    /// The payment failed: the order is marked failed.
    Failed,
    /// Paid, but the dossier refused the payment (e.g. withdrawn): flagged
    /// for an officer.
    NotRecorded,
    /// Nothing to do.
    Ignored,
    /// The platform names an order motcua does not have.
    UnknownOrder,
}

/// One line of a reconciliation.
#[derive(Debug, Clone, Serialize)]
pub struct ReconcileLine {
    /// The order.
    pub order_id: String,
    /// The platform's transaction, when it has one.
    pub transaction_id: Option<String>,
    /// What was done.
    pub outcome: Outcome,
    /// The order's amount, when motcua has the order.
    pub expected_vnd: Option<u64>,
    /// The amount the platform reports, when it reports one.
    pub reported_vnd: Option<u64>,
}

/// What reconciling a day found and did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReconcileReport {
    /// The day (Vietnam time).
    pub date: Option<NaiveDate>,
    /// Transactions the platform listed.
    pub transactions: usize,
    /// Orders settled now (missed callbacks).
    pub settled_now: usize,
    /// Orders already settled and matching.
    pub matching: usize,
    /// Lines that need an officer: differing amounts, unknown orders,
    /// payments the dossier refused, orders of the day still pending.
    pub flagged: Vec<ReconcileLine>,
}

/// The payment use cases.
#[derive(Clone)]
pub struct PaymentService {
    store: Arc<dyn PaymentPorts>,
    dossiers: DossierService,
    platform: Option<Platform>,
    public_url: String,
    clock: Clock,
}

impl PaymentService {
    /// The service without a platform: orders and receipts can be read,
    /// paying answers [`PaymentError::NotConfigured`].
    pub fn new(
        store: Arc<dyn PaymentPorts>,
        dossiers: DossierService,
        public_url: impl Into<String>,
        clock: Clock,
    ) -> Self {
        Self {
            store,
            dossiers,
            platform: None,
            public_url: public_url.into().trim_end_matches('/').to_owned(),
            clock,
        }
    }

    /// The same service paying through `gateway`, checking callbacks with
    /// `secret`.
    pub fn with_platform(
        mut self,
        gateway: Arc<dyn PaymentGateway>,
        secret: CallbackSecret,
    ) -> Self {
        self.platform = Some(Platform { gateway, secret });
        self
    }

    /// Whether a platform is connected (the pay button is shown).
    pub fn enabled(&self) -> bool {
        self.platform.is_some()
    }

    fn platform(&self) -> Result<&Platform, PaymentError> {
        self.platform.as_ref().ok_or(PaymentError::NotConfigured)
    }

    /// The citizen's order from the tracking page, proven by the dossier's
    /// verifier (the QR secret): the outstanding fee lines, an order per
    /// dossier and lines (asking again gives the same order), registered on
    /// the platform; answers where to pay.
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn start(&self, code: &str, verifier: &str) -> Result<Started, PaymentError> {
        let dossier = self
            .dossiers
            .authorize(&Accessor::Holder(verifier.to_owned()), code)
            .await?;
        let (lines, amount) = payable(&dossier).map_err(|e| match e {
            NothingToPay::NoFees => PaymentError::NothingToPay {
                code: "payment.no_fees",
                vi: "Hồ sơ không có khoản phí, lệ phí phải nộp",
                en: "the dossier has no fee to pay",
            },
            NothingToPay::AlreadyPaid => PaymentError::NothingToPay {
                code: "payment.already_paid",
                vi: "Phí, lệ phí của hồ sơ đã được nộp đủ",
                en: "the dossier's fees are paid",
            },
        })?;
        let platform = self.platform()?;
        let code = dossier.code.as_str();
        let order = PaymentOrder {
            id: order_id(code, &lines, amount),
            dossier_code: code.to_owned(),
            lines,
            amount_vnd: amount,
            created_at: self.clock.now(),
            status: OrderStatus::Pending,
            transaction_id: None,
            paid_vnd: None,
            paid_at: None,
            settled_at: None,
        };
        let order = self.store.insert_payment_order(&order).await?;
        if order.status == OrderStatus::Settled {
            return Err(PaymentError::NothingToPay {
                code: "payment.already_paid",
                vi: "Phí, lệ phí của hồ sơ đã được nộp đủ",
                en: "the dossier's fees are paid",
            });
        }
        let checkout = platform
            .gateway
            .create_order(&OrderRequest {
                order_id: order.id.clone(),
                dossier_code: order.dossier_code.clone(),
                amount_vnd: order.amount_vnd,
                lines: order.lines.clone(),
                return_url: format!("{}/tra-cuu/{code}/thanh-toan/{}", self.public_url, order.id),
                callback_url: format!("{}/api/v1/payments/callback", self.public_url),
            })
            .await?;
        Ok(Started {
            order,
            pay_url: checkout.pay_url,
        })
    }

    /// The platform's callback: the signature first (a refusal is written
    /// to the audit log and answered 401), then the report settles the
    /// order at most once.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn callback(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<(String, Outcome), PaymentError> {
        // An unsigned call is refused as unsigned whether or not a platform
        // is configured: a missing header is the caller's error.
        if self.platform.is_none()
            && (timestamp.is_none_or(str::is_empty) || signature.is_none_or(str::is_empty))
        {
            return Err(PaymentError::Signature(SignatureError::Missing));
        }
        let platform = self.platform()?;
        let now = self.clock.now();
        if let Err(e) = signature::verify(platform.secret.bytes(), timestamp, signature, body, now)
        {
            let mut entry = AuditEntry::new(
                now,
                PLATFORM_ACTOR,
                AuditAction::PaymentCallback,
                AuditOutcome::Refused(e.code().to_owned()),
            );
            entry.purpose = Some("payment callback".into());
            self.store.append_audit(&entry).await?;
            tracing::warn!(reason = e.code(), "payment callback refused");
            return Err(PaymentError::Signature(e));
        }
        let report: PlatformReport =
            serde_json::from_slice(body).map_err(|e| PaymentError::Invalid(e.to_string()))?;
        let outcome = self.apply(&report).await?;
        if outcome == Outcome::UnknownOrder {
            return Err(PaymentError::NotFound);
        }
        Ok((report.order_id, outcome))
    }

    /// Applies one report of the platform to its order.
    async fn apply(&self, report: &PlatformReport) -> Result<Outcome, PaymentError> {
        let Some(order) = self.store.payment_order(&report.order_id).await? else {
            return Ok(Outcome::UnknownOrder);
        };
        let now = self.clock.now();
        match settle(&order, report) {
            Settlement::AlreadySettled => Ok(Outcome::AlreadySettled),
            Settlement::Ignore => Ok(Outcome::Ignored),
            Settlement::Failed => {
                self.store
                    .mark_payment_order(&order.id, order.status, OrderStatus::Failed, report, now)
                    .await?;
                Ok(Outcome::Failed)
            }
            Settlement::AmountMismatch { expected, reported } => {
                tracing::warn!(order = %order.id, expected, reported, "payment amount differs");
                self.store
                    .mark_payment_order(&order.id, order.status, OrderStatus::Mismatch, report, now)
                    .await?;
                Ok(Outcome::Mismatch)
            }
            Settlement::Settle => {
                match self
                    .dossiers
                    .record_online_payment(
                        &order.dossier_code,
                        &order.id,
                        report.amount_vnd,
                        &report.transaction_id,
                    )
                    .await
                {
                    Ok(_) => {}
                    Err(DossierError::Refused(r)) => {
                        tracing::warn!(order = %order.id, reason = %r.code.as_str(), "dossier refused an online payment");
                        self.store
                            .mark_payment_order(
                                &order.id,
                                order.status,
                                OrderStatus::Mismatch,
                                report,
                                now,
                            )
                            .await?;
                        return Ok(Outcome::NotRecorded);
                    }
                    Err(e) => return Err(e.into()),
                }
                let changed = self
                    .store
                    .mark_payment_order(&order.id, order.status, OrderStatus::Settled, report, now)
                    .await?;
                Ok(if changed {
                    Outcome::Settled
                } else {
                    Outcome::AlreadySettled
                })
            }
        }
    }

    /// Compares the platform's transactions of `day` with the orders:
    /// settles the payments whose callback never came, flags differing
    /// amounts and unknown orders, and lists the day's orders still
    /// pending.
    #[tracing::instrument(level = "info", skip_all, fields(%day))]
    pub async fn reconcile(&self, day: NaiveDate) -> Result<ReconcileReport, PaymentError> {
        let platform = self.platform()?;
        let transactions = platform.gateway.transactions(day).await?;
        let mut report = ReconcileReport {
            date: Some(day),
            transactions: transactions.len(),
            ..ReconcileReport::default()
        };
        let mut seen = std::collections::BTreeSet::new();
        for tx in &transactions {
            seen.insert(tx.order_id.clone());
            let expected = self
                .store
                .payment_order(&tx.order_id)
                .await?
                .map(|o| o.amount_vnd);
            let outcome = self.apply(tx).await?;
            let line = ReconcileLine {
                order_id: tx.order_id.clone(),
                transaction_id: Some(tx.transaction_id.clone()),
                outcome,
                expected_vnd: expected,
                reported_vnd: Some(tx.amount_vnd),
            };
            match outcome {
                Outcome::Settled => report.settled_now += 1,
                Outcome::AlreadySettled if expected == Some(tx.amount_vnd) => report.matching += 1,
                Outcome::Failed | Outcome::Ignored if !tx.paid => {}
                _ => report.flagged.push(line),
            }
        }
        for order in self.store.payment_orders_on(day).await? {
            if order.status == OrderStatus::Pending && !seen.contains(&order.id) {
                report.flagged.push(ReconcileLine {
                    order_id: order.id,
                    transaction_id: None,
                    outcome: Outcome::Ignored,
                    expected_vnd: Some(order.amount_vnd),
                    reported_vnd: None,
                });
            }
        }
        Ok(report)
    }

    /// The dossier (for pages) and its orders, for the holder of its
    /// verifier.
    pub async fn for_holder(
        &self,
        code: &str,
        verifier: &str,
    ) -> Result<(Dossier, Vec<PaymentOrder>), PaymentError> {
        let dossier = self
            .dossiers
            .authorize(&Accessor::Holder(verifier.to_owned()), code)
            .await?;
        let orders = self.store.payment_orders_of(dossier.code.as_str()).await?;
        Ok((dossier, orders))
    }

    /// The orders of a dossier, for a caller the policy has checked
    /// already (an officer whose scope covers it).
    pub async fn orders_of(&self, code: &str) -> Result<Vec<PaymentOrder>, PaymentError> {
        Ok(self.store.payment_orders_of(code).await?)
    }

    /// One order of a dossier, for the page the platform sends the citizen
    /// back to: no verifier there, so the page shows only what the order
    /// itself says (status and amount, no personal data).
    pub async fn order_of(&self, code: &str, order_id: &str) -> Result<PaymentOrder, PaymentError> {
        match self.store.payment_order(order_id).await? {
            Some(o) if o.dossier_code == code => Ok(o),
            _ => Err(PaymentError::NotFound),
        }
    }

    /// "Now", for pages that show it.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
