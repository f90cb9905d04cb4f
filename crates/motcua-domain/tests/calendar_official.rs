//! The official schedules override the statutory default; data loading and versions.

use chrono::{Datelike, NaiveDate, Weekday};
use motcua_domain::calendar::{DayKind, DaySource, WorkingCalendar};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn official_days_off_2024_to_2026_are_not_working_and_makeup_saturdays_are() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let off = [
        // 2024
        (2024, 1, 1),
        (2024, 2, 8),
        (2024, 2, 9),
        (2024, 2, 12),
        (2024, 2, 13),
        (2024, 2, 14),
        (2024, 4, 18),
        (2024, 4, 29),
        (2024, 4, 30),
        (2024, 5, 1),
        (2024, 9, 2),
        (2024, 9, 3),
        // 2025
        (2025, 1, 1),
        (2025, 1, 27),
        (2025, 1, 28),
        (2025, 1, 29),
        (2025, 1, 30),
        (2025, 1, 31),
        (2025, 4, 7),
        (2025, 4, 30),
        (2025, 5, 1),
        (2025, 5, 2),
        (2025, 9, 1),
        (2025, 9, 2),
        // 2026
        (2026, 1, 1),
        (2026, 1, 2),
        (2026, 2, 16),
        (2026, 2, 17),
        (2026, 2, 18),
        (2026, 2, 19),
        (2026, 2, 20),
        (2026, 4, 27),
        (2026, 4, 30),
        (2026, 5, 1),
        (2026, 8, 31),
        (2026, 9, 1),
        (2026, 9, 2),
    ];
    for (y, m, day) in off {
        let date = d(y, m, day);
        assert!(!cal.is_working_day(date).unwrap(), "{date} should be off");
        let note = cal.non_working_reason(date).unwrap().expect("a reason");
        assert!(
            matches!(note.source, DaySource::Official { .. }),
            "{date}: {note:?}"
        );
    }
    for date in [
        d(2024, 5, 4),
        d(2025, 4, 26),
        d(2026, 1, 10),
        d(2026, 8, 22),
    ] {
        assert_eq!(date.weekday(), Weekday::Sat);
        assert!(
            cal.is_working_day(date).unwrap(),
            "{date} is a make-up Saturday"
        );
        assert_eq!(
            cal.day_note(date).unwrap().map(|n| n.kind),
            Some(DayKind::MakeupSaturday)
        );
    }
    // Days the computed default would have given off but the schedule did not:
    // 2025 default Tết is 28/01-01/02 + nghỉ bù; officially 03/02/2025 is a working day.
    assert!(cal.is_working_day(d(2025, 2, 3)).unwrap());
    // Ordinary days stay ordinary.
    assert!(cal.is_working_day(d(2026, 3, 2)).unwrap());
    assert_eq!(cal.day_note(d(2026, 3, 2)).unwrap(), None);
}

#[test]
fn weekend_holidays_are_annotated_in_official_years() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let note = cal.non_working_reason(d(2023, 4, 30)).unwrap().unwrap();
    assert_eq!(note.kind, DayKind::Holiday);
    assert_eq!(note.label, "Ngày Chiến thắng");
}

#[test]
fn default_years_use_the_rules() {
    let cal = WorkingCalendar::vietnam().unwrap();
    // 2027: 1/5 is a Saturday -> nghỉ bù Monday 03/05; Giỗ Tổ Friday 16/04.
    let comp = cal.non_working_reason(d(2027, 5, 3)).unwrap().unwrap();
    assert_eq!(comp.kind, DayKind::Compensatory);
    assert!(comp.label.contains("Quốc tế lao động"), "{}", comp.label);
    assert!(!cal.is_working_day(d(2027, 4, 16)).unwrap());
    // Default Tết 2027: 29 Chạp (05/02) + mùng 1-4 (06-09/02), nghỉ bù for Sat/Sun.
    for day in [5, 8, 9, 10, 11] {
        assert!(
            !cal.is_working_day(d(2027, 2, day)).unwrap(),
            "2027-02-{day}"
        );
    }
    assert!(cal.is_working_day(d(2027, 2, 12)).unwrap());
    // 24/11 is not a day off until its rule is switched on.
    assert!(cal.is_working_day(d(2027, 11, 24)).unwrap());
}

#[test]
fn culture_day_can_be_switched_on_as_data() {
    let mut rules = motcua_domain::calendar::RuleSet::vietnam();
    assert!(rules.set_effective_from("ngay-van-hoa-viet-nam", Some(2027)));
    let cal = WorkingCalendar::builder()
        .unwrap()
        .rules(rules)
        .build()
        .unwrap();
    assert!(!cal.is_working_day(d(2027, 11, 24)).unwrap());
    assert!(cal.is_working_day(d(2026, 11, 24)).unwrap());
    assert_ne!(cal.version(), WorkingCalendar::vietnam().unwrap().version());
}

#[test]
fn a_province_can_load_2027_and_the_version_changes() {
    let base = WorkingCalendar::vietnam().unwrap();
    let csv = "# 2027, hypothetical announcement\ndate,kind,reason,doc\n\
               2027-01-01,HOL,Tet Duong lich,BLLD Art.112\n\
               2027-02-04,HOL,Tet Am lich,TB test\n2027-02-05,HOL,Tet Am lich,TB test\n\
               2027-02-08,HOL,Tet Am lich,TB test\n2027-02-09,HOL,Tet Am lich,TB test\n\
               2027-02-10,HOL,Tet Am lich,TB test\n2027-02-20,MAKEUP_SAT,for 2027-02-11,TB test\n\
               2027-02-11,SWAP_OFF,Tet bridge,TB test\n";
    let cal = WorkingCalendar::builder()
        .unwrap()
        .with_schedule_csv(csv)
        .unwrap()
        .build()
        .unwrap();
    assert_ne!(cal.version(), base.version());
    assert!(!cal.is_working_day(d(2027, 2, 4)).unwrap());
    assert!(!cal.is_working_day(d(2027, 2, 11)).unwrap());
    assert!(cal.is_working_day(d(2027, 2, 20)).unwrap());
    // The replaced year no longer has the computed defaults (this partial
    // schedule omits Giỗ Tổ, so 16/04/2027 becomes a working day).
    assert!(cal.is_working_day(d(2027, 4, 16)).unwrap());
    // Same data, same version.
    let again = WorkingCalendar::builder()
        .unwrap()
        .with_schedule_csv(csv)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(again.version(), cal.version());
    assert!(
        WorkingCalendar::builder()
            .unwrap()
            .with_schedule_csv("date,kind\n")
            .is_err()
    );
}

#[test]
fn year_calendar_lists_reasons_and_serialises_iso_dates() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let y = cal.year_calendar(2026).unwrap();
    assert!(y.official_schedule);
    assert_eq!(y.version, cal.version());
    let weekends = y
        .days
        .iter()
        .filter(|c| c.note.kind == DayKind::Weekend)
        .count();
    // 104 Saturdays and Sundays, minus 2 make-up Saturdays, minus Sunday 26/04 (Giỗ Tổ).
    assert_eq!(weekends, 104 - 2 - 1);
    let json = serde_json::to_value(&y).unwrap();
    let first = &json["days"][0];
    assert_eq!(first["date"], "2026-01-01");
    assert_eq!(first["kind"], "holiday");
    assert_eq!(first["working"], false);
    assert!(cal.year_calendar(1899).is_err());
    assert!(cal.year_calendar(2200).is_err());
    assert!(cal.is_working_day(d(1899, 12, 31)).is_err());
}

#[test]
fn version_is_stable_and_prefixed() {
    let a = WorkingCalendar::vietnam().unwrap();
    let b = WorkingCalendar::builder().unwrap().build().unwrap();
    assert_eq!(a.version(), b.version());
    assert!(
        a.version().starts_with("vn-") && a.version().len() == 19,
        "{}",
        a.version()
    );
}
