//! Serde DTOs of every MidoNet 5.2 REST resource vpcmido and its emulator use, shared by the
//! client and the emulator (spec `midonet-api.md` §9).
//!
//! Conventions (spec §5): camelCase field names; every field is written on output, `null`
//! when unset (`Option`), lists as `[]`; ids are `uuid::Uuid`; read-only link fields (`uri`,
//! `ports`, ...) are absolute URI strings, filled by the server and ignored on input. Input is
//! lenient as MidoNet's reader is ([`lenient`]): scalars may arrive as strings. Polymorphic
//! resources carry a `type` discriminator through a flattened enum ([`PortKind`],
//! [`RuleAction`]).
//!
//! Decode server replies with [`from_body`], not `serde_json::from_slice`: MidoNet writes some
//! keys twice (bridge ports' `type`, IP-group addresses' `version`), which serde's derived
//! struct decoders reject, and eucanetd-style bodies may carry trailing bytes.
pub mod lenient;

mod devices;
mod dhcp;
mod groups;
mod hosts;
mod misc;
mod routing;
mod rules;

pub use devices::{
    Bridge, BridgePortFields, Port, PortKind, PortLink, Router, RouterPortFields, VxlanPortFields,
};
pub use dhcp::{DhcpHost, DhcpOption121, DhcpSubnet, ExtraDhcpOpt, Ip4Mac, MacPort};
pub use groups::{IpAddrGroup, IpAddrGroupAddr, PortGroup, PortGroupPort};
pub use hosts::{Host, HostInterfacePort, Interface, TunnelZone, TunnelZoneHost};
pub use misc::{Application, ErrorBody, SystemState, Tenant, Token, Violation};
pub use routing::{BgpNetwork, BgpPeer, Route};
pub use rules::{
    Chain, Condition, FwdNatFields, JumpFields, L2TransformFields, NatTarget, PortRange,
    RevNatFields, Rule, RuleAction, TraceFields,
};

/// Decodes the first JSON value of `bytes` into `T`, tolerating duplicated keys (last wins, as
/// Jackson and Python's `json` do) and trailing bytes after the value (spec §5: eucanetd adds a
/// NUL). Errors carry serde's text, which the emulator returns as a 400 message.
pub fn from_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyError> {
    let value = first_value(bytes)?;
    serde_json::from_value(value).map_err(|e| BodyError::Mapping(e.to_string()))
}

/// Like [`from_body`] for a resource body: the value must be a JSON object, as a JSON array
/// or scalar cannot map onto a model (serde alone would read `[]` as a struct of defaults).
/// `null` counts as no entity ([`BodyError::Empty`]).
pub fn from_object_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyError> {
    match first_value(bytes)? {
        serde_json::Value::Null => Err(BodyError::Empty),
        v @ serde_json::Value::Object(_) => {
            serde_json::from_value(v).map_err(|e| BodyError::Mapping(e.to_string()))
        }
        other => Err(BodyError::Mapping(format!(
            "Can not deserialize an object out of {other}"
        ))),
    }
}

/// Reads the first JSON value of `bytes`; trailing bytes are ignored.
pub fn first_value(bytes: &[u8]) -> Result<serde_json::Value, BodyError> {
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(v)) => Ok(v),
        Some(Err(e)) => Err(BodyError::Syntax(e.to_string())),
        None => Err(BodyError::Empty),
    }
}

/// Why a body could not be decoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BodyError {
    /// No JSON value at all (an empty body).
    #[error("empty body")]
    Empty,
    /// Not JSON.
    #[error("malformed JSON: {0}")]
    Syntax(String),
    /// JSON, but not of the model's shape (a wrong type, an unknown discriminator ...).
    #[error("{0}")]
    Mapping(String),
}
