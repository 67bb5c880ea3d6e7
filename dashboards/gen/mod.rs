//! The generator of `dashboards/*.json` and `dashboards/alerts.yml`: one source for every
//! dashboard query and alert expression, so the guard tests (`tests/observability_*.rs`) can
//! parse, scrape-check and evaluate exactly what is committed.
//!
//! Regenerate after an edit with
//! `VPCMIDO_BLESS_DASHBOARDS=1 cargo test --test observability_guard committed_files_are_fresh`;
//! without the variable that test fails when a committed file differs from what this makes.
//!
//! Conventions: the datasource is the `$datasource` variable, rates use `$__rate_interval`,
//! every panel and dashboard uid is fixed here (links and bookmarks survive regeneration),
//! and no query needs a per-VPC label (docs/metrics.md, cardinality rule).
#![allow(dead_code)]

use serde_json::{json, Value};

/// Stable dashboard uids.
pub const OVERVIEW_UID: &str = "vpcmido-overview";
pub const VPC_UID: &str = "vpcmido-vpc";

/// Files this module writes, relative to the repository root, with their content.
pub fn files() -> Vec<(&'static str, String)> {
    vec![
        ("dashboards/vpcmido-overview.json", pretty(&overview())),
        ("dashboards/vpcmido-vpc.json", pretty(&vpc())),
        ("dashboards/alerts.yml", alerts_yaml()),
    ]
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("json");
    s.push('\n');
    s
}

/// A query as a dashboard holds it, with where it is (dashboard uid and panel title).
#[derive(Clone, Debug)]
pub struct Query {
    pub origin: String,
    pub expr: String,
}

/// Every PromQL expression of both dashboards (panel targets), as written (with `$…`).
pub fn dashboard_queries() -> Vec<Query> {
    let mut out = Vec::new();
    for d in [overview(), vpc()] {
        let uid = d["uid"].as_str().unwrap_or_default().to_string();
        for p in d["panels"].as_array().into_iter().flatten() {
            for t in p["targets"].as_array().into_iter().flatten() {
                if let Some(e) = t["expr"].as_str() {
                    out.push(Query {
                        origin: format!("{uid} / {}", p["title"].as_str().unwrap_or("")),
                        expr: e.to_string(),
                    });
                }
            }
        }
    }
    out
}

/// Metric names that template variables read (`label_values(metric, label)`).
pub fn variable_metrics() -> Vec<String> {
    let mut out = Vec::new();
    for d in [overview(), vpc()] {
        for v in d["templating"]["list"].as_array().into_iter().flatten() {
            if let Some(q) = v["definition"].as_str() {
                if let Some(rest) = q.strip_prefix("label_values(") {
                    if let Some((m, _)) = rest.split_once(',') {
                        out.push(m.trim().to_string());
                    }
                }
            }
        }
    }
    out
}

/// The values Grafana would put in for the template variables, so an expression becomes
/// plain PromQL (for the parser and for Prometheus's query API).
pub fn expand(expr: &str, rate_interval: &str) -> String {
    expr.replace("$__rate_interval", rate_interval)
        .replace("$instance", ".+")
        .replace("$job", ".+")
}

fn datasource() -> Value {
    json!({"type": "prometheus", "uid": "${datasource}"})
}

fn target(expr: &str, legend: &str, ref_id: char) -> Value {
    json!({
        "datasource": datasource(),
        "expr": expr,
        "legendFormat": legend,
        "range": true,
        "refId": ref_id.to_string(),
    })
}

/// Panel layout: 24 columns; `x`, `y`, `w`, `h` in grid units.
#[derive(Clone, Copy)]
struct Pos(u32, u32, u32, u32);

fn grid(p: Pos) -> Value {
    json!({"x": p.0, "y": p.1, "w": p.2, "h": p.3})
}

fn row(id: u32, title: &str, y: u32) -> Value {
    json!({
        "id": id, "type": "row", "title": title, "collapsed": false,
        "gridPos": grid(Pos(0, y, 24, 1)), "panels": [],
    })
}

fn panel(
    id: u32,
    kind: &str,
    title: &str,
    desc: &str,
    unit: &str,
    pos: Pos,
    targets: &[(&str, &str)],
) -> Value {
    let targets: Vec<Value> = targets
        .iter()
        .zip('A'..='Z')
        .map(|((e, l), r)| target(e, l, r))
        .collect();
    let mut p = json!({
        "id": id,
        "type": kind,
        "title": title,
        "description": desc,
        "datasource": datasource(),
        "gridPos": grid(pos),
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {},
        "targets": targets,
    });
    match kind {
        "timeseries" => {
            p["options"] = json!({
                "legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
                "tooltip": {"mode": "multi", "sort": "desc"},
            });
        }
        "stat" => {
            p["options"] = json!({
                "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": false},
                "colorMode": "background", "graphMode": "none", "textMode": "auto",
            });
        }
        _ => {}
    }
    p
}

fn thresholds(mut p: Value, steps: &[(Option<f64>, &str)]) -> Value {
    let steps: Vec<Value> = steps
        .iter()
        .map(|(v, c)| json!({"value": v, "color": c}))
        .collect();
    p["fieldConfig"]["defaults"]["thresholds"] = json!({"mode": "absolute", "steps": steps});
    p
}

fn ds_var() -> Value {
    json!({
        "name": "datasource", "label": "Data source", "type": "datasource",
        "query": "prometheus", "current": {}, "hide": 0, "refresh": 1, "regex": "",
        "includeAll": false, "multi": false, "options": [],
    })
}

fn query_var(name: &str, label: &str, def: &str, multi: bool) -> Value {
    json!({
        "name": name, "label": label, "type": "query",
        "datasource": datasource(),
        "definition": def,
        "query": {"query": def, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
        "refresh": 2, "sort": 1, "hide": 0, "regex": "",
        "includeAll": multi, "multi": multi, "allValue": if multi { json!(".+") } else { Value::Null },
        "current": {}, "options": [],
    })
}

fn dashboard(uid: &str, title: &str, desc: &str, vars: Vec<Value>, panels: Vec<Value>) -> Value {
    let other = if uid == OVERVIEW_UID {
        (VPC_UID, "VPC drill-down")
    } else {
        (OVERVIEW_UID, "Overview")
    };
    json!({
        "uid": uid,
        "title": title,
        "description": desc,
        "tags": ["vpcmido", "midonet", "eucalyptus"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": true,
        "graphTooltip": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "annotations": {"list": []},
        "links": [{
            "title": other.1, "type": "link", "icon": "dashboard", "keepTime": true,
            "includeVars": true, "url": format!("/d/{}", other.0), "targetBlank": false,
            "asDropdown": false, "tags": [], "tooltip": "",
        }],
        "templating": {"list": vars},
        "panels": panels,
    })
}

const SEL: &str = r#"instance=~"$instance""#;

/// `vpcmido / Overview`: is every VPC converged, how far behind the view, what MidoNet costs.
pub fn overview() -> Value {
    let s = |m: &str| format!("{m}{{{SEL}}}");
    let sl = |m: &str, l: &str| format!("{m}{{{SEL},{l}}}");
    let rate = |m: &str| format!("rate({m}{{{SEL}}}[$__rate_interval])");
    let ratel = |m: &str, l: &str| format!("rate({m}{{{SEL},{l}}}[$__rate_interval])");
    let q = |p: f64, m: &str, by: &str| {
        format!("histogram_quantile({p}, sum by (le, {by}) (rate({m}_bucket{{{SEL}}}[$__rate_interval])))")
    };
    let mut panels = vec![row(1, "Convergence", 0)];
    panels.push(thresholds(
        panel(2, "stat", "Apply lag", "Seconds the accepted view version has waited to be fully applied (0 = applied); refreshed every second.", "s",
            Pos(0, 1, 4, 4), &[(&format!("max({})", s("vpcmido_view_apply_lag_seconds")), "lag")]),
        &[(None, "green"), (Some(60.0), "orange"), (Some(600.0), "red")],
    ));
    panels.push(thresholds(
        panel(3, "stat", "Loaded, not applied for", "Time since the loaded view version was first read, while it is newer than the last applied-version write; empty when applied.", "s",
            Pos(4, 1, 4, 4), &[(&format!("max(time() - ({} > {}))", s("vpcmido_view_loaded_timestamp_seconds"), s("vpcmido_view_applied_timestamp_seconds")), "not applied")]),
        &[(None, "green"), (Some(120.0), "orange"), (Some(600.0), "red")],
    ));
    panels.push(panel(
        4,
        "stat",
        "Last applied",
        "Time since the applied-version file was last written (the CLC's handshake).",
        "s",
        Pos(8, 1, 4, 4),
        &[(
            &format!(
                "time() - max({})",
                s("vpcmido_view_applied_timestamp_seconds")
            ),
            "since applied",
        )],
    ));
    panels.push(thresholds(
        panel(5, "stat", "VPCs failing", "VPC supervisors failed or backing off after failed passes (which ones: /status top_failing or the VPC drill-down).", "none",
            Pos(12, 1, 4, 4), &[(&format!("sum({}) or vector(0)", sl("vpcmido_vpcs", r#"state=~"failed|backing_off""#)), "failing")]),
        &[(None, "green"), (Some(1.0), "red")],
    ));
    panels.push(thresholds(
        panel(6, "stat", "View invalid", "1 while the last view file read could not be used (nothing was changed because of it).", "none",
            Pos(16, 1, 4, 4), &[(&format!("max({})", s("vpcmido_view_invalid")), "invalid")]),
        &[(None, "green"), (Some(1.0), "red")],
    ));
    panels.push(thresholds(
        panel(
            7,
            "stat",
            "Guard holding a view",
            "1 while the mass-delete guard holds a view until `vpcmido confirm`.",
            "none",
            Pos(20, 1, 4, 4),
            &[(&format!("max({})", s("vpcmido_guard_held")), "held")],
        ),
        &[(None, "green"), (Some(1.0), "orange")],
    ));
    panels.push(panel(8, "timeseries", "VPCs by state", "VPC supervisors by state: converged, applying, backing_off, failed, waiting_core, deleting.", "none",
        Pos(0, 5, 12, 8), &[(&format!("sum by (state) ({})", s("vpcmido_vpcs")), "{{state}}")]));
    panels.push(panel(
        9,
        "timeseries",
        "Reconcile passes by scope and outcome",
        "Passes per second; outcome ok (wrote), noop (nothing to do), failed.",
        "ops",
        Pos(12, 5, 12, 8),
        &[(
            &format!(
                "sum by (scope, outcome) ({})",
                rate("vpcmido_reconcile_passes_total")
            ),
            "{{scope}} {{outcome}}",
        )],
    ));
    panels.push(panel(
        10,
        "timeseries",
        "Reconcile passes by trigger",
        "Why passes ran: startup, view_changed, admin, audit, retry, respawn.",
        "ops",
        Pos(0, 13, 12, 8),
        &[(
            &format!(
                "sum by (trigger) ({})",
                rate("vpcmido_reconcile_passes_total")
            ),
            "{{trigger}}",
        )],
    ));
    panels.push(panel(
        11,
        "timeseries",
        "Reconcile pass duration",
        "p50 and p99 of one pass, core and VPC scopes.",
        "s",
        Pos(12, 13, 12, 8),
        &[
            (
                &q(0.5, "vpcmido_reconcile_pass_duration_seconds", "scope"),
                "p50 {{scope}}",
            ),
            (
                &q(0.99, "vpcmido_reconcile_pass_duration_seconds", "scope"),
                "p99 {{scope}}",
            ),
        ],
    ));
    panels.push(panel(
        12,
        "timeseries",
        "View errors by reason",
        "View files that could not be used: read, syntax, invalid.",
        "none",
        Pos(0, 21, 8, 7),
        &[(
            &format!(
                "sum by (reason) (increase({}[$__rate_interval]))",
                s("vpcmido_view_errors_total")
            ),
            "{{reason}}",
        )],
    ));
    panels.push(panel(
        13,
        "timeseries",
        "Actor restarts and guard holds",
        "Actors found dead and started again (by scope); views held by the mass-delete guard.",
        "none",
        Pos(8, 21, 8, 7),
        &[
            (
                &format!(
                    "sum by (scope) (increase({}[$__rate_interval]))",
                    s("vpcmido_actor_restarts_total")
                ),
                "restarts {{scope}}",
            ),
            (
                &format!(
                    "sum(increase({}[$__rate_interval]))",
                    s("vpcmido_guard_holds_total")
                ),
                "guard holds",
            ),
        ],
    ));
    panels.push(panel(
        14,
        "timeseries",
        "Applied-version writes",
        "Handshakes with the CLC: writes of the applied-version file.",
        "none",
        Pos(16, 21, 8, 7),
        &[(
            &format!(
                "sum(increase({}[$__rate_interval]))",
                s("vpcmido_applied_version_writes_total")
            ),
            "writes",
        )],
    ));

    panels.push(row(20, "MidoNet", 28));
    panels.push(panel(21, "timeseries", "MidoNet requests by method and status", "HTTP requests to the MidoNet REST API per second, every attempt; status `error` = no reply.", "reqps",
        Pos(0, 29, 12, 8), &[(&format!("sum by (method, status) ({})", rate("vpcmido_midonet_requests_total")), "{{method}} {{status}}")]));
    panels.push(thresholds(
        panel(
            22,
            "timeseries",
            "MidoNet error ratio",
            "Share of requests answered 5xx or not answered.",
            "percentunit",
            Pos(12, 29, 12, 8),
            &[(
                &format!(
                    "(sum({}) or vector(0)) / sum({})",
                    ratel("vpcmido_midonet_requests_total", r#"status=~"5..|error""#),
                    rate("vpcmido_midonet_requests_total")
                ),
                "errors",
            )],
        ),
        &[(None, "green"), (Some(0.05), "red")],
    ));
    panels.push(panel(
        23,
        "timeseries",
        "MidoNet request latency",
        "p50 and p99 of one REST round trip, by method.",
        "s",
        Pos(0, 37, 12, 8),
        &[
            (
                &q(0.5, "vpcmido_midonet_request_duration_seconds", "method"),
                "p50 {{method}}",
            ),
            (
                &q(0.99, "vpcmido_midonet_request_duration_seconds", "method"),
                "p99 {{method}}",
            ),
        ],
    ));
    panels.push(panel(
        24,
        "timeseries",
        "MidoNet requests by resource (top 10)",
        "Requests per second by object kind (bounded: one value per MidoNet resource kind).",
        "reqps",
        Pos(12, 37, 12, 8),
        &[(
            &format!(
                "topk(10, sum by (resource) ({}))",
                rate("vpcmido_midonet_requests_total")
            ),
            "{{resource}}",
        )],
    ));
    panels.push(panel(
        25,
        "timeseries",
        "Rate-limit wait",
        "Time calls waited for their rate budget (read/write) or a write slot: p99 and mean.",
        "s",
        Pos(0, 45, 12, 8),
        &[
            (
                &q(0.99, "vpcmido_midonet_ratelimit_wait_seconds", "budget"),
                "p99 {{budget}}",
            ),
            (
                &format!(
                    "sum by (budget) ({}) / sum by (budget) ({})",
                    rate("vpcmido_midonet_ratelimit_wait_seconds_sum"),
                    rate("vpcmido_midonet_ratelimit_wait_seconds_count")
                ),
                "mean {{budget}}",
            ),
        ],
    ));
    panels.push(panel(26, "timeseries", "MidoNet retries by reason", "Attempts repeated after a transient failure: unavailable (503), server_error, conflict, timeout, connect.", "ops",
        Pos(12, 45, 12, 8), &[(&format!("sum by (reason) ({})", rate("vpcmido_midonet_retries_total")), "{{reason}}")]));

    panels.push(row(30, "Objects and writes", 53));
    panels.push(panel(
        31,
        "timeseries",
        "Objects owned by kind",
        "MidoNet objects the accepted view wants, by kind.",
        "none",
        Pos(0, 54, 8, 8),
        &[(
            &format!("sum by (kind) ({})", s("vpcmido_owned_objects")),
            "{{kind}}",
        )],
    ));
    panels.push(panel(
        32,
        "timeseries",
        "Planned writes by kind and action",
        "Writes the planner decided per second, by object kind and create/update/delete.",
        "ops",
        Pos(8, 54, 8, 8),
        &[(
            &format!(
                "sum by (kind, action) ({})",
                rate("vpcmido_planned_ops_total")
            ),
            "{{action}} {{kind}}",
        )],
    ));
    panels.push(panel(
        33,
        "timeseries",
        "Drift found by the audit",
        "Writes a drift audit found necessary (MidoNet changed behind vpcmido's back), by scope.",
        "none",
        Pos(16, 54, 8, 8),
        &[(
            &format!(
                "sum by (scope) (increase({}[$__rate_interval]))",
                s("vpcmido_drift_ops_total")
            ),
            "{{scope}}",
        )],
    ));

    dashboard(
        OVERVIEW_UID,
        "vpcmido / Overview",
        "Convergence of every VPC to the CLC's view, lag, failures and MidoNet cost. Generated by dashboards/gen; do not edit by hand.",
        vec![ds_var(), query_var("instance", "Instance", "label_values(vpcmido_vpcs, instance)", true)],
        panels,
    )
}

/// `vpcmido / VPC drill-down`: the per-VPC detail lives in `/status` (no per-VPC label on
/// any series, by the cardinality rule); this dashboard links there for `$vpc` and shows
/// what the metrics allow: the VPC scope as a whole.
pub fn vpc() -> Value {
    let s = |m: &str| format!("{m}{{instance=~\"$instance\"}}");
    let vr =
        |m: &str| format!("rate({m}{{instance=~\"$instance\",scope=\"vpc\"}}[$__rate_interval])");
    let text = "### VPC `${vpc}`\n\n\
        vpcmido exports **no per-VPC label** on any series (cardinality rule, docs/metrics.md): \
        the per-VPC detail (state, failures in a row, last error, last trigger, objects, drift, \
        restarts, backoff) is in the admin API's `/status` document.\n\n\
        * This VPC: [`http://${instance}/status`](http://${instance}/status) → `vpcs[] | select(.scope == \"${vpc}\")`\n\
        * The 10 VPCs failing the longest: `top_failing` in the same document\n\
        * From a shell on the host: `vpcmido status --json | jq '.vpcs[] | select(.scope == \"${vpc}\")'`\n\
        * Resync it: `vpcmido resync ${vpc}`\n\n\
        The panels below are the VPC scope as a whole (every VPC actor together).";
    let mut panels = vec![json!({
        "id": 1, "type": "text", "title": "Per-VPC detail",
        "gridPos": grid(Pos(0, 0, 24, 7)),
        "options": {"mode": "markdown", "content": text},
    })];
    panels.push(panel(
        2,
        "timeseries",
        "VPCs by state",
        "VPC supervisors by state.",
        "none",
        Pos(0, 7, 12, 8),
        &[(
            &format!("sum by (state) ({})", s("vpcmido_vpcs")),
            "{{state}}",
        )],
    ));
    panels.push(panel(
        3,
        "timeseries",
        "VPC passes by outcome",
        "Passes of VPC actors per second, by outcome.",
        "ops",
        Pos(12, 7, 12, 8),
        &[(
            &format!(
                "sum by (outcome) ({})",
                vr("vpcmido_reconcile_passes_total")
            ),
            "{{outcome}}",
        )],
    ));
    panels.push(panel(
        4,
        "timeseries",
        "VPC passes by trigger",
        "Why VPC passes ran.",
        "ops",
        Pos(0, 15, 12, 8),
        &[(
            &format!(
                "sum by (trigger) ({})",
                vr("vpcmido_reconcile_passes_total")
            ),
            "{{trigger}}",
        )],
    ));
    panels.push(panel(
        5,
        "heatmap",
        "VPC pass duration",
        "Distribution of VPC pass durations (histogram buckets).",
        "s",
        Pos(12, 15, 12, 8),
        &[(
            &format!(
                "sum by (le) ({})",
                vr("vpcmido_reconcile_pass_duration_seconds_bucket")
            ),
            "{{le}}",
        )],
    ));
    panels.push(panel(6, "timeseries", "VPC failure ratio", "Share of VPC passes that failed.", "percentunit",
        Pos(0, 23, 8, 8), &[(&format!(
            "(sum(rate(vpcmido_reconcile_passes_total{{instance=~\"$instance\",scope=\"vpc\",outcome=\"failed\"}}[$__rate_interval])) or vector(0)) / sum({})",
            vr("vpcmido_reconcile_passes_total")), "failed")]));
    panels.push(panel(7, "timeseries", "VPC drift and restarts", "Audit drift writes and actor restarts in the VPC scope.", "none",
        Pos(8, 23, 8, 8), &[
            (r#"sum(increase(vpcmido_drift_ops_total{instance=~"$instance",scope="vpc"}[$__rate_interval]))"#, "drift writes"),
            (r#"sum(increase(vpcmido_actor_restarts_total{instance=~"$instance",scope="vpc"}[$__rate_interval]))"#, "restarts"),
        ]));
    panels.push(panel(8, "timeseries", "Core vs VPC pass p99", "p99 pass duration, core against VPC scope: a slow core delays every VPC.", "s",
        Pos(16, 23, 8, 8), &[(r#"histogram_quantile(0.99, sum by (le, scope) (rate(vpcmido_reconcile_pass_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval])))"#, "p99 {{scope}}")]));
    let vpc_var = json!({
        "name": "vpc", "label": "VPC id", "type": "textbox",
        "query": "", "current": {"text": "", "value": ""}, "hide": 0,
        "description": "A VPC id (vpc-…); per-VPC detail is read from /status, see the text panel",
    });
    dashboard(
        VPC_UID,
        "vpcmido / VPC drill-down",
        "One VPC: its /status entry, and the VPC scope's metrics. Generated by dashboards/gen; do not edit by hand.",
        vec![ds_var(), query_var("instance", "Instance", "label_values(vpcmido_vpcs, instance)", false), vpc_var],
        panels,
    )
}

/// One Prometheus alerting rule.
pub struct Alert {
    pub name: &'static str,
    pub expr: String,
    pub for_: &'static str,
    pub severity: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
}

/// The rules of `dashboards/alerts.yml`. The scrape job is expected to be called `vpcmido`.
pub fn alerts() -> Vec<Alert> {
    vec![
        Alert {
            name: "VpcmidoDown",
            expr: r#"up{job="vpcmido"} == 0"#.into(),
            for_: "5m",
            severity: "critical",
            summary: "vpcmido on {{ $labels.instance }} is not answering scrapes",
            description: "No VPC converges while the daemon is down; the CLC waits for the applied-version file.",
        },
        Alert {
            name: "VpcmidoViewNotApplied",
            expr: "(vpcmido_view_loaded_timestamp_seconds > vpcmido_view_applied_timestamp_seconds \
                   or (vpcmido_view_loaded_timestamp_seconds unless vpcmido_view_applied_timestamp_seconds)) \
                   and (time() - vpcmido_view_loaded_timestamp_seconds > 600)"
                .into(),
            for_: "1m",
            severity: "critical",
            summary: "The view loaded by vpcmido on {{ $labels.instance }} is not applied after 10 minutes",
            description: "A view version was read more than 10 minutes ago and the applied-version file still names an older one. `vpcmido status` shows which scopes are behind (top_failing).",
        },
        Alert {
            name: "VpcmidoVpcFailing",
            expr: r#"sum by (instance, job) (vpcmido_vpcs{state=~"failed|backing_off"}) > 0"#.into(),
            for_: "15m",
            severity: "warning",
            summary: "{{ $value }} VPC(s) failing on {{ $labels.instance }}",
            description: "VPC supervisors have been failed or backing off for 15 minutes; `vpcmido status --json | jq .top_failing` names them and their last error.",
        },
        Alert {
            name: "VpcmidoCoreFailing",
            expr: r#"sum by (instance, job) (rate(vpcmido_reconcile_passes_total{scope="core",outcome="failed"}[10m])) > 0 unless sum by (instance, job) (rate(vpcmido_reconcile_passes_total{scope="core",outcome!="failed"}[10m])) > 0"#.into(),
            for_: "10m",
            severity: "critical",
            summary: "Core passes fail on {{ $labels.instance }}",
            description: "Every core pass in 10 minutes failed; no VPC can apply until the core does.",
        },
        Alert {
            name: "VpcmidoMidonetErrors",
            expr: r#"sum by (instance, job) (rate(vpcmido_midonet_requests_total{status=~"5..|error"}[5m])) / sum by (instance, job) (rate(vpcmido_midonet_requests_total[5m])) > 0.05"#.into(),
            for_: "10m",
            severity: "warning",
            summary: "{{ $value | humanizePercentage }} of MidoNet requests fail on {{ $labels.instance }}",
            description: "More than 5% of MidoNet REST requests were answered 5xx or not at all for 10 minutes.",
        },
        Alert {
            name: "VpcmidoActorRestarts",
            // The counter appears at its first restart (not zero-initialised), which
            // `increase` cannot see: a series new in the last 15 minutes counts too.
            expr: "sum by (instance, job, scope) (increase(vpcmido_actor_restarts_total[15m])) > 0 \
                   or sum by (instance, job, scope) (vpcmido_actor_restarts_total unless vpcmido_actor_restarts_total offset 15m) > 0"
                .into(),
            for_: "0m",
            severity: "warning",
            summary: "vpcmido restarted {{ $labels.scope }} actors on {{ $labels.instance }}",
            description: "An actor was found dead and started again in the last 15 minutes (a panic or a bug); the logs have the cause.",
        },
        Alert {
            name: "VpcmidoGuardHeld",
            expr: "vpcmido_guard_held == 1".into(),
            for_: "5m",
            severity: "warning",
            summary: "A view is held by the mass-delete guard on {{ $labels.instance }}",
            description: "The view would delete more than the configured share of owned objects; check it and run `vpcmido confirm`, or fix the CLC.",
        },
        Alert {
            name: "VpcmidoViewInvalid",
            expr: "vpcmido_view_invalid == 1".into(),
            for_: "10m",
            severity: "warning",
            summary: "The view file read by vpcmido on {{ $labels.instance }} is invalid",
            description: "The last view file could not be used (see vpcmido_view_errors_total by reason, and view_error in /status); vpcmido keeps the last good view.",
        },
    ]
}

fn yaml_str(s: &str) -> String {
    // A double-quoted YAML scalar: JSON's escaping is valid YAML.
    serde_json::to_string(s).expect("string")
}

/// `dashboards/alerts.yml` (Prometheus rule file).
pub fn alerts_yaml() -> String {
    let mut y = String::from(
        "# Prometheus alerting rules for vpcmido. Generated by dashboards/gen (do not edit by hand);\n\
         # checked by `promtool check rules` and evaluated against a live daemon in\n\
         # tests/observability_prometheus.rs. The scrape job is expected to be named `vpcmido`.\n\
         groups:\n  - name: vpcmido\n    rules:\n",
    );
    for a in alerts() {
        y.push_str(&format!("      - alert: {}\n", a.name));
        y.push_str(&format!("        expr: {}\n", yaml_str(&a.expr)));
        y.push_str(&format!("        for: {}\n", a.for_));
        y.push_str(&format!(
            "        labels:\n          severity: {}\n",
            a.severity
        ));
        y.push_str("        annotations:\n");
        y.push_str(&format!("          summary: {}\n", yaml_str(a.summary)));
        y.push_str(&format!(
            "          description: {}\n",
            yaml_str(a.description)
        ));
        y.push_str(&format!(
            "          dashboard: {}\n",
            yaml_str(&format!("/d/{OVERVIEW_UID}"))
        ));
    }
    y
}
