//! End to end on the emulator: a cold apply of the example views converges with ≤ 1.05 calls
//! per write and no GET after a POST; a second apply writes nothing; no name is duplicated.
mod apply_support;
use apply_support::*;
use vpcmido::midonet::sim::SimConfig;

#[actix_rt::test]
async fn cold_apply_of_full_view_converges_then_second_apply_writes_nothing() {
    let view = load("full.xml");
    let (h, c) = cloud("full.xml", SimConfig::default()).await;
    let before = writes_applied(&h);
    let r = apply_ok(&view, &c).await;
    let writes = writes_applied(&h) - before;
    assert_eq!(r.passes, 1, "one pass suffices on a healthy MidoNet");
    assert_eq!(
        r.writes() as u64,
        writes,
        "every planned write applied once"
    );
    assert!(r.created > 300, "created {}", r.created);
    assert_eq!((r.updated, r.deleted), (0, 0));
    let calls = r.calls.calls();
    eprintln!(
        "cold apply: created {} writes {writes} calls {calls} ({:?})",
        r.created, r.calls
    );
    let ratio = calls as f64 / writes as f64;
    assert!(
        ratio <= 1.05,
        "calls {calls} / writes {writes} = {ratio:.3}"
    );
    assert!(
        duplicate_names(&h).await.is_empty(),
        "{:?}",
        duplicate_names(&h).await
    );

    let again = apply_ok(&view, &c).await;
    assert_eq!(again.writes(), 0);
    assert_eq!(
        writes_applied(&h) - before,
        writes,
        "no write on the second apply"
    );
    assert_eq!(again.calls.post + again.calls.put + again.calls.delete, 0);
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn minimal_view_builds_in_one_pass() {
    let view = load("minimal.xml");
    let (h, c) = cloud("minimal.xml", SimConfig::default()).await;
    let r = apply_ok(&view, &c).await;
    assert_eq!(r.passes, 1);
    assert!(r.unresolved.is_empty(), "{:?}", r.unresolved);
    let state = state(&h).await;
    let names: Vec<&str> = state["bridges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["name"].as_str())
        .collect();
    assert!(
        names.contains(&"vb_vpc-0a0b0c0d_subnet-0a0b0c0d"),
        "{names:?}"
    );
    assert!(names.contains(&"eucabr"));
    h.stop().await.expect("stop");
}
