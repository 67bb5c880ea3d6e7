//! Routes and BGP (spec §9.6, §9.13).
use super::lenient as l;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `Route-v1`. `type` is `Normal`, `BlackHole`, `Reject` or `Local`; kept as text because an
/// unknown value has its own 400 message (`This type of route is invalid.`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub router_id: Option<Uuid>,
    #[serde(rename = "type", default, deserialize_with = "l::opt_string")]
    pub route_type: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub src_network_addr: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub src_network_length: i32,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub dst_network_addr: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub dst_network_length: i32,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub next_hop_port: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub next_hop_gateway: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub weight: i32,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub attributes: Option<String>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub learned: bool,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub router: Option<String>,
}

/// `BgpPeer-v1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BgpPeer {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::int")]
    pub as_number: i32,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub keep_alive: Option<i32>,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub hold_time: Option<i32>,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub connect_retry: Option<i32>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub password: Option<String>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub router_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub router: Option<String>,
}

/// `BgpNetwork-v1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BgpNetwork {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub subnet_address: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub subnet_length: i32,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub router_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub router: Option<String>,
}
