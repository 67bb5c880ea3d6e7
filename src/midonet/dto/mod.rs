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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eucanetd_strings_are_coerced() {
        let r: Rule = from_object_body(
            br#"{"tenantId":"t","position":"3","type":"dnat","flowAction":"accept","nwProto":"17","invNwSrc":"true","tpDst":{"start":"67","end":"68"},"natTargets":[{"addressFrom":"1.2.3.4","addressTo":"1.2.3.4","portFrom":"0","portTo":"0"}]}"#,
        )
        .unwrap();
        assert_eq!(r.position, 3);
        assert_eq!(r.condition.nw_proto, Some(17));
        assert!(r.condition.inv_nw_src);
        assert_eq!(
            r.condition.tp_dst,
            Some(PortRange {
                start: Some(67),
                end: Some(68)
            })
        );
        match r.action {
            RuleAction::Dnat(n) => assert_eq!(n.nat_targets.map(|t| t[0].port_to), Some(0)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn trailing_nul_and_duplicate_keys_are_tolerated() {
        let p: Port =
            from_body(b"{\"type\":\"Bridge\",\"type\":\"Bridge\",\"vlanId\":\"5\"}\0").unwrap();
        assert_eq!(p.kind, PortKind::Bridge(BridgePortFields { vlan_id: 5 }));
        let a: IpAddrGroupAddr =
            from_body(br#"{"version":"4","addr":"10.0.0.1","version":4}"#).unwrap();
        assert_eq!(a.version, Some(4));
    }

    #[test]
    fn nulls_empty_strings_and_ranges() {
        let r: Router =
            from_object_body(br#"{"inboundFilterId":"","asNumber":null,"adminStateUp":null}"#)
                .unwrap();
        assert_eq!(
            (r.inbound_filter_id, r.as_number, r.admin_state_up),
            (None, 0, false)
        );
        let r: Router = from_object_body(br#"{}"#).unwrap();
        assert!(r.admin_state_up, "adminStateUp defaults to true");
        assert!(matches!(
            from_object_body::<Port>(br#"{"type":"Bridge","vlanId":40000}"#),
            Err(BodyError::Mapping(_))
        ));
        assert!(matches!(
            from_object_body::<Router>(br#"{"asNumber":"x"}"#),
            Err(BodyError::Mapping(_))
        ));
        assert_eq!(from_object_body::<Router>(b"null"), Err(BodyError::Empty));
        assert!(matches!(
            from_object_body::<Router>(b"[]"),
            Err(BodyError::Mapping(_))
        ));
        assert!(matches!(
            from_object_body::<Router>(b"{"),
            Err(BodyError::Syntax(_))
        ));
    }

    #[test]
    fn output_round_trips_through_the_dto() {
        let text = r#"{"id":"7b4b1e7e-0000-0000-0000-000000000001","type":"Router","networkAddress":"10.0.0.0","networkLength":24,"portAddress":"10.0.0.1","portMac":null,"uri":"http://h/midonet-api/ports/7b4b1e7e-0000-0000-0000-000000000001"}"#;
        let p: Port = from_body(text.as_bytes()).unwrap();
        let again: Port = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(p, again);
        assert_eq!(p.kind.type_name(), "Router");
    }
}
