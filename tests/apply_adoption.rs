//! Adoption: a cloud built the way eucanetd builds it — server-chosen random ids and router-port
//! MACs, every scalar sent as a JSON string, `tenantId` in every body, a GET of `Location` after
//! each POST (spec midonet-api.md §11) — and equal to the view is adopted by vpcmido with zero
//! writes: `plan` is empty and `apply` sends no POST, PUT or DELETE.
mod apply_support;
use apply_support::*;
use serde_json::{json, Value};
use std::collections::HashMap;
use uuid::Uuid;
use vpcmido::apply::call::rule_body;
use vpcmido::apply::{prepare, ApplyConfig};
use vpcmido::midonet::media;
use vpcmido::midonet::sim::SimConfig;
use vpcmido::plan::Op;

/// eucanetd sends every scalar as a string (`"position":"1"`, `"invNwDst":"true"`).
fn stringify(v: Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Array(a) => Value::Array(a.into_iter().map(stringify).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, stringify(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Replaces every id of the plan by the id MidoNet chose for that object.
fn remap(v: Value, ids: &HashMap<String, String>, macs: &HashMap<String, String>) -> Value {
    match v {
        Value::String(s) => {
            Value::String(ids.get(&s).or_else(|| macs.get(&s)).cloned().unwrap_or(s))
        }
        Value::Array(a) => Value::Array(a.into_iter().map(|x| remap(x, ids, macs)).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| (k, remap(x, ids, macs)))
                .collect(),
        ),
        other => other,
    }
}

/// The request eucanetd would send for a step: path (with plan ids), media type, body, and the
/// plan id of the object created (for the id map).
fn request(op: &Op) -> (String, &'static str, Value, Option<Uuid>) {
    match op {
        Op::CreateRouter {
            id,
            name,
            filters,
            as_number,
        } => (
            "/routers".into(),
            media::ROUTER,
            json!({"name": name, "inboundFilterId": filters.inbound, "outboundFilterId": filters.outbound, "asNumber": as_number}),
            Some(*id),
        ),
        Op::CreateBridge { id, name, filters } => (
            "/bridges".into(),
            media::BRIDGE,
            json!({"name": name, "inboundFilterId": filters.inbound, "outboundFilterId": filters.outbound}),
            Some(*id),
        ),
        Op::CreatePort {
            id,
            device,
            router_port,
            filters,
        } => match router_port {
            Some(s) => (
                format!("/routers/{device}/ports"),
                media::PORT,
                json!({"type": "Router",
                "networkAddress": s.network.network().to_string(), "networkLength": s.network.prefix_len(),
                "portAddress": s.address.to_string(),
                // eucanetd lets MidoNet choose router-port MACs except for NAT gateways.
                "portMac": s.mac.clone().filter(|m| !m.starts_with("ac:ca:ba")),
                "inboundFilterId": filters.inbound, "outboundFilterId": filters.outbound}),
                Some(*id),
            ),
            None => (
                format!("/bridges/{device}/ports"),
                media::PORT,
                json!({"type": "Bridge",
                "inboundFilterId": filters.inbound, "outboundFilterId": filters.outbound}),
                Some(*id),
            ),
        },
        Op::Link { port, peer } => (
            format!("/ports/{port}/link"),
            media::PORT_LINK,
            json!({"peerId": peer}),
            None,
        ),
        Op::Bind {
            host,
            port,
            interface,
        } => (
            format!("/hosts/{host}/ports"),
            media::HOST_INTERFACE_PORT,
            json!({"portId": port, "interfaceName": interface, "hostId": host}),
            None,
        ),
        Op::CreateRoute {
            id,
            router,
            src,
            dst,
            next_hop_port,
            next_hop_gateway,
            weight,
        } => (
            format!("/routers/{router}/routes"),
            media::ROUTE,
            json!({"type": "Normal", "srcNetworkAddr": src.addr().to_string(), "srcNetworkLength": src.prefix_len(),
                   "dstNetworkAddr": dst.addr().to_string(), "dstNetworkLength": dst.prefix_len(),
                   "nextHopPort": next_hop_port, "nextHopGateway": next_hop_gateway.map(|g| g.to_string()), "weight": weight}),
            Some(*id),
        ),
        Op::CreateChain { id, name } => (
            "/chains".into(),
            media::CHAIN,
            json!({"name": name}),
            Some(*id),
        ),
        Op::CreateRule {
            id,
            chain,
            position,
            rule,
        } => {
            let mut body = rule_body(*id, *position, rule);
            if let Value::Object(o) = &mut body {
                o.remove("id");
            }
            (
                format!("/chains/{chain}/rules"),
                media::RULE,
                body,
                Some(*id),
            )
        }
        Op::CreateIpAddrGroup { id, name } => (
            "/ip_addr_groups".into(),
            media::IP_ADDR_GROUP,
            json!({"name": name}),
            Some(*id),
        ),
        Op::AddIpAddr { group, addr } => (
            format!("/ip_addr_groups/{group}/ip_addrs"),
            media::IP_ADDR_GROUP_ADDR,
            json!({"addr": addr.to_string(), "version": 4}),
            None,
        ),
        Op::CreatePortGroup { id, name, stateful } => (
            "/port_groups".into(),
            media::PORT_GROUP,
            json!({"name": name, "stateful": stateful}),
            Some(*id),
        ),
        Op::AddPortGroupMember { group, port } => (
            format!("/port_groups/{group}/ports"),
            media::PORT_GROUP_PORT,
            json!({"portId": port}),
            None,
        ),
        Op::CreateDhcpSubnet { bridge, spec } => (
            format!("/bridges/{bridge}/dhcp"),
            media::DHCP_SUBNET,
            json!({
            "subnetPrefix": spec.subnet.network().to_string(), "subnetLength": spec.subnet.prefix_len(),
            "defaultGateway": spec.default_gateway.to_string(),
            "dnsServerAddrs": spec.dns_servers.iter().map(|a| a.to_string()).collect::<Vec<_>>()}),
            None,
        ),
        Op::CreateDhcpHost {
            bridge,
            subnet,
            host,
        } => (
            format!(
                "/bridges/{bridge}/dhcp/{}_{}/hosts",
                subnet.network(),
                subnet.prefix_len()
            ),
            media::DHCP_HOST,
            json!({"name": host.name, "macAddr": host.mac, "ipAddr": host.ip.to_string(),
                   "extraDhcpOpts": host.extra_opts.iter().map(|(k, v)| json!({"optName": k, "optValue": v})).collect::<Vec<_>>()}),
            None,
        ),
        Op::CreateArpEntry { bridge, ip, mac } => (
            format!("/bridges/{bridge}/arp_table"),
            media::IP4_MAC,
            json!({"ip": ip.to_string(), "mac": mac}),
            None,
        ),
        Op::CreateMacEntry { bridge, mac, port } => (
            format!("/bridges/{bridge}/mac_table"),
            media::MAC_PORT,
            json!({"macAddr": mac, "portId": port}),
            None,
        ),
        Op::CreateBgpPeer {
            id,
            router,
            as_number,
            address,
        } => (
            format!("/routers/{router}/bgp_peers"),
            media::BGP_PEER,
            json!({"asNumber": as_number, "address": address.to_string()}),
            Some(*id),
        ),
        Op::CreateBgpNetwork { id, router, subnet } => (
            format!("/routers/{router}/bgp_networks"),
            media::BGP_NETWORK,
            json!({"subnetAddress": subnet.network().to_string(), "subnetLength": subnet.prefix_len()}),
            Some(*id),
        ),
        other => panic!("a cold build has no {other:?}"),
    }
}

#[actix_rt::test]
async fn an_eucanetd_built_cloud_is_adopted_with_zero_writes() {
    let view = load("full.xml");
    let (h, c) = cloud("full.xml", SimConfig::default()).await;
    let plan = prepare(&view, &c, &ApplyConfig::default())
        .await
        .expect("plan")
        .plan;
    let http = reqwest::Client::new();
    let base = h.url();
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut macs: HashMap<String, String> = HashMap::new();
    for s in &plan.steps {
        let (path, media_type, body, created) = request(&s.op);
        let path = path
            .split('/')
            .map(|seg| ids.get(seg).map(String::as_str).unwrap_or(seg))
            .collect::<Vec<_>>()
            .join("/");
        let mut body = remap(body, &ids, &macs);
        if let Value::Object(o) = &mut body {
            o.insert("tenantId".into(), json!("euca_tenant_1"));
        }
        let body = stringify(body);
        let resp = http
            .post(format!("{base}{path}"))
            .header("Content-Type", media_type)
            .body(body.to_string())
            .send()
            .await
            .expect("POST");
        assert!(
            resp.status().is_success(),
            "{s}: {} {:?}",
            resp.status(),
            resp.text().await
        );
        let Some(location) = resp
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string)
        else {
            continue;
        };
        // eucanetd GETs every new object; that is how it learns the id MidoNet chose.
        let got: Value = http
            .get(&location)
            .header("Accept", media_type)
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("json");
        if let (Some(plan_id), Some(server_id)) = (created, got["id"].as_str()) {
            assert_ne!(plan_id.to_string(), server_id, "the server chose the id");
            ids.insert(plan_id.to_string(), server_id.to_string());
        }
        if let (
            Op::CreatePort {
                router_port: Some(spec),
                ..
            },
            Some(mac),
        ) = (&s.op, got["portMac"].as_str())
        {
            if let Some(ours) = &spec.mac {
                macs.insert(ours.clone(), mac.to_string());
            }
        }
    }
    assert!(ids.len() > 200, "{} objects got server ids", ids.len());

    let replan = prepare(&view, &c, &ApplyConfig::default())
        .await
        .expect("plan");
    assert!(
        replan.plan.is_empty(),
        "{:#?}",
        replan
            .plan
            .steps
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
    let before = writes_applied(&h);
    let r = apply_ok(&view, &c).await;
    assert_eq!(r.writes(), 0);
    assert_eq!((r.calls.post, r.calls.put, r.calls.delete), (0, 0, 0));
    assert_eq!(writes_applied(&h), before);
    h.stop().await.expect("stop");
}
