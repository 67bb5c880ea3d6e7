//! MidoNet 5.2 media type strings (spec §4.1; MidoNet `MidonetMediaTypes.scala`).
//! `X` is the single-object type, `COLL_X` the collection type.

/// Prefix of every vendor type.
pub const VND: &str = "application/vnd.org.midonet.";
pub const JSON: &str = "application/json";
pub const APPLICATION: &str = "application/vnd.org.midonet.Application-v5+json";
pub const SYSTEM_STATE: &str = "application/vnd.org.midonet.SystemState-v2+json";
pub const ERROR: &str = "application/vnd.org.midonet.Error-v1+json";
pub const TOKEN: &str = "application/vnd.org.midonet.Token-v1+json";
pub const TENANT: &str = "application/vnd.org.midonet.Tenant-v2+json";
pub const COLL_TENANT: &str = "application/vnd.org.midonet.collection.Tenant-v2+json";
pub const ROUTER: &str = "application/vnd.org.midonet.Router-v3+json";
pub const COLL_ROUTER: &str = "application/vnd.org.midonet.collection.Router-v3+json";
pub const BRIDGE: &str = "application/vnd.org.midonet.Bridge-v4+json";
pub const COLL_BRIDGE: &str = "application/vnd.org.midonet.collection.Bridge-v4+json";
pub const PORT: &str = "application/vnd.org.midonet.Port-v3+json";
pub const COLL_PORT: &str = "application/vnd.org.midonet.collection.Port-v3+json";
pub const PORT_LINK: &str = "application/vnd.org.midonet.PortLink-v1+json";
pub const ROUTE: &str = "application/vnd.org.midonet.Route-v1+json";
pub const COLL_ROUTE: &str = "application/vnd.org.midonet.collection.Route-v1+json";
pub const CHAIN: &str = "application/vnd.org.midonet.Chain-v1+json";
pub const COLL_CHAIN: &str = "application/vnd.org.midonet.collection.Chain-v1+json";
pub const RULE: &str = "application/vnd.org.midonet.Rule-v2+json";
pub const COLL_RULE: &str = "application/vnd.org.midonet.collection.Rule-v2+json";
pub const IP_ADDR_GROUP: &str = "application/vnd.org.midonet.IpAddrGroup-v1+json";
pub const COLL_IP_ADDR_GROUP: &str = "application/vnd.org.midonet.collection.IpAddrGroup-v1+json";
pub const IP_ADDR_GROUP_ADDR: &str = "application/vnd.org.midonet.IpAddrGroupAddr-v1+json";
pub const COLL_IP_ADDR_GROUP_ADDR: &str =
    "application/vnd.org.midonet.collection.IpAddrGroupAddr-v1+json";
pub const PORT_GROUP: &str = "application/vnd.org.midonet.PortGroup-v1+json";
pub const COLL_PORT_GROUP: &str = "application/vnd.org.midonet.collection.PortGroup-v1+json";
pub const PORT_GROUP_PORT: &str = "application/vnd.org.midonet.PortGroupPort-v1+json";
pub const COLL_PORT_GROUP_PORT: &str =
    "application/vnd.org.midonet.collection.PortGroupPort-v1+json";
pub const HOST: &str = "application/vnd.org.midonet.Host-v3+json";
pub const COLL_HOST: &str = "application/vnd.org.midonet.collection.Host-v3+json";
pub const INTERFACE: &str = "application/vnd.org.midonet.Interface-v1+json";
pub const COLL_INTERFACE: &str = "application/vnd.org.midonet.collection.Interface-v1+json";
pub const HOST_INTERFACE_PORT: &str = "application/vnd.org.midonet.HostInterfacePort-v1+json";
pub const COLL_HOST_INTERFACE_PORT: &str =
    "application/vnd.org.midonet.collection.HostInterfacePort-v1+json";
pub const TUNNEL_ZONE: &str = "application/vnd.org.midonet.TunnelZone-v1+json";
pub const COLL_TUNNEL_ZONE: &str = "application/vnd.org.midonet.collection.TunnelZone-v1+json";
pub const TUNNEL_ZONE_HOST: &str = "application/vnd.org.midonet.TunnelZoneHost-v1+json";
pub const COLL_TUNNEL_ZONE_HOST: &str =
    "application/vnd.org.midonet.collection.TunnelZoneHost-v1+json";
pub const GRE_TUNNEL_ZONE_HOST: &str = "application/vnd.org.midonet.GreTunnelZoneHost-v1+json";
pub const COLL_GRE_TUNNEL_ZONE_HOST: &str =
    "application/vnd.org.midonet.collection.GreTunnelZoneHost-v1+json";
pub const BGP_PEER: &str = "application/vnd.org.midonet.BgpPeer-v1+json";
pub const COLL_BGP_PEER: &str = "application/vnd.org.midonet.collection.BgpPeer-v1+json";
pub const BGP_NETWORK: &str = "application/vnd.org.midonet.BgpNetwork-v1+json";
pub const COLL_BGP_NETWORK: &str = "application/vnd.org.midonet.collection.BgpNetwork-v1+json";
pub const DHCP_SUBNET: &str = "application/vnd.org.midonet.DhcpSubnet-v2+json";
pub const COLL_DHCP_SUBNET: &str = "application/vnd.org.midonet.collection.DhcpSubnet-v2+json";
pub const DHCP_HOST: &str = "application/vnd.org.midonet.DhcpHost-v2+json";
pub const COLL_DHCP_HOST: &str = "application/vnd.org.midonet.collection.DhcpHost-v2+json";
pub const IP4_MAC: &str = "application/vnd.org.midonet.IP4Mac-v1+json";
pub const COLL_IP4_MAC: &str = "application/vnd.org.midonet.collection.IP4Mac-v1+json";
pub const MAC_PORT: &str = "application/vnd.org.midonet.MacPort-v2+json";
pub const COLL_MAC_PORT: &str = "application/vnd.org.midonet.collection.MacPort-v2+json";
