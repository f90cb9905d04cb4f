//! The expertise tags (`reference/staff/expertise.toml`) and the procedure
//! fields each one covers.

use serde::{Deserialize, Serialize};

/// The tags shipped with motcua.
pub const EXPERTISE_TOML: &str = include_str!("../../../../reference/staff/expertise.toml");

/// One expertise tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertiseTag {
    /// Id (`dat_dai`).
    pub id: String,
    /// Vietnamese name.
    pub vi: String,
    /// English name.
    pub en: String,
    /// Procedure fields (folded) that count as work for it.
    #[serde(default)]
    pub fields: Vec<String>,
}

#[derive(Deserialize)]
struct Raw {
    tag: Vec<ExpertiseTag>,
}

/// Every tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertiseCatalog {
    tags: Vec<ExpertiseTag>,
}

impl ExpertiseCatalog {
    /// The embedded catalog.
    pub fn embedded() -> Result<Self, String> {
        Self::parse_toml(EXPERTISE_TOML)
    }

    /// Reads a catalog; ids unique, fields folded.
    pub fn parse_toml(text: &str) -> Result<Self, String> {
        let raw: Raw = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut tags = raw.tag;
        for (i, t) in tags.iter_mut().enumerate() {
            t.fields = t.fields.iter().map(|f| crate::text::fold(f)).collect();
            if t.id.is_empty() {
                return Err(format!("tag {i}: empty id"));
            }
        }
        let mut ids: Vec<&str> = tags.iter().map(|t| t.id.as_str()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|p| p[0] == p[1]) {
            return Err("duplicate tag id".into());
        }
        Ok(Self { tags })
    }

    /// Every tag, in file order.
    pub fn tags(&self) -> &[ExpertiseTag] {
        &self.tags
    }

    /// A tag by id.
    pub fn get(&self, id: &str) -> Option<&ExpertiseTag> {
        self.tags.iter().find(|t| t.id == id)
    }

    /// The tag whose work a procedure field is (folded before matching).
    pub fn tag_of_field(&self, field: &str) -> Option<&ExpertiseTag> {
        let f = crate::text::fold(field);
        self.tags.iter().find(|t| t.fields.contains(&f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixteen_tags_load_and_fields_map_to_them() {
        let c = ExpertiseCatalog::embedded().unwrap();
        assert_eq!(c.tags().len(), 16);
        assert_eq!(c.tag_of_field("Hộ tịch").unwrap().id, "tu_phap_ho_tich");
        assert_eq!(c.tag_of_field("Đất đai").unwrap().id, "dat_dai");
        assert!(c.tag_of_field("không có").is_none());
        assert!(c.get("cntt_chuyen_doi_so").is_some());
    }
}
