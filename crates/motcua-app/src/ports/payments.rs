//! Online payment: the payment platform ([`PaymentGateway`], an adapter
//! over HTTP, ADR 0029) and the payment orders' store ([`PaymentStore`]).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::dossier::FeeLine;
use motcua_domain::payment::{OrderStatus, PaymentOrder, PlatformReport};

use crate::StoreError;

/// What motcua asks the platform to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    /// motcua's order identifier (the platform echoes it).
    pub order_id: String,
    /// The dossier, for the platform's description.
    pub dossier_code: String,
    /// The amount, in đồng.
    pub amount_vnd: u64,
    /// The fee lines (`DanhSachLePhi`).
    pub lines: Vec<FeeLine>,
    /// Where the platform sends the citizen back.
    pub return_url: String,
    /// Where the platform posts its signed callback.
    pub callback_url: String,
}

/// The platform's answer to a new order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    /// The platform's page where the citizen pays.
    pub pay_url: String,
}

/// Why the platform could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// No answer in time.
    #[error("nền tảng thanh toán không trả lời kịp / the payment platform timed out")]
    Timeout,
    /// Unreachable or answering 5xx.
    #[error("nền tảng thanh toán không sẵn sàng / the payment platform is unavailable: {0}")]
    Unavailable(String),
    /// The platform refused the request (4xx).
    #[error("nền tảng thanh toán từ chối / the payment platform refused: {0}")]
    Refused(String),
    /// An answer that does not follow the contract.
    #[error(
        "nền tảng thanh toán trả lời sai hợp đồng / the payment platform broke the contract: {0}"
    )]
    Protocol(String),
}

/// The payment platform (Nền tảng thanh toán trên Cổng DVCQG, or a stub
/// speaking the same contract).
#[async_trait]
pub trait PaymentGateway: Send + Sync {
    /// Registers an order and answers the page where the citizen pays. The
    /// same order asked twice gives the same page.
    async fn create_order(&self, req: &OrderRequest) -> Result<Checkout, GatewayError>;
    /// Every transaction the platform recorded on `day` (Vietnam time).
    async fn transactions(&self, day: NaiveDate) -> Result<Vec<PlatformReport>, GatewayError>;
    /// The adapter's name, for logs.
    fn name(&self) -> &'static str;
}

/// Payment orders (table `payment_orders`, migration 0029).
#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// Stores `order` unless an order with its id exists; answers the
    /// stored order (the existing one when there was one).
    async fn insert_payment_order(&self, order: &PaymentOrder) -> Result<PaymentOrder, StoreError>;
    /// One order.
    async fn payment_order(&self, id: &str) -> Result<Option<PaymentOrder>, StoreError>;
    /// The orders of one dossier, newest first.
    async fn payment_orders_of(&self, dossier_code: &str) -> Result<Vec<PaymentOrder>, StoreError>;
    /// The orders made on `day` (Vietnam time), oldest first.
    async fn payment_orders_on(&self, day: NaiveDate) -> Result<Vec<PaymentOrder>, StoreError>;
    /// Moves the order from `from` to `to` with the platform's report, in
    /// one statement that only changes an order still in `from`: `true`
    /// when this call changed it (of twenty concurrent replays, one).
    async fn mark_payment_order(
        &self,
        id: &str,
        from: OrderStatus,
        to: OrderStatus,
        report: &PlatformReport,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}
