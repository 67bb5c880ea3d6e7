//! Fixtures of the daemon tests: a generated multi-VPC view in a temporary directory, an
//! emulator with its hosts, a client, and a running director with fast timers.
#![allow(dead_code)]
use actix::Addr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use vpcmido::actors::status::DaemonStatus;
use vpcmido::actors::{self, Director, DirectorConfig, GetStatus, ScopeConfig};
use vpcmido::gni::gen::{generate, GenParams};
use vpcmido::gni::{write_xml, Format, Gni};
use vpcmido::midonet::client::{ClientConfig, MidonetClient, RetryPolicy};
use vpcmido::midonet::sim::{self, SimConfig, SimHandle};

pub fn view(vpcs: usize, enis_per_subnet: usize, seed: u64) -> Gni {
    generate(&GenParams {
        vpcs,
        subnets_per_vpc: 1,
        enis_per_subnet,
        sgs_per_vpc: 1,
        rules_per_sg: 2,
        eip_ratio: 0.5,
        seed,
        ..GenParams::default()
    })
    .expect("generated view")
}

/// Writes a view atomically (as the CLC does: temp + rename) with `version`.
pub fn write_view(path: &Path, view: &Gni, version: &str) {
    let mut v = view.clone();
    v.version = version.to_string();
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, write_xml(&v, Format::V4)).expect("write view");
    std::fs::rename(&tmp, path).expect("rename view");
}

pub fn client_config() -> ClientConfig {
    ClientConfig {
        retry: RetryPolicy {
            max_attempts: 2,
            base: Duration::from_millis(1),
            cap: Duration::from_millis(2),
        },
        request_timeout: Duration::from_secs(10),
        ..ClientConfig::default()
    }
}

pub struct Daemon {
    pub dir: tempfile::TempDir,
    pub gni: PathBuf,
    pub applied: PathBuf,
    pub sim: SimHandle,
    pub client: MidonetClient,
    pub director: Addr<Director>,
}

pub fn fast_config(gni: PathBuf, applied: PathBuf) -> DirectorConfig {
    DirectorConfig {
        applied_version_file: Some(applied),
        poll_interval: Duration::from_millis(50),
        liveness_interval: Duration::from_millis(50),
        scope: ScopeConfig {
            max_in_flight: 4,
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_millis(400),
            audit_interval: None,
        },
        ..DirectorConfig::new(gni)
    }
}

/// Writes `view` as version `v1`, starts an emulator and the daemon on it.
pub async fn start(
    view: &Gni,
    sim_cfg: SimConfig,
    tweak: impl FnOnce(&mut DirectorConfig),
) -> Daemon {
    let dir = tempfile::tempdir().expect("tempdir");
    let gni = dir.path().join("global_network_info.xml");
    let applied = dir.path().join("global_network_info.version");
    write_view(&gni, view, "00000001");
    let sim = sim::start(SimConfig {
        hosts_from_gni: Some(gni.clone()),
        ..sim_cfg
    })
    .await
    .expect("emulator");
    let client = MidonetClient::connect(&sim.url(), client_config())
        .await
        .expect("client");
    let mut cfg = fast_config(gni.clone(), applied.clone());
    tweak(&mut cfg);
    let director = actors::start(cfg, client.clone());
    Daemon {
        dir,
        gni,
        applied,
        sim,
        client,
        director,
    }
}

impl Daemon {
    pub async fn status(&self) -> DaemonStatus {
        self.director.send(GetStatus).await.expect("director alive")
    }

    /// Waits until `cond` holds for the status (panics after `timeout`).
    pub async fn wait(
        &self,
        what: &str,
        timeout: Duration,
        cond: impl Fn(&DaemonStatus) -> bool,
    ) -> DaemonStatus {
        let t0 = Instant::now();
        loop {
            let s = self.status().await;
            if cond(&s) {
                return s;
            }
            if t0.elapsed() > timeout {
                panic!(
                    "timed out waiting for {what}: {}",
                    serde_json::to_string_pretty(&s).unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub async fn wait_applied(&self, version: &str) -> DaemonStatus {
        self.wait(
            &format!("applied {version}"),
            Duration::from_secs(30),
            |s| s.applied_version.as_deref() == Some(version),
        )
        .await
    }

    pub fn applied_file(&self) -> Option<String> {
        std::fs::read_to_string(&self.applied).ok()
    }

    /// Total requests the emulator answered, by method.
    pub fn calls(&self) -> (u64, u64) {
        let st = self.sim.sim().stats();
        let reads = st
            .requests
            .iter()
            .filter(|r| r.method == "GET")
            .map(|r| r.count)
            .sum();
        let writes = st
            .requests
            .iter()
            .filter(|r| r.method != "GET")
            .map(|r| r.count)
            .sum();
        (reads, writes)
    }

    pub fn reset_stats(&self) {
        *vpcmido::midonet::sim::lock(&self.sim.sim().stats) = Default::default();
    }
}

/// Faults every request whose path, body or named objects contain `pattern`, with `kind`.
pub fn fault_on(d: &Daemon, pattern: &str, kind: vpcmido::midonet::sim::Fault) {
    vpcmido::midonet::sim::lock(&d.sim.sim().faults)
        .rules
        .push(vpcmido::midonet::sim::FaultRule {
            pattern: pattern.to_string(),
            rate: 1.0,
            kinds: vec![kind],
        });
}

pub fn clear_faults(d: &Daemon) {
    vpcmido::midonet::sim::lock(&d.sim.sim().faults)
        .rules
        .clear();
}

pub fn faults_injected(d: &Daemon, label: &str) -> u64 {
    d.sim
        .sim()
        .stats()
        .faults_injected
        .get(label)
        .copied()
        .unwrap_or(0)
}

pub fn vpc<'a>(s: &'a DaemonStatus, id: &str) -> &'a vpcmido::actors::status::ScopeStatus {
    s.vpcs
        .iter()
        .find(|x| x.scope == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", s.vpcs))
}
