//! Ranked, diacritic-insensitive search over the seed catalog.

use motcua_domain::catalog::{Procedure, ProcedureVersion, search, seed_catalog};

fn procedures(seed: &[ProcedureVersion]) -> Vec<&Procedure> {
    seed.iter().map(|v| &v.procedure).collect()
}

fn codes(hits: &[(u32, &Procedure)]) -> Vec<String> {
    hits.iter().map(|(_, p)| p.code.to_string()).collect()
}

#[test]
fn code_prefix_finds_base_and_variant_first() {
    let seed = seed_catalog();
    let hits = search(procedures(&seed), "1.0011", 10);
    assert_eq!(codes(&hits)[..2], ["1.001193", "1.001193.02"]);
    let exact = search(procedures(&seed), "1.001193.02", 10);
    assert_eq!(codes(&exact)[0], "1.001193.02");
}

#[test]
fn khai_sinh_ranks_the_birth_registration_first() {
    let seed = seed_catalog();
    for q in ["khai sinh", "Khai Sinh", "  khai   sinh ", "KHAI SINH"] {
        let hits = search(procedures(&seed), q, 10);
        assert_eq!(codes(&hits)[0], "1.001193", "{q}");
        assert!(
            codes(&hits).contains(&"1.004884".to_owned()),
            "đăng ký lại khai sinh is found too"
        );
    }
}

#[test]
fn dang_ky_ket_hon_finds_marriage_first() {
    let seed = seed_catalog();
    let hits = search(procedures(&seed), "dang ky ket hon", 5);
    assert_eq!(codes(&hits)[0], "1.000894");
    let accented = search(procedures(&seed), "Đăng ký kết hôn", 5);
    assert_eq!(codes(&accented)[0], "1.000894");
}

#[test]
fn ho_tich_finds_the_civil_status_field() {
    let seed = seed_catalog();
    let hits = search(procedures(&seed), "ho tich", 50);
    let found = codes(&hits);
    for c in [
        "1.001193", "1.000894", "1.000656", "1.004884", "2.000635", "1.004873", "1.000881",
    ] {
        assert!(found.contains(&c.to_owned()), "{c} missing from {found:?}");
    }
    assert!(
        !found.contains(&"1.004222".to_owned()),
        "thường trú is not hộ tịch"
    );
}

#[test]
fn word_prefixes_limit_and_blank_queries() {
    let seed = seed_catalog();
    let hits = search(procedures(&seed), "dang ky tam", 10);
    assert_eq!(codes(&hits)[0], "1.004194");
    assert_eq!(search(procedures(&seed), "khai sinh", 1).len(), 1);
    assert!(search(procedures(&seed), "   ", 10).is_empty());
    assert!(search(procedures(&seed), "zzz khong co", 10).is_empty());
    let scores: Vec<u32> = search(procedures(&seed), "dang ky", 50)
        .iter()
        .map(|h| h.0)
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "sorted by score");
}
