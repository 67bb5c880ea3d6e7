//! The in-memory topology: one map per stored kind plus the hidden back-reference lists
//! MidoNet's storage keeps (router → ports, chain → rules and jump rules, port → groups, ...),
//! so child lists and cascades cost O(children), never a scan. It owns the referential rules of
//! spec §7.3 (cascade, clear) but no HTTP: handlers validate and call in here.
//!
//! Stored DTOs carry no link fields; `render` adds them per request.
use crate::midonet::dto::{
    BgpNetwork, BgpPeer, Bridge, Chain, DhcpHost, DhcpSubnet, Host, IpAddrGroup, Port, PortGroup,
    Route, Router, Rule, RuleAction, TunnelZone, TunnelZoneHost,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RouterRec {
    pub dto: Router,
    pub port_ids: Vec<Uuid>,
    /// Routes stored with this router id (blackhole/reject, or `Local` with a body routerId).
    pub route_ids: Vec<Uuid>,
    pub bgp_peer_ids: Vec<Uuid>,
    pub bgp_network_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BridgeRec {
    pub dto: Bridge,
    pub port_ids: Vec<Uuid>,
    /// DHCP subnets in insertion order, hosts embedded (spec §9.14).
    pub dhcp: Vec<SubnetRec>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubnetRec {
    pub dto: DhcpSubnet,
    pub hosts: Vec<DhcpHost>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PortRec {
    pub dto: Port,
    /// Routes whose `nextHopPort` is this port (they die with it).
    pub route_ids: Vec<Uuid>,
    pub port_group_ids: Vec<Uuid>,
}

/// What a stored route hangs off (spec §9.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attach {
    Router(Uuid),
    Port(Uuid),
    Nothing,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RouteRec {
    pub dto: Route,
    pub attach: Attach,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChainRec {
    pub dto: Chain,
    pub rule_ids: Vec<Uuid>,
    /// Jump rules in other chains that target this chain; never pruned (spec §7.3).
    pub jump_rule_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IpgRec {
    pub dto: IpAddrGroup,
    /// (version, canonical address) in insertion order.
    pub addrs: Vec<(i32, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PortGroupRec {
    pub dto: PortGroup,
    pub port_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HostRec {
    pub dto: Host,
    pub port_ids: Vec<Uuid>,
    pub tunnel_zone_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TunnelZoneRec {
    pub dto: TunnelZone,
    pub members: Vec<TunnelZoneHost>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MacEntry {
    pub mac: String,
    pub port_id: Uuid,
    pub vlan: i32,
}

/// The whole topology. Top-level maps are ordered by id (MidoNet guarantees no order; a stable
/// one makes runs reproducible).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Store {
    pub routers: BTreeMap<Uuid, RouterRec>,
    pub bridges: BTreeMap<Uuid, BridgeRec>,
    pub ports: BTreeMap<Uuid, PortRec>,
    pub routes: BTreeMap<Uuid, RouteRec>,
    pub chains: BTreeMap<Uuid, ChainRec>,
    pub rules: BTreeMap<Uuid, Rule>,
    pub ip_addr_groups: BTreeMap<Uuid, IpgRec>,
    pub port_groups: BTreeMap<Uuid, PortGroupRec>,
    pub hosts: BTreeMap<Uuid, HostRec>,
    pub tunnel_zones: BTreeMap<Uuid, TunnelZoneRec>,
    pub bgp_peers: BTreeMap<Uuid, BgpPeer>,
    pub bgp_networks: BTreeMap<Uuid, BgpNetwork>,
    /// Bridge ARP tables: bridge id → (ip, mac as sent).
    pub arp: HashMap<Uuid, Vec<(String, String)>>,
    /// Bridge MAC tables: bridge id → entries of every VLAN.
    pub mac: HashMap<Uuid, Vec<MacEntry>>,
    /// Chain id → devices and ports that use it as a filter (the CLEAR bindings of §7.3).
    pub chain_users: HashMap<Uuid, BTreeSet<Uuid>>,
    /// Agent state: port id → active.
    pub port_active: HashMap<Uuid, bool>,
    /// Agent state: router port id → BGP status text.
    pub port_bgp_status: HashMap<Uuid, String>,
    /// Agent state: router id → learned (BGP) routes.
    pub learned_routes: HashMap<Uuid, Vec<Route>>,
    /// Cluster-wide tunnel key counter (spec §7.5).
    pub next_tunnel_key: i32,
}

/// The filter chains a router, bridge or port references (tracked bindings only).
pub fn router_chains(r: &Router) -> Vec<Uuid> {
    [
        r.inbound_filter_id,
        r.outbound_filter_id,
        r.local_redirect_chain_id,
    ]
    .into_iter()
    .flatten()
    .collect()
}
pub fn bridge_chains(b: &Bridge) -> Vec<Uuid> {
    [b.inbound_filter_id, b.outbound_filter_id]
        .into_iter()
        .flatten()
        .collect()
}
pub fn port_chains(p: &Port) -> Vec<Uuid> {
    [p.inbound_filter_id, p.outbound_filter_id]
        .into_iter()
        .flatten()
        .collect()
}

impl Store {
    /// Number of stored objects of every kind (for stats and tests).
    pub fn object_count(&self) -> usize {
        self.routers.len()
            + self.bridges.len()
            + self.ports.len()
            + self.routes.len()
            + self.chains.len()
            + self.rules.len()
            + self.ip_addr_groups.len()
            + self.port_groups.len()
            + self.hosts.len()
            + self.tunnel_zones.len()
            + self.bgp_peers.len()
            + self.bgp_networks.len()
    }

    /// Draws the next tunnel key.
    pub fn tunnel_key(&mut self) -> i32 {
        // Wraps instead of overflowing (a debug-build panic) after 2^31 keys.
        self.next_tunnel_key = self.next_tunnel_key.wrapping_add(1).max(1);
        self.next_tunnel_key
    }

    /// Re-indexes the filter references of `user` from `old` to `new` chains.
    pub fn reindex_filters(&mut self, user: Uuid, old: &[Uuid], new: &[Uuid]) {
        for c in old {
            if let Some(set) = self.chain_users.get_mut(c) {
                set.remove(&user);
            }
        }
        for c in new {
            self.chain_users.entry(*c).or_default().insert(user);
        }
    }

    /// Deletes a router and what it owns (spec §7.3 Router row).
    pub fn delete_router(&mut self, id: Uuid) -> bool {
        let Some(rec) = self.routers.remove(&id) else {
            return false;
        };
        for p in rec.port_ids {
            self.delete_port(p);
        }
        for r in rec.route_ids {
            self.routes.remove(&r);
        }
        for b in rec.bgp_peer_ids {
            self.bgp_peers.remove(&b);
        }
        for b in rec.bgp_network_ids {
            self.bgp_networks.remove(&b);
        }
        self.reindex_filters(id, &router_chains(&rec.dto), &[]);
        self.learned_routes.remove(&id);
        true
    }

    /// Deletes a bridge, its ports and DHCP subnets (spec §7.3 Bridge row).
    pub fn delete_bridge(&mut self, id: Uuid) -> bool {
        let Some(rec) = self.bridges.remove(&id) else {
            return false;
        };
        for p in rec.port_ids {
            self.delete_port(p);
        }
        self.reindex_filters(id, &bridge_chains(&rec.dto), &[]);
        self.arp.remove(&id);
        self.mac.remove(&id);
        true
    }

    /// Deletes a port with its routes, peer link, binding and memberships (spec §7.3 Port row).
    pub fn delete_port(&mut self, id: Uuid) -> bool {
        let Some(rec) = self.ports.remove(&id) else {
            return false;
        };
        let dev = rec.dto.device_id;
        if let Some(dev) = dev {
            if let Some(r) = self.routers.get_mut(&dev) {
                r.port_ids.retain(|p| *p != id);
            } else if let Some(b) = self.bridges.get_mut(&dev) {
                b.port_ids.retain(|p| *p != id);
            }
        }
        for r in rec.route_ids {
            self.routes.remove(&r);
        }
        if let Some(peer) = rec.dto.peer_id {
            if let Some(p) = self.ports.get_mut(&peer) {
                p.dto.peer_id = None;
            }
        }
        if let Some(h) = rec.dto.host_id {
            if let Some(h) = self.hosts.get_mut(&h) {
                h.port_ids.retain(|p| *p != id);
            }
        }
        for g in rec.port_group_ids {
            if let Some(g) = self.port_groups.get_mut(&g) {
                g.port_ids.retain(|p| *p != id);
            }
        }
        self.reindex_filters(id, &port_chains(&rec.dto), &[]);
        self.port_active.remove(&id);
        self.port_bgp_status.remove(&id);
        true
    }

    /// Deletes a route from wherever it hangs.
    pub fn delete_route(&mut self, id: Uuid) -> bool {
        let Some(rec) = self.routes.remove(&id) else {
            return false;
        };
        match rec.attach {
            Attach::Router(r) => {
                if let Some(r) = self.routers.get_mut(&r) {
                    r.route_ids.retain(|x| *x != id);
                }
            }
            Attach::Port(p) => {
                if let Some(p) = self.ports.get_mut(&p) {
                    p.route_ids.retain(|x| *x != id);
                }
            }
            Attach::Nothing => {}
        }
        true
    }

    /// Deletes a chain: its rules, the filters using it (cleared), and the jump rules that
    /// target it (found through the unpruned jump list, stale ids skipped; spec §7.3).
    pub fn delete_chain(&mut self, id: Uuid) -> bool {
        let Some(rec) = self.chains.remove(&id) else {
            return false;
        };
        for r in &rec.rule_ids {
            self.rules.remove(r);
        }
        for j in rec.jump_rule_ids {
            self.delete_rule(j);
        }
        for user in self.chain_users.remove(&id).unwrap_or_default() {
            let clear = |f: &mut Option<Uuid>| {
                if *f == Some(id) {
                    *f = None;
                }
            };
            if let Some(r) = self.routers.get_mut(&user) {
                clear(&mut r.dto.inbound_filter_id);
                clear(&mut r.dto.outbound_filter_id);
                clear(&mut r.dto.local_redirect_chain_id);
            } else if let Some(b) = self.bridges.get_mut(&user) {
                clear(&mut b.dto.inbound_filter_id);
                clear(&mut b.dto.outbound_filter_id);
            } else if let Some(p) = self.ports.get_mut(&user) {
                clear(&mut p.dto.inbound_filter_id);
                clear(&mut p.dto.outbound_filter_id);
            }
        }
        true
    }

    /// Deletes a rule; later rules of its chain move up one position.
    pub fn delete_rule(&mut self, id: Uuid) -> bool {
        let Some(rule) = self.rules.remove(&id) else {
            return false;
        };
        if let Some(c) = rule.chain_id.and_then(|c| self.chains.get_mut(&c)) {
            c.rule_ids.retain(|r| *r != id);
        }
        true
    }

    /// Inserts a rule at a 1-based position already validated, recording jump targets.
    pub fn insert_rule(&mut self, chain: Uuid, pos: usize, rule: Rule, id: Uuid) {
        if let RuleAction::Jump(j) = &rule.action {
            if let Some(t) = j.jump_chain_id.and_then(|t| self.chains.get_mut(&t)) {
                t.jump_rule_ids.push(id);
            }
        }
        if let Some(c) = self.chains.get_mut(&chain) {
            let at = pos.saturating_sub(1).min(c.rule_ids.len());
            c.rule_ids.insert(at, id);
        }
        self.rules.insert(id, rule);
    }

    /// Deletes a port group, dropping it from its members.
    pub fn delete_port_group(&mut self, id: Uuid) -> bool {
        let Some(rec) = self.port_groups.remove(&id) else {
            return false;
        };
        for p in rec.port_ids {
            if let Some(p) = self.ports.get_mut(&p) {
                p.port_group_ids.retain(|g| *g != id);
            }
        }
        true
    }

    /// Deletes a tunnel zone, dropping it from its member hosts (bindings untouched).
    pub fn delete_tunnel_zone(&mut self, id: Uuid) -> bool {
        let Some(rec) = self.tunnel_zones.remove(&id) else {
            return false;
        };
        for m in rec.members {
            if let Some(h) = m.host_id.and_then(|h| self.hosts.get_mut(&h)) {
                h.tunnel_zone_ids.retain(|z| *z != id);
            }
        }
        true
    }

    /// Removes a host from its zones and deletes it (the 403 checks are the handler's).
    pub fn delete_host(&mut self, id: Uuid) -> bool {
        let Some(rec) = self.hosts.remove(&id) else {
            return false;
        };
        for z in rec.tunnel_zone_ids {
            if let Some(z) = self.tunnel_zones.get_mut(&z) {
                z.members.retain(|m| m.host_id != Some(id));
            }
        }
        true
    }

    pub fn delete_bgp_peer(&mut self, id: Uuid) -> bool {
        let Some(p) = self.bgp_peers.remove(&id) else {
            return false;
        };
        if let Some(r) = p.router_id.and_then(|r| self.routers.get_mut(&r)) {
            r.bgp_peer_ids.retain(|x| *x != id);
        }
        true
    }

    pub fn delete_bgp_network(&mut self, id: Uuid) -> bool {
        let Some(n) = self.bgp_networks.remove(&id) else {
            return false;
        };
        if let Some(r) = n.router_id.and_then(|r| self.routers.get_mut(&r)) {
            r.bgp_network_ids.retain(|x| *x != id);
        }
        true
    }

    /// The id of any stored object (for the 409 on client-chosen ids of the same kind).
    pub fn name_of(&self, id: &Uuid) -> Option<String> {
        if let Some(r) = self.routers.get(id) {
            return r.dto.name.clone();
        }
        if let Some(b) = self.bridges.get(id) {
            return b.dto.name.clone();
        }
        if let Some(c) = self.chains.get(id) {
            return c.dto.name.clone();
        }
        if let Some(g) = self.port_groups.get(id) {
            return g.dto.name.clone();
        }
        if let Some(g) = self.ip_addr_groups.get(id) {
            return g.dto.name.clone();
        }
        if let Some(h) = self.hosts.get(id) {
            return h.dto.name.clone();
        }
        if let Some(z) = self.tunnel_zones.get(id) {
            return z.dto.name.clone();
        }
        if let Some(p) = self.ports.get(id) {
            return p.dto.device_id.and_then(|d| self.name_of(&d));
        }
        if let Some(r) = self.rules.get(id) {
            return r.chain_id.and_then(|c| self.name_of(&c));
        }
        None
    }
}
