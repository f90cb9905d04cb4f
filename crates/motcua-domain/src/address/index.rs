//! The look-up tables of the converter, built once from the unit records,
//! the old→new links and the effective-dated changes.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::tokens::name_key;
use crate::unit::{
    AdministrativeUnit, Era, LineageLink, UnitChange, UnitCode, UnitLevel, UnitType,
};

/// What a node of the index is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// A province of the old three tiers.
    OldProvince,
    /// An old district (abolished 1 July 2025).
    OldDistrict,
    /// An old commune, ward or township.
    OldCommune,
    /// A current province or centrally-run city.
    NewProvince,
    /// A current commune, ward or special zone.
    NewCommune,
}

impl Kind {
    pub(crate) fn is_province(self) -> bool {
        matches!(self, Self::OldProvince | Self::NewProvince)
    }
    pub(crate) fn is_commune(self) -> bool {
        matches!(self, Self::OldCommune | Self::NewCommune)
    }
    pub(crate) fn is_old(self) -> bool {
        matches!(
            self,
            Self::OldProvince | Self::OldDistrict | Self::OldCommune
        )
    }
}

/// One new unit an old one went (wholly or partly) into.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    /// The new commune.
    pub node: u32,
    /// The conversion table says only part of the old unit went here.
    pub partial: bool,
}

/// A unit of either era.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub code: UnitCode,
    pub name: String,
    pub unit_type: UnitType,
    pub kind: Kind,
    /// District of an old commune, province of an old district or new commune.
    pub parent: Option<u32>,
    /// The province of the same era (itself for a province).
    pub province: u32,
    /// The current province: of the old province for old units.
    pub new_province: Option<u32>,
    /// Old communes and island districts: where they went.
    pub targets: Vec<Target>,
    /// Current units: changes (indexes into [`AddressIndex::changes`]).
    pub changes: Vec<u32>,
    /// The name's key without the type word.
    pub key: String,
}

/// Why the index could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dữ liệu đơn vị không nhất quán / inconsistent unit data: {0}")]
pub struct IndexError(pub String);

/// Everything the converter looks up, built once from the records passed
/// in (see [`AddressIndex::new`]). Pure data: no I/O.
#[derive(Debug, Clone)]
pub struct AddressIndex {
    pub(crate) nodes: Vec<Node>,
    pub(crate) names: HashMap<String, Vec<u32>>,
    pub(crate) changes: Vec<UnitChange>,
    /// The longest name, in words.
    pub(crate) max_words: usize,
    /// Communes under a node: an old district's, an old province's, a new
    /// province's.
    pub(crate) communes_of: HashMap<u32, Vec<u32>>,
}

/// Other spellings of province names (folded), with the province code.
const PROVINCE_ALIASES: &[(&str, &str)] = &[
    ("hcm", "79"),
    ("tphcm", "79"),
    ("hcmc", "79"),
    ("sai gon", "79"),
    ("saigon", "79"),
    ("sg", "79"),
    ("hn", "01"),
    ("tphn", "01"),
    ("thua thien hue", "46"),
    ("tt hue", "46"),
    ("brvt", "77"),
    ("br vt", "77"),
    ("dac lac", "66"),
    ("daclac", "66"),
    ("dac nong", "67"),
];

fn short_key(name: &str, unit_type: UnitType) -> String {
    let key = name_key(name);
    let type_key = name_key(unit_type.as_str());
    match key.strip_prefix(&type_key) {
        Some(rest) if rest.starts_with(' ') => rest[1..].to_owned(),
        _ => key,
    }
}

impl AddressIndex {
    /// Builds the index from current and legacy units, the old→new links and
    /// the effective-dated changes (each applies from its `effective_on`).
    pub fn new(
        units: &[AdministrativeUnit],
        lineage: &[LineageLink],
        changes: &[UnitChange],
    ) -> Result<Self, IndexError> {
        let mut nodes: Vec<Node> = Vec::with_capacity(units.len());
        let mut by_code: HashMap<(Kind, &str), u32> = HashMap::with_capacity(units.len());
        for u in units {
            let kind = match (u.era, u.level) {
                (Era::Legacy, UnitLevel::Province) => Kind::OldProvince,
                (Era::Legacy, UnitLevel::District) => Kind::OldDistrict,
                (Era::Legacy, UnitLevel::Commune) => Kind::OldCommune,
                (Era::Current, UnitLevel::Province) => Kind::NewProvince,
                (Era::Current, UnitLevel::Commune) => Kind::NewCommune,
                (Era::Current, UnitLevel::District) => {
                    return Err(IndexError(format!("current district {}", u.code)));
                }
            };
            by_code.insert((kind, u.code.as_str()), nodes.len() as u32);
            nodes.push(Node {
                code: u.code.clone(),
                name: u.name.clone(),
                unit_type: u.unit_type,
                kind,
                parent: None,
                province: 0,
                new_province: None,
                targets: Vec::new(),
                changes: Vec::new(),
                key: short_key(&u.name, u.unit_type),
            });
        }
        let find = |kind: Kind, code: &UnitCode| -> Result<u32, IndexError> {
            by_code
                .get(&(kind, code.as_str()))
                .copied()
                .ok_or_else(|| IndexError(format!("no {kind:?} {code}")))
        };
        for (i, u) in units.iter().enumerate() {
            let kind = nodes[i].kind;
            let parent_kind = match kind {
                Kind::OldCommune => Some(Kind::OldDistrict),
                Kind::OldDistrict => Some(Kind::OldProvince),
                Kind::NewCommune => Some(Kind::NewProvince),
                _ => None,
            };
            let province_kind = if kind.is_old() {
                Kind::OldProvince
            } else {
                Kind::NewProvince
            };
            nodes[i].parent = match (parent_kind, &u.parent_code) {
                (Some(k), Some(p)) => Some(find(k, p)?),
                _ => None,
            };
            nodes[i].province = find(province_kind, &u.province_code)?;
        }
        // Old province → new province, read off the links.
        let mut province_map: HashMap<u32, u32> = HashMap::new();
        for link in lineage {
            let old_p = find(Kind::OldProvince, &link.old_province_code)?;
            let new_p = find(Kind::NewProvince, &link.new_province_code)?;
            province_map.insert(old_p, new_p);
            let old_kind = match link.old_level {
                UnitLevel::Commune => Kind::OldCommune,
                _ => Kind::OldDistrict,
            };
            let old = find(old_kind, &link.old_code)?;
            let new = find(Kind::NewCommune, &link.new_code)?;
            if !nodes[old as usize].targets.iter().any(|t| t.node == new) {
                nodes[old as usize].targets.push(Target {
                    node: new,
                    partial: link.partial,
                });
            }
        }
        for node in &mut nodes {
            node.new_province = if node.kind.is_old() {
                province_map.get(&node.province).copied()
            } else {
                Some(node.province)
            };
            node.targets.sort_by_key(|t| t.node);
        }
        let mut changes: Vec<UnitChange> = changes.to_vec();
        changes.sort_by_key(|c| c.effective_on);
        let mut names: HashMap<String, Vec<u32>> = HashMap::with_capacity(nodes.len());
        let add = |names: &mut HashMap<String, Vec<u32>>, key: String, node: u32| {
            let list = names.entry(key).or_default();
            if !list.contains(&node) {
                list.push(node);
            }
        };
        for (i, change) in changes.iter().enumerate() {
            let kind = match change.level {
                UnitLevel::Province => Kind::NewProvince,
                _ => Kind::NewCommune,
            };
            let node = find(kind, &change.code)?;
            nodes[node as usize].changes.push(i as u32);
            add(
                &mut names,
                short_key(&change.name_after, change.type_after),
                node,
            );
        }
        for (i, node) in nodes.iter().enumerate() {
            add(&mut names, node.key.clone(), i as u32);
            if node.kind.is_province() {
                let glued: String = node.key.split(' ').collect();
                add(&mut names, glued, i as u32);
            }
        }
        for (alias, code) in PROVINCE_ALIASES {
            for kind in [Kind::OldProvince, Kind::NewProvince] {
                if let Some(&n) = by_code.get(&(kind, *code)) {
                    add(&mut names, (*alias).to_owned(), n);
                }
            }
        }
        let max_words = names
            .keys()
            .map(|k| k.split(' ').count())
            .max()
            .unwrap_or(1);
        let mut communes_of: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, node) in nodes.iter().enumerate() {
            if node.kind.is_commune() {
                communes_of.entry(node.province).or_default().push(i as u32);
                if let Some(p) = node.parent.filter(|_| node.kind == Kind::OldCommune) {
                    communes_of.entry(p).or_default().push(i as u32);
                }
            }
        }
        Ok(Self {
            nodes,
            names,
            changes,
            max_words,
            communes_of,
        })
    }

    /// How many units and names the index holds.
    pub fn size(&self) -> (usize, usize) {
        (self.nodes.len(), self.names.len())
    }

    pub(crate) fn node(&self, i: u32) -> &Node {
        &self.nodes[i as usize]
    }

    /// The changes of a node in force on `as_of`, oldest first.
    pub(crate) fn changes_in_force(
        &self,
        i: u32,
        as_of: NaiveDate,
    ) -> impl Iterator<Item = &UnitChange> {
        self.node(i)
            .changes
            .iter()
            .map(|&c| &self.changes[c as usize])
            .filter(move |c| c.effective_on <= as_of)
    }

    /// The official name on `as_of` (after any change in force).
    pub(crate) fn name_at(&self, i: u32, as_of: NaiveDate) -> &str {
        self.changes_in_force(i, as_of)
            .last()
            .map(|c| c.name_after.as_str())
            .unwrap_or(&self.node(i).name)
    }

    /// True when the unit is (or was, or will be) of this type.
    pub(crate) fn has_type(&self, i: u32, t: UnitType) -> bool {
        let node = self.node(i);
        node.unit_type == t
            || node
                .changes
                .iter()
                .any(|&c| self.changes[c as usize].type_after == t)
    }
}
