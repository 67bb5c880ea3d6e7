//! Guard tests of the observability contract (issue 8): the committed dashboards and alert
//! rules are what `dashboards/gen` makes, every expression parses as PromQL and names only
//! metrics a running daemon exports (or registers with HELP for event-only series), the
//! exposition passes `promtool check metrics`, the rules pass `promtool check rules`, and
//! docs/metrics.md lists every exported metric.
mod observability_support;
use observability_support::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Fails when a committed file differs from the generator's output; with
/// `VPCMIDO_BLESS_DASHBOARDS=1` it writes them instead.
#[test]
fn committed_files_are_fresh() {
    let bless = std::env::var_os("VPCMIDO_BLESS_DASHBOARDS").is_some();
    let mut stale = Vec::new();
    for (rel, want) in gen::files() {
        let p = root().join(rel);
        let have = std::fs::read_to_string(&p).unwrap_or_default();
        if have != want {
            if bless {
                std::fs::write(&p, &want).expect("write");
            } else {
                stale.push(rel);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run VPCMIDO_BLESS_DASHBOARDS=1 cargo test --test observability_guard committed_files_are_fresh"
    );
    assert_eq!(gen::files().len(), 3);
}

/// Dashboard shape: stable uids, datasource variable on every panel and target,
/// `$__rate_interval` in every range, unique panel ids, no per-VPC label in any query.
#[test]
fn dashboards_follow_the_conventions() {
    let mut n_queries = 0;
    for d in [gen::overview(), gen::vpc()] {
        let uid = d["uid"].as_str().expect("uid");
        assert!(uid == gen::OVERVIEW_UID || uid == gen::VPC_UID);
        let vars: Vec<&str> = d["templating"]["list"]
            .as_array()
            .expect("variables")
            .iter()
            .map(|v| v["name"].as_str().expect("name"))
            .collect();
        assert_eq!(vars[0], "datasource", "{uid}: datasource variable first");
        let mut ids = BTreeSet::new();
        // No two panels overlap on the 24-column grid, and none is wider than it.
        let rects: Vec<(u64, u64, u64, u64)> = d["panels"]
            .as_array()
            .expect("panels")
            .iter()
            .map(|p| {
                let g = &p["gridPos"];
                let f = |k: &str| g[k].as_u64().expect("gridPos");
                (f("x"), f("y"), f("w"), f("h"))
            })
            .collect();
        for (i, a) in rects.iter().enumerate() {
            assert!(a.0 + a.2 <= 24, "{uid}: panel {i} wider than the grid");
            for b in &rects[i + 1..] {
                let apart =
                    a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
                assert!(apart, "{uid}: panels {a:?} and {b:?} overlap");
            }
        }
        for p in d["panels"].as_array().expect("panels") {
            assert!(
                ids.insert(p["id"].as_u64().expect("id")),
                "{uid}: duplicate panel id"
            );
            if p["type"] == "row" || p["type"] == "text" {
                continue;
            }
            assert_eq!(
                p["datasource"]["uid"], "${datasource}",
                "{uid} {}",
                p["title"]
            );
            for t in p["targets"].as_array().expect("targets") {
                n_queries += 1;
                assert_eq!(t["datasource"]["uid"], "${datasource}");
                let e = t["expr"].as_str().expect("expr");
                if e.contains('[') {
                    assert!(
                        e.contains("[$__rate_interval]"),
                        "{uid} {}: {e}",
                        p["title"]
                    );
                }
                assert!(
                    !e.contains("vpc_id") && !e.contains("vpc=\""),
                    "per-VPC label in {e}"
                );
            }
        }
    }
    assert_eq!(n_queries, gen::dashboard_queries().len());
    assert!(n_queries >= 30, "{n_queries} queries");
    assert_eq!(gen::vpc()["templating"]["list"][2]["name"], "vpc");
    // The drill-down's $vpc leads to the per-VPC detail in /status (no per-VPC series).
    let text = gen::vpc()["panels"][0]["options"]["content"]
        .as_str()
        .expect("text panel")
        .to_string();
    assert!(
        text.contains("http://${instance}/status") && text.contains("select(.scope == \"${vpc}\")")
    );
}

/// Every dashboard query and alert expression parses (promql-parser), and the set of
/// names they use is the expected one.
#[test]
fn every_expression_parses() {
    let exprs = all_expressions("5m");
    assert!(exprs.len() >= 38, "{} expressions", exprs.len());
    let mut names = BTreeSet::new();
    for (origin, e) in &exprs {
        assert!(!e.contains('$'), "{origin}: unexpanded variable in {e}");
        let n = promql_names(e);
        assert!(!n.is_empty(), "{origin}: no metric in {e}");
        assert!(
            !n.contains("<no name>"),
            "{origin}: selector without a name in {e}"
        );
        names.extend(n);
    }
    // A typo must not parse into a silently empty panel: garbage fails.
    assert!(promql_parser::parser::parse("sum by (le (rate(x[5m]))").is_err());
    for m in [
        "vpcmido_view_apply_lag_seconds",
        "vpcmido_vpcs",
        "vpcmido_reconcile_passes_total",
        "vpcmido_reconcile_pass_duration_seconds_bucket",
        "vpcmido_midonet_requests_total",
        "vpcmido_midonet_request_duration_seconds_bucket",
        "vpcmido_midonet_ratelimit_wait_seconds_bucket",
        "vpcmido_midonet_retries_total",
        "vpcmido_actor_restarts_total",
        "vpcmido_guard_held",
        "vpcmido_view_invalid",
    ] {
        assert!(names.contains(m), "{m} not used by any dashboard or alert");
    }
}

/// Records which metric names were described (HELP registered), for event-only series.
mod describe_recorder {
    use metrics::{
        Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit,
    };
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    #[derive(Default)]
    pub struct Described(pub Mutex<BTreeMap<String, (&'static str, String)>>);

    impl Described {
        fn put(&self, k: KeyName, kind: &'static str, help: SharedString) {
            self.0
                .lock()
                .expect("lock")
                .insert(k.as_str().to_string(), (kind, help.to_string()));
        }
    }

    impl Recorder for Described {
        fn describe_counter(&self, k: KeyName, _: Option<Unit>, h: SharedString) {
            self.put(k, "counter", h)
        }
        fn describe_gauge(&self, k: KeyName, _: Option<Unit>, h: SharedString) {
            self.put(k, "gauge", h)
        }
        fn describe_histogram(&self, k: KeyName, _: Option<Unit>, h: SharedString) {
            self.put(k, "histogram", h)
        }
        fn register_counter(&self, _: &Key, _: &Metadata<'_>) -> Counter {
            Counter::noop()
        }
        fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
            Gauge::noop()
        }
        fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
            Histogram::noop()
        }
    }
}

/// Every name the daemon and the client describe (HELP text), with its kind.
fn described() -> BTreeMap<String, (&'static str, String)> {
    let rec = describe_recorder::Described::default();
    metrics::with_local_recorder(&rec, || {
        vpcmido::actors::metrics::describe();
        vpcmido::midonet::client::metrics::describe();
    });
    let m = rec.0.lock().expect("lock").clone();
    m
}

/// The family a sample name belongs to (`x_bucket` → `x` for histograms).
fn family(sample: &str, described: &BTreeMap<String, (&'static str, String)>) -> String {
    for suf in ["_bucket", "_sum", "_count"] {
        if let Some(f) = sample.strip_suffix(suf) {
            if described.get(f).is_some_and(|d| d.0 == "histogram") {
                return f.to_string();
            }
        }
    }
    sample.to_string()
}

/// The big one: a real daemon on a generated 3-VPC view. Its `/metrics` passes
/// `promtool check metrics`, has the right TYPE for every described family, histograms (not
/// summaries) with the documented buckets, and every dashboard/alert name is in it or is an
/// event-only series described with HELP. docs/metrics.md documents every name.
#[test]
fn daemon_scrape_backs_every_query() {
    let d = Daemon::start(3, &[]);
    let version = d.wait_applied(Duration::from_secs(45));
    // An admin resync adds `trigger="admin"` passes; wait until they are counted.
    let (code, body) = http(&d.admin, "POST", "/resync", "");
    assert_eq!(code, 200, "{body}");
    let scrape = wait_for(
        "4 admin passes and 3 converged VPCs in /metrics",
        Duration::from_secs(20),
        || {
            let s = d.scrape();
            let admin: f64 = s
                .lines()
                .filter(|l| l.starts_with("vpcmido_reconcile_passes_total{"))
                .filter(|l| l.contains("trigger=\"admin\""))
                .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
                .sum();
            let converged = value(&s, "vpcmido_vpcs{state=\"converged\"}");
            (admin >= 4.0 && converged == Some(3.0)).then_some(s)
        },
    );
    let described = described();
    let types = types(&scrape);
    let samples = sample_names(&scrape);

    // Figures of a converged 3-VPC daemon.
    assert_eq!(
        value(&scrape, "vpcmido_vpcs{state=\"converged\"}"),
        Some(3.0),
        "{scrape}"
    );
    assert_eq!(value(&scrape, "vpcmido_vpcs{state=\"failed\"}"), Some(0.0));
    assert_eq!(value(&scrape, "vpcmido_view_apply_lag_seconds"), Some(0.0));
    assert_eq!(value(&scrape, "vpcmido_view_invalid"), Some(0.0));
    assert_eq!(
        value(&scrape, "vpcmido_applied_version_writes_total"),
        Some(1.0)
    );
    let applied_at = value(&scrape, "vpcmido_view_applied_timestamp_seconds").expect("applied ts");
    let loaded_at = value(&scrape, "vpcmido_view_loaded_timestamp_seconds").expect("loaded ts");
    assert!(
        applied_at >= loaded_at && loaded_at > 1.7e9,
        "{loaded_at} {applied_at}"
    );
    let ok_vpc_passes: f64 = scrape
        .lines()
        .filter(|l| l.starts_with("vpcmido_reconcile_passes_total{") && l.contains("scope=\"vpc\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert!(
        ok_vpc_passes >= 6.0,
        "3 startup + 3 admin VPC passes at least, got {ok_vpc_passes}"
    );
    let gets: f64 = scrape
        .lines()
        .filter(|l| {
            l.starts_with("vpcmido_midonet_requests_total{") && l.contains("method=\"GET\"")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert!(gets > 0.0, "no MidoNet GETs counted");
    assert!(!version.is_empty());

    // No summaries; every described family present is of its described kind.
    assert!(
        !types.values().any(|t| t == "summary"),
        "summary rendered: {types:?}"
    );
    for (name, t) in &types {
        if let Some((kind, help)) = described.get(name) {
            assert_eq!(t, kind, "{name}");
            assert!(
                scrape.contains(&format!("# HELP {name} {help}")),
                "HELP of {name}"
            );
        }
        assert!(name.starts_with("vpcmido_"), "unprefixed metric {name}");
        if t == "counter" {
            assert!(name.ends_with("_total"), "counter {name} without _total");
        }
    }
    // The pass histogram has the documented buckets (15 + Inf).
    let pass_buckets = scrape
        .lines()
        .filter(|l| {
            l.starts_with("vpcmido_reconcile_pass_duration_seconds_bucket{")
                && l.contains("scope=\"core\"")
        })
        .count();
    assert_eq!(
        pass_buckets,
        vpcmido::actors::metrics::PASS_DURATION_BUCKETS.len() + 1
    );

    // Every name a dashboard or alert uses: in the scrape, or an event-only described name.
    let mut event_only = BTreeSet::new();
    for (origin, e) in all_expressions("5m") {
        for n in promql_names(&e) {
            if samples.contains(&n) || PROMETHEUS_SERIES.contains(&n.as_str()) {
                continue;
            }
            let f = family(&n, &described);
            assert!(
                described.contains_key(&f),
                "{origin}: `{n}` neither exported nor described"
            );
            event_only.insert(f);
        }
    }
    // Which series only appear after an event (counted so a change is noticed).
    let expected: BTreeSet<String> = [
        "vpcmido_actor_restarts_total",
        "vpcmido_drift_ops_total",
        "vpcmido_guard_holds_total",
        "vpcmido_midonet_retries_total",
        "vpcmido_view_errors_total",
    ]
    .map(String::from)
    .into();
    assert_eq!(
        event_only, expected,
        "event-only series changed; update docs/metrics.md"
    );

    // docs/metrics.md documents every described metric (as `name`).
    let doc = std::fs::read_to_string(root().join("docs/metrics.md")).expect("docs/metrics.md");
    for name in described.keys() {
        assert!(
            doc.contains(&format!("`{name}`")),
            "docs/metrics.md lacks `{name}`"
        );
    }
    assert_eq!(described.len(), 19, "{:?}", described.keys());

    // promtool check metrics on the real scrape.
    if let Some(promtool) = tool("promtool") {
        let mut c = Command::new(promtool)
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("promtool");
        use std::io::Write;
        c.stdin
            .take()
            .expect("stdin")
            .write_all(scrape.as_bytes())
            .expect("pipe");
        let out = c.wait_with_output().expect("promtool");
        assert!(
            out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
            "promtool check metrics: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `promtool check rules dashboards/alerts.yml` passes and finds every rule.
#[test]
fn promtool_checks_the_rules() {
    let Some(promtool) = tool("promtool") else {
        return;
    };
    let out = Command::new(promtool)
        .args(["check", "rules"])
        .arg(root().join("dashboards/alerts.yml"))
        .output()
        .expect("promtool");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "promtool check rules: {text}");
    let n = gen::alerts().len();
    assert!(
        text.contains(&format!("SUCCESS: {n} rules found")),
        "{text}"
    );
}

/// `promtool test rules dashboards/alerts_test.yml`: every alert fires on a synthetic bad
/// history (with its labels and rendered annotations) and not before its `for`.
#[test]
fn promtool_unit_tests_the_alerts() {
    let Some(promtool) = tool("promtool") else {
        return;
    };
    let out = Command::new(promtool)
        .args(["test", "rules"])
        .arg(root().join("dashboards/alerts_test.yml"))
        .output()
        .expect("promtool");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && text.contains("SUCCESS"),
        "promtool test rules: {text}"
    );
    // Every alert is tested.
    let tests = std::fs::read_to_string(root().join("dashboards/alerts_test.yml")).expect("tests");
    for a in gen::alerts() {
        assert!(
            tests.contains(&format!("alertname: {}\n", a.name)),
            "{} has no promtool unit test",
            a.name
        );
    }
}

/// An invalid view shows up as the event-only series `vpcmido_view_errors_total{reason}` and
/// `vpcmido_view_invalid 1`, and the previous view stays applied.
#[test]
fn invalid_view_is_counted() {
    let d = Daemon::start(1, &[]);
    let version = d.wait_applied(Duration::from_secs(45));
    std::fs::write(d.gni.with_extension("tmp"), "<not a view").expect("write");
    std::fs::rename(d.gni.with_extension("tmp"), &d.gni).expect("rename");
    let scrape = wait_for("view error counted", Duration::from_secs(20), || {
        let s = d.scrape();
        s.contains("vpcmido_view_errors_total{").then_some(s)
    });
    assert_eq!(
        value(&scrape, "vpcmido_view_invalid"),
        Some(1.0),
        "{scrape}"
    );
    let errs: f64 = scrape
        .lines()
        .filter(|l| l.starts_with("vpcmido_view_errors_total{reason=\"syntax\"}"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert!(errs >= 1.0, "{scrape}");
    assert_eq!(
        std::fs::read_to_string(&d.applied).expect("applied").trim(),
        version
    );
}
