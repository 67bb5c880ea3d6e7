//! [`Snapshot`]: one observed picture of MidoNet, as DTOs — the planner's input — and
//! [`MidonetClient::discover`], which fetches it.
//!
//! Cost model: one GET per top-level collection, then one GET per child collection of each
//! parent whose name the [`DiscoverFilter`] accepts (plus one DHCP-hosts GET per subnet of an
//! accepted bridge). No per-object GETs. Everything runs concurrently (`buffer_unordered`, up
//! to `read_concurrency` in flight) inside the shared read budget. eucanetd lists the same
//! collections (spec `midonet-api.md` §11 "load cache"/"load children") but for every object;
//! the filter is what lets one VPC's actor read only its own VPC plus the core devices.
//!
//! Tenancy: routers, bridges, chains and port groups are listed with `?tenant_id=` (MidoNet
//! filters those four, §10); IP address groups, tunnel zones and hosts have no tenant and are
//! listed whole.
use crate::midonet::client::dhcp::SubnetKey;
use crate::midonet::client::{Kind, MidonetClient, Result, EUCA_TENANT};
use crate::midonet::dto::{
    BgpNetwork, BgpPeer, Bridge, Chain, DhcpHost, DhcpSubnet, Host, Ip4Mac, IpAddrGroup,
    IpAddrGroupAddr, MacPort, Port, PortGroup, PortGroupPort, Route, Router, Rule, TunnelZone,
    TunnelZoneHost,
};
use futures::stream::{self, StreamExt};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// The core devices every actor needs to see (spec `vpc-to-midonet.md` §2.2).
pub const CORE_NAMES: &[&str] = &["eucart", "eucabr", "eucamdrt", "eucamdbr"];

/// One observed snapshot of MidoNet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub routers: Vec<Router>,
    pub bridges: Vec<Bridge>,
    pub chains: Vec<Chain>,
    pub ip_addr_groups: Vec<IpAddrGroup>,
    pub port_groups: Vec<PortGroup>,
    pub hosts: Vec<Host>,
    pub tunnel_zones: Vec<TunnelZone>,
    /// Ports by device (router or bridge) id.
    pub ports: HashMap<Uuid, Vec<Port>>,
    /// Routes by router id (including LOCAL and learned routes).
    pub routes: HashMap<Uuid, Vec<Route>>,
    /// Rules by chain id, in position order.
    pub rules: HashMap<Uuid, Vec<Rule>>,
    /// Addresses by IP address group id.
    pub ip_addrs: HashMap<Uuid, Vec<IpAddrGroupAddr>>,
    /// Members by port group id.
    pub port_group_members: HashMap<Uuid, Vec<PortGroupPort>>,
    /// DHCP subnets by bridge id.
    pub dhcp_subnets: HashMap<Uuid, Vec<DhcpSubnet>>,
    /// DHCP hosts by (bridge id, `"<prefix>_<len>"`).
    pub dhcp_hosts: HashMap<(Uuid, String), Vec<DhcpHost>>,
    /// ARP entries by bridge id.
    pub arp_entries: HashMap<Uuid, Vec<Ip4Mac>>,
    /// MAC-table entries by bridge id.
    pub mac_entries: HashMap<Uuid, Vec<MacPort>>,
    /// BGP peers by router id.
    pub bgp_peers: HashMap<Uuid, Vec<BgpPeer>>,
    /// BGP networks by router id.
    pub bgp_networks: HashMap<Uuid, Vec<BgpNetwork>>,
    /// Members by tunnel zone id.
    pub tunnel_zone_members: HashMap<Uuid, Vec<TunnelZoneHost>>,
}

impl Snapshot {
    /// Every port of every fetched device.
    pub fn all_ports(&self) -> impl Iterator<Item = &Port> {
        self.ports.values().flatten()
    }

    /// A port by id, among the fetched ones.
    pub fn port(&self, id: Uuid) -> Option<&Port> {
        self.all_ports().find(|p| p.id == Some(id))
    }

    /// Number of objects held (lists and children), for logs and tests.
    pub fn object_count(&self) -> usize {
        fn n<K, V>(m: &HashMap<K, Vec<V>>) -> usize {
            m.values().map(Vec::len).sum()
        }
        self.routers.len()
            + self.bridges.len()
            + self.chains.len()
            + self.ip_addr_groups.len()
            + self.port_groups.len()
            + self.hosts.len()
            + self.tunnel_zones.len()
            + n(&self.ports)
            + n(&self.routes)
            + n(&self.rules)
            + n(&self.ip_addrs)
            + n(&self.port_group_members)
            + n(&self.dhcp_subnets)
            + n(&self.dhcp_hosts)
            + n(&self.arp_entries)
            + n(&self.mac_entries)
            + n(&self.bgp_peers)
            + n(&self.bgp_networks)
            + n(&self.tunnel_zone_members)
    }
}

/// Which parents' children to fetch: a predicate on (kind, name). Top-level lists are always
/// fetched whole (one GET each); the predicate decides the per-parent child GETs.
#[derive(Clone)]
pub struct DiscoverFilter {
    /// `?tenant_id=` on routers, bridges, chains and port groups (`None`: every tenant).
    pub tenant: Option<String>,
    accept: NamePredicate,
}

/// A predicate on (kind, name).
pub type NamePredicate = Arc<dyn Fn(Kind, &str) -> bool + Send + Sync>;

impl std::fmt::Debug for DiscoverFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscoverFilter")
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}

impl Default for DiscoverFilter {
    /// Everything owned by `euca_tenant_1`, with every child collection.
    fn default() -> Self {
        DiscoverFilter {
            tenant: Some(EUCA_TENANT.to_string()),
            accept: Arc::new(|_, _| true),
        }
    }
}

impl DiscoverFilter {
    /// Children of objects whose name passes `accept` (kind, name); unnamed objects are passed
    /// as `""`.
    pub fn new(accept: impl Fn(Kind, &str) -> bool + Send + Sync + 'static) -> Self {
        DiscoverFilter {
            tenant: Some(EUCA_TENANT.to_string()),
            accept: Arc::new(accept),
        }
    }

    /// Children of the core devices ([`CORE_NAMES`]) plus whatever `accept` passes: one VPC's
    /// actor passes a predicate on its own names.
    pub fn core_and(accept: impl Fn(Kind, &str) -> bool + Send + Sync + 'static) -> Self {
        Self::new(move |k, n| CORE_NAMES.contains(&n) || accept(k, n))
    }

    /// Another tenant (or `None` for all).
    pub fn with_tenant(mut self, tenant: Option<&str>) -> Self {
        self.tenant = tenant.map(str::to_string);
        self
    }

    pub fn accepts(&self, kind: Kind, name: Option<&str>) -> bool {
        (self.accept)(kind, name.unwrap_or(""))
    }
}

/// One child collection fetched during discovery.
enum Child {
    Ports(Uuid, Vec<Port>),
    Routes(Uuid, Vec<Route>),
    BgpPeers(Uuid, Vec<BgpPeer>),
    BgpNetworks(Uuid, Vec<BgpNetwork>),
    Rules(Uuid, Vec<Rule>),
    IpAddrs(Uuid, Vec<IpAddrGroupAddr>),
    PortGroupMembers(Uuid, Vec<PortGroupPort>),
    TunnelZoneMembers(Uuid, Vec<TunnelZoneHost>),
    Dhcp(Uuid, Vec<DhcpSubnet>, Vec<(String, Vec<DhcpHost>)>),
    Arp(Uuid, Vec<Ip4Mac>),
    Mac(Uuid, Vec<MacPort>),
    /// The parent was deleted between its list and its child GET (another actor's delete):
    /// it is simply not in this snapshot's children.
    Gone,
}

type ChildFut<'a> = futures::future::BoxFuture<'a, Result<Child>>;

impl MidonetClient {
    /// Fetches a [`Snapshot`]: the top-level lists, then the children of the parents `filter`
    /// accepts (see the module doc for the cost).
    pub async fn discover(&self, filter: &DiscoverFilter) -> Result<Snapshot> {
        let tenant = filter.tenant.as_deref();
        let (routers, bridges, chains, ip_addr_groups, port_groups, hosts, tunnel_zones) = futures::try_join!(
            self.list_routers(tenant),
            self.list_bridges(tenant),
            self.list_chains(tenant),
            self.list_ip_addr_groups(),
            self.list_port_groups(tenant),
            self.list_hosts(),
            self.list_tunnel_zones(),
        )?;

        let mut jobs: Vec<ChildFut<'_>> = Vec::new();
        for r in &routers {
            let Some(id) = r.id else { continue };
            if !filter.accepts(Kind::Router, r.name.as_deref()) {
                continue;
            }
            jobs.push(Box::pin(async move {
                Ok(Child::Ports(
                    id,
                    self.list_device_ports(Kind::Router, id).await?,
                ))
            }));
            jobs.push(Box::pin(async move {
                Ok(Child::Routes(id, self.list_routes(id).await?))
            }));
            jobs.push(Box::pin(async move {
                Ok(Child::BgpPeers(id, self.list_bgp_peers(id).await?))
            }));
            jobs.push(Box::pin(async move {
                Ok(Child::BgpNetworks(id, self.list_bgp_networks(id).await?))
            }));
        }
        for b in &bridges {
            let Some(id) = b.id else { continue };
            if !filter.accepts(Kind::Bridge, b.name.as_deref()) {
                continue;
            }
            jobs.push(Box::pin(async move {
                Ok(Child::Ports(
                    id,
                    self.list_device_ports(Kind::Bridge, id).await?,
                ))
            }));
            jobs.push(Box::pin(async move {
                Ok(Child::Arp(id, self.list_arp_entries(id).await?))
            }));
            jobs.push(Box::pin(async move {
                Ok(Child::Mac(id, self.list_mac_entries(id).await?))
            }));
            jobs.push(Box::pin(async move {
                // DHCP hosts hang off each subnet: one more GET per subnet, chained here so
                // the bridge's subnets and hosts arrive together.
                let subnets = self.list_dhcp_subnets(id).await?;
                let keys: Vec<SubnetKey> = subnets.iter().filter_map(SubnetKey::of).collect();
                let hosts = futures::future::try_join_all(keys.into_iter().map(|k| async move {
                    let h = self.list_dhcp_hosts(id, &k).await?;
                    Ok::<_, crate::midonet::client::Error>((k.to_string(), h))
                }))
                .await?;
                Ok(Child::Dhcp(id, subnets, hosts))
            }));
        }
        for c in &chains {
            let Some(id) = c.id else { continue };
            if filter.accepts(Kind::Chain, c.name.as_deref()) {
                jobs.push(Box::pin(async move {
                    Ok(Child::Rules(id, self.list_rules(id).await?))
                }));
            }
        }
        for g in &ip_addr_groups {
            let Some(id) = g.id else { continue };
            if filter.accepts(Kind::IpAddrGroup, g.name.as_deref()) {
                jobs.push(Box::pin(async move {
                    Ok(Child::IpAddrs(id, self.list_ip_addrs(id).await?))
                }));
            }
        }
        for g in &port_groups {
            let Some(id) = g.id else { continue };
            if filter.accepts(Kind::PortGroup, g.name.as_deref()) {
                jobs.push(Box::pin(async move {
                    Ok(Child::PortGroupMembers(
                        id,
                        self.list_port_group_members(id).await?,
                    ))
                }));
            }
        }
        for z in &tunnel_zones {
            let Some(id) = z.id else { continue };
            if filter.accepts(Kind::TunnelZone, z.name.as_deref()) {
                jobs.push(Box::pin(async move {
                    Ok(Child::TunnelZoneMembers(
                        id,
                        self.list_tunnel_zone_members(id).await?,
                    ))
                }));
            }
        }

        let mut snap = Snapshot {
            routers,
            bridges,
            chains,
            ip_addr_groups,
            port_groups,
            hosts,
            tunnel_zones,
            ..Snapshot::default()
        };
        let mut results = stream::iter(jobs).buffer_unordered(self.inner.read_concurrency);
        while let Some(child) = results.next().await {
            let child = match child {
                Err(e) if e.is_not_found() => Child::Gone,
                other => other?,
            };
            match child {
                Child::Gone => {}
                Child::Ports(id, v) => {
                    snap.ports.insert(id, v);
                }
                Child::Routes(id, v) => {
                    snap.routes.insert(id, v);
                }
                Child::BgpPeers(id, v) => {
                    snap.bgp_peers.insert(id, v);
                }
                Child::BgpNetworks(id, v) => {
                    snap.bgp_networks.insert(id, v);
                }
                Child::Rules(id, mut v) => {
                    // MidoNet lists rules in chain order already (§9.8); sorting keeps the
                    // promise even against a server that does not.
                    v.sort_by_key(|r| r.position);
                    snap.rules.insert(id, v);
                }
                Child::IpAddrs(id, v) => {
                    snap.ip_addrs.insert(id, v);
                }
                Child::PortGroupMembers(id, v) => {
                    snap.port_group_members.insert(id, v);
                }
                Child::TunnelZoneMembers(id, v) => {
                    snap.tunnel_zone_members.insert(id, v);
                }
                Child::Dhcp(id, subnets, hosts) => {
                    snap.dhcp_subnets.insert(id, subnets);
                    for (k, h) in hosts {
                        snap.dhcp_hosts.insert((id, k), h);
                    }
                }
                Child::Arp(id, v) => {
                    snap.arp_entries.insert(id, v);
                }
                Child::Mac(id, v) => {
                    snap.mac_entries.insert(id, v);
                }
            }
        }
        Ok(snap)
    }
}
