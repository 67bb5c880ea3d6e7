//! Routers and bridges: CRUD, `tenant_id` filtering, filter-chain references (spec §9.3,
//! §9.4), and their `peer_ports` lists.
use super::error::{ApiError, Violations};
use super::http::{array, Check::*, Ctx, Reply, Res};
use super::render;
use super::store::{bridge_chains, router_chains, BridgeRec, RouterRec, Store};
use crate::midonet::dto::{Bridge, Router};
use crate::midonet::media::*;
use uuid::Uuid;

/// MidoNet's `VxLanPortIdNotSettable` text (`ValidationMessages.properties`).
const VXLAN_NOT_SETTABLE: &str = "VXLAN port ID cannot be set directly. The VXLAN port is created or deleted in response to the creation or deletion of VTEP bindings.";

/// Parses a path id.
pub fn pid(seg: &str) -> Option<Uuid> {
    Uuid::parse_str(seg).ok()
}

/// A referenced chain must exist (404, spec §6.3).
pub fn need_chains(s: &Store, ids: &[Uuid]) -> Result<(), ApiError> {
    match ids.iter().find(|c| !s.chains.contains_key(c)) {
        Some(c) => Err(ApiError::no_such("Chain", c)),
        None => Ok(()),
    }
}

/// Mirrors are not emulated: any reference to one names a missing object.
pub fn need_no_mirrors(ids: &[&Vec<Uuid>]) -> Result<(), ApiError> {
    match ids.iter().flat_map(|v| v.iter()).next() {
        Some(m) => Err(ApiError::no_such("Mirror", m)),
        None => Ok(()),
    }
}

fn check_router(s: &Store, r: &Router) -> Result<(), ApiError> {
    let mut v = Violations::default();
    v.size("name", &r.name, 0, 255);
    v.finish()?;
    need_chains(s, &router_chains(r))?;
    if let Some(lb) = r.load_balancer_id {
        return Err(ApiError::no_such("LoadBalancer", lb));
    }
    need_no_mirrors(&[&r.inbound_mirror_ids, &r.outbound_mirror_ids])
}

fn check_bridge(s: &Store, b: &Bridge) -> Result<(), ApiError> {
    let mut v = Violations::default();
    v.size("name", &b.name, 0, 255);
    v.finish()?;
    need_chains(s, &bridge_chains(b))?;
    need_no_mirrors(&[&b.inbound_mirror_ids, &b.outbound_mirror_ids])
}

fn tenant_ok(ctx: &Ctx, t: &Option<String>) -> bool {
    ctx.param("tenant_id")
        .map_or(true, |want| t.as_deref() == Some(want))
}

fn strip_links_router(r: &mut Router) {
    r.uri = None;
    r.inbound_filter = None;
    r.outbound_filter = None;
    r.ports = None;
    r.peer_ports = None;
    r.routes = None;
    r.bgp_peers = None;
    r.bgp_networks = None;
    r.load_balancer = None;
    r.local_redirect_chain = None;
    r.forward_chain = None;
}

fn strip_links_bridge(b: &mut Bridge) {
    b.uri = None;
    b.inbound_filter = None;
    b.outbound_filter = None;
    b.ports = None;
    b.peer_ports = None;
    b.vx_lan_ports = None;
    b.dhcp_subnets = None;
    b.dhcp_subnet6s = None;
    b.mac_table = None;
    b.arp_table = None;
    b.vlan_mac_table_template = None;
    b.mac_port_template = None;
    b.vlan_mac_port_template = None;
}

/// GETs under `/routers` and `/bridges` (ports, routes, DHCP, tables are elsewhere).
pub fn get(ctx: &Ctx, segs: &[&str], s: &Store) -> Option<Res> {
    Some(match segs {
        ["routers"] => (|| {
            let m = ctx.accept(Generic, &[COLL_ROUTER, JSON])?;
            let items = s
                .routers
                .values()
                .filter(|r| tenant_ok(ctx, &r.dto.tenant_id));
            ctx.json(m, array(items.map(|r| render::router(&ctx.base, r))))
        })(),
        ["routers", id] => (|| {
            let m = ctx.accept(Generic, &[ROUTER, JSON])?;
            let r = pid(id)
                .and_then(|i| s.routers.get(&i))
                .ok_or_else(|| ApiError::no_such("Router", id))?;
            ctx.json(m, render::router(&ctx.base, r))
        })(),
        ["bridges"] => (|| {
            let m = ctx.accept(Generic, &[COLL_BRIDGE, JSON])?;
            let items = s
                .bridges
                .values()
                .filter(|b| tenant_ok(ctx, &b.dto.tenant_id));
            ctx.json(m, array(items.map(|b| render::bridge(&ctx.base, b))))
        })(),
        ["bridges", id] => (|| {
            let m = ctx.accept(Generic, &[BRIDGE, JSON])?;
            let b = pid(id)
                .and_then(|i| s.bridges.get(&i))
                .ok_or_else(|| ApiError::no_such("Network", id))?;
            ctx.json(m, render::bridge(&ctx.base, b))
        })(),
        ["bridges", id, "vxlan_ports"] => (|| {
            // VTEP bindings are not emulated: a bridge never has VXLAN ports.
            let m = ctx.accept(Annotated, &[COLL_PORT, JSON])?;
            let id = pid(id).ok_or(ApiError::bare(404))?;
            s.bridges
                .get(&id)
                .ok_or_else(|| ApiError::no_such("Network", id))?;
            ctx.json(m, array(std::iter::empty()))
        })(),
        [kind @ ("routers" | "bridges"), id, "peer_ports"] => (|| {
            let m = ctx.accept(Annotated, &[COLL_PORT, JSON])?;
            let id = pid(id).ok_or(ApiError::bare(404))?;
            let ports = if *kind == "routers" {
                s.routers
                    .get(&id)
                    .map(|r| &r.port_ids)
                    .ok_or_else(|| ApiError::no_such("Router", id))?
            } else {
                s.bridges
                    .get(&id)
                    .map(|b| &b.port_ids)
                    .ok_or_else(|| ApiError::no_such("Network", id))?
            };
            let peers = ports
                .iter()
                .filter_map(|p| s.ports.get(p)?.dto.peer_id)
                .filter_map(|p| s.ports.get(&p))
                .map(|p| render::port(&ctx.base, s, p));
            ctx.json(m, array(peers))
        })(),
        _ => return None,
    })
}

/// Writes under `/routers` and `/bridges`.
pub fn write(ctx: &Ctx, segs: &[&str], s: &mut Store) -> Option<Res> {
    let post = ctx.method == "POST";
    let put = ctx.method == "PUT";
    let del = ctx.method == "DELETE";
    Some(match segs {
        ["routers"] if post => (|| {
            let mut r: Router = ctx.body(Generic, &[ROUTER, JSON])?;
            check_router(s, &r)?;
            let id = r.id.unwrap_or_else(Uuid::new_v4);
            if s.routers.contains_key(&id) {
                return Err(ApiError::exists("Router", id));
            }
            r.id = Some(id);
            strip_links_router(&mut r);
            s.reindex_filters(id, &[], &router_chains(&r));
            s.routers.insert(
                id,
                RouterRec {
                    dto: r,
                    port_ids: vec![],
                    route_ids: vec![],
                    bgp_peer_ids: vec![],
                    bgp_network_ids: vec![],
                },
            );
            Ok(Reply::Created(ctx.uri(&format!("routers/{id}"))))
        })(),
        ["routers", id] if put => (|| {
            let mut r: Router = ctx.body(Generic, &[ROUTER, JSON])?;
            let id = pid(id)
                .filter(|i| s.routers.contains_key(i))
                .ok_or_else(|| ApiError::no_such("Router", id))?;
            check_router(s, &r)?;
            r.id = Some(id);
            strip_links_router(&mut r);
            let old = s
                .routers
                .get(&id)
                .map(|x| router_chains(&x.dto))
                .unwrap_or_default();
            s.reindex_filters(id, &old, &router_chains(&r));
            if let Some(rec) = s.routers.get_mut(&id) {
                rec.dto = r;
            }
            Ok(Reply::NoContent)
        })(),
        ["routers", id] if del => {
            // Idempotent, also for a malformed id (spec §7.3).
            if let Some(id) = pid(id) {
                s.delete_router(id);
            }
            Ok(Reply::NoContent)
        }
        ["bridges"] if post => (|| {
            let mut b: Bridge = ctx.body(Generic, &[BRIDGE, JSON])?;
            if b.vx_lan_port_ids.is_some() {
                return Err(ApiError::bad_request(VXLAN_NOT_SETTABLE));
            }
            check_bridge(s, &b)?;
            let id = b.id.unwrap_or_else(Uuid::new_v4);
            if s.bridges.contains_key(&id) {
                return Err(ApiError::exists("Network", id));
            }
            b.id = Some(id);
            b.vx_lan_port_ids = Some(vec![]);
            strip_links_bridge(&mut b);
            s.reindex_filters(id, &[], &bridge_chains(&b));
            s.bridges.insert(
                id,
                BridgeRec {
                    dto: b,
                    port_ids: vec![],
                    dhcp: vec![],
                },
            );
            Ok(Reply::Created(ctx.uri(&format!("bridges/{id}"))))
        })(),
        ["bridges", id] if put => (|| {
            let mut b: Bridge = ctx.body(Generic, &[BRIDGE, JSON])?;
            let id = pid(id)
                .filter(|i| s.bridges.contains_key(i))
                .ok_or_else(|| ApiError::no_such("Network", id))?;
            let stored = s
                .bridges
                .get(&id)
                .and_then(|x| x.dto.vx_lan_port_ids.clone())
                .unwrap_or_default();
            if b.vx_lan_port_ids.as_ref().is_some_and(|v| *v != stored) {
                return Err(ApiError::bad_request(VXLAN_NOT_SETTABLE));
            }
            check_bridge(s, &b)?;
            b.id = Some(id);
            b.vx_lan_port_ids = Some(stored);
            strip_links_bridge(&mut b);
            let old = s
                .bridges
                .get(&id)
                .map(|x| bridge_chains(&x.dto))
                .unwrap_or_default();
            s.reindex_filters(id, &old, &bridge_chains(&b));
            if let Some(rec) = s.bridges.get_mut(&id) {
                rec.dto = b;
            }
            Ok(Reply::NoContent)
        })(),
        ["bridges", id] if del => (|| {
            let id = pid(id)
                .filter(|i| s.bridges.contains_key(i))
                .ok_or_else(|| ApiError::no_such("Network", id))?;
            s.delete_bridge(id);
            Ok(Reply::NoContent)
        })(),
        ["routers" | "bridges"] | ["routers" | "bridges", _] => Err(ApiError::bare(405)),
        _ => return None,
    })
}
