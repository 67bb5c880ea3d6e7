//! One test per item of the emulator checklist (spec `midonet-api.md` §12), asserting status
//! codes, headers and bodies.
mod common;
use common::{sim, sim_with, vnd};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use vpcmido::midonet::media::*;
use vpcmido::midonet::sim::SimConfig;

// §12.1 Root document; `/midonet-api` without a slash is redirected.
#[actix_web::test]
async fn c01_root_document_and_no_slash_redirect() {
    let t = sim().await;
    let r = t.get("", APPLICATION).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["uri"], format!("{}/", t.url));
    assert_eq!(r.json["version"], "v5.0");
    assert_eq!(r.json["routers"], format!("{}/routers", t.url));
    assert_eq!(
        r.json["routerTemplate"],
        format!("{}/routers/{{id}}", t.url)
    );
    assert_eq!(r.json["systemState"], format!("{}/system_state", t.url));
    assert!(r.json.get("routeTemplate").is_some() && r.json.get("routes").is_none());
    let nos = t.get(&t.url.clone(), APPLICATION).await;
    assert_eq!(nos.status, 302);
    assert_eq!(
        nos.location.as_deref(),
        Some(format!("{}/", t.url).as_str())
    );
    assert_eq!(
        t.raw_get_status("").await,
        200,
        "missing Accept is */* on the root"
    );
    assert_eq!(t.get("", ROUTER).await.status, 406);
    // CORS (spec §1): preflight answered without reaching a resource; headers on every reply.
    let pre =
        t.c.request(reqwest::Method::OPTIONS, t.u("routers/whatever"))
            .send()
            .await
            .unwrap();
    assert_eq!(pre.status().as_u16(), 200);
    assert!(pre.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("X-Auth-Token"));
    let any =
        t.c.get(t.u("routers"))
            .header("Accept", COLL_ROUTER)
            .send()
            .await
            .unwrap();
    assert_eq!(any.headers()["access-control-allow-origin"], "*");
    assert_eq!(any.headers()["access-control-expose-headers"], "Location");
    let foo = t.get("foo", JSON).await;
    assert_eq!(
        (foo.status, foo.json["message"].as_str()),
        (404, Some("Root resource foo not found"))
    );
}

// §12.2 Mock auth: no token needed; /login sets the session cookie.
#[actix_web::test]
async fn c02_mock_auth_and_login_cookie() {
    let t = sim().await;
    assert_eq!(t.get("routers", COLL_ROUTER).await.status, 200);
    let resp =
        t.c.post(t.u("login"))
            .header("Authorization", "Basic YWRtaW46YWRtaW4=")
            .send()
            .await
            .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()["set-cookie"].to_str().unwrap(),
        "sessionId=00000000"
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body, json!({"key": "00000000", "expires": null}));
    let no = t.post("login", "", "").await;
    assert_eq!((no.status, no.json["code"].as_u64()), (401, Some(401)));
}

// §12.3 Accept/Content-Type checks.
#[actix_web::test]
async fn c03_media_type_checks() {
    let t = sim().await;
    // Generic GETs: missing, wrong, comma-separated or single-vs-collection Accept → 406.
    assert_eq!(t.raw_get_status("routers").await, 406);
    assert_eq!(t.get("routers", ROUTER).await.status, 406);
    assert_eq!(
        t.get("routers", &format!("{COLL_ROUTER}, {JSON}"))
            .await
            .status,
        406
    );
    assert_eq!(t.get("routers", JSON).await.status, 200);
    assert_eq!(t.get("routers", "*/*").await.status, 200);
    assert_eq!(
        t.get("ip_addr_groups", JSON).await.status,
        406,
        "vendor types only"
    );
    let r = t.get("routers", COLL_ROUTER).await;
    assert_eq!(r.ctype.as_deref(), Some(COLL_ROUTER));
    // Bodies: non-JSON or missing Content-Type → 415; JSON-like but not allowed → 406.
    assert_eq!(t.post("routers", "text/plain", "{}").await.status, 415);
    assert_eq!(t.post("routers", "", "{}").await.status, 415);
    assert_eq!(t.post("routers", BRIDGE, "{}").await.status, 406);
    assert_eq!(t.post("routers", JSON, "{}").await.status, 201);
    // Annotated paths: missing Accept is served; a type not produced → 406; not consumed → 415.
    let rt = t.router("r").await;
    assert_eq!(t.raw_get_status(&format!("routers/{rt}/routes")).await, 200);
    let br = t.bridge("b").await;
    assert_eq!(t.get(&format!("bridges/{br}/dhcp"), JSON).await.status, 406);
    let tz = t
        .create(
            "tunnel_zones",
            "TunnelZone-v1",
            r#"{"name":"z","type":"gre"}"#,
        )
        .await;
    assert_eq!(
        t.post(&format!("tunnel_zones/{tz}/hosts"), JSON, "{}")
            .await
            .status,
        415
    );
    let pg = t
        .create("port_groups", "PortGroup-v1", r#"{"name":"pg"}"#)
        .await;
    assert_eq!(t.get(&format!("port_groups/{pg}"), JSON).await.status, 406);
    assert_eq!(
        t.get(&format!("port_groups/{pg}"), PORT_GROUP).await.status,
        200
    );
    // A method without an allowed list → 405 with no body.
    let chain = t.chain("c").await;
    let put = t.put(&format!("chains/{chain}"), CHAIN, "{}").await;
    assert_eq!((put.status, put.text.as_str()), (405, ""));
    // Error bodies carry the error media type.
    let e = t
        .get("routers/7b4b1e7e-0000-0000-0000-000000000000", ROUTER)
        .await;
    assert_eq!(e.ctype.as_deref(), Some(ERROR));
}

// §12.4 Lenient input: strings for numbers/booleans, unknown keys, trailing NUL, GET bodies.
#[actix_web::test]
async fn c04_lenient_json_input() {
    let t = sim().await;
    let c = t.chain("c").await;
    let body = r#"{"tenantId":"euca_tenant_1","position":"1","type":"accept","nwProto":"17","invNwSrc":"true","nwSrcAddress":"10.0.0.0","nwSrcLength":"8","tpDst":{"start":"67","end":"68"},"someUnknownKey":[1,2]}"#;
    let id = t
        .create(&format!("chains/{c}/rules"), "Rule-v2", body)
        .await;
    let r = t.obj(&format!("rules/{id}"), "Rule-v2").await;
    assert_eq!(r["nwProto"], 17);
    assert_eq!(r["invNwSrc"], true);
    assert_eq!(r["nwSrcLength"], 8);
    assert_eq!(r["tpDst"], json!({"start": 67, "end": 68}));
    assert_eq!(r["position"], 1);
    // PUT with a trailing NUL (eucanetd's Content-Length is strlen+1).
    let rt = t.router("r").await;
    let put = t
        .put(
            &format!("routers/{rt}"),
            ROUTER,
            "{\"name\":\"r2\",\"asNumber\":\"65000\",\"adminStateUp\":\"false\"}\0",
        )
        .await;
    assert_eq!(put.status, 204, "{}", put.text);
    let o = t.obj(&format!("routers/{rt}"), "Router-v3").await;
    assert_eq!(
        (
            o["name"].as_str(),
            o["asNumber"].as_i64(),
            o["adminStateUp"].as_bool()
        ),
        (Some("r2"), Some(65000), Some(false))
    );
    // Bodies on GET and DELETE are ignored (python-midonetclient sends `{}`).
    let g =
        t.c.get(t.u(&format!("routers/{rt}")))
            .header("Accept", ROUTER)
            .body("{}")
            .send()
            .await
            .unwrap();
    assert_eq!(g.status().as_u16(), 200);
    // A malformed body never changes state.
    let before = t.h.sim().read().object_count();
    assert_eq!(t.post("routers", ROUTER, "{\"name\": ").await.status, 500);
    assert_eq!(
        t.post("routers", ROUTER, r#"{"name":"x","asNumber":"abc"}"#)
            .await
            .status,
        400
    );
    assert_eq!(
        t.post(&format!("chains/{c}/rules"), RULE, r#"{"type":"continue"}"#)
            .await
            .status,
        400
    );
    assert_eq!(
        t.post(&format!("chains/{c}/rules"), RULE, r#"{"position":1}"#)
            .await
            .status,
        400,
        "type is required"
    );
    assert_eq!(t.h.sim().read().object_count(), before);
}

// §12.5 Output: every field, nulls, [], absolute URIs from Host, `type`, real JSON types.
#[actix_web::test]
async fn c05_full_output_objects() {
    let t = sim().await;
    let rt = t.router("r").await;
    let r =
        t.c.get(t.u(&format!("routers/{rt}")))
            .header("Accept", ROUTER)
            .header("Host", "mido.example:9999")
            .send()
            .await
            .unwrap();
    let o: Value = r.json().await.unwrap();
    assert_eq!(
        o["uri"],
        format!("http://mido.example:9999/midonet-api/routers/{rt}")
    );
    assert_eq!(
        o["ports"],
        format!("http://mido.example:9999/midonet-api/routers/{rt}/ports")
    );
    for k in [
        "inboundFilterId",
        "outboundFilterId",
        "inboundFilter",
        "loadBalancerId",
        "forwardChainId",
    ] {
        assert!(
            o.get(k).is_some_and(Value::is_null),
            "{k} must be present and null"
        );
    }
    assert_eq!(o["inboundMirrorIds"], json!([]));
    assert_eq!(o["asNumber"], 0);
    assert_eq!(o["adminStateUp"], true);
    let br = t.bridge("b").await;
    let bp = t.bport(&br).await;
    let raw = t.get(&format!("ports/{bp}"), PORT).await;
    assert_eq!(
        raw.text.matches("\"type\":\"Bridge\"").count(),
        2,
        "bridge ports write type twice"
    );
    assert_eq!(raw.json["vlanId"], 0);
    assert_eq!(raw.json["tunnelKey"].as_i64().map(|k| k > 0), Some(true));
    let rp = t.rport(&rt, "10.0.0.1").await;
    let p = t.obj(&format!("ports/{rp}"), "Port-v3").await;
    assert_eq!(p["type"], "Router");
    assert_eq!(p["networkLength"], 24);
    assert!(p["portMac"]
        .as_str()
        .is_some_and(|m| m.starts_with("ac:ca:ba:")));
    assert!(p["bgpStatus"].is_null() && p["hostId"].is_null() && p["active"] == false);
    assert_eq!(p["device"], format!("{}/routers/{rt}", t.url));
}

// §12.6 Status codes and error bodies.
#[actix_web::test]
async fn c06_status_codes_and_error_bodies() {
    let t = sim().await;
    let r = t.post("routers", ROUTER, r#"{"name":"r"}"#).await;
    assert_eq!((r.status, r.text.as_str()), (201, ""));
    let loc = r.location.expect("Location");
    assert!(loc.starts_with(&format!("{}/routers/", t.url)));
    // Client-chosen id accepted; the same id again → 409 with MidoNet's message.
    let id = "11111111-2222-3333-4444-555555555555";
    let a = t
        .post("routers", ROUTER, &format!(r#"{{"id":"{id}","name":"x"}}"#))
        .await;
    assert_eq!(
        (a.status, a.location.as_deref()),
        (201, Some(format!("{}/routers/{id}", t.url).as_str()))
    );
    let b = t
        .post("routers", ROUTER, &format!(r#"{{"id":"{id}","name":"y"}}"#))
        .await;
    assert_eq!(b.status, 409);
    assert_eq!(
        b.json,
        json!({"message": format!("A(n) Router with ID {id} already exists."), "code": 409})
    );
    assert_eq!(
        t.put(&format!("routers/{id}"), ROUTER, r#"{"name":"z"}"#)
            .await
            .status,
        204
    );
    // Port link: 201 without Location.
    let br = t.bridge("b").await;
    let (p1, p2) = (t.bport(&br).await, t.bport(&br).await);
    let l = t
        .post(
            &format!("ports/{p1}/link"),
            PORT_LINK,
            &format!(r#"{{"peerId":"{p2}"}}"#),
        )
        .await;
    assert_eq!((l.status, l.location), (201, None));
    assert_eq!(t.delete(&format!("routers/{id}")).await.status, 204);
    // Host PUT and DELETE answer 200.
    let h = t
        .fixture("POST", "/_sim/hosts", r#"{"name":"h1","alive":false}"#)
        .await
        .json["id"]
        .as_str()
        .unwrap()
        .to_string();
    let hp = t.put(&format!("hosts/{h}"), HOST, r#"{"floodingProxyWeight":2,"containerWeight":1,"containerLimit":-1,"enforceContainerLimit":false}"#).await;
    assert_eq!(hp.status, 200);
    let hn = t
        .put(&format!("hosts/{h}"), HOST, r#"{"floodingProxyWeight":2}"#)
        .await;
    assert_eq!(
        (hn.status, hn.json["message"].as_str()),
        (400, Some("Container weight must not be null."))
    );
    assert_eq!(t.delete(&format!("hosts/{h}")).await.status, 200);
    // Validation error format.
    let v = t
        .post(
            &format!("routers/{}/ports", t.router("r2").await),
            PORT,
            r#"{"type":"Router","networkAddress":"10.0.0.0"}"#,
        )
        .await;
    assert_eq!(v.status, 400);
    assert_eq!(v.json["message"], "Validation error(s) found");
    assert_eq!(v.json["code"], 400);
    assert_eq!(
        v.json["violations"],
        json!([{"property": "portAddress", "message": "may not be null"}])
    );
}

// §12.7 PUT = full replacement keeping server-maintained fields.
#[actix_web::test]
async fn c07_put_is_full_replacement() {
    let t = sim().await;
    let c = t.chain("in").await;
    let rt = t
        .create(
            "routers",
            "Router-v3",
            &format!(r#"{{"name":"r","inboundFilterId":"{c}"}}"#),
        )
        .await;
    let rp = t.rport(&rt, "10.0.0.1").await;
    assert_eq!(
        t.put(
            &format!("routers/{rt}"),
            ROUTER,
            r#"{"name":"r","asNumber":"65000"}"#
        )
        .await
        .status,
        204
    );
    let o = t.obj(&format!("routers/{rt}"), "Router-v3").await;
    assert!(o["inboundFilterId"].is_null(), "omitted filter is cleared");
    let ports = t.get(&format!("routers/{rt}/ports"), COLL_PORT).await;
    assert_eq!(
        ports.json.as_array().map(Vec::len),
        Some(1),
        "port list kept"
    );
    let before = t.obj(&format!("ports/{rp}"), "Port-v3").await;
    let put = format!(
        r#"{{"type":"Router","networkAddress":"10.0.0.0","networkLength":24,"portAddress":"10.0.0.9","tunnelKey":99999,"inboundFilterId":"{c}"}}"#
    );
    assert_eq!(t.put(&format!("ports/{rp}"), PORT, &put).await.status, 204);
    let after = t.obj(&format!("ports/{rp}"), "Port-v3").await;
    assert!(
        after["portMac"].is_null(),
        "portMac omitted → null, not regenerated"
    );
    assert_eq!(after["tunnelKey"], before["tunnelKey"]);
    assert_eq!(after["inboundFilterId"], c.as_str());
    assert_eq!(after["deviceId"], rt.as_str());
    // A different port type on PUT → 500 (failed cast) [quirk]; missing type → 400.
    assert_eq!(
        t.put(&format!("ports/{rp}"), PORT, r#"{"type":"Bridge"}"#)
            .await
            .status,
        500
    );
    assert_eq!(
        t.put(&format!("ports/{rp}"), PORT, r#"{}"#).await.status,
        400
    );
}

// §12.8 References: 404 on write, cascades and clears on delete, dangling where allowed.
#[actix_web::test]
async fn c08_references_and_cascades() {
    let t = sim().await;
    let missing = "0b0b0b0b-0000-0000-0000-000000000000";
    let r = t
        .post(
            "routers",
            ROUTER,
            &format!(r#"{{"inboundFilterId":"{missing}"}}"#),
        )
        .await;
    assert_eq!(
        (r.status, r.json["message"].as_str()),
        (
            404,
            Some(format!("There is no Chain with ID {missing}.").as_str())
        )
    );
    let rt = t.router("r").await;
    let br = t.bridge("b").await;
    let rp = t.rport(&rt, "10.0.0.1").await;
    let bp = t.bport(&br).await;
    assert_eq!(
        t.post(
            &format!("ports/{rp}/link"),
            PORT_LINK,
            &format!(r#"{{"peerId":"{bp}"}}"#)
        )
        .await
        .status,
        201
    );
    let c = t.chain("c").await;
    let rule = t
        .create(
            &format!("chains/{c}/rules"),
            "Rule-v2",
            &format!(r#"{{"type":"drop","ipAddrGroupSrc":"{missing}","inPorts":["{missing}"]}}"#),
        )
        .await;
    assert_eq!(
        t.put(
            &format!("bridges/{br}"),
            BRIDGE,
            &format!(r#"{{"name":"b","inboundFilterId":"{c}"}}"#)
        )
        .await
        .status,
        204
    );
    let peer = t
        .create(
            &format!("routers/{rt}/bgp_peers"),
            "BgpPeer-v1",
            r#"{"asNumber":"65001","address":"10.0.0.2"}"#,
        )
        .await;
    // Router delete cascades: ports, their routes, BGP peers; the peer port survives unlinked.
    assert_eq!(t.delete(&format!("routers/{rt}")).await.status, 204);
    assert_eq!(t.get(&format!("ports/{rp}"), PORT).await.status, 404);
    assert_eq!(
        t.get(&format!("bgp_peers/{peer}"), BGP_PEER).await.status,
        404
    );
    assert!(
        t.h.sim().read().routes.is_empty(),
        "local route died with its port"
    );
    assert!(t.obj(&format!("ports/{bp}"), "Port-v3").await["peerId"].is_null());
    // Chain delete: rules deleted, filters cleared.
    assert_eq!(t.delete(&format!("chains/{c}")).await.status, 204);
    assert_eq!(t.get(&format!("rules/{rule}"), RULE).await.status, 404);
    assert!(t.obj(&format!("bridges/{br}"), "Bridge-v4").await["inboundFilterId"].is_null());
    // Bridge delete: ports and DHCP subnets go.
    t.create(
        &format!("bridges/{br}/dhcp"),
        "DhcpSubnet-v2",
        r#"{"subnetPrefix":"10.0.0.0","subnetLength":24}"#,
    )
    .await;
    assert_eq!(t.delete(&format!("bridges/{br}")).await.status, 204);
    assert_eq!(t.get(&format!("ports/{bp}"), PORT).await.status, 404);
    assert_eq!(t.h.sim().read().object_count(), 0);
}

// §12.9 Side effects: LOCAL route, rule positions, jump cleanup, both-sided link/unlink.
#[actix_web::test]
async fn c09_side_effects() {
    let t = sim().await;
    let rt = t.router("r").await;
    let rp = t.rport(&rt, "10.0.0.1").await;
    let routes = t
        .get(&format!("routers/{rt}/routes"), COLL_ROUTE)
        .await
        .json;
    assert_eq!(routes.as_array().map(Vec::len), Some(1));
    let l = &routes[0];
    assert_eq!(
        (
            l["type"].as_str(),
            l["dstNetworkAddr"].as_str(),
            l["dstNetworkLength"].as_i64()
        ),
        (Some("Local"), Some("10.0.0.1"), Some(32))
    );
    assert_eq!(
        (
            l["srcNetworkAddr"].as_str(),
            l["nextHopGateway"].as_str(),
            l["weight"].as_i64()
        ),
        (Some("0.0.0.0"), Some("255.255.255.255"), Some(0))
    );
    assert_eq!(
        (l["nextHopPort"].as_str(), l["routerId"].as_str()),
        (Some(rp.as_str()), Some(rt.as_str()))
    );
    // A port PUT changing the address leaves the old /32 route [quirk].
    let put = r#"{"type":"Router","networkAddress":"10.0.0.0","networkLength":24,"portAddress":"10.0.0.5"}"#;
    assert_eq!(t.put(&format!("ports/{rp}"), PORT, put).await.status, 204);
    assert_eq!(
        t.get(&format!("routers/{rt}/routes"), COLL_ROUTE)
            .await
            .json[0]["dstNetworkAddr"],
        "10.0.0.1"
    );
    // Rule positions.
    let c = t.chain("c").await;
    let rules = format!("chains/{c}/rules");
    let a = t.create(&rules, "Rule-v2", r#"{"type":"accept"}"#).await;
    let b = t.create(&rules, "Rule-v2", r#"{"type":"drop"}"#).await; // default 1 = head
    let d = t
        .create(&rules, "Rule-v2", r#"{"type":"reject","position":"3"}"#)
        .await;
    let e = t
        .create(&rules, "Rule-v2", r#"{"type":"return","position":0}"#)
        .await; // 0 = 1
    let ids: Vec<String> = t
        .get(&rules, COLL_RULE)
        .await
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, vec![e.clone(), b.clone(), a.clone(), d.clone()]);
    let far = t
        .post(&rules, RULE, r#"{"type":"accept","position":6}"#)
        .await;
    assert_eq!(
        far.json,
        json!({"message": "Position exceeds number of rules in chain", "code": 400})
    );
    let neg = t
        .post(&rules, RULE, r#"{"type":"accept","position":-1}"#)
        .await;
    assert_eq!(
        neg.json["violations"][0],
        json!({"property": "position", "message": "must be greater than or equal to 1"})
    );
    assert_eq!(t.delete(&format!("rules/{b}")).await.status, 204);
    assert_eq!(
        t.obj(&format!("rules/{a}"), "Rule-v2").await["position"],
        2,
        "later rules move up"
    );
    // Jump-rule cleanup on chain delete.
    let target = t.chain("target").await;
    let j = t
        .create(
            &rules,
            "Rule-v2",
            &format!(r#"{{"type":"jump","jumpChainId":"{target}"}}"#),
        )
        .await;
    assert_eq!(t.delete(&format!("chains/{target}")).await.status, 204);
    assert_eq!(t.get(&format!("rules/{j}"), RULE).await.status, 404);
    // Link and unlink both sides; linking a linked port → 409.
    let br = t.bridge("b").await;
    let (p1, p2, p3) = (t.bport(&br).await, t.bport(&br).await, t.bport(&br).await);
    t.post(
        &format!("ports/{p1}/link"),
        PORT_LINK,
        &format!(r#"{{"peerId":"{p2}"}}"#),
    )
    .await;
    assert_eq!(
        t.obj(&format!("ports/{p2}"), "Port-v3").await["peerId"],
        p1.as_str()
    );
    let again = t
        .post(
            &format!("ports/{p3}/link"),
            PORT_LINK,
            &format!(r#"{{"peerId":"{p1}"}}"#),
        )
        .await;
    assert_eq!(
        (again.status, again.json["message"].as_str()),
        (409, Some("Ports are not linkable."))
    );
    assert_eq!(t.delete(&format!("ports/{p2}/link")).await.status, 204);
    assert!(t.obj(&format!("ports/{p1}"), "Port-v3").await["peerId"].is_null());
    assert_eq!(
        t.delete(&format!("ports/{p2}/link")).await.status,
        204,
        "unlink is idempotent"
    );
}

// §12.10 Idempotent deletes for exactly the §7.3 kinds; 404 for the others.
#[actix_web::test]
async fn c10_delete_idempotency_per_type() {
    let t = sim().await;
    let m = "0c0c0c0c-0000-0000-0000-000000000000";
    for p in [
        "routers",
        "routes",
        "ip_addr_groups",
        "port_groups",
        "tunnel_zones",
        "bgp_peers",
        "bgp_networks",
    ] {
        assert_eq!(t.delete(&format!("{p}/{m}")).await.status, 204, "{p}");
    }
    assert_eq!(t.delete("routers/not-a-uuid").await.status, 204);
    for (p, kind) in [
        ("bridges", "Network"),
        ("ports", "Port"),
        ("chains", "Chain"),
        ("rules", "Rule"),
        ("hosts", "Host"),
    ] {
        let r = t.delete(&format!("{p}/{m}")).await;
        assert_eq!(
            (r.status, r.json["message"].as_str()),
            (
                404,
                Some(format!("There is no {kind} with ID {m}.").as_str())
            ),
            "{p}"
        );
    }
}

// §12.11 tenant_id filters routers, bridges, chains and port groups only.
#[actix_web::test]
async fn c11_tenant_filtering() {
    let t = sim().await;
    for (coll, ty) in [
        ("routers", "Router-v3"),
        ("bridges", "Bridge-v4"),
        ("chains", "Chain-v1"),
        ("port_groups", "PortGroup-v1"),
    ] {
        t.create(coll, ty, r#"{"name":"a","tenantId":"t1"}"#).await;
        t.create(coll, ty, r#"{"name":"b","tenantId":"t2"}"#).await;
        let l = t
            .get(
                &format!("{coll}?tenant_id=t1"),
                &vnd(&format!("collection.{ty}")),
            )
            .await
            .json;
        assert_eq!(l.as_array().map(Vec::len), Some(1), "{coll}");
        assert_eq!(l[0]["tenantId"], "t1");
    }
    t.create(
        "ip_addr_groups",
        "IpAddrGroup-v1",
        r#"{"name":"g","tenantId":"t1"}"#,
    )
    .await;
    t.create(
        "tunnel_zones",
        "TunnelZone-v1",
        r#"{"name":"z","type":"gre","tenantId":"t1"}"#,
    )
    .await;
    assert_eq!(
        t.get("ip_addr_groups?tenant_id=nobody", COLL_IP_ADDR_GROUP)
            .await
            .json
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        t.get("tunnel_zones?tenant_id=nobody", COLL_TUNNEL_ZONE)
            .await
            .json
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let rt = t.router("r").await;
    t.rport(&rt, "10.0.0.1").await;
    assert_eq!(
        t.get("ports?tenant_id=nobody", COLL_PORT)
            .await
            .json
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        t.get(&format!("routers/{rt}/routes?tenant_id=nobody"), COLL_ROUTE)
            .await
            .json
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

// §12.12 Host bindings need a tunnel zone; the 409s; host delete 403s.
#[actix_web::test]
async fn c12_host_binding_rules() {
    let t = sim().await;
    let lone = t
        .fixture("POST", "/_sim/hosts", r#"{"name":"lone","alive":true}"#)
        .await
        .json["id"]
        .as_str()
        .unwrap()
        .to_string();
    let br = t.bridge("b").await;
    let (p1, p2) = (t.bport(&br).await, t.bport(&br).await);
    let body =
        |p: &str, i: &str| format!(r#"{{"portId":"{p}","interfaceName":"{i}","tenantId":"x"}}"#);
    let nz = t
        .post(
            &format!("hosts/{lone}/ports"),
            HOST_INTERFACE_PORT,
            &body(&p1, "tap0"),
        )
        .await;
    assert_eq!(
        nz.json,
        json!({"message": "The specified host is not in any tunnel zone.", "code": 409})
    );
    let h = t.host_in_zone("h", "tz").await;
    let ok = t
        .post(
            &format!("hosts/{h}/ports"),
            HOST_INTERFACE_PORT,
            &body(&p1, "tap0"),
        )
        .await;
    assert_eq!(
        (ok.status, ok.location.as_deref()),
        (
            201,
            Some(format!("{}/hosts/{h}/ports/{p1}", t.url).as_str())
        )
    );
    let p = t.obj(&format!("ports/{p1}"), "Port-v3").await;
    assert_eq!(
        (p["hostId"].as_str(), p["interfaceName"].as_str()),
        (Some(h.as_str()), Some("tap0"))
    );
    let bound = t
        .post(
            &format!("hosts/{h}/ports"),
            HOST_INTERFACE_PORT,
            &body(&p1, "tap1"),
        )
        .await;
    assert_eq!(
        bound.json["message"],
        format!("Port {p1} is already bound to an interface")
    );
    let used = t
        .post(
            &format!("hosts/{h}/ports"),
            HOST_INTERFACE_PORT,
            &body(&p2, "tap0"),
        )
        .await;
    assert_eq!(
        (used.status, used.json["message"].as_str()),
        (409, Some("Interface tap0 is already bound to a port."))
    );
    let list = t
        .get(&format!("hosts/{h}/ports"), COLL_HOST_INTERFACE_PORT)
        .await
        .json;
    assert_eq!(list[0]["interfaceName"], "tap0");
    let alive = t.delete(&format!("hosts/{h}")).await;
    assert_eq!(
        (alive.status, alive.json["message"].as_str()),
        (
            403,
            Some(format!("Cannot delete host {h} because it is active.").as_str())
        )
    );
    t.fixture(
        "POST",
        &format!("/_sim/hosts/{h}/alive"),
        r#"{"alive":false}"#,
    )
    .await;
    let b = t.delete(&format!("hosts/{h}")).await;
    assert_eq!(
        b.json["message"],
        format!("Cannot delete host {h} because it has 1 binding(s).")
    );
    assert_eq!(t.delete(&format!("hosts/{h}/ports/{p1}")).await.status, 204);
    assert_eq!(t.delete(&format!("hosts/{h}")).await.status, 200);
}

// §12.13 DHCP subnets by `<prefix>_<len>`, hosts by MAC, duplicate-MAC 409.
#[actix_web::test]
async fn c13_dhcp_addressing() {
    let t = sim().await;
    let br = t.bridge("b").await;
    let r = t.post(&format!("bridges/{br}/dhcp"), DHCP_SUBNET, r#"{"subnetPrefix":"172.31.0.0","subnetLength":"20","defaultGateway":"172.31.0.1","dnsServerAddrs":["8.8.8.8"],"id":"ignored"}"#).await;
    assert_eq!(
        r.location.as_deref(),
        Some(format!("{}/bridges/{br}/dhcp/172.31.0.0_20", t.url).as_str())
    );
    let s = t
        .obj(&format!("bridges/{br}/dhcp/172.31.0.0_20"), "DhcpSubnet-v2")
        .await;
    assert_eq!(
        (s["subnetLength"].as_i64(), s["dnsServerAddrs"][0].as_str()),
        (Some(20), Some("8.8.8.8"))
    );
    assert!(s.get("id").is_none());
    let bad = t
        .post(
            &format!("bridges/{br}/dhcp"),
            DHCP_SUBNET,
            r#"{"subnetPrefix":"10.0.0"}"#,
        )
        .await;
    assert_eq!(
        bad.json["violations"][0],
        json!({"property": "subnetPrefix", "message": "is an invalid IPv4 format"})
    );
    assert_eq!(
        t.get(&format!("bridges/{br}/dhcp/10.9.0.0_24"), DHCP_SUBNET)
            .await
            .status,
        404
    );
    let hosts = format!("bridges/{br}/dhcp/172.31.0.0_20/hosts");
    let h = t.post(&hosts, DHCP_HOST, r#"{"macAddr":"d0:0d:aa:bb:cc:01","ipAddr":"172.31.0.10","name":"i-1","extraDhcpOpts":[{"optName":"domain_search","optValue":"x.internal"}]}"#).await;
    assert_eq!(
        h.location.as_deref(),
        Some(format!("{}/{hosts}/d0:0d:aa:bb:cc:01", t.url).as_str())
    );
    let g = t
        .obj(&format!("{hosts}/D0:0D:AA:BB:CC:01"), "DhcpHost-v2")
        .await;
    assert_eq!(g["extraDhcpOpts"][0]["optValue"], "x.internal");
    let dup = t
        .post(
            &hosts,
            DHCP_HOST,
            r#"{"macAddr":"D0:0D:AA:BB:CC:01","ipAddr":"172.31.0.11"}"#,
        )
        .await;
    assert_eq!(dup.json["message"], format!("Subnet 172.31.0.0/20 on bridge {br} already has a host with MAC address D0:0D:AA:BB:CC:01."));
    let missing = t
        .get(
            &format!("bridges/{br}/dhcp/10.0.0.0_8/hosts"),
            COLL_DHCP_HOST,
        )
        .await;
    assert_eq!(
        missing.json["message"],
        format!("Network {br} does not have a subnet with address 10.0.0.0/8.")
    );
    assert_eq!(
        t.delete(&format!("{hosts}/d0:0d:aa:bb:cc:01")).await.status,
        204
    );
    assert_eq!(
        t.delete(&format!("bridges/{br}/dhcp/172.31.0.0_20"))
            .await
            .status,
        204
    );
    assert_eq!(
        t.delete(&format!("bridges/{br}/dhcp/172.31.0.0_20"))
            .await
            .status,
        404
    );
}

// §12.14 IP-group addresses: idempotent POST and DELETE, versions/{4|6} URIs.
#[actix_web::test]
async fn c14_ip_group_addresses() {
    let t = sim().await;
    let g = t
        .create(
            "ip_addr_groups",
            "IpAddrGroup-v1",
            r#"{"name":"sg-1","tenantId":"dropped"}"#,
        )
        .await;
    let addrs = format!("ip_addr_groups/{g}/ip_addrs");
    for _ in 0..2 {
        let r = t
            .post(
                &addrs,
                IP_ADDR_GROUP_ADDR,
                r#"{"addr":"10.0.0.7","version":"4"}"#,
            )
            .await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (
                201,
                Some(format!("{}/ip_addr_groups/{g}/versions/4/ip_addrs/10.0.0.7", t.url).as_str())
            )
        );
    }
    let l = t.get(&addrs, COLL_IP_ADDR_GROUP_ADDR).await;
    assert_eq!(l.json.as_array().map(Vec::len), Some(1));
    assert!(l.text.contains("\"version\":\"4\"") && l.text.contains("\"version\":4"));
    let one = t
        .get(
            &format!("ip_addr_groups/{g}/versions/4/ip_addrs/10.0.0.7"),
            IP_ADDR_GROUP_ADDR,
        )
        .await;
    assert_eq!(
        (one.status, one.json["addr"].as_str()),
        (200, Some("10.0.0.7"))
    );
    assert_eq!(
        t.get(
            &format!("ip_addr_groups/{g}/versions/5/ip_addrs/10.0.0.7"),
            IP_ADDR_GROUP_ADDR
        )
        .await
        .json["message"],
        "Invalid IP version: 5"
    );
    assert_eq!(
        t.post(&addrs, IP_ADDR_GROUP_ADDR, r#"{"addr":"10.0.0.8"}"#)
            .await
            .status,
        400,
        "version is required"
    );
    assert_eq!(
        t.delete(&format!("ip_addr_groups/{g}/versions/4/ip_addrs/10.0.0.7"))
            .await
            .status,
        204
    );
    assert_eq!(
        t.delete(&format!("ip_addr_groups/{g}/versions/4/ip_addrs/10.0.0.7"))
            .await
            .status,
        204
    );
    let gone = t
        .get(
            &format!("ip_addr_groups/{g}/versions/4/ip_addrs/10.0.0.7"),
            IP_ADDR_GROUP_ADDR,
        )
        .await;
    assert_eq!(gone.status, 404);
    assert!(t
        .obj(&format!("ip_addr_groups/{g}"), "IpAddrGroup-v1")
        .await
        .get("tenantId")
        .is_none());
}

// §12.15 Tunnel zone names are unique, including the PUT quirk.
#[actix_web::test]
async fn c15_tunnel_zone_names() {
    let t = sim().await;
    let z = t
        .create(
            "tunnel_zones",
            "TunnelZone-v1",
            r#"{"name":"tz","type":"gre"}"#,
        )
        .await;
    let dup = t
        .post(
            "tunnel_zones",
            TUNNEL_ZONE,
            r#"{"name":"tz","type":"vxlan"}"#,
        )
        .await;
    assert_eq!(
        dup.json,
        json!({"message": "Tunnel zone name already exists.", "code": 409})
    );
    assert_eq!(
        t.put(
            &format!("tunnel_zones/{z}"),
            TUNNEL_ZONE,
            r#"{"name":"tz","type":"gre"}"#
        )
        .await
        .status,
        409,
        "[quirk] own name"
    );
    assert_eq!(
        t.put(
            &format!("tunnel_zones/{z}"),
            TUNNEL_ZONE,
            r#"{"name":"tz2","type":"gre"}"#
        )
        .await
        .status,
        204
    );
    assert_eq!(
        t.post("tunnel_zones", TUNNEL_ZONE, r#"{"name":"x","type":"GRE"}"#)
            .await
            .status,
        400
    );
}

// §12.16 Writes are serialized (one lock, held the write latency); last writer wins; no ETags.
#[actix_web::test]
async fn c16_serialized_writes_last_writer_wins() {
    let t = sim_with(SimConfig {
        write_latency: Duration::from_millis(40),
        ..SimConfig::default()
    })
    .await;
    let start = Instant::now();
    let bodies: Vec<String> = (0..5).map(|i| format!(r#"{{"name":"r{i}"}}"#)).collect();
    let posts = futures::future::join_all(bodies.iter().map(|b| t.post("routers", ROUTER, b)));
    // A read issued while the writes hold the lock (≈ 200 ms) is answered at once.
    let read = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let s = Instant::now();
        let r = t.get("routers", COLL_ROUTER).await;
        (r.status, s.elapsed())
    };
    let (results, (read_status, read_took)) = futures::future::join(posts, read).await;
    assert!(results.iter().all(|r| r.status == 201));
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(200),
        "5 writes × 40 ms serialized: {took:?}"
    );
    assert_eq!(read_status, 200);
    assert!(
        read_took < Duration::from_millis(100),
        "reads do not take the write lock: {read_took:?}"
    );
    let id = results[0]
        .location
        .as_ref()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let (a, b) = futures::future::join(
        t.put(&format!("routers/{id}"), ROUTER, r#"{"name":"first"}"#),
        t.put(
            &format!("routers/{id}"),
            ROUTER,
            r#"{"name":"second","asNumber":1}"#,
        ),
    )
    .await;
    assert_eq!((a.status, b.status), (204, 204));
    let o = t.obj(&format!("routers/{id}"), "Router-v3").await;
    assert!(
        o["name"] == "second" && o["asNumber"] == 1 || o["name"] == "first" && o["asNumber"] == 0,
        "one whole object wins: {o}"
    );
    let resp =
        t.c.get(t.u(&format!("routers/{id}")))
            .header("Accept", ROUTER)
            .send()
            .await
            .unwrap();
    assert!(resp.headers().get("etag").is_none());
    let stats = t.h.sim().stats();
    assert_eq!(stats.writes_applied, 7);
    // Queued writes start their latency at the previous deadline, so held time ≈ 7 × 40 ms.
    assert!(
        stats.write_lock_held_seconds >= 0.25,
        "{}",
        stats.write_lock_held_seconds
    );
}

// §12.17 Fixture API for agent-owned state: hosts, alive, interfaces, port state, learned routes.
#[actix_web::test]
async fn c17_fixture_api_for_agent_state() {
    let t = sim().await;
    let h = t.fixture("POST", "/_sim/hosts", r#"{"id":"5a5a5a5a-0000-0000-0000-000000000001","name":"nc1","alive":true,"hostInterfaces":[{"name":"eth0","type":"Physical","endpoint":"PHYSICAL","mac":"52:54:00:00:00:01","mtu":1500,"addresses":["10.1.1.1"],"status":3}]}"#).await;
    assert_eq!(h.status, 201);
    let host = t
        .obj("hosts/5a5a5a5a-0000-0000-0000-000000000001", "Host-v3")
        .await;
    assert_eq!(
        (
            host["name"].as_str(),
            host["alive"].as_bool(),
            host["addresses"][0].as_str()
        ),
        (Some("nc1"), Some(true), Some("10.1.1.1"))
    );
    let ifs = t
        .get(
            "hosts/5a5a5a5a-0000-0000-0000-000000000001/interfaces",
            COLL_INTERFACE,
        )
        .await
        .json;
    assert_eq!(
        (ifs[0]["name"].as_str(), ifs[0]["endpoint"].as_str()),
        (Some("eth0"), Some("PHYSICAL"))
    );
    let one = t
        .get(
            "hosts/5a5a5a5a-0000-0000-0000-000000000001/interfaces/nope",
            INTERFACE,
        )
        .await;
    assert_eq!(
        (one.status, one.json["message"].as_str()),
        (404, Some("Interface not found"))
    );
    t.fixture(
        "POST",
        "/_sim/hosts/5a5a5a5a-0000-0000-0000-000000000001/alive",
        r#"{"alive":false}"#,
    )
    .await;
    assert_eq!(
        t.obj("hosts/5a5a5a5a-0000-0000-0000-000000000001", "Host-v3")
            .await["alive"],
        false
    );
    let rt = t.router("r").await;
    let rp = t.rport(&rt, "10.0.0.1").await;
    assert_eq!(
        t.fixture(
            "POST",
            &format!("/_sim/ports/{rp}/state"),
            r#"{"active":true,"bgpStatus":"ESTABLISHED"}"#
        )
        .await
        .status,
        204
    );
    let p = t.obj(&format!("ports/{rp}"), "Port-v3").await;
    assert_eq!(
        (p["active"].as_bool(), p["bgpStatus"].as_str()),
        (Some(true), Some("ESTABLISHED"))
    );
    let lr = r#"[{"type":"Normal","srcNetworkAddr":"0.0.0.0","dstNetworkAddr":"0.0.0.0","nextHopGateway":"10.0.0.254"}]"#;
    assert_eq!(
        t.fixture("PUT", &format!("/_sim/routers/{rt}/learned_routes"), lr)
            .await
            .status,
        204
    );
    let routes = t
        .get(&format!("routers/{rt}/routes"), COLL_ROUTE)
        .await
        .json;
    let learned: Vec<&Value> = routes
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["learned"] == true)
        .collect();
    assert_eq!(learned.len(), 1);
    let lid = learned[0]["id"].as_str().unwrap();
    assert_eq!(
        t.delete(&format!("routes/{lid}")).await.status,
        204,
        "learned routes are not stored"
    );
    let state = t.fixture("GET", "/_sim/state", "").await.json;
    assert_eq!(state["routers"][0]["id"], rt.as_str());
    assert_eq!(state["ports"][0]["id"], rp.as_str());
    assert!(state["dhcp_hosts"].is_array() && state["bgp_networks"].is_array());
    let stats = t.fixture("GET", "/_sim/stats", "").await.json;
    let row = stats["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["method"] == "POST" && r["resource"] == "routers")
        .cloned();
    assert_eq!(
        row,
        Some(json!({"method": "POST", "resource": "routers", "status": 201, "count": 1}))
    );
}
