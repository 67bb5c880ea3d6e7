//! What DHCP hands out in a VPC: the view's DHCP option set applied (beyond eucanetd, which
//! parsed option sets but never applied them — spec vpc-to-midonet.md §13), falling back to the
//! configuration's `instanceDNSServers`/`instanceDNSDomain`, and to 8.8.8.8 without any DNS
//! server (eucanetd's default, §6).
//!
//! MidoNet carries DNS servers on the DHCP subnet (`dnsServerAddrs`) and everything else as
//! per-host `extraDhcpOpts`, whose names MidoNet's agent resolves by upper-casing and mapping
//! `-` to `_` (midonet: DhcpValueParser.parseDhcpOptionCode); option 15 is registered as
//! "DOMAIN NAME", so it could only be named by number — vpcmido, like eucanetd, sends the
//! search domain (option 119) instead.
use super::settings::Settings;
use crate::gni::model::{DhcpOptionSet, Gni, Vpc};
use std::net::Ipv4Addr;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpProfile {
    /// The DHCP subnet's DNS servers.
    pub dns_servers: Vec<Ipv4Addr>,
    /// Every host's extra options, in this order.
    pub extra_opts: Vec<(String, String)>,
}

const FALLBACK_DNS: Ipv4Addr = Ipv4Addr::new(8, 8, 8, 8);

fn ips(values: &[String]) -> Vec<Ipv4Addr> {
    values
        .iter()
        .filter_map(|v| v.trim().parse().ok())
        .collect()
}

fn joined(values: &[Ipv4Addr]) -> String {
    values
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn profile(view: &Gni, vpc: &Vpc, settings: &Settings) -> DhcpProfile {
    let set: Option<&DhcpOptionSet> = vpc
        .dhcp_option_set
        .as_ref()
        .filter(|_| settings.dhcp_option_sets)
        .and_then(|id| view.dhcp_option_sets.iter().find(|d| &d.id == id));
    let opt = |name: &str| set.and_then(|s| s.option(name)).filter(|v| !v.is_empty());

    let mut dns = opt("domain-name-servers").map(ips).unwrap_or_default();
    if dns.is_empty() {
        dns = view.config.instance_dns_servers.clone();
    }
    if dns.is_empty() {
        dns = vec![FALLBACK_DNS];
    }

    let domain = match opt("domain-name") {
        Some(v) => v.iter().map(|d| d.trim()).collect::<Vec<_>>().join(","),
        None => view.config.instance_dns_domain.clone(),
    };
    let mut extra = vec![("domain_search".to_string(), domain)];
    if let Some(v) = opt("ntp-servers").map(ips).filter(|v| !v.is_empty()) {
        extra.push(("ntp_servers".into(), joined(&v)));
    }
    if let Some(v) = opt("netbios-name-servers")
        .map(ips)
        .filter(|v| !v.is_empty())
    {
        extra.push(("netbios_over_tcp_ip_name_server".into(), joined(&v)));
    }
    if let Some(t) = opt("netbios-node-type").and_then(|v| v.first()) {
        let t = t.trim();
        if matches!(t, "1" | "2" | "4" | "8") {
            extra.push(("netbios_over_tcp_ip_node_type".into(), t.to_string()));
        }
    }
    DhcpProfile {
        dns_servers: dns,
        extra_opts: extra,
    }
}
