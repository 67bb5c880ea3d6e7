//! Planning: `plan(desired, observed)` → the writes that take MidoNet from what it holds to
//! what the view wants. Pure: no I/O, no async.
//!
//! Matching is by what eucanetd leaves in MidoNet — names for routers, bridges, chains, address
//! groups and port groups; addresses for router ports; peers and bound interfaces for bridge
//! ports; content for routes and rules — so a cloud eucanetd built is adopted without a write.
//! Only owned objects are ever updated or deleted (tenant `euca_tenant_1` and an owned name, or
//! a child of such an object). The write order is documented in docs/decisions.md ("plan
//! order"): parents before children, referenced chains and groups before the rules and
//! filters that use them, rule edits of one chain in sequence, deletes last except where a
//! delete frees something a create needs (a bound interface).
mod attribute;
pub mod chains;
mod emit;
mod emit_deletes;
mod emit_ports;
mod emit_tables;
mod matching;
pub mod observed;
pub mod ops;
pub mod partition;
pub mod recover;
#[doc(hidden)]
pub mod replay;

pub use observed::Observed;
pub use ops::{Action, Op, Plan, Step, Unresolved};

use crate::topology::{Scope, Topology};

/// Plans every part of `desired` (or only `only`) against `observed`.
///
/// `observed` may hold more than the planned scopes (a VPC actor passes the core devices too);
/// objects of other scopes are used to resolve references and never written.
pub fn plan(desired: &Topology, observed: &Observed, only: Option<&Scope>) -> Plan {
    let m = matching::Matching::new(desired, observed);
    let attr = attribute::Attribution::new(desired, observed);
    let mut e = emit::Emitter::new(desired, observed, &m, only);
    e.creates_and_updates(&attr);
    e.deletes(&attr);
    e.finish()
}
