//! Issue 10 (5), ownership: objects vpcmido does not own — other tenants' devices (some with
//! eucanetd-like names), objects in eucanetd's tenant under foreign names, IP address groups
//! with foreign names, ports of foreign bridges bound to interfaces on the cloud's own hosts,
//! rules in foreign chains, routes of foreign routers — are byte-for-byte the same in
//! `/_sim/state` after `apply` and after `flush --all`; and after the flush the emulator holds
//! exactly what it held before the apply. A foreign port that holds the very interface an ENI
//! needs is not stolen: the binding fails and is reported, the foreign port stays as it was.
mod reliability_support;
use reliability_support::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use vpcmido::apply::{apply, prepare, ApplyConfig};
use vpcmido::midonet::media;
use vpcmido::midonet::sim::{self, SimConfig, SimHandle};

/// POSTs as another tool would (no client-chosen id); returns the id from `Location`.
async fn post(api: &str, path: &str, mt: &str, body: Value) -> Option<String> {
    let r = reqwest::Client::new()
        .post(format!("{api}/{path}"))
        .header("Content-Type", mt)
        .body(body.to_string())
        .send()
        .await
        .expect("POST");
    assert!(
        r.status().is_success(),
        "POST {path} {body}: {}",
        r.status()
    );
    r.headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.rsplit('/').next())
        .map(str::to_string)
}

/// The ids of everything foreign that was created, by collection.
#[derive(Default)]
struct Foreign {
    devices: BTreeSet<String>,
    chains: BTreeSet<String>,
    groups: BTreeSet<String>,
    ports: BTreeSet<String>,
    port_groups: BTreeSet<String>,
}

async fn router(api: &str, f: &mut Foreign, tenant: &str, name: &str) -> String {
    let id = post(
        api,
        "routers",
        media::ROUTER,
        json!({"name": name, "tenantId": tenant}),
    )
    .await
    .expect("router id");
    f.devices.insert(id.clone());
    id
}

async fn bridge(api: &str, f: &mut Foreign, tenant: &str, name: &str) -> String {
    let id = post(
        api,
        "bridges",
        media::BRIDGE,
        json!({"name": name, "tenantId": tenant}),
    )
    .await
    .expect("bridge id");
    f.devices.insert(id.clone());
    id
}

async fn chain(api: &str, f: &mut Foreign, tenant: &str, name: &str) -> String {
    let id = post(
        api,
        "chains",
        media::CHAIN,
        json!({"name": name, "tenantId": tenant}),
    )
    .await
    .expect("chain id");
    for (i, (t, port)) in [("accept", 22), ("drop", 23), ("accept", 443)]
        .iter()
        .enumerate()
    {
        post(
            api,
            &format!("chains/{id}/rules"),
            media::RULE,
            json!({"type": t, "position": i + 1, "nwProto": 6,
                   "tpDst": {"start": port, "end": port}, "nwSrcAddress": "203.0.113.0",
                   "nwSrcLength": 24}),
        )
        .await;
    }
    f.chains.insert(id.clone());
    id
}

async fn ip_group(api: &str, f: &mut Foreign, tenant: &str, name: &str) -> String {
    let id = post(
        api,
        "ip_addr_groups",
        media::IP_ADDR_GROUP,
        json!({"name": name, "tenantId": tenant}),
    )
    .await
    .expect("group id");
    for a in ["198.51.100.7", "198.51.100.8"] {
        post(
            api,
            &format!("ip_addr_groups/{id}/ip_addrs"),
            media::IP_ADDR_GROUP_ADDR,
            json!({"addr": a, "version": 4}),
        )
        .await;
    }
    f.groups.insert(id.clone());
    id
}

async fn bridge_port(api: &str, f: &mut Foreign, bridge: &str) -> String {
    let id = post(
        api,
        &format!("bridges/{bridge}/ports"),
        media::PORT,
        json!({"type": "Bridge"}),
    )
    .await
    .expect("port id");
    f.ports.insert(id.clone());
    id
}

async fn bind(api: &str, host: &str, port: &str, iface: &str) {
    post(
        api,
        &format!("hosts/{host}/ports"),
        media::HOST_INTERFACE_PORT,
        json!({"portId": port, "interfaceName": iface}),
    )
    .await;
}

/// Builds the foreign population on `h`; `hosts` are the view's registered hosts.
async fn populate(h: &SimHandle, hosts: &[String]) -> Foreign {
    let api = h.url();
    let api = api.as_str();
    let mut f = Foreign::default();
    // Another tenant, some names exactly like eucanetd's.
    for (tenant, names) in [
        (
            "other_tenant",
            [
                "vr_vpc-deadbeef_7",
                "vb_vpc-deadbeef_subnet-deadbeef",
                "sg_ingress_sg-deadbeef",
                // IP address groups carry no tenant in MidoNet 5 (spec §9.9): their name is
                // the only mark of ownership, so another tenant's group must not be named
                // like eucanetd's (`sg_all_sg-…` is vpcmido's by definition).
                "lb-allowlist",
                "eucart",
            ],
        ),
        // eucanetd's tenant, names it never uses (near misses included).
        (
            "euca_tenant_1",
            [
                "customer-router",
                "lb-bridge",
                "my-chain",
                "my-ipag",
                "eucart-backup",
            ],
        ),
    ] {
        let r = router(api, &mut f, tenant, names[0]).await;
        let rp = post(
            api,
            &format!("routers/{r}/ports"),
            media::PORT,
            json!({"type": "Router", "portAddress": "192.168.7.1", "networkAddress": "192.168.7.0",
                   "networkLength": 24, "portMac": "02:00:00:00:07:01"}),
        )
        .await
        .expect("router port");
        f.ports.insert(rp.clone());
        post(
            api,
            &format!("routers/{r}/routes"),
            media::ROUTE,
            json!({"type": "Normal", "srcNetworkAddr": "0.0.0.0", "srcNetworkLength": 0,
                   "dstNetworkAddr": "10.99.0.0", "dstNetworkLength": 16,
                   "nextHopPort": rp, "weight": 100}),
        )
        .await;
        let b = bridge(api, &mut f, tenant, names[1]).await;
        let bp = bridge_port(api, &mut f, &b).await;
        post(
            api,
            &format!("ports/{rp}/link"),
            media::PORT_LINK,
            json!({"peerId": bp}),
        )
        .await;
        // Ports of the foreign bridge bound to interfaces on the cloud's own hosts.
        for (i, host) in hosts.iter().take(2).enumerate() {
            let p = bridge_port(api, &mut f, &b).await;
            bind(api, host, &p, &format!("tap-{tenant}-{i}")).await;
        }
        let c = chain(api, &mut f, tenant, names[2]).await;
        let _ = c;
        ip_group(api, &mut f, tenant, names[3]).await;
        router(api, &mut f, tenant, names[4]).await;
        let pg = post(
            api,
            "port_groups",
            media::PORT_GROUP,
            json!({"name": format!("pg-{tenant}"), "tenantId": tenant, "stateful": false}),
        )
        .await
        .expect("port group");
        post(
            api,
            &format!("port_groups/{pg}/ports"),
            media::PORT_GROUP_PORT,
            json!({"portId": bp}),
        )
        .await;
        f.port_groups.insert(pg);
    }
    f
}

/// The JSON text of every foreign object in a state, by collection and id (or URI).
fn foreign_of(state: &Value, f: &Foreign) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (coll, items) in state.as_object().into_iter().flatten() {
        for o in items.as_array().into_iter().flatten() {
            let s = |k: &str| o[k].as_str().unwrap_or("").to_string();
            let foreign = match coll.as_str() {
                "routers" | "bridges" => f.devices.contains(&s("id")),
                "chains" => f.chains.contains(&s("id")),
                "ip_addr_groups" => f.groups.contains(&s("id")),
                "port_groups" => f.port_groups.contains(&s("id")),
                "ports" => f.ports.contains(&s("id")) || f.devices.contains(&s("deviceId")),
                "routes" => f.devices.contains(&s("routerId")),
                "rules" => f.chains.contains(&s("chainId")),
                "ip_addr_group_addrs" => f.groups.contains(&s("ipAddrGroupId")),
                // The agents' objects: never vpcmido's to change.
                "hosts" | "tunnel_zones" | "tunnel_zone_hosts" => true,
                _ => false,
            };
            if foreign {
                out.insert(format!("{coll} {}", s("uri")), o.to_string());
            }
        }
    }
    out
}

fn differences(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    let mut d = Vec::new();
    for (k, v) in before {
        match after.get(k) {
            None => d.push(format!("deleted: {k}")),
            Some(a) if a != v => d.push(format!("modified: {k}\n  before {v}\n  after  {a}")),
            Some(_) => {}
        }
    }
    d
}

fn host_ids(state: &Value) -> Vec<String> {
    state["hosts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["id"].as_str().map(str::to_string))
        .collect()
}

#[actix_rt::test]
async fn foreign_objects_are_byte_for_byte_unchanged_by_apply_and_flush_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "v32.xml", 2, 2, 8);
    let h = sim::start(SimConfig {
        hosts_from_gni: Some(path.clone()),
        ..SimConfig::default()
    })
    .await
    .expect("emulator");
    let base = format!("http://{}", h.addr());
    let hosts = host_ids(&sim_state(&base).await);
    assert!(hosts.len() >= 2, "{hosts:?}");
    let f = populate(&h, &hosts).await;
    let before_state = sim_state(&base).await;
    let before = foreign_of(&before_state, &f);
    let counts: BTreeMap<&str, usize> =
        ["routers", "bridges", "ports", "routes", "chains", "rules"]
            .into_iter()
            .map(|c| {
                (
                    c,
                    before
                        .keys()
                        .filter(|k| k.starts_with(&format!("{c} ")))
                        .count(),
                )
            })
            .collect();
    eprintln!("foreign objects: {} ({counts:?})", before.len());
    assert_eq!(
        (
            counts["routers"],
            counts["bridges"],
            counts["chains"],
            counts["rules"],
            counts["ports"]
        ),
        (4, 2, 2, 6, 8)
    );

    let c = client(&h.url()).await;
    let r = apply(&view, &c, &ApplyConfig::default())
        .await
        .expect("apply");
    assert!(r.converged, "{:?}", r.failed);
    assert!(r.created > 500, "created {}", r.created);
    let p = prepare(&view, &c, &ApplyConfig::default())
        .await
        .expect("plan");
    assert_eq!(p.plan.len(), 0, "the foreign objects are not planned");
    let after_apply = foreign_of(&sim_state(&base).await, &f);
    let d = differences(&before, &after_apply);
    eprintln!(
        "after apply ({} created): {} foreign objects, {} changed",
        r.created,
        after_apply.len(),
        d.len()
    );
    assert!(d.is_empty(), "{d:#?}");

    let url = h.url();
    let (code, out, err) = run_cli(
        &[
            "flush",
            "--all",
            "--no-host",
            "--yes",
            "--midonet-url",
            &url,
        ],
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(code, 0, "{out}\n{err}");
    for id in f.devices.iter().chain(&f.chains).chain(&f.groups) {
        assert!(!out.contains(id.as_str()), "flush names foreign {id}");
    }
    let after_state = sim_state(&base).await;
    let after_flush = foreign_of(&after_state, &f);
    let d = differences(&before, &after_flush);
    eprintln!(
        "after flush --all: {} foreign objects, {} changed",
        after_flush.len(),
        d.len()
    );
    assert!(d.is_empty(), "{d:#?}");
    // Nothing of vpcmido's left, nothing foreign gone: the state before the apply, exactly.
    let a = audit(&after_state, &before_state, &BTreeSet::new());
    eprintln!("after flush --all vs before apply: {}", a.figures());
    a.assert_clean("flush --all leaves exactly the foreign objects");
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn a_foreign_port_holding_an_enis_interface_is_not_stolen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "v8.xml", 1, 2, 4);
    // Where the first ENI's tap is bound, learned from a clean build.
    let clean = sim::start(SimConfig {
        hosts_from_gni: Some(path.clone()),
        ..SimConfig::default()
    })
    .await
    .expect("emulator");
    let cc = client(&clean.url()).await;
    assert!(
        apply(&view, &cc, &ApplyConfig::default())
            .await
            .expect("apply")
            .converged
    );
    let state = sim_state(&format!("http://{}", clean.addr())).await;
    let (host, iface) = state["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|p| {
            let i = p["interfaceName"].as_str()?;
            i.starts_with("vn_").then(|| {
                (
                    p["hostId"].as_str().unwrap_or("").to_string(),
                    i.to_string(),
                )
            })
        })
        .expect("a bound ENI port");
    clean.stop().await.expect("stop");

    let h = sim::start(SimConfig {
        hosts_from_gni: Some(path.clone()),
        ..SimConfig::default()
    })
    .await
    .expect("emulator");
    let base = format!("http://{}", h.addr());
    let api = h.url();
    let mut f = Foreign::default();
    let b = bridge(&api, &mut f, "other_tenant", "someone-elses-bridge").await;
    let p = bridge_port(&api, &mut f, &b).await;
    bind(&api, &host, &p, &iface).await;
    let before = foreign_of(&sim_state(&base).await, &f);

    let c = client(&api).await;
    let r = apply(&view, &c, &ApplyConfig::default())
        .await
        .expect("apply");
    eprintln!(
        "foreign port on {iface}: converged {}, created {}, failed {:?}, unresolved {:?}",
        r.converged, r.created, r.failed, r.unresolved
    );
    let after = foreign_of(&sim_state(&base).await, &f);
    let d = differences(&before, &after);
    assert!(d.is_empty(), "{d:#?}");
    assert!(
        !r.converged,
        "the ENI cannot be bound while someone else holds {iface}"
    );
    let reported: Vec<&String> = r
        .failed
        .iter()
        .chain(&r.unresolved)
        .filter(|m| m.contains(&iface) || m.contains("already bound"))
        .collect();
    assert!(!reported.is_empty(), "the conflict on {iface} is reported");
    h.stop().await.expect("stop");
}
