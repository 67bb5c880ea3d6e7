//! The daemon converges a multi-VPC view, writes the applied version only then, and a
//! no-change cycle (a new version with the same content) costs zero MidoNet calls.
mod daemon_support;
use daemon_support::*;
use std::time::Duration;
use vpcmido::midonet::sim::SimConfig;

#[actix::test]
async fn converges_then_a_new_version_with_same_content_costs_zero_calls() {
    let v = view(3, 3, 7);
    let d = start(&v, SimConfig::default(), |_| {}).await;
    let s = d.wait_applied("00000001").await;
    assert_eq!(s.vpcs.len(), 3);
    assert!(
        s.vpcs.iter().all(|x| x.state == "converged"),
        "{:?}",
        s.vpcs
    );
    assert_eq!(d.applied_file().as_deref(), Some("00000001"));
    let (_, writes) = d.calls();
    assert!(writes > 100, "cold build wrote {writes}");

    d.reset_stats();
    write_view(&d.gni, &v, "00000002");
    let s = d.wait_applied("00000002").await;
    assert_eq!(
        d.calls(),
        (0, 0),
        "same content, new version: no MidoNet call"
    );
    assert_eq!(d.applied_file().as_deref(), Some("00000002"));
    assert!(s
        .vpcs
        .iter()
        .all(|x| x.applied_version.as_deref() == Some("00000002")));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(d.calls(), (0, 0), "idle daemon makes no call");
}

async fn router_names(d: &Daemon) -> Vec<String> {
    let url = d.sim.url().replace("/midonet-api", "/_sim/state");
    let doc: serde_json::Value = reqwest::get(&url)
        .await
        .expect("state")
        .json()
        .await
        .expect("json");
    doc["routers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str().map(str::to_string))
        .collect()
}

#[actix::test]
async fn a_vpc_that_leaves_the_view_is_deleted_and_its_supervisor_stops() {
    let three = view(3, 2, 61);
    let gone = three.vpcs[2].id.clone();
    let d = start(&three, SimConfig::default(), |_| {}).await;
    d.wait_applied("00000001").await;
    assert!(router_names(&d).await.iter().any(|n| n.contains(&gone)));
    let mut two = three.clone();
    two.vpcs.retain(|v| v.id != gone);
    let leaving: Vec<String> = two
        .instances
        .iter()
        .filter(|i| i.vpc == gone)
        .map(|i| i.id.clone())
        .collect();
    two.instances.retain(|i| i.vpc != gone);
    for c in &mut two.config.clusters {
        for n in &mut c.nodes {
            n.instance_ids.retain(|x| !leaving.contains(x));
        }
    }
    let used: std::collections::BTreeSet<String> = two
        .instances
        .iter()
        .flat_map(|i| i.security_groups.iter().cloned())
        .collect();
    two.security_groups.retain(|g| used.contains(&g.id));
    d.reset_stats();
    write_view(&d.gni, &two, "00000002");
    let s = d.wait_applied("00000002").await;
    assert_eq!(s.vpcs.len(), 2, "{:?}", s.vpcs);
    assert!(s.held.is_none());
    let names = router_names(&d).await;
    assert!(!names.iter().any(|n| n.contains(&gone)), "{names:?}");
    let st = d.sim.sim().stats();
    let posts: u64 = st
        .requests
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.count)
        .sum();
    let deletes: u64 = st
        .requests
        .iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.count)
        .sum();
    assert!(deletes > 5, "deleted {deletes}");
    assert_eq!(posts, 0, "the other VPCs are unchanged");
    assert_eq!(d.applied_file().as_deref(), Some("00000002"));
}
