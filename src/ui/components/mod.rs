//! Reusable pieces of the page.

mod grid;

pub use grid::DataGrid;
