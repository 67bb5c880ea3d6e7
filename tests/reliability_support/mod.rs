//! Shared pieces of the reliability tests (issue 10): generated views on disk, child processes
//! that are always killed (a guard with `Drop`), `/_sim/state` audits against a reference
//! build, and polling with deadlines.
//!
//! The audit oracle is independent of the planner: a reference emulator gets the same view
//! applied without faults, and the audited state must hold exactly the same objects (by URI,
//! which carries each object's id or natural key), each once, with the same JSON.
#![allow(dead_code)]
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use vpcmido::gni::gen::{generate, GatewayMode, GenParams};
use vpcmido::gni::{write_xml_to, Format, Gni};
use vpcmido::midonet::client::{ClientConfig, MidonetClient, RetryPolicy};

/// The `vpcmido` binary cargo built for these tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_vpcmido")
}

/// A generated view: `vpcs × subnets × enis` ENIs, static gateways, written to `dir`.
pub fn gen_view(
    dir: &Path,
    name: &str,
    vpcs: usize,
    subnets: usize,
    enis: usize,
) -> (Gni, PathBuf) {
    let g = generate(&GenParams {
        vpcs,
        subnets_per_vpc: subnets,
        enis_per_subnet: enis,
        seed: 3,
        gateways: GatewayMode::Static,
        ..GenParams::default()
    })
    .expect("generated view");
    let path = dir.join(name);
    write_view(&g, &path);
    (g, path)
}

/// The view with only its first `n` VPCs (their instances and internet gateways); security
/// groups are kept (unused ones stay in the core part). Re-read, so it is valid.
pub fn keep_vpcs(g: &Gni, n: usize) -> Gni {
    let mut v = g.clone();
    v.vpcs.truncate(n);
    let kept: std::collections::BTreeSet<String> = v.vpcs.iter().map(|x| x.id.clone()).collect();
    let igws: std::collections::BTreeSet<String> = v
        .vpcs
        .iter()
        .flat_map(|x| x.internet_gateways.iter().cloned())
        .collect();
    v.instances.retain(|i| kept.contains(&i.vpc));
    v.internet_gateways.retain(|i| igws.contains(&i.id));
    let instances: std::collections::BTreeSet<String> =
        v.instances.iter().map(|i| i.id.clone()).collect();
    for c in &mut v.config.clusters {
        for n in &mut c.nodes {
            n.instance_ids.retain(|i| instances.contains(i));
        }
    }
    let xml = vpcmido::gni::write_xml(&v, Format::V4);
    vpcmido::gni::load(xml.as_bytes(), &vpcmido::gni::Limits::default()).unwrap_or_else(|e| {
        panic!(
            "reduced view invalid: {}",
            format!("{e:?}").chars().take(2000).collect::<String>()
        )
    })
}

pub fn write_view(g: &Gni, path: &Path) {
    let mut f = std::fs::File::create(path).expect("create view file");
    write_xml_to(g, Format::V4, &mut f).expect("write view");
}

/// Number of ENIs in a view.
pub fn enis(g: &Gni) -> usize {
    g.instances.iter().map(|i| i.network_interfaces.len()).sum()
}

/// A client that retries quickly (the emulator's `RetryAfter: 3` hint is capped to 5 ms).
pub fn fast_client_config() -> ClientConfig {
    ClientConfig {
        retry: RetryPolicy {
            max_attempts: 10,
            base: Duration::from_millis(1),
            cap: Duration::from_millis(5),
        },
        request_timeout: Duration::from_secs(10),
        ..ClientConfig::default()
    }
}

pub async fn client(url: &str) -> MidonetClient {
    MidonetClient::connect(url, fast_client_config())
        .await
        .expect("client connects")
}

/// A child process that is killed (SIGKILL) and reaped when dropped, on every path.
pub struct Proc {
    pub child: Child,
    pub what: String,
}

impl Proc {
    pub fn spawn(what: &str, cmd: &mut Command) -> Proc {
        let child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {what}: {e}"));
        Proc {
            child,
            what: what.to_string(),
        }
    }
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
    /// `kill -9` now; returns whether it was still running.
    pub fn kill9(&mut self) -> bool {
        let running = matches!(self.child.try_wait(), Ok(None));
        let _ = self.child.kill();
        let _ = self.child.wait();
        running
    }
    /// Whether the process has exited (and its status).
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A `vpcmido sim` process on a free port: (guard, `http://127.0.0.1:PORT`).
pub fn spawn_sim(extra: &[&str]) -> (Proc, String) {
    spawn_sim_on("127.0.0.1:0", extra)
}

/// A `vpcmido sim` process listening on `listen` (`127.0.0.1:0` for a free port).
pub fn spawn_sim_on(listen: &str, extra: &[&str]) -> (Proc, String) {
    let mut cmd = Command::new(bin());
    cmd.args(["sim", "--listen", listen])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut p = Proc::spawn("vpcmido sim", &mut cmd);
    let out = p.child.stdout.take().expect("sim stdout");
    // The first line is `listening on http://ADDR/midonet-api`; a thread reads it so that a
    // sim that never prints cannot hang the test (the deadline below holds).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(out).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("vpcmido sim prints its address within 20 s");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .and_then(|u| u.strip_suffix("/midonet-api"))
        .unwrap_or_else(|| panic!("unexpected sim banner {line:?}"))
        .to_string();
    (p, url)
}

/// GET a JSON document.
pub async fn get_json(url: &str) -> Value {
    reqwest::get(url)
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: not JSON: {e}"))
}

/// `/_sim/state` of the emulator at `base` (`http://127.0.0.1:PORT`).
pub async fn sim_state(base: &str) -> Value {
    get_json(&format!("{base}/_sim/state")).await
}

pub async fn sim_stats(base: &str) -> Value {
    get_json(&format!("{base}/_sim/stats")).await
}

/// Applied writes so far (`/_sim/stats` `writes_applied`).
pub async fn writes_applied(base: &str) -> u64 {
    sim_stats(base).await["writes_applied"]
        .as_u64()
        .unwrap_or(0)
}

/// Requests the emulator saw on the MidoNet API, all statuses (0 = dropped) together.
pub fn requests_total(stats: &Value) -> u64 {
    stats["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["count"].as_u64().unwrap_or(0))
        .sum()
}

/// Injected faults by kind.
pub fn faults(stats: &Value) -> BTreeMap<String, u64> {
    stats["faults_injected"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
        .collect()
}

/// Every object of a `/_sim/state` document, keyed by `collection` + its URI without the
/// emulator's address, with its JSON (the address replaced by `BASE`, so two emulators compare).
/// Objects whose key repeats are returned in `twins`.
pub struct Inventory {
    pub objects: BTreeMap<String, String>,
    pub twins: Vec<String>,
    pub names: BTreeMap<String, usize>,
}

pub fn inventory(state: &Value) -> Inventory {
    let mut objects = BTreeMap::new();
    let mut twins = Vec::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for (coll, items) in state.as_object().into_iter().flatten() {
        for o in items.as_array().into_iter().flatten() {
            let mut o = o.clone();
            // Assigned by the emulator from a counter: differs between two emulators.
            if let Some(m) = o.as_object_mut() {
                m.remove("tunnelKey");
            }
            let uri = o["uri"].as_str().unwrap_or("").to_string();
            let path = uri
                .find("/midonet-api/")
                .map_or(&uri[..], |i| &uri[i..])
                .to_string();
            let base = uri
                .find("/midonet-api/")
                .map_or("", |i| &uri[..i])
                .to_string();
            let base = base.as_str();
            // Objects MidoNet creates itself (the routes of a router port) get random ids:
            // they are identified by their content instead.
            let server_chosen = o["id"]
                .as_str()
                .and_then(|i| uuid::Uuid::parse_str(i).ok())
                .is_some_and(|u| u.get_version_num() == 4);
            let key = if server_chosen {
                if let Some(m) = o.as_object_mut() {
                    m.remove("id");
                    m.remove("uri");
                }
                format!(
                    "{coll} (server-chosen id) {}",
                    o.to_string().replace(base, "BASE")
                )
            } else {
                format!("{coll} {path}")
            };
            let text = o.to_string();
            let norm = if base.is_empty() {
                text
            } else {
                text.replace(base, "BASE")
            };
            if objects.insert(key.clone(), norm).is_some() {
                twins.push(key);
            }
            if let Some(n) = o["name"].as_str() {
                *names.entry(format!("{coll}/{n}")).or_default() += 1;
            }
        }
    }
    Inventory {
        objects,
        twins,
        names,
    }
}

/// The three zeros of issue 10, plus content differences, of a state against a reference.
#[derive(Debug, Default)]
pub struct Audit {
    /// Objects in the reference.
    pub expected: usize,
    /// Objects in the audited state.
    pub actual: usize,
    /// Objects stored twice (same URI) or names used twice in one collection.
    pub duplicates: Vec<String>,
    /// Objects the reference does not have (leftovers, strays).
    pub extra: Vec<String>,
    /// Objects of the reference that are absent.
    pub missing: Vec<String>,
    /// Objects present in both with different JSON.
    pub differing: Vec<String>,
}

impl Audit {
    pub fn clean(&self) -> bool {
        self.duplicates.is_empty()
            && self.extra.is_empty()
            && self.missing.is_empty()
            && self.differing.is_empty()
    }
    /// One line of figures, for test output and RELIABILITY.md.
    pub fn figures(&self) -> String {
        format!(
            "objects {} (reference {}), duplicates {}, extra {}, missing {}, differing {}",
            self.actual,
            self.expected,
            self.duplicates.len(),
            self.extra.len(),
            self.missing.len(),
            self.differing.len()
        )
    }
    pub fn assert_clean(&self, what: &str) {
        let first = |v: &Vec<String>| v.iter().take(5).cloned().collect::<Vec<_>>();
        assert!(
            self.clean(),
            "{what}: {}\n duplicates {:?}\n extra {:?}\n missing {:?}\n differing {:?}",
            self.figures(),
            first(&self.duplicates),
            first(&self.extra),
            first(&self.missing),
            first(&self.differing)
        );
    }
}

/// Fields that the emulator assigns itself and that legitimately differ between two emulators
/// given the same writes: none so far (ids, MACs and names are client-chosen), except what
/// `ignore` names.
/// Ids of the chains whose rule order carries no meaning (SG, elastic-IP and metadata NAT
/// chains, `RuleOrder::Unordered`): new rules go to position 1 there, so their positions
/// depend on the order the writes happened to run in.
pub fn unordered_chains(view: &Gni) -> BTreeSet<String> {
    let (_, t, _) = vpcmido::apply::plan_against(
        view,
        &vpcmido::plan::observed::Observed::default(),
        &vpcmido::apply::ApplyConfig::default(),
    );
    t.topology
        .parts()
        .flat_map(|(_, p)| p.chains.iter())
        .filter(|c| c.order == vpcmido::topology::RuleOrder::Unordered)
        .map(|c| c.key.uuid().to_string())
        .collect()
}

/// Drops `position` from the rules of unordered chains (the rest of the rule still counts).
fn strip_unordered_positions(state: &Value, unordered: &BTreeSet<String>) -> Value {
    let mut s = state.clone();
    if let Some(rules) = s.get_mut("rules").and_then(Value::as_array_mut) {
        for r in rules {
            let chain = r["chainId"].as_str().unwrap_or("").to_string();
            if unordered.contains(&chain) {
                if let Some(m) = r.as_object_mut() {
                    m.remove("position");
                }
            }
        }
    }
    s
}

/// Audits `actual` against `reference`; rule positions count only in ordered chains.
pub fn audit(actual: &Value, reference: &Value, unordered: &BTreeSet<String>) -> Audit {
    let a = inventory(&strip_unordered_positions(actual, unordered));
    let r = inventory(&strip_unordered_positions(reference, unordered));
    let mut out = Audit {
        expected: r.objects.len(),
        actual: a.objects.len(),
        ..Audit::default()
    };
    out.duplicates.extend(a.twins.iter().cloned());
    out.duplicates.extend(
        a.names
            .iter()
            .filter(|(n, c)| **c > 1 && !n.starts_with("hosts/") && !n.starts_with("rules/"))
            .map(|(n, c)| format!("{n} ×{c}")),
    );
    for (k, v) in &a.objects {
        match r.objects.get(k) {
            None => out.extra.push(k.clone()),
            Some(rv) if rv != v => out.differing.push(format!("{k}\n   got {v}\n  want {rv}")),
            Some(_) => {}
        }
    }
    for k in r.objects.keys() {
        if !a.objects.contains_key(k) {
            out.missing.push(k.clone());
        }
    }
    out
}

/// Polls `f` every `every` until it returns `Some` or `deadline` passes (then panics with
/// `what`).
pub async fn poll<T, F, Fut>(what: &str, deadline: Duration, every: Duration, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let end = Instant::now() + deadline;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < end, "timed out after {deadline:?}: {what}");
        tokio::time::sleep(every).await;
    }
}

/// Runs a `vpcmido` command to completion with a deadline; returns (exit code, stdout,
/// stderr). The child is killed if the deadline passes.
pub async fn run_cli(args: &[&str], deadline: Duration) -> (i32, String, String) {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("MIDO_API_URIBASE")
        .env("RUST_LOG", "warn");
    let mut p = Proc::spawn(&format!("vpcmido {}", args.join(" ")), &mut cmd);
    let mut out = p.child.stdout.take().expect("stdout");
    let mut err = p.child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let status = poll(
        &format!("{} finishes", p.what),
        deadline,
        Duration::from_millis(20),
        || {
            let s = p.exited();
            async move { s }
        },
    )
    .await;
    let code = status.code().unwrap_or(-1);
    drop(p);
    (
        code,
        t_out.join().unwrap_or_default(),
        t_err.join().unwrap_or_default(),
    )
}
