//! Helpers for the `gni_rules_*` tests: build an invalid view by editing an example, and
//! assert the exact path and a fragment of the message of one of its problems.
#![allow(dead_code)] // each test file uses a subset

use vpcmido::gni::{self, Limits, Problem, ViewError};

pub fn example(name: &str) -> String {
    let path = format!("{}/examples/gni/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `minimal.xml` with the first occurrence of each `from` replaced by its `to`.
pub fn minimal_with(edits: &[(&str, &str)]) -> String {
    edit(example("minimal.xml"), edits)
}

pub fn full_with(edits: &[(&str, &str)]) -> String {
    edit(example("full.xml"), edits)
}

pub fn edit(mut xml: String, edits: &[(&str, &str)]) -> String {
    for (from, to) in edits {
        assert!(xml.contains(from), "edit anchor not found: {from}");
        xml = xml.replacen(from, to, 1);
    }
    xml
}

pub fn problems(xml: &str) -> Vec<Problem> {
    match gni::load(xml.as_bytes(), &Limits::default()) {
        Err(ViewError::Invalid(p)) => p,
        Ok(_) => panic!("expected the view to be invalid, but it loaded"),
        Err(other) => panic!("expected Invalid, got {other}"),
    }
}

/// Asserts a problem at exactly `path` whose message contains `fragment`.
#[track_caller]
pub fn expect(xml: &str, path: &str, fragment: &str) {
    let found = problems(xml);
    assert!(
        found
            .iter()
            .any(|p| p.path == path && p.message.contains(fragment)),
        "no problem at {path} containing {fragment:?}; got:\n{}",
        found
            .iter()
            .map(|p| format!("  {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[track_caller]
pub fn valid(xml: &str) -> gni::Gni {
    gni::load(xml.as_bytes(), &Limits::default())
        .unwrap_or_else(|e| panic!("expected valid: {:#?}", e.lines()))
}

pub const VPC: &str = "vpcs/vpc[vpc-0a0b0c0d]";
pub const SUBNET: &str = "vpcs/vpc[vpc-0a0b0c0d]/subnets/subnet[subnet-0a0b0c0d]";
pub const ACL_IN: &str =
    "vpcs/vpc[vpc-0a0b0c0d]/networkAcls/networkAcl[acl-0a0b0c0d]/ingressEntries";
pub const ROUTES: &str = "vpcs/vpc[vpc-0a0b0c0d]/routeTables/routeTable[rtb-0a0b0c0d]/routes";
pub const INST: &str = "instances/instance[i-0f1e2d3c]";
pub const ENI: &str =
    "instances/instance[i-0f1e2d3c]/networkInterfaces/networkInterface[eni-0e1f2a3b]";
pub const SG_IN: &str = "securityGroups/securityGroup[sg-0a0b0c0d]/ingressRules";
pub const GW: &str = "configuration/mido/gateways/gateway[1]";
