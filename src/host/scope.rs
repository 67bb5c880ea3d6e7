//! Splitting the observed host state by owner, so that each actor plans only its part: a VPC
//! actor its namespace and subnet veths, the core actor the `eucamd` veth and namespace plus
//! orphans (subnet veth ends no VPC namespace holds the other end of).
//!
//! A VPC's subnet veth is recognised by its pairing, not by name: `vn0_<subnet8>` does not
//! name its VPC, but its peer lives in the VPC's namespace.
use super::model::{LinkAt, Observed};
use super::names::{OwnedName, Prefix};
use std::collections::BTreeSet;

impl Observed {
    /// The VPCs that have a namespace on the host (ids without the prefix).
    pub fn vpc_ids(&self, prefix: &Prefix) -> BTreeSet<String> {
        self.namespaces
            .iter()
            .filter_map(|n| match prefix.owned(n) {
                Some(OwnedName::VpcNetns(id)) => Some(id),
                _ => None,
            })
            .collect()
    }

    /// Host-namespace links paired with a link inside `netns`.
    fn paired_into(&self, netns: &str) -> BTreeSet<LinkAt> {
        let inside: Vec<&LinkAt> = self
            .links
            .keys()
            .filter(|l| l.netns.as_deref() == Some(netns))
            .collect();
        self.links
            .keys()
            .filter(|l| l.netns.is_none())
            .filter(|l| inside.iter().any(|i| self.paired(l, i)))
            .cloned()
            .collect()
    }

    /// One VPC's part: its namespace, the links and routes inside it, and the host-side ends
    /// paired with those links. Plan it against `desired_vpc` (or an empty state to remove a
    /// VPC that left the view).
    pub fn vpc_part(&self, prefix: &Prefix, vpc: &str) -> Observed {
        let ns = prefix.vpc_netns(vpc);
        if !self.namespaces.contains(&ns) {
            return Observed::default();
        }
        let host_ends = self.paired_into(&ns);
        Observed {
            namespaces: BTreeSet::from([ns.clone()]),
            links: self
                .links
                .iter()
                .filter(|(l, _)| l.netns.as_deref() == Some(ns.as_str()) || host_ends.contains(l))
                .map(|(l, o)| (l.clone(), o.clone()))
                .collect(),
            routes: self
                .routes
                .iter()
                .filter(|r| r.netns.as_deref() == Some(ns.as_str()))
                .cloned()
                .collect(),
        }
    }

    /// The core part: everything outside the VPC namespaces and their paired host-side ends
    /// (the `eucamd` veth and namespace, host-namespace routes, and orphaned subnet veth ends).
    /// Plan it against `desired_core`.
    pub fn core_part(&self, prefix: &Prefix) -> Observed {
        let mut vpc_ns: BTreeSet<String> = BTreeSet::new();
        let mut vpc_links: BTreeSet<LinkAt> = BTreeSet::new();
        for id in self.vpc_ids(prefix) {
            let ns = prefix.vpc_netns(&id);
            vpc_links.extend(self.paired_into(&ns));
            vpc_ns.insert(ns);
        }
        let in_vpc = |n: &Option<String>| n.as_ref().is_some_and(|n| vpc_ns.contains(n));
        Observed {
            namespaces: self
                .namespaces
                .iter()
                .filter(|n| !vpc_ns.contains(*n))
                .cloned()
                .collect(),
            links: self
                .links
                .iter()
                .filter(|(l, _)| !in_vpc(&l.netns) && !vpc_links.contains(l))
                .map(|(l, o)| (l.clone(), o.clone()))
                .collect(),
            routes: self
                .routes
                .iter()
                .filter(|r| !in_vpc(&r.netns))
                .cloned()
                .collect(),
        }
    }
}
