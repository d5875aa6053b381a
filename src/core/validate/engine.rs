//! The engine: rules compiled once (regexes, bounds cast to the column's type, enum sets), then
//! run batch by batch over Arrow arrays. Each row rule yields the failing row indices of a batch;
//! the batch is then split into valid and quarantined rows.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch, Scalar, StringArray, UInt64Array};
use arrow_buffer::BooleanBuffer;
use arrow_cast::cast::{cast_with_options, CastOptions};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Field as ArrowField, Schema, TimeUnit};

use super::expr::{self, Check, Cmp, Operand};
use super::report::{Example, RuleGroup, RuleResult, ValidationReport, Verdict};
use super::schema::{Field, RuleExtension, Severity, TableSchema};
use super::stats;
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};

/// Name of the quarantine's column holding each row's 1-based row number in the input.
pub const ROW_COLUMN: &str = "_row";
/// Name of the quarantine's column listing the rules a row broke.
pub const VIOLATIONS_COLUMN: &str = "_violations";

/// A validation's results: the report and the two halves of the data.
pub struct Validation {
    pub report: ValidationReport,
    pub valid: Dataset,
    pub quarantine: Dataset,
}

/// What a row rule checks.
enum Test {
    Type,
    Required,
    Compare {
        bound: Scalar<ArrayRef>,
        cmp: Cmp,
    },
    Length {
        min: Option<u64>,
        max: Option<u64>,
    },
    Pattern(Pattern),
    Enum(HashSet<String>),
    /// A string `format` (email, uri, uuid, binary): the whole value must match.
    Format(regex::Regex),
    Unique,
    PrimaryKey(Vec<usize>),
    /// `coerce[j]`: the j-th key column is text on one side and not on the other, so both
    /// sides' values compare by their canonical number (see `Key::canonical`).
    ForeignKey {
        local: Vec<usize>,
        keys: HashSet<Vec<Key>>,
        coerce: Vec<bool>,
    },
    Cross(Check, f64),
}

struct RowRule {
    result: RuleResult,
    /// Index into the schema's fields (the column checked), when there is one.
    field: Option<usize>,
    test: Test,
}

/// A `pattern` constraint: the whole value must match. Compiled to a dense DFA walked byte by
/// byte when it is small enough (about twice as fast as a regex search on short values), else a
/// regex.
pub(crate) enum Pattern {
    Dfa(Box<regex_automata::dfa::dense::DFA<Vec<u32>>>),
    Regex(regex::Regex),
}

impl Pattern {
    pub(crate) fn new(p: &str) -> std::result::Result<Self, regex::Error> {
        use regex_automata::dfa::{dense, StartKind};
        let anchored = regex::Regex::new(&format!("^(?:{p})$"))?;
        let config = dense::Config::new()
            .start_kind(StartKind::Anchored)
            .dfa_size_limit(Some(1 << 20))
            .determinize_size_limit(Some(1 << 21));
        Ok(match dense::Builder::new().configure(config).build(&format!("(?:{p})$")) {
            Ok(dfa) => Pattern::Dfa(Box::new(dfa)),
            Err(_) => Pattern::Regex(anchored),
        })
    }

    pub(crate) fn is_full_match(&self, s: &str) -> bool {
        use regex_automata::dfa::Automaton;
        match self {
            Pattern::Regex(r) => r.is_match(s),
            Pattern::Dfa(dfa) => {
                let input = regex_automata::Input::new(s).anchored(regex_automata::Anchored::Yes);
                let Ok(mut state) = dfa.start_state_forward(&input) else { return false };
                for &b in s.as_bytes() {
                    state = dfa.next_state(state, b);
                    if dfa.is_dead_state(state) {
                        return false;
                    }
                }
                dfa.is_match_state(dfa.next_eoi_state(state))
            }
        }
    }
}

/// A cell as a hashable key: numbers that are whole compare equal across int and float columns.
#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn dfa_and_regex_patterns_agree() {
        let p = r"[^@\s]+@[^@\s]+\.[^@\s]+";
        let dfa = Pattern::new(p).unwrap();
        assert!(matches!(dfa, Pattern::Dfa(_)));
        let re = Pattern::Regex(regex::Regex::new(&format!("^(?:{p})$")).unwrap());
        for s in ["a@b.c", "a@b.c.", " a@b.c", "a@@b.c", "é@ü.ß", "a@b.c\u{a0}", "", "@b.c", "a@.c", "x a@b.c"] {
            assert_eq!(dfa.is_full_match(s), re.is_full_match(s), "{s:?}");
        }
        assert!(!Pattern::new("ab").unwrap().is_full_match("abc"), "the whole value must match");
        assert!(Pattern::new("(").is_err());
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Null,
    Int(i64),
    Float(u64),
    Text(String),
}

impl Key {
    /// With `coerce`, text that reads as a number becomes that number (trimmed; whole numbers as
    /// integers, as `keys` does for float columns), so text and number columns can be compared.
    pub(crate) fn canonical(self, coerce: bool) -> Key {
        match self {
            Key::Text(s) if coerce => {
                let t = s.trim();
                if let Ok(i) = t.parse::<i64>() {
                    Key::Int(i)
                } else if let Some(v) = t.parse::<f64>().ok().filter(|v| v.is_finite()) {
                    if v.fract() == 0.0 && v.abs() < 9e15 {
                        Key::Int(v as i64)
                    } else {
                        Key::Float(v.to_bits())
                    }
                } else {
                    Key::Text(s)
                }
            }
            k => k,
        }
    }
}

/// Column `c` of a batch as keys.
pub(crate) fn keys(a: &dyn Array) -> Vec<Key> {
    let n = a.len();
    let mut out = Vec::with_capacity(n);
    match a.data_type() {
        DataType::Int64 => {
            let p = a.as_primitive::<Int64Type>();
            out.extend((0..n).map(|i| if p.is_null(i) { Key::Null } else { Key::Int(p.value(i)) }));
        }
        DataType::Float64 => {
            let p = a.as_primitive::<Float64Type>();
            out.extend((0..n).map(|i| {
                let v = p.value(i);
                if p.is_null(i) {
                    Key::Null
                } else if v.fract() == 0.0 && v.abs() < 9e15 {
                    Key::Int(v as i64)
                } else {
                    Key::Float(v.to_bits())
                }
            }));
        }
        DataType::Utf8 => {
            let s = a.as_string::<i32>();
            out.extend((0..n).map(|i| if s.is_null(i) { Key::Null } else { Key::Text(s.value(i).to_string()) }));
        }
        _ => {
            let text = to_text(a);
            let s = text.as_string::<i32>();
            out.extend((0..n).map(|i| if s.is_null(i) { Key::Null } else { Key::Text(s.value(i).to_string()) }));
        }
    }
    out
}

fn to_text(a: &dyn Array) -> ArrayRef {
    let opts = CastOptions { safe: true, ..Default::default() };
    cast_with_options(a, &DataType::Utf8, &opts)
        .unwrap_or_else(|_| arrow_array::new_null_array(&DataType::Utf8, a.len()))
}

/// The Arrow type a Table Schema type is checked as (`None`: any value passes).
fn target_type(field: &Field, raw: &DataType) -> Option<DataType> {
    Some(match field.type_name() {
        "integer" | "year" => DataType::Int64,
        "number" => DataType::Float64,
        "boolean" => DataType::Boolean,
        "date" => DataType::Date32,
        "time" => DataType::Time64(TimeUnit::Microsecond),
        "datetime" => match raw {
            DataType::Timestamp(_, _) => raw.clone(),
            _ => DataType::Timestamp(TimeUnit::Microsecond, None),
        },
        "string" => DataType::Utf8,
        _ => return None,
    })
}

/// A column as its schema type (nulls where a value does not convert) and the raw column with
/// the schema's missing values made null.
struct Typed {
    raw: ArrayRef,
    typed: ArrayRef,
}

fn type_column(raw: &ArrayRef, field: &Field, missing: &[String]) -> Result<Typed> {
    let mut raw = Arc::clone(raw);
    if raw.data_type() == &DataType::Utf8 && missing.iter().any(|m| !m.is_empty()) {
        let s = raw.as_string::<i32>();
        let hit: BooleanArray = s.iter().map(|v| Some(v.is_some_and(|v| missing.iter().any(|m| m == v)))).collect();
        if hit.true_count() > 0 {
            raw = arrow_select::nullif::nullif(&raw, &hit)?;
        }
    }
    let Some(target) = target_type(field, raw.data_type()) else {
        return Ok(Typed { typed: Arc::clone(&raw), raw });
    };
    if raw.data_type() == &target {
        return Ok(Typed { typed: Arc::clone(&raw), raw });
    }
    let opts = CastOptions { safe: true, ..Default::default() };
    let temporal = temporal_format(field)?;
    let mut typed = match (raw.data_type(), &target) {
        (DataType::Utf8, DataType::Date32 | DataType::Time64(_) | DataType::Timestamp(_, _))
            if temporal != TemporalFormat::Default =>
        {
            parse_temporal(raw.as_string::<i32>(), &target, &temporal)
        }
        (DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _), DataType::Int64 | DataType::Float64)
        | (DataType::Boolean, DataType::Date32 | DataType::Timestamp(_, _)) => {
            arrow_array::new_null_array(&target, raw.len())
        }
        _ => {
            cast_with_options(&raw, &target, &opts).unwrap_or_else(|_| arrow_array::new_null_array(&target, raw.len()))
        }
    };
    if target == DataType::Int64 && matches!(raw.data_type(), DataType::Float64 | DataType::Float32) {
        // A float cast to an integer truncates; frictionless refuses non-whole numbers.
        let f = cast_with_options(&raw, &DataType::Float64, &opts)?;
        let whole: BooleanArray =
            f.as_primitive::<Float64Type>().iter().map(|v| Some(v.is_none_or(|v| v.fract() == 0.0))).collect();
        let not_whole = arrow_arith_not(&whole);
        typed = arrow_select::nullif::nullif(&typed, &not_whole)?;
    }
    Ok(Typed { raw, typed })
}

/// How a `date`, `datetime` or `time` field's text is read (Table Schema's `format`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TemporalFormat {
    /// ISO 8601 (`default`, or no format).
    Default,
    /// ISO 8601 or any of a list of common layouts (month first when ambiguous, as dateutil).
    Any,
    /// A strptime-style pattern such as `%d/%m/%Y` (the older `fmt:%d/%m/%Y` is read too).
    Pattern(String),
}

/// The temporal format of a `date`/`datetime`/`time` field; other fields read as `Default`.
pub(crate) fn temporal_format(field: &Field) -> Result<TemporalFormat> {
    if !matches!(field.type_name(), "date" | "datetime" | "time") {
        return Ok(TemporalFormat::Default);
    }
    Ok(match field.format.as_deref() {
        None | Some("default") | Some("") => TemporalFormat::Default,
        Some("any") => TemporalFormat::Any,
        Some(f) => {
            let p = f.strip_prefix("fmt:").unwrap_or(f);
            let bad = chrono::format::StrftimeItems::new(p).any(|i| matches!(i, chrono::format::Item::Error));
            if bad || !p.contains('%') {
                return Err(CoreError::step(format!(
                    "field {}: format {f:?} is not a {} format (default, any, or a pattern such as %d/%m/%Y)",
                    field.name,
                    field.type_name()
                )));
            }
            TemporalFormat::Pattern(p.to_string())
        }
    })
}

const ANY_DATES: [&str; 14] = [
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y%m%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%m/%d/%y",
];
const ANY_TIMES: [&str; 6] = ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%I%p"];

fn parse_date(s: &str, p: &str) -> Option<i32> {
    let d = chrono::NaiveDate::parse_from_str(s, p).ok()?;
    Some(d.signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?).num_days() as i32)
}

fn parse_time(s: &str, p: &str) -> Option<i64> {
    use chrono::Timelike;
    let t = chrono::NaiveTime::parse_from_str(s, p).ok()?;
    Some(t.num_seconds_from_midnight() as i64 * 1_000_000 + (t.nanosecond() % 1_000_000_000) as i64 / 1000)
}

fn parse_datetime(s: &str, p: &str) -> Option<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_str(s, p) {
        return Some(t.timestamp_micros());
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, p) {
        return Some(t.and_utc().timestamp_micros());
    }
    // A pattern with a date only reads as midnight.
    parse_date(s, p).map(|d| d as i64 * 86_400_000_000)
}

/// Text read as a date/time/datetime with a `format` (`Any` or a pattern); null where a value
/// does not parse.
fn parse_temporal(s: &StringArray, target: &DataType, format: &TemporalFormat) -> ArrayRef {
    use arrow_array::{Date32Array, Time64MicrosecondArray, TimestampMicrosecondArray};
    let opts = CastOptions { safe: true, ..Default::default() };
    let text: ArrayRef = Arc::new(s.clone());
    // `any` first tries what the default reads (ISO 8601).
    let iso: Option<ArrayRef> = (format == &TemporalFormat::Any)
        .then(|| {
            cast_with_options(&text, target, &opts).and_then(|a| cast_with_options(&a, &DataType::Int64, &opts)).ok()
        })
        .flatten();
    let patterns: Vec<String> = match format {
        TemporalFormat::Pattern(p) => vec![p.clone()],
        _ => match target {
            DataType::Date32 => ANY_DATES.iter().map(|d| d.to_string()).collect(),
            DataType::Time64(_) => ANY_TIMES.iter().map(|d| d.to_string()).collect(),
            _ => ANY_DATES
                .iter()
                .flat_map(|d| ANY_TIMES.iter().flat_map(move |t| [format!("{d} {t}"), format!("{d}T{t}")]))
                .chain(ANY_DATES.iter().map(|d| d.to_string()))
                .collect(),
        },
    };
    let first = |f: &dyn Fn(&str, &str) -> Option<i64>, i: usize| -> Option<i64> {
        if s.is_null(i) {
            return None;
        }
        let v = s.value(i).trim();
        patterns.iter().find_map(|p| f(v, p))
    };
    let iso_i64 = |i: usize| -> Option<i64> {
        iso.as_ref().filter(|a| a.is_valid(i)).map(|a| a.as_primitive::<Int64Type>().value(i))
    };
    let n = s.len();
    match target {
        DataType::Date32 => Arc::new(Date32Array::from_iter((0..n).map(|i| {
            iso_i64(i).map(|v| v as i32).or_else(|| first(&|v, p| parse_date(v, p).map(i64::from), i).map(|v| v as i32))
        }))),
        DataType::Time64(_) => {
            Arc::new(Time64MicrosecondArray::from_iter((0..n).map(|i| iso_i64(i).or_else(|| first(&parse_time, i)))))
        }
        _ => Arc::new(TimestampMicrosecondArray::from_iter(
            (0..n).map(|i| iso_i64(i).or_else(|| first(&parse_datetime, i))),
        )),
    }
}

/// A string `format` as a regular expression over the whole value (`None`: any text).
fn string_format(field: &Field) -> Result<Option<regex::Regex>> {
    if field.type_name() != "string" {
        return Ok(None);
    }
    let atom = r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+";
    let re = match field.format.as_deref() {
        None | Some("default") | Some("") => return Ok(None),
        // A dot-atom local part and a host name with a letter TLD (as the validators package).
        Some("email") => {
            format!(r"^{atom}(?:\.{atom})*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+[A-Za-z]{{2,63}}$")
        }
        // RFC 3986 absolute URI: a scheme, a colon, and no spaces.
        Some("uri") => r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$".to_string(),
        Some("uuid") => r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$".to_string(),
        Some("binary") => r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$".to_string(),
        Some(other) => {
            return Err(CoreError::step(format!(
                "field {}: unknown string format {other:?} (default, email, uri, uuid, binary)",
                field.name
            )))
        }
    };
    Ok(Some(regex::Regex::new(&re).expect("the format patterns compile")))
}

/// Constraint values (bounds, enums) as the column's type, read with the field's `format` first
/// and as ISO 8601 otherwise.
fn cast_text(field: &Field, text: &ArrayRef, ty: &DataType) -> Result<ArrayRef> {
    let opts = CastOptions { safe: true, ..Default::default() };
    let iso = cast_with_options(text, ty, &opts)?;
    let format = temporal_format(field)?;
    if format == TemporalFormat::Default
        || text.data_type() != &DataType::Utf8
        || !matches!(ty, DataType::Date32 | DataType::Time64(_) | DataType::Timestamp(_, _))
    {
        return Ok(iso);
    }
    let mut parsed = parse_temporal(text.as_string::<i32>(), ty, &format);
    if parsed.data_type() != ty {
        parsed = cast_with_options(&parsed, ty, &opts)?;
    }
    let use_parsed = BooleanArray::from((0..parsed.len()).map(|i| parsed.is_valid(i)).collect::<Vec<_>>());
    Ok(arrow_select::zip::zip(&use_parsed, &parsed, &iso)?)
}

fn arrow_arith_not(a: &BooleanArray) -> BooleanArray {
    BooleanArray::new(!a.values(), None)
}

/// The bits of a comparison result that are true and not null.
fn true_bits(m: &BooleanArray) -> BooleanBuffer {
    match m.nulls() {
        Some(n) => m.values() & n.inner(),
        None => m.values().clone(),
    }
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A bound from the schema as a one-value array of the column's type.
fn bound(field: &Field, name: &str, v: &serde_json::Value, ty: &DataType) -> Result<Scalar<ArrayRef>> {
    let text: ArrayRef = Arc::new(StringArray::from(vec![value_text(v)]));
    let cast = cast_text(field, &text, ty)?;
    if cast.is_null(0) {
        return Err(CoreError::step(format!(
            "field {}: {name} {} is not a {} value",
            field.name,
            v,
            field.type_name()
        )));
    }
    Ok(Scalar::new(cast))
}

struct Compiled {
    rules: Vec<RowRule>,
    dataset_rules: Vec<RuleResult>,
    /// Per schema field: its column in the data.
    columns: Vec<Option<usize>>,
}

fn rule(id: String, group: RuleGroup, column: Option<&str>, severity: Severity, description: String) -> RuleResult {
    RuleResult {
        id,
        group,
        column: column.map(String::from),
        severity,
        description,
        row_level: true,
        passed: true,
        failing: 0,
        examples: Vec::new(),
        observed: None,
    }
}

fn compile(
    data: &Dataset,
    schema: &TableSchema,
    datasets: &BTreeMap<String, Dataset>,
    sample: &[Option<Typed>],
) -> Result<Compiled> {
    let mut rules = Vec::new();
    let mut dataset_rules = Vec::new();
    let columns: Vec<Option<usize>> = schema.fields.iter().map(|f| data.schema.index_of(&f.name).ok()).collect();
    for (fi, f) in schema.fields.iter().enumerate() {
        let name = f.name.as_str();
        let note = f.strata.as_ref().and_then(|s| s.description.clone());
        let describe = |d: String| match &note {
            Some(n) => format!("{d} — {n}"),
            None => d,
        };
        if columns[fi].is_none() {
            let mut r = rule(
                format!("{name}.present"),
                RuleGroup::Schema,
                Some(name),
                f.severity("present"),
                describe(format!("the data has a column \"{name}\"")),
            );
            r.row_level = false;
            r.passed = false;
            r.failing = 1;
            dataset_rules.push(r);
            continue;
        }
        let ty = sample[fi].as_ref().map(|t| t.typed.data_type().clone()).unwrap_or(DataType::Utf8);
        let mut push = |key: &str, group: RuleGroup, d: String, test: Test| {
            rules.push(RowRule {
                result: rule(format!("{name}.{key}"), group, Some(name), f.severity(key), describe(d)),
                field: Some(fi),
                test,
            });
        };
        if target_type(f, &DataType::Null).is_some() {
            push("type", RuleGroup::Schema, format!("{name} is of type {}", f.type_name()), Test::Type);
        }
        if let Some(re) = string_format(f)? {
            let fmt = f.format.as_deref().unwrap_or_default();
            push("format", RuleGroup::Schema, format!("{name} is a valid {fmt}"), Test::Format(re));
        }
        let c = &f.constraints;
        let in_pk = schema.primary_key.as_ref().is_some_and(|k| k.names().iter().any(|n| n == name));
        if c.required == Some(true) || in_pk {
            push("required", RuleGroup::Schema, format!("{name} has a value in every row"), Test::Required);
        }
        for (key, v, cmp, sym) in [
            ("minimum", &c.minimum, Cmp::Lt, "≥"),
            ("maximum", &c.maximum, Cmp::Gt, "≤"),
            ("exclusiveMinimum", &c.exclusive_minimum, Cmp::Le, ">"),
            ("exclusiveMaximum", &c.exclusive_maximum, Cmp::Ge, "<"),
        ] {
            if let Some(v) = v {
                let b = bound(f, key, v, &ty)?;
                push(
                    key,
                    RuleGroup::Content,
                    format!("{name} {sym} {}", value_text(v)),
                    Test::Compare { bound: b, cmp },
                );
            }
        }
        if let Some(m) = c.min_length {
            push(
                "minLength",
                RuleGroup::Content,
                format!("{name} has at least {m} characters"),
                Test::Length { min: Some(m), max: None },
            );
        }
        if let Some(m) = c.max_length {
            push(
                "maxLength",
                RuleGroup::Content,
                format!("{name} has at most {m} characters"),
                Test::Length { min: None, max: Some(m) },
            );
        }
        if let Some(p) = &c.pattern {
            let re = Pattern::new(p).map_err(|e| {
                CoreError::step(format!("field {name}: pattern {p:?} is not a valid regular expression: {e}"))
            })?;
            push("pattern", RuleGroup::Content, format!("{name} matches {p}"), Test::Pattern(re));
        }
        if let Some(vals) = &c.enum_values {
            let text: ArrayRef = Arc::new(StringArray::from(vals.iter().map(value_text).collect::<Vec<_>>()));
            let canon = if ty == DataType::Utf8 { text } else { to_text(cast_text(f, &text, &ty)?.as_ref()) };
            let set: HashSet<String> = canon.as_string::<i32>().iter().flatten().map(String::from).collect();
            let shown: Vec<String> = vals.iter().map(value_text).collect();
            push("enum", RuleGroup::Content, format!("{name} is one of {}", shown.join(", ")), Test::Enum(set));
        }
        if c.unique == Some(true) {
            push("unique", RuleGroup::Content, format!("no two rows share a value of {name}"), Test::Unique);
        }
    }
    if let Some(pk) = &schema.primary_key {
        let names = pk.names();
        let idx = names
            .iter()
            .map(|n| {
                schema.fields.iter().position(|f| &f.name == n).filter(|&i| columns[i].is_some()).ok_or_else(|| {
                    CoreError::step(format!("primaryKey names {n}, which is not a field present in the data"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let ext = schema.strata.as_ref().and_then(|s| s.primary_key.clone());
        rules.push(RowRule {
            result: rule(
                "primaryKey".into(),
                RuleGroup::Content,
                Some(&names.join(",")),
                RuleExtension::severity_of(&ext),
                RuleExtension::describe(&ext, format!("{} identifies each row (no repeats)", names.join(" + "))),
            ),
            field: None,
            test: Test::PrimaryKey(idx),
        });
    }
    for fk in &schema.foreign_keys {
        let local_names = fk.fields.names();
        let target_names = fk.reference.fields.names();
        if local_names.len() != target_names.len() {
            return Err(CoreError::step("a foreign key needs as many reference fields as fields"));
        }
        let local = local_names
            .iter()
            .map(|n| {
                schema.fields.iter().position(|f| &f.name == n).filter(|&i| columns[i].is_some()).ok_or_else(|| {
                    CoreError::step(format!("foreignKeys names {n}, which is not a field present in the data"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let target_name =
            if fk.reference.resource.is_empty() { data.name.clone() } else { fk.reference.resource.clone() };
        let target = if fk.reference.resource.is_empty() {
            data
        } else {
            datasets.get(&target_name).ok_or_else(|| {
                CoreError::step(format!(
                    "the foreign key on {} refers to dataset {target_name}, which is not loaded",
                    local_names.join(",")
                ))
            })?
        };
        let tcols = target_names.iter().map(|n| target.column_index(n)).collect::<Result<Vec<_>>>()?;
        // Text on one side and numbers (or another type) on the other: compare canonical values,
        // so "7" matches 7 instead of every row being an orphan.
        let is_text = |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
        let coerce: Vec<bool> = local
            .iter()
            .zip(&tcols)
            .map(|(&f, &c)| {
                let lt = sample[f].as_ref().map(|t| t.typed.data_type().clone()).unwrap_or(DataType::Utf8);
                is_text(&lt) != is_text(target.schema.field(c).data_type())
            })
            .collect();
        let mut set = HashSet::new();
        for b in &target.batches {
            let cols: Vec<Vec<Key>> = tcols.iter().map(|&c| keys(b.column(c).as_ref())).collect();
            for i in 0..b.num_rows() {
                set.insert(cols.iter().zip(&coerce).map(|(c, &k)| c[i].clone().canonical(k)).collect::<Vec<_>>());
            }
        }
        let label = format!("{target_name}.{}", target_names.join(","));
        rules.push(RowRule {
            result: rule(
                format!("foreignKey:{}->{label}", local_names.join(",")),
                RuleGroup::CrossDataset,
                Some(&local_names.join(",")),
                RuleExtension::severity_of(&fk.strata),
                RuleExtension::describe(&fk.strata, format!("every {} exists in {label}", local_names.join(" + "))),
            ),
            field: None,
            test: Test::ForeignKey { local, keys: set, coerce },
        });
    }
    if let Some(ext) = &schema.strata {
        for (i, cf) in ext.cross_field.iter().enumerate() {
            let check = expr::parse(&cf.check)?;
            let mut cols = Vec::new();
            check.left.columns(&mut cols);
            check.right.columns(&mut cols);
            for c in &cols {
                data.column_index(c)?;
            }
            let id = cf.name.clone().unwrap_or_else(|| format!("crossField{}", i + 1));
            let mut d = cf.check.clone();
            if let Some(t) = cf.tolerance {
                d.push_str(&format!(" (within {t})"));
            }
            if let Some(n) = &cf.description {
                d = format!("{d} — {n}");
            }
            rules.push(RowRule {
                result: rule(id, RuleGroup::CrossField, Some(&cols.join(",")), cf.severity, d),
                field: None,
                test: Test::Cross(check, cf.tolerance.unwrap_or(1e-9)),
            });
        }
    }
    Ok(Compiled { rules, dataset_rules, columns })
}

/// Failing rows of a cross-field check computed on numbers (f64; dates as microseconds).
fn cross_numbers(check: &Check, tol: f64, get: &dyn Fn(&str) -> ArrayRef, n: usize) -> Vec<u32> {
    let l = numbers(&check.left, get, n);
    let r = numbers(&check.right, get, n);
    let ok = |a: f64, b: f64| match check.cmp {
        Cmp::Lt => a < b,
        Cmp::Le => a <= b,
        Cmp::Gt => a > b,
        Cmp::Ge => a >= b,
        Cmp::Eq => (a - b).abs() <= tol,
        Cmp::Ne => (a - b).abs() > tol,
    };
    (0..n as u32)
        .filter(|&i| {
            let (a, b) = (l[i as usize], r[i as usize]);
            !a.is_nan() && !b.is_nan() && !ok(a, b)
        })
        .collect()
}

/// A batch's numeric view of an operand: f64 per row, NaN where missing. Dates and timestamps
/// become microseconds since the epoch so that they compare with each other.
fn numbers(op: &Operand, cols: &dyn Fn(&str) -> ArrayRef, n: usize) -> Vec<f64> {
    match op {
        Operand::Number(v) => vec![*v; n],
        Operand::Column(c) => column_numbers(cols(c).as_ref()),
        Operand::Binary(a, o, b) => {
            let (a, b) = (numbers(a, cols, n), numbers(b, cols, n));
            a.iter()
                .zip(&b)
                .map(|(x, y)| match o {
                    '+' => x + y,
                    '-' => x - y,
                    '*' => x * y,
                    _ => x / y,
                })
                .collect()
        }
    }
}

pub(crate) fn column_numbers(a: &dyn Array) -> Vec<f64> {
    let opts = CastOptions { safe: true, ..Default::default() };
    let scale = match a.data_type() {
        DataType::Date32 => 86_400_000_000.0,
        DataType::Date64 | DataType::Timestamp(TimeUnit::Millisecond, _) => 1000.0,
        DataType::Timestamp(TimeUnit::Second, _) => 1_000_000.0,
        DataType::Timestamp(TimeUnit::Nanosecond, _) => 0.001,
        _ => 1.0,
    };
    let f = match a.data_type() {
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => {
            cast_with_options(a, &DataType::Int64, &opts).and_then(|i| cast_with_options(&i, &DataType::Float64, &opts))
        }
        DataType::Utf8 => {
            // Text that is not numbers may be dates (a date column loaded as text because of one
            // bad value): compare those as timestamps.
            let f = cast_with_options(a, &DataType::Float64, &opts);
            if f.as_ref().is_ok_and(|f| f.null_count() == a.len() && a.null_count() < a.len()) {
                let ts = DataType::Timestamp(TimeUnit::Microsecond, None);
                return column_numbers(
                    cast_with_options(a, &ts, &opts)
                        .unwrap_or_else(|_| arrow_array::new_null_array(&ts, a.len()))
                        .as_ref(),
                );
            }
            f
        }
        _ => cast_with_options(a, &DataType::Float64, &opts),
    };
    match f {
        Ok(f) => {
            let p = f.as_primitive::<Float64Type>();
            (0..p.len()).map(|i| if p.is_null(i) { f64::NAN } else { p.value(i) * scale }).collect()
        }
        Err(_) => vec![f64::NAN; a.len()],
    }
}

fn cell(a: &dyn Array, i: usize) -> String {
    if a.is_null(i) {
        return "(empty)".into();
    }
    match ArrayFormatter::try_new(a, &FormatOptions::default()) {
        Ok(f) => f.value(i).to_string(),
        Err(e) => format!("(cannot display: {e})"),
    }
}

/// Validates `data` against `schema`; `datasets` holds the datasets foreign keys and reference
/// distributions name. Rows that break an error rule go to the quarantine.
pub fn validate(
    data: &Dataset,
    schema: &TableSchema,
    datasets: &BTreeMap<String, Dataset>,
    names: (&str, &str),
    max_examples: usize,
) -> Result<Validation> {
    let missing = schema.missing_values.clone().unwrap_or_else(|| vec![String::new()]);
    let col_of: Vec<Option<usize>> = schema.fields.iter().map(|f| data.schema.index_of(&f.name).ok()).collect();
    let typed_batch = |b: &RecordBatch| -> Result<Vec<Option<Typed>>> {
        schema
            .fields
            .iter()
            .zip(&col_of)
            .map(|(f, c)| c.map(|c| type_column(b.column(c), f, &missing)).transpose())
            .collect()
    };
    let empty = RecordBatch::new_empty(Arc::clone(&data.schema));
    let sample = typed_batch(data.batches.first().unwrap_or(&empty))?;
    let Compiled { mut rules, mut dataset_rules, columns } = compile(data, schema, datasets, &sample)?;
    let extra: Vec<&str> =
        data.schema.fields().iter().map(|f| f.name().as_str()).filter(|n| schema.field(n).is_none()).collect();
    if !schema.fields.is_empty() {
        let mut r = rule(
            "extraColumns".into(),
            RuleGroup::Schema,
            None,
            // A warning, where frictionless reports an error: rules for a few columns are common.
            Severity::Warning,
            "every column of the data is described by the schema".into(),
        );
        r.row_level = false;
        if !extra.is_empty() {
            r.passed = false;
            r.failing = extra.len() as u64;
            r.examples = extra.iter().map(|e| Example { row: 0, value: e.to_string() }).collect();
        }
        dataset_rules.insert(0, r);
    }

    let mut q_fields: Vec<ArrowField> = data.schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    q_fields.push(ArrowField::new(ROW_COLUMN, DataType::UInt64, false));
    q_fields.push(ArrowField::new(VIOLATIONS_COLUMN, DataType::Utf8, false));
    let q_schema = Arc::new(Schema::new(q_fields));
    let mut valid_batches = Vec::new();
    let mut q_batches = Vec::new();
    let mut seen_unique: Vec<HashMap<Key, u64>> = rules.iter().map(|_| HashMap::new()).collect();
    let mut seen_pk: HashMap<Vec<Key>, u64> = HashMap::new();
    let mut typed_all: Vec<Vec<Option<ArrayRef>>> = Vec::new();
    let mut offset = 0u64;
    for batch in &data.batches {
        let n = batch.num_rows();
        let typed = typed_batch(batch)?;
        let mut hits: Vec<(u32, u16)> = Vec::new();
        for (ri, r) in rules.iter_mut().enumerate() {
            let t = r.field.and_then(|f| typed[f].as_ref());
            let failing: Vec<u32> = match (&r.test, t) {
                (Test::Type, Some(t)) => {
                    let bad = match (t.raw.nulls(), t.typed.nulls()) {
                        (_, None) => None,
                        (None, Some(tn)) => Some(!tn.inner()),
                        (Some(rn), Some(tn)) => Some(rn.inner() & &!tn.inner()),
                    };
                    bad.map(|b| b.set_indices_u32().collect()).unwrap_or_default()
                }
                (Test::Required, Some(t)) => {
                    t.raw.nulls().map(|nn| (!nn.inner()).set_indices_u32().collect()).unwrap_or_default()
                }
                (Test::Compare { bound, cmp }, Some(t)) => {
                    let m = match cmp {
                        Cmp::Lt => arrow_ord::cmp::lt(&t.typed, bound),
                        Cmp::Le => arrow_ord::cmp::lt_eq(&t.typed, bound),
                        Cmp::Gt => arrow_ord::cmp::gt(&t.typed, bound),
                        _ => arrow_ord::cmp::gt_eq(&t.typed, bound),
                    }?;
                    true_bits(&m).set_indices_u32().collect()
                }
                (Test::Length { min, max }, Some(t)) => {
                    let text =
                        if t.typed.data_type() == &DataType::Utf8 { Arc::clone(&t.typed) } else { to_text(&t.typed) };
                    let s = text.as_string::<i32>();
                    (0..n as u32)
                        .filter(|&i| {
                            !s.is_null(i as usize) && {
                                let l = s.value(i as usize).chars().count() as u64;
                                min.is_some_and(|m| l < m) || max.is_some_and(|m| l > m)
                            }
                        })
                        .collect()
                }
                (Test::Pattern(re), Some(t)) => {
                    let text =
                        if t.typed.data_type() == &DataType::Utf8 { Arc::clone(&t.typed) } else { to_text(&t.typed) };
                    let s = text.as_string::<i32>();
                    (0..n as u32)
                        .filter(|&i| !s.is_null(i as usize) && !re.is_full_match(s.value(i as usize)))
                        .collect()
                }
                (Test::Enum(set), Some(t)) => {
                    let text =
                        if t.typed.data_type() == &DataType::Utf8 { Arc::clone(&t.typed) } else { to_text(&t.typed) };
                    let s = text.as_string::<i32>();
                    if set.len() <= 16 {
                        let list: Vec<&str> = set.iter().map(String::as_str).collect();
                        (0..n as u32)
                            .filter(|&i| !s.is_null(i as usize) && !list.contains(&s.value(i as usize)))
                            .collect()
                    } else {
                        (0..n as u32)
                            .filter(|&i| !s.is_null(i as usize) && !set.contains(s.value(i as usize)))
                            .collect()
                    }
                }
                (Test::Format(re), Some(t)) => {
                    let text =
                        if t.typed.data_type() == &DataType::Utf8 { Arc::clone(&t.typed) } else { to_text(&t.typed) };
                    let s = text.as_string::<i32>();
                    (0..n as u32).filter(|&i| !s.is_null(i as usize) && !re.is_match(s.value(i as usize))).collect()
                }
                (Test::Unique, Some(t)) => {
                    let seen = &mut seen_unique[ri];
                    keys(t.typed.as_ref())
                        .into_iter()
                        .enumerate()
                        .filter(|(_, k)| *k != Key::Null)
                        .filter_map(|(i, k)| seen.insert(k, offset + i as u64).map(|_| i as u32))
                        .collect()
                }
                (Test::PrimaryKey(fields), _) => {
                    let cols: Vec<Vec<Key>> =
                        fields.iter().filter_map(|&f| typed[f].as_ref()).map(|t| keys(t.typed.as_ref())).collect();
                    (0..n)
                        .filter(|&i| {
                            let k: Vec<Key> = cols.iter().map(|c| c[i].clone()).collect();
                            !k.contains(&Key::Null) && seen_pk.insert(k, offset + i as u64).is_some()
                        })
                        .map(|i| i as u32)
                        .collect()
                }
                (Test::ForeignKey { local, keys: set, coerce }, _) => {
                    let cols: Vec<Vec<Key>> =
                        local.iter().filter_map(|&f| typed[f].as_ref()).map(|t| keys(t.typed.as_ref())).collect();
                    (0..n)
                        .filter(|&i| {
                            let k: Vec<Key> =
                                cols.iter().zip(coerce).map(|(c, &k)| c[i].clone().canonical(k)).collect();
                            !k.contains(&Key::Null) && !set.contains(&k)
                        })
                        .map(|i| i as u32)
                        .collect()
                }
                (Test::Cross(check, tol), _) => {
                    let get = |c: &str| -> ArrayRef {
                        match schema.fields.iter().position(|f| f.name == c).and_then(|f| typed[f].as_ref()) {
                            Some(t) => Arc::clone(&t.typed),
                            None => Arc::clone(batch.column(data.schema.index_of(c).expect("checked when compiled"))),
                        }
                    };
                    // Two columns of one type compare with Arrow's kernels, without converting.
                    if let (Operand::Column(a), Operand::Column(b)) = (&check.left, &check.right) {
                        let (a, b) = (get(a), get(b));
                        let exact = matches!(check.cmp, Cmp::Eq | Cmp::Ne);
                        let t = a.data_type();
                        let same = t == b.data_type()
                            && ((t.is_primitive() && !t.is_floating()) || (exact && t == &DataType::Utf8))
                            && (!exact || *tol < 1.0);
                        if same {
                            // The failing rows: the negation of the check, where both sides have a value.
                            let m = match check.cmp {
                                Cmp::Lt => arrow_ord::cmp::gt_eq(&a, &b),
                                Cmp::Le => arrow_ord::cmp::gt(&a, &b),
                                Cmp::Gt => arrow_ord::cmp::lt_eq(&a, &b),
                                Cmp::Ge => arrow_ord::cmp::lt(&a, &b),
                                Cmp::Eq => arrow_ord::cmp::neq(&a, &b),
                                Cmp::Ne => arrow_ord::cmp::eq(&a, &b),
                            }?;
                            true_bits(&m).set_indices_u32().collect()
                        } else {
                            cross_numbers(check, *tol, &get, n)
                        }
                    } else {
                        cross_numbers(check, *tol, &get, n)
                    }
                }
                (_, None) => Vec::new(),
            };
            if failing.is_empty() {
                continue;
            }
            let res = &mut r.result;
            res.failing += failing.len() as u64;
            res.passed = false;
            for &i in failing.iter().take(max_examples.saturating_sub(res.examples.len())) {
                let i = i as usize;
                let value = match (&r.test, r.field) {
                    (Test::PrimaryKey(f) | Test::ForeignKey { local: f, .. }, _) => f
                        .iter()
                        .map(|&f| {
                            let c = columns[f].expect("present");
                            format!("{}={}", schema.fields[f].name, cell(batch.column(c).as_ref(), i))
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    (Test::Cross(..), _) => {
                        let mut cols = Vec::new();
                        if let Test::Cross(c, _) = &r.test {
                            c.left.columns(&mut cols);
                            c.right.columns(&mut cols);
                        }
                        cols.iter()
                            .map(|c| {
                                format!(
                                    "{c}={}",
                                    cell(batch.column(data.schema.index_of(c).expect("checked")).as_ref(), i)
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                    (_, Some(f)) => cell(batch.column(columns[f].expect("present")).as_ref(), i),
                    _ => String::new(),
                };
                res.examples.push(Example { row: offset + i as u64 + 1, value });
            }
            hits.extend(failing.into_iter().map(|i| (i, ri as u16)));
        }
        // Split the batch: a row that broke an error rule is quarantined with every rule it broke.
        hits.sort_unstable();
        let mut quarantined = vec![false; n];
        for &(i, ri) in &hits {
            if rules[ri as usize].result.severity == Severity::Error {
                quarantined[i as usize] = true;
            }
        }
        let q_rows: Vec<u32> = (0..n as u32).filter(|&i| quarantined[i as usize]).collect();
        if q_rows.is_empty() {
            valid_batches.push(batch.clone());
        } else {
            let keep = BooleanArray::from(quarantined.iter().map(|q| !q).collect::<Vec<_>>());
            valid_batches.push(arrow_select::filter::filter_record_batch(batch, &keep)?);
            let idx = arrow_array::UInt32Array::from(q_rows.clone());
            let mut cols: Vec<ArrayRef> = batch
                .columns()
                .iter()
                .map(|c| arrow_select::take::take(c.as_ref(), &idx, None))
                .collect::<std::result::Result<_, _>>()?;
            cols.push(Arc::new(UInt64Array::from_iter_values(q_rows.iter().map(|&i| offset + i as u64 + 1))));
            let mut why = Vec::with_capacity(q_rows.len());
            let mut h = hits.iter().peekable();
            for &row in &q_rows {
                let mut names: Vec<&str> = Vec::new();
                while let Some(&&(i, ri)) = h.peek() {
                    if i > row {
                        break;
                    }
                    if i == row {
                        names.push(&rules[ri as usize].result.id);
                    }
                    h.next();
                }
                why.push(names.join("; "));
            }
            cols.push(Arc::new(StringArray::from(why)));
            q_batches.push(RecordBatch::try_new(Arc::clone(&q_schema), cols)?);
        }
        typed_all.push(typed.into_iter().map(|t| t.map(|t| t.typed)).collect());
        offset += n as u64;
    }

    if let Some(ext) = &schema.strata {
        for (i, s) in ext.statistics.iter().enumerate() {
            dataset_rules.push(stats::evaluate(i, s, data, schema, &typed_all, datasets)?);
        }
    }
    let quarantined: u64 = q_batches.iter().map(|b| b.num_rows() as u64).sum();
    let mut results: Vec<RuleResult> = dataset_rules.iter().filter(|r| r.group == RuleGroup::Schema).cloned().collect();
    results.extend(rules.into_iter().map(|r| r.result));
    results.extend(dataset_rules.into_iter().filter(|r| r.group != RuleGroup::Schema));
    results.sort_by_key(|r| r.group);
    let verdict = if results.iter().any(|r| !r.passed && r.severity == Severity::Error) {
        Verdict::Fail
    } else if results.iter().any(|r| !r.passed) {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    let report = ValidationReport {
        dataset: data.name.clone(),
        rows: offset,
        valid_rows: offset - quarantined,
        quarantined_rows: quarantined,
        valid_output: names.0.to_string(),
        quarantine_output: names.1.to_string(),
        verdict,
        rules: results,
    };
    Ok(Validation {
        report,
        valid: Dataset::new(names.0, Arc::clone(&data.schema), valid_batches),
        quarantine: Dataset::new(names.1, q_schema, q_batches),
    })
}
