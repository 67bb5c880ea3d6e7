//! Replays a plan onto an [`Observed`] state with MidoNet's semantics (cascades, rule
//! positions, both-sided links), without HTTP. Property tests use it to check that applying a
//! plan and planning again yields nothing; the emulator is the authority for everything the
//! API does, this is only its plan-level shadow.
use super::observed::*;
use super::ops::Op;
use crate::topology::names;

use uuid::Uuid;

/// Applies every step in order. Returns the number of steps that did not apply (a reference
/// to something missing), which a correct plan never has.
pub fn replay(obs: &mut Observed, plan: &super::Plan) -> usize {
    plan.steps.iter().filter(|s| !apply(obs, &s.op)).count()
}

fn del_port(obs: &mut Observed, id: Uuid) {
    obs.ports.retain(|p| p.id != id);
    obs.routes.retain(|r| r.next_hop_port != Some(id));
    for p in &mut obs.ports {
        if p.peer == Some(id) {
            p.peer = None;
        }
    }
    for g in &mut obs.port_groups {
        g.members.retain(|m| *m != id);
    }
}

fn del_device_ports(obs: &mut Observed, device: Uuid) {
    let ids: Vec<Uuid> = obs
        .ports
        .iter()
        .filter(|p| p.device == device)
        .map(|p| p.id)
        .collect();
    for id in ids {
        del_port(obs, id);
    }
}

/// Applies one operation; `false` if it referenced something that does not exist.
pub fn apply(obs: &mut Observed, op: &Op) -> bool {
    let has_port = |obs: &Observed, id: Uuid| obs.ports.iter().any(|p| p.id == id);
    match op {
        Op::CreateRouter {
            id,
            name,
            filters,
            as_number,
        } => obs.routers.push(ORouter {
            id: *id,
            name: name.clone(),
            owned: names::is_owned_name(name),
            inbound_filter: filters.inbound,
            outbound_filter: filters.outbound,
            as_number: *as_number,
        }),
        Op::UpdateRouter {
            id,
            filters,
            as_number,
            ..
        } => {
            let Some(r) = obs.routers.iter_mut().find(|r| r.id == *id) else {
                return false;
            };
            r.inbound_filter = filters.inbound;
            r.outbound_filter = filters.outbound;
            r.as_number = *as_number;
        }
        Op::DeleteRouter { id } => {
            obs.routers.retain(|r| r.id != *id);
            del_device_ports(obs, *id);
            obs.routes.retain(|r| r.router != *id);
            obs.bgp_peers.retain(|b| b.router != *id);
            obs.bgp_networks.retain(|b| b.router != *id);
        }
        Op::CreateBridge { id, name, filters } => obs.bridges.push(OBridge {
            id: *id,
            name: name.clone(),
            owned: names::is_owned_name(name),
            inbound_filter: filters.inbound,
            outbound_filter: filters.outbound,
        }),
        Op::UpdateBridge { id, filters, .. } => {
            let Some(b) = obs.bridges.iter_mut().find(|b| b.id == *id) else {
                return false;
            };
            b.inbound_filter = filters.inbound;
            b.outbound_filter = filters.outbound;
        }
        Op::DeleteBridge { id } => {
            obs.bridges.retain(|b| b.id != *id);
            del_device_ports(obs, *id);
            obs.dhcp_subnets.retain(|d| d.bridge != *id);
            obs.arp_entries.retain(|d| d.bridge != *id);
            obs.mac_entries.retain(|d| d.bridge != *id);
        }
        Op::CreatePort {
            id,
            device,
            router_port,
            filters,
        } => {
            let kind = match router_port {
                Some(s) => OPortKind::Router {
                    address: s.address,
                    network: s.network,
                    mac: s.mac.clone(),
                },
                None => OPortKind::Bridge,
            };
            obs.ports.push(OPort {
                id: *id,
                device: *device,
                kind,
                inbound_filter: filters.inbound,
                outbound_filter: filters.outbound,
                peer: None,
                host: None,
                interface: None,
            });
        }
        Op::UpdatePort {
            id,
            router_port,
            filters,
        } => {
            let Some(p) = obs.ports.iter_mut().find(|p| p.id == *id) else {
                return false;
            };
            p.inbound_filter = filters.inbound;
            p.outbound_filter = filters.outbound;
            if let (Some(s), OPortKind::Router { mac, .. }) = (router_port, &mut p.kind) {
                *mac = s.mac.clone();
            }
        }
        Op::DeletePort { id } => del_port(obs, *id),
        Op::Link { port, peer } => {
            if !has_port(obs, *port) || !has_port(obs, *peer) {
                return false;
            }
            for p in &mut obs.ports {
                if p.id == *port {
                    p.peer = Some(*peer);
                } else if p.id == *peer {
                    p.peer = Some(*port);
                }
            }
        }
        Op::Unlink { port } => {
            let peer = obs
                .ports
                .iter()
                .find(|p| p.id == *port)
                .and_then(|p| p.peer);
            for p in &mut obs.ports {
                if p.id == *port || Some(p.id) == peer {
                    p.peer = None;
                }
            }
        }
        Op::Bind {
            host,
            port,
            interface,
        } => {
            let Some(p) = obs.ports.iter_mut().find(|p| p.id == *port) else {
                return false;
            };
            p.host = Some(*host);
            p.interface = Some(interface.clone());
        }
        Op::Unbind { port, .. } => {
            let Some(p) = obs.ports.iter_mut().find(|p| p.id == *port) else {
                return false;
            };
            p.host = None;
            p.interface = None;
        }
        Op::CreateRoute {
            id,
            router,
            src,
            dst,
            next_hop_port,
            next_hop_gateway,
            weight,
        } => {
            if !has_port(obs, *next_hop_port) {
                return false;
            }
            obs.routes.push(ORoute {
                id: *id,
                router: *router,
                normal: true,
                src: *src,
                dst: *dst,
                next_hop_port: Some(*next_hop_port),
                next_hop_gateway: *next_hop_gateway,
                weight: *weight,
            });
        }
        Op::DeleteRoute { id } => obs.routes.retain(|r| r.id != *id),
        Op::CreateChain { id, name } => obs.chains.push(OChain {
            id: *id,
            name: name.clone(),
            owned: names::is_owned_name(name),
            rules: Vec::new(),
        }),
        Op::DeleteChain { id } => {
            obs.chains.retain(|c| c.id != *id);
            for c in &mut obs.chains {
                c.rules.retain(|r| {
                    !matches!(&r.rule, Some(x) if x.action == crate::topology::RuleAction::Jump(*id))
                });
            }
            let clear = |f: &mut Option<Uuid>| {
                if *f == Some(*id) {
                    *f = None;
                }
            };
            for p in &mut obs.ports {
                clear(&mut p.inbound_filter);
                clear(&mut p.outbound_filter);
            }
            for r in &mut obs.routers {
                clear(&mut r.inbound_filter);
                clear(&mut r.outbound_filter);
            }
            for b in &mut obs.bridges {
                clear(&mut b.inbound_filter);
                clear(&mut b.outbound_filter);
            }
        }
        Op::CreateRule {
            id,
            chain,
            position,
            rule,
        } => {
            let Some(c) = obs.chains.iter_mut().find(|c| c.id == *chain) else {
                return false;
            };
            let at = (*position as usize).max(1) - 1;
            if at > c.rules.len() {
                return false;
            }
            c.rules.insert(
                at,
                ORule {
                    id: *id,
                    rule: Some(rule.clone()),
                },
            );
        }
        Op::DeleteRule { id } => {
            for c in &mut obs.chains {
                c.rules.retain(|r| r.id != *id);
            }
        }
        Op::CreateIpAddrGroup { id, name } => obs.ip_addr_groups.push(OIpAddrGroup {
            id: *id,
            name: name.clone(),
            owned: names::is_owned_name(name),
            addrs: Vec::new(),
        }),
        Op::DeleteIpAddrGroup { id } => obs.ip_addr_groups.retain(|g| g.id != *id),
        Op::AddIpAddr { group, addr } => {
            let Some(g) = obs.ip_addr_groups.iter_mut().find(|g| g.id == *group) else {
                return false;
            };
            if !g.addrs.contains(addr) {
                g.addrs.push(*addr);
            }
        }
        Op::RemoveIpAddr { group, addr } => {
            if let Some(g) = obs.ip_addr_groups.iter_mut().find(|g| g.id == *group) {
                g.addrs.retain(|a| a != addr);
            }
        }
        Op::CreatePortGroup { id, name, stateful } => obs.port_groups.push(OPortGroup {
            id: *id,
            name: name.clone(),
            owned: names::is_owned_name(name),
            stateful: *stateful,
            members: Vec::new(),
        }),
        Op::DeletePortGroup { id } => obs.port_groups.retain(|g| g.id != *id),
        Op::AddPortGroupMember { group, port } => {
            if !has_port(obs, *port) {
                return false;
            }
            let Some(g) = obs.port_groups.iter_mut().find(|g| g.id == *group) else {
                return false;
            };
            g.members.push(*port);
        }
        Op::RemovePortGroupMember { group, port } => {
            if let Some(g) = obs.port_groups.iter_mut().find(|g| g.id == *group) {
                g.members.retain(|m| m != port);
            }
        }
        Op::CreateDhcpSubnet { bridge, spec } => obs.dhcp_subnets.push(ODhcpSubnet {
            bridge: *bridge,
            subnet: spec.subnet,
            default_gateway: Some(spec.default_gateway),
            dns_servers: spec.dns_servers.clone(),
            opt121_routes: spec.opt121_routes.clone(),
            hosts: Vec::new(),
        }),
        Op::UpdateDhcpSubnet { bridge, spec } => {
            let Some(d) = dhcp(obs, *bridge, spec.subnet) else {
                return false;
            };
            d.default_gateway = Some(spec.default_gateway);
            d.dns_servers = spec.dns_servers.clone();
            d.opt121_routes = spec.opt121_routes.clone();
        }
        Op::DeleteDhcpSubnet { bridge, subnet } => obs
            .dhcp_subnets
            .retain(|d| !(d.bridge == *bridge && d.subnet == *subnet)),
        Op::CreateDhcpHost {
            bridge,
            subnet,
            host,
        }
        | Op::UpdateDhcpHost {
            bridge,
            subnet,
            host,
        } => {
            let Some(d) = dhcp(obs, *bridge, *subnet) else {
                return false;
            };
            d.hosts.retain(|h| !mac_eq(&h.mac, &host.mac));
            d.hosts.push(ODhcpHost {
                name: Some(host.name.clone()),
                mac: host.mac.clone(),
                ip: Some(host.ip),
                extra_opts: host.extra_opts.clone(),
            });
        }
        Op::DeleteDhcpHost {
            bridge,
            subnet,
            mac,
        } => {
            let Some(d) = dhcp(obs, *bridge, *subnet) else {
                return false;
            };
            d.hosts.retain(|h| !mac_eq(&h.mac, mac));
        }
        Op::CreateArpEntry { bridge, ip, mac } => obs.arp_entries.push(OArp {
            bridge: *bridge,
            ip: *ip,
            mac: mac.clone(),
        }),
        Op::DeleteArpEntry { bridge, ip, mac } => obs
            .arp_entries
            .retain(|a| !(a.bridge == *bridge && a.ip == *ip && mac_eq(&a.mac, mac))),
        Op::CreateMacEntry { bridge, mac, port } => obs.mac_entries.push(OMac {
            bridge: *bridge,
            mac: mac.clone(),
            port: *port,
        }),
        Op::DeleteMacEntry { bridge, mac, port } => obs
            .mac_entries
            .retain(|a| !(a.bridge == *bridge && a.port == *port && mac_eq(&a.mac, mac))),
        Op::CreateBgpPeer {
            id,
            router,
            as_number,
            address,
        } => obs.bgp_peers.push(OBgpPeer {
            id: *id,
            router: *router,
            as_number: *as_number,
            address: *address,
        }),
        Op::DeleteBgpPeer { id } => obs.bgp_peers.retain(|b| b.id != *id),
        Op::CreateBgpNetwork { id, router, subnet } => obs.bgp_networks.push(OBgpNetwork {
            id: *id,
            router: *router,
            subnet: *subnet,
        }),
        Op::DeleteBgpNetwork { id } => obs.bgp_networks.retain(|b| b.id != *id),
    }
    true
}

fn dhcp(obs: &mut Observed, bridge: Uuid, subnet: ipnet::Ipv4Net) -> Option<&mut ODhcpSubnet> {
    obs.dhcp_subnets
        .iter_mut()
        .find(|d| d.bridge == bridge && d.subnet == subnet)
}

/// A registered MidoNet host for a view's node or gateway (its name is the address).
pub fn host(name: &str) -> OHost {
    OHost {
        id: Uuid::new_v5(&Uuid::NAMESPACE_OID, name.as_bytes()),
        name: name.to_string(),
        alive: true,
        addresses: vec![name.to_string()],
    }
}

/// Hosts for every NC node, gateway and the CLC of a view.
pub fn hosts_of(view: &crate::gni::Gni) -> Vec<OHost> {
    let mut names: Vec<String> = view
        .config
        .clusters
        .iter()
        .flat_map(|c| c.nodes.iter().map(|n| n.name.clone()))
        .collect();
    names.extend(view.config.mido.gateways.iter().map(|g| g.host.clone()));
    names.push(view.config.enabled_clc_ip.to_string());
    names.sort();
    names.dedup();
    names.iter().map(|n| host(n)).collect()
}
