//! The admin API and CLI: per-VPC resync (HTTP and `vpcmido resync`) touches only that VPC,
//! the mass-delete guard holds an empty view until `POST /confirm` (token required), an
//! invalid view changes nothing and is reported, `/metrics` exposes the daemon's metrics.
mod daemon_support;
use daemon_support::*;
use std::sync::OnceLock;
use std::time::Duration;
use vpcmido::admin::{self, AdminHandle, AdminState};
use vpcmido::midonet::sim::{Fault, SimConfig};

fn prometheus() -> Option<metrics_exporter_prometheus::PrometheusHandle> {
    static H: OnceLock<Option<metrics_exporter_prometheus::PrometheusHandle>> = OnceLock::new();
    H.get_or_init(|| vpcmido::actors::metrics::install_exporter().ok())
        .clone()
}

fn admin_on(d: &Daemon, token: Option<&str>) -> AdminHandle {
    admin::start(
        "127.0.0.1:0".parse().expect("addr"),
        AdminState {
            director: d.director.clone(),
            token: token.map(str::to_string),
            prometheus: prometheus(),
            log_level: None,
        },
    )
    .expect("admin server")
}

async fn post(url: &str, token: Option<&str>) -> (u16, String) {
    let mut r = reqwest::Client::new().post(url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.expect("admin reachable");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

async fn get(url: &str) -> (u16, String) {
    let r = reqwest::get(url).await.expect("admin reachable");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

fn reads(d: &Daemon) -> u64 {
    d.calls().0
}

#[actix::test]
async fn per_vpc_resync_via_http_and_cli_touches_only_that_vpc() {
    let v = view(3, 2, 21);
    let d = start(&v, SimConfig::default(), |_| {}).await;
    let web = admin_on(&d, None);
    d.wait_applied("00000001").await;
    let (a, others) = (
        v.vpcs[0].id.clone(),
        [v.vpcs[1].id.clone(), v.vpcs[2].id.clone()],
    );

    // Full resync first, for comparison.
    d.reset_stats();
    let (code, body) = post(&format!("{}/resync", web.url()), None).await;
    assert_eq!((code, body.as_str()), (200, "{\"scopes\":4}"));
    d.wait("full resync done", Duration::from_secs(10), |s| {
        s.core
            .as_ref()
            .is_some_and(|c| c.passes == 2 && c.state == "converged")
            && s.vpcs
                .iter()
                .all(|x| x.passes == 2 && x.state == "converged")
    })
    .await;
    let full_reads = reads(&d);
    assert_eq!(d.calls().1, 0, "nothing to write");

    // Any call naming another VPC now fails with 503: the per-VPC resync must cause none.
    for o in &others {
        fault_on(&d, o, Fault::Unavailable);
    }
    d.reset_stats();
    let (code, _) = post(&format!("{}/resync/{a}", web.url()), None).await;
    assert_eq!(code, 200);
    let s = d
        .wait("A resynced", Duration::from_secs(10), |s| {
            vpc(s, &a).passes == 3
        })
        .await;
    let one_reads = reads(&d);
    assert_eq!(
        faults_injected(&d, "unavailable_503"),
        0,
        "no call named another VPC"
    );
    assert_eq!(d.calls().1, 0);
    for o in &others {
        assert_eq!(vpc(&s, o).passes, 2, "{o} untouched");
    }
    eprintln!("resync reads: full {full_reads}, one VPC {one_reads}");
    assert!(
        one_reads > 0 && one_reads * 2 < full_reads,
        "one VPC {one_reads} vs all {full_reads}"
    );

    // The same through the CLI.
    d.reset_stats();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(["resync", &a, "--admin", &web.url()])
        .output()
        .await
        .expect("vpcmido resync");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = d
        .wait("A resynced by the CLI", Duration::from_secs(10), |s| {
            vpc(s, &a).passes == 4
        })
        .await;
    assert_eq!(faults_injected(&d, "unavailable_503"), 0);
    assert_eq!(reads(&d), one_reads, "same cost as through HTTP");
    for o in &others {
        assert_eq!(vpc(&s, o).passes, 2);
    }
    // Unknown VPC: 404, and the CLI exits 1.
    let (code, _) = post(&format!("{}/resync/vpc-00000000", web.url()), None).await;
    assert_eq!(code, 404);
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(["resync", "vpc-00000000", "--admin", &web.url()])
        .output()
        .await
        .expect("vpcmido resync");
    assert_eq!(out.status.code(), Some(1));
    // status via the CLI, as a table.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(["status", "--admin", &web.url()])
        .output()
        .await
        .expect("vpcmido status");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        table.contains("applied 00000001") && table.contains(&a),
        "{table}"
    );
    web.stop().await;
}

#[actix::test]
async fn empty_view_is_held_until_confirmed_with_the_token() {
    let v = view(2, 2, 31);
    let d = start(&v, SimConfig::default(), |_| {}).await;
    let web = admin_on(&d, Some("s3cret"));
    d.wait_applied("00000001").await;
    let mut empty = v.clone();
    empty.vpcs.clear();
    empty.instances.clear();
    empty.security_groups.clear();
    empty.internet_gateways.clear();
    empty.dhcp_option_sets.clear();
    for c in &mut empty.config.clusters {
        for n in &mut c.nodes {
            n.instance_ids.clear();
        }
    }
    d.reset_stats();
    write_view(&d.gni, &empty, "00000002");
    let s = d
        .wait("held", Duration::from_secs(10), |s| s.held.is_some())
        .await;
    let held = s.held.as_ref().expect("held");
    assert_eq!(held.version, "00000002");
    assert!(held.reason.contains("no VPC"), "{}", held.reason);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(d.calls(), (0, 0), "nothing read or deleted while held");
    assert_eq!(d.applied_file().as_deref(), Some("00000001"));
    let (_, metrics) = get(&format!("{}/metrics", web.url())).await;
    assert!(metrics.contains("vpcmido_guard_held 1"), "{metrics}");
    assert!(metrics.contains("vpcmido_guard_holds_total 1"));

    let (code, _) = post(&format!("{}/confirm", web.url()), None).await;
    assert_eq!(code, 401, "mutating call without the token");
    let (code, _) = post(&format!("{}/confirm", web.url()), Some("wrong")).await;
    assert_eq!(code, 401);
    let (code, _) = post(&format!("{}/resync", web.url()), None).await;
    assert_eq!(code, 401);
    let (code, body) = post(&format!("{}/confirm", web.url()), Some("s3cret")).await;
    assert_eq!((code, body.as_str()), (200, "{\"confirmed\":\"00000002\"}"));
    let s = d.wait_applied("00000002").await;
    assert!(
        s.vpcs.is_empty(),
        "retired VPCs leave the table: {:?}",
        s.vpcs
    );
    let st = d.sim.sim().stats();
    let deletes: u64 = st
        .requests
        .iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.count)
        .sum();
    assert!(deletes > 10, "VPCs deleted after confirm: {deletes}");
    let (code, _) = post(&format!("{}/confirm", web.url()), Some("s3cret")).await;
    assert_eq!(code, 409, "nothing held any more");
    web.stop().await;
}

#[actix::test]
async fn invalid_view_changes_nothing_and_is_reported() {
    let v = view(1, 2, 41);
    let d = start(&v, SimConfig::default(), |_| {}).await;
    let web = admin_on(&d, None);
    d.wait_applied("00000001").await;
    d.reset_stats();
    std::fs::write(&d.gni, b"<network-data version=\"00000002\"><vpcs><vpc").expect("write");
    let s = d
        .wait("view error", Duration::from_secs(10), |s| {
            s.view_error.is_some()
        })
        .await;
    assert!(
        s.view_error.as_deref().unwrap_or("").contains("line"),
        "{:?}",
        s.view_error
    );
    assert_eq!(s.accepted_version.as_deref(), Some("00000001"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(d.calls(), (0, 0));
    assert_eq!(
        d.applied_file().as_deref(),
        Some("00000001"),
        "not written for an invalid view"
    );
    let (code, _) = get(&format!("{}/readyz", web.url())).await;
    assert_eq!(code, 200, "still ready: the accepted view stays applied");
    let (_, m) = get(&format!("{}/metrics", web.url())).await;
    assert!(m.contains("vpcmido_view_invalid 1"), "{m}");
    assert!(
        m.contains("vpcmido_view_errors_total{reason=\"syntax\"}"),
        "{m}"
    );
    assert!(
        m.contains("vpcmido_reconcile_pass_duration_seconds_bucket{scope=\"vpc\",le=\"0.005\"}")
    );
    // A valid view again: applied.
    write_view(&d.gni, &v, "00000003");
    let s = d.wait_applied("00000003").await;
    assert!(s.view_error.is_none());
    let (code, body) = get(&format!("{}/status", web.url())).await;
    assert_eq!(code, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(doc["applied_version"], "00000003");
    assert_eq!(doc["vpcs"][0]["state"], "converged");
    web.stop().await;
}
