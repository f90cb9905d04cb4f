//! The JSON contract between motcua and the payment platform, as the stub
//! implements it (`docs/decisions/0029-online-payment.md`). The names are
//! motcua's: the national payment platform's own field names were NOT
//! FOUND in the sources available.

use chrono::{DateTime, Utc};
use motcua_domain::payment::PlatformReport;
use serde::{Deserialize, Serialize};

/// `POST` here registers an order.
pub const ORDERS_PATH: &str = "/api/v1/orders";
/// `GET` here with `?date=YYYY-MM-DD` lists a day's transactions.
pub const TRANSACTIONS_PATH: &str = "/api/v1/transactions";

/// One fee line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireLine {
    /// `MaPhiLePhi`.
    pub code: String,
    /// `TenPhiLePhi`.
    pub name: String,
    /// `Gia`, in đồng.
    pub amount_vnd: u64,
}

/// The body of `POST /api/v1/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireOrder {
    /// motcua's order identifier; the same identifier twice is one order.
    pub order_id: String,
    /// Shown to the citizen on the platform.
    pub description: String,
    /// The amount, in đồng.
    pub amount_vnd: u64,
    /// The fee lines.
    pub lines: Vec<WireLine>,
    /// Where the platform sends the citizen back (with `?status=`).
    pub return_url: String,
    /// Where the platform posts the signed callback.
    pub callback_url: String,
}

/// The answer to `POST /api/v1/orders` (201 new, 200 the same order again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireCheckout {
    /// The order, echoed.
    pub order_id: String,
    /// The platform's page where the citizen pays.
    pub pay_url: String,
}

/// One transaction: the callback's body, and a row of the day's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireTransaction {
    /// motcua's order identifier.
    pub order_id: String,
    /// The platform's transaction reference.
    pub transaction_id: String,
    /// The amount paid, in đồng.
    pub amount_vnd: u64,
    /// Whether the payment succeeded.
    pub paid: bool,
    /// When (RFC 3339).
    pub paid_at: DateTime<Utc>,
}

impl From<WireTransaction> for PlatformReport {
    fn from(t: WireTransaction) -> Self {
        PlatformReport {
            order_id: t.order_id,
            transaction_id: t.transaction_id,
            amount_vnd: t.amount_vnd,
            paid: t.paid,
            paid_at: t.paid_at,
        }
    }
}

/// The answer to `GET /api/v1/transactions?date=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireTransactions {
    /// The day asked (Vietnam time).
    pub date: chrono::NaiveDate,
    /// Its transactions, oldest first.
    pub transactions: Vec<WireTransaction>,
}
