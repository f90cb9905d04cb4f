//! Mapping of local statuses to the national portal's `TrangThaiHoSo`
//! codes 1–10, loaded from the embedded data file
//! `reference/status/portal-status-map.toml` rather than written as a match.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::status::{DossierStatus, LocalStatus, SubStatus};

/// The embedded mapping file.
pub const EMBEDDED_PORTAL_STATUS_MAP: &str =
    include_str!("../../../../reference/status/portal-status-map.toml");

/// A national portal status code (`TrangThaiHoSo`), always in 1–10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct PortalStatus(u8);

impl PortalStatus {
    /// Mới đăng ký.
    pub const SUBMITTED: Self = Self(1);
    /// Được tiếp nhận.
    pub const RECEIVED: Self = Self(2);
    /// Không được tiếp nhận.
    pub const REFUSED: Self = Self(3);
    /// Đang xử lý.
    pub const PROCESSING: Self = Self(4);
    /// Yêu cầu bổ sung giấy tờ.
    pub const SUPPLEMENT: Self = Self(5);
    /// Yêu cầu thực hiện nghĩa vụ tài chính.
    pub const PAYMENT: Self = Self(6);
    /// Công dân yêu cầu rút hồ sơ.
    pub const WITHDRAWN: Self = Self(7);
    /// Dừng xử lý.
    pub const STOPPED: Self = Self(8);
    /// Đã xử lý xong.
    pub const RESULT_READY: Self = Self(9);
    /// Đã trả kết quả.
    pub const RETURNED: Self = Self(10);

    /// Builds a code, or `None` outside 1–10.
    pub const fn new(code: u8) -> Option<Self> {
        if code >= 1 && code <= 10 {
            Some(Self(code))
        } else {
            None
        }
    }

    /// The numeric code sent to the portal.
    pub const fn code(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for PortalStatus {
    type Error = PortalMapError;
    fn try_from(code: u8) -> Result<Self, Self::Error> {
        Self::new(code).ok_or(PortalMapError::CodeOutOfRange(code))
    }
}

impl From<PortalStatus> for u8 {
    fn from(value: PortalStatus) -> Self {
        value.0
    }
}

/// Why a mapping file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortalMapError {
    /// The TOML could not be read.
    #[error("tệp ánh xạ trạng thái không đọc được / status map unreadable: {0}")]
    Syntax(String),
    /// A portal code outside 1–10.
    #[error("mã trạng thái {0} ngoài khoảng 1–10 / portal code {0} outside 1–10")]
    CodeOutOfRange(u8),
    /// A (status, sub-status) pair that no dossier can be in.
    #[error("cặp trạng thái không hợp lệ / invalid status pair: {0}")]
    UnknownPair(String),
    /// The same pair listed twice.
    #[error("trạng thái bị lặp / status mapped twice: {0}")]
    Duplicate(String),
    /// A pair of [`LocalStatus::ALL`] missing from the file.
    #[error("thiếu trạng thái / status not mapped: {0}")]
    Missing(String),
    /// A portal code no local status reaches.
    #[error("không trạng thái nào ứng với mã {0} / portal code {0} unreachable")]
    Unreachable(u8),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    status: DossierStatus,
    sub_status: SubStatus,
    portal_code: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    entry: Vec<FileEntry>,
}

/// A complete, checked mapping from every [`LocalStatus`] to a portal code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalStatusMap {
    map: BTreeMap<LocalStatus, PortalStatus>,
}

static EMBEDDED: LazyLock<Result<PortalStatusMap, PortalMapError>> =
    LazyLock::new(|| PortalStatusMap::from_toml(EMBEDDED_PORTAL_STATUS_MAP));

impl PortalStatusMap {
    /// Parses and checks a mapping: every pair of [`LocalStatus::ALL`]
    /// exactly once, nothing else, and every code 1–10 reachable.
    pub fn from_toml(text: &str) -> Result<Self, PortalMapError> {
        let file: File = toml::from_str(text).map_err(|e| PortalMapError::Syntax(e.to_string()))?;
        let mut map = BTreeMap::new();
        for entry in file.entry {
            let pair = LocalStatus::new(entry.status, entry.sub_status);
            if !pair.is_valid() {
                return Err(PortalMapError::UnknownPair(pair.to_string()));
            }
            let code = PortalStatus::try_from(entry.portal_code)?;
            if map.insert(pair, code).is_some() {
                return Err(PortalMapError::Duplicate(pair.to_string()));
            }
        }
        if let Some(missing) = LocalStatus::ALL.iter().find(|s| !map.contains_key(s)) {
            return Err(PortalMapError::Missing(missing.to_string()));
        }
        for code in 1..=10u8 {
            if !map.values().any(|c| c.code() == code) {
                return Err(PortalMapError::Unreachable(code));
            }
        }
        Ok(Self { map })
    }

    /// The mapping shipped in the binary, checked once on first use.
    pub fn embedded() -> Result<&'static PortalStatusMap, PortalMapError> {
        EMBEDDED.as_ref().map_err(Clone::clone)
    }

    /// The portal code of a local status, `None` for an invalid pair.
    pub fn code_for(&self, status: LocalStatus) -> Option<PortalStatus> {
        self.map.get(&status).copied()
    }

    /// All local statuses that map to `code`.
    pub fn statuses_for(&self, code: PortalStatus) -> Vec<LocalStatus> {
        self.map
            .iter()
            .filter(|(_, c)| **c == code)
            .map(|(s, _)| *s)
            .collect()
    }

    /// Iterates over every (local status, portal code) pair.
    pub fn iter(&self) -> impl Iterator<Item = (LocalStatus, PortalStatus)> + '_ {
        self.map.iter().map(|(s, c)| (*s, *c))
    }
}

/// The portal code of `status` under the embedded mapping.
pub fn portal_status(status: LocalStatus) -> Result<PortalStatus, PortalMapError> {
    PortalStatusMap::embedded()?
        .code_for(status)
        .ok_or_else(|| PortalMapError::UnknownPair(status.to_string()))
}
