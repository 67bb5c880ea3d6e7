//! The scale benchmark (issue 9): vpcmido on large generated views against the in-process
//! MidoNet emulator, compared with the floor (writes × time per write: MidoNet serializes
//! writes under one lock, spec `midonet-api.md` §8) and with an estimate of eucanetd's call
//! pattern (spec `vpc-to-midonet.md` §14.3, §15.2). Scenarios: `benches/scale_support/mod.rs`.
//!
//! ```text
//! cargo bench --bench scale
//! ```
//!
//! Each (size, write latency) runs in a child process (this binary re-executed with
//! `VPCMIDO_BENCH_CHILD=enis,latency_ms`), so its peak RSS (VmHWM) is its own. Prints three
//! tables and writes `bench-results/scale.json` (every field of every run) and
//! `bench-results/scale.csv` (the table's columns). Not a test: nothing is asserted about time.
//!
//! Env:
//! * `VPCMIDO_BENCH_SIZES` — ENI counts (default `100,1000,4000`; 10 ENIs per VPC);
//! * `VPCMIDO_BENCH_LARGE=1` — adds 20,000 ENIs / 2,000 VPCs (about 35 min at 1 ms);
//! * `VPCMIDO_BENCH_LATENCIES_MS` — emulator write latencies (default `1,5`);
//! * `VPCMIDO_BENCH_REPEAT` — runs per (size, latency), the median cold build is reported
//!   (default 1);
//! * `VPCMIDO_BENCH_QUICK=1` — 100 ENIs at latency 0 only (seconds; what CI runs, see also
//!   `tests/bench_smoke.rs`);
//! * `VPCMIDO_BENCH_OUT` — output directory (default `bench-results`).
//!
//! Time: about 2.2 ms × writes at 1 ms and 5.1 ms × writes at 5 ms (the emulator's lock hold),
//! about 4,600 writes per 100 ENIs: the default run takes about 30 minutes.
mod scale_support;

use scale_support::{derive, run_size, SizeResult};
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

fn env_list<T: std::str::FromStr>(k: &str, d: &str) -> Vec<T> {
    std::env::var(k)
        .unwrap_or_else(|_| d.to_string())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn child(spec: &str) {
    let mut it = spec.split(',');
    let enis: usize = it
        .next()
        .and_then(|s| s.parse().ok())
        .expect("VPCMIDO_BENCH_CHILD=enis,latency_ms");
    let lat: f64 = it
        .next()
        .and_then(|s| s.parse().ok())
        .expect("VPCMIDO_BENCH_CHILD=enis,latency_ms");
    let sys = actix_rt::System::new();
    let r = sys.block_on(run_size(enis, Duration::from_secs_f64(lat / 1e3)));
    println!(
        "SCALE_RESULT {}",
        serde_json::to_string(&r).expect("result serializes")
    );
}

fn run_child(enis: usize, lat: f64) -> SizeResult {
    let exe = std::env::current_exe().expect("own executable path");
    let out = Command::new(exe)
        .env("VPCMIDO_BENCH_CHILD", format!("{enis},{lat}"))
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("child runs");
    assert!(
        out.status.success(),
        "child {enis} ENIs {lat} ms failed: {}",
        out.status
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("SCALE_RESULT "))
        .expect("child prints its result");
    serde_json::from_str(line).expect("child result parses")
}

fn print_tables(rows: &[SizeResult]) {
    println!("\nCold build (apply of the whole view on an empty MidoNet)");
    println!(
        "{:>6} {:>5} {:>5} {:>7} {:>7} {:>6} {:>8} {:>8} {:>9} {:>8} {:>8} {:>8} {:>8}",
        "ENIs",
        "VPCs",
        "t_w",
        "W",
        "C",
        "C/W",
        "T s",
        "W×t_w s",
        "T/(W×t_w)",
        "lock s",
        "lock/W",
        "T/lock",
        "RSS MB"
    );
    for r in rows {
        let d = derive(r);
        println!(
            "{:>6} {:>5} {:>5} {:>7} {:>7} {:>6.3} {:>8.2} {:>8.2} {:>9.3} {:>8.2} {:>6.2}ms {:>8.3} {:>8.1}",
            r.enis,
            r.vpcs,
            r.write_latency_ms,
            r.cold_writes,
            r.cold_calls,
            d.calls_per_write,
            r.cold_seconds,
            d.floor_seconds,
            d.t_over_floor,
            r.lock_held_seconds,
            d.lock_per_write_ms,
            d.t_over_lock,
            r.peak_rss_mb
        );
    }
    println!("\nSteady state (library equivalents of the daemon's cycles)");
    println!(
        "{:>6} {:>5} | {:>7} {:>9} {:>8} {:>8} | {:>6} {:>8} {:>6} {:>8} {:>9} | {:>6} {:>8} | {:>6} {:>8} {:>6} | {:>6} {:>8}",
        "ENIs",
        "t_w",
        "nochg C",
        "nochg ms",
        "cpu ms",
        "1vpc ms",
        "eni W",
        "eni C",
        "extra",
        "eni ms",
        "target ms",
        "full C",
        "full ms",
        "vpc C",
        "vpc ms",
        "steps",
        "plan ms",
        "RSS plan"
    );
    for r in rows {
        println!(
            "{:>6} {:>5} | {:>7} {:>9.1} {:>8.1} {:>8.3} | {:>6} {:>8} {:>6} {:>8.1} {:>9.1} | {:>6} {:>8.1} | {:>6} {:>8.1} {:>6} | {:>6.0} {:>8.1}",
            r.enis,
            r.write_latency_ms,
            r.nochange_calls,
            r.nochange_seconds * 1e3,
            r.nochange_cpu_seconds * 1e3,
            r.nochange_vpc_seconds * 1e3,
            r.eni_writes,
            r.eni.calls,
            r.eni_extra_calls,
            r.eni.seconds * 1e3,
            r.eni_writes as f64 * r.write_latency_ms + 250.0,
            r.full_resync.calls,
            r.full_resync.seconds * 1e3,
            r.vpc_resync.calls,
            r.vpc_resync.seconds * 1e3,
            r.vpc_resync_plan_steps,
            r.plan_cold_seconds * 1e3,
            r.plan_only_rss_mb
        );
    }
    println!("\nOne ENI added through apply() (full discovery), one VPC failing");
    println!(
        "{:>6} {:>5} | {:>7} {:>7} {:>8} | {:>6} {:>6} {:>6} {:>9} {:>8} | {:>7} {:>7} | {:>7} {:>6} {:>6} {:>9}",
        "ENIs",
        "t_w",
        "apply C",
        "GETs",
        "ms",
        "fail C",
        "faults",
        "steps",
        "elsewhere",
        "fail s",
        "other W",
        "other C",
        "apply C",
        "GETs",
        "passes",
        "elsewhere"
    );
    for r in rows {
        println!(
            "{:>6} {:>5} | {:>7} {:>7} {:>8.1} | {:>6} {:>6} {:>6} {:>9} {:>8.2} | {:>7} {:>7} | {:>7} {:>6} {:>6} {:>9}",
            r.enis,
            r.write_latency_ms,
            r.eni_apply.calls,
            r.eni_apply.gets,
            r.eni_apply.seconds * 1e3,
            r.fail_vpc_calls,
            r.fail_vpc_faults,
            r.fail_vpc_steps,
            r.fail_vpc_steps_elsewhere,
            r.fail_vpc_seconds,
            r.fail_other.writes,
            r.fail_other.calls,
            r.fail_apply.calls,
            r.fail_apply.gets,
            r.fail_apply_passes,
            r.fail_apply_elsewhere
        );
    }
    println!("\neucanetd-pattern estimate of the same cold build (spec §14.3, §15.2)");
    println!(
        "{:>6} {:>5} | {:>8} {:>8} {:>7} | {:>9} {:>9} {:>7} | {:>8} {:>8} {:>9}",
        "ENIs",
        "t_w",
        "vpcmido C",
        "euca C",
        "ratio",
        "vpcmido s",
        "euca s",
        "ratio",
        "t_get ms",
        "t_wr ms",
        "reload C"
    );
    for r in rows {
        let d = derive(r);
        println!(
            "{:>6} {:>5} | {:>9} {:>8} {:>7.2} | {:>9.2} {:>9.2} {:>7.2} | {:>8.3} {:>8.3} {:>9}",
            r.enis,
            r.write_latency_ms,
            r.cold_calls,
            d.euca_calls,
            d.euca_calls as f64 / r.cold_calls.max(1) as f64,
            r.cold_seconds,
            d.euca_seconds,
            d.euca_seconds / r.cold_seconds.max(1e-9),
            r.t_get_ms,
            r.t_write_seq_ms,
            r.euca_reload_gets
        );
    }
}

fn write_outputs(dir: &PathBuf, rows: &[SizeResult], all: &[SizeResult]) {
    std::fs::create_dir_all(dir).expect("create the output directory");
    let json = serde_json::json!({"median_runs": rows, "all_runs": all});
    std::fs::write(
        dir.join("scale.json"),
        serde_json::to_string_pretty(&json).expect("json"),
    )
    .expect("write scale.json");
    let mut f = std::fs::File::create(dir.join("scale.csv")).expect("create scale.csv");
    writeln!(
        f,
        "enis,vpcs,write_latency_ms,writes,calls,calls_per_write,wall_s,floor_s,t_over_floor,lock_held_s,t_over_lock,peak_rss_mb,nochange_calls,nochange_ms,nochange_cpu_ms,nochange_vpc_ms,eni_writes,eni_calls,eni_extra_calls,eni_ms,full_resync_calls,full_resync_ms,vpc_resync_calls,vpc_resync_ms,fail_vpc_calls,fail_vpc_steps_elsewhere,fail_apply_calls,fail_apply_elsewhere,euca_calls,euca_s"
    )
    .expect("csv");
    for r in rows {
        let d = derive(r);
        writeln!(
            f,
            "{},{},{},{},{},{:.4},{:.3},{:.3},{:.4},{:.3},{:.4},{:.1},{},{:.3},{:.3},{:.4},{},{},{},{:.3},{},{:.3},{},{:.3},{},{},{},{},{},{:.3}",
            r.enis,
            r.vpcs,
            r.write_latency_ms,
            r.cold_writes,
            r.cold_calls,
            d.calls_per_write,
            r.cold_seconds,
            d.floor_seconds,
            d.t_over_floor,
            r.lock_held_seconds,
            d.t_over_lock,
            r.peak_rss_mb,
            r.nochange_calls,
            r.nochange_seconds * 1e3,
            r.nochange_cpu_seconds * 1e3,
            r.nochange_vpc_seconds * 1e3,
            r.eni_writes,
            r.eni.calls,
            r.eni_extra_calls,
            r.eni.seconds * 1e3,
            r.full_resync.calls,
            r.full_resync.seconds * 1e3,
            r.vpc_resync.calls,
            r.vpc_resync.seconds * 1e3,
            r.fail_vpc_calls,
            r.fail_vpc_steps_elsewhere,
            r.fail_apply.calls,
            r.fail_apply_elsewhere,
            d.euca_calls,
            d.euca_seconds
        )
        .expect("csv");
    }
}

fn main() {
    if let Ok(spec) = std::env::var("VPCMIDO_BENCH_CHILD") {
        child(&spec);
        return;
    }
    // `cargo test --all-targets` runs this binary too, without `--bench`: the real run takes
    // many minutes, and tests/bench_smoke.rs already exercises the harness at 100 ENIs.
    if !std::env::args().any(|a| a == "--bench") && std::env::var("VPCMIDO_BENCH_QUICK").is_err() {
        println!("scale: skipped outside `cargo bench --bench scale` (see BENCHMARKS.md)");
        return;
    }
    let quick = std::env::var("VPCMIDO_BENCH_QUICK").is_ok_and(|v| v == "1");
    let (mut sizes, lats): (Vec<usize>, Vec<f64>) = if quick {
        (vec![100], vec![0.0])
    } else {
        (
            env_list("VPCMIDO_BENCH_SIZES", "100,1000,4000"),
            env_list("VPCMIDO_BENCH_LATENCIES_MS", "1,5"),
        )
    };
    if !quick && std::env::var("VPCMIDO_BENCH_LARGE").is_ok_and(|v| v == "1") {
        sizes.push(20_000);
    }
    let repeat: usize = std::env::var("VPCMIDO_BENCH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let dir = PathBuf::from(
        std::env::var("VPCMIDO_BENCH_OUT").unwrap_or_else(|_| "bench-results".into()),
    );
    eprintln!("scale: sizes {sizes:?} ENIs, write latencies {lats:?} ms, {repeat} run(s) each");
    let mut rows = Vec::new();
    let mut all = Vec::new();
    for &lat in &lats {
        for &enis in &sizes {
            let mut runs: Vec<SizeResult> = (0..repeat)
                .map(|i| {
                    eprintln!("scale: {enis} ENIs, {lat} ms, run {}", i + 1);
                    let r = run_child(enis, lat);
                    eprintln!(
                        "scale:   W {} C {} T {:.2} s lock {:.2} s",
                        r.cold_writes, r.cold_calls, r.cold_seconds, r.lock_held_seconds
                    );
                    r
                })
                .collect();
            all.extend(runs.iter().cloned());
            runs.sort_by(|a, b| a.cold_seconds.total_cmp(&b.cold_seconds));
            rows.push(runs.swap_remove(runs.len() / 2));
        }
    }
    print_tables(&rows);
    write_outputs(&dir, &rows, &all);
    println!(
        "\nwrote {} and {}",
        dir.join("scale.json").display(),
        dir.join("scale.csv").display()
    );
}
