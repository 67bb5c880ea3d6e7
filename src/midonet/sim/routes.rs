//! Routes (spec §9.6): where a route hangs (port, router, or nothing), the `Normal`-route
//! next-hop check, learned routes (agent state) in the router's list, idempotent delete.
use super::devices::pid;
use super::error::{is_ipv4, ApiError, Violations, IPV4_REGEX};
use super::http::{array, Check::*, Ctx, Reply, Res};
use super::render;
use super::store::{Attach, RouteRec, Store};
use crate::midonet::dto::Route;
use crate::midonet::media::*;
use uuid::Uuid;

fn validate(r: &Route) -> Result<(), ApiError> {
    let mut v = Violations::default();
    v.not_null("srcNetworkAddr", &r.src_network_addr);
    v.not_null("dstNetworkAddr", &r.dst_network_addr);
    for (name, val) in [
        ("srcNetworkAddr", &r.src_network_addr),
        ("dstNetworkAddr", &r.dst_network_addr),
        ("nextHopGateway", &r.next_hop_gateway),
    ] {
        if val.as_deref().is_some_and(|a| !is_ipv4(a)) {
            v.add(name, format!("must match \"{IPV4_REGEX}\""));
        }
    }
    v.range("srcNetworkLength", r.src_network_length.into(), 0, 32);
    v.range("dstNetworkLength", r.dst_network_length.into(), 0, 32);
    v.range("weight", r.weight.into(), 0, i32::MAX.into());
    v.not_null("type", &r.route_type);
    v.finish()
}

fn create(ctx: &Ctx, s: &mut Store, router: Uuid) -> Res {
    let mut r: Route = ctx.body(Generic, &[ROUTE, JSON])?;
    let kind = r.route_type.clone();
    if let Some(k) = &kind {
        if !matches!(k.as_str(), "Normal" | "BlackHole" | "Reject" | "Local") {
            return Err(ApiError::bad_request("This type of route is invalid."));
        }
    }
    validate(&r)?;
    let id = r.id.unwrap_or_else(Uuid::new_v4);
    if s.routes.contains_key(&id) {
        return Err(ApiError::exists("Route", id));
    }
    let attach = match (kind.as_deref(), r.next_hop_port) {
        (Some("Normal"), p) => {
            let on_router = p
                .and_then(|p| s.ports.get(&p))
                .is_some_and(|p| p.dto.device_id == Some(router));
            match p {
                Some(p) if on_router => Attach::Port(p),
                _ => {
                    return Err(ApiError::bad_request(
                        "This type of route requires a next hop port that is a port on the same router.",
                    ))
                }
            }
        }
        (_, Some(p)) => {
            // Any existing port, whichever device owns it (spec §9.6 [quirk]).
            if !s.ports.contains_key(&p) {
                return Err(ApiError::no_such("Port", p));
            }
            Attach::Port(p)
        }
        (Some("Local"), None) => match r.router_id {
            Some(rid) if s.routers.contains_key(&rid) => Attach::Router(rid),
            Some(rid) => return Err(ApiError::no_such("Router", rid)),
            None => Attach::Nothing,
        },
        (_, None) => {
            if !s.routers.contains_key(&router) {
                return Err(ApiError::no_such("Router", router));
            }
            Attach::Router(router)
        }
    };
    r.id = Some(id);
    r.learned = false;
    r.uri = None;
    r.router = None;
    r.router_id = match attach {
        Attach::Router(x) => Some(x),
        _ => None,
    };
    match attach {
        Attach::Port(p) => {
            if let Some(p) = s.ports.get_mut(&p) {
                p.route_ids.push(id);
            }
        }
        Attach::Router(x) => {
            if let Some(x) = s.routers.get_mut(&x) {
                x.route_ids.push(id);
            }
        }
        Attach::Nothing => {}
    }
    s.routes.insert(id, RouteRec { dto: r, attach });
    Ok(Reply::Created(ctx.uri(&format!("routes/{id}"))))
}

/// GETs of routes.
pub fn get(ctx: &Ctx, segs: &[&str], s: &Store) -> Option<Res> {
    Some(match segs {
        ["routers", id, "routes"] => (|| {
            let m = ctx.accept(Annotated, &[COLL_ROUTE, JSON])?;
            let id = pid(id).ok_or(ApiError::bare(404))?;
            let r = s
                .routers
                .get(&id)
                .ok_or_else(|| ApiError::no_such("Router", id))?;
            let own = r.route_ids.iter();
            let of_ports = r
                .port_ids
                .iter()
                .filter_map(|p| s.ports.get(p))
                .flat_map(|p| p.route_ids.iter());
            let mut items: Vec<String> = own
                .chain(of_ports)
                .filter_map(|x| s.routes.get(x))
                .map(|x| render::route(&ctx.base, s, x))
                .collect();
            for l in s.learned_routes.get(&id).into_iter().flatten() {
                items.push(render::route_dto(&ctx.base, l.clone()));
            }
            ctx.json(m, array(items))
        })(),
        ["routes", id] => (|| {
            let m = ctx.accept(Generic, &[ROUTE, JSON])?;
            let r = pid(id)
                .and_then(|i| s.routes.get(&i))
                .ok_or_else(|| ApiError::no_such("Route", id))?;
            if r.attach == Attach::Nothing && r.dto.router_id.is_none() {
                return Err(ApiError::internal(format!(
                    "Route {id} is missing both router ID and next hop port ID"
                )));
            }
            ctx.json(m, render::route(&ctx.base, s, r))
        })(),
        ["routes"] => Err(ApiError::bare(405)),
        _ => return None,
    })
}

/// Writes of routes.
pub fn write(ctx: &Ctx, segs: &[&str], s: &mut Store) -> Option<Res> {
    Some(match (ctx.method.as_str(), segs) {
        ("POST", ["routers", id, "routes"]) => match pid(id) {
            Some(r) => create(ctx, s, r),
            None => Err(ApiError::bare(404)),
        },
        ("DELETE", ["routes", id]) => {
            if let Some(id) = pid(id) {
                s.delete_route(id);
            }
            Ok(Reply::NoContent)
        }
        (_, ["routes"]) | (_, ["routes", _]) | (_, ["routers", _, "routes"]) => {
            Err(ApiError::bare(405))
        }
        _ => return None,
    })
}
