//! MidoNet object names, exactly as eucanetd builds them (spec vpc-to-midonet.md §2.2), and
//! their parsers. Names are the database: every owned object is recognised by its name alone,
//! so these functions are the contract with clouds that eucanetd built.
//!
//! Unlike eucanetd, nothing here truncates: names are sized for 17-hex long ids (§17).

pub const EUCART: &str = "eucart";
pub const EUCABR: &str = "eucabr";
pub const EUCAPG: &str = "eucapg";
pub const EUCABR_INFILTER: &str = "eucabr_infilter";
pub const EUCA_VERSION: &str = "euca_version";
pub const METADATA_IP: &str = "metadata_ip";
pub const EUCAMDRT: &str = "eucamdrt";
pub const EUCAMDBR: &str = "eucamdbr";
pub const EUCAMDRT_EXTPORTOUT: &str = "eucamdrt_extportout";

/// Tunnel-zone names eucanetd accepts (the `-T` tool creates the first).
pub const TUNNEL_ZONE_NAMES: [&str; 4] = ["mido-tz", "midotz", "euca-tz", "eucatz"];

pub fn vpc_router(vpc: &str, rtid: u32) -> String {
    format!("vr_{vpc}_{rtid}")
}
pub fn vpc_prechain(vpc: &str) -> String {
    format!("vc_{vpc}_prechain")
}
pub fn vpc_preelip(vpc: &str) -> String {
    format!("vc_{vpc}_preelip")
}
pub fn vpc_postchain(vpc: &str) -> String {
    format!("vc_{vpc}_postchain")
}
pub fn vpc_mdulin(vpc: &str) -> String {
    format!("vc_{vpc}_mdulin")
}
pub fn vpc_mdulout(vpc: &str) -> String {
    format!("vc_{vpc}_mdulout")
}
pub fn subnet_bridge(vpc: &str, subnet: &str) -> String {
    format!("vb_{vpc}_{subnet}")
}
pub fn subnet_in(subnet: &str) -> String {
    format!("sc_{subnet}_in")
}
pub fn subnet_out(subnet: &str) -> String {
    format!("sc_{subnet}_out")
}
pub fn if_prechain(ifname: &str) -> String {
    format!("ic_{ifname}_prechain")
}
pub fn if_postchain(ifname: &str) -> String {
    format!("ic_{ifname}_postchain")
}
pub fn elip_pre(ifname: &str) -> String {
    format!("elip_pre_{ifname}")
}
pub fn elip_post(ifname: &str) -> String {
    format!("elip_post_{ifname}")
}
pub fn sg_ingress(sg: &str) -> String {
    format!("sg_ingress_{sg}")
}
pub fn sg_egress(sg: &str) -> String {
    format!("sg_egress_{sg}")
}
pub fn sg_priv(sg: &str) -> String {
    format!("sg_priv_{sg}")
}
pub fn sg_pub(sg: &str) -> String {
    format!("sg_pub_{sg}")
}
pub fn sg_all(sg: &str) -> String {
    format!("sg_all_{sg}")
}
pub fn nat_router(nat: &str, subnet: &str, rtid: u32) -> String {
    format!("natr_{nat}_{subnet}_{rtid}")
}
pub fn nat_rtin(nat: &str) -> String {
    format!("natc_{nat}_rtin")
}
pub fn nat_rtout(nat: &str) -> String {
    format!("natc_{nat}_rtout")
}
pub fn acl_ingress(vpc: &str, acl: &str) -> String {
    format!("acl_ingress_{vpc}_{acl}")
}
pub fn acl_egress(vpc: &str, acl: &str) -> String {
    format!("acl_egress_{vpc}_{acl}")
}

/// The short form of an interface name used in Linux device names: prefix plus 8 hex digits
/// (`i-12345678`, `eni-12345678`), as the NC names its taps.
pub fn short_ifname(ifname: &str) -> &str {
    match ifname.find('-') {
        Some(dash) => {
            let end = (dash + 1 + 8).min(ifname.len());
            &ifname[..end]
        }
        None => ifname,
    }
}

/// The NC's tap for an interface: `vn_<shortIfname>`.
pub fn tap(ifname: &str) -> String {
    format!("vn_{}", short_ifname(ifname))
}

/// The per-subnet metadata veth end bound to the subnet bridge: `vn0_<8 chars after subnet->`.
pub fn subnet_meta_veth(subnet: &str) -> String {
    let short = subnet.strip_prefix("subnet-").unwrap_or(subnet);
    let end = short.len().min(8);
    format!("vn0_{}", &short[..end])
}

/// The MidoNet-MD veth end bound to eucamdrt's external port.
pub const MD_VETH_MIDO: &str = "eucamd_mido";

/// A router name vpcmido (or eucanetd) owns, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnedRouter {
    Core,
    Metadata,
    Vpc {
        vpc: String,
        rtid: u32,
    },
    Nat {
        nat: String,
        subnet: String,
        rtid: u32,
    },
}

/// Parses `vr_<vpc>_<rtid>` and `natr_<nat>_<subnet>_<rtid>` (rtid non-zero), `eucart` and
/// `eucamdrt`. Exact parsing, not eucanetd's substring test (§17): `vr_vpc-1_5` never matches
/// `vr_vpc-1_52`.
pub fn parse_router(name: &str) -> Option<OwnedRouter> {
    match name {
        EUCART => return Some(OwnedRouter::Core),
        EUCAMDRT => return Some(OwnedRouter::Metadata),
        _ => {}
    }
    if let Some(rest) = name.strip_prefix("vr_") {
        let (vpc, rtid) = rest.rsplit_once('_')?;
        let rtid = parse_rtid(rtid)?;
        if is_id(vpc, "vpc") {
            return Some(OwnedRouter::Vpc {
                vpc: vpc.to_string(),
                rtid,
            });
        }
        return None;
    }
    if let Some(rest) = name.strip_prefix("natr_") {
        let (head, rtid) = rest.rsplit_once('_')?;
        let rtid = parse_rtid(rtid)?;
        let (nat, subnet) = head.split_once('_')?;
        if is_id(nat, "nat") && is_id(subnet, "subnet") {
            return Some(OwnedRouter::Nat {
                nat: nat.to_string(),
                subnet: subnet.to_string(),
                rtid,
            });
        }
    }
    None
}

fn parse_rtid(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.starts_with('0') {
        return None;
    }
    s.parse().ok().filter(|&r| r != 0)
}

/// `<prefix>-<8 or 17 lower-case hex>`.
pub fn is_id(s: &str, prefix: &str) -> bool {
    let Some(hex) = s
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
    else {
        return false;
    };
    (hex.len() == 8 || hex.len() == 17)
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether a chain, bridge or IP-address-group name is one vpcmido (or eucanetd) owns.
/// Used to decide what may be deleted: anything else is never touched.
pub fn is_owned_name(name: &str) -> bool {
    const EXACT: [&str; 9] = [
        EUCART,
        EUCABR,
        EUCAPG,
        EUCABR_INFILTER,
        EUCA_VERSION,
        METADATA_IP,
        EUCAMDRT,
        EUCAMDBR,
        EUCAMDRT_EXTPORTOUT,
    ];
    if EXACT.contains(&name) || parse_router(name).is_some() {
        return true;
    }
    const PREFIXES: [&str; 10] = [
        "vc_vpc-",
        "vb_vpc-",
        "sc_subnet-",
        "ic_",
        "elip_pre_",
        "elip_post_",
        "sg_ingress_sg-",
        "sg_egress_sg-",
        "natc_nat-",
        "acl_",
    ];
    const SG_IAG: [&str; 3] = ["sg_priv_sg-", "sg_pub_sg-", "sg_all_sg-"];
    PREFIXES.iter().any(|p| name.starts_with(p)) || SG_IAG.iter().any(|p| name.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn router_names_round_trip() {
        assert_eq!(vpc_router("vpc-1a2b3c4d", 2), "vr_vpc-1a2b3c4d_2");
        assert_eq!(
            parse_router("vr_vpc-1a2b3c4d_2"),
            Some(OwnedRouter::Vpc {
                vpc: "vpc-1a2b3c4d".into(),
                rtid: 2
            })
        );
        let long = nat_router("nat-0a1b2c3d4e5f60718", "subnet-0a0b0c0d", 17);
        assert_eq!(long, "natr_nat-0a1b2c3d4e5f60718_subnet-0a0b0c0d_17");
        assert_eq!(
            parse_router(&long),
            Some(OwnedRouter::Nat {
                nat: "nat-0a1b2c3d4e5f60718".into(),
                subnet: "subnet-0a0b0c0d".into(),
                rtid: 17
            })
        );
    }

    #[test]
    fn router_parse_rejects_zero_and_foreign() {
        assert_eq!(parse_router("vr_vpc-1a2b3c4d_0"), None);
        assert_eq!(parse_router("vr_vpc-1a2b3c4d_02"), None);
        assert_eq!(parse_router("vr_vpc-1a2b3c4d_"), None);
        assert_eq!(parse_router("vr_vpc-XYZ_2"), None);
        assert_eq!(parse_router("router-of-someone-else"), None);
        assert_eq!(parse_router("eucart"), Some(OwnedRouter::Core));
    }

    #[test]
    fn device_names_are_short() {
        assert_eq!(tap("i-0f1e2d3c"), "vn_i-0f1e2d3c");
        assert_eq!(tap("eni-0123456789abcdef0"), "vn_eni-01234567");
        assert_eq!(subnet_meta_veth("subnet-0a0b0c0d"), "vn0_0a0b0c0d");
    }

    #[test]
    fn ownership_by_name() {
        assert!(is_owned_name("sg_ingress_sg-0a0b0c0d"));
        assert!(is_owned_name("vb_vpc-0a0b0c0d_subnet-0a0b0c0d"));
        assert!(is_owned_name("eucabr_infilter"));
        assert!(!is_owned_name("tenant-router"));
        assert!(!is_owned_name("sg_custom"));
    }
}
