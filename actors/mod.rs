//! The daemon's actor runtime (`vpcmido run`): a [`director::Director`] that reads the view
//! and splits it into parts, one [`scope::ScopeActor`] for the core and one per VPC that
//! reconcile their part in parallel through one shared, rate-limited MidoNet client.
//!
//! Layout: [`messages`] (what actors say), [`director`] (view, guard, handshake, liveness,
//! status), [`scope`] (one scope's passes: coalescing, backoff, audits), [`pass`] (one pass
//! as a plain async function), [`guard`] (mass-delete guard, pure), [`handshake`] (the
//! applied-version file), [`watch`] (inotify), [`status`] (the `/status` document),
//! [`metrics`] (every metric name). See docs/daemon.md for the operator's view.
//!
//! Must not: talk to MidoNet from the director after start-up, block a handler on I/O other
//! than reading the view file, or panic (a panicking handler kills its actor; the director
//! would respawn it, but the pass is lost).
pub mod director;
pub mod guard;
pub mod handshake;
pub mod messages;
pub mod metrics;
pub mod pass;
pub mod quickview;
pub mod scope;
pub mod status;
pub mod watch;

pub use director::{Director, DirectorConfig};
pub use messages::*;
pub use scope::{ScopeActor, ScopeConfig};

use crate::midonet::client::MidonetClient;
use actix::{Actor, Addr};

/// Starts the director (which starts every other actor). Call inside an actix `System`.
pub fn start(cfg: DirectorConfig, client: MidonetClient) -> Addr<Director> {
    Director::new(cfg, client).start()
}
