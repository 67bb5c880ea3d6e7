//! The root document, system state, tenants, login token and error bodies (spec §2, §3, §6.2,
//! §9.1, §9.2).
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `Application-v5`: `uri` (with a trailing slash), `version` (`v5.0`), and one key per
/// collection URI and per `{id}` template, flattened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub uri: String,
    pub version: String,
    #[serde(flatten)]
    pub links: BTreeMap<String, String>,
}

/// `SystemState-v2` (static in MidoNet 5.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemState {
    pub state: String,
    pub availability: String,
    pub version: String,
    pub information: Option<String>,
}

/// `Tenant-v2` (synthetic under the mock auth provider).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub description: String,
    pub enabled: bool,
    pub uri: Option<String>,
    pub routers: Option<String>,
    pub bridges: Option<String>,
    pub chains: Option<String>,
    #[serde(rename = "portGroups")]
    pub port_groups: Option<String>,
}

/// `Token-v1` (login reply).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    pub key: String,
    pub expires: Option<String>,
}

/// `Error-v1`: `code` equals the HTTP status; `violations` only on bean-validation failures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub message: Option<String>,
    pub code: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<Violation>>,
}

/// One bean-validation failure; `property` is `""` for class-level constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub property: String,
    pub message: String,
}
