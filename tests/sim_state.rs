//! `--state-file` round trip and `--hosts-from-gni` host registration.
mod common;
use common::sim_with;
use vpcmido::midonet::media::*;
use vpcmido::midonet::sim::hosts_from_gni::{host_id, hosts_from_gni, Role};
use vpcmido::midonet::sim::SimConfig;

#[actix_web::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim-state.json");
    let cfg = SimConfig {
        state_file: Some(file.clone()),
        ..SimConfig::default()
    };
    let t = sim_with(cfg.clone()).await;
    let r = t.router("vr_keep").await;
    let p = t.rport(&r, "10.0.0.1").await;
    t.h.stop().await.unwrap();
    assert!(file.exists());
    let t2 = sim_with(cfg).await;
    assert_eq!(
        t2.obj(&format!("routers/{r}"), "Router-v3").await["name"],
        "vr_keep"
    );
    let routes = t2
        .get(&format!("routers/{r}/routes"), COLL_ROUTE)
        .await
        .json;
    assert_eq!(routes[0]["nextHopPort"], p.as_str());
    let q = t2.rport(&r, "10.0.1.1").await;
    let key = |v: serde_json::Value| v["tunnelKey"].as_i64().unwrap();
    assert!(
        key(t2.obj(&format!("ports/{q}"), "Port-v3").await)
            > key(t2.obj(&format!("ports/{p}"), "Port-v3").await)
    );
}

#[test]
fn hosts_from_gni_reads_nodes_gateways_and_clc() {
    let xml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/gni/full.xml"
    ))
    .unwrap();
    let hosts = hosts_from_gni(&xml).unwrap();
    let names = |role| {
        hosts
            .iter()
            .filter(|h| h.role == role)
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(Role::Node),
        vec!["10.20.1.101", "10.20.1.102", "10.20.2.101", "10.20.2.102"]
    );
    assert_eq!(names(Role::Gateway), vec!["10.20.0.21", "10.20.0.22"]);
    assert_eq!(names(Role::Clc), vec!["10.20.0.10"]);
    assert!(hosts
        .iter()
        .filter(|h| h.role == Role::Gateway)
        .all(|h| h.external_device.is_some()));
    assert_eq!(host_id("10.20.1.101"), host_id("10.20.1.101"));
    assert!(
        hosts_from_gni("<network-data><configuration>").is_err()
            || hosts_from_gni("<a></b>").is_err()
    );
}

#[actix_web::test]
async fn hosts_from_gni_registers_alive_hosts_in_one_zone() {
    let gni = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/gni/minimal.xml");
    let t = sim_with(SimConfig {
        hosts_from_gni: Some(gni.into()),
        ..SimConfig::default()
    })
    .await;
    let node = host_id("10.20.1.101");
    let h = t.obj(&format!("hosts/{node}"), "Host-v3").await;
    assert_eq!(
        (h["name"].as_str(), h["alive"].as_bool()),
        (Some("10.20.1.101"), Some(true))
    );
    let ifs = t
        .get(&format!("hosts/{node}/interfaces"), COLL_INTERFACE)
        .await
        .json;
    assert!(ifs
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["endpoint"] == "TUNTAP"));
    let gw = t
        .get(
            &format!("hosts/{}/interfaces/eth1", host_id("10.20.0.21")),
            INTERFACE,
        )
        .await;
    assert_eq!(gw.status, 200, "gateway externalDevice interface");
    let zones = t.get("tunnel_zones", COLL_TUNNEL_ZONE).await.json;
    let z = zones[0]["id"].as_str().unwrap();
    let members = t
        .get(&format!("tunnel_zones/{z}/hosts"), COLL_TUNNEL_ZONE_HOST)
        .await
        .json;
    assert_eq!(members.as_array().map(Vec::len), Some(3));
    // A node can bind a port right away (it is in a tunnel zone).
    let br = t.bridge("b").await;
    let p = t.bport(&br).await;
    let r = t
        .post(
            &format!("hosts/{node}/ports"),
            HOST_INTERFACE_PORT,
            &format!(r#"{{"portId":"{p}","interfaceName":"vn0_1"}}"#),
        )
        .await;
    assert_eq!(r.status, 201);
}
