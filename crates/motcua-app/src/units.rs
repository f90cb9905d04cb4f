//! Use cases of the administrative-unit registry.

use std::sync::Arc;

use motcua_domain::text::VietnameseCollator;
use motcua_domain::unit::{AdministrativeUnit, Era, LineageLink, UnitChange, UnitCode, UnitLevel};
use serde::Serialize;

use crate::ports::{AppliedChange, ApplyReport, LoadReport, UnitFilter, UnitPage, UnitStore};
use crate::{AppError, refdata};

/// The largest page a caller may ask for.
pub const MAX_PAGE: u32 = 5_000;

/// A unit with its parent, children count and history.
#[derive(Debug, Clone, Serialize)]
pub struct UnitDetail {
    /// The unit itself.
    #[serde(flatten)]
    pub unit: AdministrativeUnit,
    /// Its parent unit, if any.
    pub parent: Option<AdministrativeUnit>,
    /// How many units have it as parent.
    pub children_count: u64,
    /// For a current commune: the old units that formed it.
    pub predecessors: Vec<LineageLink>,
    /// For a legacy unit: the current units it went into.
    pub successors: Vec<LineageLink>,
    /// Effective-dated changes applied to it.
    pub changes: Vec<AppliedChange>,
}

/// An old unit and where it went.
#[derive(Debug, Clone, Serialize)]
pub struct LegacySuccessors {
    /// The old unit, when it is in the legacy list.
    pub unit: Option<AdministrativeUnit>,
    /// True when it was divided among several new units.
    pub split: bool,
    /// The new units.
    pub successors: Vec<LineageLink>,
}

/// The unit registry's use cases.
#[derive(Clone)]
pub struct UnitService {
    store: Arc<dyn UnitStore>,
}

impl UnitService {
    /// Wraps a store.
    pub fn new(store: Arc<dyn UnitStore>) -> Self {
        Self { store }
    }

    /// Loads the embedded reference units (no-op when already loaded).
    pub async fn load_reference(&self) -> Result<LoadReport, AppError> {
        let data = refdata::reference_units()?;
        Ok(self.store.load_reference(&data).await?)
    }

    /// Lists units; the filter has been validated at the edge.
    pub async fn list(&self, filter: &UnitFilter) -> Result<UnitPage, AppError> {
        if filter.limit == 0 || filter.limit > MAX_PAGE {
            return Err(AppError::Invalid(format!(
                "limit phải từ 1 đến {MAX_PAGE} / limit must be between 1 and {MAX_PAGE}"
            )));
        }
        Ok(self.store.list_units(filter).await?)
    }

    /// Lists units ordered by name in Vietnamese collation (Ă after A, Đ after
    /// D, tones as secondary differences). The whole match set is collated,
    /// then paged, so pages are consistent; at most 15,000 rows match.
    pub async fn list_by_name(&self, filter: &UnitFilter) -> Result<UnitPage, AppError> {
        if filter.limit == 0 || filter.limit > MAX_PAGE {
            return Err(AppError::Invalid(format!(
                "limit phải từ 1 đến {MAX_PAGE} / limit must be between 1 and {MAX_PAGE}"
            )));
        }
        let mut all = Vec::new();
        let mut offset = 0;
        loop {
            let page = self
                .store
                .list_units(&UnitFilter {
                    limit: MAX_PAGE,
                    offset,
                    ..filter.clone()
                })
                .await?;
            let got = page.items.len();
            all.extend(page.items);
            if got < MAX_PAGE as usize {
                break;
            }
            offset += MAX_PAGE;
        }
        VietnameseCollator::shared().sort_by_key(&mut all, |u| u.short_name.as_str());
        let total = all.len() as u64;
        let items = all
            .into_iter()
            .skip(filter.offset as usize)
            .take(filter.limit as usize)
            .collect();
        Ok(UnitPage { items, total })
    }

    /// One current unit (or, failing that, a legacy one) with its history.
    pub async fn detail(&self, code: &UnitCode) -> Result<UnitDetail, AppError> {
        let (era, unit) = match self.store.get_unit(Era::Current, code).await? {
            Some(u) => (Era::Current, u),
            None => match self.store.get_unit(Era::Legacy, code).await? {
                Some(u) => (Era::Legacy, u),
                None => return Err(not_found(code)),
            },
        };
        let parent = match &unit.parent_code {
            Some(p) => self.store.get_unit(era, p).await?,
            None => None,
        };
        let children_count = self.store.count_children(era, code).await?;
        let (predecessors, successors) = match (era, unit.level) {
            (Era::Current, UnitLevel::Commune) => (self.store.predecessors(code).await?, vec![]),
            (Era::Legacy, _) => (vec![], self.store.successors(code).await?),
            _ => (vec![], vec![]),
        };
        let changes = self.store.changes_of(code).await?;
        Ok(UnitDetail {
            unit,
            parent,
            children_count,
            predecessors,
            successors,
            changes,
        })
    }

    /// Where an old commune (or island district) went.
    pub async fn legacy(&self, old_code: &UnitCode) -> Result<LegacySuccessors, AppError> {
        let successors = self.store.successors(old_code).await?;
        let unit = self.store.get_unit(Era::Legacy, old_code).await?;
        if successors.is_empty() && unit.is_none() {
            return Err(not_found(old_code));
        }
        let split = successors.len() > 1;
        Ok(LegacySuccessors {
            unit,
            split,
            successors,
        })
    }

    /// Applies a change set; checks each change against the unit first.
    pub async fn apply_changes(&self, changes: &[UnitChange]) -> Result<ApplyReport, AppError> {
        let mut problems = Vec::new();
        for change in changes {
            match self.store.get_unit(Era::Current, &change.code).await? {
                None => problems.push(format!("{}: không có đơn vị / no such unit", change.code)),
                Some(u) if u.level != change.level => problems.push(format!(
                    "{}: sai cấp / wrong level {}",
                    change.code,
                    change.level.as_str()
                )),
                Some(_) => {}
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems.join("; ")));
        }
        Ok(self.store.apply_changes(changes).await?)
    }
}

fn not_found(code: &UnitCode) -> AppError {
    AppError::NotFound(format!(
        "Không tìm thấy đơn vị hành chính mã {code} / no administrative unit with code {code}"
    ))
}
