//! The values of a numeric column, sorted, for drift: the same values in the same order as
//! [`numeric_values`] followed by [`sort_f64`], made faster for the common cases. Integer-like
//! columns (integers, dates, timestamps, durations) are sorted as integers: not at all when
//! they already are (a row id), by counting when their range is small (quantities, dates,
//! customer numbers), by radix otherwise; and converted to floats after (the conversion keeps
//! the order).

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int64Type};
use arrow_array::Array;
use arrow_schema::DataType;

use crate::core::dataset::Dataset;
use crate::core::stats::drift::{numeric_values, radix_sort_u64, sort_f64};

/// Non-null, finite values of column `col` of `d` as f64, sorted ascending.
pub fn sorted_values(d: &Dataset, col: usize) -> Vec<f64> {
    use DataType::*;
    let dt = d.schema.field(col).data_type();
    let int_like = matches!(
        dt,
        Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | Date32 | Date64 | Timestamp(..) | Duration(..)
    );
    if int_like {
        if let Some(v) = sorted_ints(d, col) {
            return v;
        }
    }
    let mut v = Vec::with_capacity(d.num_rows() as usize);
    for b in &d.batches {
        v.extend(numeric_values(b.column(col).as_ref()).unwrap_or_default());
    }
    sort_f64(&mut v);
    v
}

/// The non-null values of an integer-like column as i64 (dates as days, timestamps and
/// durations in their unit), sorted, as f64. `None` if a batch cannot be read as integers.
fn sorted_ints(d: &Dataset, col: usize) -> Option<Vec<f64>> {
    let mut v: Vec<i64> = Vec::with_capacity(d.num_rows() as usize);
    for b in &d.batches {
        let a = b.column(col);
        let owned;
        let ints = match a.data_type() {
            DataType::Int64 => a.as_primitive::<Int64Type>(),
            DataType::Date32 => {
                let days = a.as_primitive::<Date32Type>();
                if days.null_count() == 0 {
                    v.extend(days.values().iter().map(|&x| i64::from(x)));
                } else {
                    v.extend(days.iter().flatten().map(i64::from));
                }
                continue;
            }
            _ => {
                owned = arrow_cast::cast(a, &DataType::Int64).ok()?;
                owned.as_primitive::<Int64Type>()
            }
        };
        if ints.null_count() == 0 {
            v.extend_from_slice(ints.values());
        } else {
            v.extend(ints.iter().flatten());
        }
    }
    sort_i64(&mut v);
    Some(v.into_iter().map(|x| x as f64).collect())
}

/// Sorts integers: a check first (already sorted costs one pass), counting for a range up to a
/// few times the count, radix otherwise.
pub fn sort_i64(v: &mut [i64]) {
    if v.windows(2).all(|w| w[0] <= w[1]) {
        return;
    }
    if v.len() < 4096 {
        v.sort_unstable();
        return;
    }
    let (min, max) = v.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    let range = (max as i128 - min as i128) as u128;
    if range < (4 * v.len() as u128).max(1 << 16) {
        let mut counts = vec![0u32; range as usize + 1];
        for &x in v.iter() {
            counts[(x - min) as usize] += 1;
        }
        let mut i = 0;
        for (k, &c) in counts.iter().enumerate() {
            let x = min + k as i64;
            v[i..i + c as usize].fill(x);
            i += c as usize;
        }
        return;
    }
    let mut keys: Vec<u64> = v.iter().map(|&x| (x as u64) ^ (1 << 63)).collect();
    radix_sort_u64(&mut keys);
    for (slot, k) in v.iter_mut().zip(keys) {
        *slot = (k ^ (1 << 63)) as i64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_sorts_agree_with_the_standard_sort() {
        let cases: Vec<Vec<i64>> = vec![
            (0..10_000).collect(),
            (0..10_000).map(|i| (i * 7919) % 5 + 1).collect(),
            (0..10_000).map(|i| (i * 7919) % 10_007 - 5000).collect(),
            (0..10_000_i64).map(|i| (i.wrapping_mul(0x9e37_79b9_7f4a_7c15_u64 as i64) >> 3) ^ i).collect(),
            (0..10_000).map(|i| if i % 2 == 0 { i64::MIN + i } else { i64::MAX - i }).collect(),
        ];
        for mut v in cases {
            let mut want = v.clone();
            want.sort_unstable();
            sort_i64(&mut v);
            assert_eq!(v, want);
        }
    }
}
