//! DHCP subnets and hosts, bridge ARP and MAC tables (spec §9.14, §9.15).
use super::lenient as l;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `DhcpSubnet-v2`. Has no id: URIs address it as `<subnetPrefix>_<subnetLength>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DhcpSubnet {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub subnet_prefix: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub subnet_length: i32,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub default_gateway: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub server_addr: Option<String>,
    /// Reads back as null when empty (spec §5).
    #[serde(default, deserialize_with = "opt_strings")]
    pub dns_server_addrs: Option<Vec<String>>,
    #[serde(rename = "interfaceMTU", default, deserialize_with = "l::opt_int")]
    pub interface_mtu: Option<i32>,
    #[serde(default, deserialize_with = "opt121")]
    pub opt121_routes: Vec<DhcpOption121>,
    #[serde(default = "l::yes", deserialize_with = "l::boolean_true")]
    pub enabled: bool,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub hosts: Option<String>,
}

fn opt_strings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    struct S(#[serde(deserialize_with = "l::opt_string")] Option<String>);
    let v = Option::<Vec<S>>::deserialize(d)?;
    Ok(v.map(|v| v.into_iter().filter_map(|s| s.0).collect()))
}

fn opt121<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<DhcpOption121>, D::Error> {
    Ok(Option::<Vec<DhcpOption121>>::deserialize(d)?.unwrap_or_default())
}

/// A classless static route (DHCP option 121).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DhcpOption121 {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub destination_prefix: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub destination_length: i32,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub gateway_addr: Option<String>,
}

/// `DhcpHost-v2`: a static lease, addressed by MAC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DhcpHost {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub mac_addr: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub ip_addr: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "extra_opts")]
    pub extra_dhcp_opts: Vec<ExtraDhcpOpt>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
}

fn extra_opts<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ExtraDhcpOpt>, D::Error> {
    Ok(Option::<Vec<ExtraDhcpOpt>>::deserialize(d)?.unwrap_or_default())
}

/// An extra DHCP option (`domain_search` and the like).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtraDhcpOpt {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub opt_name: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub opt_value: Option<String>,
}

/// `IP4Mac-v1`: a bridge ARP entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ip4Mac {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub ip: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub mac: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
}

/// `MacPort-v2`: a bridge MAC-table entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MacPort {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub mac_addr: Option<String>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub port_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub vlan_id: Option<i32>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
}
