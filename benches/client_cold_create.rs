//! Cold creation of a mixed topology through the MidoNet client against the emulator with a
//! per-write lock latency (MidoNet serializes writes under one lock, spec `midonet-api.md` §8).
//!
//! Prints, per run: writes, HTTP calls, calls per write (issue 4 target ≤ 1.05; here ≤ 1.01),
//! and wall time / (writes × write latency) (target ≤ 1.1: the lock is kept busy). Not a test:
//! figures go to BENCHMARKS.md.
//!
//! Workload: `VPCS` independent VPC builds run concurrently (32 at a time); each is sequential
//! (a router, a bridge, a chain, an IP address group, then 16 × {router port, bridge port, link,
//! route, rule at an explicit position, IP-group address}) = 100 writes per VPC.
//!
//! Env: `BENCH_VPCS` (default 100 → 10,000 writes), `BENCH_LATENCY_MS` (default 1),
//! `BENCH_IN_FLIGHT` (comma list of in-flight caps, default `4`).
use futures::stream::{self, StreamExt};
use serde_json::json;
use std::time::{Duration, Instant};
use uuid::Uuid;
use vpcmido::midonet::client::{ClientConfig, GateConfig, MidonetClient, Result};
use vpcmido::midonet::dto::{Bridge, Chain, IpAddrGroup, Port, Route, Router, Rule};
use vpcmido::midonet::sim::{self, SimConfig};
use vpcmido::midonet::snapshot::DiscoverFilter;

const PORTS_PER_VPC: usize = 16;

fn dto<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("valid DTO json")
}

async fn build_vpc(c: &MidonetClient, v: usize) -> Result<u64> {
    let (rid, bid, cid, gid) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    let t = "euca_tenant_1";
    c.create_router(&dto::<Router>(
        json!({"id": rid, "name": format!("vr_vpc-{v:08x}_1"), "tenantId": t}),
    ))
    .await?;
    c.create_bridge(&dto::<Bridge>(
        json!({"id": bid, "name": format!("vb_vpc-{v:08x}_s"), "tenantId": t}),
    ))
    .await?;
    c.create_chain(&dto::<Chain>(
        json!({"id": cid, "name": format!("vc_vpc-{v:08x}_prechain"), "tenantId": t}),
    ))
    .await?;
    c.create_ip_addr_group(&dto::<IpAddrGroup>(
        json!({"id": gid, "name": format!("sg_all_{v:08x}")}),
    ))
    .await?;
    let (a, b) = (v / 250, v % 250);
    for i in 0..PORTS_PER_VPC {
        let (rp, bp) = (Uuid::new_v4(), Uuid::new_v4());
        let net = format!("10.{a}.{b}.{}", i * 16);
        let port: Port = dto(
            json!({"id": rp, "type": "Router", "networkAddress": net, "networkLength": 28,
            "portAddress": format!("10.{a}.{b}.{}", i * 16 + 1), "portMac": format!("ac:ca:ba:{a:02x}:{b:02x}:{i:02x}")}),
        );
        c.create_port(rid, &port).await?;
        c.create_port(bid, &dto::<Port>(json!({"id": bp, "type": "Bridge"})))
            .await?;
        c.link_ports(rp, bp).await?;
        let route: Route = dto(
            json!({"id": Uuid::new_v4(), "type": "Normal", "srcNetworkAddr": "0.0.0.0",
            "dstNetworkAddr": net, "dstNetworkLength": 28, "nextHopPort": rp, "weight": 100}),
        );
        c.create_route(rid, &route).await?;
        let rule: Rule = dto(
            json!({"id": Uuid::new_v4(), "type": "accept", "position": i + 1,
            "nwProto": 6, "tpDst": {"start": 1000 + i, "end": 1000 + i}}),
        );
        c.create_rule(cid, &rule).await?;
        c.add_ip_addr(gid, &format!("10.{a}.{b}.{}", i * 16 + 5))
            .await?;
    }
    Ok(4 + 6 * PORTS_PER_VPC as u64)
}

struct Row {
    in_flight: usize,
    writes: u64,
    calls: u64,
    calls_per_write: f64,
    wall: Duration,
    lock_held: f64,
    ratio: f64,
}

async fn run(vpcs: usize, latency: Duration, in_flight: usize) -> Row {
    let h = sim::start(SimConfig {
        write_latency: latency,
        workers: 2,
        ..SimConfig::default()
    })
    .await
    .expect("emulator starts");
    let cfg = ClientConfig {
        gate: GateConfig {
            max_writes_in_flight: in_flight,
            ..GateConfig::default()
        },
        ..ClientConfig::default()
    };
    let c = MidonetClient::connect(&h.url(), cfg)
        .await
        .expect("client connects");
    // A cold build starts from a discovery of the (empty) cloud.
    c.discover(&DiscoverFilter::default())
        .await
        .expect("discover");
    let before = c.stats();
    let start = Instant::now();
    let results: Vec<Result<u64>> = stream::iter(0..vpcs)
        .map(|v| {
            let c = c.clone();
            async move { build_vpc(&c, v).await }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let wall = start.elapsed();
    let mut expected = 0;
    for r in results {
        expected += r.expect("every create succeeds");
    }
    let d = c.stats().since(&before);
    assert_eq!(d.writes, expected);
    let doc = h.sim().stats();
    h.stop().await.expect("emulator stops");
    Row {
        in_flight,
        writes: d.writes,
        calls: d.calls(),
        calls_per_write: d.calls() as f64 / d.writes as f64,
        wall,
        lock_held: doc.write_lock_held_seconds,
        ratio: wall.as_secs_f64() / (d.writes as f64 * latency.as_secs_f64()),
    }
}

fn env<T: std::str::FromStr>(k: &str, d: T) -> T {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn main() {
    // `cargo test --all-targets` (CI) runs bench binaries without `--bench`: a small smoke run
    // there (2 VPCs, no latency) keeps the harness working without spending CI minutes.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let vpcs: usize = if smoke { 2 } else { env("BENCH_VPCS", 100) };
    let latency = Duration::from_millis(if smoke { 0 } else { env("BENCH_LATENCY_MS", 1) });
    let caps: Vec<usize> = std::env::var("BENCH_IN_FLIGHT")
        .unwrap_or_else(|_| "4".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let sys = actix_rt::System::new();
    println!("client_cold_create: {vpcs} VPCs x 100 writes, write latency {latency:?}");
    println!(
        "{:>9} {:>7} {:>7} {:>11} {:>9} {:>10} {:>16} {:>15}",
        "in-flight",
        "writes",
        "calls",
        "calls/write",
        "wall s",
        "lock s",
        "wall/(w x lat)",
        "wall/lock held"
    );
    for cap in caps {
        let r = sys.block_on(run(vpcs, latency, cap));
        println!(
            "{:>9} {:>7} {:>7} {:>11.3} {:>9.2} {:>10.2} {:>16.3} {:>15.3}",
            r.in_flight,
            r.writes,
            r.calls,
            r.calls_per_write,
            r.wall.as_secs_f64(),
            r.lock_held,
            r.ratio,
            r.wall.as_secs_f64() / r.lock_held
        );
    }
}
