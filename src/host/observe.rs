//! Reads the host state back from the kernel with iproute2's JSON output
//! (`ip -json netns list`, `ip -json -details addr show`, `ip -json -4 route show`), keeping
//! only what is ours under the prefix. Parsing is pure and tested on captured output; running
//! `ip` goes through [`IpRunner`] so the executor and observer share one way to run commands.
use super::model::{LinkAt, Observed, ObservedLink, RouteAt};
use super::names::Prefix;
use super::HostError;
use ipnet::Ipv4Net;
use serde::Deserialize;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::Command;

/// The result of one `ip` run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpOutput {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `ip` with an argument vector.
pub trait IpRunner {
    fn ip(&self, args: &[String]) -> Result<IpOutput, HostError>;
}

/// The system's `ip` (iproute2), run directly (no shell).
#[derive(Clone, Debug)]
pub struct SystemIp {
    pub program: PathBuf,
}

impl Default for SystemIp {
    fn default() -> Self {
        SystemIp {
            program: PathBuf::from("ip"),
        }
    }
}

impl IpRunner for SystemIp {
    fn ip(&self, args: &[String]) -> Result<IpOutput, HostError> {
        let out = Command::new(&self.program)
            .args(args)
            .output()
            .map_err(|source| HostError::Spawn {
                program: self.program.display().to_string(),
                source,
            })?;
        Ok(IpOutput {
            success: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

#[derive(Deserialize)]
struct JNetns {
    name: String,
}

#[derive(Deserialize)]
struct JLink {
    ifindex: u32,
    ifname: String,
    /// Peer in another namespace: its ifindex there.
    #[serde(default)]
    link_index: Option<u32>,
    /// Peer in the same namespace: its name.
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    linkinfo: Option<JLinkInfo>,
    #[serde(default)]
    addr_info: Vec<JAddr>,
}

#[derive(Deserialize)]
struct JLinkInfo {
    #[serde(default)]
    info_kind: Option<String>,
}

#[derive(Deserialize)]
struct JAddr {
    family: String,
    #[serde(default)]
    local: Option<String>,
    #[serde(default)]
    prefixlen: Option<u8>,
}

#[derive(Deserialize)]
struct JRoute {
    dst: String,
    #[serde(default)]
    gateway: Option<String>,
    #[serde(default)]
    dev: Option<String>,
    #[serde(default)]
    protocol: Option<String>,
}

fn parse_json<T: for<'de> Deserialize<'de>>(what: &str, text: &str) -> Result<Vec<T>, HostError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(text).map_err(|e| HostError::Json {
        command: what.to_string(),
        message: e.to_string(),
    })
}

/// Namespace names from `ip -json netns list` (empty output when there are none).
pub fn parse_netns(text: &str) -> Result<Vec<String>, HostError> {
    Ok(parse_json::<JNetns>("ip -json netns list", text)?
        .into_iter()
        .map(|n| n.name)
        .collect())
}

/// Links with their IPv4 addresses from `ip -json -details addr show` (one namespace). A veth
/// peer in the same namespace is named (`link`), one elsewhere is an ifindex (`link_index`);
/// both become [`ObservedLink::peer_ifindex`].
pub fn parse_links(text: &str) -> Result<Vec<(String, ObservedLink)>, HostError> {
    let links = parse_json::<JLink>("ip -json -details addr show", text)?;
    let index_of: std::collections::HashMap<String, u32> = links
        .iter()
        .map(|l| (l.ifname.clone(), l.ifindex))
        .collect();
    Ok(links
        .into_iter()
        .map(|l| {
            let peer_ifindex = l
                .link_index
                .or_else(|| l.link.as_ref().and_then(|n| index_of.get(n).copied()));
            let addrs = l
                .addr_info
                .iter()
                .filter(|a| a.family == "inet")
                .filter_map(|a| {
                    let ip: Ipv4Addr = a.local.as_deref()?.parse().ok()?;
                    Ipv4Net::new(ip, a.prefixlen?).ok()
                })
                .collect();
            (
                l.ifname,
                ObservedLink {
                    ifindex: l.ifindex,
                    peer_ifindex,
                    kind: l.linkinfo.and_then(|i| i.info_kind),
                    up: l.flags.iter().any(|f| f == "UP"),
                    addrs,
                },
            )
        })
        .collect())
}

/// Non-kernel IPv4 routes of the main table from `ip -json -4 route show`. Kernel routes (the
/// connected prefixes of addresses) follow the addresses and are not managed.
pub fn parse_routes(netns: Option<&str>, text: &str) -> Result<Vec<RouteAt>, HostError> {
    let routes = parse_json::<JRoute>("ip -json -4 route show", text)?;
    Ok(routes
        .into_iter()
        .filter(|r| r.protocol.as_deref() != Some("kernel"))
        .filter_map(|r| {
            let dst = if r.dst == "default" {
                Ipv4Net::default()
            } else if r.dst.contains('/') {
                r.dst.parse().ok()?
            } else {
                Ipv4Net::from(r.dst.parse::<Ipv4Addr>().ok()?)
            };
            Some(RouteAt {
                netns: netns.map(str::to_string),
                dst,
                via: r.gateway.and_then(|g| g.parse().ok()),
                dev: r.dev?,
            })
        })
        .collect())
}

fn run_ok(runner: &dyn IpRunner, args: &[&str]) -> Result<IpOutput, HostError> {
    let argv: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let out = runner.ip(&argv)?;
    if out.success {
        Ok(out)
    } else {
        Err(HostError::Command {
            command: format!("ip {}", argv.join(" ")),
            stderr: out.stderr,
        })
    }
}

/// Reads our namespaces, links (host namespace and our namespaces) and the routes of those
/// namespaces. A namespace that disappears while being read is skipped.
pub fn observe(runner: &dyn IpRunner, prefix: &Prefix) -> Result<Observed, HostError> {
    let mut o = Observed::default();
    let ns_out = run_ok(runner, &["-json", "netns", "list"])?;
    o.namespaces = parse_netns(&ns_out.stdout)?
        .into_iter()
        .filter(|n| prefix.owns_netns(n))
        .collect();
    let mut places: Vec<Option<String>> = vec![None];
    places.extend(o.namespaces.iter().cloned().map(Some));
    for ns in places {
        let mut pre: Vec<&str> = Vec::new();
        if let Some(n) = &ns {
            pre.extend(["-n", n.as_str()]);
        }
        let links_args: Vec<&str> = pre
            .iter()
            .copied()
            .chain(["-json", "-details", "addr", "show"])
            .collect();
        let links = match run_ok(runner, &links_args) {
            Ok(out) => out,
            Err(HostError::Command { stderr, .. })
                if ns.is_some() && stderr.contains("Cannot open network namespace") =>
            {
                o.namespaces.retain(|n| Some(n) != ns.as_ref());
                continue;
            }
            Err(e) => return Err(e),
        };
        for (name, link) in parse_links(&links.stdout)? {
            if prefix.owns_link(&name) {
                o.links.insert(LinkAt::inside(ns.as_deref(), name), link);
            }
        }
        let route_args: Vec<&str> = pre
            .iter()
            .copied()
            .chain(["-json", "-4", "route", "show"])
            .collect();
        let routes = run_ok(runner, &route_args)?;
        o.routes
            .extend(parse_routes(ns.as_deref(), &routes.stdout)?);
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_captured_iproute2_output() {
        let links = r#"[{"ifindex":7,"link_index":2,"ifname":"vn0_0a0b0c0d","flags":["BROADCAST","MULTICAST","UP"],"mtu":1500,"link_netnsid":0,"linkinfo":{"info_kind":"veth"},"addr_info":[{"family":"inet","local":"10.0.0.3","prefixlen":24,"scope":"global"},{"family":"inet6","local":"fe80::1","prefixlen":64}]},{"ifindex":1,"ifname":"lo","flags":["LOOPBACK"],"addr_info":[]},{"ifindex":21,"link":"zz1","ifname":"zz0","flags":[]},{"ifindex":22,"link":"zz0","ifname":"zz1","flags":[]}]"#;
        let l = parse_links(links).unwrap();
        assert_eq!(l.len(), 4);
        assert_eq!(l[2].1.peer_ifindex, Some(22));
        assert_eq!(l[3].1.peer_ifindex, Some(21));
        assert_eq!(l[0].0, "vn0_0a0b0c0d");
        assert_eq!(l[0].1.peer_ifindex, Some(2));
        assert_eq!(l[0].1.kind.as_deref(), Some("veth"));
        assert!(l[0].1.up);
        let addrs: Vec<String> = l[0].1.addrs.iter().map(|a| a.to_string()).collect();
        assert_eq!(addrs, ["10.0.0.3/24"]);
        assert!(!l[1].1.up);

        let routes = r#"[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]},{"dst":"192.0.2.0/24","dev":"eth0","protocol":"kernel","scope":"link"},{"dst":"255.0.0.0/8","gateway":"169.254.169.249","dev":"eucamd_host","flags":[]},{"dst":"10.9.9.9","dev":"x","flags":[]},{"type":"blackhole","dst":"10.1.0.0/16","flags":[]}]"#;
        let r = parse_routes(Some("eucamd"), routes).unwrap();
        let shown: Vec<String> = r
            .iter()
            .map(|r| format!("{} {:?} {}", r.dst, r.via, r.dev))
            .collect();
        assert_eq!(
            shown,
            [
                "0.0.0.0/0 Some(192.0.2.1) eth0",
                "255.0.0.0/8 Some(169.254.169.249) eucamd_host",
                "10.9.9.9/32 None x"
            ]
        );
        assert_eq!(r[0].netns.as_deref(), Some("eucamd"));

        assert_eq!(parse_netns("").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse_netns(r#"[{"name":"vpc-0a0b0c0d","id":0},{"name":"other"}]"#).unwrap(),
            ["vpc-0a0b0c0d", "other"]
        );
        assert!(parse_links("not json").is_err());
    }
}
