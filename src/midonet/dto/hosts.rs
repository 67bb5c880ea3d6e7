//! Hosts, interfaces, port bindings and tunnel zones (spec §9.11, §9.12).
use super::lenient as l;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `Host-v3`. Name, liveness, addresses and interfaces are agent state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Host {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub alive: bool,
    #[serde(default, deserialize_with = "l::strings")]
    pub addresses: Vec<String>,
    #[serde(default)]
    pub host_interfaces: Vec<Interface>,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub flooding_proxy_weight: Option<i32>,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub container_weight: Option<i32>,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub container_limit: Option<i32>,
    #[serde(default, deserialize_with = "l::opt_bool")]
    pub enforce_container_limit: Option<bool>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub ports: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub interfaces: Option<String>,
}

/// `Interface-v1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interface {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub host_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub mac: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub mtu: i32,
    /// `Physical`|`Virtual`|`Tunnel`|`Unknown`.
    #[serde(rename = "type", default, deserialize_with = "l::opt_string")]
    pub if_type: Option<String>,
    /// `DATAPATH`|`PHYSICAL`|`VM`|`GRE`|`CAPWAP`|`LOCALHOST`|`TUNTAP`|`UNKNOWN`.
    #[serde(default, deserialize_with = "l::opt_string")]
    pub endpoint: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub port_type: Option<String>,
    #[serde(default, deserialize_with = "l::strings")]
    pub addresses: Vec<String>,
    /// Bit 0 = up, bit 1 = has link.
    #[serde(default, deserialize_with = "l::int")]
    pub status: i32,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
}

/// `HostInterfacePort-v1`: a port bound to a host interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostInterfacePort {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub host_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub port_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub interface_name: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub host: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub port: Option<String>,
}

/// `TunnelZone-v1`. `type` is `gre`, `vxlan` or `vtep`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TunnelZone {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub name: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "l::opt_string")]
    pub zone_type: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub hosts: Option<String>,
}

/// `TunnelZoneHost-v1`: a membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TunnelZoneHost {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub tunnel_zone_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub host_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub ip_address: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub host: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub tunnel_zone: Option<String>,
}
