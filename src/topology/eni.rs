//! One interface's objects (spec vpc-to-midonet.md §7, §9, §4.1 per-interface part): the
//! subnet-bridge port bound to the NC's tap, the `ic_` chains with the anti-spoof rules in
//! eucanetd's order, the `elip_` groups, the DHCP host, ARP and MAC entries, the elastic-IP
//! NAT rules and eucart route, and the metadata NAT rules and eucamdrt route.
use super::addr::{self, Allocations};
use super::core::keys as core_keys;
use super::model::*;
use super::names;
use super::rules::{self, InterfaceRules};
use super::settings::Settings;
use super::sg;
use super::vpc::keys as vpc_keys;
use crate::gni::model::{Instance, NetworkInterface, Vpc};

/// An interface's MidoNet name (`<if>`): the instance id for device 0, else the ENI id (§1.3).
pub fn interface_name<'a>(instance: &'a Instance, eni: &'a NetworkInterface) -> &'a str {
    if eni.device_index == 0 {
        &instance.id
    } else {
        &eni.id
    }
}

pub fn elip_post_key(ifname: &str) -> Key {
    Key::new(format!("{ifname}/elip_post"))
}

/// Rules and leases interfaces add to their VPC's shared chains and DHCP subnets; collected
/// while interfaces are translated and attached once at the end (no per-interface search).
#[derive(Default)]
pub struct Shared {
    pub preelip: Vec<Rule>,
    pub postchain: Vec<Rule>,
    pub mdulin: Vec<Rule>,
    pub mdulout: Vec<Rule>,
    /// By subnet id.
    pub dhcp_hosts: std::collections::HashMap<String, Vec<DhcpHost>>,
}

impl Shared {
    /// Moves the collected rules and leases into the VPC's chains and DHCP subnets.
    pub fn attach(self, vpc: &str, p: &mut Part) {
        let mut dhcp = self.dhcp_hosts;
        for d in &mut p.dhcp_subnets {
            if let Some(subnet) = d.key.as_str().strip_prefix(&format!("{vpc}/")) {
                let subnet = subnet.trim_end_matches("/dhcp");
                if let Some(h) = dhcp.remove(subnet) {
                    d.hosts.extend(h);
                }
            }
        }
        for (key, rules) in [
            (vpc_keys::preelip(vpc), self.preelip),
            (vpc_keys::postchain(vpc), self.postchain),
            (vpc_keys::mdulin(vpc), self.mdulin),
            (vpc_keys::mdulout(vpc), self.mdulout),
        ] {
            if let Some(c) = p.chain_mut(&key) {
                c.rules.extend(rules);
            }
        }
    }
}

/// What the translation knows about the interface beyond the view element.
pub struct Placement<'a> {
    pub vpc: &'a Vpc,
    pub rtid: u32,
    pub instance: &'a Instance,
    /// The NC the instance runs on.
    pub node: &'a str,
    /// The extra DHCP options every host of the VPC gets.
    pub dhcp_opts: &'a [(String, String)],
}

/// Builds one interface into its VPC's part.
pub fn interface(
    at: &Placement,
    eni: &NetworkInterface,
    alloc: &Allocations,
    settings: &Settings,
    shared: &mut Shared,
    p: &mut Part,
) {
    let (vpc, rtid, instance, node) = (at.vpc, at.rtid, at.instance, at.node);
    let v = vpc.id.as_str();
    let Some(subnet) = vpc.subnets.iter().find(|s| s.id == eni.subnet) else {
        return;
    };
    let ifname = interface_name(instance, eni);
    let ik = Key::new(ifname);
    let mac = eni.mac.to_string();
    let bridge = vpc_keys::subnet_bridge(v, &subnet.id);

    let ir = InterfaceRules {
        mac: &mac,
        private_ip: eni.private_ip,
        subnet: subnet.cidr,
        source_dest_check: eni.source_dest_check,
        l2_isolation: settings.l2_isolation,
        egress_jumps: eni
            .security_groups
            .iter()
            .map(|g| sg::egress_key(g))
            .collect(),
        ingress_jumps: eni
            .security_groups
            .iter()
            .map(|g| sg::ingress_key(g))
            .collect(),
    };
    let pre = p.chain(
        ik.child("prechain"),
        names::if_prechain(ifname),
        RuleOrder::Ordered,
        rules::if_prechain(&ir),
    );
    let post = p.chain(
        ik.child("postchain"),
        names::if_postchain(ifname),
        RuleOrder::Ordered,
        rules::if_postchain(&ir),
    );
    p.ip_group(ik.child("elip_pre"), names::elip_pre(ifname), eni.public_ip);
    let elip_post = p.ip_group(
        elip_post_key(ifname),
        names::elip_post(ifname),
        [eni.private_ip],
    );

    let port = p.bridge_port(ik.child("port"), &bridge);
    p.bind(&port, HostRef(node.to_string()), names::tap(ifname));
    p.port_filters(&port, pre, post);

    shared
        .dhcp_hosts
        .entry(subnet.id.clone())
        .or_default()
        .push(DhcpHost {
            name: ifname.to_string(),
            mac: mac.clone(),
            ip: eni.private_ip,
            extra_opts: at.dhcp_opts.to_vec(),
        });
    if settings.arp_table {
        p.arp_entries.push(ArpEntry {
            bridge: bridge.clone(),
            ip: eni.private_ip,
            mac: MacRef::Literal(mac.clone()),
        });
        p.mac_entries.push(MacEntry {
            bridge: bridge.clone(),
            mac: mac.clone(),
            port: port.clone(),
        });
    }

    if let Some(public) = eni.public_ip {
        shared.preelip.push(rules::eip_dnat(public, eni.private_ip));
        shared
            .postchain
            .push(rules::eip_snat(public, elip_post, vpc.cidr));
        p.route(
            &core_keys::eucart(),
            addr::any(),
            addr::host(public),
            &core_keys::eucart_int(),
            Some(addr::uplink_ip(rtid)),
            100,
        );
    }

    if settings.metadata {
        if let Some(eniid) = alloc.eniid(ifname) {
            let md = addr::md_ip(eniid);
            shared.mdulin.push(rules::md_dnat(md, eni.private_ip));
            shared.mdulout.push(rules::md_snat(eni.private_ip, md));
            p.route(
                &core_keys::eucamdrt(),
                addr::any(),
                addr::host(md),
                &core_keys::eucamdrt_int(),
                Some(addr::md_uplink_ip(rtid)),
                100,
            );
        }
    }
}
