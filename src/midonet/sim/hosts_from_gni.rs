//! `--hosts-from-gni`: registers the MidoNet hosts a cloud described by a global network view
//! would have. A pure function of the XML; reads only `configuration/clusters/cluster/
//! property[@name=nodes]/node/@name` (NC nodes: the node name is the MidoNet host name),
//! `configuration/property[@name=mido]/property[@name=gateways]/gateway` (`ip`,
//! `externalDevice`) and `enabledCLCIp`. Deliberately independent of the full GNI parser.
use super::hosts::upsert_host;
use super::store::{Store, TunnelZoneRec};
use crate::midonet::dto::{Host, Interface, TunnelZone, TunnelZoneHost};
use quick_xml::events::Event;
use quick_xml::Reader;
use uuid::Uuid;

/// Name of the tunnel zone holding every host.
pub const ZONE_NAME: &str = "mido-tz";

/// A host to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GniHost {
    pub name: String,
    /// Tunnel endpoint address (the node name, gateway `ip`, or CLC address).
    pub ip: String,
    pub role: Role,
    /// The gateway's `externalDevice`.
    pub external_device: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Node,
    Gateway,
    Clc,
}

/// Why a view could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GniHostsError {
    #[error("global network view is not well-formed XML: {0}")]
    Xml(String),
}

/// Deterministic host id: uuid v5 of the name (URL namespace).
pub fn host_id(name: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("vpcmido-sim-host:{name}").as_bytes(),
    )
}

fn attr(e: &quick_xml::events::BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.unescape_value().ok())
        .map(|v| v.into_owned())
}

/// Extracts the hosts of a view (nodes, gateways, CLC), de-duplicated by name.
pub fn hosts_from_gni(xml: &str) -> Result<Vec<GniHost>, GniHostsError> {
    let mut r = Reader::from_str(xml);
    // Element path, as (tag, name attribute).
    let mut stack: Vec<(String, Option<String>)> = vec![];
    let mut out: Vec<GniHost> = vec![];
    let mut gw_ip: Option<String> = None;
    let mut gw_dev: Option<String> = None;
    let mut clc: Option<String> = None;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| GniHostsError::Xml(e.to_string()))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let tag = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let name = attr(e, b"name");
                let in_nodes = stack
                    .last()
                    .is_some_and(|(t, n)| t == "property" && n.as_deref() == Some("nodes"));
                let in_cluster = stack.len() >= 2 && stack[stack.len() - 2].0 == "cluster";
                if tag == "node" && in_nodes && in_cluster {
                    if let Some(n) = &name {
                        out.push(GniHost {
                            name: n.clone(),
                            ip: n.clone(),
                            role: Role::Node,
                            external_device: None,
                        });
                    }
                }
                if tag == "gateway" {
                    gw_ip = None;
                    gw_dev = None;
                }
                // An empty element has no End event: keep the stack balanced.
                if !empty {
                    stack.push((tag, name));
                }
            }
            Event::Text(t) => {
                let text = t
                    .unescape()
                    .map(|c| c.trim().to_string())
                    .unwrap_or_default();
                if text.is_empty() || stack.last().map(|(t, _)| t.as_str()) != Some("value") {
                    continue;
                }
                let prop = stack
                    .len()
                    .checked_sub(2)
                    .and_then(|i| stack.get(i))
                    .and_then(|(t, n)| (t == "property").then(|| n.clone()).flatten());
                let in_gateway = stack.len() >= 3 && stack[stack.len() - 3].0 == "gateway";
                match prop.as_deref() {
                    Some("ip") if in_gateway => gw_ip = Some(text),
                    Some("externalDevice") if in_gateway => gw_dev = Some(text),
                    Some("enabledCLCIp") if stack.len() == 4 => clc = Some(text),
                    _ => {}
                }
            }
            Event::End(e) => {
                if e.name().as_ref() == b"gateway" {
                    if let Some(ip) = gw_ip.take() {
                        out.push(GniHost {
                            name: ip.clone(),
                            ip,
                            role: Role::Gateway,
                            external_device: gw_dev.take(),
                        });
                    }
                }
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(ip) = clc {
        out.push(GniHost {
            name: ip.clone(),
            ip,
            role: Role::Clc,
            external_device: None,
        });
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|h| seen.insert(h.name.clone()));
    Ok(out)
}

fn iface(name: &str, ty: &str, endpoint: &str, addrs: Vec<String>, mac: String) -> Interface {
    Interface {
        host_id: None,
        name: Some(name.into()),
        mac: Some(mac),
        mtu: 1500,
        if_type: Some(ty.into()),
        endpoint: Some(endpoint.into()),
        port_type: None,
        addresses: addrs,
        status: 3,
        uri: None,
    }
}

/// Typical interfaces: `lo`, `eth0` with the endpoint address, `midonet` (datapath), a few
/// taps on nodes (`vn0_1`, ...), and the gateway's external device.
fn interfaces(h: &GniHost) -> Vec<Interface> {
    let id = host_id(&h.name);
    let b = id.as_bytes();
    let mac = |n: u8| format!("52:54:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], n);
    let mut v = vec![
        iface(
            "lo",
            "Virtual",
            "LOCALHOST",
            vec!["127.0.0.1".into()],
            "00:00:00:00:00:00".into(),
        ),
        iface("eth0", "Physical", "PHYSICAL", vec![h.ip.clone()], mac(1)),
        iface("midonet", "Virtual", "DATAPATH", vec![], mac(2)),
    ];
    if h.role == Role::Node {
        for i in 0..4u8 {
            v.push(iface(
                &format!("vn0_{i}"),
                "Virtual",
                "TUNTAP",
                vec![],
                mac(16 + i),
            ));
        }
    }
    if let Some(dev) = &h.external_device {
        if dev != "eth0" {
            v.push(iface(dev, "Physical", "PHYSICAL", vec![], mac(3)));
        }
    }
    v
}

/// Registers the hosts (alive) and a GRE tunnel zone `mido-tz` holding all of them.
pub fn register(s: &mut Store, hosts: &[GniHost]) {
    let zone = Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("vpcmido-sim-zone:{ZONE_NAME}").as_bytes(),
    );
    s.tunnel_zones.entry(zone).or_insert_with(|| TunnelZoneRec {
        dto: TunnelZone {
            id: Some(zone),
            name: Some(ZONE_NAME.into()),
            zone_type: Some("gre".into()),
            uri: None,
            hosts: None,
        },
        members: vec![],
    });
    for h in hosts {
        let id = upsert_host(
            s,
            Host {
                id: Some(host_id(&h.name)),
                name: Some(h.name.clone()),
                alive: true,
                addresses: vec![],
                host_interfaces: interfaces(h),
                flooding_proxy_weight: None,
                container_weight: None,
                container_limit: None,
                enforce_container_limit: None,
                uri: None,
                ports: None,
                interfaces: None,
            },
        );
        let member = TunnelZoneHost {
            tunnel_zone_id: Some(zone),
            host_id: Some(id),
            ip_address: Some(h.ip.clone()),
            uri: None,
            host: None,
            tunnel_zone: None,
        };
        if let Some(z) = s.tunnel_zones.get_mut(&zone) {
            if !z.members.iter().any(|m| m.host_id == Some(id)) {
                z.members.push(member);
            }
        }
        if let Some(hr) = s.hosts.get_mut(&id) {
            if !hr.tunnel_zone_ids.contains(&zone) {
                hr.tunnel_zone_ids.push(zone);
            }
        }
    }
}
