//! The messages actors exchange, and the status values they report. Nouns only; behaviour
//! lives in the actors.
use crate::topology::{Scope, Topology};
use actix::prelude::*;
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Why a pass runs (the `trigger` metric label and the pass span field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The first pass after the daemon (or the actor) started.
    Startup,
    /// The accepted view changed this scope's part.
    ViewChanged,
    /// `POST /resync`, `vpcmido resync`, SIGUSR1.
    Admin,
    /// The periodic drift audit.
    Audit,
    /// A backoff expired after a failed pass.
    Retry,
    /// The actor was found dead and started again.
    Respawn,
}

impl Trigger {
    pub fn label(self) -> &'static str {
        match self {
            Trigger::Startup => "startup",
            Trigger::ViewChanged => "view_changed",
            Trigger::Admin => "admin",
            Trigger::Audit => "audit",
            Trigger::Retry => "retry",
            Trigger::Respawn => "respawn",
        }
    }
}

/// What a scope's actor is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeState {
    /// A VPC waiting for the core to be applied once (its objects hang off eucart/eucabr).
    WaitingCore,
    /// A pass is running.
    Applying,
    /// The last pass wrote everything it planned; nothing pending.
    Converged,
    /// The last pass failed; retry scheduled.
    BackingOff,
    /// Five or more passes in a row failed (retries go on at the capped backoff).
    Failed,
    /// The VPC left the view; its objects are being deleted.
    Deleting,
}

impl ScopeState {
    pub fn label(self) -> &'static str {
        match self {
            ScopeState::WaitingCore => "waiting_core",
            ScopeState::Applying => "applying",
            ScopeState::Converged => "converged",
            ScopeState::BackingOff => "backing_off",
            ScopeState::Failed => "failed",
            ScopeState::Deleting => "deleting",
        }
    }
    pub const ALL: [ScopeState; 6] = [
        ScopeState::WaitingCore,
        ScopeState::Applying,
        ScopeState::Converged,
        ScopeState::BackingOff,
        ScopeState::Failed,
        ScopeState::Deleting,
    ];
}

/// One scope's status, pushed to the director on every change and answered on request.
#[derive(Clone, Debug, Serialize)]
pub struct ActorStatus {
    #[serde(serialize_with = "scope_str")]
    pub scope: Scope,
    pub state: ScopeState,
    /// The newest view version whose content for this scope is fully written.
    pub applied_version: Option<String>,
    /// The newest view version this actor was given.
    pub target_version: Option<String>,
    #[serde(serialize_with = "time_opt")]
    pub last_pass_at: Option<SystemTime>,
    pub last_pass_seconds: Option<f64>,
    pub last_trigger: Option<Trigger>,
    pub last_error: Option<String>,
    /// Failed passes in a row (0 after a success).
    pub failures: u32,
    /// Seconds until the scheduled retry, when backing off.
    pub backoff_seconds: Option<f64>,
    /// Objects the view wants in this scope.
    pub objects: usize,
    /// Passes run by this actor.
    pub passes: u64,
    /// Planned writes that could not be planned (no host for a binding …); never block.
    pub unresolved: Vec<String>,
    /// Writes found by drift audits.
    pub drift: u64,
    /// Times this scope's actor was respawned (set by the director).
    pub restarts: u64,
}

fn scope_str<S: serde::Serializer>(s: &Scope, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(&s.to_string())
}

fn time_opt<S: serde::Serializer>(t: &Option<SystemTime>, ser: S) -> Result<S::Ok, S::Error> {
    match t.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok()) {
        Some(d) => ser.serialize_some(&d.as_secs_f64()),
        None => ser.serialize_none(),
    }
}

impl ActorStatus {
    pub fn new(scope: Scope) -> Self {
        ActorStatus {
            scope,
            state: ScopeState::Converged,
            applied_version: None,
            target_version: None,
            last_pass_at: None,
            last_pass_seconds: None,
            last_trigger: None,
            last_error: None,
            failures: 0,
            backoff_seconds: None,
            objects: 0,
            passes: 0,
            unresolved: Vec::new(),
            drift: 0,
            restarts: 0,
        }
    }
}

// ---- to a scope actor ----------------------------------------------------------------------

/// A new accepted view. `changed`: this scope's part differs from the one the actor has (when
/// false only the version moves on, and a converged actor counts it applied without a pass).
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub struct Desired {
    pub version: String,
    pub full: Arc<Topology>,
    pub changed: bool,
}

/// Re-read this scope from MidoNet and reconcile (admin resync).
#[derive(Message, Clone, Copy)]
#[rtype(result = "()")]
pub struct Resync {
    pub trigger: Trigger,
}

/// A fresh slice of MidoNet from a director sweep (full resync, drift audit): plan against it.
/// A busy actor re-reads its own scope instead (admin) or skips it (audit).
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub struct Observe {
    pub prediction: super::pass::Prediction,
    pub trigger: Trigger,
}

/// The core has been applied: VPC passes may run.
#[derive(Message, Clone, Copy)]
#[rtype(result = "()")]
pub struct CoreReady;

/// The VPC left the view: delete its objects, report [`Retired`], stop.
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub struct Retire {
    pub version: String,
    pub full: Arc<Topology>,
}

/// Stop now, without finishing (tests; the director treats it like a crash).
#[derive(Message, Clone, Copy)]
#[rtype(result = "()")]
pub struct Abort;

/// This actor's status.
#[derive(Message, Clone, Copy)]
#[rtype(result = "ActorStatus")]
pub struct GetActorStatus;

/// Passes run so far and whether one is running (tests, shutdown).
#[derive(Message, Clone, Copy)]
#[rtype(result = "PassCounts")]
pub struct GetPassCounts;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PassCounts {
    pub passes: u64,
    pub running: bool,
    pub pending: bool,
}

// ---- to the director -----------------------------------------------------------------------

/// An actor's status changed.
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub struct Report(pub ActorStatus);

/// A retiring VPC's objects are gone.
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub struct Retired {
    pub scope: Scope,
}

/// Check the view file now; `force` re-reads and re-applies even an unchanged version
/// (SIGHUP).
#[derive(Message, Clone, Copy)]
#[rtype(result = "()")]
pub struct CheckView {
    pub force: bool,
}

/// Resync every scope (`vpcmido resync`, SIGUSR1).
#[derive(Message, Clone, Copy)]
#[rtype(result = "usize")]
pub struct ResyncAll;

/// Resync one VPC; `false` when the daemon has no such VPC.
#[derive(Message, Clone)]
#[rtype(result = "bool")]
pub struct ResyncVpc(pub String);

/// Release a view held by the mass-delete guard; the held version, or `None` if nothing was
/// held.
#[derive(Message, Clone, Copy)]
#[rtype(result = "Option<String>")]
pub struct Confirm;

/// The daemon's status (`GET /status`).
#[derive(Message, Clone, Copy)]
#[rtype(result = "super::status::DaemonStatus")]
pub struct GetStatus;

/// Log the whole state at INFO (SIGUSR2).
#[derive(Message, Clone, Copy)]
#[rtype(result = "()")]
pub struct DumpState;

/// Stop triggering passes; answers once no pass is running (or `timeout` passed), with the
/// number of passes still running then.
#[derive(Message, Clone, Copy)]
#[rtype(result = "usize")]
pub struct Drain {
    pub timeout: Duration,
}

/// Test hook: the address of a scope's actor.
#[derive(Message, Clone)]
#[rtype(result = "Option<Addr<super::scope::ScopeActor>>")]
pub struct ActorOf(pub Scope);
