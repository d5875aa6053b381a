//! Reusable pieces of the page.

pub mod charts;
mod grid;

pub use grid::DataGrid;
