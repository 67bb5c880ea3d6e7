//! The validated, typed global network view.
//!
//! Every value here has passed the checks of `convert`: addresses are `Ipv4Addr`, CIDRs
//! `Ipv4Net`, protocol-dependent fields are folded into [`Traffic`], route targets into
//! [`RouteTarget`], and references between elements are known to resolve. Ids stay `String`s
//! (the translation layer names MidoNet objects after them). Lists keep document order:
//! ACL entries are evaluated in it, and eucanetd compares gateways position by position.
//! Lookups by id live in `index.rs`.
use ipnet::Ipv4Net;
use std::fmt;
use std::net::Ipv4Addr;
use std::sync::OnceLock;

use super::index::Index;

/// A whole view: root attributes, configuration and the five resource sections.
///
/// Fields are public for reading and for building views (`gen`, tests). Lookups such as
/// [`Gni::vpc`] index the view on first use, so finish mutating a view before looking up.
#[derive(Debug, Clone)]
pub struct Gni {
    /// `@version`: 8 lower-case hex digits; compare for equality only.
    pub version: String,
    /// `@applied-version` with `@applied-time`, present together or not at all.
    pub applied: Option<Applied>,
    pub config: Config,
    pub vpcs: Vec<Vpc>,
    pub instances: Vec<Instance>,
    pub dhcp_option_sets: Vec<DhcpOptionSet>,
    pub internet_gateways: Vec<InternetGateway>,
    pub security_groups: Vec<SecurityGroup>,
    pub(crate) index: OnceLock<Index>,
}

impl PartialEq for Gni {
    /// Views are equal when their content is; the lazily built index is derived data.
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
            && self.applied == other.applied
            && self.config == other.config
            && self.vpcs == other.vpcs
            && self.instances == other.instances
            && self.dhcp_option_sets == other.dhcp_option_sets
            && self.internet_gateways == other.internet_gateways
            && self.security_groups == other.security_groups
    }
}

impl Gni {
    /// An empty view with this version and configuration, to be filled in by the caller.
    pub fn new(version: impl Into<String>, config: Config) -> Gni {
        Gni {
            version: version.into(),
            applied: None,
            config,
            vpcs: Vec::new(),
            instances: Vec::new(),
            dhcp_option_sets: Vec::new(),
            internet_gateways: Vec::new(),
            security_groups: Vec::new(),
            index: OnceLock::new(),
        }
    }
}

/// The apply handshake attributes (spec §3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// 8 lower-case hex digits.
    pub version: String,
    /// `yyyy-MM-ddTHH:mm:ssZ`, kept as text: nothing here computes with it.
    pub time: String,
}

/// The networking mode. Only VPCMIDO views load; see docs/decisions.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Vpcmido,
}

/// `<configuration>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub mode: Mode,
    /// `publicIps`, in document order. Not used by the MidoNet driver; checked against BGP
    /// advertisements.
    pub public_ips: Vec<IpRange>,
    pub enabled_clc_ip: Ipv4Addr,
    pub instance_dns_domain: String,
    /// At least one, none 0.0.0.0, in document order (DHCP hands them out in this order).
    pub instance_dns_servers: Vec<Ipv4Addr>,
    pub mido: Mido,
    pub clusters: Vec<Cluster>,
}

/// An address or an inclusive `first-last` range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    pub first: Ipv4Addr,
    pub last: Ipv4Addr,
}

impl IpRange {
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        self.first <= ip && ip <= self.last
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// `<property name="mido">`: the MidoNet gateways and BGP settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Mido {
    /// 1..6 gateways, in document order (order is significant to eucanetd).
    pub gateways: Vec<Gateway>,
    /// Ignored by eucanetd since 4.4; kept for round trips.
    pub eucanetd_host: Option<String>,
    /// The deployment's local AS number; set exactly when every gateway is BGP.
    pub bgp_asn: Option<u32>,
    /// Legacy: the external CIDR shared by all legacy-format gateways.
    pub public_network_cidr: Option<Ipv4Net>,
    /// Legacy: the next hop shared by all legacy-format gateways.
    pub public_gateway_ip: Option<Ipv4Addr>,
}

/// One MidoNet gateway, with the legacy format already resolved (spec §4.3.2): a legacy
/// gateway's CIDR and next hop come from the mido-level legacy properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Gateway {
    /// How the gateway was written, so a round trip writes it back the same way.
    pub format: GatewayFormat,
    /// The MidoNet host: `ip` (an address) or legacy `gatewayHost` (a name or an address).
    pub host: String,
    pub external_cidr: Ipv4Net,
    /// Interface bound to the uplink port (≤ 15 characters).
    pub external_device: String,
    /// Address of the uplink port, inside `external_cidr`.
    pub external_ip: Ipv4Addr,
    pub routing: Routing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayFormat {
    /// 4.4+: `ip`, `externalCidr`, `externalDevice`, `externalIp`, ...
    Current,
    /// 4.2–4.3: `gatewayHost`, `gatewayIP`, `gatewayInterface`.
    Legacy,
}

/// How traffic leaves MidoNet through a gateway.
#[derive(Debug, Clone, PartialEq)]
pub enum Routing {
    /// A default route to `next_hop` (`externalRouterIp`, or legacy `publicGatewayIP`).
    Static { next_hop: Ipv4Addr },
    /// A BGP session with `peer_ip`/`peer_asn`, advertising `ad_routes` (≥ 1). The local AS
    /// is `Mido::bgp_asn`. `external_router_ip` is allowed alongside (the CLC does not forbid
    /// it) but unused: eucanetd prefers the BGP peer.
    Bgp {
        peer_ip: Ipv4Addr,
        peer_asn: u32,
        ad_routes: Vec<Ipv4Net>,
        external_router_ip: Option<Ipv4Addr>,
    },
}

/// `<cluster>`: an availability zone and its node controllers.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The partition name that `Subnet::cluster` refers to.
    pub name: String,
    /// The EDGE private subnet; a fixed placeholder in VPCMIDO, kept for round trips.
    pub subnet: Option<ClusterSubnet>,
    pub enabled_cc_ip: Ipv4Addr,
    pub mac_prefix: MacPrefix,
    /// Placeholder pool in VPCMIDO; kept for round trips.
    pub private_ips: Vec<IpRange>,
    pub nodes: Vec<Node>,
}

/// `cluster/subnet` (EDGE meaning; placeholder in VPCMIDO).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSubnet {
    pub name: String,
    pub subnet: Ipv4Addr,
    pub netmask: Ipv4Addr,
    pub gateway: Ipv4Addr,
}

/// A node controller host and the instances running on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The NC host as registered; eucanetd binds the instances' ENI ports to the MidoNet host
    /// of this name.
    pub name: String,
    pub instance_ids: Vec<String>,
}

/// `<vpc>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vpc {
    pub id: String,
    pub owner_id: String,
    pub cidr: Ipv4Net,
    pub dhcp_option_set: Option<String>,
    pub subnets: Vec<Subnet>,
    pub network_acls: Vec<NetworkAcl>,
    pub route_tables: Vec<RouteTable>,
    pub nat_gateways: Vec<NatGateway>,
    /// Ids of the internet gateways attached to this VPC.
    pub internet_gateways: Vec<String>,
}

/// `<subnet>` inside a VPC.
#[derive(Debug, Clone, PartialEq)]
pub struct Subnet {
    pub id: String,
    pub owner_id: String,
    /// Inside the VPC CIDR, not overlapping the VPC's other subnets.
    pub cidr: Ipv4Net,
    /// A `Cluster::name`.
    pub cluster: String,
    /// An ACL of the same VPC.
    pub network_acl: Option<String>,
    /// A route table of the same VPC (the main one when none is associated explicitly).
    pub route_table: String,
}

/// `<networkAcl>`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkAcl {
    pub id: String,
    pub owner_id: String,
    /// Sorted by number, unique numbers: evaluation order.
    pub ingress: Vec<AclEntry>,
    pub egress: Vec<AclEntry>,
}

/// One numbered ACL rule.
#[derive(Debug, Clone, PartialEq)]
pub struct AclEntry {
    /// 1..=32767; 32767 is the implicit final deny.
    pub number: u16,
    pub action: AclAction,
    /// Source (ingress) or destination (egress).
    pub cidr: Ipv4Net,
    pub traffic: Traffic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclAction {
    Allow,
    Deny,
}

impl AclAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AclAction::Allow => "allow",
            AclAction::Deny => "deny",
        }
    }
}

/// What a rule matches: the protocol with the fields that only exist for it, so a TCP rule
/// cannot lack ports and an "all" rule cannot carry them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Traffic {
    /// Protocol `-1`.
    All,
    /// Protocol 1 with type and code; `None` is the `-1` wildcard.
    Icmp {
        icmp_type: Option<u8>,
        code: Option<u8>,
    },
    /// Protocol 6, destination ports.
    Tcp(PortRange),
    /// Protocol 17, destination ports.
    Udp(PortRange),
    /// Any other protocol number (2..=255 except 6 and 17; never 0, 1, 6 or 17).
    Other(u8),
}

impl Traffic {
    /// The GNI protocol number: `-1` for all.
    pub fn protocol(self) -> i16 {
        match self {
            Traffic::All => -1,
            Traffic::Icmp { .. } => 1,
            Traffic::Tcp(_) => 6,
            Traffic::Udp(_) => 17,
            Traffic::Other(p) => i16::from(p),
        }
    }

    /// The port range, for TCP and UDP.
    pub fn ports(self) -> Option<PortRange> {
        match self {
            Traffic::Tcp(r) | Traffic::Udp(r) => Some(r),
            _ => None,
        }
    }
}

/// An inclusive destination port range; `from <= to`. Port 0 is a legal value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

/// `<routeTable>`.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteTable {
    pub id: String,
    pub owner_id: String,
    pub routes: Vec<Route>,
}

/// One route: a destination and exactly one target.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub destination: Ipv4Net,
    pub target: RouteTarget,
}

/// Where a route sends traffic; every id is known to resolve within the route's VPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTarget {
    /// The VPC-internal route; its destination is the VPC CIDR.
    Local,
    /// An internet gateway listed in the VPC's `internet_gateways`.
    InternetGateway(String),
    /// An ENI attached to an instance in the same VPC.
    NetworkInterface(String),
    /// A NAT gateway of the same VPC.
    NatGateway(String),
}

/// `<natGateway>`.
#[derive(Debug, Clone, PartialEq)]
pub struct NatGateway {
    /// `nat-` and 17 hex digits.
    pub id: String,
    pub owner_id: String,
    pub mac: Option<MacAddr>,
    pub public_ip: Option<Ipv4Addr>,
    /// Inside the subnet's CIDR.
    pub private_ip: Ipv4Addr,
    /// Always the enclosing VPC.
    pub vpc: String,
    pub subnet: String,
}

/// `<instance>`: identity, node mapping, and its ENIs.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub id: String,
    pub owner_id: String,
    /// These five equal those of the device-0 ENI.
    pub mac: Option<MacAddr>,
    pub public_ip: Option<Ipv4Addr>,
    pub private_ip: Ipv4Addr,
    pub vpc: String,
    pub subnet: String,
    /// ≥ 1, unique device indexes, exactly one with index 0.
    pub network_interfaces: Vec<NetworkInterface>,
    /// ≥ 1 security group ids.
    pub security_groups: Vec<String>,
}

impl Instance {
    /// The device-0 ENI (always present in a loaded view).
    pub fn primary_interface(&self) -> Option<&NetworkInterface> {
        self.network_interfaces.iter().find(|e| e.device_index == 0)
    }
}

/// `<networkInterface>`: an attached ENI, the unit eucanetd implements.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkInterface {
    pub id: String,
    pub owner_id: String,
    /// 0 = primary (takes the instance id as its MidoNet name), ≥ 1 secondary.
    pub device_index: u32,
    pub attachment_id: String,
    pub mac: MacAddr,
    /// Inside the subnet's CIDR.
    pub private_ip: Ipv4Addr,
    pub public_ip: Option<Ipv4Addr>,
    pub source_dest_check: bool,
    /// The instance's VPC.
    pub vpc: String,
    /// A subnet of that VPC.
    pub subnet: String,
    /// Possibly empty.
    pub security_groups: Vec<String>,
}

/// `<dhcpOptionSet>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhcpOptionSet {
    pub id: String,
    pub owner_id: String,
    /// Option name → values, in document order.
    pub options: Vec<DhcpOption>,
}

impl DhcpOptionSet {
    /// The values of option `name` (`domain-name-servers`, ...), if set.
    pub fn option(&self, name: &str) -> Option<&[String]> {
        self.options
            .iter()
            .find(|o| o.name == name)
            .map(|o| o.values.as_slice())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhcpOption {
    pub name: String,
    pub values: Vec<String>,
}

/// Top-level `<internetGateway>`; attachment is expressed by `Vpc::internet_gateways`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternetGateway {
    pub id: String,
    pub owner_id: String,
}

/// `<securityGroup>`.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroup {
    pub id: String,
    pub owner_id: String,
    /// Allow rules; order carries no meaning but is kept.
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
}

/// One allow rule of a security group.
#[derive(Debug, Clone, PartialEq)]
pub struct SgRule {
    pub traffic: Traffic,
    pub peer: Peer,
}

/// The other side of a security group rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    /// The members of group `id`, owned by account `owner`.
    Group {
        id: String,
        owner: String,
    },
    Cidr(Ipv4Net),
}

/// A MAC address (six octets), written `d0:0d:1a:2b:3c:4d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MacAddr(pub [u8; 6]);

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

/// A cluster MAC prefix (two octets), written `d0:0d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MacPrefix(pub [u8; 2]);

impl fmt::Display for MacPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02x}:{:02x}", self.0[0], self.0[1])
    }
}
