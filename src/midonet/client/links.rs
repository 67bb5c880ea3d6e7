//! URLs, built only from what MidoNet hands out: the root document's collection links and
//! `...Template` strings (spec `midonet-api.md` §2), plus the fixed sub-resource segments the
//! API defines under an object (`/ports`, `/routes`, `/dhcp/<prefix>_<len>/hosts`, ...; §9).
//! Nothing outside `src/midonet` builds a MidoNet URL.
use super::error::{Error, Kind, Method, Op, Result};
use std::collections::BTreeMap;

/// The root document ("Application"), as far as the client needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    /// The `uri` of the root document, trailing `/` kept (§2), used to recognise link fields.
    pub base: String,
    /// The API version string (`v5.0` on 5.2).
    pub version: String,
    /// Every string-valued key of the root document.
    pub entries: BTreeMap<String, String>,
}

impl Links {
    /// Reads the root document. Keys that are not strings are skipped.
    pub fn from_root(v: &serde_json::Value) -> Option<Links> {
        let m = v.as_object()?;
        let base = m.get("uri")?.as_str()?.to_string();
        let version = m
            .get("version")
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string();
        let entries = m
            .iter()
            .filter_map(|(k, x)| x.as_str().map(|s| (k.clone(), s.to_string())))
            .collect();
        Some(Links {
            base,
            version,
            entries,
        })
    }

    fn key(&self, key: &str, kind: Kind) -> Result<&str> {
        self.entries
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| Error::Invalid {
                op: Op::new(Method::Get, kind, None),
                message: format!("the root document has no `{key}` link"),
            })
    }

    /// A top-level collection (`routers`, `ipAddrGroups`, ...), without a trailing slash.
    pub fn collection(&self, kind: Kind) -> Result<String> {
        let key = match kind {
            Kind::Router => "routers",
            Kind::Bridge => "bridges",
            Kind::Port => "ports",
            Kind::Chain => "chains",
            Kind::IpAddrGroup => "ipAddrGroups",
            Kind::PortGroup => "portGroups",
            Kind::Host => "hosts",
            Kind::TunnelZone => "tunnelZones",
            Kind::SystemState => "systemState",
            other => {
                return Err(Error::Invalid {
                    op: Op::new(Method::Get, other, None),
                    message: format!("{other} has no top-level collection"),
                })
            }
        };
        Ok(self.key(key, kind)?.trim_end_matches('/').to_string())
    }

    /// The URI of one object, from its kind's template (`routerTemplate`: `.../routers/{id}`).
    pub fn object(&self, kind: Kind, id: &str) -> Result<String> {
        let key = match kind {
            Kind::Router => "routerTemplate",
            Kind::Bridge => "bridgeTemplate",
            Kind::Port => "portTemplate",
            Kind::Route => "routeTemplate",
            Kind::Chain => "chainTemplate",
            Kind::Rule => "ruleTemplate",
            Kind::IpAddrGroup => "ipAddrGroupTemplate",
            Kind::PortGroup => "portGroupTemplate",
            Kind::Host => "hostTemplate",
            Kind::TunnelZone => "tunnelZoneTemplate",
            Kind::BgpPeer => "bgpPeerTemplate",
            Kind::BgpNetwork => "bgpNetworkTemplate",
            other => {
                return Err(Error::Invalid {
                    op: Op::new(Method::Get, other, Some(id.to_string())),
                    message: format!("{other} has no template"),
                })
            }
        };
        Ok(self.key(key, kind)?.replace("{id}", id))
    }

    /// A sub-resource of an object: `object(kind, id) + "/" + path`.
    pub fn child(&self, kind: Kind, id: &str, path: &str) -> Result<String> {
        Ok(format!("{}/{}", self.object(kind, id)?, path))
    }
}

/// Percent-encodes a path segment (IP-group addresses and MACs go into paths, §9.9, §9.14).
pub(crate) fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
