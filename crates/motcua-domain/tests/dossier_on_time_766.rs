//! Decision 766 on-time rule (indicator 2.1), one test per rule.

mod dossier_support;

use chrono::TimeDelta;
use dossier_support::{canonical, ok, reach, t};
use motcua_domain::dossier::{
    ActionKind, DossierStatus as S, EndKind, LateReason, LocalStatus, Milestone,
    MilestoneKind as K, OnTimeVerdict, SubStatus, evaluate_on_time,
};

fn m(kind: K, hours: i64) -> Milestone {
    Milestone { kind, at: t(hours) }
}

fn span_of(v: &OnTimeVerdict) -> (chrono::DateTime<chrono::Utc>, EndKind, TimeDelta) {
    match v {
        OnTimeVerdict::OnTime(s) | OnTimeVerdict::Late(s, _) | OnTimeVerdict::NoDeadline(s) => {
            (s.end, s.end_kind, s.supplement_wait)
        }
        OnTimeVerdict::NotReceived => panic!("not received"),
    }
}

const PERIOD_END: i64 = 1000;

#[test]
fn rule1_end_is_first_result_ready_before_return() {
    let h = [
        m(K::Received, 0),
        m(K::ResultReady, 50),
        m(K::Returned, 300),
    ];
    let v = evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END));
    assert!(v.is_on_time(), "{v:?}");
    assert_eq!(span_of(&v).0, t(50));
    assert_eq!(span_of(&v).1, EndKind::ResultReady);
}

#[test]
fn rule1_returned_is_the_end_when_no_result_ready() {
    let h = [m(K::Received, 0), m(K::Returned, 120)];
    let v = evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END));
    assert_eq!(
        v,
        OnTimeVerdict::Late(span(0, 120, EndKind::Returned, 0), LateReason::AfterDue)
    );
}

#[test]
fn rule1_stop_or_refusal_is_the_last_resort_end() {
    let h = [m(K::Received, 0), m(K::Stopped, 80)];
    let v = evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END));
    assert_eq!(
        v,
        OnTimeVerdict::OnTime(span(0, 80, EndKind::StoppedOrRefused, 0))
    );
    // A result-ready event wins over an earlier stop in priority.
    let h = [m(K::Received, 0), m(K::Stopped, 80), m(K::ResultReady, 150)];
    let v = evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END));
    assert_eq!(span_of(&v).1, EndKind::ResultReady);
    assert!(!v.is_on_time());
}

#[test]
fn due_instant_itself_is_on_time() {
    let h = [m(K::Received, 0), m(K::ResultReady, 100)];
    assert!(evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END)).is_on_time());
    let h = [m(K::Received, 0), m(K::ResultReady, 101)];
    assert!(!evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END)).is_on_time());
}

#[test]
fn rule2_supplement_waiting_time_is_in_the_moved_due_date() {
    // Finished 30 h after the due date fixed at reception, but waited 40 h
    // for the applicant: the legal clock moved the due date to t(140).
    let h = [
        m(K::Received, 0),
        m(K::SupplementRequested, 20),
        m(K::SupplementCompleted, 60),
        m(K::ResultReady, 130),
    ];
    let v = evaluate_on_time(&h, Some(t(140)), None, t(PERIOD_END));
    assert_eq!(
        v,
        OnTimeVerdict::OnTime(span(0, 130, EndKind::ResultReady, 40))
    );
    // The wait is not subtracted a second time from the end: against the
    // unmoved date the same history is late.
    let v = evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END));
    assert_eq!(
        v,
        OnTimeVerdict::Late(span(0, 130, EndKind::ResultReady, 40), LateReason::AfterDue)
    );
}

#[test]
fn rule3_pending_supplement_request_is_the_end() {
    let h = [m(K::Received, 0), m(K::SupplementRequested, 90)];
    let v = evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END));
    assert_eq!(
        v,
        OnTimeVerdict::OnTime(span(0, 90, EndKind::SupplementPending, 0))
    );
    let h = [m(K::Received, 0), m(K::SupplementRequested, 110)];
    let v = evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END));
    assert_eq!(
        v,
        OnTimeVerdict::Late(
            span(0, 110, EndKind::SupplementPending, 0),
            LateReason::AfterDue
        )
    );
}

#[test]
fn rule3_more_than_one_supplement_request_is_late() {
    let h = [
        m(K::Received, 0),
        m(K::SupplementRequested, 10),
        m(K::SupplementCompleted, 12),
        m(K::SupplementRequested, 20),
        m(K::SupplementCompleted, 22),
        m(K::ResultReady, 30),
    ];
    let v = evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END));
    assert_eq!(
        v,
        OnTimeVerdict::Late(
            span(0, 30, EndKind::ResultReady, 4),
            LateReason::MultipleSupplements
        )
    );
}

#[test]
fn rule4_without_due_date_compare_net_elapsed_to_statutory_maximum() {
    let h = [
        m(K::Received, 0),
        m(K::SupplementRequested, 10),
        m(K::SupplementCompleted, 30),
        m(K::ResultReady, 90),
    ];
    let max = Some(TimeDelta::hours(70));
    assert_eq!(
        evaluate_on_time(&h, None, max, t(PERIOD_END)),
        OnTimeVerdict::OnTime(span(0, 90, EndKind::ResultReady, 20))
    );
    let max = Some(TimeDelta::hours(69));
    assert_eq!(
        evaluate_on_time(&h, None, max, t(PERIOD_END)),
        OnTimeVerdict::Late(
            span(0, 90, EndKind::ResultReady, 20),
            LateReason::BeyondStatutory
        )
    );
    assert_eq!(
        evaluate_on_time(&h, None, None, t(PERIOD_END)),
        OnTimeVerdict::NoDeadline(span(0, 90, EndKind::ResultReady, 20))
    );
}

#[test]
fn rule5_open_at_period_end_ends_at_period_end() {
    let h = [m(K::Received, 0), m(K::ResultReady, 500)];
    let v = evaluate_on_time(&h, Some(t(100)), None, t(80));
    assert_eq!(v, OnTimeVerdict::OnTime(span(0, 80, EndKind::PeriodEnd, 0)));
    let v = evaluate_on_time(&h, Some(t(100)), None, t(120));
    assert_eq!(
        v,
        OnTimeVerdict::Late(span(0, 120, EndKind::PeriodEnd, 0), LateReason::AfterDue)
    );
    // A supplement open at period end: the request is the end (rule 3).
    let h = [
        m(K::Received, 0),
        m(K::SupplementRequested, 50),
        m(K::SupplementCompleted, 200),
    ];
    let v = evaluate_on_time(&h, Some(t(100)), None, t(150));
    assert_eq!(span_of(&v).1, EndKind::SupplementPending);
}

#[test]
fn d9_apology_and_extension_alone_does_not_make_a_dossier_late() {
    // Finished before the due date fixed at reception: on time (review F, K).
    let h = [m(K::Received, 0), m(K::Extended, 90), m(K::ResultReady, 95)];
    let v = evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END));
    assert_eq!(
        v,
        OnTimeVerdict::OnTime(span(0, 95, EndKind::ResultReady, 0))
    );
    // Finished after it, before the new appointment: late all the same.
    let h = [
        m(K::Received, 0),
        m(K::Extended, 90),
        m(K::ResultReady, 105),
    ];
    let v = evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END));
    assert_eq!(
        v,
        OnTimeVerdict::Late(span(0, 105, EndKind::ResultReady, 0), LateReason::AfterDue)
    );
}

#[test]
fn never_received_is_not_evaluated() {
    let h = [m(K::Submitted, 0), m(K::RefusedAtReception, 5)];
    assert_eq!(
        evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END)),
        OnTimeVerdict::NotReceived
    );
    assert_eq!(
        evaluate_on_time(&[], None, None, t(PERIOD_END)),
        OnTimeVerdict::NotReceived
    );
    // Received after the period: not in this period.
    let h = [m(K::Received, 50)];
    assert_eq!(
        evaluate_on_time(&h, Some(t(100)), None, t(10)),
        OnTimeVerdict::NotReceived
    );
}

#[test]
fn unsorted_history_is_evaluated_in_time_order() {
    let h = [m(K::ResultReady, 50), m(K::Received, 0)];
    assert!(evaluate_on_time(&h, Some(t(100)), None, t(PERIOD_END)).is_on_time());
}

#[test]
fn aggregate_history_feeds_the_rule() {
    // Received at t(2) due t(240); a second supplement makes it late.
    let d = reach(LocalStatus::new(
        S::AwaitingSupplement,
        SubStatus::DuringProcessing,
    ));
    let d = ok(Some(d), canonical(ActionKind::ResumeAfterSupplement), t(6));
    assert!(d.on_time(t(10)).is_on_time());
    assert!(!d.counts_late);
    let d = ok(Some(d), canonical(ActionKind::RequestSupplement), t(7));
    assert!(d.counts_late);
    assert_eq!(d.supplement_count, 2);
    assert!(matches!(
        d.on_time(t(10)),
        OnTimeVerdict::Late(_, LateReason::MultipleSupplements)
    ));
    // An extension before the due date does not mark the dossier late, and
    // a result before that date is on time (D9).
    let d = reach(LocalStatus::new(S::Processing, SubStatus::AtStep));
    let d = ok(Some(d), canonical(ActionKind::ApologiseAndExtend), t(7));
    assert!(!d.counts_late);
    let d = ok(Some(d), canonical(ActionKind::MarkResultReady), t(8));
    assert!(d.on_time(t(10)).is_on_time());
    assert!(!d.counts_late);
    // A plain run is on time against the original due date.
    let d = reach(LocalStatus::plain(S::Returned));
    assert!(d.on_time(t(10)).is_on_time());
    assert!(!d.counts_late);
}

fn span(start: i64, end: i64, end_kind: EndKind, wait_hours: i64) -> motcua_domain::dossier::Span {
    motcua_domain::dossier::Span {
        start: t(start),
        end: t(end),
        end_kind,
        supplement_wait: TimeDelta::hours(wait_hours),
    }
}
