//! Issue 10 (4), bad views, against `vpcmido apply` and `vpcmido plan` (the daemon's half —
//! last good state kept while running, `/status`, metrics, the mass-delete guard — is pending
//! issue 7, see tests/reliability_daemon.rs): a truncated file, invalid XML, invalid
//! references, a DOCTYPE, an empty file and a missing file are refused with exit 1 and an error
//! that names the file and the place, before MidoNet is contacted: 0 requests, and
//! `/_sim/state` byte-for-byte as it was.
mod reliability_support;
use reliability_support::*;
use std::time::Duration;
use vpcmido::apply::{apply, ApplyConfig};
use vpcmido::midonet::sim::{self, SimConfig};

#[actix_rt::test]
async fn bad_views_are_refused_before_midonet_is_touched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "good.xml", 2, 2, 4);
    let h = sim::start(SimConfig {
        hosts_from_gni: Some(path.clone()),
        ..SimConfig::default()
    })
    .await
    .expect("emulator");
    let base = format!("http://{}", h.addr());
    let c = client(&h.url()).await;
    assert!(
        apply(&view, &c, &ApplyConfig::default())
            .await
            .expect("apply")
            .converged
    );
    let good = std::fs::read(&path).expect("view");
    let example = |n: &str| {
        std::fs::read(format!("{}/examples/gni/{n}", env!("CARGO_MANIFEST_DIR"))).expect("example")
    };
    let cases: Vec<(&str, Option<Vec<u8>>, &str)> = vec![
        (
            "truncated",
            Some(good[..good.len() * 2 / 3].to_vec()),
            "line ",
        ),
        (
            "invalid XML",
            Some(b"<network-data version=\"1\"><vpcs></network-data>".to_vec()),
            "line 1",
        ),
        (
            "invalid references",
            Some(example("invalid-missing-vpc.xml")),
            "unknown",
        ),
        (
            "malformed CIDR",
            Some(example("invalid-malformed-cidr.xml")),
            "cidr",
        ),
        (
            "truncated example",
            Some(example("invalid-truncated.xml")),
            "line ",
        ),
        (
            "DOCTYPE",
            Some(b"<!DOCTYPE x [<!ENTITY a \"b\">]><network-data/>".to_vec()),
            "DOCTYPE",
        ),
        ("empty file", Some(Vec::new()), "line "),
        ("missing file", None, "No such file"),
    ];
    let before_state = sim_state(&base).await.to_string();
    let before_requests = requests_total(&sim_stats(&base).await);
    let url = h.url();
    let mut refused = 0;
    for (n, (what, bytes, needle)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("bad-{n}.xml"));
        if let Some(b) = bytes {
            std::fs::write(&file, b).expect("write bad view");
        }
        let f = file.to_str().expect("utf-8");
        let mut shown = String::new();
        for cmd in ["apply", "plan"] {
            let (code, out, err) = run_cli(
                &[cmd, "--gni", f, "--midonet-url", &url],
                Duration::from_secs(30),
            )
            .await;
            assert_eq!(code, 1, "{cmd} {what}: {out}{err}");
            assert!(
                err.contains(f),
                "{cmd} {what}: the error names the file: {err}"
            );
            assert!(
                err.to_lowercase().contains(&needle.to_lowercase()),
                "{cmd} {what}: the error says where ({needle:?}): {err}"
            );
            refused += 1;
            if cmd == "apply" {
                shown = err;
            }
        }
        eprintln!(
            "{what}: {}",
            shown.lines().take(2).collect::<Vec<_>>().join(" / ")
        );
    }
    let after_requests = requests_total(&sim_stats(&base).await);
    assert_eq!(after_requests, before_requests, "MidoNet was not contacted");
    assert_eq!(
        sim_state(&base).await.to_string(),
        before_state,
        "state unchanged"
    );
    eprintln!(
        "{refused} refusals ({} views × apply, plan): 0 requests to MidoNet, state unchanged",
        cases.len()
    );
    h.stop().await.expect("stop");
}
