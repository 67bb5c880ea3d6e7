//! Bridge ARP and MAC tables (spec §9.15): agent-visible state tables, entries keyed by
//! `<ip>_<mac>` and `<mac>_<portId>` with `-` separators in the URI.
use super::devices::pid;
use super::error::{is_ipv4, parse_mac, ApiError, Violations, IPV4_REGEX, MAC_MSG};
use super::http::{array, to_text, Check::*, Ctx, Reply, Res};
use super::store::{MacEntry, Store};
use crate::midonet::dto::{BridgePortFields, Ip4Mac, MacPort, PortKind};
use crate::midonet::media::*;

const MAC_REGEX: &str = "^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$";

fn strict_mac(m: &str) -> bool {
    m.split(':').count() == 6
        && m.split(':')
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn arp_json(base: &str, bridge: &str, ip: &str, mac: &str) -> String {
    to_text(&Ip4Mac {
        ip: Some(ip.into()),
        mac: Some(mac.into()),
        uri: Some(format!(
            "{base}/bridges/{bridge}/arp_table/{ip}_{}",
            mac.replace(':', "-")
        )),
    })
}

fn mac_json(base: &str, bridge: &str, e: &MacEntry) -> String {
    let vlan = if e.vlan != 0 {
        format!("/vlans/{}", e.vlan)
    } else {
        String::new()
    };
    to_text(&MacPort {
        mac_addr: Some(e.mac.clone()),
        port_id: Some(e.port_id),
        vlan_id: Some(e.vlan),
        uri: Some(format!(
            "{base}/bridges/{bridge}{vlan}/mac_table/{}_{}",
            e.mac.replace(':', "-"),
            e.port_id
        )),
    })
}

fn split_arp(key: &str) -> Result<(String, [u8; 6]), ApiError> {
    let (ip, mac) = key
        .split_once('_')
        .ok_or_else(|| ApiError::bad_request("is not a valid IP address"))?;
    if !is_ipv4(ip) {
        return Err(ApiError::bad_request("is not a valid IP address"));
    }
    let mac = parse_mac(&mac.replace('-', ":")).ok_or_else(|| ApiError::bad_request(MAC_MSG))?;
    Ok((ip.to_string(), mac))
}

/// MidoNet's `MacUriFormat` text, for a MAC-table entry URI it cannot read.
const MAC_URI: &str =
    "MAC address must consist of six pairs of hex digits separated by hyphens, e.g., 12-34-56-78-9a-bc.";

fn split_mac(key: &str) -> Result<([u8; 6], uuid::Uuid), ApiError> {
    let (mac, port) = key
        .split_once('_')
        .ok_or_else(|| ApiError::bad_request(MAC_URI))?;
    let m = parse_mac(&mac.replace('-', ":")).ok_or_else(|| ApiError::bad_request(MAC_URI))?;
    let p = pid(port).ok_or_else(|| ApiError::bad_request("Port ID is not valid."))?;
    Ok((m, p))
}

fn no_vlan(v: i32) -> ApiError {
    ApiError::new(
        404,
        format!("The specified bridge has no ports assigned to VLAN {v}."),
    )
}

/// GETs.
pub fn get(ctx: &Ctx, segs: &[&str], s: &Store) -> Option<Res> {
    let (segs, vlan) = match segs {
        ["bridges", id, "vlans", v, rest @ ..] => (
            vec!["bridges", *id]
                .into_iter()
                .chain(rest.iter().copied())
                .collect::<Vec<_>>(),
            v.parse::<i32>().ok(),
        ),
        _ => (segs.to_vec(), None),
    };
    Some(match segs.as_slice() {
        ["bridges", id, "arp_table"] => (|| {
            let m = ctx.accept(Annotated, &[COLL_IP4_MAC, JSON])?;
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let items = s
                .arp
                .get(&bid)
                .into_iter()
                .flatten()
                .map(|(ip, mac)| arp_json(&ctx.base, id, ip, mac));
            ctx.json(m, array(items))
        })(),
        ["bridges", id, "arp_table", key] => (|| {
            let m = ctx.accept(Annotated, &[IP4_MAC, JSON])?;
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let (ip, mac) = split_arp(key)?;
            let e = s
                .arp
                .get(&bid)
                .into_iter()
                .flatten()
                .find(|(i, m)| *i == ip && parse_mac(m) == Some(mac));
            let (i, mm) = e.ok_or_else(|| {
                ApiError::new(
                    404,
                    "The specified bridge does not have the specified ARP table entry.",
                )
            })?;
            ctx.json(m, arp_json(&ctx.base, id, i, mm))
        })(),
        ["bridges", id, "mac_table"] => (|| {
            let m = ctx.accept(Annotated, &[COLL_MAC_PORT, JSON])?;
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let items = s
                .mac
                .get(&bid)
                .into_iter()
                .flatten()
                .filter(|e| vlan.map_or(true, |v| e.vlan == v));
            ctx.json(m, array(items.map(|e| mac_json(&ctx.base, id, e))))
        })(),
        ["bridges", id, "mac_table", key] => (|| {
            let m = ctx.accept(Annotated, &[MAC_PORT, JSON])?;
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let v = vlan.unwrap_or(0);
            let (mac, port) = split_mac(key)?;
            let table: Vec<&MacEntry> = s
                .mac
                .get(&bid)
                .into_iter()
                .flatten()
                .filter(|e| e.vlan == v)
                .collect();
            if table.is_empty() {
                return Err(no_vlan(v));
            }
            let e = table
                .into_iter()
                .find(|e| e.port_id == port && parse_mac(&e.mac) == Some(mac));
            let e = e.ok_or_else(|| {
                ApiError::new(
                    404,
                    "The specified bridge does not have the specified MAC-port mapping.",
                )
            })?;
            ctx.json(m, mac_json(&ctx.base, id, e))
        })(),
        _ => return None,
    })
}

/// Writes (no cluster lock in MidoNet; the emulator serializes them anyway).
pub fn write(ctx: &Ctx, segs: &[&str], s: &mut Store) -> Option<Res> {
    let (segs, vlan) = match segs {
        ["bridges", id, "vlans", v, rest @ ..] => (
            vec!["bridges", *id]
                .into_iter()
                .chain(rest.iter().copied())
                .collect::<Vec<_>>(),
            v.parse::<i32>().ok(),
        ),
        _ => (segs.to_vec(), None),
    };
    Some(match (ctx.method.as_str(), segs.as_slice()) {
        ("POST", ["bridges", id, "arp_table"]) => (|| {
            let e: Ip4Mac = ctx.body(Annotated, &[IP4_MAC])?;
            let mut v = Violations::default();
            v.not_null("ip", &e.ip);
            v.not_null("mac", &e.mac);
            if e.ip.as_deref().is_some_and(|a| !is_ipv4(a)) {
                v.add("ip", format!("must match \"{IPV4_REGEX}\""));
            }
            if e.mac.as_deref().is_some_and(|m| !strict_mac(m)) {
                v.add("mac", format!("must match \"{MAC_REGEX}\""));
            }
            v.finish()?;
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let (ip, mac) = (e.ip.unwrap_or_default(), e.mac.unwrap_or_default());
            let t = s.arp.entry(bid).or_default();
            if !t.iter().any(|(i, m)| *i == ip && *m == mac) {
                t.push((ip.clone(), mac.clone()));
            }
            Ok(Reply::Created(ctx.uri(&format!(
                "bridges/{bid}/arp_table/{ip}_{}",
                mac.replace(':', "-")
            ))))
        })(),
        ("DELETE", ["bridges", id, "arp_table", key]) => (|| {
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let (ip, mac) = split_arp(key)?;
            if let Some(t) = s.arp.get_mut(&bid) {
                t.retain(|(i, m)| !(*i == ip && parse_mac(m) == Some(mac)));
            }
            Ok(Reply::NoContent)
        })(),
        ("POST", ["bridges", id, "mac_table"]) => (|| {
            let e: MacPort = ctx.body(Annotated, &[MAC_PORT, JSON])?;
            let mut v = Violations::default();
            v.not_null("macAddr", &e.mac_addr);
            v.not_null("portId", &e.port_id);
            if e.mac_addr.as_deref().is_some_and(|m| !strict_mac(m)) {
                v.add("macAddr", format!("must match \"{MAC_REGEX}\""));
            }
            v.finish()?;
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let port = e.port_id.unwrap_or_default();
            let p = s
                .ports
                .get(&port)
                .ok_or_else(|| ApiError::no_such("Port", port))?;
            if p.dto.device_id != Some(bid) {
                return Err(ApiError::bad_request(
                    "The port must belong to the bridge that owns the MAC table.",
                ));
            }
            let vl = vlan.or(e.vlan_id).unwrap_or(0);
            if let PortKind::Bridge(BridgePortFields { vlan_id }) = p.dto.kind {
                if vlan_id != 0 && i32::from(vlan_id) != vl {
                    return Err(ApiError::bad_request(format!(
                        "The specified port handles traffic only for VLAN {vlan_id}."
                    )));
                }
            }
            let mac = e.mac_addr.unwrap_or_default();
            let t = s.mac.entry(bid).or_default();
            if !t
                .iter()
                .any(|x| x.mac == mac && x.port_id == port && x.vlan == vl)
            {
                t.push(MacEntry {
                    mac: mac.clone(),
                    port_id: port,
                    vlan: vl,
                });
            }
            let vs = if vl != 0 {
                format!("/vlans/{vl}")
            } else {
                String::new()
            };
            Ok(Reply::Created(ctx.uri(&format!(
                "bridges/{bid}{vs}/mac_table/{}_{port}",
                mac.replace(':', "-")
            ))))
        })(),
        ("DELETE", ["bridges", id, "mac_table", key]) => (|| {
            let bid = pid(id).ok_or(ApiError::bare(404))?;
            let v = vlan.unwrap_or(0);
            let (mac, port) = split_mac(key)?;
            let t = s
                .mac
                .get_mut(&bid)
                .filter(|t| t.iter().any(|e| e.vlan == v))
                .ok_or_else(|| no_vlan(v))?;
            t.retain(|e| !(e.vlan == v && e.port_id == port && parse_mac(&e.mac) == Some(mac)));
            Ok(Reply::NoContent)
        })(),
        (_, ["bridges", _, "arp_table" | "mac_table", ..]) => Err(ApiError::bare(405)),
        _ => return None,
    })
}
