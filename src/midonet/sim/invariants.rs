//! Consistency of the store's hidden back-references (tests and debugging): after any
//! sequence of API calls, every index agrees with the objects, as MidoNet's storage bindings
//! guarantee. Returns the first broken rule as text.
use super::store::{bridge_chains, port_chains, router_chains, Attach, Store};
use crate::midonet::dto::RuleAction;

/// Checks every binding; `Err` names the first inconsistency.
pub fn check(s: &Store) -> Result<(), String> {
    for (id, p) in &s.ports {
        let dev = p.dto.device_id.ok_or(format!("port {id} has no device"))?;
        let list = s
            .routers
            .get(&dev)
            .map(|r| &r.port_ids)
            .or_else(|| s.bridges.get(&dev).map(|b| &b.port_ids))
            .ok_or(format!("port {id}: device {dev} missing"))?;
        if list.iter().filter(|x| *x == id).count() != 1 {
            return Err(format!("port {id} not listed once by device {dev}"));
        }
        if let Some(peer) = p.dto.peer_id {
            let back = s.ports.get(&peer).and_then(|q| q.dto.peer_id);
            if back != Some(*id) {
                return Err(format!("port {id} → peer {peer} not symmetric"));
            }
        }
        if let Some(c) = port_chains(&p.dto)
            .into_iter()
            .find(|c| !s.chains.contains_key(c))
        {
            return Err(format!("port {id}: filter chain {c} missing"));
        }
        for r in &p.route_ids {
            match s.routes.get(r) {
                Some(rr) if rr.attach == Attach::Port(*id) => {}
                _ => {
                    return Err(format!(
                        "port {id}: route {r} missing or attached elsewhere"
                    ))
                }
            }
        }
    }
    for (id, r) in &s.routers {
        if let Some(p) = r.port_ids.iter().find(|p| !s.ports.contains_key(p)) {
            return Err(format!("router {id}: port {p} missing"));
        }
        if let Some(x) = r.route_ids.iter().find(|x| !s.routes.contains_key(x)) {
            return Err(format!("router {id}: route {x} missing"));
        }
        if let Some(c) = router_chains(&r.dto)
            .into_iter()
            .find(|c| !s.chains.contains_key(c))
        {
            return Err(format!("router {id}: filter chain {c} missing"));
        }
    }
    for (id, b) in &s.bridges {
        if let Some(p) = b.port_ids.iter().find(|p| !s.ports.contains_key(p)) {
            return Err(format!("bridge {id}: port {p} missing"));
        }
        if let Some(c) = bridge_chains(&b.dto)
            .into_iter()
            .find(|c| !s.chains.contains_key(c))
        {
            return Err(format!("bridge {id}: filter chain {c} missing"));
        }
    }
    for (id, r) in &s.routes {
        let ok = match r.attach {
            Attach::Port(p) => s.ports.get(&p).is_some_and(|p| p.route_ids.contains(id)),
            Attach::Router(x) => s.routers.get(&x).is_some_and(|x| x.route_ids.contains(id)),
            Attach::Nothing => true,
        };
        if !ok {
            return Err(format!("route {id}: owner does not list it"));
        }
    }
    for (id, r) in &s.rules {
        let c = r
            .chain_id
            .and_then(|c| s.chains.get(&c))
            .ok_or(format!("rule {id}: chain missing"))?;
        if c.rule_ids.iter().filter(|x| *x == id).count() != 1 {
            return Err(format!("rule {id} not listed once by its chain"));
        }
        if let RuleAction::Jump(j) = &r.action {
            if j.jump_chain_id.is_some_and(|t| !s.chains.contains_key(&t)) {
                return Err(format!("jump rule {id} targets a deleted chain"));
            }
        }
    }
    for (id, c) in &s.chains {
        if let Some(r) = c.rule_ids.iter().find(|r| !s.rules.contains_key(r)) {
            return Err(format!("chain {id}: rule {r} missing"));
        }
    }
    Ok(())
}
