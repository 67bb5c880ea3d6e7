//! Snapshots of the desired topology of each example view: names, addresses, rules in order.
//! Reviewed against spec vpc-to-midonet.md section by section (core §3, metadata §4.1, VPC §5,
//! subnet §6, interface §7.4, security groups §8, elastic IPs §9, routes §10, NAT §11,
//! ACLs §12); a change to the translation shows up here as a diff to review.
use vpcmido::gni::{self, Limits};
use vpcmido::topology::{self, render, Allocations, Settings};

fn snapshot_of(name: &str) -> String {
    let path = format!("{}/examples/gni/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(path).expect("example view");
    let v = gni::load(&bytes, &Limits::default()).expect("valid view");
    let settings = Settings::default();
    let (alloc, skipped) = topology::allocate(&v, Allocations::default(), &settings);
    assert!(skipped.is_empty());
    let t = topology::desired(&v, &alloc, &settings, None);
    assert!(t.skipped.is_empty());
    render::topology(&t.topology)
}

#[test]
fn minimal_view_topology() {
    insta::assert_snapshot!(snapshot_of("minimal.xml"));
}

#[test]
fn full_view_topology() {
    insta::assert_snapshot!(snapshot_of("full.xml"));
}
