//! Reconciliation of counts (đối soát) between a province and the national
//! hub: dossiers started in a period here and at the hub, beside what is
//! still waiting in the outbox, with a verdict.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::ports::Store;
use serde::Serialize;

/// What a reconciliation found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    /// Province code.
    pub province: String,
    /// First day (Vietnam).
    pub from: NaiveDate,
    /// Last day (Vietnam, inclusive).
    pub to: NaiveDate,
    /// Dossiers started in the period here.
    pub local: u64,
    /// The same at the hub.
    pub hub: u64,
    /// Events not delivered to the hub yet.
    pub pending: u64,
    /// Dead letters of the hub.
    pub dead: u64,
}

impl Reconciliation {
    /// Whether both sides agree.
    pub fn matches(&self) -> bool {
        self.local == self.hub
    }

    /// A two-language report, one fact a line.
    pub fn report(&self) -> String {
        let verdict = if self.matches() {
            "KHỚP / MATCH".to_owned()
        } else {
            let diff = i128::from(self.hub) - i128::from(self.local);
            let hint = if self.pending + self.dead > 0 {
                "còn sự kiện chưa gửi / events still undelivered"
            } else {
                "không còn sự kiện chờ: cần kiểm tra / nothing pending: investigate"
            };
            format!("LỆCH / MISMATCH: trung tâm − tỉnh = {diff:+} (hub − local); {hint}")
        };
        format!(
            "Đối soát / reconciliation, tỉnh / province {} · {} → {}\n\
             hồ sơ tại tỉnh / dossiers here:   {}\n\
             hồ sơ tại trung tâm / at the hub: {}\n\
             chờ gửi / pending: {} · lỗi / dead letters: {}\n{verdict}\n",
            self.province, self.from, self.to, self.local, self.hub, self.pending, self.dead
        )
    }
}

/// UTC bounds of Vietnam days `[from, to]`.
pub fn bounds(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    motcua_domain::clock::local_days(from, to)
}

/// Counts here and at the hub (`GET <hub>/api/v1/national/totals`).
pub async fn reconcile(
    store: Arc<dyn Store>,
    hub_url: &str,
    province: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<Reconciliation> {
    anyhow::ensure!(from <= to, "--from after --to");
    let (start, end) = bounds(from, to);
    let local = store.dossiers_started(start, end).await?;
    // What still waits for the hub (its own delivery state).
    let counts = store
        .outbox_counts()
        .await?
        .into_iter()
        .find(|c| c.sink == "hub")
        .map(|c| c.counts)
        .unwrap_or_default();
    let url = format!(
        "{}/api/v1/national/totals?from={from}&to={to}",
        hub_url.trim_end_matches('/')
    );
    let answer: serde_json::Value = reqwest::Client::new()
        .get(&url)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let hub = answer["provinces"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["province"] == province)
        .and_then(|p| p["dossiers"].as_u64())
        .unwrap_or(0);
    Ok(Reconciliation {
        province: province.to_owned(),
        from,
        to,
        local,
        hub,
        pending: counts.pending,
        dead: counts.dead,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_say_match_or_how_far_apart() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut r = Reconciliation {
            province: "19".into(),
            from: d("2026-01-01"),
            to: d("2026-01-31"),
            local: 10,
            hub: 10,
            pending: 0,
            dead: 0,
        };
        assert!(r.report().contains("KHỚP / MATCH"));
        r.hub = 7;
        r.pending = 3;
        assert!(!r.matches());
        assert!(r.report().contains("-3"), "{}", r.report());
        assert!(r.report().contains("undelivered"));
        let (a, b) = bounds(d("2026-01-01"), d("2026-01-01"));
        assert_eq!(a.to_rfc3339(), "2025-12-31T17:00:00+00:00");
        assert_eq!((b - a).num_hours(), 24);
    }
}
