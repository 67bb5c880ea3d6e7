//! Fault injection: at `--fault-rate 0.2` a faulted write is sometimes not applied and
//! sometimes applied and then dropped; 503 and 500 answers are never applied; nothing panics.
//! Targeted faults hit only the requests that touch a given name.
mod common;
use common::sim_with;
use std::collections::HashSet;
use vpcmido::midonet::media::*;
use vpcmido::midonet::sim::SimConfig;

#[actix_web::test]
async fn fault_rate_yields_both_faulted_write_variants_and_never_panics() {
    let t = sim_with(SimConfig {
        fault_rate: 0.2,
        fault_seed: 42,
        ..SimConfig::default()
    })
    .await;
    let (mut ok, mut unavailable, mut internal, mut dropped) = (vec![], vec![], vec![], vec![]);
    for i in 0..300 {
        let name = format!("r{i}");
        let res =
            t.c.post(t.u("routers"))
                .header("Content-Type", ROUTER)
                .body(format!(r#"{{"name":"{name}"}}"#))
                .send()
                .await;
        match res {
            Ok(r) if r.status().as_u16() == 201 => ok.push(name),
            Ok(r) if r.status().as_u16() == 503 => {
                assert_eq!(
                    r.headers().get("RetryAfter").and_then(|v| v.to_str().ok()),
                    Some("3")
                );
                let body: serde_json::Value = r.json().await.expect("503 body");
                assert_eq!(
                    body["message"],
                    "Could not acquire lock for storage operation."
                );
                unavailable.push(name)
            }
            Ok(r) if r.status().as_u16() == 500 => internal.push(name),
            Ok(r) => panic!("unexpected status {}", r.status()),
            Err(_) => dropped.push(name),
        }
    }
    let stored: HashSet<String> =
        t.h.sim()
            .read()
            .routers
            .values()
            .filter_map(|r| r.dto.name.clone())
            .collect();
    let faulted = unavailable.len() + internal.len() + dropped.len();
    assert!(
        (30..=90).contains(&faulted),
        "about 20% of 300 faulted, got {faulted}"
    );
    assert!(
        ok.iter().all(|n| stored.contains(n)),
        "every 201 is applied"
    );
    assert!(
        unavailable
            .iter()
            .chain(&internal)
            .all(|n| !stored.contains(n)),
        "503/500 are never applied"
    );
    let applied_then_dropped = dropped.iter().filter(|n| stored.contains(*n)).count();
    let dropped_not_applied = dropped.len() - applied_then_dropped;
    assert!(applied_then_dropped > 0, "some dropped writes were applied");
    assert!(
        dropped_not_applied > 0,
        "some dropped writes were not applied"
    );
    assert!(!unavailable.is_empty() && !internal.is_empty());
    let stats = t.h.sim().stats();
    for k in [
        "unavailable_503",
        "internal_500",
        "dropped_not_applied",
        "dropped_after_apply",
    ] {
        assert!(
            stats.faults_injected.get(k).copied().unwrap_or(0) > 0,
            "{k}: {:?}",
            stats.faults_injected
        );
    }
    // Still serving after all of that (reads may fault too, so retry a few times).
    let mut served = false;
    for _ in 0..20 {
        if t.get("", APPLICATION).await.status == 200 {
            served = true;
            break;
        }
    }
    assert!(served);
}

#[actix_web::test]
async fn targeted_faults_hit_only_the_named_objects() {
    let t = sim_with(SimConfig::default()).await;
    let bad = t.router("vr_vpc-bad").await;
    let good = t.router("vr_vpc-good").await;
    let r = t
        .fixture(
            "POST",
            "/_sim/faults",
            r#"{"match":"vpc-bad","rate":1.0,"kinds":["unavailable"]}"#,
        )
        .await;
    assert_eq!(r.status, 204);
    let port = r#"{"type":"Router","portAddress":"10.0.0.1","networkAddress":"10.0.0.0","networkLength":24}"#;
    assert_eq!(
        t.post(&format!("routers/{bad}/ports"), PORT, port)
            .await
            .status,
        503,
        "child of the named router, by id"
    );
    assert_eq!(
        t.post(&format!("routers/{good}/ports"), PORT, port)
            .await
            .status,
        201
    );
    assert_eq!(
        t.post("bridges", BRIDGE, r#"{"name":"vb_vpc-bad_subnet-1"}"#)
            .await
            .status,
        503,
        "by body"
    );
    assert_eq!(
        t.post("bridges", BRIDGE, r#"{"name":"vb_vpc-good_subnet-1"}"#)
            .await
            .status,
        201
    );
    assert_eq!(t.fixture("DELETE", "/_sim/faults", "").await.status, 204);
    assert_eq!(
        t.post(&format!("routers/{bad}/ports"), PORT, port)
            .await
            .status,
        201
    );
}
