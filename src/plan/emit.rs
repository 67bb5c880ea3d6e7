//! Turning matched desired and observed state into steps with dependencies.
use super::attribute::Attribution;
use super::matching::Matching;
use super::observed::*;
use super::ops::*;
use crate::topology::{Key, Part, PortKind, Scope, Topology};
use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;
use uuid::Uuid;

pub struct Emitter<'a> {
    pub(super) desired: &'a Topology,
    pub(super) obs: &'a Observed,
    pub(super) m: &'a Matching,
    pub(super) only: Option<&'a Scope>,
    pub(super) steps: Vec<Step>,
    pub(super) unresolved: Vec<Unresolved>,
    /// Step that creates an id (objects, and pseudo-ids of id-less objects such as DHCP subnets).
    pub(super) creator: HashMap<Uuid, usize>,
    /// Last step that edits a chain's rule list (ordered chains are edited in sequence).
    pub(super) chain_last: HashMap<Uuid, usize>,
    /// Steps that unbind a port (a delete of that port waits for them).
    pub(super) unbinds: HashMap<Uuid, usize>,
    /// Observed ids already deleted by a step (explicitly or by a cascade).
    pub(super) gone: HashSet<Uuid>,
    /// MACs of router ports, for ARP entries that name a port's MAC.
    pub(super) port_mac: HashMap<Key, String>,
    pub(super) ports: HashMap<Uuid, &'a OPort>,
    /// Observed objects by id and table entries by bridge, indexed once per plan (the
    /// per-scope passes look objects up here instead of re-indexing the whole observed state
    /// for every scope, which made a whole-view plan quadratic in the number of VPCs).
    pub(super) routers: HashMap<Uuid, &'a ORouter>,
    pub(super) bridges: HashMap<Uuid, &'a OBridge>,
    pub(super) chains: HashMap<Uuid, &'a OChain>,
    pub(super) groups: HashMap<Uuid, &'a OIpAddrGroup>,
    pub(super) port_groups: HashMap<Uuid, &'a OPortGroup>,
    pub(super) dhcp_by_bridge: HashMap<Uuid, Vec<&'a ODhcpSubnet>>,
    pub(super) arp_by_bridge: HashMap<Uuid, Vec<&'a OArp>>,
    pub(super) mac_by_bridge: HashMap<Uuid, Vec<&'a OMac>>,
    /// Observed routes and BGP objects some desired object (in any scope) stands for.
    pub(super) claimed_routes: HashMap<Key, Uuid>,
    pub(super) route_ids: HashSet<Uuid>,
    pub(super) bgp_claimed: HashSet<Uuid>,
}

/// The MAC vpcmido gives a router port it creates when the view names none: fixed by the key,
/// so the `.2` ARP entry can be planned before the port exists. MidoNet's own prefix is kept.
pub fn chosen_mac(key: &Key) -> String {
    let b = key.uuid().into_bytes();
    format!("ac:ca:ba:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2])
}

/// A rule's deterministic id: chain key, content and occurrence, so a retried insert is
/// recognised (409) and an identical twin still gets its own id.
pub(super) fn rule_key(chain: &Key, rule: &crate::topology::Rule, nth: usize) -> Key {
    // FNV-1a over the rule's debug form: stable for a given build, and the id only has to be
    // stable between a failed attempt and its retry.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{rule:?}").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    chain.child(format!("rule/{h:016x}/{nth}"))
}

/// Groups observed table entries by their bridge, keeping observed order.
fn by_bridge<T>(all: &[T], bridge: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<&T>> {
    let mut m: HashMap<Uuid, Vec<&T>> = HashMap::new();
    for x in all {
        m.entry(bridge(x)).or_default().push(x);
    }
    m
}

pub(super) fn dhcp_pseudo_id(bridge: Uuid, subnet: ipnet::Ipv4Net) -> Uuid {
    Uuid::new_v5(&bridge, subnet.to_string().as_bytes())
}

impl<'a> Emitter<'a> {
    pub fn new(
        desired: &'a Topology,
        obs: &'a Observed,
        m: &'a Matching,
        only: Option<&'a Scope>,
    ) -> Self {
        Emitter {
            desired,
            obs,
            m,
            only,
            steps: Vec::new(),
            unresolved: Vec::new(),
            creator: HashMap::new(),
            chain_last: HashMap::new(),
            unbinds: HashMap::new(),
            gone: HashSet::new(),
            port_mac: HashMap::new(),
            ports: obs.ports.iter().map(|p| (p.id, p)).collect(),
            routers: obs.routers.iter().map(|r| (r.id, r)).collect(),
            bridges: obs.bridges.iter().map(|r| (r.id, r)).collect(),
            chains: obs.chains.iter().map(|c| (c.id, c)).collect(),
            groups: obs.ip_addr_groups.iter().map(|g| (g.id, g)).collect(),
            port_groups: obs.port_groups.iter().map(|g| (g.id, g)).collect(),
            dhcp_by_bridge: by_bridge(&obs.dhcp_subnets, |d| d.bridge),
            arp_by_bridge: by_bridge(&obs.arp_entries, |a| a.bridge),
            mac_by_bridge: by_bridge(&obs.mac_entries, |m| m.bridge),
            claimed_routes: HashMap::new(),
            route_ids: HashSet::new(),
            bgp_claimed: HashSet::new(),
        }
    }

    /// Matches desired routes (of every part) to observed ones by content, as a multiset.
    pub(super) fn claim_routes(&mut self) {
        type RouteKey = (
            Uuid,
            ipnet::Ipv4Net,
            ipnet::Ipv4Net,
            Option<Uuid>,
            Option<Ipv4Addr>,
            u32,
        );
        let mut have: HashMap<RouteKey, Vec<Uuid>> = HashMap::new();
        for r in self.obs.routes.iter().filter(|r| r.normal) {
            have.entry((
                r.router,
                r.src,
                r.dst,
                r.next_hop_port,
                r.next_hop_gateway,
                r.weight,
            ))
            .or_default()
            .push(r.id);
        }
        for v in have.values_mut() {
            v.sort_unstable_by(|a, b| b.cmp(a));
        }
        for (_, part) in self.desired.parts() {
            for r in &part.routes {
                let k = (
                    self.m.id(&r.router),
                    r.src,
                    r.dst,
                    Some(self.m.id(&r.next_hop_port)),
                    r.next_hop_gateway,
                    r.weight,
                );
                if let Some(id) = have.get_mut(&k).and_then(|v| v.pop()) {
                    self.claimed_routes.insert(r.key.clone(), id);
                }
            }
        }
    }

    pub(super) fn route_claimed(&self, r: &ORoute) -> bool {
        self.route_ids.contains(&r.id)
    }

    pub fn finish(self) -> Plan {
        Plan {
            steps: self.steps,
            unresolved: self.unresolved,
        }
    }

    pub(super) fn in_scope(&self, s: &Scope) -> bool {
        self.only.map_or(true, |o| o == s)
    }

    pub(super) fn push(
        &mut self,
        scope: &Scope,
        op: Op,
        deps: Vec<usize>,
        what: String,
        key: Option<&Key>,
    ) -> usize {
        let i = self.steps.len();
        let mut deps = deps;
        deps.sort_unstable();
        deps.dedup();
        self.steps.push(Step {
            op,
            deps,
            scope: scope.clone(),
            what,
            key: key.cloned(),
        });
        i
    }

    /// The step creating `id`, if this plan creates it.
    pub(super) fn dep(&self, id: Uuid) -> Option<usize> {
        self.creator.get(&id).copied()
    }
    pub(super) fn deps(&self, ids: impl IntoIterator<Item = Option<Uuid>>) -> Vec<usize> {
        ids.into_iter()
            .flatten()
            .filter_map(|i| self.dep(i))
            .collect()
    }
    pub(super) fn opt_id(&self, k: &Option<Key>) -> Option<Uuid> {
        k.as_ref().map(|k| self.m.id(k))
    }

    pub fn creates_and_updates(&mut self, attr: &Attribution) {
        let desired = self.desired;
        self.claim_routes();
        self.route_ids = self.claimed_routes.values().copied().collect();
        // Core first: VPC parts refer to core objects.
        let parts: Vec<(Scope, &Part)> = desired.parts().collect();
        // Port MACs of every part (ARP entries may name a port of another step order).
        for (_, part) in &parts {
            for p in &part.ports {
                if let PortKind::Router { mac, .. } = &p.kind {
                    let observed = self.observed_port(&p.key).and_then(|o| match &o.kind {
                        OPortKind::Router { mac, .. } => mac.clone(),
                        _ => None,
                    });
                    let mac = observed
                        .or_else(|| mac.clone())
                        .unwrap_or_else(|| chosen_mac(&p.key));
                    self.port_mac.insert(p.key.clone(), mac);
                }
            }
        }
        for (scope, part) in &parts {
            if self.in_scope(scope) {
                self.named_objects(scope, part);
            }
        }
        for (scope, part) in &parts {
            if self.in_scope(scope) {
                self.devices(scope, part);
            }
        }
        for (scope, part) in &parts {
            if self.in_scope(scope) {
                self.ports_links_bindings(scope, part);
                self.routes(scope, part, attr);
                self.rules(scope, part);
                self.members_and_tables(scope, part);
            }
        }
    }

    pub(super) fn observed_port(&self, key: &Key) -> Option<&'a OPort> {
        if !self.m.exists(key) {
            return None;
        }
        self.ports.get(&self.m.id(key)).copied()
    }

    pub(super) fn named_objects(&mut self, scope: &Scope, part: &Part) {
        for c in &part.chains {
            let id = self.m.id(&c.key);
            if !self.m.exists(&c.key) {
                let i = self.push(
                    scope,
                    Op::CreateChain {
                        id,
                        name: c.name.clone(),
                    },
                    vec![],
                    c.name.clone(),
                    Some(&c.key),
                );
                self.creator.insert(id, i);
            }
        }
        for g in &part.ip_addr_groups {
            let id = self.m.id(&g.key);
            let mut deps = vec![];
            let have: HashSet<Ipv4Addr> = if self.m.exists(&g.key) {
                self.groups
                    .get(&id)
                    .map(|o| o.addrs.iter().copied().collect())
                    .unwrap_or_default()
            } else {
                let i = self.push(
                    scope,
                    Op::CreateIpAddrGroup {
                        id,
                        name: g.name.clone(),
                    },
                    vec![],
                    g.name.clone(),
                    Some(&g.key),
                );
                self.creator.insert(id, i);
                deps.push(i);
                HashSet::new()
            };
            for a in g.addrs.iter().filter(|a| !have.contains(a)) {
                self.push(
                    scope,
                    Op::AddIpAddr {
                        group: id,
                        addr: *a,
                    },
                    deps.clone(),
                    format!("{a} in {}", g.name),
                    Some(&g.key),
                );
            }
            let mut extra: Vec<&Ipv4Addr> = have.iter().filter(|a| !g.addrs.contains(a)).collect();
            extra.sort();
            for a in extra {
                self.push(
                    scope,
                    Op::RemoveIpAddr {
                        group: id,
                        addr: *a,
                    },
                    vec![],
                    format!("{a} in {}", g.name),
                    Some(&g.key),
                );
            }
        }
        for g in &part.port_groups {
            let id = self.m.id(&g.key);
            if !self.m.exists(&g.key) {
                let op = Op::CreatePortGroup {
                    id,
                    name: g.name.clone(),
                    stateful: g.stateful,
                };
                let i = self.push(scope, op, vec![], g.name.clone(), Some(&g.key));
                self.creator.insert(id, i);
            }
        }
    }

    pub(super) fn devices(&mut self, scope: &Scope, part: &Part) {
        for r in &part.routers {
            let id = self.m.id(&r.key);
            let filters = Filters {
                inbound: self.opt_id(&r.inbound_filter),
                outbound: self.opt_id(&r.outbound_filter),
            };
            let deps = self.deps([filters.inbound, filters.outbound]);
            match self
                .routers
                .get(&id)
                .copied()
                .filter(|_| self.m.exists(&r.key))
            {
                None => {
                    let op = Op::CreateRouter {
                        id,
                        name: r.name.clone(),
                        filters,
                        as_number: r.as_number,
                    };
                    let i = self.push(scope, op, deps, r.name.clone(), Some(&r.key));
                    self.creator.insert(id, i);
                }
                Some(o) => {
                    if o.inbound_filter != filters.inbound
                        || o.outbound_filter != filters.outbound
                        || o.as_number != r.as_number
                    {
                        let op = Op::UpdateRouter {
                            id,
                            name: r.name.clone(),
                            filters,
                            as_number: r.as_number,
                        };
                        self.push(scope, op, deps, r.name.clone(), Some(&r.key));
                    }
                }
            }
        }
        for b in &part.bridges {
            let id = self.m.id(&b.key);
            let filters = Filters {
                inbound: self.opt_id(&b.inbound_filter),
                outbound: self.opt_id(&b.outbound_filter),
            };
            let deps = self.deps([filters.inbound, filters.outbound]);
            match self
                .bridges
                .get(&id)
                .copied()
                .filter(|_| self.m.exists(&b.key))
            {
                None => {
                    let op = Op::CreateBridge {
                        id,
                        name: b.name.clone(),
                        filters,
                    };
                    let i = self.push(scope, op, deps, b.name.clone(), Some(&b.key));
                    self.creator.insert(id, i);
                }
                Some(o) => {
                    if o.inbound_filter != filters.inbound || o.outbound_filter != filters.outbound
                    {
                        let op = Op::UpdateBridge {
                            id,
                            name: b.name.clone(),
                            filters,
                        };
                        self.push(scope, op, deps, b.name.clone(), Some(&b.key));
                    }
                }
            }
        }
    }
}
