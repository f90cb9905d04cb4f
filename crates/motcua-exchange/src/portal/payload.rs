//! The national portal's (Cổng DVCQG) legacy adapter payloads:
//! `DongBoHoSoMC` (dossier sync) and `CapNhatTienDoHoSoMC` (progress), with
//! the fields of one-stop-rules §4.2–4.3. Dates are `yyyyMMddHHmmss` in
//! Asia/Ho_Chi_Minh.

use chrono::{DateTime, Utc};
use motcua_domain::clock::to_local;
use serde::{Deserialize, Serialize};

/// `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh (UTC+7, no daylight saving since 1975).
pub fn portal_date(at: DateTime<Utc>) -> String {
    to_local(at).format("%Y%m%d%H%M%S").to_string()
}

/// One submitted document (`TaiLieuNop[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaiLieuNop {
    /// Attachment id.
    pub tep_dinh_kem_id: String,
    /// Document name.
    pub ten_tep_dinh_kem: String,
    /// Always 0 here.
    pub is_deleted: u8,
    /// Component code.
    pub ma_thanh_phan_ho_so: String,
    /// Link to the file, when stored.
    pub duong_dan_tai_tep_tin: String,
    /// 1 when digitised or reused from a database.
    pub duoc_so_hoa: u8,
    /// 1 when taken from the citizen's data store on the portal.
    #[serde(rename = "DuocLayTuKhoDMQG")]
    pub duoc_lay_tu_kho_dmqg: u8,
}

/// One fee line (`DanhSachLePhi[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LePhi {
    /// Name.
    pub ten_phi_le_phi: String,
    /// Code.
    pub ma_phi_le_phi: String,
    /// 1 at the desk, 2 online (how it was or will be collected).
    pub hinh_thuc_thu: u8,
    /// Amount in đồng.
    pub gia: u64,
    /// 1 phí, 2 lệ phí, 3 other.
    pub loai_phi_le_phi: u8,
}

/// A supplement or an extension (`DanhSachHoSoBoSung[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HoSoBoSung {
    /// Id within the dossier.
    pub ho_so_bo_sung_id: String,
    /// What was asked, or the reason of an extension.
    pub noi_dung_bo_sung: String,
    /// When asked.
    pub ngay_bo_sung: String,
    /// When the supplement was received (empty while pending).
    pub ngay_tiep_nhan_bo_sung: String,
    /// 1 done, 0 pending.
    pub trang_thai_bo_sung: u8,
    /// Due date before an extension.
    pub ngay_hen_tra_truoc: String,
    /// Due date after an extension.
    pub ngay_hen_tra_moi: String,
}

/// One result document (`DanhSachGiayToKetQua[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GiayToKetQua {
    /// Name.
    pub ten_giay_to: String,
    /// Number or id.
    pub giay_to_id: String,
    /// Link to the electronic result.
    pub duong_dan_tep_tin_ket_qua: String,
}

/// One dossier in `DongBoHoSoMC`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HoSoMC {
    /// Mã hồ sơ.
    pub ma_ho_so: String,
    /// National procedure code.
    #[serde(rename = "MaTTHC")]
    pub ma_tthc: String,
    /// Procedure name.
    #[serde(rename = "TenTTHC")]
    pub ten_tthc: String,
    /// Field code.
    pub ma_linh_vuc: String,
    /// Field name.
    pub ten_linh_vuc: String,
    /// Applicant name (the portal holds it).
    pub chu_ho_so: String,
    /// 1 citizen, 2 organisation.
    pub loai_doi_tuong: u8,
    /// Applicant identifier.
    pub ma_doi_tuong: String,
    /// Phone.
    pub so_dien_thoai: String,
    /// Summary.
    pub trich_yeu_ho_so: String,
    /// Received.
    pub ngay_tiep_nhan: String,
    /// Due.
    pub ngay_hen_tra: String,
    /// Status 1–10.
    pub trang_thai_ho_so: u8,
    /// Returned.
    pub ngay_tra: String,
    /// End of processing.
    pub ngay_ket_thuc_xu_ly: String,
    /// Processing unit.
    pub don_vi_xu_ly: String,
    /// Channel 1–3.
    pub kenh_thuc_hien: u8,
    /// 0 not paid online, 1 national platform, 2 local gateway.
    pub duoc_thanh_toan_truc_tuyen: u8,
    /// 1 when some component is digitised.
    pub ho_so_co_thanh_phan_so_hoa: u8,
    /// Documents.
    pub tai_lieu_nop: Vec<TaiLieuNop>,
    /// Fees.
    pub danh_sach_le_phi: Vec<LePhi>,
    /// Supplements and extensions.
    pub danh_sach_ho_so_bo_sung: Vec<HoSoBoSung>,
    /// Results.
    pub danh_sach_giay_to_ket_qua: Vec<GiayToKetQua>,
}

/// One progress step in `CapNhatTienDoHoSoMC`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TienDoHoSoMC {
    /// Mã hồ sơ.
    pub ma_ho_so: String,
    /// Who acted.
    pub nguoi_xu_ly: String,
    /// Their title (not known yet: empty).
    pub chuc_danh: String,
    /// When.
    pub thoi_diem_xu_ly: String,
    /// The agency holding the dossier.
    pub phong_ban_xu_ly: String,
    /// What was done.
    pub noi_dung_xu_ly: String,
    /// Status 1–10 after the step.
    pub trang_thai: u8,
    /// Start (received, else filed).
    pub ngay_bat_dau: String,
    /// Due.
    pub ngay_ket_thuc_theo_quy_dinh: String,
}

/// The body the adapter sends: `{"service", "isUpdating", "data"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCall<T> {
    /// `DongBoHoSoMC` or `CapNhatTienDoHoSoMC`.
    pub service: String,
    /// Whether the dossiers were synced before.
    #[serde(rename = "isUpdating")]
    pub is_updating: bool,
    /// The items.
    pub data: Vec<T>,
}
