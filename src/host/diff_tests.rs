//! Unit tests of the pure host diff.
use super::*;
use crate::gni::model::{Subnet, Vpc};
use crate::host::model::{desired_core, desired_vpc, HostSettings, ObservedLink};
use crate::host::names::Prefix;
use std::net::Ipv4Addr;

fn vpc(id: &str, subnets: &[(&str, &str)]) -> Vpc {
    let mut v = Vpc {
        id: id.into(),
        owner_id: "000111222333".into(),
        cidr: "10.0.0.0/16".parse().unwrap(),
        dhcp_option_set: None,
        subnets: Vec::new(),
        network_acls: Vec::new(),
        route_tables: Vec::new(),
        nat_gateways: Vec::new(),
        internet_gateways: Vec::new(),
    };
    for (sid, cidr) in subnets {
        v.subnets.push(Subnet {
            id: sid.to_string(),
            owner_id: "000111222333".into(),
            cidr: cidr.parse().unwrap(),
            cluster: "az1".into(),
            network_acl: None,
            route_table: "rtb-0a0b0c0d".into(),
        });
    }
    v
}

fn view_state(s: &HostSettings, vpcs: &[Vpc]) -> HostState {
    let mut h = desired_core(s);
    for v in vpcs {
        h.merge(desired_vpc(v, s));
    }
    h
}

/// The observed state a successful apply of `d` leaves (veth ends paired, all up).
fn as_observed(d: &HostState) -> Observed {
    let mut o = Observed {
        namespaces: d.namespaces.clone(),
        routes: d.routes.iter().cloned().collect(),
        ..Observed::default()
    };
    let mut idx = 100;
    for v in d.veths.values() {
        for (at, me, peer) in [
            (LinkAt::host(v.name.clone()), idx, idx + 1),
            (v.peer.clone(), idx + 1, idx),
        ] {
            o.links.insert(
                at.clone(),
                ObservedLink {
                    ifindex: me,
                    peer_ifindex: Some(peer),
                    kind: Some("veth".into()),
                    up: true,
                    addrs: d.addrs.get(&at).cloned().unwrap_or_default(),
                },
            );
        }
        idx += 2;
    }
    o
}

fn lines(p: &HostPlan) -> Vec<String> {
    p.ops.iter().map(|o| o.to_string()).collect()
}

fn settings(prefix: &str, md_netns: bool) -> HostSettings {
    HostSettings {
        prefix: Prefix::new(prefix).unwrap(),
        md_netns,
        metadata: true,
    }
}

#[test]
fn empty_host_gets_everything_in_dependency_order() {
    let s = settings("", false);
    let d = view_state(
        &s,
        &[vpc("vpc-0a0b0c0d", &[("subnet-0a0b0c0d", "10.0.0.0/24")])],
    );
    let p = plan(&d, &Observed::default(), &s.prefix);
    assert_eq!(
        lines(&p),
        [
            "ip netns add vpc-0a0b0c0d",
            "ip link add eucamd_mido type veth peer name eucamd_host",
            "ip link add vn0_0a0b0c0d type veth peer name vn1_0a0b0c0d netns vpc-0a0b0c0d",
            "ip addr add 169.254.169.253/32 dev eucamd_host",
            "ip addr add 169.254.169.254/29 dev eucamd_host",
            "ip -n vpc-0a0b0c0d addr add 10.0.0.3/24 dev vn1_0a0b0c0d",
            "ip link set eucamd_host up",
            "ip link set eucamd_mido up",
            "ip link set vn0_0a0b0c0d up",
            "ip -n vpc-0a0b0c0d link set vn1_0a0b0c0d up",
            "ip route add 255.0.0.0/8 via 169.254.169.249 dev eucamd_host",
        ]
    );
    assert!(p.conflicts.is_empty());
}

#[test]
fn md_netns_puts_host_end_and_route_in_eucamd() {
    let s = settings("t1", true);
    let d = view_state(&s, &[]);
    let p = plan(&d, &Observed::default(), &s.prefix);
    assert_eq!(
        lines(&p),
        [
            "ip netns add t1eucamd",
            "ip link add t1eucamd_mido type veth peer name t1eucamd_host netns t1eucamd",
            "ip -n t1eucamd addr add 169.254.169.253/32 dev t1eucamd_host",
            "ip -n t1eucamd addr add 169.254.169.254/29 dev t1eucamd_host",
            "ip link set t1eucamd_mido up",
            "ip -n t1eucamd link set t1eucamd_host up",
            "ip -n t1eucamd route add 255.0.0.0/8 via 169.254.169.249 dev t1eucamd_host",
        ]
    );
}

#[test]
fn applied_state_plans_nothing() {
    let s = settings("t1", false);
    let d = view_state(
        &s,
        &[
            vpc(
                "vpc-0a0b0c0d",
                &[
                    ("subnet-0a0b0c0d", "10.0.0.0/24"),
                    ("subnet-1a1b1c1d", "10.0.1.0/26"),
                ],
            ),
            vpc("vpc-1a2b3c4d", &[("subnet-2a2b2c2d", "172.16.0.0/20")]),
        ],
    );
    let p = plan(&d, &as_observed(&d), &s.prefix);
    assert!(p.is_empty(), "{:?}", lines(&p));
}

#[test]
fn vpc_that_left_the_view_loses_namespace_and_veths_only() {
    let s = settings("", false);
    let a = vpc("vpc-0a0b0c0d", &[("subnet-0a0b0c0d", "10.0.0.0/24")]);
    let b = vpc(
        "vpc-1a2b3c4d",
        &[
            ("subnet-2a2b2c2d", "172.16.0.0/20"),
            ("subnet-3a3b3c3d", "172.16.16.0/20"),
        ],
    );
    let before = as_observed(&view_state(&s, &[a.clone(), b]));
    let p = plan(&view_state(&s, &[a]), &before, &s.prefix);
    assert_eq!(
        lines(&p),
        [
            "ip link del vn0_2a2b2c2d",
            "ip link del vn0_3a3b3c3d",
            "ip netns del vpc-1a2b3c4d",
        ]
    );
}

#[test]
fn peer_left_in_host_namespace_is_moved_and_readdressed() {
    let s = settings("", false);
    let d = view_state(
        &s,
        &[vpc("vpc-0a0b0c0d", &[("subnet-0a0b0c0d", "10.0.0.0/24")])],
    );
    let mut o = as_observed(&d);
    let inside = LinkAt::inside(Some("vpc-0a0b0c0d"), "vn1_0a0b0c0d");
    let mut l = o.links.remove(&inside).unwrap();
    l.addrs.clear();
    l.up = false;
    o.links.insert(LinkAt::host("vn1_0a0b0c0d"), l);
    let p = plan(&d, &o, &s.prefix);
    assert_eq!(
        lines(&p),
        [
            "ip link set vn1_0a0b0c0d netns vpc-0a0b0c0d",
            "ip -n vpc-0a0b0c0d addr add 10.0.0.3/24 dev vn1_0a0b0c0d",
            "ip -n vpc-0a0b0c0d link set vn1_0a0b0c0d up",
        ]
    );
}

#[test]
fn unpaired_ends_are_recreated_and_stale_addresses_removed() {
    let s = settings("", false);
    let d = view_state(
        &s,
        &[vpc("vpc-0a0b0c0d", &[("subnet-0a0b0c0d", "10.0.0.0/24")])],
    );
    let mut o = as_observed(&d);
    // vn0's peer index points elsewhere: the pair is broken.
    if let Some(l) = o.links.get_mut(&LinkAt::host("vn0_0a0b0c0d")) {
        l.peer_ifindex = Some(9999);
    }
    // eucamd_host carries an extra address.
    if let Some(l) = o.links.get_mut(&LinkAt::host("eucamd_host")) {
        l.addrs.insert("192.0.2.77/24".parse().unwrap());
    }
    let p = plan(&d, &o, &s.prefix);
    assert_eq!(
        lines(&p),
        [
            "ip addr del 192.0.2.77/24 dev eucamd_host",
            "ip link del vn0_0a0b0c0d",
            "ip -n vpc-0a0b0c0d link del vn1_0a0b0c0d",
            "ip link add vn0_0a0b0c0d type veth peer name vn1_0a0b0c0d netns vpc-0a0b0c0d",
            "ip -n vpc-0a0b0c0d addr add 10.0.0.3/24 dev vn1_0a0b0c0d",
            "ip link set vn0_0a0b0c0d up",
            "ip -n vpc-0a0b0c0d link set vn1_0a0b0c0d up",
        ]
    );
}

#[test]
fn foreign_route_is_a_conflict_never_replaced() {
    let s = settings("t2", false);
    let d = view_state(&s, &[]);
    let mut o = as_observed(&d);
    let ours = d.routes.iter().next().cloned().unwrap();
    o.routes.remove(&ours);
    let foreign = RouteAt {
        netns: None,
        dst: "255.0.0.0/8".parse().unwrap(),
        via: Some(Ipv4Addr::new(169, 254, 169, 249)),
        dev: "eucamd_host".into(),
    };
    o.routes.insert(foreign);
    let p = plan(&d, &o, &s.prefix);
    assert!(p.is_empty(), "{:?}", lines(&p));
    assert_eq!(p.conflicts.len(), 1);
    assert!(
        p.conflicts[0].contains("foreign device eucamd_host"),
        "{}",
        p.conflicts[0]
    );
}

#[test]
fn own_stale_route_is_replaced_and_foreign_routes_ignored() {
    let s = settings("", false);
    let d = view_state(&s, &[]);
    let mut o = as_observed(&d);
    let ours = d.routes.iter().next().cloned().unwrap();
    o.routes.remove(&ours);
    let mut stale = ours.clone();
    stale.via = Some(Ipv4Addr::new(169, 254, 169, 250));
    o.routes.insert(stale);
    o.routes.insert(RouteAt {
        netns: None,
        dst: "0.0.0.0/0".parse().unwrap(),
        via: Some(Ipv4Addr::new(192, 0, 2, 1)),
        dev: "eth0".into(),
    });
    let p = plan(&d, &o, &s.prefix);
    assert_eq!(
        lines(&p),
        [
            "ip route del 255.0.0.0/8 via 169.254.169.250 dev eucamd_host",
            "ip route add 255.0.0.0/8 via 169.254.169.249 dev eucamd_host",
        ]
    );
}

#[test]
fn cleanup_deletes_links_then_namespaces() {
    let s = settings("t3", true);
    let d = view_state(
        &s,
        &[vpc("vpc-0a0b0c0d", &[("subnet-0a0b0c0d", "10.0.0.0/24")])],
    );
    let p = plan_cleanup(&as_observed(&d));
    assert_eq!(
        lines(&p),
        [
            "ip link del t3eucamd_mido",
            "ip link del t3vn0_0a0b0c0d",
            "ip -n t3eucamd link del t3eucamd_host",
            "ip -n t3vpc-0a0b0c0d link del t3vn1_0a0b0c0d",
            "ip netns del t3eucamd",
            "ip netns del t3vpc-0a0b0c0d",
        ]
    );
}

#[test]
fn per_actor_parts_plan_only_their_objects() {
    let s = settings("", false);
    let a = vpc("vpc-0a0b0c0d", &[("subnet-0a0b0c0d", "10.0.0.0/24")]);
    let b = vpc("vpc-1a2b3c4d", &[("subnet-2a2b2c2d", "172.16.0.0/20")]);
    let all = view_state(&s, &[a.clone(), b.clone()]);
    let mut o = as_observed(&all);
    // An orphaned host-side end (its namespace is gone): the core part cleans it.
    o.links.insert(
        LinkAt::host("vn0_99999999"),
        ObservedLink {
            ifindex: 900,
            peer_ifindex: Some(901),
            kind: Some("veth".into()),
            up: true,
            addrs: Default::default(),
        },
    );
    assert_eq!(
        o.vpc_ids(&s.prefix).into_iter().collect::<Vec<_>>(),
        ["vpc-0a0b0c0d", "vpc-1a2b3c4d"]
    );
    let pa = o.vpc_part(&s.prefix, "vpc-0a0b0c0d");
    assert_eq!(pa.links.len(), 2);
    assert!(plan(&desired_vpc(&a, &s), &pa, &s.prefix).is_empty());
    // Planning B's part against nothing removes B only.
    let pb = o.vpc_part(&s.prefix, "vpc-1a2b3c4d");
    assert_eq!(
        lines(&plan(&HostState::default(), &pb, &s.prefix)),
        ["ip link del vn0_2a2b2c2d", "ip netns del vpc-1a2b3c4d"]
    );
    let core = o.core_part(&s.prefix);
    assert_eq!(
        lines(&plan(&desired_core(&s), &core, &s.prefix)),
        ["ip link del vn0_99999999"]
    );
    assert!(o.vpc_part(&s.prefix, "vpc-2b3c4d5e").links.is_empty());
}
