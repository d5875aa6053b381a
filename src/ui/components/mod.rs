//! Reusable pieces of the page.

pub mod charts;
mod grid;
pub mod step;
mod tour;

pub use grid::DataGrid;
pub use tour::Tour;
