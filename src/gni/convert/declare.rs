//! First pass: registers every id in the view, checking its format and uniqueness.
//!
//! The tables map each raw id to what later references need to know about it (its VPC, its
//! parsed CIDR), so the second pass can check "the route table of the *same* VPC" or "the
//! ENI's address inside its subnet" whatever the order of sections.
use std::collections::{HashMap, HashSet};

use ipnet::Ipv4Net;

use super::Cx;
use crate::gni::dom::Element;
use crate::gni::problem::{Key, Path};
use crate::gni::values::{self, Kind};

/// Ids declared in the view.
#[derive(Default)]
pub(crate) struct Declared<'t> {
    /// VPC id → its CIDR (when valid).
    pub(crate) vpcs: HashMap<&'t str, Option<Ipv4Net>>,
    /// Subnet id → (VPC id, CIDR when valid).
    pub(crate) subnets: HashMap<&'t str, (&'t str, Option<Ipv4Net>)>,
    /// ACL, route table and NAT gateway id → VPC id.
    pub(crate) acls: HashMap<&'t str, &'t str>,
    pub(crate) route_tables: HashMap<&'t str, &'t str>,
    pub(crate) nats: HashMap<&'t str, &'t str>,
    pub(crate) igws: HashSet<&'t str>,
    pub(crate) dopts: HashSet<&'t str>,
    pub(crate) sgs: HashSet<&'t str>,
    /// Instance id → how many nodes list it (filled in while reading the clusters).
    pub(crate) instances: HashMap<&'t str, usize>,
    /// ENI id → the VPC its `<vpc>` names.
    pub(crate) enis: HashMap<&'t str, Option<&'t str>>,
    pub(crate) clusters: HashSet<&'t str>,
}

pub(super) fn declare<'t>(cx: &mut Cx<'t>, root: &'t Element<'t>) {
    let mut seen: HashSet<(Kind, &'t str)> = HashSet::new();
    for vpcs in root.children_named("vpcs") {
        let base = Path::root("vpcs");
        for (i, vpc) in vpcs.children_named("vpc").enumerate() {
            let Some(vpc_id) = name(cx, &mut seen, vpc, &base, "vpc", i, Kind::Vpc) else {
                continue;
            };
            let path = base.keyed("vpc", Key::Id(vpc_id));
            let cidr = vpc.children_named("cidr").filter_map(Element::text).last();
            cx.decl
                .vpcs
                .insert(vpc_id, cidr.and_then(|c| values::network_cidr(c).ok()));
            for (wrapper, item, kind) in [
                ("subnets", "subnet", Kind::Subnet),
                ("networkAcls", "networkAcl", Kind::Acl),
                ("routeTables", "routeTable", Kind::RouteTable),
                ("natGateways", "natGateway", Kind::Nat),
            ] {
                let wpath = path.field(wrapper);
                for w in vpc.children_named(wrapper) {
                    for (j, el) in w.children_named(item).enumerate() {
                        let Some(id) = name(cx, &mut seen, el, &wpath, item, j, kind) else {
                            continue;
                        };
                        match kind {
                            Kind::Subnet => {
                                let cidr =
                                    el.children_named("cidr").filter_map(Element::text).last();
                                let cidr = cidr.and_then(|c| values::network_cidr(c).ok());
                                cx.decl.subnets.insert(id, (vpc_id, cidr));
                            }
                            Kind::Acl => _ = cx.decl.acls.insert(id, vpc_id),
                            Kind::RouteTable => _ = cx.decl.route_tables.insert(id, vpc_id),
                            _ => _ = cx.decl.nats.insert(id, vpc_id),
                        }
                    }
                }
            }
        }
    }
    for instances in root.children_named("instances") {
        let base = Path::root("instances");
        for (i, inst) in instances.children_named("instance").enumerate() {
            let Some(inst_id) = name(cx, &mut seen, inst, &base, "instance", i, Kind::Instance)
            else {
                continue;
            };
            cx.decl.instances.insert(inst_id, 0);
            let wpath = base.keyed("instance", Key::Id(inst_id));
            let wpath = wpath.field("networkInterfaces");
            for w in inst.children_named("networkInterfaces") {
                for (j, eni) in w.children_named("networkInterface").enumerate() {
                    if let Some(id) =
                        name(cx, &mut seen, eni, &wpath, "networkInterface", j, Kind::Eni)
                    {
                        let vpc = eni.children_named("vpc").filter_map(Element::text).last();
                        cx.decl.enis.insert(id, vpc);
                        // Attachment ids are a kind of their own; their format is checked
                        // with the ENI's other fields.
                        let attachment = eni
                            .children_named("attachmentId")
                            .filter_map(Element::text)
                            .last();
                        if let Some(a) = attachment {
                            if !seen.insert((Kind::EniAttach, a)) {
                                let at = wpath.keyed("networkInterface", Key::Id(id));
                                cx.probs.add(
                                    &at.field("attachmentId"),
                                    format!("duplicate attachment id {a:?}"),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    for (section, item, kind) in [
        ("dhcpOptionSets", "dhcpOptionSet", Kind::Dopt),
        ("internetGateways", "internetGateway", Kind::Igw),
        ("securityGroups", "securityGroup", Kind::Sg),
    ] {
        let base = Path::root(section);
        for s in root.children_named(section) {
            for (i, el) in s.children_named(item).enumerate() {
                if let Some(id) = name(cx, &mut seen, el, &base, item, i, kind) {
                    let set = match kind {
                        Kind::Dopt => &mut cx.decl.dopts,
                        Kind::Igw => &mut cx.decl.igws,
                        _ => &mut cx.decl.sgs,
                    };
                    set.insert(id);
                }
            }
        }
    }
    declare_clusters(cx, root);
}

/// Cluster names, so `subnet/cluster` can be resolved.
fn declare_clusters<'t>(cx: &mut Cx<'t>, root: &'t Element<'t>) {
    let clusters = root
        .children_named("configuration")
        .flat_map(|c| c.property("clusters"))
        .flat_map(|p| p.children_named("cluster"));
    for cluster in clusters {
        if let Some(name) = cluster.attr("name") {
            cx.decl.clusters.insert(name);
        }
    }
}

/// Checks and registers an element's id; `None` when it has no name at all.
fn name<'t>(
    cx: &mut Cx<'t>,
    seen: &mut HashSet<(Kind, &'t str)>,
    el: &'t Element<'t>,
    parent: &Path<'_>,
    item: &'static str,
    index: usize,
    kind: Kind,
) -> Option<&'t str> {
    let Some(id) = el.attr("name") else {
        cx.probs
            .add(&parent.nth(item, index + 1).field("@name"), "missing");
        return None;
    };
    let path = parent.keyed(item, Key::Id(id));
    let at = path.field("@name");
    if let Err(m) = values::id(kind, id) {
        cx.probs.add(&at, m);
    }
    if !seen.insert((kind, id)) {
        cx.probs
            .add(&at, format!("duplicate {} id {id:?}", kind.noun()));
    }
    Some(id)
}
