//! Use cases of agencies and service points.

use std::sync::Arc;

use motcua_domain::agency::{Agency, CenterLayout, default_agencies, is_valid_identifier};
use motcua_domain::unit::{Era, UnitCode, UnitLevel};

use crate::AppError;
use crate::ports::{AgencyDirectory, AgencyFilter, UnitFilter};

/// The province an instance serves.
#[derive(Debug, Clone)]
pub struct ProvinceSettings {
    /// Statistics-office province code (e.g. `19`).
    pub code: String,
    /// Level-1 electronic identifier of the province (e.g. `H55`).
    pub identifier_root: String,
    /// Center layout; `None` picks the known layout for the province.
    pub layout: Option<CenterLayout>,
}

/// The agency use cases.
#[derive(Clone)]
pub struct AgencyService {
    store: Arc<dyn AgencyDirectory>,
}

impl AgencyService {
    /// Wraps a store.
    pub fn new(store: Arc<dyn AgencyDirectory>) -> Self {
        Self { store }
    }

    /// Creates the default agencies of the province that are still missing.
    /// Agencies an administrator edited are left as they are.
    pub async fn ensure_defaults(&self, province: &ProvinceSettings) -> Result<usize, AppError> {
        if !is_valid_identifier(&province.identifier_root) {
            return Err(AppError::Invalid(format!(
                "mã định danh gốc không hợp lệ / invalid identifier root {:?}",
                province.identifier_root
            )));
        }
        let code = UnitCode::parse(&province.code).map_err(|e| AppError::Invalid(e.to_string()))?;
        let unit = self
            .store
            .get_unit(Era::Current, &code)
            .await?
            .filter(|u| u.level == UnitLevel::Province)
            .ok_or_else(|| {
                AppError::Invalid(format!("không có tỉnh mã {code} / no province {code}"))
            })?;
        let communes = self
            .store
            .list_units(&UnitFilter {
                era: Era::Current,
                level: Some(UnitLevel::Commune),
                unit_type: None,
                parent: Some(code.clone()),
                query_folded: None,
                limit: 5_000,
                offset: 0,
            })
            .await?
            .items;
        let layout = province
            .layout
            .unwrap_or_else(|| CenterLayout::for_province(code.as_str()));
        let agencies = default_agencies(&unit, &communes, &province.identifier_root, layout);
        Ok(self.store.insert_missing_agencies(&agencies).await?)
    }

    /// Lists agencies.
    pub async fn list(&self, filter: &AgencyFilter) -> Result<(Vec<Agency>, u64), AppError> {
        Ok(self.store.list_agencies(filter).await?)
    }

    /// One agency.
    pub async fn get(&self, id: &str) -> Result<Agency, AppError> {
        self.store.get_agency(id).await?.ok_or_else(|| {
            AppError::NotFound(format!("Không tìm thấy cơ quan {id} / no agency {id}"))
        })
    }

    /// Creates or edits an agency after checking its identifier, unit and parent.
    pub async fn save(&self, agency: &Agency) -> Result<(), AppError> {
        if !is_valid_identifier(&agency.id) {
            return Err(AppError::Invalid(format!(
                "mã định danh không hợp lệ (tối đa 35 ký tự . 0-9 A-Z) / invalid identifier {:?}",
                agency.id
            )));
        }
        if agency.name.trim().is_empty() {
            return Err(AppError::Invalid(
                "tên cơ quan trống / empty agency name".into(),
            ));
        }
        let unit =
            UnitCode::parse(&agency.unit_code).map_err(|e| AppError::Invalid(e.to_string()))?;
        if self.store.get_unit(Era::Current, &unit).await?.is_none() {
            return Err(AppError::Invalid(format!(
                "không có đơn vị {unit} / no unit {unit}"
            )));
        }
        if let Some(parent) = &agency.parent_id
            && (parent == &agency.id || self.store.get_agency(parent).await?.is_none())
        {
            return Err(AppError::Invalid(format!(
                "cơ quan cấp trên không hợp lệ / bad parent {parent}"
            )));
        }
        Ok(self.store.upsert_agency(agency).await?)
    }
}
