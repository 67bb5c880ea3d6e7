//! End to end through real namespaces (root only; skipped loudly otherwise): `curl` inside a
//! namespace that stands in for an instance's metadata path reaches the proxy on
//! 169.254.169.254:80 and gets the instance's data from a fake CLC on loopback.
//!
//! What is real: the host plumbing built by `host::converge` for `examples/gni/full.xml` with
//! the `eucamd` namespace option (veth `eucamd_mido`↔`eucamd_host`, 169.254.169.254/29 and
//! .253/32 on `eucamd_host`, the route 255.0.0.0/8 via 169.254.169.249), the proxy bound inside
//! that namespace, the map built from the view and the allocated interface ids, and the
//! forwarding to the CLC over the host's loopback.
//!
//! What is emulated: MidoNet. In production eucamdrt's external port (169.254.169.249/29) is
//! bound to `eucamd_mido`, and packets from an instance arrive there already SNATed by its VPC
//! router's metadata uplink to the interface's metadata address 255.0.0.0+eniid. Here the test
//! moves `eucamd_mido` into its own namespace `<prefix>inst`, gives it 169.254.169.249/29 (the
//! external port) and the interfaces' metadata addresses, and runs `curl --interface
//! <255.x address>`: the packet leaves with the source the SNAT would have produced, and the
//! reply comes back by the plumbing's 255.0.0.0/8 route via .249 — the same walk as spec
//! vpc-to-midonet.md §4.1 steps 4 to 6 from eucamdrt outwards.
mod host_support;
mod metadata_support;

use host_support::*;
use metadata_support::*;
use std::net::{Ipv4Addr, SocketAddr};
use vpcmido::host::{self, HostSettings, SystemIp};
use vpcmido::metadata::{self, ProxyConfig, SharedMap};
use vpcmido::topology::{self, addr, Allocations, Settings};

/// `curl` from inside `netns`, from `src`, to the metadata address; (status, body).
async fn curl_from(netns: &str, src: Ipv4Addr, path: &str) -> (u16, String) {
    let src = src.to_string();
    let url = format!("http://169.254.169.254{path}");
    let out = tokio::process::Command::new("ip")
        .args(["netns", "exec", netns, "curl", "-sS", "--max-time", "5"])
        .args([
            "--interface",
            src.as_str(),
            "-w",
            "\n%{http_code}",
            url.as_str(),
        ])
        .output()
        .await
        .expect("run curl (apt-get install curl)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "curl from {src}: {}{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (body, code) = text.rsplit_once('\n').expect("status line");
    (code.trim().parse().expect("status"), body.to_string())
}

#[actix_web::test]
async fn curl_from_an_instance_path_gets_its_data_from_the_clc() {
    if !root_or_skip("curl_from_an_instance_path_gets_its_data_from_the_clc") {
        return;
    }
    let p = unique_prefix();
    let pre = p.as_str().to_string();
    let inst = format!("{pre}inst");
    let mut guard = Cleanup::new(&p);
    guard.extra_netns.push(inst.clone());

    let view = example("full.xml");
    let s = HostSettings {
        prefix: p.clone(),
        md_netns: true,
        metadata: true,
    };
    let (plan, _) = host::converge(&SystemIp::default(), &host::desired(&view, &s), &p, false)
        .expect("host plumbing");
    assert_eq!(plan.ops.len(), 38);

    let (alloc, skipped) = topology::allocate(&view, Allocations::default(), &Settings::default());
    assert!(skipped.is_empty());
    let map = metadata::build_map(&view, &alloc.eniids);
    assert_eq!(map.len(), 6);
    let primary = addr::md_ip(alloc.eniids["i-0a1b2c3d"]);
    let secondary = addr::md_ip(alloc.eniids["eni-3c4d5e6f"]);
    let unknown = Ipv4Addr::new(255, 0, 0, 200);
    assert!(!map.contains_key(&unknown));

    let clc = start_fake_clc();
    let proxy = metadata::start(
        ProxyConfig {
            listen: SocketAddr::from((addr::METADATA_IP, 80)),
            netns: Some(p.md_netns()),
            clc_url: clc.url(),
            ..ProxyConfig::default()
        },
        SharedMap::new(map),
    )
    .await
    .expect("proxy listens on 169.254.169.254:80 inside the eucamd namespace");

    // The stand-in for eucamdrt's external port and the SNATed instance sources.
    let mido = p.md_mido();
    ip(&["netns", "add", &inst]);
    ip(&["link", "set", &mido, "netns", &inst]);
    for a in [
        "169.254.169.249/29".to_string(),
        format!("{primary}/32"),
        format!("{secondary}/32"),
        format!("{unknown}/32"),
    ] {
        ip(&["-n", &inst, "addr", "add", &a, "dev", &mido]);
    }
    ip(&["-n", &inst, "link", "set", &mido, "up"]);
    ip(&["-n", &inst, "link", "set", "lo", "up"]);

    let (status, body) = curl_from(&inst, primary, "/latest/meta-data/instance-id").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.starts_with("instance-id=i-0a1b2c3d\n"), "{body}");
    assert!(
        body.contains("uri=/latest/meta-data/instance-id\n"),
        "{body}"
    );
    assert!(body.contains("host=169.254.169.254\n"), "{body}");
    assert!(body.contains("from=127.0.0.1\n"), "{body}");

    // A secondary ENI's address maps to its instance (the CLC accepts only i-… ids).
    let (status, body) = curl_from(&inst, secondary, "/latest/user-data").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.starts_with("instance-id=i-1b2c3d4e\n"), "{body}");

    let (status, body) = curl_from(&inst, unknown, "/latest/meta-data/").await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        "vpcmido metadata: no instance owns source address 255.0.0.200; \
         its interface is not in the network view (yet)\n"
    );

    proxy.stop().await;
    clc.handle.stop(true).await;
    drop(guard);
    assert_eq!(names_with_prefix(&pre), Vec::<String>::new());
}
