//! The MidoNet REST client: every call vpcmido makes to MidoNet goes through [`MidonetClient`].
//!
//! What it owns: URL building (from the root document only, [`links`]), media types per call
//! (spec `midonet-api.md` §4), admission control ([`gate`]: shared read/write budgets and an
//! in-flight write cap), retries ([`retry`]), 409 confirmation (a create with a client-chosen id
//! that gets 409 is one GET away from "it was me" or a typed [`Error::Conflict`]), metrics
//! ([`metrics`]) and call counters ([`stats`]). It must not decide *what* to change — that is
//! the planner's job — and it never GETs after a POST (MidoNet replies 201 with no body, §6.1;
//! the created object is what was sent plus its id) and never probes `system_state` before a
//! write (eucanetd does both, spec `vpc-to-midonet.md` §14.3: 3 requests per create).
//!
//! Typed calls per resource live in [`devices`] (routers, bridges, ports, links), [`chains`]
//! (chains, rules, routes), [`groups`] (IP address groups, port groups), [`hosts`] (hosts,
//! bindings, tunnel zones), [`dhcp`] (DHCP subnets and hosts, ARP and MAC tables) and [`bgp`].
//! Discovery of a whole [`Snapshot`](crate::midonet::snapshot::Snapshot) is in
//! [`crate::midonet::snapshot`].
pub mod bgp;
mod body;
pub mod chains;
pub mod devices;
pub mod dhcp;
pub mod error;
pub mod gate;
pub mod groups;
pub mod hosts;
pub mod ids;
pub mod links;
pub mod metrics;
mod ops;
pub mod resource;
pub mod retry;
pub mod stats;
mod transport;

pub use error::{Error, Kind, Method, Op, Result};
pub use gate::{ApiGate, GateConfig, Rate};
pub use ids::IdScheme;
pub use links::Links;
pub use resource::Resource;
pub use retry::RetryPolicy;
pub use stats::ClientStats;

use crate::midonet::media;
use std::sync::Arc;
use std::time::Duration;
use transport::Req;

/// The API version this client is written for (spec §2).
pub const API_VERSION: &str = "v5.0";
/// eucanetd's tenant (spec `vpc-to-midonet.md` §2.2).
pub const EUCA_TENANT: &str = "euca_tenant_1";

/// How to talk to MidoNet.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// TCP connect timeout of every call.
    pub connect_timeout: Duration,
    /// Total time of one attempt (connect to last byte). MidoNet waits up to 30 s for its write
    /// lock before answering 503 (§6.3), so this should exceed that.
    pub request_timeout: Duration,
    /// Idle pooled connections kept per host.
    pub pool_max_idle_per_host: usize,
    /// Honour `HTTP_PROXY`-style variables. Off by default: MidoNet's API is local.
    pub use_system_proxy: bool,
    /// Read/write budgets and the in-flight write cap (used by [`MidonetClient::connect`]).
    pub gate: GateConfig,
    pub retry: RetryPolicy,
    /// GETs in flight at once during discovery (the read budget still applies).
    pub read_concurrency: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(40),
            pool_max_idle_per_host: 16,
            use_system_proxy: false,
            gate: GateConfig::default(),
            retry: RetryPolicy::default(),
            read_concurrency: 8,
        }
    }
}

/// Shared state behind every clone of the client.
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) gate: ApiGate,
    pub(crate) retry: RetryPolicy,
    pub(crate) counters: stats::Counters,
    pub(crate) links: Links,
    pub(crate) read_concurrency: usize,
}

/// The MidoNet client. Cheap to clone; clones share the HTTP pool, the budgets and counters.
#[derive(Clone)]
pub struct MidonetClient {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for MidonetClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MidonetClient")
            .field("base", &self.inner.links.base)
            .field("gate", &self.inner.gate)
            .finish()
    }
}

impl MidonetClient {
    /// GETs the root document once and keeps its links. `base_url` is MidoNet's API root, with
    /// or without the trailing slash (`/midonet-api` alone is redirected by MidoNet, §1; the
    /// slash is added here to save that round trip).
    pub async fn connect(base_url: &str, cfg: ClientConfig) -> Result<Self> {
        let gate = ApiGate::new(&cfg.gate);
        Self::connect_with_gate(base_url, cfg, gate).await
    }

    /// As [`connect`](Self::connect), drawing from an existing gate (several clients, one
    /// daemon-wide budget; or a fake-clock gate in tests).
    pub async fn connect_with_gate(
        base_url: &str,
        cfg: ClientConfig,
        gate: ApiGate,
    ) -> Result<Self> {
        let op = Op::new(Method::Get, Kind::Application, None);
        let mut b = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.request_timeout)
            .pool_max_idle_per_host(cfg.pool_max_idle_per_host)
            .tcp_nodelay(true);
        if !cfg.use_system_proxy {
            b = b.no_proxy();
        }
        let http = b.build().map_err(|e| Error::Invalid {
            op: op.clone(),
            message: format!("cannot build the HTTP client: {e}"),
        })?;
        let mut inner = Inner {
            http,
            gate,
            retry: cfg.retry,
            counters: stats::Counters::default(),
            links: Links {
                base: String::new(),
                version: String::new(),
                entries: Default::default(),
            },
            read_concurrency: cfg.read_concurrency.max(1),
        };
        let url = if base_url.ends_with('/') {
            base_url.to_string()
        } else {
            format!("{base_url}/")
        };
        let reply = inner
            .send(Req::get(op.clone(), url, media::APPLICATION))
            .await?
            .ok()?;
        let root: serde_json::Value =
            crate::midonet::dto::first_value(&reply.body).map_err(|e| Error::Decode {
                op: op.clone(),
                message: e.to_string(),
            })?;
        let links = Links::from_root(&root).ok_or_else(|| Error::Decode {
            op: op.clone(),
            message: "the root document has no `uri`".into(),
        })?;
        if links.version != API_VERSION {
            tracing::warn!(version = %links.version, expected = API_VERSION, "unexpected MidoNet API version");
        }
        inner.links = links;
        Ok(MidonetClient {
            inner: Arc::new(inner),
        })
    }

    /// The root document's links (base URI, version).
    pub fn links(&self) -> &Links {
        &self.inner.links
    }

    /// The shared admission gate (clone it to build another client on the same budgets).
    pub fn gate(&self) -> &ApiGate {
        &self.inner.gate
    }

    /// The call counters so far.
    pub fn stats(&self) -> ClientStats {
        self.inner.counters.snapshot()
    }

    /// `GET /system_state`. Not called before writes (spec §9.2: static, and eucanetd's probe
    /// per write is pure overhead); useful after errors to tell "MidoNet down" from "bad call".
    pub async fn system_state(&self) -> Result<crate::midonet::dto::SystemState> {
        let url = self.inner.links.collection(Kind::SystemState)?;
        self.inner
            .get_typed(Kind::SystemState, url, media::SYSTEM_STATE, None)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::midonet::dto::Router;
    use crate::midonet::snapshot::DiscoverFilter;

    fn assert_send<T: Send>(_: &T) {}

    /// The client's futures are `Send`, so actors and plain tokio tasks can both drive them.
    #[allow(dead_code)]
    fn futures_are_send(
        c: &MidonetClient,
        r: &Router,
        s: &crate::midonet::dto::DhcpSubnet,
        f: &DiscoverFilter,
    ) {
        assert_send(&c.create_router(r));
        assert_send(&c.update_router(r, |x| x.as_number = 1));
        assert_send(&c.link_ports(uuid::Uuid::nil(), uuid::Uuid::nil()));
        assert_send(&c.create_dhcp_subnet(uuid::Uuid::nil(), s));
        assert_send(&c.discover(f));
    }
}
