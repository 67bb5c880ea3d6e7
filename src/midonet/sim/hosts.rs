//! Hosts, their interfaces and port bindings, and tunnel zones with members (spec §9.11,
//! §9.12). Host existence, liveness and interfaces are agent state, set through `/_sim/`.
use super::devices::pid;
use super::error::{is_ipv4, ApiError, Violations};
use super::http::{array, Check::*, Ctx, Reply, Res};
use super::render;
use super::store::{HostRec, Store, TunnelZoneRec};
use crate::midonet::dto::{Host, HostInterfacePort, TunnelZone, TunnelZoneHost};
use crate::midonet::media::*;
use uuid::Uuid;

fn host_404(id: impl std::fmt::Display) -> ApiError {
    ApiError::no_such("Host", id)
}

/// Registers (or replaces) a host as the agent would; keeps bindings and zones.
pub fn upsert_host(s: &mut Store, mut h: Host) -> Uuid {
    let id = h.id.unwrap_or_else(Uuid::new_v4);
    h.id = Some(id);
    h.uri = None;
    h.ports = None;
    h.interfaces = None;
    h.flooding_proxy_weight.get_or_insert(1);
    h.container_weight.get_or_insert(1);
    h.container_limit.get_or_insert(-1);
    h.enforce_container_limit.get_or_insert(false);
    match s.hosts.get_mut(&id) {
        Some(rec) => rec.dto = h,
        None => {
            s.hosts.insert(
                id,
                HostRec {
                    dto: h,
                    port_ids: vec![],
                    tunnel_zone_ids: vec![],
                },
            );
        }
    }
    id
}

/// Adds a tunnel-zone member (shared by the API and the fixture).
pub fn add_member(
    s: &mut Store,
    zone: Uuid,
    host: Uuid,
    ip: Option<String>,
) -> Result<(), ApiError> {
    let z = s
        .tunnel_zones
        .get(&zone)
        .ok_or_else(|| ApiError::no_such("TunnelZone", zone))?;
    if z.members.iter().any(|m| m.host_id == Some(host)) {
        return Err(ApiError::bare(409));
    }
    let h = s.hosts.get_mut(&host).ok_or_else(|| host_404(host))?;
    h.tunnel_zone_ids.push(zone);
    if let Some(z) = s.tunnel_zones.get_mut(&zone) {
        z.members.push(TunnelZoneHost {
            tunnel_zone_id: Some(zone),
            host_id: Some(host),
            ip_address: ip,
            uri: None,
            host: None,
            tunnel_zone: None,
        });
    }
    Ok(())
}

fn zone_name_taken(s: &Store, name: &str) -> bool {
    // Also matches the zone itself: a PUT keeping its name gets 409 (spec §9.12 [quirk]).
    s.tunnel_zones
        .values()
        .any(|z| z.dto.name.as_deref() == Some(name))
}

fn check_zone(z: &TunnelZone) -> Result<(), ApiError> {
    let mut v = Violations::default();
    v.not_null("name", &z.name);
    v.size("name", &z.name, 1, 255);
    v.not_null("type", &z.zone_type);
    v.finish()?;
    match z.zone_type.as_deref() {
        Some("gre" | "vxlan" | "vtep") => Ok(()),
        Some(t) => Err(ApiError::bad_request(format!(
            "Can not construct instance of org.midonet.cluster.rest_api.models.TunnelZone$TunnelZoneType from String value '{t}': value not one of declared Enum instance names: [vtep, gre, vxlan]"
        ))),
        None => Ok(()),
    }
}

/// GETs.
pub fn get(ctx: &Ctx, segs: &[&str], s: &Store) -> Option<Res> {
    Some(match segs {
        ["hosts"] => (|| {
            let m = ctx.accept(Generic, &[COLL_HOST, JSON])?;
            ctx.json(
                m,
                array(s.hosts.values().map(|h| render::host(&ctx.base, h))),
            )
        })(),
        ["hosts", id] => (|| {
            let m = ctx.accept(Generic, &[HOST, JSON])?;
            let h = pid(id)
                .and_then(|i| s.hosts.get(&i))
                .ok_or_else(|| host_404(id))?;
            ctx.json(m, render::host(&ctx.base, h))
        })(),
        ["hosts", id, "interfaces"] => (|| {
            let m = ctx.accept(Annotated, &[COLL_INTERFACE, JSON])?;
            let hid = pid(id).ok_or(ApiError::bare(404))?;
            let h = s.hosts.get(&hid).ok_or_else(|| host_404(hid))?;
            let items = h
                .dto
                .host_interfaces
                .iter()
                .map(|i| super::http::to_text(&render::interface(&ctx.base, hid, i)));
            ctx.json(m, array(items))
        })(),
        ["hosts", id, "interfaces", name] => (|| {
            let m = ctx.accept(Annotated, &[INTERFACE, JSON])?;
            let hid = pid(id).ok_or(ApiError::bare(404))?;
            let h = s.hosts.get(&hid).ok_or_else(|| host_404(hid))?;
            let i = h
                .dto
                .host_interfaces
                .iter()
                .find(|i| i.name.as_deref() == Some(name));
            let i = i.ok_or_else(|| ApiError::new(404, "Interface not found"))?;
            ctx.json(
                m,
                super::http::to_text(&render::interface(&ctx.base, hid, i)),
            )
        })(),
        ["hosts", id, "ports"] => (|| {
            let m = ctx.accept(Annotated, &[COLL_HOST_INTERFACE_PORT])?;
            let hid = pid(id).ok_or(ApiError::bare(404))?;
            let h = s.hosts.get(&hid).ok_or_else(|| host_404(hid))?;
            let items = h.port_ids.iter().filter_map(|p| s.ports.get(p)).map(|p| {
                render::binding(
                    &ctx.base,
                    hid,
                    p.dto.id.unwrap_or_default(),
                    p.dto.interface_name.clone(),
                )
            });
            ctx.json(m, array(items))
        })(),
        ["hosts", id, "ports", port] => (|| {
            let m = ctx.accept(Annotated, &[HOST_INTERFACE_PORT, JSON, "*/*"])?;
            let hid = pid(id).ok_or(ApiError::bare(404))?;
            let h = s.hosts.get(&hid).ok_or_else(|| host_404(hid))?;
            let p = pid(port).ok_or(ApiError::bare(500))?;
            let bound = h.port_ids.contains(&p).then(|| s.ports.get(&p)).flatten();
            let bound = bound.ok_or_else(|| ApiError::new(404, "Host interface port not found"))?;
            ctx.json(
                m,
                render::binding(&ctx.base, hid, p, bound.dto.interface_name.clone()),
            )
        })(),
        ["tunnel_zones"] => (|| {
            let m = ctx.accept(Generic, &[COLL_TUNNEL_ZONE, JSON])?;
            ctx.json(
                m,
                array(
                    s.tunnel_zones
                        .values()
                        .map(|z| render::tunnel_zone(&ctx.base, z)),
                ),
            )
        })(),
        ["tunnel_zones", id] => (|| {
            let m = ctx.accept(Generic, &[TUNNEL_ZONE, JSON])?;
            let z = pid(id)
                .and_then(|i| s.tunnel_zones.get(&i))
                .ok_or_else(|| ApiError::no_such("TunnelZone", id))?;
            ctx.json(m, render::tunnel_zone(&ctx.base, z))
        })(),
        ["tunnel_zones", id, "hosts"] => (|| {
            let m = ctx.accept(
                Annotated,
                &[COLL_TUNNEL_ZONE_HOST, COLL_GRE_TUNNEL_ZONE_HOST],
            )?;
            let zid = pid(id).ok_or(ApiError::bare(404))?;
            let z = s
                .tunnel_zones
                .get(&zid)
                .ok_or_else(|| ApiError::no_such("TunnelZone", zid))?;
            ctx.json(
                m,
                array(
                    z.members
                        .iter()
                        .map(|x| render::tz_member(&ctx.base, zid, x)),
                ),
            )
        })(),
        ["tunnel_zones", id, "hosts", host] => (|| {
            let m = ctx.accept(Annotated, &[TUNNEL_ZONE_HOST, GRE_TUNNEL_ZONE_HOST])?;
            let zid = pid(id).ok_or(ApiError::bare(404))?;
            let z = s
                .tunnel_zones
                .get(&zid)
                .ok_or_else(|| ApiError::no_such("TunnelZone", zid))?;
            let h = pid(host).ok_or(ApiError::bare(500))?;
            let x = z.members.iter().find(|x| x.host_id == Some(h));
            let x = x.ok_or_else(|| ApiError::new(404, "Resource not found"))?;
            ctx.json(m, render::tz_member(&ctx.base, zid, x))
        })(),
        _ => return None,
    })
}

fn bind(ctx: &Ctx, s: &mut Store, raw: &str) -> Res {
    let b: HostInterfacePort = ctx.body(Annotated, &[HOST_INTERFACE_PORT, JSON])?;
    // Checks in MidoNet's order (spec §9.11); no bean validation on this path.
    let hid = pid(raw).ok_or(ApiError::bare(404))?;
    let h = s.hosts.get(&hid).ok_or_else(|| host_404(hid))?;
    if h.tunnel_zone_ids.is_empty() {
        return Err(ApiError::conflict(
            "The specified host is not in any tunnel zone.",
        ));
    }
    let pid_ = b
        .port_id
        .ok_or_else(|| ApiError::internal("java.lang.NullPointerException"))?;
    let p = s
        .ports
        .get(&pid_)
        .ok_or_else(|| ApiError::no_such("Port", pid_))?;
    if p.dto.interface_name.is_some() {
        return Err(ApiError::conflict(format!(
            "Port {pid_} is already bound to an interface"
        )));
    }
    if let Some(name) = &b.interface_name {
        let used = h
            .port_ids
            .iter()
            .filter_map(|x| s.ports.get(x))
            .any(|x| x.dto.interface_name.as_ref() == Some(name));
        if used {
            return Err(ApiError::conflict(format!(
                "Interface {name} is already bound to a port."
            )));
        }
    }
    let old_host = p.dto.host_id;
    if let Some(o) = old_host.and_then(|o| s.hosts.get_mut(&o)) {
        o.port_ids.retain(|x| *x != pid_);
    }
    if let Some(p) = s.ports.get_mut(&pid_) {
        p.dto.host_id = Some(hid);
        p.dto.interface_name = b.interface_name.clone();
    }
    if let Some(h) = s.hosts.get_mut(&hid) {
        h.port_ids.push(pid_);
    }
    Ok(Reply::Created(
        ctx.uri(&format!("hosts/{hid}/ports/{pid_}")),
    ))
}

/// Writes.
pub fn write(ctx: &Ctx, segs: &[&str], s: &mut Store) -> Option<Res> {
    Some(match (ctx.method.as_str(), segs) {
        ("POST", ["hosts"]) => (|| {
            let h: Host = ctx.body(Generic, &[HOST, JSON])?;
            let id = h.id.unwrap_or_else(Uuid::new_v4);
            if s.hosts.contains_key(&id) {
                return Err(ApiError::exists("Host", id));
            }
            let mut v = Violations::default();
            v.range(
                "floodingProxyWeight",
                h.flooding_proxy_weight.unwrap_or(1).into(),
                0,
                65535,
            );
            v.range(
                "containerWeight",
                h.container_weight.unwrap_or(1).into(),
                0,
                i32::MAX.into(),
            );
            v.range(
                "containerLimit",
                h.container_limit.unwrap_or(-1).into(),
                -1,
                i32::MAX.into(),
            );
            v.finish()?;
            let id = upsert_host(
                s,
                Host {
                    id: Some(id),
                    alive: false,
                    host_interfaces: vec![],
                    addresses: vec![],
                    ..h
                },
            );
            Ok(Reply::Created(ctx.uri(&format!("hosts/{id}"))))
        })(),
        ("PUT", ["hosts", id]) => (|| {
            let h: Host = ctx.body(Annotated, &[HOST, JSON])?;
            let hid = pid(id)
                .filter(|i| s.hosts.contains_key(i))
                .ok_or_else(|| host_404(id))?;
            let fpw = h
                .flooding_proxy_weight
                .ok_or_else(|| ApiError::bad_request("Flooding proxy weight must not be null."))?;
            let cw = h
                .container_weight
                .ok_or_else(|| ApiError::bad_request("Container weight must not be null."))?;
            let cl = h
                .container_limit
                .ok_or_else(|| ApiError::bad_request("Container limit must not be null."))?;
            let ecl = h.enforce_container_limit.ok_or_else(|| {
                ApiError::bad_request("Enforce container limit must not be null.")
            })?;
            if let Some(rec) = s.hosts.get_mut(&hid) {
                rec.dto.flooding_proxy_weight = Some(fpw);
                rec.dto.container_weight = Some(cw);
                rec.dto.container_limit = Some(cl);
                rec.dto.enforce_container_limit = Some(ecl);
            }
            Ok(Reply::OkEmpty)
        })(),
        ("DELETE", ["hosts", id]) => (|| {
            let hid = pid(id).ok_or_else(|| host_404(id))?;
            let h = s.hosts.get(&hid).ok_or_else(|| host_404(hid))?;
            if h.dto.alive {
                return Err(ApiError::new(
                    403,
                    format!("Cannot delete host {hid} because it is active."),
                ));
            }
            if !h.port_ids.is_empty() {
                return Err(ApiError::new(
                    403,
                    format!(
                        "Cannot delete host {hid} because it has {} binding(s).",
                        h.port_ids.len()
                    ),
                ));
            }
            s.delete_host(hid);
            Ok(Reply::OkEmpty)
        })(),
        ("POST", ["hosts", id, "ports"]) => bind(ctx, s, id),
        ("DELETE", ["hosts", id, "ports", port]) => (|| {
            let _ = pid(id).ok_or(ApiError::bare(404))?;
            let p = pid(port)
                .filter(|p| s.ports.contains_key(p))
                .ok_or_else(|| ApiError::no_such("Port", port))?;
            // Does not check that the port was bound to this host (spec §9.11).
            let old = s.ports.get_mut(&p).and_then(|x| {
                x.dto.interface_name = None;
                x.dto.host_id.take()
            });
            if let Some(h) = old.and_then(|h| s.hosts.get_mut(&h)) {
                h.port_ids.retain(|x| *x != p);
            }
            Ok(Reply::NoContent)
        })(),
        ("POST", ["tunnel_zones"]) => (|| {
            let mut z: TunnelZone = ctx.body(Generic, &[TUNNEL_ZONE, JSON])?;
            check_zone(&z)?;
            let id = z.id.unwrap_or_else(Uuid::new_v4);
            if s.tunnel_zones.contains_key(&id) {
                return Err(ApiError::exists("TunnelZone", id));
            }
            if zone_name_taken(s, z.name.as_deref().unwrap_or("")) {
                return Err(ApiError::conflict("Tunnel zone name already exists."));
            }
            z.id = Some(id);
            z.uri = None;
            z.hosts = None;
            s.tunnel_zones.insert(
                id,
                TunnelZoneRec {
                    dto: z,
                    members: vec![],
                },
            );
            Ok(Reply::Created(ctx.uri(&format!("tunnel_zones/{id}"))))
        })(),
        ("PUT", ["tunnel_zones", id]) => (|| {
            let mut z: TunnelZone = ctx.body(Generic, &[TUNNEL_ZONE, JSON])?;
            let zid = pid(id)
                .filter(|i| s.tunnel_zones.contains_key(i))
                .ok_or_else(|| ApiError::no_such("TunnelZone", id))?;
            check_zone(&z)?;
            if zone_name_taken(s, z.name.as_deref().unwrap_or("")) {
                return Err(ApiError::conflict("Tunnel zone name already exists."));
            }
            z.id = Some(zid);
            z.uri = None;
            z.hosts = None;
            if let Some(rec) = s.tunnel_zones.get_mut(&zid) {
                rec.dto = z;
            }
            Ok(Reply::NoContent)
        })(),
        ("DELETE", ["tunnel_zones", id]) => {
            if let Some(id) = pid(id) {
                s.delete_tunnel_zone(id);
            }
            Ok(Reply::NoContent)
        }
        ("POST", ["tunnel_zones", id, "hosts"]) => (|| {
            let m: TunnelZoneHost =
                ctx.body(Annotated, &[TUNNEL_ZONE_HOST, GRE_TUNNEL_ZONE_HOST])?;
            let mut v = Violations::default();
            v.not_null("hostId", &m.host_id);
            v.not_null("ipAddress", &m.ip_address);
            if m.ip_address.as_deref().is_some_and(|a| !is_ipv4(a)) {
                v.add("ipAddress", "is an invalid IP format");
            }
            v.finish()?;
            let zid = pid(id).ok_or(ApiError::bare(404))?;
            let h = m.host_id.unwrap_or_default();
            add_member(s, zid, h, m.ip_address)?;
            Ok(Reply::Created(
                ctx.uri(&format!("tunnel_zones/{zid}/hosts/{h}")),
            ))
        })(),
        ("DELETE", ["tunnel_zones", id, "hosts", host]) => (|| {
            let zid = pid(id).ok_or(ApiError::bare(404))?;
            let h = pid(host)
                .ok_or_else(|| ApiError::internal(format!("Invalid UUID string: {host}")))?;
            let z = s
                .tunnel_zones
                .get_mut(&zid)
                .ok_or_else(|| ApiError::no_such("TunnelZone", zid))?;
            let before = z.members.len();
            z.members.retain(|m| m.host_id != Some(h));
            if z.members.len() == before {
                return Err(ApiError::bare(404));
            }
            if let Some(hr) = s.hosts.get_mut(&h) {
                hr.tunnel_zone_ids.retain(|x| *x != zid);
            }
            Ok(Reply::NoContent)
        })(),
        (_, ["hosts", ..]) | (_, ["tunnel_zones", ..]) => Err(ApiError::bare(405)),
        _ => return None,
    })
}
