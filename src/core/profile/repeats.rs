//! Repeated rows and repeated values: counted exactly by sorting 64-bit hashes while a table is
//! small enough, and estimated with bounded memory beyond that.
//!
//! The estimate combines two summaries built in the same pass:
//! - a hash sample: every hash whose lowest `level` bits are zero, with how often it occurred.
//!   All copies of a row have the same hash, so a repeated row is kept with all its copies or
//!   not at all, and the repeats among the kept hashes, multiplied by 2^level, are an unbiased
//!   estimate of the repeats. When the kept hashes reach the cap, `level` goes up by one and
//!   about half of them are dropped.
//! - a Misra–Gries summary of `HEAVY_SLOTS` counters over the hashes of one entry in
//!   `FREQUENT_EVERY` (chosen by a hash of the entry's index, so one lookup a row is not paid
//!   for every row), which holds every value with more than about n/(`HEAVY_SLOTS` + 1) copies. Left to the sample, one such value (a blank
//!   row repeated a million times, say) would be all or nothing of the estimate; instead the
//!   values it flags are counted exactly (by a second pass when the sample dropped them) and
//!   only the rest is scaled up. The flagged set depends on the hashes' values, not on their
//!   lowest bits, so the estimate stays unbiased.

use serde::{Deserialize, Serialize};

use super::accum::PrehashedMap;

/// Tables of up to this many rows have their repeats counted exactly (16 bytes a row at the
/// peak: the hashes and a sorted copy, 32 MB at this size); larger ones are sampled.
pub const EXACT_REPEAT_ROWS: u64 = 1 << 21;

/// The most distinct hashes a sample keeps: 7/8 of 2^19, so that its table (33 bytes a slot)
/// never grows past 2^19 slots, 17 MB.
pub const SAMPLE_CAP: usize = 7 << 16;

/// Counters of the Misra–Gries summary of frequent hashes.
pub const HEAVY_SLOTS: usize = 1024;

/// The summary sees one entry in this many (a power of two).
pub const FREQUENT_EVERY: u64 = 16;

/// The limits above, as values (tests use small ones).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RepeatLimits {
    pub exact_rows: u64,
    pub sample_cap: usize,
}

impl Default for RepeatLimits {
    fn default() -> Self {
        RepeatLimits { exact_rows: EXACT_REPEAT_ROWS, sample_cap: SAMPLE_CAP }
    }
}

/// How a repeat count was estimated. Absent where the count is exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The share of hash values the sample kept: 2^-level.
    pub sampled_fraction: f64,
    /// Repeats counted exactly, of values with many copies.
    pub exact_part: u64,
    /// The estimate's standard error, estimated from the sample.
    pub standard_error: f64,
}

impl Estimate {
    /// N of the "1-in-N" sample.
    pub fn one_in(&self) -> u64 {
        (1.0 / self.sampled_fraction).round() as u64
    }

    pub fn describe(&self) -> String {
        format!(
            "estimated from a 1-in-{} sample of hash values, standard error ±{}",
            crate::core::thousands(self.one_in()),
            crate::core::thousands(self.standard_error.round() as u64)
        )
    }
}

/// Repeats found: entries equal to an earlier one (estimated when `estimate` is set), and
/// examples as (index, index of the first occurrence).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Repeats {
    pub count: u64,
    pub examples: Vec<(u64, u64)>,
    pub estimate: Option<Estimate>,
}

/// One hash's occurrences: where it first and second occurred, and how often.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Group {
    first: u64,
    second: u64,
    count: u64,
}

impl Group {
    fn new(index: u64) -> Self {
        Group { first: index, second: u64::MAX, count: 1 }
    }

    #[inline]
    fn add(&mut self, index: u64) {
        self.count += 1;
        if self.count == 2 {
            self.second = index;
        }
    }
}

/// Frequent hashes (Misra–Gries): every hash with more than n/(slots + 1) of n entries is held
/// at the end, with a count at most that much below its true one.
struct Frequent {
    slots: usize,
    counts: PrehashedMap<u64>,
}

impl Frequent {
    #[inline]
    fn add(&mut self, h: u64) {
        if let Some(c) = self.counts.get_mut(&h) {
            *c += 1;
        } else if self.counts.len() < self.slots {
            self.counts.insert(h, 1);
        } else {
            self.counts.retain(|_, c| {
                *c -= 1;
                *c > 0
            });
        }
    }
}

/// Repeats among entries given one at a time, with memory bounded by `cap` (see the module's
/// header).
pub(crate) struct HashSample {
    level: u32,
    mask: u64,
    cap: usize,
    groups: PrehashedMap<Group>,
    frequent: Frequent,
    /// Entries the summary saw.
    seen: u64,
    /// The most groups held at once (what the memory bound is about).
    most_held: usize,
}

impl HashSample {
    pub fn new(cap: usize) -> Self {
        HashSample {
            level: 0,
            mask: 0,
            cap: cap.max(2),
            // Sized once: the table never grows, as it is thinned before it would.
            groups: PrehashedMap::with_capacity_and_hasher(cap.max(2), Default::default()),
            frequent: Frequent { slots: HEAVY_SLOTS, counts: PrehashedMap::default() },
            seen: 0,
            most_held: 0,
        }
    }

    /// Entry `index` with hash `h`.
    #[inline]
    pub fn add(&mut self, index: u64, h: u64) {
        if super::sketch::mix64(index) & (FREQUENT_EVERY - 1) == 0 {
            self.seen += 1;
            self.frequent.add(h);
        }
        if h & self.mask != 0 {
            return;
        }
        if let Some(g) = self.groups.get_mut(&h) {
            g.add(index);
            return;
        }
        // Thinned before the table would grow past the cap.
        if self.groups.len() >= self.cap {
            self.thin();
            if h & self.mask != 0 {
                return;
            }
        }
        self.groups.insert(h, Group::new(index));
        self.most_held = self.most_held.max(self.groups.len());
    }

    /// Raises the level until the kept hashes are fewer than the cap.
    fn thin(&mut self) {
        while self.groups.len() >= self.cap && self.level < 63 {
            self.level += 1;
            self.mask = (1u64 << self.level) - 1;
            let mask = self.mask;
            self.groups.retain(|h, _| h & mask == 0);
        }
    }

    #[cfg(test)]
    pub fn most_held(&self) -> usize {
        self.most_held
    }

    /// The frequent hashes, counted exactly rather than sampled: those the summary still holds
    /// with a count of at least max(2, seen / 65,536) (a value with many copies, not one that
    /// happened to be held at the end). Empty while nothing was dropped: then every count is
    /// exact anyway.
    fn frequent(&self) -> Vec<u64> {
        if self.level == 0 {
            return Vec::new();
        }
        let least = (self.seen >> 16).max(2);
        let mut f: Vec<u64> = self.frequent.counts.iter().filter(|(_, &c)| c >= least).map(|(&h, _)| h).collect();
        f.sort_unstable();
        f
    }

    /// The frequent hashes that the sample dropped: what a second pass must count (with
    /// [`count_groups`]) before [`HashSample::finish`].
    pub fn to_count(&self) -> Vec<u64> {
        self.frequent().into_iter().filter(|h| h & self.mask != 0).collect()
    }

    /// The count (estimated once hashes were dropped) and up to `max_examples` examples: the
    /// first repeat of each of the repeated hashes with the smallest values, in index order.
    /// `counted` holds the groups of [`HashSample::to_count`].
    pub fn finish(self, counted: &PrehashedMap<Group>, max_examples: usize) -> Repeats {
        let frequent = self.frequent();
        let scale = 1u64 << self.level;
        let (mut sampled, mut squares, mut exact) = (0u64, 0u128, 0u64);
        let mut repeated: Vec<(u64, Group)> = Vec::new();
        for (&h, g) in self.groups.iter().chain(counted.iter()) {
            if g.count < 2 {
                continue;
            }
            if frequent.binary_search(&h).is_ok() {
                exact += g.count - 1;
            } else {
                sampled += g.count - 1;
                squares += u128::from(g.count - 1).pow(2);
            }
            repeated.push((h, *g));
        }
        repeated.sort_unstable_by_key(|&(h, _)| h);
        let mut examples: Vec<(u64, u64)> =
            repeated.iter().take(max_examples).map(|(_, g)| (g.second, g.first)).collect();
        examples.sort_unstable();
        // Each other group of copies is kept with chance p = 1/scale; the variance of the
        // scaled sum is (scale - 1) times the sum over those groups of (copies - 1)^2, which the
        // kept ones estimate as scale times their own sum.
        let estimate = (self.level > 0).then(|| Estimate {
            sampled_fraction: 1.0 / scale as f64,
            exact_part: exact,
            standard_error: ((scale - 1) as f64 * scale as f64 * squares as f64).sqrt(),
        });
        Repeats { count: exact + sampled * scale, examples, estimate }
    }
}

/// The groups of the hashes `wanted` (sorted) among the entries `scan` hands over as
/// (index, hash): the second pass of an estimate.
pub(crate) fn count_groups(wanted: &[u64], scan: impl FnOnce(&mut dyn FnMut(u64, u64))) -> PrehashedMap<Group> {
    let mut groups: PrehashedMap<Group> = PrehashedMap::default();
    if wanted.is_empty() {
        return groups;
    }
    scan(&mut |index, h| {
        if wanted.binary_search(&h).is_ok() {
            groups.entry(h).and_modify(|g| g.add(index)).or_insert_with(|| Group::new(index));
        }
    });
    groups
}

/// The first pass's row hashes: all of them for an exact count, or one piece at a time passed
/// on to a sample.
pub(crate) enum RowHashes {
    Exact(Vec<u64>),
    Sampled { piece: Vec<u64>, sample: HashSample },
}

impl RowHashes {
    pub fn new(rows: u64, limits: RepeatLimits) -> Self {
        if rows <= limits.exact_rows {
            RowHashes::Exact(vec![0; rows as usize])
        } else {
            RowHashes::Sampled { piece: Vec::new(), sample: HashSample::new(limits.sample_cap) }
        }
    }

    /// The hashes of rows `start..start + len`, zero, for the columns to mix into.
    pub fn piece(&mut self, start: usize, len: usize) -> &mut [u64] {
        match self {
            RowHashes::Exact(all) => &mut all[start..start + len],
            RowHashes::Sampled { piece, .. } => {
                piece.clear();
                piece.resize(len, 0);
                piece
            }
        }
    }

    /// Once every column has mixed into the piece that starts at row `start`.
    pub fn piece_done(&mut self, start: u64) {
        if let RowHashes::Sampled { piece, sample } = self {
            for (i, &h) in piece.iter().enumerate() {
                sample.add(start + i as u64, h);
            }
        }
    }

    /// Rows that repeat an earlier row exactly: how many, and (row, first row) examples. An
    /// estimate's second pass reads the row hashes again from `table`.
    pub fn finish(self, table: &super::Table) -> Repeats {
        match self {
            RowHashes::Exact(all) => {
                let (count, examples) = duplicate_rows(&all);
                Repeats { count, examples, estimate: None }
            }
            RowHashes::Sampled { sample, .. } => {
                let counted = count_groups(&sample.to_count(), |f| table.scan_row_hashes(f));
                sample.finish(&counted, 10)
            }
        }
    }
}

/// Rows that repeat an earlier row exactly: how many, and (row, first row) examples.
fn duplicate_rows(row_hashes: &[u64]) -> (u64, Vec<(u64, u64)>) {
    // `repeats` with every row kept, in short runs of out-of-line calls (see `RowTally::add`).
    const BITS: u32 = 16;
    const RUN: usize = 1 << 16;
    let mut starts = vec![0usize; (1 << BITS) + 1];
    for run in row_hashes.chunks(RUN) {
        count_buckets(run, &mut starts);
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut sorted = vec![0u64; row_hashes.len()];
    let mut next = starts.clone();
    for run in row_hashes.chunks(RUN) {
        scatter_buckets(run, &mut next, &mut sorted);
    }
    for w in starts.windows(2) {
        sorted[w[0]..w[1]].sort_unstable();
    }
    let mut repeated = Vec::new();
    let mut count = 0u64;
    // Overlapping runs, so that every neighbouring pair is compared once.
    let mut from = 0;
    while from + 1 < sorted.len() {
        let to = (from + RUN).min(sorted.len() - 1);
        count += count_repeats(&sorted[from..=to], &mut repeated, 10);
        from = to;
    }
    let examples =
        if count > 0 { repeat_examples(row_hashes.iter().map(|&h| Some(h)), &repeated, 10) } else { Vec::new() };
    (count, examples)
}

#[inline(never)]
fn count_buckets(hashes: &[u64], starts: &mut [usize]) {
    for &h in hashes {
        starts[(h >> 48) as usize + 1] += 1;
    }
}

#[inline(never)]
fn scatter_buckets(hashes: &[u64], next: &mut [usize], out: &mut [u64]) {
    for &h in hashes {
        let b = (h >> 48) as usize;
        out[next[b]] = h;
        next[b] += 1;
    }
}

/// Neighbours of sorted `hashes` that are equal: their number; the first `max` distinct
/// repeated hashes go to `repeated`.
#[inline(never)]
fn count_repeats(sorted: &[u64], repeated: &mut Vec<u64>, max: usize) -> u64 {
    let mut count = 0;
    for w in sorted.windows(2) {
        if w[0] == w[1] {
            count += 1;
            if repeated.last() != Some(&w[0]) && repeated.len() < max {
                repeated.push(w[0]);
            }
        }
    }
    count
}

/// Entries of `hashes` (for which `keep` holds) equal to an earlier one: their number, and up
/// to `max_examples` (index, index of the first occurrence). Sorting finds the count without a
/// hash table the size of the column; only repeated hashes are then located.
pub(crate) fn repeats(hashes: &[u64], keep: impl Fn(usize) -> bool, max_examples: usize) -> (u64, Vec<(u64, u64)>) {
    let sorted = sort_hashes(hashes.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, &h)| h));
    let mut repeated = Vec::new();
    let mut count = 0u64;
    for w in sorted.windows(2) {
        if w[0] == w[1] {
            count += 1;
            if repeated.last() != Some(&w[0]) && repeated.len() < max_examples {
                repeated.push(w[0]);
            }
        }
    }
    let examples = if count > 0 {
        repeat_examples(hashes.iter().enumerate().map(|(i, &h)| keep(i).then_some(h)), &repeated, max_examples)
    } else {
        Vec::new()
    };
    (count, examples)
}

/// Up to `max_examples` (index, index of the first occurrence) of entries whose hash is in
/// `repeated` (sorted) and occurred before; `None` entries are skipped.
pub(crate) fn repeat_examples(
    hashes: impl Iterator<Item = Option<u64>>,
    repeated: &[u64],
    max_examples: usize,
) -> Vec<(u64, u64)> {
    let mut examples = Vec::new();
    let mut first: PrehashedMap<u64> = PrehashedMap::default();
    for (i, h) in hashes.enumerate() {
        if examples.len() >= max_examples {
            break;
        }
        let Some(h) = h else { continue };
        if repeated.binary_search(&h).is_err() {
            continue;
        }
        match first.get(&h) {
            Some(&f) => examples.push((i as u64, f)),
            None => {
                first.insert(h, i as u64);
            }
        }
    }
    examples
}

/// Sorts 64-bit hashes: one counting pass and one scatter by the top 16 bits, then each small
/// bucket on its own (hashes are spread evenly, so buckets hold a handful each). About three
/// times faster than a comparison sort of a million hashes, natively and in wasm.
fn sort_hashes(hashes: impl Iterator<Item = u64> + Clone) -> Vec<u64> {
    const BITS: u32 = 16;
    let mut starts = vec![0usize; (1 << BITS) + 1];
    for h in hashes.clone() {
        starts[(h >> (64 - BITS)) as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut out = vec![0u64; starts[1 << BITS]];
    let mut next = starts.clone();
    for h in hashes {
        let b = (h >> (64 - BITS)) as usize;
        out[next[b]] = h;
        next[b] += 1;
    }
    for w in starts.windows(2) {
        out[w[0]..w[1]].sort_unstable();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::profile::sketch::mix64;
    use crate::core::synth::SplitMix64;

    /// Entries whose values repeat: `distinct` values, one in `every` of them given 1 to 3 more
    /// copies, in a shuffled order; then `blank` copies of one more value at the end.
    fn values(distinct: u64, every: u64, blank: u64, seed: u64) -> Vec<u64> {
        let mut rng = SplitMix64::new(seed);
        let mut v: Vec<u64> = (0..distinct).collect();
        for x in 0..distinct {
            if x % every == 0 {
                v.extend(std::iter::repeat_n(x, 1 + rng.below(3) as usize));
            }
        }
        for i in (1..v.len()).rev() {
            v.swap(i, rng.below(i as u64 + 1) as usize);
        }
        v.extend(std::iter::repeat_n(u64::MAX, blank as usize));
        v
    }

    /// Repeats of `values` hashed with `salt`, through a sample of `cap` and its second pass.
    /// Also returns the most hashes held at once and how many the second pass counted.
    fn estimate(values: &[u64], salt: u64, cap: usize) -> (Repeats, usize, usize) {
        let hashes: Vec<u64> = values.iter().map(|&x| mix64(x ^ salt)).collect();
        let scan = |f: &mut dyn FnMut(u64, u64)| hashes.iter().enumerate().for_each(|(i, &h)| f(i as u64, h));
        let mut sample = HashSample::new(cap);
        scan(&mut |i, h| sample.add(i, h));
        let to_count = sample.to_count();
        let counted = count_groups(&to_count, scan);
        let held = sample.most_held();
        (sample.finish(&counted, 10), held, to_count.len())
    }

    fn check_examples(values: &[u64], r: &Repeats) {
        assert!(!r.examples.is_empty());
        for &(row, first) in &r.examples {
            assert!(first < row, "{first} {row}");
            assert_eq!(values[row as usize], values[first as usize]);
        }
    }

    #[test]
    fn below_its_cap_a_sample_is_exact() {
        let v = values(20_000, 7, 0, 1);
        let hashes: Vec<u64> = v.iter().map(|&x| mix64(x)).collect();
        let (exact, _) = repeats(&hashes, |_| true, 10);
        let (r, held, _) = estimate(&v, 0, 1 << 20);
        assert_eq!(r.count, exact);
        assert!(r.estimate.is_none());
        assert_eq!(held, 20_000);
        check_examples(&v, &r);
    }

    /// Over 64 hash functions: the estimates average to the true count and fall within two of
    /// their own standard errors about as often as a normal estimate would; the sample never
    /// holds more than its cap.
    #[test]
    fn a_sampled_count_is_unbiased_and_within_its_standard_error() {
        let v = values(60_000, 5, 0, 2);
        let truth = (v.len() - 60_000) as f64;
        let (mut sum, mut within) = (0.0, 0);
        for salt in 0..64u64 {
            let (r, held, _) = estimate(&v, salt.wrapping_mul(0x9E37_79B9_7F4A_7C15), 2_000);
            assert!(held <= 2_000, "{held}");
            let e = r.estimate.clone().expect("sampled");
            assert!(e.sampled_fraction <= 1.0 / 32.0, "{}", e.sampled_fraction);
            assert!(e.standard_error > 0.0);
            sum += r.count as f64;
            within += usize::from((r.count as f64 - truth).abs() <= 2.0 * e.standard_error);
            check_examples(&v, &r);
        }
        let mean = sum / 64.0;
        assert!((mean - truth).abs() < 0.03 * truth, "mean {mean} against {truth}");
        assert!(within >= 54, "{within} of 64 within two standard errors");
    }

    /// A value with many copies (blank rows at the end of a file) is counted exactly, whether
    /// or not the sample kept it; only the light repeats are estimated.
    #[test]
    fn a_value_with_many_copies_is_counted_exactly() {
        let v = values(40_000, 9, 30_000, 3);
        let light = (v.len() - 40_000 - 30_000) as f64;
        let mut dropped = 0;
        for salt in 0..16u64 {
            let salt = salt.wrapping_mul(0xD1B5_4A32_D192_ED03);
            let (r, _, second_pass) = estimate(&v, salt, 1_000);
            let e = r.estimate.clone().expect("sampled");
            // The blank value's repeats, and those of a few light values the summary held.
            assert!((29_999..29_999 + 100).contains(&e.exact_part), "{}", e.exact_part);
            let truth = light + 29_999.0;
            let off = (r.count as f64 - truth).abs();
            assert!(off <= 4.0 * e.standard_error, "{} against {truth} ± {}", r.count, e.standard_error);
            dropped += usize::from(second_pass > 0);
        }
        assert!(dropped >= 8, "the blank value was dropped by the sample in only {dropped} of 16 runs");
    }

    /// One value in every entry: nothing is ever dropped, so the count is exact.
    #[test]
    fn one_value_everywhere_is_exact() {
        let v = vec![5u64; 100_000];
        let (r, held, _) = estimate(&v, 0, 10);
        assert_eq!((r.count, held), (99_999, 1));
        assert!(r.estimate.is_none());
        assert_eq!(r.examples, vec![(1, 0)]);
    }
}

#[cfg(test)]
mod profile_tests {
    use super::*;
    use crate::core::profile::{profile, profile_with, AlertKind, ProfileOptions};
    use crate::core::synth::SplitMix64;
    use crate::core::Dataset;
    use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;

    /// 40,000 orders: one row in 25 copied once more, one order id in 60 reused by another
    /// order, then 3,000 blank rows.
    fn orders() -> Dataset {
        let mut rng = SplitMix64::new(4);
        let (mut ids, mut cities, mut amounts) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..40_000u64 {
            let id = if i % 60 == 59 { i - 1 - rng.below(50) } else { i };
            let row = (
                Some(format!("ORD-{id:06}")),
                Some(["Lyon", "Nice", "Pau"][rng.below(3) as usize]),
                Some(rng.below(10_000) as f64 / 100.0),
            );
            let copies = if i % 25 == 0 { 2 } else { 1 };
            for _ in 0..copies {
                ids.push(row.0.clone());
                cities.push(row.1);
                amounts.push(row.2);
            }
        }
        for _ in 0..3_000 {
            ids.push(None);
            cities.push(None);
            amounts.push(None);
        }
        let schema = Arc::new(Schema::new(vec![
            Field::new("order_id", DataType::Utf8, true),
            Field::new("city", DataType::Utf8, true),
            Field::new("amount", DataType::Float64, true),
        ]));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(ids)),
            Arc::new(StringArray::from(cities)),
            Arc::new(Float64Array::from(amounts)),
        ];
        let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
        let batches =
            (0..batch.num_rows()).step_by(5_000).map(|s| batch.slice(s, 5_000.min(batch.num_rows() - s))).collect();
        Dataset::new("orders", schema, batches)
    }

    /// Past its row limit the profile estimates duplicate rows and repeated ids, close to the
    /// exact figures, with the blank rows counted exactly, and says so in the report.
    #[test]
    fn a_large_table_gets_estimates_that_say_so() {
        let data = orders();
        let options = ProfileOptions::default();
        let exact = profile(&data, &options).unwrap();
        assert!(exact.duplicate_rows_estimate.is_none());
        assert_eq!(exact.duplicate_rows, 1_600 + 2_999);
        let limits = RepeatLimits { exact_rows: 10_000, sample_cap: 1_500 };
        let sampled = profile_with(&data, &options, limits).unwrap();
        let e = sampled.duplicate_rows_estimate.clone().expect("estimated");
        assert!((2_999..2_999 + 100).contains(&e.exact_part), "the blank rows, and a few more: {}", e.exact_part);
        let off = (sampled.duplicate_rows as f64 - exact.duplicate_rows as f64).abs();
        assert!(
            off <= 4.0 * e.standard_error,
            "{} against {} ± {}",
            sampled.duplicate_rows,
            exact.duplicate_rows,
            e.standard_error
        );
        let alert = |p: &crate::core::profile::Profile, kind: AlertKind| {
            p.alerts.iter().find(|a| a.kind == kind).cloned().expect("an alert")
        };
        let rows = alert(&sampled, AlertKind::DuplicateRows);
        assert!(rows.detail.starts_with("About ") && rows.detail.contains("estimated from a 1-in-"), "{}", rows.detail);
        assert!(!rows.rows.is_empty());
        assert!(!alert(&exact, AlertKind::DuplicateRows).detail.contains("estimated"));
        let ids = alert(&sampled, AlertKind::DuplicateIds);
        assert!(ids.detail.contains("but about ") && ids.detail.contains("estimated"), "{}", ids.detail);
        assert!(sampled.method_notes.iter().any(|n| n.contains("counted on a sample")));
        assert!(!exact.method_notes.iter().any(|n| n.contains("counted on a sample")));
        // Everything else is the same.
        assert_eq!(sampled.columns, exact.columns);
        let json = serde_json::to_string(&exact).unwrap();
        assert!(!json.contains("duplicate_rows_estimate"));
    }
}
