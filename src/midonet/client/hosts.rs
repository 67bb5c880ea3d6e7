//! Hosts and their interfaces (read only: agents register them, spec `midonet-api.md` §9.11),
//! host-interface-port bindings, tunnel zones and their members (§9.12).
//!
//! Natural-key 409s handled here: a binding POST for a port that is already bound (confirmed by
//! GETting the port: same host and interface → success), and a tunnel-zone member POST for a
//! host that is already a member (bare 409; confirmed by GETting the member).
use super::error::{Kind, Method, Op, Result};
use super::links::segment;
use super::MidonetClient;
use crate::midonet::dto::{Host, HostInterfacePort, Interface, TunnelZone, TunnelZoneHost};
use crate::midonet::media;
use serde_json::json;
use uuid::Uuid;

impl MidonetClient {
    /// `GET /hosts` (each with its interfaces inline, `hostInterfaces`).
    pub async fn list_hosts(&self) -> Result<Vec<Host>> {
        let url = self.inner.links.collection(Kind::Host)?;
        self.inner
            .list(Kind::Host, url, media::COLL_HOST, None)
            .await
    }
    pub async fn get_host(&self, id: Uuid) -> Result<Host> {
        self.inner.get_obj(id).await
    }
    /// `GET /hosts/{id}/interfaces`.
    pub async fn list_interfaces(&self, host: Uuid) -> Result<Vec<Interface>> {
        let url = self
            .inner
            .links
            .child(Kind::Host, &host.to_string(), "interfaces")?;
        self.inner
            .list(
                Kind::Interface,
                url,
                media::COLL_INTERFACE,
                Some(host.to_string()),
            )
            .await
    }
    /// `GET /hosts/{id}/interfaces/{name}`.
    pub async fn get_interface(&self, host: Uuid, name: &str) -> Result<Interface> {
        let url = self.inner.links.child(
            Kind::Host,
            &host.to_string(),
            &format!("interfaces/{}", segment(name)),
        )?;
        self.inner
            .get_typed(
                Kind::Interface,
                url,
                media::INTERFACE,
                Some(format!("{host}/{name}")),
            )
            .await
    }

    /// `GET /hosts/{id}/ports`: the bindings on one host.
    pub async fn list_bindings(&self, host: Uuid) -> Result<Vec<HostInterfacePort>> {
        let url = self
            .inner
            .links
            .child(Kind::Host, &host.to_string(), "ports")?;
        self.inner
            .list(
                Kind::HostInterfacePort,
                url,
                media::COLL_HOST_INTERFACE_PORT,
                Some(host.to_string()),
            )
            .await
    }
    /// `POST /hosts/{host}/ports` `{"portId", "interfaceName"}`: binds a port to a host NIC or
    /// tap. Needs the host in a tunnel zone (409 otherwise, §9.11). A 409 because the port is
    /// already bound is confirmed by GETting the port: bound to this host and interface →
    /// success; elsewhere → `Conflict`.
    pub async fn bind_port(
        &self,
        host: Uuid,
        port: Uuid,
        interface: &str,
    ) -> Result<HostInterfacePort> {
        let inner = &self.inner;
        let target = format!("{host}/{port}");
        let op = Op::new(Method::Post, Kind::HostInterfacePort, Some(target));
        let url = inner.links.child(Kind::Host, &host.to_string(), "ports")?;
        let body = inner.encode(&op, &json!({ "portId": port, "interfaceName": interface }))?;
        let reply = inner
            .post(&op, url, media::HOST_INTERFACE_PORT, body, true)
            .await?;
        let binding = HostInterfacePort {
            host_id: Some(host),
            port_id: Some(port),
            interface_name: Some(interface.to_string()),
            uri: reply.location.clone().or_else(|| {
                inner
                    .links
                    .child(Kind::Host, &host.to_string(), &format!("ports/{port}"))
                    .ok()
            }),
            host: inner.links.object(Kind::Host, &host.to_string()).ok(),
            port: inner.links.object(Kind::Port, &port.to_string()).ok(),
        };
        if reply.is_success() {
            return Ok(binding);
        }
        if reply.status != 409 {
            return Err(reply.into_error());
        }
        let message = reply.message();
        let port_url = inner.links.object(Kind::Port, &port.to_string())?;
        let sent = json!({ "hostId": host, "interfaceName": interface });
        let confirm = inner
            .confirm(
                Kind::Port,
                port_url,
                media::PORT,
                Some(port.to_string()),
                &sent,
                &[],
            )
            .await?;
        inner.settle(confirm, op, message, || binding)
    }
    /// `DELETE /hosts/{host}/ports/{port}`: clears the port's binding (§9.11; idempotent on an
    /// unbound port).
    pub async fn unbind_port(&self, host: Uuid, port: Uuid) -> Result<()> {
        let url =
            self.inner
                .links
                .child(Kind::Host, &host.to_string(), &format!("ports/{port}"))?;
        self.inner
            .delete(Kind::HostInterfacePort, url, Some(format!("{host}/{port}")))
            .await
    }

    /// `GET /tunnel_zones` (no tenant filter on zones, §10).
    pub async fn list_tunnel_zones(&self) -> Result<Vec<TunnelZone>> {
        let url = self.inner.links.collection(Kind::TunnelZone)?;
        self.inner
            .list(Kind::TunnelZone, url, media::COLL_TUNNEL_ZONE, None)
            .await
    }
    pub async fn get_tunnel_zone(&self, id: Uuid) -> Result<TunnelZone> {
        self.inner.get_obj(id).await
    }
    /// `POST /tunnel_zones` (names are unique: another zone with the name → `Conflict`).
    /// There is deliberately no update: MidoNet answers 409 to a PUT that keeps the zone's own
    /// name (§9.12 quirk).
    pub async fn create_tunnel_zone(&self, z: &TunnelZone) -> Result<TunnelZone> {
        let url = self.inner.links.collection(Kind::TunnelZone)?;
        self.inner.create(url, z).await
    }
    pub async fn delete_tunnel_zone(&self, id: Uuid) -> Result<()> {
        self.inner.delete_obj(Kind::TunnelZone, id).await
    }

    /// `GET /tunnel_zones/{id}/hosts` (collection `TunnelZoneHost-v1`; json → 406, §4.1).
    pub async fn list_tunnel_zone_members(&self, zone: Uuid) -> Result<Vec<TunnelZoneHost>> {
        let url = self
            .inner
            .links
            .child(Kind::TunnelZone, &zone.to_string(), "hosts")?;
        self.inner
            .list(
                Kind::TunnelZoneHost,
                url,
                media::COLL_TUNNEL_ZONE_HOST,
                Some(zone.to_string()),
            )
            .await
    }
    /// `POST /tunnel_zones/{id}/hosts` `{"hostId", "ipAddress"}`. The bare 409 "already a
    /// member" is confirmed by GETting the member: same address → success, another →
    /// `Conflict`.
    pub async fn add_tunnel_zone_member(
        &self,
        zone: Uuid,
        host: Uuid,
        ip: &str,
    ) -> Result<TunnelZoneHost> {
        let inner = &self.inner;
        let target = format!("{zone}/{host}");
        let op = Op::new(Method::Post, Kind::TunnelZoneHost, Some(target.clone()));
        let url = inner
            .links
            .child(Kind::TunnelZone, &zone.to_string(), "hosts")?;
        let member_url = inner.links.child(
            Kind::TunnelZone,
            &zone.to_string(),
            &format!("hosts/{host}"),
        )?;
        let sent = json!({ "hostId": host, "ipAddress": ip });
        let body = inner.encode(&op, &sent)?;
        let reply = inner
            .post(&op, url, media::TUNNEL_ZONE_HOST, body, false)
            .await?;
        let member = TunnelZoneHost {
            tunnel_zone_id: Some(zone),
            host_id: Some(host),
            ip_address: Some(ip.to_string()),
            uri: Some(member_url.clone()),
            host: inner.links.object(Kind::Host, &host.to_string()).ok(),
            tunnel_zone: inner.links.object(Kind::TunnelZone, &zone.to_string()).ok(),
        };
        if reply.is_success() {
            return Ok(member);
        }
        if reply.status != 409 {
            return Err(reply.into_error());
        }
        let confirm = inner
            .confirm(
                Kind::TunnelZoneHost,
                member_url,
                media::TUNNEL_ZONE_HOST,
                Some(target),
                &sent,
                &[],
            )
            .await?;
        inner.settle(confirm, op, reply.message(), || member)
    }
    /// `DELETE /tunnel_zones/{id}/hosts/{host}` (404 "not a member" counts as done).
    pub async fn remove_tunnel_zone_member(&self, zone: Uuid, host: Uuid) -> Result<()> {
        let url = self.inner.links.child(
            Kind::TunnelZone,
            &zone.to_string(),
            &format!("hosts/{host}"),
        )?;
        self.inner
            .delete(Kind::TunnelZoneHost, url, Some(format!("{zone}/{host}")))
            .await
    }
}
