//! Ports, links and host bindings of the desired topology: creates, filter and MAC updates,
//! links from one side, bindings with the unbinds that free a host interface first.
use super::emit::Emitter;
use super::observed::*;
use super::ops::*;
use crate::topology::{Part, PortKind, Scope};
use uuid::Uuid;

impl<'a> Emitter<'a> {
    pub(super) fn host_id(&self, host: &crate::topology::HostRef) -> Option<Uuid> {
        let h = host.0.as_str();
        let alive_first = |f: &dyn Fn(&OHost) -> bool| {
            let mut c: Vec<&OHost> = self.obs.hosts.iter().filter(|x| f(x)).collect();
            c.sort_by_key(|x| (!x.alive, x.id));
            c.first().map(|x| x.id)
        };
        alive_first(&|x: &OHost| x.name == h)
            .or_else(|| alive_first(&|x: &OHost| x.addresses.iter().any(|a| a == h)))
    }

    pub(super) fn ports_links_bindings(&mut self, scope: &Scope, part: &Part) {
        for p in &part.ports {
            let id = self.m.id(&p.key);
            let device = self.m.id(&p.device);
            let filters = Filters {
                inbound: self.opt_id(&p.inbound_filter),
                outbound: self.opt_id(&p.outbound_filter),
            };
            let spec = match &p.kind {
                PortKind::Router {
                    address, network, ..
                } => Some(RouterPortSpec {
                    address: *address,
                    network: *network,
                    mac: self.port_mac.get(&p.key).cloned(),
                }),
                PortKind::Bridge => None,
            };
            let deps = self.deps([Some(device), filters.inbound, filters.outbound]);
            let what = format!("port {}", p.key);
            match self.observed_port(&p.key) {
                None => {
                    let op = Op::CreatePort {
                        id,
                        device,
                        router_port: spec,
                        filters,
                    };
                    let i = self.push(scope, op, deps, what, Some(&p.key));
                    self.creator.insert(id, i);
                }
                Some(o) => {
                    let mac_differs = match (&p.kind, &o.kind) {
                        (
                            PortKind::Router {
                                mac: Some(want), ..
                            },
                            OPortKind::Router { mac, .. },
                        ) => !mac.as_deref().is_some_and(|m| mac_eq(m, want)),
                        _ => false,
                    };
                    if o.inbound_filter != filters.inbound
                        || o.outbound_filter != filters.outbound
                        || mac_differs
                    {
                        let spec = match (&p.kind, spec) {
                            (
                                PortKind::Router {
                                    mac: Some(want), ..
                                },
                                Some(mut s),
                            ) => {
                                s.mac = Some(want.clone());
                                Some(s)
                            }
                            (_, s) => s,
                        };
                        let op = Op::UpdatePort {
                            id,
                            router_port: spec,
                            filters,
                        };
                        self.push(scope, op, deps, what, Some(&p.key));
                    }
                }
            }
        }
        // Links, once per pair (from the side with the smaller key).
        for p in &part.ports {
            let Some(peer) = &p.peer else { continue };
            if peer < &p.key && part.ports.iter().any(|x| &x.key == peer) {
                continue;
            }
            let (a, b) = (self.m.id(&p.key), self.m.id(peer));
            let oa = self.observed_port(&p.key);
            let ob = self.observed_port(peer);
            if oa.is_some_and(|o| o.peer == Some(b)) && ob.is_some_and(|o| o.peer == Some(a)) {
                continue;
            }
            let mut deps = self.deps([Some(a), Some(b)]);
            for (o, other) in [(oa, b), (ob, a)] {
                if let Some(o) = o {
                    if o.peer.is_some() && o.peer != Some(other) {
                        let i = self.push(
                            scope,
                            Op::Unlink { port: o.id },
                            vec![],
                            format!("port {}", p.key),
                            Some(&p.key),
                        );
                        deps.push(i);
                    }
                }
            }
            self.push(
                scope,
                Op::Link { port: a, peer: b },
                deps,
                format!("{} <-> {}", p.key, peer),
                Some(&p.key),
            );
        }
        // Host bindings.
        for p in &part.ports {
            let Some(b) = &p.binding else { continue };
            let port = self.m.id(&p.key);
            let Some(host) = self.host_id(&b.host) else {
                self.unresolved.push(Unresolved {
                    scope: scope.clone(),
                    message: format!(
                        "{}: MidoNet has no host {} to bind {} to; the port is left unbound",
                        p.key, b.host.0, b.interface
                    ),
                });
                continue;
            };
            let o = self.observed_port(&p.key);
            if o.is_some_and(|o| {
                o.host == Some(host) && o.interface.as_deref() == Some(b.interface.as_str())
            }) {
                continue;
            }
            let mut deps = self.deps([Some(port)]);
            if let Some(o) = o.filter(|o| o.interface.is_some()) {
                if let Some(old) = o.host {
                    let i = self.push(
                        scope,
                        Op::Unbind {
                            host: old,
                            port: o.id,
                        },
                        vec![],
                        format!("port {}", p.key),
                        Some(&p.key),
                    );
                    self.unbinds.insert(o.id, i);
                    deps.push(i);
                }
            }
            // Another owned port holding this host interface lets go of it first.
            let holders: Vec<Uuid> = self
                .obs
                .ports
                .iter()
                .filter(|x| {
                    x.id != port
                        && x.host == Some(host)
                        && x.interface.as_deref() == Some(b.interface.as_str())
                })
                .map(|x| x.id)
                .collect();
            for h in holders {
                let i = match self.unbinds.get(&h) {
                    Some(i) => *i,
                    None => {
                        let i = self.push(
                            scope,
                            Op::Unbind { host, port: h },
                            vec![],
                            format!("{} on host {}", b.interface, b.host.0),
                            None,
                        );
                        self.unbinds.insert(h, i);
                        i
                    }
                };
                deps.push(i);
            }
            let op = Op::Bind {
                host,
                port,
                interface: b.interface.clone(),
            };
            self.push(
                scope,
                op,
                deps,
                format!("port {} to {}:{}", p.key, b.host.0, b.interface),
                Some(&p.key),
            );
        }
    }
}
