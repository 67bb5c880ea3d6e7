//! Recovering what vpcmido keeps inside MidoNet (spec vpc-to-midonet.md §2.1, §16.2): router ids
//! from router names, interface ids from the metadata SNAT rules, and the recorded
//! `euca_version`. Pure: reads an [`Observed`] state and the view.
use super::observed::Observed;
use crate::gni::Gni;
use crate::topology::eni::interface_name;
use crate::topology::{addr, names, Allocations, RtidOwner, RuleAction};
use std::collections::HashMap;
use std::net::Ipv4Addr;

pub fn allocations(view: &Gni, obs: &Observed) -> Allocations {
    let mut rtids = Vec::new();
    let mut by_router: Vec<(&str, u32, RtidOwner)> = Vec::new();
    for r in obs.routers.iter().filter(|r| r.owned) {
        match names::parse_router(&r.name) {
            Some(names::OwnedRouter::Vpc { vpc, rtid }) => {
                by_router.push((&r.name, rtid, RtidOwner::Vpc(vpc)))
            }
            Some(names::OwnedRouter::Nat { nat, rtid, .. }) => {
                by_router.push((&r.name, rtid, RtidOwner::Nat(nat)))
            }
            _ => {}
        }
    }
    // Deterministic order: the lowest rtid of an owner wins if it has duplicates.
    by_router.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
    for (_, rtid, owner) in by_router {
        rtids.push((owner, rtid));
    }

    let chains: HashMap<&str, &super::observed::OChain> = obs
        .chains
        .iter()
        .filter(|c| c.owned)
        .map(|c| (c.name.as_str(), c))
        .collect();
    let mut eniids = Vec::new();
    for i in &view.instances {
        for e in &i.network_interfaces {
            let Some(c) = chains.get(names::vpc_mdulout(&e.vpc).as_str()) else {
                continue;
            };
            let me = addr::host(e.private_ip);
            let found = c
                .rules
                .iter()
                .filter_map(|r| r.rule.as_ref())
                .find_map(|r| match &r.action {
                    RuleAction::Snat(_, t) if r.cond.nw_src == Some(me) && t.len() == 1 => {
                        addr::eniid_of_md_ip(t[0].address_from)
                    }
                    _ => None,
                });
            if let Some(id) = found {
                eniids.push((interface_name(i, e).to_string(), id));
            }
        }
    }
    Allocations::recover(rtids, eniids)
}

/// The Eucalyptus version the cloud records (`euca_version` with exactly one address).
pub fn euca_version(obs: &Observed) -> Option<Ipv4Addr> {
    let g = obs
        .ip_addr_groups
        .iter()
        .find(|g| g.owned && g.name == names::EUCA_VERSION)?;
    match g.addrs.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}
