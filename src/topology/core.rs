//! The core part (spec vpc-to-midonet.md §3, §4.1): `eucart`, `eucabr` and their link, the
//! gateways (uplink ports bound to host NICs, static routes, the `eucapg` port group), BGP in
//! MidoNet 5's model (router `asNumber`, `bgp_peers`, `bgp_networks`), `eucabr_infilter`,
//! the `euca_version` and `metadata_ip` groups, and the MidoNet side of metadata
//! (`eucamdrt`, `eucamdbr`, the external port and its filter).
use super::addr;
use super::model::*;
use super::names;
use super::rules;
use super::settings::Settings;
use crate::gni::model::{Gni, Routing};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

/// Keys of core objects that VPC parts refer to.
pub mod keys {
    use super::Key;
    pub fn eucart() -> Key {
        Key::new("core/eucart")
    }
    /// eucart's port on the internal routing net (169.254.0.1/17).
    pub fn eucart_int() -> Key {
        eucart().child("int")
    }
    pub fn eucabr() -> Key {
        Key::new("core/eucabr")
    }
    pub fn eucamdrt() -> Key {
        Key::new("core/eucamdrt")
    }
    /// eucamdrt's port on the internal metadata net (169.254.128.1/17).
    pub fn eucamdrt_int() -> Key {
        eucamdrt().child("int")
    }
    pub fn eucamdbr() -> Key {
        Key::new("core/eucamdbr")
    }
}

/// The host running vpcmido, where metadata veths live: the enabled CLC (eucanetd's
/// pre-flight check requires it to run there).
pub fn daemon_host(view: &Gni) -> HostRef {
    HostRef(view.config.enabled_clc_ip.to_string())
}

pub fn core_part(view: &Gni, settings: &Settings, euca_version: Option<Ipv4Addr>) -> Part {
    let mut p = Part::default();
    let version = euca_version.unwrap_or(settings.euca_version);
    p.ip_group(
        Key::new("core/euca_version"),
        names::EUCA_VERSION.into(),
        [version],
    );

    let eucart = p.router(keys::eucart(), names::EUCART.into());
    let int = p.router_port(
        keys::eucart_int(),
        &eucart,
        addr::eucart_int_ip(),
        addr::int_rt_net(),
        None,
    );
    p.net_route(&eucart, addr::int_rt_net(), &int);

    gateways(view, &mut p, &eucart);

    let infilter = p.chain(
        Key::new("core/eucabr_infilter"),
        names::EUCABR_INFILTER.into(),
        RuleOrder::Ordered,
        rules::eucabr_infilter(),
    );
    let eucabr = p.bridge(keys::eucabr(), names::EUCABR.into(), None);
    if let Some(b) = p.bridges.last_mut() {
        // eucanetd sets only the inbound filter on eucabr.
        b.inbound_filter = Some(infilter);
    }
    let br_port = p.bridge_port(eucabr.child("eucart"), &eucabr);
    p.link(&int, &br_port);
    p.ip_group(
        Key::new("core/metadata_ip"),
        names::METADATA_IP.into(),
        [addr::METADATA_IP],
    );

    if settings.metadata {
        metadata(view, settings, &mut p);
    }
    p
}

fn gateways(view: &Gni, p: &mut Part, eucart: &Key) {
    let mido = &view.config.mido;
    let mut members = Vec::new();
    let mut ad_routes = BTreeSet::new();
    let bgp = mido.bgp_asn.filter(|_| {
        mido.gateways
            .iter()
            .any(|g| matches!(g.routing, Routing::Bgp { .. }))
    });
    for g in &mido.gateways {
        let key = eucart.child(format!("gw/{}/{}", g.host, g.external_device));
        let port = p.router_port(key.clone(), eucart, g.external_ip, g.external_cidr, None);
        let peer = match &g.routing {
            Routing::Static { next_hop } => *next_hop,
            Routing::Bgp { peer_ip, .. } => *peer_ip,
        };
        p.net_route(eucart, g.external_cidr.trunc(), &port);
        p.net_route(eucart, addr::host(peer), &port);
        // The static default route exists even with BGP (§3.2 step 4).
        p.route(eucart, addr::any(), addr::any(), &port, Some(peer), 0);
        p.bind(&port, HostRef(g.host.clone()), g.external_device.clone());
        members.push(port);
        if let Routing::Bgp {
            peer_ip,
            peer_asn,
            ad_routes: routes,
            ..
        } = &g.routing
        {
            if bgp.is_some() {
                p.bgp_peers.push(BgpPeer {
                    key: eucart.child(format!("bgp-peer/{peer_ip}")),
                    router: eucart.clone(),
                    as_number: *peer_asn,
                    address: *peer_ip,
                });
                ad_routes.extend(routes.iter().map(|r| r.trunc()));
            }
        }
    }
    if let (Some(asn), Some(r)) = (bgp, p.routers.iter_mut().find(|r| &r.key == eucart)) {
        r.as_number = asn;
    }
    // One network per distinct CIDR in the union of all gateways' advertisements (§3.3).
    for net in ad_routes {
        p.bgp_networks.push(BgpNetwork {
            key: eucart.child(format!("bgp-net/{net}")),
            router: eucart.clone(),
            subnet: net,
        });
    }
    p.port_groups.push(PortGroup {
        key: Key::new("core/eucapg"),
        name: names::EUCAPG.into(),
        stateful: true,
        members,
    });
}

fn metadata(view: &Gni, settings: &Settings, p: &mut Part) {
    let rt = p.router(keys::eucamdrt(), names::EUCAMDRT.into());
    let int = p.router_port(
        keys::eucamdrt_int(),
        &rt,
        addr::eucamdrt_int_ip(),
        addr::int_md_net(),
        None,
    );
    p.net_route(&rt, addr::int_md_net(), &int);
    let br = p.bridge(keys::eucamdbr(), names::EUCAMDBR.into(), None);
    let br_port = p.bridge_port(br.child("eucamdrt"), &br);
    p.link(&int, &br_port);
    let ext = p.router_port(
        rt.child("ext"),
        &rt,
        addr::MD_EXT_PORT_IP,
        addr::ext_md_net(),
        None,
    );
    p.net_route(&rt, addr::ext_md_net(), &ext);
    let out = p.chain(
        Key::new("core/eucamdrt_extportout"),
        names::EUCAMDRT_EXTPORTOUT.into(),
        RuleOrder::Ordered,
        rules::md_extport_out(&settings.md_254_egress, &settings.md_253_egress),
    );
    if let Some(port) = p.ports.iter_mut().find(|x| x.key == ext) {
        port.outbound_filter = Some(out);
    }
    p.bind(&ext, daemon_host(view), names::MD_VETH_MIDO.into());
}
