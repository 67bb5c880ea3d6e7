//! What MidoNet holds, normalized for planning: only the fields vpcmido compares, typed, with
//! rules converted into the same [`Rule`] values the translation produces (references as
//! MidoNet ids). Built from a discovery snapshot by `from_snapshot`; plain values, so tests
//! can write observed states directly.
use crate::topology::Rule;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;
use uuid::Uuid;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    pub routers: Vec<ORouter>,
    pub bridges: Vec<OBridge>,
    pub ports: Vec<OPort>,
    pub routes: Vec<ORoute>,
    pub chains: Vec<OChain>,
    pub ip_addr_groups: Vec<OIpAddrGroup>,
    pub port_groups: Vec<OPortGroup>,
    pub dhcp_subnets: Vec<ODhcpSubnet>,
    pub arp_entries: Vec<OArp>,
    pub mac_entries: Vec<OMac>,
    pub bgp_peers: Vec<OBgpPeer>,
    pub bgp_networks: Vec<OBgpNetwork>,
    pub hosts: Vec<OHost>,
}

/// Whether a named top-level object belongs to vpcmido: tenant `euca_tenant_1` (where MidoNet
/// has tenants) and a name vpcmido or eucanetd uses. Everything else is never touched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ORouter {
    pub id: Uuid,
    pub name: String,
    pub owned: bool,
    pub inbound_filter: Option<Uuid>,
    pub outbound_filter: Option<Uuid>,
    pub as_number: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OBridge {
    pub id: Uuid,
    pub name: String,
    pub owned: bool,
    pub inbound_filter: Option<Uuid>,
    pub outbound_filter: Option<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OPortKind {
    Router {
        address: Ipv4Addr,
        network: Ipv4Net,
        mac: Option<String>,
    },
    Bridge,
    /// A kind vpcmido never creates (VXLAN): never matched, never deleted.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OPort {
    pub id: Uuid,
    pub device: Uuid,
    pub kind: OPortKind,
    pub inbound_filter: Option<Uuid>,
    pub outbound_filter: Option<Uuid>,
    pub peer: Option<Uuid>,
    pub host: Option<Uuid>,
    pub interface: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ORoute {
    pub id: Uuid,
    pub router: Uuid,
    /// Only `Normal`, non-learned routes are compared and deleted; LOCAL routes come and go
    /// with their ports, learned ones with BGP.
    pub normal: bool,
    pub src: Ipv4Net,
    pub dst: Ipv4Net,
    pub next_hop_port: Option<Uuid>,
    pub next_hop_gateway: Option<Ipv4Addr>,
    pub weight: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ORule {
    pub id: Uuid,
    /// `None` when the rule uses something vpcmido never writes (another type, a field it
    /// does not model, a non-default fragment policy): it equals no desired rule.
    pub rule: Option<Rule<Uuid>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OChain {
    pub id: Uuid,
    pub name: String,
    pub owned: bool,
    /// In position order.
    pub rules: Vec<ORule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OIpAddrGroup {
    pub id: Uuid,
    pub name: String,
    pub owned: bool,
    /// IPv4 members; other entries are left alone.
    pub addrs: Vec<Ipv4Addr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OPortGroup {
    pub id: Uuid,
    pub name: String,
    pub owned: bool,
    pub stateful: bool,
    pub members: Vec<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ODhcpHost {
    pub name: Option<String>,
    pub mac: String,
    pub ip: Option<Ipv4Addr>,
    pub extra_opts: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ODhcpSubnet {
    pub bridge: Uuid,
    pub subnet: Ipv4Net,
    pub default_gateway: Option<Ipv4Addr>,
    pub dns_servers: Vec<Ipv4Addr>,
    pub opt121_routes: Vec<(Ipv4Net, Ipv4Addr)>,
    pub hosts: Vec<ODhcpHost>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OArp {
    pub bridge: Uuid,
    pub ip: Ipv4Addr,
    pub mac: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OMac {
    pub bridge: Uuid,
    pub mac: String,
    pub port: Uuid,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OBgpPeer {
    pub id: Uuid,
    pub router: Uuid,
    pub as_number: u32,
    pub address: Ipv4Addr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OBgpNetwork {
    pub id: Uuid,
    pub router: Uuid,
    pub subnet: Ipv4Net,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OHost {
    pub id: Uuid,
    pub name: String,
    pub alive: bool,
    /// Every address of every interface, as MidoNet lists them.
    pub addresses: Vec<String>,
}

/// Normalizes a MAC for comparison (MidoNet compares MACs by value).
pub fn mac_eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}
