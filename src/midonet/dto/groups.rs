//! IP address groups and port groups (spec §9.9, §9.10).
use super::lenient as l;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `IpAddrGroup-v1`. Has no `tenantId` (a body value is dropped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IpAddrGroup {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub addrs: Option<String>,
}

/// `IpAddrGroupAddr-v1`. `version` (4|6) is the discriminator; MidoNet writes it twice on
/// output (`"4"` then `4`), which [`super::from_body`] tolerates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IpAddrGroupAddr {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub addr: Option<String>,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub version: Option<i32>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub ip_addr_group_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub ip_addr_group: Option<String>,
}

/// `PortGroup-v1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortGroup {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub tenant_id: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub stateful: bool,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub ports: Option<String>,
}

/// `PortGroupPort-v1`: a membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortGroupPort {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub port_group_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub port_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub port: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub port_group: Option<String>,
}
