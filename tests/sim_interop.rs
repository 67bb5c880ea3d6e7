//! Interop with the REAL MidoNet client: `vpcmido sim` driven by python-midonetclient 5.2.0
//! (`tests/interop/drive.py`) and read back with `midonet-cli`. Needs the venv made by
//! `scripts/setup-interop.sh`; a missing venv FAILS the test (it must never silently skip).
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

fn venv() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("VPCMIDO_INTEROP_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("build/venv"))
}

struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

fn start_sim() -> (Sim, String) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(["sim", "--listen", "127.0.0.1:0", "--hosts-from-gni"])
        .arg(root.join("examples/gni/minimal.xml"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("start vpcmido sim");
    let out = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(out)
        .read_line(&mut line)
        .expect("read banner");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("banner")
        .to_string();
    (Sim(child), url)
}

fn cli(url: &str, cmd: &str) -> String {
    let out = Command::new(venv().join("bin/python"))
        .arg(venv().join("bin/midonet-cli"))
        .args(["-A", "--midonet-url", url, "-e", cmd])
        .output()
        .expect("run midonet-cli");
    assert!(
        out.status.success(),
        "midonet-cli {cmd}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn real_midonet_client_and_cli_agree_with_the_emulator() {
    let py = venv().join("bin/python");
    assert!(
        py.exists() && venv().join(".midonetclient-5.2.0-py3").exists(),
        "interop venv missing at {}: run scripts/setup-interop.sh (the test fails rather than skips)",
        venv().display()
    );
    let (mut sim, url) = start_sim();
    let drive = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/drive.py");
    let out = Command::new(&py)
        .arg(drive)
        .arg(&url)
        .output()
        .expect("run drive.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("DRIVE OK"),
        "drive.py:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let routers = cli(&url, "router list");
    assert!(
        routers.contains("name vr_interop") && routers.contains("state up"),
        "{routers}"
    );
    let bridges = cli(&url, "bridge list");
    assert!(bridges.contains("name vb_interop"), "{bridges}");
    let chains = cli(&url, "chain list");
    assert!(
        chains.contains("name ic_interop") && chains.contains("name jt_interop"),
        "{chains}"
    );
    let hosts = cli(&url, "host list");
    // minimal.xml: NC node 10.20.1.101, gateway 10.20.0.21, CLC 10.20.0.10.
    for name in ["10.20.1.101", "10.20.0.21", "10.20.0.10"] {
        assert!(
            hosts.contains(&format!("name {name} alive true")),
            "{hosts}"
        );
    }
    let zones = cli(&url, "tunnel-zone list");
    assert!(zones.contains("name mido-tz type gre"), "{zones}");

    // Clean shutdown on SIGTERM, exit 0.
    let pid = sim.0.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    let status = sim.0.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
}
