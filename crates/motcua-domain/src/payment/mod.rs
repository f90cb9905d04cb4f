//! Online payment of a dossier's fees (thanh toán trực tuyến, facts sheet
//! §2.8): the payment order sent to the payment platform, the platform's
//! signed answer and the one rule that settles an order once.
//!
//! The flow is redirect and callback. The citizen asks to pay from the
//! tracking page; motcua makes a payment order whose identifier is derived
//! from the dossier and the fee lines it covers ([`order_id`]), so asking
//! twice for the same fees gives the same order; the citizen pays on the
//! platform, which calls motcua back with a signed message ([`signature`])
//! and sends the citizen back to motcua's result page. A callback settles a
//! pending order once ([`settle`]); every later copy of it is answered
//! "already settled" and changes nothing. A day's transactions listed by the
//! platform are compared with the orders to settle a missed callback or to
//! flag an amount that differs (reconciliation).
//!
//! The amount is the dossier's outstanding fees, from the fee lines the
//! catalog gave at filing or the officer requested (status 6): the law is
//! data, nothing here knows a fee.

pub mod signature;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::dossier::{Dossier, FeeLine};

/// `DuocThanhToanTrucTuyen` of a payment made on the national payment
/// platform (facts sheet §2.8).
pub const CHANNEL_NATIONAL_PLATFORM: u8 = 1;

/// Where a payment order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Sent to the platform, not paid yet.
    Pending,
    /// Paid and recorded on the dossier.
    Settled,
    /// The platform reported a payment whose amount differs from the
    /// order's: not recorded on the dossier, shown to officers.
    Mismatch,
    /// The platform reported that the payment failed or was cancelled.
    Failed,
}

impl OrderStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Settled => "settled",
            Self::Mismatch => "mismatch",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Settled, Self::Mismatch, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }

    /// Vietnamese label for pages.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Pending => "Chờ thanh toán",
            Self::Settled => "Đã thanh toán",
            Self::Mismatch => "Số tiền không khớp",
            Self::Failed => "Thanh toán không thành công",
        }
    }
}

/// A payment order (yêu cầu thanh toán) for some fee lines of one dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentOrder {
    /// The order's identifier, [`order_id`] of the dossier and the lines.
    pub id: String,
    /// The dossier.
    pub dossier_code: String,
    /// The fee lines the order pays (`DanhSachLePhi`).
    pub lines: Vec<FeeLine>,
    /// The amount asked, in đồng.
    pub amount_vnd: u64,
    /// When motcua made it.
    pub created_at: DateTime<Utc>,
    /// Where it stands.
    pub status: OrderStatus,
    /// The platform's transaction reference, once reported.
    pub transaction_id: Option<String>,
    /// The amount the platform reported paid, once reported.
    pub paid_vnd: Option<u64>,
    /// When the platform says the citizen paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// When motcua settled (or flagged) the order.
    pub settled_at: Option<DateTime<Utc>>,
}

/// Why no order can be made for a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NothingToPay {
    /// The dossier has no fee line with an amount.
    NoFees,
    /// Its fees are paid already.
    AlreadyPaid,
}

/// The fee lines a new order covers and its amount: the dossier's lines
/// with an amount (`Gia` ≠ 0), and what is still outstanding on them.
pub fn payable(d: &Dossier) -> Result<(Vec<FeeLine>, u64), NothingToPay> {
    let lines: Vec<FeeLine> = d
        .fees
        .iter()
        .filter(|f| f.amount_vnd > 0)
        .cloned()
        .collect();
    if lines.is_empty() {
        return Err(NothingToPay::NoFees);
    }
    match d.outstanding_vnd() {
        0 => Err(NothingToPay::AlreadyPaid),
        amount => Ok((lines, amount)),
    }
}

/// The order's identifier: `TT` and 20 hexadecimal digits of SHA-256 over
/// the dossier code, each line (code, amount) and the amount asked. The same
/// dossier with the same fees outstanding gives the same order (asking twice
/// makes one order); a new fee line or a part paid at the desk gives a new
/// one. 22 characters: within the 32 a payment reference commonly allows.
pub fn order_id(dossier_code: &str, lines: &[FeeLine], amount_vnd: u64) -> String {
    let mut h = Sha256::new();
    h.update(dossier_code.as_bytes());
    for l in lines {
        h.update(b"\n");
        h.update(l.code.as_bytes());
        h.update(b"=");
        h.update(l.amount_vnd.to_string().as_bytes());
    }
    h.update(b"\ntotal=");
    h.update(amount_vnd.to_string().as_bytes());
    let hex: String = h
        .finalize()
        .iter()
        .take(10)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("TT{}", hex.to_uppercase())
}

/// What the platform reports about one order: in a callback, or as one row
/// of a day's transaction list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformReport {
    /// motcua's order identifier, echoed by the platform.
    pub order_id: String,
    /// The platform's transaction reference.
    pub transaction_id: String,
    /// The amount paid, in đồng.
    pub amount_vnd: u64,
    /// Whether the payment succeeded.
    pub paid: bool,
    /// When the citizen paid (or the attempt ended).
    pub paid_at: DateTime<Utc>,
}

/// What to do with a report about an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// Record the payment on the dossier and mark the order settled.
    Settle,
    /// The order was settled before: change nothing (a replayed callback).
    AlreadySettled,
    /// The amount differs from the order's: record nothing, flag it.
    AmountMismatch {
        /// The order's amount.
        expected: u64,
        /// The reported amount.
        reported: u64,
    },
    /// The payment failed: mark a pending order failed.
    Failed,
    /// The order was already flagged or failed, and this report does not
    /// settle it: change nothing.
    Ignore,
}

/// The one settlement rule. A pending (or failed, when the citizen paid on
/// a second try) order is settled by a successful report of its exact
/// amount; a settled order is never settled again, whatever arrives.
pub fn settle(order: &PaymentOrder, report: &PlatformReport) -> Settlement {
    if order.status == OrderStatus::Settled {
        return Settlement::AlreadySettled;
    }
    if !report.paid {
        return match order.status {
            OrderStatus::Pending => Settlement::Failed,
            _ => Settlement::Ignore,
        };
    }
    if order.status == OrderStatus::Mismatch {
        return Settlement::Ignore;
    }
    if report.amount_vnd != order.amount_vnd {
        return Settlement::AmountMismatch {
            expected: order.amount_vnd,
            reported: report.amount_vnd,
        };
    }
    Settlement::Settle
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::dossier::FeeKind;

    fn line(code: &str, amount: u64) -> FeeLine {
        FeeLine {
            code: code.into(),
            name: "Lệ phí".into(),
            amount_vnd: amount,
            kind: FeeKind::Levy,
        }
    }

    fn order(status: OrderStatus) -> PaymentOrder {
        PaymentOrder {
            id: "TT1".into(),
            dossier_code: "X".into(),
            lines: vec![line("LP1", 50_000)],
            amount_vnd: 50_000,
            created_at: Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap(),
            status,
            transaction_id: None,
            paid_vnd: None,
            paid_at: None,
            settled_at: None,
        }
    }

    fn report(amount: u64, paid: bool) -> PlatformReport {
        PlatformReport {
            order_id: "TT1".into(),
            transaction_id: "GD1".into(),
            amount_vnd: amount,
            paid,
            paid_at: Utc.with_ymd_and_hms(2026, 3, 2, 1, 5, 0).unwrap(),
        }
    }

    #[test]
    fn the_order_id_follows_the_dossier_and_its_lines() {
        let a = order_id("000.00.01.H01-260302-0001", &[line("LP1", 50_000)], 50_000);
        assert_eq!(
            a,
            order_id("000.00.01.H01-260302-0001", &[line("LP1", 50_000)], 50_000)
        );
        assert_eq!(a.len(), 22);
        assert!(a.starts_with("TT"));
        assert_ne!(
            a,
            order_id("000.00.01.H01-260302-0002", &[line("LP1", 50_000)], 50_000)
        );
        assert_ne!(
            a,
            order_id("000.00.01.H01-260302-0001", &[line("LP1", 30_000)], 30_000)
        );
        assert_ne!(
            a,
            order_id("000.00.01.H01-260302-0001", &[line("LP1", 50_000)], 20_000)
        );
    }

    #[test]
    fn a_pending_order_settles_once_on_its_exact_amount() {
        assert_eq!(
            settle(&order(OrderStatus::Pending), &report(50_000, true)),
            Settlement::Settle
        );
        assert_eq!(
            settle(&order(OrderStatus::Settled), &report(50_000, true)),
            Settlement::AlreadySettled
        );
        assert_eq!(
            settle(&order(OrderStatus::Pending), &report(40_000, true)),
            Settlement::AmountMismatch {
                expected: 50_000,
                reported: 40_000
            }
        );
        assert_eq!(
            settle(&order(OrderStatus::Pending), &report(50_000, false)),
            Settlement::Failed
        );
        assert_eq!(
            settle(&order(OrderStatus::Failed), &report(50_000, true)),
            Settlement::Settle
        );
        assert_eq!(
            settle(&order(OrderStatus::Failed), &report(50_000, false)),
            Settlement::Ignore
        );
        assert_eq!(
            settle(&order(OrderStatus::Mismatch), &report(50_000, true)),
            Settlement::Ignore
        );
        assert_eq!(
            settle(&order(OrderStatus::Settled), &report(1, false)),
            Settlement::AlreadySettled
        );
    }

    #[test]
    fn statuses_read_back() {
        for s in [
            OrderStatus::Pending,
            OrderStatus::Settled,
            OrderStatus::Mismatch,
            OrderStatus::Failed,
        ] {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(OrderStatus::parse("paid"), None);
    }
}
