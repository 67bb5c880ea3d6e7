//! Routers, bridges and ports (spec §9.3–§9.5).
use super::lenient as l;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `Router-v3`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Router {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub tenant_id: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub name: Option<String>,
    #[serde(default = "l::yes", deserialize_with = "l::boolean_true")]
    pub admin_state_up: bool,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub inbound_filter_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub outbound_filter_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub local_redirect_chain_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub forward_chain_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub load_balancer_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::int")]
    pub as_number: i32,
    #[serde(default, deserialize_with = "l::uuids")]
    pub inbound_mirror_ids: Vec<Uuid>,
    #[serde(default, deserialize_with = "l::uuids")]
    pub outbound_mirror_ids: Vec<Uuid>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub inbound_filter: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub outbound_filter: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub ports: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub peer_ports: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub routes: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub bgp_peers: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub bgp_networks: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub load_balancer: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub local_redirect_chain: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub forward_chain: Option<String>,
}

/// `Bridge-v4`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bridge {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub tenant_id: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub name: Option<String>,
    #[serde(default = "l::yes", deserialize_with = "l::boolean_true")]
    pub admin_state_up: bool,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub inbound_filter_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub outbound_filter_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::uuids")]
    pub inbound_mirror_ids: Vec<Uuid>,
    #[serde(default, deserialize_with = "l::uuids")]
    pub outbound_mirror_ids: Vec<Uuid>,
    /// Server-managed (VTEP bindings): must be absent or null on create (spec §9.4), so the
    /// input keeps "absent" apart from `[]`; output is always a list.
    #[serde(default, deserialize_with = "l::opt_uuids")]
    pub vx_lan_port_ids: Option<Vec<Uuid>>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub inbound_filter: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub outbound_filter: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub ports: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub peer_ports: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub vx_lan_ports: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub dhcp_subnets: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub dhcp_subnet6s: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub mac_table: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub arp_table: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub vlan_mac_table_template: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub mac_port_template: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub vlan_mac_port_template: Option<String>,
}

/// `Port-v3`: common fields plus the kind-specific ones in [`PortKind`] (discriminator `type`,
/// required on input; legacy `Exterior*`/`Interior*` spellings accepted, spec §9.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Port {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(flatten)]
    pub kind: PortKind,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub device_id: Option<Uuid>,
    #[serde(default = "l::yes", deserialize_with = "l::boolean_true")]
    pub admin_state_up: bool,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub inbound_filter_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub outbound_filter_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::int")]
    pub tunnel_key: i32,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub vif_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub host_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub interface_name: Option<String>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub peer_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::uuids")]
    pub inbound_mirror_ids: Vec<Uuid>,
    #[serde(default, deserialize_with = "l::uuids")]
    pub outbound_mirror_ids: Vec<Uuid>,
    #[serde(default, deserialize_with = "l::uuids")]
    pub post_in_filter_mirror_ids: Vec<Uuid>,
    #[serde(default, deserialize_with = "l::uuids")]
    pub pre_out_filter_mirror_ids: Vec<Uuid>,
    #[serde(default, deserialize_with = "l::uuids")]
    pub insertion_ids: Vec<Uuid>,
    /// Agent state: true only when the bound host reports the port up.
    #[serde(default, deserialize_with = "l::boolean")]
    pub active: bool,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub device: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub host: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub peer: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub link: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub port_groups: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub host_interface_port: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub inbound_filter: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub outbound_filter: Option<String>,
}

/// The port kinds and their own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum PortKind {
    #[serde(alias = "ExteriorRouter", alias = "InteriorRouter")]
    Router(RouterPortFields),
    #[serde(alias = "ExteriorBridge", alias = "InteriorBridge")]
    Bridge(BridgePortFields),
    Vxlan(VxlanPortFields),
}

impl PortKind {
    /// The output spelling of the discriminator.
    pub fn type_name(&self) -> &'static str {
        match self {
            PortKind::Router(_) => "Router",
            PortKind::Bridge(_) => "Bridge",
            PortKind::Vxlan(_) => "Vxlan",
        }
    }
}

/// Router-port fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouterPortFields {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub network_address: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub network_length: i32,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub port_address: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub port_mac: Option<String>,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub rtr_port_vni: Option<i32>,
    #[serde(default, deserialize_with = "l::opt_bool")]
    pub off_ramp_vxlan: Option<bool>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub service_container_id: Option<Uuid>,
    /// Agent state (BGP session), never stored.
    #[serde(default, deserialize_with = "l::opt_string")]
    pub bgp_status: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub peering_table: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub service_container: Option<String>,
}

/// Bridge-port fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BridgePortFields {
    /// A Java `short` (spec §9.5).
    #[serde(default, deserialize_with = "l::short")]
    pub vlan_id: i16,
}

/// VXLAN-port fields (created by VTEP bindings only; listed for completeness).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VxlanPortFields {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub vtep_id: Option<Uuid>,
}

/// Body of `POST /ports/{id}/link` (`PortLink-v1`); other keys are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortLink {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub port_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub peer_id: Option<Uuid>,
}
