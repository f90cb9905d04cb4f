//! The clock and counting cases of the legal-fidelity review of December 2026
//! (`legal-fidelity-2026-12.md`, sections 2 and 5), one test per case, named
//! after the finding (D1, D3, D9, D11) and the review's case ids.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc, Weekday};
use motcua_domain::calendar::{DayKind, DaySource, WorkingCalendar};
use motcua_domain::clock::{ClockRequest, ReceptionRules, compute_due, from_local};
use motcua_domain::legal_time::TimeLimit;

/// A local (UTC+7) wall time as an instant.
fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    let local: NaiveDateTime = NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap();
    from_local(local)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn saturday_rule() -> ReceptionRules {
    ReceptionRules {
        cutoff: None,
        saturday_morning_reception: true,
    }
}

/// Start day and due instant of a receipt under the Saturday-morning rule.
fn with_saturday_rule(at: DateTime<Utc>, days: u32) -> (NaiveDate, Option<DateTime<Utc>>) {
    let cal = WorkingCalendar::vietnam().unwrap();
    let mut req = ClockRequest::new(at, TimeLimit::working_days(days));
    req.reception = saturday_rule();
    let due = compute_due(&cal, &req).unwrap();
    (due.start_day, due.due_at)
}

// --- D1: a Tết day on a Saturday is a holiday, not a reception Saturday ---

#[test]
fn d1_tet_saturday_2024_is_not_a_reception_day() {
    // R161: Sat 10/02/2024 08:00 (mùng 1 Tết Giáp Thìn), 1 working day.
    let (start, due) = with_saturday_rule(vn(2024, 2, 10, 8, 0), 1);
    assert_eq!(start, date(2024, 2, 15));
    assert_eq!(due, Some(vn(2024, 2, 16, 17, 0)));
}

#[test]
fn d1_e05_e06_tet_saturday_2023_is_not_a_reception_day() {
    // Sat 21/01/2023 (30 Tết Quý Mão), 3 working days: 27/01 is day 0,
    // 30/01, 31/01, 01/02 are days 1-3.
    let (start, due) = with_saturday_rule(vn(2023, 1, 21, 8, 0), 3);
    assert_eq!(start, date(2023, 1, 27));
    assert_eq!(due, Some(vn(2023, 2, 1, 17, 0)));
}

#[test]
fn d1_e08_friday_evening_before_a_tet_saturday_does_not_start_on_it() {
    // Fri 09/02/2024 20:00: the next reception day is Thu 15/02, not Sat 10/02.
    let (start, due) = with_saturday_rule(vn(2024, 2, 9, 20, 0), 1);
    assert_ne!(start, date(2024, 2, 10));
    assert_eq!(start, date(2024, 2, 15));
    assert_eq!(due, Some(vn(2024, 2, 16, 17, 0)));
}

#[test]
fn d1_saturday_after_the_tet_days_2025_is_still_a_reception_day() {
    // Sat 01/02/2025 (mùng 4) lies outside the five Tết days 27-31/01/2025.
    let (start, due) = with_saturday_rule(vn(2025, 2, 1, 8, 0), 1);
    assert_eq!(start, date(2025, 2, 1));
    assert_eq!(due, Some(vn(2025, 2, 3, 17, 0)));
}

#[test]
fn d1_weekend_tet_days_are_labelled_holidays_in_official_years() {
    let cal = WorkingCalendar::vietnam().unwrap();
    for day in [
        date(2023, 1, 21),
        date(2023, 1, 22),
        date(2024, 2, 10),
        date(2024, 2, 11),
    ] {
        let note = cal.non_working_reason(day).unwrap().expect("a day off");
        assert_eq!(note.kind, DayKind::Holiday, "{day}");
        assert_eq!(note.label, "Tết Âm lịch", "{day}");
        assert!(matches!(note.source, DaySource::Official { .. }), "{day}");
    }
    // Every official year since 2014 has exactly the five statutory Tết days.
    for year in cal.official_schedule().years().collect::<Vec<_>>() {
        let tet = cal
            .year_calendar(year)
            .unwrap()
            .days
            .into_iter()
            .filter(|d| d.note.kind == DayKind::Holiday && d.note.label == "Tết Âm lịch")
            .count();
        assert_eq!(tet, 5, "{year}: Tết days");
    }
    // Ordinary weekends around Tết 2025 stay weekends.
    let sat = cal.non_working_reason(date(2025, 2, 1)).unwrap().unwrap();
    assert_eq!(sat.kind, DayKind::Weekend);
    assert_eq!(date(2025, 2, 1).weekday(), Weekday::Sat);
}

// --- Official-schedule labels in Vietnamese, English as second locale ---

#[test]
fn official_day_labels_are_vietnamese_with_english_second() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let tet = cal.non_working_reason(date(2026, 2, 17)).unwrap().unwrap();
    assert_eq!(tet.label, "Tết Âm lịch");
    assert_eq!(tet.label_en.as_deref(), Some("Lunar New Year (Tết)"));
    let swap = cal.non_working_reason(date(2024, 4, 29)).unwrap().unwrap();
    assert_eq!(swap.kind, DayKind::SwapOff);
    assert!(
        swap.label
            .starts_with("Nghỉ hoán đổi dịp Ngày Chiến thắng 30/4"),
        "{}",
        swap.label
    );
    let comp = cal.non_working_reason(date(2023, 1, 2)).unwrap().unwrap();
    assert!(
        comp.label.starts_with("Nghỉ bù Tết Dương lịch"),
        "{}",
        comp.label
    );
    for year in 2023..=2026 {
        for day in cal.year_calendar(year).unwrap().days {
            let label = &day.note.label;
            for ascii in [
                "Tet ",
                "Am lich",
                "bridge",
                "Chien thang",
                "Quoc ",
                "Gio To",
                "for 20",
            ] {
                assert!(!label.contains(ascii), "{}: {label}", day.date);
            }
            assert!(
                day.note.label_en.is_some(),
                "{}: no English label",
                day.date
            );
        }
    }
}
