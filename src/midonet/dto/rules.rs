//! Chains and rules (spec §9.7, §9.8).
use super::lenient as l;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `Chain-v1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Chain {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub tenant_id: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub rules: Option<String>,
}

/// `Rule-v2`: the action (discriminator `type`), the match condition, and the position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub chain_id: Option<Uuid>,
    /// 1-based; on create the rule goes before the rule at this position (default 1).
    #[serde(default = "l::one", deserialize_with = "l::int")]
    pub position: i32,
    #[serde(flatten)]
    pub action: RuleAction,
    #[serde(flatten)]
    pub condition: Condition,
    /// Accepted but never stored: always reads back null (spec §9.8).
    #[serde(default, deserialize_with = "l::opt_string")]
    pub meter_name: Option<String>,
    #[serde(default, deserialize_with = "l::link")]
    pub uri: Option<String>,
}

/// Rule types of MidoNet 5.x (`continue` is not one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RuleAction {
    Accept {},
    Drop {},
    Reject {},
    Return {},
    Jump(JumpFields),
    Dnat(FwdNatFields),
    Snat(FwdNatFields),
    RevDnat(RevNatFields),
    RevSnat(RevNatFields),
    L2Transform(L2TransformFields),
    Trace(TraceFields),
}

impl RuleAction {
    /// The discriminator value.
    pub fn type_name(&self) -> &'static str {
        match self {
            RuleAction::Accept {} => "accept",
            RuleAction::Drop {} => "drop",
            RuleAction::Reject {} => "reject",
            RuleAction::Return {} => "return",
            RuleAction::Jump(_) => "jump",
            RuleAction::Dnat(_) => "dnat",
            RuleAction::Snat(_) => "snat",
            RuleAction::RevDnat(_) => "rev_dnat",
            RuleAction::RevSnat(_) => "rev_snat",
            RuleAction::L2Transform(_) => "l2_transform",
            RuleAction::Trace(_) => "trace",
        }
    }
}

/// `jump` fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JumpFields {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub jump_chain_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub jump_chain_name: Option<String>,
}

/// `dnat`/`snat` fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FwdNatFields {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub flow_action: Option<String>,
    #[serde(default, deserialize_with = "nat_targets")]
    pub nat_targets: Option<Vec<NatTarget>>,
}

fn nat_targets<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<NatTarget>>, D::Error> {
    Option::<Vec<NatTarget>>::deserialize(d)
}

/// `rev_dnat`/`rev_snat` fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevNatFields {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub flow_action: Option<String>,
}

/// `l2_transform` fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct L2TransformFields {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub flow_action: Option<String>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub pop_vlan: bool,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub push_vlan: Option<i32>,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub target_port_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub ingress: bool,
    #[serde(default, deserialize_with = "l::boolean")]
    pub fail_open: bool,
}

/// `trace` fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceFields {
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub request_id: Option<Uuid>,
    #[serde(default, deserialize_with = "l::long")]
    pub limit: i64,
}

/// A forward-NAT target; ports 0/0 keep the original port. Not validated by MidoNet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NatTarget {
    #[serde(default, deserialize_with = "l::opt_string")]
    pub address_from: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub address_to: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub port_from: i32,
    #[serde(default, deserialize_with = "l::int")]
    pub port_to: i32,
}

/// An inclusive L4 port range; either bound may be open (null).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortRange {
    #[serde(default, deserialize_with = "l::opt_int")]
    pub start: Option<i32>,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub end: Option<i32>,
}

/// The match condition of a rule (MidoNet `Condition.java`); every field optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(default, deserialize_with = "l::boolean")]
    pub cond_invert: bool,
    #[serde(default, deserialize_with = "l::boolean")]
    pub match_forward_flow: bool,
    #[serde(default, deserialize_with = "l::boolean")]
    pub match_return_flow: bool,
    #[serde(default, deserialize_with = "l::uuids")]
    pub in_ports: Vec<Uuid>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_in_ports: bool,
    #[serde(default, deserialize_with = "l::uuids")]
    pub out_ports: Vec<Uuid>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_out_ports: bool,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub port_group: Option<Uuid>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_port_group: bool,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub in_port_group: Option<Uuid>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_in_port_group: bool,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub out_port_group: Option<Uuid>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_out_port_group: bool,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub ip_addr_group_src: Option<Uuid>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_ip_addr_group_src: bool,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub ip_addr_group_dst: Option<Uuid>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_ip_addr_group_dst: bool,
    #[serde(default, deserialize_with = "l::opt_uuid")]
    pub traversed_device: Option<Uuid>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_traversed_device: bool,
    #[serde(default, deserialize_with = "l::boolean")]
    pub no_vlan: bool,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub vlan: Option<i32>,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub dl_type: Option<i32>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_dl_type: bool,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub dl_src: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub dl_src_mask: Option<String>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_dl_src: bool,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub dl_dst: Option<String>,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub dl_dst_mask: Option<String>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_dl_dst: bool,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub nw_tos: Option<i32>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_nw_tos: bool,
    #[serde(default, deserialize_with = "l::opt_int")]
    pub nw_proto: Option<i32>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_nw_proto: bool,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub nw_src_address: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub nw_src_length: i32,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_nw_src: bool,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub nw_dst_address: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub nw_dst_length: i32,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_nw_dst: bool,
    #[serde(default)]
    pub tp_src: Option<PortRange>,
    #[serde(default)]
    pub tp_dst: Option<PortRange>,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_tp_src: bool,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_tp_dst: bool,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub icmp_data_src_ip_address: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub icmp_data_src_ip_length: i32,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_icmp_data_src_ip: bool,
    #[serde(default, deserialize_with = "l::opt_string")]
    pub icmp_data_dst_ip_address: Option<String>,
    #[serde(default, deserialize_with = "l::int")]
    pub icmp_data_dst_ip_length: i32,
    #[serde(default, deserialize_with = "l::boolean")]
    pub inv_icmp_data_dst_ip: bool,
    /// `any`|`header`|`nonheader`|`unfragmented`; computed and stored at create time.
    #[serde(default, deserialize_with = "l::opt_string")]
    pub fragment_policy: Option<String>,
}
