//! Which instance owns which metadata address: built by a pure function from the view and the
//! interface ids, and held in a [`SharedMap`] that the reconcile loop swaps at run time while
//! the proxy keeps serving (no map file, unlike eucanetd's `eucanetd_intip_eni_map`).
use crate::gni::model::Gni;
use crate::topology::{addr, eni};
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::sync::{Arc, RwLock};

/// The owner of one metadata address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceRef {
    /// Sent to the CLC as `Euca-Instance-Id` (the CLC accepts only `i-…` there).
    pub instance_id: String,
    /// The interface name (`<if>`): the instance id for device 0, else the ENI id.
    pub interface: String,
    pub eni_id: String,
    pub vpc: String,
    pub subnet: String,
}

/// Metadata address (`255.0.0.0 + eniid`) → owner.
pub type MetadataMap = HashMap<Ipv4Addr, InstanceRef>;

/// Builds the map from the view and the interface ids (`topology::Allocations::eniids`, by
/// interface name). Interfaces without an eniid have no metadata address yet and are left out.
pub fn build_map(view: &Gni, eniids: &BTreeMap<String, u32>) -> MetadataMap {
    let mut m = MetadataMap::new();
    for i in &view.instances {
        for e in &i.network_interfaces {
            let ifname = eni::interface_name(i, e);
            let Some(id) = eniids.get(ifname) else {
                continue;
            };
            m.insert(
                addr::md_ip(*id),
                InstanceRef {
                    instance_id: i.id.clone(),
                    interface: ifname.to_string(),
                    eni_id: e.id.clone(),
                    vpc: e.vpc.clone(),
                    subnet: e.subnet.clone(),
                },
            );
        }
    }
    m
}

/// The map the proxy reads, swappable while it serves. Readers take a snapshot (`Arc` clone),
/// so a swap never blocks on a request in flight.
#[derive(Clone, Debug, Default)]
pub struct SharedMap {
    inner: Arc<RwLock<Arc<MetadataMap>>>,
}

impl SharedMap {
    pub fn new(map: MetadataMap) -> Self {
        SharedMap {
            inner: Arc::new(RwLock::new(Arc::new(map))),
        }
    }

    /// Replaces the whole map (after a reconcile pass); returns the number of addresses.
    pub fn replace(&self, map: MetadataMap) -> usize {
        let n = map.len();
        let new = Arc::new(map);
        match self.inner.write() {
            Ok(mut g) => *g = new,
            // A writer panicked mid-swap; the value is a whole Arc either way, so take it over.
            Err(poisoned) => *poisoned.into_inner() = new,
        }
        n
    }

    /// The current map.
    pub fn snapshot(&self) -> Arc<MetadataMap> {
        match self.inner.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn lookup(&self, a: Ipv4Addr) -> Option<InstanceRef> {
        self.snapshot().get(&a).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gni::{self, Limits};
    use crate::topology::{self, Allocations, Settings};

    fn full_view() -> Gni {
        let path = format!("{}/examples/gni/full.xml", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(path).unwrap();
        gni::load(&bytes, &Limits::default()).unwrap()
    }

    #[test]
    fn every_interface_maps_to_its_instance() {
        let v = full_view();
        let (alloc, skipped) = topology::allocate(&v, Allocations::default(), &Settings::default());
        assert!(skipped.is_empty());
        let m = build_map(&v, &alloc.eniids);
        let n_ifs: usize = v.instances.iter().map(|i| i.network_interfaces.len()).sum();
        assert_eq!(m.len(), n_ifs);
        assert_eq!(m.len(), alloc.eniids.len());
        // The secondary ENI of i-1b2c3d4e maps to the instance, not to the ENI.
        let sec = m.values().find(|r| r.eni_id == "eni-3c4d5e6f").unwrap();
        assert_eq!(sec.instance_id, "i-1b2c3d4e");
        assert_eq!(sec.interface, "eni-3c4d5e6f");
        let ip = addr::md_ip(alloc.eniids["eni-3c4d5e6f"]);
        assert_eq!(m[&ip].subnet, "subnet-2b3c4d5e");
        for a in m.keys() {
            assert_eq!(a.octets()[0], 255);
        }
    }

    #[test]
    fn interfaces_without_eniid_are_left_out() {
        let v = full_view();
        let ids = BTreeMap::from([("i-0a1b2c3d".to_string(), 42)]);
        let m = build_map(&v, &ids);
        assert_eq!(m.len(), 1);
        assert_eq!(m[&Ipv4Addr::new(255, 0, 0, 42)].instance_id, "i-0a1b2c3d");
    }

    #[test]
    fn swap_is_seen_by_later_lookups_not_by_held_snapshots() {
        let a = Ipv4Addr::new(255, 0, 0, 10);
        let owner = |id: &str| InstanceRef {
            instance_id: id.into(),
            interface: id.into(),
            eni_id: "eni-1".into(),
            vpc: "vpc-1".into(),
            subnet: "subnet-1".into(),
        };
        let shared = SharedMap::new(MetadataMap::from([(a, owner("i-00000001"))]));
        let held = shared.snapshot();
        assert_eq!(
            shared.replace(MetadataMap::from([(a, owner("i-00000002"))])),
            1
        );
        assert_eq!(held[&a].instance_id, "i-00000001");
        assert_eq!(
            shared.lookup(a).map(|r| r.instance_id).as_deref(),
            Some("i-00000002")
        );
        shared.replace(MetadataMap::new());
        assert_eq!(shared.lookup(a), None);
    }
}
