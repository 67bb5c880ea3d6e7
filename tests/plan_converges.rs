//! Planning properties on the example views, with the plan replayed onto an in-memory
//! observed state: a plan applied then planned again is empty; an eucanetd-built copy (other
//! ids) is adopted with zero writes; foreign objects are never named by a plan; a removed VPC
//! loses exactly its objects; a scoped plan writes only its scope.
use std::collections::HashSet;
use uuid::Uuid;
use vpcmido::gni::{self, Gni, Limits};
use vpcmido::plan::observed::*;
use vpcmido::plan::replay::{hosts_of, replay};
use vpcmido::plan::{plan, Op, Plan};
use vpcmido::topology::{self, Allocations, Scope, Settings, Topology};

fn view(name: &str) -> Gni {
    let bytes = std::fs::read(format!(
        "{}/examples/gni/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("example view");
    gni::load(&bytes, &Limits::default()).expect("valid view")
}

fn desired(v: &Gni) -> Topology {
    let settings = Settings::default();
    let (alloc, skipped) = topology::allocate(v, Allocations::default(), &settings);
    assert!(skipped.is_empty(), "{skipped:?}");
    let t = topology::desired(v, &alloc, &settings, None);
    assert!(t.skipped.is_empty(), "{:?}", t.skipped);
    t.topology
}

fn empty_cloud(v: &Gni) -> Observed {
    Observed {
        hosts: hosts_of(v),
        ..Default::default()
    }
}

fn build(v: &Gni) -> (Topology, Observed, Plan) {
    let t = desired(v);
    let mut obs = empty_cloud(v);
    let p = plan(&t, &obs, None);
    assert!(p.unresolved.is_empty(), "{:?}", p.unresolved);
    assert_eq!(replay(&mut obs, &p), 0, "every step applies");
    (t, obs, p)
}

#[test]
fn cold_build_then_replan_is_empty() {
    for name in ["minimal.xml", "full.xml"] {
        let v = view(name);
        let (t, obs, p) = build(&v);
        assert!(p.len() > 50, "{name}: cold plan has {} steps", p.len());
        let again = plan(&t, &obs, None);
        assert!(
            again.is_empty(),
            "{name}: second plan: {:#?}",
            again
                .steps
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn dependencies_point_backwards() {
    let (_, _, p) = build(&view("full.xml"));
    for (i, s) in p.steps.iter().enumerate() {
        assert!(
            s.deps.iter().all(|d| *d < i),
            "step {i} {s} depends forward"
        );
    }
}

/// Gives every object a fresh random id, as a MidoNet that eucanetd filled (server-chosen
/// ids) would have.
fn reassign_ids(obs: &Observed) -> Observed {
    use std::collections::HashMap;
    let mut map: HashMap<Uuid, Uuid> = HashMap::new();
    let mut f = |id: Uuid| *map.entry(id).or_insert_with(Uuid::new_v4);
    let mut o = obs.clone();
    for r in &mut o.routers {
        r.id = f(r.id);
    }
    for b in &mut o.bridges {
        b.id = f(b.id);
    }
    for c in &mut o.chains {
        c.id = f(c.id);
    }
    for g in &mut o.ip_addr_groups {
        g.id = f(g.id);
    }
    for g in &mut o.port_groups {
        g.id = f(g.id);
    }
    for p in &mut o.ports {
        p.id = f(p.id);
    }
    for r in &mut o.routes {
        r.id = f(r.id);
    }
    for c in &mut o.chains {
        for r in &mut c.rules {
            r.id = f(r.id);
        }
    }
    for b in &mut o.bgp_peers {
        b.id = f(b.id);
    }
    for b in &mut o.bgp_networks {
        b.id = f(b.id);
    }
    // References.
    let m = |id: &mut Uuid, map: &HashMap<Uuid, Uuid>| {
        if let Some(n) = map.get(id) {
            *id = *n;
        }
    };
    let mo = |id: &mut Option<Uuid>, map: &HashMap<Uuid, Uuid>| {
        if let Some(x) = id {
            if let Some(n) = map.get(x) {
                *x = *n;
            }
        }
    };
    for r in &mut o.routers {
        mo(&mut r.inbound_filter, &map);
        mo(&mut r.outbound_filter, &map);
    }
    for b in &mut o.bridges {
        mo(&mut b.inbound_filter, &map);
        mo(&mut b.outbound_filter, &map);
    }
    for p in &mut o.ports {
        m(&mut p.device, &map);
        mo(&mut p.inbound_filter, &map);
        mo(&mut p.outbound_filter, &map);
        mo(&mut p.peer, &map);
    }
    for r in &mut o.routes {
        m(&mut r.router, &map);
        mo(&mut r.next_hop_port, &map);
    }
    for c in &mut o.chains {
        for r in &mut c.rules {
            if let Some(rule) = &r.rule {
                r.rule = rule.try_map(|id| Some(*map.get(id).unwrap_or(id)));
            }
        }
    }
    for g in &mut o.port_groups {
        for x in &mut g.members {
            m(x, &map);
        }
    }
    for d in &mut o.dhcp_subnets {
        m(&mut d.bridge, &map);
    }
    for a in &mut o.arp_entries {
        m(&mut a.bridge, &map);
    }
    for a in &mut o.mac_entries {
        m(&mut a.bridge, &map);
        m(&mut a.port, &map);
    }
    for b in &mut o.bgp_peers {
        m(&mut b.router, &map);
    }
    for b in &mut o.bgp_networks {
        m(&mut b.router, &map);
    }
    o
}

#[test]
fn adopting_an_equal_topology_with_other_ids_plans_nothing() {
    let v = view("full.xml");
    let (t, obs, _) = build(&v);
    let adopted = reassign_ids(&obs);
    let p = plan(&t, &adopted, None);
    assert!(
        p.is_empty(),
        "{:#?}",
        p.steps.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    );
}

fn ids_named(p: &Plan) -> HashSet<Uuid> {
    let mut out = HashSet::new();
    for s in &p.steps {
        let ids: Vec<Uuid> = match &s.op {
            Op::DeleteRouter { id }
            | Op::DeleteBridge { id }
            | Op::DeletePort { id }
            | Op::DeleteRoute { id }
            | Op::DeleteChain { id }
            | Op::DeleteRule { id }
            | Op::DeleteIpAddrGroup { id }
            | Op::DeletePortGroup { id }
            | Op::UpdateRouter { id, .. }
            | Op::UpdateBridge { id, .. }
            | Op::UpdatePort { id, .. } => vec![*id],
            Op::Unlink { port } | Op::Unbind { port, .. } => vec![*port],
            Op::DeleteDhcpSubnet { bridge, .. }
            | Op::DeleteDhcpHost { bridge, .. }
            | Op::DeleteArpEntry { bridge, .. }
            | Op::DeleteMacEntry { bridge, .. } => vec![*bridge],
            Op::RemoveIpAddr { group, .. } | Op::RemovePortGroupMember { group, .. } => {
                vec![*group]
            }
            _ => vec![],
        };
        out.extend(ids);
    }
    out
}

#[test]
fn foreign_objects_are_never_touched() {
    let v = view("full.xml");
    let (t, mut obs, _) = build(&v);
    let foreign_router = Uuid::new_v4();
    let foreign_chain = Uuid::new_v4();
    let foreign_group = Uuid::new_v4();
    let foreign_port = Uuid::new_v4();
    obs.routers.push(ORouter {
        id: foreign_router,
        name: "vr_vpc-0a0b0c0d_9".into(), // an owned-looking name in another tenant
        owned: false,
        inbound_filter: None,
        outbound_filter: None,
        as_number: 0,
    });
    obs.ports.push(OPort {
        id: foreign_port,
        device: foreign_router,
        kind: OPortKind::Bridge,
        inbound_filter: None,
        outbound_filter: None,
        peer: None,
        host: None,
        interface: None,
    });
    obs.chains.push(OChain {
        id: foreign_chain,
        name: "tenant_firewall".into(),
        owned: false,
        rules: vec![],
    });
    obs.ip_addr_groups.push(OIpAddrGroup {
        id: foreign_group,
        name: "my-group".into(),
        owned: false,
        addrs: vec!["10.9.9.9".parse().unwrap()],
    });
    let p = plan(&t, &obs, None);
    assert!(
        p.is_empty(),
        "{:#?}",
        p.steps.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    );
    // And with the whole view gone, still only owned objects are deleted.
    let none = Topology::default();
    let p = plan(&none, &obs, None);
    let named = ids_named(&p);
    for f in [foreign_router, foreign_chain, foreign_group, foreign_port] {
        assert!(!named.contains(&f), "plan touches foreign {f}");
    }
}

#[test]
fn removing_a_vpc_deletes_exactly_its_objects() {
    let v = view("full.xml");
    let (t, mut obs, _) = build(&v);
    let gone = t.vpcs.keys().next().cloned().expect("a VPC");
    let mut t2 = t.clone();
    t2.vpcs.remove(&gone);
    let p = plan(&t2, &obs, None);
    assert!(!p.is_empty());
    assert!(p
        .steps
        .iter()
        .all(|s| s.op.action() == vpcmido::plan::Action::Delete
            || s.scope != Scope::Vpc(gone.clone())));
    for s in &p.steps {
        assert_eq!(s.scope, Scope::Vpc(gone.clone()), "{s}");
    }
    assert_eq!(replay(&mut obs, &p), 0);
    let again = plan(&t2, &obs, None);
    assert!(
        again.is_empty(),
        "{:#?}",
        again
            .steps
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
    assert!(!obs.routers.iter().any(|r| r.name.contains(&gone)));
    assert!(!obs.chains.iter().any(|c| c.name.contains(&gone)));
}

#[test]
fn a_scoped_plan_writes_only_its_scope() {
    let v = view("full.xml");
    let t = desired(&v);
    let obs = empty_cloud(&v);
    let full = plan(&t, &obs, None);
    let mut per_scope = 0;
    for (scope, _) in t.parts() {
        let p = plan(&t, &obs, Some(&scope));
        assert!(p.steps.iter().all(|s| s.scope == scope));
        per_scope += p.len();
    }
    assert_eq!(per_scope, full.len());
}

/// Moves 203.0.113.50 from i-3d4e5f6a (vpc-2b3c4d5e) to i-4e5f6a7b (vpc-3c4d5e6f).
fn move_public_ip(v: &mut Gni) {
    let ip: std::net::Ipv4Addr = "203.0.113.50".parse().unwrap();
    for i in &mut v.instances {
        for e in &mut i.network_interfaces {
            if e.id == "eni-6e7f8a9b" {
                e.public_ip = None;
            }
            if e.id == "eni-7f8a9b0c" {
                e.public_ip = Some(ip);
            }
        }
        if i.id == "i-3d4e5f6a" {
            i.public_ip = None;
        }
        if i.id == "i-4e5f6a7b" {
            i.public_ip = Some(ip);
        }
    }
}

fn is_route_to(op: &Op, dst: &str, create: bool) -> bool {
    match op {
        Op::CreateRoute { dst: d, .. } => create && d.to_string() == dst,
        _ => false,
    }
}

#[test]
fn a_moving_public_ip_is_released_before_it_is_taken() {
    let mut v = view("full.xml");
    let (_, mut obs, _) = build(&v);
    move_public_ip(&mut v);
    let t = desired(&v);
    let p = plan(&t, &obs, None);
    let create = p
        .steps
        .iter()
        .position(|s| is_route_to(&s.op, "203.0.113.50/32", true))
        .expect("new /32 route");
    let deletes: Vec<usize> = p.steps[create]
        .deps
        .iter()
        .copied()
        .filter(|d| matches!(p.steps[*d].op, Op::DeleteRoute { .. }))
        .collect();
    assert_eq!(
        deletes.len(),
        1,
        "the create waits for the old route's delete"
    );
    assert_eq!(p.steps[deletes[0]].scope, Scope::Vpc("vpc-2b3c4d5e".into()));

    // One VPC at a time: the new owner waits until the old owner released the address.
    let new_owner = Scope::Vpc("vpc-3c4d5e6f".into());
    let early = plan(&t, &obs, Some(&new_owner));
    assert!(!early
        .steps
        .iter()
        .any(|s| is_route_to(&s.op, "203.0.113.50/32", true)));
    assert!(early
        .unresolved
        .iter()
        .any(|u| u.message.contains("waiting for vpc-2b3c4d5e")));
    let old_owner = Scope::Vpc("vpc-2b3c4d5e".into());
    let release = plan(&t, &obs, Some(&old_owner));
    assert_eq!(replay(&mut obs, &release), 0);
    let late = plan(&t, &obs, Some(&new_owner));
    assert!(late.unresolved.is_empty(), "{:?}", late.unresolved);
    assert_eq!(
        late.steps
            .iter()
            .filter(|s| is_route_to(&s.op, "203.0.113.50/32", true))
            .count(),
        1
    );
    assert_eq!(replay(&mut obs, &late), 0);
    assert!(plan(&t, &obs, None).is_empty());
}

#[test]
fn per_scope_slices_plan_the_same_as_the_whole() {
    // Half-built cloud: the full view's plan applied for the core and one VPC only.
    let v = view("full.xml");
    let t = desired(&v);
    let mut obs = empty_cloud(&v);
    let first = t.vpcs.keys().next().cloned().unwrap();
    for s in [Scope::Core, Scope::Vpc(first.clone())] {
        let p = plan(&t, &obs, Some(&s));
        assert_eq!(replay(&mut obs, &p), 0);
    }
    let whole = plan(&t, &obs, None);
    let slices = vpcmido::plan::partition::partition(&t, &obs);
    let mut total = 0;
    for (scope, _) in t.parts() {
        let empty = Observed::default();
        let slice = slices.get(&scope).unwrap_or(&empty);
        let st = vpcmido::plan::partition::scope_topology(&t, &scope);
        let p = plan(&st, slice, Some(&scope));
        let w = whole.steps.iter().filter(|s| s.scope == scope).count();
        assert_eq!(p.len(), w, "{scope}: slice plan {} vs whole {w}", p.len());
        total += p.len();
    }
    assert_eq!(total, whole.len());
}
