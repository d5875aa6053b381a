//! Per-column accumulators: one pass over batches, mergeable (the xsv `Commute::merge` idea),
//! memory bounded per column (value counts are capped, then sketches take over).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, Int32Array, Int64Array, StringArray};
use arrow_schema::{DataType, TimeUnit};
use serde::{Deserialize, Serialize};

use super::sketch::{hash_bytes, mix64, HyperLogLog, LinearSketch, LogLinearSketch};
use super::text::{classify, SHAPES};

/// Distinct values counted exactly per column before the HyperLogLog and sketches take over.
pub const EXACT_DISTINCT_CAP: usize = 20_000;
/// Values still counted once a column has more than `EXACT_DISTINCT_CAP` distinct values.
pub const TRACKED_AFTER_OVERFLOW: usize = 256;
/// Columns with at most this many distinct values keep dense per-row codes.
pub const CODE_CAP: usize = 10_000;
/// The code of a null cell (or of a value without a code).
pub const NULL_CODE: u32 = u32::MAX;
const NULL_HASH: u64 = 0x6e75_6c6c_6e75_6c6c;
/// `ValueEntry::shape` of a value that is not text.
const NO_SHAPE: u8 = u8::MAX;

/// Folds one cell's hash into its row's hash (order-sensitive).
#[inline(always)]
fn mix_row(row: u64, h: u64) -> u64 {
    (row.rotate_left(23) ^ h).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

#[inline]
fn char_len(s: &str) -> u64 {
    if s.is_ascii() {
        s.len() as u64
    } else {
        s.chars().count() as u64
    }
}

/// Row segments of the missingness matrix.
pub const SEGMENTS: usize = 48;

/// How the profile treats a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Integer,
    Float,
    /// Dates and timestamps, as integers in `TemporalUnit`.
    Temporal,
    Boolean,
    Text,
    /// Nested or binary values: counted, not analysed.
    Other,
}

/// The integer unit of a temporal column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemporalUnit {
    Days,
    Millis,
    Micros,
    Nanos,
    Seconds,
}

impl TemporalUnit {
    /// Renders a value of this unit as a date or a date-time.
    pub fn format(&self, v: i64) -> String {
        let (secs, nanos, date_only) = match self {
            TemporalUnit::Days => (v * 86_400, 0, true),
            TemporalUnit::Seconds => (v, 0, false),
            TemporalUnit::Millis => (v.div_euclid(1_000), v.rem_euclid(1_000) * 1_000_000, false),
            TemporalUnit::Micros => (v.div_euclid(1_000_000), v.rem_euclid(1_000_000) * 1_000, false),
            TemporalUnit::Nanos => (v.div_euclid(1_000_000_000), v.rem_euclid(1_000_000_000), false),
        };
        match chrono::DateTime::from_timestamp(secs, nanos as u32) {
            Some(t) if date_only => t.date_naive().to_string(),
            Some(t) => t.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string(),
            None => v.to_string(),
        }
    }
    pub fn per_day(&self) -> f64 {
        match self {
            TemporalUnit::Days => 1.0,
            TemporalUnit::Seconds => 86_400.0,
            TemporalUnit::Millis => 86_400e3,
            TemporalUnit::Micros => 86_400e6,
            TemporalUnit::Nanos => 86_400e9,
        }
    }
}

/// What kind a column's Arrow type profiles as.
pub fn kind_of(dt: &DataType) -> (Kind, Option<TemporalUnit>) {
    use DataType::*;
    match dt {
        Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 => (Kind::Integer, None),
        Float16 | Float32 | Float64 | Decimal32(..) | Decimal64(..) | Decimal128(..) | Decimal256(..) => {
            (Kind::Float, None)
        }
        Date32 => (Kind::Temporal, Some(TemporalUnit::Days)),
        Date64 => (Kind::Temporal, Some(TemporalUnit::Millis)),
        Timestamp(unit, _) => (
            Kind::Temporal,
            Some(match unit {
                TimeUnit::Second => TemporalUnit::Seconds,
                TimeUnit::Millisecond => TemporalUnit::Millis,
                TimeUnit::Microsecond => TemporalUnit::Micros,
                TimeUnit::Nanosecond => TemporalUnit::Nanos,
            }),
        ),
        Boolean => (Kind::Boolean, None),
        Utf8 | LargeUtf8 | Utf8View => (Kind::Text, None),
        Dictionary(_, v) if matches!(v.as_ref(), Utf8 | LargeUtf8 | Utf8View) => (Kind::Text, None),
        _ => (Kind::Other, None),
    }
}

/// A column of one batch in the form the accumulators read.
#[derive(Clone)]
pub enum ColumnView {
    Int(Int64Array),
    Float(Float64Array),
    Temporal(Int64Array),
    /// A Date32 column as it is (days), read as 64-bit integers like `Temporal`: widening
    /// the column to a new Int64 array cost more than the reads (a page fault per 4 KB).
    Days(Int32Array),
    Bool(BooleanArray),
    Text(StringArray),
    Other(ArrayRef),
}

impl ColumnView {
    /// Whether [`ColumnView::new`] shares a column of this type's buffers rather than making
    /// a converted copy (timestamps and Date64 are reinterpreted as Int64, without a copy).
    pub fn shares_buffers(dt: &DataType, kind: Kind) -> bool {
        match kind {
            Kind::Integer => *dt == DataType::Int64,
            Kind::Float => *dt == DataType::Float64,
            Kind::Temporal => matches!(dt, DataType::Date32 | DataType::Date64 | DataType::Timestamp(..)),
            Kind::Text => *dt == DataType::Utf8,
            Kind::Boolean | Kind::Other => true,
        }
    }

    pub fn new(col: &ArrayRef, kind: Kind) -> ColumnView {
        let cast = |to: &DataType| arrow_cast::cast(col, to).ok();
        match kind {
            Kind::Integer => match cast(&DataType::Int64) {
                Some(a) => ColumnView::Int(a.as_primitive::<Int64Type>().clone()),
                None => ColumnView::Other(col.clone()),
            },
            Kind::Float => match cast(&DataType::Float64) {
                Some(a) => ColumnView::Float(a.as_primitive::<Float64Type>().clone()),
                None => ColumnView::Other(col.clone()),
            },
            Kind::Temporal => match col.as_primitive_opt::<Date32Type>() {
                // The same buffers, seen as plain 32-bit integers (no copy).
                Some(days) => ColumnView::Days(days.reinterpret_cast::<Int32Type>()),
                None => match cast(&DataType::Int64) {
                    Some(a) => ColumnView::Temporal(a.as_primitive::<Int64Type>().clone()),
                    None => ColumnView::Other(col.clone()),
                },
            },
            Kind::Boolean => ColumnView::Bool(col.as_boolean().clone()),
            Kind::Text => match cast(&DataType::Utf8) {
                Some(a) => ColumnView::Text(a.as_string::<i32>().clone()),
                None => ColumnView::Other(col.clone()),
            },
            Kind::Other => ColumnView::Other(col.clone()),
        }
    }

    /// Rows `offset..offset + len` of this view (no copy).
    pub fn slice(&self, offset: usize, len: usize) -> ColumnView {
        match self {
            ColumnView::Int(a) => ColumnView::Int(a.slice(offset, len)),
            ColumnView::Temporal(a) => ColumnView::Temporal(a.slice(offset, len)),
            ColumnView::Days(a) => ColumnView::Days(a.slice(offset, len)),
            ColumnView::Float(a) => ColumnView::Float(a.slice(offset, len)),
            ColumnView::Bool(a) => ColumnView::Bool(a.slice(offset, len)),
            ColumnView::Text(a) => ColumnView::Text(a.slice(offset, len)),
            ColumnView::Other(a) => ColumnView::Other(a.slice(offset, len)),
        }
    }

    pub fn is_null(&self, i: usize) -> bool {
        self.nulls().is_some_and(|n| n.is_null(i))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        match self {
            ColumnView::Int(a) | ColumnView::Temporal(a) => a.len(),
            ColumnView::Days(a) => a.len(),
            ColumnView::Float(a) => a.len(),
            ColumnView::Bool(a) => a.len(),
            ColumnView::Text(a) => a.len(),
            ColumnView::Other(a) => a.len(),
        }
    }

    /// The value as a number (integers, floats, temporal units); `None` for null or non-numeric.
    #[inline]
    pub fn number(&self, i: usize) -> Option<f64> {
        match self {
            ColumnView::Int(a) | ColumnView::Temporal(a) => a.is_valid(i).then(|| a.value(i) as f64),
            ColumnView::Days(a) => a.is_valid(i).then(|| f64::from(a.value(i))),
            ColumnView::Float(a) => a.is_valid(i).then(|| a.value(i)).filter(|v| v.is_finite()),
            _ => None,
        }
    }

    /// `number` at each of `indices`, NaN for `None`, onto `out`: one loop per type rather
    /// than a match per value.
    pub fn numbers_at(&self, indices: impl Iterator<Item = usize>, out: &mut Vec<f64>) {
        match self {
            ColumnView::Int(a) | ColumnView::Temporal(a) => {
                out.extend(indices.map(|i| if a.is_valid(i) { a.value(i) as f64 } else { f64::NAN }))
            }
            ColumnView::Days(a) => {
                out.extend(indices.map(|i| if a.is_valid(i) { f64::from(a.value(i)) } else { f64::NAN }))
            }
            ColumnView::Float(a) => out.extend(indices.map(|i| {
                let x = a.value(i);
                if a.is_valid(i) && x.is_finite() {
                    x
                } else {
                    f64::NAN
                }
            })),
            ColumnView::Bool(_) | ColumnView::Text(_) | ColumnView::Other(_) => out.extend(indices.map(|_| f64::NAN)),
        }
    }

    pub fn nulls(&self) -> Option<&arrow_buffer::NullBuffer> {
        match self {
            ColumnView::Int(a) | ColumnView::Temporal(a) => a.nulls(),
            ColumnView::Days(a) => a.nulls(),
            ColumnView::Float(a) => a.nulls(),
            ColumnView::Bool(a) => a.nulls(),
            ColumnView::Text(a) => a.nulls(),
            ColumnView::Other(a) => a.nulls(),
        }
    }

    /// Folds each value's [`ColumnView::hash`] into its row's hash in `rows` (one per row of
    /// the view), with a loop per type rather than a dispatch per value.
    pub fn mix_hashes(&self, rows: &mut [u64]) {
        let nulls = self.nulls();
        macro_rules! each {
            (|$i:ident| $h:expr) => {
                for ($i, rh) in rows.iter_mut().enumerate() {
                    let h = if nulls.is_some_and(|n| n.is_null($i)) { NULL_HASH } else { $h };
                    *rh = mix_row(*rh, h);
                }
            };
        }
        match self {
            ColumnView::Int(a) | ColumnView::Temporal(a) => each!(|i| int_hash(a.value(i))),
            ColumnView::Days(a) => each!(|i| int_hash(i64::from(a.value(i)))),
            ColumnView::Float(a) => each!(|i| float_hash(a.value(i))),
            ColumnView::Bool(a) => each!(|i| bool_hash(a.value(i))),
            ColumnView::Text(a) => each!(|i| hash_bytes(a.value(i).as_bytes())),
            ColumnView::Other(_) => each!(|i| self.hash(i)),
        }
    }

    /// A 64-bit hash of the value at `i` (nulls share one hash); the same hash pass one uses.
    #[inline]
    pub fn hash(&self, i: usize) -> u64 {
        if self.is_null(i) {
            return NULL_HASH;
        }
        match self {
            ColumnView::Int(a) | ColumnView::Temporal(a) => int_hash(a.value(i)),
            ColumnView::Days(a) => int_hash(i64::from(a.value(i))),
            ColumnView::Float(a) => float_hash(a.value(i)),
            ColumnView::Bool(a) => bool_hash(a.value(i)),
            ColumnView::Text(a) => hash_bytes(a.value(i).as_bytes()),
            ColumnView::Other(a) => {
                let options = arrow_cast::display::FormatOptions::default();
                match arrow_cast::display::ArrayFormatter::try_new(a.as_ref(), &options) {
                    Ok(f) => hash_bytes(f.value(i).to_string().as_bytes()),
                    Err(_) => mix64(i as u64),
                }
            }
        }
    }
}

/// The hash of an integer (or of a date or time as its integer): the one place it is defined,
/// for the first pass, [`ColumnView::hash`] and [`ColumnView::mix_hashes`] alike.
#[inline(always)]
pub(crate) fn int_hash(v: i64) -> u64 {
    mix64(v as u64)
}

/// The hash of a number: -0.0 and 0.0 hash alike, as do all NaNs.
#[inline(always)]
fn float_hash(x: f64) -> u64 {
    mix64(canonical_bits(x) ^ 0xF10A7)
}

#[inline(always)]
fn bool_hash(b: bool) -> u64 {
    mix64(u64::from(b) + 0xB001)
}

/// -0.0 equals 0.0 and every NaN is one value.
#[inline]
fn canonical_bits(v: f64) -> u64 {
    if v == 0.0 {
        0
    } else if v.is_nan() {
        f64::NAN.to_bits()
    } else {
        v.to_bits()
    }
}

/// A hasher for keys that already are good 64-bit hashes.
#[derive(Default)]
pub struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type PrehashedMap<V> = HashMap<u64, V, BuildHasherDefault<PrehashedHasher>>;

/// A column's distinct values by hash: an open-addressing table (linear probing, at most half
/// full) over entries kept in order of first appearance, so an entry's index is its code.
/// Written out rather than a `HashMap` because the lookup runs once per cell and must inline:
/// the release build optimizes for size, which left the generic map's probe an out-of-line
/// call, and in wasm (no SIMD probe groups) a slower one.
#[derive(Clone, Default)]
pub struct ValueCounts {
    entries: Vec<(u64, ValueEntry)>,
    /// (tag, index + 1) of each entry, the tag being the hash's top 32 bits; index 0 marks an
    /// empty slot. Length a power of two. Half the size of whole hashes (the table of a column
    /// near `EXACT_DISTINCT_CAP` distinct values then stays in a closer cache); a matching tag
    /// is confirmed on the entry, which a hit reads anyway.
    slots: Vec<(u32, u32)>,
    /// Empty, or (after `filter_misses`) one bit per value of bits 32..48 of a hash, set for
    /// the entries' hashes: most lookups of a hash not counted stop at a clear bit.
    filter: Vec<u64>,
}

/// Bits of a `ValueCounts` filter: 64 Kib (8 KB), so 256 entries set at most 0.4% of them.
const FILTER_BITS: usize = 1 << 16;

/// The tag a `ValueCounts` slot keeps of a hash: its top 32 bits (the slot's place comes from
/// the low bits).
#[inline(always)]
fn slot_tag(h: u64) -> u32 {
    (h >> 32) as u32
}

/// The filter bit of a hash: (word, mask). Bits 32..48: the slots use the low bits and the
/// HyperLogLog the top ones.
#[inline(always)]
fn filter_bit(h: u64) -> (usize, u64) {
    let b = (h >> 32) as usize % FILTER_BITS;
    (b / 64, 1 << (b % 64))
}

impl ValueCounts {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry of hash `h`, if counted.
    #[inline(always)]
    pub fn get_mut(&mut self, h: u64) -> Option<&mut ValueEntry> {
        if self.slots.is_empty() {
            return None;
        }
        if !self.filter.is_empty() {
            let (word, mask) = filter_bit(h);
            if self.filter[word] & mask == 0 {
                return None;
            }
        }
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        let tag = slot_tag(h);
        loop {
            let (t, e) = self.slots[i];
            if e == 0 {
                return None;
            }
            let index = e as usize - 1;
            if t == tag && self.entries[index].0 == h {
                return Some(&mut self.entries[index].1);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a hash not counted yet.
    #[inline]
    pub fn insert(&mut self, h: u64, entry: ValueEntry) {
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.entries.push((h, entry));
        self.place(h, self.entries.len() as u32);
        if !self.filter.is_empty() {
            let (word, mask) = filter_bit(h);
            self.filter[word] |= mask;
        }
    }

    /// From here on a lookup first checks a small bitmap of the hashes counted. For a table
    /// that stays small and is mostly asked for hashes it does not hold (the values still
    /// counted after the overflow): a missed lookup probed on through a run of slots, an
    /// unpredictable branch per cell.
    pub fn filter_misses(&mut self) {
        self.filter = vec![0; FILTER_BITS / 64];
        for &(h, _) in &self.entries {
            let (word, mask) = filter_bit(h);
            self.filter[word] |= mask;
        }
    }

    #[inline(always)]
    fn place(&mut self, h: u64, index_plus_one: u32) {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        while self.slots[i].1 != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (slot_tag(h), index_plus_one);
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        self.slots = vec![(0, 0); size];
        for i in 0..self.entries.len() {
            self.place(self.entries[i].0, i as u32 + 1);
        }
    }

    /// Entries in order of first appearance.
    pub fn values(&self) -> impl Iterator<Item = &ValueEntry> + Clone {
        self.entries.iter().map(|(_, e)| e)
    }

    pub fn keys(&self) -> impl Iterator<Item = &u64> {
        self.entries.iter().map(|(h, _)| h)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&u64, &ValueEntry)> {
        self.entries.iter().map(|(h, e)| (h, e))
    }

    /// Removes every entry, returning them in order of first appearance.
    pub fn take(&mut self) -> Vec<(u64, ValueEntry)> {
        self.slots.clear();
        self.filter.clear();
        std::mem::take(&mut self.entries)
    }
}

impl FromIterator<(u64, ValueEntry)> for ValueCounts {
    fn from_iter<I: IntoIterator<Item = (u64, ValueEntry)>>(iter: I) -> Self {
        let mut v = ValueCounts::default();
        for (h, e) in iter {
            match v.get_mut(h) {
                Some(m) => *m = e,
                None => v.insert(h, e),
            }
        }
        v
    }
}

/// One distinct value: how often it occurs, the first row holding it, and (for numbers) its value.
#[derive(Debug, Clone, Copy)]
pub struct ValueEntry {
    pub count: u64,
    pub first_row: u64,
    pub value: f64,
    /// Dense code in order of first appearance (see `ColumnAccumulator::codes`).
    pub code: u32,
    /// `Shape::index` and length in characters, for text values.
    pub shape: u8,
    pub len: u32,
}

/// Mean, variance and third moment, updated one value at a time (Welford) and merged with the
/// pairwise formulas of Chan et al.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    pub n: u64,
    pub mean: f64,
    pub m2: f64,
    pub m3: f64,
}

impl Moments {
    #[inline]
    pub fn add(&mut self, x: f64) {
        let n1 = self.n as f64;
        self.n += 1;
        let n = self.n as f64;
        let delta = x - self.mean;
        let delta_n = delta / n;
        let term1 = delta * delta_n * n1;
        self.mean += delta_n;
        self.m3 += term1 * delta_n * (n - 2.0) - 3.0 * delta_n * self.m2;
        self.m2 += term1;
    }
    pub fn merge(&mut self, o: &Moments) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *o;
            return;
        }
        let (na, nb) = (self.n as f64, o.n as f64);
        let n = na + nb;
        let delta = o.mean - self.mean;
        let m2 = self.m2 + o.m2 + delta * delta * na * nb / n;
        let m3 = self.m3
            + o.m3
            + delta.powi(3) * na * nb * (na - nb) / (n * n)
            + 3.0 * delta * (na * o.m2 - nb * self.m2) / n;
        self.mean += delta * nb / n;
        self.m2 = m2;
        self.m3 = m3;
        self.n += o.n;
    }
    /// Sample standard deviation (n − 1), as pandas reports it.
    pub fn std(&self) -> Option<f64> {
        (self.n > 1).then(|| (self.m2 / (self.n - 1) as f64).sqrt())
    }
    /// Adjusted Fisher–Pearson skewness (G1), as pandas reports it.
    pub fn skewness(&self) -> Option<f64> {
        if self.n < 3 || self.m2 == 0.0 {
            return None;
        }
        let n = self.n as f64;
        let g1 = n.sqrt() * self.m3 / self.m2.powf(1.5);
        Some(g1 * (n * (n - 1.0)).sqrt() / (n - 2.0))
    }
}

/// Everything the profile learns about one column in its first pass.
#[derive(Clone)]
pub struct ColumnAccumulator {
    pub kind: Kind,
    pub rows: u64,
    pub nulls: u64,
    /// Float NaN and ±infinity: present but not numbers the statistics can use.
    pub non_finite: u64,
    pub values: ValueCounts,
    /// More distinct values were seen than `EXACT_DISTINCT_CAP`: counts are now lower bounds.
    pub overflowed: bool,
    pub hll: HyperLogLog,
    pub moments: Moments,
    pub min: f64,
    pub max: f64,
    pub zeros: u64,
    pub negatives: u64,
    /// Quantile sketches, filled once the value counts overflow.
    pub log_sketch: Option<LogLinearSketch>,
    pub linear_sketch: Option<LinearSketch>,
    pub len_min: u64,
    pub len_max: u64,
    pub len_sum: u64,
    pub shapes: [u64; SHAPES.len()],
    /// Value codes of the rows of the last `add`, while the column has at most `CODE_CAP`
    /// distinct values (else `None`): what cross-column statistics (dependencies, Cramér's V,
    /// leakage) are computed on, taken batch by batch (`relations::CodeStream`).
    pub codes: Option<Vec<u32>>,
    /// Nulls per segment of rows (the missingness matrix).
    pub segment_nulls: Vec<u64>,
    pub segment_rows: Vec<u64>,
}

impl ColumnAccumulator {
    pub fn new(kind: Kind) -> Self {
        ColumnAccumulator {
            kind,
            rows: 0,
            nulls: 0,
            non_finite: 0,
            values: ValueCounts::default(),
            overflowed: false,
            hll: HyperLogLog::default(),
            moments: Moments::default(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            zeros: 0,
            negatives: 0,
            log_sketch: None,
            linear_sketch: None,
            len_min: u64::MAX,
            len_max: 0,
            len_sum: 0,
            shapes: [0; SHAPES.len()],
            codes: Some(Vec::new()),
            segment_nulls: vec![0; SEGMENTS],
            segment_rows: vec![0; SEGMENTS],
        }
    }

    /// Counts a value by its hash; `number` is the value for numeric and temporal columns,
    /// `text` the value of a text column (classified once per distinct value). Returns the
    /// value's code (`NULL_CODE` for a value counted only in the sketches).
    #[inline(always)]
    fn count_value(&mut self, h: u64, row: u64, number: f64, text: Option<&str>) -> u32 {
        // While the counts are exact they are the distinct values; the HyperLogLog starts at
        // the overflow, from the hashes counted so far (adding a hash twice changes nothing).
        if self.overflowed {
            self.hll.add_hash(h);
        }
        let code = if let Some(e) = self.values.get_mut(h) {
            e.count += 1;
            let (code, shape, len) = (e.code, e.shape, e.len);
            // While counts are exact, shapes and lengths follow from them (`settle_text_stats`).
            if text.is_some() && self.overflowed {
                self.shapes[shape as usize] += 1;
                self.add_len(len as u64);
            }
            code
        } else if self.overflowed {
            if let Some(s) = text {
                self.shapes[classify(s).index()] += 1;
                self.add_len(char_len(s));
            }
            NULL_CODE
        } else {
            let code = self.values.len() as u32;
            let (shape, len) = match text {
                Some(s) => (classify(s).index() as u8, char_len(s) as u32),
                None => (NO_SHAPE, 0),
            };
            self.values.insert(h, ValueEntry { count: 1, first_row: row, value: number, code, shape, len });
            if self.values.len() > EXACT_DISTINCT_CAP {
                // Replays every value so far, this one included.
                self.start_sketches();
                return code;
            }
            code
        };
        if self.overflowed && number.is_finite() {
            match self.kind {
                Kind::Integer | Kind::Float => self.log_sketch.get_or_insert_with(Default::default).add(number),
                Kind::Temporal => self.linear_sketch.get_or_insert_with(Default::default).add(number as i64),
                _ => {}
            }
        }
        code
    }

    #[inline(always)]
    fn add_len(&mut self, len: u64) {
        self.len_min = self.len_min.min(len);
        self.len_max = self.len_max.max(len);
        self.len_sum += len;
    }

    /// Text shapes and lengths of a column whose value counts are still exact, from those
    /// counts (the first pass leaves them there rather than adding them up row by row). Once
    /// the counts overflowed the fields are kept row by row; then this changes nothing.
    pub fn settle_text_stats(&mut self) {
        if self.overflowed || self.kind != Kind::Text {
            return;
        }
        self.shapes = [0; SHAPES.len()];
        (self.len_min, self.len_max, self.len_sum) = (u64::MAX, 0, 0);
        for e in self.values.values().filter(|e| e.shape != NO_SHAPE) {
            self.shapes[e.shape as usize] += e.count;
            self.len_min = self.len_min.min(u64::from(e.len));
            self.len_max = self.len_max.max(u64::from(e.len));
            self.len_sum += u64::from(e.len) * e.count;
        }
    }

    /// From here on values go to the sketches; the ones seen so far are replayed into them.
    fn start_sketches(&mut self) {
        self.settle_text_stats();
        self.overflowed = true;
        for &h in self.values.keys() {
            self.hll.add_hash(h);
        }
        match self.kind {
            Kind::Integer | Kind::Float => {
                let mut s = LogLinearSketch::default();
                for e in self.values.values().filter(|e| e.value.is_finite()) {
                    for _ in 0..e.count {
                        s.add(e.value);
                    }
                }
                self.log_sketch = Some(s);
            }
            Kind::Temporal => {
                let mut s = LinearSketch::default();
                for e in self.values.values() {
                    for _ in 0..e.count {
                        s.add(e.value as i64);
                    }
                }
                self.linear_sketch = Some(s);
            }
            _ => {}
        }
        // Keep counting only the commonest values so far (the likely top values): a small map
        // stays in cache, and memory no longer grows with the column.
        let mut entries: Vec<(u64, ValueEntry)> = self.values.take();
        entries.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.1.first_row.cmp(&b.1.first_row)));
        entries.truncate(TRACKED_AFTER_OVERFLOW);
        self.values = entries.into_iter().collect();
        self.values.filter_misses();
    }

    /// Adds the rows of one batch; `first_row` is the batch's offset in the table, `total_rows`
    /// the table's size (for missingness segments), `row_hashes` this batch's slice of row hashes.
    pub fn add(&mut self, view: &ColumnView, first_row: u64, total_rows: u64, row_hashes: &mut [u64]) {
        let n = row_hashes.len();
        self.rows += n as u64;
        // This run's codes, written by row (null rows keep `NULL_CODE`): a push per row through
        // `self` was a measurable share of the pass. Put back below unless the column now has
        // more than `CODE_CAP` distinct values.
        let mut codes = self.codes.take();
        if let Some(c) = &mut codes {
            c.clear();
            c.resize(n, NULL_CODE);
        }
        let mut codes_out = codes.as_deref_mut();
        let total = total_rows.max(1);
        let seg = |row: u64| ((row * SEGMENTS as u64 / total) as usize).min(SEGMENTS - 1);
        let nulls = view.nulls().cloned();
        // Rows and nulls per segment: whole runs at a time (nulls by the bitmap's population
        // count) rather than a division per row.
        let mut row = first_row;
        let end = first_row + n as u64;
        while row < end {
            let s = seg(row);
            let next = ((s as u64 + 1) * total).div_ceil(SEGMENTS as u64).clamp(row + 1, end);
            self.segment_rows[s] += next - row;
            if let Some(nb) = &nulls {
                let missing = nb.slice((row - first_row) as usize, (next - row) as usize).null_count() as u64;
                self.segment_nulls[s] += missing;
                self.nulls += missing;
            }
            row = next;
        }
        let is_null = |i: usize| nulls.as_ref().is_some_and(|nb| nb.is_null(i));
        macro_rules! each_valid {
            (|$i:ident, $row:ident| $body:block) => {
                for ($i, rh) in row_hashes.iter_mut().enumerate() {
                    let $row = first_row + $i as u64;
                    if is_null($i) {
                        *rh = mix_row(*rh, NULL_HASH);
                        continue;
                    }
                    let (h, code): (u64, u32) = $body;
                    *rh = mix_row(*rh, h);
                    if let Some(out) = &mut codes_out {
                        out[$i] = code;
                    }
                }
            };
        }
        // Integers of either width, read as i64; dates and times have no zeros, negatives or
        // moments.
        macro_rules! integers {
            ($values:expr, $temporal:expr) => {{
                let (values, temporal) = ($values, $temporal);
                each_valid!(|i, row| {
                    let v = i64::from(values[i]);
                    let h = int_hash(v);
                    if !temporal {
                        self.zeros += u64::from(v == 0);
                        self.negatives += u64::from(v < 0);
                    }
                    (h, self.count_value(h, row, v as f64, None))
                });
                if nulls.is_none() {
                    self.add_batch_numbers(values.iter().map(|&v| i64::from(v) as f64), !temporal);
                } else {
                    let valid =
                        values.iter().enumerate().filter(|(i, _)| !is_null(*i)).map(|(_, &v)| i64::from(v) as f64);
                    self.add_batch_numbers(valid, !temporal);
                }
            }};
        }
        match view {
            ColumnView::Int(a) => integers!(a.values(), false),
            ColumnView::Temporal(a) => integers!(a.values(), true),
            ColumnView::Days(a) => integers!(a.values(), true),
            ColumnView::Float(a) => {
                let values = a.values();
                each_valid!(|i, row| {
                    let x = values[i];
                    let h = float_hash(x);
                    if x.is_finite() {
                        self.zeros += u64::from(x == 0.0);
                        self.negatives += u64::from(x < 0.0);
                    } else {
                        // Counted as a value of its own, kept out of the quantiles and sketches.
                        self.non_finite += 1;
                    }
                    (h, self.count_value(h, row, x, None))
                });
                if nulls.is_none() {
                    self.add_batch_numbers(values.iter().copied().filter(|v| v.is_finite()), true);
                } else {
                    let valid =
                        values.iter().enumerate().filter(|(i, v)| !is_null(*i) && v.is_finite()).map(|(_, &v)| v);
                    self.add_batch_numbers(valid, true);
                }
            }
            ColumnView::Bool(a) => each_valid!(|i, row| {
                let b = a.value(i);
                let h = bool_hash(b);
                (h, self.count_value(h, row, f64::from(u8::from(b)), None))
            }),
            ColumnView::Text(a) => each_valid!(|i, row| {
                let s = a.value(i);
                let h = hash_bytes(s.as_bytes());
                (h, self.count_value(h, row, 0.0, Some(s)))
            }),
            ColumnView::Other(_) => each_valid!(|i, row| {
                let h = view.hash(i);
                (h, self.count_value(h, row, 0.0, None))
            }),
        }
        if !self.overflowed && self.values.len() <= CODE_CAP {
            self.codes = codes;
        }
    }

    /// Moments, min and max of one batch's numbers: two passes over the batch (mean, then
    /// central sums), merged into the running totals.
    fn add_batch_numbers(&mut self, values: impl Iterator<Item = f64> + Clone, moments: bool) {
        let (mut n, mut sum) = (0u64, 0.0);
        for x in values.clone() {
            n += 1;
            sum += x;
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        if n == 0 || !moments {
            return;
        }
        let mean = sum / n as f64;
        let (mut m2, mut m3) = (0.0, 0.0);
        for x in values {
            let d = x - mean;
            m2 += d * d;
            m3 += d * d * d;
        }
        self.moments.merge(&Moments { n, mean, m2, m3 });
    }

    /// Combines two accumulators of the same column over disjoint rows.
    pub fn merge(&mut self, other: &ColumnAccumulator) {
        // Codes are numbered per pass; after a merge only the counts remain.
        self.codes = None;
        self.rows += other.rows;
        self.nulls += other.nulls;
        self.non_finite += other.non_finite;
        self.hll.merge(&other.hll);
        self.moments.merge(&other.moments);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.zeros += other.zeros;
        self.negatives += other.negatives;
        for (a, b) in self.segment_nulls.iter_mut().zip(&other.segment_nulls) {
            *a += b;
        }
        for (a, b) in self.segment_rows.iter_mut().zip(&other.segment_rows) {
            *a += b;
        }
        if !self.overflowed && !other.overflowed {
            for (&h, e) in other.values.iter() {
                match self.values.get_mut(h) {
                    Some(m) => {
                        m.count += e.count;
                        m.first_row = m.first_row.min(e.first_row);
                    }
                    None => self.values.insert(h, *e),
                }
            }
            if self.values.len() > EXACT_DISTINCT_CAP {
                self.start_sketches();
            } else {
                self.settle_text_stats();
            }
            return;
        }
        // Sketches hold every value; the value counts stay as lower bounds for the top values.
        let mut theirs = other.clone();
        if !theirs.overflowed {
            theirs.start_sketches();
        }
        if !self.overflowed {
            self.start_sketches();
        }
        self.hll.merge(&theirs.hll);
        // Both sides now hold their text shapes and lengths in the fields.
        self.len_min = self.len_min.min(theirs.len_min);
        self.len_max = self.len_max.max(theirs.len_max);
        self.len_sum += theirs.len_sum;
        for (a, b) in self.shapes.iter_mut().zip(&theirs.shapes) {
            *a += b;
        }
        if let (Some(a), Some(b)) = (&mut self.log_sketch, &theirs.log_sketch) {
            a.merge(b);
        }
        if let (Some(a), Some(b)) = (&mut self.linear_sketch, &theirs.linear_sketch) {
            a.merge(b);
        }
        for (&h, e) in other.values.iter() {
            if let Some(m) = self.values.get_mut(h) {
                m.count += e.count;
            }
        }
    }

    pub fn non_null(&self) -> u64 {
        self.rows - self.nulls
    }

    /// Distinct non-null values, and whether the figure is a HyperLogLog estimate.
    pub fn distinct(&self) -> (u64, bool) {
        if self.overflowed {
            (self.hll.estimate(), true)
        } else {
            (self.values.len() as u64, false)
        }
    }

    /// Sorted (value, count) pairs of a numeric column while counts are exact.
    pub fn exact_numbers(&self) -> Option<Vec<(f64, u64)>> {
        if self.overflowed || !matches!(self.kind, Kind::Integer | Kind::Float | Kind::Temporal) {
            return None;
        }
        let mut v: Vec<(f64, u64)> =
            self.values.values().filter(|e| e.value.is_finite()).map(|e| (e.value, e.count)).collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        Some(v)
    }
}

/// Quantile with linear interpolation between closest ranks (pandas' default) over sorted
/// (value, count) pairs.
pub fn quantile_from_counts(sorted: &[(f64, u64)], q: f64) -> Option<f64> {
    let n: u64 = sorted.iter().map(|p| p.1).sum();
    if n == 0 {
        return None;
    }
    let pos = q * (n - 1) as f64;
    let (lo, frac) = (pos.floor() as u64, pos - pos.floor());
    let at = |rank: u64| {
        let mut seen = 0;
        for &(v, c) in sorted {
            seen += c;
            if seen > rank {
                return v;
            }
        }
        sorted.last().map(|p| p.0).unwrap_or(f64::NAN)
    };
    let a = at(lo);
    if frac == 0.0 {
        return Some(a);
    }
    let b = at((lo + 1).min(n - 1));
    Some(a + (b - a) * frac)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::synth::SplitMix64;
    use std::sync::Arc;

    /// The row hashes the first pass mixes, the second pass of a duplicate estimate mixes
    /// again with `mix_hashes`: the same for every kind of view, nulls included.
    #[test]
    fn mix_hashes_is_the_first_pass_row_hash() {
        use arrow_array::{BooleanArray, Date32Array, Int64Array, StringArray};
        let columns: Vec<(ArrayRef, Kind)> = vec![
            (Arc::new(Int64Array::from(vec![Some(3), None, Some(-7), Some(3)])), Kind::Integer),
            (Arc::new(Float64Array::from(vec![Some(-0.0), Some(f64::NAN), None, Some(0.0)])), Kind::Float),
            (Arc::new(Date32Array::from(vec![Some(19_000), None, Some(1), Some(19_000)])), Kind::Temporal),
            (Arc::new(BooleanArray::from(vec![Some(true), None, Some(false), Some(true)])), Kind::Boolean),
            (Arc::new(StringArray::from(vec![Some("é"), Some(""), None, Some("é")])), Kind::Text),
        ];
        let (mut first_pass, mut again) = (vec![0u64; 4], vec![0u64; 4]);
        for (col, kind) in &columns {
            let view = ColumnView::new(col, *kind);
            ColumnAccumulator::new(*kind).add(&view, 0, 4, &mut first_pass);
            view.mix_hashes(&mut again);
        }
        assert_eq!(first_pass, again);
        assert_eq!(first_pass[0], first_pass[3]);
        assert_ne!(first_pass[0], first_pass[1]);
    }

    fn accumulate(values: &[Option<f64>], first_row: u64) -> ColumnAccumulator {
        let arr: ArrayRef = Arc::new(Float64Array::from(values.to_vec()));
        let mut a = ColumnAccumulator::new(Kind::Float);
        let mut hashes = vec![0; values.len()];
        a.add(&ColumnView::new(&arr, Kind::Float), first_row, 1_000_000, &mut hashes);
        a
    }

    /// NaN and ±infinity are counted (as distinct values and as non-finite) but never enter the
    /// exact numbers, the quantiles or the sketches as if they were zeros.
    #[test]
    fn non_finite_values_stay_out_of_the_numbers() {
        let xs = [Some(1.0), Some(f64::NAN), Some(f64::NAN), Some(3.0), Some(f64::INFINITY), None];
        let a = accumulate(&xs, 0);
        assert_eq!(a.non_finite, 3);
        assert_eq!(a.zeros, 0);
        assert_eq!(a.exact_numbers(), Some(vec![(1.0, 1), (3.0, 1)]));
        assert_eq!(quantile_from_counts(&a.exact_numbers().unwrap(), 0.5), Some(2.0));
        // Past the overflow the sketch is replayed from the counts: still no zeros in it.
        let mut many: Vec<Option<f64>> = (0..30_000).map(|i| Some(100.0 + i as f64)).collect();
        many.extend(std::iter::repeat_n(Some(f64::NAN), 20_000));
        let b = accumulate(&many, 0);
        assert!(b.overflowed);
        let sketch = b.log_sketch.as_ref().unwrap();
        assert!(sketch.quantile(0.0).unwrap() >= 99.0, "{:?}", sketch.quantile(0.0));
    }

    #[test]
    fn moments_merge_like_one_pass() {
        let mut rng = SplitMix64::new(1);
        let xs: Vec<f64> = (0..5000).map(|_| rng.normal().exp() * 10.0).collect();
        let mut all = Moments::default();
        xs.iter().for_each(|&x| all.add(x));
        let (mut a, mut b) = (Moments::default(), Moments::default());
        xs[..1234].iter().for_each(|&x| a.add(x));
        xs[1234..].iter().for_each(|&x| b.add(x));
        a.merge(&b);
        assert_eq!(a.n, all.n);
        assert!((a.mean - all.mean).abs() < 1e-9 * all.mean.abs());
        assert!((a.std().unwrap() - all.std().unwrap()).abs() < 1e-9 * all.std().unwrap());
        assert!((a.skewness().unwrap() - all.skewness().unwrap()).abs() < 1e-8);
    }

    #[test]
    fn accumulators_merge_like_one_pass() {
        let mut rng = SplitMix64::new(2);
        let xs: Vec<Option<f64>> =
            (0..30_000).map(|_| (rng.below(10) > 0).then(|| (rng.below(500) as f64) - 20.0)).collect();
        let whole = accumulate(&xs, 0);
        let mut a = accumulate(&xs[..10_000], 0);
        let b = accumulate(&xs[10_000..], 10_000);
        a.merge(&b);
        assert_eq!((a.rows, a.nulls, a.zeros, a.negatives), (whole.rows, whole.nulls, whole.zeros, whole.negatives));
        assert_eq!(a.distinct(), whole.distinct());
        assert_eq!(a.exact_numbers(), whole.exact_numbers());
        assert_eq!(a.segment_nulls, whole.segment_nulls);
    }

    /// The HyperLogLog only starts at the overflow (from the values counted so far): merged
    /// halves, overflowed or not, must estimate exactly what one pass does.
    #[test]
    fn distinct_estimates_merge_like_one_pass_across_the_overflow() {
        let xs: Vec<Option<f64>> = (0..60_000).map(|i| Some(((i * 7919) % 45_000) as f64)).collect();
        let whole = accumulate(&xs, 0);
        assert!(whole.overflowed);
        for split in [5_000, 30_000, 55_000] {
            let mut a = accumulate(&xs[..split], 0);
            let b = accumulate(&xs[split..], split as u64);
            a.merge(&b);
            assert_eq!(a.distinct(), whole.distinct(), "split at {split}");
        }
    }

    /// Text shapes and lengths, left in the value counts until the overflow, come out as if
    /// added row by row, in one pass or merged.
    #[test]
    fn text_shapes_and_lengths_as_if_counted_row_by_row() {
        fn texts(n: usize, distinct: usize) -> Vec<Option<String>> {
            (0..n)
                .map(|i| {
                    let k = (i * 7919) % distinct;
                    match k % 4 {
                        0 => Some(format!("user{k}@example.com")),
                        1 => Some(format!("2024-01-{:02}", k % 28 + 1)),
                        2 => (!k.is_multiple_of(3)).then(|| format!("{k}")),
                        _ => Some(format!("été {k}")),
                    }
                })
                .collect()
        }
        fn add(values: &[Option<String>], first_row: u64) -> ColumnAccumulator {
            let arr: ArrayRef = Arc::new(StringArray::from(values.to_vec()));
            let mut a = ColumnAccumulator::new(Kind::Text);
            let mut hashes = vec![0; values.len()];
            a.add(&ColumnView::new(&arr, Kind::Text), first_row, 1_000_000, &mut hashes);
            a
        }
        for distinct in [50, 30_000] {
            let values = texts(40_000, distinct);
            let mut shapes = [0u64; SHAPES.len()];
            let (mut lo, mut hi, mut sum) = (u64::MAX, 0, 0);
            for s in values.iter().flatten() {
                shapes[classify(s).index()] += 1;
                let l = s.chars().count() as u64;
                (lo, hi, sum) = (lo.min(l), hi.max(l), sum + l);
            }
            let mut whole = add(&values, 0);
            whole.settle_text_stats();
            assert_eq!(whole.overflowed, distinct > EXACT_DISTINCT_CAP);
            assert_eq!(
                (whole.shapes, whole.len_min, whole.len_max, whole.len_sum),
                (shapes, lo, hi, sum),
                "{distinct}"
            );
            for split in [1_000, 25_000] {
                let mut a = add(&values[..split], 0);
                a.merge(&add(&values[split..], split as u64));
                a.settle_text_stats();
                assert_eq!((a.shapes, a.len_min, a.len_max, a.len_sum), (shapes, lo, hi, sum), "{distinct} {split}");
            }
        }
    }

    #[test]
    fn pandas_quantile_convention() {
        let v = [(1.0, 1), (2.0, 2), (10.0, 1)];
        assert_eq!(quantile_from_counts(&v, 0.5), Some(2.0));
        assert_eq!(quantile_from_counts(&v, 0.25), Some(1.75));
        assert_eq!(quantile_from_counts(&v, 1.0), Some(10.0));
    }
}
