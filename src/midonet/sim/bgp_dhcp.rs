//! BGP peers and networks of a router (spec §9.13) and a bridge's DHCP subnets and static
//! hosts (§9.14), addressed by `<prefix>_<len>` and by MAC.
use super::devices::pid;
use super::error::{is_ipv4, parse_mac, ApiError, Violations, IPV4_REGEX};
use super::http::{array, Check::*, Ctx, Reply, Res};
use super::render;
use super::store::{Store, SubnetRec};
use crate::midonet::dto::{BgpNetwork, BgpPeer, DhcpHost, DhcpSubnet};
use crate::midonet::media::*;
use uuid::Uuid;

fn check_peer(p: &BgpPeer) -> Result<(), ApiError> {
    let mut v = Violations::default();
    v.range("asNumber", p.as_number.into(), 1, i32::MAX.into());
    v.not_null("address", &p.address);
    if p.address.as_deref().is_some_and(|a| !is_ipv4(a)) {
        v.add("address", format!("must match \"{IPV4_REGEX}\""));
    }
    for (n, val, lo, hi) in [
        ("keepAlive", p.keep_alive, 5, 3600),
        ("holdTime", p.hold_time, 5, 7200),
        ("connectRetry", p.connect_retry, 5, 3600),
    ] {
        if let Some(x) = val {
            v.range(n, x.into(), lo, hi);
        }
    }
    v.finish()
}

fn check_network(n: &BgpNetwork) -> Result<(), ApiError> {
    let mut v = Violations::default();
    v.not_null("subnetAddress", &n.subnet_address);
    if n.subnet_address.as_deref().is_some_and(|a| !is_ipv4(a)) {
        v.add("subnetAddress", format!("must match \"{IPV4_REGEX}\""));
    }
    v.range("subnetLength", n.subnet_length.into(), 0, 32);
    v.finish()
}

/// Fields bean validation does not check but storage conversion parses: an unparsable value
/// fails with 500 (spec §9.14 [inferred]).
fn unparsable<'a>(mut it: impl Iterator<Item = &'a String>) -> Result<(), ApiError> {
    match it.find(|a| a.parse::<std::net::IpAddr>().is_err()) {
        Some(bad) => Err(ApiError::internal(format!("Invalid IP address: {bad}"))),
        None => Ok(()),
    }
}

fn subnet_addresses_convert(d: &DhcpSubnet) -> Result<(), ApiError> {
    let dns = d.dns_server_addrs.iter().flatten();
    let routes = d
        .opt121_routes
        .iter()
        .flat_map(|r| [&r.destination_prefix, &r.gateway_addr])
        .flatten();
    let fixed = [&d.subnet_prefix, &d.default_gateway, &d.server_addr]
        .into_iter()
        .flatten();
    unparsable(dns.chain(routes).chain(fixed))
}

fn host_addresses_convert(h: &DhcpHost) -> Result<(), ApiError> {
    unparsable(h.ip_addr.iter())
}

fn check_subnet(d: &DhcpSubnet) -> Result<(), ApiError> {
    let mut v = Violations::default();
    v.not_null("subnetPrefix", &d.subnet_prefix);
    for (n, val) in [
        ("subnetPrefix", &d.subnet_prefix),
        ("defaultGateway", &d.default_gateway),
        ("serverAddr", &d.server_addr),
    ] {
        if val.as_deref().is_some_and(|a| !is_ipv4(a)) {
            v.add(n, "is an invalid IPv4 format");
        }
    }
    v.range("subnetLength", d.subnet_length.into(), 0, 32);
    if let Some(m) = d.interface_mtu {
        v.range("interfaceMTU", m.into(), 0, 65536);
    }
    v.finish()
}

/// Finds a subnet by its `<prefix>_<len>` path segment, by value, first match wins.
fn find_subnet(subnets: &[SubnetRec], seg: &str) -> Option<usize> {
    let (p, l) = seg.rsplit_once('_')?;
    let p: std::net::Ipv4Addr = p.parse().ok()?;
    let l: i32 = l.parse().ok()?;
    subnets.iter().position(|s| {
        s.dto.subnet_length == l
            && s.dto.subnet_prefix.as_deref().and_then(|x| x.parse().ok()) == Some(p)
    })
}

fn slash(seg: &str) -> String {
    seg.replacen('_', "/", 1)
}

fn no_subnet(bridge: Uuid, subnet: &str) -> ApiError {
    ApiError::new(
        404,
        format!("Network {bridge} does not have a subnet with address {subnet}."),
    )
}

fn mac_eq(a: &str, b: &str) -> bool {
    matches!((parse_mac(a), parse_mac(b)), (Some(x), Some(y)) if x == y)
}

/// GETs.
pub fn get(ctx: &Ctx, segs: &[&str], s: &Store) -> Option<Res> {
    Some(match segs {
        ["routers", id, "bgp_peers"] => (|| {
            let m = ctx.accept(Generic, &[COLL_BGP_PEER, JSON])?;
            let rid = pid(id).ok_or(ApiError::bare(404))?;
            let r = s
                .routers
                .get(&rid)
                .ok_or_else(|| ApiError::no_such("Router", rid))?;
            ctx.json(
                m,
                array(
                    r.bgp_peer_ids
                        .iter()
                        .filter_map(|x| s.bgp_peers.get(x))
                        .map(|p| render::bgp_peer(&ctx.base, p)),
                ),
            )
        })(),
        ["routers", id, "bgp_networks"] => (|| {
            let m = ctx.accept(Generic, &[COLL_BGP_NETWORK, JSON])?;
            let rid = pid(id).ok_or(ApiError::bare(404))?;
            let r = s
                .routers
                .get(&rid)
                .ok_or_else(|| ApiError::no_such("Router", rid))?;
            ctx.json(
                m,
                array(
                    r.bgp_network_ids
                        .iter()
                        .filter_map(|x| s.bgp_networks.get(x))
                        .map(|n| render::bgp_network(&ctx.base, n)),
                ),
            )
        })(),
        ["bgp_peers", id] => (|| {
            let m = ctx.accept(Generic, &[BGP_PEER, JSON])?;
            let p = pid(id)
                .and_then(|i| s.bgp_peers.get(&i))
                .ok_or_else(|| ApiError::no_such("BgpPeer", id))?;
            ctx.json(m, render::bgp_peer(&ctx.base, p))
        })(),
        ["bgp_networks", id] => (|| {
            let m = ctx.accept(Generic, &[BGP_NETWORK, JSON])?;
            let n = pid(id)
                .and_then(|i| s.bgp_networks.get(&i))
                .ok_or_else(|| ApiError::no_such("BgpNetwork", id))?;
            ctx.json(m, render::bgp_network(&ctx.base, n))
        })(),
        ["bridges", id, "dhcp"] => (|| {
            let m = ctx.accept(Annotated, &[COLL_DHCP_SUBNET])?;
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let b = s
                .bridges
                .get(&bid)
                .ok_or_else(|| ApiError::no_such("Network", bid))?;
            ctx.json(
                m,
                array(
                    b.dhcp
                        .iter()
                        .map(|x| render::dhcp_subnet(&ctx.base, bid, x)),
                ),
            )
        })(),
        ["bridges", id, "dhcp", sub] => (|| {
            let m = ctx.accept(Annotated, &[DHCP_SUBNET, JSON])?;
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let b = s
                .bridges
                .get(&bid)
                .ok_or_else(|| ApiError::no_such("Network", bid))?;
            let i = find_subnet(&b.dhcp, sub).ok_or(ApiError::bare(404))?;
            ctx.json(m, render::dhcp_subnet(&ctx.base, bid, &b.dhcp[i]))
        })(),
        ["bridges", id, "dhcp", sub, "hosts"] => (|| {
            let m = ctx.accept(Annotated, &[COLL_DHCP_HOST])?;
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let b = s
                .bridges
                .get(&bid)
                .ok_or_else(|| ApiError::no_such("Network", bid))?;
            let i = find_subnet(&b.dhcp, sub).ok_or_else(|| no_subnet(bid, &slash(sub)))?;
            let sn = &b.dhcp[i];
            ctx.json(
                m,
                array(
                    sn.hosts
                        .iter()
                        .map(|h| render::dhcp_host(&ctx.base, bid, sn, h)),
                ),
            )
        })(),
        ["bridges", id, "dhcp", sub, "hosts", mac] => (|| {
            let m = ctx.accept(Annotated, &[DHCP_HOST, JSON])?;
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let b = s
                .bridges
                .get(&bid)
                .ok_or_else(|| ApiError::no_such("Network", bid))?;
            let i = find_subnet(&b.dhcp, sub).ok_or_else(|| no_subnet(bid, &slash(sub)))?;
            if parse_mac(mac).is_none() {
                return Err(ApiError::internal(format!("Invalid MAC address {mac}")));
            }
            let sn = &b.dhcp[i];
            let h = sn
                .hosts
                .iter()
                .find(|h| h.mac_addr.as_deref().is_some_and(|x| mac_eq(x, mac)));
            let h = h.ok_or_else(|| no_subnet(bid, &slash(sub)))?;
            ctx.json(m, render::dhcp_host(&ctx.base, bid, sn, h))
        })(),
        _ => return None,
    })
}

fn subnet_write(ctx: &Ctx, s: &mut Store, id: &str, sub: &str) -> Res {
    let bid = pid(id).ok_or(ApiError::bare(404))?;
    if ctx.method == "PUT" {
        let mut d: DhcpSubnet = ctx.body(Annotated, &[DHCP_SUBNET, JSON])?;
        let b = s
            .bridges
            .get_mut(&bid)
            .ok_or_else(|| ApiError::no_such("Network", bid))?;
        let i = find_subnet(&b.dhcp, sub).ok_or_else(|| no_subnet(bid, sub))?;
        // No bean validation on PUT: a missing prefix fails later, with 500 (spec §9.14).
        if d.subnet_prefix.is_none() {
            return Err(ApiError::internal("java.lang.NullPointerException"));
        }
        subnet_addresses_convert(&d)?;
        d.uri = None;
        d.hosts = None;
        b.dhcp[i].dto = d;
        return Ok(Reply::NoContent);
    }
    let b = s
        .bridges
        .get_mut(&bid)
        .ok_or_else(|| ApiError::no_such("Network", bid))?;
    let i = find_subnet(&b.dhcp, sub).ok_or_else(|| no_subnet(bid, sub))?;
    b.dhcp.remove(i);
    Ok(Reply::NoContent)
}

fn host_write(ctx: &Ctx, s: &mut Store, id: &str, sub: &str, mac: Option<&str>) -> Res {
    let bid = pid(id).ok_or(ApiError::bare(404))?;
    let body: Option<DhcpHost> = match ctx.method.as_str() {
        "DELETE" => None,
        _ => Some(ctx.body(Annotated, &[DHCP_HOST, JSON])?),
    };
    let b = s
        .bridges
        .get_mut(&bid)
        .ok_or_else(|| ApiError::no_such("Network", bid))?;
    let i = find_subnet(&b.dhcp, sub).ok_or_else(|| no_subnet(bid, &slash(sub)))?;
    let sn = &mut b.dhcp[i];
    match (mac, body) {
        (None, Some(mut h)) => {
            // No bean validation: a missing or unparsable MAC fails with 500 (spec §9.14).
            let m = h
                .mac_addr
                .clone()
                .ok_or_else(|| ApiError::internal("java.lang.NullPointerException"))?;
            if parse_mac(&m).is_none() {
                return Err(ApiError::internal(format!("Invalid MAC address {m}")));
            }
            host_addresses_convert(&h)?;
            if sn
                .hosts
                .iter()
                .any(|x| x.mac_addr.as_deref().is_some_and(|x| mac_eq(x, &m)))
            {
                return Err(ApiError::conflict(format!(
                    "Subnet {} on bridge {bid} already has a host with MAC address {m}.",
                    slash(sub)
                )));
            }
            h.uri = None;
            sn.hosts.push(h);
            Ok(Reply::Created(
                ctx.uri(&format!("bridges/{bid}/dhcp/{sub}/hosts/{m}")),
            ))
        }
        (Some(mac), body) => {
            if parse_mac(mac).is_none() {
                return Err(ApiError::internal(format!("Invalid MAC address {mac}")));
            }
            let at = sn
                .hosts
                .iter()
                .position(|x| x.mac_addr.as_deref().is_some_and(|x| mac_eq(x, mac)));
            let at = at.ok_or_else(|| no_subnet(bid, &slash(sub)))?;
            match body {
                Some(mut h) => {
                    host_addresses_convert(&h)?;
                    h.uri = None;
                    sn.hosts[at] = h;
                }
                None => {
                    sn.hosts.remove(at);
                }
            }
            Ok(Reply::NoContent)
        }
        (None, None) => Err(ApiError::bare(405)),
    }
}

/// Writes.
pub fn write(ctx: &Ctx, segs: &[&str], s: &mut Store) -> Option<Res> {
    Some(match (ctx.method.as_str(), segs) {
        ("POST", ["routers", id, "bgp_peers"]) => (|| {
            let mut p: BgpPeer = ctx.body(Generic, &[BGP_PEER, JSON])?;
            let rid = pid(id).ok_or(ApiError::bare(404))?;
            check_peer(&p)?;
            if !s.routers.contains_key(&rid) {
                return Err(ApiError::no_such("Router", rid));
            }
            let bid = p.id.unwrap_or_else(Uuid::new_v4);
            if s.bgp_peers.contains_key(&bid) {
                return Err(ApiError::exists("BgpPeer", bid));
            }
            p.id = Some(bid);
            p.router_id = Some(rid);
            p.uri = None;
            p.router = None;
            s.bgp_peers.insert(bid, p);
            if let Some(r) = s.routers.get_mut(&rid) {
                r.bgp_peer_ids.push(bid);
            }
            Ok(Reply::Created(ctx.uri(&format!("bgp_peers/{bid}"))))
        })(),
        ("PUT", ["bgp_peers", id]) => (|| {
            let mut p: BgpPeer = ctx.body(Generic, &[BGP_PEER, JSON])?;
            let bid = pid(id)
                .filter(|i| s.bgp_peers.contains_key(i))
                .ok_or_else(|| ApiError::no_such("BgpPeer", id))?;
            check_peer(&p)?;
            p.id = Some(bid);
            p.router_id = s.bgp_peers.get(&bid).and_then(|x| x.router_id);
            p.uri = None;
            p.router = None;
            s.bgp_peers.insert(bid, p);
            Ok(Reply::NoContent)
        })(),
        ("DELETE", ["bgp_peers", id]) => {
            if let Some(id) = pid(id) {
                s.delete_bgp_peer(id);
            }
            Ok(Reply::NoContent)
        }
        ("POST", ["routers", id, "bgp_networks"]) => (|| {
            let mut n: BgpNetwork = ctx.body(Generic, &[BGP_NETWORK, JSON])?;
            let rid = pid(id).ok_or(ApiError::bare(404))?;
            check_network(&n)?;
            if !s.routers.contains_key(&rid) {
                return Err(ApiError::no_such("Router", rid));
            }
            let nid = n.id.unwrap_or_else(Uuid::new_v4);
            if s.bgp_networks.contains_key(&nid) {
                return Err(ApiError::exists("BgpNetwork", nid));
            }
            n.id = Some(nid);
            n.router_id = Some(rid);
            n.uri = None;
            n.router = None;
            s.bgp_networks.insert(nid, n);
            if let Some(r) = s.routers.get_mut(&rid) {
                r.bgp_network_ids.push(nid);
            }
            Ok(Reply::Created(ctx.uri(&format!("bgp_networks/{nid}"))))
        })(),
        ("DELETE", ["bgp_networks", id]) => {
            if let Some(id) = pid(id) {
                s.delete_bgp_network(id);
            }
            Ok(Reply::NoContent)
        }
        ("POST", ["bridges", id, "dhcp"]) => (|| {
            let mut d: DhcpSubnet = ctx.body(Generic, &[DHCP_SUBNET, JSON])?;
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            check_subnet(&d)?;
            subnet_addresses_convert(&d)?;
            let b = s
                .bridges
                .get_mut(&bid)
                .ok_or_else(|| ApiError::no_such("Network", bid))?;
            d.uri = None;
            d.hosts = None;
            let key = format!(
                "{}_{}",
                d.subnet_prefix.as_deref().unwrap_or(""),
                d.subnet_length
            );
            // 5.2 stores a duplicate prefix/length too; GET then finds the first (spec §9.14).
            b.dhcp.push(SubnetRec {
                dto: d,
                hosts: vec![],
            });
            Ok(Reply::Created(
                ctx.uri(&format!("bridges/{bid}/dhcp/{key}")),
            ))
        })(),
        ("PUT" | "DELETE", ["bridges", id, "dhcp", sub]) => subnet_write(ctx, s, id, sub),
        ("POST", ["bridges", id, "dhcp", sub, "hosts"]) => host_write(ctx, s, id, sub, None),
        ("PUT" | "DELETE", ["bridges", id, "dhcp", sub, "hosts", mac]) => {
            host_write(ctx, s, id, sub, Some(mac))
        }
        (_, ["bgp_peers" | "bgp_networks", ..])
        | (_, ["routers", _, "bgp_peers" | "bgp_networks"]) => Err(ApiError::bare(405)),
        (_, ["bridges", _, "dhcp", ..]) => Err(ApiError::bare(405)),
        _ => return None,
    })
}
