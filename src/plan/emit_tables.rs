//! Routes (with the public-IP release ordering), rule lists, port-group members, DHCP
//! subnets and hosts, ARP and MAC entries, and BGP peers and networks.
use super::attribute::Attribution;
use super::chains;
use super::emit::{dhcp_pseudo_id, rule_key, Emitter};
use super::observed::*;
use super::ops::*;
use crate::topology::{DhcpSubnet, MacRef, Part, RuleOrder, Scope};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

impl<'a> Emitter<'a> {
    pub(super) fn routes(&mut self, scope: &Scope, part: &Part, attr: &Attribution) {
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

    pub(super) fn rules(&mut self, scope: &Scope, part: &Part) {
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

    pub(super) fn members_and_tables(&mut self, scope: &Scope, part: &Part) {
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

    pub(super) fn dhcp(&mut self, scope: &Scope, d: &DhcpSubnet) {
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

    pub(super) fn arp_mac(&mut self, scope: &Scope, part: &Part) {
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
}
