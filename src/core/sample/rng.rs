//! The random generator every sample and split draws from: xoshiro256** (Blackman & Vigna, 2018)
//! seeded through SplitMix64, written out here so that its output is fixed by this file and not by a
//! crate version — the same seed gives the same rows natively, in the browser and in later releases.

/// A seeded xoshiro256** generator.
#[derive(Debug, Clone)]
pub struct SampleRng {
    s: [u64; 4],
}

impl SampleRng {
    /// Seeds the four state words from SplitMix64 (the seeding the algorithm's authors recommend).
    pub fn new(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        SampleRng { s: [next(), next(), next(), next()] }
    }

    /// A separate stream for one part of a step (one stratum, one split), so that parts do not
    /// shift each other's draws.
    pub fn fork(&mut self, salt: u64) -> Self {
        SampleRng::new(self.next_u64() ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform integer in `0..n` without modulo bias (Lemire's multiply-and-reject).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0) has no values");
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = (self.next_u64() as u128) * (n as u128);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// A uniform float in `[0, 1)` from the top 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform float in `(0, 1]`, safe to take the logarithm of.
    pub fn open_unit(&mut self) -> f64 {
        1.0 - self.unit()
    }

    /// Shuffles in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }

    /// `k` distinct indices of `0..n`, ascending (Floyd's algorithm for small k, a partial
    /// shuffle otherwise).
    pub fn choose(&mut self, n: u64, k: u64) -> Vec<u64> {
        let k = k.min(n);
        let mut out: Vec<u64> = if k * 8 < n {
            let mut set = std::collections::HashSet::with_capacity(k as usize);
            let mut picked = Vec::with_capacity(k as usize);
            for j in n - k..n {
                let t = self.below(j + 1);
                let v = if set.insert(t) { t } else { j };
                if v == j {
                    set.insert(j);
                }
                picked.push(v);
            }
            picked
        } else {
            let mut all: Vec<u64> = (0..n).collect();
            for i in 0..k as usize {
                let j = i + self.below(n - i as u64) as usize;
                all.swap(i, j);
            }
            all.truncate(k as usize);
            all
        };
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_fixed_by_the_seed() {
        // Pinned values (computed by an independent Python transcription of SplitMix64 +
        // xoshiro256**): a change here changes every sample ever recorded.
        let mut r = SampleRng::new(42);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(first, [1546998764402558742, 6990951692964543102, 12544586762248559009]);
        let mut again = SampleRng::new(42);
        assert_eq!(first, (0..3).map(|_| again.next_u64()).collect::<Vec<_>>());
        assert_ne!(first, {
            let mut o = SampleRng::new(43);
            (0..3).map(|_| o.next_u64()).collect::<Vec<_>>()
        });
    }

    #[test]
    fn choose_is_distinct_sorted_and_in_range() {
        let mut r = SampleRng::new(7);
        for (n, k) in [(10, 3), (10, 10), (1000, 5), (5, 9), (0, 0)] {
            let c = r.choose(n, k);
            assert_eq!(c.len() as u64, k.min(n));
            assert!(c.windows(2).all(|w| w[0] < w[1]));
            assert!(c.iter().all(|&i| i < n));
        }
    }
}
