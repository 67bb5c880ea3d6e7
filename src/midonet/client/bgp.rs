//! BGP in MidoNet 5.x (spec `midonet-api.md` §9.13): the local AS is the router's `asNumber`
//! (set with [`MidonetClient::set_router_as_number`], a full-replacement router PUT that keeps
//! the router's other fields), peers and advertised networks are router sub-resources with ids.
use super::error::{Kind, Result};
use super::MidonetClient;
use crate::midonet::dto::{BgpNetwork, BgpPeer, Router};
use crate::midonet::media;
use uuid::Uuid;

impl MidonetClient {
    /// Sets the router's local AS from the observed router (eucanetd's PUT of only `{id, name,
    /// tenantId, asNumber}` clears the router's filters, §9.13; this one does not).
    pub async fn set_router_as_number(&self, observed: &Router, as_number: i32) -> Result<Router> {
        self.update_router(observed, |r| r.as_number = as_number)
            .await
    }

    /// `GET /routers/{id}/bgp_peers`.
    pub async fn list_bgp_peers(&self, router: Uuid) -> Result<Vec<BgpPeer>> {
        let url = self
            .inner
            .links
            .child(Kind::Router, &router.to_string(), "bgp_peers")?;
        self.inner
            .list(
                Kind::BgpPeer,
                url,
                media::COLL_BGP_PEER,
                Some(router.to_string()),
            )
            .await
    }
    pub async fn get_bgp_peer(&self, id: Uuid) -> Result<BgpPeer> {
        self.inner.get_obj(id).await
    }
    /// `POST /routers/{router}/bgp_peers` (`asNumber` ≥ 1 and `address` required).
    pub async fn create_bgp_peer(&self, router: Uuid, p: &BgpPeer) -> Result<BgpPeer> {
        let url = self
            .inner
            .links
            .child(Kind::Router, &router.to_string(), "bgp_peers")?;
        let mut sent = p.clone();
        sent.router_id = Some(router);
        self.inner.create(url, &sent).await
    }
    pub async fn update_bgp_peer(
        &self,
        observed: &BgpPeer,
        edit: impl FnOnce(&mut BgpPeer),
    ) -> Result<BgpPeer> {
        self.inner.update(observed, edit).await
    }
    pub async fn delete_bgp_peer(&self, id: Uuid) -> Result<()> {
        self.inner.delete_obj(Kind::BgpPeer, id).await
    }

    /// `GET /routers/{id}/bgp_networks`.
    pub async fn list_bgp_networks(&self, router: Uuid) -> Result<Vec<BgpNetwork>> {
        let url = self
            .inner
            .links
            .child(Kind::Router, &router.to_string(), "bgp_networks")?;
        self.inner
            .list(
                Kind::BgpNetwork,
                url,
                media::COLL_BGP_NETWORK,
                Some(router.to_string()),
            )
            .await
    }
    /// `POST /routers/{router}/bgp_networks` (no PUT: delete and create to change one).
    pub async fn create_bgp_network(&self, router: Uuid, n: &BgpNetwork) -> Result<BgpNetwork> {
        let url = self
            .inner
            .links
            .child(Kind::Router, &router.to_string(), "bgp_networks")?;
        let mut sent = n.clone();
        sent.router_id = Some(router);
        self.inner.create(url, &sent).await
    }
    pub async fn delete_bgp_network(&self, id: Uuid) -> Result<()> {
        self.inner.delete_obj(Kind::BgpNetwork, id).await
    }
}
