//! A compact tree of what MidoNet holds for vpcmido (devices, their ports and links, DHCP,
//! chain and group counts), printed by `apply` on the embedded emulator.
use crate::midonet::dto::PortKind;
use crate::midonet::snapshot::Snapshot;
use std::collections::HashMap;
use std::fmt::Write;
use uuid::Uuid;

pub fn render(s: &Snapshot) -> String {
    let mut names: HashMap<Uuid, String> = HashMap::new();
    for r in &s.routers {
        if let (Some(id), Some(n)) = (r.id, &r.name) {
            names.insert(id, n.clone());
        }
    }
    for b in &s.bridges {
        if let (Some(id), Some(n)) = (b.id, &b.name) {
            names.insert(id, n.clone());
        }
    }
    let port_device: HashMap<Uuid, Uuid> = s
        .all_ports()
        .filter_map(|p| Some((p.id?, p.device_id?)))
        .collect();
    let peer_name = |peer: Option<Uuid>| {
        peer.and_then(|p| port_device.get(&p))
            .and_then(|d| names.get(d))
            .cloned()
    };
    let mut out = String::new();
    let mut routers: Vec<_> = s.routers.iter().collect();
    routers.sort_by(|a, b| a.name.cmp(&b.name));
    for r in routers {
        let Some(id) = r.id else { continue };
        let _ = writeln!(out, "{} (router)", r.name.as_deref().unwrap_or("?"));
        for p in s.ports.get(&id).into_iter().flatten() {
            let mut line = String::from("  ├─ port");
            if let PortKind::Router(f) = &p.kind {
                let _ = write!(
                    line,
                    " {}/{}",
                    f.port_address.as_deref().unwrap_or("?"),
                    f.network_length
                );
            }
            if let Some(n) = peer_name(p.peer_id) {
                let _ = write!(line, " ↔ {n}");
            }
            if let Some(i) = &p.interface_name {
                let _ = write!(line, " bound to {i}");
            }
            let _ = writeln!(out, "{line}");
        }
        let routes = s.routes.get(&id).map(|v| v.len()).unwrap_or(0);
        let peers = s.bgp_peers.get(&id).map(|v| v.len()).unwrap_or(0);
        let _ = writeln!(
            out,
            "  └─ {routes} routes, {peers} BGP peers, AS {}",
            r.as_number
        );
    }
    let mut bridges: Vec<_> = s.bridges.iter().collect();
    bridges.sort_by(|a, b| a.name.cmp(&b.name));
    for b in bridges {
        let Some(id) = b.id else { continue };
        let ports = s.ports.get(&id).map(|v| v.len()).unwrap_or(0);
        let bound: Vec<&str> = s
            .ports
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|p| p.interface_name.as_deref())
            .collect();
        let _ = writeln!(out, "{} (bridge)", b.name.as_deref().unwrap_or("?"));
        let _ = writeln!(
            out,
            "  ├─ {ports} ports; bound: {}",
            if bound.is_empty() {
                "-".to_string()
            } else {
                bound.join(", ")
            }
        );
        for d in s.dhcp_subnets.get(&id).into_iter().flatten() {
            let key = format!(
                "{}_{}",
                d.subnet_prefix.as_deref().unwrap_or("?"),
                d.subnet_length
            );
            let hosts = s
                .dhcp_hosts
                .get(&(id, key.clone()))
                .map(|v| v.len())
                .unwrap_or(0);
            let dns = d.dns_server_addrs.clone().unwrap_or_default().join(",");
            let _ = writeln!(
                out,
                "  └─ dhcp {}/{} gw {} dns {dns}: {hosts} hosts",
                d.subnet_prefix.as_deref().unwrap_or("?"),
                d.subnet_length,
                d.default_gateway.as_deref().unwrap_or("-"),
            );
        }
    }
    let rules: usize = s.rules.values().map(Vec::len).sum();
    let addrs: usize = s.ip_addrs.values().map(Vec::len).sum();
    let _ = writeln!(
        out,
        "{} chains ({rules} rules), {} IP address groups ({addrs} addresses), {} port groups",
        s.chains.len(),
        s.ip_addr_groups.len(),
        s.port_groups.len()
    );
    out
}
