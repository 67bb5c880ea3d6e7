//! `vpcmido run` as a process: it serves /status, SIGHUP re-reads the view (with inotify off
//! and a one-hour poll, nothing else would), SIGTERM stops it with exit code 0.
mod daemon_support;
use daemon_support::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn wait_for(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !cond() {
        assert!(t0.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn kill(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .expect("kill")
        .success();
    assert!(ok, "kill {sig} {pid}");
}

#[test]
fn sighup_rereads_the_view_and_sigterm_exits_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gni = dir.path().join("global_network_info.xml");
    let applied = dir.path().join("global_network_info.version");
    let log = dir.path().join("log");
    let v = view(2, 2, 51);
    write_view(&gni, &v, "0000000a");
    let admin = format!("127.0.0.1:{}", free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(["run", "--gni"])
        .arg(&gni)
        .arg("--applied-version-file")
        .arg(&applied)
        .args(["--admin", &admin, "--log-format", "json"])
        .env("VPCMIDO_WATCH_INOTIFY", "false")
        .env("VPCMIDO_POLL_INTERVAL_SECONDS", "3600")
        .env("VPCMIDO_EUCALYPTUS_CONF", "/dev/null")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("vpcmido run");
    let pid = child.id();
    let read = || std::fs::read_to_string(&applied).unwrap_or_default();
    wait_for("first apply", Duration::from_secs(30), || {
        read() == "0000000a"
    });

    let status = Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(["status", "--json", "--admin", &format!("http://{admin}")])
        .output()
        .expect("vpcmido status");
    let doc: serde_json::Value = serde_json::from_slice(&status.stdout).expect("status json");
    assert_eq!(doc["applied_version"], "0000000a");
    assert_eq!(doc["vpcs"].as_array().map(Vec::len), Some(2));
    assert_eq!(doc["ready"], true);

    write_view(&gni, &v, "0000000b");
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(read(), "0000000a", "not noticed without a signal");
    kill(pid, "-HUP");
    wait_for("apply after SIGHUP", Duration::from_secs(10), || {
        read() == "0000000b"
    });

    kill(pid, "-TERM");
    let t0 = Instant::now();
    let code = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s.code();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(15),
            "still running after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));
    let text = std::fs::read_to_string(&log).expect("log");
    for needle in [
        "SIGHUP: re-reading the view",
        "SIGTERM: stopping",
        "vpcmido stopped",
        "\"trigger\":\"startup\"",
    ] {
        assert!(text.contains(needle), "log lacks {needle:?}:\n{text}");
    }
}
