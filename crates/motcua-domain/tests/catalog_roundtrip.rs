//! `export_catalog` then `parse_catalog` gives back equal values.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use motcua_domain::catalog::{
    AgencyType, BoundaryFree, Component, DocumentForm, Fee, FeeBasis, Fees, Field, FormPreset,
    FormRole, FormSet, Keyword, Level, OnlineLevel, Procedure, ProcedureCode, ProcedureVersion,
    Requirement, Source, Step, StepRole, Timing, Waiver, WaiverSource, check, export_catalog,
    parse_catalog, seed_catalog,
};
use motcua_domain::legal_time::{CutOff, TimeLimit, TimeUnit};
use proptest::prelude::*;
use proptest::sample::select;

#[test]
fn seed_round_trips() {
    let seed = seed_catalog();
    let text = export_catalog(&seed);
    let back = parse_catalog("export.toml", &text).unwrap_or_else(|ds| panic!("{ds:#?}\n{text}"));
    assert_eq!(back, seed);
    assert_eq!(export_catalog(&back), text, "export is canonical");
}

/// Text that a human might type, including quotes, backslashes, newlines and Vietnamese.
fn words() -> impl Strategy<Value = String> {
    "[a-zA-ZđĐàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễ \"'\\\\\n\t#=\\[\\]{}.,:-]{1,40}"
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

fn opt_words() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(words())
}

fn pick<K: Keyword + std::fmt::Debug>() -> impl Strategy<Value = K> {
    select(K::ALL)
}

fn agency() -> impl Strategy<Value = AgencyType> {
    prop_oneof![
        select(vec![
            AgencyType::UbndXa,
            AgencyType::CongAnXa,
            AgencyType::UbndTinh,
            AgencyType::SoTuPhap,
            AgencyType::Bhxh
        ]),
        words().prop_map(|w| AgencyType::Other(format!("Cơ quan {w}"))),
    ]
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (2000i32..2100, 1u32..13, 1u32..29)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn vnd() -> impl Strategy<Value = u64> {
    0u64..=100_000_000
}

fn fee() -> impl Strategy<Value = Fee> {
    (
        words(),
        vnd(),
        proptest::option::of(vnd()),
        pick::<FeeBasis>(),
        proptest::option::of(vnd()),
    )
        .prop_flat_map(|(name, in_person_vnd, online_vnd, basis, max_vnd)| {
            (proptest::option::of(pick::<Source>()), opt_words()).prop_map(move |(source, note)| {
                Fee {
                    name: name.clone(),
                    in_person_vnd,
                    online_vnd,
                    basis,
                    max_vnd,
                    source,
                    note,
                }
            })
        })
}

fn component() -> impl Strategy<Value = Component> {
    let requirement = prop_oneof![
        Just(Requirement::Required),
        Just(Requirement::Optional),
        words().prop_map(Requirement::Conditional),
    ];
    let waiver =
        (pick::<WaiverSource>(), words()).prop_map(|(source, text)| Waiver { source, text });
    (
        words(),
        pick::<DocumentForm>(),
        1u32..5,
        requirement,
        proptest::collection::vec(waiver, 0..3),
        opt_words(),
    )
        .prop_map(
            |(name, form, count, requirement, waivers, note)| Component {
                name,
                form,
                count,
                requirement,
                waivers,
                note,
            },
        )
}

fn timing() -> impl Strategy<Value = Timing> {
    let limit =
        (0u32..100, pick::<TimeUnit>()).prop_map(|(amount, unit)| TimeLimit { amount, unit });
    let cut_off = (0u8..24, 0u8..60).prop_map(|(h, m)| CutOff::new(h, m).unwrap());
    (
        proptest::option::of(limit),
        select(vec![Source::Legal, Source::Secondary, Source::Recalled]),
        opt_words(),
        proptest::option::of(cut_off),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(limit, source, note, cut_off, tag_cut_off, saturday_morning_reception)| Timing {
                source: if limit.is_some() {
                    source
                } else {
                    Source::NotFound
                },
                limit,
                note,
                cut_off,
                cut_off_source: cut_off.filter(|_| tag_cut_off).map(|_| Source::Recalled),
                saturday_morning_reception,
            },
        )
}

fn forms() -> impl Strategy<Value = FormSet> {
    (
        pick::<FormPreset>(),
        proptest::collection::btree_map(pick::<FormRole>(), "[A-Z]{2}[0-9]{2}", 0..3),
    )
        .prop_map(
            |(preset, overrides): (FormPreset, BTreeMap<FormRole, String>)| FormSet {
                preset,
                overrides,
            },
        )
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    proptest::collection::vec((words(), pick::<StepRole>(), agency()), 0..4).prop_map(|raw| {
        let n = raw.len();
        raw.into_iter()
            .enumerate()
            .map(|(i, (name, role, agency))| {
                let share = if i + 1 == n {
                    100 - (100 / n as u8) * (n as u8 - 1)
                } else {
                    100 / n as u8
                };
                Step {
                    name,
                    role,
                    agency,
                    share_percent: share,
                }
            })
            .collect()
    })
}

prop_compose! {
    fn procedure_version(index: u32)(
        code in "[12]\\.0[0-9]{5}(\\.[0-9]{2})?",
        valid_from in date(),
        days in proptest::option::of(0i64..4000),
        portal in proptest::option::of(any::<u128>()),
        name in words(),
        field in (opt_words(), words()),
        levels in proptest::collection::vec(pick::<Level>(), 1..3),
        agencies in proptest::collection::vec(agency(), 1..4),
        online in pick::<OnlineLevel>(),
        boundary in proptest::option::of((date(), opt_words())),
        timing in timing(),
        fees in (pick::<Source>(), opt_words(), proptest::collection::vec(fee(), 0..3), proptest::collection::vec(words(), 0..3)),
        components in proptest::collection::vec(component(), 0..4),
        results in proptest::collection::vec(words(), 0..3),
        legal_basis in proptest::collection::vec(words(), 0..3),
        forms in forms(),
        steps in steps(),
        source in pick::<Source>(),
        source_note in words(),
    ) -> ProcedureVersion {
        let (fee_source, fee_note, lines, exemptions) = fees;
        ProcedureVersion {
            version: index + 1,
            valid_from,
            valid_to: days.map(|d| valid_from + chrono::Days::new(d as u64)),
            procedure: Procedure {
                code: ProcedureCode::parse(&code).unwrap(),
                portal_id: portal.map(uuid::Uuid::from_u128),
                name,
                field: Field { code: field.0, name: field.1 },
                levels,
                agencies,
                online,
                phi_dia_gioi: boundary.map(|(effective_from, basis)| BoundaryFree { effective_from, basis }),
                timing,
                fees: Fees {
                    lines: if fee_source == Source::NotFound { Vec::new() } else { lines },
                    source: fee_source,
                    note: fee_note,
                    exemptions,
                },
                components,
                results,
                legal_basis,
                forms: canonical(forms),
                steps,
                source,
                source_note,
            },
        }
    }
}

/// Overrides equal to the preset's own form are dropped on import.
fn canonical(mut forms: FormSet) -> FormSet {
    let preset = forms.preset;
    forms
        .overrides
        .retain(|role, code| preset.form_for(*role) != Some(code.as_str()));
    forms
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn export_then_parse_is_identity(a in procedure_version(0), b in procedure_version(1)) {
        // Distinct codes so the two never clash as versions of one procedure.
        let mut b = b;
        if b.procedure.code == a.procedure.code {
            b.procedure.code = ProcedureCode::parse("9.999999").unwrap();
        }
        let versions = vec![a, b];
        let text = export_catalog(&versions);
        let ds = check("prop.toml", &text);
        prop_assert!(ds.is_empty(), "{:#?}\n{}", ds, text);
        prop_assert_eq!(parse_catalog("prop.toml", &text).unwrap(), versions);
    }
}
