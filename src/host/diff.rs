//! The pure diff: desired host state against observed host state → ordered operations.
//!
//! Rules:
//! - only names ours under the prefix are ever deleted (observation keeps only those, and
//!   routes are deleted only when their device is ours);
//! - a veth whose ends are not paired where they belong is deleted and re-created; a peer left
//!   in the host namespace is moved into its namespace;
//! - a foreign route holding a destination we want is reported as a conflict, never replaced;
//! - operations come out grouped deletions first (routes, addresses, links, namespaces), then
//!   creations (namespaces, veths, moves, addresses, link up, routes), so that applying them in
//!   order always has what each one needs.
use super::model::{HostState, LinkAt, Observed, RouteAt};
use super::names::Prefix;
use super::ops::HostOp;
use std::collections::BTreeSet;

/// The operations that converge the host, and what blocks convergence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostPlan {
    pub ops: Vec<HostOp>,
    /// Foreign objects in the way (reported; nothing is done about them).
    pub conflicts: Vec<String>,
}

impl HostPlan {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Plans the operations that turn `observed` into `desired`.
pub fn plan(desired: &HostState, observed: &Observed, prefix: &Prefix) -> HostPlan {
    let mut ops: BTreeSet<HostOp> = BTreeSet::new();
    let mut conflicts = Vec::new();
    // Links whose state after the plan is new (created or moved): all their addresses, the up
    // flag and routes through them must be (re)applied.
    let mut fresh: BTreeSet<LinkAt> = BTreeSet::new();
    // Observed links that the plan deletes.
    let mut gone: BTreeSet<LinkAt> = BTreeSet::new();
    // Observed links that stay although they are not where the desired state puts them (a peer
    // about to be moved).
    let mut claimed: BTreeSet<LinkAt> = BTreeSet::new();

    let dropped_ns: BTreeSet<&String> = observed
        .namespaces
        .iter()
        .filter(|n| !desired.namespaces.contains(*n))
        .collect();
    for ns in &dropped_ns {
        ops.insert(HostOp::DelNetns((*ns).clone()));
    }
    for ns in desired.namespaces.difference(&observed.namespaces) {
        ops.insert(HostOp::AddNetns(ns.clone()));
    }
    let in_dropped_ns = |l: &LinkAt| l.netns.as_ref().is_some_and(|n| dropped_ns.contains(n));

    for v in desired.veths.values() {
        let host = LinkAt::host(v.name.clone());
        let peer = v.peer.clone();
        if observed.paired(&host, &peer) {
            continue;
        }
        let peer_in_host = LinkAt::host(peer.name.clone());
        if let Some(ns) = &peer.netns {
            if observed.paired(&host, &peer_in_host) {
                ops.insert(HostOp::MoveLink {
                    name: peer.name.clone(),
                    netns: ns.clone(),
                });
                claimed.insert(peer_in_host);
                fresh.insert(peer);
                continue;
            }
        }
        for end in [&host, &peer] {
            if observed.links.contains_key(end) {
                ops.insert(HostOp::DelLink(end.clone()));
                gone.insert(end.clone());
            }
        }
        ops.insert(HostOp::AddVeth {
            name: v.name.clone(),
            peer: peer.clone(),
        });
        fresh.insert(host);
        fresh.insert(peer);
    }

    let wanted: BTreeSet<LinkAt> = desired.links().collect();
    for l in observed.links.keys() {
        if wanted.contains(l) || claimed.contains(l) || in_dropped_ns(l) {
            continue;
        }
        ops.insert(HostOp::DelLink(l.clone()));
        gone.insert(l.clone());
    }

    for l in &wanted {
        let want = desired.addrs.get(l).cloned().unwrap_or_default();
        let seen = observed.links.get(l).filter(|_| !fresh.contains(l));
        let have = seen.map(|o| o.addrs.clone()).unwrap_or_default();
        for a in want.difference(&have) {
            ops.insert(HostOp::AddAddr {
                link: l.clone(),
                addr: *a,
            });
        }
        for a in have.difference(&want) {
            ops.insert(HostOp::DelAddr {
                link: l.clone(),
                addr: *a,
            });
        }
        if !seen.is_some_and(|o| o.up) {
            ops.insert(HostOp::SetUp(l.clone()));
        }
    }

    let dev_of = |r: &RouteAt| LinkAt {
        netns: r.netns.clone(),
        name: r.dev.clone(),
    };
    for r in &desired.routes {
        if !fresh.contains(&dev_of(r)) && observed.routes.contains(r) {
            continue;
        }
        let mut blocked = false;
        for o in observed
            .routes
            .iter()
            .filter(|o| o.netns == r.netns && o.dst == r.dst && *o != r)
        {
            if prefix.owns_link(&o.dev) {
                if !gone.contains(&dev_of(o)) {
                    ops.insert(HostOp::DelRoute(o.clone()));
                }
            } else {
                blocked = true;
                conflicts.push(format!(
                    "route {} in {} is held by foreign device {} (via {}); not replaced",
                    r.dst,
                    r.netns.as_deref().unwrap_or("the host namespace"),
                    o.dev,
                    o.via.map(|v| v.to_string()).unwrap_or_else(|| "-".into()),
                ));
            }
        }
        if !blocked {
            ops.insert(HostOp::AddRoute(r.clone()));
        }
    }
    for o in &observed.routes {
        let dev = dev_of(o);
        if desired.routes.contains(o)
            || !prefix.owns_link(&o.dev)
            || gone.contains(&dev)
            || in_dropped_ns(&dev)
        {
            continue;
        }
        ops.insert(HostOp::DelRoute(o.clone()));
    }

    HostPlan {
        ops: ops.into_iter().collect(),
        conflicts,
    }
}

/// The plan that removes every observed object (`cleanup_all`, `flush --all`): links first
/// (so veth pairs go synchronously), then namespaces.
pub fn plan_cleanup(observed: &Observed) -> HostPlan {
    let mut ops: BTreeSet<HostOp> = BTreeSet::new();
    for l in observed.links.keys() {
        ops.insert(HostOp::DelLink(l.clone()));
    }
    for ns in &observed.namespaces {
        ops.insert(HostOp::DelNetns(ns.clone()));
    }
    HostPlan {
        ops: ops.into_iter().collect(),
        conflicts: Vec::new(),
    }
}

#[cfg(test)]
#[path = "diff_tests.rs"]
mod tests;
