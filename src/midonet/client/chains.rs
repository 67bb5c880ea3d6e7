//! Chains, rules (spec `midonet-api.md` §9.7, §9.8) and routes (§9.6). None of them has a PUT
//! (§7.2): a changed rule or route is deleted and created again by the planner.
use super::error::{Error, Kind, Method, Op, Result};
use super::MidonetClient;
use crate::midonet::dto::{Chain, Route, Rule};
use crate::midonet::media;
use uuid::Uuid;

impl MidonetClient {
    /// `GET /chains[?tenant_id=]`.
    pub async fn list_chains(&self, tenant: Option<&str>) -> Result<Vec<Chain>> {
        let url = super::devices::with_tenant(self.inner.links.collection(Kind::Chain)?, tenant);
        self.inner
            .list(Kind::Chain, url, media::COLL_CHAIN, None)
            .await
    }
    pub async fn get_chain(&self, id: Uuid) -> Result<Chain> {
        self.inner.get_obj(id).await
    }
    pub async fn create_chain(&self, c: &Chain) -> Result<Chain> {
        let url = self.inner.links.collection(Kind::Chain)?;
        self.inner.create(url, c).await
    }
    /// Deletes the chain, its rules, and jump rules elsewhere that target it (§7.3).
    pub async fn delete_chain(&self, id: Uuid) -> Result<()> {
        self.inner.delete_obj(Kind::Chain, id).await
    }

    /// `GET /chains/{id}/rules`, in position order (§9.8).
    pub async fn list_rules(&self, chain: Uuid) -> Result<Vec<Rule>> {
        let url = self
            .inner
            .links
            .child(Kind::Chain, &chain.to_string(), "rules")?;
        self.inner
            .list(Kind::Rule, url, media::COLL_RULE, Some(chain.to_string()))
            .await
    }
    pub async fn get_rule(&self, id: Uuid) -> Result<Rule> {
        self.inner.get_obj(id).await
    }
    /// `POST /chains/{chain}/rules`. The rule must carry an explicit `position` ≥ 1: MidoNet's
    /// default is 1, the head of the chain (§9.8), which silently reorders a chain when a
    /// caller forgets it — eucanetd's NAT rules land at the head that way. Positions above
    /// `count + 1` are rejected by MidoNet (400), so a chain is built in position order.
    /// (The DTO defaults a missing `position` to 1, so "explicit" can only be checked as ≥ 1.)
    pub async fn create_rule(&self, chain: Uuid, r: &Rule) -> Result<Rule> {
        if r.position < 1 {
            return Err(Error::Invalid {
                op: Op::new(Method::Post, Kind::Rule, r.id.map(|i| i.to_string())),
                message: format!(
                    "rule position must be explicit and >= 1, got {}",
                    r.position
                ),
            });
        }
        let url = self
            .inner
            .links
            .child(Kind::Chain, &chain.to_string(), "rules")?;
        let mut sent = r.clone();
        sent.chain_id = Some(chain);
        self.inner.create(url, &sent).await
    }
    /// `DELETE /rules/{id}`: later rules move up one position (§7.3).
    pub async fn delete_rule(&self, id: Uuid) -> Result<()> {
        self.inner.delete_obj(Kind::Rule, id).await
    }

    /// `GET /routers/{id}/routes`: the router's routes, its ports' routes (including the LOCAL
    /// ones MidoNet makes, §7.5) and learned routes (§9.6).
    pub async fn list_routes(&self, router: Uuid) -> Result<Vec<Route>> {
        let url = self
            .inner
            .links
            .child(Kind::Router, &router.to_string(), "routes")?;
        self.inner
            .list(
                Kind::Route,
                url,
                media::COLL_ROUTE,
                Some(router.to_string()),
            )
            .await
    }
    pub async fn get_route(&self, id: Uuid) -> Result<Route> {
        self.inner.get_obj(id).await
    }
    /// `POST /routers/{router}/routes`.
    pub async fn create_route(&self, router: Uuid, r: &Route) -> Result<Route> {
        let url = self
            .inner
            .links
            .child(Kind::Router, &router.to_string(), "routes")?;
        self.inner.create(url, r).await
    }
    pub async fn delete_route(&self, id: Uuid) -> Result<()> {
        self.inner.delete_obj(Kind::Route, id).await
    }
}
