//! The inputs of the index that come from outside the dossier projection:
//! citizens' feedback (phản ánh, kiến nghị — group 5), online payments
//! (group "thanh toán trực tuyến", 3.5a/3.5b/3.6) and electronic results
//! (4.1). Each is produced by the module that records it, through the port
//! `motcua_app::ports::service_index`.

use chrono::{DateTime, Utc};

/// One citizen's feedback or complaint (PAKN) as indicators 5.1–5.4 read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackFact {
    /// The feedback's own identifier.
    pub id: String,
    /// The unit (commune or province code) the feedback is addressed to.
    pub unit_code: String,
    /// The dossier it is about, if any.
    pub dossier_code: Option<String>,
    /// The procedure it is about, if any (directly or through the dossier).
    pub procedure_code: Option<String>,
    /// When it was first received.
    pub received_at: DateTime<Utc>,
    /// Whether an officer classified it (about the rules/procedure or about
    /// staff behaviour) — indicator 5.1.
    pub classified: bool,
    /// The deadline of its handling on the working-day clock (facts sheet
    /// §2.9), if it has one.
    pub due_at: Option<DateTime<Utc>>,
    /// When it was handled (answered, refused or closed), if it was.
    pub handled_at: Option<DateTime<Utc>>,
    /// The citizen's rating of the answer is a dislike (dislikes > likes).
    pub disliked: bool,
    /// The citizen complained again about the answer (follow-up).
    pub follow_up: bool,
}

/// One settled online payment of a dossier's fees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFact {
    /// The dossier whose fees were paid.
    pub dossier_code: String,
    /// The dossier's procedure.
    pub procedure_code: String,
    /// The dossier's receiving unit.
    pub unit_code: String,
    /// When the platform confirmed the payment (settlement).
    pub settled_at: DateTime<Utc>,
    /// The amount settled, in đồng.
    pub amount_vnd: i64,
    /// `DuocThanhToanTrucTuyen`: 1 = the national payment platform, 2 = a
    /// ministry's or the locality's own gateway.
    pub channel: u8,
}

/// One dossier whose result was offered to the citizen as an electronic
/// document (indicator 4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectronicResultFact {
    /// The dossier.
    pub dossier_code: String,
    /// When the electronic result was attached.
    pub attached_at: DateTime<Utc>,
}
