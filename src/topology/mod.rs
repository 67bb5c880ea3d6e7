//! Translation of the global network view into the desired MidoNet topology. Pure: no I/O,
//! no async, no clock. Given the same view, allocations and settings it returns the same
//! topology, which is what makes planning testable and snapshots meaningful.
//!
//! The topology is split into the core part and one part per VPC, so that each actor owns
//! one part. A VPC's part holds everything that exists because of that VPC, even when it hangs
//! off a core device: its eucabr ports, its eucart `/32` routes for elastic IPs and NAT
//! gateways, its eucamdrt routes, and the security groups its interfaces use.
pub mod addr;
mod build;
pub mod core;
pub mod dhcp;
pub mod eni;
pub mod model;
pub mod names;
pub mod render;
pub mod rules;
pub mod settings;
pub mod sg;
pub mod vpc;

pub use addr::{Allocations, RtidOwner};
pub use model::*;
pub use settings::Settings;

use crate::gni::model::{Gni, Traffic as GniTraffic};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::Ipv4Addr;

/// The result of a translation: the topology, and what could not be translated (reported,
/// never fatal for the rest).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Translation {
    pub topology: Topology,
    pub skipped: Vec<String>,
}

/// Every owner of an rtid the view needs: each VPC and each NAT gateway.
pub fn wanted_rtids(view: &Gni) -> BTreeSet<RtidOwner> {
    let mut w = BTreeSet::new();
    for v in &view.vpcs {
        w.insert(RtidOwner::Vpc(v.id.clone()));
        for n in &v.nat_gateways {
            w.insert(RtidOwner::Nat(n.id.clone()));
        }
    }
    w
}

/// Every interface name (`<if>`) the view implements.
pub fn wanted_eniids(view: &Gni) -> BTreeSet<String> {
    view.instances
        .iter()
        .flat_map(|i| {
            i.network_interfaces
                .iter()
                .map(move |e| eni::interface_name(i, e).to_string())
        })
        .collect()
}

/// Recovered allocations extended to everything the view needs.
pub fn allocate(
    view: &Gni,
    recovered: Allocations,
    settings: &Settings,
) -> (Allocations, Vec<String>) {
    let mut a = recovered;
    let mut skipped = Vec::new();
    for o in a.assign_rtids(&wanted_rtids(view), settings.max_rtid) {
        skipped.push(format!(
            "{o:?}: no free router id below MIDO_MAX_RTID {}",
            settings.max_rtid
        ));
    }
    if settings.metadata {
        for i in a.assign_eniids(&wanted_eniids(view), settings.max_eniid) {
            skipped.push(format!(
                "{i}: no free interface id below MIDO_MAX_ENIID {}",
                settings.max_eniid
            ));
        }
    }
    (a, skipped)
}

pub(crate) fn traffic(t: GniTraffic) -> rules::Traffic {
    let mut r = rules::Traffic {
        protocol: None,
        ports: None,
        icmp_type: None,
        icmp_code: None,
    };
    match t {
        GniTraffic::All => {}
        GniTraffic::Icmp { icmp_type, code } => {
            r.protocol = Some(rules::PROTO_ICMP);
            r.icmp_type = icmp_type;
            r.icmp_code = code;
        }
        GniTraffic::Tcp(p) => {
            r.protocol = Some(rules::PROTO_TCP);
            r.ports = Some((p.from, p.to));
        }
        GniTraffic::Udp(p) => {
            r.protocol = Some(rules::PROTO_UDP);
            r.ports = Some((p.from, p.to));
        }
        GniTraffic::Other(n) => r.protocol = Some(n),
    }
    r
}

/// The VPC each security group belongs to: the VPC of the first interface (in view order) that
/// uses it, else of the first group that references it; groups in neither case belong to the
/// core part.
pub fn security_group_scopes(view: &Gni) -> BTreeMap<String, Scope> {
    let mut scope: BTreeMap<String, Scope> = BTreeMap::new();
    for i in &view.instances {
        for e in &i.network_interfaces {
            for g in &e.security_groups {
                scope
                    .entry(g.clone())
                    .or_insert_with(|| Scope::Vpc(e.vpc.clone()));
            }
        }
    }
    // Referenced-only groups take the scope of a referencing group; repeat until stable
    // (chains of references are short in practice; the bound keeps this linear-ish).
    for _ in 0..view.security_groups.len().min(8) {
        let mut changed = false;
        for g in &view.security_groups {
            let Some(s) = scope.get(&g.id).cloned() else {
                continue;
            };
            for r in g.ingress.iter().chain(&g.egress) {
                if let crate::gni::model::Peer::Group { id, .. } = &r.peer {
                    if !scope.contains_key(id) {
                        scope.insert(id.clone(), s.clone());
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    for g in &view.security_groups {
        scope.entry(g.id.clone()).or_insert(Scope::Core);
    }
    scope
}

/// Translates a validated view. `alloc` must come from [`allocate`]; `euca_version` is the
/// address the cloud's `euca_version` group already holds, if any (kept, so adopting a cloud
/// built by another eucanetd release changes nothing).
pub fn desired(
    view: &Gni,
    alloc: &Allocations,
    settings: &Settings,
    euca_version: Option<Ipv4Addr>,
) -> Translation {
    let mut t = Translation::default();
    t.topology.core = core::core_part(view, settings, euca_version);

    let mut node_of: HashMap<&str, &str> = HashMap::new();
    for c in &view.config.clusters {
        for n in &c.nodes {
            for i in &n.instance_ids {
                node_of.insert(i.as_str(), n.name.as_str());
            }
        }
    }
    let mut enis: HashMap<&str, vpc::EniLocation> = HashMap::new();
    for i in &view.instances {
        for e in &i.network_interfaces {
            enis.insert(
                e.id.as_str(),
                vpc::EniLocation {
                    subnet: e.subnet.clone(),
                    private_ip: e.private_ip,
                },
            );
        }
    }

    for v in &view.vpcs {
        let Some(rtid) = alloc.vpc_rtid(&v.id) else {
            t.skipped
                .push(format!("{}: skipped, it has no router id", v.id));
            continue;
        };
        let mut p = Part::default();
        vpc::vpc_part(view, v, rtid, alloc, settings, &enis, &mut p);
        t.topology.vpcs.insert(v.id.clone(), p);
    }

    let vpc_by_id: HashMap<&str, &crate::gni::model::Vpc> =
        view.vpcs.iter().map(|v| (v.id.as_str(), v)).collect();
    let mut shared: BTreeMap<&str, eni::Shared> = BTreeMap::new();
    let dhcp_opts: HashMap<&str, Vec<(String, String)>> = view
        .vpcs
        .iter()
        .map(|v| (v.id.as_str(), dhcp::profile(view, v, settings).extra_opts))
        .collect();
    let mut members: BTreeMap<&str, sg::Members> = BTreeMap::new();
    for i in &view.instances {
        for e in &i.network_interfaces {
            for g in &e.security_groups {
                let m = members.entry(g.as_str()).or_default();
                m.private.insert(e.private_ip);
                m.public.extend(e.public_ip);
            }
            let Some(vpc) = vpc_by_id.get(e.vpc.as_str()) else {
                continue;
            };
            let (Some(rtid), Some(p)) = (alloc.vpc_rtid(&vpc.id), t.topology.vpcs.get_mut(&vpc.id))
            else {
                continue;
            };
            let Some(node) = node_of.get(i.id.as_str()) else {
                t.skipped.push(format!(
                    "{}: instance is on no node; interface {} skipped",
                    i.id, e.id
                ));
                continue;
            };
            let at = eni::Placement {
                vpc,
                rtid,
                instance: i,
                node,
                dhcp_opts: dhcp_opts
                    .get(vpc.id.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or(&[]),
            };
            let sh = shared.entry(vpc.id.as_str()).or_default();
            eni::interface(&at, e, alloc, settings, sh, p);
        }
    }
    for (v, sh) in shared {
        if let Some(p) = t.topology.vpcs.get_mut(v) {
            sh.attach(v, p);
        }
    }

    let scopes = security_group_scopes(view);
    let empty = sg::Members::default();
    for g in &view.security_groups {
        let part = match scopes.get(&g.id) {
            Some(Scope::Vpc(v)) => t.topology.vpcs.get_mut(v),
            _ => None,
        };
        let part = match part {
            Some(p) => p,
            None => &mut t.topology.core,
        };
        sg::security_group(g, members.get(g.id.as_str()).unwrap_or(&empty), part);
    }
    t
}
