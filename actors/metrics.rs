//! Metric names of the daemon (one place; dashboards are built on these names) and the
//! recording helpers. Conventions: base units (seconds), `_total` on counters, explicit
//! histogram buckets ([`PASS_DURATION_BUCKETS`]), bounded labels only:
//! `scope` is `core` or `vpc` (never a VPC id), `trigger` is a [`Trigger`] label, `outcome`
//! is `ok`, `failed` or `noop`, `state` is a VPC state label, `kind`/`action` come from plan
//! ops (`router`, `rule` …; `create`/`update`/`delete`), `reason` is a view-error label.
//!
//! No exporter lives here: `vpcmido run` installs the Prometheus recorder and
//! [`install_exporter`] sets the buckets.
use super::messages::Trigger;
use crate::topology::Scope;
use metrics::Unit;

/// Gauge (seconds since the epoch): when the view version now loaded was first read. Versions
/// themselves are in `/status`, not in labels (a new version per change would grow series).
pub const VIEW_LOADED_TIMESTAMP: &str = "vpcmido_view_loaded_timestamp_seconds";
/// Gauge (seconds since the epoch): when the applied-version file was last written.
pub const VIEW_APPLIED_TIMESTAMP: &str = "vpcmido_view_applied_timestamp_seconds";
/// Gauge (seconds): loaded-but-not-applied lag; 0 when the applied version is the loaded one.
pub const VIEW_APPLY_LAG: &str = "vpcmido_view_apply_lag_seconds";
/// Counter: views that could not be used (label `reason`: `read`, `syntax`, `invalid`).
pub const VIEW_ERRORS_TOTAL: &str = "vpcmido_view_errors_total";
/// Gauge: 1 while the last view read was invalid (nothing was changed because of it).
pub const VIEW_INVALID: &str = "vpcmido_view_invalid";
/// Counter: reconcile passes (labels `scope`, `trigger`, `outcome`).
pub const PASSES_TOTAL: &str = "vpcmido_reconcile_passes_total";
/// Histogram (seconds): one reconcile pass, discovery (if any) to last write (label `scope`).
pub const PASS_DURATION_SECONDS: &str = "vpcmido_reconcile_pass_duration_seconds";
/// Gauge: VPC supervisors by state (label `state`: converged, applying, backing_off,
/// waiting_core, deleting).
pub const VPCS: &str = "vpcmido_vpcs";
/// Gauge: objects the accepted view wants, by `kind` (routers, bridges, ports, routes,
/// chains_and_rules, groups_and_members, dhcp, table_entries, bgp).
pub const OWNED_OBJECTS: &str = "vpcmido_owned_objects";
/// Counter: planned writes by `kind` and `action`.
pub const PLANNED_OPS_TOTAL: &str = "vpcmido_planned_ops_total";
/// Counter: writes found necessary by a drift audit (MidoNet changed behind vpcmido's back),
/// label `scope`.
pub const DRIFT_TOTAL: &str = "vpcmido_drift_ops_total";
/// Counter: actors found dead and started again (label `scope`).
pub const ACTOR_RESTARTS_TOTAL: &str = "vpcmido_actor_restarts_total";
/// Counter: views held by the mass-delete guard.
pub const GUARD_HOLDS_TOTAL: &str = "vpcmido_guard_holds_total";
/// Gauge: 1 while a view is held by the mass-delete guard.
pub const GUARD_HELD: &str = "vpcmido_guard_held";
/// Counter: applied-version file writes.
pub const HANDSHAKE_WRITES_TOTAL: &str = "vpcmido_applied_version_writes_total";

/// Buckets (seconds) for pass durations: a no-change pass takes microseconds, a cold VPC of
/// hundreds of ENIs takes tens of seconds behind MidoNet's write lock.
pub const PASS_DURATION_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// The bounded `scope` label.
pub fn scope_label(s: &Scope) -> &'static str {
    match s {
        Scope::Core => "core",
        Scope::Vpc(_) => "vpc",
    }
}

/// Registers HELP text and units (call once, after the recorder is installed).
pub fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_gauge!(
        VIEW_LOADED_TIMESTAMP,
        Unit::Seconds,
        "When the view version now loaded was first read (seconds since the epoch)"
    );
    describe_gauge!(
        VIEW_APPLIED_TIMESTAMP,
        Unit::Seconds,
        "When the applied-version file was last written (seconds since the epoch)"
    );
    describe_gauge!(
        VIEW_APPLY_LAG,
        Unit::Seconds,
        "Seconds the loaded view version has been waiting to be fully applied (0 when applied)"
    );
    describe_counter!(
        VIEW_ERRORS_TOTAL,
        Unit::Count,
        "View files that could not be used (nothing changed because of them), by reason"
    );
    describe_gauge!(
        VIEW_INVALID,
        Unit::Count,
        "1 while the last view read is invalid"
    );
    describe_counter!(
        PASSES_TOTAL,
        Unit::Count,
        "Reconcile passes, by scope (core/vpc), trigger and outcome (ok/failed/noop)"
    );
    describe_histogram!(
        PASS_DURATION_SECONDS,
        Unit::Seconds,
        "Duration of one reconcile pass, by scope"
    );
    describe_gauge!(VPCS, Unit::Count, "VPC supervisors by state");
    describe_gauge!(
        OWNED_OBJECTS,
        Unit::Count,
        "MidoNet objects the accepted view wants, by kind"
    );
    describe_counter!(
        PLANNED_OPS_TOTAL,
        Unit::Count,
        "Planned MidoNet writes, by object kind and action"
    );
    describe_counter!(
        DRIFT_TOTAL,
        Unit::Count,
        "Writes a drift audit found necessary (MidoNet differed from the prediction), by scope"
    );
    describe_counter!(
        ACTOR_RESTARTS_TOTAL,
        Unit::Count,
        "Actors found dead and started again, by scope"
    );
    describe_counter!(
        GUARD_HOLDS_TOTAL,
        Unit::Count,
        "Views held by the mass-delete guard until confirmed"
    );
    describe_gauge!(
        GUARD_HELD,
        Unit::Count,
        "1 while a view is held by the mass-delete guard"
    );
    describe_counter!(
        HANDSHAKE_WRITES_TOTAL,
        Unit::Count,
        "Writes of the applied-version file"
    );
}

/// Records one finished pass.
pub fn pass(scope: &Scope, trigger: Trigger, outcome: &'static str, seconds: f64) {
    let s = scope_label(scope);
    metrics::counter!(PASSES_TOTAL, "scope" => s, "trigger" => trigger.label(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!(PASS_DURATION_SECONDS, "scope" => s).record(seconds);
}

/// Records the planned writes of a pass.
pub fn planned(plan: &crate::plan::Plan) {
    for s in &plan.steps {
        metrics::counter!(PLANNED_OPS_TOTAL, "kind" => s.op.kind(), "action" => s.op.action().as_str())
            .increment(1);
    }
}

/// Installs the Prometheus recorder with this crate's histogram buckets (daemon's and
/// client's) and registers HELP text. Returns the handle `/metrics` renders.
pub fn install_exporter(
) -> Result<metrics_exporter_prometheus::PrometheusHandle, metrics_exporter_prometheus::BuildError>
{
    use crate::midonet::client::metrics as cm;
    use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
    let h = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(PASS_DURATION_SECONDS.into()),
            PASS_DURATION_BUCKETS,
        )?
        .set_buckets(cm::DURATION_BUCKETS)?
        .install_recorder()?;
    describe();
    cm::describe();
    Ok(h)
}

/// Records writes found by a drift audit.
pub fn counter_drift(scope: &Scope, writes: usize) {
    metrics::counter!(DRIFT_TOTAL, "scope" => scope_label(scope)).increment(writes as u64);
}
