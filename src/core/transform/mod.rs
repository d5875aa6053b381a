//! Cleaning and normalizing: steps that derive a dataset from another, each a recipe step.

pub mod columns;

pub use columns::{ColumnPick, ColumnsStep};
