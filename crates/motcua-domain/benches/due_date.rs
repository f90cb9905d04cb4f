//! Due-date throughput of the legal clock, beside a naive baseline measured
//! in the same run: a day-by-day loop over a `HashSet` of holidays that
//! computes the same 7-working-day due date.
//!
//! Run with `cargo bench -p motcua-domain --bench due_date`.

use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use criterion::{Criterion, Throughput};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::clock::{
    ClockRequest, Pause, ReceptionRules, compute_due, due_instant, from_local, to_local,
};
use motcua_domain::legal_time::{TimeLimit, TimeUnit};

/// 1,000 receipt instants spread over 2024–2026 at varied times of day.
fn receipts() -> Vec<DateTime<Utc>> {
    let base = Utc
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    (0..1000u32)
        .map(|i| base + chrono::Duration::minutes(i64::from(i) * 1571))
        .collect()
}

fn mixed_requests(receipts: &[DateTime<Utc>]) -> Vec<ClockRequest> {
    let limits = [
        TimeLimit {
            amount: 0,
            unit: TimeUnit::WorkingDays,
        },
        TimeLimit::working_days(3),
        TimeLimit::working_days(7),
        TimeLimit::working_days(20),
        TimeLimit {
            amount: 15,
            unit: TimeUnit::CalendarDays,
        },
        TimeLimit {
            amount: 3,
            unit: TimeUnit::Months,
        },
        TimeLimit {
            amount: 8,
            unit: TimeUnit::WorkingHours,
        },
    ];
    receipts
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut req = ClockRequest::new(*r, limits[i % limits.len()]);
            if i % 5 == 0 {
                req.reception = ReceptionRules {
                    cutoff: NaiveTime::from_hms_opt(15, 0, 0),
                    saturday_morning_reception: false,
                };
            }
            if i % 3 == 0 {
                req.pauses.push(Pause {
                    requested_at: *r + chrono::Duration::days(1),
                    resumed_at: Some(*r + chrono::Duration::days(4)),
                });
            }
            req
        })
        .collect()
}

/// The naive baseline: weekends by weekday, other days off in a `HashSet`.
struct Naive {
    off: HashSet<NaiveDate>,
    makeup: HashSet<NaiveDate>,
}

impl Naive {
    fn new(cal: &WorkingCalendar) -> Self {
        let (mut off, mut makeup) = (HashSet::new(), HashSet::new());
        for year in 2023..=2028 {
            if let Ok(yc) = cal.year_calendar(year) {
                for d in yc.days {
                    if d.note.working {
                        makeup.insert(d.date);
                    } else if !matches!(d.date.weekday(), Weekday::Sat | Weekday::Sun) {
                        off.insert(d.date);
                    }
                }
            }
        }
        Self { off, makeup }
    }

    fn working(&self, d: NaiveDate) -> bool {
        self.makeup.contains(&d)
            || (!matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.off.contains(&d))
    }

    fn due_7wd(&self, received: DateTime<Utc>) -> DateTime<Utc> {
        let local = to_local(received);
        let closes = NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default();
        let mut day = local.date();
        if !(self.working(day) && local.time() < closes) {
            day = day + Days::new(1);
            while !self.working(day) {
                day = day + Days::new(1);
            }
        }
        let mut left = 7;
        while left > 0 {
            day = day + Days::new(1);
            if self.working(day) {
                left -= 1;
            }
        }
        from_local(day.and_time(closes))
    }
}

fn per_second(iterations: usize, elapsed: Duration) -> f64 {
    iterations as f64 / elapsed.as_secs_f64()
}

fn main() {
    let Ok(cal) = WorkingCalendar::vietnam() else {
        eprintln!("calendar failed to build");
        return;
    };
    let receipts = receipts();
    let mixed = mixed_requests(&receipts);
    let seven: Vec<ClockRequest> = receipts
        .iter()
        .map(|r| ClockRequest::new(*r, TimeLimit::working_days(7)))
        .collect();
    let naive = Naive::new(&cal);

    // Both implementations must agree before they are compared.
    let disagreements = seven
        .iter()
        .filter(|r| due_instant(&cal, r).ok().flatten() != Some(naive.due_7wd(r.received_at)))
        .count();
    println!(
        "baseline check: {disagreements} disagreements out of {}",
        seven.len()
    );

    let mut c = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .sample_size(30)
        .configure_from_args();
    let mut g = c.benchmark_group("due_date");
    g.throughput(Throughput::Elements(receipts.len() as u64));
    g.bench_function("motcua_7wd", |b| {
        b.iter(|| {
            seven
                .iter()
                .map(|r| due_instant(&cal, r).ok().flatten())
                .for_each(|d| {
                    black_box(d);
                })
        })
    });
    g.bench_function("baseline_hashset_7wd", |b| {
        b.iter(|| {
            receipts.iter().for_each(|r| {
                black_box(naive.due_7wd(*r));
            })
        })
    });
    g.bench_function("motcua_mixed_limits", |b| {
        b.iter(|| {
            mixed.iter().for_each(|r| {
                black_box(due_instant(&cal, r).ok());
            })
        })
    });
    g.bench_function("motcua_mixed_limits_explained", |b| {
        b.iter(|| {
            mixed.iter().for_each(|r| {
                black_box(compute_due(&cal, r).ok());
            })
        })
    });
    g.finish();

    // The ratio, measured here in the same run (criterion keeps its own
    // estimates in target/criterion).
    let rounds = 200;
    let time = |f: &dyn Fn()| {
        let t = Instant::now();
        for _ in 0..rounds {
            f();
        }
        t.elapsed()
    };
    let fast = time(&|| {
        for r in &seven {
            black_box(due_instant(&cal, r).ok());
        }
    });
    let slow = time(&|| {
        for r in &receipts {
            black_box(naive.due_7wd(*r));
        }
    });
    let mixed_t = time(&|| {
        for r in &mixed {
            black_box(due_instant(&cal, r).ok());
        }
    });
    let n = rounds * receipts.len();
    let (a, b, m) = (
        per_second(n, fast),
        per_second(n, slow),
        per_second(n, mixed_t),
    );
    println!("motcua 7-WD due dates:        {a:>12.0} /s");
    println!("naive HashSet 7-WD baseline:  {b:>12.0} /s");
    println!("motcua mixed limits:          {m:>12.0} /s");
    println!("ratio motcua / baseline (7 WD): {:.2}x", a / b);
}
