//! Cleaning and normalizing: steps that derive datasets from others, each a recipe step. Fitted
//! steps (impute, outliers, scale, encode) fit on one dataset and apply to several, and record
//! what they fitted so a replay reuses it.

pub mod cast;
pub mod columns;
pub mod dedup;
pub mod encode;
pub mod impute;
pub mod missing;
pub mod outliers;
pub mod scale;
pub mod standardize;
pub mod support;

pub use cast::{CastColumn, CastStep, CastType};
pub use columns::{ColumnPick, ColumnsStep};
pub use dedup::{DedupMode, DedupStep, Keep};
pub use encode::{EncodeMethod, EncodeStep, FittedEncoding};
pub use impute::{FillValue, FittedFill, ImputeStep, ImputeStrategy};
pub use missing::{DropMissingStep, How};
pub use outliers::{FittedBounds, OutlierAction, OutlierRule, OutliersStep};
pub use scale::{FittedScale, ScaleMethod, ScaleStep};
pub use standardize::{Case, DateOrder, StandardizeRule, StandardizeStep};
pub use support::{CleanReport, Targets};
