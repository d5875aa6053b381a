//! Encoding categories as numbers: one-hot (sorted categories, at most N with an "other" column),
//! ordinal with an explicit order, and frequency encoding. Categories are fitted on one dataset
//! and applied to every input; values unseen when fitting are counted.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, StringArray};
use arrow_schema::{DataType, Field};
use serde::{Deserialize, Serialize};

use super::support::*;
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::recipe::{ColumnSource, Derive, Derived, Step, StepReport};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum EncodeMethod {
    /// One 0/1 column per category, in sorted order (scikit-learn `OneHotEncoder`). With
    /// `max_categories`, only that many of the most frequent are kept and the rest, like values
    /// unseen when fitting, go to a `<column>_other` column.
    OneHot {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_categories: Option<usize>,
    },
    /// The position of the value in `order` (per column); values not listed become null.
    Ordinal { order: BTreeMap<String, Vec<String>> },
    /// The share of fitting rows holding the value (0 for unseen values).
    Frequency,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedEncoding {
    pub column: String,
    pub categories: Vec<String>,
    /// One-hot: whether an `_other` column collects the rest.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub other: bool,
    /// Frequency encoding: the share of each category, in `categories` order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frequencies: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncodeStep {
    #[serde(flatten)]
    pub targets: Targets,
    pub columns: Vec<String>,
    #[serde(flatten)]
    pub method: EncodeMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fitted: Option<Vec<FittedEncoding>>,
}

impl EncodeMethod {
    fn name(&self) -> &'static str {
        match self {
            EncodeMethod::OneHot { .. } => "one-hot",
            EncodeMethod::Ordinal { .. } => "ordinal",
            EncodeMethod::Frequency => "frequency",
        }
    }
    fn fit(&self, column: &str, arrays: &[StringArray]) -> Result<FittedEncoding> {
        let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
        for a in arrays {
            for v in a.iter().flatten() {
                *counts.entry(v).or_default() += 1;
            }
        }
        Ok(match self {
            EncodeMethod::OneHot { max_categories } => {
                let mut cats: Vec<(&str, u64)> = counts.into_iter().collect();
                let other = max_categories.is_some_and(|m| cats.len() > m);
                if let Some(m) = max_categories.filter(|_| other) {
                    cats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                    cats.truncate(m);
                    cats.sort();
                }
                FittedEncoding {
                    column: column.into(),
                    categories: cats.into_iter().map(|c| c.0.to_string()).collect(),
                    other,
                    frequencies: Vec::new(),
                }
            }
            EncodeMethod::Ordinal { order } => {
                let o = order
                    .get(column)
                    .ok_or_else(|| CoreError::step(format!("give the order of the categories of \"{column}\"")))?;
                FittedEncoding { column: column.into(), categories: o.clone(), other: false, frequencies: Vec::new() }
            }
            EncodeMethod::Frequency => {
                let n: u64 = counts.values().sum();
                FittedEncoding {
                    column: column.into(),
                    categories: counts.keys().map(|k| k.to_string()).collect(),
                    other: false,
                    frequencies: counts.values().map(|&c| c as f64 / n.max(1) as f64).collect(),
                }
            }
        })
    }
}

impl Derive for EncodeStep {
    fn inputs(&self) -> Vec<String> {
        self.targets.reads()
    }
    fn outputs(&self) -> Vec<String> {
        self.targets.output_names("encoded")
    }
    fn column_sources(&self, output: usize, column: &str) -> Vec<ColumnSource> {
        rewritten_sources(self.targets.input_of(output), column, &self.columns, |c| {
            self.columns.iter().find(|k| c.strip_prefix(k.as_str()).is_some_and(|rest| rest.starts_with('_'))).cloned()
        })
    }
    fn label(&self) -> String {
        format!("{} encode {} of {}", self.method.name(), self.columns.join(", "), self.targets.inputs.join(", "))
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        self.targets.check()?;
        if self.columns.is_empty() {
            return Err(CoreError::step("choose at least one column to encode"));
        }
        let fit_name = self.targets.fit_name();
        let fit_on = &datasets[&fit_name];
        let inputs: Vec<&Dataset> = self.targets.inputs.iter().map(|i| &datasets[i]).collect();
        let replayed = self.fitted.is_some();
        let fitted = match &self.fitted {
            Some(f) => f.clone(),
            None => {
                self.columns.iter().map(|c| self.method.fit(c, &text_column(fit_on, c)?)).collect::<Result<Vec<_>>>()?
            }
        };
        let mut report =
            CleanReport { op: "encode".into(), fitted_on: Some(fit_name.clone()), replayed, ..Default::default() };
        // The same fit on every row of every input, to show what fitting on all rows would leak
        // (an explicit ordinal order is not fitted, so it has nothing to compare).
        let fitted_on_all: Vec<FittedEncoding> =
            if !replayed && self.targets.compares() && !matches!(self.method, EncodeMethod::Ordinal { .. }) {
                let mut v = Vec::new();
                for f in &fitted {
                    let mut text = Vec::new();
                    for d in &inputs {
                        text.extend(text_column(d, &f.column)?);
                    }
                    let all = self.method.fit(&f.column, &text)?;
                    report.leakage.extend(leakage_rows(f, &all));
                    v.push(all);
                }
                v
            } else {
                Vec::new()
            };
        let mut outputs = Vec::new();
        for (d, name) in inputs.iter().zip(self.outputs()) {
            let (fields0, cols0) = columns_of(d);
            // Encoded columns replace their source column in place.
            let mut fields: Vec<Field> = Vec::new();
            let mut cols: Vec<Vec<ArrayRef>> = vec![Vec::new(); d.batches.len()];
            for (i, field) in fields0.iter().enumerate() {
                let Some(k_fit) = fitted.iter().position(|f| &f.column == field.name()) else {
                    fields.push(field.clone());
                    for (b, c) in cols0.iter().enumerate() {
                        cols[b].push(Arc::clone(&c[i]));
                    }
                    continue;
                };
                let f = &fitted[k_fit];
                let text = text_column(d, &f.column)?;
                let index: HashMap<&str, usize> =
                    f.categories.iter().enumerate().map(|(k, c)| (c.as_str(), k)).collect();
                let unseen: u64 =
                    text.iter().map(|a| a.iter().flatten().filter(|v| !index.contains_key(v)).count() as u64).sum();
                let after: Hist;
                match &self.method {
                    EncodeMethod::OneHot { .. } => {
                        let width = f.categories.len() + usize::from(f.other);
                        let mut ones = vec![0u64; width];
                        for k in 0..width {
                            let label = f.categories.get(k).map_or("other", String::as_str);
                            let col_name = format!("{}_{label}", f.column);
                            fields.push(Field::new(col_name, DataType::Int64, false));
                        }
                        for (b, a) in text.iter().enumerate() {
                            let mut columns: Vec<Vec<i64>> = vec![vec![0; a.len()]; width];
                            for (r, v) in a.iter().enumerate() {
                                let Some(v) = v else { continue };
                                let k = match index.get(v) {
                                    Some(&k) => k,
                                    None if f.other => width - 1,
                                    None => continue,
                                };
                                columns[k][r] = 1;
                                ones[k] += 1;
                            }
                            for c in columns {
                                cols[b].push(Arc::new(Int64Array::from(c)));
                            }
                        }
                        let mut labels = f.categories.clone();
                        if f.other {
                            labels.push("other".into());
                        }
                        after = Hist { labels, counts: ones, nulls: 0 };
                    }
                    EncodeMethod::Ordinal { .. } => {
                        fields.push(Field::new(&f.column, DataType::Int64, true));
                        let mut codes = Vec::new();
                        for (b, a) in text.iter().enumerate() {
                            let c: Int64Array =
                                a.iter().map(|v| v.and_then(|v| index.get(v)).map(|&k| k as i64)).collect();
                            codes.push(arrow_cast::cast(&c, &DataType::Float64)?);
                            cols[b].push(Arc::new(c));
                        }
                        let f64s: Vec<Float64Array> = codes
                            .iter()
                            .map(|a| {
                                arrow_array::cast::AsArray::as_primitive::<arrow_array::types::Float64Type>(a).clone()
                            })
                            .collect();
                        after = numeric_hist(&f64s);
                    }
                    EncodeMethod::Frequency => {
                        fields.push(Field::new(&f.column, DataType::Float64, true));
                        let mut fs = Vec::new();
                        for (b, a) in text.iter().enumerate() {
                            let c: Float64Array =
                                a.iter().map(|v| v.map(|v| index.get(v).map_or(0.0, |&k| f.frequencies[k]))).collect();
                            fs.push(c.clone());
                            cols[b].push(Arc::new(c));
                        }
                        if let Some(all) = fitted_on_all.get(k_fit) {
                            let share: HashMap<&str, f64> = all
                                .categories
                                .iter()
                                .map(String::as_str)
                                .zip(all.frequencies.iter().copied())
                                .collect();
                            let other: Vec<Float64Array> = text
                                .iter()
                                .map(|a| a.iter().map(|v| v.map(|v| share.get(v).copied().unwrap_or(0.0))).collect())
                                .collect();
                            report.leakage_means.push(LeakageMean {
                                dataset: d.name.clone(),
                                column: f.column.clone(),
                                mean_fitted_on_train: arrays_mean(&fs),
                                mean_fitted_on_all: arrays_mean(&other),
                            });
                        }
                        after = numeric_hist(&fs);
                    }
                }
                let mut counts = vec![Count::new("categories", f.categories.len() as u64)];
                counts.push(Count::new("values not seen when fitting", unseen));
                let shown: Vec<&str> = f.categories.iter().take(12).map(String::as_str).collect();
                report.changes.push(ColumnChange {
                    dataset: name.clone(),
                    column: f.column.clone(),
                    counts,
                    params: format!(
                        "categories: {}{}{}",
                        shown.join(", "),
                        if f.categories.len() > 12 { ", …" } else { "" },
                        if f.other { " + other" } else { "" }
                    ),
                    before: Some(text_hist(&text)),
                    after: Some(after),
                });
            }
            let mut seen = std::collections::HashSet::new();
            if let Some(dup) = fields.iter().find(|f| !seen.insert(f.name().clone())) {
                return Err(CoreError::step(format!(
                    "the encoded {name} would have two columns named \"{}\"",
                    dup.name()
                )));
            }
            outputs.push(rebuild(&name, fields, cols)?);
        }
        report.summary = format!(
            "{} encoded {} column{} of {} dataset{}, categories fitted on {fit_name}.",
            self.method.name(),
            fitted.len(),
            plural(fitted.len() as u64),
            inputs.len(),
            plural(inputs.len() as u64)
        );
        let recorded = EncodeStep { fitted: Some(fitted), ..self.clone() };
        Ok(Derived {
            outputs,
            rows_in: inputs[0].num_rows(),
            rows_set_aside: 0,
            report: Some(StepReport::Clean(Box::new(report))),
            recorded: Some(Step::Encode(recorded)),
        })
    }
}

/// At most this many per-category rows in the leakage table, per column.
const LEAKAGE_CATEGORIES: usize = 12;

/// The fit on the chosen dataset against the fit on all rows: the number of categories; for
/// one-hot, each category that has a column under one fit only (1 = has a column); for frequency
/// encoding, the categories whose share differs most.
fn leakage_rows(train: &FittedEncoding, all: &FittedEncoding) -> Vec<LeakageRow> {
    let row = |parameter: String, on_train: f64, on_all: f64| LeakageRow {
        column: train.column.clone(),
        parameter,
        fitted_on_train: on_train,
        fitted_on_all: on_all,
    };
    let mut rows = vec![row("categories".into(), train.categories.len() as f64, all.categories.len() as f64)];
    let share = |f: &FittedEncoding| -> BTreeMap<String, f64> {
        f.categories.iter().cloned().zip(f.frequencies.iter().copied().chain(std::iter::repeat(1.0))).collect()
    };
    let (on_train, on_all) = (share(train), share(all));
    let mut union: Vec<&String> = on_train.keys().chain(on_all.keys()).collect();
    union.sort();
    union.dedup();
    if train.frequencies.is_empty() {
        let differ: Vec<&String> =
            union.into_iter().filter(|c| on_train.contains_key(*c) != on_all.contains_key(*c)).collect();
        if differ.is_empty() {
            return rows;
        }
        let only_all = differ.iter().filter(|c| !on_train.contains_key(**c)).count();
        rows.push(row("categories with a column only in the all-rows fit".into(), 0.0, only_all as f64));
        for c in differ.into_iter().take(LEAKAGE_CATEGORIES) {
            let has = |m: &BTreeMap<String, f64>| f64::from(u8::from(m.contains_key(c)));
            rows.push(row(format!("column for \"{c}\""), has(&on_train), has(&on_all)));
        }
    } else {
        let get = |m: &BTreeMap<String, f64>, c: &str| m.get(c).copied().unwrap_or(0.0);
        let mut diffs: Vec<(&String, f64, f64)> =
            union.into_iter().map(|c| (c, get(&on_train, c), get(&on_all, c))).collect();
        diffs.sort_by(|a, b| (b.2 - b.1).abs().total_cmp(&(a.2 - a.1).abs()).then(a.0.cmp(b.0)));
        for (c, t, a) in diffs.into_iter().take(LEAKAGE_CATEGORIES) {
            rows.push(row(format!("frequency of \"{c}\""), t, a));
        }
    }
    rows
}
