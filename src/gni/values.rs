//! Parsers for the value formats of spec §2.3: ids, accounts, addresses, CIDRs, MACs, ranges.
//!
//! Each returns `Err(message)` with the offending value quoted, ready to be attached to a path.
//! They are pure and know nothing about where a value sits in the document.
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

use super::model::{IpRange, MacAddr, MacPrefix};

/// The id kinds of spec §2.3, with their prefixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Instance,
    Eni,
    EniAttach,
    Vpc,
    Subnet,
    Acl,
    RouteTable,
    Igw,
    Nat,
    Dopt,
    Sg,
}

impl Kind {
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Kind::Instance => "i",
            Kind::Eni => "eni",
            Kind::EniAttach => "eni-attach",
            Kind::Vpc => "vpc",
            Kind::Subnet => "subnet",
            Kind::Acl => "acl",
            Kind::RouteTable => "rtb",
            Kind::Igw => "igw",
            Kind::Nat => "nat",
            Kind::Dopt => "dopt",
            Kind::Sg => "sg",
        }
    }

    /// Human name used in messages ("route table", "security group").
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Kind::Instance => "instance",
            Kind::Eni => "network interface",
            Kind::EniAttach => "attachment",
            Kind::Vpc => "VPC",
            Kind::Subnet => "subnet",
            Kind::Acl => "network ACL",
            Kind::RouteTable => "route table",
            Kind::Igw => "internet gateway",
            Kind::Nat => "NAT gateway",
            Kind::Dopt => "DHCP option set",
            Kind::Sg => "security group",
        }
    }
}

/// `<prefix>-` and 8 or 17 lower-case hex digits; NAT gateways always use 17.
pub(crate) fn id(kind: Kind, s: &str) -> Result<(), String> {
    let hex = s
        .strip_prefix(kind.prefix())
        .and_then(|rest| rest.strip_prefix('-'))
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
    let ok = match (kind, hex.map(str::len)) {
        (Kind::Nat, Some(17)) => true,
        (Kind::Nat, _) => false,
        (_, Some(8 | 17)) => true,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let digits = if kind == Kind::Nat { "17" } else { "8 or 17" };
    let noun = kind.noun();
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    Err(format!(
        "{s:?} is not {article} {noun} id ({}- and {digits} lower-case hex digits)",
        kind.prefix()
    ))
}

/// An account id: 12 decimal digits.
pub(crate) fn account(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_owned())
    } else {
        Err(format!("{s:?} is not an account id (12 decimal digits)"))
    }
}

/// A dotted-quad IPv4 address (no lenient fallback to 127.0.0.1, unlike eucanetd).
pub(crate) fn ipv4(s: &str) -> Result<Ipv4Addr, String> {
    s.parse()
        .map_err(|_| format!("{s:?} is not an IPv4 address"))
}

/// An IPv4 address other than 0.0.0.0 (eucanetd's "non-zero" checks).
pub(crate) fn ipv4_nonzero(s: &str) -> Result<Ipv4Addr, String> {
    let ip = ipv4(s)?;
    if ip.is_unspecified() {
        Err(format!("{s:?} is not allowed here (0.0.0.0)"))
    } else {
        Ok(ip)
    }
}

/// `a.b.c.d/n`, 0 ≤ n ≤ 32.
pub(crate) fn cidr(s: &str) -> Result<Ipv4Net, String> {
    s.parse().map_err(|_| format!("{s:?} is not an IPv4 CIDR"))
}

/// A CIDR whose address is its network address, as the CLC writes VPC and subnet CIDRs.
pub(crate) fn network_cidr(s: &str) -> Result<Ipv4Net, String> {
    let net = cidr(s)?;
    if net.addr() == net.network() {
        Ok(net)
    } else {
        Err(format!(
            "{s:?} has host bits set (the network is {})",
            net.trunc()
        ))
    }
}

/// A single address or `first-last`, with first ≤ last.
pub(crate) fn ip_range(s: &str) -> Result<IpRange, String> {
    let bad = || format!("{s:?} is not an IPv4 address or first-last range");
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let first: Ipv4Addr = a.parse().map_err(|_| bad())?;
    let last: Ipv4Addr = b.parse().map_err(|_| bad())?;
    if first > last {
        return Err(format!(
            "{s:?} is an empty range (first address after last)"
        ));
    }
    Ok(IpRange { first, last })
}

fn hex_pairs<const N: usize>(s: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    let mut parts = s.split(':');
    for slot in &mut out {
        let p = parts.next()?;
        let lower = p.len() == 2
            && p.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !lower {
            return None;
        }
        *slot = u8::from_str_radix(p, 16).ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Six lower-case hex pairs separated by `:`.
pub(crate) fn mac(s: &str) -> Result<MacAddr, String> {
    hex_pairs::<6>(s)
        .map(MacAddr)
        .ok_or_else(|| format!("{s:?} is not a MAC address (six lower-case hex pairs)"))
}

/// Two lower-case hex pairs separated by `:`.
pub(crate) fn mac_prefix(s: &str) -> Result<MacPrefix, String> {
    hex_pairs::<2>(s)
        .map(MacPrefix)
        .ok_or_else(|| format!("{s:?} is not a MAC prefix (two lower-case hex pairs, like d0:0d)"))
}

/// A decimal integer within `lo..=hi`.
pub(crate) fn int(s: &str, lo: i64, hi: i64) -> Result<i64, String> {
    match s.parse::<i64>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        Ok(_) => Err(format!("{s} is out of range {lo}..{hi}")),
        Err(_) => Err(format!("{s:?} is not an integer")),
    }
}

/// `true` or `false`.
pub(crate) fn boolean(s: &str) -> Result<bool, String> {
    match s {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("{s:?} is not true or false")),
    }
}

/// 8 lower-case hex digits (`version`, `applied-version`).
pub(crate) fn version(s: &str) -> Result<String, String> {
    if s.len() == 8
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(s.to_owned())
    } else {
        Err(format!("{s:?} is not a version (8 lower-case hex digits)"))
    }
}

/// `yyyy-MM-ddTHH:mm:ssZ` (shape and field ranges; calendar validity is not checked).
pub(crate) fn timestamp(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let num =
        |r: std::ops::Range<usize>| s.get(r).and_then(|d| d.parse::<u32>().ok()).unwrap_or(99);
    let shape = b.len() == 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'Z';
    let ranges = shape
        && (1..=12).contains(&num(5..7))
        && (1..=31).contains(&num(8..10))
        && num(11..13) < 24
        && num(14..16) < 60
        && num(17..19) < 61;
    if ranges {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "{s:?} is not a UTC timestamp (yyyy-MM-ddTHH:mm:ssZ)"
        ))
    }
}

/// Whether `ip` is a usable host address of `net`: inside it, and for prefixes up to /30
/// neither the network nor the broadcast address.
pub(crate) fn is_host_of(net: Ipv4Net, ip: Ipv4Addr) -> bool {
    net.contains(&ip) && (net.prefix_len() > 30 || (ip != net.network() && ip != net.broadcast()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_their_prefix_and_length() {
        assert!(id(Kind::Vpc, "vpc-0a0b0c0d").is_ok());
        assert!(id(Kind::Vpc, "vpc-0a0b0c0d0e0f10203").is_ok());
        assert!(id(Kind::Vpc, "vpc-0a0b0c0").is_err());
        assert!(id(Kind::Vpc, "vpc-0A0B0C0D").is_err());
        assert!(id(Kind::Vpc, "subnet-0a0b0c0d").is_err());
        assert!(id(Kind::Eni, "eni-attach-0a0b0c0d").is_err());
        assert!(id(Kind::EniAttach, "eni-attach-0a0b0c0d").is_ok());
        assert!(id(Kind::Nat, "nat-0a0b0c0d").is_err());
        assert!(id(Kind::Nat, "nat-0a1b2c3d4e5f60718").is_ok());
    }

    #[test]
    fn ranges_and_cidrs() {
        assert_eq!(
            ip_range("10.0.0.1").map(|r| r.to_string()),
            Ok("10.0.0.1".into())
        );
        assert_eq!(
            ip_range("10.0.0.1-10.0.0.9").map(|r| r.to_string()),
            Ok("10.0.0.1-10.0.0.9".into())
        );
        assert!(ip_range("10.0.0.9-10.0.0.1").is_err());
        assert!(ip_range("10.0.0.1 - 10.0.0.9").is_err());
        assert!(cidr("10.0.0.0/33").is_err());
        assert!(network_cidr("10.0.0.1/24").is_err());
        assert!(network_cidr("0.0.0.0/0").is_ok());
    }

    #[test]
    fn integers_booleans_macs_timestamps() {
        assert_eq!(int("-1", -1, 255), Ok(-1));
        assert!(int("256", -1, 255).is_err());
        assert!(int("1e3", 0, 65535).is_err());
        assert_eq!(boolean("false"), Ok(false));
        assert!(boolean("False").is_err());
        assert_eq!(
            mac("d0:0d:1a:2b:3c:4d").map(|m| m.to_string()),
            Ok("d0:0d:1a:2b:3c:4d".into())
        );
        assert!(mac("d0:0d:1a:2b:3c").is_err());
        assert!(mac("d0:0d:1a:2b:3c:4d:5e").is_err());
        assert_eq!(
            mac_prefix("d0:0d").map(|m| m.to_string()),
            Ok("d0:0d".into())
        );
        assert!(timestamp("2017-11-06T18:22:41Z").is_ok());
        assert!(timestamp("2017-13-06T18:22:41Z").is_err());
        assert!(version("5f3a9c21").is_ok());
        assert!(version("5f3a9c2").is_err());
    }

    #[test]
    fn host_addresses_exclude_network_and_broadcast() {
        let net: Ipv4Net = "198.51.100.0/24".parse().unwrap_or_default();
        assert!(is_host_of(net, Ipv4Addr::new(198, 51, 100, 1)));
        assert!(!is_host_of(net, Ipv4Addr::new(198, 51, 100, 0)));
        assert!(!is_host_of(net, Ipv4Addr::new(198, 51, 100, 255)));
        assert!(!is_host_of(net, Ipv4Addr::new(198, 51, 101, 1)));
    }
}
