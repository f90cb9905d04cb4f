//! Worked examples of the legal clock: the due instant and its explanation.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::clock::{
    ClockError, ClockRequest, Extension, Pause, ReceptionRules, Step, Timeliness,
    classify_completion, compute_due, from_local, working_time_between,
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

fn skipped(steps: &[Step]) -> Vec<(NaiveDate, String)> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::Skipped { date, reason } => Some((*date, reason.clone())),
            _ => None,
        })
        .collect()
}

fn cutoff_15() -> ReceptionRules {
    ReceptionRules {
        cutoff: NaiveTime::from_hms_opt(15, 0, 0),
        saturday_morning_reception: false,
    }
}

#[test]
fn same_day_procedure_received_friday_after_the_cutoff() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let mut req = ClockRequest::new(vn(2025, 3, 14, 16, 10), TimeLimit::working_days(0));
    req.reception = cutoff_15();
    let due = compute_due(&cal, &req).unwrap();
    assert_eq!(due.due_at, Some(vn(2025, 3, 17, 17, 0)));
    assert_eq!(due.start_day, date(2025, 3, 17));
    assert!(
        due.steps
            .iter()
            .any(|s| matches!(s, Step::CutOffApplied { .. }))
    );
    let skipped = skipped(&due.steps);
    assert_eq!(
        skipped,
        vec![
            (date(2025, 3, 15), "Thứ Bảy".into()),
            (date(2025, 3, 16), "Chủ nhật".into())
        ]
    );
    let text = due.explanation().join("\n");
    assert!(text.contains("15:00 cut-off"), "{text}");
    assert!(text.contains("2025-03-15 skipped: Thứ Bảy"), "{text}");
    assert_eq!(due.calendar_version, cal.version());
}

#[test]
fn three_working_days_received_the_friday_before_tet_2026() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let req = ClockRequest::new(vn(2026, 2, 13, 9, 0), TimeLimit::working_days(3));
    let due = compute_due(&cal, &req).unwrap();
    assert_eq!(due.due_at, Some(vn(2026, 2, 25, 17, 0)));
    let skipped = skipped(&due.steps);
    let days: Vec<NaiveDate> = skipped.iter().map(|(d, _)| *d).collect();
    assert_eq!(
        days,
        date(2026, 2, 14).iter_days().take(9).collect::<Vec<_>>()
    );
    for day in 16..=20 {
        assert!(
            skipped.contains(&(date(2026, 2, day), "Tết Âm lịch".into())),
            "16-20/02 are Tết"
        );
    }
    let counted: Vec<NaiveDate> = due
        .steps
        .iter()
        .filter_map(|s| {
            if let Step::Counted { date, .. } = s {
                Some(*date)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(
        counted,
        vec![date(2026, 2, 23), date(2026, 2, 24), date(2026, 2, 25)]
    );
    assert!(
        due.explanation()
            .join("\n")
            .contains("2026-02-17 skipped: Tết Âm lịch")
    );
}

#[test]
fn seven_working_days_paused_two_working_days_for_a_supplement() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let mut req = ClockRequest::new(vn(2025, 3, 3, 9, 0), TimeLimit::working_days(7));
    let plain = compute_due(&cal, &req).unwrap();
    assert_eq!(plain.due_at, Some(vn(2025, 3, 12, 17, 0)));
    req.pauses.push(Pause {
        requested_at: vn(2025, 3, 4, 10, 0),
        resumed_at: Some(vn(2025, 3, 6, 10, 0)),
    });
    let due = compute_due(&cal, &req).unwrap();
    assert_eq!(due.due_at, Some(vn(2025, 3, 14, 17, 0)));
    assert!(due.steps.iter().any(|s| matches!(
        s,
        Step::PauseShift {
            working_days: 2,
            ..
        }
    )));
    let skipped = skipped(&due.steps);
    assert!(skipped.contains(&(date(2025, 3, 8), "Thứ Bảy".into())));
    assert!(skipped.contains(&(date(2025, 3, 9), "Chủ nhật".into())));
    let text = due.explanation().join("\n");
    assert!(text.contains("2 working days"), "{text}");
    assert!(text.contains("2025-03-09 skipped: Chủ nhật"), "{text}");
}

#[test]
fn a_pause_across_a_holiday_counts_only_working_days() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let mut req = ClockRequest::new(vn(2025, 4, 21, 9, 0), TimeLimit::working_days(10));
    let plain = compute_due(&cal, &req).unwrap().due_at.unwrap();
    // 28/04 Mon -> 06/05 Tue: 28, 29, 05/05 closings (30/4, 1/5, 2/5 off, 26/04 worked but before).
    req.pauses.push(Pause {
        requested_at: vn(2025, 4, 28, 8, 0),
        resumed_at: Some(vn(2025, 5, 6, 8, 0)),
    });
    let due = compute_due(&cal, &req).unwrap().due_at.unwrap();
    let shift = working_time_between(&cal, plain, due, None)
        .unwrap()
        .working_days;
    assert_eq!(shift, 3);
}

#[test]
fn working_hours_are_counted_inside_office_windows() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let req = ClockRequest::new(
        vn(2025, 3, 3, 16, 0),
        TimeLimit {
            amount: 8,
            unit: TimeUnit::WorkingHours,
        },
    );
    let due = compute_due(&cal, &req).unwrap();
    // 8-hour office day: Mon 16:00-17:00, Tue 07:30-11:30 and 13:00-16:00.
    assert_eq!(due.due_at, Some(vn(2025, 3, 4, 16, 0)));
    let counted = due
        .steps
        .iter()
        .filter(|s| matches!(s, Step::HoursCounted { .. }))
        .count();
    assert_eq!(counted, 3);
    // Received in the lunch break: counting starts at 13:00.
    let req = ClockRequest::new(
        vn(2025, 3, 3, 12, 0),
        TimeLimit {
            amount: 1,
            unit: TimeUnit::WorkingHours,
        },
    );
    assert_eq!(
        compute_due(&cal, &req).unwrap().due_at,
        Some(vn(2025, 3, 3, 14, 0))
    );
}

#[test]
fn calendar_days_and_months_move_to_the_next_working_day() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let req = ClockRequest::new(
        vn(2025, 4, 18, 9, 0),
        TimeLimit {
            amount: 15,
            unit: TimeUnit::CalendarDays,
        },
    );
    let due = compute_due(&cal, &req).unwrap();
    assert_eq!(due.due_at, Some(vn(2025, 5, 5, 17, 0)));
    assert!(due.steps.contains(&Step::CalendarTarget {
        date: date(2025, 5, 3)
    }));
    assert!(
        due.steps
            .iter()
            .any(|s| matches!(s, Step::MovedToWorkingDay { to, .. } if *to == date(2025, 5, 5)))
    );

    // 30/01 + 1 month = 28/02/2026 (clamped), a Saturday -> Monday 02/03.
    let req = ClockRequest::new(
        vn(2026, 1, 30, 9, 0),
        TimeLimit {
            amount: 1,
            unit: TimeUnit::Months,
        },
    );
    let due = compute_due(&cal, &req).unwrap();
    assert!(due.steps.contains(&Step::CalendarTarget {
        date: date(2026, 2, 28)
    }));
    assert_eq!(due.due_at, Some(vn(2026, 3, 2, 17, 0)));
}

#[test]
fn saturday_morning_reception_for_residence_procedures() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let police = ReceptionRules {
        cutoff: None,
        saturday_morning_reception: true,
    };
    let mut req = ClockRequest::new(vn(2025, 3, 15, 9, 0), TimeLimit::working_days(1));
    assert_eq!(
        compute_due(&cal, &req).unwrap().due_at,
        Some(vn(2025, 3, 18, 17, 0))
    );
    req.reception = police;
    let due = compute_due(&cal, &req).unwrap();
    assert_eq!(due.due_at, Some(vn(2025, 3, 17, 17, 0)));
    assert!(due.steps.contains(&Step::SaturdayReception {
        date: date(2025, 3, 15)
    }));
    // Friday evening counts no later than Saturday morning.
    let mut friday = ClockRequest::new(vn(2025, 3, 14, 18, 0), TimeLimit::working_days(1));
    friday.reception = police;
    assert_eq!(
        compute_due(&cal, &friday).unwrap().due_at,
        Some(vn(2025, 3, 17, 17, 0))
    );
    // Saturday afternoon: next working day.
    let mut afternoon = ClockRequest::new(vn(2025, 3, 15, 14, 0), TimeLimit::working_days(1));
    afternoon.reception = police;
    assert_eq!(
        compute_due(&cal, &afternoon).unwrap().due_at,
        Some(vn(2025, 3, 18, 17, 0))
    );
}

#[test]
fn extensions_replace_and_open_pauses_stop_the_clock() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let mut req = ClockRequest::new(vn(2025, 3, 3, 9, 0), TimeLimit::working_days(7));
    req.extensions.push(Extension {
        granted_at: vn(2025, 3, 12, 8, 0),
        new_due: vn(2025, 3, 20, 17, 0),
        reason: "cần xác minh thêm".into(),
    });
    let due = compute_due(&cal, &req).unwrap();
    assert_eq!(due.due_at, Some(vn(2025, 3, 20, 17, 0)));
    assert!(due.explanation().join("\n").contains("cần xác minh thêm"));

    req.pauses.push(Pause {
        requested_at: vn(2025, 3, 13, 9, 0),
        resumed_at: None,
    });
    let due = compute_due(&cal, &req).unwrap();
    assert_eq!(due.due_at, None);
    assert_eq!(due.paused_since, Some(vn(2025, 3, 13, 9, 0)));
    assert!(matches!(due.steps.last(), Some(Step::PauseOpen { .. })));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let base = ClockRequest::new(vn(2025, 3, 3, 9, 0), TimeLimit::working_days(7));
    let mut r = base.clone();
    r.pauses.push(Pause {
        requested_at: vn(2025, 3, 1, 9, 0),
        resumed_at: None,
    });
    assert!(matches!(
        compute_due(&cal, &r),
        Err(ClockError::PauseBeforeReceipt(_))
    ));
    let mut r = base.clone();
    r.pauses.push(Pause {
        requested_at: vn(2025, 3, 4, 9, 0),
        resumed_at: Some(vn(2025, 3, 4, 8, 0)),
    });
    assert!(matches!(
        compute_due(&cal, &r),
        Err(ClockError::PauseEndsBeforeStart(_))
    ));
    let mut r = base.clone();
    r.pauses.push(Pause {
        requested_at: vn(2025, 3, 4, 9, 0),
        resumed_at: Some(vn(2025, 3, 6, 9, 0)),
    });
    r.pauses.push(Pause {
        requested_at: vn(2025, 3, 5, 9, 0),
        resumed_at: Some(vn(2025, 3, 7, 9, 0)),
    });
    assert!(matches!(
        compute_due(&cal, &r),
        Err(ClockError::OverlappingPauses(_))
    ));
    let mut r = base.clone();
    r.pauses.push(Pause {
        requested_at: vn(2025, 3, 4, 9, 0),
        resumed_at: None,
    });
    r.extensions.push(Extension {
        granted_at: vn(2025, 3, 5, 9, 0),
        new_due: vn(2025, 3, 30, 9, 0),
        reason: String::new(),
    });
    assert!(matches!(
        compute_due(&cal, &r),
        Err(ClockError::ExtensionDuringOpenPause(_))
    ));
    let r = ClockRequest::new(vn(2199, 12, 30, 9, 0), TimeLimit::working_days(30));
    assert!(matches!(
        compute_due(&cal, &r),
        Err(ClockError::Calendar(_))
    ));
    let r = ClockRequest::new(
        vn(2025, 3, 3, 9, 0),
        TimeLimit {
            amount: u32::MAX,
            unit: TimeUnit::Months,
        },
    );
    assert!(compute_due(&cal, &r).is_err());
    let r = ClockRequest::new(
        vn(2025, 3, 3, 9, 0),
        TimeLimit {
            amount: u32::MAX,
            unit: TimeUnit::CalendarDays,
        },
    );
    assert!(compute_due(&cal, &r).is_err());
}

#[test]
fn working_time_between_counts_closings_and_office_minutes() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let t = working_time_between(&cal, vn(2025, 3, 4, 10, 0), vn(2025, 3, 6, 10, 0), None).unwrap();
    assert_eq!(t.working_days, 2);
    assert_eq!(t.working_minutes, 330 + 480 + 150);
    let weekend =
        working_time_between(&cal, vn(2025, 3, 14, 17, 0), vn(2025, 3, 17, 7, 30), None).unwrap();
    assert_eq!((weekend.working_days, weekend.working_minutes), (0, 0));
    let back =
        working_time_between(&cal, vn(2025, 3, 6, 10, 0), vn(2025, 3, 4, 10, 0), None).unwrap();
    assert_eq!(back.working_days, 0);
}

#[test]
fn completions_are_early_on_time_or_late() {
    let due = vn(2025, 3, 12, 17, 0);
    assert_eq!(
        classify_completion(vn(2025, 3, 11, 16, 0), due),
        Timeliness::Early
    );
    assert_eq!(
        classify_completion(vn(2025, 3, 12, 8, 0), due),
        Timeliness::OnTime
    );
    assert_eq!(classify_completion(due, due), Timeliness::OnTime);
    assert_eq!(
        classify_completion(vn(2025, 3, 12, 17, 1), due),
        Timeliness::Late
    );
    assert!(Timeliness::Early.is_on_time() && !Timeliness::Late.is_on_time());
}
