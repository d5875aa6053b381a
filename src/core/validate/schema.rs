//! The rules: a Frictionless Table Schema (fields, types, constraints, primary and foreign keys,
//! missing values) plus Strata's extensions under the key `"strata"` (cross-field and
//! statistical rules, per-rule severity and descriptions). Unknown keys are kept and written
//! back, so a schema made by the frictionless tools loads and exports unchanged.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::core::error::{CoreError, Result};

/// A Table Schema (<https://specs.frictionlessdata.io/table-schema/>).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableSchema {
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<KeyFields>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// Cell texts that mean "no value" (Table Schema's default is `[""]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_values: Option<Vec<String>>,
    /// Strata's extensions: rules Table Schema has no words for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strata: Option<StrataRules>,
    /// Keys this version does not know, written back as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One field (column) of the schema.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    pub name: String,
    /// `string`, `integer`, `number`, `boolean`, `date`, `datetime`, … (`any` when absent).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub field_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Strata extension: severity per constraint and a description of the field's rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strata: Option<FieldExtension>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Table Schema's constraints on one field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Constraints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_minimum: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_maximum: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<Value>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// Strata's per-field extension.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldExtension {
    /// Severity by constraint name (`"pattern": "warning"`); `type` names the type check.
    /// Unlisted constraints are errors.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub severity: std::collections::BTreeMap<String, Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One field name or several (Table Schema allows both spellings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyFields {
    One(String),
    Many(Vec<String>),
}

impl KeyFields {
    pub fn names(&self) -> Vec<String> {
        match self {
            KeyFields::One(s) => vec![s.clone()],
            KeyFields::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub fields: KeyFields,
    pub reference: Reference,
    /// Strata extension: the key check's severity and description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strata: Option<RuleExtension>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The dataset (by name; `""` is the table itself) and fields a foreign key points to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    #[serde(default)]
    pub resource: String,
    pub fields: KeyFields,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Error rules fail the verdict and quarantine rows; warnings are reported only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

/// Strata extension on a rule Table Schema states without one (a foreign key, the primary key):
/// `{"severity": "warning", "description": "…"}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleExtension {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl RuleExtension {
    pub fn severity_of(ext: &Option<RuleExtension>) -> Severity {
        ext.as_ref().and_then(|e| e.severity).unwrap_or_default()
    }
    /// `text`, followed by the description when there is one.
    pub fn describe(ext: &Option<RuleExtension>, text: String) -> String {
        match ext.as_ref().and_then(|e| e.description.as_deref()) {
            Some(d) => format!("{text} — {d}"),
            None => text,
        }
    }
}

/// The extensions under the schema's `"strata"` key.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StrataRules {
    /// Severity and description of the `primaryKey` check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<RuleExtension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cross_field: Vec<CrossFieldRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statistics: Vec<StatisticRule>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A comparison between columns of the same row: `"order_date >= signup_date"`,
/// `"quantity * unit_price == amount"` (with `tolerance`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrossFieldRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub check: String,
    /// Allowed absolute difference for `==` and `!=` on numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    #[serde(default)]
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a statistical rule measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Metric {
    RowCount,
    NullFraction,
    Mean,
    Stddev,
    /// The `q` quantile (0..1), exact.
    Quantile,
    DistinctCount,
    /// Population stability index against the same column of `reference`.
    Psi,
    /// Kolmogorov–Smirnov statistic (largest CDF gap) against `reference`.
    Ks,
}

/// A rule on the whole dataset or one column: the metric must lie in `[min, max]`.
/// Failing it fails the verdict (if an error) but sets no row aside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatisticRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub metric: Metric,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<f64>,
    /// The dataset a distance is measured against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default)]
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TableSchema {
    /// Reads a schema from JSON text, with a message naming what is wrong.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text)
            .map_err(|e| CoreError::step(format!("not a Table Schema (line {}, column {}): {e}", e.line(), e.column())))
    }
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("schemas always serialize")
    }
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
    /// The datasets the rules read besides the one validated.
    pub fn referenced_datasets(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let fk = self.foreign_keys.iter().map(|f| f.reference.resource.clone());
        let st = self.strata.iter().flat_map(|s| s.statistics.iter().filter_map(|r| r.reference.clone()));
        for n in fk.chain(st) {
            if !n.is_empty() && !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }
}

impl Field {
    pub fn type_name(&self) -> &str {
        self.field_type.as_deref().unwrap_or("any")
    }
    pub fn severity(&self, constraint: &str) -> Severity {
        self.strata.as_ref().and_then(|s| s.severity.get(constraint).copied()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frictionless_schema_round_trips_with_unknown_keys() {
        let text = r#"{
  "fields": [
    {"name": "id", "type": "integer", "title": "Identifier", "constraints": {"required": true, "unique": true}},
    {"name": "email", "type": "string", "format": "email", "rdfType": "x", "constraints": {"pattern": "[^@]+@[^@]+"}},
    {"name": "when", "type": "date", "constraints": {"minimum": "2020-01-01", "enum": ["2020-01-02"]}}
  ],
  "primaryKey": ["id"],
  "foreignKeys": [{"fields": "id", "reference": {"resource": "customers", "fields": "customer_id"}}],
  "missingValues": ["", "NA"],
  "$schema": "https://frictionlessdata.io/schemas/table-schema.json"
}"#;
        let s = TableSchema::from_json(text).unwrap();
        assert_eq!(s.fields[1].extra["rdfType"], "x");
        assert_eq!(s.extra["$schema"], "https://frictionlessdata.io/schemas/table-schema.json");
        let a: Value = serde_json::from_str(text).unwrap();
        let b: Value = serde_json::from_str(&s.to_json()).unwrap();
        assert_eq!(a, b);
        assert_eq!(s.referenced_datasets(), ["customers"]);
    }

    #[test]
    fn bad_json_names_the_place() {
        let e = TableSchema::from_json("{\"fields\": [{\"type\": \"integer\"}]}").unwrap_err();
        assert!(e.to_string().contains("missing field `name`"), "{e}");
    }
}

/// The constraints a form edits, in the order it shows them.
pub const EDITABLE_CONSTRAINTS: [&str; 7] =
    ["minimum", "maximum", "minLength", "maxLength", "pattern", "enum", "unique"];

impl Field {
    fn numeric(&self) -> bool {
        matches!(self.type_name(), "integer" | "number" | "year")
    }

    /// A constraint as the text a form shows (`""` when absent; enums comma-separated).
    pub fn constraint_text(&self, key: &str) -> String {
        let c = &self.constraints;
        let text = |v: &Option<Value>| v.as_ref().map(value_text).unwrap_or_default();
        match key {
            "minimum" => text(&c.minimum),
            "maximum" => text(&c.maximum),
            "minLength" => c.min_length.map(|v| v.to_string()).unwrap_or_default(),
            "maxLength" => c.max_length.map(|v| v.to_string()).unwrap_or_default(),
            "pattern" => c.pattern.clone().unwrap_or_default(),
            "enum" => c
                .enum_values
                .as_ref()
                .map(|v| v.iter().map(value_text).collect::<Vec<_>>().join(", "))
                .unwrap_or_default(),
            "required" => c.required.unwrap_or(false).to_string(),
            "unique" => c.unique.unwrap_or(false).to_string(),
            _ => String::new(),
        }
    }

    /// Sets a constraint from form text; empty text removes it. Numbers stay numbers for
    /// numeric fields, so the JSON reads as a person would write it.
    pub fn set_constraint_text(&mut self, key: &str, text: &str) -> Result<()> {
        let t = text.trim();
        let numeric = self.numeric();
        let value = |t: &str| -> Value {
            if numeric {
                if let Ok(i) = t.parse::<i64>() {
                    return Value::from(i);
                }
                if let Ok(f) = t.parse::<f64>() {
                    return Value::from(f);
                }
            }
            Value::String(t.to_string())
        };
        let length = |t: &str| -> Result<Option<u64>> {
            if t.is_empty() {
                return Ok(None);
            }
            t.parse()
                .map(Some)
                .map_err(|_| CoreError::step(format!("field {}: {key} must be a whole number, not \"{t}\"", self.name)))
        };
        let c = &mut self.constraints;
        let opt = (!t.is_empty()).then(|| value(t));
        match key {
            "minimum" => c.minimum = opt,
            "maximum" => c.maximum = opt,
            "minLength" => c.min_length = length(t)?,
            "maxLength" => c.max_length = length(t)?,
            "pattern" => c.pattern = (!t.is_empty()).then(|| t.to_string()),
            "enum" => {
                c.enum_values =
                    (!t.is_empty()).then(|| t.split(',').map(str::trim).filter(|s| !s.is_empty()).map(value).collect())
            }
            "required" => c.required = (t == "true").then_some(true),
            "unique" => c.unique = (t == "true").then_some(true),
            _ => return Err(CoreError::step(format!("unknown constraint {key}"))),
        }
        Ok(())
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod edit_tests {
    use super::*;

    #[test]
    fn form_text_edits_constraints() {
        let mut f = Field { name: "amount".into(), field_type: Some("number".into()), ..Field::default() };
        f.set_constraint_text("minimum", "0").unwrap();
        f.set_constraint_text("maximum", "99.5").unwrap();
        f.set_constraint_text("enum", "1, 2,3").unwrap();
        f.set_constraint_text("required", "true").unwrap();
        assert_eq!(
            serde_json::to_value(&f.constraints).unwrap(),
            serde_json::json!({"required": true, "minimum": 0, "maximum": 99.5, "enum": [1, 2, 3]})
        );
        assert_eq!(f.constraint_text("enum"), "1, 2, 3");
        f.set_constraint_text("maximum", "").unwrap();
        assert_eq!(f.constraints.maximum, None);
        assert!(f.set_constraint_text("minLength", "x").is_err());
        let mut d = Field { name: "d".into(), field_type: Some("date".into()), ..Field::default() };
        d.set_constraint_text("minimum", "2020-01-01").unwrap();
        assert_eq!(d.constraints.minimum, Some(Value::String("2020-01-01".into())));
    }
}
