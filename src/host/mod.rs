//! The Linux side of metadata on the host running vpcmido (spec vpc-to-midonet.md §2.3, §4.1,
//! §4.3): network namespaces, veth pairs, addresses and routes that meet MidoNet's
//! host-interface port bindings (`eucamd_mido` on eucamdrt's external port, `vn0_<subnet8>`
//! on each subnet bridge's meta port).
//!
//! Same shape as the MidoNet side: a pure desired state ([`desired`], [`desired_core`],
//! [`desired_vpc`]), the observed state read back from the kernel ([`observe()`]), a pure diff
//! ([`plan`]) into [`HostOp`]s, and an idempotent executor ([`apply`], [`converge`],
//! [`cleanup_all`]).
//!
//! It owns only names that parse as ours under the configured prefix ([`Prefix::owned`]);
//! every other interface, namespace and route is left alone. It does not create the MidoNet
//! bindings themselves (the topology does) and does not serve metadata ([`crate::metadata`]).
pub mod diff;
pub mod exec;
pub mod model;
pub mod names;
pub mod observe;
pub mod ops;
pub mod scope;

pub use diff::{plan, plan_cleanup, HostPlan};
pub use exec::{apply, cleanup_all, converge, ApplyReport};
pub use model::{
    desired, desired_core, desired_vpc, HostSettings, HostState, LinkAt, Observed, ObservedLink,
    RouteAt, Veth,
};
pub use names::{OwnedName, Prefix};
pub use observe::{observe, IpOutput, IpRunner, SystemIp};
pub use ops::HostOp;

/// Why host plumbing could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("bad host name prefix {0:?}: at most 3 characters from [a-z0-9]")]
    BadPrefix(String),
    #[error("cannot run {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("{command}: unreadable JSON output: {message}")]
    Json { command: String, message: String },
    #[error("{command} failed: {stderr}")]
    Command { command: String, stderr: String },
    #[error("{command} failed after {applied} operation(s) applied: {stderr}")]
    Op {
        command: String,
        stderr: String,
        applied: usize,
    },
}

impl HostError {
    /// Bounded label for metrics.
    pub fn metric_label(&self) -> &'static str {
        match self {
            HostError::BadPrefix(_) => "bad_prefix",
            HostError::Spawn { .. } => "spawn",
            HostError::Json { .. } => "json",
            HostError::Command { .. } => "observe",
            HostError::Op { .. } => "apply",
        }
    }
}
