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
