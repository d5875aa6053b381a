//! Plain logic behind the UI (formatting, grid windowing, progress text), kept out of
//! components so native `cargo test` reaches it.

use crate::protocol::{Phase, Progress};

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
