//! The scale benchmark's scenarios (issue 9), shared by `benches/scale.rs` (the harness that
//! prints figures) and `tests/bench_smoke.rs` (the CI run at 100 ENIs that checks counts only).
//!
//! One [`run_size`] call = one generated view against one fresh in-process emulator:
//!
//! 1. cold build: `apply::apply` of the whole view on an empty MidoNet (discover, plan,
//!    execute, verify by replay);
//! 2. full resync: `apply::prepare` (discover everything + plan the whole view; plan empty);
//! 3. no-change cycle (library equivalent of the daemon's): `plan_against` the view and the
//!    in-memory observed state, no I/O;
//! 4. per-VPC resync: discover with `DiscoverFilter::core_and(names of that VPC's part)`, plan
//!    with `only = Some(vpc)`;
//! 5. one ENI added (daemon equivalent): plan the changed view's VPC scope against the
//!    in-memory state, execute; then the same through `apply::apply` (discovers everything);
//! 6. one VPC failing: every request naming that VPC's objects faults (500); scoped planning
//!    of the failing VPC and of another changed VPC, then `apply::apply` of the whole view;
//! 7. eucanetd-pattern inputs: median GET and sequential write round trips on the same
//!    emulator, and eucanetd's full-reload GET count for the built cloud (spec §15.2).
#![allow(dead_code)]
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};
use vpcmido::apply::{self, ApplyConfig};
use vpcmido::gni::gen::{generate, GenParams};
use vpcmido::gni::model::{Gni, MacAddr};
use vpcmido::midonet::client::{ClientConfig, MidonetClient};
use vpcmido::midonet::dto::IpAddrGroup;
use vpcmido::midonet::observe;
use vpcmido::midonet::sim::{self, SimConfig, SimHandle};
use vpcmido::midonet::snapshot::{DiscoverFilter, Snapshot};
use vpcmido::plan::{replay, Plan};
use vpcmido::topology::Scope;

/// ENIs per VPC in every generated view (2 subnets × 5 ENIs): 4,000 ENIs = 400 VPCs,
/// 20,000 ENIs = 2,000 VPCs, as the issue asks.
pub const ENIS_PER_VPC: usize = 10;

/// The view of `enis` ENIs: `vpcmido gen --vpcs enis/10 --subnets-per-vpc 2
/// --enis-per-subnet 5` (other parameters at their defaults: 2 security groups of 4 rules per
/// VPC, 30 % elastic IPs, seed 1).
pub fn params(enis: usize) -> GenParams {
    GenParams {
        vpcs: (enis / ENIS_PER_VPC).max(1),
        subnets_per_vpc: 2,
        enis_per_subnet: ENIS_PER_VPC / 2,
        ..GenParams::default()
    }
}

/// A freshly generated view (never looked up before, so it may still be mutated).
pub fn view(enis: usize) -> Gni {
    generate(&params(enis)).expect("generator parameters are valid")
}

/// Adds one ENI (a new one-interface instance, no public IP) to the first subnet of VPC
/// `vpc_index`, cloned from that subnet's first instance; `n` makes ids unique.
/// Returns the VPC id. Must run before any lookup on `g` (its index is built lazily).
pub fn add_eni(g: &mut Gni, vpc_index: usize, n: u32) -> String {
    let vpc = g.vpcs[vpc_index].id.clone();
    let subnet = g.vpcs[vpc_index].subnets[0].clone();
    let template = g
        .instances
        .iter()
        .find(|i| i.subnet == subnet.id)
        .expect("the subnet has an instance")
        .clone();
    let mut used: HashSet<Ipv4Addr> = HashSet::new();
    for i in &g.instances {
        for e in &i.network_interfaces {
            if e.subnet == subnet.id {
                used.insert(e.private_ip);
            }
        }
    }
    for v in &g.vpcs {
        for ng in &v.nat_gateways {
            used.insert(ng.private_ip);
        }
    }
    let ip = subnet
        .cidr
        .hosts()
        .rev()
        .find(|a| !used.contains(a))
        .expect("a free address in the subnet");
    let ids: HashSet<&str> = g.instances.iter().map(|i| i.id.as_str()).collect();
    let mut k = n;
    let (iid, eid) = loop {
        let iid = format!("i-fe{k:06x}");
        if !ids.contains(iid.as_str()) {
            break (iid, format!("eni-fe{k:06x}"));
        }
        k += 0x1000;
    };
    let mac = MacAddr([0xd0, 0x0d, 0xfe, (n >> 16) as u8, (n >> 8) as u8, n as u8]);
    let mut inst = template.clone();
    inst.id = iid.clone();
    inst.mac = Some(mac);
    inst.public_ip = None;
    inst.private_ip = ip;
    let mut eni = template
        .primary_interface()
        .expect("a primary interface")
        .clone();
    eni.id = eid.clone();
    eni.attachment_id = format!("eni-attach-fe{k:06x}");
    eni.mac = mac;
    eni.private_ip = ip;
    eni.public_ip = None;
    inst.network_interfaces = vec![eni];
    let node = g
        .config
        .clusters
        .iter_mut()
        .flat_map(|c| c.nodes.iter_mut())
        .find(|nd| nd.instance_ids.contains(&template.id))
        .expect("the template instance runs on a node");
    node.instance_ids.push(iid);
    g.instances.push(inst);
    vpc
}

fn vm_hwm_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU time of the calling thread (immune to other processes' load), s.
pub fn thread_cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[v.len() / 2]
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Calls and time of one measured phase.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Phase {
    pub calls: u64,
    pub gets: u64,
    pub writes: u64,
    pub seconds: f64,
}

impl Phase {
    fn of(d: &vpcmido::midonet::client::stats::ClientStats, t: Duration) -> Phase {
        Phase {
            calls: d.calls(),
            gets: d.get,
            writes: d.writes,
            seconds: secs(t),
        }
    }
}

/// Every figure of one (size, write latency) run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SizeResult {
    pub enis: usize,
    pub vpcs: usize,
    pub write_latency_ms: f64,
    // Cold build.
    pub cold_writes: u64,
    pub cold_calls: u64,
    pub cold_gets: u64,
    pub cold_retries: u64,
    pub cold_passes: u32,
    pub cold_seconds: f64,
    /// Writes the emulator applied and the time its write lock was held during the build.
    pub sim_writes_applied: u64,
    pub lock_held_seconds: f64,
    /// Writes by emulator resource (`routers/ports`, `chains/rules` ...).
    pub writes_by_resource: BTreeMap<String, u64>,
    /// Objects the cloud holds afterwards (the discovery snapshot's count).
    pub objects: usize,
    /// Peak RSS of the process (vpcmido + the in-process emulator), MB.
    pub peak_rss_mb: f64,
    /// Peak RSS after generating the view and planning it against an empty cloud (before the
    /// emulator starts): vpcmido's own planning footprint, MB.
    pub plan_only_rss_mb: f64,
    /// Time to plan the whole view against an empty cloud (pure), s.
    pub plan_cold_seconds: f64,
    // Full resync (discover everything + plan the whole view).
    pub full_resync: Phase,
    pub full_resync_plan_steps: usize,
    // No-change cycle: plan against the in-memory observed state.
    pub nochange_calls: u64,
    pub nochange_seconds: f64,
    pub nochange_steps: usize,
    /// CPU time of the whole-view no-change plan (median; immune to other load), s.
    pub nochange_cpu_seconds: f64,
    /// One VPC actor's no-change check: `plan(scope topology, its partition slice, Some(vpc))`
    /// (the partition is made once per discovery, not per cycle): median wall and CPU, s.
    pub nochange_vpc_seconds: f64,
    pub nochange_vpc_cpu_seconds: f64,
    pub nochange_vpc_steps: usize,
    /// Splitting the observed state into per-scope slices (once per discovery), s.
    pub partition_seconds: f64,
    // Per-VPC resync.
    pub vpc_resync: Phase,
    pub vpc_resync_plan_steps: usize,
    // One ENI added, scoped plan against the in-memory state + execute.
    pub eni_plan_seconds: f64,
    pub eni_writes: u64,
    pub eni: Phase,
    /// Calls beyond the ENI's own writes.
    pub eni_extra_calls: u64,
    /// The same change through `apply::apply` (full discovery, whole-view plan).
    pub eni_apply: Phase,
    /// The same change planned as a VPC actor would: translate the new view (recover,
    /// allocate, desired: once per view change, for all actors), then plan the VPC's scope
    /// topology against its partition slice. Planned only (the writes are the same as
    /// `eni_writes`, whose execution time is `eni.seconds - eni_plan_seconds`), s.
    pub eni_actor_translate_seconds: f64,
    pub eni_actor_plan_seconds: f64,
    pub eni_actor_steps: usize,
    // One VPC failing.
    pub fail_vpc_calls: u64,
    pub fail_vpc_faults: u64,
    pub fail_vpc_steps: usize,
    pub fail_vpc_steps_elsewhere: usize,
    pub fail_vpc_seconds: f64,
    /// The healthy VPC changed at the same time: its calls and writes.
    pub fail_other: Phase,
    /// `apply::apply` of the whole view while the VPC fails: calls, GETs, passes, outcome.
    pub fail_apply: Phase,
    pub fail_apply_passes: u32,
    pub fail_apply_outcome: String,
    /// Requests `apply` made that were answered normally, i.e. did not name the failing
    /// VPC's objects (every request that does is faulted).
    pub fail_apply_elsewhere: u64,
    // eucanetd-pattern inputs.
    pub t_get_ms: f64,
    pub t_write_seq_ms: f64,
    pub euca_reload_gets: u64,
    pub euca_cold_load_gets: u64,
}

/// Client used everywhere: the defaults `vpcmido apply` uses (4 writes in flight).
fn client_config() -> ClientConfig {
    ClientConfig::default()
}

/// eucanetd's full cache load (spec `vpc-to-midonet.md` §15.2): the system_state probe, six
/// top-level lists, the hosts list and one interfaces GET per host, then per router its ports
/// and routes, per bridge its ports, DHCP, ARP and MAC tables plus one DHCP-hosts GET per DHCP
/// subnet, per chain its rules, per IP address group its members, per port group its members,
/// per tunnel zone its hosts.
pub fn euca_reload_gets(s: &Snapshot) -> u64 {
    let dhcp: usize = s.dhcp_subnets.values().map(Vec::len).sum();
    (1 + 6
        + 1
        + s.hosts.len()
        + 2 * s.routers.len()
        + 4 * s.bridges.len()
        + dhcp
        + s.chains.len()
        + s.ip_addr_groups.len()
        + s.port_groups.len()
        + s.tunnel_zones.len()) as u64
}

async fn fault(h: &SimHandle, pattern: Option<&str>) {
    let url = format!("http://{}/_sim/faults", h.addr());
    let c = reqwest::Client::new();
    let r = match pattern {
        Some(p) => {
            c.post(url)
                .json(&serde_json::json!({"match": p, "rate": 1.0, "kinds": ["internal"]}))
                .send()
                .await
        }
        None => c.delete(url).send().await,
    };
    let r = r.expect("emulator fault API answers");
    assert!(r.status().is_success(), "fault rule: {}", r.status());
}

fn names_of(t: &vpcmido::topology::Topology, vpc: &str) -> HashSet<String> {
    let mut n = HashSet::new();
    if let Some(p) = t.vpcs.get(vpc) {
        n.extend(p.routers.iter().map(|r| r.name.clone()));
        n.extend(p.bridges.iter().map(|r| r.name.clone()));
        n.extend(p.chains.iter().map(|r| r.name.clone()));
        n.extend(p.ip_addr_groups.iter().map(|r| r.name.clone()));
    }
    n
}

fn scoped(vpc: &str) -> ApplyConfig {
    ApplyConfig {
        only: Some(Scope::Vpc(vpc.to_string())),
        ..ApplyConfig::default()
    }
}

/// Runs every scenario on one size and write latency. Must run inside an actix System.
pub async fn run_size(enis: usize, write_latency: Duration) -> SizeResult {
    let cfg = ApplyConfig::default();
    let base = view(enis);
    let mut r = SizeResult {
        enis,
        vpcs: base.vpcs.len(),
        write_latency_ms: write_latency.as_secs_f64() * 1e3,
        ..SizeResult::default()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("view.xml");
    std::fs::write(
        &path,
        vpcmido::gni::write_xml(&base, vpcmido::gni::Format::default()),
    )
    .expect("write the view for the emulator's hosts");

    // vpcmido's own planning footprint and time, before the emulator exists.
    let t = Instant::now();
    let (_, _, cold_plan) = apply::plan_against(&base, &Default::default(), &cfg);
    r.plan_cold_seconds = secs(t.elapsed());
    drop(cold_plan);
    r.plan_only_rss_mb = vm_hwm_mb();

    let h = sim::start(SimConfig {
        write_latency,
        hosts_from_gni: Some(path.clone()),
        workers: 2,
        ..SimConfig::default()
    })
    .await
    .expect("emulator starts");
    let c = MidonetClient::connect(&h.url(), client_config())
        .await
        .expect("client connects");

    // 1. Cold build.
    let s0 = h.sim().stats();
    let rep = apply::apply(&base, &c, &cfg).await.expect("apply runs");
    assert!(
        rep.converged && rep.failed.is_empty(),
        "cold build did not converge: {:?}",
        rep.failed.iter().take(5).collect::<Vec<_>>()
    );
    let s1 = h.sim().stats();
    r.cold_writes = rep.writes() as u64;
    r.cold_calls = rep.calls.calls();
    r.cold_gets = rep.calls.get;
    r.cold_retries = rep.calls.retries;
    r.cold_passes = rep.passes;
    r.cold_seconds = secs(rep.wall);
    r.sim_writes_applied = s1.writes_applied - s0.writes_applied;
    r.lock_held_seconds = s1.write_lock_held_seconds - s0.write_lock_held_seconds;
    for q in &s1.requests {
        if q.method != "GET" && q.status / 100 == 2 {
            *r.writes_by_resource.entry(q.resource.clone()).or_default() += q.count;
        }
    }

    // 2. Full resync: discover everything, plan the whole view.
    let before = c.stats();
    let t = Instant::now();
    let prep = apply::prepare(&base, &c, &cfg).await.expect("discovery");
    r.full_resync = Phase::of(&c.stats().since(&before), t.elapsed());
    r.full_resync_plan_steps = prep.plan.steps.len();
    r.objects = prep.snapshot.object_count();
    r.euca_reload_gets = euca_reload_gets(&prep.snapshot);
    let snapshot = prep.snapshot;
    let mut observed = prep.observed;
    let topo = prep.translation.topology;

    // 3. No-change cycle (library equivalent): plan against the in-memory state.
    let before = c.stats();
    let (mut times, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let (t, c0) = (Instant::now(), thread_cpu());
        let (_, _, p) = apply::plan_against(&base, &observed, &cfg);
        times.push(secs(t.elapsed()));
        cpu.push(thread_cpu() - c0);
        r.nochange_steps = p.steps.len();
    }
    r.nochange_seconds = median(times);
    r.nochange_cpu_seconds = median(cpu);
    // One VPC actor's no-change check, on its slice of the observed state.
    let t = Instant::now();
    let slices = vpcmido::plan::partition::partition(&topo, &observed);
    r.partition_seconds = secs(t.elapsed());
    let probe = Scope::Vpc(base.vpcs[base.vpcs.len() / 2].id.clone());
    let scope_topo = vpcmido::plan::partition::scope_topology(&topo, &probe);
    let slice = slices.get(&probe).cloned().unwrap_or_default();
    let last_scope = Scope::Vpc(base.vpcs[base.vpcs.len() - 1].id.clone());
    let last_slice = slices.get(&last_scope).cloned().unwrap_or_default();
    drop(slices);
    let (mut times, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..21 {
        let (t, c0) = (Instant::now(), thread_cpu());
        let p = vpcmido::plan::plan(&scope_topo, &slice, Some(&probe));
        times.push(secs(t.elapsed()));
        cpu.push(thread_cpu() - c0);
        r.nochange_vpc_steps = p.steps.len();
    }
    r.nochange_vpc_seconds = median(times);
    r.nochange_vpc_cpu_seconds = median(cpu);
    // Profiling hook: `VPCMIDO_BENCH_PROFILE_NOCHANGE=N` repeats the no-change plan N times
    // more (run under `perf record` to see where it goes).
    let extra: usize = std::env::var("VPCMIDO_BENCH_PROFILE_NOCHANGE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    for _ in 0..extra {
        let c0 = thread_cpu();
        let t0 = Instant::now();
        let rec = vpcmido::plan::recover::allocations(&base, &observed);
        let t1 = Instant::now();
        let (alloc, _) = vpcmido::topology::allocate(&base, rec, &cfg.settings);
        let t2 = Instant::now();
        let tr = vpcmido::topology::desired(
            &base,
            &alloc,
            &cfg.settings,
            vpcmido::plan::recover::euca_version(&observed),
        );
        let t3 = Instant::now();
        let p = vpcmido::plan::plan(&tr.topology, &observed, None);
        let t4 = Instant::now();
        let c4 = thread_cpu();
        eprintln!(
            "nochange: cpu {:.1} ms; wall: recover {:?} allocate {:?} desired {:?} plan {:?} ({} steps)",
            (c4 - c0) * 1e3,
            t1 - t0,
            t2 - t1,
            t3 - t2,
            t4 - t3,
            p.steps.len()
        );
    }
    r.nochange_calls = c.stats().since(&before).calls();

    // 4. Per-VPC resync of one VPC (the middle one).
    let mid = base.vpcs[base.vpcs.len() / 2].id.clone();
    let names = names_of(&topo, &mid);
    let filter = DiscoverFilter::core_and(move |_, n| names.contains(n));
    let before = c.stats();
    let t = Instant::now();
    let snap = c.discover(&filter).await.expect("scoped discovery");
    let obs = observe::observed(&snap);
    let (_, _, p) = apply::plan_against(&base, &obs, &scoped(&mid));
    r.vpc_resync = Phase::of(&c.stats().since(&before), t.elapsed());
    r.vpc_resync_plan_steps = p.steps.len();
    drop((snap, obs, p));

    // 5. One ENI added to the last VPC: scoped plan against the in-memory state, execute.
    let mut v1 = view(enis);
    let last = v1.vpcs.len() - 1;
    let x = add_eni(&mut v1, last, 1);
    // As a VPC actor: translate the new view, plan the scope against the slice.
    let t = Instant::now();
    let rec = vpcmido::plan::recover::allocations(&v1, &observed);
    let (alloc, _) = vpcmido::topology::allocate(&v1, rec, &cfg.settings);
    let tr = vpcmido::topology::desired(
        &v1,
        &alloc,
        &cfg.settings,
        vpcmido::plan::recover::euca_version(&observed),
    );
    r.eni_actor_translate_seconds = secs(t.elapsed());
    let t = Instant::now();
    let st = vpcmido::plan::partition::scope_topology(&tr.topology, &last_scope);
    let pa = vpcmido::plan::plan(&st, &last_slice, Some(&last_scope));
    r.eni_actor_plan_seconds = secs(t.elapsed());
    r.eni_actor_steps = pa.steps.len();
    drop((tr, st, pa, last_slice));
    let before = c.stats();
    let t = Instant::now();
    let (_, _, plan) = apply::plan_against(&v1, &observed, &scoped(&x));
    r.eni_plan_seconds = secs(t.elapsed());
    let out = apply::execute(&c, &snapshot, &plan, cfg.max_in_flight).await;
    let d = c.stats().since(&before);
    r.eni = Phase::of(&d, t.elapsed());
    assert!(out.ok(), "one ENI added: {:?}", out.failed.first());
    r.eni_writes = plan.steps.len() as u64;
    r.eni_extra_calls = d.calls().saturating_sub(r.eni_writes);
    replay::replay(&mut observed, &plan);
    // The same kind of change through `apply` (a second ENI in the same VPC).
    let mut v2 = view(enis);
    add_eni(&mut v2, last, 1);
    add_eni(&mut v2, last, 2);
    let rep = apply::apply(&v2, &c, &cfg).await.expect("apply runs");
    assert!(rep.converged, "apply of one more ENI: {:?}", rep.failed);
    r.eni_apply = Phase::of(&rep.calls, rep.wall);
    let v2_observed = {
        let p = apply::prepare(&v2, &c, &cfg).await.expect("discovery");
        assert!(p.plan.is_empty());
        (p.snapshot, p.observed)
    };
    let (snapshot, observed) = v2_observed;

    // 6. One VPC failing (the first), while another (the second, or the only one) changes.
    let mut v3 = view(enis);
    add_eni(&mut v3, last, 1);
    add_eni(&mut v3, last, 2);
    let f = add_eni(&mut v3, 0, 3);
    let other_index = if v3.vpcs.len() > 2 { 1 } else { last };
    let g = add_eni(&mut v3, other_index, 4);
    fault(&h, Some(&f)).await;
    let sf0 = h.sim().stats();
    let before = c.stats();
    let t = Instant::now();
    let (_, _, pf) = apply::plan_against(&v3, &observed, &scoped(&f));
    let out = apply::execute(&c, &snapshot, &pf, cfg.max_in_flight).await;
    r.fail_vpc_seconds = secs(t.elapsed());
    r.fail_vpc_calls = c.stats().since(&before).calls();
    let sf1 = h.sim().stats();
    r.fail_vpc_faults =
        sf1.faults_injected.values().sum::<u64>() - sf0.faults_injected.values().sum::<u64>();
    r.fail_vpc_steps = pf.steps.len();
    r.fail_vpc_steps_elsewhere = pf
        .steps
        .iter()
        .filter(|s| s.scope != Scope::Vpc(f.clone()))
        .count();
    assert!(!out.ok(), "the failing VPC's writes fault");
    let before = c.stats();
    let t = Instant::now();
    let (_, _, pg) = apply::plan_against(&v3, &observed, &scoped(&g));
    let out = apply::execute(&c, &snapshot, &pg, cfg.max_in_flight).await;
    assert!(
        out.ok(),
        "the healthy VPC converges: {:?}",
        out.failed.first()
    );
    r.fail_other = Phase::of(&c.stats().since(&before), t.elapsed());
    // The whole view through `apply` (library behaviour today): its discovery reads every
    // object, the failing VPC's too, and those reads fault as well (rate 1, any method).
    let sa0 = h.sim().stats();
    let before = c.stats();
    let t = Instant::now();
    let res = apply::apply(&v3, &c, &cfg).await;
    r.fail_apply = Phase::of(&c.stats().since(&before), t.elapsed());
    let sa1 = h.sim().stats();
    let faulted =
        sa1.faults_injected.values().sum::<u64>() - sa0.faults_injected.values().sum::<u64>();
    // Every request that names the failing VPC's objects is faulted, so the requests that
    // were answered normally went elsewhere.
    r.fail_apply_elsewhere = r.fail_apply.calls.saturating_sub(faulted);
    match res {
        Ok(rep) => {
            r.fail_apply_passes = rep.passes;
            r.fail_apply_outcome = format!(
                "{} passes, converged {}, {} failed steps",
                rep.passes,
                rep.converged,
                rep.failed.len()
            );
        }
        Err(e) => r.fail_apply_outcome = format!("error: {e}"),
    }
    fault(&h, None).await;

    // 7. eucanetd-pattern inputs: median GET round trip, median sequential write.
    let sys = format!("{}/system_state", h.url());
    let http = reqwest::Client::new();
    let mut gets = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let resp = http
            .get(&sys)
            .header("accept", "application/vnd.org.midonet.SystemState-v2+json")
            .send()
            .await
            .expect("system_state");
        let _ = resp.bytes().await;
        gets.push(secs(t.elapsed()));
    }
    r.t_get_ms = median(gets) * 1e3;
    let gid = uuid::Uuid::new_v4();
    let grp: IpAddrGroup =
        serde_json::from_value(serde_json::json!({"id": gid, "name": "bench_scratch_group"}))
            .expect("IAG DTO");
    c.create_ip_addr_group(&grp).await.expect("scratch group");
    let mut writes = Vec::new();
    for i in 0..100u32 {
        let t = Instant::now();
        c.add_ip_addr(gid, &Ipv4Addr::from(0x0a_fe_00_00 + i).to_string())
            .await
            .expect("scratch address");
        writes.push(secs(t.elapsed()));
    }
    r.t_write_seq_ms = median(writes) * 1e3;
    // eucanetd's load of the empty cloud before its first build (same formula, no objects
    // but the registered hosts).
    r.euca_cold_load_gets = 1 + 6 + 1 + snapshot.hosts.len() as u64;

    r.peak_rss_mb = vm_hwm_mb();
    h.stop().await.expect("emulator stops");
    r
}

/// Figures derived from one [`SizeResult`] (the table's columns).
pub struct Derived {
    pub calls_per_write: f64,
    pub t_over_floor: f64,
    pub t_over_lock: f64,
    pub lock_per_write_ms: f64,
    pub floor_seconds: f64,
    pub euca_calls: u64,
    pub euca_seconds: f64,
}

pub fn derive(r: &SizeResult) -> Derived {
    let w = r.cold_writes as f64;
    let tw = r.write_latency_ms / 1e3;
    let floor = w * tw;
    // eucanetd's pattern: one request at a time; each create is probe GET + POST + GET of
    // Location (spec §14.3), after a full load of the (empty) cloud (§15.2).
    let euca_calls = 3 * r.cold_writes + r.euca_cold_load_gets;
    let euca_seconds = w * (r.t_write_seq_ms + 2.0 * r.t_get_ms) / 1e3
        + r.euca_cold_load_gets as f64 * r.t_get_ms / 1e3;
    Derived {
        calls_per_write: if w > 0.0 {
            r.cold_calls as f64 / w
        } else {
            0.0
        },
        t_over_floor: if floor > 0.0 {
            r.cold_seconds / floor
        } else {
            0.0
        },
        t_over_lock: if r.lock_held_seconds > 0.0 {
            r.cold_seconds / r.lock_held_seconds
        } else {
            0.0
        },
        lock_per_write_ms: if w > 0.0 {
            r.lock_held_seconds / w * 1e3
        } else {
            0.0
        },
        floor_seconds: floor,
        euca_calls,
        euca_seconds,
    }
}

/// Calls `plan` needs that `execute` would send (for tests): one per step.
pub fn plan_writes(p: &Plan) -> usize {
    p.steps.len()
}
