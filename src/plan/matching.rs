//! Which observed object each desired object is (spec vpc-to-midonet.md §14.4, done right):
//! exact names, router ports by address and network, bridge ports by peer or bound
//! interface. Each observed object is matched at most once; among same-named duplicates the
//! one carrying the key's deterministic id wins, else the lowest id (stable across runs).
use super::observed::*;
use crate::topology::{Key, PortKind, Topology};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub struct Matching {
    /// Desired key → MidoNet id (the matched object's, else the key's deterministic id).
    pub ids: HashMap<Key, Uuid>,
    /// Desired keys that matched an observed object.
    pub existing: HashSet<Key>,
    /// Observed ids claimed by a desired object (never deleted).
    pub claimed: HashSet<Uuid>,
}

fn pick<'a, T>(
    cands: &mut Vec<&'a T>,
    id_of: impl Fn(&T) -> Uuid,
    key: &Key,
    claimed: &HashSet<Uuid>,
) -> Option<&'a T> {
    cands.retain(|c| !claimed.contains(&id_of(c)));
    let want = key.uuid();
    if let Some(pos) = cands.iter().position(|c| id_of(c) == want) {
        return Some(cands.swap_remove(pos));
    }
    let pos = (0..cands.len()).min_by_key(|&i| id_of(cands[i]))?;
    Some(cands.swap_remove(pos))
}

impl Matching {
    pub fn new(desired: &Topology, obs: &Observed) -> Matching {
        let mut m = Matching {
            ids: HashMap::new(),
            existing: HashSet::new(),
            claimed: HashSet::new(),
        };
        fn by_name(names: Vec<(&str, bool)>) -> HashMap<&str, Vec<usize>> {
            let mut idx: HashMap<&str, Vec<usize>> = HashMap::new();
            for (i, (n, owned)) in names.into_iter().enumerate() {
                if owned {
                    idx.entry(n).or_default().push(i);
                }
            }
            idx
        }
        let routers = by_name(
            obs.routers
                .iter()
                .map(|r| (r.name.as_str(), r.owned))
                .collect(),
        );
        let bridges = by_name(
            obs.bridges
                .iter()
                .map(|r| (r.name.as_str(), r.owned))
                .collect(),
        );
        let chains = by_name(
            obs.chains
                .iter()
                .map(|r| (r.name.as_str(), r.owned))
                .collect(),
        );
        let groups = by_name(
            obs.ip_addr_groups
                .iter()
                .map(|r| (r.name.as_str(), r.owned))
                .collect(),
        );
        let pgs = by_name(
            obs.port_groups
                .iter()
                .map(|r| (r.name.as_str(), r.owned))
                .collect(),
        );

        for (_, part) in desired.parts() {
            for r in &part.routers {
                m.named(&r.key, &r.name, &routers, &obs.routers, |o| o.id);
            }
            for b in &part.bridges {
                m.named(&b.key, &b.name, &bridges, &obs.bridges, |o| o.id);
            }
            for c in &part.chains {
                m.named(&c.key, &c.name, &chains, &obs.chains, |o| o.id);
            }
            for g in &part.ip_addr_groups {
                m.named(&g.key, &g.name, &groups, &obs.ip_addr_groups, |o| o.id);
            }
            for g in &part.port_groups {
                m.named(&g.key, &g.name, &pgs, &obs.port_groups, |o| o.id);
            }
        }

        let mut ports_by_device: HashMap<Uuid, Vec<&OPort>> = HashMap::new();
        for p in &obs.ports {
            ports_by_device.entry(p.device).or_default().push(p);
        }
        // Router ports first: bridge ports are then found through their peer.
        for pass in 0..3 {
            for (_, part) in desired.parts() {
                for p in &part.ports {
                    let is_router = matches!(p.kind, PortKind::Router { .. });
                    let wanted_pass = match (is_router, &p.peer, &p.binding) {
                        (true, _, _) => 0,
                        (false, Some(_), _) => 1,
                        (false, None, _) => 2,
                    };
                    if pass != wanted_pass {
                        continue;
                    }
                    let found = m.port(p, &ports_by_device);
                    m.resolve(&p.key, found);
                }
            }
        }
        for (_, part) in desired.parts() {
            for x in part.routes.iter().map(|r| &r.key) {
                m.ids.entry(x.clone()).or_insert_with(|| x.uuid());
            }
            for x in part.bgp_peers.iter().map(|r| &r.key) {
                m.ids.entry(x.clone()).or_insert_with(|| x.uuid());
            }
            for x in part.bgp_networks.iter().map(|r| &r.key) {
                m.ids.entry(x.clone()).or_insert_with(|| x.uuid());
            }
        }
        m
    }

    fn resolve(&mut self, key: &Key, found: Option<Uuid>) {
        match found {
            Some(id) => {
                self.claimed.insert(id);
                self.existing.insert(key.clone());
                self.ids.insert(key.clone(), id);
            }
            None => {
                self.ids.insert(key.clone(), key.uuid());
            }
        }
    }

    fn named<T>(
        &mut self,
        key: &Key,
        name: &str,
        idx: &HashMap<&str, Vec<usize>>,
        all: &[T],
        id_of: impl Fn(&T) -> Uuid,
    ) {
        let mut cands: Vec<&T> = idx
            .get(name)
            .map(|v| v.iter().map(|&i| &all[i]).collect())
            .unwrap_or_default();
        let found = pick(&mut cands, &id_of, key, &self.claimed).map(id_of);
        self.resolve(key, found);
    }

    fn port(
        &self,
        p: &crate::topology::Port,
        by_device: &HashMap<Uuid, Vec<&OPort>>,
    ) -> Option<Uuid> {
        if !self.existing.contains(&p.device) {
            return None;
        }
        let device = self.ids.get(&p.device)?;
        let mut cands: Vec<&OPort> = by_device.get(device).cloned().unwrap_or_default();
        let own_id = p.key.uuid();
        // The peer's id, looked up once (not once per candidate: eucabr has a port per VPC).
        let peer_id: Option<Uuid> = p
            .peer
            .as_ref()
            .filter(|peer| self.existing.contains(*peer))
            .and_then(|peer| self.ids.get(peer).copied());
        cands.retain(|o| match (&p.kind, &o.kind) {
            // A bridge port carrying the key's id is the one vpcmido created, even if a crash
            // left it unlinked or unbound: it is repaired, not replaced.
            (PortKind::Bridge, OPortKind::Bridge) if o.id == own_id => true,
            (
                PortKind::Router {
                    address, network, ..
                },
                OPortKind::Router {
                    address: oa,
                    network: on,
                    ..
                },
            ) => {
                address == oa
                    && network.trunc() == on.trunc()
                    && network.prefix_len() == on.prefix_len()
            }
            (PortKind::Bridge, OPortKind::Bridge) => {
                if p.peer.is_some() {
                    peer_id.is_some() && o.peer == peer_id
                } else if let Some(b) = &p.binding {
                    o.interface.as_deref() == Some(b.interface.as_str())
                } else {
                    o.peer.is_none() && o.interface.is_none()
                }
            }
            _ => false,
        });
        pick(&mut cands, |o| o.id, &p.key, &self.claimed).map(|o| o.id)
    }

    pub fn id(&self, key: &Key) -> Uuid {
        self.ids.get(key).copied().unwrap_or_else(|| key.uuid())
    }
    pub fn exists(&self, key: &Key) -> bool {
        self.existing.contains(key)
    }
}
