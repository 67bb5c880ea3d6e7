//! Output objects: stored DTOs plus the absolute link fields MidoNet adds, built from the
//! request's base URI (spec §1, §5), and the agent state read on every GET (port `active`,
//! `bgpStatus`). Returns JSON text, because some kinds repeat a key (spec §5).
use super::http::{to_text, with_leading_key};
use super::store::{
    Attach, BridgeRec, ChainRec, HostRec, IpgRec, PortGroupRec, PortRec, RouteRec, RouterRec,
    Store, SubnetRec, TunnelZoneRec,
};
use crate::midonet::dto::{
    BgpNetwork, BgpPeer, DhcpHost, HostInterfacePort, Interface, PortGroupPort, PortKind, Route,
    Rule, TunnelZoneHost,
};
use uuid::Uuid;

fn opt_link(base: &str, coll: &str, id: Option<Uuid>) -> Option<String> {
    id.map(|id| format!("{base}/{coll}/{id}"))
}

pub fn router(base: &str, r: &RouterRec) -> String {
    let mut d = r.dto.clone();
    let id = d.id.unwrap_or_default();
    let u = format!("{base}/routers/{id}");
    d.inbound_filter = opt_link(base, "chains", d.inbound_filter_id);
    d.outbound_filter = opt_link(base, "chains", d.outbound_filter_id);
    d.local_redirect_chain = opt_link(base, "chains", d.local_redirect_chain_id);
    d.forward_chain = opt_link(base, "chains", d.forward_chain_id);
    d.load_balancer = opt_link(base, "load_balancers", d.load_balancer_id);
    d.ports = Some(format!("{u}/ports"));
    d.peer_ports = Some(format!("{u}/peer_ports"));
    d.routes = Some(format!("{u}/routes"));
    d.bgp_peers = Some(format!("{u}/bgp_peers"));
    d.bgp_networks = Some(format!("{u}/bgp_networks"));
    d.uri = Some(u);
    to_text(&d)
}

pub fn bridge(base: &str, b: &BridgeRec) -> String {
    let mut d = b.dto.clone();
    let id = d.id.unwrap_or_default();
    let u = format!("{base}/bridges/{id}");
    d.vx_lan_port_ids = Some(d.vx_lan_port_ids.unwrap_or_default());
    d.inbound_filter = opt_link(base, "chains", d.inbound_filter_id);
    d.outbound_filter = opt_link(base, "chains", d.outbound_filter_id);
    d.ports = Some(format!("{u}/ports"));
    d.peer_ports = Some(format!("{u}/peer_ports"));
    d.vx_lan_ports = Some(format!("{u}/vxlan_ports"));
    d.dhcp_subnets = Some(format!("{u}/dhcp"));
    d.dhcp_subnet6s = Some(format!("{u}/dhcpV6"));
    d.mac_table = Some(format!("{u}/mac_table"));
    d.arp_table = Some(format!("{u}/arp_table"));
    d.vlan_mac_table_template = Some(format!("{u}/vlans/{{vlanId}}/mac_table"));
    d.mac_port_template = Some(format!("{u}/mac_table/{{macAddress}}_{{portId}}"));
    d.vlan_mac_port_template = Some(format!(
        "{u}/vlans/{{vlanId}}/mac_table/{{macAddress}}_{{portId}}"
    ));
    d.uri = Some(u);
    to_text(&d)
}

pub fn port(base: &str, s: &Store, p: &PortRec) -> String {
    let mut d = p.dto.clone();
    let id = d.id.unwrap_or_default();
    let u = format!("{base}/ports/{id}");
    let dev_coll = if matches!(d.kind, PortKind::Router(_)) {
        "routers"
    } else {
        "bridges"
    };
    d.device = opt_link(base, dev_coll, d.device_id);
    d.host = opt_link(base, "hosts", d.host_id);
    d.peer = opt_link(base, "ports", d.peer_id);
    d.link = Some(format!("{u}/link"));
    d.port_groups = Some(format!("{u}/port_groups"));
    d.host_interface_port = d.host_id.map(|h| format!("{base}/hosts/{h}/ports/{id}"));
    d.inbound_filter = opt_link(base, "chains", d.inbound_filter_id);
    d.outbound_filter = opt_link(base, "chains", d.outbound_filter_id);
    d.active = s.port_active.get(&id).copied().unwrap_or(false);
    if let PortKind::Router(rp) = &mut d.kind {
        rp.bgp_status = s.port_bgp_status.get(&id).cloned();
        rp.peering_table = d
            .device_id
            .map(|r| format!("{base}/routers/{r}/ports/{id}/peering_table"));
        rp.service_container = opt_link(base, "service_containers", rp.service_container_id);
    }
    let bridge = matches!(d.kind, PortKind::Bridge(_) | PortKind::Vxlan(_));
    let kind = d.kind.type_name();
    d.uri = Some(u);
    let text = to_text(&d);
    if bridge {
        // BridgePort has its own getType(): Jackson writes `type` twice (spec §5).
        with_leading_key(text, "type", &format!("\"{kind}\""))
    } else {
        text
    }
}

/// The router a route belongs to, as GET fills it (from the port when it hangs off one).
pub fn route_router(s: &Store, r: &RouteRec) -> Option<Uuid> {
    match r.attach {
        Attach::Port(p) => s
            .ports
            .get(&p)
            .and_then(|p| p.dto.device_id)
            .or(r.dto.router_id),
        Attach::Router(id) => Some(id),
        Attach::Nothing => r.dto.router_id,
    }
}

pub fn route(base: &str, s: &Store, r: &RouteRec) -> String {
    let mut d = r.dto.clone();
    d.router_id = route_router(s, r);
    route_dto(base, d)
}

pub fn route_dto(base: &str, mut d: Route) -> String {
    d.router = opt_link(base, "routers", d.router_id);
    d.uri = opt_link(base, "routes", d.id);
    to_text(&d)
}

pub fn chain(base: &str, c: &ChainRec) -> String {
    let mut d = c.dto.clone();
    let u = format!("{base}/chains/{}", d.id.unwrap_or_default());
    d.rules = Some(format!("{u}/rules"));
    d.uri = Some(u);
    to_text(&d)
}

/// A rule with its position derived from the chain's order.
pub fn rule(base: &str, s: &Store, r: &Rule) -> String {
    let id = r.id.unwrap_or_default();
    let chain = r.chain_id.and_then(|c| s.chains.get(&c));
    let pos = chain.and_then(|c| c.rule_ids.iter().position(|x| *x == id));
    rule_at(base, r, pos.map_or(0, |p| p + 1))
}

/// A rule at a known 1-based position (chain listings: O(1) per rule).
pub fn rule_at(base: &str, r: &Rule, position: usize) -> String {
    let mut d = r.clone();
    let id = d.id.unwrap_or_default();
    d.position = i32::try_from(position).unwrap_or(i32::MAX);
    d.meter_name = None;
    d.uri = Some(format!("{base}/rules/{id}"));
    to_text(&d)
}

pub fn ip_addr_group(base: &str, g: &IpgRec) -> String {
    let mut d = g.dto.clone();
    let u = format!("{base}/ip_addr_groups/{}", d.id.unwrap_or_default());
    d.addrs = Some(format!("{u}/ip_addrs"));
    d.uri = Some(u);
    to_text(&d)
}

/// An IP-group address: `version` written as the type id `"4"` and again as a number.
pub fn ip_addr(base: &str, group: Uuid, version: i32, addr: &str) -> String {
    let g = format!("{base}/ip_addr_groups/{group}");
    let d = crate::midonet::dto::IpAddrGroupAddr {
        addr: Some(addr.to_string()),
        version: Some(version),
        ip_addr_group_id: Some(group),
        uri: Some(format!(
            "{g}/versions/{version}/ip_addrs/{}",
            url_encode(addr)
        )),
        ip_addr_group: Some(g),
    };
    with_leading_key(to_text(&d), "version", &format!("\"{version}\""))
}

pub fn port_group(base: &str, g: &PortGroupRec) -> String {
    let mut d = g.dto.clone();
    let u = format!("{base}/port_groups/{}", d.id.unwrap_or_default());
    d.ports = Some(format!("{u}/ports"));
    d.uri = Some(u);
    to_text(&d)
}

pub fn port_group_port(base: &str, group: Uuid, port: Uuid) -> String {
    to_text(&PortGroupPort {
        port_group_id: Some(group),
        port_id: Some(port),
        uri: Some(format!("{base}/port_groups/{group}/ports/{port}")),
        port: Some(format!("{base}/ports/{port}")),
        port_group: Some(format!("{base}/port_groups/{group}")),
    })
}

pub fn interface(base: &str, host: Uuid, i: &Interface) -> Interface {
    let mut i = i.clone();
    i.host_id = Some(host);
    i.uri = Some(format!(
        "{base}/hosts/{host}/interfaces/{}",
        i.name.as_deref().unwrap_or("")
    ));
    i
}

pub fn host(base: &str, h: &HostRec) -> String {
    let mut d = h.dto.clone();
    let id = d.id.unwrap_or_default();
    let u = format!("{base}/hosts/{id}");
    d.host_interfaces = d
        .host_interfaces
        .iter()
        .map(|i| interface(base, id, i))
        .collect();
    d.addresses = d
        .host_interfaces
        .iter()
        .flat_map(|i| i.addresses.clone())
        .collect();
    d.ports = Some(format!("{u}/ports"));
    d.interfaces = Some(format!("{u}/interfaces"));
    d.uri = Some(u);
    to_text(&d)
}

pub fn binding(base: &str, host: Uuid, port: Uuid, ifname: Option<String>) -> String {
    to_text(&HostInterfacePort {
        host_id: Some(host),
        port_id: Some(port),
        interface_name: ifname,
        uri: Some(format!("{base}/hosts/{host}/ports/{port}")),
        host: Some(format!("{base}/hosts/{host}")),
        port: Some(format!("{base}/ports/{port}")),
    })
}

pub fn tunnel_zone(base: &str, z: &TunnelZoneRec) -> String {
    let mut d = z.dto.clone();
    let u = format!("{base}/tunnel_zones/{}", d.id.unwrap_or_default());
    d.hosts = Some(format!("{u}/hosts"));
    d.uri = Some(u);
    to_text(&d)
}

pub fn tz_member(base: &str, zone: Uuid, m: &TunnelZoneHost) -> String {
    let mut m = m.clone();
    let h = m.host_id.unwrap_or_default();
    m.tunnel_zone_id = Some(zone);
    m.uri = Some(format!("{base}/tunnel_zones/{zone}/hosts/{h}"));
    m.host = Some(format!("{base}/hosts/{h}"));
    m.tunnel_zone = Some(format!("{base}/tunnel_zones/{zone}"));
    to_text(&m)
}

pub fn bgp_peer(base: &str, p: &BgpPeer) -> String {
    let mut d = p.clone();
    d.uri = opt_link(base, "bgp_peers", d.id);
    d.router = opt_link(base, "routers", d.router_id);
    to_text(&d)
}

pub fn bgp_network(base: &str, n: &BgpNetwork) -> String {
    let mut d = n.clone();
    d.uri = opt_link(base, "bgp_networks", d.id);
    d.router = opt_link(base, "routers", d.router_id);
    to_text(&d)
}

/// `<prefix>_<len>`, the URI name of a DHCP subnet.
pub fn subnet_key(s: &SubnetRec) -> String {
    format!(
        "{}_{}",
        s.dto.subnet_prefix.as_deref().unwrap_or(""),
        s.dto.subnet_length
    )
}

pub fn dhcp_subnet(base: &str, bridge: Uuid, s: &SubnetRec) -> String {
    let mut d = s.dto.clone();
    let u = format!("{base}/bridges/{bridge}/dhcp/{}", subnet_key(s));
    if d.dns_server_addrs.as_ref().is_some_and(|v| v.is_empty()) {
        d.dns_server_addrs = None;
    }
    d.hosts = Some(format!("{u}/hosts"));
    d.uri = Some(u);
    to_text(&d)
}

pub fn dhcp_host(base: &str, bridge: Uuid, s: &SubnetRec, h: &DhcpHost) -> String {
    let mut d = h.clone();
    d.uri = Some(format!(
        "{base}/bridges/{bridge}/dhcp/{}/hosts/{}",
        subnet_key(s),
        d.mac_addr.as_deref().unwrap_or("")
    ));
    to_text(&d)
}

/// Percent-encodes what may not appear in a path segment (IPv6 colons stay, as Java's
/// `UriBuilder` leaves them).
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
