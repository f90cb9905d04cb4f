//! Warnings and reasons, in Vietnamese and English.

use std::fmt;

use serde::{Serialize, Serializer};

/// A warning about a conversion, or why a candidate was offered. Shown in
/// Vietnamese ([`Note::vi`]), English ([`Note::en`]) or both
/// (`Display`: "vi / en").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Nothing was typed.
    Empty,
    /// No commune was recognised.
    NoCommune,
    /// No province was recognised.
    NoProvince,
    /// An old address without its district: the commune was looked for in
    /// the whole province.
    NoDistrict,
    /// The district written is not the commune's; it was ignored.
    DistrictIgnored {
        /// As typed.
        written: String,
        /// The commune.
        commune: String,
        /// Its real district (old addresses), if any.
        actual: Option<String>,
    },
    /// Text that could not be read and was skipped.
    Skipped {
        /// As typed.
        text: String,
    },
    /// The old province no longer exists.
    ProvinceMerged {
        /// The old province.
        old: String,
        /// The province it is part of now.
        now: String,
    },
    /// The old commune was divided among several new ones.
    Split {
        /// The old commune.
        old: String,
        /// Into how many.
        parts: usize,
    },
    /// The table records only part of the old commune going into one new one.
    Partial {
        /// The old commune.
        old: String,
        /// The new commune.
        new: String,
    },
    /// An old commune that is not in the conversion table.
    NoLineage {
        /// The old commune.
        old: String,
    },
    /// A change in force on the conversion day.
    Changed {
        /// Name before.
        before: String,
        /// Name after.
        after: String,
        /// Legal basis.
        basis: String,
    },
    /// A unit typed with another type word ("Thành phố Cao Lãnh" for the
    /// district "Huyện Cao Lãnh").
    ReadAs {
        /// The type word typed.
        written: String,
        /// The unit it was read as.
        unit: String,
    },
    /// The conversion day is before the two-tier structure.
    BeforeTwoTier {
        /// The day asked for (YYYY-MM-DD).
        as_of: String,
    },
    /// More candidates than shown.
    MoreCandidates {
        /// How many in all.
        total: usize,
    },
    /// Candidate: the name is already a current unit.
    CurrentName,
    /// Candidate: an old unit went (wholly) into this one.
    FromOld {
        /// The old unit, with its district and province.
        old: String,
    },
    /// Candidate: part of a split old unit went into this one.
    PartOf {
        /// The old unit, with its district and province.
        old: String,
    },
    /// Candidate (not found): a unit whose name is close to what was
    /// typed; a suggestion of what was meant, old or current, not an answer.
    Similar {
        /// Where it is (district, province).
        place: String,
        /// Whether the suggested unit is an old one (before 1/7/2025); it
        /// is a current one otherwise.
        old: bool,
    },
}

impl Note {
    /// The Vietnamese text.
    pub fn vi(&self) -> String {
        match self {
            Self::Empty => "Chưa nhập địa chỉ.".into(),
            Self::NoCommune => "Không nhận ra xã, phường trong địa chỉ.".into(),
            Self::NoProvince => "Địa chỉ không ghi tỉnh, thành phố.".into(),
            Self::NoDistrict => {
                "Địa chỉ cũ không ghi quận, huyện: đã tìm xã, phường trong cả tỉnh.".into()
            }
            Self::DistrictIgnored {
                written,
                commune,
                actual: Some(actual),
            } => format!("Đã bỏ qua “{written}”: {commune} thuộc {actual}."),
            Self::DistrictIgnored {
                written, commune, ..
            } => format!("Đã bỏ qua “{written}”: {commune} không thuộc đơn vị này."),
            Self::Skipped { text } => format!("Không đọc được “{text}”, đã bỏ qua."),
            Self::ProvinceMerged { old, now } => format!("{old} nay thuộc {now}."),
            Self::Split { old, parts } => format!(
                "{old} được chia cho {parts} đơn vị mới. Bảng chuyển đổi chính thức không ghi \
                 đường phố, thôn, tổ nào thuộc đơn vị nào, nên không tự chọn: cần đối chiếu \
                 với UBND xã, phường."
            ),
            Self::Partial { old, new } => format!(
                "Bảng chuyển đổi ghi chỉ một phần {old} nhập vào {new} và không ghi phần còn \
                 lại; nên kiểm tra lại."
            ),
            Self::NoLineage { old } => format!(
                "{old} không có trong bảng chuyển đổi ngày 1/7/2025 (đã được sắp xếp lại \
                 trước đó)."
            ),
            Self::Changed {
                before,
                after,
                basis,
            } => format!("{before} nay là {after} ({basis})."),
            Self::ReadAs { written, unit } => {
                format!("Địa chỉ ghi “{written}” nhưng đơn vị là {unit}; đã hiểu là {unit}.")
            }
            Self::BeforeTwoTier { as_of } => format!(
                "Ngày {as_of} trước 1/7/2025: khi đó vẫn còn cấp huyện; kết quả là đơn vị \
                 từ 1/7/2025."
            ),
            Self::MoreCandidates { total } => {
                format!("Còn nhiều đơn vị khác ({total} tất cả); hãy ghi thêm quận, huyện, tỉnh.")
            }
            Self::CurrentName => "Đã là tên đơn vị hiện nay.".into(),
            Self::FromOld { old } => format!("{old} nay thuộc đơn vị này."),
            Self::PartOf { old } => format!("Một phần {old} nhập vào đơn vị này."),
            Self::Similar { place, old: true } => {
                format!("Tên gần giống: đơn vị cũ trước 1/7/2025 ({place}).")
            }
            Self::Similar { place, old: false } => {
                format!("Tên gần giống: đơn vị hiện nay ({place}).")
            }
        }
    }

    /// The English text.
    pub fn en(&self) -> String {
        match self {
            Self::Empty => "No address given.".into(),
            Self::NoCommune => "No commune or ward recognised in the address.".into(),
            Self::NoProvince => "The address names no province.".into(),
            Self::NoDistrict => {
                "Old address without its district: the commune was looked for in the whole \
                 province."
                    .into()
            }
            Self::DistrictIgnored {
                written,
                commune,
                actual: Some(actual),
            } => format!("Ignored “{written}”: {commune} is in {actual}."),
            Self::DistrictIgnored {
                written, commune, ..
            } => format!("Ignored “{written}”: {commune} is not in it."),
            Self::Skipped { text } => format!("Could not read “{text}”; skipped."),
            Self::ProvinceMerged { old, now } => format!("{old} is now part of {now}."),
            Self::Split { old, parts } => format!(
                "{old} was divided among {parts} new units. The official conversion table \
                 does not say which streets or villages went where, so none is chosen: check \
                 with the commune office."
            ),
            Self::Partial { old, new } => format!(
                "The conversion table records only part of {old} going into {new} and says \
                 nothing of the rest; check it."
            ),
            Self::NoLineage { old } => format!(
                "{old} is not in the conversion table of 1 July 2025 (it was reorganised \
                 before)."
            ),
            Self::Changed {
                before,
                after,
                basis,
            } => format!("{before} is now {after} ({basis})."),
            Self::ReadAs { written, unit } => {
                format!("The address says “{written}” but the unit is {unit}; read as {unit}.")
            }
            Self::BeforeTwoTier { as_of } => format!(
                "{as_of} is before 1 July 2025, when districts still existed; the answer is \
                 the unit from 1 July 2025."
            ),
            Self::MoreCandidates { total } => {
                format!("More units match ({total} in all); add the district or the province.")
            }
            Self::CurrentName => "Already the name of a current unit.".into(),
            Self::FromOld { old } => format!("{old} went into this unit."),
            Self::PartOf { old } => format!("Part of {old} went into this unit."),
            Self::Similar { place, old: true } => {
                format!("Similar name: an old unit, before 1 July 2025 ({place}).")
            }
            Self::Similar { place, old: false } => {
                format!("Similar name: a current unit ({place}).")
            }
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.vi(), self.en())
    }
}

impl Serialize for Note {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
