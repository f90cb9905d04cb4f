//! The leader's chart, drawn by the server as SVG: one bar per day for the
//! dossiers received, and a line for the share of results on time.

use motcua_app::dossiers::stats::on_time_percent;
use motcua_app::ports::dossiers::DailyCounts;

/// Width of the drawing area (user units).
pub const WIDTH: u32 = 720;
/// Height of the drawing area.
pub const HEIGHT: u32 = 240;
const LEFT: u32 = 40;
const RIGHT: u32 = 40;
const TOP: u32 = 16;
const BOTTOM: u32 = 28;

/// One bar.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
    /// Day of month.
    pub day: u32,
    /// Received that day.
    pub received: u64,
    /// Show the day number under it.
    pub labelled: bool,
    /// Where the label goes (centre).
    pub label_x: u32,
}

/// The chart's geometry.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Bars.
    pub bars: Vec<Bar>,
    /// `points` of the on-time polyline (empty when nothing was resolved).
    pub line: String,
    /// Dots of the on-time line: (x, y, percent).
    pub dots: Vec<(u32, u32, u64)>,
    /// Largest daily intake (the left axis).
    pub max: u64,
    /// Bottom of the plot.
    pub base_y: u32,
    /// Top of the plot.
    pub top_y: u32,
    /// Left of the plot.
    pub left_x: u32,
    /// Right of the plot.
    pub right_x: u32,
}

/// Lays out the chart of `days`.
pub fn layout(days: &[DailyCounts]) -> Chart {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base_y = TOP + plot_h;
    let n = u32::try_from(days.len().max(1)).unwrap_or(1);
    let slot = plot_w / n;
    let w = (slot * 7 / 10).max(2);
    let max = days.iter().map(|d| d.received).max().unwrap_or(0).max(1);
    let every = n.div_ceil(10).max(1);
    let mut bars = Vec::new();
    let mut dots = Vec::new();
    for (i, d) in days.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(0);
        let x = LEFT + i * slot + (slot - w) / 2;
        let h = u32::try_from(d.received * u64::from(plot_h) / max).unwrap_or(plot_h);
        let day = chrono::Datelike::day(&d.day);
        bars.push(Bar {
            x,
            y: base_y - h,
            w,
            h,
            day,
            received: d.received,
            labelled: i % every == 0 || i + 1 == n,
            label_x: x + w / 2,
        });
        if let Some(p) = on_time_percent(d) {
            let y = base_y - u32::try_from(p * u64::from(plot_h) / 100).unwrap_or(0);
            dots.push((x + w / 2, y, p));
        }
    }
    Chart {
        line: dots
            .iter()
            .map(|(x, y, _)| format!("{x},{y}"))
            .collect::<Vec<_>>()
            .join(" "),
        bars,
        dots,
        max,
        base_y,
        top_y: TOP,
        left_x: LEFT,
        right_x: WIDTH - RIGHT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn bars_scale_to_the_busiest_day() {
        let d = |n, received, resolved, on_time| DailyCounts {
            day: NaiveDate::from_ymd_opt(2026, 11, n).unwrap(),
            received,
            resolved,
            resolved_on_time: on_time,
        };
        let chart = layout(&[d(1, 2, 0, 0), d(2, 4, 2, 1), d(3, 0, 1, 1)]);
        assert_eq!(chart.bars.len(), 3);
        assert_eq!(chart.max, 4);
        assert_eq!(chart.bars[1].y, chart.top_y);
        assert_eq!(chart.bars[0].h * 2, chart.bars[1].h);
        assert_eq!(chart.bars[2].h, 0);
        assert_eq!(chart.dots.len(), 2);
        assert_eq!(chart.dots[1].1, chart.top_y);
        assert_eq!(chart.line.split(' ').count(), 2);
        assert!(layout(&[]).bars.is_empty());
    }
}
