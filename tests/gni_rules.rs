//! One invalid view per validation rule (spec §11.1, §11.2 and the VPCMIDO checks), each
//! built by mutating an example, asserting the exact path and a fragment of the message.
use vpcmido::gni::{self, Limits, Problem, ViewError};

fn example(name: &str) -> String {
    let path = format!("{}/examples/gni/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `minimal.xml` with the first occurrence of each `from` replaced by its `to`.
fn minimal_with(edits: &[(&str, &str)]) -> String {
    edit(example("minimal.xml"), edits)
}

fn full_with(edits: &[(&str, &str)]) -> String {
    edit(example("full.xml"), edits)
}

fn edit(mut xml: String, edits: &[(&str, &str)]) -> String {
    for (from, to) in edits {
        assert!(xml.contains(from), "edit anchor not found: {from}");
        xml = xml.replacen(from, to, 1);
    }
    xml
}

fn problems(xml: &str) -> Vec<Problem> {
    match gni::load(xml.as_bytes(), &Limits::default()) {
        Err(ViewError::Invalid(p)) => p,
        Ok(_) => panic!("expected the view to be invalid, but it loaded"),
        Err(other) => panic!("expected Invalid, got {other}"),
    }
}

/// Asserts a problem at exactly `path` whose message contains `fragment`.
#[track_caller]
fn expect(xml: &str, path: &str, fragment: &str) {
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
fn valid(xml: &str) -> gni::Gni {
    gni::load(xml.as_bytes(), &Limits::default())
        .unwrap_or_else(|e| panic!("expected valid: {:#?}", e.lines()))
}

const VPC: &str = "vpcs/vpc[vpc-0a0b0c0d]";
const SUBNET: &str = "vpcs/vpc[vpc-0a0b0c0d]/subnets/subnet[subnet-0a0b0c0d]";
const ACL_IN: &str = "vpcs/vpc[vpc-0a0b0c0d]/networkAcls/networkAcl[acl-0a0b0c0d]/ingressEntries";
const ROUTES: &str = "vpcs/vpc[vpc-0a0b0c0d]/routeTables/routeTable[rtb-0a0b0c0d]/routes";
const INST: &str = "instances/instance[i-0f1e2d3c]";
const ENI: &str = "instances/instance[i-0f1e2d3c]/networkInterfaces/networkInterface[eni-0e1f2a3b]";
const SG_IN: &str = "securityGroups/securityGroup[sg-0a0b0c0d]/ingressRules";
const GW: &str = "configuration/mido/gateways/gateway[1]";

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

// --- references (§11.2-4)

#[test]
fn subnet_route_table_and_acl_resolve_in_the_same_vpc() {
    expect(
        &minimal_with(&[(
            "<routeTable>rtb-0a0b0c0d</routeTable>",
            "<routeTable>rtb-0f0f0f0f</routeTable>",
        )]),
        &format!("{SUBNET}/routeTable"),
        "unknown route table \"rtb-0f0f0f0f\"",
    );
    expect(
        &minimal_with(&[(
            "<networkAcl>acl-0a0b0c0d</networkAcl>",
            "<networkAcl>acl-0f0f0f0f</networkAcl>",
        )]),
        &format!("{SUBNET}/networkAcl"),
        "unknown network ACL",
    );
    let xml = full_with(&[(
        "<networkAcl>acl-2b3c4d5e</networkAcl>",
        "<networkAcl>acl-3c4d5e6f</networkAcl>",
    )]);
    expect(
        &xml,
        "vpcs/vpc[vpc-1a2b3c4d]/subnets/subnet[subnet-1a2b3c4d]/networkAcl",
        "belongs to vpc-2b3c4d5e, not vpc-1a2b3c4d",
    );
}

#[test]
fn subnet_cluster_resolves() {
    expect(
        &minimal_with(&[("<cluster>az1</cluster>", "<cluster>az9</cluster>")]),
        &format!("{SUBNET}/cluster"),
        "unknown cluster \"az9\"",
    );
}

#[test]
fn vpc_dhcp_option_set_resolves() {
    expect(
        &minimal_with(&[(
            "<dhcpOptionSet>dopt-0a0b0c0d</dhcpOptionSet>",
            "<dhcpOptionSet>dopt-0f0f0f0f</dhcpOptionSet>",
        )]),
        &format!("{VPC}/dhcpOptionSet"),
        "unknown DHCP option set",
    );
}

#[test]
fn vpc_internet_gateways_resolve_to_top_level_ones() {
    let xml = minimal_with(&[(
        "<internetGateways/>\n    </vpc>",
        "<internetGateways><value>igw-0f0f0f0f</value></internetGateways></vpc>",
    )]);
    expect(
        &xml,
        &format!("{VPC}/internetGateways/value[1]"),
        "unknown internet gateway \"igw-0f0f0f0f\"",
    );
}

#[test]
fn nat_gateway_belongs_to_its_enclosing_vpc_and_subnet() {
    let xml = full_with(&[("<vpc>vpc-1a2b3c4d</vpc>\n          <subnet>subnet-1a2b3c4d</subnet>\n        </natGateway>", "<vpc>vpc-2b3c4d5e</vpc><subnet>subnet-5e6f7a8b</subnet></natGateway>")]);
    let nat = "vpcs/vpc[vpc-1a2b3c4d]/natGateways/natGateway[nat-0a1b2c3d4e5f60718]";
    expect(
        &xml,
        &format!("{nat}/vpc"),
        "not the enclosing VPC vpc-1a2b3c4d",
    );
    expect(
        &xml,
        &format!("{nat}/subnet"),
        "belongs to vpc-2b3c4d5e, not vpc-1a2b3c4d",
    );
}

#[test]
fn instance_and_eni_placement_resolves() {
    let xml = example("invalid-missing-vpc.xml");
    expect(&xml, &format!("{INST}/vpc"), "unknown VPC \"vpc-0a0b0c0d\"");
    expect(
        &xml,
        &format!("{ENI}/subnet"),
        "unknown subnet \"subnet-0a0b0c0d\"",
    );
}

#[test]
fn eni_subnet_belongs_to_the_eni_vpc() {
    let xml = full_with(&[(
        "<subnet>subnet-2b3c4d5e</subnet>\n          <securityGroups>",
        "<subnet>subnet-5e6f7a8b</subnet><securityGroups>",
    )]);
    let eni = "instances/instance[i-1b2c3d4e]/networkInterfaces/networkInterface[eni-3c4d5e6f]";
    expect(
        &xml,
        &format!("{eni}/subnet"),
        "belongs to vpc-2b3c4d5e, not vpc-1a2b3c4d",
    );
}

#[test]
fn all_enis_of_an_instance_are_in_its_vpc() {
    let xml = full_with(&[(
        "<vpc>vpc-1a2b3c4d</vpc>\n          <subnet>subnet-2b3c4d5e</subnet>",
        "<vpc>vpc-2b3c4d5e</vpc><subnet>subnet-5e6f7a8b</subnet>",
    )]);
    let eni = "instances/instance[i-1b2c3d4e]/networkInterfaces/networkInterface[eni-3c4d5e6f]";
    expect(
        &xml,
        &format!("{eni}/vpc"),
        "not the instance's VPC \"vpc-1a2b3c4d\"",
    );
}

#[test]
fn security_group_references_resolve() {
    expect(
        &minimal_with(&[(
            "<value>sg-0a0b0c0d</value>\n          </securityGroups>",
            "<value>sg-0f0f0f0f</value></securityGroups>",
        )]),
        &format!("{ENI}/securityGroups/value[1]"),
        "unknown security group \"sg-0f0f0f0f\"",
    );
    expect(
        &minimal_with(&[(
            "<value>sg-0a0b0c0d</value>\n      </securityGroups>",
            "<value>sg-0f0f0f0f</value></securityGroups>",
        )]),
        &format!("{INST}/securityGroups/value[1]"),
        "unknown security group",
    );
    expect(
        &minimal_with(&[(
            "<groupId>sg-0a0b0c0d</groupId>",
            "<groupId>sg-0f0f0f0f</groupId>",
        )]),
        &format!("{SG_IN}/rule[1]/groupId"),
        "unknown security group",
    );
}

#[test]
fn node_instance_ids_resolve_and_place_each_instance_once() {
    let node = "configuration/clusters/cluster[az1]/nodes/node[10.20.1.101]/instanceIds/value[2]";
    expect(
        &minimal_with(&[(
            "<value>i-0f1e2d3c</value>",
            "<value>i-0f1e2d3c</value><value>i-0f0f0f0f</value>",
        )]),
        node,
        "unknown instance \"i-0f0f0f0f\"",
    );
    expect(
        &minimal_with(&[(
            "<value>i-0f1e2d3c</value>",
            "<value>i-0f1e2d3c</value><value>i-0f1e2d3c</value>",
        )]),
        node,
        "listed under more than one node",
    );
    expect(
        &minimal_with(&[("<value>i-0f1e2d3c</value>", "")]),
        INST,
        "not listed under any node",
    );
}

#[test]
fn empty_instance_id_values_are_rejected() {
    let xml = minimal_with(&[(
        "<value>i-0f1e2d3c</value>",
        "<value>i-0f1e2d3c</value><value/>",
    )]);
    expect(
        &xml,
        "configuration/clusters/cluster[az1]/nodes/node[10.20.1.101]/instanceIds/value[2]",
        "empty value",
    );
}

// --- routes (§11.2-5)

const LOCAL: &str = "<gatewayId>local</gatewayId>";

#[test]
fn route_has_exactly_one_target() {
    expect(
        &minimal_with(&[(LOCAL, "")]),
        &format!("{ROUTES}/route[1]"),
        "has no target",
    );
    expect(
        &minimal_with(&[(
            LOCAL,
            "<gatewayId>local</gatewayId><natGatewayId>nat-0a0b0c0d0e0f10203</natGatewayId>",
        )]),
        &format!("{ROUTES}/route[1]"),
        "has 2 targets (gatewayId, natGatewayId)",
    );
}

#[test]
fn local_route_destination_is_the_vpc_cidr() {
    expect(
        &minimal_with(&[(
            "<destinationCidr>10.0.0.0/16</destinationCidr>",
            "<destinationCidr>10.0.0.0/24</destinationCidr>",
        )]),
        &format!("{ROUTES}/route[1]/destinationCidr"),
        "not the VPC CIDR 10.0.0.0/16",
    );
}

#[test]
fn gateway_target_is_local_or_an_attached_igw() {
    expect(
        &minimal_with(&[(LOCAL, "<gatewayId>vgw-0a0b0c0d</gatewayId>")]),
        &format!("{ROUTES}/route[1]/gatewayId"),
        "neither \"local\" nor an internet gateway id",
    );
    let xml = full_with(&[(
        "<gatewayId>igw-1a2b3c4d</gatewayId>",
        "<gatewayId>igw-2b3c4d5e</gatewayId>",
    )]);
    expect(
        &xml,
        "vpcs/vpc[vpc-1a2b3c4d]/routeTables/routeTable[rtb-2b3c4d5e]/routes/route[2]/gatewayId",
        "not attached to this VPC",
    );
}

#[test]
fn nat_target_is_in_the_same_vpc() {
    let route = "<route><destinationCidr>0.0.0.0/0</destinationCidr><natGatewayId>nat-0a1b2c3d4e5f60718</natGatewayId></route></routes>";
    let xml = full_with(&[(
        "<gatewayId>igw-2b3c4d5e</gatewayId>\n            </route>\n          </routes>",
        &format!("<gatewayId>igw-2b3c4d5e</gatewayId></route>{route}"),
    )]);
    expect(
        &xml,
        "vpcs/vpc[vpc-2b3c4d5e]/routeTables/routeTable[rtb-4d5e6f7a]/routes/route[3]/natGatewayId",
        "belongs to vpc-1a2b3c4d, not vpc-2b3c4d5e",
    );
    let unknown = "<natGatewayId>nat-0f0f0f0f0f0f0f0f0</natGatewayId>";
    expect(
        &full_with(&[(
            "<natGatewayId>nat-0a1b2c3d4e5f60718</natGatewayId>",
            unknown,
        )]),
        "vpcs/vpc[vpc-1a2b3c4d]/routeTables/routeTable[rtb-1a2b3c4d]/routes/route[2]/natGatewayId",
        "unknown NAT gateway",
    );
}

#[test]
fn eni_target_is_attached_in_the_same_vpc() {
    let rt = "vpcs/vpc[vpc-1a2b3c4d]/routeTables/routeTable[rtb-3c4d5e6f]/routes/route[3]/networkInterfaceId";
    expect(
        &full_with(&[(
            "<networkInterfaceId>eni-2b3c4d5e</networkInterfaceId>",
            "<networkInterfaceId>eni-6e7f8a9b</networkInterfaceId>",
        )]),
        rt,
        "is in vpc-2b3c4d5e, not in this VPC",
    );
    expect(
        &full_with(&[(
            "<networkInterfaceId>eni-2b3c4d5e</networkInterfaceId>",
            "<networkInterfaceId>eni-0f0f0f0f</networkInterfaceId>",
        )]),
        rt,
        "unknown network interface",
    );
}

// --- ACL entries (§11.2-6)

const ENTRY_100: &str = "<entry number=\"100\">";

#[test]
fn acl_entry_numbers_are_1_to_32767() {
    expect(
        &minimal_with(&[(ENTRY_100, "<entry number=\"0\">")]),
        &format!("{ACL_IN}/entry[0]/@number"),
        "out of range 1..32767",
    );
    expect(
        &minimal_with(&[("<entry number=\"32767\">", "<entry number=\"32768\">")]),
        &format!("{ACL_IN}/entry[32768]/@number"),
        "out of range",
    );
}

#[test]
fn acl_entry_numbers_are_unique_and_sorted() {
    expect(
        &minimal_with(&[("<entry number=\"32767\">", "<entry number=\"100\">")]),
        &format!("{ACL_IN}/entry[100]/@number"),
        "duplicate rule number 100",
    );
    let swapped = [
        (ENTRY_100, "<entry number=\"@\">"),
        ("<entry number=\"32767\">", ENTRY_100),
        ("<entry number=\"@\">", "<entry number=\"32767\">"),
    ];
    expect(
        &minimal_with(&swapped),
        &format!("{ACL_IN}/entry[100]/@number"),
        "rule 100 follows rule 32767; entries must be sorted",
    );
}

#[test]
fn acl_action_is_allow_or_deny() {
    expect(
        &minimal_with(&[("<action>allow</action>", "<action>reject</action>")]),
        &format!("{ACL_IN}/entry[100]/action"),
        "not allow or deny",
    );
}

#[test]
fn acl_protocol_is_minus_one_or_1_to_255() {
    let at = format!("{ACL_IN}/entry[100]/protocol");
    expect(
        &minimal_with(&[("<protocol>-1</protocol>", "<protocol>0</protocol>")]),
        &at,
        "0 is not a protocol",
    );
    expect(
        &minimal_with(&[("<protocol>-1</protocol>", "<protocol>256</protocol>")]),
        &at,
        "out of range -1..255",
    );
}

#[test]
fn acl_ports_go_with_tcp_and_udp_only() {
    expect(
        &minimal_with(&[("<protocol>-1</protocol>", "<protocol>6</protocol>")]),
        &format!("{ACL_IN}/entry[100]/portRangeFrom"),
        "missing (required for protocol 6)",
    );
    let xml = minimal_with(&[(
        "<cidr>0.0.0.0/0</cidr>",
        "<cidr>0.0.0.0/0</cidr><portRangeFrom>1</portRangeFrom><portRangeTo>2</portRangeTo>",
    )]);
    expect(
        &xml,
        &format!("{ACL_IN}/entry[100]/portRangeTo"),
        "not allowed for protocol -1",
    );
    let xml = minimal_with(&[
        ("<protocol>-1</protocol>", "<protocol>17</protocol>"),
        (
            "<cidr>0.0.0.0/0</cidr>",
            "<cidr>0.0.0.0/0</cidr><portRangeFrom>9</portRangeFrom><portRangeTo>8</portRangeTo>",
        ),
    ]);
    expect(
        &xml,
        &format!("{ACL_IN}/entry[100]/portRangeTo"),
        "port range 9-8 is empty",
    );
}

#[test]
fn acl_icmp_fields_go_with_icmp_only() {
    expect(
        &minimal_with(&[("<protocol>-1</protocol>", "<protocol>1</protocol>")]),
        &format!("{ACL_IN}/entry[100]/icmpType"),
        "missing (required for protocol 1)",
    );
}

// --- security group rules (§11.2-7)

#[test]
fn sg_rule_has_exactly_one_peer() {
    expect(
        &minimal_with(&[(
            "<groupOwnerId>000111222333</groupOwnerId>",
            "<groupOwnerId>000111222333</groupOwnerId><cidr>10.0.0.0/8</cidr>",
        )]),
        &format!("{SG_IN}/rule[1]"),
        "both groupId and cidr",
    );
    expect(
        &minimal_with(&[
            ("<groupId>sg-0a0b0c0d</groupId>", ""),
            ("<groupOwnerId>000111222333</groupOwnerId>", ""),
        ]),
        &format!("{SG_IN}/rule[1]"),
        "neither groupId nor cidr",
    );
}

#[test]
fn sg_group_owner_goes_with_group_id() {
    expect(
        &minimal_with(&[("<groupOwnerId>000111222333</groupOwnerId>", "")]),
        &format!("{SG_IN}/rule[1]/groupOwnerId"),
        "missing (required with groupId)",
    );
    expect(
        &minimal_with(&[("<groupId>sg-0a0b0c0d</groupId>", "<cidr>10.0.0.0/8</cidr>")]),
        &format!("{SG_IN}/rule[1]/groupOwnerId"),
        "not allowed without groupId",
    );
}

#[test]
fn sg_ports_exactly_for_tcp_and_udp() {
    let tcp = (
        "<protocol>-1</protocol>\n          <groupId>",
        "<protocol>6</protocol><groupId>",
    );
    expect(
        &minimal_with(&[tcp]),
        &format!("{SG_IN}/rule[1]/fromPort"),
        "missing (required for protocol 6)",
    );
    let with_ports = (
        "<protocol>-1</protocol>\n          <groupId>",
        "<protocol>-1</protocol><fromPort>1</fromPort><toPort>1</toPort><groupId>",
    );
    expect(
        &minimal_with(&[with_ports]),
        &format!("{SG_IN}/rule[1]/fromPort"),
        "not allowed for protocol -1",
    );
    let reversed = (
        "<protocol>-1</protocol>\n          <groupId>",
        "<protocol>6</protocol><fromPort>443</fromPort><toPort>80</toPort><groupId>",
    );
    expect(
        &minimal_with(&[reversed]),
        &format!("{SG_IN}/rule[1]/toPort"),
        "443-80 is empty",
    );
}

#[test]
fn sg_icmp_fields_exactly_for_icmp() {
    expect(
        &minimal_with(&[(
            "<protocol>-1</protocol>\n          <groupId>",
            "<protocol>1</protocol><groupId>",
        )]),
        &format!("{SG_IN}/rule[1]/icmpCode"),
        "missing (required for protocol 1)",
    );
    let xml = minimal_with(&[("<protocol>-1</protocol>\n          <groupId>", "<protocol>17</protocol><fromPort>53</fromPort><toPort>53</toPort><icmpType>8</icmpType><groupId>")]);
    expect(
        &xml,
        &format!("{SG_IN}/rule[1]/icmpType"),
        "not allowed for protocol 17",
    );
}

#[test]
fn port_zero_and_icmp_type_zero_are_legal() {
    let xml = minimal_with(&[(
        "<protocol>-1</protocol>\n          <groupId>",
        "<protocol>6</protocol><fromPort>0</fromPort><toPort>0</toPort><groupId>",
    )]);
    let g = valid(&xml);
    assert_eq!(
        g.security_groups[0].ingress[0].traffic,
        gni::Traffic::Tcp(gni::PortRange { from: 0, to: 0 })
    );
    let xml = minimal_with(&[(
        "<protocol>-1</protocol>\n          <groupId>",
        "<protocol>1</protocol><icmpType>0</icmpType><icmpCode>0</icmpCode><groupId>",
    )]);
    let g = valid(&xml);
    assert_eq!(
        g.security_groups[0].ingress[0].traffic,
        gni::Traffic::Icmp {
            icmp_type: Some(0),
            code: Some(0)
        }
    );
}

// --- instances (§11.1, §11.2-8)

#[test]
fn device_indexes_are_unique_with_one_primary() {
    expect(
        &minimal_with(&[(
            "<deviceIndex>0</deviceIndex>",
            "<deviceIndex>1</deviceIndex>",
        )]),
        &format!("{INST}/networkInterfaces"),
        "no network interface with deviceIndex 0",
    );
    let second = "<networkInterface name=\"eni-1f2a3b4c\"><ownerId>000111222333</ownerId><deviceIndex>0</deviceIndex><attachmentId>eni-attach-1f2a3b4c</attachmentId><macAddress>d0:0d:1f:2a:3b:4c</macAddress><privateIp>10.0.0.11</privateIp><sourceDestCheck>true</sourceDestCheck><vpc>vpc-0a0b0c0d</vpc><subnet>subnet-0a0b0c0d</subnet><securityGroups/></networkInterface></networkInterfaces>";
    expect(
        &minimal_with(&[("</networkInterfaces>", second)]),
        &format!("{INST}/networkInterfaces/networkInterface[eni-1f2a3b4c]/deviceIndex"),
        "device index 0 is used twice",
    );
}

#[test]
fn instance_fields_equal_its_primary_eni() {
    let xml = minimal_with(&[(
        "<macAddress>d0:0d:0e:1f:2a:3b</macAddress>",
        "<macAddress>d0:0d:00:00:00:01</macAddress>",
    )]);
    expect(
        &xml,
        &format!("{INST}/macAddress"),
        "differs from \"d0:0d:0e:1f:2a:3b\" of its primary interface eni-0e1f2a3b",
    );
    let xml = minimal_with(&[(
        "<privateIp>10.0.0.10</privateIp>",
        "<privateIp>10.0.0.10</privateIp><publicIp>203.0.113.101</publicIp>",
    )]);
    expect(&xml, &format!("{INST}/publicIp"), "differs from \"(none)\"");
}

#[test]
fn instance_needs_an_eni_and_a_security_group() {
    let no_sg = (
        "<securityGroups>\n        <value>sg-0a0b0c0d</value>\n      </securityGroups>",
        "<securityGroups/>",
    );
    expect(
        &minimal_with(&[no_sg]),
        &format!("{INST}/securityGroups"),
        "at least one security group",
    );
}

#[test]
fn eni_required_fields() {
    expect(
        &minimal_with(&[("<attachmentId>eni-attach-0e1f2a3b</attachmentId>", "")]),
        &format!("{ENI}/attachmentId"),
        "missing",
    );
    expect(
        &minimal_with(&[(
            "<sourceDestCheck>true</sourceDestCheck>",
            "<sourceDestCheck>yes</sourceDestCheck>",
        )]),
        &format!("{ENI}/sourceDestCheck"),
        "not true or false",
    );
    expect(
        &minimal_with(&[(
            "<privateIp>10.0.0.10</privateIp>\n          <sourceDestCheck>",
            "<privateIp>0.0.0.0</privateIp><sourceDestCheck>",
        )]),
        &format!("{ENI}/privateIp"),
        "0.0.0.0",
    );
}

// --- configuration and mido (§11.1, §11.2-9)

#[test]
fn edge_views_are_rejected_with_a_reason() {
    expect(
        &minimal_with(&[("<value>VPCMIDO</value>", "<value>EDGE</value>")]),
        "configuration/mode",
        "vpcmido implements VPCMIDO mode only",
    );
}

#[test]
fn configuration_scalars_are_required() {
    expect(
        &minimal_with(&[("<value>10.20.0.10</value>", "<value>0.0.0.0</value>")]),
        "configuration/enabledCLCIp",
        "0.0.0.0",
    );
    let no_dns = (
        "<property name=\"instanceDNSServers\">\n      <value>10.20.0.53</value>\n    </property>",
        "",
    );
    expect(
        &minimal_with(&[no_dns]),
        "configuration/instanceDNSServers",
        "missing",
    );
    expect(
        &minimal_with(&[("<value>d0:0d</value>", "<value>d0:0d:00</value>")]),
        "configuration/clusters/cluster[az1]/macPrefix",
        "not a MAC prefix",
    );
    expect(
        &minimal_with(&[("<value>10.20.0.11</value>", "<value>0.0.0.0</value>")]),
        "configuration/clusters/cluster[az1]/enabledCCIp",
        "0.0.0.0",
    );
}

#[test]
fn mido_needs_one_to_six_gateways() {
    let xml = example("minimal.xml");
    let start = xml.find("<property name=\"mido\">").unwrap_or(0);
    let end = xml.find("<property name=\"clusters\">").unwrap_or(0);
    let without = format!("{}{}", &xml[..start], &xml[end..]);
    expect(
        &without,
        "configuration/mido",
        "missing (VPCMIDO needs 1..6",
    );
    let gw_start = xml.find("<gateway>").unwrap_or(0);
    let gw_end = xml.find("</gateway>").map_or(0, |e| e + "</gateway>".len());
    let gw = &xml[gw_start..gw_end];
    let seven = format!("{}{}{}", &xml[..gw_start], gw.repeat(7), &xml[gw_end..]);
    expect(&seven, "configuration/mido/gateways", "has 7 gateways");
}

#[test]
fn static_gateway_needs_a_next_hop_inside_its_cidr() {
    expect(
        &minimal_with(&[("<value>198.51.100.1</value>", "<value>198.51.101.1</value>")]),
        &format!("{GW}/externalRouterIp"),
        "not a host address of the externalCidr 198.51.100.0/24",
    );
    let no_hop = ("<property name=\"externalRouterIp\">\n            <value>198.51.100.1</value>\n          </property>", "");
    expect(
        &minimal_with(&[no_hop]),
        &format!("{GW}/externalRouterIp"),
        "missing (without mido bgpAsn",
    );
    expect(
        &minimal_with(&[(
            "<value>198.51.100.10</value>",
            "<value>198.51.100.255</value>",
        )]),
        &format!("{GW}/externalIp"),
        "not a host address",
    );
}

#[test]
fn bgp_properties_need_bgp_asn() {
    let bgp = "<property name=\"bgpPeerIp\"><value>198.51.100.2</value></property></gateway>";
    expect(
        &minimal_with(&[("</gateway>", bgp)]),
        &format!("{GW}/bgpPeerIp"),
        "not allowed without mido bgpAsn",
    );
}

#[test]
fn with_bgp_asn_every_gateway_is_bgp() {
    let xml = full_with(&[(
        "<property name=\"bgpPeerAsn\">\n            <value>65002</value>\n          </property>",
        "",
    )]);
    expect(
        &xml,
        "configuration/mido/gateways/gateway[2]/bgpPeerAsn",
        "every gateway must be a BGP gateway",
    );
}

#[test]
fn public_ips_lie_within_bgp_ad_routes() {
    let xml = full_with(&[(
        "<value>203.0.113.200-203.0.113.239</value>",
        "<value>203.0.113.200-203.0.114.9</value>",
    )]);
    expect(
        &xml,
        "configuration/publicIps",
        "203.0.113.200-203.0.114.9 is not inside the union of the gateways' bgpAdRoutes",
    );
    let xml = full_with(&[(
        "<publicIp>203.0.113.30</publicIp>",
        "<publicIp>192.0.2.30</publicIp>",
    )]);
    expect(
        &xml,
        "vpcs/vpc[vpc-1a2b3c4d]/natGateways/natGateway[nat-0a1b2c3d4e5f60718]/publicIp",
        "not inside any gateway's bgpAdRoutes",
    );
}

const LEGACY_GW: &str = "<gateway><property name=\"gatewayHost\"><value>gw1.example.com</value></property><property name=\"gatewayIP\"><value>198.51.100.10</value></property><property name=\"gatewayInterface\"><value>eth1</value></property></gateway>";
const LEGACY_MIDO: &str = "<property name=\"publicNetworkCidr\"><value>198.51.100.0/24</value></property><property name=\"publicGatewayIP\"><value>198.51.100.1</value></property>";

fn minimal_legacy(mido_level: &str) -> String {
    let xml = example("minimal.xml");
    let gw_start = xml.find("<gateway>").unwrap_or(0);
    let gw_end = xml.find("</gateway>").map_or(0, |e| e + "</gateway>".len());
    let xml = format!("{}{LEGACY_GW}{}", &xml[..gw_start], &xml[gw_end..]);
    xml.replacen(
        "</property>\n    </property>\n    <property name=\"clusters\">",
        &format!("</property>{mido_level}</property><property name=\"clusters\">"),
        1,
    )
}

#[test]
fn legacy_gateways_resolve_from_mido_level_properties() {
    let g = valid(&minimal_legacy(LEGACY_MIDO));
    let gw = &g.config.mido.gateways[0];
    assert_eq!(gw.format, gni::GatewayFormat::Legacy);
    assert_eq!(gw.host, "gw1.example.com");
    assert_eq!(gw.external_cidr.to_string(), "198.51.100.0/24");
    assert_eq!(
        gw.routing,
        gni::Routing::Static {
            next_hop: "198.51.100.1"
                .parse()
                .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED)
        }
    );
}

#[test]
fn legacy_gateways_need_public_network_cidr_and_gateway_ip() {
    expect(
        &minimal_legacy(""),
        "configuration/mido/publicNetworkCidr",
        "missing (legacy-format gateways need it)",
    );
}

#[test]
fn current_gateways_forbid_legacy_mido_properties() {
    let xml = minimal_with(&[(
        "</property>\n    </property>\n    <property name=\"clusters\">",
        &format!("</property>{LEGACY_MIDO}</property><property name=\"clusters\">"),
    )]);
    expect(
        &xml,
        "configuration/mido/publicGatewayIP",
        "not allowed with current-format gateways",
    );
}

#[test]
fn gateway_formats_are_not_mixed() {
    let mixed = "<property name=\"gatewayHost\"><value>gw1</value></property></gateway>";
    expect(
        &minimal_with(&[("</gateway>", mixed)]),
        GW,
        "mixes current-format and legacy properties",
    );
}

// --- DHCP options

#[test]
fn dhcp_option_values_are_checked() {
    let xml = minimal_with(&[(
        "<value>10.20.0.53</value>\n      </property>\n    </dhcpOptionSet>",
        "<value>ns1</value></property></dhcpOptionSet>",
    )]);
    expect(
        &xml,
        "dhcpOptionSets/dhcpOptionSet[dopt-0a0b0c0d]/property[domain-name-servers]",
        "not an IPv4 address",
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

// --- remaining configuration checks

#[test]
fn mode_must_be_present_and_known() {
    expect(
        &minimal_with(&[("<value>VPCMIDO</value>", "<value>MANAGED</value>")]),
        "configuration/mode",
        "\"MANAGED\" is not a mode",
    );
    let no_mode = (
        "<property name=\"mode\">\n      <value>VPCMIDO</value>\n    </property>",
        "",
    );
    expect(&minimal_with(&[no_mode]), "configuration/mode", "missing");
}

#[test]
fn single_valued_properties_have_one_value() {
    let xml = minimal_with(&[(
        "<value>10.20.0.10</value>",
        "<value>10.20.0.10</value><value>10.20.0.11</value>",
    )]);
    expect(
        &xml,
        "configuration/enabledCLCIp",
        "has 2 values; exactly one is allowed",
    );
}

#[test]
fn repeated_properties_are_rejected() {
    let twice = "<property name=\"enabledCLCIp\"><value>10.20.0.10</value></property><property name=\"instanceDNSDomain\">";
    expect(
        &minimal_with(&[("<property name=\"instanceDNSDomain\">", twice)]),
        "configuration/enabledCLCIp",
        "appears 2 times",
    );
}

#[test]
fn public_ips_are_addresses_or_ranges() {
    let xml = minimal_with(&[(
        "<value>203.0.113.100-203.0.113.120</value>",
        "<value>203.0.113.120-203.0.113.100</value>",
    )]);
    expect(&xml, "configuration/publicIps", "empty range");
    let xml = minimal_with(&[(
        "<value>203.0.113.100-203.0.113.120</value>",
        "<value>203.0.113.0/24</value>",
    )]);
    expect(
        &xml,
        "configuration/publicIps",
        "not an IPv4 address or first-last range",
    );
}

#[test]
fn instance_dns_servers_need_a_value() {
    let xml = minimal_with(&[(
        "<property name=\"instanceDNSServers\">\n      <value>10.20.0.53</value>\n    </property>",
        "<property name=\"instanceDNSServers\"/>",
    )]);
    expect(
        &xml,
        "configuration/instanceDNSServers",
        "needs at least one value",
    );
}

#[test]
fn bgp_asn_is_1_to_4294967295() {
    let xml = full_with(&[("<value>64512</value>", "<value>4294967296</value>")]);
    expect(
        &xml,
        "configuration/mido/bgpAsn",
        "out of range 1..4294967295",
    );
}

#[test]
fn bgp_gateways_advertise_at_least_one_route() {
    let xml = full_with(&[("<property name=\"bgpAdRoutes\">\n            <value>203.0.113.0/24</value>\n          </property>", "<property name=\"bgpAdRoutes\"/>")]);
    expect(
        &xml,
        "configuration/mido/gateways/gateway[1]/bgpAdRoutes",
        "needs at least one value",
    );
}

#[test]
fn zero_gateways_are_rejected() {
    let xml = example("minimal.xml");
    let start = xml.find("<property name=\"gateways\">").unwrap_or(0);
    let end = xml
        .find("</gateway>")
        .map_or(0, |e| e + "</gateway>\n      </property>".len());
    expect(
        &format!("{}{}", &xml[..start], &xml[end..]),
        "configuration/mido/gateways",
        "has 0 gateways",
    );
}

#[test]
fn external_device_is_an_interface_name() {
    let xml = minimal_with(&[(
        "<value>eth1</value>",
        "<value>a-very-long-device-name</value>",
    )]);
    expect(
        &xml,
        &format!("{GW}/externalDevice"),
        "at most 15 characters",
    );
}

#[test]
fn legacy_gateways_cannot_use_bgp() {
    let mido = format!("{LEGACY_MIDO}<property name=\"bgpAsn\"><value>64512</value></property>");
    expect(
        &minimal_legacy(&mido),
        GW,
        "legacy-format gateways cannot use BGP",
    );
}

#[test]
fn cluster_and_node_names_are_present_and_unique() {
    let xml = example("full.xml").replace("<cluster name=\"az2\">", "<cluster name=\"az1\">");
    expect(
        &xml,
        "configuration/clusters/cluster[az1]/@name",
        "duplicate cluster name \"az1\"",
    );
    let xml =
        example("full.xml").replace("<node name=\"10.20.2.102\">", "<node name=\"10.20.1.101\">");
    expect(
        &xml,
        "configuration/clusters/cluster[az2]/nodes/node[10.20.1.101]/@name",
        "listed more than once",
    );
    let xml = minimal_with(&[("<node name=\"10.20.1.101\">", "<node>")]);
    expect(
        &xml,
        "configuration/clusters/cluster[az1]/nodes/node[1]/@name",
        "missing",
    );
}

#[test]
fn cluster_needs_a_nodes_property() {
    let xml = example("minimal.xml");
    let start = xml.find("<property name=\"nodes\">").unwrap_or(0);
    let end = xml
        .find("</node>")
        .map_or(0, |e| e + "</node>\n        </property>".len());
    expect(
        &format!("{}{}", &xml[..start], &xml[end..]),
        "configuration/clusters/cluster[az1]/nodes",
        "missing",
    );
}

#[test]
fn cluster_placeholder_subnet_values_are_addresses() {
    let xml = minimal_with(&[("<value>255.255.0.0</value>", "<value>/16</value>")]);
    expect(
        &xml,
        "configuration/clusters/cluster[az1]/subnet/netmask",
        "not an IPv4 address",
    );
}

// --- remaining VPC checks

#[test]
fn acl_entry_needs_number_cidr_and_action() {
    expect(
        &minimal_with(&[(ENTRY_100, "<entry>")]),
        &format!("{ACL_IN}/entry[1]/@number"),
        "missing",
    );
    expect(
        &minimal_with(&[("<cidr>0.0.0.0/0</cidr>", "")]),
        &format!("{ACL_IN}/entry[100]/cidr"),
        "missing",
    );
    expect(
        &minimal_with(&[("<action>allow</action>", "")]),
        &format!("{ACL_IN}/entry[100]/action"),
        "missing",
    );
}

#[test]
fn route_needs_a_destination() {
    expect(
        &minimal_with(&[("<destinationCidr>10.0.0.0/16</destinationCidr>", "")]),
        &format!("{ROUTES}/route[1]/destinationCidr"),
        "missing",
    );
}

#[test]
fn subnet_needs_a_route_table() {
    expect(
        &minimal_with(&[("<routeTable>rtb-0a0b0c0d</routeTable>", "")]),
        &format!("{SUBNET}/routeTable"),
        "missing",
    );
}

// --- remaining instance checks

#[test]
fn instance_needs_an_attached_eni() {
    let xml = example("minimal.xml");
    let start = xml.find("<networkInterfaces>").unwrap_or(0);
    let end = xml
        .find("</networkInterfaces>")
        .map_or(0, |e| e + "</networkInterfaces>".len());
    let xml = format!("{}<networkInterfaces/>{}", &xml[..start], &xml[end..]);
    expect(
        &xml,
        &format!("{INST}/networkInterfaces"),
        "needs at least one attached network interface",
    );
}

#[test]
fn eni_vpc_must_exist() {
    expect(
        &minimal_with(&[(
            "<vpc>vpc-0a0b0c0d</vpc>\n          <subnet>",
            "<vpc>vpc-0f0f0f0f</vpc><subnet>",
        )]),
        &format!("{ENI}/vpc"),
        "unknown VPC \"vpc-0f0f0f0f\"",
    );
}

#[test]
fn device_index_is_a_non_negative_integer() {
    expect(
        &minimal_with(&[(
            "<deviceIndex>0</deviceIndex>",
            "<deviceIndex>-1</deviceIndex>",
        )]),
        &format!("{ENI}/deviceIndex"),
        "out of range",
    );
}

#[test]
fn attachment_id_has_the_eni_attach_prefix() {
    expect(
        &minimal_with(&[(
            "<attachmentId>eni-attach-0e1f2a3b</attachmentId>",
            "<attachmentId>eni-0e1f2a3b</attachmentId>",
        )]),
        &format!("{ENI}/attachmentId"),
        "is not an attachment id",
    );
}

#[test]
fn empty_security_group_values_are_rejected() {
    let xml = minimal_with(&[(
        "<value>sg-0a0b0c0d</value>\n          </securityGroups>",
        "<value>sg-0a0b0c0d</value><value></value></securityGroups>",
    )]);
    expect(
        &xml,
        &format!("{ENI}/securityGroups/value[2]"),
        "empty value",
    );
}

// --- remaining DHCP, IGW and group checks

/// The end of the top-level option set (not the VPC's `<dhcpOptionSet>` reference).
const DOPT_END: &str = "</dhcpOptionSet>\n  </dhcpOptionSets>";

#[test]
fn dhcp_options_are_named_once_with_values() {
    let dup = "<property name=\"domain-name\"><value>x.internal</value></property></dhcpOptionSet></dhcpOptionSets>";
    expect(
        &minimal_with(&[(DOPT_END, dup)]),
        "dhcpOptionSets/dhcpOptionSet[dopt-0a0b0c0d]/property[domain-name]",
        "appears twice",
    );
    let empty = "<property name=\"ntp-servers\"/></dhcpOptionSet></dhcpOptionSets>";
    expect(
        &minimal_with(&[(DOPT_END, empty)]),
        "dhcpOptionSets/dhcpOptionSet[dopt-0a0b0c0d]/property[ntp-servers]",
        "needs at least one value",
    );
    let node_type = "<property name=\"netbios-node-type\"><value>3</value></property></dhcpOptionSet></dhcpOptionSets>";
    expect(
        &minimal_with(&[(DOPT_END, node_type)]),
        "dhcpOptionSets/dhcpOptionSet[dopt-0a0b0c0d]/property[netbios-node-type]",
        "not a NetBIOS node type",
    );
}

#[test]
fn internet_gateways_need_an_owner() {
    let xml = full_with(&[(
        "<internetGateway name=\"igw-1a2b3c4d\">\n      <ownerId>000123456789</ownerId>",
        "<internetGateway name=\"igw-1a2b3c4d\">",
    )]);
    expect(
        &xml,
        "internetGateways/internetGateway[igw-1a2b3c4d]/ownerId",
        "missing",
    );
}

#[test]
fn sg_rule_needs_a_protocol_and_valid_cidr() {
    expect(
        &minimal_with(&[("<protocol>-1</protocol>\n          <groupId>", "<groupId>")]),
        &format!("{SG_IN}/rule[1]/protocol"),
        "missing",
    );
    let egress = "securityGroups/securityGroup[sg-0a0b0c0d]/egressRules/rule[1]/cidr";
    expect(
        &minimal_with(&[(
            "<cidr>0.0.0.0/0</cidr>\n        </rule>",
            "<cidr>0.0.0.0</cidr></rule>",
        )]),
        egress,
        "not an IPv4 CIDR",
    );
}
