//! Plain logic behind the UI (formatting, grid windowing, progress text), kept out of
//! components so native `cargo test` reaches it.

use crate::protocol::{Phase, Progress};

pub use crate::core::thousands;

/// Bytes in decimal units, as people read file sizes: "125.3 MB".
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// "12.5 MB of 125.0 MB · 10% · 100,000 rows".
pub fn progress_text(p: &Progress) -> String {
    let pct = (p.bytes_read * 100).checked_div(p.bytes_total).unwrap_or(100);
    let what = match p.phase {
        Phase::Reading => "read",
        Phase::Rereading => "re-read (a column became text)",
        Phase::Hashing => "hashed",
    };
    format!("{} of {} {what} · {pct}% · {} rows", bytes(p.bytes_read), bytes(p.bytes_total), thousands(p.rows))
}

/// "1 row", "2 rows": a count with its noun.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Throughput in MB/s for a load (empty for files too small for the figure to mean anything).
pub fn throughput(bytes: u64, ms: f64) -> String {
    if ms <= 0.0 || bytes < 1_000_000 {
        return String::new();
    }
    format!("{:.0} MB/s", bytes as f64 / 1e6 / (ms / 1000.0))
}

/// Geometry of the virtual grid: only the rows in view exist in the DOM. Tall tables are
/// scaled so the scroll height stays under browsers' element-height limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridWindow {
    pub rows: u64,
    pub row_px: f64,
    pub viewport_px: f64,
}

/// Browsers stop laying out elements taller than ~33 million pixels; stay well below.
pub const MAX_SCROLL_PX: f64 = 8_000_000.0;

impl GridWindow {
    pub fn visible_rows(&self) -> u64 {
        (self.viewport_px / self.row_px).ceil() as u64
    }
    /// Height of the scrollable content.
    pub fn content_px(&self) -> f64 {
        (self.rows as f64 * self.row_px).min(MAX_SCROLL_PX).max(self.viewport_px)
    }
    /// First row shown for a scroll offset.
    pub fn first_row(&self, scroll_top: f64) -> u64 {
        let max_scroll = (self.content_px() - self.viewport_px).max(0.0);
        let last_first = self.rows.saturating_sub(self.visible_rows().saturating_sub(1));
        if max_scroll <= 0.0 {
            return 0;
        }
        let frac = (scroll_top / max_scroll).clamp(0.0, 1.0);
        ((frac * last_first as f64).round() as u64).min(last_first)
    }
}

/// Heights of bars scaled to `height` pixels, tallest = `height`; a non-zero count is at least
/// one pixel so that rare values stay visible.
pub fn bar_heights(counts: &[u64], height: f64) -> Vec<f64> {
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    counts.iter().map(|&c| if c == 0 { 0.0 } else { (c as f64 / max * height).max(1.0) }).collect()
}

/// Fill colour of a heatmap cell: blue for negative, red for positive, white at 0; grey when
/// there is no value. `v` is in -1..=1 (or 0..=1).
pub fn heat_color(v: Option<f64>) -> String {
    let Some(v) = v.filter(|v| v.is_finite()) else { return "#d0d0d0".into() };
    let t = v.abs().min(1.0);
    let fade = |full: f64| (255.0 - (255.0 - full) * t).round() as u8;
    let (r, g, b) =
        if v >= 0.0 { (fade(178.0), fade(24.0), fade(43.0)) } else { (fade(33.0), fade(102.0), fade(172.0)) };
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// "12 duplicate rows", or for an estimate "about 1,200 duplicate rows (estimated from …)"; an
/// estimate of none says what was looked at rather than "about 0 (±0)".
pub fn duplicate_rows(count: u64, estimate: Option<&crate::core::profile::Estimate>) -> String {
    match estimate {
        None => format!("{} duplicate rows", thousands(count)),
        Some(e) if count == 0 => {
            format!("no duplicate rows in a 1-in-{} sample of hash values", thousands(e.one_in()))
        }
        Some(e) => format!("about {} duplicate rows ({})", thousands(count), e.describe()),
    }
}

/// A share as a percentage for people: "12.5%", "<0.1%", "0%".
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 || part == 0 {
        return "0%".into();
    }
    let p = part as f64 * 100.0 / whole as f64;
    if p < 0.1 {
        "<0.1%".into()
    } else if p >= 99.95 && part < whole {
        ">99.9%".into()
    } else {
        format!("{}%", ((p * 10.0).round() / 10.0))
    }
}

/// A statistic for display: up to four significant decimals, thousands separated.
pub fn stat(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.abs() >= 1e15 || (x != 0.0 && x.abs() < 1e-3) {
        return format!("{x:.3e}");
    }
    let digits = if x.abs() >= 1000.0 { 2 } else { 4 };
    let s = format!("{:.*}", digits, x.abs());
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    let (int, frac) = s.split_once('.').map(|(a, b)| (a, Some(b))).unwrap_or((&s, None));
    let int = thousands(int.parse().unwrap_or(0));
    let sign = if x < 0.0 { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{int}.{f}"),
        None => format!("{sign}{int}"),
    }
}

// Clean panel defaults: which dataset a fitted step fits on and which it transforms.

/// Whether a dataset looks like a training split or was derived from one (`x.train`,
/// `x.train.imputed`, `train`, `x_train`).
pub fn is_train(name: &str) -> bool {
    name.split('.').any(|seg| seg == "train" || seg.ends_with("_train"))
}

/// Whether a dataset holds rows a step set aside rather than data to model: the rows a dedup or
/// an outlier removal took out (`x.removed`) or a validation quarantined (`x.invalid`).
pub fn is_set_aside(name: &str) -> bool {
    matches!(name.rsplit('.').next(), Some("removed" | "invalid"))
}

/// The training dataset to fit on by default: the most derived one (most name segments), the
/// latest among equals; never a set-aside dataset (`train.deduped.removed` is not training data).
pub fn default_train(names: &[String]) -> Option<String> {
    names.iter().filter(|n| is_train(n) && !is_set_aside(n)).max_by_key(|n| n.split('.').count()).cloned()
}

/// The datasets to transform by default: the training dataset and its siblings (the same name
/// with `validation` or `test` in place of `train`), else the current dataset.
pub fn default_inputs(names: &[String], current: Option<String>) -> Vec<String> {
    if let Some(train) = default_train(names) {
        let segs: Vec<&str> = train.split('.').collect();
        let mut v = vec![train.clone()];
        for other in ["validation", "test"] {
            let sibling: Vec<String> = segs
                .iter()
                .map(|s| {
                    if *s == "train" {
                        other.to_string()
                    } else if let Some(stem) = s.strip_suffix("_train") {
                        format!("{stem}_{other}")
                    } else {
                        s.to_string()
                    }
                })
                .collect();
            let sibling = sibling.join(".");
            if names.contains(&sibling) {
                v.push(sibling);
            }
        }
        return v;
    }
    current.filter(|c| names.contains(c)).or_else(|| names.first().cloned()).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_helpers() {
        assert_eq!(bar_heights(&[0, 5, 10, 1000], 100.0), vec![0.0, 1.0, 1.0, 100.0]);
        assert_eq!(heat_color(Some(1.0)), "#b2182b");
        assert_eq!(heat_color(Some(0.0)), "#ffffff");
        assert_eq!(heat_color(Some(-1.0)), "#2166ac");
        assert_eq!(heat_color(None), "#d0d0d0");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(1, 10_000), "<0.1%");
        assert_eq!(percent(9_999, 10_000), ">99.9%");
        assert_eq!(stat(1234567.891), "1,234,567.89");
        assert_eq!(stat(-0.5), "-0.5");
        assert_eq!(stat(42.0), "42");
        assert_eq!(stat(0.00001), "1.000e-5");
        assert_eq!(duplicate_rows(12, None), "12 duplicate rows");
        let e = crate::core::profile::Estimate { sampled_fraction: 1.0 / 8.0, exact_part: 10, standard_error: 310.4 };
        assert_eq!(
            duplicate_rows(12_000, Some(&e)),
            "about 12,000 duplicate rows (estimated from a 1-in-8 sample of hash values, standard error ±310)"
        );
        let none = crate::core::profile::Estimate { sampled_fraction: 1.0 / 64.0, exact_part: 0, standard_error: 0.0 };
        assert_eq!(duplicate_rows(0, Some(&none)), "no duplicate rows in a 1-in-64 sample of hash values");
    }

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(125_300_000), "125.3 MB");
        assert_eq!(throughput(150_000_000, 1000.0), "150 MB/s");
        assert_eq!(throughput(2_000, 10.0), "");
        assert_eq!((count(1, "row", "rows"), count(1200, "row", "rows")), ("1 row".into(), "1,200 rows".into()));
    }

    #[test]
    fn grid_window_reaches_both_ends_of_a_million_rows() {
        let g = GridWindow { rows: 1_000_000, row_px: 28.0, viewport_px: 420.0 };
        assert!(g.content_px() <= MAX_SCROLL_PX);
        assert_eq!(g.first_row(0.0), 0);
        let last = g.first_row(g.content_px() - g.viewport_px);
        assert_eq!(last + g.visible_rows() - 1, 1_000_000);
        let small = GridWindow { rows: 5, row_px: 28.0, viewport_px: 420.0 };
        assert_eq!(small.first_row(100.0), 0);
    }
}

#[cfg(test)]
mod clean_default_tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn default_fit_skips_removed_and_quarantined_datasets() {
        let ds = names(&[
            "orders",
            "orders.train",
            "orders.test",
            "orders.train.deduped",
            "orders.train.deduped.removed",
            "orders.train.trimmed.removed",
            "orders.train.imputed.invalid",
        ]);
        assert!(is_set_aside("orders.train.deduped.removed") && is_set_aside("orders.train.invalid"));
        assert!(!is_set_aside("orders.train") && !is_set_aside("removed_rows"));
        assert_eq!(default_train(&ds).as_deref(), Some("orders.train.deduped"));
        // Only set-aside training datasets: none is a default; the inputs fall back to the current one.
        let only = names(&["orders", "orders.train.removed", "orders.train.invalid"]);
        assert_eq!(default_train(&only), None);
        assert_eq!(default_inputs(&only, Some("orders".into())), vec!["orders".to_string()]);
        // Siblings follow the chosen training dataset.
        let split = names(&["o.train", "o.validation", "o.test", "o.train.removed", "o.test.removed"]);
        assert_eq!(default_inputs(&split, None), names(&["o.train", "o.validation", "o.test"]));
        assert_eq!(default_train(&names(&["x_train", "x_train.removed"])).as_deref(), Some("x_train"));
    }
}
