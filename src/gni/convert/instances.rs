//! `<instances>`: instances and their attached ENIs, the units eucanetd implements.
use std::collections::HashSet;
use std::net::Ipv4Addr;

use super::Cx;
use crate::gni::dom::Element;
use crate::gni::model::{Instance, MacAddr, NetworkInterface};
use crate::gni::problem::{Key, Path};
use crate::gni::values::{self, Kind};

pub(super) fn instances<'t>(cx: &mut Cx<'t>, el: &'t Element<'t>) -> Vec<Instance> {
    let base = Path::root("instances");
    let mut out = Vec::with_capacity(el.children.len());
    for (i, inst) in el.children_named("instance").enumerate() {
        let (name, key) = Cx::key(inst, i + 1);
        if let Some(inst) = instance(cx, inst, &base.keyed("instance", key), name) {
            out.push(inst);
        }
    }
    out
}

/// Every instance is listed under exactly one node: the node is its ENIs' MidoNet host.
/// (Listing under several nodes is reported where the second listing is.)
pub(super) fn check_node_placement<'t>(cx: &mut Cx<'t>, root: &'t Element<'t>) {
    let base = Path::root("instances");
    for inst in root
        .children_named("instances")
        .flat_map(|w| w.children_named("instance"))
    {
        if let Some(id) = inst.attr("name") {
            if cx.decl.instances.get(id) == Some(&0) {
                cx.probs.add(
                    &base.keyed("instance", Key::Id(id)),
                    "not listed under any node in configuration/clusters",
                );
            }
        }
    }
}

/// A VPC and subnet reference: the VPC exists, and the subnet is one of its subnets.
/// Returns the subnet's CIDR when known, for the address check.
fn placement(
    cx: &mut Cx<'_>,
    p: &Path<'_>,
    vpc: Option<&str>,
    subnet: Option<&str>,
) -> Option<ipnet::Ipv4Net> {
    let vpc_known = match vpc {
        Some(v) if !cx.decl.vpcs.contains_key(v) => {
            cx.probs.add(&p.field("vpc"), format!("unknown VPC {v:?}"));
            false
        }
        Some(_) => true,
        None => false,
    };
    let s = subnet?;
    match cx.decl.subnets.get(s).copied() {
        None => {
            cx.probs
                .add(&p.field("subnet"), format!("unknown subnet {s:?}"));
            None
        }
        Some((owner, cidr)) => {
            if vpc_known && Some(owner) != vpc {
                cx.probs.add(
                    &p.field("subnet"),
                    format!(
                        "subnet {s:?} belongs to {owner}, not {}",
                        vpc.unwrap_or("?")
                    ),
                );
            }
            cidr
        }
    }
}

fn sg_refs<'t>(cx: &mut Cx<'t>, el: &'t Element<'t>, p: &Path<'_>) -> Vec<String> {
    let wp = p.field("securityGroups");
    let vals: Vec<&str> = el
        .children_named("securityGroups")
        .flat_map(|w| cx.values(w, &wp))
        .collect();
    for (j, sg) in vals.iter().enumerate() {
        if !cx.decl.sgs.contains(sg) {
            cx.probs.add(
                &wp.nth("value", j + 1),
                format!("unknown security group {sg:?}"),
            );
        }
    }
    vals.into_iter().map(str::to_owned).collect()
}

fn instance<'t>(
    cx: &mut Cx<'t>,
    el: &'t Element<'t>,
    p: &Path<'_>,
    id: Option<&'t str>,
) -> Option<Instance> {
    let owner_id = cx.req(el, p, "ownerId", values::account);
    let mac = cx.opt(el, p, "macAddress", values::mac);
    let public_ip = cx.opt(el, p, "publicIp", values::ipv4_nonzero);
    let private_ip = cx.req(el, p, "privateIp", values::ipv4_nonzero);
    let vpc = cx.need(el, p, "vpc");
    let subnet = cx.need(el, p, "subnet");
    placement(cx, p, vpc, subnet);
    let security_groups = sg_refs(cx, el, p);
    if security_groups.is_empty()
        && !el
            .children_named("securityGroups")
            .any(|w| w.children_named("value").next().is_some())
    {
        cx.probs.add(
            &p.field("securityGroups"),
            "needs at least one security group (eucanetd rejects the whole view otherwise)",
        );
    }

    let wp = p.field("networkInterfaces");
    let mut enis = Vec::new();
    let mut ok = true;
    let mut indexes = HashSet::new();
    let mut primary = None;
    let all: Vec<&Element<'_>> = el
        .children_named("networkInterfaces")
        .flat_map(|w| w.children_named("networkInterface"))
        .collect();
    if all.is_empty() {
        cx.probs
            .add(&wp, "needs at least one attached network interface");
    }
    for (j, e) in all.iter().enumerate() {
        let (eid, key) = Cx::key(e, j + 1);
        let ep = wp.keyed("networkInterface", key);
        let eni = eni(cx, e, &ep, eid, vpc);
        match eni {
            Some(eni) => {
                if !indexes.insert(eni.device_index) {
                    cx.probs.add(
                        &ep.field("deviceIndex"),
                        format!(
                            "device index {} is used twice in this instance",
                            eni.device_index
                        ),
                    );
                }
                if eni.device_index == 0 && primary.is_none() {
                    primary = Some(enis.len());
                }
                enis.push(eni);
            }
            None => ok = false,
        }
    }
    if ok && !all.is_empty() && primary.is_none() {
        cx.probs.add(
            &wp,
            "has no network interface with deviceIndex 0 (the primary)",
        );
    }
    if let (Some(k), Ok(mac), Ok(public_ip), Some(private_ip)) =
        (primary, mac, public_ip, private_ip)
    {
        let e = &enis[k];
        let pairs: [(&str, bool, String, String); 5] = [
            (
                "macAddress",
                mac == Some(e.mac),
                opt(mac),
                e.mac.to_string(),
            ),
            (
                "publicIp",
                public_ip == e.public_ip,
                opt(public_ip),
                opt(e.public_ip),
            ),
            (
                "privateIp",
                private_ip == e.private_ip,
                private_ip.to_string(),
                e.private_ip.to_string(),
            ),
            (
                "vpc",
                vpc == Some(e.vpc.as_str()),
                vpc.unwrap_or("").to_owned(),
                e.vpc.clone(),
            ),
            (
                "subnet",
                subnet == Some(e.subnet.as_str()),
                subnet.unwrap_or("").to_owned(),
                e.subnet.clone(),
            ),
        ];
        for (name, same, mine, theirs) in pairs {
            if !same && (name != "vpc" || vpc.is_some()) && (name != "subnet" || subnet.is_some()) {
                cx.probs.add(
                    &p.field(name),
                    format!(
                        "{mine:?} differs from {theirs:?} of its primary interface {}",
                        e.id
                    ),
                );
            }
        }
    }
    if !ok {
        return None;
    }
    Some(Instance {
        id: id?.to_owned(),
        owner_id: owner_id?,
        mac: mac.ok()?,
        public_ip: public_ip.ok()?,
        private_ip: private_ip?,
        vpc: vpc?.to_owned(),
        subnet: subnet?.to_owned(),
        network_interfaces: enis,
        security_groups,
    })
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "(none)".into())
}

fn eni<'t>(
    cx: &mut Cx<'t>,
    e: &'t Element<'t>,
    p: &Path<'_>,
    id: Option<&'t str>,
    instance_vpc: Option<&str>,
) -> Option<NetworkInterface> {
    let owner_id = cx.req(e, p, "ownerId", values::account);
    let device_index = cx.req(e, p, "deviceIndex", |s| {
        values::int(s, 0, u32::MAX.into()).map(|n| n as u32)
    });
    let attachment_id = cx.req(e, p, "attachmentId", |s| {
        values::id(Kind::EniAttach, s).map(|()| s.to_owned())
    });
    let mac: Option<MacAddr> = cx.req(e, p, "macAddress", values::mac);
    let private_ip: Option<Ipv4Addr> = cx.req(e, p, "privateIp", values::ipv4_nonzero);
    let public_ip = cx.opt(e, p, "publicIp", values::ipv4_nonzero);
    if let Ok(Some(ip)) = public_ip {
        cx.public_ip(ip, &p.field("publicIp"));
    }
    let sdc = cx.req(e, p, "sourceDestCheck", values::boolean);
    let vpc = cx.need(e, p, "vpc");
    if let (Some(v), Some(iv)) = (vpc, instance_vpc) {
        if v != iv && cx.decl.vpcs.contains_key(v) {
            cx.probs.add(
                &p.field("vpc"),
                format!("{v:?} is not the instance's VPC {iv:?}"),
            );
        }
    }
    let subnet = cx.need(e, p, "subnet");
    let cidr = placement(cx, p, vpc, subnet);
    if let (Some(c), Some(ip), Some(s)) = (cidr, private_ip, subnet) {
        if !c.contains(&ip) {
            cx.probs.add(
                &p.field("privateIp"),
                format!("{ip} is not inside subnet {s} ({c})"),
            );
        }
    }
    if let (Some(v), Some(ip), Some(eid)) = (vpc, private_ip, id) {
        cx.private_ip(v, ip, eid, &p.field("privateIp"));
    }
    let security_groups = sg_refs(cx, e, p);
    Some(NetworkInterface {
        id: id?.to_owned(),
        owner_id: owner_id?,
        device_index: device_index?,
        attachment_id: attachment_id?,
        mac: mac?,
        private_ip: private_ip?,
        public_ip: public_ip.ok()?,
        source_dest_check: sdc?,
        vpc: vpc?.to_owned(),
        subnet: subnet?.to_owned(),
        security_groups,
    })
}
