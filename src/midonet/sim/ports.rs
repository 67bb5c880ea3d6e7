//! Ports of routers and bridges: create (with the router port's LOCAL route and tunnel key,
//! spec §7.5), PUT as full replacement with the fields MidoNet keeps (§7.2, §9.5), delete
//! cascades, and link/unlink of both sides.
use super::devices::{need_chains, need_no_mirrors, pid};
use super::error::{is_ipv4, ApiError, Violations};
use super::http::{array, Check::*, Ctx, Reply, Res};
use super::render;
use super::store::{port_chains, Attach, PortRec, RouteRec, Store};
use crate::midonet::dto::{Port, PortKind, PortLink, Route};
use crate::midonet::media::*;
use rand::Rng;
use uuid::Uuid;

fn random_mac() -> String {
    let mut rng = rand::thread_rng();
    format!(
        "ac:ca:ba:{:02x}:{:02x}:{:02x}",
        rng.gen::<u8>(),
        rng.gen::<u8>(),
        rng.gen::<u8>()
    )
}

fn validate(p: &Port) -> Result<(), ApiError> {
    let mut v = Violations::default();
    if let PortKind::Router(r) = &p.kind {
        v.not_null("networkAddress", &r.network_address);
        v.not_null("portAddress", &r.port_address);
        if r.network_address.as_deref().is_some_and(|a| !is_ipv4(a)) {
            v.add("networkAddress", "is an invalid IP format");
        }
        if r.port_address.as_deref().is_some_and(|a| !is_ipv4(a)) {
            v.add("portAddress", "is an invalid IP format");
        }
        v.range("networkLength", r.network_length.into(), 0, 32);
        if let Some(vni) = r.rtr_port_vni {
            v.range("rtrPortVni", vni.into(), 0, 16_777_215);
        }
    }
    v.finish()
}

fn strip_links(p: &mut Port) {
    p.uri = None;
    p.device = None;
    p.host = None;
    p.peer = None;
    p.link = None;
    p.port_groups = None;
    p.host_interface_port = None;
    p.inbound_filter = None;
    p.outbound_filter = None;
    p.active = false;
    if let PortKind::Router(r) = &mut p.kind {
        r.bgp_status = None;
        r.peering_table = None;
        r.service_container = None;
    }
}

/// Links `id` to `peer` from a body `peerId` (create or PUT of an unlinked port).
fn link_from_body(s: &Store, peer: Uuid) -> Result<(), ApiError> {
    let p = s
        .ports
        .get(&peer)
        .ok_or_else(|| ApiError::no_such("Port", peer))?;
    if let Some(other) = p.dto.peer_id {
        return Err(ApiError::conflict(format!(
            "Operation failed because the Port with ID {peer} already references the Port with ID {other} via the field peer_id. This field can accommodate only one reference."
        )));
    }
    Ok(())
}

fn create(ctx: &Ctx, s: &mut Store, device: Uuid, router: bool) -> Res {
    let mut p: Port = ctx.body(Generic, &[PORT, JSON])?;
    match (&p.kind, router) {
        (PortKind::Router(_), true) | (PortKind::Bridge(_), false) => {}
        (_, false) => return Err(ApiError::bad_request("Not a bridge port.")),
        (k, true) => {
            return Err(ApiError::bad_request(format!(
                "Could not resolve type id '{}' into a subtype of [simple type, class org.midonet.cluster.rest_api.models.RouterPort]",
                k.type_name()
            )))
        }
    }
    // Drawn before the transaction: a failed create still consumes a key (spec §7.5).
    let key = s.tunnel_key();
    validate(&p)?;
    if router && !s.routers.contains_key(&device) {
        return Err(ApiError::no_such("Router", device));
    }
    if !router && !s.bridges.contains_key(&device) {
        return Err(ApiError::no_such("Network", device));
    }
    let id = p.id.unwrap_or_else(Uuid::new_v4);
    if s.ports.contains_key(&id) {
        return Err(ApiError::exists("Port", id));
    }
    need_chains(s, &port_chains(&p))?;
    need_no_mirrors(&[
        &p.inbound_mirror_ids,
        &p.outbound_mirror_ids,
        &p.post_in_filter_mirror_ids,
        &p.pre_out_filter_mirror_ids,
    ])?;
    if let Some(peer) = p.peer_id {
        link_from_body(s, peer)?;
    }
    if let Some(h) = p.host_id {
        if !s.hosts.contains_key(&h) {
            return Err(ApiError::no_such("Host", h));
        }
    }
    if let PortKind::Router(r) = &mut p.kind {
        if let Some(sc) = r.service_container_id {
            return Err(ApiError::no_such("ServiceContainer", sc));
        }
        if r.port_mac.is_none() {
            r.port_mac = Some(random_mac());
        }
    }
    p.id = Some(id);
    p.device_id = Some(device);
    p.tunnel_key = key;
    p.insertion_ids = vec![];
    strip_links(&mut p);
    let mut route_ids = vec![];
    if let PortKind::Router(r) = &p.kind {
        // The LOCAL route: random id, hangs off the port, no router id (spec §7.5).
        let rid = Uuid::new_v4();
        let route = Route {
            id: Some(rid),
            router_id: None,
            route_type: Some("Local".into()),
            src_network_addr: Some("0.0.0.0".into()),
            src_network_length: 0,
            dst_network_addr: r.port_address.clone(),
            dst_network_length: 32,
            next_hop_port: Some(id),
            next_hop_gateway: Some("255.255.255.255".into()),
            weight: 0,
            attributes: None,
            learned: false,
            uri: None,
            router: None,
        };
        s.routes.insert(
            rid,
            RouteRec {
                dto: route,
                attach: Attach::Port(id),
            },
        );
        route_ids.push(rid);
    }
    if let Some(peer) = p.peer_id {
        if let Some(x) = s.ports.get_mut(&peer) {
            x.dto.peer_id = Some(id);
        }
    }
    if let Some(h) = p.host_id.and_then(|h| s.hosts.get_mut(&h)) {
        h.port_ids.push(id);
    }
    s.reindex_filters(id, &[], &port_chains(&p));
    if let Some(r) = s.routers.get_mut(&device) {
        r.port_ids.push(id);
    } else if let Some(b) = s.bridges.get_mut(&device) {
        b.port_ids.push(id);
    }
    s.ports.insert(
        id,
        PortRec {
            dto: p,
            route_ids,
            port_group_ids: vec![],
        },
    );
    Ok(Reply::Created(ctx.uri(&format!("ports/{id}"))))
}

fn update(ctx: &Ctx, s: &mut Store, raw: &str) -> Res {
    let mut p: Port = ctx.body(Generic, &[PORT, JSON])?;
    let id = pid(raw)
        .filter(|i| s.ports.contains_key(i))
        .ok_or_else(|| ApiError::no_such("Port", raw))?;
    let old = s
        .ports
        .get(&id)
        .map(|r| r.dto.clone())
        .ok_or_else(|| ApiError::no_such("Port", id))?;
    if std::mem::discriminant(&old.kind) != std::mem::discriminant(&p.kind) {
        // MidoNet casts the stored port to the body's class (spec §7.2 [quirk]).
        return Err(ApiError::internal(format!(
            "org.midonet.cluster.rest_api.models.{}Port cannot be cast to org.midonet.cluster.rest_api.models.{}Port",
            p.kind.type_name(),
            old.kind.type_name()
        )));
    }
    validate(&p)?;
    need_chains(s, &port_chains(&p))?;
    need_no_mirrors(&[
        &p.inbound_mirror_ids,
        &p.outbound_mirror_ids,
        &p.post_in_filter_mirror_ids,
        &p.pre_out_filter_mirror_ids,
    ])?;
    // Set-while-null fields: a PUT can set them but never clear or change them (spec §9.5).
    let new_peer = if old.peer_id.is_some() {
        None
    } else {
        p.peer_id
    };
    if let Some(peer) = new_peer {
        link_from_body(s, peer)?;
    }
    let new_host = if old.host_id.is_some() {
        None
    } else {
        p.host_id
    };
    if let Some(h) = new_host {
        if !s.hosts.contains_key(&h) {
            return Err(ApiError::no_such("Host", h));
        }
    }
    p.id = Some(id);
    p.device_id = old.device_id;
    p.tunnel_key = old.tunnel_key;
    p.peer_id = old.peer_id.or(new_peer);
    p.host_id = old.host_id.or(new_host);
    if old.interface_name.is_some() {
        p.interface_name = old.interface_name.clone();
    }
    p.insertion_ids = old.insertion_ids.clone();
    if let (PortKind::Router(n), PortKind::Router(o)) = (&mut p.kind, &old.kind) {
        n.service_container_id = o.service_container_id;
    }
    strip_links(&mut p);
    if let Some(peer) = new_peer.and_then(|x| s.ports.get_mut(&x)) {
        peer.dto.peer_id = Some(id);
    }
    if let Some(h) = new_host.and_then(|h| s.hosts.get_mut(&h)) {
        h.port_ids.push(id);
    }
    s.reindex_filters(id, &port_chains(&old), &port_chains(&p));
    if let Some(rec) = s.ports.get_mut(&id) {
        rec.dto = p;
    }
    Ok(Reply::NoContent)
}

fn link(ctx: &Ctx, s: &mut Store, raw: &str) -> Res {
    let l: PortLink = ctx.body(Annotated, &[PORT_LINK, JSON])?;
    if l.port_id.is_some() {
        // The reply URI is built from `portId` with no base URI set (spec §6.1 [inferred]).
        return Err(ApiError::internal("java.lang.NullPointerException"));
    }
    let peer = l
        .peer_id
        .ok_or_else(|| ApiError::internal("java.lang.NullPointerException"))?;
    let id = pid(raw).ok_or_else(|| ApiError::no_such("Port", raw))?;
    let a = s
        .ports
        .get(&id)
        .ok_or_else(|| ApiError::no_such("Port", id))?;
    let b = s
        .ports
        .get(&peer)
        .ok_or_else(|| ApiError::no_such("Port", peer))?;
    if a.dto.peer_id.is_some() || b.dto.peer_id.is_some() || id == peer {
        return Err(ApiError::conflict("Ports are not linkable."));
    }
    if let Some(a) = s.ports.get_mut(&id) {
        a.dto.peer_id = Some(peer);
    }
    if let Some(b) = s.ports.get_mut(&peer) {
        b.dto.peer_id = Some(id);
    }
    Ok(Reply::CreatedBare)
}

fn unlink(s: &mut Store, raw: &str) -> Res {
    let id = pid(raw)
        .filter(|i| s.ports.contains_key(i))
        .ok_or_else(|| ApiError::no_such("Port", raw))?;
    let peer = s.ports.get_mut(&id).and_then(|p| p.dto.peer_id.take());
    if let Some(p) = peer.and_then(|p| s.ports.get_mut(&p)) {
        p.dto.peer_id = None;
    }
    Ok(Reply::NoContent)
}

/// GETs of ports.
pub fn get(ctx: &Ctx, segs: &[&str], s: &Store) -> Option<Res> {
    Some(match segs {
        ["ports"] => (|| {
            let m = ctx.accept(Generic, &[COLL_PORT, JSON])?;
            ctx.json(
                m,
                array(s.ports.values().map(|p| render::port(&ctx.base, s, p))),
            )
        })(),
        ["ports", id] => (|| {
            let m = ctx.accept(Generic, &[PORT, JSON])?;
            let p = pid(id)
                .and_then(|i| s.ports.get(&i))
                .ok_or_else(|| ApiError::no_such("Port", id))?;
            ctx.json(m, render::port(&ctx.base, s, p))
        })(),
        [kind @ ("routers" | "bridges"), id, "ports"] => (|| {
            let m = ctx.accept(Generic, &[COLL_PORT, JSON])?;
            let id = pid(id).ok_or(ApiError::bare(404))?;
            let ids = if *kind == "routers" {
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
            ctx.json(
                m,
                array(
                    ids.iter()
                        .filter_map(|p| s.ports.get(p))
                        .map(|p| render::port(&ctx.base, s, p)),
                ),
            )
        })(),
        ["ports", id, "port_groups"] => (|| {
            let m = ctx.accept(Annotated, &[COLL_PORT_GROUP_PORT])?;
            let id = pid(id).ok_or(ApiError::bare(404))?;
            let p = s
                .ports
                .get(&id)
                .ok_or_else(|| ApiError::no_such("Port", id))?;
            ctx.json(
                m,
                array(
                    p.port_group_ids
                        .iter()
                        .map(|g| render::port_group_port(&ctx.base, *g, id)),
                ),
            )
        })(),
        _ => return None,
    })
}

/// Writes of ports and links.
pub fn write(ctx: &Ctx, segs: &[&str], s: &mut Store) -> Option<Res> {
    let m = ctx.method.as_str();
    Some(match (m, segs) {
        ("POST", [kind @ ("routers" | "bridges"), id, "ports"]) => match pid(id) {
            Some(dev) => create(ctx, s, dev, *kind == "routers"),
            None => Err(ApiError::bare(404)),
        },
        ("PUT", ["ports", id]) => update(ctx, s, id),
        ("DELETE", ["ports", id]) => (|| {
            let id = pid(id)
                .filter(|i| s.ports.contains_key(i))
                .ok_or_else(|| ApiError::no_such("Port", id))?;
            s.delete_port(id);
            Ok(Reply::NoContent)
        })(),
        ("POST", ["ports", id, "link"]) => link(ctx, s, id),
        ("DELETE", ["ports", id, "link"]) => unlink(s, id),
        (_, ["ports"])
        | (_, ["ports", _])
        | (_, ["ports", _, "link"])
        | (_, ["routers" | "bridges", _, "ports"]) => Err(ApiError::bare(405)),
        _ => return None,
    })
}
