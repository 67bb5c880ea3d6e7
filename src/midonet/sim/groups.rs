//! IP address groups with their addresses, and port groups with their members (spec §9.9,
//! §9.10). IP-group addresses are keyed by URI parts (`versions/{4|6}/ip_addrs/{addr}`).
use super::devices::pid;
use super::error::{ApiError, Violations};
use super::http::{array, Check::*, Ctx, Reply, Res};
use super::render;
use super::store::{IpgRec, PortGroupRec, Store};
use crate::midonet::dto::{IpAddrGroup, PortGroup, PortGroupPort};
use crate::midonet::media::*;
use serde::Deserialize;
use std::net::IpAddr;
use uuid::Uuid;

/// The POST body of an address; `version` is the discriminator (required, 4 or 6).
#[derive(Deserialize)]
struct AddrIn {
    #[serde(default, deserialize_with = "crate::midonet::dto::lenient::opt_string")]
    addr: Option<String>,
    #[serde(default, deserialize_with = "crate::midonet::dto::lenient::opt_int")]
    version: Option<i32>,
}

fn canonical(a: &str) -> Option<String> {
    a.parse::<IpAddr>().ok().map(|ip| match ip {
        IpAddr::V4(v) => v.to_string(),
        // Java prints IPv6 uncompressed, lower case, without leading zeros per group.
        IpAddr::V6(v) => v
            .segments()
            .iter()
            .map(|s| format!("{s:x}"))
            .collect::<Vec<_>>()
            .join(":"),
    })
}

fn group_404(id: &str) -> ApiError {
    ApiError::new(404, format!("IP addr group not found: {id}"))
}

fn version_seg(v: &str) -> Result<i32, ApiError> {
    match v {
        "4" => Ok(4),
        "6" => Ok(6),
        _ => Err(ApiError::bad_request(format!("Invalid IP version: {v}"))),
    }
}

/// GETs.
pub fn get(ctx: &Ctx, segs: &[&str], s: &Store) -> Option<Res> {
    Some(match segs {
        ["ip_addr_groups"] => (|| {
            let m = ctx.accept(Generic, &[COLL_IP_ADDR_GROUP])?;
            // `tenant_id` is ignored here (spec §9.9).
            ctx.json(
                m,
                array(
                    s.ip_addr_groups
                        .values()
                        .map(|g| render::ip_addr_group(&ctx.base, g)),
                ),
            )
        })(),
        ["ip_addr_groups", id] => (|| {
            let m = ctx.accept(Generic, &[IP_ADDR_GROUP])?;
            let g = pid(id)
                .and_then(|i| s.ip_addr_groups.get(&i))
                .ok_or_else(|| ApiError::no_such("IPAddrGroup", id))?;
            ctx.json(m, render::ip_addr_group(&ctx.base, g))
        })(),
        ["ip_addr_groups", id, "ip_addrs"] => (|| {
            let m = ctx.accept(Annotated, &[COLL_IP_ADDR_GROUP_ADDR])?;
            let gid = pid(id).ok_or(ApiError::bare(404))?;
            let g = s.ip_addr_groups.get(&gid).ok_or_else(|| group_404(id))?;
            ctx.json(
                m,
                array(
                    g.addrs
                        .iter()
                        .map(|(v, a)| render::ip_addr(&ctx.base, gid, *v, a)),
                ),
            )
        })(),
        ["ip_addr_groups", id, "versions", v, "ip_addrs", addr] => (|| {
            let v = version_seg(v)?;
            let m = ctx.accept(Annotated, &[IP_ADDR_GROUP_ADDR])?;
            let gid = pid(id).ok_or(ApiError::bare(404))?;
            let g = s.ip_addr_groups.get(&gid).ok_or_else(|| group_404(id))?;
            let c = canonical(addr)
                .ok_or_else(|| ApiError::internal(format!("Invalid IP address: {addr}")))?;
            if !g.addrs.iter().any(|(_, a)| *a == c) {
                return Err(ApiError::new(
                    404,
                    format!("The IP address group does not contain the specified address {addr}"),
                ));
            }
            ctx.json(m, render::ip_addr(&ctx.base, gid, v, &c))
        })(),
        ["port_groups"] => (|| {
            let m = ctx.accept(Generic, &[COLL_PORT_GROUP, JSON])?;
            let t = ctx.param("tenant_id");
            let tenant_ok =
                |g: &&PortGroupRec| t.map_or(true, |t| g.dto.tenant_id.as_deref() == Some(t));
            // `port_id` goes through the port's membership index, not a scan of all groups.
            let items: Vec<&PortGroupRec> = match ctx.param("port_id") {
                Some(p) => {
                    let port = pid(p).and_then(|p| s.ports.get(&p));
                    let ids = port.map(|p| p.port_group_ids.as_slice()).unwrap_or(&[]);
                    ids.iter()
                        .filter_map(|g| s.port_groups.get(g))
                        .filter(tenant_ok)
                        .collect()
                }
                None => s.port_groups.values().filter(tenant_ok).collect(),
            };
            ctx.json(
                m,
                array(items.into_iter().map(|g| render::port_group(&ctx.base, g))),
            )
        })(),
        ["port_groups", id] => (|| {
            // GET by id takes the vendor type only (spec §4.1).
            let m = ctx.accept(Generic, &[PORT_GROUP])?;
            let g = pid(id)
                .and_then(|i| s.port_groups.get(&i))
                .ok_or_else(|| ApiError::no_such("PortGroup", id))?;
            ctx.json(m, render::port_group(&ctx.base, g))
        })(),
        ["port_groups", id, "ports"] => (|| {
            let m = ctx.accept(Annotated, &[COLL_PORT_GROUP_PORT, JSON])?;
            let gid = pid(id).ok_or(ApiError::bare(404))?;
            let g = s
                .port_groups
                .get(&gid)
                .ok_or_else(|| ApiError::no_such("PortGroup", gid))?;
            ctx.json(
                m,
                array(
                    g.port_ids
                        .iter()
                        .map(|p| render::port_group_port(&ctx.base, gid, *p)),
                ),
            )
        })(),
        ["port_groups", id, "ports", port] => (|| {
            let m = ctx.accept(Annotated, &[PORT_GROUP_PORT, JSON])?;
            let gid = pid(id).ok_or(ApiError::bare(404))?;
            let g = s
                .port_groups
                .get(&gid)
                .ok_or_else(|| ApiError::no_such("PortGroup", gid))?;
            let p = pid(port).ok_or_else(|| ApiError::bare(500))?;
            if !s.ports.contains_key(&p) {
                return Err(ApiError::no_such("Port", p));
            }
            if !g.port_ids.contains(&p) {
                return Err(ApiError::new(404, "Resource not found"));
            }
            ctx.json(m, render::port_group_port(&ctx.base, gid, p))
        })(),
        _ => return None,
    })
}

/// Writes.
pub fn write(ctx: &Ctx, segs: &[&str], s: &mut Store) -> Option<Res> {
    Some(match (ctx.method.as_str(), segs) {
        ("POST", ["ip_addr_groups"]) => (|| {
            let mut g: IpAddrGroup = ctx.body(Generic, &[IP_ADDR_GROUP])?;
            let mut v = Violations::default();
            v.not_null("name", &g.name);
            v.size("name", &g.name, 1, 255);
            v.finish()?;
            let id = g.id.unwrap_or_else(Uuid::new_v4);
            if s.ip_addr_groups.contains_key(&id) {
                return Err(ApiError::exists("IPAddrGroup", id));
            }
            g.id = Some(id);
            g.uri = None;
            g.addrs = None;
            s.ip_addr_groups.insert(
                id,
                IpgRec {
                    dto: g,
                    addrs: vec![],
                },
            );
            Ok(Reply::Created(ctx.uri(&format!("ip_addr_groups/{id}"))))
        })(),
        ("DELETE", ["ip_addr_groups", id]) => {
            if let Some(id) = pid(id) {
                s.ip_addr_groups.remove(&id);
            }
            Ok(Reply::NoContent)
        }
        ("POST", ["ip_addr_groups", id, "ip_addrs"]) => (|| {
            let a: AddrIn = ctx.body(Annotated, &[IP_ADDR_GROUP_ADDR])?;
            let v = match a.version {
                Some(v @ (4 | 6)) => v,
                other => {
                    return Err(ApiError::bad_request(format!(
                        "Could not resolve type id '{}' into a subtype of [simple type, class org.midonet.cluster.rest_api.models.IpAddrGroupAddr]",
                        other.map(|v| v.to_string()).unwrap_or_default()
                    )))
                }
            };
            let gid = pid(id).ok_or(ApiError::bare(404))?;
            let raw = a
                .addr
                .ok_or_else(|| ApiError::internal("java.lang.NullPointerException"))?;
            let c = canonical(&raw)
                .ok_or_else(|| ApiError::bad_request(format!("Invalid IP address: {raw}")))?;
            let g = s
                .ip_addr_groups
                .get_mut(&gid)
                .ok_or_else(|| group_404(id))?;
            // The presence test compares stored canonical text with the text as sent [quirk].
            if !g.addrs.iter().any(|(_, x)| *x == raw) {
                g.addrs.push((v, c));
            }
            Ok(Reply::Created(ctx.uri(&format!(
                "ip_addr_groups/{gid}/versions/{v}/ip_addrs/{}",
                render::url_encode(&raw)
            ))))
        })(),
        ("DELETE", ["ip_addr_groups", id, "versions", v, "ip_addrs", addr]) => (|| {
            version_seg(v)?;
            let gid = pid(id).ok_or(ApiError::bare(404))?;
            let g = s
                .ip_addr_groups
                .get_mut(&gid)
                .ok_or_else(|| group_404(id))?;
            let c = canonical(addr)
                .ok_or_else(|| ApiError::internal(format!("Invalid IP address: {addr}")))?;
            g.addrs.retain(|(_, a)| *a != c);
            Ok(Reply::NoContent)
        })(),
        ("POST", ["port_groups"]) => (|| {
            let mut g: PortGroup = ctx.body(Generic, &[PORT_GROUP, JSON])?;
            let mut v = Violations::default();
            v.size("name", &g.name, 0, 255);
            v.finish()?;
            let id = g.id.unwrap_or_else(Uuid::new_v4);
            if s.port_groups.contains_key(&id) {
                return Err(ApiError::exists("PortGroup", id));
            }
            g.id = Some(id);
            g.uri = None;
            g.ports = None;
            s.port_groups.insert(
                id,
                PortGroupRec {
                    dto: g,
                    port_ids: vec![],
                },
            );
            Ok(Reply::Created(ctx.uri(&format!("port_groups/{id}"))))
        })(),
        ("PUT", ["port_groups", id]) => (|| {
            let mut g: PortGroup = ctx.body(Generic, &[PORT_GROUP, JSON])?;
            let id = pid(id)
                .filter(|i| s.port_groups.contains_key(i))
                .ok_or_else(|| ApiError::no_such("PortGroup", id))?;
            let mut v = Violations::default();
            v.size("name", &g.name, 0, 255);
            v.finish()?;
            g.id = Some(id);
            g.uri = None;
            g.ports = None;
            if let Some(rec) = s.port_groups.get_mut(&id) {
                rec.dto = g;
            }
            Ok(Reply::NoContent)
        })(),
        ("DELETE", ["port_groups", id]) => {
            if let Some(id) = pid(id) {
                s.delete_port_group(id);
            }
            Ok(Reply::NoContent)
        }
        ("POST", ["port_groups", id, "ports"]) => (|| {
            let m: PortGroupPort = ctx.body(Annotated, &[PORT_GROUP_PORT, JSON])?;
            let mut v = Violations::default();
            v.not_null("portId", &m.port_id);
            v.finish()?;
            let gid = pid(id).ok_or(ApiError::bare(404))?;
            let g = s
                .port_groups
                .get(&gid)
                .ok_or_else(|| ApiError::no_such("PortGroup", gid))?;
            let p = m.port_id.unwrap_or_default();
            if !s.ports.contains_key(&p) {
                return Err(ApiError::no_such("Port", p));
            }
            if g.port_ids.contains(&p) {
                return Err(ApiError::bare(409));
            }
            if let Some(g) = s.port_groups.get_mut(&gid) {
                g.port_ids.push(p);
            }
            if let Some(x) = s.ports.get_mut(&p) {
                x.port_group_ids.push(gid);
            }
            Ok(Reply::Created(
                ctx.uri(&format!("port_groups/{gid}/ports/{p}")),
            ))
        })(),
        ("DELETE", ["port_groups", id, "ports", port]) => (|| {
            let gid = pid(id).ok_or(ApiError::bare(404))?;
            let p = pid(port)
                .ok_or_else(|| ApiError::internal(format!("Invalid UUID string: {port}")))?;
            let g = s
                .port_groups
                .get(&gid)
                .ok_or_else(|| ApiError::no_such("PortGroup", gid))?;
            let member = g.port_ids.contains(&p);
            if s.ports.contains_key(&p) && !member {
                return Err(ApiError::bare(404));
            }
            if let Some(g) = s.port_groups.get_mut(&gid) {
                g.port_ids.retain(|x| *x != p);
            }
            if let Some(x) = s.ports.get_mut(&p) {
                x.port_group_ids.retain(|g| *g != gid);
            }
            Ok(Reply::NoContent)
        })(),
        (_, ["ip_addr_groups", ..]) | (_, ["port_groups", ..]) => Err(ApiError::bare(405)),
        _ => return None,
    })
}
