//! The actor that reconciles one scope: the core actor (eucart, eucabr, gateways, BGP,
//! metadata) and each VPC's supervisor are this one actor type, with a different [`Scope`].
//! The differences are data: a VPC's passes wait for [`CoreReady`], its discovery reads the
//! core devices plus its own names, and a VPC can be retired.
//!
//! Passes never interleave and requests coalesce: while a pass runs, every request only sets
//! `pending` (the mailbox stays free, so status is answered mid-pass), and one follow-up pass
//! runs when it ends — ten resyncs during a pass give one more pass, not ten. Failures back off
//! per scope (exponential, capped, reset on success) and drop the prediction, so the retry
//! re-reads this scope only; nothing here touches or waits for another VPC.
use super::messages::*;
use super::metrics;
use super::pass::{self, PassInput, PassOutput, Prediction};
use crate::midonet::client::MidonetClient;
use crate::topology::{Scope, Topology};
use actix::prelude::*;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tracing::Instrument;

/// Timing and concurrency of one scope's passes.
#[derive(Clone, Debug)]
pub struct ScopeConfig {
    /// Writes of one pass in flight at once (the client's shared cap still applies).
    pub max_in_flight: usize,
    /// First retry delay after a failed pass; doubled per failure up to `backoff_cap`.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Drift audit period (jittered ±25%; the director sweeps MidoNet once for every actor);
    /// `None` disables audits.
    pub audit_interval: Option<Duration>,
}

impl Default for ScopeConfig {
    fn default() -> Self {
        ScopeConfig {
            max_in_flight: 4,
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
            audit_interval: Some(Duration::from_secs(600)),
        }
    }
}

/// Failures in a row after which the state reads `failed` instead of `backing_off`.
const FAILED_AFTER: u32 = 5;

/// Backoff before retry number `failures` (1-based): base·2^(n−1), capped.
pub fn backoff(base: Duration, cap: Duration, failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(20);
    base.saturating_mul(1u32 << exp).min(cap)
}

/// What the director hands a new actor.
pub struct ScopeStart {
    pub scope: Scope,
    pub client: MidonetClient,
    pub cfg: ScopeConfig,
    pub director: Recipient<Report>,
    pub retired: Recipient<Retired>,
    pub version: Option<String>,
    pub full: Arc<Topology>,
    pub prediction: Option<Prediction>,
    pub core_ready: bool,
    pub retiring: bool,
    pub first: Option<Trigger>,
    pub restarts: u64,
}

pub struct ScopeActor {
    scope: Scope,
    client: MidonetClient,
    cfg: ScopeConfig,
    director: Recipient<Report>,
    retired: Recipient<Retired>,
    full: Arc<Topology>,
    /// Bumped whenever this scope's desired content changes; a pass applies the version
    /// only if the content it planned is still the current one.
    generation: u64,
    prediction: Option<Prediction>,
    core_ready: bool,
    retiring: bool,
    running: bool,
    pending: Option<Trigger>,
    pending_rediscover: bool,
    retry: Option<SpawnHandle>,
    status: ActorStatus,
}

impl ScopeActor {
    pub fn new(s: ScopeStart) -> Self {
        let mut status = ActorStatus::new(s.scope.clone());
        status.target_version = s.version;
        status.restarts = s.restarts;
        status.objects = s.full.part(&s.scope).map_or(0, |p| p.object_count());
        let mut a = ScopeActor {
            scope: s.scope,
            client: s.client,
            cfg: s.cfg,
            director: s.director,
            retired: s.retired,
            full: s.full,
            generation: 0,
            prediction: s.prediction,
            core_ready: s.core_ready,
            retiring: s.retiring,
            running: false,
            pending: s.first,
            pending_rediscover: false,
            retry: None,
            status,
        };
        if a.retiring {
            a.status.state = ScopeState::Deleting;
        }
        a
    }

    fn report(&self) {
        self.director.do_send(Report(self.status.clone()));
    }

    fn request(&mut self, trigger: Trigger, rediscover: bool, ctx: &mut Context<Self>) {
        self.pending_rediscover |= rediscover;
        // Keep the first reason: it is what the follow-up pass is for.
        self.pending.get_or_insert(trigger);
        if trigger != Trigger::Retry {
            if let Some(h) = self.retry.take() {
                ctx.cancel_future(h);
                self.status.backoff_seconds = None;
            }
        }
        self.maybe_start(ctx);
    }

    fn maybe_start(&mut self, ctx: &mut Context<Self>) {
        if self.running {
            return;
        }
        let Some(trigger) = self.pending else { return };
        if matches!(self.scope, Scope::Vpc(_)) && !self.core_ready {
            if self.status.state != ScopeState::WaitingCore {
                self.status.state = ScopeState::WaitingCore;
                self.report();
            }
            return;
        }
        self.pending = None;
        let rediscover = std::mem::take(&mut self.pending_rediscover);
        let prediction = if rediscover {
            None
        } else {
            self.prediction.take()
        };
        self.running = true;
        self.status.state = if self.retiring {
            ScopeState::Deleting
        } else {
            ScopeState::Applying
        };
        self.report();
        let generation = self.generation;
        let span = tracing::info_span!("pass", scope = %self.scope, trigger = trigger.label());
        let input = PassInput {
            scope: self.scope.clone(),
            client: self.client.clone(),
            full: self.full.clone(),
            prediction,
            max_in_flight: self.cfg.max_in_flight,
        };
        let fut = pass::run(input).instrument(span.clone());
        ctx.spawn(fut.into_actor(self).map(move |out, act, ctx| {
            let _e = span.enter();
            act.finish(out, trigger, generation, ctx);
        }));
    }

    fn finish(
        &mut self,
        out: PassOutput,
        trigger: Trigger,
        generation: u64,
        ctx: &mut Context<Self>,
    ) {
        self.running = false;
        let ok = out.ok();
        let st = &mut self.status;
        st.passes += 1;
        st.last_pass_at = Some(SystemTime::now());
        st.last_pass_seconds = Some(out.elapsed.as_secs_f64());
        st.last_trigger = Some(trigger);
        let outcome = match (ok, out.writes()) {
            (true, 0) => "noop",
            (true, _) => "ok",
            (false, _) => "failed",
        };
        metrics::pass(&self.scope, trigger, outcome, out.elapsed.as_secs_f64());
        if trigger == Trigger::Audit && out.discovered && out.planned_after_discovery > 0 {
            st.drift += out.planned_after_discovery as u64;
            metrics::counter_drift(&self.scope, out.planned_after_discovery);
            tracing::warn!(
                writes = out.planned_after_discovery,
                "drift: MidoNet differed from the prediction"
            );
        }
        let (c, u, d) = out.planned;
        let writes = out.writes();
        if ok {
            self.prediction = out.prediction;
            st.failures = 0;
            st.last_error = None;
            st.backoff_seconds = None;
            st.unresolved = out.unresolved.clone();
            st.state = ScopeState::Converged;
            if generation == self.generation {
                st.applied_version = st.target_version.clone();
            }
            if !st.unresolved.is_empty() {
                tracing::warn!(unresolved = st.unresolved.len(), first = %st.unresolved[0], "pass left items unresolved (they do not block the applied version)");
            }
            let level_info = writes > 0 || out.discovered;
            if level_info {
                tracing::info!(
                    created = c,
                    updated = u,
                    deleted = d,
                    rediscovered = out.discovered,
                    ms = out.elapsed.as_millis() as u64,
                    "pass done"
                );
            } else {
                tracing::debug!(ms = out.elapsed.as_micros() as u64, "pass: nothing to do");
            }
        } else {
            self.prediction = None;
            st.failures += 1;
            let wait = backoff(self.cfg.backoff_base, self.cfg.backoff_cap, st.failures);
            st.last_error = Some(match &out.discover_error {
                Some(e) => e.clone(),
                None => format!(
                    "{} of {} writes failed ({} skipped); first: {}",
                    out.failed.len(),
                    out.writes(),
                    out.skipped,
                    out.failed.first().map(String::as_str).unwrap_or("-")
                ),
            });
            st.backoff_seconds = Some(wait.as_secs_f64());
            st.state = if st.failures >= FAILED_AFTER {
                ScopeState::Failed
            } else {
                ScopeState::BackingOff
            };
            tracing::warn!(
                failures = st.failures,
                retry_in_s = wait.as_secs_f64(),
                error = st.last_error.as_deref().unwrap_or(""),
                "pass failed; retrying this scope only after the backoff"
            );
            for f in out.failed.iter().take(10) {
                tracing::warn!(step = %f, "write failed");
            }
            self.retry = Some(ctx.run_later(wait, |a, ctx| {
                a.retry = None;
                a.status.backoff_seconds = None;
                a.request(Trigger::Retry, true, ctx);
            }));
        }
        if self.retiring && ok && generation == self.generation {
            tracing::info!("VPC objects deleted; supervisor stops");
            self.report();
            self.retired.do_send(Retired {
                scope: self.scope.clone(),
            });
            ctx.stop();
            return;
        }
        self.report();
        self.maybe_start(ctx);
    }
}

impl Actor for ScopeActor {
    type Context = Context<Self>;
    fn started(&mut self, ctx: &mut Context<Self>) {
        // Thousands of VPC actors share the client; a deep mailbox is fine.
        ctx.set_mailbox_capacity(1024);
        self.report();
        self.maybe_start(ctx);
    }
}

impl Handler<Desired> for ScopeActor {
    type Result = ();
    fn handle(&mut self, m: Desired, ctx: &mut Context<Self>) {
        self.full = m.full;
        self.status.target_version = Some(m.version);
        self.status.objects = self.full.part(&self.scope).map_or(0, |p| p.object_count());
        if m.changed {
            self.generation += 1;
            self.request(Trigger::ViewChanged, false, ctx);
        } else if !self.running
            && self.pending.is_none()
            && self.status.failures == 0
            && self.status.applied_version.is_some()
        {
            // Same content, already written: the new version is applied as it stands.
            self.status.applied_version = self.status.target_version.clone();
            self.report();
        }
    }
}

impl Handler<Resync> for ScopeActor {
    type Result = ();
    fn handle(&mut self, m: Resync, ctx: &mut Context<Self>) {
        self.request(m.trigger, true, ctx);
    }
}

impl Handler<Observe> for ScopeActor {
    type Result = ();
    fn handle(&mut self, m: Observe, ctx: &mut Context<Self>) {
        let busy = self.running || self.pending.is_some() || self.retry.is_some();
        match (busy, m.trigger) {
            // Low priority: real work first; the next sweep comes.
            (true, Trigger::Audit) => {}
            (true, t) => self.request(t, true, ctx),
            (false, t) => {
                self.prediction = Some(m.prediction);
                self.pending_rediscover = false;
                self.request(t, false, ctx);
            }
        }
    }
}

impl Handler<CoreReady> for ScopeActor {
    type Result = ();
    fn handle(&mut self, _: CoreReady, ctx: &mut Context<Self>) {
        self.core_ready = true;
        self.maybe_start(ctx);
    }
}

impl Handler<Retire> for ScopeActor {
    type Result = ();
    fn handle(&mut self, m: Retire, ctx: &mut Context<Self>) {
        self.retiring = true;
        self.full = m.full;
        self.status.target_version = Some(m.version);
        self.status.objects = 0;
        self.generation += 1;
        self.status.state = ScopeState::Deleting;
        self.request(Trigger::ViewChanged, false, ctx);
    }
}

impl Handler<Abort> for ScopeActor {
    type Result = ();
    fn handle(&mut self, _: Abort, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}

impl Handler<GetActorStatus> for ScopeActor {
    type Result = MessageResult<GetActorStatus>;
    fn handle(&mut self, _: GetActorStatus, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.status.clone())
    }
}

impl Handler<GetPassCounts> for ScopeActor {
    type Result = MessageResult<GetPassCounts>;
    fn handle(&mut self, _: GetPassCounts, _: &mut Context<Self>) -> Self::Result {
        MessageResult(PassCounts {
            passes: self.status.passes,
            running: self.running,
            pending: self.pending.is_some(),
        })
    }
}
