//! A stable, readable text form of a desired topology: one line per object, rules numbered in
//! chain order. Used by `vpcmido plan --show-desired`, by snapshot tests (reviewed against the
//! spec section by section) and in bug reports.
use super::model::*;
use std::fmt::{self, Write};

impl<R: fmt::Display> fmt::Display for Rule<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.action.type_name())?;
        match &self.action {
            RuleAction::Jump(t) => write!(f, " -> {t}")?,
            RuleAction::Dnat(a, t) | RuleAction::Snat(a, t) => {
                write!(f, " flow={}", a.as_str())?;
                for x in t {
                    write!(
                        f,
                        " to={}-{}:{}-{}",
                        x.address_from, x.address_to, x.port_from, x.port_to
                    )?;
                }
            }
            RuleAction::RevSnat(a) => write!(f, " flow={}", a.as_str())?,
            RuleAction::Accept | RuleAction::Drop => {}
        }
        let c = &self.cond;
        let inv = |b: bool| if b { "!" } else { "" };
        if c.match_return_flow {
            f.write_str(" return-flow")?;
        }
        if let Some(t) = c.dl_type {
            write!(f, " dl_type={}{t}", inv(c.inv_dl_type))?;
        }
        if let Some(m) = &c.dl_src {
            write!(f, " dl_src={}{m}", inv(c.inv_dl_src))?;
        }
        if let Some(m) = &c.dl_dst {
            write!(f, " dl_dst={}{m}", inv(c.inv_dl_dst))?;
        }
        if let Some(p) = c.nw_proto {
            write!(f, " proto={}{p}", inv(c.inv_nw_proto))?;
        }
        if let Some(n) = c.nw_src {
            write!(f, " src={}{n}", inv(c.inv_nw_src))?;
        }
        if let Some(n) = c.nw_dst {
            write!(f, " dst={}{n}", inv(c.inv_nw_dst))?;
        }
        if let Some(r) = c.tp_src {
            write!(f, " tp_src={}{}-{}", inv(c.inv_tp_src), r.start, r.end)?;
        }
        if let Some(r) = c.tp_dst {
            write!(f, " tp_dst={}{}-{}", inv(c.inv_tp_dst), r.start, r.end)?;
        }
        if let Some(g) = &c.ip_addr_group_src {
            write!(f, " src_group={g}")?;
        }
        if let Some(g) = &c.ip_addr_group_dst {
            write!(f, " dst_group={g}")?;
        }
        for p in &c.out_ports {
            write!(f, " out_port={p}")?;
        }
        Ok(())
    }
}

fn opt(k: &Option<Key>) -> String {
    k.as_ref()
        .map(|k| k.to_string())
        .unwrap_or_else(|| "-".into())
}

/// Renders one part.
pub fn part(p: &Part) -> String {
    let mut s = String::new();
    let _ = write_part(&mut s, p);
    s
}

fn write_part(s: &mut String, p: &Part) -> fmt::Result {
    for r in &p.routers {
        writeln!(
            s,
            "router {} [{}] in={} out={} as={}",
            r.name,
            r.key,
            opt(&r.inbound_filter),
            opt(&r.outbound_filter),
            r.as_number
        )?;
    }
    for b in &p.bridges {
        writeln!(
            s,
            "bridge {} [{}] in={} out={}",
            b.name,
            b.key,
            opt(&b.inbound_filter),
            opt(&b.outbound_filter)
        )?;
    }
    for x in &p.ports {
        write!(s, "port [{}] on {}", x.key, x.device)?;
        if let PortKind::Router {
            address,
            network,
            mac,
        } = &x.kind
        {
            write!(s, " {address} net={network}")?;
            if let Some(m) = mac {
                write!(s, " mac={m}")?;
            }
        }
        write!(
            s,
            " in={} out={} peer={}",
            opt(&x.inbound_filter),
            opt(&x.outbound_filter),
            opt(&x.peer)
        )?;
        if let Some(b) = &x.binding {
            write!(s, " bound={}:{}", b.host.0, b.interface)?;
        }
        writeln!(s)?;
    }
    for r in &p.routes {
        let gw = r
            .next_hop_gateway
            .map(|g| g.to_string())
            .unwrap_or_else(|| "-".into());
        writeln!(
            s,
            "route on {}: {} -> {} via {} gw={} weight={}",
            r.router, r.src, r.dst, r.next_hop_port, gw, r.weight
        )?;
    }
    for c in &p.chains {
        let order = match c.order {
            RuleOrder::Ordered => "ordered",
            RuleOrder::Unordered => "unordered",
        };
        writeln!(s, "chain {} [{}] {order}", c.name, c.key)?;
        for (i, r) in c.rules.iter().enumerate() {
            writeln!(s, "  {}. {r}", i + 1)?;
        }
    }
    for g in &p.ip_addr_groups {
        let addrs: Vec<String> = g.addrs.iter().map(|a| a.to_string()).collect();
        writeln!(
            s,
            "ip_addr_group {} [{}] {{{}}}",
            g.name,
            g.key,
            addrs.join(", ")
        )?;
    }
    for g in &p.port_groups {
        let m: Vec<String> = g.members.iter().map(|k| k.to_string()).collect();
        writeln!(
            s,
            "port_group {} [{}] stateful={} members={{{}}}",
            g.name,
            g.key,
            g.stateful,
            m.join(", ")
        )?;
    }
    for d in &p.dhcp_subnets {
        let dns: Vec<String> = d.dns_servers.iter().map(|a| a.to_string()).collect();
        writeln!(
            s,
            "dhcp {} on {} gw={} dns={}",
            d.subnet,
            d.bridge,
            d.default_gateway,
            dns.join(",")
        )?;
        for h in &d.hosts {
            let opts: Vec<String> = h
                .extra_opts
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            writeln!(s, "  host {} {} {} {}", h.name, h.mac, h.ip, opts.join(","))?;
        }
    }
    for a in &p.arp_entries {
        let mac = match &a.mac {
            MacRef::Literal(m) => m.clone(),
            MacRef::OfPort(k) => format!("mac-of({k})"),
        };
        writeln!(s, "arp on {}: {} -> {mac}", a.bridge, a.ip)?;
    }
    for m in &p.mac_entries {
        writeln!(s, "mac on {}: {} -> {}", m.bridge, m.mac, m.port)?;
    }
    for b in &p.bgp_peers {
        writeln!(
            s,
            "bgp_peer on {}: {} as={}",
            b.router, b.address, b.as_number
        )?;
    }
    for b in &p.bgp_networks {
        writeln!(s, "bgp_network on {}: {}", b.router, b.subnet)?;
    }
    Ok(())
}

/// Renders the whole topology, core first, then each VPC.
pub fn topology(t: &Topology) -> String {
    let mut s = String::new();
    for (scope, p) in t.parts() {
        let _ = writeln!(s, "== {scope} ({} objects)", p.object_count());
        s.push_str(&part(p));
    }
    s
}
