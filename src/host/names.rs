//! Linux-side names (spec vpc-to-midonet.md §2.3) behind a configurable prefix, and the
//! ownership test that decides what vpcmido may touch on the host.
//!
//! With the default empty prefix the names are eucanetd's exactly (`eucamd_mido`, `vpc-<id>`,
//! `vn0_<subnet8>`), so a host set up by eucanetd is adopted as is. Tests use a short unique
//! prefix per run so that they never collide with real objects or with each other.
//!
//! Interface names are limited to 15 bytes by the kernel (`IFNAMSIZ` - 1). The longest base
//! name is `vn0_<8 chars>` (12 bytes), so a prefix holds at most 3 characters.
use super::HostError;
use crate::topology::names as mido_names;

/// Longest accepted prefix: 15-byte interface names minus the 12-byte `vn0_<subnet8>`.
pub const MAX_PREFIX_LEN: usize = 3;
/// Kernel limit on interface names.
pub const MAX_IFNAME_LEN: usize = 15;

const MD_MIDO: &str = "eucamd_mido";
const MD_HOST: &str = "eucamd_host";
const MD_NETNS: &str = "eucamd";

/// A validated name prefix: at most [`MAX_PREFIX_LEN`] characters from `[a-z0-9]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Prefix(String);

/// A host object name recognised as ours, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnedName {
    /// `eucamd_mido`: the veth end bound to eucamdrt's external port.
    MdMido,
    /// `eucamd_host`: the veth end carrying 169.254.169.254/29 and .253/32.
    MdHost,
    /// `eucamd`: the optional namespace of `eucamd_host`.
    MdNetns,
    /// `vpc-<id>`: a VPC's namespace.
    VpcNetns(String),
    /// `vn0_<subnet8>`: subnet veth end bound to the subnet bridge's meta port.
    Vn0(String),
    /// `vn1_<subnet8>`: its peer inside the VPC namespace.
    Vn1(String),
}

impl Prefix {
    /// Validates a prefix (empty is eucanetd's naming).
    pub fn new(p: &str) -> Result<Prefix, HostError> {
        let ok = p.len() <= MAX_PREFIX_LEN
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if ok {
            Ok(Prefix(p.to_string()))
        } else {
            Err(HostError::BadPrefix(p.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn with(&self, base: &str) -> String {
        format!("{}{base}", self.0)
    }

    pub fn md_mido(&self) -> String {
        self.with(MD_MIDO)
    }
    pub fn md_host(&self) -> String {
        self.with(MD_HOST)
    }
    pub fn md_netns(&self) -> String {
        self.with(MD_NETNS)
    }
    /// The VPC namespace: the full VPC id (never cut).
    pub fn vpc_netns(&self, vpc: &str) -> String {
        self.with(vpc)
    }
    /// `vn0_<subnet8>`, as bound by the topology's subnet meta port.
    pub fn vn0(&self, subnet: &str) -> String {
        self.with(&mido_names::subnet_meta_veth(subnet))
    }
    /// `vn1_<subnet8>`.
    pub fn vn1(&self, subnet: &str) -> String {
        let vn0 = mido_names::subnet_meta_veth(subnet);
        let short = vn0.strip_prefix("vn0_").unwrap_or(&vn0);
        self.with(&format!("vn1_{short}"))
    }

    /// Parses a link or namespace name; `None` for anything that is not ours under this prefix
    /// (those are never modified or deleted).
    pub fn owned(&self, name: &str) -> Option<OwnedName> {
        let base = name.strip_prefix(self.0.as_str())?;
        match base {
            MD_MIDO => return Some(OwnedName::MdMido),
            MD_HOST => return Some(OwnedName::MdHost),
            MD_NETNS => return Some(OwnedName::MdNetns),
            _ => {}
        }
        if mido_names::is_id(base, "vpc") {
            return Some(OwnedName::VpcNetns(base.to_string()));
        }
        let short_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 8
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if let Some(s) = base.strip_prefix("vn0_").filter(|s| short_ok(s)) {
            return Some(OwnedName::Vn0(s.to_string()));
        }
        if let Some(s) = base.strip_prefix("vn1_").filter(|s| short_ok(s)) {
            return Some(OwnedName::Vn1(s.to_string()));
        }
        None
    }

    /// Whether `name` is one of our namespaces.
    pub fn owns_netns(&self, name: &str) -> bool {
        matches!(
            self.owned(name),
            Some(OwnedName::MdNetns | OwnedName::VpcNetns(_))
        )
    }

    /// Whether `name` is one of our links.
    pub fn owns_link(&self, name: &str) -> bool {
        matches!(
            self.owned(name),
            Some(OwnedName::MdMido | OwnedName::MdHost | OwnedName::Vn0(_) | OwnedName::Vn1(_))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eucanetd_names_with_empty_prefix() {
        let p = Prefix::default();
        assert_eq!(p.md_mido(), "eucamd_mido");
        assert_eq!(p.vn0("subnet-0a0b0c0d"), "vn0_0a0b0c0d");
        assert_eq!(p.vn1("subnet-0a0b0c0d0e0f01234"), "vn1_0a0b0c0d");
        assert_eq!(p.vpc_netns("vpc-0a0b0c0d"), "vpc-0a0b0c0d");
    }

    #[test]
    fn prefixed_names_fit_ifnamsiz() {
        let p = Prefix::new("t9z").unwrap_or_default();
        assert_eq!(p.as_str(), "t9z");
        for n in [
            p.md_mido(),
            p.md_host(),
            p.vn0("subnet-0a0b0c0d"),
            p.vn1("subnet-x"),
        ] {
            assert!(n.len() <= MAX_IFNAME_LEN, "{n}");
        }
        assert!(Prefix::new("toolong").is_err());
        assert!(Prefix::new("A").is_err());
        assert!(Prefix::new("a b").is_err());
    }

    #[test]
    fn ownership_is_exact_and_prefix_scoped() {
        let p = Prefix::new("t1").unwrap_or_default();
        assert_eq!(p.owned("t1eucamd_host"), Some(OwnedName::MdHost));
        assert_eq!(
            p.owned("t1vpc-0a0b0c0d"),
            Some(OwnedName::VpcNetns("vpc-0a0b0c0d".into()))
        );
        assert_eq!(
            p.owned("t1vn0_0a0b0c0d"),
            Some(OwnedName::Vn0("0a0b0c0d".into()))
        );
        assert_eq!(p.owned("eucamd_host"), None);
        assert_eq!(p.owned("t1eth0"), None);
        assert_eq!(p.owned("t1vn0_"), None);
        assert_eq!(p.owned("t1vn0_123456789"), None);
        assert_eq!(p.owned("t1vpc-XYZ"), None);
        let empty = Prefix::default();
        assert_eq!(empty.owned("t1vn0_0a0b0c0d"), None);
        assert_eq!(empty.owned("eth0"), None);
        assert_eq!(empty.owned("docker0"), None);
        assert!(empty.owns_netns("eucamd"));
        assert!(!empty.owns_link("eucamd"));
    }
}
