//! The admin API refuses to listen off loopback without a token: anyone who can reach it could
//! otherwise confirm a held mass delete.
use std::process::Command;

#[test]
fn a_non_loopback_admin_address_without_a_token_is_refused() {
    let view = format!("{}/examples/gni/minimal.xml", env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(["run", "--gni", &view, "--admin", "0.0.0.0:0"])
        .arg("--applied-version-file")
        .arg(dir.path().join("applied"))
        .output()
        .expect("run vpcmido");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("needs a token"), "{err}");
    assert!(!dir.path().join("applied").exists());
}
