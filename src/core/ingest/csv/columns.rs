//! The typed columns a CSV load appends to, one value or null at a time.
//!
//! Arrow's builders do the same, but at the release profile's opt-level "s" each of their
//! appends stays an out-of-line call (and each string a `memcpy` call): a third of the load's
//! time went to appending. These keep plain vectors, append inline, and become arrays equal to
//! what the builders gave (no validity buffer without a null; a null's value slot zero).

use arrow_array::types::ArrowPrimitiveType;
use arrow_array::{BooleanArray, PrimitiveArray, StringArray};
use arrow_buffer::{ArrowNativeType, BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};

use super::AppendOption;

/// Which slots are valid, and how many are not.
struct Validity {
    valid: Vec<bool>,
    nulls: usize,
}

impl Validity {
    fn with_capacity(capacity: usize) -> Self {
        Validity { valid: Vec::with_capacity(capacity), nulls: 0 }
    }

    #[inline(always)]
    fn push(&mut self, valid: bool) {
        self.valid.push(valid);
        self.nulls += !valid as usize;
    }

    /// The null buffer (none without a null, as Arrow's builders give), leaving this empty.
    fn take(&mut self) -> Option<NullBuffer> {
        let nulls = (self.nulls > 0).then(|| NullBuffer::from(&self.valid[..]));
        self.valid.clear();
        self.nulls = 0;
        nulls
    }
}

/// A column of fixed-width values (numbers, dates, booleans).
pub(super) struct Values<T> {
    values: Vec<T>,
    validity: Validity,
}

impl<T: Copy + Default> Values<T> {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Values { values: Vec::with_capacity(capacity), validity: Validity::with_capacity(capacity) }
    }

    #[inline(always)]
    pub(super) fn append_value(&mut self, v: T) {
        self.append_option(Some(v));
    }

    #[inline(always)]
    pub(super) fn append_null(&mut self) {
        self.append_option(None);
    }

    /// The values and their nulls, leaving the column empty (with the same capacity).
    fn take(&mut self) -> (Vec<T>, Option<NullBuffer>) {
        let capacity = self.values.capacity();
        (std::mem::replace(&mut self.values, Vec::with_capacity(capacity)), self.validity.take())
    }

    /// The values as an Arrow array of type `P`, leaving the column empty.
    pub(super) fn finish<P: ArrowPrimitiveType<Native = T>>(&mut self) -> PrimitiveArray<P>
    where
        T: ArrowNativeType,
    {
        let (values, nulls) = self.take();
        PrimitiveArray::new(ScalarBuffer::from(values), nulls)
    }
}

impl Values<bool> {
    /// The values as an Arrow boolean array, leaving the column empty.
    pub(super) fn finish_bool(&mut self) -> BooleanArray {
        let (values, nulls) = self.take();
        BooleanArray::new(BooleanBuffer::from(values), nulls)
    }
}

impl<T: Copy + Default> AppendOption<T> for Values<T> {
    #[inline(always)]
    fn append_option(&mut self, v: Option<T>) {
        self.values.push(v.unwrap_or_default());
        self.validity.push(v.is_some());
    }
}

/// A column of text: the bytes of all values back to back, and where each ends.
pub(super) struct Text {
    offsets: Vec<i32>,
    bytes: Vec<u8>,
    validity: Validity,
}

impl Text {
    pub(super) fn with_capacity(capacity: usize, bytes: usize) -> Self {
        let mut offsets = Vec::with_capacity(capacity + 1);
        offsets.push(0);
        Text { offsets, bytes: Vec::with_capacity(bytes), validity: Validity::with_capacity(capacity) }
    }

    #[inline(always)]
    pub(super) fn append_value(&mut self, v: &str) {
        self.append_option(Some(v));
    }

    #[inline(always)]
    pub(super) fn append_null(&mut self) {
        self.append_option(None);
    }

    /// The values as an Arrow string array, leaving the column empty (with the same capacity).
    pub(super) fn finish(&mut self) -> StringArray {
        let (capacity, bytes) = (self.offsets.capacity() - 1, self.bytes.capacity());
        let Text { offsets, bytes, validity } = std::mem::replace(self, Text::with_capacity(capacity, bytes));
        let mut validity = validity;
        // SAFETY: the offsets start at 0 and never decrease (`append_option`), and the bytes are
        // whole `&str` values back to back, so every value is valid UTF-8. (`OffsetBuffer::new`
        // would check every offset again: 1% of a load.)
        unsafe {
            let offsets = OffsetBuffer::new_unchecked(ScalarBuffer::from(offsets));
            StringArray::new_unchecked(offsets, Buffer::from_vec(bytes), validity.take())
        }
    }
}

impl<'v> AppendOption<&'v str> for Text {
    #[inline(always)]
    fn append_option(&mut self, v: Option<&'v str>) {
        if let Some(v) = v {
            self.bytes.extend_from_slice(v.as_bytes());
        }
        // As Arrow's builders: a column past 2 GiB of text is a bug of the batch size.
        self.offsets.push(i32::try_from(self.bytes.len()).expect("byte array offset overflow"));
        self.validity.push(v.is_some());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::builder::{BooleanBuilder, Int64Builder, StringBuilder};
    use arrow_array::Array;

    /// Each column gives the same array as Arrow's builder, with and without nulls, and again
    /// after a finish.
    #[test]
    fn columns_equal_arrow_builders() {
        let cases: [&[Option<i64>]; 4] = [&[], &[Some(1), Some(-2)], &[None, Some(3), None], &[None]];
        let (mut ints, mut bools, mut texts) =
            (Values::<i64>::with_capacity(2), Values::<bool>::with_capacity(2), Text::with_capacity(2, 4));
        for case in cases {
            let (mut ib, mut bb, mut sb) = (Int64Builder::new(), BooleanBuilder::new(), StringBuilder::new());
            for &v in case {
                let text = v.map(|x| "é".repeat(x.unsigned_abs() as usize));
                ints.append_option(v);
                ib.append_option(v);
                bools.append_option(v.map(|x| x > 1));
                bb.append_option(v.map(|x| x > 1));
                texts.append_option(text.as_deref());
                sb.append_option(text.as_deref());
            }
            let (a, b) = (ints.finish::<arrow_array::types::Int64Type>(), ib.finish());
            assert_eq!(a, b);
            assert_eq!(a.nulls().is_some(), b.nulls().is_some());
            assert_eq!(a.values(), b.values(), "a null's slot is zero");
            let (a, b) = (bools.finish_bool(), bb.finish());
            assert_eq!((&a, a.nulls().is_some()), (&b, b.nulls().is_some()));
            let (a, b) = (texts.finish(), sb.finish());
            assert_eq!((&a, a.nulls().is_some()), (&b, b.nulls().is_some()));
            assert_eq!(a.value_offsets(), b.value_offsets());
        }
    }
}
