//! Which scope an observed owned object belongs to, so that a VPC's actor deletes only its own
//! leftovers and the core actor sweeps the rest. Objects the view still wants take the scope
//! of the desired object with their name; leftovers are placed by their names and links
//! (`vr_<vpc>_…`, `vb_<vpc>_<subnet>`, `sc_<subnet>_…` through its bridge, `ic_<if>_…`
//! through the port that uses it, eucart `/32` routes through the rtid in their gateway).
//! Anything that cannot be placed belongs to the core scope.
use super::observed::*;
use crate::topology::{addr, names, Scope, Topology};
use std::collections::HashMap;
use std::net::Ipv4Addr;
use uuid::Uuid;

pub struct Attribution {
    by_name: HashMap<String, Scope>,
    devices: HashMap<Uuid, (String, bool, Scope)>,
    port_device: HashMap<Uuid, Uuid>,
    rtid: HashMap<u32, Scope>,
    subnet_vpc: HashMap<String, String>,
    if_scope: HashMap<String, Scope>,
    nat_scope: HashMap<String, Scope>,
    sg_scope: HashMap<String, Scope>,
}

fn between<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.strip_prefix(prefix)?.split('_').next()
}

impl Attribution {
    pub fn new(desired: &Topology, obs: &Observed) -> Attribution {
        let mut by_name = HashMap::new();
        for (scope, p) in desired.parts() {
            let names = p
                .routers
                .iter()
                .map(|x| &x.name)
                .chain(p.bridges.iter().map(|x| &x.name))
                .chain(p.chains.iter().map(|x| &x.name))
                .chain(p.ip_addr_groups.iter().map(|x| &x.name))
                .chain(p.port_groups.iter().map(|x| &x.name));
            for n in names {
                by_name.insert(n.clone(), scope.clone());
            }
        }
        let mut a = Attribution {
            by_name,
            devices: HashMap::new(),
            port_device: obs.ports.iter().map(|p| (p.id, p.device)).collect(),
            rtid: HashMap::new(),
            subnet_vpc: HashMap::new(),
            if_scope: HashMap::new(),
            nat_scope: HashMap::new(),
            sg_scope: HashMap::new(),
        };
        for b in obs.bridges.iter().filter(|b| b.owned) {
            if let Some(rest) = b.name.strip_prefix("vb_") {
                if let Some((vpc, subnet)) = rest.split_once('_') {
                    a.subnet_vpc.insert(subnet.to_string(), vpc.to_string());
                }
            }
        }
        for r in obs.routers.iter().filter(|r| r.owned) {
            let scope =
                a.by_name
                    .get(&r.name)
                    .cloned()
                    .or_else(|| match names::parse_router(&r.name)? {
                        names::OwnedRouter::Vpc { vpc, .. } => Some(Scope::Vpc(vpc)),
                        names::OwnedRouter::Nat { subnet, .. } => {
                            a.subnet_vpc.get(&subnet).map(|v| Scope::Vpc(v.clone()))
                        }
                        _ => Some(Scope::Core),
                    });
            let scope = scope.unwrap_or(Scope::Core);
            match names::parse_router(&r.name) {
                Some(names::OwnedRouter::Vpc { rtid, .. }) => {
                    a.rtid.insert(rtid, scope.clone());
                }
                Some(names::OwnedRouter::Nat { nat, rtid, .. }) => {
                    a.rtid.insert(rtid, scope.clone());
                    a.nat_scope.insert(nat, scope.clone());
                }
                _ => {}
            }
            a.devices.insert(r.id, (r.name.clone(), r.owned, scope));
        }
        for r in obs.routers.iter().filter(|r| !r.owned) {
            a.devices.insert(r.id, (r.name.clone(), false, Scope::Core));
        }
        for b in &obs.bridges {
            let scope = a.by_name.get(&b.name).cloned().unwrap_or_else(|| {
                match b.name.strip_prefix("vb_").and_then(|r| r.split_once('_')) {
                    Some((vpc, _)) => Scope::Vpc(vpc.to_string()),
                    None => Scope::Core,
                }
            });
            a.devices.insert(b.id, (b.name.clone(), b.owned, scope));
        }
        // Interfaces: from the chains the view still wants, else from the port whose inbound
        // filter is the interface's prechain.
        for (name, scope) in &a.by_name {
            if let Some(ifname) = name
                .strip_prefix("ic_")
                .and_then(|r| r.strip_suffix("_prechain"))
            {
                a.if_scope.insert(ifname.to_string(), scope.clone());
            }
        }
        let chain_names: HashMap<Uuid, &str> =
            obs.chains.iter().map(|c| (c.id, c.name.as_str())).collect();
        for p in &obs.ports {
            let Some(f) = p.inbound_filter.and_then(|f| chain_names.get(&f)) else {
                continue;
            };
            if let Some(ifname) = f
                .strip_prefix("ic_")
                .and_then(|r| r.strip_suffix("_prechain"))
            {
                let s = a.device(p.device);
                a.if_scope.entry(ifname.to_string()).or_insert(s);
            }
        }
        // Security groups no longer in the view: the VPC of the interfaces that jump to them.
        let by_id: HashMap<Uuid, &OChain> = obs.chains.iter().map(|c| (c.id, c)).collect();
        for c in obs
            .chains
            .iter()
            .filter(|c| c.owned && c.name.starts_with("ic_"))
        {
            let s = a.chain(&c.name);
            for r in c.rules.iter().filter_map(|r| r.rule.as_ref()) {
                if let crate::topology::RuleAction::Jump(t) = &r.action {
                    let sg = by_id.get(t).and_then(|t| {
                        t.name
                            .strip_prefix("sg_ingress_")
                            .or_else(|| t.name.strip_prefix("sg_egress_"))
                    });
                    if let Some(sg) = sg {
                        a.sg_scope.entry(sg.to_string()).or_insert(s.clone());
                    }
                }
            }
        }
        a
    }

    pub fn owns_device(&self, id: Uuid) -> bool {
        self.devices.get(&id).is_some_and(|d| d.1)
    }
    pub fn device(&self, id: Uuid) -> Scope {
        self.devices
            .get(&id)
            .map(|d| d.2.clone())
            .unwrap_or(Scope::Core)
    }
    pub fn device_name(&self, id: Uuid) -> String {
        self.devices
            .get(&id)
            .map(|d| d.0.clone())
            .unwrap_or_else(|| id.to_string())
    }
    pub fn router(&self, r: &ORouter) -> Scope {
        self.device(r.id)
    }
    pub fn bridge(&self, b: &OBridge) -> Scope {
        self.device(b.id)
    }

    /// A port is its device's, except a core device's port linked to a VPC's device (the VPC
    /// uplink's eucabr side), which is that VPC's.
    pub fn port(&self, p: &OPort) -> Scope {
        let own = self.device(p.device);
        if own != Scope::Core {
            return own;
        }
        p.peer
            .and_then(|peer| self.port_device.get(&peer))
            .map(|d| self.device(*d))
            .filter(|s| *s != Scope::Core)
            .unwrap_or(own)
    }

    /// A core router's route whose gateway is a VPC or NAT router's uplink (169.254.0.rtid or
    /// 169.254.128.rtid) is that router's VPC's.
    pub fn route(&self, r: &ORoute) -> Scope {
        let own = self.device(r.router);
        if own != Scope::Core {
            return own;
        }
        let rtid_of = |gw: Ipv4Addr, base: Ipv4Addr, len: u8| {
            addr::net(base, len)
                .contains(&gw)
                .then(|| u32::from(gw) - u32::from(base))
        };
        r.next_hop_gateway
            .and_then(|gw| {
                rtid_of(gw, addr::INT_RT_NET, addr::INT_RT_LEN)
                    .or_else(|| rtid_of(gw, addr::INT_MD_NET, addr::INT_MD_LEN))
            })
            .and_then(|rtid| self.rtid.get(&rtid).cloned())
            .unwrap_or(own)
    }

    fn of_if(&self, ifname: &str) -> Scope {
        if ifname.starts_with("nat-") {
            return self.nat_scope.get(ifname).cloned().unwrap_or(Scope::Core);
        }
        self.if_scope.get(ifname).cloned().unwrap_or(Scope::Core)
    }

    pub fn chain(&self, name: &str) -> Scope {
        if let Some(s) = self.by_name.get(name) {
            return s.clone();
        }
        if let Some(vpc) = between(name, "vc_")
            .or_else(|| between(name, "acl_ingress_"))
            .or_else(|| between(name, "acl_egress_"))
        {
            return Scope::Vpc(vpc.to_string());
        }
        if let Some(subnet) = between(name, "sc_") {
            return self
                .subnet_vpc
                .get(subnet)
                .map(|v| Scope::Vpc(v.clone()))
                .unwrap_or(Scope::Core);
        }
        if let Some(nat) = between(name, "natc_") {
            return self.nat_scope.get(nat).cloned().unwrap_or(Scope::Core);
        }
        if let Some(rest) = name.strip_prefix("ic_") {
            let ifname = rest
                .strip_suffix("_prechain")
                .or_else(|| rest.strip_suffix("_postchain"))
                .unwrap_or(rest);
            return self.of_if(ifname);
        }
        if let Some(sg) = name
            .strip_prefix("sg_ingress_")
            .or_else(|| name.strip_prefix("sg_egress_"))
        {
            return self.sg_scope.get(sg).cloned().unwrap_or(Scope::Core);
        }
        Scope::Core
    }

    pub fn group(&self, name: &str) -> Scope {
        if let Some(s) = self.by_name.get(name) {
            return s.clone();
        }
        if let Some(x) = name
            .strip_prefix("elip_pre_")
            .or_else(|| name.strip_prefix("elip_post_"))
        {
            return self.of_if(x);
        }
        if let Some(sg) = ["sg_priv_", "sg_pub_", "sg_all_"]
            .iter()
            .find_map(|p| name.strip_prefix(p))
        {
            return self.sg_scope.get(sg).cloned().unwrap_or(Scope::Core);
        }
        Scope::Core
    }
}
