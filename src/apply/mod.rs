//! Applying a view: discover, plan, execute through the client, re-plan until nothing remains.
//! The only module besides the actors that does I/O against MidoNet on behalf of the planner.
pub mod schedule;
