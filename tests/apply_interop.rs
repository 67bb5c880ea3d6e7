//! After `vpcmido apply` of full.xml to a standalone `vpcmido sim`, the REAL `midonet-cli`
//! (midonetclient 5.2.0, from scripts/setup-interop.sh) finds what an operator expects by name:
//! every `vb_` subnet bridge with its DHCP gateway and DNS servers, the NAT gateway's router, and
//! the network ACL chains. A missing venv fails the test, never skips it.
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn venv() -> PathBuf {
    std::env::var_os("VPCMIDO_INTEROP_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("build/venv"))
}

struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn cli(url: &str, cmd: &str) -> String {
    let out = Command::new(venv().join("bin/python"))
        .arg(venv().join("bin/midonet-cli"))
        .args(["-A", "--midonet-url", url, "-e", cmd])
        .output()
        .expect("run midonet-cli");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn midonet_cli_finds_the_applied_topology_by_name() {
    assert!(
        venv().join(".midonetclient-5.2.0-py3").exists(),
        "interop venv missing at {}: run scripts/setup-interop.sh",
        venv().display()
    );
    let view = root().join("examples/gni/full.xml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(["sim", "--listen", "127.0.0.1:0", "--hosts-from-gni"])
        .arg(&view)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start vpcmido sim");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("banner");
    let _sim = Sim(child);
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("banner")
        .to_string();

    let out = Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(["apply", "--json", "--gni"])
        .arg(&view)
        .args(["--midonet-url", &url])
        .output()
        .expect("apply");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(report["converged"], true);
    assert_eq!(report["created"], 567);

    let bridges = cli(&url, "bridge list");
    let subnets = [
        ("vb_vpc-1a2b3c4d_subnet-1a2b3c4d", "10.10.0.1"),
        ("vb_vpc-1a2b3c4d_subnet-2b3c4d5e", "10.10.1.1"),
        ("vb_vpc-1a2b3c4d_subnet-3c4d5e6f", "10.10.2.1"),
        ("vb_vpc-1a2b3c4d_subnet-4d5e6f7a", "10.10.3.1"),
        ("vb_vpc-2b3c4d5e_subnet-5e6f7a8b", "172.16.0.1"),
        ("vb_vpc-2b3c4d5e_subnet-6f7a8b9c", "172.16.16.1"),
        ("vb_vpc-3c4d5e6f_subnet-7a8b9c0d", "192.168.0.1"),
    ];
    for (name, gw) in subnets {
        let line = bridges
            .lines()
            .find(|l| l.contains(&format!("name {name} ")))
            .unwrap_or_else(|| panic!("{name} not in `bridge list`:\n{bridges}"));
        let id = line.split_whitespace().nth(1).expect("bridge id");
        let dhcp = cli(&url, &format!("bridge {id} dhcp list"));
        assert!(
            dhcp.contains(&format!("gw {gw} dns-servers 10.20.0.53,10.20.0.54")),
            "{name}: {dhcp}"
        );
    }
    let routers = cli(&url, "router list");
    assert!(
        routers.contains("name natr_nat-0a1b2c3d4e5f60718_subnet-1a2b3c4d_5 "),
        "{routers}"
    );
    assert!(routers.contains("name eucart "), "{routers}");
    let chains = cli(&url, "chain list");
    for acl in [
        "acl_ingress_vpc-1a2b3c4d_acl-2b3c4d5e",
        "acl_egress_vpc-1a2b3c4d_acl-2b3c4d5e",
        "acl_ingress_vpc-3c4d5e6f_acl-4d5e6f7a",
    ] {
        assert!(chains.contains(&format!("name {acl}")), "{acl}: {chains}");
    }
}
