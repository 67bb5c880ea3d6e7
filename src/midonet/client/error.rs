//! Typed errors of the MidoNet client, and the bounded labels that name what a call was about.
//!
//! Every error carries the [`Op`]: the HTTP method, the resource kind and, where known, the
//! object's id or natural key (spec `midonet-api.md` §6 lists the status codes these come
//! from). Nothing here panics; callers match on the variant to decide what to do next:
//! `NotFound` and `Conflict` are answers about the world, `Unavailable` and `Transport` are
//! answers about MidoNet's health (already retried, §6.3), `Rejected` and `Decode` are bugs on
//! one side or the other and are worth a loud log line.
use std::fmt;

/// The kind of MidoNet resource a call is about. Used as the `resource` metric label, so it is a
/// closed set (never an id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Application,
    SystemState,
    Router,
    Bridge,
    Port,
    PortLink,
    Route,
    Chain,
    Rule,
    IpAddrGroup,
    IpAddrGroupAddr,
    PortGroup,
    PortGroupPort,
    Host,
    Interface,
    HostInterfacePort,
    TunnelZone,
    TunnelZoneHost,
    DhcpSubnet,
    DhcpHost,
    ArpEntry,
    MacEntry,
    BgpPeer,
    BgpNetwork,
}

impl Kind {
    /// The metric label (bounded cardinality: one per kind).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::SystemState => "system_state",
            Kind::Router => "router",
            Kind::Bridge => "bridge",
            Kind::Port => "port",
            Kind::PortLink => "port_link",
            Kind::Route => "route",
            Kind::Chain => "chain",
            Kind::Rule => "rule",
            Kind::IpAddrGroup => "ip_addr_group",
            Kind::IpAddrGroupAddr => "ip_addr_group_addr",
            Kind::PortGroup => "port_group",
            Kind::PortGroupPort => "port_group_port",
            Kind::Host => "host",
            Kind::Interface => "interface",
            Kind::HostInterfacePort => "host_interface_port",
            Kind::TunnelZone => "tunnel_zone",
            Kind::TunnelZoneHost => "tunnel_zone_host",
            Kind::DhcpSubnet => "dhcp_subnet",
            Kind::DhcpHost => "dhcp_host",
            Kind::ArpEntry => "arp_entry",
            Kind::MacEntry => "mac_entry",
            Kind::BgpPeer => "bgp_peer",
            Kind::BgpNetwork => "bgp_network",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The four HTTP methods MidoNet's API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// The metric label and the wire name.
    pub fn label(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Writes take the write budget and an in-flight slot (spec §8: MidoNet serializes them).
    pub fn is_write(self) -> bool {
        !matches!(self, Method::Get)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a call was about: method, resource kind, and the object's id or natural key when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    pub method: Method,
    pub kind: Kind,
    /// The object's id (or natural key such as `10.0.0.0_24`, a MAC, `host/port`), if known.
    pub target: Option<String>,
}

impl Op {
    pub fn new(method: Method, kind: Kind, target: Option<String>) -> Self {
        Op {
            method,
            kind,
            target,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.target {
            Some(t) => write!(f, "{} {} {}", self.method, self.kind, t),
            None => write!(f, "{} {}", self.method, self.kind),
        }
    }
}

/// A failed MidoNet call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 404: the object (or its parent, or a referenced object, spec §6.3) does not exist.
    #[error("{op}: not found{}", fmt_msg(.message))]
    NotFound { op: Op, message: Option<String> },
    /// 409 that is a real disagreement: the object exists with other values than the ones sent
    /// (`differing` names the fields), or a natural key is taken (`message` from MidoNet).
    #[error("{op}: conflict{}{}", fmt_fields(.differing), fmt_msg(.message))]
    Conflict {
        op: Op,
        message: Option<String>,
        differing: Vec<String>,
    },
    /// Any other 4xx (400 validation, 403, 405, 406, 415): never retried.
    #[error("{op}: rejected with {status}{}", fmt_msg(.message))]
    Rejected {
        op: Op,
        status: u16,
        message: Option<String>,
    },
    /// 5xx (or a bare 409 concurrency conflict) still failing after every retry.
    #[error("{op}: unavailable after {attempts} attempt(s), last status {status}{}", fmt_msg(.message))]
    Unavailable {
        op: Op,
        status: u16,
        attempts: u32,
        message: Option<String>,
    },
    /// Connection refused/reset or timeout, still failing after every retry.
    #[error("{op}: transport error after {attempts} attempt(s): {message}")]
    Transport {
        op: Op,
        attempts: u32,
        timeout: bool,
        message: String,
    },
    /// A 2xx reply whose body is not what the API documents.
    #[error("{op}: cannot decode reply: {message}")]
    Decode { op: Op, message: String },
    /// The caller asked for something the client refuses to send (e.g. a create without a
    /// client-chosen id, which could duplicate on retry), or the root document lacks a link.
    #[error("{op}: invalid request: {message}")]
    Invalid { op: Op, message: String },
}

fn fmt_msg(m: &Option<String>) -> String {
    match m {
        Some(m) if !m.is_empty() => format!(": {m}"),
        _ => String::new(),
    }
}

fn fmt_fields(f: &[String]) -> String {
    if f.is_empty() {
        String::new()
    } else {
        format!(" (differs in {})", f.join(", "))
    }
}

impl Error {
    /// The operation that failed.
    pub fn op(&self) -> &Op {
        match self {
            Error::NotFound { op, .. }
            | Error::Conflict { op, .. }
            | Error::Rejected { op, .. }
            | Error::Unavailable { op, .. }
            | Error::Transport { op, .. }
            | Error::Decode { op, .. }
            | Error::Invalid { op, .. } => op,
        }
    }

    /// A bounded label for metrics and logs.
    pub fn metric_label(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::Conflict { .. } => "conflict",
            Error::Rejected { .. } => "rejected",
            Error::Unavailable { .. } => "unavailable",
            Error::Transport { .. } => "transport",
            Error::Decode { .. } => "decode",
            Error::Invalid { .. } => "invalid",
        }
    }

    /// True when the caller may try the same thing again later (MidoNet down or overloaded).
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Unavailable { .. } | Error::Transport { .. })
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
