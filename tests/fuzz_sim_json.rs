//! Issue 10 (6), hostile JSON to the emulator: 1,500 seeded random requests to every POST and
//! PUT route of the MidoNet API, through HTTP, with bodies mutated from valid ones (fields
//! dropped, retyped, given hostile values, unknown keys, deep nesting, byte-level damage,
//! random bytes) and right, wrong or missing media types. Every request gets an answer (a
//! panicking handler would drop the connection), every 5xx carries MidoNet's error entity
//! (a deliberate answer, not a crash), and a rejected request leaves `/_sim/state` exactly
//! as it was.
mod reliability_support;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reliability_support::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use vpcmido::apply::{apply, ApplyConfig};
use vpcmido::midonet::media;
use vpcmido::midonet::sim::{self, fixture, SimConfig, SimHandle};

const CASES: usize = 1500;
const SEED: u64 = 0x5eed;

/// One route: method, path, media type, a valid body.
struct Route {
    method: reqwest::Method,
    path: String,
    media: &'static str,
    body: Value,
}

fn first<'a>(state: &'a Value, coll: &str, pred: impl Fn(&Value) -> bool) -> &'a Value {
    state[coll]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| pred(o))
        .unwrap_or_else(|| panic!("no {coll} in the state"))
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or("").to_string()
}

/// Strips the links MidoNet adds on output, so a GET result can be PUT back.
fn bare(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.retain(|_, x| !x.as_str().is_some_and(|s| s.starts_with("http://")));
    }
    v
}

fn routes(state: &Value) -> Vec<Route> {
    use reqwest::Method as M;
    let router = first(state, "routers", |_| true);
    let bridge = first(state, "bridges", |_| true);
    let rport = first(state, "ports", |p| p["type"] == "Router");
    let bport = first(state, "ports", |p| p["type"] == "Bridge");
    let chain = first(state, "chains", |_| true);
    let group = first(state, "ip_addr_groups", |_| true);
    let pg = first(state, "port_groups", |_| true);
    let host = first(state, "hosts", |_| true);
    let tz = first(state, "tunnel_zones", |_| true);
    let dhcp = first(state, "dhcp_subnets", |_| true);
    let (r, b, rp, bp, c, g, p, h, z) = (
        id(router),
        id(bridge),
        id(rport),
        id(bport),
        id(chain),
        id(group),
        id(pg),
        id(host),
        id(tz),
    );
    let sub = format!(
        "{}_{}",
        dhcp["subnetPrefix"].as_str().unwrap_or(""),
        dhcp["subnetLength"]
    );
    let post = |path: String, media, body| Route {
        method: M::POST,
        path,
        media,
        body,
    };
    let put = |path: String, media, body| Route {
        method: M::PUT,
        path,
        media,
        body,
    };
    vec![
        post(
            "routers".into(),
            media::ROUTER,
            json!({"name": "fz", "tenantId": "t"}),
        ),
        post(
            "bridges".into(),
            media::BRIDGE,
            json!({"name": "fz", "tenantId": "t"}),
        ),
        post(
            "chains".into(),
            media::CHAIN,
            json!({"name": "fz", "tenantId": "t"}),
        ),
        post(
            "ip_addr_groups".into(),
            media::IP_ADDR_GROUP,
            json!({"name": "fz"}),
        ),
        post(
            "port_groups".into(),
            media::PORT_GROUP,
            json!({"name": "fz", "tenantId": "t", "stateful": false}),
        ),
        post(
            "tunnel_zones".into(),
            media::TUNNEL_ZONE,
            json!({"name": "fz", "type": "gre"}),
        ),
        post(
            format!("routers/{r}/ports"),
            media::PORT,
            json!({"type": "Router", "portAddress": "192.168.9.1", "networkAddress": "192.168.9.0",
                   "networkLength": 24, "portMac": "02:00:00:00:09:01"}),
        ),
        post(
            format!("bridges/{b}/ports"),
            media::PORT,
            json!({"type": "Bridge"}),
        ),
        post(
            format!("routers/{r}/routes"),
            media::ROUTE,
            json!({"type": "Normal", "srcNetworkAddr": "0.0.0.0", "srcNetworkLength": 0,
                   "dstNetworkAddr": "10.9.0.0", "dstNetworkLength": 16, "nextHopPort": rp,
                   "weight": 100}),
        ),
        post(
            format!("chains/{c}/rules"),
            media::RULE,
            json!({"type": "accept", "position": 1, "nwProto": 6,
                   "tpDst": {"start": 22, "end": 22}}),
        ),
        post(
            format!("ip_addr_groups/{g}/ip_addrs"),
            media::IP_ADDR_GROUP_ADDR,
            json!({"addr": "10.9.9.9", "version": 4}),
        ),
        post(
            format!("port_groups/{p}/ports"),
            media::PORT_GROUP_PORT,
            json!({"portId": bp}),
        ),
        post(
            format!("hosts/{h}/ports"),
            media::HOST_INTERFACE_PORT,
            json!({"portId": bp, "interfaceName": "fz0"}),
        ),
        post(
            format!("ports/{rp}/link"),
            media::PORT_LINK,
            json!({"peerId": bp}),
        ),
        post(
            format!("bridges/{b}/dhcp"),
            media::DHCP_SUBNET,
            json!({"subnetPrefix": "10.9.0.0", "subnetLength": 24, "defaultGateway": "10.9.0.1",
                   "dnsServerAddrs": ["8.8.8.8"]}),
        ),
        post(
            format!("bridges/{b}/dhcp/{sub}/hosts"),
            media::DHCP_HOST,
            json!({"macAddr": "02:00:00:00:09:09", "ipAddr": "10.9.0.9", "name": "fz"}),
        ),
        post(
            format!("bridges/{b}/arp_table"),
            media::IP4_MAC,
            json!({"ip": "10.9.0.9", "mac": "02:00:00:00:09:09"}),
        ),
        post(
            format!("bridges/{b}/mac_table"),
            media::MAC_PORT,
            json!({"macAddr": "02:00:00:00:09:09", "portId": bp}),
        ),
        post(
            format!("routers/{r}/bgp_peers"),
            media::BGP_PEER,
            json!({"asNumber": 65000, "address": "10.9.0.1"}),
        ),
        post(
            format!("routers/{r}/bgp_networks"),
            media::BGP_NETWORK,
            json!({"subnetAddress": "10.9.0.0", "subnetLength": 16}),
        ),
        post(
            format!("tunnel_zones/{z}/hosts"),
            media::GRE_TUNNEL_ZONE_HOST,
            json!({"hostId": h, "ipAddress": "10.9.0.5"}),
        ),
        put(format!("routers/{r}"), media::ROUTER, bare(router)),
        put(format!("bridges/{b}"), media::BRIDGE, bare(bridge)),
        put(format!("ports/{bp}"), media::PORT, bare(bport)),
        put(format!("ports/{rp}"), media::PORT, bare(rport)),
        put(format!("port_groups/{p}"), media::PORT_GROUP, bare(pg)),
        put(format!("hosts/{h}"), media::HOST, bare(host)),
        put(format!("tunnel_zones/{z}"), media::TUNNEL_ZONE, bare(tz)),
        put(
            format!("bridges/{b}/dhcp/{sub}"),
            media::DHCP_SUBNET,
            bare(dhcp),
        ),
        put(format!("chains/{c}"), media::CHAIN, bare(chain)),
    ]
}

fn hostile(rng: &mut StdRng) -> Value {
    match rng.gen_range(0..16) {
        0 => Value::Null,
        1 => json!(-1),
        2 => json!(i64::MAX),
        3 => json!(u64::MAX),
        4 => json!(1e308),
        5 => json!(""),
        6 => json!("x".repeat(300)),
        7 => json!([]),
        8 => json!({}),
        9 => json!(true),
        10 => json!("not-a-uuid"),
        11 => json!("00000000-0000-0000-0000-000000000000"),
        12 => json!("999.1.1.1"),
        13 => {
            let mut v = json!(1);
            for _ in 0..rng.gen_range(10..200) {
                v = json!([v]);
            }
            v
        }
        14 => json!({"start": -5, "end": 70000}),
        _ => json!(rng.gen::<i32>()),
    }
}

/// A mutated body text and a content type for `route`.
fn case(rng: &mut StdRng, route: &Route) -> (String, Option<String>) {
    let mut body = route.body.clone();
    for _ in 0..rng.gen_range(0..4) {
        let Some(m) = body.as_object_mut() else { break };
        let keys: Vec<String> = m.keys().cloned().collect();
        match rng.gen_range(0..4) {
            0 if !keys.is_empty() => {
                m.remove(&keys[rng.gen_range(0..keys.len())]);
            }
            1 | 2 if !keys.is_empty() => {
                let k = keys[rng.gen_range(0..keys.len())].clone();
                m.insert(k, hostile(rng));
            }
            _ => {
                m.insert(format!("unknown{}", rng.gen::<u8>()), hostile(rng));
            }
        }
    }
    if rng.gen_bool(0.1) {
        body = hostile(rng);
    }
    let mut text = body.to_string().into_bytes();
    match rng.gen_range(0..10) {
        0 if !text.is_empty() => {
            let n = rng.gen_range(0..text.len());
            text.truncate(n);
        }
        1 if !text.is_empty() => {
            let i = rng.gen_range(0..text.len());
            text[i] ^= rng.gen_range(1..=255u8);
        }
        2 => {
            let n = rng.gen_range(0..64);
            text = (0..n).map(|_| rng.gen()).collect();
        }
        3 => {
            let i = rng.gen_range(0..=text.len());
            let junk: &[u8] =
                [&b"{"[..], b"}", b"\"", b",", b"\\u0000", b"NaN", b"\xff"][rng.gen_range(0..7)];
            text.splice(i..i, junk.iter().copied());
        }
        _ => {}
    }
    let ct = match rng.gen_range(0..10) {
        0 => None,
        1 => Some("application/json".to_string()),
        2 => Some("text/plain".to_string()),
        3 => Some("application/vnd.org.midonet.Router-v3+json".to_string()),
        4 => Some(";;;/".to_string()),
        5 => Some(format!("{}; charset=utf-8", route.media)),
        _ => Some(route.media.to_string()),
    };
    (String::from_utf8_lossy(&text).into_owned(), ct)
}

fn state_text(h: &SimHandle) -> String {
    let base = format!("http://{}/midonet-api", h.addr());
    fixture::state_json(&base, &h.sim().read())
}

#[actix_rt::test]
async fn hostile_json_to_every_post_and_put_route_never_crashes_the_emulator_or_changes_state_when_rejected(
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "v2.xml", 1, 1, 2);
    let h = sim::start(SimConfig {
        hosts_from_gni: Some(path),
        ..SimConfig::default()
    })
    .await
    .expect("emulator");
    let c = client(&h.url()).await;
    assert!(
        apply(&view, &c, &ApplyConfig::default())
            .await
            .expect("apply")
            .converged
    );
    let base = format!("http://{}", h.addr());
    let routes = routes(&sim_state(&base).await);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client");
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
    let mut accepted = 0u64;
    let t = Instant::now();
    let mut before = state_text(&h);
    for n in 0..CASES {
        let route = &routes[rng.gen_range(0..routes.len())];
        let (body, ct) = case(&mut rng, route);
        let mut req = http
            .request(route.method.clone(), format!("{}/{}", h.url(), route.path))
            .body(body.clone());
        if let Some(ct) = &ct {
            req = req.header("Content-Type", ct.as_str());
        }
        let what = format!(
            "case {n}: {} {} ({ct:?}) {body:.300}",
            route.method, route.path
        );
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: no answer (a crashed handler?): {e}"));
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        *statuses.entry(status).or_default() += 1;
        assert!(
            matches!(
                status,
                200 | 201 | 204 | 400 | 404 | 405 | 406 | 409 | 415 | 500
            ),
            "{what}: status {status}: {text:.300}"
        );
        if status >= 500 {
            let e: Value = serde_json::from_str(&text).unwrap_or_else(|_| {
                panic!("{what}: a 5xx without MidoNet's error entity: {text:.300}")
            });
            assert_eq!(e["code"], status, "{what}: {text:.300}");
            assert!(e["message"].is_string(), "{what}: {text:.300}");
        }
        let after = state_text(&h);
        if (200..300).contains(&status) {
            accepted += 1;
        } else {
            assert!(
                after == before,
                "{what}: rejected with {status} but the state changed"
            );
        }
        before = after;
    }
    let root = http
        .get(format!("{}/", h.url()))
        .header("Accept", media::APPLICATION)
        .send()
        .await
        .expect("the emulator still answers");
    assert_eq!(root.status().as_u16(), 200);
    eprintln!(
        "{CASES} hostile requests over {} routes in {:.2} s: statuses {statuses:?}; {accepted} \
         accepted, {} rejected with the state unchanged",
        routes.len(),
        t.elapsed().as_secs_f64(),
        CASES as u64 - accepted
    );
    assert!(statuses.len() >= 5, "{statuses:?}");
    assert!(accepted > 0 && accepted < CASES as u64 / 2, "{accepted}");
    h.stop().await.expect("stop");
}
