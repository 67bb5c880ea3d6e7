//! Fixtures of the end-to-end apply tests: an emulator pre-loaded with a view's hosts, a
//! client, and the view itself (loaded from examples/ or built in memory).
#![allow(dead_code)]
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;
use vpcmido::apply::{apply, prepare, ApplyConfig, Report};
use vpcmido::gni::{self, Format, Gni, Limits};
use vpcmido::midonet::client::{ClientConfig, MidonetClient, RetryPolicy};
use vpcmido::midonet::sim::{self, SimConfig, SimHandle};

pub fn example(name: &str) -> PathBuf {
    PathBuf::from(format!(
        "{}/examples/gni/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
}

pub fn load(name: &str) -> Gni {
    let bytes = std::fs::read(example(name)).expect("example view");
    gni::load(&bytes, &Limits::default()).expect("valid view")
}

pub fn client_config() -> ClientConfig {
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

/// An emulator with the hosts of `view_file` registered, and a client on it.
pub async fn cloud(view_file: &str, cfg: SimConfig) -> (SimHandle, MidonetClient) {
    let h = sim::start(SimConfig {
        hosts_from_gni: Some(example(view_file)),
        ..cfg
    })
    .await
    .expect("emulator starts");
    let c = MidonetClient::connect(&h.url(), client_config())
        .await
        .expect("client connects");
    (h, c)
}

pub async fn apply_ok(view: &Gni, c: &MidonetClient) -> Report {
    let r = apply(view, c, &ApplyConfig::default())
        .await
        .expect("apply runs");
    assert!(
        r.converged,
        "not converged: failed {:?} unresolved {:?}",
        r.failed, r.unresolved
    );
    assert!(r.failed.is_empty(), "{:?}", r.failed);
    r
}

/// Requests the emulator answered, by method.
pub fn calls(h: &SimHandle) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for r in h.sim().stats().requests {
        *m.entry(r.method.clone()).or_default() += r.count;
    }
    m
}

pub fn writes_applied(h: &SimHandle) -> u64 {
    h.sim().stats().writes_applied
}

/// `GET /_sim/state` as JSON.
pub async fn state(h: &SimHandle) -> serde_json::Value {
    let url = format!("http://{}/_sim/state", h.addr());
    reqwest::get(url)
        .await
        .expect("state")
        .json()
        .await
        .expect("state json")
}

/// Names that occur more than once in one collection of `/_sim/state`.
pub async fn duplicate_names(h: &SimHandle) -> Vec<String> {
    let state = state(h).await;
    let mut dups = Vec::new();
    for coll in [
        "routers",
        "bridges",
        "chains",
        "ip_addr_groups",
        "port_groups",
    ] {
        let mut seen = std::collections::HashMap::new();
        for o in state[coll].as_array().into_iter().flatten() {
            if let Some(n) = o["name"].as_str() {
                *seen.entry(n.to_string()).or_insert(0) += 1;
            }
        }
        dups.extend(
            seen.into_iter()
                .filter(|(_, c)| *c > 1)
                .map(|(n, _)| format!("{coll}/{n}")),
        );
    }
    dups
}

/// Writes a changed view out and reads it back, so every scenario view passed validation.
pub fn revalidate(v: &Gni) -> Gni {
    let xml = gni::write_xml(v, Format::V4);
    gni::load(xml.as_bytes(), &Limits::default())
        .unwrap_or_else(|e| panic!("changed view invalid: {e:?}"))
}

/// Plans `v` and returns its writes as "action kind" → count; then applies it and checks that
/// the emulator applied exactly that many writes, that a replan is empty and that no name is
/// duplicated.
pub async fn converge(h: &SimHandle, c: &MidonetClient, v: &Gni) -> BTreeMap<String, usize> {
    let p = prepare(v, c, &ApplyConfig::default()).await.expect("plan");
    let mut counts = BTreeMap::new();
    for s in &p.plan.steps {
        *counts
            .entry(format!("{} {}", s.op.action().as_str(), s.op.kind()))
            .or_default() += 1;
    }
    let before = writes_applied(h);
    let r = apply_ok(v, c).await;
    assert_eq!(r.writes(), p.plan.len());
    assert_eq!(
        writes_applied(h) - before,
        p.plan.len() as u64,
        "emulator-applied writes"
    );
    let again = prepare(v, c, &ApplyConfig::default())
        .await
        .expect("replan");
    assert!(
        again.plan.is_empty(),
        "{:?}",
        again
            .plan
            .steps
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
    assert!(duplicate_names(h).await.is_empty());
    counts
}

/// Expected counts, as `converge` returns them.
pub fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// An emulator with full.xml applied.
pub async fn applied_full() -> (SimHandle, MidonetClient, Gni) {
    let view = load("full.xml");
    let (h, c) = cloud("full.xml", SimConfig::default()).await;
    apply_ok(&view, &c).await;
    (h, c, view)
}
