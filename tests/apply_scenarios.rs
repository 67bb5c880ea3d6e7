//! Changes to an applied view converge with exactly the writes they need (counted by the
//! emulator), and never duplicate a name: remove an instance, add one, change a security
//! group rule, move an elastic IP.
mod apply_support;
use apply_support::*;
use std::net::Ipv4Addr;
use vpcmido::gni::{self, Peer, Traffic};

#[actix_rt::test]
async fn removing_an_instance_removes_exactly_its_objects() {
    let (h, c, mut v) = applied_full().await;
    v.instances.retain(|i| i.id != "i-4e5f6a7b");
    for cl in &mut v.config.clusters {
        for n in &mut cl.nodes {
            n.instance_ids.retain(|i| i != "i-4e5f6a7b");
        }
    }
    let v = revalidate(&v);
    let written = converge(&h, &c, &v).await;
    assert_eq!(
        written,
        counts(&[
            ("delete chain", 2), // ic_i-4e5f6a7b_prechain/_postchain (rules cascade)
            ("delete dhcp_host", 1),
            ("delete ip_addr", 2), // from sg_priv_ and sg_all_ of its group
            ("delete ip_addr_group", 2), // elip_pre_/elip_post_
            ("delete mac_entry", 1), // the entry of its deleted port
            ("delete port", 1),    // binding and filters go with it
            ("delete route", 1),   // its metadata /32 on eucamdrt
            ("delete rule", 2),    // metadata DNAT and SNAT
        ])
    );
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn adding_an_instance_creates_exactly_its_objects() {
    let (h, c, mut v) = applied_full().await;
    let mut i = v
        .instances
        .iter()
        .find(|i| i.id == "i-4e5f6a7b")
        .cloned()
        .expect("instance");
    i.id = "i-5f6a7b8c".into();
    i.private_ip = Ipv4Addr::new(192, 168, 0, 16);
    i.mac = Some(gni::MacAddr([0xd0, 0x0d, 0x8a, 0x9b, 0x0c, 0x1d]));
    let e = &mut i.network_interfaces[0];
    e.id = "eni-8a9b0c1d".into();
    e.attachment_id = "eni-attach-8a9b0c1d".into();
    e.private_ip = i.private_ip;
    e.mac = gni::MacAddr([0xd0, 0x0d, 0x8a, 0x9b, 0x0c, 0x1d]);
    v.instances.push(i);
    v.config.clusters[0].nodes[0]
        .instance_ids
        .push("i-5f6a7b8c".into());
    let v = revalidate(&v);
    let written = converge(&h, &c, &v).await;
    assert_eq!(
        written,
        counts(&[
            ("create arp_entry", 1),
            ("create binding", 1),
            ("create chain", 2),
            ("create dhcp_host", 1),
            ("create ip_addr", 3), // elip_post_ plus sg_priv_ and sg_all_
            ("create ip_addr_group", 2),
            ("create mac_entry", 1),
            ("create port", 1),
            ("create route", 1),        // metadata /32 on eucamdrt
            ("create rule", 2 + 9 + 7), // metadata NAT pair, prechain 9, postchain 7
        ])
    );
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn changing_one_security_group_rule_costs_two_writes() {
    let (h, c, mut v) = applied_full().await;
    let g = v
        .security_groups
        .iter_mut()
        .find(|g| g.id == "sg-1a2b3c4d")
        .expect("group");
    g.ingress[0].traffic = Traffic::Tcp(gni::PortRange {
        from: 8000,
        to: 8000,
    });
    assert!(matches!(g.ingress[0].peer, Peer::Cidr(_)));
    let v = revalidate(&v);
    let written = converge(&h, &c, &v).await;
    assert_eq!(written, counts(&[("create rule", 1), ("delete rule", 1)]));
    h.stop().await.expect("stop");
}

#[actix_rt::test]
async fn moving_an_elastic_ip_between_vpcs() {
    let (h, c, mut v) = applied_full().await;
    let ip = Ipv4Addr::new(203, 0, 113, 50);
    for i in &mut v.instances {
        let take = i.id == "i-4e5f6a7b";
        let give = i.id == "i-3d4e5f6a";
        if take || give {
            i.public_ip = take.then_some(ip);
            i.network_interfaces[0].public_ip = take.then_some(ip);
        }
    }
    let v = revalidate(&v);
    let written = converge(&h, &c, &v).await;
    assert_eq!(
        written,
        counts(&[
            ("create ip_addr", 3), // elip_pre_i-4e5f6a7b, sg_pub_ and sg_all_ of its group
            ("create route", 1),   // 203.0.113.50/32 on eucart via the new VPC's uplink
            ("create rule", 2),    // DNAT in the new VPC's preelip, SNAT in its postchain
            ("delete ip_addr", 5), // elip_pre_i-3d4e5f6a, sg_pub_/sg_all_ of its two groups
            ("delete route", 1),   // the old /32, deleted before the new one is created
            ("delete rule", 2),    // the old DNAT and SNAT
        ])
    );
    h.stop().await.expect("stop");
}
