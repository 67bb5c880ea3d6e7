//! Value formats, ids, root attributes, containment and section structure (spec §11.2-1..3, -10).
//! One invalid view per rule, built by editing an example; each test asserts the exact
//! problem path and a fragment of its message.
mod gni_support;

use gni_support::*;

// --- root attributes (§11.2-1, §11.2-10)

#[test]
fn version_must_be_8_lower_case_hex() {
    expect(
        &minimal_with(&[("version=\"0e9d4c7a\"", "version=\"0E9D4C7A\"")]),
        "@version",
        "8 lower-case hex",
    );
}

#[test]
fn version_is_required() {
    expect(
        &minimal_with(&[(" version=\"0e9d4c7a\"", "")]),
        "@version",
        "missing",
    );
}

#[test]
fn applied_time_requires_applied_version() {
    let xml = minimal_with(&[(
        "version=\"0e9d4c7a\"",
        "version=\"0e9d4c7a\" applied-time=\"2017-11-06T18:22:41Z\"",
    )]);
    expect(&xml, "@applied-time", "without @applied-version");
}

#[test]
fn applied_version_requires_applied_time() {
    let xml = minimal_with(&[(
        "version=\"0e9d4c7a\"",
        "version=\"0e9d4c7a\" applied-version=\"0e9d4c7a\"",
    )]);
    expect(&xml, "@applied-version", "without @applied-time");
}

#[test]
fn applied_time_must_be_a_utc_timestamp() {
    let xml = minimal_with(&[(
        "version=\"0e9d4c7a\"",
        "version=\"0e9d4c7a\" applied-version=\"0e9d4c7a\" applied-time=\"2017-11-06 18:22:41\"",
    )]);
    expect(&xml, "@applied-time", "not a UTC timestamp");
}

// --- ids (§11.2-1)

#[test]
fn ids_must_match_their_prefix_pattern() {
    expect(
        &minimal_with(&[("<vpc name=\"vpc-0a0b0c0d\">", "<vpc name=\"vpc-0A0B0C0D\">")]),
        "vpcs/vpc[vpc-0A0B0C0D]/@name",
        "is not a VPC id",
    );
    expect(
        &minimal_with(&[(
            "<subnet name=\"subnet-0a0b0c0d\">",
            "<subnet name=\"sub-0a0b0c0d\">",
        )]),
        "vpcs/vpc[vpc-0a0b0c0d]/subnets/subnet[sub-0a0b0c0d]/@name",
        "is not a subnet id",
    );
    expect(
        &minimal_with(&[(
            "<instance name=\"i-0f1e2d3c\">",
            "<instance name=\"i-0f1e2d3\">",
        )]),
        "instances/instance[i-0f1e2d3]/@name",
        "8 or 17 lower-case hex",
    );
}

#[test]
fn long_17_digit_ids_are_accepted() {
    let xml = example("minimal.xml").replace("vpc-0a0b0c0d", "vpc-0a0b0c0d0e0f10203");
    assert_eq!(valid(&xml).vpcs[0].id, "vpc-0a0b0c0d0e0f10203");
}

#[test]
fn nat_gateway_ids_always_have_17_digits() {
    let nat = "<natGateways><natGateway name=\"nat-0a0b0c0d\"><ownerId>000111222333</ownerId><privateIp>10.0.0.5</privateIp><vpc>vpc-0a0b0c0d</vpc><subnet>subnet-0a0b0c0d</subnet></natGateway></natGateways>";
    expect(
        &minimal_with(&[("<natGateways/>", nat)]),
        &format!("{VPC}/natGateways/natGateway[nat-0a0b0c0d]/@name"),
        "17 lower-case hex",
    );
}

#[test]
fn ids_are_unique_within_their_kind() {
    let sg = "</securityGroup><securityGroup name=\"sg-0a0b0c0d\"><ownerId>000111222333</ownerId><ingressRules/><egressRules/></securityGroup></securityGroups>";
    expect(
        &minimal_with(&[("</securityGroup>\n  </securityGroups>", sg)]),
        "securityGroups/securityGroup[sg-0a0b0c0d]/@name",
        "duplicate security group id",
    );
}

#[test]
fn element_without_a_name_is_reported_by_position() {
    expect(
        &minimal_with(&[("<securityGroup name=\"sg-0a0b0c0d\">", "<securityGroup>")]),
        "securityGroups/securityGroup[1]/@name",
        "missing",
    );
}

#[test]
fn owner_ids_are_12_digit_accounts() {
    expect(
        &minimal_with(&[(
            "<ownerId>000111222333</ownerId>\n      <cidr>",
            "<ownerId>alice</ownerId>\n      <cidr>",
        )]),
        &format!("{VPC}/ownerId"),
        "not an account id",
    );
}

// --- values (§11.2-2)

#[test]
fn addresses_must_be_dotted_quads() {
    let xml = minimal_with(&[(
        "<privateIp>10.0.0.10</privateIp>",
        "<privateIp>10.0.0.300</privateIp>",
    )]);
    expect(
        &xml,
        &format!("{INST}/privateIp"),
        "\"10.0.0.300\" is not an IPv4 address",
    );
}

#[test]
fn cidr_prefix_length_is_at_most_32() {
    let xml = minimal_with(&[("<cidr>10.0.0.0/24</cidr>", "<cidr>10.0.0.0/33</cidr>")]);
    expect(
        &xml,
        &format!("{SUBNET}/cidr"),
        "\"10.0.0.0/33\" is not an IPv4 CIDR",
    );
}

#[test]
fn vpc_cidr_must_be_a_network_address() {
    expect(
        &minimal_with(&[("<cidr>10.0.0.0/16</cidr>", "<cidr>10.0.0.1/16</cidr>")]),
        &format!("{VPC}/cidr"),
        "host bits set",
    );
}

#[test]
fn mac_addresses_are_six_lower_case_pairs() {
    let xml = minimal_with(&[(
        "<macAddress>d0:0d:0e:1f:2a:3b</macAddress>\n          <privateIp>",
        "<macAddress>D0:0D:0E:1F:2A:3B</macAddress>\n          <privateIp>",
    )]);
    expect(&xml, &format!("{ENI}/macAddress"), "not a MAC address");
}

#[test]
fn repeated_scalar_elements_are_rejected() {
    expect(
        &minimal_with(&[(
            "<cidr>10.0.0.0/16</cidr>",
            "<cidr>10.0.0.0/16</cidr><cidr>10.1.0.0/16</cidr>",
        )]),
        &format!("{VPC}/cidr"),
        "appears 2 times",
    );
}

// --- containment (§11.2-3)

#[test]
fn subnet_lies_inside_its_vpc() {
    let xml = minimal_with(&[("<cidr>10.0.0.0/24</cidr>", "<cidr>10.1.0.0/24</cidr>")]);
    expect(
        &xml,
        &format!("{SUBNET}/cidr"),
        "not inside the VPC CIDR 10.0.0.0/16",
    );
}

#[test]
fn subnets_of_a_vpc_do_not_overlap() {
    let second = "<subnet name=\"subnet-1a1b1c1d\"><ownerId>000111222333</ownerId><cidr>10.0.0.128/25</cidr><cluster>az1</cluster><networkAcl>acl-0a0b0c0d</networkAcl><routeTable>rtb-0a0b0c0d</routeTable></subnet></subnets>";
    expect(
        &minimal_with(&[("</subnets>", second)]),
        &format!("{VPC}/subnets/subnet[subnet-1a1b1c1d]/cidr"),
        "overlaps 10.0.0.0/24 of subnet-0a0b0c0d",
    );
}

#[test]
fn eni_private_ip_lies_inside_its_subnet() {
    let xml = example("minimal.xml").replace(
        "<privateIp>10.0.0.10</privateIp>",
        "<privateIp>10.0.1.10</privateIp>",
    );
    expect(
        &xml,
        &format!("{ENI}/privateIp"),
        "10.0.1.10 is not inside subnet subnet-0a0b0c0d (10.0.0.0/24)",
    );
}

#[test]
fn nat_private_ip_lies_inside_its_subnet() {
    let xml = full_with(&[(
        "<privateIp>10.10.0.10</privateIp>\n          <vpc>",
        "<privateIp>10.10.9.10</privateIp>\n          <vpc>",
    )]);
    expect(
        &xml,
        "vpcs/vpc[vpc-1a2b3c4d]/natGateways/natGateway[nat-0a1b2c3d4e5f60718]/privateIp",
        "not inside subnet subnet-1a2b3c4d",
    );
}

#[test]
fn private_ips_are_unique_within_a_vpc() {
    // The NAT gateway of full.xml takes the address of an ENI of the same VPC.
    let xml = full_with(&[(
        "<privateIp>10.10.0.10</privateIp>\n          <vpc>",
        "<privateIp>10.10.0.20</privateIp>\n          <vpc>",
    )]);
    expect(
        &xml,
        "instances/instance[i-0a1b2c3d]/networkInterfaces/networkInterface[eni-1a2b3c4d]/privateIp",
        "also used by nat-0a1b2c3d4e5f60718",
    );
}

#[test]
fn public_ips_are_assigned_once() {
    let xml = full_with(&[(
        "<publicIp>203.0.113.30</publicIp>",
        "<publicIp>203.0.113.20</publicIp>",
    )]);
    expect(
        &xml,
        "instances/instance[i-0a1b2c3d]/networkInterfaces/networkInterface[eni-1a2b3c4d]/publicIp",
        "203.0.113.20 is also assigned at vpcs/vpc[vpc-1a2b3c4d]/natGateways",
    );
}

// --- sections

#[test]
fn configuration_is_required_and_sections_appear_once() {
    let xml = example("minimal.xml");
    let start = xml.find("<configuration>").unwrap_or(0);
    let end = xml
        .find("</configuration>")
        .map_or(0, |e| e + "</configuration>".len());
    expect(
        &format!("{}{}", &xml[..start], &xml[end..]),
        "configuration",
        "missing",
    );
    expect(
        &minimal_with(&[(
            "<internetGateways/>\n  <securityGroups>",
            "<internetGateways/><internetGateways/><securityGroups>",
        )]),
        "internetGateways",
        "appears 2 times",
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let xml = minimal_with(&[
        ("<cidr>10.0.0.0/24</cidr>", "<cidr>10.0.0.0/33</cidr>"),
        ("<action>allow</action>", "<action>maybe</action>"),
        (
            "<groupId>sg-0a0b0c0d</groupId>",
            "<groupId>sg-0f0f0f0f</groupId>",
        ),
    ]);
    let found = problems(&xml);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!(found[0].path, format!("{SUBNET}/cidr"));
    assert_eq!(found[1].path, format!("{ACL_IN}/entry[100]/action"));
    assert_eq!(found[2].path, format!("{SG_IN}/rule[1]/groupId"));
}
