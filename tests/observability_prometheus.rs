//! A real Prometheus (Debian's `prometheus` binary) scraping a real `vpcmido run` on the
//! embedded emulator every second: every dashboard query and alert expression is evaluated
//! through `/api/v1/query` and must succeed; the key ones must return data, and on a healthy
//! daemon no alert expression may return anything. Bounded (60 s budget), children killed on
//! drop, and a loud failure in CI when `prometheus` is missing.
mod observability_support;
use observability_support::*;
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn query(prom: &str, expr: &str) -> Value {
    let (code, body) = http(
        prom,
        "GET",
        &format!("/api/v1/query?query={}", urlencode(expr)),
        "",
    );
    let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(code, 200, "{expr}: {body}");
    v
}

fn results(v: &Value) -> usize {
    v["data"]["result"].as_array().map_or(0, Vec::len)
}

#[test]
fn prometheus_evaluates_every_dashboard_and_alert_expression() {
    let t0 = Instant::now();
    let Some(prometheus) = tool("prometheus") else {
        return;
    };
    let d = Daemon::start(3, &[]);
    d.wait_applied(Duration::from_secs(30));

    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("prometheus.yml");
    std::fs::write(
        &cfg,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n  - {rules}\n\
             scrape_configs:\n  - job_name: vpcmido\n    static_configs:\n      - targets: ['{admin}']\n",
            rules = serde_json::to_string(&format!("{}/dashboards/alerts.yml", env!("CARGO_MANIFEST_DIR"))).expect("path"),
            admin = d.admin,
        ),
    )
    .expect("config");
    let prom = format!("127.0.0.1:{}", free_port());
    let log = dir.path().join("prometheus.log");
    let _p = Reaped(
        Command::new(prometheus)
            .arg(format!("--config.file={}", cfg.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={prom}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log"))
            .spawn()
            .expect("prometheus"),
    );
    let dump = || std::fs::read_to_string(&log).unwrap_or_default();

    // Ready, and at least two scrapes of the target, both up.
    wait_for("Prometheus ready", Duration::from_secs(20), || {
        std::net::TcpStream::connect(&prom).ok()?;
        (http(&prom, "GET", "/-/ready", "").0 == 200).then_some(())
    });
    wait_for("two successful scrapes", Duration::from_secs(30), || {
        let v = query(&prom, r#"count_over_time(up{job="vpcmido"}[1m]) >= 2"#);
        (results(&v) == 1).then_some(())
    });
    let up = query(&prom, r#"min_over_time(up{job="vpcmido"}[1m])"#);
    assert_eq!(
        up["data"]["result"][0]["value"][1],
        "1",
        "target down: {up}\n{}",
        dump()
    );

    // Every expression evaluates (status success); count those with data.
    let mut with_data = Vec::new();
    let exprs = all_expressions("10s");
    for (origin, e) in &exprs {
        let v = query(&prom, e);
        assert_eq!(v["status"], "success", "{origin}: {e}: {v}");
        if results(&v) > 0 {
            with_data.push(origin.clone());
        }
        if origin.starts_with("alert ") {
            assert_eq!(results(&v), 0, "{origin} fires on a healthy daemon: {v}");
        }
    }

    // The key series return data, with the right figures.
    let applied = query(&prom, "vpcmido_view_applied_timestamp_seconds");
    assert_eq!(results(&applied), 1, "{applied}");
    let lag = query(&prom, "max(vpcmido_view_apply_lag_seconds)");
    assert_eq!(lag["data"]["result"][0]["value"][1], "0", "{lag}");
    let conv = query(&prom, r#"sum(vpcmido_vpcs{state="converged"})"#);
    assert_eq!(conv["data"]["result"][0]["value"][1], "3", "{conv}");
    let reqs = query(&prom, "sum(vpcmido_midonet_requests_total)");
    let n: f64 = reqs["data"]["result"][0]["value"][1]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0);
    assert!(n > 0.0, "no MidoNet requests: {reqs}");
    for key in [
        "vpcmido-overview / Apply lag",
        "vpcmido-overview / Last applied",
        "vpcmido-overview / VPCs by state",
        "vpcmido-overview / VPCs failing",
        "vpcmido-overview / MidoNet requests by method and status",
        "vpcmido-overview / MidoNet request latency",
        "vpcmido-overview / Objects owned by kind",
        "vpcmido-vpc / VPCs by state",
    ] {
        assert!(
            with_data.contains(&key.to_string()),
            "{key} returned no data; with data: {with_data:?}"
        );
    }
    // The rules loaded and are evaluated (health ok, none firing).
    let (code, body) = http(&prom, "GET", "/api/v1/rules", "");
    assert_eq!(code, 200);
    let rules: Value = serde_json::from_str(&body).expect("rules json");
    let rs = rules["data"]["groups"][0]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(rs.len(), gen::alerts().len(), "{body}");
    wait_for("every rule evaluated", Duration::from_secs(10), || {
        let (_, b) = http(&prom, "GET", "/api/v1/rules", "");
        let v: Value = serde_json::from_str(&b).ok()?;
        let rs = v["data"]["groups"][0]["rules"].as_array()?.clone();
        rs.iter()
            .all(|r| r["health"] == "ok" && r["state"] == "inactive")
            .then_some(())
    });
    eprintln!(
        "{} expressions evaluated, {} with data, {:.1} s",
        exprs.len(),
        with_data.len(),
        t0.elapsed().as_secs_f64()
    );
    assert!(
        t0.elapsed() < Duration::from_secs(60),
        "took {:?}",
        t0.elapsed()
    );
}
