//! Both serializations: 4.x (JAXB) and 5.x (Jackson) forms of a view load to the same model,
//! and writing then reading gives back an equal view.
use vpcmido::gni::gen::{generate, GatewayMode, GenParams};
use vpcmido::gni::{self, Format, Limits};

fn example(name: &str) -> String {
    let path = format!("{}/examples/gni/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[track_caller]
fn load(xml: &str) -> gni::Gni {
    gni::load(xml.as_bytes(), &Limits::default()).unwrap_or_else(|e| panic!("{:#?}", e.lines()))
}

#[test]
fn examples_round_trip_through_both_forms() {
    for name in ["minimal.xml", "full.xml"] {
        let original = load(&example(name));
        for format in [Format::V4, Format::V5] {
            let written = gni::write_xml(&original, format);
            assert_eq!(load(&written), original, "{name} via {format:?}");
        }
    }
}

#[test]
fn written_4x_form_matches_the_clc_shape() {
    // Same elements as the example; only whitespace differs.
    let original = example("minimal.xml");
    let written = gni::write_xml(&load(&original), Format::V4);
    let squash = |s: &str| s.lines().map(str::trim).collect::<String>();
    assert_eq!(squash(&written), squash(&original));
}

#[test]
fn written_5x_form_has_the_jackson_quirks() {
    let written = gni::write_xml(&load(&example("full.xml")), Format::V5);
    assert!(
        written.starts_with("<network-data version=\"5f3a9c21\""),
        "no XML declaration"
    );
    assert!(!written.contains('\n'), "one line");
    assert!(written.contains("<property type=\"simple\" name=\"mode\">"));
    assert!(written.contains("<property type=\"midonet\" name=\"mido\"><property type=\"midonet-gateways\" name=\"gateways\">"));
    assert!(written.contains("<property type=\"node\" name=\"nodes\">"));
    // Absent optionals are empty elements: every route has all three targets.
    assert!(written.contains("<gatewayId>local</gatewayId><networkInterfaceId/><natGatewayId/>"));
    assert!(written
        .contains("<cidr>0.0.0.0/0</cidr><icmpCode/><icmpType/><portRangeFrom/><portRangeTo/>"));
}

/// A 5.x document written by hand from minimal.xml (not by our writer), so the reader is
/// tested against the format rather than against itself.
#[test]
fn hand_written_5x_form_loads_to_the_same_model() {
    let mut xml = example("minimal.xml");
    xml = xml.replace(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
        "",
    );
    for (name, kind) in [
        ("mido", "midonet"),
        ("gateways", "midonet-gateways"),
        ("clusters", "cluster"),
        ("nodes", "node"),
    ] {
        xml = xml.replace(
            &format!("<property name=\"{name}\">"),
            &format!("<property type=\"{kind}\" name=\"{name}\">"),
        );
    }
    xml = xml.replace("<property name=", "<property type=\"simple\" name=");
    xml = xml.replace(
        "<gatewayId>local</gatewayId>",
        "<gatewayId>local</gatewayId><networkInterfaceId/><natGatewayId/>",
    );
    xml = xml.replace(
        "<cidr>0.0.0.0/0</cidr>\n            </entry>",
        "<cidr>0.0.0.0/0</cidr><icmpCode/><icmpType/><portRangeFrom/><portRangeTo/></entry>",
    );
    xml = xml.replace(
        "<privateIp>10.0.0.10</privateIp>\n          <sourceDestCheck>",
        "<privateIp>10.0.0.10</privateIp><publicIp/><sourceDestCheck>",
    );
    xml = xml.replace(
        "<privateIp>10.0.0.10</privateIp>\n      <vpc>",
        "<publicIp/><privateIp>10.0.0.10</privateIp><vpc>",
    );
    xml = xml.replace(
        "<protocol>-1</protocol>\n          <groupId>",
        "<protocol>-1</protocol><fromPort/><toPort/><icmpType/><icmpCode/><groupId>",
    );
    xml = xml.replace(
        "<groupOwnerId>000111222333</groupOwnerId>",
        "<groupOwnerId>000111222333</groupOwnerId><cidr/>",
    );
    assert!(xml.contains("<property type=\"simple\" name=\"ip\">") && xml.contains("<publicIp/>"));
    assert_eq!(load(&xml), load(&example("minimal.xml")));
}

#[test]
fn generated_views_round_trip_in_both_forms() {
    for gateways in [GatewayMode::Static, GatewayMode::Bgp] {
        let params = GenParams {
            vpcs: 3,
            subnets_per_vpc: 3,
            enis_per_subnet: 7,
            gateways,
            ..GenParams::default()
        };
        let view = generate(&params).unwrap_or_else(|e| panic!("{e}"));
        let v4 = load(&gni::write_xml(&view, Format::V4));
        let v5 = load(&gni::write_xml(&view, Format::V5));
        assert_eq!(v4, view);
        assert_eq!(v5, view);
    }
}

#[test]
fn gen_is_deterministic() {
    let params = GenParams {
        vpcs: 4,
        seed: 7,
        ..GenParams::default()
    };
    let a = generate(&params).map(|g| gni::write_xml(&g, Format::V4));
    let b = generate(&params).map(|g| gni::write_xml(&g, Format::V4));
    assert_eq!(a, b);
    let other = generate(&GenParams { seed: 8, ..params }).map(|g| gni::write_xml(&g, Format::V4));
    assert_ne!(a, other);
}

#[test]
fn gen_has_the_promised_mix() {
    let params = GenParams {
        vpcs: 4,
        subnets_per_vpc: 3,
        enis_per_subnet: 20,
        sgs_per_vpc: 3,
        rules_per_sg: 8,
        eip_ratio: 0.5,
        ..GenParams::default()
    };
    let g = generate(&params).unwrap_or_else(|e| panic!("{e}"));
    let s = g.summary();
    assert_eq!(
        (
            s.vpcs,
            s.subnets,
            s.enis,
            s.nat_gateways,
            s.security_groups,
            s.sg_rules
        ),
        (4, 12, 240, 4, 12, 96)
    );
    assert!(s.instances < s.enis, "some instances have a secondary ENI");
    assert!(
        s.eips > 60 && s.eips < 190,
        "about half the ENIs have an EIP: {}",
        s.eips
    );
    let targets: Vec<_> = g
        .vpcs
        .iter()
        .flat_map(|v| &v.route_tables)
        .flat_map(|r| &r.routes)
        .map(|r| std::mem::discriminant(&r.target))
        .collect();
    for t in [
        gni::RouteTarget::Local,
        gni::RouteTarget::InternetGateway(String::new()),
        gni::RouteTarget::NatGateway(String::new()),
        gni::RouteTarget::NetworkInterface(String::new()),
    ] {
        assert!(targets.contains(&std::mem::discriminant(&t)), "{t:?}");
    }
    let rules: Vec<_> = g.security_groups.iter().flat_map(|s| &s.ingress).collect();
    assert!(rules
        .iter()
        .any(|r| matches!(r.peer, gni::Peer::Group { .. })));
    assert!(rules
        .iter()
        .any(|r| matches!(r.traffic, gni::Traffic::Icmp { .. })));
    assert!(rules
        .iter()
        .any(|r| matches!(r.traffic, gni::Traffic::Udp(_))));
    assert_eq!(g.config.clusters.len(), 2);
}

#[test]
fn gen_rejects_impossible_parameters() {
    let bad = |p: GenParams| {
        generate(&p)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(bad(GenParams {
        eip_ratio: 1.5,
        ..GenParams::default()
    })
    .contains("--eip-ratio"));
    assert!(bad(GenParams {
        sgs_per_vpc: 0,
        ..GenParams::default()
    })
    .contains("--sgs-per-vpc"));
    assert!(bad(GenParams {
        subnets_per_vpc: 70000,
        enis_per_subnet: 1000,
        ..GenParams::default()
    })
    .contains("do not fit"));
    assert!(bad(GenParams {
        vpcs: 2000,
        subnets_per_vpc: 1,
        enis_per_subnet: 100,
        ..GenParams::default()
    })
    .contains("public IP pool"));
}

#[test]
fn optional_parts_round_trip_when_absent() {
    let mut view = generate(&GenParams {
        gateways: GatewayMode::Static,
        ..GenParams::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    view.config.clusters[0].subnet = None;
    view.config.clusters[0].private_ips.clear();
    view.config.public_ips.clear();
    view.vpcs[0].dhcp_option_set = None;
    view.vpcs[0].subnets[0].network_acl = None;
    view.vpcs[0].nat_gateways[0].mac = None;
    view.vpcs[0].nat_gateways[0].public_ip = None;
    for format in [Format::V4, Format::V5] {
        assert_eq!(load(&gni::write_xml(&view, format)), view, "{format:?}");
    }
}

#[test]
fn property_type_attributes_must_match_their_role() {
    let view = load(&example("minimal.xml"));
    let xml = gni::write_xml(&view, Format::V5).replace(
        "<property type=\"node\" name=\"nodes\">",
        "<property type=\"simple\" name=\"nodes\">",
    );
    match gni::load(xml.as_bytes(), &Limits::default()) {
        Err(gni::ViewError::Invalid(p)) => {
            assert_eq!(p.len(), 1, "{p:?}");
            assert_eq!(p[0].path, "configuration/clusters/cluster[az1]/nodes/@type");
            assert!(
                p[0].message.contains("expected \"node\""),
                "{}",
                p[0].message
            );
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}
