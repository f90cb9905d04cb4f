//! The conformance cases. Each takes a fresh, empty, migrated store and
//! asserts exact values from the reference data shipped in the binary.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use motcua_app::ports::{AgencyFilter, ApplyReport, LoadReport, ReferenceUnits, Store, UnitFilter};
use motcua_app::refdata::{UNITS_2026_CHANGES, parse_changes, reference_units};
use motcua_domain::agency::{
    Agency, AgencyKind, CenterLayout, DEFAULT_DEPARTMENTS, default_agencies,
};
use motcua_domain::text::fold;
use motcua_domain::unit::{
    AdministrativeUnit, Era, LineageLink, UnitChange, UnitCode, UnitLevel, UnitType,
};

fn reference() -> &'static ReferenceUnits {
    static DATA: OnceLock<ReferenceUnits> = OnceLock::new();
    DATA.get_or_init(|| reference_units().expect("embedded reference units parse"))
}

fn changes_2026() -> Vec<UnitChange> {
    parse_changes("units-2026-changes.csv", UNITS_2026_CHANGES).expect("2026 change set parses")
}

fn code(raw: &str) -> UnitCode {
    UnitCode::parse(raw).expect("valid unit code")
}

fn filter(era: Era) -> UnitFilter {
    UnitFilter {
        era,
        level: None,
        unit_type: None,
        parent: None,
        query_folded: None,
        limit: 5_000,
        offset: 0,
    }
}

fn current(level: Option<UnitLevel>, unit_type: Option<UnitType>) -> UnitFilter {
    UnitFilter {
        level,
        unit_type,
        ..filter(Era::Current)
    }
}

fn search(q: &str) -> UnitFilter {
    UnitFilter {
        query_folded: Some(q.to_owned()),
        limit: 20,
        ..filter(Era::Current)
    }
}

async fn total(store: &dyn Store, f: &UnitFilter) -> u64 {
    store.list_units(f).await.expect("list_units").total
}

fn codes(units: &[AdministrativeUnit]) -> Vec<&str> {
    units.iter().map(|u| u.code.as_str()).collect()
}

async fn load(store: &dyn Store) {
    let report = store
        .load_reference(reference())
        .await
        .expect("load_reference");
    assert!(report.loaded, "a fresh store loads the reference units");
}

/// Every unit of an era, page by page.
async fn all_units(store: &dyn Store, era: Era) -> Vec<AdministrativeUnit> {
    let mut out = Vec::new();
    loop {
        let page = store
            .list_units(&UnitFilter {
                offset: u32::try_from(out.len()).expect("fits"),
                ..filter(era)
            })
            .await
            .expect("list_units");
        if page.items.is_empty() {
            return out;
        }
        out.extend(page.items);
    }
}

/// A migrated store holds nothing.
pub async fn fresh_store_is_empty(store: Arc<dyn Store>) {
    assert_eq!(total(&*store, &filter(Era::Current)).await, 0);
    assert_eq!(total(&*store, &filter(Era::Legacy)).await, 0);
    assert_eq!(
        store.get_unit(Era::Current, &code("01")).await.unwrap(),
        None
    );
    assert!(store.successors(&code("00019")).await.unwrap().is_empty());
    assert!(store.changes_of(&code("22")).await.unwrap().is_empty());
    assert!(store.recorded_changes().await.unwrap().is_empty());
    let (agencies, n) = store
        .list_agencies(&AgencyFilter {
            limit: 10,
            ..AgencyFilter::default()
        })
        .await
        .unwrap();
    assert!(agencies.is_empty());
    assert_eq!(n, 0);
}

/// Loading the reference gives the official counts.
pub async fn reference_load_counts(store: Arc<dyn Store>) {
    let report = store.load_reference(reference()).await.unwrap();
    assert_eq!(
        report,
        LoadReport {
            loaded: true,
            units: 14_175,
            links: 10_570
        }
    );
    let s = &*store;
    assert_eq!(total(s, &filter(Era::Current)).await, 3_355);
    assert_eq!(total(s, &filter(Era::Legacy)).await, 10_820);
    let province = Some(UnitLevel::Province);
    let commune = Some(UnitLevel::Commune);
    assert_eq!(total(s, &current(province, None)).await, 34);
    assert_eq!(
        total(s, &current(province, Some(UnitType::ThanhPho))).await,
        6
    );
    assert_eq!(total(s, &current(province, Some(UnitType::Tinh))).await, 28);
    assert_eq!(total(s, &current(commune, None)).await, 3_321);
    assert_eq!(total(s, &current(commune, Some(UnitType::Xa))).await, 2_621);
    assert_eq!(
        total(s, &current(commune, Some(UnitType::Phuong))).await,
        687
    );
    assert_eq!(
        total(s, &current(commune, Some(UnitType::DacKhu))).await,
        13
    );
    assert_eq!(total(s, &current(Some(UnitLevel::District), None)).await, 0);
}

/// Every unit reads back exactly as it was written, in code order.
pub async fn reference_round_trips_exactly(store: Arc<dyn Store>) {
    load(&*store).await;
    for era in [Era::Current, Era::Legacy] {
        let mut expected: Vec<AdministrativeUnit> = reference()
            .units
            .iter()
            .filter(|u| u.era == era)
            .cloned()
            .collect();
        expected.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
        let got = all_units(&*store, era).await;
        assert_eq!(got.len(), expected.len(), "{era:?} count");
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(g, e);
        }
    }
    let mut links = 0;
    for old in ["00019", "00025", "318", "00004"] {
        let mut expected: Vec<LineageLink> = reference()
            .lineage
            .iter()
            .filter(|l| l.old_code.as_str() == old)
            .cloned()
            .collect();
        expected.sort_by(|a, b| a.new_code.as_str().cmp(b.new_code.as_str()));
        links += expected.len();
        assert_eq!(store.successors(&code(old)).await.unwrap(), expected);
    }
    assert_eq!(links, 4 + 3 + 1 + 1);
}

/// The same version twice is a no-op that leaves the data as it was.
pub async fn loading_twice_is_a_no_op(store: Arc<dyn Store>) {
    load(&*store).await;
    let again = store.load_reference(reference()).await.unwrap();
    assert_eq!(
        again,
        LoadReport {
            loaded: false,
            units: 0,
            links: 0
        }
    );
    assert_eq!(total(&*store, &filter(Era::Current)).await, 3_355);
    assert_eq!(total(&*store, &filter(Era::Legacy)).await, 10_820);
    assert_eq!(store.successors(&code("00019")).await.unwrap().len(), 4);
}

/// Search is folded: accents and case do not matter, the best match first.
pub async fn search_is_folded(store: Arc<dyn Store>) {
    load(&*store).await;
    for q in ["ha noi", &fold("Hà Nội"), &fold("HA NOI")] {
        assert_eq!(q, "ha noi");
        let page = store.list_units(&search(q)).await.unwrap();
        let first = page.items.first().expect("a match");
        assert_eq!(first.code.as_str(), "01");
        assert_eq!(first.name, "Thành phố Hà Nội");
        assert_eq!(first.level, UnitLevel::Province);
        assert_eq!(page.total, 1);
        let provinces = store
            .list_units(&UnitFilter {
                level: Some(UnitLevel::Province),
                ..search(q)
            })
            .await
            .unwrap();
        assert_eq!(codes(&provinces.items), ["01"]);
        assert_eq!(provinces.total, 1);
    }
    // A word prefix matches; the middle of a word does not.
    let page = store
        .list_units(&search(&fold("Hồ Chí Minh")))
        .await
        .unwrap();
    assert_eq!(codes(&page.items), ["79"]);
    let page = store.list_units(&search("ba din")).await.unwrap();
    assert_eq!(codes(&page.items), ["00004", "16171", "21499"]);
    assert_eq!(store.list_units(&search("a dinh")).await.unwrap().total, 0);
}

/// A code finds its unit first; the legacy structure is searched on its own.
pub async fn search_by_code_and_in_legacy(store: Arc<dyn Store>) {
    load(&*store).await;
    let page = store.list_units(&search("00004")).await.unwrap();
    assert_eq!(codes(&page.items), ["00004"]);
    assert_eq!(page.items[0].name, "Phường Ba Đình");
    let legacy = store
        .list_units(&UnitFilter {
            era: Era::Legacy,
            ..search("ba dinh")
        })
        .await
        .unwrap();
    let first = legacy.items.first().expect("a legacy match");
    assert_eq!(first.code.as_str(), "001");
    assert_eq!(first.name, "Quận Ba Đình");
    assert_eq!(first.era, Era::Legacy);
    // The district first (level before code), then the communes by code.
    assert_eq!(
        codes(&legacy.items),
        ["001", "14776", "14812", "16096", "21499"]
    );
}

/// `parent` lists the children of one unit.
pub async fn parent_filter(store: Arc<dyn Store>) {
    load(&*store).await;
    let children = |era, parent: &str, unit_type| UnitFilter {
        parent: Some(code(parent)),
        unit_type,
        ..filter(era)
    };
    let page = store
        .list_units(&children(Era::Current, "01", None))
        .await
        .unwrap();
    assert_eq!(page.total, 126);
    assert_eq!(page.items.len(), 126);
    assert!(page.items.iter().all(
        |u| u.parent_code.as_ref().map(UnitCode::as_str) == Some("01")
            && u.level == UnitLevel::Commune
    ));
    let s = &*store;
    assert_eq!(
        total(s, &children(Era::Current, "01", Some(UnitType::Phuong))).await,
        51
    );
    assert_eq!(
        total(s, &children(Era::Current, "01", Some(UnitType::Xa))).await,
        75
    );
    let legacy = store
        .list_units(&children(Era::Legacy, "001", None))
        .await
        .unwrap();
    assert_eq!(legacy.total, 13);
    assert_eq!(legacy.items[0].code.as_str(), "00001");
    assert_eq!(legacy.items[0].name, "Phường Phúc Xá");
    assert_eq!(total(s, &children(Era::Current, "001", None)).await, 0);
}

/// `unit_type` filters by the official type.
pub async fn type_filter(store: Arc<dyn Store>) {
    load(&*store).await;
    let page = store
        .list_units(&current(None, Some(UnitType::DacKhu)))
        .await
        .unwrap();
    assert_eq!(
        codes(&page.items),
        [
            "06994", "07192", "11914", "11948", "19742", "20333", "21548", "22736", "23272",
            "26732", "31078", "31105", "31108"
        ]
    );
    assert!(page.items.iter().all(|u| u.unit_type == UnitType::DacKhu));
    let thanh_pho = store
        .list_units(&current(None, Some(UnitType::ThanhPho)))
        .await
        .unwrap();
    assert_eq!(
        codes(&thanh_pho.items),
        ["01", "31", "46", "48", "79", "92"]
    );
}

/// Pages follow `limit` and `offset`; `total` ignores them.
pub async fn limit_offset_and_total(store: Arc<dyn Store>) {
    load(&*store).await;
    let provinces = |limit, offset| UnitFilter {
        limit,
        offset,
        ..current(Some(UnitLevel::Province), None)
    };
    let first = store.list_units(&provinces(5, 0)).await.unwrap();
    assert_eq!(first.total, 34);
    assert_eq!(codes(&first.items), ["01", "04", "08", "11", "12"]);
    let last = store.list_units(&provinces(10, 30)).await.unwrap();
    assert_eq!(last.total, 34);
    assert_eq!(codes(&last.items), ["86", "91", "92", "96"]);
    let past = store.list_units(&provinces(10, 40)).await.unwrap();
    assert_eq!(past.total, 34);
    assert!(past.items.is_empty());
    let mut paged = Vec::new();
    for offset in (0..34).step_by(7) {
        paged.extend(store.list_units(&provinces(7, offset)).await.unwrap().items);
    }
    let whole = store.list_units(&provinces(100, 0)).await.unwrap().items;
    assert_eq!(paged, whole);
    assert_eq!(whole.len(), 34);
}

/// One unit by era and code, and its number of children.
pub async fn get_unit_and_count_children(store: Arc<dyn Store>) {
    load(&*store).await;
    let hanoi = store
        .get_unit(Era::Current, &code("01"))
        .await
        .unwrap()
        .expect("Hà Nội");
    assert_eq!(
        hanoi,
        AdministrativeUnit {
            code: code("01"),
            name: "Thành phố Hà Nội".into(),
            short_name: "Hà Nội".into(),
            unit_type: UnitType::ThanhPho,
            level: UnitLevel::Province,
            parent_code: None,
            province_code: code("01"),
            era: Era::Current,
            valid_from: NaiveDate::from_ymd_opt(2025, 7, 1),
            valid_to: None,
        }
    );
    let dien_bien = store
        .get_unit(Era::Legacy, &code("00019"))
        .await
        .unwrap()
        .expect("legacy Phường Điện Biên");
    assert_eq!(
        dien_bien,
        AdministrativeUnit {
            code: code("00019"),
            name: "Phường Điện Biên".into(),
            short_name: "Điện Biên".into(),
            unit_type: UnitType::Phuong,
            level: UnitLevel::Commune,
            parent_code: Some(code("001")),
            province_code: code("01"),
            era: Era::Legacy,
            valid_from: None,
            valid_to: NaiveDate::from_ymd_opt(2025, 6, 30),
        }
    );
    assert_eq!(
        store.get_unit(Era::Current, &code("001")).await.unwrap(),
        None
    );
    assert_eq!(
        store.get_unit(Era::Current, &code("99")).await.unwrap(),
        None
    );
    let count = |era, c: &'static str| {
        let store = Arc::clone(&store);
        async move { store.count_children(era, &code(c)).await.unwrap() }
    };
    assert_eq!(count(Era::Current, "01").await, 126);
    assert_eq!(count(Era::Current, "31").await, 114);
    assert_eq!(count(Era::Legacy, "001").await, 13);
    assert_eq!(count(Era::Legacy, "318").await, 0);
    assert_eq!(count(Era::Current, "00004").await, 0);
    assert_eq!(count(Era::Current, "99").await, 0);
}

/// An old commune divided among four new ones lists all four.
pub async fn successors_of_a_split_commune(store: Arc<dyn Store>) {
    load(&*store).await;
    let links = store.successors(&code("00019")).await.unwrap();
    let targets: Vec<(&str, &str, Option<bool>)> = links
        .iter()
        .map(|l| (l.new_code.as_str(), l.new_name.as_str(), l.default_target))
        .collect();
    assert_eq!(
        targets,
        [
            ("00004", "Phường Ba Đình", Some(true)),
            ("00070", "Phường Hoàn Kiếm", Some(false)),
            ("00190", "Phường Ô Chợ Dừa", Some(false)),
            ("00226", "Phường Văn Miếu - Quốc Tử Giám", Some(false)),
        ]
    );
    for l in &links {
        assert_eq!(l.old_name, "Phường Điện Biên");
        assert_eq!(l.old_level, UnitLevel::Commune);
        assert_eq!(l.old_district_code.as_str(), "001");
        assert_eq!(l.old_province_code.as_str(), "01");
        assert_eq!(l.new_province_code.as_str(), "01");
        assert!(l.partial);
        assert_eq!(l.targets, 4);
        assert!(l.is_split());
    }
}

/// An island district without communes links straight to its special zone.
pub async fn island_district_successor(store: Arc<dyn Store>) {
    load(&*store).await;
    let links = store.successors(&code("318")).await.unwrap();
    assert_eq!(
        links,
        [LineageLink {
            old_code: code("318"),
            old_level: UnitLevel::District,
            old_name: String::new(),
            old_district_code: code("318"),
            old_province_code: code("31"),
            new_code: code("11948"),
            new_name: "Đặc khu Bạch Long Vĩ".into(),
            new_province_code: code("31"),
            partial: false,
            targets: 1,
            default_target: None,
        }]
    );
}

/// A new commune lists the old units that formed it.
pub async fn predecessors_of_a_new_commune(store: Arc<dyn Store>) {
    load(&*store).await;
    let links = store.predecessors(&code("00004")).await.unwrap();
    let old: Vec<(&str, bool, u8)> = links
        .iter()
        .map(|l| (l.old_code.as_str(), l.partial, l.targets))
        .collect();
    assert_eq!(
        old,
        [
            ("00004", false, 1),
            ("00013", false, 1),
            ("00016", true, 2),
            ("00019", true, 4),
            ("00022", true, 2),
            ("00028", true, 3),
            ("00040", true, 2),
            ("00055", true, 2),
            ("00073", true, 4),
            ("00112", true, 2),
        ]
    );
    assert!(links.iter().all(|l| l.new_name == "Phường Ba Đình"));
    assert_eq!(links[0].old_name, "Phường Trúc Bạch");
    assert!(store.predecessors(&code("01")).await.unwrap().is_empty());
}

/// The 2026 change set applies once, and the units take the new type and name.
pub async fn apply_2026_changes_once(store: Arc<dyn Store>) {
    load(&*store).await;
    let changes = changes_2026();
    assert_eq!(changes.len(), 25);
    assert_eq!(
        store.apply_changes(&changes).await.unwrap(),
        ApplyReport {
            applied: 25,
            already_applied: 0
        }
    );
    assert_eq!(
        store.apply_changes(&changes).await.unwrap(),
        ApplyReport {
            applied: 0,
            already_applied: 25
        }
    );
    assert_changed(&*store).await;
    let recorded = store.changes_of(&code("22")).await.unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].change, changes[0]);
    // Stamped from the store's clock, not the wall clock (ADR 0028).
    assert_eq!(recorded[0].applied_at, crate::engines::store_now());
    assert!(store.changes_of(&code("01")).await.unwrap().is_empty());
    // Every recorded change, by effective date then code (the address
    // converter's input, issue 18).
    let all = store.recorded_changes().await.unwrap();
    assert_eq!(all.len(), 25);
    let mut sorted = changes.clone();
    sorted.sort_by(|a, b| (a.effective_on, &a.code).cmp(&(b.effective_on, &b.code)));
    assert_eq!(
        all.iter().map(|a| a.change.clone()).collect::<Vec<_>>(),
        sorted
    );
    let page = store
        .list_units(&search(&fold("Thành phố Quảng Ninh")))
        .await
        .unwrap();
    assert_eq!(codes(&page.items), ["22"]);
    assert_eq!(
        store
            .list_units(&search("tinh quang ninh"))
            .await
            .unwrap()
            .total,
        0
    );
}

async fn assert_changed(store: &dyn Store) {
    let quang_ninh = store
        .get_unit(Era::Current, &code("22"))
        .await
        .unwrap()
        .expect("province 22");
    assert_eq!(quang_ninh.unit_type, UnitType::ThanhPho);
    assert_eq!(quang_ninh.name, "Thành phố Quảng Ninh");
    assert_eq!(quang_ninh.short_name, "Quảng Ninh");
    let bo_ha = store
        .get_unit(Era::Current, &code("07294"))
        .await
        .unwrap()
        .expect("commune 07294");
    assert_eq!(bo_ha.unit_type, UnitType::Phuong);
    assert_eq!(bo_ha.name, "Phường Bố Hạ");
    assert_eq!(bo_ha.short_name, "Bố Hạ");
    let province = Some(UnitLevel::Province);
    let commune = Some(UnitLevel::Commune);
    assert_eq!(
        total(store, &current(province, Some(UnitType::ThanhPho))).await,
        9
    );
    assert_eq!(
        total(store, &current(province, Some(UnitType::Tinh))).await,
        25
    );
    assert_eq!(
        total(store, &current(commune, Some(UnitType::Xa))).await,
        2_599
    );
    assert_eq!(
        total(store, &current(commune, Some(UnitType::Phuong))).await,
        709
    );
    // The legacy structure is history and does not change.
    let legacy = store
        .get_unit(Era::Legacy, &code("22"))
        .await
        .unwrap()
        .expect("legacy 22");
    assert_eq!(legacy.unit_type, UnitType::Tinh);
}

/// Applied changes are re-applied when a newer reference version loads.
pub async fn changes_survive_a_reload(store: Arc<dyn Store>) {
    load(&*store).await;
    let changes = changes_2026();
    store.apply_changes(&changes).await.unwrap();
    let mut bumped = reference().clone();
    bumped.version.push_str("+test-bump");
    let report = store.load_reference(&bumped).await.unwrap();
    assert_eq!(
        report,
        LoadReport {
            loaded: true,
            units: 14_175,
            links: 10_570
        }
    );
    assert_changed(&*store).await;
    assert_eq!(store.changes_of(&code("22")).await.unwrap().len(), 1);
    assert_eq!(
        store.apply_changes(&changes).await.unwrap(),
        ApplyReport {
            applied: 0,
            already_applied: 25
        }
    );
    assert_eq!(total(&*store, &filter(Era::Current)).await, 3_355);
    assert_eq!(store.successors(&code("00019")).await.unwrap().len(), 4);
}

/// The default agencies of Thái Nguyên (19), generated from the store.
async fn default_set(store: &dyn Store) -> Vec<Agency> {
    let province = store
        .get_unit(Era::Current, &code("19"))
        .await
        .unwrap()
        .expect("province 19");
    let communes = store
        .list_units(&UnitFilter {
            level: Some(UnitLevel::Commune),
            parent: Some(code("19")),
            ..filter(Era::Current)
        })
        .await
        .unwrap()
        .items;
    assert_eq!(communes.len(), 92);
    default_agencies(&province, &communes, "H55", CenterLayout::CenterPerCommune)
}

fn all_agencies() -> AgencyFilter {
    AgencyFilter {
        limit: 5_000,
        ..AgencyFilter::default()
    }
}

fn ids(agencies: &[Agency]) -> Vec<&str> {
    agencies.iter().map(|a| a.id.as_str()).collect()
}

/// Inserting the default agencies twice inserts them once.
pub async fn agencies_insert_missing_is_idempotent(store: Arc<dyn Store>) {
    load(&*store).await;
    let set = default_set(&*store).await;
    assert_eq!(set.len(), 1 + DEFAULT_DEPARTMENTS.len() + 1 + 3 * 92);
    assert_eq!(store.insert_missing_agencies(&set).await.unwrap(), 290);
    assert_eq!(store.insert_missing_agencies(&set).await.unwrap(), 0);
    let (listed, n) = store.list_agencies(&all_agencies()).await.unwrap();
    assert_eq!(n, 290);
    let mut expected = set.clone();
    expected.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(listed, expected);
    // A partly present set only adds what is missing.
    let mut more = set[..3].to_vec();
    more.push(Agency {
        id: "H55.BHXH".into(),
        name: "Bảo hiểm xã hội tỉnh Thái Nguyên".into(),
        kind: AgencyKind::SectorAgency,
        unit_code: "19".into(),
        parent_id: None,
        active: true,
    });
    assert_eq!(store.insert_missing_agencies(&more).await.unwrap(), 1);
    assert_eq!(store.list_agencies(&all_agencies()).await.unwrap().1, 291);
}

/// Upsert creates, then replaces every field but the identifier.
pub async fn agency_upsert_edits(store: Arc<dyn Store>) {
    load(&*store).await;
    let set = default_set(&*store).await;
    store.insert_missing_agencies(&set).await.unwrap();
    let mut edited = set
        .iter()
        .find(|a| a.kind == AgencyKind::CommuneServiceCenter)
        .expect("a commune center")
        .clone();
    edited.name = "Trung tâm Phục vụ hành chính công liên xã".into();
    edited.active = false;
    edited.parent_id = Some("H55.TT".into());
    store.upsert_agency(&edited).await.unwrap();
    assert_eq!(
        store.get_agency(&edited.id).await.unwrap(),
        Some(edited.clone())
    );
    assert_eq!(store.list_agencies(&all_agencies()).await.unwrap().1, 290);
    // insert_missing leaves the edit alone.
    assert_eq!(store.insert_missing_agencies(&set).await.unwrap(), 0);
    assert_eq!(store.get_agency(&edited.id).await.unwrap(), Some(edited));
    let new = Agency {
        id: "H55.S13".into(),
        name: "Sở Thử Nghiệm".into(),
        kind: AgencyKind::Department,
        unit_code: "19".into(),
        parent_id: Some("H55".into()),
        active: true,
    };
    store.upsert_agency(&new).await.unwrap();
    assert_eq!(store.get_agency("H55.S13").await.unwrap(), Some(new));
    assert_eq!(store.list_agencies(&all_agencies()).await.unwrap().1, 291);
    assert_eq!(store.get_agency("H55.NOPE").await.unwrap(), None);
}

/// The agency list filters by unit, kind and folded text, and pages.
pub async fn agency_list_filters(store: Arc<dyn Store>) {
    load(&*store).await;
    let set = default_set(&*store).await;
    store.insert_missing_agencies(&set).await.unwrap();
    let commune = set
        .iter()
        .find(|a| a.kind == AgencyKind::CommuneCommittee)
        .expect("a commune committee")
        .unit_code
        .clone();
    let (by_unit, n) = store
        .list_agencies(&AgencyFilter {
            unit_code: Some(commune.clone()),
            ..all_agencies()
        })
        .await
        .unwrap();
    assert_eq!(n, 3);
    let committee = format!("H55.X{commune}");
    assert_eq!(
        ids(&by_unit),
        [
            committee.clone(),
            format!("{committee}.CA"),
            format!("{committee}.TT")
        ]
    );
    let (departments, n) = store
        .list_agencies(&AgencyFilter {
            kind: Some(AgencyKind::Department),
            ..all_agencies()
        })
        .await
        .unwrap();
    assert_eq!(n, 12);
    assert_eq!(departments[0].id, "H55.S01");
    assert_eq!(departments[11].id, "H55.S12");
    let (police, n) = store
        .list_agencies(&AgencyFilter {
            kind: Some(AgencyKind::CommunePolice),
            query_folded: Some(fold("CÔNG AN")),
            limit: 10,
            offset: 5,
            ..AgencyFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(n, 92);
    assert_eq!(police.len(), 10);
    let mut expected: Vec<&str> = set
        .iter()
        .filter(|a| a.kind == AgencyKind::CommunePolice)
        .map(|a| a.id.as_str())
        .collect();
    expected.sort_unstable();
    assert_eq!(ids(&police), expected[5..15]);
    // A code typed in lower case finds the agency by identifier.
    let (found, n) = store
        .list_agencies(&AgencyFilter {
            query_folded: Some("h55.tt".into()),
            ..all_agencies()
        })
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(ids(&found), ["H55.TT"]);
    let (none, n) = store
        .list_agencies(&AgencyFilter {
            unit_code: Some("01".into()),
            ..all_agencies()
        })
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(n, 0);
}

/// A parent that does not exist is refused with an error, and nothing is written.
pub async fn agency_parent_must_exist(store: Arc<dyn Store>) {
    let orphan = Agency {
        id: "H55.X05000".into(),
        name: "Ủy ban nhân dân Xã Mồ Côi".into(),
        kind: AgencyKind::CommuneCommittee,
        unit_code: "05000".into(),
        parent_id: Some("H55".into()),
        active: true,
    };
    assert!(store.upsert_agency(&orphan).await.is_err());
    assert!(
        store
            .insert_missing_agencies(std::slice::from_ref(&orphan))
            .await
            .is_err()
    );
    let root = Agency {
        id: "H55".into(),
        name: "Ủy ban nhân dân Tỉnh Thái Nguyên".into(),
        kind: AgencyKind::ProvincialCommittee,
        unit_code: "19".into(),
        parent_id: None,
        active: true,
    };
    let mut bad_child = orphan.clone();
    bad_child.id = "H55.X05001".into();
    bad_child.parent_id = Some("H99".into());
    // The batch is all or nothing.
    assert!(
        store
            .insert_missing_agencies(&[root.clone(), bad_child])
            .await
            .is_err()
    );
    assert_eq!(store.get_agency("H55").await.unwrap(), None);
    assert_eq!(store.list_agencies(&all_agencies()).await.unwrap().1, 0);
    assert_eq!(
        store
            .insert_missing_agencies(&[root, orphan.clone()])
            .await
            .unwrap(),
        2
    );
    assert_eq!(store.get_agency(&orphan.id).await.unwrap(), Some(orphan));
}

/// The readiness round trip works and the engine names itself.
pub async fn ping_and_engine(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
    assert!(
        ["sqlite", "postgres"].contains(&store.engine()),
        "unknown engine {}",
        store.engine()
    );
}
