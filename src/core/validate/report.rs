//! What a validation found: one result per rule, grouped by kind, an overall verdict, and the
//! same results as an OpenLineage `dataQualityAssertions` facet.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::schema::Severity;

/// The five kinds of validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleGroup {
    Schema,
    Content,
    CrossField,
    CrossDataset,
    Statistical,
}

impl RuleGroup {
    pub const ALL: [RuleGroup; 5] =
        [RuleGroup::Schema, RuleGroup::Content, RuleGroup::CrossField, RuleGroup::CrossDataset, RuleGroup::Statistical];

    pub fn title(self) -> &'static str {
        match self {
            RuleGroup::Schema => "Schema",
            RuleGroup::Content => "Content",
            RuleGroup::CrossField => "Cross-field",
            RuleGroup::CrossDataset => "Cross-dataset",
            RuleGroup::Statistical => "Statistical",
        }
    }

    /// Why this kind of check matters, in one sentence.
    pub fn why(self) -> &'static str {
        match self {
            RuleGroup::Schema => "Columns, types and required values: a renamed column or a number arriving as text breaks every step after it, so this is checked first.",
            RuleGroup::Content => "Ranges, formats, allowed values and uniqueness: a value can have the right type and still be impossible (a negative amount, an email without @, a repeated id).",
            RuleGroup::CrossField => "Columns that must agree within a row (an order cannot come before the customer signed up): each value alone looks fine, only the pair is wrong.",
            RuleGroup::CrossDataset => "Keys that must exist in another table: an order whose customer is missing from the customers file cannot be joined and is silently lost downstream.",
            RuleGroup::Statistical => "Properties of the whole table (null rates, means, row counts, drift from a reference): no single row is wrong, but the batch as a whole is not what was expected.",
        }
    }
}

/// One failing row: its 1-based row number in the dataset and the offending value(s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub row: u64,
    pub value: String,
}

/// The result of one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    /// Stable name, used in `_violations` (`amount.minimum`, `primaryKey`, `order_after_signup`).
    pub id: String,
    pub group: RuleGroup,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub severity: Severity,
    /// What the rule requires, in words.
    pub description: String,
    /// Row rules set failing rows aside; dataset rules (statistics, missing columns) do not.
    pub row_level: bool,
    pub passed: bool,
    /// Failing rows (row rules) or 1 / 0 (dataset rules).
    pub failing: u64,
    pub examples: Vec<Example>,
    /// The measured value of a statistical rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    /// Only warning rules failed.
    Warn,
    /// At least one error rule failed.
    Fail,
}

/// Everything a validation found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    pub dataset: String,
    pub rows: u64,
    pub valid_rows: u64,
    pub quarantined_rows: u64,
    pub valid_output: String,
    pub quarantine_output: String,
    pub verdict: Verdict,
    pub rules: Vec<RuleResult>,
}

/// `_producer` of the lineage facet.
pub use crate::core::lineage::PRODUCER;
/// `_schemaURL` of OpenLineage's data-quality assertions facet.
pub const ASSERTIONS_SCHEMA_URL: &str =
    "https://openlineage.io/spec/facets/1-0-1/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet";

impl ValidationReport {
    pub fn failed(&self, severity: Severity) -> usize {
        self.rules.iter().filter(|r| !r.passed && r.severity == severity).count()
    }

    pub fn group(&self, g: RuleGroup) -> impl Iterator<Item = &RuleResult> {
        self.rules.iter().filter(move |r| r.group == g)
    }

    /// The results as an OpenLineage `dataQualityAssertions` dataset facet.
    pub fn assertions_facet(&self) -> Value {
        let assertions: Vec<Value> = self
            .rules
            .iter()
            .map(|r| {
                let mut a = json!({ "assertion": r.id, "success": r.passed });
                if let Some(c) = &r.column {
                    a["column"] = json!(c);
                }
                a
            })
            .collect();
        json!({ "_producer": PRODUCER, "_schemaURL": ASSERTIONS_SCHEMA_URL, "assertions": assertions })
    }

    /// The report for the command line and downloads: the report itself plus the facet.
    pub fn to_json(&self) -> Value {
        let mut v = serde_json::to_value(self).expect("reports serialize");
        v["openlineage"] = json!({ "dataQualityAssertions": self.assertions_facet() });
        v
    }
}
