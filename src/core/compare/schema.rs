//! Schema diff between two datasets: added, removed and moved columns, type changes (widening
//! or lossy), nullability changes, likely renames with their evidence, and a compatibility
//! verdict for a consumer written against the left schema.

use arrow_schema::{DataType, Schema};
use serde::{Deserialize, Serialize};

/// A column as it appears in one schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub data_type: String,
    pub position: usize,
}

/// A shared column whose position changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moved {
    pub column: String,
    pub from: usize,
    pub to: usize,
}

/// A shared column whose type changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeChange {
    pub column: String,
    pub from: String,
    pub to: String,
    /// Every old value fits the new type exactly (e.g. int32 → int64).
    pub widening: bool,
    /// Why it is safe or how it can lose data.
    pub note: String,
}

/// A shared column whose nulls changed: declared nullability or observed nulls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NullabilityChange {
    pub column: String,
    pub left_nullable: bool,
    pub right_nullable: bool,
    pub left_nulls: u64,
    pub right_nulls: u64,
    pub note: String,
}

/// A removed and an added column that look like the same column under a new name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LikelyRename {
    pub from: String,
    pub to: String,
    /// Name similarity in [0, 1] (1 − Levenshtein distance / longer length, or shared tokens).
    pub name_similarity: f64,
    /// Distance between the two columns' values (KS D for numbers, L∞ for categories), if
    /// their types could be compared.
    pub distribution_distance: Option<f64>,
    pub same_type: bool,
    /// How confident the match is, in [0, 1].
    pub score: f64,
    pub evidence: String,
}

/// Is the right schema safe for a consumer of the left one?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compatibility {
    Identical,
    BackwardCompatible,
    Breaking,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaDiff {
    pub added: Vec<ColumnInfo>,
    pub removed: Vec<ColumnInfo>,
    pub moved: Vec<Moved>,
    pub type_changes: Vec<TypeChange>,
    pub nullability_changes: Vec<NullabilityChange>,
    pub renames: Vec<LikelyRename>,
    /// Set when there were too many removed × added pairs to score each one: which pairs were
    /// scored instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rename_note: Option<String>,
    pub compatibility: Compatibility,
    /// One sentence per reason behind the verdict.
    pub reasons: Vec<String>,
}

/// Short display form of an Arrow type ("Int64", "Utf8", "Timestamp(ms)").
pub fn type_name(dt: &DataType) -> String {
    match dt {
        DataType::Timestamp(u, tz) => {
            let unit = match u {
                arrow_schema::TimeUnit::Second => "s",
                arrow_schema::TimeUnit::Millisecond => "ms",
                arrow_schema::TimeUnit::Microsecond => "us",
                arrow_schema::TimeUnit::Nanosecond => "ns",
            };
            match tz {
                Some(tz) => format!("Timestamp({unit}, {tz})"),
                None => format!("Timestamp({unit})"),
            }
        }
        other => format!("{other}"),
    }
}

/// Whether converting `from` to `to` keeps every value exactly, with a short explanation.
pub fn widening(from: &DataType, to: &DataType) -> (bool, String) {
    use DataType::*;
    let bits = |d: &DataType| -> Option<(bool, u32)> {
        Some(match d {
            Int8 => (true, 8),
            Int16 => (true, 16),
            Int32 => (true, 32),
            Int64 => (true, 64),
            UInt8 => (false, 8),
            UInt16 => (false, 16),
            UInt32 => (false, 32),
            UInt64 => (false, 64),
            _ => return None,
        })
    };
    let float_mantissa = |d: &DataType| match d {
        Float16 => Some(11),
        Float32 => Some(24),
        Float64 => Some(53),
        _ => None,
    };
    if let (Some((fs, fb)), Some((ts, tb))) = (bits(from), bits(to)) {
        let ok = match (fs, ts) {
            (true, true) | (false, false) => tb >= fb,
            (false, true) => tb > fb,
            (true, false) => false,
        };
        return if ok {
            (true, format!("every {from} fits in {to}"))
        } else if fs && !ts {
            (false, format!("negative values cannot be stored as {to}"))
        } else {
            (false, format!("{to} is narrower than {from}: large values overflow"))
        };
    }
    if let (Some((_, fb)), Some(m)) = (bits(from), float_mantissa(to)) {
        return if fb < m {
            (true, format!("every {from} is exact as {to}"))
        } else {
            (false, format!("integers beyond 2^{m} lose precision as {to}"))
        };
    }
    if let (Some(fm), Some(tm)) = (float_mantissa(from), float_mantissa(to)) {
        return if tm >= fm {
            (true, format!("{to} holds every {from}"))
        } else {
            (false, format!("{to} rounds {from} values"))
        };
    }
    if float_mantissa(from).is_some() && bits(to).is_some() {
        return (false, "fractions are truncated when numbers become integers".to_string());
    }
    match (from, to) {
        (_, Utf8 | LargeUtf8 | Utf8View) => {
            (true, "any value can be written as text, but consumers now get strings instead of typed values".into())
        }
        (Utf8 | LargeUtf8 | Utf8View, _) => (false, format!("text that does not parse as {to} becomes null")),
        (Date32, Date64 | Timestamp(..)) => (true, "every date is a timestamp at midnight".into()),
        (Timestamp(..) | Date64, Date32) => (false, "the time of day is dropped".into()),
        (Decimal128(p1, s1), Decimal128(p2, s2)) if p2 >= p1 && s2 >= s1 && (p2 - p1) as i8 >= *s2 - *s1 => {
            (true, "the new decimal has room for every old value".into())
        }
        (Boolean, _) if bits(to).is_some() => (true, "true/false become 1/0".into()),
        _ => (false, format!("values of {from} may not convert to {to}")),
    }
}

/// Most removed × added column pairs whose values are measured for likely renames; beyond
/// this, only the most alike pairs are (see [`SchemaDiff::rename_note`]).
pub const MAX_RENAME_PAIRS: usize = 64;

/// Broad kind of a type, for choosing which removed × added pairs to score as renames.
fn type_family(dt: &DataType) -> u8 {
    use DataType::*;
    match dt {
        Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 | Float16 | Float32 | Float64
        | Decimal128(..) | Decimal256(..) => 0,
        Date32 | Date64 | Timestamp(..) | Time32(_) | Time64(_) | Duration(_) => 1,
        Utf8 | LargeUtf8 | Utf8View => 2,
        Boolean => 3,
        _ => 4,
    }
}

/// Levenshtein similarity of two names, ignoring case, in [0, 1].
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let lev = 1.0 - prev[b.len()] as f64 / a.len().max(b.len()) as f64;
    // Shared tokens ("customer_id" / "user_id" share "id") count too.
    let tokens = |s: &[char]| -> Vec<String> {
        s.iter()
            .collect::<String>()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect()
    };
    let (ta, tb) = (tokens(&a), tokens(&b));
    let shared = ta.iter().filter(|t| tb.contains(t)).count();
    let union = ta.len() + tb.len() - shared;
    let jaccard = if union == 0 { 0.0 } else { shared as f64 / union as f64 };
    lev.max(jaccard)
}

/// Diff of two schemas. `nulls` gives observed null counts per column of each side;
/// `distance(from, to)` measures how alike a removed and an added column's values are.
pub fn diff_schemas(
    left: &Schema,
    right: &Schema,
    left_nulls: &[u64],
    right_nulls: &[u64],
    mut distance: impl FnMut(&str, &str) -> Option<f64>,
) -> SchemaDiff {
    let info = |s: &Schema, i: usize| ColumnInfo {
        name: s.field(i).name().clone(),
        data_type: type_name(s.field(i).data_type()),
        position: i,
    };
    let removed_all: Vec<ColumnInfo> = (0..left.fields().len())
        .filter(|&i| right.index_of(left.field(i).name()).is_err())
        .map(|i| info(left, i))
        .collect();
    let added_all: Vec<ColumnInfo> = (0..right.fields().len())
        .filter(|&i| left.index_of(right.field(i).name()).is_err())
        .map(|i| info(right, i))
        .collect();

    // Shared columns: order, types, nulls.
    let shared: Vec<(usize, usize)> =
        (0..left.fields().len()).filter_map(|i| right.index_of(left.field(i).name()).ok().map(|j| (i, j))).collect();
    let mut moved = Vec::new();
    // Relative order among shared columns decides "moved" (an added column shifts positions
    // without moving anything).
    let mut right_order: Vec<(usize, usize)> = shared.clone();
    right_order.sort_by_key(|&(_, j)| j);
    for (rank, &(i, _)) in shared.iter().enumerate() {
        let new_rank = right_order.iter().position(|&(li, _)| li == i).unwrap_or(rank);
        if new_rank != rank {
            moved.push(Moved { column: left.field(i).name().clone(), from: rank, to: new_rank });
        }
    }
    let mut type_changes = Vec::new();
    let mut nullability_changes = Vec::new();
    for &(i, j) in &shared {
        let (lf, rf) = (left.field(i), right.field(j));
        if lf.data_type() != rf.data_type() {
            let (widening, note) = widening(lf.data_type(), rf.data_type());
            type_changes.push(TypeChange {
                column: lf.name().clone(),
                from: type_name(lf.data_type()),
                to: type_name(rf.data_type()),
                widening,
                note,
            });
        }
        let (ln, rn) = (left_nulls.get(i).copied().unwrap_or(0), right_nulls.get(j).copied().unwrap_or(0));
        let declared = lf.is_nullable() != rf.is_nullable();
        let appeared = ln == 0 && rn > 0;
        let disappeared = ln > 0 && rn == 0;
        if declared || appeared || disappeared {
            let note = if appeared {
                format!("had no nulls, now has {rn}: code that assumed a value is always there can break")
            } else if disappeared {
                format!("had {ln} nulls, now none")
            } else if rf.is_nullable() {
                "declared nullable now".to_string()
            } else {
                "declared not nullable now".to_string()
            };
            nullability_changes.push(NullabilityChange {
                column: lf.name().clone(),
                left_nullable: lf.is_nullable(),
                right_nullable: rf.is_nullable(),
                left_nulls: ln,
                right_nulls: rn,
                note,
            });
        }
    }

    // Likely renames: score every removed × added pair, then match greedily, best first.
    let mut candidates: Vec<LikelyRename> = Vec::new();
    let all_pairs = removed_all.len() * added_all.len();
    let mut rename_note = None;
    let pairs: Vec<(&ColumnInfo, &ColumnInfo)> = if all_pairs <= MAX_RENAME_PAIRS {
        removed_all.iter().flat_map(|r| added_all.iter().map(move |a| (r, a))).collect()
    } else {
        // Too many pairs to measure each one's values: keep the pairs of one type family or
        // with similar names, the most alike first.
        let family = |s: &Schema, c: &ColumnInfo| type_family(s.field(c.position).data_type());
        let mut ranked: Vec<(f64, &ColumnInfo, &ColumnInfo)> = removed_all
            .iter()
            .flat_map(|r| added_all.iter().map(move |a| (r, a)))
            .filter_map(|(r, a)| {
                let same = family(left, r) == family(right, a);
                let sim = name_similarity(&r.name, &a.name);
                (same || sim >= 0.5).then_some((sim + if same { 0.5 } else { 0.0 }, r, a))
            })
            .collect();
        ranked.sort_by(|x, y| {
            y.0.total_cmp(&x.0).then(x.1.position.cmp(&y.1.position)).then(x.2.position.cmp(&y.2.position))
        });
        ranked.truncate(MAX_RENAME_PAIRS);
        rename_note = Some(format!(
            "{} removed × {} added columns make {all_pairs} possible renames, too many to measure each; \
             only the {} most alike pairs (same type family, then similar names) were scored",
            removed_all.len(),
            added_all.len(),
            ranked.len()
        ));
        ranked.into_iter().map(|(_, r, a)| (r, a)).collect()
    };
    for (r, a) in pairs {
        let sim = name_similarity(&r.name, &a.name);
        let same_type = r.data_type == a.data_type;
        let dist = distance(&r.name, &a.name);
        let dist_score = dist.map(|d| (1.0 - d / 0.2).clamp(0.0, 1.0)).unwrap_or(0.0);
        let score = 0.45 * sim + 0.45 * dist_score + if same_type { 0.1 } else { 0.0 };
        if score < 0.5 || (dist_score == 0.0 && sim < 0.7) {
            continue;
        }
        let mut evidence = vec![format!("names {:.0}% similar", sim * 100.0)];
        evidence.push(if same_type {
            format!("same type {}", r.data_type)
        } else {
            format!("types {} → {}", r.data_type, a.data_type)
        });
        if let Some(d) = dist {
            evidence.push(format!(
                "values {} (distance {})",
                if d < 0.05 {
                    "match"
                } else if d < 0.2 {
                    "are close"
                } else {
                    "differ"
                },
                crate::core::stats::drift::fmt_num(d)
            ));
        }
        evidence.push(format!("position {} → {}", r.position, a.position));
        candidates.push(LikelyRename {
            from: r.name.clone(),
            to: a.name.clone(),
            name_similarity: sim,
            distribution_distance: dist,
            same_type,
            score,
            evidence: evidence.join("; "),
        });
    }
    candidates.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.from.cmp(&y.from)).then(x.to.cmp(&y.to)));
    let mut renames: Vec<LikelyRename> = Vec::new();
    for c in candidates {
        if renames.iter().all(|r| r.from != c.from && r.to != c.to) {
            renames.push(c);
        }
    }
    let removed: Vec<ColumnInfo> =
        removed_all.into_iter().filter(|c| renames.iter().all(|r| r.from != c.name)).collect();
    let added: Vec<ColumnInfo> = added_all.into_iter().filter(|c| renames.iter().all(|r| r.to != c.name)).collect();

    let mut breaking = Vec::new();
    let mut compatible = Vec::new();
    for r in &renames {
        breaking.push(format!(
            "\"{}\" is gone and \"{}\" appeared — likely a rename ({}); code reading \"{}\" breaks",
            r.from, r.to, r.evidence, r.from
        ));
    }
    for c in &removed {
        breaking.push(format!("column \"{}\" was removed", c.name));
    }
    for t in &type_changes {
        if t.widening {
            compatible.push(format!("\"{}\" widened {} → {} ({})", t.column, t.from, t.to, t.note));
        } else {
            breaking.push(format!("\"{}\" changed type {} → {}: {}", t.column, t.from, t.to, t.note));
        }
    }
    for n in &nullability_changes {
        if n.left_nulls == 0 && n.right_nulls > 0 {
            breaking.push(format!("\"{}\" {}", n.column, n.note));
        } else {
            compatible.push(format!("\"{}\" {}", n.column, n.note));
        }
    }
    for c in &added {
        compatible.push(format!("column \"{}\" ({}) was added", c.name, c.data_type));
    }
    if !moved.is_empty() {
        compatible.push(format!(
            "{} column{} moved (safe for readers that use names, breaking for readers that use positions)",
            moved.len(),
            if moved.len() == 1 { "" } else { "s" }
        ));
    }
    let compatibility = if !breaking.is_empty() {
        Compatibility::Breaking
    } else if !compatible.is_empty() {
        Compatibility::BackwardCompatible
    } else {
        Compatibility::Identical
    };
    let mut reasons = breaking;
    reasons.extend(compatible);
    SchemaDiff {
        added,
        removed,
        moved,
        type_changes,
        nullability_changes,
        renames,
        rename_note,
        compatibility,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_schema::Field;

    #[test]
    fn widening_rules() {
        assert!(widening(&DataType::Int32, &DataType::Int64).0);
        assert!(!widening(&DataType::Int64, &DataType::Int32).0);
        assert!(widening(&DataType::Int32, &DataType::Float64).0);
        assert!(!widening(&DataType::Int64, &DataType::Float64).0);
        assert!(!widening(&DataType::Float64, &DataType::Int64).0);
        assert!(!widening(&DataType::Utf8, &DataType::Int64).0);
        assert!(widening(&DataType::Date32, &DataType::Timestamp(arrow_schema::TimeUnit::Millisecond, None)).0);
    }

    #[test]
    fn customer_id_to_user_id_is_a_likely_rename() {
        assert!(name_similarity("customer_id", "user_id") > 0.6);
        let l =
            Schema::new(vec![Field::new("customer_id", DataType::Int64, true), Field::new("x", DataType::Utf8, true)]);
        let r = Schema::new(vec![Field::new("user_id", DataType::Int64, true), Field::new("x", DataType::Utf8, true)]);
        let d = diff_schemas(&l, &r, &[0, 0], &[0, 0], |_, _| Some(0.0));
        assert_eq!(d.renames.len(), 1);
        assert_eq!((d.renames[0].from.as_str(), d.renames[0].to.as_str()), ("customer_id", "user_id"));
        assert!(d.removed.is_empty() && d.added.is_empty());
        assert_eq!(d.compatibility, Compatibility::Breaking);
    }

    #[test]
    fn an_added_column_is_backward_compatible() {
        let l = Schema::new(vec![Field::new("a", DataType::Int64, true)]);
        let r = Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("b", DataType::Utf8, true)]);
        let d = diff_schemas(&l, &r, &[0], &[0, 0], |_, _| None);
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.compatibility, Compatibility::BackwardCompatible);
    }
}
