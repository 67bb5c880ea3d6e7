//! Applying a view: discover MidoNet, translate, plan, execute through the client, and repeat
//! until nothing remains (bounded passes). This is the one place that joins the pure layers
//! (`topology`, `plan`) to I/O (`midonet::client`); the daemon's actors call the same
//! functions, one scope at a time.
pub mod call;
pub mod schedule;

use crate::gni::Gni;
use crate::midonet::client::error::Error as ClientError;
use crate::midonet::client::stats::ClientStats;
use crate::midonet::client::MidonetClient;
use crate::midonet::observe;
use crate::midonet::snapshot::{DiscoverFilter, Snapshot};
use crate::plan::{self, recover, replay, Action, Observed, Plan};
use crate::topology::{self, Allocations, Scope, Settings, Translation};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct ApplyConfig {
    pub settings: Settings,
    /// Discover-plan-execute passes before giving up.
    pub max_passes: u32,
    /// Writes in flight at once (the client's gate caps them too).
    pub max_in_flight: usize,
    /// Plan only this scope (`None`: the whole view).
    pub only: Option<Scope>,
}

impl Default for ApplyConfig {
    fn default() -> Self {
        ApplyConfig {
            settings: Settings::default(),
            max_passes: 5,
            max_in_flight: 4,
            only: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// Discovery failed (MidoNet unreachable after retries, or an unreadable reply).
    #[error("discovering MidoNet failed: {0}")]
    Discover(#[from] ClientError),
}

/// Everything one planning round produced.
pub struct Prepared {
    pub snapshot: Snapshot,
    pub observed: Observed,
    pub allocations: Allocations,
    pub translation: Translation,
    pub plan: Plan,
}

/// Pure part of a round: from observed state and the view to a plan.
pub fn plan_against(
    view: &Gni,
    observed: &Observed,
    cfg: &ApplyConfig,
) -> (Allocations, Translation, Plan) {
    let recovered = recover::allocations(view, observed);
    let (alloc, mut skipped) = topology::allocate(view, recovered, &cfg.settings);
    let mut t = topology::desired(view, &alloc, &cfg.settings, recover::euca_version(observed));
    skipped.append(&mut t.skipped);
    t.skipped = skipped;
    let p = plan::plan(&t.topology, observed, cfg.only.as_ref());
    (alloc, t, p)
}

/// Discovers MidoNet and plans the view against it.
pub async fn prepare(
    view: &Gni,
    client: &MidonetClient,
    cfg: &ApplyConfig,
) -> Result<Prepared, ApplyError> {
    let snapshot = client.discover(&DiscoverFilter::default()).await?;
    let observed = observe::observed(&snapshot);
    let (allocations, translation, plan) = plan_against(view, &observed, cfg);
    Ok(Prepared {
        snapshot,
        observed,
        allocations,
        translation,
        plan,
    })
}

/// What an apply did.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub converged: bool,
    pub passes: u32,
    pub created: usize,
    pub updated: usize,
    pub deleted: usize,
    /// Steps that failed (last pass), as `step: error`.
    pub failed: Vec<String>,
    /// What could not be planned (no MidoNet host for a node, a public IP still held ...).
    pub unresolved: Vec<String>,
    /// What could not be translated (rtid space exhausted ...).
    pub skipped: Vec<String>,
    /// Client calls made by this apply.
    pub calls: ClientStats,
    /// Passes whose discovery succeeded.
    pub passes_discovered: u32,
    pub wall: Duration,
}

impl Report {
    pub fn writes(&self) -> usize {
        self.created + self.updated + self.deleted
    }
}

/// Runs a plan; returns the outcome with readable failures.
///
/// Once one step finds MidoNet unreachable (a transport error after every retry), the steps
/// not yet started fail at once with [`call::CallError::NotSent`] instead of each retrying
/// against a dead endpoint: without this, a MidoNet lost mid-pass cost every remaining
/// independent step its full retry budget (a cold build killed at a third kept retrying for
/// more than five minutes). The next pass re-discovers, and fails fast if MidoNet is still
/// gone.
pub async fn execute(
    client: &MidonetClient,
    snapshot: &Snapshot,
    plan: &Plan,
    max_in_flight: usize,
) -> schedule::Outcome<call::CallError> {
    let unreachable = std::sync::atomic::AtomicBool::new(false);
    let unreachable = &unreachable;
    schedule::execute(plan, max_in_flight, |i| async move {
        use std::sync::atomic::Ordering::Relaxed;
        if unreachable.load(Relaxed) {
            return Err(call::CallError::NotSent);
        }
        let r = call::run(client, snapshot, &plan.steps[i].op).await;
        if r.as_ref().is_err_and(call::CallError::is_unreachable) {
            unreachable.store(true, Relaxed);
        }
        r
    })
    .await
}

/// Applies the view until MidoNet matches it (or `max_passes` run out). A pass whose every
/// step succeeded is verified without I/O: the plan is replayed onto the observed state and
/// planned again, which must give nothing; only a failed pass re-discovers.
pub async fn apply(
    view: &Gni,
    client: &MidonetClient,
    cfg: &ApplyConfig,
) -> Result<Report, ApplyError> {
    let start = Instant::now();
    let before = client.stats();
    let mut r = Report::default();
    for pass in 1..=cfg.max_passes.max(1) {
        r.passes = pass;
        let p = match prepare(view, client, cfg).await {
            Ok(p) => p,
            // A MidoNet that answers but falters (5xx after the client's own retries) gets the
            // remaining passes, with a pause that grows each time. One that stopped answering
            // (connection errors) ends the apply at once: retrying would only hammer it.
            Err(ApplyError::Discover(e))
                if matches!(e, ClientError::Unavailable { .. })
                    && pass < cfg.max_passes
                    && r.passes_discovered > 0 =>
            {
                let pause = std::time::Duration::from_millis(200u64 << pass.min(4));
                tracing::warn!(pass, error = %e, "discovery failed; retrying in {pause:?}");
                actix_rt::time::sleep(pause).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        r.passes_discovered += 1;
        r.unresolved = p
            .plan
            .unresolved
            .iter()
            .map(|u| u.message.clone())
            .collect();
        r.skipped = p.translation.skipped.clone();
        if p.plan.is_empty() {
            r.converged = true;
            r.failed.clear();
            break;
        }
        let out = execute(client, &p.snapshot, &p.plan, cfg.max_in_flight).await;
        for (s, ok) in p.plan.steps.iter().zip(&out.succeeded) {
            if !ok {
                continue;
            }
            match s.op.action() {
                Action::Create => r.created += 1,
                Action::Update => r.updated += 1,
                Action::Delete => r.deleted += 1,
            }
        }
        r.failed = out
            .failed
            .iter()
            .map(|(i, e)| format!("{}: {e}", p.plan.steps[*i]))
            .collect();
        if out.ok() {
            let mut predicted = p.observed;
            let unapplied = replay::replay(&mut predicted, &p.plan);
            let (_, _, again) = plan_against(view, &predicted, cfg);
            if unapplied == 0 && again.is_empty() {
                r.converged = true;
                break;
            }
        }
    }
    r.calls = client.stats().since(&before);
    r.wall = start.elapsed();
    Ok(r)
}
