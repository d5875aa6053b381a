//! Reusable pieces of the page.

pub mod charts;
mod grid;
pub mod step;

pub use grid::DataGrid;
