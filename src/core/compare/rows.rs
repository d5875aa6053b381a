//! Row diff. With key columns: rows added, removed and changed (which fields, old and new
//! values). Without keys: the multiset difference of whole rows.
//!
//! Rows are matched and compared through 64-bit hashes of their typed values, column by column
//! over the Arrow arrays (no per-row strings): sort-merge on the key hash, then one pass per
//! shared column comparing value hashes of matched rows. Values are rendered as text only for
//! the capped list of examples.

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::DataType;
use serde::{Deserialize, Serialize};

use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};

/// One changed field of a matched row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Column name on the right (the new name of a renamed column).
    pub column: String,
    /// The left's name when the column looks renamed (schema `renames`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A row present on both sides (same key) whose values differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangedRow {
    /// Key values as text, in key-column order.
    pub key: Vec<Option<String>>,
    pub left_row: u64,
    pub right_row: u64,
    pub changes: Vec<FieldChange>,
}

/// A row on one side only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowRef {
    /// 0-based row number in its dataset.
    pub row: u64,
    /// Key values (keyed diff) or the first columns' values (multiset diff), as text.
    pub values: Vec<Option<String>>,
}

/// How many changed values each shared column has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnChangeCount {
    /// Column name on the right (the new name of a renamed column).
    pub column: String,
    /// The left's name when the column looks renamed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    pub changed: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RowDiff {
    /// Key columns used; empty for the multiset diff.
    pub keys: Vec<String>,
    /// Columns compared (shared, non-key, plus likely renames under their new name).
    pub compared_columns: Vec<String>,
    /// Likely renames (left name, right name) whose values were compared as one column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_columns: Vec<(String, String)>,
    /// Column names shown in `added`/`removed` values.
    pub shown_columns: Vec<String>,
    pub matched: u64,
    pub unchanged: u64,
    pub changed: u64,
    pub added: u64,
    pub removed: u64,
    /// Rows whose key is repeated on the left / right (matched in order of appearance).
    pub duplicate_keys_left: u64,
    pub duplicate_keys_right: u64,
    pub changes_per_column: Vec<ColumnChangeCount>,
    /// The first changed rows (at most `max_listed`), in left row order.
    pub changed_rows: Vec<ChangedRow>,
    pub added_rows: Vec<RowRef>,
    pub removed_rows: Vec<RowRef>,
    pub max_listed: usize,
    /// Distinct keys that shared a 64-bit hash with a different key; they were told apart by
    /// comparing the key values.
    #[serde(default)]
    pub key_hash_collisions: u64,
    /// Why the rows could not be compared, when they could not (e.g. no shared column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
const NULL_HASH: u64 = 0x9e37_79b9_7f4a_7c15;

#[inline]
fn mix(h: u64, v: u64) -> u64 {
    let x = (h ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let x = (x ^ (x >> 32)).wrapping_mul(0xd6e8_feb8_6659_fd93);
    x ^ (x >> 29)
}

#[inline]
pub(crate) fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = SEED ^ b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        h = mix(h, u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(buf));
    }
    h
}

/// How a column is hashed so that both sides hash equal values equally.
#[derive(Clone, Copy, PartialEq)]
enum HashAs {
    Int,
    Float,
    Text,
}

fn hash_as(l: &DataType, r: &DataType) -> HashAs {
    use DataType::*;
    let int_like = |d: &DataType| {
        matches!(d, Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 | Date32 | Date64 | Timestamp(..))
    };
    let float_like = |d: &DataType| matches!(d, Float16 | Float32 | Float64);
    if l == r && int_like(l) {
        HashAs::Int
    } else if l == r && float_like(l) {
        HashAs::Float
    } else if (int_like(l) || float_like(l))
        && (int_like(r) || float_like(r))
        && !matches!(l, Date32 | Date64 | Timestamp(..))
        && !matches!(r, Date32 | Date64 | Timestamp(..))
    {
        // int ↔ float: compare as numbers.
        HashAs::Float
    } else {
        HashAs::Text
    }
}

/// Folds the hash of each value of `array` into `hashes` (one per row, from `offset`).
fn hash_into(array: &ArrayRef, how: HashAs, hashes: &mut [u64]) -> Result<()> {
    match how {
        HashAs::Int => {
            let a = if array.data_type() == &DataType::Date32 {
                arrow_cast::cast(&arrow_cast::cast(array, &DataType::Int32)?, &DataType::Int64)?
            } else {
                arrow_cast::cast(array, &DataType::Int64)?
            };
            let a = a.as_primitive::<Int64Type>();
            for (i, h) in hashes.iter_mut().enumerate() {
                *h = mix(*h, if a.is_null(i) { NULL_HASH } else { a.value(i) as u64 });
            }
        }
        HashAs::Float => {
            let a = arrow_cast::cast(array, &DataType::Float64)?;
            let a = a.as_primitive::<Float64Type>();
            for (i, h) in hashes.iter_mut().enumerate() {
                let v = if a.is_null(i) {
                    NULL_HASH
                } else {
                    let f = a.value(i);
                    if f.is_nan() {
                        0x7ff8_0000_0000_0000
                    } else if f == 0.0 {
                        0
                    } else {
                        f.to_bits()
                    }
                };
                *h = mix(*h, v);
            }
        }
        HashAs::Text => {
            let owned;
            let strings = match array.data_type() {
                DataType::Utf8 => array.as_string::<i32>(),
                _ => {
                    owned = arrow_cast::cast(array, &DataType::Utf8)?;
                    owned.as_string::<i32>()
                }
            };
            for (i, h) in hashes.iter_mut().enumerate() {
                let v = if strings.is_null(i) { NULL_HASH } else { hash_bytes(strings.value(i).as_bytes()) };
                *h = mix(*h, v);
            }
        }
    }
    Ok(())
}

/// Per-row hashes of the given columns of a dataset (all batches, in row order).
fn row_hashes(d: &Dataset, cols: &[(usize, HashAs)]) -> Result<Vec<u64>> {
    let mut out = vec![SEED; d.num_rows() as usize];
    let mut offset = 0usize;
    for b in &d.batches {
        let n = b.num_rows();
        for &(c, how) in cols {
            hash_into(b.column(c), how, &mut out[offset..offset + n])?;
        }
        offset += n;
    }
    Ok(out)
}

/// Renders single cells as text, across batches.
struct CellText<'a> {
    d: &'a Dataset,
    starts: Vec<usize>,
}

impl<'a> CellText<'a> {
    fn new(d: &'a Dataset) -> Self {
        let mut starts = Vec::with_capacity(d.batches.len());
        let mut s = 0;
        for b in &d.batches {
            starts.push(s);
            s += b.num_rows();
        }
        CellText { d, starts }
    }
    fn get(&self, row: usize, col: usize) -> Option<String> {
        let bi = self.starts.partition_point(|&s| s <= row).checked_sub(1)?;
        let b = &self.d.batches[bi];
        let i = row - self.starts[bi];
        let a = b.column(col);
        if a.is_null(i) {
            return None;
        }
        let f = ArrayFormatter::try_new(a.as_ref(), &FormatOptions::default()).ok()?;
        Some(f.value(i).to_string())
    }
}

/// Keyed diff: `keys` must exist on both sides.
pub fn keyed_diff(left: &Dataset, right: &Dataset, keys: &[String], max_listed: usize) -> Result<RowDiff> {
    Ok(keyed_diff_full(left, right, keys, &[], max_listed)?.0)
}

/// Every row the diff found, by 0-based row number, for making datasets of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiffRows {
    /// Rows of the right dataset whose key (or whole row) is not on the left.
    pub added: Vec<u32>,
    /// Rows of the left dataset whose key (or whole row) is not on the right.
    pub removed: Vec<u32>,
    /// Rows of the right dataset that changed, with the names of their changed columns.
    pub changed: Vec<(u32, String)>,
}

/// Which dataset a row number refers to, for [`match_by_hash`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

/// The outcome of [`match_by_hash`]. Row numbers are in the order they were matched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HashMatch {
    /// (left row, right row) with equal keys.
    pub pairs: Vec<(u32, u32)>,
    /// Left rows whose key is not on the right (or has fewer copies there).
    pub removed: Vec<u32>,
    /// Right rows whose key is not on the left (or has fewer copies there).
    pub added: Vec<u32>,
    /// Rows whose key repeats an earlier row's key on the same side.
    pub duplicates_left: u64,
    pub duplicates_right: u64,
    /// Distinct keys that shared a hash with another distinct key.
    pub collisions: u64,
}

/// Sort-merge of two sides' `(key hash, row)` lists, each sorted ascending. Rows with equal
/// hashes are only matched when `eq` says their key values are equal, so a hash collision
/// cannot merge two different keys; copies of one key pair up in order of appearance.
pub fn match_by_hash(sl: &[(u64, u32)], sr: &[(u64, u32)], eq: impl Fn((Side, u32), (Side, u32)) -> bool) -> HashMatch {
    let mut m = HashMatch { pairs: Vec::with_capacity(sl.len().min(sr.len())), ..HashMatch::default() };
    // Rows of one run split into classes of equal keys (almost always one class).
    let classes = |side: Side, run: &[(u64, u32)], dups: &mut u64| -> Vec<Vec<u32>> {
        let mut cls: Vec<Vec<u32>> = Vec::new();
        for &(_, row) in run {
            match cls.iter_mut().find(|c| eq((side, c[0]), (side, row))) {
                Some(c) => {
                    c.push(row);
                    *dups += 1;
                }
                None => cls.push(vec![row]),
            }
        }
        cls
    };
    let (mut i, mut j) = (0, 0);
    while i < sl.len() || j < sr.len() {
        let h = match (sl.get(i), sr.get(j)) {
            (Some(a), Some(b)) => a.0.min(b.0),
            (Some(a), None) => a.0,
            (None, Some(b)) => b.0,
            (None, None) => break,
        };
        let i2 = i + sl[i..].iter().take_while(|p| p.0 == h).count();
        let j2 = j + sr[j..].iter().take_while(|p| p.0 == h).count();
        let (lr, rr) = (&sl[i..i2], &sr[j..j2]);
        match (lr.len(), rr.len()) {
            (1, 1) => {
                let (a, b) = (lr[0].1, rr[0].1);
                if eq((Side::Left, a), (Side::Right, b)) {
                    m.pairs.push((a, b));
                } else {
                    m.removed.push(a);
                    m.added.push(b);
                    m.collisions += 2;
                }
            }
            (1, 0) => m.removed.push(lr[0].1),
            (0, 1) => m.added.push(rr[0].1),
            _ => {
                let cl = classes(Side::Left, lr, &mut m.duplicates_left);
                let cr = classes(Side::Right, rr, &mut m.duplicates_right);
                let mut used = vec![false; cr.len()];
                let mut matched = 0usize;
                for c in &cl {
                    let found = (0..cr.len()).find(|&k| !used[k] && eq((Side::Left, c[0]), (Side::Right, cr[k][0])));
                    match found {
                        Some(k) => {
                            used[k] = true;
                            matched += 1;
                            let n = c.len().min(cr[k].len());
                            m.pairs.extend(c[..n].iter().copied().zip(cr[k][..n].iter().copied()));
                            m.removed.extend_from_slice(&c[n..]);
                            m.added.extend_from_slice(&cr[k][n..]);
                        }
                        None => m.removed.extend_from_slice(c),
                    }
                }
                for (k, c) in cr.iter().enumerate() {
                    if !used[k] {
                        m.added.extend_from_slice(c);
                    }
                }
                let distinct = cl.len() + cr.len() - matched;
                if distinct > 1 {
                    m.collisions += distinct as u64;
                }
            }
        }
        i = i2;
        j = j2;
    }
    m
}

/// One column's values over all batches, typed as they are hashed, for exact comparison.
enum Values {
    Int(arrow_array::Int64Array),
    Float(arrow_array::Float64Array),
    Text(arrow_array::StringArray),
}

impl Values {
    fn of(d: &Dataset, col: usize, how: HashAs) -> Result<Values> {
        let parts: Vec<&dyn Array> = d.batches.iter().map(|b| b.column(col).as_ref()).collect();
        let all: ArrayRef = if parts.is_empty() {
            arrow_array::new_empty_array(d.schema.field(col).data_type())
        } else {
            arrow_select::concat::concat(&parts)?
        };
        Ok(match how {
            HashAs::Int => {
                let a = if all.data_type() == &DataType::Date32 {
                    arrow_cast::cast(&arrow_cast::cast(&all, &DataType::Int32)?, &DataType::Int64)?
                } else {
                    arrow_cast::cast(&all, &DataType::Int64)?
                };
                Values::Int(a.as_primitive::<Int64Type>().clone())
            }
            HashAs::Float => {
                Values::Float(arrow_cast::cast(&all, &DataType::Float64)?.as_primitive::<Float64Type>().clone())
            }
            HashAs::Text => Values::Text(arrow_cast::cast(&all, &DataType::Utf8)?.as_string::<i32>().clone()),
        })
    }

    /// Equal as the hash means them: nulls equal nulls, NaN equals NaN, 0.0 equals −0.0.
    fn same(&self, i: usize, other: &Values, j: usize) -> bool {
        macro_rules! cmp {
            ($x:expr, $y:expr, $eq:expr) => {
                match ($x.is_null(i), $y.is_null(j)) {
                    (true, true) => true,
                    (false, false) => $eq($x.value(i), $y.value(j)),
                    _ => false,
                }
            };
        }
        match (self, other) {
            (Values::Int(x), Values::Int(y)) => cmp!(x, y, |a: i64, b: i64| a == b),
            (Values::Float(x), Values::Float(y)) => cmp!(x, y, |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan())),
            (Values::Text(x), Values::Text(y)) => cmp!(x, y, |a: &str, b: &str| a == b),
            _ => false,
        }
    }
}

/// (name on the right, left index, right index, how hashed, left name if renamed)
type Compared = (String, usize, usize, HashAs, Option<String>);

/// Left columns not in `skip` that the right has under the same name or, for a likely
/// rename (left name, right name), under its new name; in left column order.
fn compared_columns(left: &Dataset, right: &Dataset, skip: &[String], renames: &[(String, String)]) -> Vec<Compared> {
    left.schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| !skip.contains(f.name()))
        .filter_map(|(i, f)| {
            let (name, from) = match right.schema.index_of(f.name()) {
                Ok(_) => (f.name().clone(), None),
                Err(_) => {
                    let (_, to) = renames.iter().find(|(from, _)| from == f.name())?;
                    (to.clone(), Some(f.name().clone()))
                }
            };
            let j = right.schema.index_of(&name).ok()?;
            Some((name, i, j, hash_as(f.data_type(), right.schema.field(j).data_type()), from))
        })
        .collect()
}

fn renamed_pairs(compared: &[Compared]) -> Vec<(String, String)> {
    compared.iter().filter_map(|c| c.4.as_ref().map(|from| (from.clone(), c.0.clone()))).collect()
}

/// [`keyed_diff`] plus every added, removed and changed row. `renames` (left name, right
/// name) are compared as one column, reported under the right's name.
pub fn keyed_diff_full(
    left: &Dataset,
    right: &Dataset,
    keys: &[String],
    renames: &[(String, String)],
    max_listed: usize,
) -> Result<(RowDiff, DiffRows)> {
    let mut key_cols_l = Vec::new();
    let mut key_cols_r = Vec::new();
    for k in keys {
        let (i, j) = (left.column_index(k)?, right.column_index(k)?);
        let how = hash_as(left.schema.field(i).data_type(), right.schema.field(j).data_type());
        key_cols_l.push((i, how));
        key_cols_r.push((j, how));
    }
    if keys.is_empty() {
        return Err(CoreError::step("a keyed diff needs at least one key column"));
    }
    let kl = row_hashes(left, &key_cols_l)?;
    let kr = row_hashes(right, &key_cols_r)?;
    let mut sl: Vec<(u64, u32)> = kl.iter().enumerate().map(|(i, &h)| (h, i as u32)).collect();
    let mut sr: Vec<(u64, u32)> = kr.iter().enumerate().map(|(i, &h)| (h, i as u32)).collect();
    drop((kl, kr));
    sl.sort_unstable();
    sr.sort_unstable();

    // Merge on the hash, confirming every equal hash with the key values.
    let m = {
        let vl = key_cols_l.iter().map(|&(c, how)| Values::of(left, c, how)).collect::<Result<Vec<_>>>()?;
        let vr = key_cols_r.iter().map(|&(c, how)| Values::of(right, c, how)).collect::<Result<Vec<_>>>()?;
        let side = |s: Side| if s == Side::Left { &vl } else { &vr };
        match_by_hash(&sl, &sr, |(sa, a), (sb, b)| {
            side(sa).iter().zip(side(sb)).all(|(x, y)| x.same(a as usize, y, b as usize))
        })
    };
    drop((sl, sr));
    let HashMatch {
        mut pairs,
        removed: mut removed_idx,
        added: mut added_idx,
        duplicates_left: duplicate_keys_left,
        duplicates_right: duplicate_keys_right,
        collisions,
    } = m;
    pairs.sort_unstable();
    removed_idx.sort_unstable();
    added_idx.sort_unstable();

    // Shared non-key columns (and likely renames), compared one at a time.
    let compared = compared_columns(left, right, keys, renames);
    let mut changed_mask: Vec<u64> = vec![0; pairs.len() * compared.len().div_ceil(64).max(1)];
    let words = compared.len().div_ceil(64).max(1);
    let mut changes_per_column = Vec::with_capacity(compared.len());
    for (ci, (name, li, ri, how, from)) in compared.iter().enumerate() {
        let hl = row_hashes(left, &[(*li, *how)])?;
        let hr = row_hashes(right, &[(*ri, *how)])?;
        let mut n = 0u64;
        for (p, &(a, b)) in pairs.iter().enumerate() {
            if hl[a as usize] != hr[b as usize] {
                changed_mask[p * words + ci / 64] |= 1 << (ci % 64);
                n += 1;
            }
        }
        changes_per_column.push(ColumnChangeCount { column: name.clone(), renamed_from: from.clone(), changed: n });
    }
    let is_changed = |p: usize| changed_mask[p * words..(p + 1) * words].iter().any(|&w| w != 0);
    let changed = (0..pairs.len()).filter(|&p| is_changed(p)).count() as u64;
    let changed_all: Vec<(u32, String)> = pairs
        .iter()
        .enumerate()
        .filter(|&(p, _)| is_changed(p))
        .map(|(p, &(_, b))| {
            let cols: Vec<&str> = compared
                .iter()
                .enumerate()
                .filter(|(ci, _)| changed_mask[p * words + ci / 64] & (1 << (ci % 64)) != 0)
                .map(|(_, c)| c.0.as_str())
                .collect();
            (b, cols.join(","))
        })
        .collect();

    let lt = CellText::new(left);
    let rt = CellText::new(right);
    let key_text =
        |t: &CellText, cols: &[(usize, HashAs)], row: usize| cols.iter().map(|&(c, _)| t.get(row, c)).collect();
    let mut changed_rows = Vec::new();
    for (p, &(a, b)) in pairs.iter().enumerate() {
        if changed_rows.len() >= max_listed {
            break;
        }
        if !is_changed(p) {
            continue;
        }
        let changes = compared
            .iter()
            .enumerate()
            .filter(|(ci, _)| changed_mask[p * words + ci / 64] & (1 << (ci % 64)) != 0)
            .map(|(_, (name, li, ri, _, from))| FieldChange {
                column: name.clone(),
                renamed_from: from.clone(),
                old: lt.get(a as usize, *li),
                new: rt.get(b as usize, *ri),
            })
            .collect();
        changed_rows.push(ChangedRow {
            key: key_text(&lt, &key_cols_l, a as usize),
            left_row: a as u64,
            right_row: b as u64,
            changes,
        });
    }
    let added_rows = added_idx
        .iter()
        .take(max_listed)
        .map(|&r| RowRef { row: r as u64, values: key_text(&rt, &key_cols_r, r as usize) })
        .collect();
    let removed_rows = removed_idx
        .iter()
        .take(max_listed)
        .map(|&r| RowRef { row: r as u64, values: key_text(&lt, &key_cols_l, r as usize) })
        .collect();
    let diff = RowDiff {
        keys: keys.to_vec(),
        compared_columns: compared.iter().map(|c| c.0.clone()).collect(),
        renamed_columns: renamed_pairs(&compared),
        shown_columns: keys.to_vec(),
        matched: pairs.len() as u64,
        unchanged: pairs.len() as u64 - changed,
        changed,
        added: added_idx.len() as u64,
        removed: removed_idx.len() as u64,
        duplicate_keys_left,
        duplicate_keys_right,
        changes_per_column,
        changed_rows,
        added_rows,
        removed_rows,
        max_listed,
        key_hash_collisions: collisions,
        note: None,
    };
    Ok((diff, DiffRows { added: added_idx, removed: removed_idx, changed: changed_all }))
}

/// Multiset diff of whole rows over the shared columns: a row counts as removed once for each
/// copy the left has beyond the right, and as added the other way round.
pub fn multiset_diff(left: &Dataset, right: &Dataset, max_listed: usize) -> Result<RowDiff> {
    Ok(multiset_diff_full(left, right, &[], max_listed)?.0)
}

/// [`multiset_diff`] plus every added and removed row. Likely renames (left name, right name)
/// count as shared columns. With no shared column at all, rows cannot be compared: the diff
/// then has a `note` and counts nothing.
pub fn multiset_diff_full(
    left: &Dataset,
    right: &Dataset,
    renames: &[(String, String)],
    max_listed: usize,
) -> Result<(RowDiff, DiffRows)> {
    let shared = compared_columns(left, right, &[], renames);
    if shared.is_empty() {
        let diff = RowDiff {
            keys: Vec::new(),
            compared_columns: Vec::new(),
            renamed_columns: Vec::new(),
            shown_columns: Vec::new(),
            matched: 0,
            unchanged: 0,
            changed: 0,
            added: 0,
            removed: 0,
            duplicate_keys_left: 0,
            duplicate_keys_right: 0,
            changes_per_column: Vec::new(),
            changed_rows: Vec::new(),
            added_rows: Vec::new(),
            removed_rows: Vec::new(),
            max_listed,
            key_hash_collisions: 0,
            note: Some(format!(
                "{} and {} share no column (and no likely rename), so their rows cannot be compared",
                left.name, right.name
            )),
        };
        return Ok((diff, DiffRows::default()));
    }
    let cols_l: Vec<(usize, HashAs)> = shared.iter().map(|c| (c.1, c.3)).collect();
    let cols_r: Vec<(usize, HashAs)> = shared.iter().map(|c| (c.2, c.3)).collect();
    let mut sl: Vec<(u64, u32)> =
        row_hashes(left, &cols_l)?.into_iter().enumerate().map(|(i, h)| (h, i as u32)).collect();
    let mut sr: Vec<(u64, u32)> =
        row_hashes(right, &cols_r)?.into_iter().enumerate().map(|(i, h)| (h, i as u32)).collect();
    sl.sort_unstable();
    sr.sort_unstable();
    let (mut i, mut j) = (0, 0);
    let mut matched = 0u64;
    let mut removed_idx = Vec::new();
    let mut added_idx = Vec::new();
    while i < sl.len() && j < sr.len() {
        match sl[i].0.cmp(&sr[j].0) {
            std::cmp::Ordering::Less => {
                removed_idx.push(sl[i].1);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                added_idx.push(sr[j].1);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                matched += 1;
                i += 1;
                j += 1;
            }
        }
    }
    removed_idx.extend(sl[i..].iter().map(|p| p.1));
    added_idx.extend(sr[j..].iter().map(|p| p.1));
    removed_idx.sort_unstable();
    added_idx.sort_unstable();
    let shown: Vec<&Compared> = shared.iter().take(6).collect();
    let lt = CellText::new(left);
    let rt = CellText::new(right);
    let diff = RowDiff {
        keys: Vec::new(),
        compared_columns: shared.iter().map(|c| c.0.clone()).collect(),
        renamed_columns: renamed_pairs(&shared),
        shown_columns: shown.iter().map(|c| c.0.clone()).collect(),
        matched,
        unchanged: matched,
        changed: 0,
        added: added_idx.len() as u64,
        removed: removed_idx.len() as u64,
        duplicate_keys_left: 0,
        duplicate_keys_right: 0,
        changes_per_column: Vec::new(),
        changed_rows: Vec::new(),
        added_rows: added_idx
            .iter()
            .take(max_listed)
            .map(|&r| RowRef { row: r as u64, values: shown.iter().map(|c| rt.get(r as usize, c.2)).collect() })
            .collect(),
        removed_rows: removed_idx
            .iter()
            .take(max_listed)
            .map(|&r| RowRef { row: r as u64, values: shown.iter().map(|c| lt.get(r as usize, c.1)).collect() })
            .collect(),
        max_listed,
        key_hash_collisions: 0,
        note: None,
    };
    Ok((diff, DiffRows { added: added_idx, removed: removed_idx, changed: Vec::new() }))
}
