//! Splitting one observed state into per-scope slices, so each actor plans against only what
//! it owns (plus the core devices it hangs objects off). A slice holds every observed object
//! the attribution gives that scope; each VPC slice also holds the core devices (eucart, eucabr,
//! eucamdrt, eucamdbr) with the core's ports on them, and any core-router route for a public IP
//! the VPC wants (so a moving address is seen by its new owner, see plan order).
use super::attribute::Attribution;
use super::observed::*;
use crate::topology::{Scope, Topology};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Observed state per scope. Scopes the view no longer has (a deleted VPC) get a slice too.
pub fn partition(desired: &Topology, obs: &Observed) -> BTreeMap<Scope, Observed> {
    let attr = Attribution::new(desired, obs);
    let mut out: BTreeMap<Scope, Observed> = BTreeMap::new();
    fn get<'o>(
        out: &'o mut BTreeMap<Scope, Observed>,
        obs: &Observed,
        s: Scope,
    ) -> &'o mut Observed {
        out.entry(s).or_insert_with(|| Observed {
            hosts: obs.hosts.clone(),
            ..Default::default()
        })
    }
    macro_rules! slice {
        ($s:expr) => {
            get(&mut out, obs, $s)
        };
    }
    let mut device_scope: HashMap<Uuid, Scope> = HashMap::new();
    let mut core_devices: Vec<&ORouter> = Vec::new();
    for r in &obs.routers {
        let s = attr.router(r);
        if s == Scope::Core && r.owned {
            core_devices.push(r);
        }
        device_scope.insert(r.id, s.clone());
        slice!(s).routers.push(r.clone());
    }
    let mut core_bridges: Vec<&OBridge> = Vec::new();
    for b in &obs.bridges {
        let s = attr.bridge(b);
        if s == Scope::Core && b.owned {
            core_bridges.push(b);
        }
        device_scope.insert(b.id, s.clone());
        slice!(s).bridges.push(b.clone());
    }
    let mut core_ports: Vec<&OPort> = Vec::new();
    for p in &obs.ports {
        let s = attr.port(p);
        if s == Scope::Core && device_scope.get(&p.device) == Some(&Scope::Core) {
            core_ports.push(p);
        }
        slice!(s).ports.push(p.clone());
    }
    let mut core_routes_by_dst: HashMap<(Uuid, ipnet::Ipv4Net), Vec<&ORoute>> = HashMap::new();
    for r in &obs.routes {
        let s = attr.route(r);
        if device_scope.get(&r.router) == Some(&Scope::Core) && r.dst.prefix_len() == 32 {
            core_routes_by_dst
                .entry((r.router, r.dst))
                .or_default()
                .push(r);
        }
        slice!(s).routes.push(r.clone());
    }
    for c in &obs.chains {
        slice!(attr.chain(&c.name)).chains.push(c.clone());
    }
    for g in &obs.ip_addr_groups {
        slice!(attr.group(&g.name)).ip_addr_groups.push(g.clone());
    }
    for g in &obs.port_groups {
        slice!(Scope::Core).port_groups.push(g.clone());
    }
    for d in &obs.dhcp_subnets {
        slice!(attr.device(d.bridge)).dhcp_subnets.push(d.clone());
    }
    for a in &obs.arp_entries {
        slice!(attr.device(a.bridge)).arp_entries.push(a.clone());
    }
    for m in &obs.mac_entries {
        slice!(attr.device(m.bridge)).mac_entries.push(m.clone());
    }
    for b in &obs.bgp_peers {
        slice!(attr.device(b.router)).bgp_peers.push(b.clone());
    }
    for b in &obs.bgp_networks {
        slice!(attr.device(b.router)).bgp_networks.push(b.clone());
    }
    // Every VPC slice sees the core devices and the core's ports on them.
    for (scope, part) in desired.parts() {
        if scope == Scope::Core {
            continue;
        }
        let s = slice!(scope.clone());
        let have: HashSet<Uuid> = s.routers.iter().map(|r| r.id).collect();
        s.routers.extend(
            core_devices
                .iter()
                .filter(|r| !have.contains(&r.id))
                .map(|r| (*r).clone()),
        );
        let have: HashSet<Uuid> = s.bridges.iter().map(|r| r.id).collect();
        s.bridges.extend(
            core_bridges
                .iter()
                .filter(|r| !have.contains(&r.id))
                .map(|r| (*r).clone()),
        );
        s.ports.extend(core_ports.iter().map(|p| (*p).clone()));
        let wanted: HashSet<ipnet::Ipv4Net> = part
            .routes
            .iter()
            .filter(|r| r.dst.prefix_len() == 32)
            .map(|r| r.dst)
            .collect();
        let have: HashSet<Uuid> = s.routes.iter().map(|r| r.id).collect();
        for ((_, dst), routes) in &core_routes_by_dst {
            if wanted.contains(dst) {
                s.routes.extend(
                    routes
                        .iter()
                        .filter(|r| !have.contains(&r.id))
                        .map(|r| (*r).clone()),
                );
            }
        }
    }
    out
}

/// The desired topology of one scope: the core part, plus that VPC's part.
pub fn scope_topology(desired: &Topology, scope: &Scope) -> Topology {
    let mut t = Topology {
        core: desired.core.clone(),
        vpcs: BTreeMap::new(),
    };
    if let Scope::Vpc(v) = scope {
        if let Some(p) = desired.vpcs.get(v) {
            t.vpcs.insert(v.clone(), p.clone());
        }
    }
    t
}
