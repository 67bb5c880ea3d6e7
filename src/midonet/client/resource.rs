//! [`Resource`]: what the generic create/get/update/delete paths need to know about a DTO with
//! its own id — its kind, media types (spec `midonet-api.md` §4.1), and which keys the server
//! maintains (ignored when a 409 is confirmed by comparing fields, §7.5, §9).
use super::error::Kind;
use crate::midonet::dto::{
    BgpNetwork, BgpPeer, Bridge, Chain, Host, IpAddrGroup, Port, PortGroup, Route, Router, Rule,
    TunnelZone,
};
use crate::midonet::media;
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

/// A MidoNet object with an id of its own (a client-chosen one on create, §5).
pub trait Resource:
    Serialize + DeserializeOwned + Clone + PartialEq + Send + Sync + 'static
{
    const KIND: Kind;
    /// Single-object media type (GET by id, POST, PUT).
    const MEDIA: &'static str;
    /// Collection media type (lists).
    const COLLECTION_MEDIA: &'static str;
    /// Keys the server computes or maintains; not compared when confirming a 409.
    const SERVER_KEYS: &'static [&'static str] = &[];
    /// Keys left out of PUT bodies although the observed object holds them: a PUT "sets them
    /// while the stored value is null" (§9.5), so a stale observed value would silently re-link
    /// or re-bind a port someone just unlinked or unbound. Links and bindings have their own
    /// calls. eucanetd's port PUT does not send them either (§11).
    const PUT_OMIT: &'static [&'static str] = &[];
    fn id(&self) -> Option<Uuid>;
    fn set_uri(&mut self, uri: Option<String>);
    /// The object's name, where it has one (discovery filters on it).
    fn name(&self) -> Option<&str> {
        None
    }
}

macro_rules! resource {
    ($t:ty, $kind:expr, $media:expr, $coll:expr, $keys:expr, $omit:expr, named) => {
        resource!($t, $kind, $media, $coll, $keys, $omit);
        impl NameOf for $t {
            fn name_of(&self) -> Option<&str> {
                self.name.as_deref()
            }
        }
    };
    ($t:ty, $kind:expr, $media:expr, $coll:expr, $keys:expr, $omit:expr) => {
        impl Resource for $t {
            const KIND: Kind = $kind;
            const MEDIA: &'static str = $media;
            const COLLECTION_MEDIA: &'static str = $coll;
            const SERVER_KEYS: &'static [&'static str] = $keys;
            const PUT_OMIT: &'static [&'static str] = $omit;
            fn id(&self) -> Option<Uuid> {
                self.id
            }
            fn set_uri(&mut self, uri: Option<String>) {
                self.uri = uri;
            }
            fn name(&self) -> Option<&str> {
                NameOf::name_of(self)
            }
        }
    };
}

/// Name accessor (a separate trait so that unnamed kinds answer `None`).
pub trait NameOf {
    fn name_of(&self) -> Option<&str> {
        None
    }
}

const NONE: &[&str] = &[];

#[rustfmt::skip]
mod impls {
    use super::*;

    resource!(Router, Kind::Router, media::ROUTER, media::COLL_ROUTER, NONE, NONE, named);
    // Bridges: `vxLanPortIds` is VTEP-managed; on PUT it must be null or equal (§9.4).
    resource!(Bridge, Kind::Bridge, media::BRIDGE, media::COLL_BRIDGE, &["vxLanPortIds"], &["vxLanPortIds"], named);
    // Ports: the tunnel key is allocated by the server (§7.5), `active`/`bgpStatus` are agent
    // state and the device comes from the path (§9.5). Links and bindings are not PUT (see
    // `PUT_OMIT`); `serviceContainerId` is kept by MidoNet on PUT anyway.
    resource!(Port, Kind::Port, media::PORT, media::COLL_PORT,
        &["tunnelKey", "active", "bgpStatus", "deviceId"],
        &["peerId", "hostId", "interfaceName", "deviceId", "serviceContainerId"]);
    impl NameOf for Port {}
    // Routes: `routerId` is computed from the port, `learned` is agent state (§9.6).
    resource!(Route, Kind::Route, media::ROUTE, media::COLL_ROUTE, &["routerId", "learned"], NONE);
    impl NameOf for Route {}
    resource!(Chain, Kind::Chain, media::CHAIN, media::COLL_CHAIN, NONE, NONE, named);
    // Rules: `position` is derived from the chain's list and moves as rules are inserted
    // before it (§9.8; eucanetd ignores it too, §11); `chainId` comes from the path.
    resource!(Rule, Kind::Rule, media::RULE, media::COLL_RULE, &["position", "chainId"], NONE);
    impl NameOf for Rule {}
    resource!(IpAddrGroup, Kind::IpAddrGroup, media::IP_ADDR_GROUP, media::COLL_IP_ADDR_GROUP, NONE, NONE, named);
    resource!(PortGroup, Kind::PortGroup, media::PORT_GROUP, media::COLL_PORT_GROUP, NONE, NONE, named);
    resource!(TunnelZone, Kind::TunnelZone, media::TUNNEL_ZONE, media::COLL_TUNNEL_ZONE, NONE, NONE, named);
    resource!(BgpPeer, Kind::BgpPeer, media::BGP_PEER, media::COLL_BGP_PEER, &["routerId"], NONE);
    impl NameOf for BgpPeer {}
    resource!(BgpNetwork, Kind::BgpNetwork, media::BGP_NETWORK, media::COLL_BGP_NETWORK, &["routerId"], NONE);
    impl NameOf for BgpNetwork {}
    resource!(Host, Kind::Host, media::HOST, media::COLL_HOST, &["alive", "addresses", "hostInterfaces"], NONE, named);
}
