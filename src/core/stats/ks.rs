//! Two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp(a, b)` with
//! `method='auto'`: the exact distribution when both samples have at most 10,000 values
//! (Hodges' lattice-path count, computed as 1 − p directly as in Viehmann 2021), otherwise
//! the one-sample Kolmogorov distribution of D_n with n = round(n1·n2 / (n1 + n2)).

use serde::{Deserialize, Serialize};

use super::special::kolmogorov_sf;

/// KS statistic D = sup |F_a − F_b| and its two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ks {
    pub statistic: f64,
    pub p_value: f64,
}

/// Samples larger than this use the asymptotic distribution (scipy's `MAX_AUTO_N`).
const MAX_AUTO_N: usize = 10_000;

/// Two-sided two-sample KS test. NaNs must have been removed by the caller; an empty sample
/// gives D = 0, p = 1 (scipy raises instead).
pub fn ks_2samp(a: &[f64], b: &[f64]) -> Ks {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_unstable_by(f64::total_cmp);
    b.sort_unstable_by(f64::total_cmp);
    ks_2samp_sorted(&a, &b)
}

/// [`ks_2samp`] on samples already sorted ascending.
pub fn ks_2samp_sorted(a: &[f64], b: &[f64]) -> Ks {
    let (n1, n2) = (a.len(), b.len());
    if n1 == 0 || n2 == 0 {
        return Ks { statistic: 0.0, p_value: 1.0 };
    }
    let d = ks_statistic_sorted(a, b);
    let g = gcd(n1 as u64, n2 as u64);
    if n1.max(n2) <= MAX_AUTO_N {
        if let Some((d_exact, p)) = exact_two_sided(n1 as u64, n2 as u64, g, d) {
            return Ks { statistic: d_exact, p_value: p.clamp(0.0, 1.0) };
        }
    }
    let (m, n) = if n1 >= n2 { (n1 as f64, n2 as f64) } else { (n2 as f64, n1 as f64) };
    let en = m * n / (m + n);
    let p = kolmogorov_sf(round_half_even(en) as u64, d);
    Ks { statistic: d, p_value: p.clamp(0.0, 1.0) }
}

/// sup |F_a(x) − F_b(x)| over all sample values, computed exactly as scipy does
/// (i/n1 − j/n2 at each distinct value).
pub fn ks_statistic_sorted(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut max_s = f64::NEG_INFINITY;
    let mut min_s = f64::INFINITY;
    while i < a.len() || j < b.len() {
        let v = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => {
                if x.total_cmp(&y).is_le() {
                    x
                } else {
                    y
                }
            }
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        while i < a.len() && a[i].total_cmp(&v).is_le() {
            i += 1;
        }
        while j < b.len() && b[j].total_cmp(&v).is_le() {
            j += 1;
        }
        let diff = i as f64 / n1 - j as f64 / n2;
        max_s = max_s.max(diff);
        min_s = min_s.min(diff);
    }
    let min_s = (-min_s).clamp(0.0, 1.0);
    min_s.max(max_s)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

/// The exact two-sided p-value; `None` when it cannot be computed reliably (scipy then
/// falls back to the asymptotic distribution). Also returns D rounded to a multiple of 1/lcm.
fn exact_two_sided(n1: u64, n2: u64, g: u64, d: f64) -> Option<(f64, f64)> {
    let lcm = (n1 / g) * n2;
    let h = round_half_even(d * lcm as f64) as u64;
    let d = h as f64 / lcm as f64;
    if h == 0 {
        return Some((d, 1.0));
    }
    let p = if n1 == n2 { prob_outside_square(n1, h) } else { outer_prob_inside_method(n1, n2, g, h) };
    if p.is_finite() && (0.0..=1.0).contains(&p) {
        Some((d, p))
    } else {
        None
    }
}

/// Pr(D_{n,n} >= h/n) by the alternating sum, evaluated Horner-style to avoid cancellation.
fn prob_outside_square(n: u64, h: u64) -> f64 {
    let mut p = 0.0;
    let mut k = (n / h) as i64;
    let (n, h) = (n as i64, h as i64);
    while k >= 0 {
        let mut p1 = 1.0;
        for j in 0..h {
            p1 = (n - k * h - j) as f64 * p1 / (n + k * h + j + 1) as f64;
        }
        p = p1 * (1.0 - p);
        k -= 1;
    }
    2.0 * p
}

/// Proportion of lattice paths from (0,0) to (m,n) that leave |x/m − y/n| < h/lcm(m,n).
fn outer_prob_inside_method(m: u64, n: u64, g: u64, h: u64) -> f64 {
    let (m, n) = if m < n { (n as i64, m as i64) } else { (m as i64, n as i64) };
    let (g, h) = (g as i64, h as i64);
    let mg = m / g;
    let ng = n / g;
    let mut minj: i64 = 0;
    let mut maxj: i64 = ((h as f64 / mg as f64).ceil() as i64).min(n + 1);
    let mut curlen = maxj - minj;
    let len_a = (2 * maxj + 2).min(n + 1).max(1) as usize;
    let mut a = vec![1.0f64; len_a];
    for v in a.iter_mut().take(maxj.max(0) as usize) {
        *v = 0.0;
    }
    for i in 1..=m {
        let (lastminj, lastlen) = (minj, curlen);
        minj = ((((ng * i - h) as f64) / mg as f64).floor() as i64 + 1).max(0);
        minj = minj.min(n);
        maxj = ((((ng * i + h) as f64) / mg as f64).ceil() as i64).min(n + 1);
        if maxj <= minj {
            return 1.0;
        }
        let mut val = if minj == 0 { 0.0 } else { 1.0 };
        for jj in 0..(maxj - minj) {
            let j = jj + minj;
            let prev = a.get((jj + minj - lastminj) as usize).copied().unwrap_or(1.0);
            val = (prev * i as f64 + val * j as f64) / (i + j) as f64;
            if let Some(slot) = a.get_mut(jj as usize) {
                *slot = val;
            }
        }
        curlen = maxj - minj;
        if lastlen > curlen {
            let from = (maxj - minj) as usize;
            let to = ((maxj - minj + (lastlen - curlen)) as usize).min(a.len());
            for v in a.iter_mut().take(to).skip(from) {
                *v = 1.0;
            }
        }
    }
    a.get((maxj - minj - 1) as usize).copied().unwrap_or(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_samples_have_zero_statistic() {
        let a = [1.0, 2.0, 3.0];
        let r = ks_2samp(&a, &a);
        assert_eq!(r.statistic, 0.0);
        assert_eq!(r.p_value, 1.0);
    }

    #[test]
    fn disjoint_samples_have_statistic_one() {
        let r = ks_2samp(&[1.0, 2.0, 3.0], &[10.0, 11.0, 12.0, 13.0]);
        assert_eq!(r.statistic, 1.0);
        // Exact: 2 / C(7, 3) = 2/35.
        assert!((r.p_value - 2.0 / 35.0).abs() < 1e-15, "{}", r.p_value);
    }

    #[test]
    fn equal_sizes_use_the_square_formula() {
        let r = ks_2samp(&[1.0, 2.0], &[3.0, 4.0]);
        // 2 / C(4, 2) = 1/3.
        assert!((r.p_value - 1.0 / 3.0).abs() < 1e-15);
    }
}
