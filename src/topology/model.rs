//! The desired MidoNet topology as plain values: what vpcmido wants MidoNet to hold.
//!
//! Objects refer to each other by [`Key`], a stable role path such as `vpc-1a2b3c4d/router` or
//! `core/eucart/port/int`. A key never contains anything MidoNet assigns (ids, tunnel keys), so
//! the same view always yields the same keys, and the deterministic UUID of a new object is
//! derived from its key ([`Key::uuid`]). Nothing here knows MidoNet's JSON or URLs; the client
//! layer converts these values into request bodies.
use ipnet::Ipv4Net;
use std::collections::BTreeSet;
use std::fmt;
use std::net::Ipv4Addr;
use uuid::Uuid;

/// Namespace of every deterministic id vpcmido gives MidoNet objects (UUID v5 over the key).
pub const ID_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_5a2e_9d0b_4c47_8e3a_1b2c_3d4e_5f60);

/// The tenant every owned object carries (eucanetd's, kept for drop-in adoption).
pub const TENANT: &str = "euca_tenant_1";

/// Stable identity of a desired object: its role path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(pub String);

impl Key {
    pub fn new(s: impl Into<String>) -> Self {
        Key(s.into())
    }
    /// A child role under this key (`vpc-x/router` + `uplink` → `vpc-x/router/uplink`).
    pub fn child(&self, role: impl fmt::Display) -> Key {
        Key(format!("{}/{}", self.0, role))
    }
    /// The id vpcmido gives the object when it creates it. Deterministic, so a create that is
    /// retried after a crash or a lost reply hits 409 instead of making a twin.
    pub fn uuid(&self) -> Uuid {
        Uuid::new_v5(&ID_NAMESPACE, self.0.as_bytes())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which part of the topology an object belongs to, and so which actor reconciles it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// eucart, eucabr, gateways, BGP, metadata router: the core actor.
    Core,
    /// Everything a VPC owns (including its eucabr port, eucart /32 routes and SG chains).
    Vpc(String),
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Core => f.write_str("core"),
            Scope::Vpc(v) => f.write_str(v),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Router {
    pub key: Key,
    pub name: String,
    pub inbound_filter: Option<Key>,
    pub outbound_filter: Option<Key>,
    /// Local BGP AS number (MidoNet 5 keeps it on the router); 0 when BGP is not used.
    pub as_number: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bridge {
    pub key: Key,
    pub name: String,
    pub inbound_filter: Option<Key>,
    pub outbound_filter: Option<Key>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortKind {
    /// A router port: its address and the network it serves. `mac` is `None` when MidoNet may
    /// choose one (eucanetd sends a MAC only for NAT-gateway subnet ports).
    Router {
        address: Ipv4Addr,
        network: Ipv4Net,
        mac: Option<String>,
    },
    Bridge,
}

/// Where a port is bound: a MidoNet host (found by name or by one of its addresses) and one
/// of its interfaces (a tap `vn_<if>`, a gateway NIC, a veth).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Binding {
    pub host: HostRef,
    pub interface: String,
}

/// How a MidoNet host is found: the view names NCs and gateways by IP address (or host name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HostRef(pub String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub key: Key,
    /// The router or bridge the port is on.
    pub device: Key,
    pub kind: PortKind,
    pub inbound_filter: Option<Key>,
    pub outbound_filter: Option<Key>,
    /// The port this one is linked to (both sides name each other).
    pub peer: Option<Key>,
    pub binding: Option<Binding>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    pub key: Key,
    pub router: Key,
    pub src: Ipv4Net,
    pub dst: Ipv4Net,
    pub next_hop_port: Key,
    pub next_hop_gateway: Option<Ipv4Addr>,
    pub weight: u32,
}

/// Whether rule order in a chain carries meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleOrder {
    /// First match wins (interface, subnet and ACL chains): order is part of the content.
    Ordered,
    /// Every rule matches disjoint traffic or only accepts (SG, elastic-IP and metadata NAT
    /// chains): compared as a multiset, so adopting eucanetd's head-inserted order costs nothing.
    Unordered,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    pub key: Key,
    pub name: String,
    pub order: RuleOrder,
    pub rules: Vec<Rule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpAddrGroup {
    pub key: Key,
    pub name: String,
    pub addrs: BTreeSet<Ipv4Addr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortGroup {
    pub key: Key,
    pub name: String,
    pub stateful: bool,
    pub members: Vec<Key>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opt121Route {
    pub destination: Ipv4Net,
    pub gateway: Ipv4Addr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpSubnet {
    pub key: Key,
    pub bridge: Key,
    /// Prefix and length, the DHCP subnet's identity in MidoNet URIs (`<prefix>_<len>`).
    pub subnet: Ipv4Net,
    pub default_gateway: Ipv4Addr,
    pub dns_servers: Vec<Ipv4Addr>,
    pub opt121_routes: Vec<Opt121Route>,
    pub hosts: Vec<DhcpHost>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpHost {
    /// The interface name (instance id for device 0, else the ENI id).
    pub name: String,
    /// Lower-case colon form, as eucanetd sends it.
    pub mac: String,
    pub ip: Ipv4Addr,
    /// `(optName, optValue)` pairs, e.g. `("domain_search", "eucalyptus.internal")`.
    pub extra_opts: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ArpEntry {
    pub bridge: Key,
    pub ip: Ipv4Addr,
    pub mac: MacRef,
}

/// A MAC known from the view, or the MAC of a router port (which MidoNet may have chosen, so
/// it is known only once the port exists).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MacRef {
    Literal(String),
    OfPort(Key),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MacEntry {
    pub bridge: Key,
    pub mac: String,
    pub port: Key,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BgpPeer {
    pub key: Key,
    pub router: Key,
    pub as_number: u32,
    pub address: Ipv4Addr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BgpNetwork {
    pub key: Key,
    pub router: Key,
    pub subnet: Ipv4Net,
}

/// An inclusive port (or ICMP type/code) range as MidoNet's `tpSrc`/`tpDst`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRange {
    pub start: u16,
    pub end: u16,
}

impl PortRange {
    pub fn new(start: u16, end: u16) -> Self {
        PortRange { start, end }
    }
    pub fn single(v: u16) -> Self {
        PortRange { start: v, end: v }
    }
}

/// A NAT target (`natTargets` element).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NatTarget {
    pub address_from: Ipv4Addr,
    pub address_to: Ipv4Addr,
    pub port_from: u16,
    pub port_to: u16,
}

impl NatTarget {
    /// One address, ports kept (elastic IPs, metadata NAT).
    pub fn address(a: Ipv4Addr) -> Self {
        NatTarget {
            address_from: a,
            address_to: a,
            port_from: 0,
            port_to: 0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowAction {
    Accept,
    Continue,
    Return,
}

impl FlowAction {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowAction::Accept => "accept",
            FlowAction::Continue => "continue",
            FlowAction::Return => "return",
        }
    }
}

/// What a rule does when its condition matches. `R` is how other objects are named: a [`Key`]
/// in the desired topology, a MidoNet id once resolved.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleAction<R = Key> {
    Accept,
    Drop,
    Jump(R),
    Dnat(FlowAction, Vec<NatTarget>),
    Snat(FlowAction, Vec<NatTarget>),
    RevSnat(FlowAction),
}

impl<R> RuleAction<R> {
    /// MidoNet's rule `type` discriminator.
    pub fn type_name(&self) -> &'static str {
        match self {
            RuleAction::Accept => "accept",
            RuleAction::Drop => "drop",
            RuleAction::Jump(_) => "jump",
            RuleAction::Dnat(..) => "dnat",
            RuleAction::Snat(..) => "snat",
            RuleAction::RevSnat(_) => "rev_snat",
        }
    }
}

/// The condition fields vpcmido uses. Every field left `None`/`false` is "unset" in MidoNet,
/// and an observed rule with any other field set is not equal to this one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Condition<R = Key> {
    pub match_return_flow: bool,
    pub dl_type: Option<u16>,
    pub inv_dl_type: bool,
    pub dl_src: Option<String>,
    pub inv_dl_src: bool,
    pub dl_dst: Option<String>,
    pub inv_dl_dst: bool,
    pub nw_proto: Option<u8>,
    pub inv_nw_proto: bool,
    pub nw_src: Option<Ipv4Net>,
    pub inv_nw_src: bool,
    pub nw_dst: Option<Ipv4Net>,
    pub inv_nw_dst: bool,
    pub tp_src: Option<PortRange>,
    pub inv_tp_src: bool,
    pub tp_dst: Option<PortRange>,
    pub inv_tp_dst: bool,
    pub ip_addr_group_src: Option<R>,
    pub ip_addr_group_dst: Option<R>,
    pub out_ports: Vec<R>,
}

impl<R> Default for Condition<R> {
    fn default() -> Self {
        Condition {
            match_return_flow: false,
            dl_type: None,
            inv_dl_type: false,
            dl_src: None,
            inv_dl_src: false,
            dl_dst: None,
            inv_dl_dst: false,
            nw_proto: None,
            inv_nw_proto: false,
            nw_src: None,
            inv_nw_src: false,
            nw_dst: None,
            inv_nw_dst: false,
            tp_src: None,
            inv_tp_src: false,
            tp_dst: None,
            inv_tp_dst: false,
            ip_addr_group_src: None,
            ip_addr_group_dst: None,
            out_ports: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rule<R = Key> {
    pub action: RuleAction<R>,
    pub cond: Condition<R>,
}

impl<R> Rule<R> {
    pub fn new(action: RuleAction<R>, cond: Condition<R>) -> Self {
        Rule { action, cond }
    }

    /// The same rule with every reference mapped (keys to ids); `None` if one does not map.
    pub fn try_map<S>(&self, mut f: impl FnMut(&R) -> Option<S>) -> Option<Rule<S>> {
        let action = match &self.action {
            RuleAction::Accept => RuleAction::Accept,
            RuleAction::Drop => RuleAction::Drop,
            RuleAction::Jump(r) => RuleAction::Jump(f(r)?),
            RuleAction::Dnat(a, t) => RuleAction::Dnat(*a, t.clone()),
            RuleAction::Snat(a, t) => RuleAction::Snat(*a, t.clone()),
            RuleAction::RevSnat(a) => RuleAction::RevSnat(*a),
        };
        let c = &self.cond;
        let map_opt = |o: &Option<R>, f: &mut dyn FnMut(&R) -> Option<S>| match o {
            Some(r) => f(r).map(Some),
            None => Some(None),
        };
        let ip_addr_group_src = map_opt(&c.ip_addr_group_src, &mut f)?;
        let ip_addr_group_dst = map_opt(&c.ip_addr_group_dst, &mut f)?;
        let mut out_ports = Vec::with_capacity(c.out_ports.len());
        for p in &c.out_ports {
            out_ports.push(f(p)?);
        }
        Some(Rule {
            action,
            cond: Condition {
                match_return_flow: c.match_return_flow,
                dl_type: c.dl_type,
                inv_dl_type: c.inv_dl_type,
                dl_src: c.dl_src.clone(),
                inv_dl_src: c.inv_dl_src,
                dl_dst: c.dl_dst.clone(),
                inv_dl_dst: c.inv_dl_dst,
                nw_proto: c.nw_proto,
                inv_nw_proto: c.inv_nw_proto,
                nw_src: c.nw_src,
                inv_nw_src: c.inv_nw_src,
                nw_dst: c.nw_dst,
                inv_nw_dst: c.inv_nw_dst,
                tp_src: c.tp_src,
                inv_tp_src: c.inv_tp_src,
                tp_dst: c.tp_dst,
                inv_tp_dst: c.inv_tp_dst,
                ip_addr_group_src,
                ip_addr_group_dst,
                out_ports,
            },
        })
    }
}

/// The objects of one scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Part {
    pub routers: Vec<Router>,
    pub bridges: Vec<Bridge>,
    pub ports: Vec<Port>,
    pub routes: Vec<Route>,
    pub chains: Vec<Chain>,
    pub ip_addr_groups: Vec<IpAddrGroup>,
    pub port_groups: Vec<PortGroup>,
    pub dhcp_subnets: Vec<DhcpSubnet>,
    pub arp_entries: Vec<ArpEntry>,
    pub mac_entries: Vec<MacEntry>,
    pub bgp_peers: Vec<BgpPeer>,
    pub bgp_networks: Vec<BgpNetwork>,
}

impl Part {
    /// Number of MidoNet objects and entries this part asks for (rules, routes, members and
    /// table entries each count one): the write count of building it from nothing, excluding
    /// links, bindings and filter updates.
    pub fn object_count(&self) -> usize {
        self.routers.len()
            + self.bridges.len()
            + self.ports.len()
            + self.routes.len()
            + self.chains.iter().map(|c| 1 + c.rules.len()).sum::<usize>()
            + self
                .ip_addr_groups
                .iter()
                .map(|g| 1 + g.addrs.len())
                .sum::<usize>()
            + self
                .port_groups
                .iter()
                .map(|g| 1 + g.members.len())
                .sum::<usize>()
            + self
                .dhcp_subnets
                .iter()
                .map(|d| 1 + d.hosts.len())
                .sum::<usize>()
            + self.arp_entries.len()
            + self.mac_entries.len()
            + self.bgp_peers.len()
            + self.bgp_networks.len()
    }
}

/// The whole desired topology: the core part and one part per VPC.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Topology {
    pub core: Part,
    pub vpcs: std::collections::BTreeMap<String, Part>,
}

impl Topology {
    pub fn part(&self, scope: &Scope) -> Option<&Part> {
        match scope {
            Scope::Core => Some(&self.core),
            Scope::Vpc(v) => self.vpcs.get(v),
        }
    }
    pub fn parts(&self) -> impl Iterator<Item = (Scope, &Part)> {
        std::iter::once((Scope::Core, &self.core))
            .chain(self.vpcs.iter().map(|(v, p)| (Scope::Vpc(v.clone()), p)))
    }
}
