//! Quality alerts: each finding says what was found, in numbers, which rows it concerns, and
//! why it matters — the lesson behind it.

use serde::{Deserialize, Serialize};

use super::accum::{ColumnAccumulator, Kind};
use super::columns::fmt_num;
use super::relations::{self, chi_square, chi_square_z, contingency, Codes, NULL_CODE};
use super::text::{bigram_similarity, fingerprint, initials, Shape, SHAPES};
use super::{count_groups, ColumnProfile, Correlations, HashSample, RepeatLimits, Repeats, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Missing,
    NearDuplicateCategories,
    MixedFormats,
    DuplicateRows,
    DuplicateIds,
    Outliers,
    Correlated,
    FunctionalDependency,
    DerivedColumn,
    Constant,
    NearConstant,
    Leakage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub severity: Severity,
    pub columns: Vec<String>,
    pub title: String,
    /// What was found, with numbers.
    pub detail: String,
    /// Why it matters: the concept behind the alert.
    pub explanation: String,
    /// Rows it concerns (0-based), a few examples.
    pub rows: Vec<u64>,
    /// Example values or row descriptions.
    pub examples: Vec<String>,
}

const MISSING_LESSON: &str = "Why values are missing decides what you may do about them. Missing completely at random (MCAR) means missingness is unrelated to anything, so dropping those rows loses data but adds no bias. Missing at random (MAR) means it depends on other observed columns (older patients skipping a check-up), so dropping rows biases the rest, and imputing by group or modelling it is better. Missing not at random (MNAR) means it depends on the missing value itself (high earners not reporting income); no test on the data alone can show it, only knowledge of how the data was collected.";
const INCONSISTENT_LESSON: &str = "One real-world thing written several ways splits counts and groupings: a report would show \"USA\" and \"usa\" as two countries. Standardize the spellings with a mapping table (see Clean), and add a validation rule listing the allowed values so new variants are caught at the door.";
const FORMATS_LESSON: &str = "Values of one column written in several formats cannot be parsed with one rule, so the column stays text and sorting, ranges and arithmetic fail or silently go wrong (is 01/03 the first of March or the third of January?). Convert every value to one canonical form and record which source format each came from.";
const DUPLICATE_LESSON: &str = "Repeated records inflate counts and sums, and in machine learning they can put the same example in both the training and the test split, which makes a model look better than it is. Remove exact duplicates, or decide which copy wins when a key repeats.";
const ID_LESSON: &str = "A column that identifies a record should be unique; a repeated identifier means two records claim to be the same thing (a double-submitted order, a merge that matched twice). Joins on it will multiply rows.";
const OUTLIER_LESSON: &str = "Tukey's fences call a value an outlier when it lies more than 1.5 interquartile ranges (IQR) beyond the first or third quartile (3 IQR: far out); the z-score rule flags values more than three standard deviations from the mean, but the outliers themselves inflate the mean and deviation, so it misses some. An outlier may be an error (a misplaced decimal point) or a real rare event (a genuine $1,000,000 order): flag it, cap it or remove it only after someone who knows the domain has looked.";
const CORRELATED_LESSON: &str = "Two columns that move together almost perfectly carry nearly the same information. Keeping both adds little, can make model coefficients unstable (multicollinearity) and double-counts one fact. Pearson measures straight-line relations; Spearman measures any monotone one by comparing ranks.";
const DEPENDENCY_LESSON: &str = "When one column's value fixes another's (a product code always comes with the same name), the second is redundant: it can be stored once in a lookup table (the idea behind database normalization) and it may disagree with the first after an edit.";
const DERIVED_LESSON: &str = "A column computed from others (a total that equals price × quantity) adds no information, and rows where the relation breaks are worth a look: they are often data-entry or unit errors.";
const CONSTANT_LESSON: &str = "A column with a single value (or almost) tells a model nothing and an analyst very little; it is often a leftover of a filter or an export default. Near-constant columns can also be a sign of a broken feed.";
const LEAKAGE_LESSON: &str = "Data leakage is information that would not be available at prediction time reaching the training data. A column that predicts the label almost perfectly is the classic sign: a \"flagged by manual review\" column in a fraud model, an identifier assigned after the outcome, a field filled in only for one class. Check when each column becomes known; drop any that are only known after the outcome, and split data before fitting any transform.";

fn rows_where(
    table: &Table,
    c: usize,
    pred: impl Fn(&super::accum::ColumnView, usize) -> bool,
    max: usize,
) -> Vec<u64> {
    let mut out = Vec::new();
    for b in 0..table.batches() {
        let v = table.view(b, c);
        for i in 0..v.len() {
            if out.len() >= max {
                return out;
            }
            if pred(&v, i) {
                out.push(table.offsets[b] + i as u64);
            }
        }
    }
    out
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let p = part as f64 * 100.0 / whole as f64;
    if p > 0.0 && p < 0.1 {
        "<0.1%".into()
    } else {
        format!("{}%", fmt_num((p * 10.0).round() / 10.0))
    }
}

/// Missing values per column, with a test of whether missingness goes with other columns.
pub fn missing(table: &Table, columns: &[ColumnProfile], codes: &Codes, out: &mut Vec<Alert>) {
    // The association tests run on the sample (every row of smaller tables); the counts in
    // the alert are over every row.
    let numeric: Vec<(usize, &[f64])> = (0..columns.len())
        .filter(|&c| matches!(columns[c].kind, Kind::Integer | Kind::Float | Kind::Temporal))
        .map(|c| (c, table.sampled_numbers(c)))
        .collect();
    for (c, col) in columns.iter().enumerate() {
        if col.nulls == 0 {
            continue;
        }
        let rows = rows_where(table, c, |v, i| v.is_null(i), 8);
        let mut findings: Vec<(f64, String)> = Vec::new();
        if col.nulls < col.rows {
            let missing: Vec<bool> = table.sampled_nulls(c);
            for (o, values) in &numeric {
                if *o == c {
                    continue;
                }
                if let Some((d, t, m1, m0)) = mean_difference(&missing, values) {
                    if d.abs() >= 0.2 && t.abs() >= 4.0 {
                        let unit = table.kinds[*o].1.clone();
                        let show = |x: f64| match &unit {
                            Some(u) => u.format(x.round() as i64),
                            None => fmt_num((x * 100.0).round() / 100.0),
                        };
                        findings.push((
                            d.abs(),
                            format!(
                                "`{}` is {} where `{}` is missing (mean {} vs {})",
                                columns[*o].name,
                                if m1 > m0 { "higher" } else { "lower" },
                                col.name,
                                show(m1),
                                show(m0)
                            ),
                        ));
                    }
                }
            }
            let ind: Vec<u32> = missing.iter().map(|&m| u32::from(m)).collect();
            for (o, other) in columns.iter().enumerate() {
                if o == c || !relations::is_categorical(other, codes, o) {
                    continue;
                }
                let b = codes.sampled(o).unwrap();
                let t = contingency(&ind, b, 2, codes.cardinality[o] as usize);
                if let Some((chi, df, _, v)) = chi_square(&t) {
                    if v >= 0.1 && chi_square_z(chi, df) > 3.09 {
                        // The category where missingness is most common.
                        let (best, rate) = (0..t[0].len())
                            .filter(|&j| t[0][j] + t[1][j] >= 5)
                            .map(|j| (j, t[1][j] as f64 / (t[0][j] + t[1][j]) as f64))
                            .max_by(|a, b| a.1.total_cmp(&b.1))
                            .unwrap_or((0, 0.0));
                        let value = codes.first_row(o, best as u32).and_then(|r| table.cell(r, o)).unwrap_or_default();
                        findings.push((
                            v * 2.0,
                            format!(
                                "missingness goes with `{}` (Cramér's V {:.2}; {} of rows with \"{}\" miss it, {} overall)",
                                other.name,
                                v,
                                pct((rate * 1000.0) as u64, 1000),
                                value,
                                pct(col.nulls, col.rows)
                            ),
                        ));
                    }
                }
            }
        }
        findings.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let detail = if col.nulls == col.rows {
            format!("`{}` is empty in every row.", col.name)
        } else if findings.is_empty() {
            format!(
                "`{}` is missing in {} of {} rows ({}). Missingness shows no clear association with the other columns tested{}, which is consistent with MCAR — but MNAR cannot be ruled out from the data.",
                col.name, fmt_num(col.nulls as f64), fmt_num(col.rows as f64), pct(col.nulls, col.rows), table.sample_note()
            )
        } else {
            format!(
                "`{}` is missing in {} of {} rows ({}). A MAR hint{}: {}.",
                col.name,
                fmt_num(col.nulls as f64),
                fmt_num(col.rows as f64),
                pct(col.nulls, col.rows),
                table.sample_note(),
                findings.iter().take(3).map(|f| f.1.clone()).collect::<Vec<_>>().join("; ")
            )
        };
        out.push(Alert {
            kind: AlertKind::Missing,
            severity: if col.null_fraction >= 0.05 || !findings.is_empty() {
                Severity::Warning
            } else {
                Severity::Info
            },
            columns: vec![col.name.clone()],
            title: if findings.is_empty() {
                format!("Missing values in {}", col.name)
            } else {
                format!("Missing values in {} (MAR hint)", col.name)
            },
            detail,
            explanation: MISSING_LESSON.into(),
            rows,
            examples: Vec::new(),
        });
    }
}

/// Standardized mean difference, Welch's t and the two means of `values` split by `missing`.
fn mean_difference(missing: &[bool], values: &[f64]) -> Option<(f64, f64, f64, f64)> {
    let mut s = [(0.0f64, 0.0f64, 0.0f64); 2];
    for (&m, &x) in missing.iter().zip(values) {
        if !x.is_nan() {
            let g = &mut s[usize::from(m)];
            g.0 += 1.0;
            g.1 += x;
            g.2 += x * x;
        }
    }
    let stats = |(n, sum, sq): (f64, f64, f64)| {
        let mean = sum / n;
        (n, mean, ((sq - n * mean * mean) / (n - 1.0)).max(0.0))
    };
    if s[0].0 < 5.0 || s[1].0 < 5.0 {
        return None;
    }
    let (n0, m0, v0) = stats(s[0]);
    let (n1, m1, v1) = stats(s[1]);
    let pooled = ((v0 + v1) / 2.0).sqrt();
    let se = (v0 / n0 + v1 / n1).sqrt();
    if pooled == 0.0 || se == 0.0 {
        return None;
    }
    Some(((m1 - m0) / pooled, (m1 - m0) / se, m1, m0))
}

/// Near-duplicate categories and mixed formats in text columns.
pub fn inconsistent(table: &Table, columns: &[ColumnProfile], accs: &[ColumnAccumulator], out: &mut Vec<Alert>) {
    for (c, col) in columns.iter().enumerate() {
        if col.kind != Kind::Text {
            continue;
        }
        let acc = &accs[c];
        // Dates and numbers written as text are a matter of formats (below), not spellings:
        // their fingerprints would merge different values ("08/03/2023" and "03/08/2023").
        let formatted: u64 =
            SHAPES.iter().zip(&acc.shapes).filter(|(s, _)| s.is_date() || s.is_number()).map(|(_, &n)| n).sum();
        if !acc.overflowed && (2..=5000).contains(&acc.values.len()) && !col.id_like && formatted * 2 < acc.non_null() {
            near_duplicates(table, c, col, acc, out);
        }
        mixed_formats(table, c, col, acc, out);
    }
}

fn near_duplicates(table: &Table, c: usize, col: &ColumnProfile, acc: &ColumnAccumulator, out: &mut Vec<Alert>) {
    let mut values: Vec<(String, u64, u64)> =
        acc.values.values().map(|e| (table.cell(e.first_row, c).unwrap_or_default(), e.count, e.first_row)).collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    let keys: Vec<String> = values.iter().map(|v| fingerprint(&v.0)).collect();
    // Union-find over the distinct values.
    let mut parent: Vec<usize> = (0..values.len()).collect();
    fn find(p: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while p[r] != r {
            r = p[r];
        }
        p[x] = r;
        r
    }
    let union = |p: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (find(p, a), find(p, b));
        if ra != rb {
            p[ra.max(rb)] = ra.min(rb);
        }
    };
    let mut by_key: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        if k.is_empty() {
            continue;
        }
        match by_key.get(k.as_str()) {
            Some(&j) => union(&mut parent, i, j),
            None => {
                by_key.insert(k, i);
            }
        }
    }
    for (i, v) in values.iter().enumerate() {
        if let Some(ini) = initials(&v.0) {
            if let Some(&j) = by_key.get(ini.as_str()) {
                union(&mut parent, i, j);
            }
        }
    }
    let wordy = |s: &str| {
        s.chars().count() >= 4 && s.chars().filter(|c| c.is_alphabetic()).count() * 5 >= s.chars().count() * 4
    };
    if values.len() <= 300 {
        for i in 0..values.len() {
            for j in i + 1..values.len() {
                if keys[i] != keys[j]
                    && wordy(&keys[i])
                    && wordy(&keys[j])
                    && bigram_similarity(&keys[i], &keys[j]) >= 0.7
                {
                    union(&mut parent, i, j);
                }
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for i in 0..values.len() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    if groups.is_empty() {
        return;
    }
    let examples: Vec<String> = groups
        .iter()
        .take(8)
        .map(|g| {
            g.iter()
                .map(|&i| format!("\"{}\" ({})", values[i].0, fmt_num(values[i].1 as f64)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    let variants: usize = groups.iter().map(Vec::len).sum();
    out.push(Alert {
        kind: AlertKind::NearDuplicateCategories,
        severity: Severity::Warning,
        columns: vec![col.name.clone()],
        title: format!("Inconsistent spellings in {}", col.name),
        detail: format!(
            "{} group(s) of values in `{}` look like one category written {} ways, found by fingerprint keys (case, spacing, punctuation, accents, word order), initials and character-bigram similarity.",
            groups.len(),
            col.name,
            variants
        ),
        explanation: INCONSISTENT_LESSON.into(),
        rows: groups.iter().take(8).flat_map(|g| g.iter().map(|&i| values[i].2)).collect(),
        examples,
    });
}

fn mixed_formats(table: &Table, c: usize, col: &ColumnProfile, acc: &ColumnAccumulator, out: &mut Vec<Alert>) {
    let non_null = acc.non_null();
    let present = |pred: fn(Shape) -> bool| -> Vec<(Shape, u64)> {
        SHAPES.iter().zip(&acc.shapes).filter(|(s, &n)| n > 0 && pred(**s)).map(|(s, &n)| (*s, n)).collect()
    };
    let dates = present(Shape::is_date);
    let date_total: u64 = dates.iter().map(|d| d.1).sum();
    let numbers_ = present(Shape::is_number);
    let number_total: u64 = numbers_.iter().map(|d| d.1).sum();
    let has = |v: &[(Shape, u64)], s: Shape| v.iter().any(|x| x.0 == s);
    let mixed: Vec<(Shape, u64)> = if dates.len() >= 2 && date_total * 2 >= non_null {
        dates
    } else if number_total * 2 >= non_null
        && ((has(&numbers_, Shape::GroupedNumber)
            && (has(&numbers_, Shape::Integer) || has(&numbers_, Shape::Decimal)))
            || (has(&numbers_, Shape::DecimalComma) && has(&numbers_, Shape::Decimal)))
    {
        numbers_
    } else {
        return;
    };
    let mut rows = Vec::new();
    let mut examples = Vec::new();
    for (shape, n) in &mixed {
        let r = rows_where(
            table,
            c,
            |v, i| match v {
                super::accum::ColumnView::Text(a) => {
                    !arrow_array::Array::is_null(a, i) && super::text::classify(a.value(i)) == *shape
                }
                _ => false,
            },
            1,
        );
        if let Some(&r) = r.first() {
            rows.push(r);
            examples.push(format!(
                "{}: \"{}\" ({} values)",
                shape.describe(),
                table.cell(r, c).unwrap_or_default(),
                fmt_num(*n as f64)
            ));
        }
    }
    out.push(Alert {
        kind: AlertKind::MixedFormats,
        severity: Severity::Warning,
        columns: vec![col.name.clone()],
        title: format!("Mixed formats in {}", col.name),
        detail: format!(
            "`{}` holds {} in {} different formats, so it was kept as text.",
            col.name,
            if mixed[0].0.is_date() { "dates" } else { "numbers" },
            mixed.len()
        ),
        explanation: FORMATS_LESSON.into(),
        rows,
        examples,
    });
}

/// Exact duplicate rows, and repeated values in identifier-like columns.
pub fn duplicates(
    table: &Table,
    columns: &[ColumnProfile],
    rows: &Repeats,
    limits: RepeatLimits,
    out: &mut Vec<Alert>,
) {
    if rows.count > 0 {
        out.push(Alert {
            kind: AlertKind::DuplicateRows,
            severity: Severity::Warning,
            columns: Vec::new(),
            title: "Duplicate rows".into(),
            detail: format!(
                "{}{} row(s) ({}) repeat an earlier row exactly, in every column{}.",
                if rows.estimate.is_some() { "About " } else { "" },
                fmt_num(rows.count as f64),
                pct(rows.count, table.rows),
                estimated(&rows.estimate)
            ),
            explanation: DUPLICATE_LESSON.into(),
            rows: rows.examples.iter().map(|e| e.0).collect(),
            examples: rows.examples.iter().map(|(r, f)| format!("row {} repeats row {}", r + 1, f + 1)).collect(),
        });
    }
    for (c, col) in columns.iter().enumerate() {
        if !col.id_like {
            continue;
        }
        let ids = integer_repeats(table, c, 8).unwrap_or_else(|| hashed_repeats(table, c, 8, limits));
        if ids.count == 0 {
            continue;
        }
        out.push(Alert {
            kind: AlertKind::DuplicateIds,
            severity: Severity::Warning,
            columns: vec![col.name.clone()],
            title: format!("Repeated identifiers in {}", col.name),
            detail: format!(
                "`{}` looks like an identifier ({} distinct of {} values) but {}{} value(s) repeat an earlier one{}.",
                col.name,
                fmt_num(col.distinct as f64),
                fmt_num((col.rows - col.nulls) as f64),
                if ids.estimate.is_some() { "about " } else { "" },
                fmt_num(ids.count as f64),
                estimated(&ids.estimate)
            ),
            explanation: ID_LESSON.into(),
            rows: ids.examples.iter().flat_map(|e| [e.1, e.0]).collect(),
            examples: ids
                .examples
                .iter()
                .map(|(r, f)| format!("{} on rows {} and {}", table.cell(*r, c).unwrap_or_default(), f + 1, r + 1))
                .collect(),
        });
    }
}

/// " (estimated from …)" for an estimated count, "" for an exact one.
fn estimated(e: &Option<super::Estimate>) -> String {
    e.as_ref().map(|e| format!(" ({})", e.describe())).unwrap_or_default()
}

/// Present values of column `c` that repeat an earlier one, by their hashes: sorted exactly
/// up to `limits.exact_rows` rows, sampled beyond.
fn hashed_repeats(table: &Table, c: usize, max_examples: usize, limits: RepeatLimits) -> Repeats {
    if table.rows > limits.exact_rows {
        let scan = |f: &mut dyn FnMut(u64, u64)| {
            table.for_each_batch(c, |start, v| {
                for i in (0..v.len()).filter(|&i| !v.is_null(i)) {
                    f(start + i as u64, v.hash(i));
                }
            })
        };
        let mut sample = HashSample::new(limits.sample_cap);
        scan(&mut |i, h| sample.add(i, h));
        let counted = count_groups(&sample.to_count(), scan);
        return sample.finish(&counted, max_examples);
    }
    let mut hashes = Vec::with_capacity(table.rows as usize);
    let mut nulls = Vec::with_capacity(table.rows as usize);
    table.for_each_batch(c, |_, v| {
        for i in 0..v.len() {
            hashes.push(v.hash(i));
            nulls.push(v.is_null(i));
        }
    });
    let (count, examples) = super::repeats(&hashes, |i| !nulls[i], max_examples);
    Repeats { count, examples, estimate: None }
}

/// The widest range of integer ids whose repeats are found with a bitmap (16 MB): wider ranges
/// are hashed, and sampled in large tables.
pub const MAX_ID_BITMAP_BITS: u128 = 1 << 27;

/// `super::repeats` for an integer column whose values span at most eight per row (ids
/// numbered 1, 2, 3…) and at most `MAX_ID_BITMAP_BITS`: a bitmap over the range finds the
/// repeats in one pass, without hashing and sorting every value. Same count and same examples;
/// `None` for other columns.
fn integer_repeats(table: &Table, c: usize, max_examples: usize) -> Option<Repeats> {
    use super::accum::ColumnView;
    // An integer column's views are all `Int` (every integer type casts to Int64).
    if table.kinds[c].0 != Kind::Integer {
        return None;
    }
    let ints = || {
        (0..table.batches()).filter_map(move |b| match table.view(b, c).into_owned() {
            ColumnView::Int(a) => Some(a),
            _ => None,
        })
    };
    // Every present value, array by array (a plain loop over the values where none is missing).
    fn each_present(arrays: impl Iterator<Item = arrow_array::Int64Array>, mut f: impl FnMut(&[i64])) {
        let mut present = Vec::new();
        for a in arrays {
            match arrow_array::Array::nulls(&a) {
                None => f(a.values()),
                Some(nulls) => {
                    present.clear();
                    present.extend(a.values().iter().enumerate().filter(|(i, _)| nulls.is_valid(*i)).map(|(_, &v)| v));
                    f(&present)
                }
            }
        }
    }
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    each_present(ints(), |vs| {
        for &v in vs {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    });
    if lo > hi {
        return Some(Repeats::default());
    }
    let span = (hi as i128 - lo as i128 + 1) as u128;
    if span > 8 * table.rows.max(1) as u128 || span > MAX_ID_BITMAP_BITS {
        return None;
    }
    let mut bits = vec![0u64; (span as usize).div_ceil(64)];
    let mut count = 0u64;
    let mut repeated: Vec<u64> = Vec::new();
    // The examples `repeats` would pick: the repeated values with the smallest hashes (kept
    // to a few times `max_examples` as they come).
    let smallest = |repeated: &mut Vec<u64>| {
        repeated.sort_unstable();
        repeated.dedup();
        repeated.truncate(max_examples);
    };
    each_present(ints(), |vs| {
        for &v in vs {
            let k = (v - lo) as usize;
            let (word, bit) = (k / 64, 1u64 << (k % 64));
            if bits[word] & bit != 0 {
                count += 1;
                repeated.push(super::accum::int_hash(v));
                if repeated.len() >= 4 * max_examples.max(1) {
                    smallest(&mut repeated);
                }
            } else {
                bits[word] |= bit;
            }
        }
    });
    if count == 0 {
        return Some(Repeats::default());
    }
    smallest(&mut repeated);
    let hashes = ints().flat_map(|a| {
        (0..a.len()).map(move |i| arrow_array::Array::is_valid(&a, i).then(|| super::accum::int_hash(a.value(i))))
    });
    Some(Repeats { count, examples: super::repeat_examples(hashes, &repeated, max_examples), estimate: None })
}

pub fn outliers(columns: &[ColumnProfile], out: &mut Vec<Alert>) {
    for col in columns {
        let Some(o) = &col.outliers else { continue };
        if o.iqr_mild == 0 && o.z_above_3 == 0 {
            continue;
        }
        let iqr = o.q3 - o.q1;
        out.push(Alert {
            kind: AlertKind::Outliers,
            severity: if o.iqr_extreme > 0 { Severity::Warning } else { Severity::Info },
            columns: vec![col.name.clone()],
            title: format!("Outliers in {}", col.name),
            detail: format!(
                "{} value(s) of `{}` lie outside the 1.5×IQR fences [{}, {}] ({} beyond the 3×IQR fences [{}, {}]); {} are more than 3 standard deviations from the mean.",
                fmt_num(o.iqr_mild as f64),
                col.name,
                fmt_num(o.q1 - 1.5 * iqr),
                fmt_num(o.q3 + 1.5 * iqr),
                fmt_num(o.iqr_extreme as f64),
                fmt_num(o.q1 - 3.0 * iqr),
                fmt_num(o.q3 + 3.0 * iqr),
                fmt_num(o.z_above_3 as f64)
            ),
            explanation: OUTLIER_LESSON.into(),
            rows: o.examples.iter().map(|e| e.0).collect(),
            examples: o.examples.iter().map(|(r, v)| format!("{} on row {}", v, r + 1)).collect(),
        });
    }
}

/// Strong correlations, functional dependencies and columns derived by arithmetic.
pub fn redundant(table: &Table, columns: &[ColumnProfile], corr: &Correlations, codes: &Codes, out: &mut Vec<Alert>) {
    let k = corr.numeric_columns.len();
    for i in 0..k {
        for j in i + 1..k {
            let p = corr.pearson[i][j].unwrap_or(0.0);
            let s = corr.spearman[i][j].unwrap_or(0.0);
            if p.abs() >= 0.95 || s.abs() >= 0.95 {
                let (a, b) = (&corr.numeric_columns[i], &corr.numeric_columns[j]);
                out.push(Alert {
                    kind: AlertKind::Correlated,
                    severity: Severity::Info,
                    columns: vec![a.clone(), b.clone()],
                    title: format!("{a} and {b} are strongly correlated"),
                    detail: format!(
                        "Pearson r = {p:.3}{}, Spearman ρ = {s:.3} between `{a}` and `{b}`.",
                        table.sample_note()
                    ),
                    explanation: CORRELATED_LESSON.into(),
                    rows: Vec::new(),
                    examples: Vec::new(),
                });
            }
        }
    }
    functional_dependencies(table, columns, codes, out);
    derived_columns(table, columns, out);
}

fn functional_dependencies(table: &Table, columns: &[ColumnProfile], codes: &Codes, out: &mut Vec<Alert>) {
    let n = table.rows;
    let coded: Vec<usize> = (0..columns.len())
        .filter(|&c| codes.is_coded(c) && codes.cardinality[c] >= 2 && columns[c].kind != Kind::Other)
        .collect();
    // Checked on every row during the first pass (`relations::CodeStream`).
    let mut found: Vec<(usize, usize)> = Vec::new();
    for &a in &coded {
        let ka = codes.cardinality[a] as u64;
        // A column with (nearly) one value per row determines everything trivially.
        if ka * 3 > n {
            continue;
        }
        for &b in &coded {
            if a == b || codes.cardinality[b] as u64 > ka {
                continue;
            }
            if codes.determines(a, b) {
                found.push((a, b));
            }
        }
    }
    for &(a, b) in found.iter().take(12) {
        let mutual = found.contains(&(b, a));
        if mutual && b < a {
            continue;
        }
        let (na, nb) = (&columns[a].name, &columns[b].name);
        let example_rows: Vec<u64> = codes.first_appearances(a, 3);
        out.push(Alert {
            kind: AlertKind::FunctionalDependency,
            severity: Severity::Info,
            columns: vec![na.clone(), nb.clone()],
            title: if mutual { format!("{na} and {nb} determine each other") } else { format!("{na} determines {nb}") },
            detail: if mutual {
                format!("Every value of `{na}` goes with exactly one value of `{nb}` and the other way round ({} pairs): the two columns encode the same thing.", codes.cardinality[a])
            } else {
                format!("Every value of `{na}` ({} distinct) goes with exactly one value of `{nb}` ({} distinct) in all {} rows.", codes.cardinality[a], codes.cardinality[b], fmt_num(n as f64))
            },
            explanation: DEPENDENCY_LESSON.into(),
            examples: example_rows
                .iter()
                .map(|&r| format!("{} → {}", table.cell(r, a).unwrap_or_default(), table.cell(r, b).unwrap_or_default()))
                .collect(),
            rows: example_rows,
        });
    }
}

/// c = a × b or c = a + b in at least 95% of complete rows (to the cent).
fn derived_columns(table: &Table, columns: &[ColumnProfile], out: &mut Vec<Alert>) {
    let numeric: Vec<usize> = (0..columns.len()).filter(|&c| relations::is_numeric(&columns[c])).take(12).collect();
    if numeric.len() < 3 {
        return;
    }
    // Piece by piece: three short runs of numbers at a time, never a whole column.
    let (mut xs, mut ys, mut zs) = (Vec::new(), Vec::new(), Vec::new());
    for (ci, &c) in numeric.iter().enumerate() {
        for ai in 0..numeric.len() {
            for bi in ai + 1..numeric.len() {
                if ai == ci || bi == ci {
                    continue;
                }
                for (op, f) in [("×", (|a: f64, b: f64| a * b) as fn(f64, f64) -> f64), ("+", |a, b| a + b)] {
                    let (mut total, mut hits) = (0u64, 0u64);
                    let mut misses: Vec<u64> = Vec::new();
                    let mut abandoned = false;
                    'batches: for (b, start, len) in table.pieces(4096) {
                        table.batch_numbers(b, numeric[ai], start..start + len, &mut xs);
                        table.batch_numbers(b, numeric[bi], start..start + len, &mut ys);
                        table.batch_numbers(b, c, start..start + len, &mut zs);
                        let first = table.offsets[b] + start as u64;
                        if check_relation(&xs, &ys, &zs, f, first, (&mut total, &mut hits), &mut misses) {
                            abandoned = true;
                            break 'batches;
                        }
                    }
                    if abandoned || total < 10 || hits * 100 < total * 95 {
                        continue;
                    }
                    let (a, b, cn) = (&columns[numeric[ai]].name, &columns[numeric[bi]].name, &columns[c].name);
                    out.push(Alert {
                        kind: AlertKind::DerivedColumn,
                        severity: Severity::Info,
                        columns: vec![cn.clone(), a.clone(), b.clone()],
                        title: format!("{cn} = {a} {op} {b}"),
                        detail: format!(
                            "`{cn}` equals `{a}` {op} `{b}` (to the cent) in {} of {} rows ({}); {} row(s) break the relation.",
                            fmt_num(hits as f64),
                            fmt_num(total as f64),
                            pct(hits, total),
                            fmt_num((total - hits) as f64)
                        ),
                        explanation: DERIVED_LESSON.into(),
                        examples: misses
                            .iter()
                            .map(|&r| {
                                let v = |i: usize| fmt_num(table.number_at(r, numeric[i]));
                                format!("row {}: {cn} = {}, {a} {op} {b} = {} {op} {}", r + 1, v(ci), v(ai), v(bi))
                            })
                            .collect(),
                        rows: misses,
                    });
                }
            }
        }
    }
}

/// `z = f(x, y)` over a run of rows (the first is row `first`): adds to the totals and the
/// missed rows; `true` once the relation is abandoned (under 90% of the first 1,000 rows).
/// Out of line on purpose (see `RowTally::add` in columns.rs).
#[inline(never)]
fn check_relation(
    xs: &[f64],
    ys: &[f64],
    zs: &[f64],
    f: fn(f64, f64) -> f64,
    first: u64,
    (total, hits): (&mut u64, &mut u64),
    misses: &mut Vec<u64>,
) -> bool {
    for (i, ((x, y), z)) in xs.iter().zip(ys).zip(zs).enumerate() {
        if x.is_nan() || y.is_nan() || z.is_nan() {
            continue;
        }
        *total += 1;
        if (z - f(*x, *y)).abs() <= 0.0051 + 1e-9 * z.abs() {
            *hits += 1;
        } else if misses.len() < 5 {
            misses.push(first + i as u64);
        }
        if *total == 1000 && *hits < 900 {
            return true;
        }
    }
    false
}

pub fn constant(columns: &[ColumnProfile], out: &mut Vec<Alert>) {
    for col in columns {
        let non_null = col.rows - col.nulls;
        if non_null == 0 || col.distinct_estimated {
            continue;
        }
        let top = col.top.first().map(|t| t.count).unwrap_or(0);
        let (kind, title, detail) = if col.distinct == 1 {
            (
                AlertKind::Constant,
                format!("{} is constant", col.name),
                format!("Every non-missing value of `{}` is \"{}\".", col.name, col.top[0].value),
            )
        } else if top * 100 >= non_null * 99 {
            (
                AlertKind::NearConstant,
                format!("{} is nearly constant", col.name),
                format!(
                    "\"{}\" makes up {} of the non-missing values of `{}`.",
                    col.top[0].value,
                    pct(top, non_null),
                    col.name
                ),
            )
        } else {
            continue;
        };
        out.push(Alert {
            kind,
            severity: Severity::Info,
            columns: vec![col.name.clone()],
            title,
            detail,
            explanation: CONSTANT_LESSON.into(),
            rows: Vec::new(),
            examples: Vec::new(),
        });
    }
}

/// Columns that predict the label (almost) perfectly.
pub fn leakage(table: &Table, columns: &[ColumnProfile], codes: &Codes, label: &str, out: &mut Vec<Alert>) {
    let Some(l) = columns.iter().position(|c| c.name == label) else { return };
    // Accuracies and the base rate are both measured on the sample (every row of smaller tables).
    let Some(lc) = codes.sampled(l) else { return };
    let kl = codes.cardinality[l] as usize;
    let mut class_counts = vec![0u64; kl];
    for &x in lc.iter().filter(|&&x| x != NULL_CODE) {
        class_counts[x as usize] += 1;
    }
    let labelled: u64 = class_counts.iter().sum();
    let base = *class_counts.iter().max().unwrap_or(&0) as f64 / labelled.max(1) as f64;
    if labelled < 20 || base >= 0.995 {
        return;
    }
    for (c, col) in columns.iter().enumerate() {
        if c == l {
            continue;
        }
        let accuracy = match codes.sampled(c) {
            Some(cc) if codes.cardinality[c] as u64 * 20 <= labelled => {
                let t = contingency(cc, lc, codes.cardinality[c] as usize, kl);
                let (hits, n) = t.iter().fold((0u64, 0u64), |(h, n), row| {
                    (h + row.iter().max().copied().unwrap_or(0), n + row.iter().sum::<u64>())
                });
                (n >= 20).then(|| hits as f64 / n as f64)
            }
            _ if matches!(col.kind, Kind::Integer | Kind::Float | Kind::Temporal) => {
                relations::stump_accuracy(table.sampled_numbers(c), lc)
            }
            _ => None,
        };
        let Some(acc) = accuracy else { continue };
        let gain = (acc - base) / (1.0 - base);
        if gain < 0.95 {
            continue;
        }
        out.push(Alert {
            kind: AlertKind::Leakage,
            severity: Severity::Warning,
            columns: vec![col.name.clone(), label.to_string()],
            title: format!("{} predicts {} almost perfectly", col.name, label),
            detail: format!(
                "Knowing only `{}` predicts `{label}` correctly in {} of rows{} (always guessing the commonest class: {}). {}",
                col.name,
                pct((acc * 10_000.0).round() as u64, 10_000),
                table.sample_note(),
                pct((base * 10_000.0).round() as u64, 10_000),
                if codes.is_coded(c) && codes.cardinality[c] as u64 * 20 <= labelled {
                    "Each of its values goes with one label."
                } else {
                    "A single threshold on it separates the classes."
                }
            ),
            explanation: LEAKAGE_LESSON.into(),
            rows: Vec::new(),
            examples: Vec::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::synth::SplitMix64;
    use crate::core::Dataset;
    use arrow_array::{ArrayRef, Int64Array, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;

    /// The bitmap path finds the same repeats, with the same examples, as hashing every value.
    #[test]
    fn integer_repeats_match_hashed_repeats() {
        let mut rng = SplitMix64::new(9);
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, true)]));
        let batches: Vec<RecordBatch> = (0..3)
            .map(|_| {
                let values: Vec<Option<i64>> =
                    (0..4000).map(|_| (rng.below(20) > 0).then(|| rng.below(11_000) as i64 - 500)).collect();
                let col: ArrayRef = Arc::new(Int64Array::from(values));
                RecordBatch::try_new(schema.clone(), vec![col]).unwrap()
            })
            .collect();
        let dataset = Dataset::new("ids", schema, batches);
        let table = Table::new(&dataset);
        let ids = integer_repeats(&table, 0, 8).expect("a narrow integer range");
        let expected = hashed_repeats(&table, 0, 8, RepeatLimits::default());
        assert!(ids.count > 100, "{}", ids.count);
        assert_eq!(ids, expected);
        assert!(ids.estimate.is_none());
    }
}
