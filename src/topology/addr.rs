//! The address plan (spec vpc-to-midonet.md §2.1) and the allocation of router ids (rtid) and
//! interface ids (eniid).
//!
//! Both ids live inside MidoNet — the rtid in router names, the eniid in the metadata SNAT
//! rule's NAT target — so they survive restarts and are recovered from what MidoNet holds
//! ([`Allocations::recover`]); new ones take the lowest free value, never a live one.
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// Internal routing net (`MIDO_INTRT_CIDR`): eucart is .1, each router uplink is .rtid.
pub const INT_RT_NET: Ipv4Addr = Ipv4Addr::new(169, 254, 0, 0);
pub const INT_RT_LEN: u8 = 17;
/// Internal metadata net (`MIDO_INTMD_CIDR`): eucamdrt is .1, each VPC MD uplink is .rtid.
pub const INT_MD_NET: Ipv4Addr = Ipv4Addr::new(169, 254, 128, 0);
pub const INT_MD_LEN: u8 = 17;
/// External metadata net (`MIDO_EXTMD_CIDR`).
pub const EXT_MD_NET: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 248);
pub const EXT_MD_LEN: u8 = 29;
/// Per-interface metadata addresses (`MIDO_MD_CIDR`): 255.0.0.0 + eniid.
pub const MD_NET: Ipv4Addr = Ipv4Addr::new(255, 0, 0, 0);
pub const METADATA_IP: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 254);
pub const METADATA_DNS_IP: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 253);
/// eucamdrt's external port address (external MD net + 1).
pub const MD_EXT_PORT_IP: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 249);

/// rtid range (`[2, MIDO_MAX_RTID)`); 10744..=10751 would put MD uplinks on the external MD net.
pub const RTID_MIN: u32 = 2;
pub const RTID_MAX_DEFAULT: u32 = 10240;
const RTID_SKIP: std::ops::RangeInclusive<u32> = 10744..=10751;
/// eniid range (`[10, MIDO_MAX_ENIID)`).
pub const ENIID_MIN: u32 = 10;
pub const ENIID_MAX_DEFAULT: u32 = 1_048_576;

pub fn net(addr: Ipv4Addr, len: u8) -> Ipv4Net {
    // Lengths used here are constants ≤ 32 or come from validated CIDRs.
    Ipv4Net::new(addr, len.min(32)).unwrap_or_else(|_| Ipv4Net::default())
}

pub fn int_rt_net() -> Ipv4Net {
    net(INT_RT_NET, INT_RT_LEN)
}
pub fn int_md_net() -> Ipv4Net {
    net(INT_MD_NET, INT_MD_LEN)
}
pub fn ext_md_net() -> Ipv4Net {
    net(EXT_MD_NET, EXT_MD_LEN)
}
pub fn host(a: Ipv4Addr) -> Ipv4Net {
    net(a, 32)
}
pub fn any() -> Ipv4Net {
    net(Ipv4Addr::UNSPECIFIED, 0)
}

/// `base + n` (saturating within IPv4).
pub fn offset(base: Ipv4Addr, n: u32) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(base).saturating_add(n))
}

/// eucart's address on the internal routing net.
pub fn eucart_int_ip() -> Ipv4Addr {
    offset(INT_RT_NET, 1)
}
/// A VPC or NAT-gateway router's uplink address.
pub fn uplink_ip(rtid: u32) -> Ipv4Addr {
    offset(INT_RT_NET, rtid)
}
pub fn eucamdrt_int_ip() -> Ipv4Addr {
    offset(INT_MD_NET, 1)
}
pub fn md_uplink_ip(rtid: u32) -> Ipv4Addr {
    offset(INT_MD_NET, rtid)
}
pub fn md_ip(eniid: u32) -> Ipv4Addr {
    offset(MD_NET, eniid)
}
/// The eniid behind a per-interface metadata address, if it is one.
pub fn eniid_of_md_ip(a: Ipv4Addr) -> Option<u32> {
    let n = u32::from(a).checked_sub(u32::from(MD_NET))?;
    (n >= ENIID_MIN && u32::from(a) >> 24 == 255).then_some(n)
}
/// A subnet's `.n` address (network + n).
pub fn dot(subnet: Ipv4Net, n: u32) -> Ipv4Addr {
    offset(subnet.network(), n)
}

/// Who holds an rtid: a VPC router or a NAT-gateway router (one shared space).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RtidOwner {
    Vpc(String),
    Nat(String),
}

/// Router and interface ids, recovered from MidoNet and extended for new objects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allocations {
    pub rtids: BTreeMap<RtidOwner, u32>,
    /// By interface name (`<if>`: instance id for device 0, else ENI id).
    pub eniids: BTreeMap<String, u32>,
}

impl Allocations {
    /// Starts from what MidoNet holds. Two owners claiming one id (a duplicate router from an
    /// interrupted eucanetd run, say) keep the first; the second gets a fresh id when needed.
    pub fn recover(
        rtids: impl IntoIterator<Item = (RtidOwner, u32)>,
        eniids: impl IntoIterator<Item = (String, u32)>,
    ) -> Self {
        let mut a = Allocations::default();
        let mut used = BTreeSet::new();
        for (owner, rtid) in rtids {
            if !a.rtids.contains_key(&owner) && used.insert(rtid) {
                a.rtids.insert(owner, rtid);
            }
        }
        let mut used = BTreeSet::new();
        for (ifname, eniid) in eniids {
            if !a.eniids.contains_key(&ifname) && used.insert(eniid) {
                a.eniids.insert(ifname, eniid);
            }
        }
        a
    }

    /// Gives every owner in `wanted` an rtid (keeping existing ones, lowest free for new ones)
    /// and drops the rtids of owners no longer wanted. Returns the owners that could not get
    /// one (space exhausted).
    pub fn assign_rtids(&mut self, wanted: &BTreeSet<RtidOwner>, max: u32) -> Vec<RtidOwner> {
        self.rtids.retain(|o, _| wanted.contains(o));
        let used: BTreeSet<u32> = self.rtids.values().copied().collect();
        let mut free = (RTID_MIN..max).filter(|r| !RTID_SKIP.contains(r) && !used.contains(r));
        let mut exhausted = Vec::new();
        for owner in wanted {
            if self.rtids.contains_key(owner) {
                continue;
            }
            match free.next() {
                Some(r) => {
                    self.rtids.insert(owner.clone(), r);
                }
                None => exhausted.push(owner.clone()),
            }
        }
        exhausted
    }

    /// Same for interface ids.
    pub fn assign_eniids(&mut self, wanted: &BTreeSet<String>, max: u32) -> Vec<String> {
        self.eniids.retain(|o, _| wanted.contains(o));
        let used: BTreeSet<u32> = self.eniids.values().copied().collect();
        let mut free = (ENIID_MIN..max).filter(|r| !used.contains(r));
        let mut exhausted = Vec::new();
        for ifname in wanted {
            if self.eniids.contains_key(ifname) {
                continue;
            }
            match free.next() {
                Some(r) => {
                    self.eniids.insert(ifname.clone(), r);
                }
                None => exhausted.push(ifname.clone()),
            }
        }
        exhausted
    }

    pub fn vpc_rtid(&self, vpc: &str) -> Option<u32> {
        self.rtids.get(&RtidOwner::Vpc(vpc.to_string())).copied()
    }
    pub fn nat_rtid(&self, nat: &str) -> Option<u32> {
        self.rtids.get(&RtidOwner::Nat(nat.to_string())).copied()
    }
    pub fn eniid(&self, ifname: &str) -> Option<u32> {
        self.eniids.get(ifname).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(v: &[&str]) -> BTreeSet<RtidOwner> {
        v.iter().map(|s| RtidOwner::Vpc(s.to_string())).collect()
    }

    #[test]
    fn rtids_keep_recovered_and_fill_lowest_free() {
        let mut a = Allocations::recover(
            [
                (RtidOwner::Vpc("vpc-b".into()), 2),
                (RtidOwner::Vpc("vpc-c".into()), 4),
            ],
            [],
        );
        let missing = a.assign_rtids(&owners(&["vpc-a", "vpc-b", "vpc-c", "vpc-d"]), 100);
        assert!(missing.is_empty());
        assert_eq!(a.vpc_rtid("vpc-b"), Some(2));
        assert_eq!(a.vpc_rtid("vpc-c"), Some(4));
        assert_eq!(a.vpc_rtid("vpc-a"), Some(3));
        assert_eq!(a.vpc_rtid("vpc-d"), Some(5));
    }

    #[test]
    fn rtid_space_skips_external_md_net_and_reports_exhaustion() {
        let mut a = Allocations::default();
        let wanted: BTreeSet<_> = (0..10745)
            .map(|i| RtidOwner::Nat(format!("n{i:05}")))
            .collect();
        let missing = a.assign_rtids(&wanted, 10760);
        let got: BTreeSet<u32> = a.rtids.values().copied().collect();
        assert!(!got.iter().any(|r| (10744..=10751).contains(r)));
        // [2, 10760) holds 10758 ids, 8 skipped: 10750 usable, so all 10745 fit.
        assert!(missing.is_empty());
        let mut small = Allocations::default();
        let missing = small.assign_rtids(&owners(&["a", "b", "c"]), 4);
        assert_eq!(missing.len(), 1);
    }

    #[test]
    fn duplicate_recovered_ids_keep_the_first() {
        let a = Allocations::recover([], [("i-1".to_string(), 10), ("i-2".to_string(), 10)]);
        assert_eq!(a.eniid("i-1"), Some(10));
        assert_eq!(a.eniid("i-2"), None);
    }

    #[test]
    fn md_addresses() {
        assert_eq!(md_ip(10), Ipv4Addr::new(255, 0, 0, 10));
        assert_eq!(eniid_of_md_ip(Ipv4Addr::new(255, 0, 1, 0)), Some(256));
        assert_eq!(eniid_of_md_ip(Ipv4Addr::new(10, 0, 0, 1)), None);
        assert_eq!(uplink_ip(2), Ipv4Addr::new(169, 254, 0, 2));
        assert_eq!(md_uplink_ip(300), Ipv4Addr::new(169, 254, 129, 44));
    }
}
