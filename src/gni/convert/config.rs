//! `<configuration>`: mode, DNS, public IPs, the MidoNet gateways (both formats) and the
//! clusters with their nodes. Also counts, per instance, the nodes that list it. The
//! gateways are read by `mido`.
use std::collections::HashSet;

use super::Cx;
use crate::gni::dom::Element;
use crate::gni::model::{Cluster, ClusterSubnet, Config, Mode, Node};
use crate::gni::problem::{Key, Path};
use crate::gni::values;

pub(super) fn configuration<'t>(cx: &mut Cx<'t>, el: &'t Element<'t>) -> Option<Config> {
    let path = Path::root("configuration");
    let mode = mode(cx, el, &path);
    let public_ips = match simple(cx, el, &path, "publicIps") {
        Some((vals, p)) => vals
            .iter()
            .filter_map(|v| cx.check(&p, values::ip_range(v)))
            .collect(),
        None => Vec::new(),
    };
    let enabled_clc_ip =
        one(cx, el, &path, "enabledCLCIp").and_then(|(v, p)| cx.check(&p, values::ipv4_nonzero(v)));
    let instance_dns_domain = one(cx, el, &path, "instanceDNSDomain").map(|(v, _)| v.to_owned());
    let dns = simple(cx, el, &path, "instanceDNSServers");
    let mut instance_dns_servers = Vec::new();
    match &dns {
        Some((vals, p)) if !vals.is_empty() => {
            for v in vals {
                instance_dns_servers.extend(cx.check(p, values::ipv4_nonzero(v)));
            }
        }
        Some((_, p)) => cx.probs.add(p, "needs at least one value"),
        None => cx.probs.add(&path.field("instanceDNSServers"), "missing"),
    }
    property_types(cx, el, &path);
    let mido = super::mido::mido(cx, el, &path, &public_ips);
    let clusters = clusters(cx, el, &path);
    Some(Config {
        mode: mode?,
        public_ips,
        enabled_clc_ip: enabled_clc_ip?,
        instance_dns_domain: instance_dns_domain?,
        instance_dns_servers,
        mido: mido?,
        clusters: clusters?,
    })
}

fn mode<'t>(cx: &mut Cx<'t>, el: &'t Element<'t>, path: &Path<'_>) -> Option<Mode> {
    let (v, p) = one(cx, el, path, "mode")?;
    match v {
        "VPCMIDO" => Some(Mode::Vpcmido),
        "EDGE" => {
            cx.probs.add(
                &p,
                "\"EDGE\" views are not handled: vpcmido implements VPCMIDO mode only",
            );
            None
        }
        other => {
            cx.probs
                .add(&p, format!("{other:?} is not a mode (expected VPCMIDO)"));
            None
        }
    }
}

/// The single `<property name=…>` child of `el`; a repeated one is reported.
pub(super) fn prop<'t>(
    cx: &mut Cx<'t>,
    el: &'t Element<'t>,
    path: &Path<'_>,
    name: &'static str,
) -> Option<&'t Element<'t>> {
    let mut it = el.property(name);
    let first = it.next();
    let extra = it.count();
    if extra > 0 {
        cx.probs.add(
            &path.field(name),
            format!("appears {} times; at most one is allowed", extra + 1),
        );
    }
    first
}

/// A simple property's values (and its path), if the property is present.
pub(super) fn simple<'t, 'p>(
    cx: &mut Cx<'t>,
    el: &'t Element<'t>,
    path: &'p Path<'p>,
    name: &'static str,
) -> Option<(Vec<&'t str>, Path<'p>)> {
    let p = prop(cx, el, path, name)?;
    let vpath = path.field(name);
    let vals = cx.values(p, &vpath);
    Some((vals, vpath))
}

/// A required single-valued simple property.
pub(super) fn one<'t, 'p>(
    cx: &mut Cx<'t>,
    el: &'t Element<'t>,
    path: &'p Path<'p>,
    name: &'static str,
) -> Option<(&'t str, Path<'p>)> {
    let v = opt_one(cx, el, path, name);
    if v.is_none() {
        cx.probs.add(&path.field(name), "missing");
    }
    v
}

/// An optional single-valued simple property; several values are reported.
pub(super) fn opt_one<'t, 'p>(
    cx: &mut Cx<'t>,
    el: &'t Element<'t>,
    path: &'p Path<'p>,
    name: &'static str,
) -> Option<(&'t str, Path<'p>)> {
    let (vals, p) = simple(cx, el, path, name)?;
    if vals.len() > 1 {
        cx.probs.add(
            &p,
            format!("has {} values; exactly one is allowed", vals.len()),
        );
    }
    vals.first().map(|v| (*v, p))
}

fn clusters<'t>(cx: &mut Cx<'t>, config: &'t Element<'t>, path: &Path<'_>) -> Option<Vec<Cluster>> {
    let Some(el) = prop(cx, config, path, "clusters") else {
        cx.probs.add(&path.field("clusters"), "missing");
        return None;
    };
    let path = path.field("clusters");
    let mut out = Vec::new();
    let mut ok = true;
    let mut names = HashSet::new();
    let mut node_names = HashSet::new();
    for (i, c) in el.children_named("cluster").enumerate() {
        let (name, key) = Cx::key(c, i + 1);
        let p = path.keyed("cluster", key);
        match name {
            None => cx.probs.add(&p.field("@name"), "missing"),
            Some(n) if !names.insert(n) => cx
                .probs
                .add(&p.field("@name"), format!("duplicate cluster name {n:?}")),
            Some(_) => {}
        }
        match cluster(cx, c, &p, name, &mut node_names) {
            Some(c) => out.push(c),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn cluster<'t>(
    cx: &mut Cx<'t>,
    c: &'t Element<'t>,
    p: &Path<'_>,
    name: Option<&'t str>,
    node_names: &mut HashSet<&'t str>,
) -> Option<Cluster> {
    // 5.x writes a cluster without a subnet as an empty `<subnet/>`: absent, like any
    // empty element.
    let subnet = c
        .children_named("subnet")
        .filter(|s| !s.children.is_empty() || s.attr("name").is_some());
    let subnet = match subnet.last() {
        Some(s) => {
            let sp = p.field("subnet");
            let mut ip = |n: &'static str| {
                one(cx, s, &sp, n).and_then(|(v, pp)| cx.check(&pp, values::ipv4(v)))
            };
            let (subnet, netmask, gateway) = (ip("subnet"), ip("netmask"), ip("gateway"));
            Some(Some(ClusterSubnet {
                name: s.attr("name").unwrap_or_default().to_owned(),
                subnet: subnet?,
                netmask: netmask?,
                gateway: gateway?,
            }))
        }
        None => Some(None),
    };
    let enabled_cc_ip =
        one(cx, c, p, "enabledCCIp").and_then(|(v, pp)| cx.check(&pp, values::ipv4_nonzero(v)));
    let mac_prefix =
        one(cx, c, p, "macPrefix").and_then(|(v, pp)| cx.check(&pp, values::mac_prefix(v)));
    let private_ips = match simple(cx, c, p, "privateIps") {
        Some((vals, pp)) => vals
            .iter()
            .map(|v| cx.check(&pp, values::ip_range(v)))
            .collect::<Option<Vec<_>>>(),
        None => Some(Vec::new()),
    };
    let nodes = match prop(cx, c, p, "nodes") {
        Some(n) => nodes(cx, n, &p.field("nodes"), node_names),
        None => {
            cx.probs.add(&p.field("nodes"), "missing");
            None
        }
    };
    Some(Cluster {
        name: name?.to_owned(),
        subnet: subnet?,
        enabled_cc_ip: enabled_cc_ip?,
        mac_prefix: mac_prefix?,
        private_ips: private_ips?,
        nodes: nodes?,
    })
}

fn nodes<'t>(
    cx: &mut Cx<'t>,
    el: &'t Element<'t>,
    path: &Path<'_>,
    names: &mut HashSet<&'t str>,
) -> Option<Vec<Node>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (i, n) in el.children_named("node").enumerate() {
        let (name, key) = Cx::key(n, i + 1);
        let p = path.keyed("node", key);
        match name {
            None => {
                cx.probs.add(&p.field("@name"), "missing");
                ok = false;
            }
            Some(nm) if !names.insert(nm) => {
                cx.probs.add(
                    &p.field("@name"),
                    format!("node {nm:?} is listed more than once"),
                );
            }
            Some(_) => {}
        }
        let ip = p.field("instanceIds");
        let ids: Vec<&str> = n
            .children_named("instanceIds")
            .flat_map(|w| cx.values(w, &ip))
            .collect();
        for (j, id) in ids.iter().enumerate() {
            let vp = ip.nth("value", j + 1);
            match cx.decl.instances.get_mut(id) {
                Some(count) => {
                    *count += 1;
                    if *count == 2 {
                        cx.probs.add(
                            &vp,
                            format!("instance {id:?} is listed under more than one node"),
                        );
                    }
                }
                None => cx.probs.add(&vp, format!("unknown instance {id:?}")),
            }
        }
        if let Some(nm) = name {
            out.push(Node {
                name: nm.to_owned(),
                instance_ids: ids.iter().map(|s| (*s).to_owned()).collect(),
            });
        }
    }
    ok.then_some(out)
}

/// The 5.x `type` attribute of each `<property>` under `<configuration>` must match its role
/// (spec §2.2). 4.x views have none, and a property without one is accepted either way.
fn property_types<'t>(cx: &mut Cx<'t>, el: &'t Element<'t>, path: &Path<'_>) {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for child in &el.children {
        let (name, pos) = match child.name {
            "property" => (child.attr("name").unwrap_or("property"), 0),
            "gateway" | "cluster" | "node" | "subnet" | "managedSubnet" => {
                let pos = match seen.iter_mut().find(|(n, _)| *n == child.name) {
                    Some((_, count)) => {
                        *count += 1;
                        *count
                    }
                    None => {
                        seen.push((child.name, 1));
                        1
                    }
                };
                (child.name, pos)
            }
            _ => continue,
        };
        let p = if pos == 0 {
            path.field(name)
        } else {
            path.keyed(name, Key::new(child.attr("name"), pos))
        };
        if child.name == "property" {
            let expected = match name {
                "mido" => "midonet",
                "gateways" => "midonet-gateways",
                "clusters" => "cluster",
                "nodes" => "node",
                "subnets" => "subnet",
                "managedSubnet" => "managed-subnet",
                _ => "simple",
            };
            if let Some(found) = child.attr("type") {
                if found != expected {
                    cx.probs.add(
                        &p.field("@type"),
                        format!(
                            "{found:?} does not match this property's role (expected {expected:?})"
                        ),
                    );
                }
            }
        }
        property_types(cx, child, &p);
    }
}
