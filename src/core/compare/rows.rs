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
    pub column: String,
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
    pub column: String,
    pub changed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowDiff {
    /// Key columns used; empty for the multiset diff.
    pub keys: Vec<String>,
    /// Columns compared (shared, non-key).
    pub compared_columns: Vec<String>,
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
fn hash_bytes(b: &[u8]) -> u64 {
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
    Ok(keyed_diff_full(left, right, keys, max_listed)?.0)
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

/// [`keyed_diff`] plus every added, removed and changed row.
pub fn keyed_diff_full(
    left: &Dataset,
    right: &Dataset,
    keys: &[String],
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
    sl.sort_unstable();
    sr.sort_unstable();
    let dups = |s: &[(u64, u32)]| s.windows(2).filter(|w| w[0].0 == w[1].0).count() as u64;
    let (duplicate_keys_left, duplicate_keys_right) = (dups(&sl), dups(&sr));

    // Merge: equal hashes pair up in order of appearance.
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(sl.len().min(sr.len()));
    let mut removed_idx: Vec<u32> = Vec::new();
    let mut added_idx: Vec<u32> = Vec::new();
    let (mut i, mut j) = (0, 0);
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
                pairs.push((sl[i].1, sr[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    removed_idx.extend(sl[i..].iter().map(|p| p.1));
    added_idx.extend(sr[j..].iter().map(|p| p.1));
    drop((sl, sr));
    pairs.sort_unstable();
    removed_idx.sort_unstable();
    added_idx.sort_unstable();

    // Shared non-key columns, compared one at a time.
    let compared: Vec<(String, usize, usize, HashAs)> = left
        .schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| !keys.contains(f.name()))
        .filter_map(|(i, f)| {
            let j = right.schema.index_of(f.name()).ok()?;
            Some((f.name().clone(), i, j, hash_as(f.data_type(), right.schema.field(j).data_type())))
        })
        .collect();
    let mut changed_mask: Vec<u64> = vec![0; pairs.len() * compared.len().div_ceil(64).max(1)];
    let words = compared.len().div_ceil(64).max(1);
    let mut changes_per_column = Vec::with_capacity(compared.len());
    for (ci, (name, li, ri, how)) in compared.iter().enumerate() {
        let hl = row_hashes(left, &[(*li, *how)])?;
        let hr = row_hashes(right, &[(*ri, *how)])?;
        let mut n = 0u64;
        for (p, &(a, b)) in pairs.iter().enumerate() {
            if hl[a as usize] != hr[b as usize] {
                changed_mask[p * words + ci / 64] |= 1 << (ci % 64);
                n += 1;
            }
        }
        changes_per_column.push(ColumnChangeCount { column: name.clone(), changed: n });
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
            .map(|(_, (name, li, ri, _))| FieldChange {
                column: name.clone(),
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
    };
    Ok((diff, DiffRows { added: added_idx, removed: removed_idx, changed: changed_all }))
}

/// Multiset diff of whole rows over the shared columns: a row counts as removed once for each
/// copy the left has beyond the right, and as added the other way round.
pub fn multiset_diff(left: &Dataset, right: &Dataset, max_listed: usize) -> Result<RowDiff> {
    Ok(multiset_diff_full(left, right, max_listed)?.0)
}

/// [`multiset_diff`] plus every added and removed row.
pub fn multiset_diff_full(left: &Dataset, right: &Dataset, max_listed: usize) -> Result<(RowDiff, DiffRows)> {
    let shared: Vec<(String, usize, usize, HashAs)> = left
        .schema
        .fields()
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let j = right.schema.index_of(f.name()).ok()?;
            Some((f.name().clone(), i, j, hash_as(f.data_type(), right.schema.field(j).data_type())))
        })
        .collect();
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
    let shown: Vec<&(String, usize, usize, HashAs)> = shared.iter().take(6).collect();
    let lt = CellText::new(left);
    let rt = CellText::new(right);
    let diff = RowDiff {
        keys: Vec::new(),
        compared_columns: shared.iter().map(|c| c.0.clone()).collect(),
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
    };
    Ok((diff, DiffRows { added: added_idx, removed: removed_idx, changed: Vec::new() }))
}
