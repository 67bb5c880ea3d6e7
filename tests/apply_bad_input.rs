//! Bad input never reaches MidoNet: an invalid view plans and writes nothing (every problem
//! printed, exit 1); an interface whose NC has no MidoNet host is reported and left unbound
//! while everything else converges.
mod apply_support;
use apply_support::*;
use std::process::Command;
use vpcmido::apply::{apply, ApplyConfig};
use vpcmido::midonet::sim::SimConfig;

#[actix_rt::test]
async fn an_invalid_view_writes_nothing_and_lists_every_problem() {
    let (h, _c) = cloud("minimal.xml", SimConfig::default()).await;
    for (file, needle) in [
        ("invalid-malformed-cidr.xml", "10.0.0.0/33"),
        ("invalid-missing-vpc.xml", "vpc-0a0b0c0d"),
        ("invalid-truncated.xml", "line 176"),
    ] {
        for cmd in ["apply", "plan"] {
            let out = Command::new(env!("CARGO_BIN_EXE_vpcmido"))
                .arg(cmd)
                .arg("--gni")
                .arg(example(file))
                .args(["--midonet-url", &h.url()])
                .output()
                .expect("run vpcmido");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{cmd} {file}: {err}");
            assert!(err.contains("invalid view, nothing was changed"), "{err}");
            assert!(err.contains(needle), "{cmd} {file}: {err}");
        }
    }
    assert_eq!(writes_applied(&h), 0);
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn an_interface_on_an_unregistered_node_is_reported_and_the_rest_converges() {
    // Hosts of minimal.xml only: full.xml's NCs 10.20.1.102, 10.20.2.101 are unknown to MidoNet.
    let (h, c) = cloud("minimal.xml", SimConfig::default()).await;
    let view = load("full.xml");
    let r = apply(&view, &c, &ApplyConfig::default())
        .await
        .expect("apply");
    assert!(r.converged && r.failed.is_empty(), "{:?}", r.failed);
    let missing: Vec<&String> = r
        .unresolved
        .iter()
        .filter(|u| u.contains("MidoNet has no host"))
        .collect();
    // i-1b2c3d4e (two ENIs) on 10.20.1.102, i-2c3d4e5f and i-3d4e5f6a on 10.20.2.101, and
    // the second gateway host 10.20.0.22.
    assert_eq!(missing.len(), 5, "{missing:#?}");
    assert!(missing
        .iter()
        .any(|u| u.contains("i-1b2c3d4e/port") && u.contains("10.20.1.102")));
    assert!(missing
        .iter()
        .any(|u| u.contains("10.20.0.22") && u.contains("eth1.101")));
    // Everything else is there; a second apply writes nothing and reports the same.
    let again = apply(&view, &c, &ApplyConfig::default())
        .await
        .expect("apply");
    assert_eq!(again.writes(), 0);
    assert_eq!(again.unresolved.len(), r.unresolved.len());
    h.stop().await.expect("stop");
}
