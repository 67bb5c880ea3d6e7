//! The host objects vpcmido owns, as plain data: the desired state built from a view (pure) and
//! the observed state read back from the kernel (filled by [`super::observe()`]).
//!
//! The MidoNet-MD design (spec vpc-to-midonet.md §4.1 step 7, §4.3):
//! - veth `eucamd_mido` ↔ `eucamd_host`; `eucamd_host` carries 169.254.169.254/29 and
//!   169.254.169.253/32, optionally inside namespace `eucamd`; route `255.0.0.0/8 via
//!   169.254.169.249` beside it;
//! - a namespace `vpc-<id>` per VPC;
//! - per subnet, veth `vn0_<subnet8>` ↔ `vn1_<subnet8>`, `vn1_` inside the VPC namespace with
//!   `<subnet .3>/<mask>`.
//!
//! Every veth end is up. The first end of every veth stays in the host namespace (it is the one
//! MidoNet binds).
use super::names::Prefix;
use crate::gni::model::{Gni, Vpc};
use crate::topology::addr;
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::Ipv4Addr;

/// Settings of the host plumbing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostSettings {
    /// Prefix of every name (empty in production: eucanetd's names).
    pub prefix: Prefix,
    /// Put `eucamd_host` in namespace `eucamd` (`MIDO_MD_VETH_USE_NETNS`, default N).
    pub md_netns: bool,
    /// The MidoNet metadata design is on (`MIDO_ENABLE_MIDOMD`, default Y): without it there
    /// is no `eucamd_*` veth. VPC namespaces and subnet veths exist in both designs (§4.3).
    pub metadata: bool,
}

impl Default for HostSettings {
    fn default() -> Self {
        HostSettings {
            prefix: Prefix::default(),
            md_netns: false,
            metadata: true,
        }
    }
}

/// A link's place: its namespace (`None` is the host namespace) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkAt {
    pub netns: Option<String>,
    pub name: String,
}

impl LinkAt {
    pub fn host(name: impl Into<String>) -> Self {
        LinkAt {
            netns: None,
            name: name.into(),
        }
    }
    pub fn inside(netns: Option<&str>, name: impl Into<String>) -> Self {
        LinkAt {
            netns: netns.map(str::to_string),
            name: name.into(),
        }
    }
}

impl fmt::Display for LinkAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.netns {
            Some(ns) => write!(f, "{ns}:{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A veth pair: `name` in the host namespace, `peer` where it belongs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Veth {
    pub name: String,
    pub peer: LinkAt,
}

/// An IPv4 route in a namespace's main table, through one of our links.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RouteAt {
    pub netns: Option<String>,
    pub dst: Ipv4Net,
    pub via: Option<Ipv4Addr>,
    pub dev: String,
}

/// What should exist on the host for a view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostState {
    pub namespaces: BTreeSet<String>,
    /// By host-side name.
    pub veths: BTreeMap<String, Veth>,
    /// Addresses (with prefix length) per link.
    pub addrs: BTreeMap<LinkAt, BTreeSet<Ipv4Net>>,
    pub routes: BTreeSet<RouteAt>,
}

impl HostState {
    /// Adds another part (a VPC's) to this one.
    pub fn merge(&mut self, other: HostState) {
        self.namespaces.extend(other.namespaces);
        self.veths.extend(other.veths);
        for (l, a) in other.addrs {
            self.addrs.entry(l).or_default().extend(a);
        }
        self.routes.extend(other.routes);
    }

    /// Every veth end, host side first.
    pub fn links(&self) -> impl Iterator<Item = LinkAt> + '_ {
        self.veths
            .values()
            .flat_map(|v| [LinkAt::host(v.name.clone()), v.peer.clone()])
    }
}

fn net(a: Ipv4Addr, len: u8) -> Ipv4Net {
    Ipv4Net::new(a, len.min(32)).unwrap_or_default()
}

/// The core part, owned by the core actor: the MidoNet-MD veth, its addresses and route.
pub fn desired_core(s: &HostSettings) -> HostState {
    let mut h = HostState::default();
    if !s.metadata {
        return h;
    }
    let p = &s.prefix;
    let ns = s.md_netns.then(|| p.md_netns());
    if let Some(ns) = &ns {
        h.namespaces.insert(ns.clone());
    }
    let host_end = LinkAt::inside(ns.as_deref(), p.md_host());
    h.veths.insert(
        p.md_mido(),
        Veth {
            name: p.md_mido(),
            peer: host_end.clone(),
        },
    );
    h.addrs.insert(
        host_end.clone(),
        BTreeSet::from([
            net(addr::METADATA_IP, addr::EXT_MD_LEN),
            net(addr::METADATA_DNS_IP, 32),
        ]),
    );
    h.routes.insert(RouteAt {
        netns: ns,
        dst: net(addr::MD_NET, 8),
        via: Some(addr::MD_EXT_PORT_IP),
        dev: host_end.name,
    });
    h
}

/// One VPC's part, owned by its VPC actor: its namespace and its subnets' veths.
pub fn desired_vpc(vpc: &Vpc, s: &HostSettings) -> HostState {
    let mut h = HostState::default();
    let p = &s.prefix;
    let ns = p.vpc_netns(&vpc.id);
    h.namespaces.insert(ns.clone());
    for sn in &vpc.subnets {
        let peer = LinkAt::inside(Some(&ns), p.vn1(&sn.id));
        h.veths.insert(
            p.vn0(&sn.id),
            Veth {
                name: p.vn0(&sn.id),
                peer: peer.clone(),
            },
        );
        h.addrs.insert(
            peer,
            BTreeSet::from([net(addr::dot(sn.cidr, 3), sn.cidr.prefix_len())]),
        );
    }
    h
}

/// Everything the host should hold for a view.
pub fn desired(view: &Gni, s: &HostSettings) -> HostState {
    let mut h = desired_core(s);
    for v in &view.vpcs {
        h.merge(desired_vpc(v, s));
    }
    h
}

/// A link as read from the kernel (only ours are kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservedLink {
    pub ifindex: u32,
    /// The peer's ifindex (`link_index`) for a veth; the peer may be in another namespace.
    pub peer_ifindex: Option<u32>,
    /// `linkinfo.info_kind` (`veth`).
    pub kind: Option<String>,
    pub up: bool,
    pub addrs: BTreeSet<Ipv4Net>,
}

/// What the kernel holds under our prefix: our namespaces, our links in the host namespace and
/// in our namespaces, and the non-kernel IPv4 routes of those namespaces (all of them, ours or
/// not, so that a conflicting foreign route is noticed instead of replaced).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    pub namespaces: BTreeSet<String>,
    pub links: BTreeMap<LinkAt, ObservedLink>,
    pub routes: BTreeSet<RouteAt>,
}

impl Observed {
    /// Whether `a` and `b` are observed and are the two ends of one veth.
    pub fn paired(&self, a: &LinkAt, b: &LinkAt) -> bool {
        match (self.links.get(a), self.links.get(b)) {
            (Some(x), Some(y)) => {
                x.peer_ifindex == Some(y.ifindex) && y.peer_ifindex == Some(x.ifindex)
            }
            _ => false,
        }
    }
}
