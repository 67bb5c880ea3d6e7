//! References between elements, routes and network ACL entries (spec §11.2-4..6).
//! One invalid view per rule, built by editing an example; each test asserts the exact
//! problem path and a fragment of its message.
mod gni_support;

use gni_support::*;

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
