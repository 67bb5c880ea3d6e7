//! One VPC's own objects (spec vpc-to-midonet.md §5, §6, §10, §11, §12): the VPC router and
//! its uplink to eucabr, the VPC chains, the metadata uplink, one bridge per subnet with its
//! router port, DHCP subnet, `.2` ARP entry and metadata port, route-table routes, NAT
//! gateways and network ACL chains. Interfaces and security groups are in `eni.rs`/`sg.rs`.
use super::addr::{self, Allocations};
use super::core::{daemon_host, keys as core_keys};
use super::model::*;
use super::names;
use super::rules::{self, Direction};
use super::settings::Settings;
use super::traffic;
use crate::gni::model::{AclAction, Gni, NatGateway, RouteTarget, Vpc};
use std::collections::HashMap;

/// Keys of a VPC's objects that other translation files refer to.
pub mod keys {
    use super::Key;
    pub fn vpc(vpc: &str) -> Key {
        Key::new(vpc)
    }
    pub fn router(vpc: &str) -> Key {
        vpc_key(vpc, "router")
    }
    pub fn uplink(vpc: &str) -> Key {
        router(vpc).child("uplink")
    }
    pub fn preelip(vpc: &str) -> Key {
        vpc_key(vpc, "preelip")
    }
    pub fn postchain(vpc: &str) -> Key {
        vpc_key(vpc, "postchain")
    }
    pub fn mdulin(vpc: &str) -> Key {
        vpc_key(vpc, "mdulin")
    }
    pub fn mdulout(vpc: &str) -> Key {
        vpc_key(vpc, "mdulout")
    }
    pub fn subnet(vpc: &str, subnet: &str) -> Key {
        Key::new(format!("{vpc}/{subnet}"))
    }
    pub fn subnet_bridge(vpc: &str, subnet: &str) -> Key {
        self::subnet(vpc, subnet).child("bridge")
    }
    /// The VPC router's port in a subnet (address .1).
    pub fn subnet_router_port(vpc: &str, subnet: &str) -> Key {
        self::subnet(vpc, subnet).child("rtport")
    }
    pub fn dhcp(vpc: &str, subnet: &str) -> Key {
        self::subnet(vpc, subnet).child("dhcp")
    }
    fn vpc_key(vpc: &str, role: &str) -> Key {
        Key::new(format!("{vpc}/{role}"))
    }
}

/// Where ENIs of the view live, for route targets (`eni-` → its private IP and subnet).
pub struct EniLocation {
    pub subnet: String,
    pub private_ip: std::net::Ipv4Addr,
}

pub fn vpc_part(
    view: &Gni,
    vpc: &Vpc,
    rtid: u32,
    alloc: &Allocations,
    settings: &Settings,
    enis: &HashMap<&str, EniLocation>,
    p: &mut Part,
) {
    let v = vpc.id.as_str();
    let router = p.router(keys::router(v), names::vpc_router(v, rtid));
    let br_port = p.bridge_port(Key::new(format!("{v}/eucabr-port")), &core_keys::eucabr());
    let uplink = p.router_port(
        keys::uplink(v),
        &router,
        addr::uplink_ip(rtid),
        addr::int_rt_net(),
        None,
    );
    p.link(&uplink, &br_port);
    // The internal net only: a VPC router has no default route; the internet is reached only
    // through route-table entries (§5 step 5, §10).
    p.net_route(&router, addr::int_rt_net(), &uplink);

    let preelip = p.chain(
        keys::preelip(v),
        names::vpc_preelip(v),
        RuleOrder::Unordered,
        Vec::new(),
    );
    let prechain = p.chain(
        Key::new(format!("{v}/prechain")),
        names::vpc_prechain(v),
        RuleOrder::Ordered,
        vec![rules::jump(preelip)],
    );
    let postchain = p.chain(
        keys::postchain(v),
        names::vpc_postchain(v),
        RuleOrder::Unordered,
        Vec::new(),
    );
    p.port_filters(&uplink, prechain, postchain);

    if settings.metadata {
        let md_br_port = p.bridge_port(
            Key::new(format!("{v}/eucamdbr-port")),
            &core_keys::eucamdbr(),
        );
        let md_up = p.router_port(
            router.child("md-uplink"),
            &router,
            addr::md_uplink_ip(rtid),
            addr::int_md_net(),
            None,
        );
        p.link(&md_up, &md_br_port);
        for dst in [addr::METADATA_IP, addr::METADATA_DNS_IP] {
            let gw = Some(addr::eucamdrt_int_ip());
            p.route(&router, addr::any(), addr::host(dst), &md_up, gw, 0);
        }
        let mdulin = p.chain(
            keys::mdulin(v),
            names::vpc_mdulin(v),
            RuleOrder::Unordered,
            Vec::new(),
        );
        let mdulout = p.chain(
            keys::mdulout(v),
            names::vpc_mdulout(v),
            RuleOrder::Unordered,
            Vec::new(),
        );
        p.port_filters(&md_up, mdulin, mdulout);
    }

    let dhcp = super::dhcp::profile(view, vpc, settings);
    for s in &vpc.subnets {
        subnet(view, vpc, s, settings, &dhcp.dns_servers, p);
    }
    for s in &vpc.subnets {
        route_table(vpc, s, enis, p);
    }
    for nat in &vpc.nat_gateways {
        if let Some(rtid) = alloc.nat_rtid(&nat.id) {
            nat_gateway(vpc, nat, rtid, p);
        }
    }
    for acl in &vpc.network_acls {
        for (dir, entries, name) in [
            (
                Direction::Ingress,
                &acl.ingress,
                names::acl_ingress(v, &acl.id),
            ),
            (
                Direction::Egress,
                &acl.egress,
                names::acl_egress(v, &acl.id),
            ),
        ] {
            let rules = entries
                .iter()
                .map(|e| {
                    let allow = e.action == AclAction::Allow;
                    rules::acl_rule(dir, allow, &traffic(e.traffic), e.cidr)
                })
                .collect();
            p.chain(acl_key(v, &acl.id, dir), name, RuleOrder::Ordered, rules);
        }
    }
}

fn acl_key(vpc: &str, acl: &str, dir: Direction) -> Key {
    let d = match dir {
        Direction::Ingress => "ingress",
        Direction::Egress => "egress",
    };
    Key::new(format!("{vpc}/{acl}/{d}"))
}

fn subnet(
    view: &Gni,
    vpc: &Vpc,
    s: &crate::gni::model::Subnet,
    settings: &Settings,
    dns: &[std::net::Ipv4Addr],
    p: &mut Part,
) {
    let v = vpc.id.as_str();
    let router = keys::router(v);
    let cidr = s.cidr;
    let rtport = p.router_port(
        keys::subnet_router_port(v, &s.id),
        &router,
        addr::dot(cidr, 1),
        cidr,
        None,
    );
    // The AWS "local" route: every subnet reaches every other (§6 step 2).
    p.net_route(&router, cidr.trunc(), &rtport);

    let sk = keys::subnet(v, &s.id);
    let acl = |dir| s.network_acl.as_deref().map(|a| acl_key(v, a, dir));
    let sc_in = p.chain(
        sk.child("in"),
        names::subnet_in(&s.id),
        RuleOrder::Ordered,
        rules::subnet_filter(Direction::Ingress, cidr, acl(Direction::Ingress)),
    );
    let sc_out = p.chain(
        sk.child("out"),
        names::subnet_out(&s.id),
        RuleOrder::Ordered,
        rules::subnet_filter(Direction::Egress, cidr, acl(Direction::Egress)),
    );
    let bridge = p.bridge(
        keys::subnet_bridge(v, &s.id),
        names::subnet_bridge(v, &s.id),
        Some((sc_in, sc_out)),
    );
    let brport = p.bridge_port(bridge.child("rtport"), &bridge);
    p.link(&rtport, &brport);

    p.dhcp_subnets.push(DhcpSubnet {
        key: keys::dhcp(v, &s.id),
        bridge: bridge.clone(),
        subnet: cidr.trunc(),
        default_gateway: addr::dot(cidr, 1),
        dns_servers: dns.to_vec(),
        opt121_routes: Vec::new(),
        hosts: Vec::new(),
    });
    // ".2" answers with the router port's MAC (EUCA-13265).
    p.arp_entries.push(ArpEntry {
        bridge: bridge.clone(),
        ip: addr::dot(cidr, 2),
        mac: MacRef::OfPort(rtport),
    });
    if settings.metadata {
        let meta = p.bridge_port(bridge.child("meta"), &bridge);
        p.bind(&meta, daemon_host(view), names::subnet_meta_veth(&s.id));
    }
}

/// The subnet's route table as source routes on the VPC router (§10).
fn route_table(
    vpc: &Vpc,
    s: &crate::gni::model::Subnet,
    enis: &HashMap<&str, EniLocation>,
    p: &mut Part,
) {
    let v = vpc.id.as_str();
    let router = keys::router(v);
    let Some(table) = vpc.route_tables.iter().find(|t| t.id == s.route_table) else {
        return;
    };
    for r in &table.routes {
        let (port, gw, weight) = match &r.target {
            RouteTarget::Local => continue,
            RouteTarget::InternetGateway(_) => (keys::uplink(v), addr::eucart_int_ip(), 10),
            RouteTarget::NatGateway(nat) => {
                let Some(n) = vpc.nat_gateways.iter().find(|n| &n.id == nat) else {
                    continue;
                };
                (keys::subnet_router_port(v, &n.subnet), n.private_ip, 20)
            }
            RouteTarget::NetworkInterface(eni) => {
                let Some(loc) = enis.get(eni.as_str()) else {
                    continue;
                };
                (keys::subnet_router_port(v, &loc.subnet), loc.private_ip, 30)
            }
        };
        p.route(
            &router,
            s.cidr.trunc(),
            r.destination,
            &port,
            Some(gw),
            weight,
        );
    }
}

fn nat_gateway(vpc: &Vpc, nat: &NatGateway, rtid: u32, p: &mut Part) {
    let v = vpc.id.as_str();
    let Some(subnet) = vpc.subnets.iter().find(|s| s.id == nat.subnet) else {
        return;
    };
    let nk = Key::new(nat.id.clone());
    let router = p.router(
        nk.child("router"),
        names::nat_router(&nat.id, &nat.subnet, rtid),
    );
    let br_port = p.bridge_port(nk.child("eucabr-port"), &core_keys::eucabr());
    let uplink = p.router_port(
        router.child("uplink"),
        &router,
        addr::uplink_ip(rtid),
        addr::int_rt_net(),
        None,
    );
    p.link(&uplink, &br_port);
    let mac = nat.mac.map(|m| m.to_string());
    let sport = p.router_port(
        router.child("subnet"),
        &router,
        nat.private_ip,
        subnet.cidr,
        mac,
    );
    let sbr_port = p.bridge_port(
        nk.child("subnet-brport"),
        &keys::subnet_bridge(v, &subnet.id),
    );
    p.link(&sport, &sbr_port);

    p.route(
        &router,
        addr::any(),
        addr::any(),
        &uplink,
        Some(addr::eucart_int_ip()),
        0,
    );
    p.net_route(&router, addr::int_rt_net(), &uplink);
    p.route(
        &router,
        addr::any(),
        vpc.cidr.trunc(),
        &sport,
        Some(addr::dot(subnet.cidr, 1)),
        0,
    );

    let (snat, rev) = match nat.public_ip {
        Some(public) => (
            vec![rules::natgw_snat(vpc.cidr, uplink.clone(), public)],
            vec![rules::natgw_rev_snat(public)],
        ),
        None => (Vec::new(), Vec::new()),
    };
    let rtin = p.chain(
        nk.child("rtin"),
        names::nat_rtin(&nat.id),
        RuleOrder::Ordered,
        rev,
    );
    let rtout = p.chain(
        nk.child("rtout"),
        names::nat_rtout(&nat.id),
        RuleOrder::Ordered,
        snat,
    );
    if let Some(r) = p.routers.iter_mut().find(|r| r.key == router) {
        r.inbound_filter = Some(rtin);
        r.outbound_filter = Some(rtout);
    }
    p.ip_group(
        nk.child("elip_pre"),
        names::elip_pre(&nat.id),
        nat.public_ip,
    );
    if let Some(public) = nat.public_ip {
        p.route(
            &core_keys::eucart(),
            addr::any(),
            addr::host(public),
            &core_keys::eucart_int(),
            Some(addr::uplink_ip(rtid)),
            100,
        );
    }
}
