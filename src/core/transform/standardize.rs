//! Standardizing inconsistent text: trim and case-fold, map spellings to one value (suggested from
//! the profile's near-duplicate clusters), strip thousands separators, and rewrite dates written
//! in mixed formats as ISO 8601.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::{Array, ArrayRef, StringArray};
use arrow_schema::{DataType, Field};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::support::*;
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::recipe::{ColumnSource, Derive, Derived, StepReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    Lower,
    Upper,
    Title,
}

/// How to read an ambiguous slash date such as 01/03/2024.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

/// What to do to one text column, in this order: trim, map, case, thousands, dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StandardizeRule {
    pub column: String,
    #[serde(default)]
    pub trim: bool,
    /// Values (after trimming) replaced by others: "NYC" → "New York City".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mapping: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<Case>,
    /// "1,234.5" → "1234.5".
    #[serde(default)]
    pub strip_thousands: bool,
    /// Rewrite dates as ISO 8601 (YYYY-MM-DD), reading slash dates in this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<DateOrder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardizeStep {
    pub input: String,
    pub output: String,
    pub rules: Vec<StandardizeRule>,
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// A date in one of the usual formats, as ISO 8601; `None` if it is not one.
pub fn to_iso_date(s: &str, order: DateOrder) -> Option<String> {
    let s = s.trim();
    let slash = match order {
        DateOrder::DayFirst => "%d/%m/%Y",
        DateOrder::MonthFirst => "%m/%d/%Y",
    };
    const OTHERS: [&str; 9] =
        ["%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%Y%m%d"];
    if let Some(d) = std::iter::once(slash).chain(OTHERS).find_map(|f| NaiveDate::parse_from_str(s, f).ok()) {
        return Some(d.format("%Y-%m-%d").to_string());
    }
    // Date and time: keep the time, ISO style.
    if s.len() > 10 && s.as_bytes().get(10).is_some_and(|b| *b == b'T' || *b == b' ') {
        for f in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
            if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), f) {
                return Some(t.format("%Y-%m-%dT%H:%M:%S").to_string());
            }
        }
    }
    None
}

/// "1,234,567.8" → "1234567.8"; `None` when the value is not a grouped number.
fn strip_groups(s: &str) -> Option<String> {
    let t = s.trim();
    let body = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let groups: Vec<&str> = int.split(',').collect();
    let ok = groups.len() > 1
        && !groups[0].is_empty()
        && groups[0].len() <= 3
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3)
        && frac.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| t.replace(',', ""))
}

/// Value mappings suggested by the profile's near-duplicate alert: each example lists a group of
/// spellings, most frequent first, as `"NYC" (3), "New York City" (9)`; every other spelling is
/// mapped to the most frequent one.
pub fn mapping_suggestions(examples: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for group in examples {
        let mut values = Vec::new();
        let mut rest = group.as_str();
        while let Some(start) = rest.find('"') {
            let after = &rest[start + 1..];
            let Some(end) = after.find("\" (") else { break };
            values.push(after[..end].to_string());
            rest = &after[end + 3..];
        }
        if let Some((first, others)) = values.split_first() {
            for o in others {
                out.insert(o.clone(), first.clone());
            }
        }
    }
    out
}

impl Derive for StandardizeStep {
    fn inputs(&self) -> Vec<String> {
        vec![self.input.clone()]
    }
    fn outputs(&self) -> Vec<String> {
        vec![self.output.clone()]
    }
    fn column_sources(&self, _output: usize, column: &str) -> Vec<ColumnSource> {
        rewritten_sources(&self.input, column, self.rules.iter().map(|r| r.column.as_str()), |_| None)
    }
    fn label(&self) -> String {
        let cols: Vec<&str> = self.rules.iter().map(|r| r.column.as_str()).collect();
        format!("standardize {} of {}", cols.join(", "), self.input)
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        let d = &datasets[&self.input];
        if self.rules.is_empty() {
            return Err(CoreError::step("choose at least one column to standardize"));
        }
        let (mut fields, mut cols) = columns_of(d);
        let mut report = CleanReport { op: "standardize".into(), ..Default::default() };
        let mut changed_total = 0u64;
        for rule in &self.rules {
            let c = d.column_index(&rule.column)?;
            let before = text_column(d, &rule.column)?;
            let (mut trimmed, mut mapped, mut cased, mut stripped, mut dated, mut undated, mut changed) =
                (0u64, 0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
            let after: Vec<StringArray> = before
                .iter()
                .map(|a| {
                    let mut out = StringBuilder::with_capacity(a.len(), a.value_data().len());
                    for v in a.iter() {
                        let Some(v) = v else {
                            out.append_null();
                            continue;
                        };
                        // Borrowed until something changes it: most values need nothing.
                        let mut s: Cow<str> = Cow::Borrowed(v);
                        if rule.trim {
                            let t = s.trim();
                            let inner = t.contains(|c: char| c.is_whitespace() && c != ' ') || t.contains("  ");
                            if inner {
                                trimmed += 1;
                                s = Cow::Owned(t.split_whitespace().collect::<Vec<_>>().join(" "));
                            } else if t.len() != s.len() {
                                trimmed += 1;
                                s = Cow::Owned(t.to_string());
                            }
                        }
                        // Suggestions name the raw spelling ("boston "), so look that up too.
                        if let Some(m) = rule.mapping.get(s.as_ref()).or_else(|| rule.mapping.get(v)) {
                            if *m != s {
                                mapped += 1;
                                s = Cow::Owned(m.clone());
                            }
                        }
                        if let Some(case) = rule.case {
                            let t = match case {
                                Case::Lower if s.chars().any(char::is_uppercase) => Some(s.to_lowercase()),
                                Case::Upper if s.chars().any(char::is_lowercase) => Some(s.to_uppercase()),
                                Case::Title => Some(title(&s)).filter(|t| *t != s),
                                _ => None,
                            };
                            if let Some(t) = t {
                                cased += 1;
                                s = Cow::Owned(t);
                            }
                        }
                        if rule.strip_thousands && s.contains(',') {
                            if let Some(t) = strip_groups(&s) {
                                stripped += 1;
                                s = Cow::Owned(t);
                            }
                        }
                        if let Some(order) = rule.dates {
                            match to_iso_date(&s, order) {
                                Some(t) if t != s => {
                                    dated += 1;
                                    s = Cow::Owned(t);
                                }
                                Some(_) => {}
                                None if !s.is_empty() => undated += 1,
                                None => {}
                            }
                        }
                        if s != v {
                            changed += 1;
                        }
                        out.append_value(&s);
                    }
                    out.finish()
                })
                .collect();
            changed_total += changed;
            let mut counts = vec![Count::new("values changed", changed)];
            for (label, n, on) in [
                ("whitespace trimmed", trimmed, rule.trim),
                ("values mapped", mapped, !rule.mapping.is_empty()),
                ("case changed", cased, rule.case.is_some()),
                ("thousands separators stripped", stripped, rule.strip_thousands),
                ("dates rewritten as ISO 8601", dated, rule.dates.is_some()),
                ("not recognised as dates (left as they were)", undated, rule.dates.is_some()),
            ] {
                if on {
                    counts.push(Count::new(label, n));
                }
            }
            report.changes.push(ColumnChange {
                dataset: self.output.clone(),
                column: rule.column.clone(),
                counts,
                params: rule.mapping.iter().map(|(a, b)| format!("\"{a}\" → \"{b}\"")).collect::<Vec<_>>().join(", "),
                before: Some(text_hist(&before)),
                after: Some(text_hist(&after)),
            });
            fields[c] = Field::new(&rule.column, DataType::Utf8, true);
            for (b, a) in after.into_iter().enumerate() {
                cols[b][c] = Arc::new(a) as ArrayRef;
            }
        }
        report.summary = format!(
            "{changed_total} value{} changed in {} column{}.",
            plural(changed_total),
            self.rules.len(),
            plural(self.rules.len() as u64)
        );
        Ok(Derived {
            outputs: vec![rebuild(&self.output, fields, cols)?],
            rows_in: d.num_rows(),
            rows_set_aside: 0,
            report: Some(StepReport::Clean(Box::new(report))),
            recorded: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_numbers_and_suggestions() {
        assert_eq!(to_iso_date("01/03/2024", DateOrder::DayFirst).as_deref(), Some("2024-03-01"));
        assert_eq!(to_iso_date("01/03/2024", DateOrder::MonthFirst).as_deref(), Some("2024-01-03"));
        assert_eq!(to_iso_date("1 Mar 2024", DateOrder::DayFirst).as_deref(), Some("2024-03-01"));
        assert_eq!(to_iso_date("March 1, 2024", DateOrder::DayFirst).as_deref(), Some("2024-03-01"));
        assert_eq!(to_iso_date("2024/03/01", DateOrder::DayFirst).as_deref(), Some("2024-03-01"));
        assert_eq!(to_iso_date("nope", DateOrder::DayFirst), None);
        assert_eq!(strip_groups("1,234,567.5").as_deref(), Some("1234567.5"));
        assert_eq!(strip_groups("12,34"), None);
        assert_eq!(title("new york CITY"), "New York City");
        let s = mapping_suggestions(&["\"New York City\" (9), \"NYC\" (3), \"new york city\" (1)".into()]);
        assert_eq!(s.get("NYC").map(String::as_str), Some("New York City"));
        assert_eq!(s.len(), 2);
    }
}
