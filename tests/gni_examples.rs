//! The shared example views (repo copies under examples/gni/): the valid ones load with
//! exact counts, each invalid one is rejected with its located reason.
use vpcmido::gni::{self, Limits, Summary, ViewError};

fn example(name: &str) -> Vec<u8> {
    let path = format!("{}/examples/gni/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(name: &str) -> Result<gni::Gni, ViewError> {
    gni::load(&example(name), &Limits::default())
}

fn problems(name: &str) -> Vec<String> {
    match load(name) {
        Err(ViewError::Invalid(p)) => p.iter().map(ToString::to_string).collect(),
        other => panic!("{name}: expected Invalid, got {other:?}"),
    }
}

#[test]
fn minimal_loads_with_exact_counts() {
    let g = load("minimal.xml").unwrap_or_else(|e| panic!("{:#?}", e.lines()));
    let expected = Summary {
        vpcs: 1,
        subnets: 1,
        instances: 1,
        enis: 1,
        security_groups: 1,
        sg_rules: 2,
        nat_gateways: 0,
        route_tables: 1,
        routes: 1,
        acl_entries: 4,
        eips: 0,
    };
    assert_eq!(g.summary(), expected);
    assert_eq!(g.version, "0e9d4c7a");
    assert_eq!(g.applied, None);
}

#[test]
fn full_loads_with_exact_counts() {
    let g = load("full.xml").unwrap_or_else(|e| panic!("{:#?}", e.lines()));
    let expected = Summary {
        vpcs: 3,
        subnets: 7,
        instances: 5,
        enis: 6,
        security_groups: 7,
        sg_rules: 22,
        nat_gateways: 1,
        route_tables: 5,
        routes: 11,
        acl_entries: 24,
        eips: 4,
    };
    assert_eq!(g.summary(), expected);
    assert_eq!(
        g.applied,
        Some(gni::Applied {
            version: "c04e7b18".into(),
            time: "2017-11-06T18:22:41Z".into()
        })
    );
}

#[test]
fn full_has_the_typed_values_the_translation_layer_reads() {
    let g = load("full.xml").unwrap_or_else(|e| panic!("{:#?}", e.lines()));
    // BGP gateways, in document order.
    let mido = &g.config.mido;
    assert_eq!(mido.bgp_asn, Some(64512));
    assert_eq!(mido.gateways.len(), 2);
    assert_eq!(mido.gateways[1].host, "10.20.0.22");
    match &mido.gateways[1].routing {
        gni::Routing::Bgp {
            peer_asn,
            ad_routes,
            ..
        } => {
            assert_eq!(*peer_asn, 65002);
            assert_eq!(ad_routes.len(), 2);
        }
        other => panic!("expected BGP, got {other:?}"),
    }
    // Route targets as an enum.
    let (vpc, rtb) = g
        .route_table("rtb-3c4d5e6f")
        .unwrap_or_else(|| panic!("rtb-3c4d5e6f"));
    assert_eq!(vpc.id, "vpc-1a2b3c4d");
    let targets: Vec<_> = rtb.routes.iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        vec![
            gni::RouteTarget::Local,
            gni::RouteTarget::NatGateway("nat-0a1b2c3d4e5f60718".into()),
            gni::RouteTarget::NetworkInterface("eni-2b3c4d5e".into()),
            gni::RouteTarget::NetworkInterface("eni-3c4d5e6f".into()),
        ]
    );
    // ACL entries keep document order; ICMP code -1 is the wildcard.
    let (_, acl) = g
        .network_acl("acl-2b3c4d5e")
        .unwrap_or_else(|| panic!("acl-2b3c4d5e"));
    let numbers: Vec<u16> = acl.ingress.iter().map(|e| e.number).collect();
    assert_eq!(numbers, [50, 100, 110, 120, 130, 140, 150, 160, 32767]);
    assert_eq!(
        acl.ingress[4].traffic,
        gni::Traffic::Icmp {
            icmp_type: Some(8),
            code: None
        }
    );
    // Lookups.
    let (cluster, node) = g
        .node_of_instance("i-2c3d4e5f")
        .unwrap_or_else(|| panic!("node"));
    assert_eq!(
        (cluster.name.as_str(), node.name.as_str()),
        ("az2", "10.20.2.101")
    );
    let enis: Vec<&str> = g
        .interfaces_in_vpc("vpc-1a2b3c4d")
        .map(|(_, e)| e.id.as_str())
        .collect();
    assert_eq!(
        enis,
        [
            "eni-1a2b3c4d",
            "eni-2b3c4d5e",
            "eni-3c4d5e6f",
            "eni-4d5e6f7a"
        ]
    );
    let members: Vec<&str> = g
        .interfaces_in_group("sg-0a1b2c3d")
        .map(|(_, e)| e.id.as_str())
        .collect();
    assert_eq!(members, ["eni-3c4d5e6f", "eni-4d5e6f7a"]);
    let (inst, eni) = g
        .network_interface("eni-3c4d5e6f")
        .unwrap_or_else(|| panic!("eni"));
    assert_eq!(
        (inst.id.as_str(), eni.device_index, eni.source_dest_check),
        ("i-1b2c3d4e", 1, false)
    );
    assert_eq!(
        g.subnet("subnet-6f7a8b9c")
            .map(|(v, s)| (v.id.as_str(), s.cluster.as_str())),
        Some(("vpc-2b3c4d5e", "az2"))
    );
    assert_eq!(
        g.dhcp_option_set("dopt-1a2b3c4d")
            .and_then(|d| d.option("ntp-servers")),
        Some(&["10.20.0.123".to_string()][..])
    );
    let sg = g
        .security_group("sg-1a2b3c4d")
        .unwrap_or_else(|| panic!("sg"));
    assert_eq!(
        sg.egress[0].peer,
        gni::Peer::Group {
            id: "sg-2b3c4d5e".into(),
            owner: "000123456789".into()
        }
    );
    assert!(g.vpc("vpc-0f0f0f0f").is_none());
}

#[test]
fn truncated_is_a_syntax_error_at_the_end_of_input() {
    match load("invalid-truncated.xml") {
        Err(ViewError::Syntax {
            line,
            column,
            message,
        }) => {
            assert_eq!((line, column), (176, 27));
            assert!(message.contains("<groupId> is not closed"), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn malformed_cidr_names_the_subnet_and_the_value() {
    assert_eq!(
        problems("invalid-malformed-cidr.xml"),
        ["vpcs/vpc[vpc-0a0b0c0d]/subnets/subnet[subnet-0a0b0c0d]/cidr: \"10.0.0.0/33\" is not an IPv4 CIDR"]
    );
}

#[test]
fn missing_vpc_names_the_instance_and_eni_references() {
    assert_eq!(
        problems("invalid-missing-vpc.xml"),
        [
            "instances/instance[i-0f1e2d3c]/vpc: unknown VPC \"vpc-0a0b0c0d\"",
            "instances/instance[i-0f1e2d3c]/subnet: unknown subnet \"subnet-0a0b0c0d\"",
            "instances/instance[i-0f1e2d3c]/networkInterfaces/networkInterface[eni-0e1f2a3b]/vpc: unknown VPC \"vpc-0a0b0c0d\"",
            "instances/instance[i-0f1e2d3c]/networkInterfaces/networkInterface[eni-0e1f2a3b]/subnet: unknown subnet \"subnet-0a0b0c0d\"",
        ]
    );
}
