//! The daemon's status document (`GET /status`, `vpcmido status`).
use super::guard::Hold;
use super::messages::ActorStatus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything `/status` reports. Field names are stable (scripts read them).
#[derive(Clone, Debug, Serialize, Deserialize, Default)]
pub struct DaemonStatus {
    /// The view file watched.
    pub view_path: String,
    /// The newest valid view version read.
    pub loaded_version: Option<String>,
    /// The version the actors are converging to (held views are not accepted).
    pub accepted_version: Option<String>,
    /// The version last written to the applied-version file.
    pub applied_version: Option<String>,
    /// Why the last view read could not be used (nothing was changed because of it).
    pub view_error: Option<String>,
    /// The startup discovery's error, while it is being retried.
    pub startup_error: Option<String>,
    /// Parts of the view that could not be translated (rtid space exhausted …).
    pub skipped: Vec<String>,
    /// A view held by the mass-delete guard.
    pub held: Option<HeldStatus>,
    /// Core applied at least once, and a view loaded.
    pub ready: bool,
    pub core: Option<ScopeStatus>,
    /// VPC supervisors by state.
    pub vpc_states: BTreeMap<String, usize>,
    /// Every VPC, by id.
    pub vpcs: Vec<ScopeStatus>,
    /// The VPCs with the most failures in a row (up to 10).
    pub top_failing: Vec<ScopeStatus>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HeldStatus {
    pub version: String,
    pub deletes: usize,
    pub owned: usize,
    pub reason: String,
}

impl HeldStatus {
    pub fn new(version: &str, h: &Hold) -> Self {
        HeldStatus {
            version: version.to_string(),
            deletes: h.deletes,
            owned: h.owned,
            reason: h.reason.clone(),
        }
    }
}

/// One scope, as `/status` shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScopeStatus {
    pub scope: String,
    pub state: String,
    pub applied_version: Option<String>,
    pub target_version: Option<String>,
    /// Seconds since the epoch.
    pub last_pass_at: Option<f64>,
    pub last_pass_seconds: Option<f64>,
    pub last_trigger: Option<String>,
    pub last_error: Option<String>,
    pub failures: u32,
    pub backoff_seconds: Option<f64>,
    pub objects: usize,
    pub passes: u64,
    pub unresolved: usize,
    pub drift: u64,
    pub restarts: u64,
}

impl From<&ActorStatus> for ScopeStatus {
    fn from(a: &ActorStatus) -> Self {
        ScopeStatus {
            scope: a.scope.to_string(),
            state: a.state.label().to_string(),
            applied_version: a.applied_version.clone(),
            target_version: a.target_version.clone(),
            last_pass_at: a
                .last_pass_at
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs_f64()),
            last_pass_seconds: a.last_pass_seconds,
            last_trigger: a.last_trigger.map(|t| t.label().to_string()),
            last_error: a.last_error.clone(),
            failures: a.failures,
            backoff_seconds: a.backoff_seconds,
            objects: a.objects,
            passes: a.passes,
            unresolved: a.unresolved.len(),
            drift: a.drift,
            restarts: a.restarts,
        }
    }
}
