//! Mapping a dossier to the portal's payloads, and checking the required
//! fields before anything is sent.

use motcua_domain::dossier::{
    ApplicantId, ComponentState, DataSource, Dossier, Event, EventPayload, FeeKind, MilestoneKind,
    PaymentMethod, ProgressKind,
};

use super::payload::{
    GiayToKetQua, HoSoBoSung, HoSoMC, LePhi, TaiLieuNop, TienDoHoSoMC, portal_date,
};

/// Catalog facts the dossier does not carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcedureNames {
    /// Procedure name (TenTTHC).
    pub name: String,
    /// Field code (MaLinhVuc).
    pub field_code: String,
    /// Field name (TenLinhVuc).
    pub field_name: String,
}

/// Required fields of `DongBoHoSoMC` that are empty, by portal name.
pub fn missing_fields(h: &HoSoMC) -> Vec<&'static str> {
    let mut missing = Vec::new();
    for (name, value) in [
        ("MaHoSo", &h.ma_ho_so),
        ("MaTTHC", &h.ma_tthc),
        ("TenTTHC", &h.ten_tthc),
        ("MaLinhVuc", &h.ma_linh_vuc),
        ("TenLinhVuc", &h.ten_linh_vuc),
        ("NgayTiepNhan", &h.ngay_tiep_nhan),
        ("NgayHenTra", &h.ngay_hen_tra),
    ] {
        if value.trim().is_empty() {
            missing.push(name);
        }
    }
    if !(1..=10).contains(&h.trang_thai_ho_so) {
        missing.push("TrangThaiHoSo");
    }
    missing
}

fn date(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(portal_date).unwrap_or_default()
}

/// The `DongBoHoSoMC` item of a dossier.
pub fn dong_bo(d: &Dossier, names: &ProcedureNames) -> HoSoMC {
    let (kind, id) = match &d.applicant.id {
        ApplicantId::Citizen(p) => (1, p.as_str().to_owned()),
        ApplicantId::Organisation(t) => (2, t.as_str().to_owned()),
    };
    let tai_lieu_nop: Vec<TaiLieuNop> = d
        .components
        .iter()
        .filter(|c| !matches!(c.state, ComponentState::Missing))
        .map(|c| {
            let (so_hoa, kho) = match &c.state {
                // A fresh scan is not reused data (facts sheet §2.7: DuocSoHoa
                // = the component reused digitised data; 766 indicator 4.3).
                ComponentState::Submitted { .. } => (0, 0),
                // Reused data (766: 4.3, 4.5b) only after a recorded look-up.
                ComponentState::Waived { source, reuse } => (
                    u8::from(reuse.is_some()),
                    u8::from(matches!(source, DataSource::CitizenDataStore)),
                ),
                _ => (0, 0),
            };
            TaiLieuNop {
                tep_dinh_kem_id: format!("{}-{}", d.code.as_str(), c.code),
                ten_tep_dinh_kem: c.name.clone(),
                is_deleted: 0,
                ma_thanh_phan_ho_so: c.code.clone(),
                duong_dan_tai_tep_tin: String::new(),
                duoc_so_hoa: so_hoa,
                duoc_lay_tu_kho_dmqg: kho,
            }
        })
        .collect();
    let online_payment = d
        .payments
        .iter()
        .find_map(|p| match p.method {
            PaymentMethod::NationalPortal => Some(1),
            PaymentMethod::LocalGateway => Some(2),
            PaymentMethod::AtDesk => None,
        })
        .unwrap_or(0);
    let danh_sach_le_phi = d
        .fees
        .iter()
        .map(|f| LePhi {
            ten_phi_le_phi: f.name.clone(),
            ma_phi_le_phi: f.code.clone(),
            hinh_thuc_thu: if online_payment > 0 { 2 } else { 1 },
            gia: f.amount_vnd,
            loai_phi_le_phi: match f.kind {
                FeeKind::Charge => 1,
                FeeKind::Levy => 2,
                FeeKind::Other => 3,
            },
        })
        .collect();
    let mut bo_sung: Vec<HoSoBoSung> = d
        .pauses
        .iter()
        .enumerate()
        .map(|(i, p)| HoSoBoSung {
            ho_so_bo_sung_id: format!("{}-BS{}", d.code.as_str(), i + 1),
            noi_dung_bo_sung: "Yêu cầu bổ sung hồ sơ".to_owned(),
            ngay_bo_sung: portal_date(p.from),
            ngay_tiep_nhan_bo_sung: date(p.until),
            trang_thai_bo_sung: u8::from(p.until.is_some()),
            ngay_hen_tra_truoc: String::new(),
            ngay_hen_tra_moi: String::new(),
        })
        .collect();
    bo_sung.extend(d.extensions.iter().enumerate().map(|(i, e)| HoSoBoSung {
        ho_so_bo_sung_id: format!("{}-GH{}", d.code.as_str(), i + 1),
        noi_dung_bo_sung: e.reason.clone(),
        ngay_bo_sung: portal_date(e.at),
        ngay_tiep_nhan_bo_sung: String::new(),
        trang_thai_bo_sung: 1,
        ngay_hen_tra_truoc: date(e.previous_due_at),
        ngay_hen_tra_moi: portal_date(e.new_due_at),
    }));
    let ket_thuc = d
        .history
        .iter()
        .find(|m| {
            matches!(
                m.kind,
                MilestoneKind::ResultReady
                    | MilestoneKind::Returned
                    | MilestoneKind::Stopped
                    | MilestoneKind::RefusedAtReception
                    | MilestoneKind::Withdrawn
            )
        })
        .map(|m| m.at);
    HoSoMC {
        ma_ho_so: d.code.as_str().to_owned(),
        ma_tthc: d.procedure.code.clone(),
        ten_tthc: names.name.clone(),
        ma_linh_vuc: names.field_code.clone(),
        ten_linh_vuc: names.field_name.clone(),
        chu_ho_so: d.applicant.name.clone(),
        loai_doi_tuong: kind,
        ma_doi_tuong: id,
        so_dien_thoai: d.applicant.phone.clone().unwrap_or_default(),
        trich_yeu_ho_so: names.name.clone(),
        ngay_tiep_nhan: date(d.received_at),
        ngay_hen_tra: date(d.due_at),
        trang_thai_ho_so: d.portal_status().map(|p| p.code()).unwrap_or(0),
        ngay_tra: date(d.returned_at),
        ngay_ket_thuc_xu_ly: date(ket_thuc),
        don_vi_xu_ly: d.deciding_agency.as_str().to_owned(),
        kenh_thuc_hien: d.channel.code(),
        duoc_thanh_toan_truc_tuyen: online_payment,
        // A component with an electronic copy (fresh scan) or reused data.
        ho_so_co_thanh_phan_so_hoa: u8::from(
            tai_lieu_nop.iter().any(|t| t.duoc_so_hoa == 1)
                || d.components
                    .iter()
                    .any(|c| matches!(c.state, ComponentState::Submitted { digitised: true })),
        ),
        tai_lieu_nop,
        danh_sach_le_phi,
        danh_sach_ho_so_bo_sung: bo_sung,
        danh_sach_giay_to_ket_qua: d
            .results
            .iter()
            .map(|r| GiayToKetQua {
                ten_giay_to: r.name.clone(),
                giay_to_id: r.number.clone().unwrap_or_default(),
                duong_dan_tep_tin_ket_qua: r.file.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

/// What a step did, in Vietnamese (`NoiDungXuLy`).
pub fn step_text(payload: &EventPayload) -> String {
    match payload {
        EventPayload::Submitted { .. } => "Nộp hồ sơ trực tuyến".into(),
        EventPayload::Received { .. } => "Tiếp nhận hồ sơ".into(),
        EventPayload::ReceptionRefused { reason, .. } => format!("Từ chối tiếp nhận: {reason}"),
        EventPayload::HandedOver { record } => format!("Chuyển xử lý cho {}", record.received_by),
        EventPayload::SupplementRequested { reason, .. } => {
            format!("Yêu cầu bổ sung: {reason}")
        }
        // The portal has no status for "the applicant sent it, not yet
        // checked" (ADR 0006): like the other non-status events it is a
        // progress step only; `TrangThaiHoSo` stays 5 and the pending
        // `DanhSachHoSoBoSung` line stays `TrangThaiBoSung` 0 until an
        // officer records the supplement (`supplement_received`).
        EventPayload::SupplementSent { .. } => {
            "Công dân gửi giấy tờ bổ sung, chờ cán bộ kiểm tra".into()
        }
        EventPayload::SupplementReceived { .. } => "Tiếp nhận hồ sơ bổ sung".into(),
        EventPayload::PaymentRequested { .. } => "Yêu cầu thực hiện nghĩa vụ tài chính".into(),
        EventPayload::PaymentRecorded { .. } => "Ghi nhận thanh toán".into(),
        EventPayload::Transferred { to_agency, .. } => {
            format!("Chuyển liên thông tới {}", to_agency.as_str())
        }
        EventPayload::TransferAccepted { agency, .. } => {
            format!("{} tiếp nhận hồ sơ liên thông", agency.as_str())
        }
        // The sector's own words (step labels, notes, reasons) may name
        // people: the portal gets fixed words only.
        EventPayload::ProgressReported { agency, progress } => match progress.kind {
            ProgressKind::StepDone => format!("{}: hoàn thành một bước xử lý", agency.as_str()),
            ProgressKind::Note => format!("{}: cập nhật tiến độ xử lý", agency.as_str()),
        },
        EventPayload::TransferDeclined { from_agency, .. } => {
            format!("{} trả lại hồ sơ liên thông", from_agency.as_str())
        }
        EventPayload::ProcessingStopped { reason } => format!("Dừng xử lý: {reason}"),
        EventPayload::Extended { reason, .. } => format!("Xin lỗi và gia hạn: {reason}"),
        EventPayload::ResultReady { .. } => "Đã xử lý xong".into(),
        EventPayload::ResultReturned { .. } => "Đã trả kết quả".into(),
        EventPayload::Withdrawn { reason } => format!("Công dân rút hồ sơ: {reason}"),
        EventPayload::Rated { .. } => "Đánh giá mức độ hài lòng".into(),
    }
}

/// The `CapNhatTienDoHoSoMC` item of one event, with the dossier after it.
pub fn tien_do(event: &Event, after: &Dossier) -> TienDoHoSoMC {
    let who = match &event.actor {
        motcua_domain::dossier::Actor::Officer(id) => id.clone(),
        motcua_domain::dossier::Actor::Citizen(_) => "Công dân".to_owned(),
        motcua_domain::dossier::Actor::System(name) => name.clone(),
    };
    TienDoHoSoMC {
        ma_ho_so: after.code.as_str().to_owned(),
        nguoi_xu_ly: who,
        chuc_danh: String::new(),
        thoi_diem_xu_ly: portal_date(event.at),
        phong_ban_xu_ly: after.current_agency.as_str().to_owned(),
        noi_dung_xu_ly: step_text(&event.payload),
        trang_thai: after.portal_status().map(|p| p.code()).unwrap_or(0),
        ngay_bat_dau: portal_date(after.received_at.unwrap_or(after.submitted_at)),
        ngay_ket_thuc_theo_quy_dinh: date(after.due_at),
    }
}
