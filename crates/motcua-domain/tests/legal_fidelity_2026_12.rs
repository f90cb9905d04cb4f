//! The clock and counting cases of the legal-fidelity review of December 2026
//! (`legal-fidelity-2026-12.md`, sections 2 and 5), one test per case, named
//! after the finding (D1, D2, D3, D9, D11) and the review's case ids.

mod dossier_support;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc, Weekday};
use dossier_support::{canonical, intake, ok};
use motcua_domain::calendar::{DayKind, DaySource, WorkingCalendar};
use motcua_domain::clock::{
    ClockRequest, Pause, ReceptionRules, classify_completion, compute_due, from_local, move_due,
};
use motcua_domain::dossier::{
    Action, ActionKind, Channel, Dossier, LateReason, OnTimeVerdict, evaluate_on_time,
};
use motcua_domain::legal_time::{TimeLimit, TimeUnit};

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

// --- D3: an explicit due date moves across a pause by the legal clock ---

/// Due instant of `hours` working hours received at `at`, with the
/// shipped (default) office hours.
fn hours_due(at: DateTime<Utc>, hours: u32) -> Option<DateTime<Utc>> {
    let cal = WorkingCalendar::vietnam().unwrap();
    let req = ClockRequest::new(
        at,
        TimeLimit {
            amount: hours,
            unit: TimeUnit::WorkingHours,
        },
    );
    compute_due(&cal, &req).unwrap().due_at
}

#[test]
fn d2_eight_working_hours_from_the_opening_end_at_the_same_day_close() {
    // Monday 10 March 2025, 07:30: the review's first case.
    assert_eq!(
        hours_due(vn(2025, 3, 10, 7, 30), 8),
        Some(vn(2025, 3, 10, 17, 0))
    );
}

#[test]
fn d2_four_hours_from_noon_and_eight_from_a_minute_before_closing() {
    assert_eq!(
        hours_due(vn(2025, 3, 10, 12, 0), 4),
        Some(vn(2025, 3, 10, 17, 0))
    );
    assert_eq!(
        hours_due(vn(2025, 3, 10, 16, 59), 8),
        Some(vn(2025, 3, 11, 16, 59))
    );
}

fn pause(from: DateTime<Utc>, to: DateTime<Utc>) -> Pause {
    Pause {
        requested_at: from,
        resumed_at: Some(to),
    }
}

fn moved(due: DateTime<Utc>, pauses: &[Pause]) -> Option<DateTime<Utc>> {
    let cal = WorkingCalendar::vietnam().unwrap();
    move_due(&cal, due, TimeUnit::WorkingDays, pauses, &[], None).unwrap()
}

#[test]
fn d3_pause_friday_afternoon_to_monday_moves_an_explicit_due_by_one_working_day() {
    // Wall-clock time would add 64 h (to Saturday 09:00).
    let due = vn(2025, 3, 12, 17, 0);
    let p = pause(vn(2025, 3, 7, 16, 0), vn(2025, 3, 10, 8, 0));
    assert_eq!(moved(due, &[p]), Some(vn(2025, 3, 13, 17, 0)));
}

#[test]
fn d3_two_second_pause_on_a_saturday_does_not_move_an_explicit_due() {
    // The live reproduction: supplement requested and received on Saturday
    // 05/12/2026 within two seconds; due Tuesday 08/12 10:23:49.
    let due = vn(2026, 12, 8, 10, 23) + chrono::TimeDelta::seconds(49);
    let from = vn(2026, 12, 5, 10, 24) + chrono::TimeDelta::seconds(40);
    let p = pause(from, from + chrono::TimeDelta::seconds(2));
    assert_eq!(moved(due, &[p]), Some(due));
}

#[test]
fn d3_pause_over_tet_moves_an_explicit_due_by_its_working_days_only() {
    // Fri 13/02/2026 10:00 → Mon 23/02/2026 10:00: one closing time on a
    // working day (Fri 13/02 17:00); 16-20/02 are Tết.
    let due = vn(2026, 2, 25, 17, 0);
    let p = pause(vn(2026, 2, 13, 10, 0), vn(2026, 2, 23, 10, 0));
    assert_eq!(moved(due, &[p]), Some(vn(2026, 2, 26, 17, 0)));
    // An open pause stops the clock.
    let open = Pause {
        requested_at: vn(2026, 2, 13, 10, 0),
        resumed_at: None,
    };
    assert_eq!(moved(due, &[open]), None);
}

#[test]
fn d3_explicit_due_moves_like_a_limited_procedure() {
    // The same pause on a 1-working-day procedure and on an explicit due
    // date equal to its due date gives the same moved date.
    let cal = WorkingCalendar::vietnam().unwrap();
    let received = vn(2025, 3, 10, 9, 0);
    let p = pause(vn(2025, 3, 10, 16, 0), vn(2025, 3, 11, 8, 0));
    let mut req = ClockRequest::new(received, TimeLimit::working_days(1));
    let plain = compute_due(&cal, &req).unwrap().due_at.unwrap();
    req.pauses = vec![p];
    let limited = compute_due(&cal, &req).unwrap().due_at;
    assert_eq!(moved(plain, &[p]), limited);
}

// --- D11 / D9: the due date shown to staff and the 766 verdict agree ---

/// Received Mon 10/03/2025 09:00, 1 working day (due Tue 11/03 17:00), a
/// supplement requested Mon 16:00 and received Tue 08:00: the legal clock
/// moves the due date to Wed 12/03 17:00.
fn d11_dossier() -> (Dossier, DateTime<Utc>) {
    let cal = WorkingCalendar::vietnam().unwrap();
    let received = vn(2025, 3, 10, 9, 0);
    let mut req = ClockRequest::new(received, TimeLimit::working_days(1));
    let due0 = compute_due(&cal, &req).unwrap().due_at.unwrap();
    assert_eq!(due0, vn(2025, 3, 11, 17, 0));
    let d = ok(
        None,
        Action::ReceiveNew {
            intake: Box::new(intake(Channel::InPerson)),
            due_at: due0,
        },
        received,
    );
    let d = ok(
        Some(d),
        canonical(ActionKind::RequestSupplement),
        vn(2025, 3, 10, 16, 0),
    );
    req.pauses = vec![pause(vn(2025, 3, 10, 16, 0), vn(2025, 3, 11, 8, 0))];
    let due = compute_due(&cal, &req).unwrap().due_at;
    assert_eq!(due, Some(vn(2025, 3, 12, 17, 0)));
    let d = ok(
        Some(d),
        Action::ResumeAfterSupplement {
            components: Vec::new(),
            new_due_at: due,
            on_time_due_at: due,
        },
        vn(2025, 3, 11, 8, 0),
    );
    (d, due.unwrap())
}

#[test]
fn d11_pause_across_closing_time_desk_due_and_766_verdict_agree() {
    let (d, due) = d11_dossier();
    let finished = vn(2025, 3, 12, 16, 0);
    let d = ok(Some(d), canonical(ActionKind::MarkResultReady), finished);
    assert_eq!(d.due_at, Some(due));
    assert_eq!(d.on_time_due(), Some(due));
    assert!(classify_completion(finished, due).is_on_time());
    assert!(
        d.on_time(finished).is_on_time(),
        "{:?}",
        d.on_time(finished)
    );
    assert!(!d.counts_late);
    // Against the due date fixed at reception (not moved by the pause) the
    // same result is late: the verdict really uses the moved date.
    let unmoved = evaluate_on_time(&d.history, d.original_due_at, None, finished);
    assert!(unmoved.is_late());
}

#[test]
fn d11_result_after_the_moved_due_is_late_for_both() {
    let (d, due) = d11_dossier();
    let finished = vn(2025, 3, 13, 9, 0);
    let d = ok(Some(d), canonical(ActionKind::MarkResultReady), finished);
    assert!(!classify_completion(finished, due).is_on_time());
    assert!(matches!(
        d.on_time(finished),
        OnTimeVerdict::Late(_, LateReason::AfterDue)
    ));
    assert!(d.counts_late);
}

#[test]
fn d9_review_f_extension_then_result_before_the_original_due_is_on_time() {
    // Review dossier F: apology and extension, finished before the due date
    // fixed at reception.
    let (d, due) = d11_dossier();
    let d = ok(
        Some(d),
        Action::ApologiseAndExtend {
            reason: "Chờ ý kiến cơ quan phối hợp".into(),
            new_due_at: due + chrono::TimeDelta::days(3),
        },
        vn(2025, 3, 11, 10, 0),
    );
    assert!(!d.counts_late, "an apology alone is not lateness");
    let finished = vn(2025, 3, 11, 15, 0);
    let d = ok(Some(d), canonical(ActionKind::MarkResultReady), finished);
    assert_eq!(d.on_time_due(), Some(due));
    assert!(d.on_time(finished).is_on_time());
    assert!(!d.counts_late);
}

#[test]
fn d9_review_g_extension_after_the_due_then_result_before_the_new_date_is_late() {
    let (d, due) = d11_dossier();
    let d = ok(
        Some(d),
        Action::ApologiseAndExtend {
            reason: "Chờ ý kiến cơ quan phối hợp".into(),
            new_due_at: due + chrono::TimeDelta::days(3),
        },
        due + chrono::TimeDelta::hours(16),
    );
    let finished = due + chrono::TimeDelta::days(1);
    let d = ok(Some(d), canonical(ActionKind::MarkResultReady), finished);
    assert!(d.on_time(finished).is_late());
    assert!(d.counts_late);
}
