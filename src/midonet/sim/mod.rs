//! The MidoNet v5 emulator: an actix-web server that answers MidoNet 5.2's REST API as the
//! spec (`midonet-api.md`) describes it, in process (tests) or standalone (`vpcmido sim`).
//!
//! Layout: [`dispatch`] is the one HTTP entry (faults, latency, write lock, stats, routing);
//! the resource modules ([`devices`], [`ports`], [`routes`], [`rules`], [`groups`], [`hosts`],
//! [`bgp_dhcp`], [`tables`], [`root`]) validate and apply one request against the [`store`];
//! [`render`] builds output objects; [`fixture`] is the non-MidoNet `/_sim/` API for
//! agent-owned state and introspection; [`persist`] saves and loads `--state-file`;
//! [`hosts_from_gni`] registers hosts from a global network view; [`invariants`] checks the
//! store's back-references (tests).
//!
//! Cost model (spec §8): every write runs under ONE async lock, held `write_latency` per
//! write (as MidoNet's ZooKeeper topology lock); reads take only a short store read lock.
pub mod bgp_dhcp;
pub mod devices;
pub mod dispatch;
pub mod error;
pub mod faults;
pub mod fixture;
pub mod groups;
pub mod hosts;
pub mod hosts_from_gni;
pub mod http;
pub mod invariants;
pub mod latency;
pub mod persist;
pub mod ports;
pub mod render;
pub mod root;
pub mod routes;
pub mod rules;
pub mod stats;
pub mod store;
pub mod tables;

use actix_web::{web, App, HttpServer};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

pub use error::ApiError;
pub use faults::{Fault, FaultRule};
pub use stats::StatsDoc;
pub use store::Store;

/// How to run the emulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to bind; `None` = `127.0.0.1:0` (a free port).
    pub listen: Option<SocketAddr>,
    /// Time each write holds the write lock.
    pub write_latency: Duration,
    /// Time added to each read.
    pub read_latency: Duration,
    /// Share of requests answered with a fault (0..=1).
    pub fault_rate: f64,
    pub fault_seed: u64,
    /// Wait for the write lock before answering 503 (MidoNet: `nsdb_lock_timeout`, 30 s).
    pub lock_timeout: Duration,
    /// Loaded on start when it exists; saved (atomically) by [`SimHandle::stop`].
    pub state_file: Option<PathBuf>,
    /// A global network view whose NC nodes and gateways are registered as hosts.
    pub hosts_from_gni: Option<PathBuf>,
    /// actix worker threads.
    pub workers: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: None,
            write_latency: Duration::ZERO,
            read_latency: Duration::ZERO,
            fault_rate: 0.0,
            fault_seed: 0,
            lock_timeout: Duration::from_secs(30),
            state_file: None,
            hosts_from_gni: None,
            workers: 2,
        }
    }
}

/// Shared emulator state.
pub struct Sim {
    pub cfg: SimConfig,
    pub store: RwLock<Store>,
    /// The topology lock: serializes writes (held across the write latency).
    pub write_lock: tokio::sync::Mutex<()>,
    pub stats: Mutex<stats::Stats>,
    pub faults: Mutex<faults::Faults>,
    /// When write latencies end (see [`latency`]).
    pub write_clock: Mutex<latency::WriteClock>,
}

/// Locks a std mutex, ignoring poisoning (no handler panics, but never cascade one).
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sim {
    /// Builds the state: the state file (if any), then hosts from the view (if any).
    pub fn new(cfg: SimConfig) -> std::io::Result<Self> {
        let mut store = match &cfg.state_file {
            Some(p) if p.exists() => persist::load(p)?,
            _ => Store::default(),
        };
        if let Some(p) = &cfg.hosts_from_gni {
            let xml = std::fs::read_to_string(p)?;
            let hosts = hosts_from_gni::hosts_from_gni(&xml)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
            hosts_from_gni::register(&mut store, &hosts);
        }
        Ok(Sim {
            faults: Mutex::new(faults::Faults::new(cfg.fault_rate, cfg.fault_seed)),
            cfg,
            store: RwLock::new(store),
            write_lock: tokio::sync::Mutex::new(()),
            stats: Mutex::new(stats::Stats::default()),
            write_clock: Mutex::new(latency::WriteClock::default()),
        })
    }

    /// A read view of the store.
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    /// A write view of the store (callers hold `write_lock` for API writes).
    pub fn write(&self) -> std::sync::RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The `/_sim/stats` document.
    pub fn stats(&self) -> StatsDoc {
        lock(&self.stats).doc()
    }
}

/// A running emulator.
pub struct SimHandle {
    addr: SocketAddr,
    server: actix_web::dev::ServerHandle,
    sim: Arc<Sim>,
}

impl SimHandle {
    /// `http://127.0.0.1:PORT/midonet-api`.
    pub fn url(&self) -> String {
        format!("http://{}/midonet-api", self.addr)
    }
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// Direct access to state and counters (tests).
    pub fn sim(&self) -> &Arc<Sim> {
        &self.sim
    }
    /// Stops the server gracefully and saves the state file when one is configured.
    pub async fn stop(self) -> std::io::Result<()> {
        self.server.stop(true).await;
        if let Some(p) = &self.sim.cfg.state_file {
            persist::save(p, &self.sim.read())?;
        }
        Ok(())
    }
}

/// Starts the emulator inside the current actix System (or tokio runtime with a LocalSet).
pub async fn start(cfg: SimConfig) -> std::io::Result<SimHandle> {
    let addr = cfg
        .listen
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
    let workers = cfg.workers.max(1);
    let sim = Arc::new(Sim::new(cfg)?);
    let data = web::Data::from(sim.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(16 * 1024 * 1024))
            .default_service(web::to(dispatch::dispatch))
    })
    .workers(workers)
    .disable_signals()
    .bind(addr)?;
    let bound = server.addrs().first().copied().unwrap_or(addr);
    let server = server.run();
    let handle = server.handle();
    actix_rt::spawn(server);
    Ok(SimHandle {
        addr: bound,
        server: handle,
        sim,
    })
}
