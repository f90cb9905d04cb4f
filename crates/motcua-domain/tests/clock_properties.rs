//! Properties of the legal clock over random receipts 2000–2190.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use motcua_domain::calendar::{CalendarBuilder, WorkingCalendar};
use motcua_domain::clock::{
    ClockRequest, Pause, ReceptionRules, compute_due, due_instant, to_local, working_time_between,
};
use motcua_domain::legal_time::{TimeLimit, TimeUnit};
use proptest::prelude::*;

fn cal() -> WorkingCalendar {
    WorkingCalendar::vietnam().expect("calendar")
}

/// Receipt instants from 2000 to 2190, to the minute.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (946_684_800i64 / 60..7_000_000_000i64 / 60)
        .prop_map(|m| DateTime::from_timestamp(m * 60, 0).unwrap_or_default())
}

/// A second calendar built independently of the cached `vietnam()` one.
fn rebuilt() -> WorkingCalendar {
    static REBUILT: std::sync::OnceLock<WorkingCalendar> = std::sync::OnceLock::new();
    REBUILT
        .get_or_init(|| {
            CalendarBuilder::vietnam()
                .and_then(CalendarBuilder::build)
                .expect("calendar")
        })
        .clone()
}

fn limit() -> impl Strategy<Value = TimeLimit> {
    prop_oneof![
        (0u32..60).prop_map(TimeLimit::working_days),
        (0u32..90).prop_map(|amount| TimeLimit {
            amount,
            unit: TimeUnit::CalendarDays
        }),
        (0u32..24).prop_map(|amount| TimeLimit {
            amount,
            unit: TimeUnit::Months
        }),
        (0u32..200).prop_map(|amount| TimeLimit {
            amount,
            unit: TimeUnit::WorkingHours
        }),
    ]
}

fn reception() -> impl Strategy<Value = ReceptionRules> {
    (any::<bool>(), any::<bool>()).prop_map(|(cut, sat)| ReceptionRules {
        cutoff: cut.then(|| NaiveTime::from_hms_opt(15, 0, 0)).flatten(),
        saturday_morning_reception: sat,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_later_receipt_never_gives_an_earlier_due(
        a in instant(), delta in 0i64..20_000, limit in limit(), rules in reception()
    ) {
        let cal = cal();
        let b = a + Duration::minutes(delta);
        let mut ra = ClockRequest::new(a, limit);
        ra.reception = rules;
        let mut rb = ra.clone();
        rb.received_at = b;
        let da = due_instant(&cal, &ra).unwrap();
        let db = due_instant(&cal, &rb).unwrap();
        prop_assert!(da <= db, "{a} -> {da:?}, {b} -> {db:?}");
    }

    #[test]
    fn adding_one_working_day_never_lands_on_a_non_working_day(
        at in instant(), n in 0u32..60, rules in reception()
    ) {
        let cal = cal();
        let mut req = ClockRequest::new(at, TimeLimit::working_days(n + 1));
        req.reception = rules;
        let due = due_instant(&cal, &req).unwrap().unwrap();
        prop_assert!(cal.is_working_day(to_local(due).date()).unwrap());
        req.limit = TimeLimit::working_days(n + 2);
        let next = due_instant(&cal, &req).unwrap().unwrap();
        prop_assert_eq!(to_local(next).date(), cal.next_working_day(to_local(due).date()).unwrap());
    }

    #[test]
    fn a_pause_of_n_working_days_moves_the_due_by_exactly_n(
        at in instant(), n in 1u32..40, after in 0i64..30_000, length in 0i64..30_000
    ) {
        let cal = cal();
        let mut req = ClockRequest::new(at, TimeLimit::working_days(n));
        let plain = due_instant(&cal, &req).unwrap().unwrap();
        let requested_at = at + Duration::minutes(after);
        let resumed_at = requested_at + Duration::minutes(length);
        req.pauses.push(Pause { requested_at, resumed_at: Some(resumed_at) });
        let paused = due_instant(&cal, &req).unwrap().unwrap();
        let pause_wd = working_time_between(&cal, requested_at, resumed_at, None).unwrap().working_days;
        let shift_wd = working_time_between(&cal, plain, paused, None).unwrap().working_days;
        prop_assert_eq!(shift_wd, pause_wd);
        prop_assert!(cal.is_working_day(to_local(paused).date()).unwrap());
    }

    #[test]
    fn recomputation_with_the_same_calendar_version_is_identical(
        at in instant(), limit in limit(), rules in reception(), pause in proptest::option::of((0i64..20_000, 0i64..20_000))
    ) {
        let first_cal = cal();
        let second_cal = rebuilt();
        prop_assert_eq!(first_cal.version(), second_cal.version());
        let mut req = ClockRequest::new(at, limit);
        req.reception = rules;
        if let Some((after, length)) = pause {
            let requested_at = at + Duration::minutes(after);
            req.pauses.push(Pause { requested_at, resumed_at: Some(requested_at + Duration::minutes(length)) });
        }
        let one = compute_due(&first_cal, &req).unwrap();
        let two = compute_due(&second_cal, &req).unwrap();
        prop_assert_eq!(&one, &two);
        prop_assert_eq!(one.due_at, due_instant(&first_cal, &req).unwrap());
    }
}
