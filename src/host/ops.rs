//! Host operations: one `ip` command each, as an explicit argument vector (never a shell
//! string), with the error texts that mean "already done" for that operation.
use super::model::{LinkAt, RouteAt};
use ipnet::Ipv4Net;
use std::fmt;

/// One change to the host, in the order [`super::diff::plan`] emits them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HostOp {
    DelRoute(RouteAt),
    DelAddr {
        link: LinkAt,
        addr: Ipv4Net,
    },
    /// Deleting either end of a veth deletes the pair.
    DelLink(LinkAt),
    DelNetns(String),
    AddNetns(String),
    /// `ip link add <name> type veth peer name <peer> [netns <ns>]`.
    AddVeth {
        name: String,
        peer: LinkAt,
    },
    /// Moves a host-namespace link into a namespace (its addresses are dropped by the kernel).
    MoveLink {
        name: String,
        netns: String,
    },
    AddAddr {
        link: LinkAt,
        addr: Ipv4Net,
    },
    SetUp(LinkAt),
    AddRoute(RouteAt),
}

fn with_netns(netns: &Option<String>, rest: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = Vec::with_capacity(rest.len() + 2);
    if let Some(ns) = netns {
        v.push("-n".into());
        v.push(ns.clone());
    }
    v.extend(rest.iter().map(|s| s.to_string()));
    v
}

fn route_args(r: &RouteAt, verb: &str) -> Vec<String> {
    let dst = r.dst.to_string();
    let via = r.via.map(|v| v.to_string());
    let mut rest = vec!["route", verb, dst.as_str()];
    if let Some(via) = &via {
        rest.extend(["via", via.as_str()]);
    }
    rest.extend(["dev", r.dev.as_str()]);
    with_netns(&r.netns, &rest)
}

impl HostOp {
    /// The arguments of `ip` for this operation.
    pub fn argv(&self) -> Vec<String> {
        match self {
            HostOp::DelRoute(r) => route_args(r, "del"),
            HostOp::AddRoute(r) => route_args(r, "add"),
            HostOp::DelAddr { link, addr } => with_netns(
                &link.netns,
                &["addr", "del", &addr.to_string(), "dev", &link.name],
            ),
            HostOp::AddAddr { link, addr } => with_netns(
                &link.netns,
                &["addr", "add", &addr.to_string(), "dev", &link.name],
            ),
            HostOp::DelLink(l) => with_netns(&l.netns, &["link", "del", &l.name]),
            HostOp::DelNetns(n) => with_netns(&None, &["netns", "del", n]),
            HostOp::AddNetns(n) => with_netns(&None, &["netns", "add", n]),
            HostOp::AddVeth { name, peer } => {
                let mut rest = vec!["link", "add", name, "type", "veth", "peer", "name"];
                rest.push(&peer.name);
                if let Some(ns) = &peer.netns {
                    rest.extend(["netns", ns.as_str()]);
                }
                with_netns(&None, &rest)
            }
            HostOp::MoveLink { name, netns } => {
                with_netns(&None, &["link", "set", name, "netns", netns])
            }
            HostOp::SetUp(l) => with_netns(&l.netns, &["link", "set", &l.name, "up"]),
        }
    }

    /// Whether `ip`'s error text means the operation's effect is already there (created
    /// objects that exist, deleted objects that are gone).
    pub fn already_done(&self, stderr: &str) -> bool {
        let any = |pats: &[&str]| pats.iter().any(|p| stderr.contains(p));
        match self {
            HostOp::AddNetns(_) | HostOp::AddVeth { .. } | HostOp::AddRoute(_) => {
                any(&["File exists"])
            }
            HostOp::AddAddr { .. } => any(&["File exists", "Address already assigned"]),
            HostOp::DelNetns(_) => any(&["No such file or directory"]),
            HostOp::DelLink(_) => any(&["Cannot find device", "does not exist"]),
            HostOp::DelAddr { .. } => {
                any(&["Cannot assign requested address", "Cannot find device"])
            }
            HostOp::DelRoute(_) => any(&["No such process", "Cannot find device"]),
            HostOp::MoveLink { .. } | HostOp::SetUp(_) => false,
        }
    }
}

impl fmt::Display for HostOp {
    /// The command line, as `--dry-run` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ip")?;
        for a in self.argv() {
            write!(f, " {a}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn command_lines() {
        let op = HostOp::AddVeth {
            name: "vn0_0a0b0c0d".into(),
            peer: LinkAt::inside(Some("vpc-0a0b0c0d"), "vn1_0a0b0c0d"),
        };
        assert_eq!(
            op.to_string(),
            "ip link add vn0_0a0b0c0d type veth peer name vn1_0a0b0c0d netns vpc-0a0b0c0d"
        );
        let r = HostOp::AddRoute(RouteAt {
            netns: Some("eucamd".into()),
            dst: "255.0.0.0/8".parse().unwrap(),
            via: Some(Ipv4Addr::new(169, 254, 169, 249)),
            dev: "eucamd_host".into(),
        });
        assert_eq!(
            r.to_string(),
            "ip -n eucamd route add 255.0.0.0/8 via 169.254.169.249 dev eucamd_host"
        );
        let a = HostOp::AddAddr {
            link: LinkAt::host("eucamd_host"),
            addr: "169.254.169.254/29".parse().unwrap(),
        };
        assert_eq!(
            a.to_string(),
            "ip addr add 169.254.169.254/29 dev eucamd_host"
        );
    }

    #[test]
    fn idempotent_errors() {
        let add = HostOp::AddNetns("vpc-0a0b0c0d".into());
        assert!(add.already_done("Cannot create namespace file \"/run/netns/x\": File exists"));
        assert!(!add.already_done("Operation not permitted"));
        let del = HostOp::DelLink(LinkAt::host("vn0_x"));
        assert!(del.already_done("Cannot find device \"vn0_x\""));
        assert!(!HostOp::SetUp(LinkAt::host("x")).already_done("File exists"));
    }
}
