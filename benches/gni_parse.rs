//! GNI parse + validate benchmark: prints figures, asserts nothing (see BENCHMARKS.md).
//!
//! For each size, the parent generates a view with `gni::gen`, writes it to a temporary file,
//! and runs itself as a child process that reads the file and loads it several times. The
//! child reports the median load time, the mean CPU time per load (steadier than wall time on
//! a shared machine) and its peak RSS (VmHWM), so the memory figure covers only the input
//! bytes plus what `load` builds, not the generator.
//!
//! Run: `cargo bench --bench gni_parse`
use std::process::Command;
use std::time::Instant;

use vpcmido::gni::gen::{generate, GatewayMode, GenParams};
use vpcmido::gni::{self, Format, Limits};

const RUNS: usize = 5;
const CHILD_ENV: &str = "GNI_PARSE_BENCH_FILE";

fn main() {
    if let Ok(file) = std::env::var(CHILD_ENV) {
        child(&file);
        return;
    }
    // `cargo test --all-targets` runs this binary too, without `--bench`: then only check
    // that it works, on a small view, instead of timing unoptimized code for seconds.
    if !std::env::args().any(|a| a == "--bench") {
        let view = generate(&GenParams::default()).expect("valid parameters");
        let xml = gni::write_xml(&view, Format::V4);
        gni::load(xml.as_bytes(), &Limits::default()).expect("generated view is valid");
        println!("gni_parse: smoke run ok (use `cargo bench --bench gni_parse` for figures)");
        return;
    }
    println!(
        "{:>8} {:>8} {:>11} {:>13} {:>13} {:>11}",
        "ENIs", "MB", "median ms", "mean CPU ms", "peak RSS MB", "ms per 1k"
    );
    // (vpcs, subnets per VPC, ENIs per subnet)
    for (vpcs, subnets, enis) in [(10, 4, 100), (100, 4, 100)] {
        let params = GenParams {
            vpcs,
            subnets_per_vpc: subnets,
            enis_per_subnet: enis,
            sgs_per_vpc: 5,
            rules_per_sg: 6,
            eip_ratio: 0.3,
            seed: 42,
            gateways: GatewayMode::Bgp,
        };
        let view = generate(&params).expect("valid parameters");
        let xml = gni::write_xml(&view, Format::V4);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("view.xml");
        std::fs::write(&path, &xml).expect("write view");
        let exe = std::env::current_exe().expect("own path");
        let out = Command::new(exe)
            .env(CHILD_ENV, &path)
            .output()
            .expect("run child");
        let report = String::from_utf8_lossy(&out.stdout);
        let mut fields = report.split_whitespace();
        let median_ms: f64 = fields
            .next()
            .and_then(|f| f.parse().ok())
            .expect("child timing");
        let hwm_kb: f64 = fields
            .next()
            .and_then(|f| f.parse().ok())
            .expect("child RSS");
        let cpu_ms: f64 = fields
            .next()
            .and_then(|f| f.parse().ok())
            .expect("child CPU");
        let total = vpcs * subnets * enis;
        println!(
            "{:>8} {:>8.1} {:>11.1} {:>13.1} {:>13.1} {:>11.2}",
            total,
            xml.len() as f64 / 1e6,
            median_ms,
            cpu_ms,
            hwm_kb / 1024.0,
            median_ms / (total as f64 / 1000.0)
        );
    }
}

fn child(file: &str) {
    let bytes = std::fs::read(file).expect("read view");
    let cpu_before = cpu_ticks();
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let view = gni::load(&bytes, &Limits::default()).expect("generated view is valid");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(&view);
    }
    // CPU time is less disturbed than wall time when other work shares the cores.
    let cpu_ms = (cpu_ticks() - cpu_before) as f64 * 10.0 / RUNS as f64;
    times.sort_by(f64::total_cmp);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    println!("{} {} {}", times[RUNS / 2], hwm, cpu_ms);
}

/// User plus system CPU time of this process, in clock ticks (10 ms on Linux).
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}
