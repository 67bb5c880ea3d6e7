//! The remaining top-level sections: DHCP option sets, internet gateways, security groups.
use std::collections::HashSet;

use super::traffic::{self, SG};
use super::Cx;
use crate::gni::dom::Element;
use crate::gni::model::{DhcpOption, DhcpOptionSet, InternetGateway, Peer, SecurityGroup, SgRule};
use crate::gni::problem::Path;
use crate::gni::values;

pub(super) fn dhcp_option_sets<'t>(cx: &mut Cx<'t>, el: &'t Element<'t>) -> Vec<DhcpOptionSet> {
    let base = Path::root("dhcpOptionSets");
    let mut out = Vec::new();
    for (i, d) in el.children_named("dhcpOptionSet").enumerate() {
        let (id, key) = Cx::key(d, i + 1);
        let p = base.keyed("dhcpOptionSet", key);
        let owner_id = cx.req(d, &p, "ownerId", values::account);
        let mut options = Vec::new();
        let mut names = HashSet::new();
        let mut ok = true;
        for (j, prop) in d.children_named("property").enumerate() {
            let (name, key) = Cx::key(prop, j + 1);
            let pp = p.keyed("property", key);
            let vals = cx.values(prop, &pp);
            let Some(name) = name else {
                cx.probs.add(&pp.field("@name"), "missing");
                ok = false;
                continue;
            };
            if !names.insert(name) {
                cx.probs.add(&pp, format!("option {name:?} appears twice"));
            }
            if vals.is_empty() {
                cx.probs.add(&pp, "needs at least one value");
            }
            ok &= check_option(cx, &pp, name, &vals);
            options.push(DhcpOption {
                name: name.to_owned(),
                values: vals.iter().map(|s| (*s).to_owned()).collect(),
            });
        }
        if let (Some(id), Some(owner_id), true) = (id, owner_id, ok) {
            out.push(DhcpOptionSet {
                id: id.to_owned(),
                owner_id,
                options,
            });
        }
    }
    out
}

/// Value formats of the options eucanetd knows (spec §7); other options are kept as text.
fn check_option(cx: &mut Cx<'_>, p: &Path<'_>, name: &str, vals: &[&str]) -> bool {
    let mut ok = true;
    for v in vals {
        let r = match name {
            "domain-name-servers" | "ntp-servers" | "netbios-name-servers" => {
                values::ipv4(v).map(drop)
            }
            "netbios-node-type" => match *v {
                "1" | "2" | "4" | "8" => Ok(()),
                _ => Err(format!("{v:?} is not a NetBIOS node type (1, 2, 4 or 8)")),
            },
            _ => Ok(()),
        };
        ok &= cx.check(p, r).is_some();
    }
    ok
}

pub(super) fn internet_gateways<'t>(cx: &mut Cx<'t>, el: &'t Element<'t>) -> Vec<InternetGateway> {
    let base = Path::root("internetGateways");
    let mut out = Vec::new();
    for (i, g) in el.children_named("internetGateway").enumerate() {
        let (id, key) = Cx::key(g, i + 1);
        let owner_id = cx.req(
            g,
            &base.keyed("internetGateway", key),
            "ownerId",
            values::account,
        );
        if let (Some(id), Some(owner_id)) = (id, owner_id) {
            out.push(InternetGateway {
                id: id.to_owned(),
                owner_id,
            });
        }
    }
    out
}

pub(super) fn security_groups<'t>(cx: &mut Cx<'t>, el: &'t Element<'t>) -> Vec<SecurityGroup> {
    let base = Path::root("securityGroups");
    let mut out = Vec::new();
    for (i, g) in el.children_named("securityGroup").enumerate() {
        let (id, key) = Cx::key(g, i + 1);
        let p = base.keyed("securityGroup", key);
        let owner_id = cx.req(g, &p, "ownerId", values::account);
        let ingress = rules(cx, g, &p, "ingressRules");
        let egress = rules(cx, g, &p, "egressRules");
        if let (Some(id), Some(owner_id), Some(ingress), Some(egress)) =
            (id, owner_id, ingress, egress)
        {
            out.push(SecurityGroup {
                id: id.to_owned(),
                owner_id,
                ingress,
                egress,
            });
        }
    }
    out
}

fn rules<'t>(
    cx: &mut Cx<'t>,
    g: &'t Element<'t>,
    p: &Path<'_>,
    wrapper: &'static str,
) -> Option<Vec<SgRule>> {
    let wp = p.field(wrapper);
    let mut out = Vec::new();
    let mut ok = true;
    for (j, r) in g
        .children_named(wrapper)
        .flat_map(|w| w.children_named("rule"))
        .enumerate()
    {
        let rp = wp.nth("rule", j + 1);
        let traffic = traffic::traffic(cx, r, &rp, &SG);
        let group = cx.leaf(r, &rp, "groupId");
        let owner = cx.leaf(r, &rp, "groupOwnerId");
        let cidr = cx.leaf(r, &rp, "cidr");
        let peer = match (group, owner, cidr) {
            (Some(_), _, Some(_)) => {
                cx.probs
                    .add(&rp, "has both groupId and cidr; exactly one is allowed");
                None
            }
            (None, _, None) => {
                cx.probs
                    .add(&rp, "has neither groupId nor cidr; exactly one is required");
                None
            }
            (None, Some(_), Some(_)) => {
                cx.probs
                    .add(&rp.field("groupOwnerId"), "not allowed without groupId");
                None
            }
            (None, None, Some(c)) => cx.check(&rp.field("cidr"), values::cidr(c)).map(Peer::Cidr),
            (Some(gid), owner, None) => {
                if !cx.decl.sgs.contains(gid) {
                    cx.probs.add(
                        &rp.field("groupId"),
                        format!("unknown security group {gid:?}"),
                    );
                }
                match owner {
                    None => {
                        cx.probs
                            .add(&rp.field("groupOwnerId"), "missing (required with groupId)");
                        None
                    }
                    Some(o) => {
                        cx.check(&rp.field("groupOwnerId"), values::account(o))
                            .map(|owner| Peer::Group {
                                id: gid.to_owned(),
                                owner,
                            })
                    }
                }
            }
        };
        match (traffic, peer) {
            (Some(traffic), Some(peer)) => out.push(SgRule { traffic, peer }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}
