//! The metadata service at 169.254.169.254, served by vpcmido itself (the MidoNet-MD design,
//! spec vpc-to-midonet.md §4.1, with actix-web in place of eucanetd's nginx; docs/metadata.md).
//!
//! - [`map`]: which instance owns which metadata address (pure builder, hot-swappable holder);
//! - [`proxy`]: the HTTP server that forwards to the CLC with `Euca-Instance-Id`;
//! - [`netns`]: binding the listener inside the `eucamd` namespace when that option is on.
//!
//! It does not create the address it listens on; [`crate::host`] does.
pub mod map;
pub mod netns;
pub mod proxy;

pub use map::{build_map, InstanceRef, MetadataMap, SharedMap};
pub use proxy::{start, ProxyConfig, ProxyHandle, INSTANCE_ID_HEADER};

use std::net::SocketAddr;

/// Why the proxy could not start.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    #[error("cannot listen on {addr}{}: {source}", .netns.as_ref().map(|n| format!(" in namespace {n}")).unwrap_or_default())]
    Bind {
        addr: SocketAddr,
        netns: Option<String>,
        source: std::io::Error,
    },
    #[error("cannot enter network namespace {netns}: {source}")]
    Netns {
        netns: String,
        source: std::io::Error,
    },
    #[error("cannot build the HTTP client towards the CLC: {0}")]
    Client(String),
}

impl MetadataError {
    /// Bounded label for metrics.
    pub fn metric_label(&self) -> &'static str {
        match self {
            MetadataError::Bind { .. } => "bind",
            MetadataError::Netns { .. } => "netns",
            MetadataError::Client(_) => "client",
        }
    }
}
