//! Turning matched desired and observed state into steps with dependencies.
use super::attribute::Attribution;
use super::chains;
use super::matching::Matching;
use super::observed::*;
use super::ops::*;
use crate::topology::{DhcpSubnet, Key, MacRef, Part, PortKind, RuleOrder, Scope, Topology};
use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;
use uuid::Uuid;

pub struct Emitter<'a> {
    desired: &'a Topology,
    obs: &'a Observed,
    m: &'a Matching,
    only: Option<&'a Scope>,
    steps: Vec<Step>,
    unresolved: Vec<Unresolved>,
    /// Step that creates an id (objects, and pseudo-ids of id-less objects such as DHCP subnets).
    creator: HashMap<Uuid, usize>,
    /// Last step that edits a chain's rule list (ordered chains are edited in sequence).
    chain_last: HashMap<Uuid, usize>,
    /// Steps that unbind a port (a delete of that port waits for them).
    unbinds: HashMap<Uuid, usize>,
    /// Observed ids already deleted by a step (explicitly or by a cascade).
    gone: HashSet<Uuid>,
    /// MACs of router ports, for ARP entries that name a port's MAC.
    port_mac: HashMap<Key, String>,
    ports: HashMap<Uuid, &'a OPort>,
    /// Observed objects by id and table entries by bridge, indexed once per plan (the
    /// per-scope passes look objects up here instead of re-indexing the whole observed state
    /// for every scope, which made a whole-view plan quadratic in the number of VPCs).
    routers: HashMap<Uuid, &'a ORouter>,
    bridges: HashMap<Uuid, &'a OBridge>,
    chains: HashMap<Uuid, &'a OChain>,
    groups: HashMap<Uuid, &'a OIpAddrGroup>,
    port_groups: HashMap<Uuid, &'a OPortGroup>,
    dhcp_by_bridge: HashMap<Uuid, Vec<&'a ODhcpSubnet>>,
    arp_by_bridge: HashMap<Uuid, Vec<&'a OArp>>,
    mac_by_bridge: HashMap<Uuid, Vec<&'a OMac>>,
    /// Observed routes and BGP objects some desired object (in any scope) stands for.
    claimed_routes: HashMap<Key, Uuid>,
    route_ids: HashSet<Uuid>,
    bgp_claimed: HashSet<Uuid>,
}

/// The MAC vpcmido gives a router port it creates when the view names none: fixed by the key,
/// so the `.2` ARP entry can be planned before the port exists. MidoNet's own prefix is kept.
pub fn chosen_mac(key: &Key) -> String {
    let b = key.uuid().into_bytes();
    format!("ac:ca:ba:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2])
}

/// A rule's deterministic id: chain key, content and occurrence, so a retried insert is
/// recognised (409) and an identical twin still gets its own id.
fn rule_key(chain: &Key, rule: &crate::topology::Rule, nth: usize) -> Key {
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

fn dhcp_pseudo_id(bridge: Uuid, subnet: ipnet::Ipv4Net) -> Uuid {
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
    fn claim_routes(&mut self) {
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

    fn route_claimed(&self, r: &ORoute) -> bool {
        self.route_ids.contains(&r.id)
    }

    pub fn finish(self) -> Plan {
        Plan {
            steps: self.steps,
            unresolved: self.unresolved,
        }
    }

    fn in_scope(&self, s: &Scope) -> bool {
        self.only.map_or(true, |o| o == s)
    }

    fn push(
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
    fn dep(&self, id: Uuid) -> Option<usize> {
        self.creator.get(&id).copied()
    }
    fn deps(&self, ids: impl IntoIterator<Item = Option<Uuid>>) -> Vec<usize> {
        ids.into_iter()
            .flatten()
            .filter_map(|i| self.dep(i))
            .collect()
    }
    fn opt_id(&self, k: &Option<Key>) -> Option<Uuid> {
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

    fn observed_port(&self, key: &Key) -> Option<&'a OPort> {
        if !self.m.exists(key) {
            return None;
        }
        self.ports.get(&self.m.id(key)).copied()
    }

    fn named_objects(&mut self, scope: &Scope, part: &Part) {
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

    fn devices(&mut self, scope: &Scope, part: &Part) {
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

    fn host_id(&self, host: &crate::topology::HostRef) -> Option<Uuid> {
        let h = host.0.as_str();
        let alive_first = |f: &dyn Fn(&OHost) -> bool| {
            let mut c: Vec<&OHost> = self.obs.hosts.iter().filter(|x| f(x)).collect();
            c.sort_by_key(|x| (!x.alive, x.id));
            c.first().map(|x| x.id)
        };
        alive_first(&|x: &OHost| x.name == h)
            .or_else(|| alive_first(&|x: &OHost| x.addresses.iter().any(|a| a == h)))
    }

    fn ports_links_bindings(&mut self, scope: &Scope, part: &Part) {
        for p in &part.ports {
            let id = self.m.id(&p.key);
            let device = self.m.id(&p.device);
            let filters = Filters {
                inbound: self.opt_id(&p.inbound_filter),
                outbound: self.opt_id(&p.outbound_filter),
            };
            let spec = match &p.kind {
                PortKind::Router {
                    address, network, ..
                } => Some(RouterPortSpec {
                    address: *address,
                    network: *network,
                    mac: self.port_mac.get(&p.key).cloned(),
                }),
                PortKind::Bridge => None,
            };
            let deps = self.deps([Some(device), filters.inbound, filters.outbound]);
            let what = format!("port {}", p.key);
            match self.observed_port(&p.key) {
                None => {
                    let op = Op::CreatePort {
                        id,
                        device,
                        router_port: spec,
                        filters,
                    };
                    let i = self.push(scope, op, deps, what, Some(&p.key));
                    self.creator.insert(id, i);
                }
                Some(o) => {
                    let mac_differs = match (&p.kind, &o.kind) {
                        (
                            PortKind::Router {
                                mac: Some(want), ..
                            },
                            OPortKind::Router { mac, .. },
                        ) => !mac.as_deref().is_some_and(|m| mac_eq(m, want)),
                        _ => false,
                    };
                    if o.inbound_filter != filters.inbound
                        || o.outbound_filter != filters.outbound
                        || mac_differs
                    {
                        let spec = match (&p.kind, spec) {
                            (
                                PortKind::Router {
                                    mac: Some(want), ..
                                },
                                Some(mut s),
                            ) => {
                                s.mac = Some(want.clone());
                                Some(s)
                            }
                            (_, s) => s,
                        };
                        let op = Op::UpdatePort {
                            id,
                            router_port: spec,
                            filters,
                        };
                        self.push(scope, op, deps, what, Some(&p.key));
                    }
                }
            }
        }
        // Links, once per pair (from the side with the smaller key).
        for p in &part.ports {
            let Some(peer) = &p.peer else { continue };
            if peer < &p.key && part.ports.iter().any(|x| &x.key == peer) {
                continue;
            }
            let (a, b) = (self.m.id(&p.key), self.m.id(peer));
            let oa = self.observed_port(&p.key);
            let ob = self.observed_port(peer);
            if oa.is_some_and(|o| o.peer == Some(b)) && ob.is_some_and(|o| o.peer == Some(a)) {
                continue;
            }
            let mut deps = self.deps([Some(a), Some(b)]);
            for (o, other) in [(oa, b), (ob, a)] {
                if let Some(o) = o {
                    if o.peer.is_some() && o.peer != Some(other) {
                        let i = self.push(
                            scope,
                            Op::Unlink { port: o.id },
                            vec![],
                            format!("port {}", p.key),
                            Some(&p.key),
                        );
                        deps.push(i);
                    }
                }
            }
            self.push(
                scope,
                Op::Link { port: a, peer: b },
                deps,
                format!("{} <-> {}", p.key, peer),
                Some(&p.key),
            );
        }
        // Host bindings.
        for p in &part.ports {
            let Some(b) = &p.binding else { continue };
            let port = self.m.id(&p.key);
            let Some(host) = self.host_id(&b.host) else {
                self.unresolved.push(Unresolved {
                    scope: scope.clone(),
                    message: format!(
                        "{}: MidoNet has no host {} to bind {} to; the port is left unbound",
                        p.key, b.host.0, b.interface
                    ),
                });
                continue;
            };
            let o = self.observed_port(&p.key);
            if o.is_some_and(|o| {
                o.host == Some(host) && o.interface.as_deref() == Some(b.interface.as_str())
            }) {
                continue;
            }
            let mut deps = self.deps([Some(port)]);
            if let Some(o) = o.filter(|o| o.interface.is_some()) {
                if let Some(old) = o.host {
                    let i = self.push(
                        scope,
                        Op::Unbind {
                            host: old,
                            port: o.id,
                        },
                        vec![],
                        format!("port {}", p.key),
                        Some(&p.key),
                    );
                    self.unbinds.insert(o.id, i);
                    deps.push(i);
                }
            }
            // Another owned port holding this host interface lets go of it first.
            let holders: Vec<Uuid> = self
                .obs
                .ports
                .iter()
                .filter(|x| {
                    x.id != port
                        && x.host == Some(host)
                        && x.interface.as_deref() == Some(b.interface.as_str())
                })
                .map(|x| x.id)
                .collect();
            for h in holders {
                let i = match self.unbinds.get(&h) {
                    Some(i) => *i,
                    None => {
                        let i = self.push(
                            scope,
                            Op::Unbind { host, port: h },
                            vec![],
                            format!("{} on host {}", b.interface, b.host.0),
                            None,
                        );
                        self.unbinds.insert(h, i);
                        i
                    }
                };
                deps.push(i);
            }
            let op = Op::Bind {
                host,
                port,
                interface: b.interface.clone(),
            };
            self.push(
                scope,
                op,
                deps,
                format!("port {} to {}:{}", p.key, b.host.0, b.interface),
                Some(&p.key),
            );
        }
    }

    fn routes(&mut self, scope: &Scope, part: &Part, attr: &Attribution) {
        for r in &part.routes {
            if self.claimed_routes.contains_key(&r.key) {
                continue;
            }
            let router = self.m.id(&r.router);
            let port = self.m.id(&r.next_hop_port);
            // A public IP's /32 on a core router that another route still holds (the address
            // moved): that route goes first, so traffic never has two owners. If it belongs to
            // a scope not being planned, wait for its owner to release it.
            let mut first = Vec::new();
            if r.dst.prefix_len() == 32 && attr.device(router) == Scope::Core {
                let holders: Vec<&ORoute> = self
                    .obs
                    .routes
                    .iter()
                    .filter(|o| {
                        o.router == router
                            && o.normal
                            && o.dst == r.dst
                            && !self.route_ids.contains(&o.id)
                    })
                    .collect();
                let mut blocked = None;
                for o in holders {
                    let owner = attr.route(o);
                    if self.in_scope(&owner) {
                        if self.gone.insert(o.id) {
                            let what = format!("{} -> {} (released)", o.src, o.dst);
                            first.push(self.push(
                                &owner,
                                Op::DeleteRoute { id: o.id },
                                vec![],
                                what,
                                None,
                            ));
                        }
                    } else {
                        blocked = Some(owner);
                    }
                }
                if let Some(owner) = blocked {
                    self.unresolved.push(Unresolved {
                        scope: scope.clone(),
                        message: format!("{}: waiting for {owner} to release it", r.dst),
                    });
                    continue;
                }
            }
            let id = self.m.id(&r.key);
            let op = Op::CreateRoute {
                id,
                router,
                src: r.src,
                dst: r.dst,
                next_hop_port: port,
                next_hop_gateway: r.next_hop_gateway,
                weight: r.weight,
            };
            let mut deps = self.deps([Some(router), Some(port)]);
            deps.extend(first);
            let what = format!("{} -> {} via {}", r.src, r.dst, r.next_hop_port);
            let i = self.push(scope, op, deps, what, Some(&r.key));
            self.creator.insert(id, i);
        }
    }

    fn rules(&mut self, scope: &Scope, part: &Part) {
        for c in &part.chains {
            let chain = self.m.id(&c.key);
            let desired: Vec<crate::topology::Rule<Uuid>> = c
                .rules
                .iter()
                .filter_map(|r| r.try_map(|k| Some(self.m.id(k))))
                .collect();
            let empty = Vec::new();
            let observed = match self
                .chains
                .get(&chain)
                .copied()
                .filter(|_| self.m.exists(&c.key))
            {
                Some(o) => &o.rules,
                None => &empty,
            };
            let edit = match c.order {
                RuleOrder::Ordered => chains::ordered(observed, &desired),
                RuleOrder::Unordered => chains::unordered(observed, &desired),
            };
            let sequential = c.order == RuleOrder::Ordered;
            for id in edit.deletes {
                let mut deps = vec![];
                if sequential {
                    deps.extend(self.chain_last.get(&chain).copied());
                }
                let i = self.push(
                    scope,
                    Op::DeleteRule { id },
                    deps,
                    format!("rule in {}", c.name),
                    Some(&c.key),
                );
                if sequential {
                    self.chain_last.insert(chain, i);
                }
            }
            let mut nth: HashMap<&crate::topology::Rule, usize> = HashMap::new();
            for (position, j) in edit.inserts {
                let rule = &desired[j];
                let n = nth.entry(&c.rules[j]).or_default();
                let id = rule_key(&c.key, &c.rules[j], *n).uuid();
                *n += 1;
                let mut refs = vec![Some(chain)];
                if let crate::topology::RuleAction::Jump(t) = &rule.action {
                    refs.push(Some(*t));
                }
                refs.push(rule.cond.ip_addr_group_src);
                refs.push(rule.cond.ip_addr_group_dst);
                refs.extend(rule.cond.out_ports.iter().map(|p| Some(*p)));
                let mut deps = self.deps(refs);
                if sequential {
                    deps.extend(self.chain_last.get(&chain).copied());
                }
                let op = Op::CreateRule {
                    id,
                    chain,
                    position,
                    rule: rule.clone(),
                };
                let what = format!("rule {} of {}", j + 1, c.name);
                let i = self.push(scope, op, deps, what, Some(&c.key));
                self.creator.insert(id, i);
                if sequential {
                    self.chain_last.insert(chain, i);
                }
            }
        }
    }

    fn members_and_tables(&mut self, scope: &Scope, part: &Part) {
        for g in &part.port_groups {
            let id = self.m.id(&g.key);
            let want: Vec<Uuid> = g.members.iter().map(|k| self.m.id(k)).collect();
            let have: Vec<Uuid> = self
                .port_groups
                .get(&id)
                .filter(|_| self.m.exists(&g.key))
                .map(|o| o.members.clone())
                .unwrap_or_default();
            for p in want.iter().filter(|p| !have.contains(p)) {
                let deps = self.deps([Some(id), Some(*p)]);
                self.push(
                    scope,
                    Op::AddPortGroupMember {
                        group: id,
                        port: *p,
                    },
                    deps,
                    format!("member of {}", g.name),
                    Some(&g.key),
                );
            }
            for p in have.iter().filter(|p| !want.contains(p)) {
                self.push(
                    scope,
                    Op::RemovePortGroupMember {
                        group: id,
                        port: *p,
                    },
                    vec![],
                    format!("member of {}", g.name),
                    Some(&g.key),
                );
            }
        }
        for d in &part.dhcp_subnets {
            self.dhcp(scope, d);
        }
        self.arp_mac(scope, part);
        let peers: Vec<&OBgpPeer> = self.obs.bgp_peers.iter().collect();
        let mut claimed: HashSet<Uuid> = HashSet::new();
        for b in &part.bgp_peers {
            let router = self.m.id(&b.router);
            let hit = peers.iter().find(|o| {
                o.router == router
                    && o.address == b.address
                    && o.as_number == b.as_number
                    && !claimed.contains(&o.id)
            });
            match hit {
                Some(o) => {
                    claimed.insert(o.id);
                }
                None => {
                    let id = self.m.id(&b.key);
                    let deps = self.deps([Some(router)]);
                    let op = Op::CreateBgpPeer {
                        id,
                        router,
                        as_number: b.as_number,
                        address: b.address,
                    };
                    self.push(
                        scope,
                        op,
                        deps,
                        format!("peer {} AS {}", b.address, b.as_number),
                        Some(&b.key),
                    );
                }
            }
        }
        for n in &part.bgp_networks {
            let router = self.m.id(&n.router);
            let hit =
                self.obs.bgp_networks.iter().find(|o| {
                    o.router == router && o.subnet == n.subnet && !claimed.contains(&o.id)
                });
            match hit {
                Some(o) => {
                    claimed.insert(o.id);
                }
                None => {
                    let id = self.m.id(&n.key);
                    let deps = self.deps([Some(router)]);
                    self.push(
                        scope,
                        Op::CreateBgpNetwork {
                            id,
                            router,
                            subnet: n.subnet,
                        },
                        deps,
                        format!("network {}", n.subnet),
                        Some(&n.key),
                    );
                }
            }
        }
        self.bgp_claimed.extend(claimed);
    }

    fn dhcp(&mut self, scope: &Scope, d: &DhcpSubnet) {
        let bridge = self.m.id(&d.bridge);
        let spec = DhcpSubnetSpec {
            subnet: d.subnet,
            default_gateway: d.default_gateway,
            dns_servers: d.dns_servers.clone(),
            opt121_routes: d
                .opt121_routes
                .iter()
                .map(|r| (r.destination, r.gateway))
                .collect(),
        };
        let observed = self
            .m
            .exists(&d.bridge)
            .then(|| {
                self.dhcp_by_bridge
                    .get(&bridge)
                    .and_then(|v| v.iter().copied().find(|o| o.subnet == d.subnet))
            })
            .flatten();
        let what = format!("{} on {}", d.subnet, d.key);
        let mut deps = vec![];
        match observed {
            None => {
                let i = self.push(
                    scope,
                    Op::CreateDhcpSubnet { bridge, spec },
                    self.deps([Some(bridge)]),
                    what,
                    Some(&d.key),
                );
                self.creator.insert(dhcp_pseudo_id(bridge, d.subnet), i);
                deps.push(i);
            }
            Some(o) => {
                if o.default_gateway != Some(spec.default_gateway)
                    || o.dns_servers != spec.dns_servers
                    || o.opt121_routes != spec.opt121_routes
                {
                    let i = self.push(
                        scope,
                        Op::UpdateDhcpSubnet { bridge, spec },
                        vec![],
                        what,
                        Some(&d.key),
                    );
                    deps.push(i);
                }
            }
        }
        let have: &[ODhcpHost] = observed.map(|o| o.hosts.as_slice()).unwrap_or(&[]);
        for h in &d.hosts {
            let host = DhcpHostSpec {
                name: h.name.clone(),
                mac: h.mac.clone(),
                ip: h.ip,
                extra_opts: h.extra_opts.clone(),
            };
            let what = format!("{} ({}) in {}", h.name, h.mac, d.subnet);
            match have.iter().find(|o| mac_eq(&o.mac, &h.mac)) {
                None => {
                    self.push(
                        scope,
                        Op::CreateDhcpHost {
                            bridge,
                            subnet: d.subnet,
                            host,
                        },
                        deps.clone(),
                        what,
                        Some(&d.key),
                    );
                }
                Some(o) => {
                    if o.name.as_deref() != Some(h.name.as_str())
                        || o.ip != Some(h.ip)
                        || o.extra_opts != h.extra_opts
                    {
                        self.push(
                            scope,
                            Op::UpdateDhcpHost {
                                bridge,
                                subnet: d.subnet,
                                host,
                            },
                            deps.clone(),
                            what,
                            Some(&d.key),
                        );
                    }
                }
            }
        }
        for o in have
            .iter()
            .filter(|o| !d.hosts.iter().any(|h| mac_eq(&o.mac, &h.mac)))
        {
            let op = Op::DeleteDhcpHost {
                bridge,
                subnet: d.subnet,
                mac: o.mac.clone(),
            };
            self.push(
                scope,
                op,
                vec![],
                format!("{} in {}", o.mac, d.subnet),
                Some(&d.key),
            );
        }
    }

    fn arp_mac(&mut self, scope: &Scope, part: &Part) {
        for a in &part.arp_entries {
            let bridge = self.m.id(&a.bridge);
            let mac = match &a.mac {
                MacRef::Literal(m) => m.clone(),
                MacRef::OfPort(k) => match self.port_mac.get(k) {
                    Some(m) => m.clone(),
                    None => continue,
                },
            };
            let mut deps = self.deps([Some(bridge)]);
            if let MacRef::OfPort(k) = &a.mac {
                deps.extend(self.deps([Some(self.m.id(k))]));
            }
            let existing: Vec<&OArp> = self
                .arp_by_bridge
                .get(&bridge)
                .into_iter()
                .flatten()
                .copied()
                .filter(|o| o.ip == a.ip)
                .collect();
            if existing.iter().any(|o| mac_eq(&o.mac, &mac)) {
                continue;
            }
            for o in existing {
                let i = self.push(
                    scope,
                    Op::DeleteArpEntry {
                        bridge,
                        ip: o.ip,
                        mac: o.mac.clone(),
                    },
                    vec![],
                    format!("{} -> {}", o.ip, o.mac),
                    Some(&a.bridge),
                );
                deps.push(i);
            }
            self.push(
                scope,
                Op::CreateArpEntry {
                    bridge,
                    ip: a.ip,
                    mac: mac.clone(),
                },
                deps,
                format!("{} -> {mac}", a.ip),
                Some(&a.bridge),
            );
        }
        for e in &part.mac_entries {
            let bridge = self.m.id(&e.bridge);
            let port = self.m.id(&e.port);
            let existing: Vec<&OMac> = self
                .mac_by_bridge
                .get(&bridge)
                .into_iter()
                .flatten()
                .copied()
                .filter(|o| mac_eq(&o.mac, &e.mac))
                .collect();
            if existing.iter().any(|o| o.port == port) {
                continue;
            }
            let mut deps = self.deps([Some(bridge), Some(port)]);
            for o in existing {
                let i = self.push(
                    scope,
                    Op::DeleteMacEntry {
                        bridge,
                        mac: o.mac.clone(),
                        port: o.port,
                    },
                    vec![],
                    format!("{} -> {}", o.mac, o.port),
                    Some(&e.bridge),
                );
                deps.push(i);
            }
            self.push(
                scope,
                Op::CreateMacEntry {
                    bridge,
                    mac: e.mac.clone(),
                    port,
                },
                deps,
                format!("{} -> {}", e.mac, e.port),
                Some(&e.bridge),
            );
        }
    }

    /// Deletes of owned objects nothing desired claims, in the scopes being planned; children
    /// that a parent's delete cascades to are not deleted again (spec midonet-api.md §7.3).
    pub fn deletes(&mut self, attr: &Attribution) {
        let obs = self.obs;
        let mine = |s: Scope, this: &Self| this.in_scope(&s);
        for r in obs
            .routers
            .iter()
            .filter(|r| r.owned && !self.m.claimed.contains(&r.id))
        {
            if mine(attr.router(r), self) {
                self.push(
                    &attr.router(r),
                    Op::DeleteRouter { id: r.id },
                    vec![],
                    r.name.clone(),
                    None,
                );
                self.gone.insert(r.id);
            }
        }
        for b in obs
            .bridges
            .iter()
            .filter(|b| b.owned && !self.m.claimed.contains(&b.id))
        {
            if mine(attr.bridge(b), self) {
                self.push(
                    &attr.bridge(b),
                    Op::DeleteBridge { id: b.id },
                    vec![],
                    b.name.clone(),
                    None,
                );
                self.gone.insert(b.id);
            }
        }
        for p in &obs.ports {
            if self.m.claimed.contains(&p.id)
                || self.gone.contains(&p.device)
                || p.kind == OPortKind::Other
            {
                continue;
            }
            if !attr.owns_device(p.device) {
                continue;
            }
            let s = attr.port(p);
            if mine(s.clone(), self) {
                let deps = self.unbinds.get(&p.id).copied().into_iter().collect();
                self.push(
                    &s,
                    Op::DeletePort { id: p.id },
                    deps,
                    format!("port on {}", attr.device_name(p.device)),
                    None,
                );
                self.gone.insert(p.id);
            }
        }
        for r in obs.routes.iter().filter(|r| r.normal) {
            if self.gone.contains(&r.router)
                || r.next_hop_port.is_some_and(|p| self.gone.contains(&p))
            {
                continue;
            }
            if !attr.owns_device(r.router) || self.route_claimed(r) || self.gone.contains(&r.id) {
                continue;
            }
            let s = attr.route(r);
            if mine(s.clone(), self) {
                self.push(
                    &s,
                    Op::DeleteRoute { id: r.id },
                    vec![],
                    format!("{} -> {} on {}", r.src, r.dst, attr.device_name(r.router)),
                    None,
                );
            }
        }
        for c in obs
            .chains
            .iter()
            .filter(|c| c.owned && !self.m.claimed.contains(&c.id))
        {
            let s = attr.chain(&c.name);
            if mine(s.clone(), self) {
                self.push(
                    &s,
                    Op::DeleteChain { id: c.id },
                    vec![],
                    c.name.clone(),
                    None,
                );
            }
        }
        for g in obs
            .ip_addr_groups
            .iter()
            .filter(|g| g.owned && !self.m.claimed.contains(&g.id))
        {
            let s = attr.group(&g.name);
            if mine(s.clone(), self) {
                self.push(
                    &s,
                    Op::DeleteIpAddrGroup { id: g.id },
                    vec![],
                    g.name.clone(),
                    None,
                );
            }
        }
        for g in obs
            .port_groups
            .iter()
            .filter(|g| g.owned && !self.m.claimed.contains(&g.id))
        {
            if mine(Scope::Core, self) {
                self.push(
                    &Scope::Core,
                    Op::DeletePortGroup { id: g.id },
                    vec![],
                    g.name.clone(),
                    None,
                );
            }
        }
        let wanted_dhcp: HashSet<(Uuid, ipnet::Ipv4Net)> = self
            .desired
            .parts()
            .flat_map(|(_, p)| {
                p.dhcp_subnets
                    .iter()
                    .map(|d| (self.m.id(&d.bridge), d.subnet))
            })
            .collect();
        for d in &obs.dhcp_subnets {
            if self.gone.contains(&d.bridge)
                || !attr.owns_device(d.bridge)
                || wanted_dhcp.contains(&(d.bridge, d.subnet))
            {
                continue;
            }
            let s = attr.device(d.bridge);
            if mine(s.clone(), self) {
                self.push(
                    &s,
                    Op::DeleteDhcpSubnet {
                        bridge: d.bridge,
                        subnet: d.subnet,
                    },
                    vec![],
                    format!("{} on {}", d.subnet, attr.device_name(d.bridge)),
                    None,
                );
            }
        }
        // MAC entries pointing at ports that no longer exist (the agent learns the others).
        let live: HashSet<Uuid> = obs
            .ports
            .iter()
            .map(|p| p.id)
            .filter(|p| !self.gone.contains(p))
            .collect();
        for e in &obs.mac_entries {
            if self.gone.contains(&e.bridge)
                || !attr.owns_device(e.bridge)
                || live.contains(&e.port)
            {
                continue;
            }
            let s = attr.device(e.bridge);
            if mine(s.clone(), self) {
                self.push(
                    &s,
                    Op::DeleteMacEntry {
                        bridge: e.bridge,
                        mac: e.mac.clone(),
                        port: e.port,
                    },
                    vec![],
                    format!("{} -> {}", e.mac, e.port),
                    None,
                );
            }
        }
        for b in &obs.bgp_peers {
            if self.gone.contains(&b.router)
                || !attr.owns_device(b.router)
                || self.bgp_claimed.contains(&b.id)
            {
                continue;
            }
            if mine(Scope::Core, self) {
                self.push(
                    &Scope::Core,
                    Op::DeleteBgpPeer { id: b.id },
                    vec![],
                    format!("peer {}", b.address),
                    None,
                );
            }
        }
        for b in &obs.bgp_networks {
            if self.gone.contains(&b.router)
                || !attr.owns_device(b.router)
                || self.bgp_claimed.contains(&b.id)
            {
                continue;
            }
            if mine(Scope::Core, self) {
                self.push(
                    &Scope::Core,
                    Op::DeleteBgpNetwork { id: b.id },
                    vec![],
                    format!("network {}", b.subnet),
                    None,
                );
            }
        }
    }
}
