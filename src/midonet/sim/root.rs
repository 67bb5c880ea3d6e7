//! The root document with collection URIs and `{id}` templates (spec §2), system state
//! (§9.2), tenants under the mock auth provider (§9.1) and login (§3).
use super::error::ApiError;
use super::http::{array, to_text, Check::*, Ctx, Reply, Res};
use crate::midonet::dto::{Application, SystemState, Tenant};
use crate::midonet::media::*;
use std::collections::BTreeMap;

/// (URI segment, collection key, template key), 5.2.1's rows (spec §2 table).
const ROWS: &[(&str, Option<&str>, Option<&str>)] = &[
    ("bgp_networks", None, Some("bgpNetworkTemplate")),
    ("bgp_peers", None, Some("bgpPeerTemplate")),
    ("bridges", Some("bridges"), Some("bridgeTemplate")),
    ("chains", Some("chains"), Some("chainTemplate")),
    (
        "health_monitors",
        Some("healthMonitors"),
        Some("healthMonitorTemplate"),
    ),
    ("hosts", Some("hosts"), Some("hostTemplate")),
    (
        "ip_addr_groups",
        Some("ipAddrGroups"),
        Some("ipAddrGroupTemplate"),
    ),
    (
        "l2insertions",
        Some("l2insertions"),
        Some("l2InsertionTemplate"),
    ),
    (
        "load_balancers",
        Some("loadBalancers"),
        Some("loadBalancerTemplate"),
    ),
    ("mirrors", Some("mirrors"), Some("mirrorTemplate")),
    ("neutron", Some("neutron"), None),
    (
        "pool_members",
        Some("poolMembers"),
        Some("poolMemberTemplate"),
    ),
    ("pools", Some("pools"), Some("poolTemplate")),
    ("port_groups", Some("portGroups"), Some("portGroupTemplate")),
    ("ports", Some("ports"), Some("portTemplate")),
    ("routes", None, Some("routeTemplate")),
    ("routers", Some("routers"), Some("routerTemplate")),
    ("rules", None, Some("ruleTemplate")),
    (
        "service_container_groups",
        Some("serviceContainerGroups"),
        Some("serviceContainerGroupTemplate"),
    ),
    (
        "service_containers",
        Some("serviceContainers"),
        Some("serviceContainerTemplate"),
    ),
    ("system_state", Some("systemState"), None),
    ("tenants", Some("tenants"), Some("tenantTemplate")),
    (
        "traces",
        Some("traceRequests"),
        Some("traceRequestTemplate"),
    ),
    (
        "tunnel_zones",
        Some("tunnelZones"),
        Some("tunnelZoneTemplate"),
    ),
    ("vips", Some("vips"), Some("vipTemplate")),
    ("vteps", Some("vteps"), Some("vtepTemplate")),
];

/// True for a top-level segment MidoNet knows (others get `Root resource X not found`).
pub fn known_root(seg: &str) -> bool {
    seg == "conf" || seg == "login" || ROWS.iter().any(|(s, _, _)| *s == seg)
}

fn tenant(ctx: &Ctx, id: &str) -> Tenant {
    Tenant {
        id: id.into(),
        name: id.into(),
        description: id.into(),
        enabled: true,
        uri: Some(ctx.uri(&format!("tenants/{id}"))),
        routers: Some(ctx.uri(&format!("routers?tenant_id={id}"))),
        bridges: Some(ctx.uri(&format!("bridges?tenant_id={id}"))),
        chains: Some(ctx.uri(&format!("chains?tenant_id={id}"))),
        port_groups: Some(ctx.uri(&format!("port_groups?tenant_id={id}"))),
    }
}

/// Root, system state, tenants, login; `None` for other paths.
pub fn handle(ctx: &Ctx, segs: &[&str]) -> Option<Res> {
    let get = ctx.method == "GET";
    Some(match segs {
        [] if get => (|| {
            let m = ctx.accept(Annotated, &[APPLICATION, JSON])?;
            let mut links = BTreeMap::new();
            for (seg, coll, tmpl) in ROWS {
                if let Some(c) = coll {
                    links.insert(c.to_string(), ctx.uri(seg));
                }
                if let Some(t) = tmpl {
                    links.insert(t.to_string(), ctx.uri(&format!("{seg}/{{id}}")));
                }
            }
            let app = Application {
                uri: format!("{}/", ctx.base),
                version: "v5.0".into(),
                links,
            };
            ctx.json(m, to_text(&app))
        })(),
        [] => Err(ApiError::bare(405)),
        ["system_state"] if get => (|| {
            let m = ctx.accept(Annotated, &[SYSTEM_STATE, JSON])?;
            let st = SystemState {
                state: "ACTIVE".into(),
                availability: "READWRITE".into(),
                version: "5.0.0".into(),
                information: None,
            };
            ctx.json(m, to_text(&st))
        })(),
        ["system_state"] => Err(ApiError::bare(405)),
        ["login"] => login(ctx),
        ["tenants"] if get => (|| {
            let m = ctx.accept(Annotated, &[COLL_TENANT])?;
            // The mock provider lists no tenants (spec §9.1).
            ctx.json(m, array(std::iter::empty()))
        })(),
        ["tenants", id] if get => (|| {
            let m = ctx.accept(Annotated, &[TENANT])?;
            ctx.json(m, to_text(&tenant(ctx, id)))
        })(),
        ["tenants"] | ["tenants", _] => {
            let tenant_ct = ctx.content_type.as_deref().is_some_and(|c| {
                c.to_ascii_lowercase()
                    .starts_with(&TENANT.to_ascii_lowercase())
            });
            if ctx.method != "DELETE" && !tenant_ct {
                Err(ApiError::bare(415))
            } else {
                Err(ApiError::new(
                    405,
                    "Tenants cannot be created, updated or deleted via the REST API.",
                ))
            }
        }
        _ => return None,
    })
}

/// Mock login: any Basic credentials are accepted; the token is `00000000` (spec §3).
fn login(ctx: &Ctx) -> Res {
    let basic = ctx
        .authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Basic "))
        .map(str::trim);
    if basic.map_or(true, |b| b.is_empty()) {
        return Err(ApiError::new(
            401,
            "Authorization header is not set or is malformed",
        ));
    }
    Ok(Reply::Login("00000000".into()))
}
