//! Discovery: the snapshot holds exactly what exists, top-level lists are tenant-filtered where
//! MidoNet filters, and the filter decides whose children are fetched — counted in GETs.
mod client_support;

use client_support::*;
use serde_json::json;
use std::collections::HashSet;
use uuid::Uuid;
use vpcmido::midonet::client::dhcp::SubnetKey;
use vpcmido::midonet::client::MidonetClient;
use vpcmido::midonet::dto::{BgpNetwork, BgpPeer, Router};
use vpcmido::midonet::sim::SimConfig;
use vpcmido::midonet::snapshot::DiscoverFilter;

struct Vpc {
    router: Uuid,
    bridge: Uuid,
    chain: Uuid,
    rules: Vec<Uuid>,
    iag: Uuid,
    pg: Uuid,
    ports: Vec<Uuid>,
}

async fn build_vpc(c: &MidonetClient, name: &str, n: u8) -> Vpc {
    let (router_id, bridge_id, chain_id, iag_id, pg) = (id(), id(), id(), id(), id());
    c.create_router(&router(router_id, &format!("vr_{name}_1")))
        .await
        .unwrap();
    c.create_bridge(&bridge(bridge_id, &format!("vb_{name}_subnet-1")))
        .await
        .unwrap();
    c.create_chain(&chain(chain_id, &format!("vc_{name}_prechain")))
        .await
        .unwrap();
    c.create_ip_addr_group(&iag(iag_id, &format!("sg_all_{name}")))
        .await
        .unwrap();
    c.create_port_group(&port_group(pg, &format!("pg_{name}")))
        .await
        .unwrap();
    let (rp, bp) = (id(), id());
    let net = format!("10.{n}.0.0");
    c.create_port(
        router_id,
        &router_port(
            rp,
            &net,
            16,
            &format!("10.{n}.0.1"),
            &format!("ac:ca:ba:00:00:{n:02x}"),
        ),
    )
    .await
    .unwrap();
    c.create_port(bridge_id, &bridge_port(bp)).await.unwrap();
    c.link_ports(rp, bp).await.unwrap();
    c.create_route(router_id, &route(id(), "10.99.0.0", 16, rp))
        .await
        .unwrap();
    let rules = vec![id(), id()];
    c.create_rule(chain_id, &accept_rule(rules[1], 1, 6, 22))
        .await
        .unwrap();
    c.create_rule(chain_id, &accept_rule(rules[0], 1, 6, 80))
        .await
        .unwrap();
    c.add_ip_addr(iag_id, &format!("10.{n}.0.5")).await.unwrap();
    c.add_port_group_member(pg, bp).await.unwrap();
    let key = SubnetKey::new(net.clone(), 16);
    c.create_dhcp_subnet(bridge_id, &dhcp_subnet(&net, 16, &format!("10.{n}.0.1")))
        .await
        .unwrap();
    c.create_dhcp_host(
        bridge_id,
        &key,
        &dhcp_host(
            "i-1",
            &format!("d0:0d:00:00:00:{n:02x}"),
            &format!("10.{n}.0.5"),
        ),
    )
    .await
    .unwrap();
    c.add_arp_entry(
        bridge_id,
        &format!("10.{n}.0.5"),
        &format!("d0:0d:00:00:00:{n:02x}"),
    )
    .await
    .unwrap();
    c.add_mac_entry(bridge_id, &format!("d0:0d:00:00:00:{n:02x}"), bp)
        .await
        .unwrap();
    Vpc {
        router: router_id,
        bridge: bridge_id,
        chain: chain_id,
        rules,
        iag: iag_id,
        pg,
        ports: vec![rp, bp],
    }
}

fn ids<'a, T: 'a>(
    v: impl IntoIterator<Item = &'a T>,
    f: impl Fn(&T) -> Option<Uuid>,
) -> HashSet<Uuid> {
    v.into_iter().filter_map(f).collect()
}

#[actix_rt::test]
async fn discover_returns_exactly_what_exists_and_fetches_children_the_filter_accepts() {
    let (h, c) = start(SimConfig::default()).await;
    let mut core = Vec::new();
    for name in ["eucart", "eucamdrt"] {
        let r = id();
        c.create_router(&router(r, name)).await.unwrap();
        core.push(r);
    }
    for name in ["eucabr", "eucamdbr"] {
        let b = id();
        c.create_bridge(&bridge(b, name)).await.unwrap();
        core.push(b);
    }
    let eucart = core[0];
    let peer: BgpPeer = dto(json!({"id": id(), "asNumber": 65001, "address": "192.0.2.1"}));
    c.create_bgp_peer(eucart, &peer).await.unwrap();
    let net: BgpNetwork =
        dto(json!({"id": id(), "subnetAddress": "203.0.113.0", "subnetLength": 24}));
    c.create_bgp_network(eucart, &net).await.unwrap();
    let a = build_vpc(&c, "vpc-aaaaaaaa", 1).await;
    let b = build_vpc(&c, "vpc-bbbbbbbb", 2).await;
    // Another tenant's router: not ours, not listed by default.
    let foreign: Router = dto(json!({"id": id(), "name": "theirs", "tenantId": "other"}));
    c.create_router(&foreign).await.unwrap();
    let host = id();
    register_host(&h, host, "nc-1", "192.168.0.10").await;
    let tz = id();
    c.create_tunnel_zone(&tunnel_zone(tz, "mido-tz"))
        .await
        .unwrap();
    c.add_tunnel_zone_member(tz, host, "192.168.0.10")
        .await
        .unwrap();

    // Everything owned.
    let gets = sim_count(&h, "GET");
    let s = c.discover(&DiscoverFilter::default()).await.unwrap();
    let child_gets = sim_count(&h, "GET") - gets;
    assert_eq!(
        ids(&s.routers, |r| r.id),
        HashSet::from([core[0], core[1], a.router, b.router])
    );
    assert_eq!(
        ids(&s.bridges, |x| x.id),
        HashSet::from([core[2], core[3], a.bridge, b.bridge])
    );
    assert_eq!(ids(&s.chains, |x| x.id), HashSet::from([a.chain, b.chain]));
    assert_eq!(
        ids(&s.ip_addr_groups, |x| x.id),
        HashSet::from([a.iag, b.iag])
    );
    assert_eq!(ids(&s.port_groups, |x| x.id), HashSet::from([a.pg, b.pg]));
    assert_eq!(ids(&s.hosts, |x| x.id), HashSet::from([host]));
    assert_eq!(ids(&s.tunnel_zones, |x| x.id), HashSet::from([tz]));
    assert_eq!(
        ids(s.all_ports(), |p| p.id),
        a.ports.iter().chain(&b.ports).copied().collect()
    );
    assert_eq!(s.ports[&a.router].len(), 1);
    assert!(s.ports[&core[0]].is_empty());
    assert_eq!(
        s.rules[&a.chain]
            .iter()
            .map(|r| r.id.unwrap())
            .collect::<Vec<_>>(),
        a.rules,
        "position order"
    );
    assert_eq!(
        s.routes[&a.router].len(),
        2,
        "our route + MidoNet's LOCAL route"
    );
    assert_eq!(s.ip_addrs[&a.iag][0].addr.as_deref(), Some("10.1.0.5"));
    assert_eq!(s.port_group_members[&a.pg][0].port_id, Some(a.ports[1]));
    assert_eq!(s.dhcp_subnets[&a.bridge].len(), 1);
    assert_eq!(
        s.dhcp_hosts[&(a.bridge, "10.1.0.0_16".to_string())][0]
            .name
            .as_deref(),
        Some("i-1")
    );
    assert_eq!(s.arp_entries[&a.bridge].len(), 1);
    assert_eq!(s.mac_entries[&a.bridge][0].port_id, Some(a.ports[1]));
    assert_eq!(s.bgp_peers[&eucart][0].as_number, 65001);
    assert_eq!(s.bgp_networks[&eucart][0].subnet_length, 24);
    assert_eq!(s.tunnel_zone_members[&tz][0].host_id, Some(host));
    // 7 lists; 4 per router (ports, routes, bgp peers, bgp networks); 4 per bridge (ports,
    // arp, mac, dhcp) + 1 per DHCP subnet; 1 per chain, IP group, port group, tunnel zone.
    assert_eq!(child_gets, 7 + 4 * 4 + 4 * 4 + 2 + 2 + 2 + 2 + 1);
    let s_again = c.discover(&DiscoverFilter::default()).await.unwrap();
    assert_eq!(s_again.object_count(), s.object_count());

    // One VPC's actor: core devices plus its own names. Top-level lists are still whole.
    let gets = sim_count(&h, "GET");
    let f = DiscoverFilter::core_and(|_, name| name.contains("vpc-aaaaaaaa"));
    let s = c.discover(&f).await.unwrap();
    let child_gets = sim_count(&h, "GET") - gets;
    assert_eq!(s.routers.len(), 4);
    let with_children: HashSet<Uuid> = s.ports.keys().copied().collect();
    assert_eq!(
        with_children,
        HashSet::from([core[0], core[1], core[2], core[3], a.router, a.bridge])
    );
    assert_eq!(
        s.rules.keys().copied().collect::<HashSet<_>>(),
        HashSet::from([a.chain])
    );
    assert_eq!(
        s.ip_addrs.keys().copied().collect::<HashSet<_>>(),
        HashSet::from([a.iag])
    );
    assert!(!s.dhcp_subnets.contains_key(&b.bridge));
    assert!(
        s.tunnel_zone_members.is_empty(),
        "mido-tz is not accepted by this filter"
    );
    assert_eq!(child_gets, 7 + 3 * 4 + 3 * 4 + 1 + 1 + 1 + 1);

    // Every tenant.
    let s = c
        .discover(&DiscoverFilter::default().with_tenant(None))
        .await
        .unwrap();
    assert_eq!(s.routers.len(), 5);
    assert_eq!(c.stats().calls(), sim_total(&h));
    h.stop().await.unwrap();
}
