//! Sampling and splitting: seeded probability samples (random, systematic, stratified, weighted,
//! reservoir, importance), labelled non-probability samples (first-N, quota, manual), class
//! re-balancing, and leakage-checked train/validation/test splits. Every step reports how
//! representative its output is of its input.

pub mod methods;
pub mod params;
pub mod represent;
pub mod rng;
pub mod split;
pub mod step;
pub mod stream;
pub mod table;

pub use methods::{Allocation, ReservoirAlgorithm, SampleMethod, SampleSize, Weights};
pub use represent::{ColumnCheck, Verdict};
pub use rng::SampleRng;
pub use split::{SplitMethod, SplitReport, SplitStep};
pub use step::{SampleReport, SampleStep};
pub use stream::{LoadReservoir, ReservoirRows};
