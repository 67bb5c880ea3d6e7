//! The non-MidoNet `/_sim/` API (stable formats; scripts and benchmarks depend on them):
//!
//! * `GET  /_sim/state`: every stored object as the API renders it, per kind.
//! * `GET  /_sim/stats`, `POST /_sim/stats/reset`.
//! * `POST /_sim/hosts` (a `Host` with `hostInterfaces`, `alive`): register or replace;
//!   `DELETE /_sim/hosts/{id}`; `POST /_sim/hosts/{id}/alive` `{"alive": bool}`.
//! * `POST /_sim/tunnel_zones` `{"id"?, "name", "type", "members": [{"hostId", "ipAddress"}]}`:
//!   create (or reuse by name) a zone and add members.
//! * `POST /_sim/ports/{id}/state` `{"active"?: bool, "bgpStatus"?: string|null}`.
//! * `PUT  /_sim/routers/{id}/learned_routes` `[Route, ...]`: replace the learned routes.
//! * `POST /_sim/faults` `{"match", "rate"?, "kinds"?}`; `DELETE /_sim/faults`;
//!   `PUT /_sim/faults/rate` `{"rate": f}`.
//! * `POST /_sim/reset`: empty the store.
use super::faults::FaultRule;
use super::hosts::{add_member, upsert_host};
use super::http::{array, to_text};
use super::store::{Store, TunnelZoneRec};
use super::{lock, render, Sim};
use crate::midonet::dto::{self, Host, Route, TunnelZone};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

fn ok_json(text: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(text)
}

fn bad(msg: impl std::fmt::Display) -> HttpResponse {
    HttpResponse::BadRequest()
        .content_type("application/json")
        .body(to_text(&serde_json::json!({"error": msg.to_string()})))
}

fn not_found(what: &str) -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("application/json")
        .body(to_text(
            &serde_json::json!({"error": format!("no such {what}")}),
        ))
}

/// `GET /_sim/state`.
pub fn state_json(base: &str, s: &Store) -> String {
    let mut parts: Vec<(&str, String)> = vec![
        (
            "routers",
            array(s.routers.values().map(|r| render::router(base, r))),
        ),
        (
            "bridges",
            array(s.bridges.values().map(|b| render::bridge(base, b))),
        ),
        (
            "ports",
            array(s.ports.values().map(|p| render::port(base, s, p))),
        ),
        (
            "routes",
            array(s.routes.values().map(|r| render::route(base, s, r))),
        ),
        (
            "chains",
            array(s.chains.values().map(|c| render::chain(base, c))),
        ),
        (
            "rules",
            array(s.rules.values().map(|r| render::rule(base, s, r))),
        ),
        (
            "ip_addr_groups",
            array(
                s.ip_addr_groups
                    .values()
                    .map(|g| render::ip_addr_group(base, g)),
            ),
        ),
        (
            "ip_addr_group_addrs",
            array(s.ip_addr_groups.iter().flat_map(|(id, g)| {
                g.addrs
                    .iter()
                    .map(move |(v, a)| render::ip_addr(base, *id, *v, a))
            })),
        ),
        (
            "port_groups",
            array(s.port_groups.values().map(|g| render::port_group(base, g))),
        ),
        (
            "hosts",
            array(s.hosts.values().map(|h| render::host(base, h))),
        ),
        (
            "tunnel_zones",
            array(
                s.tunnel_zones
                    .values()
                    .map(|z| render::tunnel_zone(base, z)),
            ),
        ),
        (
            "tunnel_zone_hosts",
            array(s.tunnel_zones.iter().flat_map(|(id, z)| {
                z.members
                    .iter()
                    .map(move |m| render::tz_member(base, *id, m))
            })),
        ),
        (
            "bgp_peers",
            array(s.bgp_peers.values().map(|p| render::bgp_peer(base, p))),
        ),
        (
            "bgp_networks",
            array(
                s.bgp_networks
                    .values()
                    .map(|n| render::bgp_network(base, n)),
            ),
        ),
    ];
    parts.push((
        "dhcp_subnets",
        array(s.bridges.iter().flat_map(|(id, b)| {
            b.dhcp
                .iter()
                .map(move |d| render::dhcp_subnet(base, *id, d))
        })),
    ));
    parts.push((
        "dhcp_hosts",
        array(s.bridges.iter().flat_map(|(id, b)| {
            b.dhcp.iter().flat_map(move |d| {
                d.hosts
                    .iter()
                    .map(move |h| render::dhcp_host(base, *id, d, h))
            })
        })),
    ));
    let body: Vec<String> = parts
        .into_iter()
        .map(|(k, v)| format!("\"{k}\":{v}"))
        .collect();
    format!("{{{}}}", body.join(","))
}

#[derive(Deserialize)]
struct Alive {
    alive: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PortState {
    #[serde(default)]
    active: Option<bool>,
    #[serde(default, deserialize_with = "some")]
    bgp_status: Option<Option<String>>,
}

fn some<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ZoneIn {
    #[serde(default)]
    id: Option<Uuid>,
    name: String,
    #[serde(rename = "type", default = "gre")]
    zone_type: String,
    #[serde(default)]
    members: Vec<MemberIn>,
}

fn gre() -> String {
    "gre".into()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MemberIn {
    host_id: Uuid,
    ip_address: String,
}

#[derive(Deserialize)]
struct Rate {
    rate: f64,
}

/// Handles `/_sim/...` (`rest` is the path after `/_sim`).
pub async fn handle(req: &HttpRequest, rest: &str, body: &Bytes, sim: &Sim) -> HttpResponse {
    let info = req.connection_info().clone();
    let base = format!("{}://{}/midonet-api", info.scheme(), info.host());
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let method = req.method().as_str().to_string();
    match (method.as_str(), segs.as_slice()) {
        ("GET", ["state"]) => ok_json(state_json(&base, &sim.read())),
        ("GET", ["stats"]) => ok_json(to_text(&sim.stats())),
        ("POST", ["stats", "reset"]) => {
            *lock(&sim.stats) = Default::default();
            HttpResponse::NoContent().finish()
        }
        ("POST", ["faults"]) => match dto::from_body::<FaultRule>(body) {
            Ok(r) => {
                lock(&sim.faults).rules.push(r);
                HttpResponse::NoContent().finish()
            }
            Err(e) => bad(e),
        },
        ("DELETE", ["faults"]) => {
            lock(&sim.faults).rules.clear();
            HttpResponse::NoContent().finish()
        }
        ("PUT", ["faults", "rate"]) => match dto::from_body::<Rate>(body) {
            Ok(r) => {
                lock(&sim.faults).rate = super::faults::prob(r.rate);
                HttpResponse::NoContent().finish()
            }
            Err(e) => bad(e),
        },
        _ => {
            // Fixture writes go through the topology lock too, without latency.
            let _g = sim.write_lock.lock().await;
            let mut s = sim.write();
            mutate(&method, &segs, body, &mut s, &base)
        }
    }
}

fn mutate(method: &str, segs: &[&str], body: &Bytes, s: &mut Store, base: &str) -> HttpResponse {
    match (method, segs) {
        ("POST", ["reset"]) => {
            *s = Store::default();
            HttpResponse::NoContent().finish()
        }
        ("POST", ["hosts"]) => match dto::from_body::<Host>(body) {
            Ok(h) => {
                let id = upsert_host(s, h);
                match s.hosts.get(&id) {
                    Some(h) => HttpResponse::Created()
                        .content_type("application/json")
                        .body(render::host(base, h)),
                    None => not_found("host"),
                }
            }
            Err(e) => bad(e),
        },
        ("DELETE", ["hosts", id]) => match Uuid::parse_str(id) {
            Ok(id) => {
                for p in s
                    .hosts
                    .get(&id)
                    .map(|h| h.port_ids.clone())
                    .unwrap_or_default()
                {
                    if let Some(p) = s.ports.get_mut(&p) {
                        p.dto.host_id = None;
                        p.dto.interface_name = None;
                    }
                }
                s.delete_host(id);
                HttpResponse::NoContent().finish()
            }
            Err(e) => bad(e),
        },
        ("POST", ["hosts", id, "alive"]) => {
            let (Ok(id), Ok(a)) = (Uuid::parse_str(id), dto::from_body::<Alive>(body)) else {
                return bad("expected /_sim/hosts/{uuid}/alive with {\"alive\": bool}");
            };
            match s.hosts.get_mut(&id) {
                Some(h) => {
                    h.dto.alive = a.alive;
                    HttpResponse::NoContent().finish()
                }
                None => not_found("host"),
            }
        }
        ("POST", ["tunnel_zones"]) => {
            let z = match dto::from_body::<ZoneIn>(body) {
                Ok(z) => z,
                Err(e) => return bad(e),
            };
            let existing = s
                .tunnel_zones
                .values()
                .find(|x| x.dto.name.as_deref() == Some(&z.name))
                .and_then(|x| x.dto.id);
            let id = existing.or(z.id).unwrap_or_else(Uuid::new_v4);
            s.tunnel_zones.entry(id).or_insert_with(|| TunnelZoneRec {
                dto: TunnelZone {
                    id: Some(id),
                    name: Some(z.name.clone()),
                    zone_type: Some(z.zone_type.clone()),
                    uri: None,
                    hosts: None,
                },
                members: vec![],
            });
            for m in z.members {
                match add_member(s, id, m.host_id, Some(m.ip_address)) {
                    Ok(()) => {}
                    Err(e) if e.status == 409 => {}
                    Err(e) => return bad(e),
                }
            }
            match s.tunnel_zones.get(&id) {
                Some(z) => HttpResponse::Created()
                    .content_type("application/json")
                    .body(render::tunnel_zone(base, z)),
                None => not_found("tunnel zone"),
            }
        }
        ("POST", ["ports", id, "state"]) => {
            let (Ok(id), Ok(st)) = (Uuid::parse_str(id), dto::from_body::<PortState>(body)) else {
                return bad("expected /_sim/ports/{uuid}/state with {\"active\"?, \"bgpStatus\"?}");
            };
            if !s.ports.contains_key(&id) {
                return not_found("port");
            }
            if let Some(a) = st.active {
                s.port_active.insert(id, a);
            }
            match st.bgp_status {
                Some(Some(b)) => {
                    s.port_bgp_status.insert(id, b);
                }
                Some(None) => {
                    s.port_bgp_status.remove(&id);
                }
                None => {}
            }
            HttpResponse::NoContent().finish()
        }
        ("PUT", ["routers", id, "learned_routes"]) => {
            let (Ok(id), Ok(routes)) = (Uuid::parse_str(id), dto::from_body::<Vec<Route>>(body))
            else {
                return bad("expected /_sim/routers/{uuid}/learned_routes with [Route]");
            };
            if !s.routers.contains_key(&id) {
                return not_found("router");
            }
            let routes = routes
                .into_iter()
                .map(|mut r| {
                    // Learned routes get ids derived from their contents, as MidoNet does.
                    let key = format!(
                        "{:?}{:?}{}{:?}{}",
                        r.src_network_addr,
                        r.dst_network_addr,
                        r.dst_network_length,
                        r.next_hop_gateway,
                        r.weight
                    );
                    r.id = Some(Uuid::new_v5(&id, key.as_bytes()));
                    r.router_id = Some(id);
                    r.learned = true;
                    r
                })
                .collect();
            s.learned_routes.insert(id, routes);
            HttpResponse::NoContent().finish()
        }
        _ => not_found("/_sim endpoint"),
    }
}
