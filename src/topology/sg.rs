//! Security groups (spec vpc-to-midonet.md §8): chains `sg_ingress_`/`sg_egress_` holding one
//! accept rule per view rule, and address groups `sg_priv_`/`sg_pub_`/`sg_all_` holding the
//! member interfaces' addresses.
use super::model::*;
use super::names;
use super::rules::{self, Direction, Peer};
use super::traffic;
use crate::gni::model::{self as gni, SecurityGroup};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

pub fn ingress_key(sg: &str) -> Key {
    Key::new(format!("{sg}/ingress"))
}
pub fn egress_key(sg: &str) -> Key {
    Key::new(format!("{sg}/egress"))
}
pub fn all_key(sg: &str) -> Key {
    Key::new(format!("{sg}/all"))
}

/// Addresses of a group's member interfaces.
#[derive(Default)]
pub struct Members {
    pub private: BTreeSet<Ipv4Addr>,
    pub public: BTreeSet<Ipv4Addr>,
}

pub fn security_group(g: &SecurityGroup, members: &Members, p: &mut Part) {
    let id = g.id.as_str();
    for (dir, list, key, name) in [
        (
            Direction::Ingress,
            &g.ingress,
            ingress_key(id),
            names::sg_ingress(id),
        ),
        (
            Direction::Egress,
            &g.egress,
            egress_key(id),
            names::sg_egress(id),
        ),
    ] {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for r in list {
            let peer = match &r.peer {
                gni::Peer::Group { id, .. } => Peer::Group(all_key(id)),
                gni::Peer::Cidr(c) => Peer::Cidr(*c),
            };
            let rule = rules::sg_rule(dir, &traffic(r.traffic), &peer);
            // An identical rule listed twice is created once (EUCA-11322); unlike eucanetd's
            // subset match, a broader rule after a narrower one is kept (docs/decisions.md).
            if seen.insert(rule.clone()) {
                out.push(rule);
            }
        }
        p.chain(key, name, RuleOrder::Unordered, out);
    }
    let k = Key::new(id);
    p.ip_group(
        k.child("priv"),
        names::sg_priv(id),
        members.private.iter().copied(),
    );
    p.ip_group(
        k.child("pub"),
        names::sg_pub(id),
        members.public.iter().copied(),
    );
    p.ip_group(
        all_key(id),
        names::sg_all(id),
        members.private.union(&members.public).copied(),
    );
}
