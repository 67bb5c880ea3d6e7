//! Security group rules and network ACLs for generated views: a realistic mix of protocols
//! and peers, from the generator's seeded random source.
use ipnet::Ipv4Net;
use rand::rngs::StdRng;
use rand::Rng;
use std::net::Ipv4Addr;

use super::net;
use crate::gni::model::*;

/// A group with `rules_per_sg` rules: one egress rule (everything out), the rest ingress
/// cycling over SSH, HTTPS, ping, DNS, a random TCP range and all traffic, from peer groups,
/// the VPC or anywhere.
pub(super) fn security_group(
    rng: &mut StdRng,
    rules_per_sg: usize,
    id: &str,
    owner: &str,
    peers: &[String],
    s: usize,
    vpc_cidr: Ipv4Net,
) -> SecurityGroup {
    let ingress_count = rules_per_sg.saturating_sub(1);
    let mut ingress = Vec::with_capacity(ingress_count);
    for r in 0..ingress_count {
        let traffic = match r % 6 {
            0 => Traffic::Tcp(PortRange { from: 22, to: 22 }),
            1 => Traffic::Tcp(PortRange { from: 443, to: 443 }),
            2 => Traffic::Icmp {
                icmp_type: Some(8),
                code: None,
            },
            3 => Traffic::Udp(PortRange { from: 53, to: 53 }),
            4 => {
                let from = rng.gen_range(1024..60000u16);
                Traffic::Tcp(PortRange {
                    from,
                    to: from + rng.gen_range(0..100),
                })
            }
            _ => Traffic::All,
        };
        let peer = match rng.gen_range(0..3) {
            0 => Peer::Group {
                id: peers[(s + r) % peers.len()].clone(),
                owner: owner.to_owned(),
            },
            1 => Peer::Cidr(vpc_cidr),
            _ => Peer::Cidr(net(0, 0)),
        };
        ingress.push(SgRule { traffic, peer });
    }
    let egress = if rules_per_sg > 0 {
        vec![SgRule {
            traffic: Traffic::All,
            peer: Peer::Cidr(net(0, 0)),
        }]
    } else {
        Vec::new()
    };
    SecurityGroup {
        id: id.to_owned(),
        owner_id: owner.to_owned(),
        ingress,
        egress,
    }
}

fn entry(number: u16, action: AclAction, cidr: Ipv4Net, traffic: Traffic) -> AclEntry {
    AclEntry {
        number,
        action,
        cidr,
        traffic,
    }
}

/// The default ACL: allow everything, then the final deny.
pub(super) fn default_acl(id: &str, owner: &str) -> NetworkAcl {
    let any = net(0, 0);
    let entries = vec![
        entry(100, AclAction::Allow, any, Traffic::All),
        entry(32767, AclAction::Deny, any, Traffic::All),
    ];
    NetworkAcl {
        id: id.into(),
        owner_id: owner.into(),
        ingress: entries.clone(),
        egress: entries,
    }
}

/// A custom ACL for the public subnet: web, SSH from the VPC, ping, ephemeral ports.
pub(super) fn custom_acl(id: &str, owner: &str, vpc: Ipv4Net) -> NetworkAcl {
    let any = net(0, 0);
    let ingress = vec![
        entry(
            50,
            AclAction::Deny,
            net(u32::from(Ipv4Addr::new(192, 0, 2, 0)), 24),
            Traffic::All,
        ),
        entry(
            100,
            AclAction::Allow,
            any,
            Traffic::Tcp(PortRange { from: 80, to: 80 }),
        ),
        entry(
            110,
            AclAction::Allow,
            any,
            Traffic::Tcp(PortRange { from: 443, to: 443 }),
        ),
        entry(
            120,
            AclAction::Allow,
            vpc,
            Traffic::Tcp(PortRange { from: 22, to: 22 }),
        ),
        entry(
            130,
            AclAction::Allow,
            any,
            Traffic::Icmp {
                icmp_type: Some(8),
                code: None,
            },
        ),
        entry(
            140,
            AclAction::Allow,
            any,
            Traffic::Tcp(PortRange {
                from: 1024,
                to: 65535,
            }),
        ),
        entry(
            150,
            AclAction::Allow,
            any,
            Traffic::Udp(PortRange {
                from: 1024,
                to: 65535,
            }),
        ),
        entry(32767, AclAction::Deny, any, Traffic::All),
    ];
    let egress = vec![
        entry(
            90,
            AclAction::Deny,
            any,
            Traffic::Tcp(PortRange { from: 25, to: 25 }),
        ),
        entry(100, AclAction::Allow, any, Traffic::All),
        entry(32767, AclAction::Deny, any, Traffic::All),
    ];
    NetworkAcl {
        id: id.into(),
        owner_id: owner.into(),
        ingress,
        egress,
    }
}
