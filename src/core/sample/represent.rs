//! Representativeness: is a sample distributed like the table it was drawn from? Per column, the
//! drift statistics of `core::stats` (the Compare step's): KS and PSI for numeric and date
//! columns, L∞, PSI and χ² for categorical ones, with Compare's severity thresholds. The verdict
//! asks for both a large difference and one beyond chance, since small samples differ by chance:
//! biased = drift severity and p < 0.01 (KS or χ²); suspect = at least a warning and p < 0.05.
//!
//! Both sides are compared on at most [`COMPARE_ROWS`] rows drawn uniformly (seeded), which keeps
//! the report fast on large tables; the tests' p-values use those sizes.

use serde::{Deserialize, Serialize};

use super::rng::SampleRng;
use super::table::take_rows;
use crate::core::dataset::Dataset;
use crate::core::error::Result;
use crate::core::stats::{category_counts, column_drift, is_numeric_type, ColumnDrift, DriftSeverity, DriftThresholds};

/// The most rows of each side a check reads.
pub const COMPARE_ROWS: u64 = 20_000;
/// Columns with more distinct values than this are identifiers or free text: not compared.
const MAX_CATEGORIES: usize = 50;

/// What a column's comparison concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No difference that is both large and beyond chance.
    Representative,
    /// A noticeable difference that chance gives less than 5% of the time.
    Suspect,
    /// A large difference that chance gives less than 1% of the time: biased on this column.
    Biased,
    /// Not compared (too many distinct values, or no values).
    NotCompared,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Representative => "representative",
            Verdict::Suspect => "suspect",
            Verdict::Biased => "biased",
            Verdict::NotCompared => "not compared",
        }
    }
}

/// One column of the sample against the population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnCheck {
    pub column: String,
    /// The population's and the sample's mean (numeric) or most common category and its share.
    pub population: String,
    pub sample: String,
    /// The headline statistic: "KS" (numeric) or "L∞" (categorical), and its value.
    pub statistic: String,
    pub value: f64,
    /// Its test's p-value (KS or χ²).
    pub p_value: Option<f64>,
    pub verdict: Verdict,
    pub note: String,
    /// Every drift statistic, as the Compare step reports them.
    pub drift: Option<ColumnDrift>,
}

/// Compares every column of `sample` that `population` also has (except `_`-prefixed ones the
/// step added, like `_importance_weight`).
pub fn representativeness(population: &Dataset, sample: &Dataset, seed: u64) -> Result<Vec<ColumnCheck>> {
    let mut rng = SampleRng::new(seed ^ 0x5eed_c0de);
    let pop = subsample(population, &mut rng)?;
    let smp = subsample(sample, &mut rng)?;
    let thresholds = DriftThresholds::default();
    let mut out = Vec::new();
    for f in sample.schema.fields() {
        let name = f.name();
        let (Ok(pi), Ok(si)) = (pop.schema.index_of(name), smp.schema.index_of(name)) else { continue };
        if name.starts_with('_') {
            continue;
        }
        let p = column(&pop, pi)?;
        let s = column(&smp, si)?;
        out.push(check(name, p.as_ref(), s.as_ref(), &thresholds));
    }
    Ok(out)
}

fn column(d: &Dataset, i: usize) -> Result<arrow_array::ArrayRef> {
    let parts: Vec<&dyn arrow_array::Array> = d.batches.iter().map(|b| b.column(i).as_ref()).collect();
    if parts.is_empty() {
        return Ok(arrow_array::new_empty_array(d.schema.field(i).data_type()));
    }
    Ok(arrow_select::concat::concat(&parts)?)
}

fn check(name: &str, p: &dyn arrow_array::Array, s: &dyn arrow_array::Array, t: &DriftThresholds) -> ColumnCheck {
    let numeric = is_numeric_type(p.data_type());
    let mut c = ColumnCheck {
        column: name.into(),
        population: String::new(),
        sample: String::new(),
        statistic: if numeric { "KS" } else { "L∞" }.into(),
        value: 0.0,
        p_value: None,
        verdict: Verdict::NotCompared,
        note: String::new(),
        drift: None,
    };
    if numeric {
        let mean = |a: &dyn arrow_array::Array| {
            let v = crate::core::stats::numeric_values(a).unwrap_or_default();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        let show = |m: Option<f64>| match m {
            Some(m) if !p.data_type().is_temporal() => format!("mean {}", (m * 100.0).round() / 100.0),
            _ => "—".to_string(),
        };
        (c.population, c.sample) = (show(mean(p)), show(mean(s)));
    } else {
        let pc = category_counts(p);
        if pc.len() > MAX_CATEGORIES {
            c.population = format!("{} distinct", pc.len());
            c.note = format!("{} distinct values: an identifier or free text", pc.len());
            return c;
        }
        let sc = category_counts(s);
        let (pn, sn) = (pc.values().sum::<u64>().max(1) as f64, sc.values().sum::<u64>().max(1) as f64);
        if let Some((top, &n)) = pc.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) {
            c.population = format!("{top} {:.0}%", 100.0 * n as f64 / pn);
            c.sample = format!("{top} {:.0}%", 100.0 * sc.get(top).copied().unwrap_or(0) as f64 / sn);
        }
    }
    let d = column_drift(name, p, s, t);
    if d.reference_count == 0 || d.current_count == 0 {
        c.note = "no values to compare".into();
        c.drift = Some(d);
        return c;
    }
    (c.value, c.p_value) = if numeric {
        (d.ks.as_ref().map_or(0.0, |k| k.statistic), d.ks.as_ref().map(|k| k.p_value))
    } else {
        (d.linf.unwrap_or(0.0), d.chi2.as_ref().map(|x| x.p_value))
    };
    let p_value = c.p_value.unwrap_or(1.0);
    c.verdict = match d.severity {
        DriftSeverity::Drift if p_value < 0.01 => Verdict::Biased,
        DriftSeverity::Drift | DriftSeverity::Warning if p_value < 0.05 => Verdict::Suspect,
        _ => Verdict::Representative,
    };
    c.note = if d.reason.is_empty() { format!("p = {p_value:.3}") } else { format!("{} (p = {p_value:.3})", d.reason) };
    c.drift = Some(d);
    c
}

fn subsample(d: &Dataset, rng: &mut SampleRng) -> Result<Dataset> {
    let n = d.num_rows();
    if n <= COMPARE_ROWS {
        return Ok(d.clone());
    }
    let rows = rng.choose(n, COMPARE_ROWS);
    let (schema, batches) = take_rows(d, &rows, None)?;
    Ok(Dataset::new(&d.name, schema, batches))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Float64Array, StringArray};

    #[test]
    fn verdicts_need_a_large_difference_beyond_chance() {
        let t = DriftThresholds::default();
        let pop: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let low = Float64Array::from(pop[..200].to_vec());
        let every5 = Float64Array::from(pop.iter().copied().step_by(5).collect::<Vec<_>>());
        let pop = Float64Array::from(pop);
        assert_eq!(check("x", &pop, &low, &t).verdict, Verdict::Biased);
        assert_eq!(check("x", &pop, &every5, &t).verdict, Verdict::Representative);
        let cats = StringArray::from(["a", "b"].repeat(200));
        let only_a = StringArray::from(vec!["a"; 100]);
        let c = check("c", &cats, &only_a, &t);
        assert_eq!((c.verdict, c.statistic.as_str(), c.value), (Verdict::Biased, "L∞", 0.5));
        let ids = StringArray::from((0..100).map(|i| format!("id{i}")).collect::<Vec<_>>());
        assert_eq!(check("id", &ids, &ids, &t).verdict, Verdict::NotCompared);
    }
}
