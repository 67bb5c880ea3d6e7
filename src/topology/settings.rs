//! The eucalyptus.conf settings that change the translation (spec vpc-to-midonet.md §15.9),
//! with eucanetd's defaults.
use super::addr;
use super::rules::{PROTO_TCP, PROTO_UDP};
use std::net::Ipv4Addr;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Anti-spoof rules on interfaces (`DISABLE_L2_ISOLATION=N`, the default).
    pub l2_isolation: bool,
    /// Bridge ARP and MAC table entries per interface (`MIDO_ENABLE_ARPTABLE=Y`).
    pub arp_table: bool,
    /// The MidoNet metadata design (`MIDO_ENABLE_MIDOMD=Y`): eucamdrt, eucamdbr, per-VPC
    /// metadata uplinks and per-interface metadata NAT. `false` builds no metadata objects
    /// (eucanetd's legacy nginx-per-namespace design is not supported; docs/decisions.md).
    pub metadata: bool,
    /// Services reachable on 169.254.169.254 (`MIDO_MD_254_EGRESS`), as (protocol, port).
    pub md_254_egress: Vec<(u8, u16)>,
    /// Services reachable on 169.254.169.253 (`MIDO_MD_253_EGRESS`).
    pub md_253_egress: Vec<(u8, u16)>,
    /// `MIDO_MAX_RTID`.
    pub max_rtid: u32,
    /// `MIDO_MAX_ENIID`.
    pub max_eniid: u32,
    /// The pseudo-address recorded in the `euca_version` group when the cloud has none.
    pub euca_version: Ipv4Addr,
    /// Apply each VPC's DHCP option set (DNS servers, search domain, NTP and NetBIOS servers).
    /// eucanetd never did; `false` hands out the global `instanceDNSServers`/`instanceDNSDomain`
    /// everywhere, exactly as eucanetd.
    pub dhcp_option_sets: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            l2_isolation: true,
            arp_table: true,
            metadata: true,
            md_254_egress: vec![(PROTO_TCP, 80)],
            // eucanetd's default "udp:53 tcp:53 udp:5353 tcp:5353", with its parser's
            // tcp/udp swap applied, so that adopting its chain changes nothing.
            md_253_egress: vec![
                (PROTO_TCP, 53),
                (PROTO_UDP, 53),
                (PROTO_TCP, 5353),
                (PROTO_UDP, 5353),
            ],
            max_rtid: addr::RTID_MAX_DEFAULT,
            max_eniid: addr::ENIID_MAX_DEFAULT,
            euca_version: Ipv4Addr::new(4, 4, 2, 0),
            dhcp_option_sets: true,
        }
    }
}
