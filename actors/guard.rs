//! The mass-delete guard: a view that would delete more than a share of the owned objects, or
//! that has no VPC after one that had some, is held until an operator confirms it. Pure.
//!
//! "Objects" are counted as [`Part::object_count`] counts them (devices, ports, routes,
//! chains and their rules, groups and their members, DHCP and table entries). Against an
//! earlier accepted view the deletions are estimated part by part: a vanished VPC deletes all
//! of its part, a shrunken part deletes the difference. At start-up, before any view was
//! accepted, the old state is what MidoNet holds (the startup discovery's slices).
use crate::plan::Observed;
use crate::topology::{Part, Scope, Topology};
use serde::Serialize;
use std::collections::BTreeMap;

/// Why a view is held.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hold {
    /// Objects the view would delete (estimate) and objects owned now.
    pub deletes: usize,
    pub owned: usize,
    pub reason: String,
}

/// Objects of an observed slice, counted like [`Part::object_count`].
pub fn observed_count(o: &Observed) -> usize {
    o.routers.iter().filter(|r| r.owned).count()
        + o.bridges.iter().filter(|b| b.owned).count()
        + o.ports.len()
        + o.routes.len()
        + o.chains
            .iter()
            .filter(|c| c.owned)
            .map(|c| 1 + c.rules.len())
            .sum::<usize>()
        + o.ip_addr_groups
            .iter()
            .filter(|g| g.owned)
            .map(|g| 1 + g.addrs.len())
            .sum::<usize>()
        + o.dhcp_subnets.len()
        + o.arp_entries.len()
        + o.mac_entries.len()
        + o.bgp_peers.len()
        + o.bgp_networks.len()
}

fn verdict(
    deletes: usize,
    owned: usize,
    old_vpcs: usize,
    new_vpcs: usize,
    share: f64,
) -> Option<Hold> {
    if old_vpcs > 0 && new_vpcs == 0 {
        return Some(Hold {
            deletes,
            owned,
            reason: format!("the view has no VPC, the previous state had {old_vpcs}"),
        });
    }
    if owned > 0 && deletes as f64 > share * owned as f64 {
        return Some(Hold {
            deletes,
            owned,
            reason: format!(
                "the view would delete {deletes} of {owned} owned objects ({:.0}%, limit {:.0}%)",
                100.0 * deletes as f64 / owned as f64,
                100.0 * share
            ),
        });
    }
    None
}

/// Against the previously accepted topology.
pub fn against_topology(old: &Topology, new: &Topology, share: f64) -> Option<Hold> {
    let owned: usize = old.parts().map(|(_, p)| p.object_count()).sum();
    let mut deletes = 0usize;
    for (scope, p) in old.parts() {
        let now = new.part(&scope).map_or(0, Part::object_count);
        deletes += p.object_count().saturating_sub(now);
    }
    verdict(deletes, owned, old.vpcs.len(), new.vpcs.len(), share)
}

/// Against what MidoNet holds (start-up): slices per scope from the startup discovery.
pub fn against_observed(
    slices: &BTreeMap<Scope, Observed>,
    new: &Topology,
    share: f64,
) -> Option<Hold> {
    let mut owned = 0usize;
    let mut deletes = 0usize;
    let mut old_vpcs = 0usize;
    for (scope, o) in slices {
        let n = match scope {
            // VPC slices repeat the core devices; count only what is the VPC's own.
            Scope::Vpc(v) => {
                let own: usize = o
                    .routers
                    .iter()
                    .filter(|r| {
                        r.owned && !crate::midonet::snapshot::CORE_NAMES.contains(&r.name.as_str())
                    })
                    .count()
                    + o.chains
                        .iter()
                        .filter(|c| c.owned)
                        .map(|c| 1 + c.rules.len())
                        .sum::<usize>();
                if own == 0 {
                    continue;
                }
                old_vpcs += 1;
                let all = observed_count(o);
                if !new.vpcs.contains_key(v) {
                    deletes += all;
                }
                all
            }
            Scope::Core => observed_count(o),
        };
        owned += n;
    }
    verdict(deletes, owned, old_vpcs, new.vpcs.len(), share)
}
