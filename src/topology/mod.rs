//! Translation of the global network view into the desired MidoNet topology. Pure: no I/O,
//! no async, no clock. Given the same view, allocations and settings it returns the same
//! topology, which is what makes planning testable and snapshots meaningful.
pub mod addr;
pub mod model;
pub mod names;
pub mod rules;

pub use model::*;
