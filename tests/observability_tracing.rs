//! Tracing, from the outside (a spawned `vpcmido run --log-format json`): every log line is
//! a JSON object, each reconcile pass logs exactly one end-of-pass event inside a `pass` span
//! carrying the scope (VPC id or `core`) and the trigger, and `PUT /log-level` changes the
//! level at run time (400 for a filter that does not parse).
mod observability_support;
use observability_support::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// The end-of-pass messages of actors/scope.rs (ok at info or debug, failed at warn).
fn is_pass_end(v: &Value) -> bool {
    let m = v["message"].as_str().unwrap_or("");
    m == "pass done" || m == "pass: nothing to do" || m.starts_with("pass failed")
}

fn json_lines(d: &Daemon) -> Vec<Value> {
    d.log_lines()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// End-of-pass events for `trigger`, counted by scope.
fn pass_ends(d: &Daemon, trigger: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for v in json_lines(d).iter().filter(|v| is_pass_end(v)) {
        let span = &v["span"];
        assert_eq!(span["name"], "pass", "pass event outside a pass span: {v}");
        let scope = span["scope"]
            .as_str()
            .unwrap_or_else(|| panic!("no scope: {v}"));
        let t = span["trigger"]
            .as_str()
            .unwrap_or_else(|| panic!("no trigger: {v}"));
        if t == trigger {
            *m.entry(scope.to_string()).or_default() += 1;
        }
    }
    m
}

fn admin_passes(d: &Daemon) -> f64 {
    d.scrape()
        .lines()
        .filter(|l| {
            l.starts_with("vpcmido_reconcile_passes_total{") && l.contains("trigger=\"admin\"")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

fn vpc_ids(d: &Daemon) -> Vec<String> {
    let (code, body) = http(&d.admin, "GET", "/status", "");
    assert_eq!(code, 200);
    let v: Value = serde_json::from_str(&body).expect("status");
    v["vpcs"]
        .as_array()
        .expect("vpcs")
        .iter()
        .map(|s| s["scope"].as_str().expect("scope").to_string())
        .collect()
}

#[test]
fn json_logs_one_pass_span_per_pass_and_runtime_log_level() {
    let d = Daemon::start(3, &["--log-level", "info"]);
    d.wait_applied(Duration::from_secs(45));
    let vpcs = vpc_ids(&d);
    assert_eq!(vpcs.len(), 3, "{vpcs:?}");
    assert!(vpcs.iter().all(|v| v.starts_with("vpc-")), "{vpcs:?}");

    // Every line is JSON with a level and a message; startup passes wrote (info) per VPC.
    let lines = json_lines(&d);
    assert!(lines.len() >= 5, "{} lines", lines.len());
    for v in &lines {
        assert!(
            v["level"].is_string() && v["message"].is_string() && v["timestamp"].is_string(),
            "{v}"
        );
    }
    let startup = pass_ends(&d, "startup");
    for id in &vpcs {
        assert_eq!(
            startup.get(id),
            Some(&1),
            "one startup pass of {id}: {startup:?}"
        );
    }
    assert_eq!(startup.get("core"), Some(&1), "{startup:?}");

    // At warn, an admin resync of every scope logs no pass event.
    let (code, body) = http(&d.admin, "PUT", "/log-level", "warn");
    assert_eq!(code, 200, "{body}");
    let (code, body) = http(&d.admin, "POST", "/resync", "");
    assert_eq!(code, 200, "{body}");
    let scopes: Value = serde_json::from_str(&body).expect("resync json");
    assert_eq!(scopes["scopes"], 4, "{body}");
    wait_for("4 admin passes", Duration::from_secs(20), || {
        (admin_passes(&d) >= 4.0).then_some(())
    });
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        pass_ends(&d, "admin").is_empty(),
        "pass events logged at warn"
    );

    // A filter that does not parse is refused; the level stays.
    let (code, _) = http(&d.admin, "PUT", "/log-level", "vpcmido=[[[");
    assert_eq!(code, 400);

    // At debug, the next resync logs exactly one end-of-pass event per scope.
    let (code, body) = http(&d.admin, "PUT", "/log-level", "debug");
    assert_eq!(code, 200, "{body}");
    let (code, _) = http(&d.admin, "POST", "/resync", "");
    assert_eq!(code, 200);
    wait_for("8 admin passes", Duration::from_secs(20), || {
        (admin_passes(&d) >= 8.0).then_some(())
    });
    let admin = wait_for("4 admin pass events", Duration::from_secs(10), || {
        let m = pass_ends(&d, "admin");
        (m.values().sum::<usize>() >= 4).then_some(m)
    });
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        pass_ends(&d, "admin"),
        admin,
        "more events after the 4 passes"
    );
    assert_eq!(admin.len(), 4, "{admin:?}");
    assert!(admin.values().all(|&n| n == 1), "{admin:?}");
    for id in vpcs.iter().map(String::as_str).chain(["core"]) {
        assert!(admin.contains_key(id), "{id} missing: {admin:?}");
    }
    // Debug lines now appear (the level really changed).
    assert!(json_lines(&d).iter().any(|v| v["level"] == "DEBUG"));
}
