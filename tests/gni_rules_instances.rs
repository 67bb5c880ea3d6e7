//! Instances, ENIs, security group rules, DHCP option sets and internet gateways (spec §11.1, §11.2-7, -8).
//! One invalid view per rule, built by editing an example; each test asserts the exact
//! problem path and a fragment of its message.
mod gni_support;

use gni_support::*;
use vpcmido::gni;

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

#[test]
fn attachment_ids_are_unique() {
    let xml = full_with(&[(
        "<attachmentId>eni-attach-3c4d5e6f</attachmentId>",
        "<attachmentId>eni-attach-2b3c4d5e</attachmentId>",
    )]);
    let eni = "instances/instance[i-1b2c3d4e]/networkInterfaces/networkInterface[eni-3c4d5e6f]";
    expect(
        &xml,
        &format!("{eni}/attachmentId"),
        "duplicate attachment id \"eni-attach-2b3c4d5e\"",
    );
}
