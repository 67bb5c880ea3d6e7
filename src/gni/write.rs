//! Serializer: writes a [`Gni`] in the 4.x (JAXB) or 5.x (Jackson) form of spec §2.
//!
//! 4.x: XML declaration, absent optional fields omitted, indented two spaces per level (the
//! CLC writes one line; indentation is harmless and makes generated views readable).
//! 5.x: no declaration, a `type` attribute first on every `<property>`, absent optional
//! fields written as empty elements, one line, as the 5.x CLC writes it.
//! Element order is the CLC's (spec §14), so output diffs cleanly against real views.
use std::fmt::Display;
use std::io::{self, Write};

use super::model::{
    AclEntry, Cluster, Config, Gateway, GatewayFormat, Gni, Instance, NetworkInterface, Peer,
    RouteTarget, Routing, SgRule, Traffic, Vpc,
};

/// Which CLC serialization to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Eucalyptus 4.x (JAXB): declaration, omitted optionals.
    #[default]
    V4,
    /// Eucalyptus 5.x (Jackson): `type` attributes, empty elements for absent optionals.
    V5,
}

/// The view as a string.
pub fn write_xml(gni: &Gni, format: Format) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail, and everything written is UTF-8.
    let _ = write_xml_to(gni, format, &mut buf);
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Streams the view to `out` (wrap files in a `BufWriter`).
pub fn write_xml_to(gni: &Gni, format: Format, out: &mut dyn Write) -> io::Result<()> {
    let mut w = W {
        out,
        format,
        depth: 0,
        open_has_children: Vec::new(),
    };
    if format == Format::V4 {
        w.out
            .write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#)?;
    }
    let mut attrs = vec![("version", gni.version.as_str())];
    if let Some(a) = &gni.applied {
        attrs.push(("applied-version", &a.version));
        attrs.push(("applied-time", &a.time));
    }
    w.open("network-data", &attrs)?;
    config(&mut w, &gni.config)?;
    w.list("vpcs", &gni.vpcs, vpc)?;
    w.list("instances", &gni.instances, instance)?;
    w.list("dhcpOptionSets", &gni.dhcp_option_sets, |w, d| {
        w.open("dhcpOptionSet", &[("name", &d.id)])?;
        w.leaf("ownerId", &d.owner_id)?;
        for o in &d.options {
            w.prop("simple", &o.name, &o.values)?;
        }
        w.close("dhcpOptionSet")
    })?;
    w.list("internetGateways", &gni.internet_gateways, |w, g| {
        w.open("internetGateway", &[("name", &g.id)])?;
        w.leaf("ownerId", &g.owner_id)?;
        w.close("internetGateway")
    })?;
    w.list("securityGroups", &gni.security_groups, |w, g| {
        w.open("securityGroup", &[("name", &g.id)])?;
        w.leaf("ownerId", &g.owner_id)?;
        w.list("ingressRules", &g.ingress, sg_rule)?;
        w.list("egressRules", &g.egress, sg_rule)?;
        w.close("securityGroup")
    })?;
    w.close("network-data")?;
    if format == Format::V4 {
        w.out.write_all(b"\n")?;
    }
    Ok(())
}

struct W<'o> {
    out: &'o mut dyn Write,
    format: Format,
    depth: usize,
    /// Per open element: whether a child was written (decides where its end tag goes).
    open_has_children: Vec<bool>,
}

impl W<'_> {
    fn newline(&mut self) -> io::Result<()> {
        if let Some(last) = self.open_has_children.last_mut() {
            *last = true;
        }
        if self.format == Format::V4 {
            self.out.write_all(b"\n")?;
            for _ in 0..self.depth {
                self.out.write_all(b"  ")?;
            }
        }
        Ok(())
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)], empty: bool) -> io::Result<()> {
        self.newline()?;
        write!(self.out, "<{name}")?;
        for (k, v) in attrs {
            write!(self.out, " {k}=\"{}\"", quick_xml::escape::escape(*v))?;
        }
        self.out.write_all(if empty { b"/>" } else { b">" })
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        self.start_tag(name, attrs, false)?;
        self.depth += 1;
        self.open_has_children.push(false);
        Ok(())
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.open_has_children.pop() == Some(true) && self.format == Format::V4 {
            self.out.write_all(b"\n")?;
            for _ in 0..self.depth {
                self.out.write_all(b"  ")?;
            }
        }
        write!(self.out, "</{name}>")
    }

    /// `<name>value</name>` with the value escaped.
    fn leaf(&mut self, name: &str, value: &str) -> io::Result<()> {
        self.newline()?;
        write!(
            self.out,
            "<{name}>{}</{name}>",
            quick_xml::escape::escape(value)
        )
    }

    /// `<name>value</name>` for values that never need escaping (numbers, addresses).
    fn num(&mut self, name: &str, value: impl Display) -> io::Result<()> {
        self.newline()?;
        write!(self.out, "<{name}>{value}</{name}>")
    }

    /// An optional field: omitted in 4.x, an empty element in 5.x when absent.
    fn opt(&mut self, name: &str, value: Option<impl Display>) -> io::Result<()> {
        match value {
            Some(v) => self.leaf(name, &v.to_string()),
            None if self.format == Format::V5 => self.start_tag(name, &[], true),
            None => Ok(()),
        }
    }

    /// A wrapper element holding one child per item; empty wrappers are written `<name/>`.
    fn list<T>(
        &mut self,
        name: &str,
        items: &[T],
        mut item: impl FnMut(&mut Self, &T) -> io::Result<()>,
    ) -> io::Result<()> {
        if items.is_empty() {
            return self.start_tag(name, &[], true);
        }
        self.open(name, &[])?;
        for it in items {
            item(self, it)?;
        }
        self.close(name)
    }

    /// `<value>` children of a wrapper.
    fn values(&mut self, name: &str, values: &[impl Display]) -> io::Result<()> {
        self.list(name, values, |w, v| w.leaf("value", &v.to_string()))
    }

    fn prop_open(&mut self, kind: &str, name: &str) -> io::Result<()> {
        match self.format {
            Format::V4 => self.open("property", &[("name", name)]),
            Format::V5 => self.open("property", &[("type", kind), ("name", name)]),
        }
    }

    /// A property holding `<value>`s; written empty when there are none.
    fn prop(&mut self, kind: &str, name: &str, values: &[impl Display]) -> io::Result<()> {
        if values.is_empty() {
            return match self.format {
                Format::V4 => self.start_tag("property", &[("name", name)], true),
                Format::V5 => self.start_tag("property", &[("type", kind), ("name", name)], true),
            };
        }
        self.prop_open(kind, name)?;
        for v in values {
            self.leaf("value", &v.to_string())?;
        }
        self.close("property")
    }

    fn prop1(&mut self, name: &str, value: impl Display) -> io::Result<()> {
        self.prop("simple", name, &[value])
    }
}

fn config(w: &mut W<'_>, c: &Config) -> io::Result<()> {
    w.open("configuration", &[])?;
    w.prop1("mode", "VPCMIDO")?;
    if !c.public_ips.is_empty() || w.format == Format::V5 {
        w.prop("simple", "publicIps", &c.public_ips)?;
    }
    w.prop1("enabledCLCIp", c.enabled_clc_ip)?;
    w.prop1("instanceDNSDomain", &c.instance_dns_domain)?;
    w.prop("simple", "instanceDNSServers", &c.instance_dns_servers)?;
    let m = &c.mido;
    w.prop_open("midonet", "mido")?;
    if !m.gateways.is_empty() {
        w.prop_open("midonet-gateways", "gateways")?;
        for g in &m.gateways {
            gateway(w, g)?;
        }
        w.close("property")?;
    }
    if let Some(h) = &m.eucanetd_host {
        w.prop1("eucanetdHost", h)?;
    }
    if let Some(asn) = m.bgp_asn {
        w.prop1("bgpAsn", asn)?;
    }
    if let Some(cidr) = m.public_network_cidr {
        w.prop1("publicNetworkCidr", cidr)?;
    }
    if let Some(ip) = m.public_gateway_ip {
        w.prop1("publicGatewayIP", ip)?;
    }
    w.close("property")?;
    w.prop_open("cluster", "clusters")?;
    for cl in &c.clusters {
        cluster(w, cl)?;
    }
    w.close("property")?;
    w.close("configuration")
}

fn gateway(w: &mut W<'_>, g: &Gateway) -> io::Result<()> {
    w.open("gateway", &[])?;
    if g.format == GatewayFormat::Legacy {
        w.prop1("gatewayHost", &g.host)?;
        w.prop1("gatewayIP", g.external_ip)?;
        w.prop1("gatewayInterface", &g.external_device)?;
        return w.close("gateway");
    }
    w.prop1("ip", &g.host)?;
    w.prop1("externalCidr", g.external_cidr)?;
    w.prop1("externalDevice", &g.external_device)?;
    w.prop1("externalIp", g.external_ip)?;
    match &g.routing {
        Routing::Static { next_hop } => w.prop1("externalRouterIp", next_hop)?,
        Routing::Bgp {
            peer_ip,
            peer_asn,
            ad_routes,
            external_router_ip,
        } => {
            if let Some(r) = external_router_ip {
                w.prop1("externalRouterIp", r)?;
            }
            w.prop1("bgpPeerIp", peer_ip)?;
            w.prop1("bgpPeerAsn", peer_asn)?;
            w.prop("simple", "bgpAdRoutes", ad_routes)?;
        }
    }
    w.close("gateway")
}

fn cluster(w: &mut W<'_>, c: &Cluster) -> io::Result<()> {
    w.open("cluster", &[("name", &c.name)])?;
    match &c.subnet {
        Some(s) => {
            w.open("subnet", &[("name", &s.name)])?;
            w.prop1("subnet", s.subnet)?;
            w.prop1("netmask", s.netmask)?;
            w.prop1("gateway", s.gateway)?;
            w.close("subnet")?;
        }
        None if w.format == Format::V5 => w.start_tag("subnet", &[], true)?,
        None => {}
    }
    w.prop1("enabledCCIp", c.enabled_cc_ip)?;
    w.prop1("macPrefix", c.mac_prefix)?;
    w.prop("simple", "privateIps", &c.private_ips)?;
    if c.nodes.is_empty() {
        w.prop("node", "nodes", &[] as &[&str])?;
    } else {
        w.prop_open("node", "nodes")?;
        for n in &c.nodes {
            w.open("node", &[("name", &n.name)])?;
            w.values("instanceIds", &n.instance_ids)?;
            w.close("node")?;
        }
        w.close("property")?;
    }
    w.close("cluster")
}

fn vpc(w: &mut W<'_>, v: &Vpc) -> io::Result<()> {
    w.open("vpc", &[("name", &v.id)])?;
    w.leaf("ownerId", &v.owner_id)?;
    w.num("cidr", v.cidr)?;
    w.opt("dhcpOptionSet", v.dhcp_option_set.as_ref())?;
    w.list("subnets", &v.subnets, |w, s| {
        w.open("subnet", &[("name", &s.id)])?;
        w.leaf("ownerId", &s.owner_id)?;
        w.num("cidr", s.cidr)?;
        w.leaf("cluster", &s.cluster)?;
        w.opt("networkAcl", s.network_acl.as_ref())?;
        w.leaf("routeTable", &s.route_table)?;
        w.close("subnet")
    })?;
    w.list("networkAcls", &v.network_acls, |w, a| {
        w.open("networkAcl", &[("name", &a.id)])?;
        w.leaf("ownerId", &a.owner_id)?;
        w.list("ingressEntries", &a.ingress, acl_entry)?;
        w.list("egressEntries", &a.egress, acl_entry)?;
        w.close("networkAcl")
    })?;
    w.list("routeTables", &v.route_tables, |w, r| {
        w.open("routeTable", &[("name", &r.id)])?;
        w.leaf("ownerId", &r.owner_id)?;
        w.list("routes", &r.routes, |w, route| {
            w.open("route", &[])?;
            w.num("destinationCidr", route.destination)?;
            let (gw, eni, nat) = match &route.target {
                RouteTarget::Local => (Some("local"), None, None),
                RouteTarget::InternetGateway(id) => (Some(id.as_str()), None, None),
                RouteTarget::NetworkInterface(id) => (None, Some(id.as_str()), None),
                RouteTarget::NatGateway(id) => (None, None, Some(id.as_str())),
            };
            w.opt("gatewayId", gw)?;
            w.opt("networkInterfaceId", eni)?;
            w.opt("natGatewayId", nat)?;
            w.close("route")
        })?;
        w.close("routeTable")
    })?;
    w.list("natGateways", &v.nat_gateways, |w, n| {
        w.open("natGateway", &[("name", &n.id)])?;
        w.leaf("ownerId", &n.owner_id)?;
        w.opt("macAddress", n.mac)?;
        w.opt("publicIp", n.public_ip)?;
        w.num("privateIp", n.private_ip)?;
        w.leaf("vpc", &n.vpc)?;
        w.leaf("subnet", &n.subnet)?;
        w.close("natGateway")
    })?;
    w.values("internetGateways", &v.internet_gateways)?;
    w.close("vpc")
}

/// Writes the protocol and its fields in the given element order.
fn traffic(w: &mut W<'_>, t: Traffic, order: [&str; 4], acl: bool) -> io::Result<()> {
    let icmp = |v: Option<u8>| v.map_or(-1, i16::from);
    let (ports, types) = match t {
        Traffic::Icmp { icmp_type, code } => (None, Some((icmp(icmp_type), icmp(code)))),
        _ => (t.ports(), None),
    };
    for name in order {
        let value = match name {
            "from" => ports.map(|p| i32::from(p.from)),
            "to" => ports.map(|p| i32::from(p.to)),
            "type" => types.map(|(ty, _)| i32::from(ty)),
            _ => types.map(|(_, code)| i32::from(code)),
        };
        let element = match (name, acl) {
            ("from", true) => "portRangeFrom",
            ("to", true) => "portRangeTo",
            ("from", false) => "fromPort",
            ("to", false) => "toPort",
            ("type", _) => "icmpType",
            _ => "icmpCode",
        };
        w.opt(element, value)?;
    }
    Ok(())
}

fn acl_entry(w: &mut W<'_>, e: &AclEntry) -> io::Result<()> {
    w.open("entry", &[("number", &e.number.to_string())])?;
    w.num("protocol", e.traffic.protocol())?;
    w.leaf("action", e.action.as_str())?;
    w.num("cidr", e.cidr)?;
    // ACL entries put the ICMP code before the type, unlike SG rules (spec §5.3).
    traffic(w, e.traffic, ["code", "type", "from", "to"], true)?;
    w.close("entry")
}

fn sg_rule(w: &mut W<'_>, r: &SgRule) -> io::Result<()> {
    w.open("rule", &[])?;
    w.num("protocol", r.traffic.protocol())?;
    traffic(w, r.traffic, ["from", "to", "type", "code"], false)?;
    let (gid, owner, cidr) = match &r.peer {
        Peer::Group { id, owner } => (Some(id.as_str()), Some(owner.as_str()), None),
        Peer::Cidr(c) => (None, None, Some(*c)),
    };
    w.opt("groupId", gid)?;
    w.opt("groupOwnerId", owner)?;
    w.opt("cidr", cidr)?;
    w.close("rule")
}

fn instance(w: &mut W<'_>, i: &Instance) -> io::Result<()> {
    w.open("instance", &[("name", &i.id)])?;
    w.leaf("ownerId", &i.owner_id)?;
    w.opt("macAddress", i.mac)?;
    w.opt("publicIp", i.public_ip)?;
    w.num("privateIp", i.private_ip)?;
    w.leaf("vpc", &i.vpc)?;
    w.leaf("subnet", &i.subnet)?;
    w.list("networkInterfaces", &i.network_interfaces, eni)?;
    w.values("securityGroups", &i.security_groups)?;
    w.close("instance")
}

fn eni(w: &mut W<'_>, e: &NetworkInterface) -> io::Result<()> {
    w.open("networkInterface", &[("name", &e.id)])?;
    w.leaf("ownerId", &e.owner_id)?;
    w.num("deviceIndex", e.device_index)?;
    w.leaf("attachmentId", &e.attachment_id)?;
    w.num("macAddress", e.mac)?;
    w.num("privateIp", e.private_ip)?;
    w.opt("publicIp", e.public_ip)?;
    w.num("sourceDestCheck", e.source_dest_check)?;
    w.leaf("vpc", &e.vpc)?;
    w.leaf("subnet", &e.subnet)?;
    w.values("securityGroups", &e.security_groups)?;
    w.close("networkInterface")
}
