//! People, not ids (issue 14 item 2): the one place that turns account ids
//! into the names and positions shown on pages and forms, and the officers
//! and units a dossier may be handed over to.
//!
//! A page collects every id it shows and asks [`names`] once; the answer
//! ([`OfficerNames`]) is that request's cache. An id without an account
//! (the development login, an account removed since) is shown as itself.

use std::collections::{BTreeSet, HashMap};

use motcua_domain::identity::Account;
use motcua_domain::text::{VietnameseCollator, fold};

use crate::AppError;
use crate::ports::{DossierPorts, Store};

/// Names of accounts for one request; unknown ids fall back to the id.
#[derive(Debug, Clone, Default)]
pub struct OfficerNames {
    by_id: HashMap<String, (String, Option<String>)>,
}

impl OfficerNames {
    /// The display name of `id`, or `id` itself when there is no account.
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.by_id.get(id).map_or(id, |(name, _)| name.as_str())
    }

    /// The position (chức vụ) of `id`, when known.
    pub fn position(&self, id: &str) -> Option<&str> {
        self.by_id.get(id).and_then(|(_, p)| p.as_deref())
    }

    /// "Name (position)" or just the name.
    pub fn name_and_position(&self, id: &str) -> String {
        match self.position(id) {
            Some(p) => format!("{} ({p})", self.name(id)),
            None => self.name(id).to_owned(),
        }
    }

    /// Whether `id` is a known account.
    pub fn knows(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }
}

/// The names of `ids` in one store query (duplicates and blanks ignored).
pub async fn names<'a, I>(store: &dyn Store, ids: I) -> Result<OfficerNames, AppError>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted: BTreeSet<String> = ids
        .into_iter()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect();
    let wanted: Vec<String> = wanted.into_iter().collect();
    let accounts = store.accounts_by_ids(&wanted).await?;
    Ok(OfficerNames {
        by_id: accounts
            .into_iter()
            .filter(|a| !a.display_name.trim().is_empty())
            .map(|a| (a.id, (a.display_name, a.position)))
            .collect(),
    })
}

/// The name of one account (for a page that shows a single officer).
pub async fn officer_name(store: &dyn Store, id: &str) -> Result<String, AppError> {
    Ok(names(store, [id]).await?.name(id).to_owned())
}

/// Whether a hand-over target is an officer or a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// An officer (account id).
    Officer,
    /// A unit (agency id).
    Unit,
}

/// One officer or unit a dossier may be handed over to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandOverTarget {
    /// Account id or agency id: what the action's `to` carries.
    pub id: String,
    /// Officer or unit.
    pub kind: TargetKind,
    /// What the list shows: "Name — position — agency" or the unit's name.
    pub label: String,
    /// The label folded (no diacritics, lower case), for searching.
    pub folded: String,
}

/// Officers (active, with a dossier role) of `root` and the agencies below
/// it, and the units they work in (with `root` itself), sorted in
/// Vietnamese order by label, officers first.
pub async fn hand_over_targets(
    store: &dyn DossierPorts,
    root: &str,
) -> Result<Vec<HandOverTarget>, AppError> {
    let officers: Vec<Account> = store.officers_under(root).await?;
    let mut agency_names: HashMap<String, String> = HashMap::new();
    let mut units: BTreeSet<String> = officers.iter().map(|a| a.agency_id.clone()).collect();
    units.insert(root.to_owned());
    for id in &units {
        if let Some(a) = store.get_agency(id).await?
            && a.active
        {
            agency_names.insert(id.clone(), a.name);
        }
    }
    let mut people: Vec<HandOverTarget> = officers
        .into_iter()
        .map(|a| {
            let mut label = a.display_name.clone();
            if let Some(p) = a.position.as_deref().filter(|p| !p.trim().is_empty()) {
                label.push_str(" — ");
                label.push_str(p);
            }
            if let Some(agency) = agency_names.get(&a.agency_id) {
                label.push_str(" — ");
                label.push_str(agency);
            }
            HandOverTarget {
                folded: fold(&format!("{label} {}", a.id)),
                id: a.id,
                kind: TargetKind::Officer,
                label,
            }
        })
        .collect();
    let mut unit_targets: Vec<HandOverTarget> = agency_names
        .into_iter()
        .map(|(id, name)| HandOverTarget {
            folded: fold(&format!("{name} {id}")),
            label: name,
            id,
            kind: TargetKind::Unit,
        })
        .collect();
    let collator = VietnameseCollator::shared();
    collator.sort_by_key(&mut people, |t| t.label.as_str());
    collator.sort_by_key(&mut unit_targets, |t| t.label.as_str());
    people.extend(unit_targets);
    Ok(people)
}

/// Finds what the officer typed or picked among `targets`: the exact id,
/// else the exact label (what a `<datalist>` shows, diacritics optional),
/// else a label with its id in parentheses, else the only target whose
/// label contains what was typed (folded, 3 letters at least); `None` when
/// nothing or more than one matches.
pub fn resolve_target<'a>(targets: &'a [HandOverTarget], raw: &str) -> Option<&'a HandOverTarget> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    targets
        .iter()
        .find(|t| t.id == raw)
        .or_else(|| {
            let folded = fold(raw);
            let mut hits = targets.iter().filter(|t| fold(&t.label) == folded);
            match (hits.next(), hits.next()) {
                (Some(one), None) => Some(one),
                _ => None,
            }
        })
        .or_else(|| {
            let id = raw.rsplit_once('(')?.1.strip_suffix(')')?.trim();
            targets.iter().find(|t| t.id == id)
        })
        .or_else(|| {
            // Typed without diacritics, e.g. "hoa": the one target whose
            // folded label contains it (never a guess among several).
            let folded = fold(raw);
            if folded.chars().count() < 3 {
                return None;
            }
            let mut hits = targets.iter().filter(|t| t.folded.contains(&folded));
            match (hits.next(), hits.next()) {
                (Some(one), None) => Some(one),
                _ => None,
            }
        })
}

/// The message for a hand-over to someone out of scope.
pub fn unknown_target_message(raw: &str) -> (String, String) {
    (
        format!(
            "Không có cán bộ hoặc đơn vị \"{raw}\" trong cơ quan đang giải quyết hồ sơ: chọn trong danh sách"
        ),
        format!(
            "No officer or unit \"{raw}\" in the agency handling the dossier: pick one from the list"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, kind: TargetKind, label: &str) -> HandOverTarget {
        HandOverTarget {
            id: id.into(),
            kind,
            label: label.into(),
            folded: fold(label),
        }
    }

    #[test]
    fn resolves_ids_labels_and_labels_with_ids() {
        let list = [
            t("cv.a", TargetKind::Officer, "Nguyễn Thị Hoa — Công chức"),
            t("H55.X", TargetKind::Unit, "Ủy ban nhân dân Xã Côn Minh"),
        ];
        assert_eq!(resolve_target(&list, "cv.a").unwrap().id, "cv.a");
        assert_eq!(
            resolve_target(&list, "nguyen thi hoa — cong chuc")
                .unwrap()
                .id,
            "cv.a"
        );
        assert_eq!(resolve_target(&list, "Bất kỳ (H55.X)").unwrap().id, "H55.X");
        assert_eq!(resolve_target(&list, "con minh").unwrap().id, "H55.X");
        assert!(resolve_target(&list, "Chị Lan phòng tư pháp").is_none());
        assert!(resolve_target(&list, "nh").is_none());
        assert!(resolve_target(&list, "  ").is_none());
    }

    #[test]
    fn unknown_ids_show_as_themselves() {
        let names = OfficerNames::default();
        assert_eq!(names.name("dev.x"), "dev.x");
        assert!(!names.knows("dev.x"));
    }
}
