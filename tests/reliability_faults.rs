//! Issue 10 (1): a faulty MidoNet. A cold build of a generated 512-ENI view against the
//! emulator at fault rate 0.1 (503 lock timeouts, 500s, connections dropped before the write,
//! writes applied and then dropped) converges; `/_sim/state` then holds exactly what a
//! fault-free build of the same view holds (0 duplicates, 0 extra, 0 missing, 0 differing
//! objects), and a plan against the same emulator, faults off, is empty. Then a large delete
//! (3 of 4 VPCs removed from the view) under the same faults ends equal to a fault-free
//! reference that went through the same two views.
mod reliability_support;
use reliability_support::*;
use std::time::{Duration, Instant};
use vpcmido::apply::{apply, prepare, ApplyConfig, Report};
use vpcmido::midonet::sim::{self, SimConfig, SimHandle};

const FAULT_RATE: f64 = 0.1;

async fn emulator(view: &std::path::Path, fault_rate: f64) -> SimHandle {
    sim::start(SimConfig {
        hosts_from_gni: Some(view.to_path_buf()),
        fault_rate,
        fault_seed: 10,
        ..SimConfig::default()
    })
    .await
    .expect("emulator starts")
}

fn base(h: &SimHandle) -> String {
    format!("http://{}", h.addr())
}

fn passes(n: u32) -> ApplyConfig {
    ApplyConfig {
        max_passes: n,
        ..ApplyConfig::default()
    }
}

fn line(what: &str, r: &Report) -> String {
    format!(
        "{what}: converged {} in {} pass(es); created {} updated {} deleted {}; calls {} \
         (GET {} POST {} PUT {} DELETE {}), retries {}, 409 confirmations {}; {:.2} s",
        r.converged,
        r.passes,
        r.created,
        r.updated,
        r.deleted,
        r.calls.calls(),
        r.calls.get,
        r.calls.post,
        r.calls.put,
        r.calls.delete,
        r.calls.retries,
        r.calls.confirmed_409,
        r.wall.as_secs_f64()
    )
}

#[actix_rt::test]
async fn cold_build_and_large_delete_at_fault_rate_0_1_converge_with_three_zeros() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "v512.xml", 4, 4, 32);
    assert_eq!(enis(&view), 512);
    let small = keep_vpcs(&view, 1);
    let unordered = unordered_chains(&view);

    // The reference: the same view on a healthy emulator, then the reduced view.
    let reference = emulator(&path, 0.0).await;
    let rc = client(&reference.url()).await;
    let r = apply(&view, &rc, &passes(1))
        .await
        .expect("reference apply");
    assert!(r.converged && r.failed.is_empty(), "{:?}", r.failed);
    let cold_writes = r.writes();
    eprintln!("{}", line("reference cold build", &r));
    let reference_full = sim_state(&base(&reference)).await;

    // The faulty emulator.
    let faulty = emulator(&path, FAULT_RATE).await;
    let fc = client(&faulty.url()).await;
    let t = Instant::now();
    let f = apply(&view, &fc, &passes(10))
        .await
        .expect("apply under faults");
    eprintln!("{}", line("cold build at fault rate 0.1", &f));
    assert!(f.converged, "not converged: {:?}", f.failed);
    assert!(f.failed.is_empty(), "{:?}", f.failed);
    let stats = sim_stats(&base(&faulty)).await;
    let injected = faults(&stats);
    eprintln!("faults injected: {injected:?}");
    // Every kind of fault happened, many times, and each was absorbed.
    for kind in [
        "unavailable_503",
        "internal_500",
        "dropped_not_applied",
        "dropped_after_apply",
    ] {
        assert!(
            injected.get(kind).copied().unwrap_or(0) >= 100,
            "{kind}: {injected:?}"
        );
    }
    let total_faults: u64 = injected.values().sum();
    // Each fault cost one retry of that call (or, for a DHCP subnet, a look then a repeat).
    assert!(
        f.calls.retries + f.calls.confirm_reads >= total_faults * 9 / 10,
        "retries {} confirm reads {} for {total_faults} faults",
        f.calls.retries,
        f.calls.confirm_reads
    );
    // Applied-then-dropped creates came back as 409 and were confirmed, never duplicated.
    assert!(
        f.calls.confirmed_409 >= injected["dropped_after_apply"] / 2,
        "409 confirmations {} for {} applied-then-dropped writes",
        f.calls.confirmed_409,
        injected["dropped_after_apply"]
    );
    // The emulator saw exactly the calls the client made (this apply's, plus the root
    // document GET of `connect`): no hidden hot loop.
    assert_eq!(requests_total(&stats), fc.stats().calls());
    assert_eq!(fc.stats().calls(), f.calls.calls() + 1);
    assert!(f.passes <= 4, "passes {}", f.passes);
    assert!(f.created >= cold_writes && f.created <= cold_writes + 64);

    let a = audit(
        &sim_state(&base(&faulty)).await,
        &reference_full,
        &unordered,
    );
    eprintln!("after the faulty cold build: {}", a.figures());
    a.assert_clean("cold build at fault rate 0.1");
    assert_eq!(a.actual, a.expected);
    let full_objects = a.expected;

    // Faults off: the plan against this emulator is empty.
    reqwest::Client::new()
        .put(format!("{}/_sim/faults/rate", base(&faulty)))
        .json(&serde_json::json!({"rate": 0.0}))
        .send()
        .await
        .expect("fault rate off");
    let p = prepare(&view, &fc, &ApplyConfig::default())
        .await
        .expect("plan");
    assert_eq!(
        p.plan.len(),
        0,
        "plan after convergence: {} steps",
        p.plan.len()
    );
    assert!(p.plan.unresolved.is_empty());

    // A large delete: 3 of the 4 VPCs leave the view; faults back on.
    let r2 = apply(&small, &rc, &passes(1))
        .await
        .expect("reference delete");
    assert!(r2.converged, "{:?}", r2.failed);
    eprintln!("{}", line("reference delete of 3 VPCs", &r2));
    let reference_small = sim_state(&base(&reference)).await;
    reqwest::Client::new()
        .put(format!("{}/_sim/faults/rate", base(&faulty)))
        .json(&serde_json::json!({"rate": FAULT_RATE}))
        .send()
        .await
        .expect("fault rate on");
    let d = apply(&small, &fc, &passes(10))
        .await
        .expect("delete under faults");
    eprintln!("{}", line("delete of 3 VPCs at fault rate 0.1", &d));
    assert!(d.converged, "{:?}", d.failed);
    assert!(d.deleted >= r2.deleted, "{} < {}", d.deleted, r2.deleted);
    assert!(r2.deleted > 1000, "a large delete: {}", r2.deleted);
    let a = audit(
        &sim_state(&base(&faulty)).await,
        &reference_small,
        &unordered,
    );
    eprintln!("after the faulty delete: {}", a.figures());
    a.assert_clean("delete at fault rate 0.1");
    assert!(
        a.expected * 3 < full_objects,
        "{} of {full_objects} objects left",
        a.expected
    );
    eprintln!("faulty phases took {:.2} s", t.elapsed().as_secs_f64());
    assert!(t.elapsed() < Duration::from_secs(150));

    faulty.stop().await.expect("stop");
    reference.stop().await.expect("stop");
}

/// The audit is not vacuous: a planted twin, leftover, missing and modified object each show
/// up.
#[actix_rt::test]
async fn the_audit_finds_a_planted_duplicate_leftover_missing_and_modified_object() {
    use reqwest::Method;
    use vpcmido::midonet::media;
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "v8.xml", 1, 2, 4);
    let unordered = unordered_chains(&view);
    let h = emulator(&path, 0.0).await;
    let c = client(&h.url()).await;
    assert!(apply(&view, &c, &passes(1)).await.expect("apply").converged);
    let good = sim_state(&base(&h)).await;
    assert!(audit(&good, &good, &unordered).clean());
    let api = h.url();
    let http = reqwest::Client::new();
    let send = |m: Method, path: String, media: Option<&'static str>, body: String| {
        let mut r = http.request(m, format!("{api}/{path}")).body(body);
        if let Some(mt) = media {
            r = r.header("Content-Type", mt);
        }
        async move { r.send().await.expect("request").status().as_u16() }
    };
    // A twin: a second DHCP subnet with an existing prefix (MidoNet 5.2 stores it).
    let d = &good["dhcp_subnets"][0];
    let bridge = d["uri"]
        .as_str()
        .and_then(|u| u.split("/bridges/").nth(1))
        .and_then(|u| u.split('/').next())
        .expect("the DHCP subnet's bridge");
    let mut twin = d.clone();
    if let Some(m) = twin.as_object_mut() {
        m.remove("uri");
        m.remove("hosts");
    }
    let path = format!("bridges/{bridge}/dhcp");
    let status = send(
        Method::POST,
        path,
        Some(media::DHCP_SUBNET),
        twin.to_string(),
    )
    .await;
    assert_eq!(status, 201);
    // A leftover: a chain named like vpcmido's.
    let chain = r#"{"name":"sg_ingress_sg-0badf00d","tenantId":"euca_tenant_1"}"#;
    let status = send(
        Method::POST,
        "chains".into(),
        Some(media::CHAIN),
        chain.into(),
    )
    .await;
    assert_eq!(status, 201);
    // A missing object: one rule of an unordered chain deleted (in an ordered chain the rules
    // after it would move up, and differ too).
    let rule = good["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["chainId"].as_str().is_some_and(|c| unordered.contains(c)))
        .and_then(|r| r["id"].as_str())
        .expect("a rule of an unordered chain");
    let status = send(Method::DELETE, format!("rules/{rule}"), None, String::new()).await;
    assert_eq!(status, 204);
    // A modified object: a router renamed.
    let mut router = good["routers"][0].clone();
    let rid = router["id"].as_str().expect("router id").to_string();
    router["name"] = serde_json::json!("renamed");
    let path = format!("routers/{rid}");
    let status = send(Method::PUT, path, Some(media::ROUTER), router.to_string()).await;
    assert!(status == 200 || status == 204, "{status}");
    let a = audit(&sim_state(&base(&h)).await, &good, &unordered);
    eprintln!("planted damage: {}", a.figures());
    assert_eq!(a.duplicates.len(), 1, "{:?}", a.duplicates);
    assert_eq!(a.extra.len(), 1, "{:?}", a.extra);
    assert_eq!(a.missing.len(), 1, "{:?}", a.missing);
    assert_eq!(a.differing.len(), 1, "{:?}", a.differing);
    h.stop().await.expect("stop");
}

/// One VPC whose every MidoNet call fails (eucanetd once stopped all updates on one bad rule):
/// every other VPC and the core are built in full, the failures are reported, and once MidoNet
/// accepts that VPC's calls again the next apply writes only that VPC's objects.
#[actix_rt::test]
async fn a_vpc_that_midonet_keeps_refusing_does_not_stop_the_others() {
    use vpcmido::topology::Scope;
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "v48.xml", 3, 2, 8);
    let poisoned = view.vpcs[1].id.clone();
    let h = emulator(&path, 0.0).await;
    let c = client(&h.url()).await;
    let rule = serde_json::json!({"match": poisoned, "rate": 1.0, "kinds": ["internal"]});
    let r = reqwest::Client::new()
        .post(format!("{}/_sim/faults", base(&h)))
        .json(&rule)
        .send()
        .await
        .expect("fault rule");
    assert_eq!(r.status().as_u16(), 204);
    let first = apply(&view, &c, &passes(3)).await.expect("apply");
    let injected: u64 = faults(&sim_stats(&base(&h)).await).values().sum();
    eprintln!(
        "{poisoned} refused: converged {}, {} passes, created {}, {} failed steps, {injected} \
         faults injected",
        first.converged,
        first.passes,
        first.created,
        first.failed.len()
    );
    assert!(!first.converged);
    assert!(!first.failed.is_empty() && injected > 0);
    assert!(
        first.failed.iter().all(|f| f.contains(&poisoned)),
        "failures name the VPC: {:?}",
        first.failed.iter().find(|f| !f.contains(&poisoned))
    );
    // Every step still to do belongs to the refused VPC.
    let p = prepare(&view, &c, &ApplyConfig::default())
        .await
        .expect("plan");
    let others: Vec<String> = p
        .plan
        .steps
        .iter()
        .filter(|s| s.scope != Scope::Vpc(poisoned.clone()))
        .map(|s| s.to_string())
        .collect();
    assert!(others.is_empty(), "steps outside {poisoned}: {others:?}");
    assert!(p.plan.len() > 100, "{} steps left", p.plan.len());
    let left = p.plan.len();
    // MidoNet accepts the VPC again: exactly the remaining steps are written.
    reqwest::Client::new()
        .delete(format!("{}/_sim/faults", base(&h)))
        .send()
        .await
        .expect("clear faults");
    let second = apply(&view, &c, &passes(3)).await.expect("apply");
    eprintln!(
        "after the faults: converged {} in {} pass(es), {} writes for {left} remaining steps",
        second.converged,
        second.passes,
        second.writes()
    );
    assert!(second.converged);
    assert_eq!(second.writes(), left);
    h.stop().await.expect("stop");
}
