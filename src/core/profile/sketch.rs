//! Small mergeable sketches with stated error: a HyperLogLog for distinct counts and two
//! bucketed quantile sketches (log-linear for numbers, linear for dates and times). All are
//! deterministic: the same values in any order and any batching give the same sketch.

/// The SplitMix64 finalizer: spreads every input bit over the output.
#[inline(always)]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A fast 64-bit hash of bytes (8 bytes at a time); not for adversarial input.
#[inline(always)]
pub fn hash_bytes(b: &[u8]) -> u64 {
    let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // The last bytes, little-endian, zero-padded to eight; read as one overlapping word
        // when the text is long enough (no copy of a variable length: it was a memcpy call).
        let tail = if b.len() >= 8 {
            let last = u64::from_le_bytes(b[b.len() - 8..].try_into().expect("8 bytes"));
            last >> (8 * (8 - rest.len()))
        } else {
            // Shorter texts (categories, codes): two overlapping words, or three bytes; the
            // overlapping bytes sit at the same place in both, so or-ing them is exact.
            let n = rest.len();
            if n >= 4 {
                let lo = u64::from(u32::from_le_bytes(rest[..4].try_into().expect("4 bytes")));
                let hi = u64::from(u32::from_le_bytes(rest[n - 4..].try_into().expect("4 bytes")));
                lo | (hi << (8 * (n - 4)))
            } else {
                u64::from(rest[0])
                    | (u64::from(rest[n / 2]) << (8 * (n / 2)))
                    | (u64::from(rest[n - 1]) << (8 * (n - 1)))
            }
        };
        h = (h ^ tail).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
    mix64(h)
}

/// Precision of the HyperLogLog: 2^14 registers, standard error 1.04/√16384 ≈ 0.81%.
const HLL_P: u32 = 14;
const HLL_M: usize = 1 << HLL_P;
/// The relative standard error of `HyperLogLog::estimate`.
pub const HLL_STANDARD_ERROR: f64 = 1.04 / 128.0;

/// HyperLogLog (Flajolet et al. 2007) with linear counting for small cardinalities.
#[derive(Clone)]
pub struct HyperLogLog {
    registers: Vec<u8>,
}

impl Default for HyperLogLog {
    fn default() -> Self {
        HyperLogLog { registers: vec![0; HLL_M] }
    }
}

impl HyperLogLog {
    #[inline(always)]
    pub fn add_hash(&mut self, h: u64) {
        let idx = (h >> (64 - HLL_P)) as usize;
        let rank = ((h << HLL_P) | (1 << (HLL_P - 1))).leading_zeros() as u8 + 1;
        let r = &mut self.registers[idx];
        if rank > *r {
            *r = rank;
        }
    }
    pub fn merge(&mut self, other: &HyperLogLog) {
        for (a, b) in self.registers.iter_mut().zip(&other.registers) {
            *a = (*a).max(*b);
        }
    }
    pub fn estimate(&self) -> u64 {
        let m = HLL_M as f64;
        let mut sum = 0.0;
        let mut zeros = 0usize;
        for &r in &self.registers {
            sum += 1.0 / (1u64 << r) as f64;
            zeros += usize::from(r == 0);
        }
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let raw = alpha * m * m / sum;
        let e = if raw <= 2.5 * m && zeros > 0 { m * (m / zeros as f64).ln() } else { raw };
        e.round() as u64
    }
}

/// Buckets per power of two in the log-linear sketch; a bucket's midpoint is within
/// 1/(2·128) ≈ 0.39% of every value in it.
const LOG_SUB_BUCKETS: u32 = 7;
/// The relative error of a quantile read from `LogLinearSketch`.
pub const LOG_SKETCH_RELATIVE_ERROR: f64 = 1.0 / (2u64 << LOG_SUB_BUCKETS) as f64;

/// A quantile sketch for numbers spanning orders of magnitude, in the spirit of DDSketch and
/// HDR histograms: a value's bucket is its binary exponent and the top 7 bits of its mantissa,
/// read straight from the IEEE-754 bits. Counts are exact per bucket, so merging is addition.
#[derive(Clone, Default)]
pub struct LogLinearSketch {
    positive: DenseCounts,
    negative: DenseCounts,
    zeros: u64,
}

#[derive(Clone, Default)]
struct DenseCounts {
    offset: i32,
    counts: Vec<u64>,
}

impl DenseCounts {
    #[inline(always)]
    fn add(&mut self, index: i32, n: u64) {
        let i = index.wrapping_sub(self.offset) as usize;
        match self.counts.get_mut(i) {
            Some(c) if index >= self.offset => *c += n,
            _ => self.grow_and_add(index, n),
        }
    }
    /// `add` for an index outside the buckets so far.
    #[cold]
    #[inline(never)]
    fn grow_and_add(&mut self, index: i32, n: u64) {
        if self.counts.is_empty() {
            self.offset = index;
            self.counts.push(0);
        }
        if index < self.offset {
            let grow = (self.offset - index) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = index;
        }
        let i = (index - self.offset) as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += n;
    }
    fn merge(&mut self, other: &DenseCounts) {
        for (i, &n) in other.counts.iter().enumerate() {
            if n > 0 {
                self.add(other.offset + i as i32, n);
            }
        }
    }
    fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

#[inline(always)]
fn log_index(x: f64) -> i32 {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let sub = ((bits >> (52 - LOG_SUB_BUCKETS)) & ((1 << LOG_SUB_BUCKETS) - 1)) as i32;
    (exp << LOG_SUB_BUCKETS) + sub
}

fn log_value(index: i32) -> f64 {
    let exp = index >> LOG_SUB_BUCKETS;
    let sub = index & ((1 << LOG_SUB_BUCKETS) - 1);
    let scale = (1u64 << LOG_SUB_BUCKETS) as f64;
    2f64.powi(exp) * (1.0 + (sub as f64 + 0.5) / scale)
}

impl LogLinearSketch {
    /// Adds a finite value (callers skip NaN and infinities).
    #[inline(always)]
    pub fn add(&mut self, x: f64) {
        if x.abs() < 1e-300 {
            self.zeros += 1;
        } else if x > 0.0 {
            self.positive.add(log_index(x), 1);
        } else {
            self.negative.add(log_index(-x), 1);
        }
    }
    pub fn merge(&mut self, other: &LogLinearSketch) {
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zeros += other.zeros;
    }
    pub fn count(&self) -> u64 {
        self.positive.total() + self.negative.total() + self.zeros
    }
    /// The value at quantile `q` (0..=1), lower-rank convention, within the stated relative error.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * (n - 1) as f64).round() as u64;
        let mut seen = 0;
        // Negative values: largest magnitude first.
        for (i, &c) in self.negative.counts.iter().enumerate().rev() {
            seen += c;
            if seen > rank {
                return Some(-log_value(self.negative.offset + i as i32));
            }
        }
        seen += self.zeros;
        if seen > rank {
            return Some(0.0);
        }
        for (i, &c) in self.positive.counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                return Some(log_value(self.positive.offset + i as i32));
            }
        }
        None
    }
}

/// Most buckets the linear sketch keeps before it doubles its bucket width.
const LINEAR_MAX_BUCKETS: i64 = 4096;

/// A quantile sketch for integers on a linear scale (days, microseconds): buckets of width 2^k
/// aligned at multiples of the width; when the range needs more than 4,096 buckets the width
/// doubles. The final width depends only on the range, so order and batching do not matter.
/// A quantile is within one bucket width (≤ range/2,048) of the truth.
#[derive(Clone, Default)]
pub struct LinearSketch {
    shift: u32,
    counts: std::collections::BTreeMap<i64, u64>,
}

impl LinearSketch {
    #[inline]
    pub fn add(&mut self, v: i64) {
        self.add_n(v >> self.shift, 1);
    }
    fn add_n(&mut self, bucket: i64, n: u64) {
        *self.counts.entry(bucket).or_insert(0) += n;
        while self.range() > LINEAR_MAX_BUCKETS {
            self.widen();
        }
    }
    fn range(&self) -> i64 {
        match (self.counts.keys().next(), self.counts.keys().next_back()) {
            (Some(a), Some(b)) => b - a + 1,
            _ => 0,
        }
    }
    fn widen(&mut self) {
        let old = std::mem::take(&mut self.counts);
        self.shift += 1;
        for (b, n) in old {
            *self.counts.entry(b >> 1).or_insert(0) += n;
        }
    }
    pub fn merge(&mut self, other: &LinearSketch) {
        let mut other = other.clone();
        while other.shift < self.shift {
            other.widen();
        }
        while self.shift < other.shift {
            self.widen();
        }
        for (b, n) in other.counts {
            self.add_n(b, n);
        }
    }
    /// Width of a bucket in the sketch's units: the error bound of `quantile`.
    pub fn bucket_width(&self) -> i64 {
        1 << self.shift
    }
    pub fn quantile(&self, q: f64) -> Option<i64> {
        let n: u64 = self.counts.values().sum();
        if n == 0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * (n - 1) as f64).round() as u64;
        let mut seen = 0;
        for (&b, &c) in &self.counts {
            seen += c;
            if seen > rank {
                return Some((b << self.shift) + (self.bucket_width() >> 1));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `hash_bytes` as first written (tail copied into a zeroed word): the fast tail must
    /// give the same hashes, or duplicate examples and distinct estimates would change.
    fn hash_bytes_reference(b: &[u8]) -> u64 {
        let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ b.len() as u64;
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().unwrap());
            h = (h ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut tail = [0u8; 8];
            tail[..rest.len()].copy_from_slice(rest);
            h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
        }
        mix64(h)
    }

    #[test]
    fn hash_bytes_unchanged_for_every_length() {
        let text: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37).wrapping_add(200)).collect();
        for len in 0..=text.len() {
            assert_eq!(hash_bytes(&text[..len]), hash_bytes_reference(&text[..len]), "length {len}");
        }
    }
    use crate::core::synth::SplitMix64;

    #[test]
    fn hll_within_three_standard_errors() {
        for n in [10u64, 1_000, 50_000, 400_000] {
            let mut h = HyperLogLog::default();
            for i in 0..n {
                h.add_hash(mix64(i));
            }
            let e = h.estimate() as f64;
            let err = (e - n as f64).abs() / n as f64;
            assert!(err < 3.0 * HLL_STANDARD_ERROR, "n={n} estimate={e}");
        }
    }

    #[test]
    fn hll_merge_equals_union() {
        let (mut a, mut b, mut all) = (HyperLogLog::default(), HyperLogLog::default(), HyperLogLog::default());
        for i in 0..30_000u64 {
            let h = mix64(i);
            if i % 3 == 0 { &mut a } else { &mut b }.add_hash(h);
            all.add_hash(h);
        }
        a.merge(&b);
        assert_eq!(a.estimate(), all.estimate());
    }

    #[test]
    fn log_sketch_quantiles_within_stated_error() {
        let mut rng = SplitMix64::new(3);
        let mut values: Vec<f64> = (0..200_000).map(|_| (rng.normal() * 1.5).exp() * 40.0 - 5.0).collect();
        let mut s = LogLinearSketch::default();
        for &v in &values {
            s.add(v);
        }
        values.sort_by(f64::total_cmp);
        for q in [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] {
            let truth = values[(q * (values.len() - 1) as f64).round() as usize];
            let got = s.quantile(q).unwrap();
            assert!((got - truth).abs() <= truth.abs() * LOG_SKETCH_RELATIVE_ERROR + 1e-12, "q={q} {got} vs {truth}");
        }
    }

    #[test]
    fn sketches_merge_in_any_order() {
        let mut rng = SplitMix64::new(9);
        let values: Vec<i64> = (0..50_000).map(|_| rng.below(1_000_000_000) as i64 - 3_000).collect();
        let (mut a, mut b, mut all) = (LinearSketch::default(), LinearSketch::default(), LinearSketch::default());
        let (mut la, mut lb, mut lall) =
            (LogLinearSketch::default(), LogLinearSketch::default(), LogLinearSketch::default());
        for (i, &v) in values.iter().enumerate() {
            if i % 2 == 0 { &mut a } else { &mut b }.add(v);
            if i % 2 == 0 { &mut la } else { &mut lb }.add(v as f64);
            all.add(v);
            lall.add(v as f64);
        }
        b.merge(&a);
        lb.merge(&la);
        let mut sorted = values.clone();
        sorted.sort();
        for q in [0.0, 0.1, 0.5, 0.9, 1.0] {
            assert_eq!(b.quantile(q), all.quantile(q));
            assert_eq!(lb.quantile(q), lall.quantile(q));
            let truth = sorted[(q * (sorted.len() - 1) as f64).round() as usize];
            assert!((b.quantile(q).unwrap() - truth).abs() <= b.bucket_width());
        }
    }
}
