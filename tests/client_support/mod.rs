//! Shared fixtures of the client tests: an in-process emulator plus a connected client, DTO
//! builders (from JSON, through the DTOs' own lenient decoders), and the emulator's call counts.
#![allow(dead_code)]
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;
use uuid::Uuid;
use vpcmido::midonet::client::{ClientConfig, MidonetClient, RetryPolicy};
use vpcmido::midonet::dto::{
    Bridge, Chain, DhcpHost, DhcpSubnet, IpAddrGroup, Port, PortGroup, Route, Router, Rule,
    TunnelZone,
};
use vpcmido::midonet::sim::{self, SimConfig, SimHandle};

pub const TENANT: &str = "euca_tenant_1";

/// A client config for tests: fast retries, many attempts (fault tests).
pub fn test_config() -> ClientConfig {
    ClientConfig {
        retry: RetryPolicy {
            max_attempts: 10,
            base: Duration::from_millis(1),
            cap: Duration::from_millis(5),
        },
        request_timeout: Duration::from_secs(10),
        ..ClientConfig::default()
    }
}

pub async fn start(cfg: SimConfig) -> (SimHandle, MidonetClient) {
    let h = sim::start(cfg).await.expect("emulator starts");
    let c = MidonetClient::connect(&h.url(), test_config())
        .await
        .expect("client connects");
    (h, c)
}

/// Requests the emulator saw, by method (every status, dropped ones included).
pub fn sim_calls(h: &SimHandle) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for r in h.sim().stats().requests {
        *m.entry(r.method.clone()).or_default() += r.count;
    }
    m
}

pub fn sim_total(h: &SimHandle) -> u64 {
    sim_calls(h).values().sum()
}

pub fn sim_count(h: &SimHandle, method: &str) -> u64 {
    sim_calls(h).get(method).copied().unwrap_or(0)
}

/// Requests per (method, resource, status).
pub fn sim_rows(h: &SimHandle) -> Vec<(String, String, u16, u64)> {
    h.sim()
        .stats()
        .requests
        .into_iter()
        .map(|r| (r.method, r.resource, r.status, r.count))
        .collect()
}

/// `http://127.0.0.1:PORT` (the `/_sim/` API's root).
pub fn sim_root(h: &SimHandle) -> String {
    h.url().trim_end_matches("/midonet-api").to_string()
}

/// Calls the `/_sim/` API.
pub async fn sim_api(h: &SimHandle, method: reqwest::Method, path: &str, body: Value) -> u16 {
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client")
        .request(method, format!("{}/_sim/{path}", sim_root(h)))
        .json(&body)
        .send()
        .await
        .expect("sim api reachable");
    r.status().as_u16()
}

/// Registers an alive host with one interface.
pub async fn register_host(h: &SimHandle, id: Uuid, name: &str, ip: &str) {
    let st = sim_api(
        h,
        reqwest::Method::POST,
        "hosts",
        json!({"id": id, "name": name, "alive": true, "addresses": [ip],
               "hostInterfaces": [{"name": "eth0", "mac": "52:54:00:00:00:01", "mtu": 1500,
                   "type": "Physical", "endpoint": "PHYSICAL", "addresses": [ip], "status": 3}]}),
    )
    .await;
    assert!(st < 300, "host registration answered {st}");
}

pub fn dto<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("valid DTO json")
}

pub fn id() -> Uuid {
    Uuid::new_v4()
}

pub fn router(id: Uuid, name: &str) -> Router {
    dto(json!({"id": id, "name": name, "tenantId": TENANT}))
}
pub fn bridge(id: Uuid, name: &str) -> Bridge {
    dto(json!({"id": id, "name": name, "tenantId": TENANT}))
}
pub fn chain(id: Uuid, name: &str) -> Chain {
    dto(json!({"id": id, "name": name, "tenantId": TENANT}))
}
pub fn iag(id: Uuid, name: &str) -> IpAddrGroup {
    dto(json!({"id": id, "name": name}))
}
pub fn port_group(id: Uuid, name: &str) -> PortGroup {
    dto(json!({"id": id, "name": name, "tenantId": TENANT, "stateful": true}))
}
pub fn tunnel_zone(id: Uuid, name: &str) -> TunnelZone {
    dto(json!({"id": id, "name": name, "type": "gre"}))
}
pub fn router_port(id: Uuid, net: &str, len: u8, addr: &str, mac: &str) -> Port {
    dto(
        json!({"id": id, "type": "Router", "networkAddress": net, "networkLength": len,
               "portAddress": addr, "portMac": mac}),
    )
}
pub fn bridge_port(id: Uuid) -> Port {
    dto(json!({"id": id, "type": "Bridge"}))
}
pub fn route(id: Uuid, dst: &str, len: u8, next_hop_port: Uuid) -> Route {
    dto(
        json!({"id": id, "type": "Normal", "srcNetworkAddr": "0.0.0.0", "srcNetworkLength": 0,
               "dstNetworkAddr": dst, "dstNetworkLength": len, "nextHopPort": next_hop_port,
               "weight": 100}),
    )
}
pub fn accept_rule(id: Uuid, position: i32, proto: i32, dst_port: i32) -> Rule {
    dto(
        json!({"id": id, "type": "accept", "position": position, "nwProto": proto,
               "tpDst": {"start": dst_port, "end": dst_port}}),
    )
}
pub fn dnat_rule(id: Uuid, position: i32, from: &str, to: &str) -> Rule {
    dto(
        json!({"id": id, "type": "dnat", "position": position, "flowAction": "accept",
               "nwDstAddress": from, "nwDstLength": 32,
               "natTargets": [{"addressFrom": to, "addressTo": to, "portFrom": 0, "portTo": 0}]}),
    )
}
pub fn dhcp_subnet(prefix: &str, len: u8, gw: &str) -> DhcpSubnet {
    dto(
        json!({"subnetPrefix": prefix, "subnetLength": len, "defaultGateway": gw,
               "dnsServerAddrs": ["8.8.8.8"]}),
    )
}
pub fn dhcp_host(name: &str, mac: &str, ip: &str) -> DhcpHost {
    dto(json!({"name": name, "macAddr": mac, "ipAddr": ip,
               "extraDhcpOpts": [{"optName": "domain_search", "optValue": "internal"}]}))
}
