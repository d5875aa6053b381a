//! Rule suggestion: a Table Schema proposed from a profile, for the user to review and edit.
//! Every rule it proposes holds on the profiled data (ranges get a margin, enums list every
//! value seen, patterns are proposed only when every value has the shape).

use serde_json::{json, Value};

use super::schema::{Constraints, Field, KeyFields, TableSchema};
use crate::core::profile::{ColumnProfile, Kind, Profile, Shape};

/// Pattern proposed for email-like columns.
pub const EMAIL_PATTERN: &str = r"[^@\s]+@[^@\s]+\.[^@\s]+";
/// Columns with at most this many distinct values get an `enum`.
pub const ENUM_MAX_VALUES: u64 = 10;
/// Share of the observed range added below the minimum and above the maximum.
pub const RANGE_MARGIN: f64 = 0.1;

fn table_type(c: &ColumnProfile) -> &'static str {
    match c.kind {
        Kind::Integer => "integer",
        Kind::Float => "number",
        Kind::Boolean => "boolean",
        Kind::Temporal if c.data_type.starts_with("Date") => "date",
        Kind::Temporal => "datetime",
        Kind::Text => "string",
        Kind::Other => "any",
    }
}

fn number(v: f64, integer: bool) -> Value {
    if integer {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// Numeric bounds widened by the margin; a non-negative column keeps a floor of 0.
fn numeric_bounds(c: &ColumnProfile) -> Option<(Value, Value)> {
    let lo: f64 = c.min.as_deref()?.parse().ok()?;
    let hi: f64 = c.max.as_deref()?.parse().ok()?;
    let margin = ((hi - lo) * RANGE_MARGIN).max(lo.abs().max(hi.abs()) * 0.01).max(1.0);
    let integer = c.kind == Kind::Integer;
    let mut min = lo - margin;
    if lo >= 0.0 {
        min = min.max(0.0);
    }
    let max = hi + margin;
    let (min, max) = if integer { (min.floor(), max.ceil()) } else { (round_out(min, false), round_out(max, true)) };
    Some((number(min, integer), number(max, integer)))
}

/// Rounds to two significant figures away from the data, so bounds read well and still hold.
fn round_out(v: f64, up: bool) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let scale = 10f64.powi(v.abs().log10().floor() as i32 - 1);
    let r = if up { (v / scale).ceil() } else { (v / scale).floor() };
    r * scale
}

fn date_bounds(c: &ColumnProfile) -> Option<(Value, Value)> {
    use chrono::NaiveDate;
    let lo = NaiveDate::parse_from_str(c.min.as_deref()?, "%Y-%m-%d").ok()?;
    let hi = NaiveDate::parse_from_str(c.max.as_deref()?, "%Y-%m-%d").ok()?;
    let margin = chrono::Duration::days(((hi - lo).num_days() as f64 * RANGE_MARGIN).ceil().max(1.0) as i64);
    Some((json!((lo - margin).format("%Y-%m-%d").to_string()), json!((hi + margin).format("%Y-%m-%d").to_string())))
}

/// Proposes a schema from a profile.
pub fn suggest(profile: &Profile) -> TableSchema {
    let mut fields = Vec::new();
    let mut key: Option<String> = None;
    for c in &profile.columns {
        let ty = table_type(c);
        let non_null = c.rows - c.nulls;
        let mut k = Constraints::default();
        if c.nulls == 0 && c.rows > 0 {
            k.required = Some(true);
        }
        match c.kind {
            Kind::Integer | Kind::Float if c.non_finite == 0 => {
                if let Some((lo, hi)) = numeric_bounds(c) {
                    k.minimum = Some(lo);
                    k.maximum = Some(hi);
                }
            }
            Kind::Temporal if ty == "date" => {
                if let Some((lo, hi)) = date_bounds(c) {
                    k.minimum = Some(lo);
                    k.maximum = Some(hi);
                }
            }
            Kind::Text => {
                let emails = c.patterns.iter().find(|p| p.shape == Shape::Email).map_or(0, |p| p.count);
                if non_null > 0 && emails == non_null {
                    k.pattern = Some(EMAIL_PATTERN.to_string());
                } else if !c.distinct_estimated
                    && c.top_exact
                    && c.distinct <= ENUM_MAX_VALUES
                    && c.top.len() as u64 == c.distinct
                    && c.distinct * 2 <= non_null
                    && c.top.iter().all(|t| !t.value.is_empty())
                {
                    let mut vals: Vec<String> = c.top.iter().map(|t| t.value.clone()).collect();
                    vals.sort();
                    k.enum_values = Some(vals.into_iter().map(Value::String).collect());
                }
            }
            _ => {}
        }
        let unique = c.nulls == 0 && !c.distinct_estimated && c.rows > 1 && c.distinct == c.rows;
        if unique && key.is_none() && matches!(c.kind, Kind::Integer | Kind::Text) && c.id_like {
            key = Some(c.name.clone());
        }
        fields.push(Field {
            name: c.name.clone(),
            field_type: Some(ty.to_string()),
            constraints: k,
            ..Field::default()
        });
    }
    TableSchema { fields, primary_key: key.map(KeyFields::One), ..TableSchema::default() }
}
