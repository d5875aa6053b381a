//! A deterministic synthetic orders table for benchmarks and demos: ids, amounts with
//! outliers, categories with inconsistent spellings, dates, emails (some malformed) and nulls.
//! The same seed gives the same bytes on every platform.

use std::io::Write;

/// SplitMix64: tiny, fast, and identical everywhere (no platform RNG involved).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// Standard normal by Box–Muller.
    pub fn normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(f64::MIN_POSITIVE);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

pub const ORDERS_HEADER: &str =
    "order_id,customer_id,amount,quantity,unit_price,category,country,order_date,signup_date,email,is_fraud,note";

const CATEGORIES: [&str; 6] = ["books", "games", "garden", "tools", "toys", "music"];
const COUNTRIES: [&str; 8] = ["France", "Germany", "Spain", "Italy", "USA", "usa", "U.S.A.", "United States"];

fn date(days_since_2020: u64) -> String {
    // 2020-01-01 is day 18262 since the epoch.
    let days = 18262 + days_since_2020 as i64;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Inverse of days_from_civil (Howard Hinnant).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i64 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Writes `rows` rows of the orders table as CSV (header included).
pub fn write_orders_csv(rows: u64, seed: u64, out: &mut impl Write) -> std::io::Result<()> {
    let mut rng = SplitMix64::new(seed);
    let mut buf = String::with_capacity(1 << 20);
    buf.push_str(ORDERS_HEADER);
    buf.push('\n');
    for i in 0..rows {
        let customer = 1 + rng.below(rows / 8 + 1);
        let quantity = 1 + rng.below(5);
        let unit_price = ((rng.normal() * 0.8 + 3.0).exp() * 100.0).round() / 100.0;
        let mut amount = (quantity as f64 * unit_price * 100.0).round() / 100.0;
        if rng.below(2000) == 0 {
            amount *= 1000.0; // a few huge outliers
        }
        let category = CATEGORIES[rng.below(CATEGORIES.len() as u64) as usize];
        let country = COUNTRIES[rng.below(COUNTRIES.len() as u64) as usize];
        let signup = rng.below(1400);
        let order =
            if rng.below(100) == 0 { signup.saturating_sub(1 + rng.below(30)) } else { signup + rng.below(400) };
        let email = match rng.below(50) {
            0 => format!("user{customer}.example.com"),
            1 => String::new(),
            _ => format!("user{customer}@example.com"),
        };
        let fraud = rng.below(50) == 0;
        let note = match rng.below(10) {
            0 => "\"gift, wrapped\"",
            1 => "express",
            _ => "",
        };
        use std::fmt::Write as _;
        let _ = writeln!(
            buf,
            "{},{customer},{amount},{quantity},{unit_price},{category},{country},{},{},{email},{fraud},{note}",
            i + 1,
            date(order),
            date(signup)
        );
        if buf.len() > (1 << 20) - 256 {
            out.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    out.write_all(buf.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_loadable() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        write_orders_csv(2000, 7, &mut a).unwrap();
        write_orders_csv(2000, 7, &mut b).unwrap();
        assert_eq!(a, b);
        let l = crate::core::ingest::load_bytes("orders.csv", &a, &Default::default()).unwrap();
        assert_eq!(l.report.rows_loaded, 2000);
        assert_eq!(l.schema.fields().len(), 12);
        assert_eq!(l.schema.field(7).data_type(), &arrow_schema::DataType::Date32);
        assert_eq!(date(0), "2020-01-01");
        assert_eq!(date(366), "2021-01-01");
    }
}
