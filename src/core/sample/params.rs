//! Parsing the parameters a person types: split ratios ("70/15/15", "0.8, 0.2") and row numbers
//! ("1, 5, 10-20"). Shared by the panel and the command line.

use super::methods::{Allocation, ReservoirAlgorithm, SampleMethod, SampleSize, Weights};
use crate::core::error::{CoreError, Result};

/// The sampling methods a person can choose, by key: (key, name, group).
pub const METHODS: [(&str, &str, &str); 12] = [
    ("random", "Simple random", "Probability"),
    ("random_replace", "Simple random with replacement", "Probability"),
    ("systematic", "Systematic (every k-th row)", "Probability"),
    ("stratified", "Stratified", "Probability"),
    ("weighted", "Weighted", "Probability"),
    ("reservoir", "Reservoir (one pass)", "Probability"),
    ("importance", "Importance", "Probability"),
    ("first_n", "First rows (convenience)", "Non-probability"),
    ("quota", "Quota per group", "Non-probability"),
    ("manual", "Hand-picked rows (judgment)", "Non-probability"),
    ("over_sample", "Over-sample minority classes", "Class imbalance"),
    ("under_sample", "Under-sample majority classes", "Class imbalance"),
];

/// The sample form as typed: every field text, so it can hold what a person is still typing.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleForm {
    pub method: String,
    pub size: String,
    /// "rows" or "percent".
    pub unit: String,
    pub every: String,
    pub columns: Vec<String>,
    /// "proportional" or "equal".
    pub allocation: String,
    pub minimum: String,
    /// "column" or "inverse_frequency".
    pub weight_kind: String,
    pub weight_column: String,
    /// "R" or "L".
    pub algorithm: String,
    pub quota: String,
    pub rows: String,
    pub label: String,
}

impl Default for SampleForm {
    fn default() -> Self {
        SampleForm {
            method: "random".into(),
            size: "10".into(),
            unit: "percent".into(),
            every: "10".into(),
            columns: Vec::new(),
            allocation: "proportional".into(),
            minimum: "0".into(),
            weight_kind: "column".into(),
            weight_column: String::new(),
            algorithm: "R".into(),
            quota: "10".into(),
            rows: String::new(),
            label: String::new(),
        }
    }
}

/// Which inputs a method uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    pub size: bool,
    pub every: bool,
    pub columns: bool,
    pub allocation: bool,
    pub weights: bool,
    pub algorithm: bool,
    pub quota: bool,
    pub rows: bool,
    pub label: bool,
}

impl SampleForm {
    pub fn needs(&self) -> Needs {
        let mut n = Needs::default();
        match self.method.as_str() {
            "random" | "random_replace" | "first_n" => n.size = true,
            "systematic" => n.every = true,
            "stratified" => (n.size, n.columns, n.allocation) = (true, true, true),
            "weighted" | "importance" => (n.size, n.weights) = (true, true),
            "reservoir" => (n.size, n.algorithm) = (true, true),
            "quota" => (n.columns, n.quota) = (true, true),
            "manual" => n.rows = true,
            "over_sample" | "under_sample" => n.label = true,
            _ => {}
        }
        n
    }

    /// The method with its parameters, or what is wrong with the form.
    pub fn method(&self) -> Result<SampleMethod> {
        let int = |what: &str, s: &str| {
            s.trim().parse::<u64>().map_err(|_| CoreError::step(format!("{what} must be a whole number, not \"{s}\"")))
        };
        let size = || -> Result<SampleSize> {
            if self.unit == "percent" {
                let p: f64 = self.size.trim().trim_end_matches('%').parse().map_err(|_| {
                    CoreError::step(format!("the sample size must be a percentage, not \"{}\"", self.size))
                })?;
                if !(0.0..=100.0).contains(&p) {
                    return Err(CoreError::step(format!("a percentage is between 0 and 100, not {p}")));
                }
                Ok(SampleSize::Fraction(p / 100.0))
            } else {
                Ok(SampleSize::Count(int("the sample size", &self.size)?))
            }
        };
        let column = |what: &str, c: &str| {
            if c.is_empty() {
                Err(CoreError::step(format!("choose {what}")))
            } else {
                Ok(c.to_string())
            }
        };
        let weights = || -> Result<Weights> {
            let column = column("a weight column", &self.weight_column)?;
            Ok(if self.weight_kind == "inverse_frequency" {
                Weights::InverseFrequency { column }
            } else {
                Weights::Column { column }
            })
        };
        let columns = || {
            if self.columns.is_empty() {
                Err(CoreError::step("choose at least one column to group rows by"))
            } else {
                Ok(self.columns.clone())
            }
        };
        Ok(match self.method.as_str() {
            "random" => SampleMethod::Random { size: size()?, replace: false },
            "random_replace" => SampleMethod::Random { size: size()?, replace: true },
            "systematic" => SampleMethod::Systematic { every: int("k", &self.every)? },
            "stratified" => SampleMethod::Stratified {
                columns: columns()?,
                size: size()?,
                allocation: if self.allocation == "equal" { Allocation::Equal } else { Allocation::Proportional },
                minimum: int("the minimum per group", &self.minimum)?,
            },
            "weighted" => SampleMethod::Weighted { weights: weights()?, size: size()? },
            "reservoir" => SampleMethod::Reservoir {
                size: match size()? {
                    SampleSize::Count(n) => n,
                    SampleSize::Fraction(_) => {
                        return Err(CoreError::step("a reservoir holds a number of rows; choose \"rows\""))
                    }
                },
                algorithm: if self.algorithm == "L" { ReservoirAlgorithm::L } else { ReservoirAlgorithm::R },
            },
            "importance" => SampleMethod::Importance { proposal: weights()?, size: size()? },
            "first_n" => SampleMethod::FirstN { size: size()? },
            "quota" => SampleMethod::Quota { columns: columns()?, per_stratum: int("the quota", &self.quota)? },
            "manual" => {
                let rows = parse_rows(&self.rows)?;
                if rows.is_empty() {
                    return Err(CoreError::step("pick rows in the grid or type their numbers"));
                }
                SampleMethod::Manual { rows }
            }
            "over_sample" => SampleMethod::OverSample { label: column("a label column", &self.label)? },
            "under_sample" => SampleMethod::UnderSample { label: column("a label column", &self.label)? },
            other => return Err(CoreError::step(format!("unknown sampling method {other}"))),
        })
    }
}

/// A seed typed by a person: empty means "draw a fresh one".
pub fn parse_seed(s: &str) -> Result<Option<u64>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<u64>()
        .map(Some)
        .map_err(|_| CoreError::step(format!("the seed must be a whole number from 0 to {}, not \"{s}\"", u64::MAX)))
}

/// Ratios separated by `/`, `,` or `:`; percentages or fractions (only their proportions matter).
pub fn parse_ratios(s: &str) -> Result<Vec<f64>> {
    let parts: Vec<&str> = s.split(['/', ',', ':']).map(str::trim).filter(|p| !p.is_empty()).collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(CoreError::step(format!(
            "\"{s}\" should be two or three ratios, train first and test last, like 80/20 or 70/15/15"
        )));
    }
    parts
        .iter()
        .map(|p| {
            p.trim_end_matches('%')
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|r| r.is_finite() && *r > 0.0)
                .ok_or_else(|| CoreError::step(format!("\"{p}\" is not a positive ratio")))
        })
        .collect()
}

/// Row numbers from 1, separated by commas or spaces, with ranges like `10-20`; sorted, no repeats.
pub fn parse_rows(s: &str) -> Result<Vec<u64>> {
    let mut rows = Vec::new();
    for part in s.split([',', ' ', ';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let num = |t: &str| {
            t.trim()
                .parse::<u64>()
                .ok()
                .filter(|&r| r >= 1)
                .ok_or_else(|| CoreError::step(format!("\"{t}\" is not a row number (rows count from 1)")))
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (num(a)?, num(b)?);
                if b < a || b - a > 1_000_000 {
                    return Err(CoreError::step(format!("\"{part}\" is not a range of rows")));
                }
                rows.extend(a..=b);
            }
            None => rows.push(num(part)?),
        }
    }
    rows.sort_unstable();
    rows.dedup();
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_and_rows_parse_and_refuse_nonsense() {
        assert_eq!(parse_ratios("70/15/15").unwrap(), [70.0, 15.0, 15.0]);
        assert_eq!(parse_ratios("0.8, 0.2").unwrap(), [0.8, 0.2]);
        assert_eq!(parse_ratios("80% / 20%").unwrap(), [80.0, 20.0]);
        assert!(parse_ratios("100").is_err());
        assert!(parse_ratios("80/-20").is_err());
        assert_eq!(parse_rows("5, 1 3-4,5").unwrap(), [1, 3, 4, 5]);
        assert!(parse_rows("0").unwrap_err().to_string().contains("rows count from 1"));
        assert!(parse_rows("4-2").is_err());
        assert_eq!(parse_rows("").unwrap(), Vec::<u64>::new());
    }

    #[test]
    fn the_form_builds_each_method() {
        let mut f = SampleForm::default();
        assert_eq!(f.method().unwrap(), SampleMethod::Random { size: SampleSize::Fraction(0.1), replace: false });
        for (key, _, _) in METHODS {
            f.method = key.into();
            (f.columns, f.weight_column, f.label, f.rows, f.unit) =
                (vec!["region".into()], "amount".into(), "churn".into(), "1-3".into(), "rows".into());
            assert!(f.method().is_ok(), "{key}");
        }
        f.method = "stratified".into();
        f.columns.clear();
        assert!(f.method().unwrap_err().to_string().contains("at least one column"));
        assert_eq!(parse_seed(" 42 ").unwrap(), Some(42));
        assert_eq!(parse_seed("").unwrap(), None);
        assert!(parse_seed("-1").is_err());
    }
}
