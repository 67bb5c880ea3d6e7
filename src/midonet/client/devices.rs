//! Routers, bridges and ports (spec `midonet-api.md` §9.3–§9.5), and port links.
//!
//! Ports are created under their device (`/routers/{id}/ports`, `/bridges/{id}/ports`; there is
//! no POST on `/ports`, §4.2). A router port's LOCAL route and tunnel key are made by MidoNet
//! (§7.5) and show up at the next discovery; the returned port is what was sent.
use super::error::{Error, Kind, Method, Op, Result};
use super::ops::Confirm;
use super::MidonetClient;
use crate::midonet::dto::{Bridge, Port, PortKind, Router};
use crate::midonet::media;
use serde_json::json;
use uuid::Uuid;

impl MidonetClient {
    /// `GET /routers[?tenant_id=]` (MidoNet filters routers by tenant, §10).
    pub async fn list_routers(&self, tenant: Option<&str>) -> Result<Vec<Router>> {
        let url = with_tenant(self.inner.links.collection(Kind::Router)?, tenant);
        self.inner
            .list(Kind::Router, url, media::COLL_ROUTER, None)
            .await
    }
    pub async fn get_router(&self, id: Uuid) -> Result<Router> {
        self.inner.get_obj(id).await
    }
    /// `POST /routers` with the router's client-chosen id.
    pub async fn create_router(&self, r: &Router) -> Result<Router> {
        let url = self.inner.links.collection(Kind::Router)?;
        self.inner.create(url, r).await
    }
    /// `PUT /routers/{id}`: the observed router with `edit` applied (full replacement, §7.2).
    /// Also how the local BGP AS is set (`asNumber`, §9.13).
    pub async fn update_router(
        &self,
        observed: &Router,
        edit: impl FnOnce(&mut Router),
    ) -> Result<Router> {
        self.inner.update(observed, edit).await
    }
    /// `DELETE /routers/{id}` (cascades to ports, routes, BGP, §7.3).
    pub async fn delete_router(&self, id: Uuid) -> Result<()> {
        self.inner.delete_obj(Kind::Router, id).await
    }

    /// `GET /bridges[?tenant_id=]`.
    pub async fn list_bridges(&self, tenant: Option<&str>) -> Result<Vec<Bridge>> {
        let url = with_tenant(self.inner.links.collection(Kind::Bridge)?, tenant);
        self.inner
            .list(Kind::Bridge, url, media::COLL_BRIDGE, None)
            .await
    }
    pub async fn get_bridge(&self, id: Uuid) -> Result<Bridge> {
        self.inner.get_obj(id).await
    }
    pub async fn create_bridge(&self, b: &Bridge) -> Result<Bridge> {
        let url = self.inner.links.collection(Kind::Bridge)?;
        self.inner.create(url, b).await
    }
    pub async fn update_bridge(
        &self,
        observed: &Bridge,
        edit: impl FnOnce(&mut Bridge),
    ) -> Result<Bridge> {
        self.inner.update(observed, edit).await
    }
    pub async fn delete_bridge(&self, id: Uuid) -> Result<()> {
        self.inner.delete_obj(Kind::Bridge, id).await
    }

    /// The ports of one device: `GET /routers/{id}/ports` or `/bridges/{id}/ports`.
    pub async fn list_device_ports(&self, device_kind: Kind, device: Uuid) -> Result<Vec<Port>> {
        let url = self
            .inner
            .links
            .child(device_kind, &device.to_string(), "ports")?;
        self.inner
            .list(Kind::Port, url, media::COLL_PORT, Some(device.to_string()))
            .await
    }
    pub async fn get_port(&self, id: Uuid) -> Result<Port> {
        self.inner.get_obj(id).await
    }
    /// Creates a port under `device` (a router for `PortKind::Router`, a bridge for
    /// `PortKind::Bridge`). The port carries its client-chosen id.
    pub async fn create_port(&self, device: Uuid, p: &Port) -> Result<Port> {
        let device_kind = match &p.kind {
            PortKind::Router(_) => Kind::Router,
            PortKind::Bridge(_) => Kind::Bridge,
            PortKind::Vxlan(_) => {
                return Err(Error::Invalid {
                    op: Op::new(Method::Post, Kind::Port, p.id.map(|i| i.to_string())),
                    message: "VXLAN ports are made by VTEP bindings, not by clients".into(),
                })
            }
        };
        let url = self
            .inner
            .links
            .child(device_kind, &device.to_string(), "ports")?;
        let mut sent = p.clone();
        sent.device_id = Some(device);
        self.inner.create(url, &sent).await
    }
    /// `PUT /ports/{id}` from the observed port (keeps `type`, `portMac`, addresses: a PUT
    /// without them fails or nulls them, §7.2).
    pub async fn update_port(&self, observed: &Port, edit: impl FnOnce(&mut Port)) -> Result<Port> {
        self.inner.update(observed, edit).await
    }
    pub async fn delete_port(&self, id: Uuid) -> Result<()> {
        self.inner.delete_obj(Kind::Port, id).await
    }

    /// `POST /ports/{a}/link` `{"peerId": b}` (§9.5). A 409 ("not linkable": a side is already
    /// linked) is confirmed by GETting both ports: each already the other's peer → success
    /// (a retried link whose first attempt was applied); otherwise `Conflict`.
    pub async fn link_ports(&self, a: Uuid, b: Uuid) -> Result<()> {
        let inner = &self.inner;
        let op = Op::new(Method::Post, Kind::PortLink, Some(format!("{a}->{b}")));
        let url = inner.links.child(Kind::Port, &a.to_string(), "link")?;
        // Only `peerId`: a body with `portId` makes MidoNet fail (§6.1).
        let body = inner.encode(&op, &json!({ "peerId": b }))?;
        let reply = inner.post(&op, url, media::PORT_LINK, body, true).await?;
        if reply.is_success() {
            return Ok(());
        }
        if reply.status != 409 {
            return Err(reply.into_error());
        }
        let message = reply.message();
        let mut differing = Vec::new();
        for (this, peer) in [(a, b), (b, a)] {
            let url = inner.links.object(Kind::Port, &this.to_string())?;
            let sent = json!({ "peerId": peer });
            match inner
                .confirm(
                    Kind::Port,
                    url,
                    media::PORT,
                    Some(this.to_string()),
                    &sent,
                    &[],
                )
                .await?
            {
                Confirm::Same => {}
                Confirm::Differs(_) | Confirm::Absent => differing.push(format!("{this}.peerId")),
            }
        }
        if differing.is_empty() {
            inner.counters.confirmed();
            Ok(())
        } else {
            Err(Error::Conflict {
                op,
                message,
                differing,
            })
        }
    }

    /// `DELETE /ports/{id}/link`: clears the peer on both sides (idempotent, §9.5).
    pub async fn unlink_port(&self, id: Uuid) -> Result<()> {
        let url = self
            .inner
            .links
            .child(Kind::Port, &id.to_string(), "link")?;
        self.inner
            .delete(Kind::PortLink, url, Some(id.to_string()))
            .await
    }
}

/// Appends `?tenant_id=` where MidoNet filters by it (routers, bridges, chains, port groups;
/// §10). Tenant ids are plain strings like `euca_tenant_1`; anything else is encoded.
pub(crate) fn with_tenant(url: String, tenant: Option<&str>) -> String {
    match tenant {
        Some(t) => format!("{url}?tenant_id={}", super::links::segment(t)),
        None => url,
    }
}
