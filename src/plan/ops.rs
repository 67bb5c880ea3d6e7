//! Plan operations: every write vpcmido can ask MidoNet for, fully resolved to MidoNet ids, and
//! the dependency graph between them.
//!
//! Ids are known before anything is sent: an existing object keeps its id, a new one gets the
//! deterministic id of its key. So the plan is complete and the executor only has to respect
//! `deps` — it may run every operation whose dependencies are done, in any order, with as many
//! in flight as the write cap allows.
use crate::topology::{Key, Rule, Scope};
use ipnet::Ipv4Net;
use std::fmt;
use std::net::Ipv4Addr;
use uuid::Uuid;

/// A router port's fields as a PUT must repeat them (PUT is full replacement).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouterPortSpec {
    pub address: Ipv4Addr,
    pub network: Ipv4Net,
    pub mac: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filters {
    pub inbound: Option<Uuid>,
    pub outbound: Option<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpSubnetSpec {
    pub subnet: Ipv4Net,
    pub default_gateway: Ipv4Addr,
    pub dns_servers: Vec<Ipv4Addr>,
    pub opt121_routes: Vec<(Ipv4Net, Ipv4Addr)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpHostSpec {
    pub name: String,
    pub mac: String,
    pub ip: Ipv4Addr,
    pub extra_opts: Vec<(String, String)>,
}

/// One write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    CreateRouter {
        id: Uuid,
        name: String,
        filters: Filters,
        as_number: u32,
    },
    /// Full replacement of name, filters and AS number.
    UpdateRouter {
        id: Uuid,
        name: String,
        filters: Filters,
        as_number: u32,
    },
    DeleteRouter {
        id: Uuid,
    },
    CreateBridge {
        id: Uuid,
        name: String,
        filters: Filters,
    },
    UpdateBridge {
        id: Uuid,
        name: String,
        filters: Filters,
    },
    DeleteBridge {
        id: Uuid,
    },
    /// `router` is `Some` for a router port (with its spec), else `bridge` for a bridge port.
    CreatePort {
        id: Uuid,
        device: Uuid,
        router_port: Option<RouterPortSpec>,
        filters: Filters,
    },
    UpdatePort {
        id: Uuid,
        router_port: Option<RouterPortSpec>,
        filters: Filters,
    },
    DeletePort {
        id: Uuid,
    },
    Link {
        port: Uuid,
        peer: Uuid,
    },
    Unlink {
        port: Uuid,
    },
    Bind {
        host: Uuid,
        port: Uuid,
        interface: String,
    },
    Unbind {
        host: Uuid,
        port: Uuid,
    },
    CreateRoute {
        id: Uuid,
        router: Uuid,
        src: Ipv4Net,
        dst: Ipv4Net,
        next_hop_port: Uuid,
        next_hop_gateway: Option<Ipv4Addr>,
        weight: u32,
    },
    DeleteRoute {
        id: Uuid,
    },
    CreateChain {
        id: Uuid,
        name: String,
    },
    DeleteChain {
        id: Uuid,
    },
    /// Insert at 1-based `position` (MidoNet shifts later rules down).
    CreateRule {
        id: Uuid,
        chain: Uuid,
        position: u32,
        rule: Rule<Uuid>,
    },
    DeleteRule {
        id: Uuid,
    },
    CreateIpAddrGroup {
        id: Uuid,
        name: String,
    },
    DeleteIpAddrGroup {
        id: Uuid,
    },
    AddIpAddr {
        group: Uuid,
        addr: Ipv4Addr,
    },
    RemoveIpAddr {
        group: Uuid,
        addr: Ipv4Addr,
    },
    CreatePortGroup {
        id: Uuid,
        name: String,
        stateful: bool,
    },
    DeletePortGroup {
        id: Uuid,
    },
    AddPortGroupMember {
        group: Uuid,
        port: Uuid,
    },
    RemovePortGroupMember {
        group: Uuid,
        port: Uuid,
    },
    CreateDhcpSubnet {
        bridge: Uuid,
        spec: DhcpSubnetSpec,
    },
    /// PUT keeps the subnet's hosts.
    UpdateDhcpSubnet {
        bridge: Uuid,
        spec: DhcpSubnetSpec,
    },
    DeleteDhcpSubnet {
        bridge: Uuid,
        subnet: Ipv4Net,
    },
    CreateDhcpHost {
        bridge: Uuid,
        subnet: Ipv4Net,
        host: DhcpHostSpec,
    },
    UpdateDhcpHost {
        bridge: Uuid,
        subnet: Ipv4Net,
        host: DhcpHostSpec,
    },
    DeleteDhcpHost {
        bridge: Uuid,
        subnet: Ipv4Net,
        mac: String,
    },
    CreateArpEntry {
        bridge: Uuid,
        ip: Ipv4Addr,
        mac: String,
    },
    DeleteArpEntry {
        bridge: Uuid,
        ip: Ipv4Addr,
        mac: String,
    },
    CreateMacEntry {
        bridge: Uuid,
        mac: String,
        port: Uuid,
    },
    DeleteMacEntry {
        bridge: Uuid,
        mac: String,
        port: Uuid,
    },
    CreateBgpPeer {
        id: Uuid,
        router: Uuid,
        as_number: u32,
        address: Ipv4Addr,
    },
    DeleteBgpPeer {
        id: Uuid,
    },
    CreateBgpNetwork {
        id: Uuid,
        router: Uuid,
        subnet: Ipv4Net,
    },
    DeleteBgpNetwork {
        id: Uuid,
    },
}

/// Create, update or delete, for counting and display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Create,
    Update,
    Delete,
}

impl Action {
    pub fn sign(self) -> char {
        match self {
            Action::Create => '+',
            Action::Update => '~',
            Action::Delete => '-',
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

impl Op {
    /// The object kind, a bounded label for metrics and the summary.
    pub fn kind(&self) -> &'static str {
        use Op::*;
        match self {
            CreateRouter { .. } | UpdateRouter { .. } | DeleteRouter { .. } => "router",
            CreateBridge { .. } | UpdateBridge { .. } | DeleteBridge { .. } => "bridge",
            CreatePort { .. } | UpdatePort { .. } | DeletePort { .. } => "port",
            Link { .. } | Unlink { .. } => "port_link",
            Bind { .. } | Unbind { .. } => "binding",
            CreateRoute { .. } | DeleteRoute { .. } => "route",
            CreateChain { .. } | DeleteChain { .. } => "chain",
            CreateRule { .. } | DeleteRule { .. } => "rule",
            CreateIpAddrGroup { .. } | DeleteIpAddrGroup { .. } => "ip_addr_group",
            AddIpAddr { .. } | RemoveIpAddr { .. } => "ip_addr",
            CreatePortGroup { .. } | DeletePortGroup { .. } => "port_group",
            AddPortGroupMember { .. } | RemovePortGroupMember { .. } => "port_group_member",
            CreateDhcpSubnet { .. } | UpdateDhcpSubnet { .. } | DeleteDhcpSubnet { .. } => {
                "dhcp_subnet"
            }
            CreateDhcpHost { .. } | UpdateDhcpHost { .. } | DeleteDhcpHost { .. } => "dhcp_host",
            CreateArpEntry { .. } | DeleteArpEntry { .. } => "arp_entry",
            CreateMacEntry { .. } | DeleteMacEntry { .. } => "mac_entry",
            CreateBgpPeer { .. } | DeleteBgpPeer { .. } => "bgp_peer",
            CreateBgpNetwork { .. } | DeleteBgpNetwork { .. } => "bgp_network",
        }
    }

    pub fn action(&self) -> Action {
        use Op::*;
        match self {
            CreateRouter { .. }
            | CreateBridge { .. }
            | CreatePort { .. }
            | Link { .. }
            | Bind { .. }
            | CreateRoute { .. }
            | CreateChain { .. }
            | CreateRule { .. }
            | CreateIpAddrGroup { .. }
            | AddIpAddr { .. }
            | CreatePortGroup { .. }
            | AddPortGroupMember { .. }
            | CreateDhcpSubnet { .. }
            | CreateDhcpHost { .. }
            | CreateArpEntry { .. }
            | CreateMacEntry { .. }
            | CreateBgpPeer { .. }
            | CreateBgpNetwork { .. } => Action::Create,
            UpdateRouter { .. }
            | UpdateBridge { .. }
            | UpdatePort { .. }
            | UpdateDhcpSubnet { .. }
            | UpdateDhcpHost { .. } => Action::Update,
            _ => Action::Delete,
        }
    }
}

/// One planned write, with what it is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub op: Op,
    /// Indexes of the steps that must finish first.
    pub deps: Vec<usize>,
    /// The part this write belongs to (which actor reconciles it).
    pub scope: Scope,
    /// What it is, for people: the MidoNet name of the object or of its parent, and the
    /// desired key when there is one (`vr_vpc-1a2b3c4d_2`, `rule 3 of ic_i-0f1e2d3c_prechain`).
    pub what: String,
    pub key: Option<Key>,
}

/// A problem that kept part of the view from being planned (reported, the rest goes on).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub scope: Scope,
    pub message: String,
}

/// The ordered, dependency-annotated list of writes that takes MidoNet to the desired state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub unresolved: Vec<Unresolved>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
    pub fn len(&self) -> usize {
        self.steps.len()
    }
    /// Counts by action.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for s in &self.steps {
            match s.op.action() {
                Action::Create => c.0 += 1,
                Action::Update => c.1 += 1,
                Action::Delete => c.2 += 1,
            }
        }
        c
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.op.action().sign(),
            self.op.kind(),
            self.what
        )
    }
}

impl Plan {
    /// Keeps the steps `keep` accepts, renumbering dependencies; a kept step that depended on
    /// a dropped one loses that dependency (callers drop only steps nothing kept needs).
    pub fn retain(&mut self, mut keep: impl FnMut(&Step) -> bool) {
        let mut new_index = vec![None; self.steps.len()];
        let mut kept = Vec::with_capacity(self.steps.len());
        for (i, s) in std::mem::take(&mut self.steps).into_iter().enumerate() {
            if keep(&s) {
                new_index[i] = Some(kept.len());
                kept.push(s);
            }
        }
        for s in &mut kept {
            s.deps = s.deps.iter().filter_map(|d| new_index[*d]).collect();
        }
        self.steps = kept;
    }
}
