//! The director: reads the view, translates it, splits it into the core part and one part per
//! VPC, and tells each scope's actor only what changed. It also owns start-up (one full
//! discovery, partitioned into per-scope slices), the rtid/eniid allocations, the mass-delete
//! guard, the applied-version handshake, liveness (a dead actor is respawned and counted) and
//! the status table the admin API serves. It never talks to MidoNet after start-up: passes
//! belong to the scope actors.
use super::guard::{self, Hold};
use super::handshake;
use super::messages::*;
use super::metrics as m;
use super::pass::Prediction;
use super::scope::{ScopeActor, ScopeConfig, ScopeStart};
use super::status::{DaemonStatus, HeldStatus, ScopeStatus};
use crate::gni::{self, Gni, Limits};
use crate::midonet::client::MidonetClient;
use crate::midonet::observe;
use crate::midonet::snapshot::{DiscoverFilter, Snapshot};
use crate::plan::partition::partition;
use crate::plan::{recover, Observed};
use crate::topology::{self, Allocations, Scope, Settings, Topology};
use actix::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

mod handlers;
mod upkeep;

/// What the director needs to know.
#[derive(Clone, Debug)]
pub struct DirectorConfig {
    pub gni_path: PathBuf,
    /// `None`: no handshake file (tests that do not need one).
    pub applied_version_file: Option<PathBuf>,
    pub poll_interval: Duration,
    /// Hold views that delete more than this share of owned objects (0..=1).
    pub guard_share: f64,
    pub settings: Settings,
    pub scope: ScopeConfig,
    /// How often dead actors are looked for.
    pub liveness_interval: Duration,
    /// Watch the view's directory with inotify (the poll runs regardless).
    pub inotify: bool,
}

impl DirectorConfig {
    pub fn new(gni_path: PathBuf) -> Self {
        DirectorConfig {
            gni_path,
            applied_version_file: None,
            poll_interval: Duration::from_secs(1),
            guard_share: 0.5,
            settings: Settings::default(),
            scope: ScopeConfig::default(),
            liveness_interval: Duration::from_secs(1),
            inotify: true,
        }
    }
}

struct Entry {
    addr: Addr<ScopeActor>,
    status: ActorStatus,
    retiring: bool,
    restarts: u64,
}

struct Accepted {
    version: String,
    full: Arc<Topology>,
    at: std::time::Instant,
}

/// Whether two views ask for the same thing (everything but `version` and `applied-version`
/// equal): the CLC re-broadcasts unchanged content under new versions, and such a view needs
/// no translation, only the version handed on.
fn same_content(a: &Gni, b: &Gni) -> bool {
    a.config == b.config
        && a.vpcs == b.vpcs
        && a.instances == b.instances
        && a.dhcp_option_sets == b.dhcp_option_sets
        && a.internet_gateways == b.internet_gateways
        && a.security_groups == b.security_groups
}

struct Held {
    version: String,
    full: Arc<Topology>,
    alloc: Allocations,
    skipped: Vec<String>,
    hold: Hold,
}

/// What start-up discovery found, handed out once as the actors' first predictions.
struct Startup {
    observed: Observed,
    snapshot: Arc<Snapshot>,
}

pub struct Director {
    cfg: DirectorConfig,
    client: MidonetClient,
    started: bool,
    startup: Option<Startup>,
    startup_error: Option<String>,
    euca_version: Option<Ipv4Addr>,
    file_sig: Option<(SystemTime, u64)>,
    bytes_hash: Option<u64>,
    loaded_version: Option<String>,
    view_error: Option<String>,
    allocations: Option<Allocations>,
    accepted: Option<Accepted>,
    skipped: Vec<String>,
    held: Option<Held>,
    /// The accepted view itself, to spot a new version with the same content.
    accepted_view: Option<Gni>,
    /// Hash of the accepted view's bytes after the root tag ([`super::quickview`]).
    accepted_body: Option<u64>,
    actors: BTreeMap<Scope, Entry>,
    core_ready: bool,
    written: Option<String>,
    draining: bool,
    /// A full read of MidoNet for every actor is running (resync all, audit).
    sweeping: bool,
    state_counts: HashMap<ScopeState, usize>,
}

impl Director {
    pub fn new(cfg: DirectorConfig, client: MidonetClient) -> Self {
        Director {
            cfg,
            client,
            started: false,
            startup: None,
            startup_error: None,
            euca_version: None,
            file_sig: None,
            bytes_hash: None,
            loaded_version: None,
            view_error: None,
            allocations: None,
            accepted: None,
            skipped: Vec::new(),
            held: None,
            accepted_view: None,
            accepted_body: None,
            actors: BTreeMap::new(),
            core_ready: false,
            written: None,
            draining: false,
            sweeping: false,
            state_counts: HashMap::new(),
        }
    }

    fn discover_at_startup(&mut self, ctx: &mut Context<Self>) {
        let client = self.client.clone();
        let fut = async move { client.discover(&DiscoverFilter::default()).await };
        ctx.spawn(fut.into_actor(self).map(|res, act, ctx| match res {
            Ok(snap) => {
                let observed = observe::observed(&snap);
                tracing::info!(objects = snap.object_count(), "start-up discovery done");
                act.euca_version = recover::euca_version(&observed);
                act.startup = Some(Startup {
                    observed,
                    snapshot: Arc::new(snap),
                });
                act.startup_error = None;
                act.started = true;
                act.check_view(ctx, true);
            }
            Err(e) => {
                tracing::error!(error = %e, "start-up discovery of MidoNet failed; retrying in 5 s");
                act.startup_error = Some(e.to_string());
                ctx.run_later(Duration::from_secs(5), |a, ctx| a.discover_at_startup(ctx));
            }
        }));
    }

    fn view_failed(&mut self, reason: &'static str, message: String) {
        metrics::gauge!(m::VIEW_INVALID).set(1.0);
        // Counted and logged once per distinct problem, not once per poll.
        if self.view_error.as_deref() != Some(message.as_str()) {
            metrics::counter!(m::VIEW_ERRORS_TOTAL, "reason" => reason).increment(1);
            tracing::error!(path = %self.cfg.gni_path.display(), reason, "view not usable, nothing changed: {message}");
        }
        self.view_error = Some(message);
    }

    /// Reads the view if it changed, and accepts it (or holds it).
    fn check_view(&mut self, ctx: &mut Context<Self>, force: bool) {
        if !self.started || self.draining {
            return;
        }
        let path = self.cfg.gni_path.clone();
        let meta = match std::fs::metadata(&path) {
            Ok(md) => md,
            Err(e) => return self.view_failed("read", format!("{}: {e}", path.display())),
        };
        let sig = (
            meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            meta.len(),
        );
        if !force && self.file_sig == Some(sig) && self.view_error.is_none() {
            return;
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => return self.view_failed("read", format!("{}: {e}", path.display())),
        };
        self.file_sig = Some(sig);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut h);
        let hash = h.finish();
        if !force && self.bytes_hash == Some(hash) {
            return;
        }
        self.bytes_hash = Some(hash);
        // Same content as the accepted view (only the root tag differs): no parse needed.
        let body = super::quickview::body_hash(&bytes);
        if !force && self.held.is_none() && body.is_some() && body == self.accepted_body {
            let quick = super::quickview::root_version(&bytes);
            if let (Some(v), Some(acc)) = (quick, &self.accepted) {
                self.view_error = None;
                metrics::gauge!(m::VIEW_INVALID).set(0.0);
                if v != acc.version {
                    metrics::gauge!(m::VIEW_LOADED_TIMESTAMP).set(epoch_secs(SystemTime::now()));
                    tracing::debug!(version = %v, "same content as the accepted view: version handed on");
                    self.loaded_version = Some(v.clone());
                    let full = acc.full.clone();
                    let alloc = self.allocations.clone().unwrap_or_default();
                    let skipped = self.skipped.clone();
                    self.accept(ctx, v, full, alloc, skipped);
                }
                return;
            }
        }
        let view = match gni::load(&bytes, &Limits::default()) {
            Ok(v) => v,
            Err(e) => {
                let reason = match e {
                    gni::ViewError::Invalid(_) => "invalid",
                    _ => "syntax",
                };
                return self.view_failed(reason, e.lines().join("; "));
            }
        };
        if self.view_error.take().is_some() {
            tracing::info!(version = %view.version, "view is valid again");
        }
        metrics::gauge!(m::VIEW_INVALID).set(0.0);
        let same = |v: &Option<String>| v.as_deref() == Some(view.version.as_str());
        if !force
            && (same(&self.accepted.as_ref().map(|a| a.version.clone()))
                || same(&self.held.as_ref().map(|h| h.version.clone())))
        {
            tracing::debug!(version = %view.version, "view version already accepted");
            return;
        }
        if !same(&self.loaded_version) {
            metrics::gauge!(m::VIEW_LOADED_TIMESTAMP).set(epoch_secs(SystemTime::now()));
        }
        self.loaded_version = Some(view.version.clone());
        let unchanged = self.held.is_none()
            && self
                .accepted_view
                .as_ref()
                .is_some_and(|a| same_content(a, &view));
        if unchanged {
            if let Some(acc) = &self.accepted {
                let (full, alloc) = (
                    acc.full.clone(),
                    self.allocations.clone().unwrap_or_default(),
                );
                let skipped = self.skipped.clone();
                self.accept(ctx, view.version.clone(), full, alloc, skipped);
                self.accepted_view = Some(view);
                self.accepted_body = body;
                return;
            }
        }
        self.translate(ctx, &view);
        if self
            .accepted
            .as_ref()
            .is_some_and(|a| a.version == view.version)
        {
            self.accepted_view = Some(view);
            self.accepted_body = body;
        }
    }

    fn translate(&mut self, ctx: &mut Context<Self>, view: &Gni) {
        let t0 = std::time::Instant::now();
        let recovered = match (&self.allocations, &self.startup) {
            (Some(a), _) => a.clone(),
            (None, Some(s)) => recover::allocations(view, &s.observed),
            (None, None) => Allocations::default(),
        };
        let (alloc, mut skipped) = topology::allocate(view, recovered, &self.cfg.settings);
        let mut t = topology::desired(view, &alloc, &self.cfg.settings, self.euca_version);
        skipped.append(&mut t.skipped);
        let full = Arc::new(t.topology);
        let hold = match (&self.accepted, &self.startup) {
            (Some(a), _) => guard::against_topology(&a.full, &full, self.cfg.guard_share),
            (None, Some(s)) => {
                guard::against_observed(&partition(&full, &s.observed), &full, self.cfg.guard_share)
            }
            (None, None) => None,
        };
        tracing::debug!(ms = t0.elapsed().as_millis() as u64, "view translated");
        if let Some(hold) = hold {
            let new_hold = self.held.as_ref().map(|h| h.version.as_str()) != Some(&view.version);
            if new_hold {
                metrics::counter!(m::GUARD_HOLDS_TOTAL).increment(1);
                tracing::error!(
                    version = %view.version, deletes = hold.deletes, owned = hold.owned,
                    "mass-delete guard: view HELD, nothing changed; {}. Run `vpcmido confirm` (POST /confirm) to apply it",
                    hold.reason
                );
            }
            metrics::gauge!(m::GUARD_HELD).set(1.0);
            self.held = Some(Held {
                version: view.version.clone(),
                full,
                alloc,
                skipped,
                hold,
            });
            return;
        }
        if self.held.take().is_some() {
            tracing::warn!(version = %view.version, "a newer view replaced the held one and passes the guard");
        }
        metrics::gauge!(m::GUARD_HELD).set(0.0);
        self.accept(ctx, view.version.clone(), full, alloc, skipped);
    }

    #[allow(clippy::too_many_arguments)]
    fn spawn_actor(
        &self,
        ctx: &mut Context<Self>,
        scope: Scope,
        version: &str,
        full: Arc<Topology>,
        prediction: Option<Prediction>,
        retiring: bool,
        first: Trigger,
        restarts: u64,
    ) -> Addr<ScopeActor> {
        ScopeActor::new(ScopeStart {
            scope,
            client: self.client.clone(),
            cfg: self.cfg.scope.clone(),
            director: ctx.address().recipient(),
            retired: ctx.address().recipient(),
            version: Some(version.to_string()),
            full,
            prediction,
            core_ready: self.core_ready,
            retiring,
            first: Some(first),
            restarts,
        })
        .start()
    }

    #[allow(clippy::too_many_arguments)]
    fn start_actor(
        &mut self,
        ctx: &mut Context<Self>,
        scope: Scope,
        version: &str,
        full: Arc<Topology>,
        prediction: Option<Prediction>,
        retiring: bool,
        first: Trigger,
        restarts: u64,
    ) {
        let addr = self.spawn_actor(
            ctx,
            scope.clone(),
            version,
            full,
            prediction,
            retiring,
            first,
            restarts,
        );
        let mut status = ActorStatus::new(scope.clone());
        status.restarts = restarts;
        status.state = if retiring {
            ScopeState::Deleting
        } else {
            ScopeState::Applying
        };
        *self.state_counts.entry(status.state).or_default() += usize::from(scope != Scope::Core);
        if let Some(old) = self.actors.insert(
            scope,
            Entry {
                addr,
                status,
                retiring,
                restarts,
            },
        ) {
            self.uncount(&old.status);
        }
        self.publish_state_gauges();
    }

    fn uncount(&mut self, s: &ActorStatus) {
        if s.scope != Scope::Core {
            if let Some(n) = self.state_counts.get_mut(&s.state) {
                *n = n.saturating_sub(1);
            }
        }
    }

    fn publish_state_gauges(&self) {
        for st in ScopeState::ALL {
            let n = self.state_counts.get(&st).copied().unwrap_or(0);
            metrics::gauge!(m::VPCS, "state" => st.label()).set(n as f64);
        }
    }

    fn accept(
        &mut self,
        ctx: &mut Context<Self>,
        version: String,
        full: Arc<Topology>,
        alloc: Allocations,
        skipped: Vec<String>,
    ) {
        // Hand out the start-up discovery's slices once, then drop it (memory).
        let startup = self.startup.take();
        let mut slices = match &startup {
            Some(s) => partition(&full, &s.observed),
            None => BTreeMap::new(),
        };
        let snapshot = startup.as_ref().map(|s| s.snapshot.clone());
        let old = self.accepted.take();
        let (mut spawned, mut changed) = (0usize, 0usize);
        let parts: Vec<Scope> = full.parts().map(|(s, _)| s).collect();
        for scope in parts {
            match self.actors.get(&scope) {
                Some(e) if !e.retiring => {
                    let ch = old.as_ref().and_then(|o| o.full.part(&scope)) != full.part(&scope);
                    changed += usize::from(ch);
                    e.addr.do_send(Desired {
                        version: version.clone(),
                        full: full.clone(),
                        changed: ch,
                    });
                }
                existing => {
                    // A new scope, or a VPC back while its old actor retires: that one stops
                    // mid-deletion and the new actor re-reads the VPC.
                    if let Some(e) = existing {
                        e.addr.do_send(Abort);
                    }
                    // A scope MidoNet holds nothing of gets an empty slice (with the hosts):
                    // the start-up discovery saw everything, so there is nothing to re-read.
                    let prediction = match (&startup, &snapshot) {
                        (Some(st), Some(snap)) => Some(Prediction {
                            slice: slices.remove(&scope).unwrap_or_else(|| Observed {
                                hosts: st.observed.hosts.clone(),
                                ..Observed::default()
                            }),
                            snapshot: snap.clone(),
                            fresh: true,
                        }),
                        _ => None,
                    };
                    let first = if snapshot.is_some() {
                        Trigger::Startup
                    } else {
                        Trigger::ViewChanged
                    };
                    self.start_actor(
                        ctx,
                        scope,
                        &version,
                        full.clone(),
                        prediction,
                        false,
                        first,
                        0,
                    );
                    spawned += 1;
                }
            }
        }
        // VPCs that left the view: delete, then stop.
        for (scope, e) in self.actors.iter_mut() {
            if !e.retiring && full.part(scope).is_none() {
                e.retiring = true;
                e.addr.do_send(Retire {
                    version: version.clone(),
                    full: full.clone(),
                });
                tracing::info!(%scope, "VPC left the view: deleting its objects");
            }
        }
        // Start-up: MidoNet holds VPCs the view no longer has; their slices go to retiring
        // actors.
        for (scope, slice) in slices {
            if !matches!(scope, Scope::Vpc(_)) || guard::observed_count(&slice) == 0 {
                continue;
            }
            tracing::info!(%scope, "MidoNet holds a VPC the view does not have: deleting it");
            let prediction = snapshot.as_ref().map(|snap| Prediction {
                slice,
                snapshot: snap.clone(),
                fresh: true,
            });
            self.start_actor(
                ctx,
                scope,
                &version,
                full.clone(),
                prediction,
                true,
                Trigger::Startup,
                0,
            );
            spawned += 1;
        }
        self.allocations = Some(alloc);
        self.skipped = skipped;
        for s in &self.skipped {
            tracing::warn!("not translated: {s}");
        }
        owned_gauges(&full);
        tracing::info!(%version, vpcs = full.vpcs.len(), changed, spawned, "view accepted");
        self.accepted = Some(Accepted {
            version,
            full,
            at: std::time::Instant::now(),
        });
        self.check_handshake();
    }
}

fn epoch_secs(t: SystemTime) -> f64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Objects the accepted view wants, by kind.
fn owned_gauges(t: &Topology) {
    let mut k: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (_, p) in t.parts() {
        *k.entry("routers").or_default() += p.routers.len();
        *k.entry("bridges").or_default() += p.bridges.len();
        *k.entry("ports").or_default() += p.ports.len();
        *k.entry("routes").or_default() += p.routes.len();
        *k.entry("chains_and_rules").or_default() +=
            p.chains.iter().map(|c| 1 + c.rules.len()).sum::<usize>();
        *k.entry("groups_and_members").or_default() += p
            .ip_addr_groups
            .iter()
            .map(|g| 1 + g.addrs.len())
            .sum::<usize>()
            + p.port_groups
                .iter()
                .map(|g| 1 + g.members.len())
                .sum::<usize>();
        *k.entry("dhcp").or_default() += p
            .dhcp_subnets
            .iter()
            .map(|d| 1 + d.hosts.len())
            .sum::<usize>();
        *k.entry("table_entries").or_default() += p.arp_entries.len() + p.mac_entries.len();
        *k.entry("bgp").or_default() += p.bgp_peers.len() + p.bgp_networks.len();
    }
    for (kind, n) in k {
        metrics::gauge!(m::OWNED_OBJECTS, "kind" => kind).set(n as f64);
    }
}
