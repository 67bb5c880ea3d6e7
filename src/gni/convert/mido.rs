//! `<property name="mido">`: the MidoNet gateways in the current (4.4+) and legacy (4.2–4.3)
//! formats, resolved into one [`Gateway`] shape, with the static/BGP rules of spec §4.3 and
//! the coverage of public IPs by BGP advertisements.
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

use super::config::{one, opt_one, prop, simple};
use super::Cx;
use crate::gni::dom::Element;
use crate::gni::model::{Gateway, GatewayFormat, IpRange, Mido, Routing};
use crate::gni::problem::Path;
use crate::gni::values;

/// Most gateways MidoNet deployments support (spec §4.3.1).
const MAX_GATEWAYS: usize = 6;
/// Linux interface names are at most 15 characters (IFNAMSIZ - 1).
const MAX_DEVICE_LEN: usize = 15;

pub(super) fn mido<'t>(
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
