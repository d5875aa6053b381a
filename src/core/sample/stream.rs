//! Reservoir sampling while a file is parsed: the load keeps only a uniform sample of `size`
//! rows, so a file far larger than memory can be sampled without ever holding its table.

use std::collections::HashSet;

use arrow_array::{BooleanArray, RecordBatch, UInt32Array};
use serde::{Deserialize, Serialize};

use super::methods::{Reservoir, ReservoirAlgorithm};
use crate::core::error::Result;

/// The load-time option: keep a reservoir sample of `size` rows, drawn with `algorithm` from the
/// stream seeded by `seed` (recorded in the Load step, so a replay keeps the same rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadReservoir {
    pub size: u64,
    pub seed: u64,
    pub algorithm: ReservoirAlgorithm,
}

/// More kept batches than this are concatenated into one.
const MAX_KEPT_BATCHES: usize = 64;

/// The rows a reservoir holds, as small Arrow batches (each row with its index in the stream).
/// After every offered batch it holds exactly the reservoir's rows, so never more than `size`.
pub struct ReservoirRows {
    reservoir: Reservoir,
    seen: u64,
    kept: Vec<(RecordBatch, Vec<u64>)>,
}

impl ReservoirRows {
    pub fn new(options: LoadReservoir) -> Self {
        ReservoirRows {
            reservoir: Reservoir::new(options.size, options.algorithm, options.seed),
            seen: 0,
            kept: Vec::new(),
        }
    }

    /// Rows offered so far.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// Rows held now (≤ the reservoir size).
    pub fn held(&self) -> u64 {
        self.kept.iter().map(|(b, _)| b.num_rows() as u64).sum()
    }

    /// Offers the next batch of the stream: rows the reservoir evicts are dropped, the batch's rows
    /// it takes are copied out, and the batch itself is not kept.
    pub fn offer(&mut self, batch: &RecordBatch) -> Result<()> {
        let start = self.seen;
        let len = batch.num_rows() as u64;
        self.reservoir.offer(len);
        self.seen += len;
        let slots: HashSet<u64> = self.reservoir.slots().iter().copied().collect();
        for (b, idx) in &mut self.kept {
            if idx.iter().all(|i| slots.contains(i)) {
                continue;
            }
            let mask: BooleanArray = idx.iter().map(|i| Some(slots.contains(i))).collect();
            *b = arrow_select::filter::filter_record_batch(b, &mask)?;
            idx.retain(|i| slots.contains(i));
        }
        self.kept.retain(|(b, _)| b.num_rows() > 0);
        let mut new: Vec<u64> = slots.iter().copied().filter(|&i| i >= start && i < start + len).collect();
        if !new.is_empty() {
            new.sort_unstable();
            let at: UInt32Array = new.iter().map(|&i| (i - start) as u32).collect();
            let taken = arrow_select::take::take_record_batch(batch, &at)?;
            self.kept.push((taken, new));
        }
        if self.kept.len() > MAX_KEPT_BATCHES {
            let schema = self.kept[0].0.schema();
            let batches: Vec<&RecordBatch> = self.kept.iter().map(|(b, _)| b).collect();
            let one = arrow_select::concat::concat_batches(&schema, batches)?;
            let idx = self.kept.iter().flat_map(|(_, i)| i.iter().copied()).collect();
            self.kept = vec![(one, idx)];
        }
        Ok(())
    }

    /// The sample, in stream order.
    pub fn finish(self) -> Vec<RecordBatch> {
        self.kept.into_iter().map(|(b, _)| b).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Array, Int64Array};
    use arrow_schema::{DataType, Field, Schema};

    use super::*;

    fn batch(from: i64, len: i64) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("i", DataType::Int64, false)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from_iter_values(from..from + len))]).unwrap()
    }

    #[test]
    fn holds_at_most_the_reservoir_size_and_the_rows_of_the_index_reservoir() {
        for algorithm in [ReservoirAlgorithm::R, ReservoirAlgorithm::L] {
            for seed in 0..20 {
                let options = LoadReservoir { size: 50, seed, algorithm };
                let mut rows = ReservoirRows::new(options);
                let mut plain = Reservoir::new(50, algorithm, seed);
                let mut at = 0;
                for len in [7, 0, 30, 64, 1, 500, 3, 200, 1000] {
                    rows.offer(&batch(at, len)).unwrap();
                    plain.offer(len as u64);
                    at += len;
                    assert!(rows.held() <= 50, "held {} after {at} rows", rows.held());
                    assert_eq!(rows.held(), (at as u64).min(50));
                }
                assert_eq!(rows.seen(), at as u64);
                let mut want: Vec<i64> = plain.finish().into_iter().map(|i| i as i64).collect();
                want.sort_unstable();
                let got: Vec<i64> = rows
                    .finish()
                    .iter()
                    .flat_map(|b| b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().values().to_vec())
                    .collect();
                assert_eq!(got, want, "{algorithm:?} seed {seed}: the kept rows are the reservoir's, in order");
            }
        }
    }

    #[test]
    fn many_small_batches_are_compacted() {
        let mut rows = ReservoirRows::new(LoadReservoir { size: 1000, seed: 3, algorithm: ReservoirAlgorithm::R });
        for k in 0..500 {
            rows.offer(&batch(k * 3, 3)).unwrap();
            assert!(rows.kept.len() <= MAX_KEPT_BATCHES + 1);
        }
        assert_eq!(rows.held(), 1000);
        let b = rows.finish();
        assert_eq!(b.iter().map(|b| b.num_rows()).sum::<usize>(), 1000);
        assert!(b.iter().all(|b| b.column(0).null_count() == 0));
    }
}
