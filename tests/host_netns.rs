//! The host plumbing in real network namespaces (root only; skipped loudly otherwise): created
//! for the example views under a unique name prefix, read back with `ip -json`, re-applied
//! (nothing to do), shrunk when a VPC leaves the view, repaired after drift, and removed by
//! `cleanup_all` — always, through a drop guard, even when an assertion fails.
mod host_support;

use host_support::*;
use vpcmido::host::{self, HostSettings, Prefix, SystemIp};

fn settings(p: &Prefix, md_netns: bool) -> HostSettings {
    HostSettings {
        prefix: p.clone(),
        md_netns,
        metadata: true,
    }
}

fn converge(view: &vpcmido::gni::Gni, s: &HostSettings) -> (usize, usize) {
    let d = host::desired(view, s);
    let (plan, report) =
        host::converge(&SystemIp::default(), &d, &s.prefix, false).expect("converge");
    assert!(plan.conflicts.is_empty(), "{:?}", plan.conflicts);
    (plan.ops.len(), report.applied)
}

fn up(addrs: &[&str]) -> (bool, Vec<String>) {
    (true, addrs.iter().map(|s| s.to_string()).collect())
}

/// The only test that puts 169.254.169.254 and 255.0.0.0/8 in the host namespace (the others
/// use the `eucamd` namespace), so that tests running in parallel never contend for them.
#[test]
fn minimal_view_in_the_host_namespace() {
    if !root_or_skip("minimal_view_in_the_host_namespace") {
        return;
    }
    let p = unique_prefix();
    let _guard = Cleanup::new(&p);
    let pre = p.as_str();
    let s = settings(&p, false);
    let view = example("minimal.xml");

    assert_eq!(converge(&view, &s), (11, 11));

    assert_eq!(namespaces(pre), [format!("{pre}vpc-0a0b0c0d")]);
    let host_links = links(None, pre);
    assert_eq!(
        host_links.keys().cloned().collect::<Vec<_>>(),
        [
            format!("{pre}eucamd_host"),
            format!("{pre}eucamd_mido"),
            format!("{pre}vn0_0a0b0c0d")
        ]
    );
    assert_eq!(
        host_links[&format!("{pre}eucamd_host")],
        up(&["169.254.169.253/32", "169.254.169.254/29"])
    );
    assert_eq!(host_links[&format!("{pre}eucamd_mido")], up(&[]));
    assert_eq!(host_links[&format!("{pre}vn0_0a0b0c0d")], up(&[]));
    let ns = format!("{pre}vpc-0a0b0c0d");
    let inside = links(Some(&ns), pre);
    assert_eq!(inside.len(), 1);
    assert_eq!(inside[&format!("{pre}vn1_0a0b0c0d")], up(&["10.0.0.3/24"]));
    assert_eq!(
        routes(None, pre),
        [format!(
            "255.0.0.0/8 via 169.254.169.249 dev {pre}eucamd_host"
        )]
    );

    assert_eq!(converge(&view, &s), (0, 0), "re-apply must plan nothing");

    host::cleanup_all(&SystemIp::default(), &p, false).expect("cleanup");
    assert_eq!(names_with_prefix(pre), Vec::<String>::new());
    assert_eq!(routes(None, pre), Vec::<String>::new());
}

#[test]
fn full_view_with_eucamd_namespace_and_a_vpc_leaving() {
    if !root_or_skip("full_view_with_eucamd_namespace_and_a_vpc_leaving") {
        return;
    }
    let p = unique_prefix();
    let _guard = Cleanup::new(&p);
    let pre = p.as_str();
    let s = settings(&p, true);
    let mut view = example("full.xml");

    // 4 namespaces, 8 veths, 9 addresses, 16 ends up, 1 route.
    assert_eq!(converge(&view, &s), (38, 38));
    assert_eq!(
        namespaces(pre),
        [
            format!("{pre}eucamd"),
            format!("{pre}vpc-1a2b3c4d"),
            format!("{pre}vpc-2b3c4d5e"),
            format!("{pre}vpc-3c4d5e6f")
        ]
    );
    let md = format!("{pre}eucamd");
    assert_eq!(
        links(Some(&md), pre)[&format!("{pre}eucamd_host")],
        up(&["169.254.169.253/32", "169.254.169.254/29"])
    );
    assert_eq!(
        routes(Some(&md), pre),
        [format!(
            "255.0.0.0/8 via 169.254.169.249 dev {pre}eucamd_host"
        )]
    );
    assert_eq!(routes(None, pre), Vec::<String>::new());
    // eucamd_mido and the 7 vn0_ ends stay in the host namespace, without addresses.
    let host_links = links(None, pre);
    assert_eq!(host_links.len(), 8);
    assert!(host_links.values().all(|l| *l == up(&[])));
    let v2 = format!("{pre}vpc-2b3c4d5e");
    let inside = links(Some(&v2), pre);
    assert_eq!(
        inside[&format!("{pre}vn1_5e6f7a8b")],
        up(&["172.16.0.3/20"])
    );
    assert_eq!(
        inside[&format!("{pre}vn1_6f7a8b9c")],
        up(&["172.16.16.3/20"])
    );
    assert_eq!(links(Some(&format!("{pre}vpc-1a2b3c4d")), pre).len(), 4);

    assert_eq!(converge(&view, &s), (0, 0), "re-apply must plan nothing");

    // vpc-2b3c4d5e leaves the view: its namespace and its two subnet veths go, nothing else.
    view.vpcs.retain(|v| v.id != "vpc-2b3c4d5e");
    assert_eq!(converge(&view, &s), (3, 3));
    assert!(!namespaces(pre).contains(&v2));
    assert_eq!(namespaces(pre).len(), 3);
    let host_links = links(None, pre);
    assert_eq!(host_links.len(), 6);
    assert!(!host_links.contains_key(&format!("{pre}vn0_5e6f7a8b")));
    assert!(!host_links.contains_key(&format!("{pre}vn0_6f7a8b9c")));
    assert_eq!(converge(&view, &s), (0, 0));

    host::cleanup_all(&SystemIp::default(), &p, false).expect("cleanup");
    assert_eq!(names_with_prefix(pre), Vec::<String>::new());
}

#[test]
fn drift_is_repaired_and_foreign_objects_are_left_alone() {
    if !root_or_skip("drift_is_repaired_and_foreign_objects_are_left_alone") {
        return;
    }
    let p = unique_prefix();
    let mut guard = Cleanup::new(&p);
    let pre = p.as_str();
    let s = settings(&p, true);
    let view = example("minimal.xml");
    // Foreign objects that share the prefix but are not ours by name.
    let foreign_ns = format!("{pre}other");
    guard.extra_netns.push(foreign_ns.clone());
    ip(&["netns", "add", &foreign_ns]);
    let foreign_link = format!("{pre}x0");
    ip(&[
        "link",
        "add",
        &foreign_link,
        "type",
        "veth",
        "peer",
        "name",
        &format!("{pre}x1"),
        "netns",
        &foreign_ns,
    ]);

    assert_eq!(converge(&view, &s), (12, 12));

    // Drift: an address removed, a link down, a stray address added.
    let ns = format!("{pre}vpc-0a0b0c0d");
    let vn1 = format!("{pre}vn1_0a0b0c0d");
    ip(&["-n", &ns, "addr", "del", "10.0.0.3/24", "dev", &vn1]);
    ip(&["link", "set", &format!("{pre}vn0_0a0b0c0d"), "down"]);
    ip(&["-n", &ns, "addr", "add", "192.0.2.9/32", "dev", &vn1]);
    let d = host::desired(&view, &s);
    let observed = host::observe(&SystemIp::default(), &p).expect("observe");
    let plan = host::plan(&d, &observed, &p);
    let lines: Vec<String> = plan.ops.iter().map(|o| o.to_string()).collect();
    assert_eq!(
        lines,
        [
            format!("ip -n {ns} addr del 192.0.2.9/32 dev {vn1}"),
            format!("ip -n {ns} addr add 10.0.0.3/24 dev {vn1}"),
            format!("ip link set {pre}vn0_0a0b0c0d up"),
        ]
    );
    assert_eq!(converge(&view, &s), (3, 3));
    assert_eq!(converge(&view, &s), (0, 0));

    host::cleanup_all(&SystemIp::default(), &p, false).expect("cleanup");
    // Only the foreign objects are left.
    let mut left = names_with_prefix(pre);
    left.sort();
    assert_eq!(left, [foreign_ns, foreign_link]);
}

#[test]
fn dry_run_changes_nothing() {
    if !root_or_skip("dry_run_changes_nothing") {
        return;
    }
    let p = unique_prefix();
    let _guard = Cleanup::new(&p);
    let s = settings(&p, true);
    let d = host::desired(&example("full.xml"), &s);
    let (plan, report) = host::converge(&SystemIp::default(), &d, &p, true).expect("dry run");
    assert_eq!(plan.ops.len(), 38);
    assert_eq!(report, host::ApplyReport::default());
    assert_eq!(names_with_prefix(p.as_str()), Vec::<String>::new());
}

fn vpcmido(args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(args)
        .output()
        .expect("run vpcmido");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn cli_plans_applies_and_cleans_up() {
    if !root_or_skip("cli_plans_applies_and_cleans_up") {
        return;
    }
    let p = unique_prefix();
    let _guard = Cleanup::new(&p);
    let pre = p.as_str();
    let gni = format!("{}/examples/gni/minimal.xml", env!("CARGO_MANIFEST_DIR"));

    // --md-netns: only one test at a time may hold 169.254.169.254 in the host namespace.
    let (code, out) = vpcmido(&[
        "host",
        "--gni",
        &gni,
        "--prefix",
        pre,
        "--md-netns",
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 13, "{out}");
    assert_eq!(lines[0], format!("ip netns add {pre}eucamd"));
    assert_eq!(lines[12], "12 operation(s) planned (dry run)");
    assert_eq!(names_with_prefix(pre), Vec::<String>::new());

    let (code, out) = vpcmido(&["host", "--gni", &gni, "--prefix", pre, "--md-netns"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("12 operation(s): 12 applied, 0 already done\n"),
        "{out}"
    );
    assert_eq!(names_with_prefix(pre).len(), 4);
    // Each actor's part of the observed state plans nothing either.
    let observed = host::observe(&SystemIp::default(), &p).expect("observe");
    let s = settings(&p, true);
    let view = example("minimal.xml");
    let vpc_part = observed.vpc_part(&p, "vpc-0a0b0c0d");
    assert_eq!(vpc_part.links.len(), 2);
    assert!(host::plan(&host::desired_vpc(&view.vpcs[0], &s), &vpc_part, &p).is_empty());
    assert!(host::plan(&host::desired_core(&s), &observed.core_part(&p), &p).is_empty());

    let (code, out) = vpcmido(&["host", "--cleanup", "--prefix", pre]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(names_with_prefix(pre), Vec::<String>::new());
}
