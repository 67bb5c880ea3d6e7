//! Deletes of owned objects nothing desired claims, in the scopes being planned; children a
//! parent's delete cascades to are not deleted again (spec midonet-api.md §7.3).
use super::attribute::Attribution;
use super::emit::Emitter;
use super::observed::*;
use super::ops::*;
use crate::topology::Scope;
use std::collections::HashSet;
use uuid::Uuid;

impl<'a> Emitter<'a> {
    /// Plans `op` in `scope` if that scope is being planned; returns whether it was.
    fn delete_in(&mut self, scope: Scope, op: Op, what: String, deps: Vec<usize>) -> bool {
        if !self.in_scope(&scope) {
            return false;
        }
        self.push(&scope, op, deps, what, None);
        true
    }

    /// Deletes of owned objects nothing desired claims, in the scopes being planned; children
    /// that a parent's delete cascades to are not deleted again (spec midonet-api.md §7.3).
    pub fn deletes(&mut self, attr: &Attribution) {
        let obs = self.obs;
        let claimed = &self.m.claimed;
        let unclaimed = |id: &Uuid, owned: bool| owned && !claimed.contains(id);
        for r in obs.routers.iter().filter(|r| unclaimed(&r.id, r.owned)) {
            if self.delete_in(
                attr.router(r),
                Op::DeleteRouter { id: r.id },
                r.name.clone(),
                vec![],
            ) {
                self.gone.insert(r.id);
            }
        }
        for b in obs.bridges.iter().filter(|b| unclaimed(&b.id, b.owned)) {
            if self.delete_in(
                attr.bridge(b),
                Op::DeleteBridge { id: b.id },
                b.name.clone(),
                vec![],
            ) {
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
            if self.in_scope(&s) {
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
            if self.in_scope(&s) {
                self.push(
                    &s,
                    Op::DeleteRoute { id: r.id },
                    vec![],
                    format!("{} -> {} on {}", r.src, r.dst, attr.device_name(r.router)),
                    None,
                );
            }
        }
        for c in obs.chains.iter().filter(|c| unclaimed(&c.id, c.owned)) {
            self.delete_in(
                attr.chain(&c.name),
                Op::DeleteChain { id: c.id },
                c.name.clone(),
                vec![],
            );
        }
        for g in obs
            .ip_addr_groups
            .iter()
            .filter(|g| unclaimed(&g.id, g.owned))
        {
            let op = Op::DeleteIpAddrGroup { id: g.id };
            self.delete_in(attr.group(&g.name), op, g.name.clone(), vec![]);
        }
        for g in obs.port_groups.iter().filter(|g| unclaimed(&g.id, g.owned)) {
            let op = Op::DeletePortGroup { id: g.id };
            self.delete_in(Scope::Core, op, g.name.clone(), vec![]);
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
            if self.in_scope(&s) {
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
            if self.in_scope(&s) {
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
            if self.in_scope(&Scope::Core) {
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
            if self.in_scope(&Scope::Core) {
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
