//! The daemon on a large generated view (default 4,000 ENIs), in process, on the emulator with
//! a write latency of 0 and 1 ms. Prints, per latency: start-up on an already built cloud, a
//! no-change cycle (new version, same content), adding one ENI (calls beyond its own writes,
//! latency to the applied-version file), and a one-VPC resync against a full resync. Not a
//! test; figures go to BENCHMARKS.md ("Daemon").
//!
//! The cloud is built once with `apply` at latency 0 and saved as an emulator state file, which
//! each run loads, so the run time stays bounded (a cold build at 1 ms is minutes).
//!
//! Env: `BENCH_VPCS` (20), `BENCH_SUBNETS` (4), `BENCH_ENIS` (per subnet, 50),
//! `BENCH_LATENCIES_MS` (`0,1`).
use actix::Addr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use vpcmido::actors::status::DaemonStatus;
use vpcmido::actors::{
    self, Director, DirectorConfig, GetStatus, ResyncAll, ResyncVpc, ScopeConfig,
};
use vpcmido::apply::{apply, ApplyConfig};
use vpcmido::gni::gen::{generate, GenParams};
use vpcmido::gni::{self, write_xml, Format, Gni, Limits};
use vpcmido::midonet::client::{ClientConfig, MidonetClient};
use vpcmido::midonet::sim::{self, SimConfig};

fn env(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn write_view(path: &Path, v: &Gni, version: &str) {
    let mut v = v.clone();
    v.version = version.into();
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, write_xml(&v, Format::V4)).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

/// The view without one single-ENI instance of the first VPC (that the view stays valid
/// without), and that instance's id.
fn without_one_eni(full: &Gni) -> (Gni, String) {
    let vpc = full.vpcs[0].id.clone();
    for cand in full
        .instances
        .iter()
        .rev()
        .filter(|i| i.vpc == vpc && i.network_interfaces.len() == 1)
    {
        let mut v = full.clone();
        v.instances.retain(|i| i.id != cand.id);
        for c in &mut v.config.clusters {
            for n in &mut c.nodes {
                n.instance_ids.retain(|x| *x != cand.id);
            }
        }
        let xml = write_xml(&v, Format::V4);
        if let Ok(ok) = gni::load(xml.as_bytes(), &Limits::default()) {
            return (ok, cand.id.clone());
        }
    }
    panic!("no removable instance");
}

async fn status(d: &Addr<Director>) -> DaemonStatus {
    d.send(GetStatus).await.expect("director")
}

async fn wait_file(path: &Path, want: &str, timeout: Duration) -> Duration {
    let t0 = Instant::now();
    loop {
        if std::fs::read_to_string(path).unwrap_or_default() == want {
            return t0.elapsed();
        }
        assert!(t0.elapsed() < timeout, "timed out waiting for {want}");
        tokio::time::sleep(Duration::from_micros(500)).await;
    }
}

fn calls(h: &sim::SimHandle) -> (u64, u64) {
    let st = h.sim().stats();
    let r = st
        .requests
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.count)
        .sum();
    let w = st
        .requests
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| r.count)
        .sum();
    (r, w)
}

fn reset(h: &sim::SimHandle) {
    *sim::lock(&h.sim().stats) = Default::default();
}

async fn wait_passes(d: &Addr<Director>, cond: impl Fn(&DaemonStatus) -> bool) -> Duration {
    let t0 = Instant::now();
    loop {
        let s = status(d).await;
        if cond(&s) {
            return t0.elapsed();
        }
        assert!(t0.elapsed() < Duration::from_secs(300), "resync timed out");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

async fn run(dir: &Path, built: &Path, before: &Gni, after: &Gni, latency_ms: u64) {
    let state = dir.join(format!("state-{latency_ms}.json"));
    std::fs::copy(built, &state).expect("state copy");
    let gni = dir.join(format!("gni-{latency_ms}.xml"));
    let applied = dir.join(format!("gni-{latency_ms}.version"));
    write_view(&gni, before, "00000001");
    let h = sim::start(SimConfig {
        write_latency: Duration::from_millis(latency_ms),
        state_file: Some(state),
        hosts_from_gni: Some(gni.clone()),
        ..SimConfig::default()
    })
    .await
    .expect("emulator");
    let client = MidonetClient::connect(&h.url(), ClientConfig::default())
        .await
        .expect("client");
    reset(&h);
    let t0 = Instant::now();
    let d = actors::start(
        DirectorConfig {
            applied_version_file: Some(applied.clone()),
            scope: ScopeConfig {
                audit_interval: None,
                ..ScopeConfig::default()
            },
            ..DirectorConfig::new(gni.clone())
        },
        client,
    );
    wait_file(&applied, "00000001", Duration::from_secs(300)).await;
    let startup = t0.elapsed();
    let (sr, sw) = calls(&h);
    println!("| {latency_ms} ms | start-up on the built cloud (one full discovery) | {sr} | {sw} | {:.1} ms |", startup.as_secs_f64() * 1e3);

    reset(&h);
    write_view(&gni, before, "00000002");
    let nc = wait_file(&applied, "00000002", Duration::from_secs(60)).await;
    let (r, w) = calls(&h);
    println!("| {latency_ms} ms | no-change cycle (new version, same content), file write → applied file | {r} | {w} | {:.1} ms |", nc.as_secs_f64() * 1e3);

    reset(&h);
    write_view(&gni, after, "00000003");
    let add = wait_file(&applied, "00000003", Duration::from_secs(60)).await;
    let (r, w) = calls(&h);
    println!(
        "| {latency_ms} ms | add one ENI, file write → applied file | {r} | {w} | {:.1} ms |",
        add.as_secs_f64() * 1e3
    );

    let vpc = after.vpcs[0].id.clone();
    let s = status(&d).await;
    let p0 = s
        .vpcs
        .iter()
        .find(|x| x.scope == vpc)
        .map_or(0, |x| x.passes);
    reset(&h);
    d.send(ResyncVpc(vpc.clone())).await.expect("resync");
    let one = wait_passes(&d, |s| {
        s.vpcs
            .iter()
            .any(|x| x.scope == vpc && x.passes == p0 + 1 && x.state == "converged")
    })
    .await;
    let (r, w) = calls(&h);
    println!(
        "| {latency_ms} ms | resync one VPC ({} objects) | {r} | {w} | {:.1} ms |",
        s.vpcs
            .iter()
            .find(|x| x.scope == vpc)
            .map_or(0, |x| x.objects),
        one.as_secs_f64() * 1e3
    );

    let s = status(&d).await;
    let before_passes: Vec<(String, u64)> = s
        .core
        .iter()
        .chain(&s.vpcs)
        .map(|x| (x.scope.clone(), x.passes))
        .collect();
    reset(&h);
    d.send(ResyncAll).await.expect("resync all");
    let all = wait_passes(&d, |s| {
        s.core.iter().chain(&s.vpcs).all(|x| {
            before_passes
                .iter()
                .any(|(sc, p)| *sc == x.scope && x.passes == p + 1)
                && x.state == "converged"
        })
    })
    .await;
    let (r, w) = calls(&h);
    println!(
        "| {latency_ms} ms | resync everything (core + {} VPCs) | {r} | {w} | {:.1} ms |",
        s.vpcs.len(),
        all.as_secs_f64() * 1e3
    );
    let _ = h.stop().await;
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` (CI) runs bench binaries
    // without it, and this one takes minutes: there, only a small smoke run.
    let smoke = !std::env::args().any(|a| a == "--bench");
    if std::env::var("RUST_LOG").is_ok() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let p = GenParams {
        vpcs: env("BENCH_VPCS", if smoke { 2 } else { 20 }),
        subnets_per_vpc: env("BENCH_SUBNETS", if smoke { 1 } else { 4 }),
        enis_per_subnet: env("BENCH_ENIS", if smoke { 4 } else { 50 }),
        ..GenParams::default()
    };
    let latencies: Vec<u64> = std::env::var("BENCH_LATENCIES_MS")
        .unwrap_or_else(|_| if smoke { "0" } else { "0,1" }.into())
        .split(',')
        .filter_map(|x| x.trim().parse().ok())
        .collect();
    let after = generate(&p).expect("view");
    let (before, removed) = without_one_eni(&after);
    let enis: usize = after
        .instances
        .iter()
        .map(|i| i.network_interfaces.len())
        .sum();
    let dir = tempfile::tempdir().expect("tempdir");
    let built: PathBuf = dir.path().join("built.json");
    let sys = actix_rt::System::new();
    sys.block_on(async {
        let gni = dir.path().join("before.xml");
        write_view(&gni, &before, "00000001");
        let t0 = Instant::now();
        let h = sim::start(SimConfig {
            state_file: Some(built.clone()),
            hosts_from_gni: Some(gni),
            ..SimConfig::default()
        })
        .await
        .expect("emulator");
        let c = MidonetClient::connect(&h.url(), ClientConfig::default()).await.expect("client");
        let r = apply(&before, &c, &ApplyConfig::default()).await.expect("apply");
        assert!(r.converged);
        h.stop().await.expect("save state");
        println!(
            "view: {} VPCs, {enis} ENIs ({} before adding {removed}); cloud built by `apply` at 0 ms: {} writes in {:.1} s\n",
            after.vpcs.len(),
            enis - 1,
            r.writes(),
            t0.elapsed().as_secs_f64()
        );
        println!("| write latency | step | GETs | writes | time |\n|---|---|---:|---:|---:|");
        for l in &latencies {
            run(dir.path(), &built, &before, &after, *l).await;
        }
    });
}
