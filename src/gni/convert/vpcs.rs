//! `<vpcs>`: VPCs with their subnets, network ACLs, route tables, NAT gateways and attached
//! internet gateways.
use ipnet::Ipv4Net;

use super::traffic::{self, ACL};
use super::Cx;
use crate::gni::dom::Element;
use crate::gni::model::{
    AclAction, AclEntry, NatGateway, NetworkAcl, Route, RouteTable, RouteTarget, Subnet, Vpc,
};
use crate::gni::problem::{Key, Path};
use crate::gni::values;

/// The last ACL rule number: the implicit final deny.
const MAX_ACL_NUMBER: i64 = 32767;

pub(super) fn vpcs<'t>(cx: &mut Cx<'t>, el: &'t Element<'t>) -> Vec<Vpc> {
    let base = Path::root("vpcs");
    let mut out = Vec::new();
    for (i, v) in el.children_named("vpc").enumerate() {
        let (name, key) = Cx::key(v, i + 1);
        if let Some(vpc) = vpc(cx, v, &base.keyed("vpc", key), name) {
            out.push(vpc);
        }
    }
    out
}

/// Items of wrapper `wrapper`/`item`, with their id (if any) and path key.
fn items<'t>(
    el: &'t Element<'t>,
    wrapper: &'static str,
    item: &'static str,
) -> impl Iterator<Item = (usize, &'t Element<'t>)> {
    el.children_named(wrapper)
        .flat_map(move |w| w.children_named(item))
        .enumerate()
}

fn vpc<'t>(cx: &mut Cx<'t>, v: &'t Element<'t>, p: &Path<'_>, id: Option<&'t str>) -> Option<Vpc> {
    let owner_id = cx.req(v, p, "ownerId", values::account);
    let cidr = cx.req(v, p, "cidr", values::network_cidr);
    let dhcp_option_set = cx.leaf(v, p, "dhcpOptionSet");
    if let Some(d) = dhcp_option_set {
        if !cx.decl.dopts.contains(d) {
            cx.probs.add(
                &p.field("dhcpOptionSet"),
                format!("unknown DHCP option set {d:?}"),
            );
        }
    }
    let ip = p.field("internetGateways");
    let igws: Vec<&str> = v
        .children_named("internetGateways")
        .flat_map(|w| cx.values(w, &ip))
        .collect();
    for (j, igw) in igws.iter().enumerate() {
        if !cx.decl.igws.contains(igw) {
            cx.probs.add(
                &ip.nth("value", j + 1),
                format!("unknown internet gateway {igw:?}"),
            );
        }
    }

    let sp = p.field("subnets");
    let mut subnets = Vec::new();
    let mut ok = true;
    for (j, s) in items(v, "subnets", "subnet") {
        let (sid, key) = Cx::key(s, j + 1);
        match subnet(cx, s, &sp.keyed("subnet", key), sid, id, cidr) {
            Some(s) => subnets.push(s),
            None => ok = false,
        }
    }
    check_overlaps(cx, &sp, &subnets);

    let ap = p.field("networkAcls");
    let mut acls = Vec::new();
    for (j, a) in items(v, "networkAcls", "networkAcl") {
        let (aid, key) = Cx::key(a, j + 1);
        match network_acl(cx, a, &ap.keyed("networkAcl", key), aid) {
            Some(a) => acls.push(a),
            None => ok = false,
        }
    }

    let rp = p.field("routeTables");
    let mut tables = Vec::new();
    for (j, r) in items(v, "routeTables", "routeTable") {
        let (rid, key) = Cx::key(r, j + 1);
        match route_table(cx, r, &rp.keyed("routeTable", key), rid, id, cidr, &igws) {
            Some(r) => tables.push(r),
            None => ok = false,
        }
    }

    let np = p.field("natGateways");
    let mut nats = Vec::new();
    for (j, n) in items(v, "natGateways", "natGateway") {
        let (nid, key) = Cx::key(n, j + 1);
        match nat_gateway(cx, n, &np.keyed("natGateway", key), nid, id) {
            Some(n) => nats.push(n),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    Some(Vpc {
        id: id?.to_owned(),
        owner_id: owner_id?,
        cidr: cidr?,
        dhcp_option_set: dhcp_option_set.map(str::to_owned),
        subnets,
        network_acls: acls,
        route_tables: tables,
        nat_gateways: nats,
        internet_gateways: igws.iter().map(|s| (*s).to_owned()).collect(),
    })
}

fn subnet<'t>(
    cx: &mut Cx<'t>,
    s: &'t Element<'t>,
    p: &Path<'_>,
    id: Option<&'t str>,
    vpc: Option<&'t str>,
    vpc_cidr: Option<Ipv4Net>,
) -> Option<Subnet> {
    let owner_id = cx.req(s, p, "ownerId", values::account);
    let cidr = cx.req(s, p, "cidr", values::network_cidr);
    if let (Some(c), Some(vc)) = (cidr, vpc_cidr) {
        if !vc.contains(&c) {
            cx.probs.add(
                &p.field("cidr"),
                format!("{c} is not inside the VPC CIDR {vc}"),
            );
        }
    }
    let cluster = cx.need(s, p, "cluster");
    if let Some(c) = cluster {
        if !cx.decl.clusters.contains(c) {
            cx.probs.add(
                &p.field("cluster"),
                format!("unknown cluster {c:?} (not in configuration/clusters)"),
            );
        }
    }
    let acl = cx.leaf(s, p, "networkAcl");
    if let Some(a) = acl {
        same_vpc(
            cx,
            &p.field("networkAcl"),
            cx.decl.acls.get(a).copied(),
            a,
            vpc,
            "network ACL",
        );
    }
    let rtb = cx.need(s, p, "routeTable");
    if let Some(r) = rtb {
        same_vpc(
            cx,
            &p.field("routeTable"),
            cx.decl.route_tables.get(r).copied(),
            r,
            vpc,
            "route table",
        );
    }
    Some(Subnet {
        id: id?.to_owned(),
        owner_id: owner_id?,
        cidr: cidr?,
        cluster: cluster?.to_owned(),
        network_acl: acl.map(str::to_owned),
        route_table: rtb?.to_owned(),
    })
}

/// Reports a reference to an unknown item, or to one of another VPC.
fn same_vpc(
    cx: &mut Cx<'_>,
    p: &Path<'_>,
    owner: Option<&str>,
    id: &str,
    vpc: Option<&str>,
    noun: &str,
) {
    match (owner, vpc) {
        (None, _) => cx.probs.add(p, format!("unknown {noun} {id:?}")),
        (Some(o), Some(v)) if o != v => cx
            .probs
            .add(p, format!("{noun} {id:?} belongs to {o}, not {v}")),
        _ => {}
    }
}

/// Subnets of one VPC must not overlap. Sorting by network address means only neighbours
/// need comparing: if a subnet overlaps a later one, it overlaps the next one.
fn check_overlaps(cx: &mut Cx<'_>, p: &Path<'_>, subnets: &[Subnet]) {
    let mut sorted: Vec<&Subnet> = subnets.iter().collect();
    sorted.sort_by_key(|s| (s.cidr.network(), s.cidr.prefix_len()));
    let mut widest: Option<&Subnet> = None;
    for s in sorted {
        if let Some(w) = widest {
            if w.cidr.contains(&s.cidr.network()) {
                let sp = p.keyed("subnet", Key::Id(&s.id));
                cx.probs.add(
                    &sp.field("cidr"),
                    format!("{} overlaps {} of {}", s.cidr, w.cidr, w.id),
                );
            }
        }
        if widest.map_or(true, |w| s.cidr.broadcast() > w.cidr.broadcast()) {
            widest = Some(s);
        }
    }
}

fn network_acl<'t>(
    cx: &mut Cx<'t>,
    a: &'t Element<'t>,
    p: &Path<'_>,
    id: Option<&'t str>,
) -> Option<NetworkAcl> {
    let owner_id = cx.req(a, p, "ownerId", values::account);
    let ingress = entries(cx, a, p, "ingressEntries");
    let egress = entries(cx, a, p, "egressEntries");
    Some(NetworkAcl {
        id: id?.to_owned(),
        owner_id: owner_id?,
        ingress: ingress?,
        egress: egress?,
    })
}

fn entries<'t>(
    cx: &mut Cx<'t>,
    a: &'t Element<'t>,
    p: &Path<'_>,
    wrapper: &'static str,
) -> Option<Vec<AclEntry>> {
    let wp = p.field(wrapper);
    let mut out = Vec::new();
    let mut ok = true;
    let mut last: Option<i64> = None;
    for (j, e) in items(a, wrapper, "entry") {
        let (number_raw, key) = Cx::key_attr(e, "number", j + 1);
        let ep = wp.keyed("entry", key);
        let number = match number_raw {
            Some(n) => cx.check(&ep.field("@number"), values::int(n, 1, MAX_ACL_NUMBER)),
            None => {
                cx.probs.add(&ep.field("@number"), "missing");
                None
            }
        };
        if let (Some(n), Some(prev)) = (number, last) {
            if n == prev {
                cx.probs
                    .add(&ep.field("@number"), format!("duplicate rule number {n}"));
            } else if n < prev {
                cx.probs.add(
                    &ep.field("@number"),
                    format!("rule {n} follows rule {prev}; entries must be sorted by number"),
                );
            }
        }
        if number.is_some() {
            last = number.max(last);
        }
        let action = cx.req(e, &ep, "action", |s| match s {
            "allow" => Ok(AclAction::Allow),
            "deny" => Ok(AclAction::Deny),
            _ => Err(format!("{s:?} is not allow or deny")),
        });
        let cidr = cx.req(e, &ep, "cidr", values::cidr);
        let traffic = traffic::traffic(cx, e, &ep, &ACL);
        match (number, action, cidr, traffic) {
            (Some(n), Some(action), Some(cidr), Some(traffic)) => {
                out.push(AclEntry {
                    number: n as u16,
                    action,
                    cidr,
                    traffic,
                });
            }
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

fn route_table<'t>(
    cx: &mut Cx<'t>,
    r: &'t Element<'t>,
    p: &Path<'_>,
    id: Option<&'t str>,
    vpc: Option<&'t str>,
    vpc_cidr: Option<Ipv4Net>,
    igws: &[&str],
) -> Option<RouteTable> {
    let owner_id = cx.req(r, p, "ownerId", values::account);
    let wp = p.field("routes");
    let mut routes = Vec::new();
    let mut ok = true;
    for (j, route) in items(r, "routes", "route") {
        let rp = wp.nth("route", j + 1);
        let dest = cx.req(route, &rp, "destinationCidr", values::cidr);
        let targets: Vec<(&str, &str)> = ["gatewayId", "networkInterfaceId", "natGatewayId"]
            .into_iter()
            .filter_map(|name| cx.leaf(route, &rp, name).map(|v| (name, v)))
            .collect();
        let target = match targets.as_slice() {
            [] => {
                cx.probs.add(
                    &rp,
                    "has no target (gatewayId, networkInterfaceId or natGatewayId)",
                );
                None
            }
            [(name, value)] => target(cx, &rp.field(name), name, value, vpc, igws),
            many => {
                let names: Vec<&str> = many.iter().map(|(n, _)| *n).collect();
                cx.probs.add(
                    &rp,
                    format!(
                        "has {} targets ({}); exactly one is allowed",
                        many.len(),
                        names.join(", ")
                    ),
                );
                None
            }
        };
        if let (Some(RouteTarget::Local), Some(d), Some(vc)) = (&target, dest, vpc_cidr) {
            if d != vc {
                cx.probs.add(
                    &rp.field("destinationCidr"),
                    format!("{d} is not the VPC CIDR {vc}, so it cannot be a local route"),
                );
            }
        }
        match (dest, target) {
            (Some(destination), Some(target)) => routes.push(Route {
                destination,
                target,
            }),
            _ => ok = false,
        }
    }
    if !ok {
        return None;
    }
    Some(RouteTable {
        id: id?.to_owned(),
        owner_id: owner_id?,
        routes,
    })
}

fn target(
    cx: &mut Cx<'_>,
    p: &Path<'_>,
    name: &str,
    value: &str,
    vpc: Option<&str>,
    igws: &[&str],
) -> Option<RouteTarget> {
    match name {
        "gatewayId" if value == "local" => Some(RouteTarget::Local),
        "gatewayId" => {
            if values::id(values::Kind::Igw, value).is_err() {
                cx.probs.add(
                    p,
                    format!("{value:?} is neither \"local\" nor an internet gateway id"),
                );
                return None;
            }
            if !igws.contains(&value) {
                cx.probs.add(p, format!("internet gateway {value:?} is not attached to this VPC (not in its internetGateways)"));
                return None;
            }
            Some(RouteTarget::InternetGateway(value.to_owned()))
        }
        "networkInterfaceId" => {
            match cx.decl.enis.get(value) {
                None => cx.probs.add(
                    p,
                    format!("unknown network interface {value:?} (not attached to any instance)"),
                ),
                Some(eni_vpc) if vpc.is_some() && *eni_vpc != vpc => {
                    let other = eni_vpc.unwrap_or("no VPC");
                    cx.probs.add(
                        p,
                        format!("network interface {value:?} is in {other}, not in this VPC"),
                    );
                }
                Some(_) => return Some(RouteTarget::NetworkInterface(value.to_owned())),
            }
            None
        }
        _ => {
            let owner = cx.decl.nats.get(value).copied();
            if owner.is_none() || owner != vpc {
                same_vpc(cx, p, owner, value, vpc, "NAT gateway");
                return None;
            }
            Some(RouteTarget::NatGateway(value.to_owned()))
        }
    }
}

fn nat_gateway<'t>(
    cx: &mut Cx<'t>,
    n: &'t Element<'t>,
    p: &Path<'_>,
    id: Option<&'t str>,
    vpc: Option<&'t str>,
) -> Option<NatGateway> {
    let owner_id = cx.req(n, p, "ownerId", values::account);
    let mac = cx.opt(n, p, "macAddress", values::mac);
    let public_ip = cx.opt(n, p, "publicIp", values::ipv4_nonzero);
    if let Ok(Some(ip)) = public_ip {
        cx.public_ip(ip, &p.field("publicIp"));
    }
    let private_ip = cx.req(n, p, "privateIp", values::ipv4_nonzero);
    let nat_vpc = cx.need(n, p, "vpc");
    if let (Some(nv), Some(v)) = (nat_vpc, vpc) {
        if nv != v {
            cx.probs.add(
                &p.field("vpc"),
                format!("{nv:?} is not the enclosing VPC {v}"),
            );
        }
    }
    if let (Some(v), Some(ip), Some(nid)) = (vpc, private_ip, id) {
        cx.private_ip(v, ip, nid, &p.field("privateIp"));
    }
    let subnet = cx.need(n, p, "subnet");
    if let Some(s) = subnet {
        let owner = cx.decl.subnets.get(s).copied();
        same_vpc(
            cx,
            &p.field("subnet"),
            owner.map(|(v, _)| v),
            s,
            vpc,
            "subnet",
        );
        if let (Some((_, Some(c))), Some(ip)) = (owner, private_ip) {
            if !c.contains(&ip) {
                cx.probs.add(
                    &p.field("privateIp"),
                    format!("{ip} is not inside subnet {s} ({c})"),
                );
            }
        }
    }
    Some(NatGateway {
        id: id?.to_owned(),
        owner_id: owner_id?,
        mac: mac.ok()?,
        public_ip: public_ip.ok()?,
        private_ip: private_ip?,
        vpc: nat_vpc?.to_owned(),
        subnet: subnet?.to_owned(),
    })
}
