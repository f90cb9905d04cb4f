//! Notices (thông báo) to the applicant by e-mail and SMS (facts sheet
//! §2.4, §2.10): when a dossier is received (the receipt, form 01), needs a
//! supplement (form 02), is late (the apology and new appointment date,
//! form 04), has its result ready, or when a feedback (PAKN) is answered.
//!
//! This module is pure: which event calls for which notice
//! ([`NoticeKind::of_event`]) and the Vietnamese text of each
//! ([`render`]), with the dossier code, the tracking link and the dates in
//! Vietnam time, `dd/mm/yyyy` ([`crate::format`]). Sending goes through the
//! outbox (`motcua-exchange`, sinks `notices-email` and `notices-sms`).

use chrono::{DateTime, Utc};

use crate::dossier::EventPayload;
use crate::format::local_date;

/// Why a notice is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// The dossier was received; its appointment date (form 01).
    Received,
    /// A supplement is needed (form 02).
    SupplementRequested,
    /// The dossier is late: the apology and the new date (form 04).
    Apology,
    /// The result is ready.
    ResultReady,
    /// A feedback (PAKN) was answered (its `code` is the feedback's id).
    FeedbackAnswered,
    /// The officer asked the sender of a feedback for more information.
    FeedbackSupplementRequested,
}

impl NoticeKind {
    /// Every kind.
    pub const ALL: [NoticeKind; 6] = [
        Self::Received,
        Self::SupplementRequested,
        Self::Apology,
        Self::ResultReady,
        Self::FeedbackAnswered,
        Self::FeedbackSupplementRequested,
    ];

    /// The stored name (`received`, `supplement_requested`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::SupplementRequested => "supplement_requested",
            Self::Apology => "apology",
            Self::ResultReady => "result_ready",
            Self::FeedbackAnswered => "feedback_answered",
            Self::FeedbackSupplementRequested => "feedback_supplement_requested",
        }
    }

    /// The kind of a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind of notice a dossier event calls for, if any.
    pub fn of_event(payload: &EventPayload) -> Option<Self> {
        match payload {
            EventPayload::Received { .. } => Some(Self::Received),
            EventPayload::SupplementRequested { .. } => Some(Self::SupplementRequested),
            EventPayload::Extended { .. } => Some(Self::Apology),
            EventPayload::ResultReady { .. } => Some(Self::ResultReady),
            _ => None,
        }
    }

    /// Vietnamese words for the officer's history of a dossier.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Received => "Đã tiếp nhận hồ sơ",
            Self::SupplementRequested => "Yêu cầu bổ sung hồ sơ",
            Self::Apology => "Thư xin lỗi và hẹn lại ngày trả kết quả",
            Self::ResultReady => "Đã có kết quả",
            Self::FeedbackAnswered => "Đã trả lời phản ánh, kiến nghị",
            Self::FeedbackSupplementRequested => "Đề nghị bổ sung thông tin phản ánh, kiến nghị",
        }
    }
}

/// How a notice is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeChannel {
    /// E-mail (SMTP).
    Email,
    /// SMS through the gateway.
    Sms,
}

impl NoticeChannel {
    /// `email` or `sms`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    /// The channel of a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Self::Email),
            "sms" => Some(Self::Sms),
            _ => None,
        }
    }
}

/// What a notice says about its dossier.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoticeFacts {
    /// Mã hồ sơ.
    pub code: String,
    /// The applicant's name, as filed.
    pub applicant: String,
    /// The procedure's code.
    pub procedure: String,
    /// The public tracking page of the dossier.
    pub tracking_url: String,
    /// The appointment date (new date for an apology).
    pub due_at: Option<DateTime<Utc>>,
    /// The appointment date before an apology.
    pub previous_due_at: Option<DateTime<Utc>>,
    /// The reason (supplement, delay), or the answer's summary.
    pub reason: Option<String>,
    /// What must be supplied.
    pub missing: Vec<String>,
}

/// A notice's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeText {
    /// Subject line (e-mail).
    pub subject: String,
    /// Body: the full letter for an e-mail, one short message for an SMS.
    pub body: String,
}

/// Longest SMS text, in characters (a few concatenated Unicode segments).
pub const SMS_MAX_CHARS: usize = 320;

fn date_or_dash(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "—".to_owned(), local_date)
}

/// The text of a notice of `kind` on `channel`. `unsubscribe_url`, when
/// given, ends an e-mail with the link to stop notices.
pub fn render(
    kind: NoticeKind,
    channel: NoticeChannel,
    f: &NoticeFacts,
    unsubscribe_url: Option<&str>,
) -> NoticeText {
    let code = &f.code;
    let due = date_or_dash(f.due_at);
    let (subject, lead, sms) = match kind {
        NoticeKind::Received => (
            format!("Hồ sơ {code} đã được tiếp nhận"),
            format!(
                "Hồ sơ {code} (thủ tục {}) đã được tiếp nhận. Ngày hẹn trả kết quả: {due}.",
                f.procedure
            ),
            format!("Ho so {code} da duoc tiep nhan. Hen tra ket qua: {due}."),
        ),
        NoticeKind::SupplementRequested => {
            let missing = if f.missing.is_empty() {
                String::new()
            } else {
                format!("\nGiấy tờ cần bổ sung: {}.", f.missing.join("; "))
            };
            let reason = f.reason.as_deref().unwrap_or("");
            (
                format!("Hồ sơ {code} cần bổ sung, hoàn thiện"),
                format!(
                    "Hồ sơ {code} cần được bổ sung, hoàn thiện (Mẫu 02).\nLý do: {reason}{missing}\n\
                     Thời gian giải quyết tạm dừng cho đến khi nhận đủ giấy tờ bổ sung."
                ),
                format!("Ho so {code} can bo sung giay to. Xem chi tiet tai trang tra cuu."),
            )
        }
        NoticeKind::Apology => (
            format!("Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}"),
            format!(
                "Cơ quan giải quyết thành thật xin lỗi Ông/Bà vì hồ sơ {code} chưa được giải quyết \
                 đúng hẹn (Mẫu 04).\nLý do chậm: {}\nNgày hẹn cũ: {}\nNgày hẹn trả kết quả mới: {due}",
                f.reason.as_deref().unwrap_or(""),
                date_or_dash(f.previous_due_at),
            ),
            format!("Xin loi: ho so {code} cham tra ket qua. Hen lai ngay {due}."),
        ),
        NoticeKind::ResultReady => (
            format!("Hồ sơ {code} đã có kết quả"),
            format!(
                "Hồ sơ {code} đã có kết quả. Ông/Bà có thể nhận kết quả tại nơi nộp hồ sơ hoặc \
                 tải kết quả điện tử (nếu có) trên trang tra cứu."
            ),
            format!("Ho so {code} da co ket qua. Moi Ong/Ba nhan ket qua."),
        ),
        NoticeKind::FeedbackAnswered => (
            format!("Phản ánh, kiến nghị {code} đã được trả lời"),
            format!(
                "Phản ánh, kiến nghị {code} của Ông/Bà đã được trả lời.{}\n\
                 Xem câu trả lời bằng mã tra cứu đã nhận khi gửi phản ánh.",
                f.reason
                    .as_deref()
                    .map(|r| format!("\nNội dung trả lời: {r}"))
                    .unwrap_or_default()
            ),
            format!("Phan anh {code} da duoc tra loi. Xem tai:"),
        ),
        NoticeKind::FeedbackSupplementRequested => (
            format!("Phản ánh, kiến nghị {code} cần bổ sung thông tin"),
            format!(
                "Cơ quan tiếp nhận đề nghị Ông/Bà bổ sung thông tin cho phản ánh, kiến nghị {code}.{}\n\
                 Bổ sung bằng mã tra cứu đã nhận khi gửi phản ánh.",
                f.reason
                    .as_deref()
                    .map(|r| format!("\nNội dung cần bổ sung: {r}"))
                    .unwrap_or_default()
            ),
            format!("Phan anh {code} can bo sung thong tin. Xem tai:"),
        ),
    };
    match channel {
        NoticeChannel::Email => {
            let link = if matches!(
                kind,
                NoticeKind::FeedbackAnswered | NoticeKind::FeedbackSupplementRequested
            ) {
                "Xem phản ánh, kiến nghị"
            } else {
                "Tra cứu hồ sơ"
            };
            let to = if f.applicant.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", f.applicant.trim())
            };
            let mut body = format!(
                "Kính gửi Ông/Bà{to},\n\n{lead}\n\n{link}: {}\n",
                f.tracking_url
            );
            body.push_str(
                "\nThư này được gửi tự động từ hệ thống một cửa điện tử, vui lòng không trả lời.\n",
            );
            if let Some(u) = unsubscribe_url {
                body.push_str(&format!(
                    "Không muốn nhận thông báo qua thư điện tử nữa: {u}\n"
                ));
            }
            NoticeText { subject, body }
        }
        NoticeChannel::Sms => {
            // Without diacritics: one SMS segment holds 160 of them, against
            // 70 Unicode characters.
            let body = format!("{sms} {}", f.tracking_url);
            NoticeText {
                subject,
                body: body.chars().take(SMS_MAX_CHARS).collect(),
            }
        }
    }
}

/// The contact in the one form opt-outs are kept under: an e-mail in lower
/// case, a phone as its digits with a leading `84` turned into `0`.
pub fn normalise_contact(contact: &str) -> String {
    let c = contact.trim();
    if c.contains('@') {
        return c.to_lowercase();
    }
    let digits: String = c.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("84") {
        Some(rest) if digits.len() >= 11 => format!("0{rest}"),
        _ => digits,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn facts() -> NoticeFacts {
        NoticeFacts {
            code: "H55.X05743-250715-0001".into(),
            applicant: "Nguyễn Văn An".into(),
            procedure: "1.001193".into(),
            tracking_url: "https://motcua.example.vn/tra-cuu/H55.X05743-250715-0001".into(),
            // 17:30 UTC on 24/07 is 00:30 on 25/07 in Vietnam.
            due_at: Some(Utc.with_ymd_and_hms(2025, 7, 24, 17, 30, 0).unwrap()),
            previous_due_at: Some(Utc.with_ymd_and_hms(2025, 7, 20, 3, 0, 0).unwrap()),
            reason: Some("Chờ xác minh".into()),
            missing: vec!["Tờ khai".into()],
        }
    }

    #[test]
    fn the_received_notice_names_the_code_the_link_and_the_vietnam_date() {
        let t = render(
            NoticeKind::Received,
            NoticeChannel::Email,
            &facts(),
            Some("https://x/thong-bao/huy?t=abc"),
        );
        assert_eq!(t.subject, "Hồ sơ H55.X05743-250715-0001 đã được tiếp nhận");
        assert!(
            t.body.contains("Kính gửi Ông/Bà Nguyễn Văn An"),
            "{}",
            t.body
        );
        assert!(
            t.body.contains("Ngày hẹn trả kết quả: 25/07/2025."),
            "{}",
            t.body
        );
        assert!(t.body.contains("/tra-cuu/H55.X05743-250715-0001"));
        assert!(t.body.contains("https://x/thong-bao/huy?t=abc"));
    }

    #[test]
    fn the_apology_carries_form_04_the_reason_and_both_dates() {
        let t = render(NoticeKind::Apology, NoticeChannel::Email, &facts(), None);
        assert!(t.subject.starts_with("Thư xin lỗi"), "{}", t.subject);
        for part in [
            "thành thật xin lỗi",
            "Mẫu 04",
            "Lý do chậm: Chờ xác minh",
            "Ngày hẹn cũ: 20/07/2025",
            "Ngày hẹn trả kết quả mới: 25/07/2025",
        ] {
            assert!(t.body.contains(part), "{part}: {}", t.body);
        }
        let sms = render(NoticeKind::Apology, NoticeChannel::Sms, &facts(), None);
        assert!(sms.body.contains("25/07/2025") && sms.body.chars().count() <= SMS_MAX_CHARS);
    }

    #[test]
    fn events_map_to_kinds_and_names_round_trip() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            NoticeKind::of_event(&EventPayload::Withdrawn { reason: "x".into() }),
            None
        );
        assert_eq!(
            NoticeKind::of_event(&EventPayload::ResultReady {
                documents: Vec::new()
            }),
            Some(NoticeKind::ResultReady)
        );
    }

    #[test]
    fn feedback_notices_name_the_feedback_and_link_to_it() {
        let f = NoticeFacts {
            code: "PAKN-251205-0A1B2C3D".into(),
            tracking_url: "https://x/phan-anh/PAKN-251205-0A1B2C3D".into(),
            reason: Some("Đã xử lý".into()),
            ..NoticeFacts::default()
        };
        let t = render(NoticeKind::FeedbackAnswered, NoticeChannel::Email, &f, None);
        assert!(t.subject.contains("PAKN-251205-0A1B2C3D"), "{}", t.subject);
        assert!(t.body.starts_with("Kính gửi Ông/Bà,"), "{}", t.body);
        assert!(t.body.contains("Nội dung trả lời: Đã xử lý"), "{}", t.body);
        assert!(
            t.body
                .contains("Xem phản ánh, kiến nghị: https://x/phan-anh/PAKN-251205-0A1B2C3D")
        );
        let s = render(
            NoticeKind::FeedbackSupplementRequested,
            NoticeChannel::Sms,
            &f,
            None,
        );
        assert!(
            s.body.contains("can bo sung") && s.body.ends_with("/phan-anh/PAKN-251205-0A1B2C3D")
        );
    }

    #[test]
    fn contacts_are_normalised() {
        assert_eq!(normalise_contact(" An@Example.VN "), "an@example.vn");
        assert_eq!(normalise_contact("+84 912 345 678"), "0912345678");
        assert_eq!(normalise_contact("0912.345.678"), "0912345678");
    }
}
