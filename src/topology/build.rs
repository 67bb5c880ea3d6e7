//! Small constructors shared by the translation files, so each object is spelled once.
use super::addr;
use super::model::*;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

impl Part {
    pub(crate) fn router(&mut self, key: Key, name: String) -> Key {
        self.routers.push(Router {
            key: key.clone(),
            name,
            inbound_filter: None,
            outbound_filter: None,
            as_number: 0,
        });
        key
    }

    pub(crate) fn bridge(&mut self, key: Key, name: String, filters: Option<(Key, Key)>) -> Key {
        let (inbound_filter, outbound_filter) = match filters {
            Some((i, o)) => (Some(i), Some(o)),
            None => (None, None),
        };
        self.bridges.push(Bridge {
            key: key.clone(),
            name,
            inbound_filter,
            outbound_filter,
        });
        key
    }

    pub(crate) fn router_port(
        &mut self,
        key: Key,
        router: &Key,
        address: Ipv4Addr,
        network: Ipv4Net,
        mac: Option<String>,
    ) -> Key {
        self.ports.push(Port {
            key: key.clone(),
            device: router.clone(),
            kind: PortKind::Router {
                address,
                network: network.trunc(),
                mac,
            },
            inbound_filter: None,
            outbound_filter: None,
            peer: None,
            binding: None,
        });
        key
    }

    pub(crate) fn bridge_port(&mut self, key: Key, bridge: &Key) -> Key {
        self.ports.push(Port {
            key: key.clone(),
            device: bridge.clone(),
            kind: PortKind::Bridge,
            inbound_filter: None,
            outbound_filter: None,
            peer: None,
            binding: None,
        });
        key
    }

    fn port_mut(&mut self, key: &Key) -> Option<&mut Port> {
        self.ports.iter_mut().rev().find(|p| &p.key == key)
    }

    /// Links two ports of this part (both sides name each other).
    pub(crate) fn link(&mut self, a: &Key, b: &Key) {
        if let Some(p) = self.port_mut(a) {
            p.peer = Some(b.clone());
        }
        if let Some(p) = self.port_mut(b) {
            p.peer = Some(a.clone());
        }
    }

    pub(crate) fn bind(&mut self, port: &Key, host: HostRef, interface: String) {
        if let Some(p) = self.port_mut(port) {
            p.binding = Some(Binding { host, interface });
        }
    }

    pub(crate) fn port_filters(&mut self, port: &Key, inbound: Key, outbound: Key) {
        if let Some(p) = self.port_mut(port) {
            p.inbound_filter = Some(inbound);
            p.outbound_filter = Some(outbound);
        }
    }

    /// A `Normal` route; its key (and so its id) is derived from its content.
    pub(crate) fn route(
        &mut self,
        router: &Key,
        src: Ipv4Net,
        dst: Ipv4Net,
        next_hop_port: &Key,
        next_hop_gateway: Option<Ipv4Addr>,
        weight: u32,
    ) {
        let gw = next_hop_gateway.map(|g| g.to_string()).unwrap_or_default();
        let key = router.child(format!(
            "route/{src}>{dst}@{}:{gw}/{weight}",
            next_hop_port.as_str()
        ));
        self.routes.push(Route {
            key,
            router: router.clone(),
            src,
            dst,
            next_hop_port: next_hop_port.clone(),
            next_hop_gateway,
            weight,
        });
    }

    /// A route with source 0.0.0.0/0 and no gateway, weight 0: how eucanetd reaches a port's
    /// own network.
    pub(crate) fn net_route(&mut self, router: &Key, dst: Ipv4Net, port: &Key) {
        self.route(router, addr::any(), dst, port, None, 0);
    }

    pub(crate) fn chain(
        &mut self,
        key: Key,
        name: String,
        order: RuleOrder,
        rules: Vec<Rule>,
    ) -> Key {
        self.chains.push(Chain {
            key: key.clone(),
            name,
            order,
            rules,
        });
        key
    }

    pub(crate) fn chain_mut(&mut self, key: &Key) -> Option<&mut Chain> {
        self.chains.iter_mut().rev().find(|c| &c.key == key)
    }

    pub(crate) fn ip_group(
        &mut self,
        key: Key,
        name: String,
        addrs: impl IntoIterator<Item = Ipv4Addr>,
    ) -> Key {
        self.ip_addr_groups.push(IpAddrGroup {
            key: key.clone(),
            name,
            addrs: addrs.into_iter().collect(),
        });
        key
    }
}
