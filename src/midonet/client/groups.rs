//! IP address groups and their addresses (spec `midonet-api.md` §9.9), port groups and their
//! members (§9.10).
//!
//! IP address groups take vendor media types only (`application/json` → 406, §4.1) and have no
//! tenant (`tenant_id` is ignored, §10). Address POSTs are idempotent on the server (201 when
//! already present), so a retried add needs no confirmation. Port-group member POSTs answer a
//! bare 409 when the port is already a member; that is confirmed with one GET of the member.
use super::error::{Kind, Method, Op, Result};
use super::links::segment;
use super::MidonetClient;
use crate::midonet::dto::{IpAddrGroup, IpAddrGroupAddr, PortGroup, PortGroupPort};
use crate::midonet::media;
use serde_json::json;
use uuid::Uuid;

impl MidonetClient {
    /// `GET /ip_addr_groups` (every group: there is no tenant on them).
    pub async fn list_ip_addr_groups(&self) -> Result<Vec<IpAddrGroup>> {
        let url = self.inner.links.collection(Kind::IpAddrGroup)?;
        self.inner
            .list(Kind::IpAddrGroup, url, media::COLL_IP_ADDR_GROUP, None)
            .await
    }
    pub async fn get_ip_addr_group(&self, id: Uuid) -> Result<IpAddrGroup> {
        self.inner.get_obj(id).await
    }
    pub async fn create_ip_addr_group(&self, g: &IpAddrGroup) -> Result<IpAddrGroup> {
        let url = self.inner.links.collection(Kind::IpAddrGroup)?;
        self.inner.create(url, g).await
    }
    pub async fn delete_ip_addr_group(&self, id: Uuid) -> Result<()> {
        self.inner.delete_obj(Kind::IpAddrGroup, id).await
    }

    /// `GET /ip_addr_groups/{id}/ip_addrs`.
    pub async fn list_ip_addrs(&self, group: Uuid) -> Result<Vec<IpAddrGroupAddr>> {
        let url = self
            .inner
            .links
            .child(Kind::IpAddrGroup, &group.to_string(), "ip_addrs")?;
        self.inner
            .list(
                Kind::IpAddrGroupAddr,
                url,
                media::COLL_IP_ADDR_GROUP_ADDR,
                Some(group.to_string()),
            )
            .await
    }
    /// `POST /ip_addr_groups/{id}/ip_addrs` `{"addr", "version": 4}`. Send the canonical
    /// dotted quad: the server's presence test compares the text as sent (§9.9).
    pub async fn add_ip_addr(&self, group: Uuid, addr: &str) -> Result<IpAddrGroupAddr> {
        let inner = &self.inner;
        let op = Op::new(
            Method::Post,
            Kind::IpAddrGroupAddr,
            Some(format!("{group}/{addr}")),
        );
        let url = inner
            .links
            .child(Kind::IpAddrGroup, &group.to_string(), "ip_addrs")?;
        let body = inner.encode(&op, &json!({ "addr": addr, "version": 4 }))?;
        let reply = inner
            .post(&op, url, media::IP_ADDR_GROUP_ADDR, body, true)
            .await?
            .ok()?;
        Ok(IpAddrGroupAddr {
            addr: Some(addr.to_string()),
            version: Some(4),
            ip_addr_group_id: Some(group),
            uri: reply.location,
            ip_addr_group: Some(inner.links.object(Kind::IpAddrGroup, &group.to_string())?),
        })
    }
    /// `DELETE /ip_addr_groups/{id}/versions/4/ip_addrs/{addr}` (idempotent, §9.9).
    pub async fn delete_ip_addr(&self, group: Uuid, addr: &str) -> Result<()> {
        let url = self.inner.links.child(
            Kind::IpAddrGroup,
            &group.to_string(),
            &format!("versions/4/ip_addrs/{}", segment(addr)),
        )?;
        self.inner
            .delete(Kind::IpAddrGroupAddr, url, Some(format!("{group}/{addr}")))
            .await
    }

    /// `GET /port_groups[?tenant_id=]`.
    pub async fn list_port_groups(&self, tenant: Option<&str>) -> Result<Vec<PortGroup>> {
        let url =
            super::devices::with_tenant(self.inner.links.collection(Kind::PortGroup)?, tenant);
        self.inner
            .list(Kind::PortGroup, url, media::COLL_PORT_GROUP, None)
            .await
    }
    pub async fn get_port_group(&self, id: Uuid) -> Result<PortGroup> {
        self.inner.get_obj(id).await
    }
    pub async fn create_port_group(&self, g: &PortGroup) -> Result<PortGroup> {
        let url = self.inner.links.collection(Kind::PortGroup)?;
        self.inner.create(url, g).await
    }
    pub async fn update_port_group(
        &self,
        observed: &PortGroup,
        edit: impl FnOnce(&mut PortGroup),
    ) -> Result<PortGroup> {
        self.inner.update(observed, edit).await
    }
    pub async fn delete_port_group(&self, id: Uuid) -> Result<()> {
        self.inner.delete_obj(Kind::PortGroup, id).await
    }

    /// `GET /port_groups/{id}/ports`.
    pub async fn list_port_group_members(&self, group: Uuid) -> Result<Vec<PortGroupPort>> {
        let url = self
            .inner
            .links
            .child(Kind::PortGroup, &group.to_string(), "ports")?;
        self.inner
            .list(
                Kind::PortGroupPort,
                url,
                media::COLL_PORT_GROUP_PORT,
                Some(group.to_string()),
            )
            .await
    }
    /// `POST /port_groups/{id}/ports` `{"portId"}`. 409 (already a member, §9.10) is confirmed
    /// by `GET /port_groups/{id}/ports/{port}` and is then success.
    pub async fn add_port_group_member(&self, group: Uuid, port: Uuid) -> Result<PortGroupPort> {
        let inner = &self.inner;
        let target = format!("{group}/{port}");
        let op = Op::new(Method::Post, Kind::PortGroupPort, Some(target.clone()));
        let url = inner
            .links
            .child(Kind::PortGroup, &group.to_string(), "ports")?;
        let member_url = inner.links.child(
            Kind::PortGroup,
            &group.to_string(),
            &format!("ports/{port}"),
        )?;
        let body = inner.encode(&op, &json!({ "portId": port }))?;
        // A bare 409 is the real "already a member" answer here, not a concurrency conflict.
        let reply = inner
            .post(&op, url, media::PORT_GROUP_PORT, body, false)
            .await?;
        let member = PortGroupPort {
            port_group_id: Some(group),
            port_id: Some(port),
            uri: Some(member_url.clone()),
            port: Some(inner.links.object(Kind::Port, &port.to_string())?),
            port_group: Some(inner.links.object(Kind::PortGroup, &group.to_string())?),
        };
        if reply.is_success() {
            return Ok(member);
        }
        if reply.status != 409 {
            return Err(reply.into_error());
        }
        let sent = json!({ "portId": port });
        let confirm = inner
            .confirm(
                Kind::PortGroupPort,
                member_url,
                media::PORT_GROUP_PORT,
                Some(target),
                &sent,
                &[],
            )
            .await?;
        inner.settle(confirm, op, reply.message(), || member)
    }
    /// `DELETE /port_groups/{id}/ports/{port}` (404 "not a member" counts as done).
    pub async fn remove_port_group_member(&self, group: Uuid, port: Uuid) -> Result<()> {
        let url = self.inner.links.child(
            Kind::PortGroup,
            &group.to_string(),
            &format!("ports/{port}"),
        )?;
        self.inner
            .delete(Kind::PortGroupPort, url, Some(format!("{group}/{port}")))
            .await
    }
}
