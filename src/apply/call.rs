//! One plan step → one client call. Bodies are built in MidoNet's JSON shape and decoded into
//! the shared DTOs; updates start from the observed object (PUT is full replacement, spec
//! midonet-api.md §7.2), which the caller's discovery snapshot holds.
use crate::midonet::client::dhcp::SubnetKey;
use crate::midonet::client::error::Error as ClientError;
use crate::midonet::client::MidonetClient;
use crate::midonet::dto;
use crate::midonet::snapshot::Snapshot;
use crate::plan::ops::{DhcpHostSpec, DhcpSubnetSpec, Filters, Op};
use crate::topology::{Rule, RuleAction, TENANT};
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// Why a step failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error(transparent)]
    Client(#[from] ClientError),
    /// An update whose observed object is not in the snapshot (it vanished since discovery).
    #[error("{0} is not in the discovery snapshot")]
    NotObserved(String),
    #[error("cannot build the request body: {0}")]
    Body(String),
    /// Not sent: an earlier step of this pass found MidoNet unreachable (connection refused,
    /// reset or timed out after every retry), so the rest of the pass is left to the next one.
    #[error("not sent: MidoNet unreachable")]
    NotSent,
}

impl CallError {
    /// True when this failure means MidoNet itself cannot be reached (not one bad object).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, CallError::Client(ClientError::Transport { .. }))
    }

    /// Bounded label for metrics.
    pub fn metric_label(&self) -> &'static str {
        match self {
            CallError::Client(e) => e.metric_label(),
            CallError::NotObserved(_) => "not_observed",
            CallError::Body(_) => "body",
            CallError::NotSent => "not_sent",
        }
    }
}

fn dto<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, CallError> {
    serde_json::from_value(v).map_err(|e| CallError::Body(e.to_string()))
}

fn filters(v: &mut Map<String, Value>, f: &Filters) {
    v.insert("inboundFilterId".into(), json!(f.inbound));
    v.insert("outboundFilterId".into(), json!(f.outbound));
}

/// The rule as MidoNet's `Rule-v2` body.
pub fn rule_body(id: Uuid, position: u32, r: &Rule<Uuid>) -> Value {
    let mut v = Map::new();
    v.insert("id".into(), json!(id));
    v.insert("type".into(), json!(r.action.type_name()));
    v.insert("position".into(), json!(position));
    let nat = |t: &[crate::topology::NatTarget]| -> Value {
        t.iter()
            .map(|x| {
                json!({"addressFrom": x.address_from.to_string(), "addressTo": x.address_to.to_string(),
                       "portFrom": x.port_from, "portTo": x.port_to})
            })
            .collect()
    };
    match &r.action {
        RuleAction::Jump(c) => {
            v.insert("jumpChainId".into(), json!(c));
        }
        RuleAction::Dnat(a, t) | RuleAction::Snat(a, t) => {
            v.insert("flowAction".into(), json!(a.as_str()));
            v.insert("natTargets".into(), nat(t));
        }
        RuleAction::RevSnat(a) => {
            v.insert("flowAction".into(), json!(a.as_str()));
        }
        RuleAction::Accept | RuleAction::Drop => {}
    }
    let c = &r.cond;
    let mut set = |k: &str, val: Value| {
        v.insert(k.into(), val);
    };
    if c.match_return_flow {
        set("matchReturnFlow", json!(true));
    }
    if let Some(t) = c.dl_type {
        set("dlType", json!(t));
        set("invDlType", json!(c.inv_dl_type));
    }
    if let Some(m) = &c.dl_src {
        set("dlSrc", json!(m));
        set("invDlSrc", json!(c.inv_dl_src));
    }
    if let Some(m) = &c.dl_dst {
        set("dlDst", json!(m));
        set("invDlDst", json!(c.inv_dl_dst));
    }
    if let Some(p) = c.nw_proto {
        set("nwProto", json!(p));
        set("invNwProto", json!(c.inv_nw_proto));
    }
    if let Some(n) = c.nw_src {
        set("nwSrcAddress", json!(n.addr().to_string()));
        set("nwSrcLength", json!(n.prefix_len()));
        set("invNwSrc", json!(c.inv_nw_src));
    }
    if let Some(n) = c.nw_dst {
        set("nwDstAddress", json!(n.addr().to_string()));
        set("nwDstLength", json!(n.prefix_len()));
        set("invNwDst", json!(c.inv_nw_dst));
    }
    if let Some(p) = c.tp_src {
        set("tpSrc", json!({"start": p.start, "end": p.end}));
        set("invTpSrc", json!(c.inv_tp_src));
    }
    if let Some(p) = c.tp_dst {
        set("tpDst", json!({"start": p.start, "end": p.end}));
        set("invTpDst", json!(c.inv_tp_dst));
    }
    if let Some(g) = c.ip_addr_group_src {
        set("ipAddrGroupSrc", json!(g));
    }
    if let Some(g) = c.ip_addr_group_dst {
        set("ipAddrGroupDst", json!(g));
    }
    if !c.out_ports.is_empty() {
        set("outPorts", json!(c.out_ports));
    }
    Value::Object(v)
}

fn dhcp_body(s: &DhcpSubnetSpec) -> Value {
    let routes: Vec<Value> = s
        .opt121_routes
        .iter()
        .map(|(d, g)| {
            json!({"destinationPrefix": d.network().to_string(), "destinationLength": d.prefix_len(),
                   "gatewayAddr": g.to_string()})
        })
        .collect();
    json!({
        "subnetPrefix": s.subnet.network().to_string(),
        "subnetLength": s.subnet.prefix_len(),
        "defaultGateway": s.default_gateway.to_string(),
        "dnsServerAddrs": s.dns_servers.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        "opt121Routes": routes,
    })
}

fn dhcp_host_body(h: &DhcpHostSpec) -> Value {
    let opts: Vec<Value> = h
        .extra_opts
        .iter()
        .map(|(k, v)| json!({"optName": k, "optValue": v}))
        .collect();
    json!({"name": h.name, "macAddr": h.mac, "ipAddr": h.ip.to_string(), "extraDhcpOpts": opts})
}

fn key(subnet: ipnet::Ipv4Net) -> SubnetKey {
    SubnetKey::new(subnet.network().to_string(), i32::from(subnet.prefix_len()))
}

/// Runs one step against MidoNet.
pub async fn run(c: &MidonetClient, snap: &Snapshot, op: &Op) -> Result<(), CallError> {
    match op {
        Op::CreateRouter {
            id,
            name,
            filters: f,
            as_number,
        } => {
            let mut v = Map::new();
            v.insert("id".into(), json!(id));
            v.insert("name".into(), json!(name));
            v.insert("tenantId".into(), json!(TENANT));
            v.insert("asNumber".into(), json!(as_number));
            filters(&mut v, f);
            c.create_router(&dto(Value::Object(v))?).await?;
        }
        Op::UpdateRouter {
            id,
            name,
            filters: f,
            as_number,
        } => {
            let o = snap
                .routers
                .iter()
                .find(|r| r.id == Some(*id))
                .ok_or_else(|| CallError::NotObserved(format!("router {id}")))?;
            c.update_router(o, |r| {
                r.name = Some(name.clone());
                r.inbound_filter_id = f.inbound;
                r.outbound_filter_id = f.outbound;
                r.as_number = i32::try_from(*as_number).unwrap_or(i32::MAX);
            })
            .await?;
        }
        Op::DeleteRouter { id } => c.delete_router(*id).await?,
        Op::CreateBridge {
            id,
            name,
            filters: f,
        } => {
            let mut v = Map::new();
            v.insert("id".into(), json!(id));
            v.insert("name".into(), json!(name));
            v.insert("tenantId".into(), json!(TENANT));
            filters(&mut v, f);
            c.create_bridge(&dto(Value::Object(v))?).await?;
        }
        Op::UpdateBridge {
            id,
            name,
            filters: f,
        } => {
            let o = snap
                .bridges
                .iter()
                .find(|r| r.id == Some(*id))
                .ok_or_else(|| CallError::NotObserved(format!("bridge {id}")))?;
            c.update_bridge(o, |b| {
                b.name = Some(name.clone());
                b.inbound_filter_id = f.inbound;
                b.outbound_filter_id = f.outbound;
            })
            .await?;
        }
        Op::DeleteBridge { id } => c.delete_bridge(*id).await?,
        Op::CreatePort {
            id,
            device,
            router_port,
            filters: f,
        } => {
            let mut v = Map::new();
            v.insert("id".into(), json!(id));
            match router_port {
                Some(s) => {
                    v.insert("type".into(), json!("Router"));
                    v.insert(
                        "networkAddress".into(),
                        json!(s.network.network().to_string()),
                    );
                    v.insert("networkLength".into(), json!(s.network.prefix_len()));
                    v.insert("portAddress".into(), json!(s.address.to_string()));
                    if let Some(m) = &s.mac {
                        v.insert("portMac".into(), json!(m));
                    }
                }
                None => {
                    v.insert("type".into(), json!("Bridge"));
                }
            }
            filters(&mut v, f);
            c.create_port(*device, &dto(Value::Object(v))?).await?;
        }
        Op::UpdatePort {
            id,
            router_port,
            filters: f,
        } => {
            let o = snap
                .port(*id)
                .ok_or_else(|| CallError::NotObserved(format!("port {id}")))?;
            c.update_port(o, |p| {
                p.inbound_filter_id = f.inbound;
                p.outbound_filter_id = f.outbound;
                if let (Some(s), dto::PortKind::Router(r)) = (router_port, &mut p.kind) {
                    if s.mac.is_some() {
                        r.port_mac = s.mac.clone();
                    }
                }
            })
            .await?;
        }
        Op::DeletePort { id } => c.delete_port(*id).await?,
        Op::Link { port, peer } => c.link_ports(*port, *peer).await?,
        Op::Unlink { port } => c.unlink_port(*port).await?,
        Op::Bind {
            host,
            port,
            interface,
        } => {
            c.bind_port(*host, *port, interface).await?;
        }
        Op::Unbind { host, port } => c.unbind_port(*host, *port).await?,
        Op::CreateRoute {
            id,
            router,
            src,
            dst,
            next_hop_port,
            next_hop_gateway,
            weight,
        } => {
            let body = json!({
                "id": id, "type": "Normal",
                "srcNetworkAddr": src.addr().to_string(), "srcNetworkLength": src.prefix_len(),
                "dstNetworkAddr": dst.addr().to_string(), "dstNetworkLength": dst.prefix_len(),
                "nextHopPort": next_hop_port,
                "nextHopGateway": next_hop_gateway.map(|g| g.to_string()),
                "weight": weight,
            });
            c.create_route(*router, &dto(body)?).await?;
        }
        Op::DeleteRoute { id } => c.delete_route(*id).await?,
        Op::CreateChain { id, name } => {
            c.create_chain(&dto(json!({"id": id, "name": name, "tenantId": TENANT}))?)
                .await?;
        }
        Op::DeleteChain { id } => c.delete_chain(*id).await?,
        Op::CreateRule {
            id,
            chain,
            position,
            rule,
        } => {
            c.create_rule(*chain, &dto(rule_body(*id, *position, rule))?)
                .await?;
        }
        Op::DeleteRule { id } => c.delete_rule(*id).await?,
        Op::CreateIpAddrGroup { id, name } => {
            c.create_ip_addr_group(&dto(json!({"id": id, "name": name}))?)
                .await?;
        }
        Op::DeleteIpAddrGroup { id } => c.delete_ip_addr_group(*id).await?,
        Op::AddIpAddr { group, addr } => {
            c.add_ip_addr(*group, &addr.to_string()).await?;
        }
        Op::RemoveIpAddr { group, addr } => c.delete_ip_addr(*group, &addr.to_string()).await?,
        Op::CreatePortGroup { id, name, stateful } => {
            let body = json!({"id": id, "name": name, "tenantId": TENANT, "stateful": stateful});
            c.create_port_group(&dto(body)?).await?;
        }
        Op::DeletePortGroup { id } => c.delete_port_group(*id).await?,
        Op::AddPortGroupMember { group, port } => {
            c.add_port_group_member(*group, *port).await?;
        }
        Op::RemovePortGroupMember { group, port } => {
            c.remove_port_group_member(*group, *port).await?
        }
        Op::CreateDhcpSubnet { bridge, spec } => {
            c.create_dhcp_subnet(*bridge, &dto(dhcp_body(spec))?)
                .await?;
        }
        Op::UpdateDhcpSubnet { bridge, spec } => {
            let k = key(spec.subnet);
            let o = snap
                .dhcp_subnets
                .get(bridge)
                .and_then(|v| v.iter().find(|d| SubnetKey::of(d).as_ref() == Some(&k)))
                .ok_or_else(|| CallError::NotObserved(format!("DHCP subnet {k} on {bridge}")))?;
            let want: dto::DhcpSubnet = dto(dhcp_body(spec))?;
            c.update_dhcp_subnet(*bridge, o, |d| {
                d.default_gateway = want.default_gateway.clone();
                d.dns_server_addrs = want.dns_server_addrs.clone();
                d.opt121_routes = want.opt121_routes.clone();
            })
            .await?;
        }
        Op::DeleteDhcpSubnet { bridge, subnet } => {
            c.delete_dhcp_subnet(*bridge, &key(*subnet)).await?
        }
        Op::CreateDhcpHost {
            bridge,
            subnet,
            host,
        } => {
            c.create_dhcp_host(*bridge, &key(*subnet), &dto(dhcp_host_body(host))?)
                .await?;
        }
        Op::UpdateDhcpHost {
            bridge,
            subnet,
            host,
        } => {
            let k = key(*subnet);
            let o = snap
                .dhcp_hosts
                .get(&(*bridge, k.to_string()))
                .and_then(|v| {
                    v.iter().find(|h| {
                        h.mac_addr
                            .as_deref()
                            .is_some_and(|m| m.eq_ignore_ascii_case(&host.mac))
                    })
                })
                .ok_or_else(|| CallError::NotObserved(format!("DHCP host {} in {k}", host.mac)))?;
            let want: dto::DhcpHost = dto(dhcp_host_body(host))?;
            c.update_dhcp_host(*bridge, &k, o, |h| {
                h.name = want.name.clone();
                h.ip_addr = want.ip_addr.clone();
                h.extra_dhcp_opts = want.extra_dhcp_opts.clone();
            })
            .await?;
        }
        Op::DeleteDhcpHost {
            bridge,
            subnet,
            mac,
        } => c.delete_dhcp_host(*bridge, &key(*subnet), mac).await?,
        Op::CreateArpEntry { bridge, ip, mac } => {
            c.add_arp_entry(*bridge, &ip.to_string(), mac).await?;
        }
        Op::DeleteArpEntry { bridge, ip, mac } => {
            c.delete_arp_entry(*bridge, &ip.to_string(), mac).await?
        }
        Op::CreateMacEntry { bridge, mac, port } => {
            c.add_mac_entry(*bridge, mac, *port).await?;
        }
        Op::DeleteMacEntry { bridge, mac, port } => c.delete_mac_entry(*bridge, mac, *port).await?,
        Op::CreateBgpPeer {
            id,
            router,
            as_number,
            address,
        } => {
            let body = json!({"id": id, "asNumber": as_number, "address": address.to_string()});
            c.create_bgp_peer(*router, &dto(body)?).await?;
        }
        Op::DeleteBgpPeer { id } => c.delete_bgp_peer(*id).await?,
        Op::CreateBgpNetwork { id, router, subnet } => {
            let body = json!({"id": id, "subnetAddress": subnet.network().to_string(),
                              "subnetLength": subnet.prefix_len()});
            c.create_bgp_network(*router, &dto(body)?).await?;
        }
        Op::DeleteBgpNetwork { id } => c.delete_bgp_network(*id).await?,
    }
    Ok(())
}
