//! One reconcile pass of one scope, as a plain async function (no actor state), so the actor
//! only decides *when* to run it and what to keep from it.
//!
//! A pass: take the predicted slice (what the last successful pass left, replayed in memory)
//! or re-discover the scope; plan the scope's topology against it; execute; on full success
//! replay the plan onto the slice, which becomes the next prediction. A no-change pass on a
//! prediction therefore costs zero MidoNet calls.
//!
//! Updates (PUT is full replacement) need the observed DTO. The actor keeps the snapshot of
//! its last discovery; an object created since is not in it, so a plan with any update that
//! was made against a prediction re-discovers the scope first (updates are rare: filter or
//! DHCP option changes).
use crate::apply;
use crate::midonet::client::stats::ClientStats;
use crate::midonet::client::MidonetClient;
use crate::midonet::observe;
use crate::midonet::snapshot::{DiscoverFilter, Snapshot};
use crate::plan::partition::{partition, scope_topology};
use crate::plan::{self, replay, Action, Observed, Plan};
use crate::topology::{Scope, Topology};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a pass works from.
pub struct PassInput {
    pub scope: Scope,
    pub client: MidonetClient,
    /// The whole accepted view's topology (attribution of observed objects needs all of it).
    pub full: Arc<Topology>,
    /// The last prediction and the snapshot its DTOs come from; `None` re-discovers.
    pub prediction: Option<Prediction>,
    pub max_in_flight: usize,
}

/// An actor's belief about MidoNet: its slice, and the DTOs of its last discovery.
#[derive(Clone)]
pub struct Prediction {
    pub slice: Observed,
    pub snapshot: Arc<Snapshot>,
    /// Just read from MidoNet (a director sweep or start-up), not replayed: planning against
    /// it is as good as a discovery (drift counts, updates may use its DTOs).
    pub fresh: bool,
}

/// What a pass did.
pub struct PassOutput {
    /// Planned writes (creates, updates, deletes).
    pub planned: (usize, usize, usize),
    /// Failed steps as `step: error`, and steps skipped because a dependency failed.
    pub failed: Vec<String>,
    pub skipped: usize,
    pub unresolved: Vec<String>,
    /// Discovery failed (nothing was written).
    pub discover_error: Option<String>,
    /// The new prediction (full success), else `None` (re-discover next time).
    pub prediction: Option<Prediction>,
    /// Whether this pass read MidoNet.
    pub discovered: bool,
    /// Writes planned against a fresh discovery (what an audit calls drift).
    pub planned_after_discovery: usize,
    /// Client calls during the pass, client-wide: concurrent passes of other scopes count too.
    pub calls: ClientStats,
    pub elapsed: Duration,
    pub plan: Plan,
}

impl PassOutput {
    pub fn ok(&self) -> bool {
        self.discover_error.is_none() && self.failed.is_empty() && self.skipped == 0
    }
    pub fn writes(&self) -> usize {
        self.planned.0 + self.planned.1 + self.planned.2
    }
}

/// Names whose children a scoped discovery fetches: every named object the scope wants or
/// holds, and anything carrying the VPC id (leftovers such as a deleted subnet's bridge).
fn scope_names(scope: &Scope, full: &Topology, slice: Option<&Observed>) -> HashSet<String> {
    let mut names = HashSet::new();
    let part = full.part(scope);
    if let Some(p) = part {
        names.extend(p.routers.iter().map(|x| x.name.clone()));
        names.extend(p.bridges.iter().map(|x| x.name.clone()));
        names.extend(p.chains.iter().map(|x| x.name.clone()));
        names.extend(p.ip_addr_groups.iter().map(|x| x.name.clone()));
        names.extend(p.port_groups.iter().map(|x| x.name.clone()));
    }
    if let Some(o) = slice {
        names.extend(o.routers.iter().map(|x| x.name.clone()));
        names.extend(o.bridges.iter().map(|x| x.name.clone()));
        names.extend(o.chains.iter().map(|x| x.name.clone()));
        names.extend(o.ip_addr_groups.iter().map(|x| x.name.clone()));
        names.extend(o.port_groups.iter().map(|x| x.name.clone()));
    }
    names
}

/// The discovery filter of a scope. A VPC reads the core devices plus its own names. The
/// core reads everything: what is left over in MidoNet (and so the core's to delete) can
/// only be told apart from a VPC's objects through links to objects of every VPC (ports,
/// peers, chains in use), so a narrower read would misattribute VPC objects to the core.
pub fn scope_filter(scope: &Scope, full: &Topology, slice: Option<&Observed>) -> DiscoverFilter {
    if *scope == Scope::Core {
        return DiscoverFilter::default();
    }
    let names = scope_names(scope, full, slice);
    let vpc = match scope {
        Scope::Vpc(v) => Some(v.clone()),
        Scope::Core => None,
    };
    DiscoverFilter::core_and(move |_, n| {
        names.contains(n) || vpc.as_deref().is_some_and(|v| n.contains(v))
    })
}

/// Discovers one scope and returns its slice.
pub async fn discover_scope(
    client: &MidonetClient,
    scope: &Scope,
    full: &Topology,
    previous: Option<&Observed>,
) -> Result<Prediction, String> {
    let snapshot = client
        .discover(&scope_filter(scope, full, previous))
        .await
        .map_err(|e| format!("discovering {scope}: {e}"))?;
    let observed = observe::observed(&snapshot);
    let hosts = observed.hosts.clone();
    let slice = partition(full, &observed)
        .remove(scope)
        .unwrap_or_else(|| Observed {
            hosts,
            ..Observed::default()
        });
    Ok(Prediction {
        slice,
        snapshot: Arc::new(snapshot),
        fresh: true,
    })
}

fn has_update(p: &Plan) -> bool {
    p.steps.iter().any(|s| s.op.action() == Action::Update)
}

/// Runs one pass.
pub async fn run(input: PassInput) -> PassOutput {
    let start = Instant::now();
    let before = input.client.stats();
    let local = Arc::new(scope_topology(&input.full, &input.scope));
    let mut out = PassOutput {
        planned: (0, 0, 0),
        failed: Vec::new(),
        skipped: 0,
        unresolved: Vec::new(),
        discover_error: None,
        prediction: None,
        discovered: false,
        planned_after_discovery: 0,
        calls: ClientStats::default(),
        elapsed: Duration::ZERO,
        plan: Plan::default(),
    };
    let previous_slice = input.prediction.as_ref().map(|p| p.slice.clone());
    let mut pred = input.prediction;
    let mut plan = Plan::default();
    for _ in 0..2 {
        let p = match pred.take() {
            Some(p) => {
                out.discovered |= p.fresh;
                p
            }
            None => {
                out.discovered = true;
                match discover_scope(
                    &input.client,
                    &input.scope,
                    &input.full,
                    previous_slice.as_ref(),
                )
                .await
                {
                    Ok(p) => p,
                    Err(e) => {
                        out.discover_error = Some(e);
                        out.calls = input.client.stats().since(&before);
                        out.elapsed = start.elapsed();
                        return out;
                    }
                }
            }
        };
        // Planning is pure CPU (tens of ms for a large VPC): on the blocking pool, so the actor
        // thread keeps answering (status, other actors) and planning uses every core. A panic
        // in the planner fails this pass instead of killing the actor.
        let (l, sc) = (local.clone(), input.scope.clone());
        let planned = tokio::task::spawn_blocking(move || {
            let plan = plan::plan(&l, &p.slice, Some(&sc));
            (plan, p)
        })
        .await;
        let p = match planned {
            Ok((pl, p)) => {
                plan = pl;
                p
            }
            Err(e) => {
                out.discover_error = Some(format!("planning {} failed: {e}", input.scope));
                out.elapsed = start.elapsed();
                return out;
            }
        };
        if !out.discovered && has_update(&plan) {
            // The update's DTO may postdate the kept snapshot: read the scope again.
            continue;
        }
        pred = Some(p);
        break;
    }
    let Some(mut p) = pred else {
        // Unreachable in practice (the second round always discovers); be safe.
        out.discover_error = Some("no observation to plan against".into());
        out.elapsed = start.elapsed();
        return out;
    };
    out.planned = plan.counts();
    if out.discovered {
        out.planned_after_discovery = plan.len();
    }
    out.unresolved = plan.unresolved.iter().map(|u| u.message.clone()).collect();
    super::metrics::planned(&plan);
    if !plan.is_empty() {
        let o = apply::execute(&input.client, &p.snapshot, &plan, input.max_in_flight).await;
        out.failed = o
            .failed
            .iter()
            .map(|(i, e)| format!("{}: {e}", plan.steps[*i]))
            .collect();
        out.skipped = o.skipped;
        if o.ok() {
            replay::replay(&mut p.slice, &plan);
            p.fresh = false;
            out.prediction = Some(p);
        }
    } else {
        p.fresh = false;
        out.prediction = Some(p);
    }
    out.plan = plan;
    out.calls = input.client.stats().since(&before);
    out.elapsed = start.elapsed();
    out
}
