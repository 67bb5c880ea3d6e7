//! MidoNet DTOs → the planner's [`Observed`] model: typed addresses, owned-or-not decided once
//! (tenant `euca_tenant_1` plus an owned name), rules converted into the translation's rule
//! values with MidoNet ids as references. A rule using anything vpcmido never writes becomes
//! `None` and so equals no desired rule.
use super::dto;
use super::snapshot::Snapshot;
use crate::plan::observed::*;
use crate::topology::rules::default_fragment_policy;
use crate::topology::{
    names, Condition, FlowAction, NatTarget, PortRange, Rule, RuleAction, TENANT,
};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;
use uuid::Uuid;

fn ip(s: &Option<String>) -> Option<Ipv4Addr> {
    s.as_deref().and_then(|s| s.parse().ok())
}

fn net(addr: &Option<String>, len: i32) -> Option<Ipv4Net> {
    let a = ip(addr)?;
    Ipv4Net::new(a, u8::try_from(len).ok()?).ok()
}

fn owned(tenant: Option<&str>, name: &str) -> bool {
    tenant == Some(TENANT) && names::is_owned_name(name)
}

fn u32_of(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

pub fn router(r: &dto::Router) -> Option<ORouter> {
    let name = r.name.clone().unwrap_or_default();
    Some(ORouter {
        id: r.id?,
        owned: owned(r.tenant_id.as_deref(), &name),
        name,
        inbound_filter: r.inbound_filter_id,
        outbound_filter: r.outbound_filter_id,
        as_number: u32_of(r.as_number),
    })
}

pub fn bridge(b: &dto::Bridge) -> Option<OBridge> {
    let name = b.name.clone().unwrap_or_default();
    Some(OBridge {
        id: b.id?,
        owned: owned(b.tenant_id.as_deref(), &name),
        name,
        inbound_filter: b.inbound_filter_id,
        outbound_filter: b.outbound_filter_id,
    })
}

pub fn port(p: &dto::Port) -> Option<OPort> {
    let kind = match &p.kind {
        dto::PortKind::Router(r) => match (
            ip(&r.port_address),
            net(&r.network_address, r.network_length),
        ) {
            (Some(address), Some(network)) => OPortKind::Router {
                address,
                network,
                mac: r.port_mac.clone(),
            },
            _ => OPortKind::Other,
        },
        dto::PortKind::Bridge(b) if b.vlan_id == 0 => OPortKind::Bridge,
        _ => OPortKind::Other,
    };
    Some(OPort {
        id: p.id?,
        device: p.device_id?,
        kind,
        inbound_filter: p.inbound_filter_id,
        outbound_filter: p.outbound_filter_id,
        peer: p.peer_id,
        host: p.host_id,
        interface: p.interface_name.clone(),
    })
}

pub fn route(router: Uuid, r: &dto::Route) -> Option<ORoute> {
    Some(ORoute {
        id: r.id?,
        router,
        normal: r.route_type.as_deref() == Some("Normal") && !r.learned,
        src: net(&r.src_network_addr, r.src_network_length)?,
        dst: net(&r.dst_network_addr, r.dst_network_length)?,
        next_hop_port: r.next_hop_port,
        next_hop_gateway: ip(&r.next_hop_gateway),
        weight: u32_of(r.weight),
    })
}

fn flow(s: &Option<String>) -> Option<FlowAction> {
    match s.as_deref()? {
        "accept" => Some(FlowAction::Accept),
        "continue" => Some(FlowAction::Continue),
        "return" => Some(FlowAction::Return),
        _ => None,
    }
}

fn targets(t: &Option<Vec<dto::NatTarget>>) -> Option<Vec<NatTarget>> {
    t.as_ref()?
        .iter()
        .map(|t| {
            Some(NatTarget {
                address_from: ip(&t.address_from)?,
                address_to: ip(&t.address_to)?,
                port_from: u16::try_from(t.port_from).ok()?,
                port_to: u16::try_from(t.port_to).ok()?,
            })
        })
        .collect()
}

fn range(r: &Option<dto::PortRange>) -> Result<Option<PortRange>, ()> {
    match r {
        None => Ok(None),
        Some(dto::PortRange {
            start: Some(s),
            end: Some(e),
        }) => Ok(Some(PortRange {
            start: u16::try_from(*s).map_err(|_| ())?,
            end: u16::try_from(*e).map_err(|_| ())?,
        })),
        Some(_) => Err(()),
    }
}

/// The rule as the translation would have written it, or `None`.
pub fn rule_value(r: &dto::Rule) -> Option<Rule<Uuid>> {
    let action = match &r.action {
        dto::RuleAction::Accept {} => RuleAction::Accept,
        dto::RuleAction::Drop {} => RuleAction::Drop,
        dto::RuleAction::Jump(j) => RuleAction::Jump(j.jump_chain_id?),
        dto::RuleAction::Dnat(n) => {
            RuleAction::Dnat(flow(&n.flow_action)?, targets(&n.nat_targets)?)
        }
        dto::RuleAction::Snat(n) => {
            RuleAction::Snat(flow(&n.flow_action)?, targets(&n.nat_targets)?)
        }
        dto::RuleAction::RevSnat(n) => RuleAction::RevSnat(flow(&n.flow_action)?),
        _ => return None,
    };
    let c = &r.condition;
    let unmodeled = c.cond_invert
        || c.match_forward_flow
        || !c.in_ports.is_empty()
        || c.inv_in_ports
        || c.inv_out_ports
        || c.port_group.is_some()
        || c.inv_port_group
        || c.in_port_group.is_some()
        || c.inv_in_port_group
        || c.out_port_group.is_some()
        || c.inv_out_port_group
        || c.inv_ip_addr_group_src
        || c.inv_ip_addr_group_dst
        || c.traversed_device.is_some()
        || c.inv_traversed_device
        || c.no_vlan
        || c.vlan.is_some()
        || c.dl_src_mask.is_some()
        || c.dl_dst_mask.is_some()
        || c.nw_tos.is_some()
        || c.inv_nw_tos
        || c.icmp_data_src_ip_address.is_some()
        || c.icmp_data_dst_ip_address.is_some()
        || c.inv_icmp_data_src_ip
        || c.inv_icmp_data_dst_ip;
    if unmodeled {
        return None;
    }
    let rule = Rule {
        action,
        cond: Condition {
            match_return_flow: c.match_return_flow,
            dl_type: c.dl_type.and_then(|t| u16::try_from(t).ok()),
            inv_dl_type: c.inv_dl_type,
            dl_src: c.dl_src.clone(),
            inv_dl_src: c.inv_dl_src,
            dl_dst: c.dl_dst.clone(),
            inv_dl_dst: c.inv_dl_dst,
            nw_proto: c.nw_proto.and_then(|p| u8::try_from(p).ok()),
            inv_nw_proto: c.inv_nw_proto,
            nw_src: net(&c.nw_src_address, c.nw_src_length),
            inv_nw_src: c.inv_nw_src,
            nw_dst: net(&c.nw_dst_address, c.nw_dst_length),
            inv_nw_dst: c.inv_nw_dst,
            tp_src: range(&c.tp_src).ok()?,
            inv_tp_src: c.inv_tp_src,
            tp_dst: range(&c.tp_dst).ok()?,
            inv_tp_dst: c.inv_tp_dst,
            ip_addr_group_src: c.ip_addr_group_src,
            ip_addr_group_dst: c.ip_addr_group_dst,
            out_ports: c.out_ports.clone(),
        },
    };
    // A policy other than the one MidoNet computes for this rule was chosen by someone else.
    let policy = c
        .fragment_policy
        .as_deref()
        .unwrap_or(default_fragment_policy(&rule));
    (policy == default_fragment_policy(&rule)).then_some(rule)
}

pub fn chain(c: &dto::Chain, rules: &[dto::Rule]) -> Option<OChain> {
    let name = c.name.clone().unwrap_or_default();
    let mut ordered: Vec<&dto::Rule> = rules.iter().collect();
    ordered.sort_by_key(|r| r.position);
    Some(OChain {
        id: c.id?,
        owned: owned(c.tenant_id.as_deref(), &name),
        name,
        rules: ordered
            .into_iter()
            .filter_map(|r| {
                Some(ORule {
                    id: r.id?,
                    rule: rule_value(r),
                })
            })
            .collect(),
    })
}

pub fn ip_addr_group(g: &dto::IpAddrGroup, addrs: &[dto::IpAddrGroupAddr]) -> Option<OIpAddrGroup> {
    let name = g.name.clone().unwrap_or_default();
    Some(OIpAddrGroup {
        id: g.id?,
        // IP address groups have no tenant (spec midonet-api.md §9.9): owned by name alone.
        owned: names::is_owned_name(&name),
        name,
        addrs: addrs.iter().filter_map(|a| ip(&a.addr)).collect(),
    })
}

pub fn port_group(g: &dto::PortGroup, members: &[dto::PortGroupPort]) -> Option<OPortGroup> {
    let name = g.name.clone().unwrap_or_default();
    Some(OPortGroup {
        id: g.id?,
        owned: owned(g.tenant_id.as_deref(), &name),
        name,
        stateful: g.stateful,
        members: members.iter().filter_map(|m| m.port_id).collect(),
    })
}

pub fn dhcp_subnet(
    bridge: Uuid,
    d: &dto::DhcpSubnet,
    hosts: &[dto::DhcpHost],
) -> Option<ODhcpSubnet> {
    Some(ODhcpSubnet {
        bridge,
        subnet: net(&d.subnet_prefix, d.subnet_length)?,
        default_gateway: ip(&d.default_gateway),
        dns_servers: d
            .dns_server_addrs
            .iter()
            .flatten()
            .filter_map(|s| s.parse().ok())
            .collect(),
        opt121_routes: d
            .opt121_routes
            .iter()
            .filter_map(|r| {
                Some((
                    net(&r.destination_prefix, r.destination_length)?,
                    ip(&r.gateway_addr)?,
                ))
            })
            .collect(),
        hosts: hosts
            .iter()
            .filter_map(|h| {
                Some(ODhcpHost {
                    name: h.name.clone(),
                    mac: h.mac_addr.clone()?,
                    ip: ip(&h.ip_addr),
                    extra_opts: h
                        .extra_dhcp_opts
                        .iter()
                        .map(|o| {
                            (
                                o.opt_name.clone().unwrap_or_default(),
                                o.opt_value.clone().unwrap_or_default(),
                            )
                        })
                        .collect(),
                })
            })
            .collect(),
    })
}

pub fn host(h: &dto::Host) -> Option<OHost> {
    let mut addresses = h.addresses.clone();
    for i in &h.host_interfaces {
        addresses.extend(i.addresses.iter().cloned());
    }
    Some(OHost {
        id: h.id?,
        name: h.name.clone().unwrap_or_default(),
        alive: h.alive,
        addresses,
    })
}

/// The whole observed state of a discovery snapshot.
pub fn observed(s: &Snapshot) -> Observed {
    let empty_rules = Vec::new();
    let mut o = Observed {
        routers: s.routers.iter().filter_map(router).collect(),
        bridges: s.bridges.iter().filter_map(bridge).collect(),
        ports: s.all_ports().filter_map(port).collect(),
        chains: s
            .chains
            .iter()
            .filter_map(|c| {
                chain(
                    c,
                    c.id.and_then(|id| s.rules.get(&id)).unwrap_or(&empty_rules),
                )
            })
            .collect(),
        ip_addr_groups: s
            .ip_addr_groups
            .iter()
            .filter_map(|g| {
                let addrs = g.id.and_then(|id| s.ip_addrs.get(&id));
                ip_addr_group(g, addrs.map(Vec::as_slice).unwrap_or(&[]))
            })
            .collect(),
        port_groups: s
            .port_groups
            .iter()
            .filter_map(|g| {
                let m = g.id.and_then(|id| s.port_group_members.get(&id));
                port_group(g, m.map(Vec::as_slice).unwrap_or(&[]))
            })
            .collect(),
        hosts: s.hosts.iter().filter_map(host).collect(),
        ..Default::default()
    };
    for (router_id, routes) in &s.routes {
        o.routes
            .extend(routes.iter().filter_map(|r| route(*router_id, r)));
    }
    for (bridge, subnets) in &s.dhcp_subnets {
        for d in subnets {
            let key = (
                *bridge,
                format!(
                    "{}_{}",
                    d.subnet_prefix.clone().unwrap_or_default(),
                    d.subnet_length
                ),
            );
            let hosts = s.dhcp_hosts.get(&key).map(Vec::as_slice).unwrap_or(&[]);
            o.dhcp_subnets.extend(dhcp_subnet(*bridge, d, hosts));
        }
    }
    for (bridge, entries) in &s.arp_entries {
        o.arp_entries.extend(entries.iter().filter_map(|e| {
            Some(OArp {
                bridge: *bridge,
                ip: ip(&e.ip)?,
                mac: e.mac.clone()?,
            })
        }));
    }
    for (bridge, entries) in &s.mac_entries {
        o.mac_entries.extend(entries.iter().filter_map(|e| {
            Some(OMac {
                bridge: *bridge,
                mac: e.mac_addr.clone()?,
                port: e.port_id?,
            })
        }));
    }
    for (router_id, peers) in &s.bgp_peers {
        o.bgp_peers.extend(peers.iter().filter_map(|b| {
            Some(OBgpPeer {
                id: b.id?,
                router: *router_id,
                as_number: u32_of(b.as_number),
                address: ip(&b.address)?,
            })
        }));
    }
    for (router_id, nets) in &s.bgp_networks {
        o.bgp_networks.extend(nets.iter().filter_map(|b| {
            Some(OBgpNetwork {
                id: b.id?,
                router: *router_id,
                subnet: net(&b.subnet_address, b.subnet_length)?,
            })
        }));
    }
    // Lists come back in no particular order (spec §5): sort so plans are deterministic.
    o.routers.sort_by_key(|r| r.id);
    o.bridges.sort_by_key(|r| r.id);
    o.ports.sort_by_key(|r| r.id);
    o.routes.sort_by_key(|r| r.id);
    o.chains.sort_by_key(|r| r.id);
    o.ip_addr_groups.sort_by_key(|r| r.id);
    o.port_groups.sort_by_key(|r| r.id);
    o.hosts.sort_by_key(|r| r.id);
    o
}
