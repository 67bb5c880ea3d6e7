//! Synthetic views: valid, deterministic (same parameters → same view, hence same bytes),
//! and shaped like what a CLC emits, for tests, benchmarks and `vpcmido gen`.
//!
//! The mix: group-referencing and CIDR security group rules over ICMP/TCP/UDP/all; per VPC
//! a default ACL plus a custom one with several entries, an attached internet gateway, a main
//! route table to it, and — with two subnets or more — a NAT gateway and a private route
//! table with NAT and ENI routes; about one instance in ten has a secondary ENI
//! (deviceIndex 1); elastic IPs at the requested ratio; one or two clusters; static or BGP
//! gateways. Everything is built in one pass over the ENIs: 40,000 ENIs, written out, take
//! about 0.15 s. Ids come from a bijective scramble of counters, so they never collide.
use ipnet::Ipv4Net;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::net::Ipv4Addr;

use super::model::*;

mod policy;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenParams {
    pub vpcs: usize,
    pub subnets_per_vpc: usize,
    pub enis_per_subnet: usize,
    pub sgs_per_vpc: usize,
    /// Rules per group: one egress rule (all traffic out) and the rest ingress.
    pub rules_per_sg: usize,
    /// Fraction of ENIs (0.0..=1.0) with an elastic IP.
    pub eip_ratio: f64,
    pub seed: u64,
    pub gateways: GatewayMode,
}

impl Default for GenParams {
    fn default() -> Self {
        GenParams {
            vpcs: 2,
            subnets_per_vpc: 2,
            enis_per_subnet: 4,
            sgs_per_vpc: 2,
            rules_per_sg: 4,
            eip_ratio: 0.3,
            seed: 1,
            gateways: GatewayMode::Auto,
        }
    }
}

/// Which kind of MidoNet gateways the view configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GatewayMode {
    /// Chosen by the seed.
    #[default]
    Auto,
    /// `externalRouterIp` next hops.
    Static,
    /// BGP peers advertising the public IP range.
    Bgp,
}

/// Parameters that cannot produce a valid view.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GenError {
    #[error("--eip-ratio must be between 0 and 1, not {0}")]
    Ratio(f64),
    #[error("ENIs need security groups: use --sgs-per-vpc 1 or more")]
    NoGroups,
    #[error("{0} subnets per VPC of {1} ENIs each do not fit in 10.0.0.0/8")]
    TooDense(usize, usize),
    #[error(
        "{0} ENIs and NAT gateways exceed the public IP pool (198.18.0.0/15, {POOL} addresses)"
    )]
    TooManyPublicIps(usize),
}

/// Public addresses available in 198.18.0.0/15 (minus network and broadcast).
const POOL: usize = (1 << 17) - 2;
const PUBLIC_NET: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 0);
/// First host offset used by ENIs in a subnet; below are the router, DNS and the NAT gateway.
const FIRST_ENI: u32 = 10;
const NAT_OFFSET: u32 = 5;
/// Instances per node controller.
const INSTANCES_PER_NODE: usize = 16;

/// Generates a view.
pub fn generate(p: &GenParams) -> Result<Gni, GenError> {
    if !(0.0..=1.0).contains(&p.eip_ratio) {
        return Err(GenError::Ratio(p.eip_ratio));
    }
    if p.sgs_per_vpc == 0 && p.enis_per_subnet > 0 && p.subnets_per_vpc > 0 {
        return Err(GenError::NoGroups);
    }
    let host_bits = bits_for(p.enis_per_subnet as u64 + u64::from(FIRST_ENI) + 1).max(4);
    let vpc_prefix = 32i64 - i64::from(host_bits) - i64::from(bits_for(p.subnets_per_vpc as u64));
    if vpc_prefix < 8 {
        return Err(GenError::TooDense(p.subnets_per_vpc, p.enis_per_subnet));
    }
    let nat_count = if p.subnets_per_vpc >= 2 { p.vpcs } else { 0 };
    let publics = p.vpcs * p.subnets_per_vpc * p.enis_per_subnet + nat_count;
    if publics > POOL {
        return Err(GenError::TooManyPublicIps(publics));
    }
    let mut g = Gen {
        p,
        rng: StdRng::seed_from_u64(p.seed),
        next_public: 1,
        host_bits: host_bits as u8,
        vpc_prefix: vpc_prefix as u8,
        clusters: if p.vpcs * p.subnets_per_vpc >= 2 {
            2
        } else {
            1
        },
        placements: Vec::new(),
    };
    let config = g.config(publics);
    let mut gni = Gni::new(format!("{:08x}", fingerprint(p)), config);
    for v in 0..p.vpcs {
        g.vpc(&mut gni, v);
    }
    g.place(&mut gni);
    Ok(gni)
}

/// Bits needed to number `n` things (0 for n ≤ 1).
fn bits_for(n: u64) -> u32 {
    if n <= 1 {
        0
    } else {
        64 - (n - 1).leading_zeros()
    }
}

/// A stable hash of the parameters (FNV-1a), for the view's version.
fn fingerprint(p: &GenParams) -> u32 {
    let text = format!("{p:?}");
    text.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Distinct counters give distinct ids: multiplying by an odd constant is a bijection mod 2^32.
fn id8(prefix: &str, salt: u32, n: usize) -> String {
    format!(
        "{prefix}-{:08x}",
        (n as u32).wrapping_mul(0x9e37_79b1).wrapping_add(salt)
    )
}

fn account(v: usize) -> String {
    format!("{:012}", 123_456_789 + (v % 5) as u64 * 1_111)
}

fn net(addr: u32, prefix: u8) -> Ipv4Net {
    // Prefixes here are computed ≤ 32, so this cannot fail; the fallback keeps it total.
    Ipv4Net::new(Ipv4Addr::from(addr), prefix).unwrap_or_default()
}

struct Gen<'p> {
    p: &'p GenParams,
    rng: StdRng,
    next_public: u32,
    host_bits: u8,
    vpc_prefix: u8,
    clusters: usize,
    /// (instance position, cluster) for every instance, in creation order.
    placements: Vec<(usize, usize)>,
}

impl Gen<'_> {
    fn public_ip(&mut self) -> Ipv4Addr {
        let ip = Ipv4Addr::from(u32::from(PUBLIC_NET) + self.next_public);
        self.next_public += 1;
        ip
    }

    fn config(&mut self, publics: usize) -> Config {
        let bgp = match self.p.gateways {
            GatewayMode::Auto => self.rng.gen_bool(0.5),
            GatewayMode::Static => false,
            GatewayMode::Bgp => true,
        };
        let count = self.rng.gen_range(1..=2u8);
        let gateways = (0..count)
            .map(|i| {
                let base = u32::from(Ipv4Addr::new(198, 51, 100, 0)) + u32::from(i) * 64;
                let routing = if bgp {
                    Routing::Bgp {
                        peer_ip: Ipv4Addr::from(base + 1),
                        peer_asn: 65001 + u32::from(i),
                        ad_routes: vec![net(u32::from(PUBLIC_NET), 15)],
                        external_router_ip: None,
                    }
                } else {
                    Routing::Static {
                        next_hop: Ipv4Addr::from(base + 1),
                    }
                };
                Gateway {
                    format: GatewayFormat::Current,
                    host: Ipv4Addr::new(10, 20, 0, 21 + i).to_string(),
                    external_cidr: net(base, 26),
                    external_device: format!("eth1.{}", 100 + u16::from(i)),
                    external_ip: Ipv4Addr::from(base + 10),
                    routing,
                }
            })
            .collect();
        let last = u32::from(PUBLIC_NET) + publics.max(1) as u32;
        Config {
            mode: Mode::Vpcmido,
            public_ips: vec![IpRange {
                first: Ipv4Addr::from(u32::from(PUBLIC_NET) + 1),
                last: Ipv4Addr::from(last),
            }],
            enabled_clc_ip: Ipv4Addr::new(10, 20, 0, 10),
            instance_dns_domain: "eucalyptus.internal".into(),
            instance_dns_servers: vec![Ipv4Addr::new(10, 20, 0, 53), Ipv4Addr::new(10, 20, 0, 54)],
            mido: Mido {
                gateways,
                eucanetd_host: None,
                bgp_asn: bgp.then_some(64512),
                public_network_cidr: None,
                public_gateway_ip: None,
            },
            clusters: (0..self.clusters)
                .map(|c| Cluster {
                    name: format!("az{}", c + 1),
                    subnet: Some(ClusterSubnet {
                        name: "172.31.0.0".into(),
                        subnet: Ipv4Addr::new(172, 31, 0, 0),
                        netmask: Ipv4Addr::new(255, 255, 0, 0),
                        gateway: Ipv4Addr::new(172, 31, 0, 1),
                    }),
                    enabled_cc_ip: Ipv4Addr::new(10, 20, 0, 11 + c as u8),
                    mac_prefix: MacPrefix([0xd0, 0x0d]),
                    private_ips: vec![IpRange {
                        first: Ipv4Addr::new(172, 31, 0, 5),
                        last: Ipv4Addr::new(172, 31, 0, 5),
                    }],
                    nodes: Vec::new(),
                })
                .collect(),
        }
    }

    fn vpc(&mut self, gni: &mut Gni, v: usize) {
        let p = self.p;
        let owner = account(v);
        let vpc_id = id8("vpc", 0x1000, v);
        let vpc_bits = 32 - u32::from(self.vpc_prefix);
        let slots = 1u64 << (u32::from(self.vpc_prefix) - 8);
        let vpc_base =
            u32::from(Ipv4Addr::new(10, 0, 0, 0)) + ((v as u64 % slots) << vpc_bits) as u32;
        let igw = id8("igw", 0x2000, v);
        let groups: Vec<String> = (0..p.sgs_per_vpc)
            .map(|s| id8("sg", 0x3000, v * p.sgs_per_vpc + s))
            .collect();
        let custom_acl = id8("acl", 0x4000, 2 * v);
        let default_acl = id8("acl", 0x4000, 2 * v + 1);
        let main_rtb = id8("rtb", 0x5000, 2 * v);
        let private_rtb = id8("rtb", 0x5000, 2 * v + 1);
        let with_nat = p.subnets_per_vpc >= 2;

        let mut vpc = Vpc {
            id: vpc_id.clone(),
            owner_id: owner.clone(),
            cidr: net(vpc_base, self.vpc_prefix),
            dhcp_option_set: None,
            subnets: Vec::new(),
            network_acls: vec![
                policy::custom_acl(&custom_acl, &owner, net(vpc_base, self.vpc_prefix)),
                policy::default_acl(&default_acl, &owner),
            ],
            route_tables: Vec::new(),
            nat_gateways: Vec::new(),
            internet_gateways: vec![igw.clone()],
        };
        if v % 2 == 0 {
            let dopt = id8("dopt", 0x6000, v);
            vpc.dhcp_option_set = Some(dopt.clone());
            gni.dhcp_option_sets.push(DhcpOptionSet {
                id: dopt,
                owner_id: owner.clone(),
                options: vec![
                    DhcpOption {
                        name: "domain-name".into(),
                        values: vec!["eucalyptus.internal".into()],
                    },
                    DhcpOption {
                        name: "domain-name-servers".into(),
                        values: vec!["10.20.0.53".into()],
                    },
                ],
            });
        }
        gni.internet_gateways.push(InternetGateway {
            id: igw.clone(),
            owner_id: owner.clone(),
        });

        let mut route_eni = None;
        let mut last_single: Option<usize> = None;
        for s in 0..p.subnets_per_vpc {
            let subnet_id = id8("subnet", 0x7000, v * p.subnets_per_vpc + s);
            let subnet_base = vpc_base + ((s as u32) << self.host_bits);
            let cluster = (v * p.subnets_per_vpc + s) % self.clusters;
            vpc.subnets.push(Subnet {
                id: subnet_id.clone(),
                owner_id: owner.clone(),
                cidr: net(subnet_base, 32 - self.host_bits),
                cluster: format!("az{}", cluster + 1),
                network_acl: Some(if s == 0 {
                    custom_acl.clone()
                } else {
                    default_acl.clone()
                }),
                route_table: if s == 0 || !with_nat {
                    main_rtb.clone()
                } else {
                    private_rtb.clone()
                },
            });
            if s == 0 && with_nat {
                let public_ip = Some(self.public_ip());
                vpc.nat_gateways.push(NatGateway {
                    id: format!(
                        "nat-0{:016x}",
                        (v as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    ),
                    owner_id: owner.clone(),
                    mac: Some(MacAddr([
                        0xd0,
                        0x0d,
                        0xee,
                        (v >> 16) as u8,
                        (v >> 8) as u8,
                        v as u8,
                    ])),
                    public_ip,
                    private_ip: Ipv4Addr::from(subnet_base + NAT_OFFSET),
                    vpc: vpc_id.clone(),
                    subnet: subnet_id.clone(),
                });
            }
            for k in 0..p.enis_per_subnet {
                let n = (v * p.subnets_per_vpc + s) * p.enis_per_subnet + k;
                let eni_id = id8("eni", 0x8000, n);
                let hex = &eni_id[4..];
                let octet = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
                let first = self.rng.gen_range(0..groups.len().max(1));
                let mut sgs = vec![groups.get(first).cloned().unwrap_or_default()];
                if groups.len() > 1 && self.rng.gen_bool(0.3) {
                    sgs.push(groups[(first + 1) % groups.len()].clone());
                }
                let public_ip = self.rng.gen_bool(p.eip_ratio).then(|| self.public_ip());
                let secondary = last_single.filter(|_| self.rng.gen_bool(0.1));
                let eni = NetworkInterface {
                    id: eni_id.clone(),
                    owner_id: owner.clone(),
                    device_index: u32::from(secondary.is_some()),
                    attachment_id: format!("eni-attach-{hex}"),
                    mac: MacAddr([0xd0, 0x0d, octet(0), octet(2), octet(4), octet(6)]),
                    private_ip: Ipv4Addr::from(subnet_base + FIRST_ENI + k as u32),
                    public_ip,
                    source_dest_check: !self.rng.gen_bool(0.05),
                    vpc: vpc_id.clone(),
                    subnet: subnet_id.clone(),
                    security_groups: sgs,
                };
                if s == 1 && route_eni.is_none() {
                    route_eni = Some(eni_id.clone());
                }
                match secondary {
                    Some(i) => {
                        gni.instances[i].network_interfaces.push(eni);
                        last_single = None;
                    }
                    None => {
                        let i = gni.instances.len();
                        gni.instances.push(Instance {
                            id: id8("i", 0x9000, n),
                            owner_id: owner.clone(),
                            mac: Some(eni.mac),
                            public_ip: eni.public_ip,
                            private_ip: eni.private_ip,
                            vpc: vpc_id.clone(),
                            subnet: subnet_id.clone(),
                            security_groups: eni.security_groups.clone(),
                            network_interfaces: vec![eni],
                        });
                        self.placements.push((i, cluster));
                        last_single = Some(i);
                    }
                }
            }
        }
        let local = Route {
            destination: vpc.cidr,
            target: RouteTarget::Local,
        };
        vpc.route_tables.push(RouteTable {
            id: main_rtb,
            owner_id: owner.clone(),
            routes: vec![
                local.clone(),
                Route {
                    destination: net(0, 0),
                    target: RouteTarget::InternetGateway(igw),
                },
            ],
        });
        if let Some(nat) = vpc.nat_gateways.first() {
            let mut routes = vec![
                local,
                Route {
                    destination: net(0, 0),
                    target: RouteTarget::NatGateway(nat.id.clone()),
                },
            ];
            if let Some(eni) = route_eni {
                let dest = u32::from(Ipv4Addr::new(192, 168, (v % 256) as u8, 0));
                routes.push(Route {
                    destination: net(dest, 24),
                    target: RouteTarget::NetworkInterface(eni),
                });
            }
            vpc.route_tables.push(RouteTable {
                id: private_rtb,
                owner_id: owner.clone(),
                routes,
            });
        }
        for (s, id) in groups.iter().enumerate() {
            let group = policy::security_group(
                &mut self.rng,
                p.rules_per_sg,
                id,
                &owner,
                &groups,
                s,
                vpc.cidr,
            );
            gni.security_groups.push(group);
        }
        gni.vpcs.push(vpc);
    }

    /// Puts instances on nodes of their primary subnet's cluster, 16 per node.
    fn place(&mut self, gni: &mut Gni) {
        let mut per_cluster = vec![0usize; self.clusters];
        for &(i, c) in &self.placements {
            let (Some(cluster), Some(count)) =
                (gni.config.clusters.get_mut(c), per_cluster.get_mut(c))
            else {
                continue;
            };
            let node = *count / INSTANCES_PER_NODE;
            *count += 1;
            if cluster.nodes.len() <= node {
                let name = Ipv4Addr::new(
                    10,
                    100 + c as u8,
                    (node / 250) as u8,
                    (node % 250 + 1) as u8,
                );
                cluster.nodes.push(Node {
                    name: name.to_string(),
                    instance_ids: Vec::new(),
                });
            }
            if let (Some(n), Some(inst)) = (cluster.nodes.get_mut(node), gni.instances.get(i)) {
                n.instance_ids.push(inst.id.clone());
            }
        }
    }
}
