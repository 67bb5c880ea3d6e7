//! Chains and rules (spec §9.7, §9.8): rule validation per type, `fragmentPolicy` defaulting,
//! position semantics, jump-target bookkeeping, and chain delete cascades.
use super::devices::pid;
use super::error::{is_ipv4, parse_mac, ApiError, Violations, MAC_MSG};
use super::http::{array, Check::*, Ctx, Reply, Res};
use super::render;
use super::store::{ChainRec, Store};
use crate::midonet::dto::{Chain, Condition, NatTarget, Rule, RuleAction};
use crate::midonet::media::*;
use uuid::Uuid;

const FRAG_UNDEFINED: &str =
    "The valid options for fragmentPolicy are: 'any', 'header', 'nonheader', and 'unfragmented'.";
const FRAG_L4: &str =
    "For a rule with tpDst or tpSrc constraints, the fragmentPolicy must be 'header' or 'unfragmented'.";
const FRAG_NAT: &str =
    "For a NAT rule with port constraints or multiple targets, the fragmentPolicy must be 'unfragmented'.";

fn mac_mask_ok(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn check_condition(c: &Condition, v: &mut Violations) {
    if let Some(t) = c.dl_type {
        v.range("dlType", t.into(), 0x0600, 0xFFFF);
    }
    for (name, val) in [("dlSrc", &c.dl_src), ("dlDst", &c.dl_dst)] {
        if val.as_deref().is_some_and(|m| parse_mac(m).is_none()) {
            v.add(name, MAC_MSG);
        }
    }
    for (name, val) in [("dlSrcMask", &c.dl_src_mask), ("dlDstMask", &c.dl_dst_mask)] {
        if val.as_deref().is_some_and(|m| !mac_mask_ok(m)) {
            v.add(
                name,
                "MAC mask must consist of three sets of four hexadecimal digits separated by periods, e.g. \"ffff.ff00.0000\".",
            );
        }
    }
    for (name, val, len, lname) in [
        (
            "nwSrcAddress",
            &c.nw_src_address,
            c.nw_src_length,
            "nwSrcLength",
        ),
        (
            "nwDstAddress",
            &c.nw_dst_address,
            c.nw_dst_length,
            "nwDstLength",
        ),
        (
            "icmpDataSrcIpAddress",
            &c.icmp_data_src_ip_address,
            c.icmp_data_src_ip_length,
            "icmpDataSrcIpLength",
        ),
        (
            "icmpDataDstIpAddress",
            &c.icmp_data_dst_ip_address,
            c.icmp_data_dst_ip_length,
            "icmpDataDstIpLength",
        ),
    ] {
        if val.as_deref().is_some_and(|a| !is_ipv4(a)) {
            v.add(name, "is an invalid IP format");
        }
        v.range(lname, len.into(), 0, 32);
    }
}

fn flow_action(v: &mut Violations, fa: &Option<String>, allowed: &[&str]) {
    match fa {
        None => v.add("flowAction", "may not be null"),
        Some(a) if !allowed.contains(&a.as_str()) => v.add(
            "flowAction",
            format!("must match \"{}\"", allowed.join("|")),
        ),
        _ => {}
    }
}

/// A floating-IP NAT rule: one target, `addressFrom == addressTo` as sent, ports 0/0.
fn floating_ip(targets: &[NatTarget]) -> bool {
    matches!(targets, [t] if t.address_from == t.address_to && t.port_from == 0 && t.port_to == 0)
}

/// Validates a posted rule and computes its stored `fragmentPolicy`.
fn validate(r: &mut Rule) -> Result<(), ApiError> {
    let frag = match r.condition.fragment_policy.as_deref() {
        None => None,
        Some(p @ ("any" | "header" | "nonheader" | "unfragmented")) => Some(p.to_string()),
        Some(_) => return Err(ApiError::bad_request(FRAG_UNDEFINED)),
    };
    let mut v = Violations::default();
    if r.position < 1 {
        v.add("position", "must be greater than or equal to 1");
    }
    match &r.action {
        RuleAction::Jump(j) => v.not_null("jumpChainId", &j.jump_chain_id),
        RuleAction::Dnat(n) | RuleAction::Snat(n) => {
            flow_action(&mut v, &n.flow_action, &["accept", "continue", "return"]);
            if n.nat_targets.as_ref().map_or(true, |t| t.is_empty()) {
                v.add("natTargets", "size must be between 1 and 2147483647");
            }
        }
        RuleAction::RevDnat(n) | RuleAction::RevSnat(n) => {
            flow_action(&mut v, &n.flow_action, &["accept", "continue", "return"])
        }
        RuleAction::L2Transform(l) => {
            flow_action(&mut v, &l.flow_action, &["accept", "redirect"]);
            if let Some(p) = l.push_vlan {
                v.range("pushVlan", p.into(), 0, 65535);
            }
        }
        RuleAction::Trace(t) => v.not_null("requestId", &t.request_id),
        _ => {}
    }
    check_condition(&r.condition, &mut v);
    let l4 = r.condition.tp_src.is_some() || r.condition.tp_dst.is_some();
    let policy = match &r.action {
        RuleAction::Dnat(n) | RuleAction::Snat(n) => {
            let fip = floating_ip(n.nat_targets.as_deref().unwrap_or(&[]));
            if !fip || l4 {
                match frag.as_deref() {
                    None | Some("unfragmented") => "unfragmented".to_string(),
                    Some(_) => {
                        v.add("", FRAG_NAT);
                        String::new()
                    }
                }
            } else {
                frag.unwrap_or_else(|| "any".into())
            }
        }
        _ => match frag.as_deref() {
            None => if l4 { "header" } else { "any" }.to_string(),
            Some("any" | "nonheader") if l4 => {
                v.add("", FRAG_L4);
                String::new()
            }
            Some(p) => p.to_string(),
        },
    };
    v.finish()?;
    r.condition.fragment_policy = Some(policy);
    // A length without an address is dropped (reads back 0, spec §9.8).
    let c = &mut r.condition;
    if c.nw_src_address.is_none() {
        c.nw_src_length = 0;
    }
    if c.nw_dst_address.is_none() {
        c.nw_dst_length = 0;
    }
    if c.icmp_data_src_ip_address.is_none() {
        c.icmp_data_src_ip_length = 0;
    }
    if c.icmp_data_dst_ip_address.is_none() {
        c.icmp_data_dst_ip_length = 0;
    }
    Ok(())
}

/// NAT targets are not validated, but an address that does not parse fails when the rule is
/// converted for storage: 500 (spec §9.8 [inferred]).
fn nat_addresses_convert(r: &Rule) -> Result<(), ApiError> {
    let (RuleAction::Dnat(n) | RuleAction::Snat(n)) = &r.action else {
        return Ok(());
    };
    let targets = n.nat_targets.iter().flatten();
    let addrs = targets
        .flat_map(|t| [&t.address_from, &t.address_to])
        .flatten();
    match addrs
        .into_iter()
        .find(|a| a.parse::<std::net::IpAddr>().is_err())
    {
        Some(bad) => Err(ApiError::internal(format!("Invalid IP address: {bad}"))),
        None => Ok(()),
    }
}

fn create_rule(ctx: &Ctx, s: &mut Store, chain: Uuid) -> Res {
    let mut r: Rule = ctx.body(Generic, &[RULE, JSON])?;
    if r.position == 0 {
        r.position = 1; // The model's create step rewrites 0 before validation.
    }
    validate(&mut r)?;
    nat_addresses_convert(&r)?;
    let count = s
        .chains
        .get(&chain)
        .map(|c| c.rule_ids.len())
        .ok_or_else(|| ApiError::no_such("Chain", chain))?;
    if let RuleAction::Jump(j) = &r.action {
        if let Some(t) = j.jump_chain_id.filter(|t| !s.chains.contains_key(t)) {
            return Err(ApiError::no_such("Chain", t));
        }
    }
    let pos = r.position as usize;
    if pos > count + 1 {
        return Err(ApiError::bad_request(
            "Position exceeds number of rules in chain",
        ));
    }
    let id = r.id.unwrap_or_else(Uuid::new_v4);
    if s.rules.contains_key(&id) {
        return Err(ApiError::exists("Rule", id));
    }
    r.id = Some(id);
    r.chain_id = Some(chain);
    r.meter_name = None;
    r.uri = None;
    s.insert_rule(chain, pos, r, id);
    Ok(Reply::Created(ctx.uri(&format!("rules/{id}"))))
}

/// GETs of chains and rules.
pub fn get(ctx: &Ctx, segs: &[&str], s: &Store) -> Option<Res> {
    Some(match segs {
        ["chains"] => (|| {
            let m = ctx.accept(Generic, &[COLL_CHAIN, JSON])?;
            let t = ctx.param("tenant_id");
            let items = s
                .chains
                .values()
                .filter(|c| t.map_or(true, |t| c.dto.tenant_id.as_deref() == Some(t)));
            ctx.json(m, array(items.map(|c| render::chain(&ctx.base, c))))
        })(),
        ["chains", id] => (|| {
            let m = ctx.accept(Generic, &[CHAIN, JSON])?;
            let c = pid(id)
                .and_then(|i| s.chains.get(&i))
                .ok_or_else(|| ApiError::no_such("Chain", id))?;
            ctx.json(m, render::chain(&ctx.base, c))
        })(),
        ["chains", id, "rules"] => (|| {
            let m = ctx.accept(Generic, &[COLL_RULE, JSON])?;
            let id = pid(id).ok_or(ApiError::bare(404))?;
            let c = s
                .chains
                .get(&id)
                .ok_or_else(|| ApiError::no_such("Chain", id))?;
            let items = c
                .rule_ids
                .iter()
                .filter_map(|r| s.rules.get(r))
                .enumerate()
                .map(|(i, r)| render::rule_at(&ctx.base, r, i + 1));
            ctx.json(m, array(items))
        })(),
        ["rules", id] => (|| {
            let m = ctx.accept(Generic, &[RULE, JSON])?;
            let r = pid(id)
                .and_then(|i| s.rules.get(&i))
                .ok_or_else(|| ApiError::no_such("Rule", id))?;
            ctx.json(m, render::rule(&ctx.base, s, r))
        })(),
        ["rules"] => Err(ApiError::bare(405)),
        _ => return None,
    })
}

/// Writes of chains and rules.
pub fn write(ctx: &Ctx, segs: &[&str], s: &mut Store) -> Option<Res> {
    Some(match (ctx.method.as_str(), segs) {
        ("POST", ["chains"]) => (|| {
            let mut c: Chain = ctx.body(Generic, &[CHAIN, JSON])?;
            let mut v = Violations::default();
            v.size("name", &c.name, 0, 255);
            v.finish()?;
            let id = c.id.unwrap_or_else(Uuid::new_v4);
            if s.chains.contains_key(&id) {
                return Err(ApiError::exists("Chain", id));
            }
            c.id = Some(id);
            c.uri = None;
            c.rules = None;
            s.chains.insert(
                id,
                ChainRec {
                    dto: c,
                    rule_ids: vec![],
                    jump_rule_ids: vec![],
                },
            );
            Ok(Reply::Created(ctx.uri(&format!("chains/{id}"))))
        })(),
        ("DELETE", ["chains", id]) => (|| {
            let id = pid(id)
                .filter(|i| s.chains.contains_key(i))
                .ok_or_else(|| ApiError::no_such("Chain", id))?;
            s.delete_chain(id);
            Ok(Reply::NoContent)
        })(),
        ("POST", ["chains", id, "rules"]) => match pid(id) {
            Some(c) => create_rule(ctx, s, c),
            None => Err(ApiError::bare(404)),
        },
        ("DELETE", ["rules", id]) => (|| {
            let id = pid(id)
                .filter(|i| s.rules.contains_key(i))
                .ok_or_else(|| ApiError::no_such("Rule", id))?;
            s.delete_rule(id);
            Ok(Reply::NoContent)
        })(),
        (_, ["chains"])
        | (_, ["chains", _])
        | (_, ["chains", _, "rules"])
        | (_, ["rules"])
        | (_, ["rules", _]) => Err(ApiError::bare(405)),
        _ => return None,
    })
}
