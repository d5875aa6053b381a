//! Statistics shared by Compare, Sample (representativeness) and Validate (statistical rules):
//! two-sample drift tests whose numbers agree with scipy (see tests/oracle/compare/), and the
//! special functions they need.

pub mod drift;
pub mod ks;
pub mod special;

pub use drift::{
    category_counts, chi2_contingency, column_drift, column_drift_with_bars, is_numeric_type, jensen_shannon, linf,
    numeric_values, psi_categorical, psi_numeric, wasserstein, Chi2, ColumnDrift, DriftBars, DriftKind, DriftSeverity,
    DriftThresholds, HighCardinality, Psi,
};
pub use ks::{ks_2samp, Ks};
