//! Retries under the emulator's fault injection (503, 500, connection dropped before or after
//! the write was applied): every object ends up existing exactly once, and the calls the
//! emulator saw equal the client's own count: writes + retries + confirming GETs.
mod client_support;

use client_support::*;
use serde_json::json;
use std::collections::HashSet;
use vpcmido::midonet::client::dhcp::SubnetKey;
use vpcmido::midonet::sim::SimConfig;
use vpcmido::midonet::snapshot::DiscoverFilter;

#[actix_rt::test]
async fn creates_under_a_20_percent_fault_rate_exist_exactly_once() {
    let (h, c) = start(SimConfig {
        fault_rate: 0.2,
        fault_seed: 7,
        ..SimConfig::default()
    })
    .await;
    let before = c.stats();
    let sim_before = sim_total(&h);
    let faults_before: u64 = h.sim().stats().faults_injected.values().sum();

    const VPCS: usize = 6;
    const PER: usize = 8;
    let mut routers = HashSet::new();
    let mut rules = HashSet::new();
    let mut ports = HashSet::new();
    for v in 0..VPCS {
        let (rid, bid, cid, gid, pg) = (id(), id(), id(), id(), id());
        c.create_router(&router(rid, &format!("vr_vpc-{v}_1")))
            .await
            .unwrap();
        c.create_bridge(&bridge(bid, &format!("vb_vpc-{v}_s")))
            .await
            .unwrap();
        c.create_chain(&chain(cid, &format!("vc_vpc-{v}_prechain")))
            .await
            .unwrap();
        c.create_ip_addr_group(&iag(gid, &format!("sg_all_sg-{v}")))
            .await
            .unwrap();
        c.create_port_group(&port_group(pg, &format!("pg-{v}")))
            .await
            .unwrap();
        let key = SubnetKey::new(format!("10.{v}.0.0"), 16);
        c.create_dhcp_subnet(bid, &dhcp_subnet(&key.prefix, 16, &format!("10.{v}.0.1")))
            .await
            .unwrap();
        routers.insert(rid);
        for i in 0..PER {
            let (rp, bp, rt, ru) = (id(), id(), id(), id());
            let net = format!("10.{v}.{i}.0");
            let mac = format!("ac:ca:ba:00:{v:02x}:{i:02x}");
            c.create_port(
                rid,
                &router_port(rp, &net, 24, &format!("10.{v}.{i}.1"), &mac),
            )
            .await
            .unwrap();
            c.create_port(bid, &bridge_port(bp)).await.unwrap();
            c.link_ports(rp, bp).await.unwrap();
            c.create_route(rid, &route(rt, &net, 24, rp)).await.unwrap();
            c.create_rule(cid, &accept_rule(ru, i as i32 + 1, 6, 1000 + i as i32))
                .await
                .unwrap();
            c.add_ip_addr(gid, &format!("10.{v}.{i}.5")).await.unwrap();
            c.add_port_group_member(pg, bp).await.unwrap();
            let dmac = format!("d0:0d:00:00:{v:02x}:{i:02x}");
            c.create_dhcp_host(
                bid,
                &key,
                &dhcp_host(&format!("i-{v}-{i}"), &dmac, &format!("10.{v}.{i}.5")),
            )
            .await
            .unwrap();
            ports.extend([rp, bp]);
            rules.insert(ru);
        }
    }
    let d = c.stats().since(&before);
    let sim_calls_in_phase = sim_total(&h) - sim_before;
    let faults: u64 = h.sim().stats().faults_injected.values().sum::<u64>() - faults_before;
    println!(
        "writes {} retries {} confirm GETs {} (409 confirmed {}) calls {} sim {} faults {}",
        d.writes,
        d.retries,
        d.confirm_reads,
        d.confirmed_409,
        d.calls(),
        sim_calls_in_phase,
        faults
    );

    // The fault injector really bit, and every fault cost exactly one retry.
    assert!(faults > 50, "faults injected: {faults}");
    assert_eq!(d.retries, faults);
    // Dropped-after-apply creates came back as 409 and were confirmed, never duplicated.
    assert!(d.confirmed_409 > 0);
    // The emulator saw exactly the client's calls, and those are writes + retries + confirms.
    assert_eq!(d.writes, (VPCS * (6 + PER * 8)) as u64);
    assert_eq!(sim_calls_in_phase, d.calls());
    assert_eq!(d.calls(), d.writes + d.retries + d.confirm_reads);
    assert_eq!(d.reads, 0);

    // Exactly once: discover with faults off and count.
    let st = sim_api(
        &h,
        reqwest::Method::PUT,
        "faults/rate",
        json!({"rate": 0.0}),
    )
    .await;
    assert!((200..300).contains(&st), "{st}");
    let s = c.discover(&DiscoverFilter::default()).await.unwrap();
    assert_eq!(s.routers.len(), VPCS);
    assert_eq!(s.bridges.len(), VPCS);
    assert_eq!(s.chains.len(), VPCS);
    assert_eq!(s.ip_addr_groups.len(), VPCS);
    assert_eq!(s.port_groups.len(), VPCS);
    let found_ports: Vec<_> = s.all_ports().filter_map(|p| p.id).collect();
    assert_eq!(found_ports.len(), VPCS * PER * 2);
    assert_eq!(found_ports.iter().copied().collect::<HashSet<_>>(), ports);
    assert!(
        s.all_ports().all(|p| p.peer_id.is_some()),
        "every port linked"
    );
    let found_rules: Vec<_> = s.rules.values().flatten().filter_map(|r| r.id).collect();
    assert_eq!(found_rules.len(), VPCS * PER);
    assert_eq!(found_rules.into_iter().collect::<HashSet<_>>(), rules);
    for r in &routers {
        // PER normal routes + PER LOCAL routes per router.
        assert_eq!(s.routes[r].len(), 2 * PER);
    }
    for v in s.dhcp_subnets.values() {
        assert_eq!(v.len(), 1, "no duplicate DHCP subnet");
    }
    assert!(s.dhcp_hosts.values().all(|v| v.len() == PER));
    assert!(s.ip_addrs.values().all(|v| v.len() == PER));
    assert!(s.port_group_members.values().all(|v| v.len() == PER));
    h.stop().await.unwrap();
}

/// Replies lost after the write was applied (`drop_after`), targeted: a DHCP subnet (no id of
/// its own, and MidoNet 5.2 would store a duplicate on a blind re-POST) is looked up before any
/// repeat and found; a router whose every reply is lost fails with a transport error after the
/// attempt bound, yet exists exactly once.
#[actix_rt::test]
async fn lost_replies_never_duplicate() {
    let (h, c) = start(SimConfig::default()).await;
    let bid = id();
    c.create_bridge(&bridge(bid, "eucabr")).await.unwrap();
    // The gateway only appears in the POST body, so the confirming GET is not faulted.
    let rule = json!({"match": "10.77.0.1", "rate": 1.0, "kinds": ["drop_after"]});
    let st = sim_api(&h, reqwest::Method::POST, "faults", rule).await;
    assert!((200..300).contains(&st), "{st}");
    let before = c.stats();
    let s = c
        .create_dhcp_subnet(bid, &dhcp_subnet("10.77.0.0", 16, "10.77.0.1"))
        .await
        .unwrap();
    assert_eq!(
        s.uri.as_deref().map(|u| u.ends_with("/dhcp/10.77.0.0_16")),
        Some(true)
    );
    let d = c.stats().since(&before);
    assert_eq!((d.post, d.get, d.retries, d.confirmed_409), (1, 1, 1, 1));
    assert_eq!(c.list_dhcp_subnets(bid).await.unwrap().len(), 1);

    let rule = json!({"match": "lost-router", "rate": 1.0, "kinds": ["drop_after"]});
    let st = sim_api(&h, reqwest::Method::POST, "faults", rule).await;
    assert!((200..300).contains(&st), "{st}");
    let rid = id();
    let before = c.stats();
    let err = c
        .create_router(&router(rid, "lost-router"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            vpcmido::midonet::client::Error::Transport { attempts: 10, .. }
        ),
        "{err}"
    );
    assert_eq!(c.stats().since(&before).post, 10);
    let st = sim_api(&h, reqwest::Method::DELETE, "faults", json!({})).await;
    assert!((200..300).contains(&st), "{st}");
    let routers = c.list_routers(Some(TENANT)).await.unwrap();
    assert_eq!(
        routers
            .iter()
            .filter(|r| r.name.as_deref() == Some("lost-router"))
            .count(),
        1
    );
    // With replies flowing again, the same create is a confirmed success.
    c.create_router(&router(rid, "lost-router")).await.unwrap();
    h.stop().await.unwrap();
}
