//! DHCP subnets and static hosts (spec `midonet-api.md` §9.14), and the bridge ARP and MAC
//! tables (§9.15). None of these objects has an id of its own: subnets are addressed as
//! `<prefix>_<len>`, hosts by MAC, table entries by their contents.
//!
//! DHCP subnets are the one create that is not naturally safe to retry: MidoNet 5.2 stores a
//! second subnet with the same prefix and length instead of answering 409 (§9.14 quirk). So a
//! subnet POST is never blindly repeated: after an ambiguous failure (timeout, dropped
//! connection, 5xx) the subnet is looked up by its key first, and only an absent subnet is
//! POSTed again.
use super::error::{Error, Kind, Method, Op, Result};
use super::links::segment;
use super::metrics::{self, RetryReason};
use super::ops::Confirm;
use super::transport::Req;
use super::MidonetClient;
use crate::midonet::dto::{DhcpHost, DhcpSubnet, Ip4Mac, MacPort};
use crate::midonet::media;
use serde_json::json;
use std::fmt;
use uuid::Uuid;

/// A DHCP subnet's address in URIs: `<subnetPrefix>_<subnetLength>` (§9.14).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubnetKey {
    pub prefix: String,
    pub len: i32,
}

impl SubnetKey {
    pub fn new(prefix: impl Into<String>, len: i32) -> Self {
        SubnetKey {
            prefix: prefix.into(),
            len,
        }
    }

    /// The key of a subnet DTO (`None` without a prefix).
    pub fn of(s: &DhcpSubnet) -> Option<SubnetKey> {
        s.subnet_prefix
            .as_ref()
            .map(|p| SubnetKey::new(p.clone(), s.subnet_length))
    }
}

impl fmt::Display for SubnetKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.prefix, self.len)
    }
}

fn retry_reason(e: &Error) -> RetryReason {
    match e {
        Error::Unavailable { status: 503, .. } => RetryReason::Unavailable,
        Error::Unavailable { .. } => RetryReason::ServerError,
        Error::Transport { timeout: true, .. } => RetryReason::Timeout,
        _ => RetryReason::Connect,
    }
}

impl MidonetClient {
    fn subnet_url(&self, bridge: Uuid, key: &SubnetKey) -> Result<String> {
        self.inner.links.child(
            Kind::Bridge,
            &bridge.to_string(),
            &format!("dhcp/{}", segment(&key.to_string())),
        )
    }

    /// `GET /bridges/{id}/dhcp` (collection type only, §4.1).
    pub async fn list_dhcp_subnets(&self, bridge: Uuid) -> Result<Vec<DhcpSubnet>> {
        let url = self
            .inner
            .links
            .child(Kind::Bridge, &bridge.to_string(), "dhcp")?;
        self.inner
            .list(
                Kind::DhcpSubnet,
                url,
                media::COLL_DHCP_SUBNET,
                Some(bridge.to_string()),
            )
            .await
    }
    pub async fn get_dhcp_subnet(&self, bridge: Uuid, key: &SubnetKey) -> Result<DhcpSubnet> {
        let url = self.subnet_url(bridge, key)?;
        self.inner
            .get_typed(
                Kind::DhcpSubnet,
                url,
                media::DHCP_SUBNET,
                Some(format!("{bridge}/{key}")),
            )
            .await
    }
    /// `POST /bridges/{id}/dhcp`, never creating a duplicate (see the module doc). A 409
    /// (MidoNet 5.4+ rejects duplicates) is confirmed like any other.
    pub async fn create_dhcp_subnet(&self, bridge: Uuid, s: &DhcpSubnet) -> Result<DhcpSubnet> {
        let inner = &self.inner;
        let key = SubnetKey::of(s);
        let target = key.as_ref().map(|k| format!("{bridge}/{k}"));
        let op = Op::new(Method::Post, Kind::DhcpSubnet, target.clone());
        let Some(key) = key else {
            return Err(Error::Invalid {
                op,
                message: "a DHCP subnet needs subnetPrefix".into(),
            });
        };
        let url = inner
            .links
            .child(Kind::Bridge, &bridge.to_string(), "dhcp")?;
        let subnet_url = self.subnet_url(bridge, &key)?;
        let mut sent = s.clone();
        sent.uri = None;
        let body = inner.encode(&op, &sent)?;
        let sent_v = serde_json::to_value(&sent).map_err(|e| Error::Invalid {
            op: op.clone(),
            message: e.to_string(),
        })?;
        let done = |mut s: DhcpSubnet| {
            s.uri = Some(subnet_url.clone());
            s
        };
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let mut req = Req::write(
                op.clone(),
                url.clone(),
                Some(media::DHCP_SUBNET),
                Some(body.clone()),
            );
            req.retry = false;
            req.repeat = attempts > 1;
            let err = match inner.send(req).await {
                Ok(reply) if reply.is_success() => return Ok(done(sent)),
                Ok(reply) if reply.status == 409 => {
                    let message = reply.message();
                    return match inner
                        .confirm(
                            Kind::DhcpSubnet,
                            subnet_url.clone(),
                            media::DHCP_SUBNET,
                            target,
                            &sent_v,
                            &[],
                        )
                        .await?
                    {
                        Confirm::Same => {
                            inner.counters.confirmed();
                            Ok(done(sent))
                        }
                        Confirm::Differs(differing) => Err(Error::Conflict {
                            op,
                            message,
                            differing,
                        }),
                        Confirm::Absent => Err(Error::Conflict {
                            op,
                            message,
                            differing: Vec::new(),
                        }),
                    };
                }
                Ok(reply) => return Err(reply.into_error()),
                Err(e) if e.is_transient() => e,
                Err(e) => return Err(e),
            };
            if !inner.retry.may_retry(attempts) {
                return Err(err);
            }
            let reason = retry_reason(&err);
            metrics::record_retry(reason);
            inner.counters.retry();
            tokio::time::sleep(inner.retry.delay(attempts - 1, None)).await;
            // Look before repeating: the failed attempt may have been applied.
            match inner
                .confirm(
                    Kind::DhcpSubnet,
                    subnet_url.clone(),
                    media::DHCP_SUBNET,
                    target.clone(),
                    &sent_v,
                    &[],
                )
                .await?
            {
                Confirm::Same => {
                    inner.counters.confirmed();
                    return Ok(done(sent));
                }
                Confirm::Differs(differing) => {
                    return Err(Error::Conflict {
                        op,
                        message: Some(format!("a different subnet {key} exists on the bridge")),
                        differing,
                    })
                }
                Confirm::Absent => {}
            }
        }
    }
    /// `PUT /bridges/{id}/dhcp/{key}` of the observed subnet after `edit` (full replacement; the
    /// host list is kept by MidoNet). Changing prefix or length moves the subnet (§9.14).
    pub async fn update_dhcp_subnet(
        &self,
        bridge: Uuid,
        observed: &DhcpSubnet,
        edit: impl FnOnce(&mut DhcpSubnet),
    ) -> Result<DhcpSubnet> {
        let key = SubnetKey::of(observed);
        let op = Op::new(
            Method::Put,
            Kind::DhcpSubnet,
            key.as_ref().map(|k| format!("{bridge}/{k}")),
        );
        let Some(key) = key else {
            return Err(Error::Invalid {
                op,
                message: "the observed subnet has no prefix".into(),
            });
        };
        let mut next = observed.clone();
        edit(&mut next);
        if &next == observed {
            self.inner.counters.skipped_put();
            return Ok(next);
        }
        let url = self.subnet_url(bridge, &key)?;
        self.inner.put(&op, url, media::DHCP_SUBNET, &next).await?;
        if let Some(k) = SubnetKey::of(&next) {
            next.uri = self.subnet_url(bridge, &k).ok();
        }
        Ok(next)
    }
    /// `DELETE /bridges/{id}/dhcp/{key}` (its hosts go with it).
    pub async fn delete_dhcp_subnet(&self, bridge: Uuid, key: &SubnetKey) -> Result<()> {
        let url = self.subnet_url(bridge, key)?;
        self.inner
            .delete(Kind::DhcpSubnet, url, Some(format!("{bridge}/{key}")))
            .await
    }

    /// `GET /bridges/{id}/dhcp/{key}/hosts`.
    pub async fn list_dhcp_hosts(&self, bridge: Uuid, key: &SubnetKey) -> Result<Vec<DhcpHost>> {
        let url = format!("{}/hosts", self.subnet_url(bridge, key)?);
        self.inner
            .list(
                Kind::DhcpHost,
                url,
                media::COLL_DHCP_HOST,
                Some(format!("{bridge}/{key}")),
            )
            .await
    }
    /// `POST /bridges/{id}/dhcp/{key}/hosts`. Send the MAC in colon form (other forms make
    /// later lookups fail, §9.14). A duplicate-MAC 409 is confirmed by GETting the host by MAC:
    /// same name, IP and options → success; else `Conflict`.
    pub async fn create_dhcp_host(
        &self,
        bridge: Uuid,
        key: &SubnetKey,
        h: &DhcpHost,
    ) -> Result<DhcpHost> {
        let inner = &self.inner;
        let mac = h.mac_addr.clone().unwrap_or_default();
        let target = format!("{bridge}/{key}/{mac}");
        let op = Op::new(Method::Post, Kind::DhcpHost, Some(target.clone()));
        if mac.is_empty() {
            return Err(Error::Invalid {
                op,
                message: "a DHCP host needs macAddr".into(),
            });
        }
        let url = format!("{}/hosts", self.subnet_url(bridge, key)?);
        let host_url = format!("{url}/{}", segment(&mac));
        let mut sent = h.clone();
        sent.uri = None;
        let body = inner.encode(&op, &sent)?;
        let reply = inner.post(&op, url, media::DHCP_HOST, body, true).await?;
        if reply.is_success() {
            sent.uri = Some(host_url);
            return Ok(sent);
        }
        if reply.status != 409 {
            return Err(reply.into_error());
        }
        let message = reply.message();
        let sent_v = serde_json::to_value(&sent).map_err(|e| Error::Invalid {
            op: op.clone(),
            message: e.to_string(),
        })?;
        let confirm = inner
            .confirm(
                Kind::DhcpHost,
                host_url.clone(),
                media::DHCP_HOST,
                Some(target),
                &sent_v,
                &[],
            )
            .await?;
        inner.settle(confirm, op, message, || {
            sent.uri = Some(host_url);
            sent
        })
    }
    /// `PUT /bridges/{id}/dhcp/{key}/hosts/{mac}` of the observed host after `edit`.
    pub async fn update_dhcp_host(
        &self,
        bridge: Uuid,
        key: &SubnetKey,
        observed: &DhcpHost,
        edit: impl FnOnce(&mut DhcpHost),
    ) -> Result<DhcpHost> {
        let mac = observed.mac_addr.clone().unwrap_or_default();
        let op = Op::new(
            Method::Put,
            Kind::DhcpHost,
            Some(format!("{bridge}/{key}/{mac}")),
        );
        let mut next = observed.clone();
        edit(&mut next);
        if &next == observed {
            self.inner.counters.skipped_put();
            return Ok(next);
        }
        let url = format!("{}/hosts/{}", self.subnet_url(bridge, key)?, segment(&mac));
        self.inner.put(&op, url, media::DHCP_HOST, &next).await?;
        Ok(next)
    }
    /// `DELETE /bridges/{id}/dhcp/{key}/hosts/{mac}`.
    pub async fn delete_dhcp_host(&self, bridge: Uuid, key: &SubnetKey, mac: &str) -> Result<()> {
        let url = format!("{}/hosts/{}", self.subnet_url(bridge, key)?, segment(mac));
        self.inner
            .delete(Kind::DhcpHost, url, Some(format!("{bridge}/{key}/{mac}")))
            .await
    }

    /// `GET /bridges/{id}/arp_table`.
    pub async fn list_arp_entries(&self, bridge: Uuid) -> Result<Vec<Ip4Mac>> {
        let url = self
            .inner
            .links
            .child(Kind::Bridge, &bridge.to_string(), "arp_table")?;
        self.inner
            .list(
                Kind::ArpEntry,
                url,
                media::COLL_IP4_MAC,
                Some(bridge.to_string()),
            )
            .await
    }
    /// `POST /bridges/{id}/arp_table` `{"ip", "mac"}` (Content-Type `IP4Mac-v1` only, §4.1;
    /// idempotent: a state-table add).
    pub async fn add_arp_entry(&self, bridge: Uuid, ip: &str, mac: &str) -> Result<Ip4Mac> {
        let inner = &self.inner;
        let op = Op::new(
            Method::Post,
            Kind::ArpEntry,
            Some(format!("{bridge}/{ip}_{mac}")),
        );
        let url = inner
            .links
            .child(Kind::Bridge, &bridge.to_string(), "arp_table")?;
        let body = inner.encode(&op, &json!({ "ip": ip, "mac": mac }))?;
        let reply = inner
            .post(&op, url, media::IP4_MAC, body, true)
            .await?
            .ok()?;
        Ok(Ip4Mac {
            ip: Some(ip.to_string()),
            mac: Some(mac.to_string()),
            uri: reply.location,
        })
    }
    /// `DELETE /bridges/{id}/arp_table/{ip}_{mac}` (idempotent).
    pub async fn delete_arp_entry(&self, bridge: Uuid, ip: &str, mac: &str) -> Result<()> {
        let entry = format!("{ip}_{}", mac.replace(':', "-"));
        let url = self.inner.links.child(
            Kind::Bridge,
            &bridge.to_string(),
            &format!("arp_table/{}", segment(&entry)),
        )?;
        self.inner
            .delete(Kind::ArpEntry, url, Some(format!("{bridge}/{entry}")))
            .await
    }

    /// `GET /bridges/{id}/mac_table` (all VLANs).
    pub async fn list_mac_entries(&self, bridge: Uuid) -> Result<Vec<MacPort>> {
        let url = self
            .inner
            .links
            .child(Kind::Bridge, &bridge.to_string(), "mac_table")?;
        self.inner
            .list(
                Kind::MacEntry,
                url,
                media::COLL_MAC_PORT,
                Some(bridge.to_string()),
            )
            .await
    }
    /// `POST /bridges/{id}/mac_table` `{"macAddr", "portId"}` (VLAN 0; the port must be on this
    /// bridge, §9.15).
    pub async fn add_mac_entry(&self, bridge: Uuid, mac: &str, port: Uuid) -> Result<MacPort> {
        let inner = &self.inner;
        let op = Op::new(
            Method::Post,
            Kind::MacEntry,
            Some(format!("{bridge}/{mac}_{port}")),
        );
        let url = inner
            .links
            .child(Kind::Bridge, &bridge.to_string(), "mac_table")?;
        let body = inner.encode(&op, &json!({ "macAddr": mac, "portId": port }))?;
        let reply = inner
            .post(&op, url, media::MAC_PORT, body, true)
            .await?
            .ok()?;
        Ok(MacPort {
            mac_addr: Some(mac.to_string()),
            port_id: Some(port),
            vlan_id: Some(0),
            uri: reply.location,
        })
    }
    /// `DELETE /bridges/{id}/mac_table/{mac}_{port}` (VLAN 0).
    pub async fn delete_mac_entry(&self, bridge: Uuid, mac: &str, port: Uuid) -> Result<()> {
        let entry = format!("{}_{port}", mac.replace(':', "-"));
        let url = self.inner.links.child(
            Kind::Bridge,
            &bridge.to_string(),
            &format!("mac_table/{entry}"),
        )?;
        self.inner
            .delete(Kind::MacEntry, url, Some(format!("{bridge}/{entry}")))
            .await
    }
}
