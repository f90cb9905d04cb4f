//! The demo's people and volumes: how many dossiers each commune gets and
//! who handles them.
//!
//! **Volumes follow population.** Each commune's share of the seeded
//! dossiers is proportional to its population: the unit's `population`
//! statistic when one was imported (`motcua units classify --stats`, the
//! `unit_statistics` table), otherwise a deterministic **proxy**, because
//! the shipped unit list (`reference/units/units-2025.csv`) has no
//! population: 28,000 for a ward (phường), 16,000 for a rural commune (xã),
//! 8,000 for a special zone (đặc khu), times a factor from 0.5 to 2.5 drawn
//! from a hash of the unit code (the same code always gets the same
//! number). The proxy is a demo device, never a statistic.
//!
//! **Staff with expertise tags, and shortages on purpose.** About 30–50
//! officials per commune in the four job-position groups (NĐ 62/2020),
//! sized by population (one-stop desk officers, civil-status, finance,
//! land, IT, …, `reference/staff/expertise.toml` tags), each with an
//! account so the officers in the dossier events are the registry's
//! people. A deterministic minority of communes has **nobody** tagged for
//! civil status (about 1 in 8), finance (1 in 10), land (1 in 7) or IT
//! (1 in 3): their dossiers of those fields are then handled by someone
//! from the office (văn phòng), outside their field, with twice the
//! after-hours work, so the shortage ranking and the after-hours figures
//! tell the same story. (The shipped catalog has no commune land
//! procedures — NĐ 151/2025's list is NOT FOUND in the facts — so land
//! shows a shortage of people but no land workload unless a catalog with
//! land procedures is imported.)

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use motcua_app::ports::{AgencyFilter, Store, UnitFilter};
use motcua_domain::agency::AgencyKind;
use motcua_domain::dossier::AgencyId;
use motcua_domain::staff::{PositionGroup, Secondment, SecondmentDirection, StaffMember};
use motcua_domain::unit::{Era, UnitCode, UnitType};

use super::demo_walk::Rng;

/// One commune of the demo: where dossiers go and who handles them.
pub struct Commune {
    /// Receiving centre.
    pub center: AgencyId,
    /// Deciding committee.
    pub deciding: AgencyId,
    /// Administrative unit code.
    pub unit_code: String,
    /// Population (statistic or proxy).
    pub population: u64,
    /// Officers of the one-stop desk (accounts).
    pub desk: Vec<String>,
    /// Officers by expertise tag (accounts).
    pub by_tag: BTreeMap<String, Vec<String>>,
    /// The office staff who step in where nobody has the tag.
    pub office: Vec<String>,
}

impl Commune {
    /// The officer handling a dossier of a field tagged `tag`, and whether
    /// they work outside their field (nobody here has the tag).
    pub fn handler(&self, rng: &mut Rng, tag: Option<&str>) -> (String, bool) {
        if let Some(people) = tag
            .and_then(|t| self.by_tag.get(t))
            .filter(|p| !p.is_empty())
        {
            return (rng.pick(people).clone(), false);
        }
        let pool = if self.office.is_empty() {
            &self.desk
        } else {
            &self.office
        };
        (rng.pick(pool).clone(), tag.is_some())
    }
}

fn fnv(text: &str) -> u64 {
    motcua_domain::stable_hash::fnv1a(text.as_bytes())
}

/// The deterministic population proxy of a unit (see the module's text).
pub fn population_proxy(unit_code: &str, unit_type: Option<UnitType>) -> u64 {
    let base: u64 = match unit_type {
        Some(UnitType::Phuong) => 28_000,
        Some(UnitType::DacKhu) => 8_000,
        _ => 16_000,
    };
    // 0.5 to 2.5 in thousandths.
    let factor = 500 + fnv(unit_code) % 2_000;
    base * factor / 1_000
}

/// The communes of the province (root `root`) with their populations.
pub async fn communes(store: &Arc<dyn Store>, root: &str) -> Result<Vec<Commune>> {
    let list = |kind| AgencyFilter {
        kind: Some(kind),
        limit: 5_000,
        ..AgencyFilter::default()
    };
    let err = |e: motcua_app::StoreError| anyhow!("{e}");
    let (committees, _) = store
        .list_agencies(&list(AgencyKind::CommuneCommittee))
        .await
        .map_err(err)?;
    let mut centers = store
        .list_agencies(&list(AgencyKind::CommuneServiceCenter))
        .await
        .map_err(err)?
        .0;
    centers.extend(
        store
            .list_agencies(&list(AgencyKind::ServicePoint))
            .await
            .map_err(err)?
            .0,
    );
    // Unit types of the province's communes, for the proxy.
    let mut types: BTreeMap<String, UnitType> = BTreeMap::new();
    if let Some(province) = store.get_agency(root).await.map_err(err)?
        && let Ok(code) = UnitCode::parse(&province.unit_code)
    {
        let page = store
            .list_units(&UnitFilter {
                era: Era::Current,
                level: None,
                unit_type: None,
                parent: Some(code),
                query_folded: None,
                limit: 5_000,
                offset: 0,
            })
            .await
            .map_err(err)?;
        for u in page.items {
            types.insert(u.code.as_str().to_owned(), u.unit_type);
        }
    }
    let mut out = Vec::new();
    for c in centers.iter().filter(|c| c.id.starts_with(root)) {
        let Some(committee) = committees
            .iter()
            .find(|k| k.unit_code == c.unit_code && k.id.starts_with(root))
        else {
            continue;
        };
        let stated = store
            .unit_statistics(&c.unit_code)
            .await
            .map_err(err)?
            .into_iter()
            .find(|s| s.name == "population")
            .and_then(|s| s.value.trim().parse::<u64>().ok())
            .filter(|p| *p > 0);
        let population = stated
            .unwrap_or_else(|| population_proxy(&c.unit_code, types.get(&c.unit_code).copied()));
        out.push(Commune {
            center: AgencyId::parse(&c.id)?,
            deciding: AgencyId::parse(&committee.id)?,
            unit_code: c.unit_code.clone(),
            population,
            desk: Vec::new(),
            by_tag: BTreeMap::new(),
            office: Vec::new(),
        });
    }
    anyhow::ensure!(!out.is_empty(), "no commune centres under {root}");
    Ok(out)
}

const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
const MIDDLE: [&str; 6] = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc"];
const GIVEN: [&str; 10] = [
    "An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Nam", "Phương", "Tâm",
];

/// Whether a commune has nobody for a tag (deterministic: `1 in n`).
fn short_of(unit_code: &str, tag: &str, one_in: u64) -> bool {
    fnv(&format!("{unit_code}/{tag}")).is_multiple_of(one_in)
}

/// The staff of one commune, sized by its population, with the shortages
/// of the module's text; fills `commune`'s desk, tags and office.
pub fn plan(commune: &mut Commune, seed: u64, today: NaiveDate) -> Vec<StaffMember> {
    let committee = commune.deciding.as_str().to_owned();
    let center = commune.center.as_str().to_owned();
    let unit = commune.unit_code.clone();
    let mut rng = Rng::new(seed ^ fnv(&committee));
    let pop = commune.population;
    // People per 10,000 inhabitants, at least one.
    let per = |n: u64| 1 + pop * n / 100_000;
    let thin = |tag: &str, one_in: u64, n: u64| {
        if short_of(&unit, tag, one_in) {
            0
        } else {
            per(n)
        }
    };
    // (agency, group, position, department, tag, how many)
    let rows: Vec<(&str, PositionGroup, &str, &str, &str, u64)> = vec![
        (
            &committee,
            PositionGroup::Leadership,
            "Chủ tịch, Phó Chủ tịch UBND",
            "lanh_dao",
            "noi_vu",
            3,
        ),
        (
            &committee,
            PositionGroup::Leadership,
            "Lãnh đạo HĐND",
            "lanh_dao",
            "noi_vu",
            2,
        ),
        (
            &center,
            PositionGroup::Specialised,
            "Tiếp nhận, trả kết quả",
            "trung_tam_phvhcc",
            "mot_cua_tthc",
            2 + per(15).min(8),
        ),
        (
            &committee,
            PositionGroup::Specialised,
            "Tư pháp - hộ tịch",
            "van_phong",
            "tu_phap_ho_tich",
            thin("tu_phap_ho_tich", 8, 8),
        ),
        (
            &committee,
            PositionGroup::Specialised,
            "Địa chính - đất đai",
            "kinh_te",
            "dat_dai",
            thin("dat_dai", 7, 6),
        ),
        (
            &committee,
            PositionGroup::Specialised,
            "Công nghệ thông tin",
            "van_phong",
            "cntt_chuyen_doi_so",
            thin("cntt_chuyen_doi_so", 3, 2).min(1),
        ),
        (
            &committee,
            PositionGroup::Shared,
            "Tài chính - kế toán",
            "kinh_te",
            "tai_chinh_ke_toan",
            thin("tai_chinh_ke_toan", 10, 4),
        ),
        (
            &committee,
            PositionGroup::Specialised,
            "Xây dựng - đô thị",
            "kinh_te",
            "xay_dung_do_thi",
            per(4),
        ),
        (
            &committee,
            PositionGroup::Specialised,
            "Nông nghiệp - môi trường",
            "kinh_te",
            "nong_nghiep_moi_truong",
            2,
        ),
        (
            &committee,
            PositionGroup::Specialised,
            "Văn hóa - xã hội",
            "van_hoa_xa_hoi",
            "van_hoa_the_thao",
            2 + rng.below(2),
        ),
        (
            &committee,
            PositionGroup::Specialised,
            "Lao động - xã hội",
            "van_hoa_xa_hoi",
            "lao_dong_xa_hoi",
            per(5),
        ),
        (
            &committee,
            PositionGroup::Specialised,
            "Giáo dục, y tế",
            "van_hoa_xa_hoi",
            "giao_duc",
            2,
        ),
        (
            &committee,
            PositionGroup::Shared,
            "Văn phòng, văn thư",
            "van_phong",
            "van_phong_van_thu_luu_tru",
            3 + per(3),
        ),
        (
            &committee,
            PositionGroup::Support,
            "Phục vụ",
            "van_phong",
            "",
            3,
        ),
    ];
    let mut out = Vec::new();
    let mut n = 0;
    for (agency, group, position, department, tag, count) in rows {
        for _ in 0..count {
            n += 1;
            let id = format!("{committee}-CB{n:03}");
            let account = format!("cb.{unit}.{n:03}");
            let mut expertise: Vec<String> = Vec::new();
            if !tag.is_empty() {
                expertise.push(tag.to_owned());
            }
            // About 1 in 20 works outside the field they trained in.
            let qualifications = if rng.chance(5) {
                "Cử nhân (ngoài chuyên ngành)".to_owned()
            } else {
                format!("Cử nhân {}", position.to_lowercase())
            };
            let secondment = rng.chance(2).then(|| Secondment {
                direction: SecondmentDirection::In,
                agency: "Sở Nội vụ".into(),
                from: today - chrono::Duration::days(60),
                to: Some(today + chrono::Duration::days(120)),
            });
            if secondment.is_some() && expertise.is_empty() {
                expertise.push("noi_vu".into());
            }
            expertise.sort();
            match tag {
                "mot_cua_tthc" => {
                    commune.desk.push(account.clone());
                    commune
                        .by_tag
                        .entry(tag.to_owned())
                        .or_default()
                        .push(account.clone());
                }
                "van_phong_van_thu_luu_tru" => commune.office.push(account.clone()),
                "" => {}
                t => commune
                    .by_tag
                    .entry(t.to_owned())
                    .or_default()
                    .push(account.clone()),
            }
            out.push(StaffMember {
                id,
                unit_agency: agency.to_owned(),
                full_name: format!(
                    "{} {} {}",
                    rng.pick(&FAMILY),
                    rng.pick(&MIDDLE),
                    rng.pick(&GIVEN)
                ),
                account: Some(account),
                position_group: group,
                position: position.to_owned(),
                department: department.to_owned(),
                employment: match group {
                    PositionGroup::Leadership => "can_bo".into(),
                    PositionGroup::Support => "hop_dong".into(),
                    _ => "cong_chuc".into(),
                },
                expertise,
                qualifications,
                secondment,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_is_deterministic_and_wards_are_larger() {
        assert_eq!(
            population_proxy("05743", Some(UnitType::Xa)),
            population_proxy("05743", Some(UnitType::Xa))
        );
        let xa = population_proxy("05743", Some(UnitType::Xa));
        let phuong = population_proxy("05743", Some(UnitType::Phuong));
        assert!((8_000..40_000).contains(&xa), "{xa}");
        assert!(phuong > xa);
    }

    #[test]
    fn a_short_commune_hands_its_field_to_the_office() {
        let mut c = Commune {
            center: AgencyId::parse("H55.15.01").unwrap(),
            deciding: AgencyId::parse("H55.15").unwrap(),
            unit_code: "05743".into(),
            population: 20_000,
            desk: Vec::new(),
            by_tag: BTreeMap::new(),
            office: Vec::new(),
        };
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let staff = plan(&mut c, 1, today);
        assert!(staff.len() >= 25, "{}", staff.len());
        assert!(staff.iter().all(|m| m.account.is_some()));
        assert!(!c.desk.is_empty() && !c.office.is_empty());
        let mut rng = Rng::new(1);
        c.by_tag.remove("tu_phap_ho_tich");
        let (who, outside) = c.handler(&mut rng, Some("tu_phap_ho_tich"));
        assert!(outside && c.office.contains(&who));
        let (_, outside) = c.handler(&mut rng, None);
        assert!(!outside);
    }
}
