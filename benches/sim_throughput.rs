//! Emulator benchmark (not a timed test): requests/s at zero latency for GET, POST and mixed
//! workloads with concurrent clients; accuracy of `--write-latency-ms` (N serialized writes
//! should take N × latency); and lookup cost with 100k stored objects.
//! Run: `cargo bench --bench sim_throughput` (figures go to BENCHMARKS.md).
use futures::future::join_all;
use std::time::{Duration, Instant};
use uuid::Uuid;
use vpcmido::midonet::media::*;
use vpcmido::midonet::sim::{self, SimConfig};

const CONC: usize = 32;

async fn post(c: &reqwest::Client, url: &str, ct: &str, body: String) -> Option<String> {
    let r = c
        .post(url)
        .header("Content-Type", ct)
        .body(body)
        .send()
        .await
        .ok()?;
    let loc = r.headers().get("location")?.to_str().ok()?.to_string();
    Some(loc.rsplit('/').next()?.to_string())
}

async fn get(c: &reqwest::Client, url: &str, accept: &str) -> bool {
    match c.get(url).header("Accept", accept).send().await {
        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
        Err(_) => false,
    }
}

/// Runs `CONC` client loops for `dur`; each loop iteration is one request chosen by `op`.
async fn load<F, Fut>(name: &str, dur: Duration, op: F)
where
    F: Fn(usize, usize) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    let workers = (0..CONC).map(|w| {
        let op = &op;
        async move {
            let (mut n, mut i) = (0usize, 0usize);
            while start.elapsed() < dur {
                if op(w, i).await {
                    n += 1;
                }
                i += 1;
            }
            n
        }
    });
    let done: usize = join_all(workers).await.into_iter().sum();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name:<44} {done:>8} req in {secs:.2}s = {:>8.0} req/s",
        done as f64 / secs
    );
}

async fn throughput() {
    let h = sim::start(SimConfig::default()).await.expect("start");
    let base = h.url();
    let c = reqwest::Client::builder()
        .pool_max_idle_per_host(CONC)
        .build()
        .expect("client");
    let mut routers = vec![];
    let mut ports = vec![];
    for i in 0..100 {
        let r = post(
            &c,
            &format!("{base}/routers"),
            ROUTER,
            format!(r#"{{"name":"r{i}"}}"#),
        )
        .await
        .expect("router");
        for j in 0..4 {
            let body = format!(
                r#"{{"type":"Router","portAddress":"10.{i}.{j}.1","networkAddress":"10.{i}.{j}.0","networkLength":24}}"#
            );
            ports.push(
                post(&c, &format!("{base}/routers/{r}/ports"), PORT, body)
                    .await
                    .expect("port"),
            );
        }
        routers.push(r);
    }
    let chain = post(
        &c,
        &format!("{base}/chains"),
        CHAIN,
        r#"{"name":"bench"}"#.into(),
    )
    .await
    .expect("chain");
    let dur = Duration::from_secs(3);
    let (c, base, routers, ports, chain) = (&c, &base, &routers, &ports, &chain);
    load(
        "GET mix (router, router ports, port, routes)",
        dur,
        |w, i| async move {
            let r = &routers[(w * 7 + i) % routers.len()];
            match i % 4 {
                0 => get(c, &format!("{base}/routers/{r}"), ROUTER).await,
                1 => get(c, &format!("{base}/routers/{r}/ports"), COLL_PORT).await,
                2 => {
                    get(
                        c,
                        &format!("{base}/ports/{}", ports[(w + i) % ports.len()]),
                        PORT,
                    )
                    .await
                }
                _ => get(c, &format!("{base}/routers/{r}/routes"), COLL_ROUTE).await,
            }
        },
    )
    .await;
    load("POST mix (bridge, rule with eucanetd strings)", dur, |w, i| async move {
        if i % 2 == 0 {
            post(c, &format!("{base}/bridges"), BRIDGE, format!(r#"{{"name":"b{w}-{i}","tenantId":"t"}}"#)).await.is_some()
        } else {
            let body = r#"{"tenantId":"t","type":"accept","nwProto":"6","tpDst":{"start":"22","end":"22"}}"#.to_string();
            post(c, &format!("{base}/chains/{chain}/rules"), RULE, body).await.is_some()
        }
    })
    .await;
    load(
        "eucanetd-like mix (3 GET : 1 POST)",
        dur,
        |w, i| async move {
            let r = &routers[(w + i) % routers.len()];
            match i % 4 {
                0 => post(
                    c,
                    &format!("{base}/bridges"),
                    BRIDGE,
                    format!(r#"{{"name":"m{w}-{i}"}}"#),
                )
                .await
                .is_some(),
                1 => get(c, &format!("{base}/system_state"), SYSTEM_STATE).await,
                2 => get(c, &format!("{base}/routers/{r}"), ROUTER).await,
                _ => get(c, &format!("{base}/routers/{r}/ports"), COLL_PORT).await,
            }
        },
    )
    .await;
    let _ = h.stop().await;
}

/// N writes with `--write-latency-ms`: `concurrent` fires them all at once (they queue on the
/// lock), otherwise one client sends them back to back (eucanetd's pattern). Connections are
/// opened before timing.
async fn latency_accuracy(ms: u64, n: usize, concurrent: bool) {
    let cfg = SimConfig {
        write_latency: Duration::from_millis(ms),
        ..SimConfig::default()
    };
    let h = sim::start(cfg).await.expect("start");
    let base = h.url();
    let c = reqwest::Client::builder()
        .pool_max_idle_per_host(n)
        .build()
        .expect("client");
    let warm = if concurrent { n } else { 1 };
    let probe = format!("{base}/system_state");
    join_all((0..warm).map(|_| get(&c, &probe, SYSTEM_STATE))).await;
    let url = format!("{base}/routers");
    let start = Instant::now();
    let ok = if concurrent {
        let writes = (0..n).map(|i| post(&c, &url, ROUTER, format!(r#"{{"name":"l{i}"}}"#)));
        join_all(writes)
            .await
            .into_iter()
            .filter(Option::is_some)
            .count()
    } else {
        let mut ok = 0;
        for i in 0..n {
            ok += usize::from(
                post(&c, &url, ROUTER, format!(r#"{{"name":"l{i}"}}"#))
                    .await
                    .is_some(),
            );
        }
        ok
    };
    let took = start.elapsed().as_secs_f64();
    let ideal = n as f64 * ms as f64 / 1000.0;
    let mode = if concurrent {
        "concurrent"
    } else {
        "sequential"
    };
    println!(
        "write latency {ms:>3} ms x {n:>3} {mode} writes ({ok} ok): {took:.3}s vs ideal {ideal:.3}s ({:+.2}%), lock held {:.3}s",
        (took - ideal) / ideal * 100.0,
        h.sim().stats().write_lock_held_seconds
    );
    let _ = h.stop().await;
}

async fn scale(n: usize) {
    let h = sim::start(SimConfig::default()).await.expect("start");
    let base = h.url();
    let c = reqwest::Client::new();
    let r = post(
        &c,
        &format!("{base}/routers"),
        ROUTER,
        r#"{"name":"big"}"#.into(),
    )
    .await
    .expect("router");
    // Fill the store directly (the API path is measured above); same shapes as API objects.
    {
        let ids: Vec<Uuid> = (0..n).map(|_| Uuid::new_v4()).collect();
        let template = h
            .sim()
            .read()
            .routers
            .values()
            .next()
            .cloned()
            .expect("router rec");
        let mut s = h.sim().write();
        for id in ids {
            let mut rec = template.clone();
            rec.dto.id = Some(id);
            s.routers.insert(id, rec);
        }
    }
    let t = Instant::now();
    for _ in 0..200 {
        get(&c, &format!("{base}/routers/{r}"), ROUTER).await;
        get(&c, &format!("{base}/routers/{r}/ports"), COLL_PORT).await;
    }
    println!(
        "with {n} routers stored: GET by id + child list: {:.3} ms per pair",
        t.elapsed().as_secs_f64() * 1000.0 / 200.0
    );
    let t = Instant::now();
    let ok = get(&c, &format!("{base}/routers"), COLL_ROUTER).await;
    println!(
        "with {n} routers stored: GET /routers (all {n}, ok={ok}): {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let _ = h.stop().await;
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too (without `--bench`): skip the long
    // measurement there; `cargo bench` passes `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("sim_throughput: run with `cargo bench --bench sim_throughput`");
        return;
    }
    actix_rt::System::new().block_on(async {
        throughput().await;
        for concurrent in [true, false] {
            latency_accuracy(5, 200, concurrent).await;
            latency_accuracy(20, 100, concurrent).await;
            latency_accuracy(50, 40, concurrent).await;
        }
        scale(100_000).await;
    });
}
