//! Resource behaviour beyond the §12 checklist: system state, tenants, BGP, port groups, route
//! types, ARP/MAC tables, DHCP subnet PUT, and port-level quirks of spec §9.5/§9.6.
mod common;
use common::sim;
use serde_json::json;
use vpcmido::midonet::media::*;

#[actix_web::test]
async fn system_state_and_tenants() {
    let t = sim().await;
    let s = t.get("system_state", SYSTEM_STATE).await;
    assert_eq!(
        s.json,
        json!({"state": "ACTIVE", "availability": "READWRITE", "version": "5.0.0", "information": null})
    );
    assert_eq!(t.get("tenants", COLL_TENANT).await.json, json!([]));
    assert_eq!(t.get("tenants", JSON).await.status, 406);
    let ten = t.get("tenants/euca_tenant_1", TENANT).await.json;
    assert_eq!(
        (ten["name"].as_str(), ten["enabled"].as_bool()),
        (Some("euca_tenant_1"), Some(true))
    );
    assert_eq!(
        ten["routers"],
        format!("{}/routers?tenant_id=euca_tenant_1", t.url)
    );
    let p = t.post("tenants", TENANT, "{}").await;
    assert_eq!(
        (p.status, p.json["message"].as_str()),
        (
            405,
            Some("Tenants cannot be created, updated or deleted via the REST API.")
        )
    );
    assert_eq!(t.post("tenants", JSON, "{}").await.status, 415);
}

#[actix_web::test]
async fn bgp_peers_and_networks() {
    let t = sim().await;
    let r = t.router("r").await;
    let peers = format!("routers/{r}/bgp_peers");
    let zero = t.post(&peers, BGP_PEER, r#"{"address":"10.0.0.2"}"#).await;
    assert_eq!(
        zero.json["violations"][0],
        json!({"property": "asNumber", "message": "must be greater than or equal to 1"})
    );
    let p = t
        .create(
            &peers,
            "BgpPeer-v1",
            r#"{"asNumber":"65001","address":"10.0.0.2","password":"s3cret","keepAlive":"30"}"#,
        )
        .await;
    let o = t.obj(&format!("bgp_peers/{p}"), "BgpPeer-v1").await;
    assert_eq!(
        (
            o["asNumber"].as_i64(),
            o["password"].as_str(),
            o["keepAlive"].as_i64()
        ),
        (Some(65001), Some("s3cret"), Some(30))
    );
    assert_eq!(o["routerId"], r.as_str());
    assert_eq!(
        t.put(
            &format!("bgp_peers/{p}"),
            BGP_PEER,
            r#"{"asNumber":65002,"address":"10.0.0.3"}"#
        )
        .await
        .status,
        204
    );
    let o = t.obj(&format!("bgp_peers/{p}"), "BgpPeer-v1").await;
    assert!(
        o["password"].is_null() && o["routerId"] == r.as_str(),
        "PUT replaces all but id and router"
    );
    let n = t
        .create(
            &format!("routers/{r}/bgp_networks"),
            "BgpNetwork-v1",
            r#"{"subnetAddress":"203.0.113.0","subnetLength":"24"}"#,
        )
        .await;
    assert_eq!(
        t.get(&format!("routers/{r}/bgp_networks"), COLL_BGP_NETWORK)
            .await
            .json[0]["id"],
        n.as_str()
    );
    assert_eq!(
        t.put(&format!("bgp_networks/{n}"), BGP_NETWORK, "{}")
            .await
            .status,
        405
    );
    let unknown = t
        .post(
            "routers/0d0d0d0d-0000-0000-0000-000000000000/bgp_peers",
            BGP_PEER,
            r#"{"asNumber":1,"address":"10.0.0.9"}"#,
        )
        .await;
    assert_eq!(
        unknown.json["message"],
        "There is no Router with ID 0d0d0d0d-0000-0000-0000-000000000000."
    );
    // asNumber on the router itself (PUT is a full replacement).
    assert_eq!(
        t.put(
            &format!("routers/{r}"),
            ROUTER,
            r#"{"name":"r","asNumber":"65000"}"#
        )
        .await
        .status,
        204
    );
    assert_eq!(
        t.obj(&format!("routers/{r}"), "Router-v3").await["asNumber"],
        65000
    );
}

#[actix_web::test]
async fn port_group_members() {
    let t = sim().await;
    let g = t
        .create(
            "port_groups",
            "PortGroup-v1",
            r#"{"name":"sg","tenantId":"t1","stateful":"true"}"#,
        )
        .await;
    assert_eq!(
        t.obj(&format!("port_groups/{g}"), "PortGroup-v1").await["stateful"],
        true
    );
    let br = t.bridge("b").await;
    let (p, q) = (t.bport(&br).await, t.bport(&br).await);
    let members = format!("port_groups/{g}/ports");
    let m = t
        .post(
            &members,
            PORT_GROUP_PORT,
            &format!(r#"{{"portId":"{p}","tenantId":"t1"}}"#),
        )
        .await;
    assert_eq!(
        m.location.as_deref(),
        Some(format!("{}/{members}/{p}", t.url).as_str())
    );
    let dup = t
        .post(&members, PORT_GROUP_PORT, &format!(r#"{{"portId":"{p}"}}"#))
        .await;
    assert_eq!((dup.status, dup.text.as_str()), (409, ""));
    assert_eq!(
        t.get(&format!("port_groups?port_id={p}"), COLL_PORT_GROUP)
            .await
            .json
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        t.get(&format!("port_groups?port_id={q}"), COLL_PORT_GROUP)
            .await
            .json
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let pg = t
        .get(&format!("ports/{p}/port_groups"), COLL_PORT_GROUP_PORT)
        .await
        .json;
    assert_eq!(pg[0]["portGroupId"], g.as_str());
    let notmember = t.get(&format!("{members}/{q}"), PORT_GROUP_PORT).await;
    assert_eq!(
        (notmember.status, notmember.json["message"].as_str()),
        (404, Some("Resource not found"))
    );
    assert_eq!(t.delete(&format!("{members}/{q}")).await.status, 404);
    // PUT keeps the members; port delete drops the membership.
    assert_eq!(
        t.put(&format!("port_groups/{g}"), PORT_GROUP, r#"{"name":"sg2"}"#)
            .await
            .status,
        204
    );
    assert_eq!(
        t.get(&members, COLL_PORT_GROUP_PORT)
            .await
            .json
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(t.delete(&format!("ports/{p}")).await.status, 204);
    assert_eq!(t.get(&members, COLL_PORT_GROUP_PORT).await.json, json!([]));
    assert_eq!(
        t.delete(&format!("{members}/{p}")).await.status,
        204,
        "port gone → 204"
    );
}

#[actix_web::test]
async fn route_types_and_next_hops() {
    let t = sim().await;
    let (r1, r2) = (t.router("a").await, t.router("b").await);
    let p2 = t.rport(&r2, "10.2.0.1").await;
    let routes = format!("routers/{r1}/routes");
    let body = |ty: &str, hop: &str| {
        format!(
            r#"{{"type":"{ty}","srcNetworkAddr":"0.0.0.0","dstNetworkAddr":"10.9.0.0","dstNetworkLength":16{hop}}}"#
        )
    };
    let wrong = t
        .post(
            &routes,
            ROUTE,
            &body("Normal", &format!(r#","nextHopPort":"{p2}""#)),
        )
        .await;
    assert_eq!(
        wrong.json["message"],
        "This type of route requires a next hop port that is a port on the same router."
    );
    assert_eq!(
        t.post(&routes, ROUTE, &body("Bogus", "")).await.json["message"],
        "This type of route is invalid."
    );
    let bh = t.create(&routes, "Route-v1", &body("BlackHole", "")).await;
    assert_eq!(
        t.obj(&format!("routes/{bh}"), "Route-v1").await["routerId"],
        r1.as_str()
    );
    let bad = t
        .post(
            &routes,
            ROUTE,
            r#"{"type":"Reject","srcNetworkAddr":"0.0.0.0","dstNetworkAddr":"10.9.0"}"#,
        )
        .await;
    assert!(bad.json["violations"][0]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("must match")));
    // Router delete takes its blackhole route.
    assert_eq!(t.delete(&format!("routers/{r1}")).await.status, 204);
    assert_eq!(t.get(&format!("routes/{bh}"), ROUTE).await.status, 404);
}

#[actix_web::test]
async fn arp_and_mac_tables() {
    let t = sim().await;
    let br = t.bridge("b").await;
    let p = t.bport(&br).await;
    let arp = t
        .post(
            &format!("bridges/{br}/arp_table"),
            IP4_MAC,
            r#"{"ip":"10.0.0.5","mac":"d0:0d:00:00:00:05"}"#,
        )
        .await;
    assert_eq!(
        arp.location.as_deref(),
        Some(
            format!(
                "{}/bridges/{br}/arp_table/10.0.0.5_d0-0d-00-00-00-05",
                t.url
            )
            .as_str()
        )
    );
    assert_eq!(
        t.post(&format!("bridges/{br}/arp_table"), JSON, "{}")
            .await
            .status,
        415
    );
    assert_eq!(
        t.get(&format!("bridges/{br}/arp_table"), COLL_IP4_MAC)
            .await
            .json[0]["mac"],
        "d0:0d:00:00:00:05"
    );
    assert_eq!(
        t.delete(&format!(
            "bridges/{br}/arp_table/10.0.0.5_d0-0d-00-00-00-05"
        ))
        .await
        .status,
        204
    );
    assert_eq!(
        t.delete(&format!(
            "bridges/{br}/arp_table/10.0.0.5_d0-0d-00-00-00-05"
        ))
        .await
        .status,
        204
    );
    let none = t
        .get(
            &format!("bridges/{br}/mac_table/d0-0d-00-00-00-05_{p}"),
            MAC_PORT,
        )
        .await;
    assert_eq!(
        none.json["message"],
        "The specified bridge has no ports assigned to VLAN 0."
    );
    let mac = t
        .post(
            &format!("bridges/{br}/mac_table"),
            MAC_PORT,
            &format!(r#"{{"macAddr":"d0:0d:00:00:00:05","portId":"{p}"}}"#),
        )
        .await;
    assert_eq!(
        mac.location.as_deref(),
        Some(format!("{}/bridges/{br}/mac_table/d0-0d-00-00-00-05_{p}", t.url).as_str())
    );
    assert_eq!(
        t.get(
            &format!("bridges/{br}/mac_table/d0:0d:00:00:00:05_{p}"),
            MAC_PORT
        )
        .await
        .json["portId"],
        p.as_str()
    );
    let other = t.bridge("c").await;
    let foreign = t
        .post(
            &format!("bridges/{other}/mac_table"),
            MAC_PORT,
            &format!(r#"{{"macAddr":"d0:0d:00:00:00:06","portId":"{p}"}}"#),
        )
        .await;
    assert_eq!(
        foreign.json["message"],
        "The port must belong to the bridge that owns the MAC table."
    );
}

#[actix_web::test]
async fn dhcp_subnet_put_moves_its_uri_and_keeps_hosts() {
    let t = sim().await;
    let br = t.bridge("b").await;
    t.create(
        &format!("bridges/{br}/dhcp"),
        "DhcpSubnet-v2",
        r#"{"subnetPrefix":"10.0.0.0","subnetLength":24}"#,
    )
    .await;
    t.create(
        &format!("bridges/{br}/dhcp/10.0.0.0_24/hosts"),
        "DhcpHost-v2",
        r#"{"macAddr":"d0:0d:00:00:00:01","ipAddr":"10.0.0.9"}"#,
    )
    .await;
    let put = t.put(&format!("bridges/{br}/dhcp/10.0.0.0_24"), DHCP_SUBNET, r#"{"subnetPrefix":"10.1.0.0","subnetLength":24,"opt121Routes":[{"destinationPrefix":"169.254.169.254","destinationLength":32,"gatewayAddr":"10.1.0.1"}]}"#).await;
    assert_eq!(put.status, 204);
    let s = t
        .obj(&format!("bridges/{br}/dhcp/10.1.0.0_24"), "DhcpSubnet-v2")
        .await;
    assert!(
        s["dnsServerAddrs"].is_null(),
        "empty DNS list reads back null"
    );
    assert_eq!(s["opt121Routes"][0]["destinationLength"], 32);
    assert_eq!(
        t.get(
            &format!("bridges/{br}/dhcp/10.1.0.0_24/hosts"),
            COLL_DHCP_HOST
        )
        .await
        .json
        .as_array()
        .map(Vec::len),
        Some(1)
    );
    let missing = t
        .put(
            &format!("bridges/{br}/dhcp/10.0.0.0_24"),
            DHCP_SUBNET,
            r#"{"subnetPrefix":"10.0.0.0"}"#,
        )
        .await;
    assert_eq!(
        missing.json["message"],
        format!("Network {br} does not have a subnet with address 10.0.0.0_24.")
    );
}

#[actix_web::test]
async fn port_quirks_peer_and_host_from_body() {
    let t = sim().await;
    let br = t.bridge("b").await;
    let a = t.bport(&br).await;
    // peerId on create links both sides.
    let b = t
        .create(
            &format!("bridges/{br}/ports"),
            "Port-v3",
            &format!(r#"{{"type":"Bridge","peerId":"{a}"}}"#),
        )
        .await;
    assert_eq!(
        t.obj(&format!("ports/{a}"), "Port-v3").await["peerId"],
        b.as_str()
    );
    let c = t
        .post(
            &format!("bridges/{br}/ports"),
            PORT,
            &format!(r#"{{"type":"Bridge","peerId":"{a}"}}"#),
        )
        .await;
    assert_eq!(c.status, 409);
    assert!(c.json["message"]
        .as_str()
        .is_some_and(|m| m.contains("via the field peer_id")));
    // A PUT of a linked port cannot clear the peer.
    assert_eq!(
        t.put(&format!("ports/{a}"), PORT, r#"{"type":"Bridge"}"#)
            .await
            .status,
        204
    );
    assert_eq!(
        t.obj(&format!("ports/{a}"), "Port-v3").await["peerId"],
        b.as_str()
    );
    // Router type on a bridge → `Not a bridge port.`; bridge type on a router → parse error.
    let nb = t
        .post(
            &format!("bridges/{br}/ports"),
            PORT,
            r#"{"type":"Router","portAddress":"1.1.1.1","networkAddress":"1.1.1.0"}"#,
        )
        .await;
    assert_eq!(nb.json["message"], "Not a bridge port.");
    let r = t.router("r").await;
    assert_eq!(
        t.post(&format!("routers/{r}/ports"), PORT, r#"{"type":"Bridge"}"#)
            .await
            .status,
        400
    );
    assert_eq!(
        t.post(
            &format!("routers/{r}/ports"),
            PORT,
            r#"{"type":"InteriorRouter","portAddress":"1.1.1.1","networkAddress":"1.1.1.0"}"#
        )
        .await
        .status,
        201,
        "legacy type"
    );
    assert_eq!(
        t.post(
            &format!("bridges/{br}/ports"),
            PORT,
            r#"{"type":"Bridge","vlanId":40000}"#
        )
        .await
        .status,
        400,
        "vlanId is a short"
    );
}

#[actix_web::test]
async fn unvalidated_addresses_fail_in_conversion_with_500() {
    let t = sim().await;
    let c = t.chain("c").await;
    let nat = r#"{"type":"snat","flowAction":"accept","natTargets":[{"addressFrom":"1.2.3","addressTo":"1.2.3","portFrom":0,"portTo":0}]}"#;
    assert_eq!(
        t.post(&format!("chains/{c}/rules"), RULE, nat).await.status,
        500
    );
    let ok = r#"{"type":"snat","flowAction":"accept","natTargets":[{"addressTo":"1.2.3.4"}]}"#;
    let id = t.create(&format!("chains/{c}/rules"), "Rule-v2", ok).await;
    let r = t.obj(&format!("rules/{id}"), "Rule-v2").await;
    assert!(
        r["natTargets"][0]["addressFrom"].is_null(),
        "a missing address reads back null"
    );
    assert_eq!(
        r["fragmentPolicy"], "unfragmented",
        "not a floating-IP rule"
    );
    let br = t.bridge("b").await;
    let dns = t
        .post(
            &format!("bridges/{br}/dhcp"),
            DHCP_SUBNET,
            r#"{"subnetPrefix":"10.0.0.0","subnetLength":24,"dnsServerAddrs":["dns.example"]}"#,
        )
        .await;
    assert_eq!(dns.status, 500);
    t.create(
        &format!("bridges/{br}/dhcp"),
        "DhcpSubnet-v2",
        r#"{"subnetPrefix":"10.0.0.0","subnetLength":24}"#,
    )
    .await;
    let h = t
        .post(
            &format!("bridges/{br}/dhcp/10.0.0.0_24/hosts"),
            DHCP_HOST,
            r#"{"macAddr":"d0:0d:00:00:00:01","ipAddr":"10.0.0"}"#,
        )
        .await;
    assert_eq!(h.status, 500);
    assert_eq!(
        t.get(
            &format!("bridges/{br}/dhcp/10.0.0.0_24/hosts"),
            COLL_DHCP_HOST
        )
        .await
        .json,
        json!([])
    );
}

#[actix_web::test]
async fn bridge_vxlan_port_ids_are_server_managed() {
    let t = sim().await;
    let r = t
        .post("bridges", BRIDGE, r#"{"name":"b","vxLanPortIds":[]}"#)
        .await;
    assert_eq!(r.status, 400);
    assert!(r.json["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("VXLAN port ID cannot be set directly.")));
    let b = t.bridge("b").await;
    assert_eq!(
        t.obj(&format!("bridges/{b}"), "Bridge-v4").await["vxLanPortIds"],
        json!([])
    );
    assert_eq!(
        t.put(
            &format!("bridges/{b}"),
            BRIDGE,
            r#"{"name":"b","vxLanPortIds":[]}"#
        )
        .await
        .status,
        204,
        "equal to stored"
    );
    assert_eq!(
        t.get(&format!("bridges/{b}/vxlan_ports"), COLL_PORT)
            .await
            .json,
        json!([])
    );
    let c = t.chain("c").await;
    let bad = t
        .post(
            &format!("chains/{c}/rules"),
            RULE,
            r#"{"type":"drop","dlSrc":"zz:00","dlSrcMask":"ffff"}"#,
        )
        .await;
    let props: Vec<&str> = bad.json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["property"].as_str().unwrap())
        .collect();
    assert!(
        props.contains(&"dlSrc") && props.contains(&"dlSrcMask"),
        "{props:?}"
    );
}
