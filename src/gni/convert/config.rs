//! `<configuration>`: mode, DNS, public IPs, the MidoNet gateways (both formats) and the
//! clusters with their nodes. Also counts, per instance, the nodes that list it.
use ipnet::Ipv4Net;
use std::collections::HashSet;
use std::net::Ipv4Addr;

use super::Cx;
use crate::gni::dom::Element;
use crate::gni::model::{
    Cluster, ClusterSubnet, Config, Gateway, GatewayFormat, IpRange, Mido, Mode, Node, Routing,
};
use crate::gni::problem::Path;
use crate::gni::values;

/// Most gateways MidoNet deployments support (spec §4.3.1).
const MAX_GATEWAYS: usize = 6;
/// Linux interface names are at most 15 characters (IFNAMSIZ - 1).
const MAX_DEVICE_LEN: usize = 15;

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
    let mido = mido(cx, el, &path, &public_ips);
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
fn prop<'t>(
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
fn simple<'t, 'p>(
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
fn one<'t, 'p>(
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
fn opt_one<'t, 'p>(
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

fn mido<'t>(
    cx: &mut Cx<'t>,
    config: &'t Element<'t>,
    path: &Path<'_>,
    public_ips: &[IpRange],
) -> Option<Mido> {
    let Some(el) = prop(cx, config, path, "mido") else {
        cx.probs.add(
            &path.field("mido"),
            "missing (VPCMIDO needs 1..6 MidoNet gateways)",
        );
        return None;
    };
    let path = path.field("mido");
    // Outer Option: is bgpAsn set; inner: did it parse. A malformed ASN still makes the
    // gateways BGP gateways for the checks below, so their problems are reported too.
    let bgp = opt_one(cx, el, &path, "bgpAsn")
        .map(|(v, p)| cx.check(&p, values::int(v, 1, u32::MAX.into()).map(|n| n as u32)));
    let bgp_asn = bgp.flatten();
    let legacy_cidr = opt_one(cx, el, &path, "publicNetworkCidr")
        .map(|(v, p)| (cx.check(&p, values::cidr(v)), p));
    let legacy_hop =
        opt_one(cx, el, &path, "publicGatewayIP").map(|(v, p)| (cx.check(&p, values::ipv4(v)), p));
    let eucanetd_host = opt_one(cx, el, &path, "eucanetdHost").map(|(v, _)| v.to_owned());

    let gws: Vec<&Element<'_>> = prop(cx, el, &path, "gateways")
        .map(|g| g.children_named("gateway").collect())
        .unwrap_or_default();
    let gpath = path.field("gateways");
    if gws.is_empty() || gws.len() > MAX_GATEWAYS {
        cx.probs.add(
            &gpath,
            format!(
                "has {} gateways; VPCMIDO needs 1..{MAX_GATEWAYS}",
                gws.len()
            ),
        );
    }
    let legacy: Vec<bool> = gws.iter().map(|g| is_legacy(g)).collect();
    let any_legacy = legacy.iter().any(|&l| l);
    let any_current = legacy.iter().any(|&l| !l);
    let shared = Legacy {
        cidr: legacy_cidr.as_ref().and_then(|(c, _)| *c),
        next_hop: legacy_hop.as_ref().and_then(|(h, _)| *h),
    };
    if any_current {
        for (name, present) in [
            ("publicNetworkCidr", legacy_cidr.is_some()),
            ("publicGatewayIP", legacy_hop.is_some()),
        ] {
            if present {
                cx.probs.add(
                    &path.field(name),
                    "not allowed with current-format gateways (it only applies to legacy gateways)",
                );
            }
        }
    }
    if any_legacy {
        for (name, present) in [
            ("publicNetworkCidr", legacy_cidr.is_some()),
            ("publicGatewayIP", legacy_hop.is_some()),
        ] {
            if !present {
                cx.probs.add(
                    &path.field(name),
                    "missing (legacy-format gateways need it)",
                );
            }
        }
    }
    let mut gateways = Vec::new();
    let mut ok = true;
    for (i, (g, is_legacy)) in gws.iter().zip(&legacy).enumerate() {
        let p = gpath.nth("gateway", i + 1);
        let gw = if *is_legacy {
            legacy_gateway(cx, g, &p, &shared, bgp.is_some())
        } else {
            gateway(cx, g, &p, bgp.is_some())
        };
        match gw {
            Some(gw) => gateways.push(gw),
            None => ok = false,
        }
    }
    if bgp.is_some() {
        let routes: Vec<Ipv4Net> = gateways
            .iter()
            .flat_map(|g| match &g.routing {
                Routing::Bgp { ad_routes, .. } => ad_routes.clone(),
                Routing::Static { .. } => Vec::new(),
            })
            .collect();
        let ppath = Path::root("configuration");
        let ppath = ppath.field("publicIps");
        for range in public_ips {
            if ok && !covered(range, &routes) {
                cx.probs.add(
                    &ppath,
                    format!("{range} is not inside the union of the gateways' bgpAdRoutes"),
                );
            }
        }
        cx.bgp_ad_routes = Some(routes);
    }
    if !ok || bgp == Some(None) {
        return None;
    }
    Some(Mido {
        gateways,
        eucanetd_host,
        bgp_asn,
        public_network_cidr: shared.cidr,
        public_gateway_ip: shared.next_hop,
    })
}

/// Whether every address of `range` lies in some route.
fn covered(range: &IpRange, routes: &[Ipv4Net]) -> bool {
    let mut next = u64::from(u32::from(range.first));
    let last = u64::from(u32::from(range.last));
    // Advance through the range, jumping to the end of whichever route covers the next
    // address; at most one jump per route.
    for _ in 0..=routes.len() {
        if next > last {
            return true;
        }
        let ip = Ipv4Addr::from(next as u32);
        match routes
            .iter()
            .filter(|r| r.contains(&ip))
            .map(|r| u32::from(r.broadcast()))
            .max()
        {
            Some(end) => next = u64::from(end) + 1,
            None => return false,
        }
    }
    next > last
}

const LEGACY_PROPS: [&str; 3] = ["gatewayHost", "gatewayIP", "gatewayInterface"];
const CURRENT_PROPS: [&str; 8] = [
    "ip",
    "externalCidr",
    "externalDevice",
    "externalIp",
    "externalRouterIp",
    "bgpPeerIp",
    "bgpPeerAsn",
    "bgpAdRoutes",
];

fn has(g: &Element<'_>, name: &str) -> bool {
    g.property(name).next().is_some()
}

fn is_legacy(g: &Element<'_>) -> bool {
    LEGACY_PROPS.iter().any(|n| has(g, n)) && !CURRENT_PROPS.iter().any(|n| has(g, n))
}

/// The mido-level properties legacy gateways take their CIDR and next hop from.
struct Legacy {
    cidr: Option<Ipv4Net>,
    next_hop: Option<Ipv4Addr>,
}

fn device(cx: &mut Cx<'_>, v: &str, p: &Path<'_>) -> Option<String> {
    if v.len() > MAX_DEVICE_LEN || v.contains(char::is_whitespace) {
        cx.probs.add(
            p,
            format!(
                "{v:?} is not an interface name (at most {MAX_DEVICE_LEN} characters, no spaces)"
            ),
        );
        return None;
    }
    Some(v.to_owned())
}

fn host_in(cx: &mut Cx<'_>, net: Option<Ipv4Net>, ip: Option<Ipv4Addr>, p: &Path<'_>, what: &str) {
    if let (Some(net), Some(ip)) = (net, ip) {
        if !values::is_host_of(net, ip) {
            cx.probs
                .add(p, format!("{ip} is not a host address of the {what} {net}"));
        }
    }
}

fn gateway<'t>(cx: &mut Cx<'t>, g: &'t Element<'t>, p: &Path<'_>, bgp: bool) -> Option<Gateway> {
    if LEGACY_PROPS.iter().any(|n| has(g, n)) {
        cx.probs.add(
            p,
            "mixes current-format and legacy properties (gatewayHost/gatewayIP/gatewayInterface)",
        );
    }
    let host = one(cx, g, p, "ip").and_then(|(v, pp)| cx.check(&pp, values::ipv4_nonzero(v)));
    let cidr = one(cx, g, p, "externalCidr").and_then(|(v, pp)| cx.check(&pp, values::cidr(v)));
    let dev = one(cx, g, p, "externalDevice").and_then(|(v, pp)| device(cx, v, &pp));
    let ext_ip = one(cx, g, p, "externalIp").and_then(|(v, pp)| cx.check(&pp, values::ipv4(v)));
    host_in(cx, cidr, ext_ip, &p.field("externalIp"), "externalCidr");
    let router =
        opt_one(cx, g, p, "externalRouterIp").map(|(v, pp)| cx.check(&pp, values::ipv4(v)));
    if let Some(r) = router {
        host_in(cx, cidr, r, &p.field("externalRouterIp"), "externalCidr");
    }
    let peer_ip = opt_one(cx, g, p, "bgpPeerIp").map(|(v, pp)| cx.check(&pp, values::ipv4(v)));
    if let Some(ip) = peer_ip {
        host_in(cx, cidr, ip, &p.field("bgpPeerIp"), "externalCidr");
    }
    let peer_asn = opt_one(cx, g, p, "bgpPeerAsn")
        .map(|(v, pp)| cx.check(&pp, values::int(v, 1, u32::MAX.into()).map(|n| n as u32)));
    let ad = simple(cx, g, p, "bgpAdRoutes").map(|(vals, pp)| {
        let parsed: Vec<_> = vals
            .iter()
            .map(|v| cx.check(&pp, values::cidr(v)))
            .collect();
        (parsed, pp)
    });
    let routing = if bgp {
        if peer_ip.is_none() {
            cx.probs.add(
                &p.field("bgpPeerIp"),
                "missing (mido bgpAsn is set, so every gateway must be a BGP gateway)",
            );
        }
        if peer_asn.is_none() {
            cx.probs.add(
                &p.field("bgpPeerAsn"),
                "missing (mido bgpAsn is set, so every gateway must be a BGP gateway)",
            );
        }
        let ad_routes = match ad {
            Some((r, _)) if !r.is_empty() => r.into_iter().collect::<Option<Vec<_>>>(),
            Some((_, pp)) => {
                cx.probs
                    .add(&pp, "needs at least one value for a BGP gateway");
                None
            }
            None => {
                cx.probs.add(
                    &p.field("bgpAdRoutes"),
                    "missing (mido bgpAsn is set, so every gateway must be a BGP gateway)",
                );
                None
            }
        };
        Some(Routing::Bgp {
            peer_ip: peer_ip.flatten()?,
            peer_asn: peer_asn.flatten()?,
            ad_routes: ad_routes?,
            external_router_ip: match router {
                Some(r) => Some(r?),
                None => None,
            },
        })
    } else {
        for (name, present) in [
            ("bgpPeerIp", peer_ip.is_some()),
            ("bgpPeerAsn", peer_asn.is_some()),
            ("bgpAdRoutes", ad.is_some()),
        ] {
            if present {
                cx.probs.add(
                    &p.field(name),
                    "not allowed without mido bgpAsn (static gateways use externalRouterIp)",
                );
            }
        }
        match router {
            Some(r) => Some(Routing::Static { next_hop: r? }),
            None => {
                cx.probs.add(
                    &p.field("externalRouterIp"),
                    "missing (without mido bgpAsn every gateway needs a static next hop)",
                );
                None
            }
        }
    };
    Some(Gateway {
        format: GatewayFormat::Current,
        host: host?.to_string(),
        external_cidr: cidr?,
        external_device: dev?,
        external_ip: ext_ip?,
        routing: routing?,
    })
}

fn legacy_gateway<'t>(
    cx: &mut Cx<'t>,
    g: &'t Element<'t>,
    p: &Path<'_>,
    shared: &Legacy,
    bgp: bool,
) -> Option<Gateway> {
    if bgp {
        cx.probs.add(
            p,
            "legacy-format gateways cannot use BGP (mido bgpAsn is set)",
        );
    }
    let host = one(cx, g, p, "gatewayHost").map(|(v, _)| v.to_owned());
    let ext_ip = one(cx, g, p, "gatewayIP").and_then(|(v, pp)| cx.check(&pp, values::ipv4(v)));
    host_in(
        cx,
        shared.cidr,
        ext_ip,
        &p.field("gatewayIP"),
        "mido publicNetworkCidr",
    );
    let dev = one(cx, g, p, "gatewayInterface").and_then(|(v, pp)| device(cx, v, &pp));
    host_in(
        cx,
        shared.cidr,
        shared.next_hop,
        &Path::root("configuration")
            .field("mido")
            .field("publicGatewayIP"),
        "mido publicNetworkCidr",
    );
    Some(Gateway {
        format: GatewayFormat::Legacy,
        host: host?,
        external_cidr: shared.cidr?,
        external_device: dev?,
        external_ip: ext_ip?,
        routing: Routing::Static {
            next_hop: shared.next_hop?,
        },
    })
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
    let subnet = match c.children_named("subnet").last() {
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
        None => None,
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
