//! Create/read/update/delete of every resource the translation uses, through the client,
//! against the in-process emulator; and the "no GET after POST" cost of a cold build.
mod client_support;

use client_support::*;
use serde_json::json;
use vpcmido::midonet::client::dhcp::SubnetKey;
use vpcmido::midonet::client::{Error, Kind};
use vpcmido::midonet::dto::{BgpNetwork, BgpPeer, PortKind, RuleAction};
use vpcmido::midonet::sim::SimConfig;
use vpcmido::midonet::snapshot::DiscoverFilter;

#[actix_rt::test]
async fn every_resource_round_trips_through_the_client() {
    let (h, c) = start(SimConfig::default()).await;

    // Devices and filters.
    let (ch_in, ch_out) = (id(), id());
    let cin = c
        .create_chain(&chain(ch_in, "vc_vpc-1_prechain"))
        .await
        .unwrap();
    assert_eq!(cin.id, Some(ch_in));
    assert!(cin
        .uri
        .as_deref()
        .unwrap()
        .ends_with(&format!("/chains/{ch_in}")));
    c.create_chain(&chain(ch_out, "vc_vpc-1_postchain"))
        .await
        .unwrap();
    let rid = id();
    let mut r = router(rid, "vr_vpc-1_1");
    r.inbound_filter_id = Some(ch_in);
    let r = c.create_router(&r).await.unwrap();
    let got = c.get_router(rid).await.unwrap();
    assert_eq!(got.name.as_deref(), Some("vr_vpc-1_1"));
    assert_eq!(got.tenant_id.as_deref(), Some(TENANT));
    assert_eq!(got.inbound_filter_id, Some(ch_in));
    let bid = id();
    c.create_bridge(&bridge(bid, "vb_vpc-1_subnet-1"))
        .await
        .unwrap();
    assert_eq!(
        c.get_bridge(bid).await.unwrap().name.as_deref(),
        Some("vb_vpc-1_subnet-1")
    );

    // Ports, link, route.
    let (rp, bp) = (id(), id());
    let port = c
        .create_port(
            rid,
            &router_port(rp, "10.0.1.0", 24, "10.0.1.1", "ac:ca:ba:00:00:01"),
        )
        .await
        .unwrap();
    assert_eq!(port.device_id, Some(rid));
    c.create_port(bid, &bridge_port(bp)).await.unwrap();
    c.link_ports(rp, bp).await.unwrap();
    let got_rp = c.get_port(rp).await.unwrap();
    assert_eq!(got_rp.peer_id, Some(bp));
    assert_eq!(c.get_port(bp).await.unwrap().peer_id, Some(rp));
    match &got_rp.kind {
        PortKind::Router(f) => {
            assert_eq!(f.port_address.as_deref(), Some("10.0.1.1"));
            assert_eq!(f.port_mac.as_deref(), Some("ac:ca:ba:00:00:01"));
        }
        other => panic!("router port came back as {other:?}"),
    }
    let rt = id();
    c.create_route(rid, &route(rt, "10.0.2.0", 24, rp))
        .await
        .unwrap();
    let got = c.get_route(rt).await.unwrap();
    assert_eq!(
        (got.dst_network_addr.as_deref(), got.dst_network_length),
        (Some("10.0.2.0"), 24)
    );
    assert_eq!(got.next_hop_port, Some(rp));
    // The router's list has our route and the LOCAL route MidoNet made for the port (§7.5).
    let routes = c.list_routes(rid).await.unwrap();
    assert_eq!(routes.len(), 2);
    assert!(routes
        .iter()
        .any(|x| x.route_type.as_deref() == Some("Local")));

    // Rules with explicit positions: 2 at the end, then 1 inserted before it.
    let (r1, r2, r3) = (id(), id(), id());
    c.create_rule(ch_in, &accept_rule(r1, 1, 6, 22))
        .await
        .unwrap();
    c.create_rule(ch_in, &accept_rule(r2, 2, 6, 80))
        .await
        .unwrap();
    c.create_rule(ch_in, &dnat_rule(r3, 1, "1.2.3.4", "10.0.1.5"))
        .await
        .unwrap();
    let rules = c.list_rules(ch_in).await.unwrap();
    let order: Vec<_> = rules.iter().map(|x| (x.id.unwrap(), x.position)).collect();
    assert_eq!(order, vec![(r3, 1), (r1, 2), (r2, 3)]);
    assert!(matches!(rules[0].action, RuleAction::Dnat(_)));
    assert_eq!(c.get_rule(r2).await.unwrap().condition.nw_proto, Some(6));
    let no_pos = accept_rule(id(), 0, 6, 443);
    assert!(matches!(
        c.create_rule(ch_in, &no_pos).await,
        Err(Error::Invalid { .. })
    ));

    // IP address group and addresses.
    let g = id();
    c.create_ip_addr_group(&iag(g, "sg_priv_sg-1"))
        .await
        .unwrap();
    c.add_ip_addr(g, "10.0.1.5").await.unwrap();
    c.add_ip_addr(g, "10.0.1.6").await.unwrap();
    c.add_ip_addr(g, "10.0.1.6").await.unwrap(); // idempotent on the server (§9.9)
    let addrs: Vec<_> = c
        .list_ip_addrs(g)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|a| a.addr)
        .collect();
    assert_eq!(addrs, ["10.0.1.5", "10.0.1.6"]);
    c.delete_ip_addr(g, "10.0.1.5").await.unwrap();
    assert_eq!(c.list_ip_addrs(g).await.unwrap().len(), 1);

    // Port group and member.
    let pg = id();
    c.create_port_group(&port_group(pg, "eucapg"))
        .await
        .unwrap();
    c.add_port_group_member(pg, bp).await.unwrap();
    let members = c.list_port_group_members(pg).await.unwrap();
    assert_eq!(
        members.iter().map(|m| m.port_id).collect::<Vec<_>>(),
        vec![Some(bp)]
    );
    let pgo = c.get_port_group(pg).await.unwrap();
    let pgo = c
        .update_port_group(&pgo, |p| p.stateful = false)
        .await
        .unwrap();
    assert!(!c.get_port_group(pg).await.unwrap().stateful);
    assert!(!pgo.stateful);

    // Host, tunnel zone, member, binding.
    let host = id();
    register_host(&h, host, "nc-1", "192.168.0.10").await;
    let hosts = c.list_hosts().await.unwrap();
    assert_eq!(hosts.len(), 1);
    assert_eq!(hosts[0].host_interfaces.len(), 1);
    assert_eq!(
        c.list_interfaces(host).await.unwrap()[0].name.as_deref(),
        Some("eth0")
    );
    let tz = id();
    c.create_tunnel_zone(&tunnel_zone(tz, "mido-tz"))
        .await
        .unwrap();
    c.add_tunnel_zone_member(tz, host, "192.168.0.10")
        .await
        .unwrap();
    let m = c.list_tunnel_zone_members(tz).await.unwrap();
    assert_eq!(
        (m[0].host_id, m[0].ip_address.as_deref()),
        (Some(host), Some("192.168.0.10"))
    );
    let vm_port = id();
    c.create_port(bid, &bridge_port(vm_port)).await.unwrap();
    c.bind_port(host, vm_port, "vn0_1").await.unwrap();
    let p = c.get_port(vm_port).await.unwrap();
    assert_eq!(
        (p.host_id, p.interface_name.as_deref()),
        (Some(host), Some("vn0_1"))
    );
    assert_eq!(c.list_bindings(host).await.unwrap().len(), 1);

    // DHCP subnet and host.
    let key = SubnetKey::new("10.0.1.0", 24);
    let s = c
        .create_dhcp_subnet(bid, &dhcp_subnet("10.0.1.0", 24, "10.0.1.1"))
        .await
        .unwrap();
    assert!(s.uri.as_deref().unwrap().ends_with("/dhcp/10.0.1.0_24"));
    let got = c.get_dhcp_subnet(bid, &key).await.unwrap();
    assert_eq!(got.default_gateway.as_deref(), Some("10.0.1.1"));
    assert_eq!(got.dns_server_addrs, Some(vec!["8.8.8.8".to_string()]));
    c.create_dhcp_host(
        bid,
        &key,
        &dhcp_host("i-1", "d0:0d:00:00:00:01", "10.0.1.5"),
    )
    .await
    .unwrap();
    let hs = c.list_dhcp_hosts(bid, &key).await.unwrap();
    assert_eq!(
        (hs[0].name.as_deref(), hs[0].ip_addr.as_deref()),
        (Some("i-1"), Some("10.0.1.5"))
    );
    let hs0 = c
        .update_dhcp_host(bid, &key, &hs[0], |x| x.ip_addr = Some("10.0.1.7".into()))
        .await
        .unwrap();
    assert_eq!(hs0.ip_addr.as_deref(), Some("10.0.1.7"));
    assert_eq!(
        c.list_dhcp_hosts(bid, &key).await.unwrap()[0]
            .ip_addr
            .as_deref(),
        Some("10.0.1.7")
    );
    let got = c
        .update_dhcp_subnet(bid, &got, |x| {
            x.dns_server_addrs = Some(vec!["1.1.1.1".into()])
        })
        .await
        .unwrap();
    assert_eq!(
        c.get_dhcp_subnet(bid, &key).await.unwrap().dns_server_addrs,
        Some(vec!["1.1.1.1".to_string()])
    );
    assert_eq!(
        c.list_dhcp_hosts(bid, &key).await.unwrap().len(),
        1,
        "PUT keeps the hosts"
    );
    let _ = got;

    // ARP and MAC tables.
    c.add_arp_entry(bid, "10.0.1.5", "d0:0d:00:00:00:01")
        .await
        .unwrap();
    c.add_mac_entry(bid, "d0:0d:00:00:00:01", vm_port)
        .await
        .unwrap();
    let arp = c.list_arp_entries(bid).await.unwrap();
    assert_eq!(
        (arp[0].ip.as_deref(), arp[0].mac.as_deref()),
        (Some("10.0.1.5"), Some("d0:0d:00:00:00:01"))
    );
    let mac = c.list_mac_entries(bid).await.unwrap();
    assert_eq!(
        (mac[0].mac_addr.as_deref(), mac[0].port_id),
        (Some("d0:0d:00:00:00:01"), Some(vm_port))
    );

    // BGP: local AS through a router PUT that keeps the filter; a peer and a network.
    let r = c.set_router_as_number(&r, 65000).await.unwrap();
    let got = c.get_router(rid).await.unwrap();
    assert_eq!(got.as_number, 65000);
    assert_eq!(
        got.inbound_filter_id,
        Some(ch_in),
        "the PUT kept the filter"
    );
    let peer: BgpPeer = dto(json!({"id": id(), "asNumber": 65001, "address": "10.0.1.254"}));
    let peer = c.create_bgp_peer(rid, &peer).await.unwrap();
    let peer = c
        .update_bgp_peer(&peer, |p| p.hold_time = Some(90))
        .await
        .unwrap();
    assert_eq!(
        c.get_bgp_peer(peer.id.unwrap()).await.unwrap().hold_time,
        Some(90)
    );
    let net: BgpNetwork =
        dto(json!({"id": id(), "subnetAddress": "203.0.113.0", "subnetLength": 24}));
    c.create_bgp_network(rid, &net).await.unwrap();
    assert_eq!(c.list_bgp_peers(rid).await.unwrap().len(), 1);
    assert_eq!(c.list_bgp_networks(rid).await.unwrap()[0].subnet_length, 24);

    // Updates: full replacement from the observed object keeps what was not edited.
    let r = c
        .update_router(&r, |x| x.outbound_filter_id = Some(ch_out))
        .await
        .unwrap();
    let got = c.get_router(rid).await.unwrap();
    assert_eq!(
        (got.inbound_filter_id, got.outbound_filter_id, got.as_number),
        (Some(ch_in), Some(ch_out), 65000)
    );
    let before = c.stats();
    c.update_router(&r, |_| {}).await.unwrap();
    assert_eq!(
        c.stats().since(&before).put,
        0,
        "an edit that changes nothing sends nothing"
    );
    assert_eq!(c.stats().since(&before).skipped_puts, 1);
    let observed = c.get_port(rp).await.unwrap();
    c.update_port(&observed, |p| p.inbound_filter_id = Some(ch_in))
        .await
        .unwrap();
    let got = c.get_port(rp).await.unwrap();
    assert_eq!(got.inbound_filter_id, Some(ch_in));
    assert_eq!(got.peer_id, Some(bp));
    match got.kind {
        PortKind::Router(f) => assert_eq!(f.port_mac.as_deref(), Some("ac:ca:ba:00:00:01")),
        other => panic!("{other:?}"),
    }
    let b = c.get_bridge(bid).await.unwrap();
    c.update_bridge(&b, |x| x.inbound_filter_id = Some(ch_out))
        .await
        .unwrap();
    assert_eq!(
        c.get_bridge(bid).await.unwrap().inbound_filter_id,
        Some(ch_out)
    );

    // Deletes, child objects first; afterwards each is NotFound.
    c.delete_mac_entry(bid, "d0:0d:00:00:00:01", vm_port)
        .await
        .unwrap();
    c.delete_arp_entry(bid, "10.0.1.5", "d0:0d:00:00:00:01")
        .await
        .unwrap();
    assert!(c.list_arp_entries(bid).await.unwrap().is_empty());
    assert!(c.list_mac_entries(bid).await.unwrap().is_empty());
    c.delete_dhcp_host(bid, &key, "d0:0d:00:00:00:01")
        .await
        .unwrap();
    assert!(c.list_dhcp_hosts(bid, &key).await.unwrap().is_empty());
    c.delete_dhcp_subnet(bid, &key).await.unwrap();
    assert!(c
        .get_dhcp_subnet(bid, &key)
        .await
        .unwrap_err()
        .is_not_found());
    c.unbind_port(host, vm_port).await.unwrap();
    assert_eq!(c.get_port(vm_port).await.unwrap().host_id, None);
    c.remove_tunnel_zone_member(tz, host).await.unwrap();
    assert!(c.list_tunnel_zone_members(tz).await.unwrap().is_empty());
    c.delete_tunnel_zone(tz).await.unwrap();
    assert!(c.get_tunnel_zone(tz).await.unwrap_err().is_not_found());
    c.remove_port_group_member(pg, bp).await.unwrap();
    assert!(c.list_port_group_members(pg).await.unwrap().is_empty());
    c.delete_port_group(pg).await.unwrap();
    c.delete_ip_addr_group(g).await.unwrap();
    assert!(c.get_ip_addr_group(g).await.unwrap_err().is_not_found());
    c.delete_bgp_network(net.id.unwrap()).await.unwrap();
    c.delete_bgp_peer(peer.id.unwrap()).await.unwrap();
    assert!(c.list_bgp_peers(rid).await.unwrap().is_empty());
    c.delete_rule(r3).await.unwrap();
    assert_eq!(c.list_rules(ch_in).await.unwrap()[0].id, Some(r1));
    c.delete_route(rt).await.unwrap();
    assert!(c.get_route(rt).await.unwrap_err().is_not_found());
    let stale = c.get_port(rp).await.unwrap();
    assert_eq!(stale.peer_id, Some(bp));
    c.unlink_port(rp).await.unwrap();
    assert_eq!(c.get_port(bp).await.unwrap().peer_id, None);
    // A PUT built from a stale observation (still showing the peer) must not re-link: MidoNet
    // sets `peerId` from a PUT body while the stored one is null (§9.5).
    c.update_port(&stale, |p| p.outbound_filter_id = Some(ch_out))
        .await
        .unwrap();
    let got = c.get_port(rp).await.unwrap();
    assert_eq!((got.peer_id, got.outbound_filter_id), (None, Some(ch_out)));
    c.delete_port(bp).await.unwrap();
    assert!(c.get_port(bp).await.unwrap_err().is_not_found());
    c.delete_bridge(bid).await.unwrap();
    c.delete_router(rid).await.unwrap();
    c.delete_chain(ch_in).await.unwrap();
    c.delete_chain(ch_out).await.unwrap();
    // A second delete of a gone object is a success (end state "absent").
    c.delete_port(bp).await.unwrap();
    c.delete_bridge(bid).await.unwrap();
    let snap = c.discover(&DiscoverFilter::default()).await.unwrap();
    assert_eq!(
        snap.routers.len() + snap.bridges.len() + snap.chains.len(),
        0
    );
    let err = c.get_router(rid).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.op().kind, Kind::Router);
    assert_eq!(err.op().target.as_deref(), Some(rid.to_string().as_str()));

    // The client counted exactly what the emulator saw.
    assert_eq!(c.stats().calls(), sim_total(&h));
    h.stop().await.unwrap();
}

/// Cold build: N creates cost N POSTs and not one GET after discovery (eucanetd: 3 requests
/// per create, spec `vpc-to-midonet.md` §14.3).
#[actix_rt::test]
async fn cold_create_sends_no_get_after_post() {
    let (h, c) = start(SimConfig::default()).await;
    c.discover(&DiscoverFilter::default()).await.unwrap();
    let gets_after_discovery = sim_count(&h, "GET");
    assert_eq!(
        gets_after_discovery,
        1 + 7,
        "root + 7 top-level lists on an empty MidoNet"
    );
    let before = c.stats();

    let mut writes = 0u64;
    for v in 0..10 {
        let (rid, bid, cid, gid) = (id(), id(), id(), id());
        c.create_chain(&chain(cid, &format!("vc_vpc-{v}_prechain")))
            .await
            .unwrap();
        c.create_router(&router(rid, &format!("vr_vpc-{v}_1")))
            .await
            .unwrap();
        c.create_bridge(&bridge(bid, &format!("vb_vpc-{v}_subnet")))
            .await
            .unwrap();
        c.create_ip_addr_group(&iag(gid, &format!("sg_all_sg-{v}")))
            .await
            .unwrap();
        writes += 4;
        for i in 0..10u8 {
            let (rp, bp) = (id(), id());
            let net = format!("10.{v}.{i}.0");
            c.create_port(
                rid,
                &router_port(
                    rp,
                    &net,
                    24,
                    &format!("10.{v}.{i}.1"),
                    &format!("ac:ca:ba:00:{v:02x}:{i:02x}"),
                ),
            )
            .await
            .unwrap();
            c.create_port(bid, &bridge_port(bp)).await.unwrap();
            c.link_ports(rp, bp).await.unwrap();
            c.create_route(rid, &route(id(), &net, 24, rp))
                .await
                .unwrap();
            c.create_rule(
                cid,
                &accept_rule(id(), i32::from(i) + 1, 6, 1000 + i32::from(i)),
            )
            .await
            .unwrap();
            c.add_ip_addr(gid, &format!("10.{v}.{i}.5")).await.unwrap();
            writes += 6;
        }
    }
    let d = c.stats().since(&before);
    assert_eq!(d.writes, writes);
    assert_eq!(d.calls(), writes, "one request per write");
    assert_eq!(d.get, 0);
    assert_eq!(
        sim_count(&h, "GET"),
        gets_after_discovery,
        "no GET after any POST"
    );
    assert_eq!(sim_count(&h, "POST"), writes);
    assert!((d.calls_per_write() - 1.0).abs() < f64::EPSILON);
    h.stop().await.unwrap();
}
