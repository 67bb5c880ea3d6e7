//! 409 handling: a create that meets an identical stored object is a success after exactly one
//! confirming GET; a different stored object is a typed `Conflict` naming the fields. Covered
//! for objects with client-chosen ids and for each natural-key case (DHCP host MAC, binding,
//! port link, port-group member, tunnel-zone member).
mod client_support;

use client_support::*;
use vpcmido::midonet::client::dhcp::SubnetKey;
use vpcmido::midonet::client::{ClientStats, Error, MidonetClient};
use vpcmido::midonet::sim::SimConfig;

/// Runs `f` and returns the client's counter delta.
async fn delta<F, T>(c: &MidonetClient, f: F) -> (T, ClientStats)
where
    F: std::future::Future<Output = T>,
{
    let before = c.stats();
    let out = f.await;
    (out, c.stats().since(&before))
}

fn differing(e: Error) -> Vec<String> {
    match e {
        Error::Conflict { differing, .. } => differing,
        other => panic!("expected Conflict, got {other}"),
    }
}

#[actix_rt::test]
async fn create_with_a_taken_id_confirms_same_object_and_rejects_a_different_one() {
    let (h, c) = start(SimConfig::default()).await;
    let (rid, cid) = (id(), id());
    c.create_chain(&chain(cid, "vc_vpc-1_prechain"))
        .await
        .unwrap();
    let mut r = router(rid, "vr_vpc-1_1");
    r.inbound_filter_id = Some(cid);
    c.create_router(&r).await.unwrap();

    // Same object again (what a retried create whose first attempt was applied looks like).
    let (res, d) = delta(&c, c.create_router(&r)).await;
    let created = res.unwrap();
    assert_eq!(created.id, Some(rid));
    assert!(created.uri.unwrap().ends_with(&format!("/routers/{rid}")));
    assert_eq!(
        (d.post, d.get, d.confirm_reads, d.confirmed_409),
        (1, 1, 1, 1)
    );

    // Same id, other name and no filter: Conflict naming the differing field.
    let other = router(rid, "vr_vpc-2_1");
    let (res, d) = delta(&c, c.create_router(&other)).await;
    let err = res.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(differing(err), ["name"]);
    assert_eq!((d.post, d.get, d.confirmed_409), (1, 1, 0));

    // The same for a port (server-made tunnel key and device id are not compared) and a rule
    // (position is not compared: it moves as rules are inserted before it).
    let pid = id();
    let p = router_port(pid, "10.0.0.0", 24, "10.0.0.1", "ac:ca:ba:00:00:01");
    c.create_port(rid, &p).await.unwrap();
    c.create_port(rid, &p).await.unwrap();
    let p2 = router_port(pid, "10.0.0.0", 24, "10.0.0.2", "ac:ca:ba:00:00:01");
    assert_eq!(
        differing(c.create_port(rid, &p2).await.unwrap_err()),
        ["portAddress"]
    );
    let rule_id = id();
    c.create_rule(cid, &accept_rule(rule_id, 1, 6, 22))
        .await
        .unwrap();
    c.create_rule(cid, &accept_rule(id(), 1, 6, 80))
        .await
        .unwrap(); // ours is now at 2
    c.create_rule(cid, &accept_rule(rule_id, 1, 6, 22))
        .await
        .unwrap();
    assert_eq!(
        differing(
            c.create_rule(cid, &accept_rule(rule_id, 1, 17, 22))
                .await
                .unwrap_err()
        ),
        ["nwProto"]
    );
    assert_eq!(
        c.list_rules(cid).await.unwrap().len(),
        2,
        "no duplicate rule"
    );

    // Tunnel zone: a different zone with a taken name is a Conflict with MidoNet's message.
    c.create_tunnel_zone(&tunnel_zone(id(), "mido-tz"))
        .await
        .unwrap();
    let err = c
        .create_tunnel_zone(&tunnel_zone(id(), "mido-tz"))
        .await
        .unwrap_err();
    match err {
        Error::Conflict {
            message, differing, ..
        } => {
            assert!(differing.is_empty());
            assert!(message.unwrap_or_default().contains("name already exists"));
        }
        other => panic!("{other}"),
    }
    assert_eq!(c.stats().calls(), sim_total(&h));
    h.stop().await.unwrap();
}

#[actix_rt::test]
async fn natural_key_conflicts_confirm_or_reject() {
    let (h, c) = start(SimConfig::default()).await;
    let (rid, bid) = (id(), id());
    c.create_router(&router(rid, "eucart")).await.unwrap();
    c.create_bridge(&bridge(bid, "eucabr")).await.unwrap();

    // DHCP host: duplicate MAC → GET by MAC and compare (MAC case does not matter).
    let key = SubnetKey::new("10.0.0.0", 24);
    c.create_dhcp_subnet(bid, &dhcp_subnet("10.0.0.0", 24, "10.0.0.1"))
        .await
        .unwrap();
    let hst = dhcp_host("i-1", "d0:0d:00:00:00:01", "10.0.0.5");
    c.create_dhcp_host(bid, &key, &hst).await.unwrap();
    let (res, d) = delta(
        &c,
        c.create_dhcp_host(
            bid,
            &key,
            &dhcp_host("i-1", "D0:0D:00:00:00:01", "10.0.0.5"),
        ),
    )
    .await;
    res.unwrap();
    assert_eq!((d.post, d.get, d.confirmed_409), (1, 1, 1));
    let err = c
        .create_dhcp_host(
            bid,
            &key,
            &dhcp_host("i-1", "d0:0d:00:00:00:01", "10.0.0.6"),
        )
        .await
        .unwrap_err();
    assert_eq!(differing(err), ["ipAddr"]);
    assert_eq!(c.list_dhcp_hosts(bid, &key).await.unwrap().len(), 1);

    // Port link: already linked to each other → success; linked elsewhere → Conflict.
    let (a, b, x) = (id(), id(), id());
    c.create_port(
        rid,
        &router_port(a, "10.0.0.0", 24, "10.0.0.1", "ac:ca:ba:00:00:0a"),
    )
    .await
    .unwrap();
    c.create_port(bid, &bridge_port(b)).await.unwrap();
    c.create_port(bid, &bridge_port(x)).await.unwrap();
    c.link_ports(a, b).await.unwrap();
    let (res, d) = delta(&c, c.link_ports(a, b)).await;
    res.unwrap();
    assert_eq!((d.post, d.get), (1, 2), "one POST, then both ports");
    let err = c.link_ports(a, x).await.unwrap_err();
    let fields = differing(err);
    assert_eq!(fields.len(), 2, "{fields:?}");
    assert_eq!(c.get_port(a).await.unwrap().peer_id, Some(b));

    // Binding: already bound to the same interface → success; to another → Conflict.
    let host = id();
    register_host(&h, host, "nc-1", "192.168.0.10").await;
    let tz = id();
    c.create_tunnel_zone(&tunnel_zone(tz, "mido-tz"))
        .await
        .unwrap();
    c.add_tunnel_zone_member(tz, host, "192.168.0.10")
        .await
        .unwrap();
    let vm = id();
    c.create_port(bid, &bridge_port(vm)).await.unwrap();
    c.bind_port(host, vm, "vn0_1").await.unwrap();
    let (res, d) = delta(&c, c.bind_port(host, vm, "vn0_1")).await;
    res.unwrap();
    assert_eq!((d.post, d.get, d.confirmed_409), (1, 1, 1));
    assert_eq!(
        differing(c.bind_port(host, vm, "vn0_2").await.unwrap_err()),
        ["interfaceName"]
    );

    // Port-group member: already a member → success after one GET of the member.
    let pg = id();
    c.create_port_group(&port_group(pg, "eucapg"))
        .await
        .unwrap();
    c.add_port_group_member(pg, b).await.unwrap();
    let (res, d) = delta(&c, c.add_port_group_member(pg, b)).await;
    res.unwrap();
    assert_eq!((d.post, d.get, d.confirmed_409, d.retries), (1, 1, 1, 0));
    assert_eq!(c.list_port_group_members(pg).await.unwrap().len(), 1);

    // Tunnel-zone member: same address → success; another address → Conflict.
    let (res, d) = delta(&c, c.add_tunnel_zone_member(tz, host, "192.168.0.10")).await;
    res.unwrap();
    assert_eq!((d.post, d.get, d.confirmed_409, d.retries), (1, 1, 1, 0));
    assert_eq!(
        differing(
            c.add_tunnel_zone_member(tz, host, "192.168.0.99")
                .await
                .unwrap_err()
        ),
        ["ipAddress"]
    );

    assert_eq!(c.stats().calls(), sim_total(&h));
    h.stop().await.unwrap();
}
