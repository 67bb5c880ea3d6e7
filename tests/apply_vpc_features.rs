//! The full VPC feature set on the emulator, one scenario per feature, each asserting the exact
//! writes of the change: routes added, removed and switched; internet gateway detached; NAT
//! gateway deleted, re-created and repaired; one ACL entry edited; a second ENI attached and
//! moved; source/dest check flipped; a DHCP option set changed.
mod apply_support;
use apply_support::*;
use std::net::Ipv4Addr;
use vpcmido::gni::{self, Gni, Route, RouteTarget, Traffic};

fn vpc_mut<'a>(v: &'a mut Gni, id: &str) -> &'a mut gni::Vpc {
    v.vpcs.iter_mut().find(|x| x.id == id).expect("vpc")
}

fn table_mut<'a>(v: &'a mut Gni, id: &str) -> &'a mut gni::RouteTable {
    v.vpcs
        .iter_mut()
        .flat_map(|x| x.route_tables.iter_mut())
        .find(|t| t.id == id)
        .expect("table")
}

#[actix_rt::test]
async fn routes_are_added_removed_and_follow_a_switched_table() {
    let (h, c, mut v) = applied_full().await;
    // rtb-2b3c4d5e serves one subnet: one route more, one route less.
    table_mut(&mut v, "rtb-2b3c4d5e").routes.push(Route {
        destination: "172.31.0.0/16".parse().unwrap(),
        target: RouteTarget::InternetGateway("igw-1a2b3c4d".into()),
    });
    let v = revalidate(&v);
    assert_eq!(converge(&h, &c, &v).await, counts(&[("create route", 1)]));
    let mut v2 = v.clone();
    table_mut(&mut v2, "rtb-2b3c4d5e").routes.pop();
    let v2 = revalidate(&v2);
    assert_eq!(converge(&h, &c, &v2).await, counts(&[("delete route", 1)]));
    // subnet-4d5e6f7a: from the NAT table to the IGW table (0/0 via NAT → 0/0 via IGW).
    let mut v3 = v2.clone();
    let s = vpc_mut(&mut v3, "vpc-1a2b3c4d")
        .subnets
        .iter_mut()
        .find(|s| s.id == "subnet-4d5e6f7a")
        .unwrap();
    s.route_table = "rtb-2b3c4d5e".into();
    let v3 = revalidate(&v3);
    assert_eq!(
        converge(&h, &c, &v3).await,
        counts(&[("create route", 1), ("delete route", 1)])
    );
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn detaching_the_internet_gateway_removes_its_routes() {
    let (h, c, mut v) = applied_full().await;
    let vpc = vpc_mut(&mut v, "vpc-1a2b3c4d");
    vpc.internet_gateways.clear();
    for t in &mut vpc.route_tables {
        t.routes
            .retain(|r| !matches!(r.target, RouteTarget::InternetGateway(_)));
    }
    v.internet_gateways.retain(|g| g.id != "igw-1a2b3c4d");
    let v = revalidate(&v);
    // rtb-2b3c4d5e's 0/0 → IGW, on its one subnet.
    assert_eq!(converge(&h, &c, &v).await, counts(&[("delete route", 1)]));
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn a_nat_gateway_is_deleted_recreated_and_repaired() {
    let (h, c, full) = applied_full().await;
    let mut v = full.clone();
    let vpc = vpc_mut(&mut v, "vpc-1a2b3c4d");
    vpc.nat_gateways.clear();
    for t in &mut vpc.route_tables {
        t.routes
            .retain(|r| !matches!(r.target, RouteTarget::NatGateway(_)));
    }
    let v = revalidate(&v);
    assert_eq!(
        converge(&h, &c, &v).await,
        counts(&[
            ("delete chain", 2),         // natc_<nat>_rtin/_rtout
            ("delete ip_addr_group", 1), // elip_pre_<nat>
            ("delete port", 2),          // its eucabr port and subnet-bridge port
            ("delete route", 4),         // eucart /32 + 0/0 → NAT on the 3 subnets using it
            ("delete router", 1),        // natr_… (its own ports and routes cascade)
        ])
    );
    assert_eq!(
        converge(&h, &c, &full).await,
        counts(&[
            ("create chain", 2),
            ("create ip_addr", 1),
            ("create ip_addr_group", 1),
            ("create port", 4), // uplink, subnet port, eucabr port, subnet-bridge port
            ("create port_link", 2),
            ("create route", 7), // 3 on the NAT router, eucart /32, 3 subnets' 0/0
            ("create router", 1),
            ("create rule", 2), // SNAT out, reverse SNAT in
        ])
    );
    // Half-built: its SNAT rule lost. Only that rule is written again.
    let state = state(&h).await;
    let rtout = state["chains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().is_some_and(|n| n.ends_with("_rtout")))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rule = state["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["chainId"].as_str() == Some(&rtout))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("{}/rules/{rule}", h.url());
    let st = reqwest::Client::new()
        .delete(url)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st.as_u16(), 204);
    assert_eq!(converge(&h, &c, &full).await, counts(&[("create rule", 1)]));
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn editing_one_acl_entry_costs_two_writes() {
    let (h, c, mut v) = applied_full().await;
    let acl = vpc_mut(&mut v, "vpc-1a2b3c4d")
        .network_acls
        .iter_mut()
        .find(|a| a.id == "acl-2b3c4d5e")
        .unwrap();
    let e = acl.ingress.iter_mut().find(|e| e.number == 110).unwrap();
    e.traffic = Traffic::Tcp(gni::PortRange {
        from: 8443,
        to: 8443,
    });
    let v = revalidate(&v);
    assert_eq!(
        converge(&h, &c, &v).await,
        counts(&[("create rule", 1), ("delete rule", 1)])
    );
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn a_second_eni_is_attached_then_moved_to_another_instance() {
    let (h, c, mut v) = applied_full().await;
    let from = v
        .instances
        .iter_mut()
        .find(|i| i.id == "i-0a1b2c3d")
        .unwrap();
    let mut eni = from.network_interfaces[0].clone();
    eni.id = "eni-5e6f7a8b".into();
    eni.attachment_id = "eni-attach-5e6f7a8b".into();
    eni.device_index = 1;
    eni.mac = gni::MacAddr([0xd0, 0x0d, 0x5e, 0x6f, 0x7a, 0x8b]);
    eni.private_ip = Ipv4Addr::new(10, 10, 2, 50);
    eni.subnet = "subnet-3c4d5e6f".into();
    eni.public_ip = None;
    from.network_interfaces.push(eni.clone());
    let v = revalidate(&v);
    let attach = converge(&h, &c, &v).await;
    assert_eq!(
        attach,
        counts(&[
            ("create arp_entry", 1),
            ("create binding", 1),
            ("create chain", 2),
            ("create dhcp_host", 1),
            ("create ip_addr", 3), // elip_post_ + sg_priv_/sg_all_ of its one group
            ("create ip_addr_group", 2),
            ("create mac_entry", 1),
            ("create port", 1),
            ("create route", 1),
            ("create rule", 2 + 9 + 7),
        ])
    );
    // Move it to i-2c3d4e5f (another NC): same port, same chains; only the binding moves.
    let mut v2 = v.clone();
    for i in &mut v2.instances {
        if i.id == "i-0a1b2c3d" {
            i.network_interfaces.retain(|e| e.id != "eni-5e6f7a8b");
        }
        if i.id == "i-2c3d4e5f" {
            i.network_interfaces.push(eni.clone());
        }
    }
    let v2 = revalidate(&v2);
    assert_eq!(
        converge(&h, &c, &v2).await,
        counts(&[("create binding", 1), ("delete binding", 1)])
    );
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn flipping_source_dest_check_touches_only_three_rules() {
    let (h, c, mut v) = applied_full().await;
    let i = v
        .instances
        .iter_mut()
        .find(|i| i.id == "i-0a1b2c3d")
        .unwrap();
    i.network_interfaces[0].source_dest_check = false;
    let v = revalidate(&v);
    // IPv4 source check (pre), DHCP accept and IPv4 destination check (post).
    assert_eq!(converge(&h, &c, &v).await, counts(&[("delete rule", 3)]));
    let mut back = v.clone();
    back.instances
        .iter_mut()
        .find(|i| i.id == "i-0a1b2c3d")
        .unwrap()
        .network_interfaces[0]
        .source_dest_check = true;
    let back = revalidate(&back);
    assert_eq!(converge(&h, &c, &back).await, counts(&[("create rule", 3)]));
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn a_changed_dhcp_option_set_reaches_every_subnet_and_host_of_its_vpc() {
    let (h, c, mut v) = applied_full().await;
    let set = v
        .dhcp_option_sets
        .iter_mut()
        .find(|d| d.id == "dopt-1a2b3c4d")
        .unwrap();
    for o in &mut set.options {
        match o.name.as_str() {
            "domain-name-servers" => o.values = vec!["10.20.0.99".into()],
            "ntp-servers" => o.values = vec!["10.20.0.124".into()],
            _ => {}
        }
    }
    let v = revalidate(&v);
    // vpc-1a2b3c4d: 4 subnets (DNS on the DHCP subnet), 4 interfaces (NTP per host).
    assert_eq!(
        converge(&h, &c, &v).await,
        counts(&[("update dhcp_host", 4), ("update dhcp_subnet", 4)])
    );
    let state = state(&h).await;
    let dns: Vec<&serde_json::Value> = state["dhcp_subnets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["subnetPrefix"]
                .as_str()
                .is_some_and(|p| p.starts_with("10.10."))
        })
        .map(|d| &d["dnsServerAddrs"])
        .collect();
    assert_eq!(dns.len(), 4);
    assert!(
        dns.iter().all(|d| d
            .as_array()
            .is_some_and(|a| a.len() == 1 && a[0] == "10.20.0.99")),
        "{dns:?}"
    );
    h.stop().await.expect("stop");
}
