//! Rule builders: every MidoNet rule vpcmido puts in a chain, field for field as eucanetd
//! sends it (spec vpc-to-midonet.md §3.1, §4.1, §7.4, §8.2, §9, §11, §12), with the decisions
//! of docs/decisions.md where eucanetd was wrong (zero ports, ICMP type or code 0).
use super::addr;
use super::model::{Condition, FlowAction, Key, NatTarget, PortRange, Rule, RuleAction};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

pub const ETH_IPV4: u16 = 2048;
pub const ETH_ARP: u16 = 2054;
pub const PROTO_ICMP: u8 = 1;
pub const PROTO_TCP: u8 = 6;
pub const PROTO_UDP: u8 = 17;
/// `nwProto` 2 in an ARP rule matches the ARP opcode: a reply.
const ARP_REPLY: u8 = 2;

fn drop_(cond: Condition) -> Rule {
    Rule::new(RuleAction::Drop, cond)
}
fn accept(cond: Condition) -> Rule {
    Rule::new(RuleAction::Accept, cond)
}

/// Drop everything that is not ARP: the last rule of every interface chain.
pub fn drop_non_arp() -> Rule {
    drop_(Condition {
        dl_type: Some(ETH_ARP),
        inv_dl_type: true,
        ..Default::default()
    })
}

pub fn accept_return_flow() -> Rule {
    accept(Condition {
        match_return_flow: true,
        ..Default::default()
    })
}

/// What an interface's chains need to know about it.
pub struct InterfaceRules<'a> {
    pub mac: &'a str,
    pub private_ip: Ipv4Addr,
    pub subnet: Ipv4Net,
    pub source_dest_check: bool,
    /// `DISABLE_L2_ISOLATION=N` (the default): anti-spoof rules are installed.
    pub l2_isolation: bool,
    /// `sg_egress_<sg>` chain keys, in view order.
    pub egress_jumps: Vec<Key>,
    /// `sg_ingress_<sg>` chain keys, in view order.
    pub ingress_jumps: Vec<Key>,
}

/// `ic_<if>_prechain`, the bridge port's inbound filter: traffic *from* the VM (egress).
/// Order as eucanetd leaves a fresh interface (§7.4).
pub fn if_prechain(i: &InterfaceRules) -> Vec<Rule> {
    let mut r = Vec::new();
    let me = addr::host(i.private_ip);
    if i.l2_isolation {
        r.push(drop_(Condition {
            dl_type: Some(ETH_ARP),
            nw_src: Some(me),
            inv_nw_src: true,
            ..Default::default()
        }));
        r.push(drop_(Condition {
            dl_type: Some(ETH_ARP),
            dl_src: Some(i.mac.to_string()),
            inv_dl_src: true,
            ..Default::default()
        }));
        if i.source_dest_check {
            r.push(drop_(Condition {
                dl_type: Some(ETH_IPV4),
                nw_src: Some(me),
                inv_nw_src: true,
                ..Default::default()
            }));
        }
        r.push(drop_(Condition {
            dl_src: Some(i.mac.to_string()),
            inv_dl_src: true,
            ..Default::default()
        }));
    }
    r.push(accept_return_flow());
    // .2 and .3 of the subnet (DNS/metadata helpers) as one /31.
    r.push(accept(Condition {
        nw_dst: Some(addr::net(addr::dot(i.subnet, 2), 31)),
        ..Default::default()
    }));
    r.push(accept(Condition {
        nw_dst: Some(addr::ext_md_net()),
        ..Default::default()
    }));
    r.extend(i.egress_jumps.iter().map(|k| jump(k.clone())));
    r.push(drop_non_arp());
    r
}

/// `ic_<if>_postchain`, the bridge port's outbound filter: traffic *to* the VM (ingress).
pub fn if_postchain(i: &InterfaceRules) -> Vec<Rule> {
    let mut r = Vec::new();
    let me = addr::host(i.private_ip);
    if i.l2_isolation {
        r.push(drop_(Condition {
            dl_type: Some(ETH_ARP),
            nw_dst: Some(me),
            inv_nw_dst: true,
            ..Default::default()
        }));
        r.push(drop_(Condition {
            dl_type: Some(ETH_ARP),
            nw_proto: Some(ARP_REPLY),
            dl_dst: Some(i.mac.to_string()),
            inv_dl_dst: true,
            ..Default::default()
        }));
        if i.source_dest_check {
            r.push(accept(Condition {
                nw_proto: Some(PROTO_UDP),
                tp_dst: Some(PortRange::new(67, 68)),
                ..Default::default()
            }));
            r.push(drop_(Condition {
                dl_type: Some(ETH_IPV4),
                nw_dst: Some(me),
                inv_nw_dst: true,
                ..Default::default()
            }));
        }
    }
    r.push(accept_return_flow());
    r.extend(i.ingress_jumps.iter().map(|k| jump(k.clone())));
    r.push(drop_non_arp());
    r
}

pub fn jump(target: Key) -> Rule {
    Rule::new(RuleAction::Jump(target), Condition::default())
}

/// Direction of a security-group rule or ACL entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

/// The peer of a security-group rule: another group's `sg_all_` address group, or a CIDR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Peer {
    Group(Key),
    Cidr(Ipv4Net),
}

/// Protocol and port part of an SG rule or ACL entry, from the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traffic {
    /// `None` = all protocols (`-1`).
    pub protocol: Option<u8>,
    /// TCP/UDP destination ports.
    pub ports: Option<(u16, u16)>,
    /// ICMP type and code; `None` = any (`-1`).
    pub icmp_type: Option<u8>,
    pub icmp_code: Option<u8>,
}

/// Protocol and L4 fields, with vpcmido's fixes for eucanetd's zero values: MidoNet reads a
/// range bound of 0 as "unbounded", so port 0 becomes 1 and ICMP type or code 0 becomes the
/// inverted range 1..255 (docs/decisions.md, "zero ports and ICMP 0").
fn traffic_condition(t: &Traffic, c: &mut Condition) {
    // "All protocols" on MidoNet 5 is no nwProto at all (eucanetd sends the string "null").
    c.nw_proto = t.protocol;
    match t.protocol {
        Some(PROTO_TCP) | Some(PROTO_UDP) => {
            if let Some((from, to)) = t.ports {
                c.tp_dst = Some(PortRange::new(from.max(1), to.max(1)));
            }
        }
        Some(PROTO_ICMP) => {
            match t.icmp_type {
                Some(0) => {
                    c.tp_src = Some(PortRange::new(1, 255));
                    c.inv_tp_src = true;
                }
                Some(ty) => c.tp_src = Some(PortRange::single(u16::from(ty))),
                None => {}
            }
            match t.icmp_code {
                Some(0) => {
                    c.tp_dst = Some(PortRange::new(1, 255));
                    c.inv_tp_dst = true;
                }
                Some(code) => c.tp_dst = Some(PortRange::single(u16::from(code))),
                None => {}
            }
        }
        _ => {}
    }
}

/// One security-group rule → one accept rule in `sg_ingress_`/`sg_egress_` (§8.2).
pub fn sg_rule(dir: Direction, traffic: &Traffic, peer: &Peer) -> Rule {
    let mut c = Condition::default();
    traffic_condition(traffic, &mut c);
    match (dir, peer) {
        (Direction::Ingress, Peer::Group(k)) => c.ip_addr_group_src = Some(k.clone()),
        (Direction::Egress, Peer::Group(k)) => c.ip_addr_group_dst = Some(k.clone()),
        (Direction::Ingress, Peer::Cidr(n)) => c.nw_src = Some(*n),
        (Direction::Egress, Peer::Cidr(n)) => c.nw_dst = Some(*n),
    }
    accept(c)
}

/// One network-ACL entry → one accept or drop rule (§12); ingress matches the source CIDR,
/// egress the destination.
pub fn acl_rule(dir: Direction, allow: bool, traffic: &Traffic, cidr: Ipv4Net) -> Rule {
    let mut c = Condition::default();
    traffic_condition(traffic, &mut c);
    match dir {
        Direction::Ingress => c.nw_src = Some(cidr),
        Direction::Egress => c.nw_dst = Some(cidr),
    }
    if allow {
        accept(c)
    } else {
        drop_(c)
    }
}

/// `sc_<subnet>_in` / `_out`: the four default accepts in the order eucanetd leaves them
/// (each was inserted at position 1), then the jump to the subnet's ACL chain (§12).
pub fn subnet_filter(dir: Direction, subnet: Ipv4Net, acl_chain: Option<Key>) -> Vec<Rule> {
    let on = |n: Ipv4Net| {
        let mut c = Condition::default();
        match dir {
            Direction::Ingress => c.nw_src = Some(n),
            Direction::Egress => c.nw_dst = Some(n),
        }
        accept(c)
    };
    let Some(acl) = acl_chain else {
        return Vec::new();
    };
    vec![
        on(subnet),
        accept(Condition {
            nw_proto: Some(PROTO_UDP),
            tp_dst: Some(PortRange::new(67, 68)),
            ..Default::default()
        }),
        on(addr::net(Ipv4Addr::new(169, 254, 0, 0), 16)),
        on(addr::net(subnet.network(), 30)),
        jump(acl),
    ]
}

/// `eucabr_infilter`: tenants may not reach the internal routing addresses (EUCA-11522).
pub fn eucabr_infilter() -> Vec<Rule> {
    vec![drop_(Condition {
        dl_type: Some(ETH_IPV4),
        nw_dst: Some(addr::int_rt_net()),
        ..Default::default()
    })]
}

/// `eucamdrt_extportout`: only the metadata services, then drop everything but ARP (§4.1).
/// The order is the one eucanetd's defaults produce (its 169.254.169.253 list swaps tcp and
/// udp, but names both, so the set is right and only the order shows the swap).
pub fn md_extport_out(services_254: &[(u8, u16)], services_253: &[(u8, u16)]) -> Vec<Rule> {
    let svc = |dst: Ipv4Addr, (proto, port): (u8, u16)| {
        accept(Condition {
            nw_proto: Some(proto),
            nw_dst: Some(addr::host(dst)),
            tp_dst: Some(PortRange::single(port)),
            ..Default::default()
        })
    };
    let mut r: Vec<Rule> = services_254
        .iter()
        .map(|s| svc(addr::METADATA_IP, *s))
        .collect();
    r.extend(services_253.iter().map(|s| svc(addr::METADATA_DNS_IP, *s)));
    r.push(drop_non_arp());
    r
}

/// Elastic IP, inbound: DNAT public → private in `vc_<vpc>_preelip` (§9 step 2).
pub fn eip_dnat(public: Ipv4Addr, private: Ipv4Addr) -> Rule {
    Rule::new(
        RuleAction::Dnat(FlowAction::Continue, vec![NatTarget::address(private)]),
        Condition {
            nw_dst: Some(addr::host(public)),
            ..Default::default()
        },
    )
}

/// Elastic IP, outbound: SNAT to the public IP in `vc_<vpc>_postchain` for traffic leaving
/// the VPC (§9 step 3).
pub fn eip_snat(public: Ipv4Addr, elip_post: Key, vpc_cidr: Ipv4Net) -> Rule {
    Rule::new(
        RuleAction::Snat(FlowAction::Continue, vec![NatTarget::address(public)]),
        Condition {
            ip_addr_group_src: Some(elip_post),
            nw_dst: Some(vpc_cidr),
            inv_nw_dst: true,
            ..Default::default()
        },
    )
}

/// Metadata, reply path: DNAT the interface's MD address back to its private IP (§4.1).
pub fn md_dnat(md_ip: Ipv4Addr, private: Ipv4Addr) -> Rule {
    Rule::new(
        RuleAction::Dnat(FlowAction::Continue, vec![NatTarget::address(private)]),
        Condition {
            nw_dst: Some(addr::host(md_ip)),
            ..Default::default()
        },
    )
}

/// Metadata, request path: SNAT the private IP to the interface's MD address (§4.1).
pub fn md_snat(private: Ipv4Addr, md_ip: Ipv4Addr) -> Rule {
    Rule::new(
        RuleAction::Snat(FlowAction::Continue, vec![NatTarget::address(md_ip)]),
        Condition {
            nw_src: Some(addr::host(private)),
            nw_dst: Some(addr::ext_md_net()),
            ..Default::default()
        },
    )
}

/// NAT gateway, outbound: SNAT the VPC to the public IP, ports 1024–65535 (§11 step 7).
pub fn natgw_snat(vpc_cidr: Ipv4Net, uplink: Key, public: Ipv4Addr) -> Rule {
    Rule::new(
        RuleAction::Snat(
            FlowAction::Accept,
            vec![NatTarget {
                address_from: public,
                address_to: public,
                port_from: 1024,
                port_to: 65535,
            }],
        ),
        Condition {
            nw_src: Some(vpc_cidr),
            out_ports: vec![uplink],
            ..Default::default()
        },
    )
}

/// NAT gateway, inbound replies: reverse SNAT (§11 step 8).
pub fn natgw_rev_snat(public: Ipv4Addr) -> Rule {
    Rule::new(
        RuleAction::RevSnat(FlowAction::Accept),
        Condition {
            nw_dst: Some(addr::host(public)),
            ..Default::default()
        },
    )
}

/// The `fragmentPolicy` MidoNet computes for a rule posted without one (spec midonet-api.md
/// §9.8): a desired rule equals an observed one only if the observed policy is this default.
pub fn default_fragment_policy<R>(rule: &Rule<R>) -> &'static str {
    let l4 = rule.cond.tp_src.is_some() || rule.cond.tp_dst.is_some();
    match &rule.action {
        RuleAction::Dnat(_, targets) | RuleAction::Snat(_, targets) => {
            let floating = targets.len() == 1
                && targets[0].address_from == targets[0].address_to
                && targets[0].port_from == 0
                && targets[0].port_to == 0;
            if !floating || l4 {
                "unfragmented"
            } else {
                "any"
            }
        }
        _ if l4 => "header",
        _ => "any",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iface(sdc: bool) -> InterfaceRules<'static> {
        InterfaceRules {
            mac: "d0:0d:0e:1f:2a:3b",
            private_ip: Ipv4Addr::new(10, 0, 0, 10),
            subnet: "10.0.0.0/24".parse().unwrap(),
            source_dest_check: sdc,
            l2_isolation: true,
            egress_jumps: vec![Key::new("sg/sg-1/egress")],
            ingress_jumps: vec![Key::new("sg/sg-1/ingress"), Key::new("sg/sg-2/ingress")],
        }
    }

    #[test]
    fn prechain_order_matches_eucanetd_fresh_interface() {
        let r = if_prechain(&iface(true));
        assert_eq!(r.len(), 9);
        assert_eq!(r[0].cond.dl_type, Some(ETH_ARP));
        assert!(r[0].cond.inv_nw_src);
        assert_eq!(r[1].cond.dl_src.as_deref(), Some("d0:0d:0e:1f:2a:3b"));
        assert_eq!(r[2].cond.dl_type, Some(ETH_IPV4));
        assert_eq!(r[3].cond.dl_type, None);
        assert!(r[4].cond.match_return_flow);
        assert_eq!(r[5].cond.nw_dst, Some("10.0.0.2/31".parse().unwrap()));
        assert_eq!(
            r[6].cond.nw_dst,
            Some("169.254.169.248/29".parse().unwrap())
        );
        assert_eq!(r[7].action, RuleAction::Jump(Key::new("sg/sg-1/egress")));
        assert_eq!(r[8], drop_non_arp());
    }

    #[test]
    fn source_dest_check_off_removes_exactly_three_rules() {
        let on = if_prechain(&iface(true)).len() + if_postchain(&iface(true)).len();
        let off = if_prechain(&iface(false)).len() + if_postchain(&iface(false)).len();
        assert_eq!(on - off, 3);
        let post = if_postchain(&iface(false));
        assert!(post.iter().all(|r| r.cond.tp_dst.is_none()));
    }

    #[test]
    fn zero_ports_and_icmp_zero_are_not_wildcards() {
        let t = Traffic {
            protocol: Some(PROTO_TCP),
            ports: Some((0, 0)),
            icmp_type: None,
            icmp_code: None,
        };
        let r = sg_rule(Direction::Ingress, &t, &Peer::Cidr(addr::any()));
        assert_eq!(r.cond.tp_dst, Some(PortRange::new(1, 1)));
        let echo_reply = Traffic {
            protocol: Some(PROTO_ICMP),
            ports: None,
            icmp_type: Some(0),
            icmp_code: None,
        };
        let r = sg_rule(Direction::Egress, &echo_reply, &Peer::Cidr(addr::any()));
        assert_eq!(r.cond.tp_src, Some(PortRange::new(1, 255)));
        assert!(r.cond.inv_tp_src);
        assert_eq!(r.cond.tp_dst, None);
        assert_eq!(r.cond.nw_dst, Some(addr::any()));
    }

    #[test]
    fn fragment_policy_defaults() {
        assert_eq!(default_fragment_policy(&drop_non_arp()), "any");
        let dhcp = &if_postchain(&iface(true))[2];
        assert_eq!(default_fragment_policy(dhcp), "header");
        let eip = eip_dnat(Ipv4Addr::new(203, 0, 113, 5), Ipv4Addr::new(10, 0, 0, 5));
        assert_eq!(default_fragment_policy(&eip), "any");
        let nat = natgw_snat(addr::any(), Key::new("u"), Ipv4Addr::new(203, 0, 113, 6));
        assert_eq!(default_fragment_policy(&nat), "unfragmented");
    }

    #[test]
    fn subnet_filter_defaults_then_jump() {
        let s: Ipv4Net = "10.0.1.0/24".parse().unwrap();
        let r = subnet_filter(Direction::Egress, s, Some(Key::new("acl")));
        assert_eq!(r.len(), 5);
        assert_eq!(r[0].cond.nw_dst, Some(s));
        assert_eq!(r[3].cond.nw_dst, Some("10.0.1.0/30".parse().unwrap()));
        assert_eq!(r[4].action, RuleAction::Jump(Key::new("acl")));
        assert!(subnet_filter(Direction::Ingress, s, None).is_empty());
    }
}
