//! Conversion and validation: element tree → typed [`Gni`], collecting every problem.
//!
//! Runs in two passes. `declare` first registers every id in the document (checking format
//! and uniqueness), so that the second pass can resolve references in any direction —
//! subnets name route tables, routes name ENIs from `<instances>`, nodes name instances —
//! without caring about section order. The second pass (one submodule per section) parses
//! each field, reports what is wrong with it, and builds the typed element when nothing is.
//! A field that fails to parse is reported once; checks that depend on it are skipped rather
//! than reported again as a consequence.
mod config;
mod declare;
mod groups;
mod instances;
mod mido;
mod traffic;
mod vpcs;

use std::collections::HashMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::dom::Element;
use super::index::Summary;
use super::model::{Applied, Gni};
use super::problem::{Key, Path, Problem, Problems};
use super::values;
use declare::Declared;

/// Converts the tree into a view, or returns every problem found: id problems (first pass)
/// first, then the others in document order.
pub(crate) fn convert(root: &Element<'_>) -> Result<Gni, Vec<Problem>> {
    let mut cx = Cx::default();
    declare::declare(&mut cx, root);

    let (version, applied) = root_attrs(&mut cx, root);
    let config = match section(&mut cx, root, "configuration") {
        Some(el) => config::configuration(&mut cx, el),
        None => {
            cx.probs.add(&Path::root("configuration"), "missing");
            None
        }
    };
    let vpcs = section(&mut cx, root, "vpcs").map(|el| vpcs::vpcs(&mut cx, el));
    let instances = section(&mut cx, root, "instances").map(|el| instances::instances(&mut cx, el));
    instances::check_node_placement(&mut cx, root);
    let dopts =
        section(&mut cx, root, "dhcpOptionSets").map(|el| groups::dhcp_option_sets(&mut cx, el));
    let igws =
        section(&mut cx, root, "internetGateways").map(|el| groups::internet_gateways(&mut cx, el));
    let sgs =
        section(&mut cx, root, "securityGroups").map(|el| groups::security_groups(&mut cx, el));
    cx.check_public_ips();

    match (version, config) {
        (Some(version), Some(config)) if cx.probs.is_empty() => {
            let mut gni = Gni::new(version, config);
            gni.applied = applied;
            gni.vpcs = vpcs.unwrap_or_default();
            gni.instances = instances.unwrap_or_default();
            gni.dhcp_option_sets = dopts.unwrap_or_default();
            gni.internet_gateways = igws.unwrap_or_default();
            gni.security_groups = sgs.unwrap_or_default();
            let counted = count(root);
            if gni.summary() != counted {
                // A converter that dropped an element without reporting it would make the
                // controller delete the MidoNet objects of that element: refuse instead.
                let message = format!(
                    "internal error: the document holds {counted} but only {} were read",
                    gni.summary()
                );
                return Err(vec![Problem {
                    path: "(document)".into(),
                    message,
                }]);
            }
            Ok(gni)
        }
        _ => {
            // Every path that drops an element reports why; this guards against returning
            // "invalid" with nothing to show should one ever not.
            if cx.probs.is_empty() {
                cx.probs
                    .add(&Path::root("configuration"), "could not be read");
            }
            Err(cx.probs.into_vec())
        }
    }
}

/// Counts the elements of the tree the way [`Gni::summary`] counts the model.
fn count(root: &Element<'_>) -> Summary {
    let all = |el: &Element<'_>, path: &[&str]| -> usize {
        let mut level: Vec<&Element<'_>> = vec![el];
        for name in path {
            level = level.iter().flat_map(|e| e.children_named(name)).collect();
        }
        level.len()
    };
    let vpc = ["vpcs", "vpc"];
    let inst = [
        "instances",
        "instance",
        "networkInterfaces",
        "networkInterface",
    ];
    let with = |base: &[&str], rest: &[&str]| -> usize { all(root, &[base, rest].concat()) };
    let eni_eips = root
        .children_named("instances")
        .flat_map(|w| w.children_named("instance"))
        .flat_map(|i| i.children_named("networkInterfaces"))
        .flat_map(|w| w.children_named("networkInterface"))
        .filter(|e| e.children_named("publicIp").any(|p| p.text().is_some()))
        .count();
    let nat_eips = root
        .children_named("vpcs")
        .flat_map(|w| w.children_named("vpc"))
        .flat_map(|v| v.children_named("natGateways"))
        .flat_map(|w| w.children_named("natGateway"))
        .filter(|n| n.children_named("publicIp").any(|p| p.text().is_some()))
        .count();
    let acl = ["networkAcls", "networkAcl"];
    let sg = ["securityGroups", "securityGroup"];
    Summary {
        vpcs: all(root, &vpc),
        subnets: with(&vpc, &["subnets", "subnet"]),
        instances: all(root, &inst[..2]),
        enis: all(root, &inst),
        security_groups: all(root, &sg),
        sg_rules: with(&sg, &["ingressRules", "rule"]) + with(&sg, &["egressRules", "rule"]),
        nat_gateways: with(&vpc, &["natGateways", "natGateway"]),
        route_tables: with(&vpc, &["routeTables", "routeTable"]),
        routes: with(&vpc, &["routeTables", "routeTable", "routes", "route"]),
        acl_entries: with(&vpc, &[&acl[..], &["ingressEntries", "entry"]].concat())
            + with(&vpc, &[&acl[..], &["egressEntries", "entry"]].concat()),
        eips: eni_eips + nat_eips,
    }
}

/// The single top-level section `name`, if present. A repeated section is an error: eucanetd
/// would silently take the last one.
fn section<'t>(
    cx: &mut Cx<'t>,
    root: &'t Element<'_>,
    name: &'static str,
) -> Option<&'t Element<'t>> {
    let mut found = root.children_named(name);
    let first = found.next();
    let extra = found.count();
    if extra > 0 {
        cx.probs.add(
            &Path::root(name),
            format!("appears {} times; exactly one is allowed", extra + 1),
        );
    }
    first.map(shorten)
}

/// Views a tree node with the tree's borrow as its only lifetime, which is all the second
/// pass needs (it borrows text from the tree, never from the input directly).
fn shorten<'t>(el: &'t Element<'_>) -> &'t Element<'t> {
    // `Element` is covariant in its lifetime, so this is a plain subtyping coercion.
    el
}

fn root_attrs(cx: &mut Cx<'_>, root: &Element<'_>) -> (Option<String>, Option<Applied>) {
    let version = match root.attr("version") {
        Some(v) => cx.check(&Path::root("@version"), values::version(v)),
        None => {
            cx.probs.add(&Path::root("@version"), "missing");
            None
        }
    };
    let applied_version = root
        .attr("applied-version")
        .map(|v| cx.check(&Path::root("@applied-version"), values::version(v)));
    let applied_time = root
        .attr("applied-time")
        .map(|v| cx.check(&Path::root("@applied-time"), values::timestamp(v)));
    let applied = match (applied_version, applied_time) {
        (Some(Some(version)), Some(Some(time))) => Some(Applied { version, time }),
        (None, Some(_)) => {
            cx.probs.add(
                &Path::root("@applied-time"),
                "present without @applied-version",
            );
            None
        }
        (Some(_), None) => {
            cx.probs.add(
                &Path::root("@applied-version"),
                "present without @applied-time",
            );
            None
        }
        _ => None,
    };
    (version, applied)
}

/// Validation state: the problems so far, the ids declared by the first pass, and facts the
/// sections hand to later checks.
#[derive(Default)]
pub(crate) struct Cx<'t> {
    pub(crate) probs: Problems,
    pub(crate) decl: Declared<'t>,
    /// Union of all gateways' `bgpAdRoutes` when the view uses BGP.
    bgp_ad_routes: Option<Vec<Ipv4Net>>,
    /// Every assigned public IP (ENIs, NAT gateways) with the path that assigns it.
    public_ips: Vec<(Ipv4Addr, String)>,
    /// (VPC, private IP) → the ENI or NAT gateway using it.
    private_ips: HashMap<(&'t str, Ipv4Addr), &'t str>,
}

impl<'t> Cx<'t> {
    /// Reports `r`'s error at `path`, or returns its value.
    pub(crate) fn check<T>(&mut self, path: &Path<'_>, r: Result<T, String>) -> Option<T> {
        r.map_err(|m| self.probs.add(path, m)).ok()
    }

    /// The text of child element `name`, absent if missing or empty. A repeated element is
    /// reported: eucanetd would take the last one, silently.
    pub(crate) fn leaf(
        &mut self,
        el: &'t Element<'t>,
        path: &Path<'_>,
        name: &str,
    ) -> Option<&'t str> {
        let mut found = None;
        let mut count = 0;
        for child in el.children.iter().filter(|c| c.name == name) {
            if let Some(t) = child.text() {
                count += 1;
                found = Some(t);
            }
        }
        if count > 1 {
            self.probs.add(
                &path.field(name),
                format!("appears {count} times; at most one is allowed"),
            );
        }
        found
    }

    /// A required child's text; "missing" is reported when absent or empty.
    pub(crate) fn need(
        &mut self,
        el: &'t Element<'t>,
        path: &Path<'_>,
        name: &str,
    ) -> Option<&'t str> {
        let v = self.leaf(el, path, name);
        if v.is_none() {
            self.probs.add(&path.field(name), "missing");
        }
        v
    }

    /// A required child parsed with `parse`.
    pub(crate) fn req<T>(
        &mut self,
        el: &'t Element<'t>,
        path: &Path<'_>,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let raw = self.need(el, path, name)?;
        self.check(&path.field(name), parse(raw))
    }

    /// An optional child parsed with `parse`: `Ok(None)` when absent, `Err(())` once reported.
    pub(crate) fn opt<T>(
        &mut self,
        el: &'t Element<'t>,
        path: &Path<'_>,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ()> {
        match self.leaf(el, path, name) {
            None => Ok(None),
            Some(raw) => self
                .check(&path.field(name), parse(raw))
                .map(Some)
                .ok_or(()),
        }
    }

    /// The `<value>` children of `el` (at `path`), in order; empty ones are reported.
    pub(crate) fn values(&mut self, el: &'t Element<'t>, path: &Path<'_>) -> Vec<&'t str> {
        let mut out = Vec::new();
        for (i, v) in el.children_named("value").enumerate() {
            match v.text() {
                Some(t) => out.push(t),
                None => self.probs.add(&path.nth("value", i + 1), "empty value"),
            }
        }
        out
    }

    /// The `name` attribute of an element, for its path key and id.
    pub(crate) fn key(el: &'t Element<'t>, pos: usize) -> (Option<&'t str>, Key<'t>) {
        Self::key_attr(el, "name", pos)
    }

    /// Like [`Cx::key`], for elements named by another attribute (ACL entries: `number`).
    pub(crate) fn key_attr(
        el: &'t Element<'t>,
        attr: &str,
        pos: usize,
    ) -> (Option<&'t str>, Key<'t>) {
        let name = el.attr(attr);
        (name, Key::new(name, pos))
    }

    /// Records a public IP assignment for the uniqueness and BGP coverage checks.
    pub(crate) fn public_ip(&mut self, ip: Ipv4Addr, path: &Path<'_>) {
        self.public_ips.push((ip, path.to_string()));
    }

    /// Records a private IP in a VPC; two interfaces of one VPC cannot share an address.
    pub(crate) fn private_ip(
        &mut self,
        vpc: &'t str,
        ip: Ipv4Addr,
        owner: &'t str,
        path: &Path<'_>,
    ) {
        if let Some(other) = self.private_ips.insert((vpc, ip), owner) {
            if other != owner {
                self.probs
                    .add(path, format!("{ip} is also used by {other} in {vpc}"));
            }
        }
    }

    /// Public IPs are assigned once, and under BGP they must be advertised.
    fn check_public_ips(&mut self) {
        let mut seen: HashMap<Ipv4Addr, usize> = HashMap::with_capacity(self.public_ips.len());
        let mut new = Vec::new();
        for (i, (ip, path)) in self.public_ips.iter().enumerate() {
            if let Some(&first) = seen.get(ip) {
                let other = &self.public_ips[first].1;
                new.push(Problem {
                    path: path.clone(),
                    message: format!("{ip} is also assigned at {other}"),
                });
            } else {
                seen.insert(*ip, i);
            }
            if let Some(routes) = &self.bgp_ad_routes {
                if !routes.iter().any(|r| r.contains(ip)) {
                    new.push(Problem {
                        path: path.clone(),
                        message: format!("{ip} is not inside any gateway's bgpAdRoutes"),
                    });
                }
            }
        }
        for p in new {
            self.probs.push(p);
        }
    }
}
