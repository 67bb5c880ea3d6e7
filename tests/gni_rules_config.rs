//! The configuration section: mode, DNS, public IPs, MidoNet gateways (both formats), clusters and nodes (spec §4, §11.1, §11.2-9).
//! One invalid view per rule, built by editing an example; each test asserts the exact
//! problem path and a fragment of its message.
mod gni_support;

use gni_support::*;
use vpcmido::gni;

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
