//! Applies host operations in order through `ip`, idempotently: an operation whose effect is
//! already there (a namespace that exists, a link that is gone) counts as done. The first real
//! failure stops the run — later operations depend on earlier ones — and the next pass
//! re-observes and plans again.
//!
//! Also the entry points that combine observe, plan and apply: [`converge`] and
//! [`cleanup_all`]. All of this is blocking (it runs `ip`); an async caller runs it on a
//! blocking thread (`tokio::task::spawn_blocking`).
use super::diff::{plan, plan_cleanup, HostPlan};
use super::model::HostState;
use super::names::Prefix;
use super::observe::{observe, IpRunner};
use super::ops::HostOp;
use super::HostError;

/// What an apply did, in figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Operations that changed the host.
    pub applied: usize,
    /// Operations whose effect was already there.
    pub already_done: usize,
}

/// Runs `ops` in order.
pub fn apply(runner: &dyn IpRunner, ops: &[HostOp]) -> Result<ApplyReport, HostError> {
    let mut report = ApplyReport::default();
    for op in ops {
        let out = runner.ip(&op.argv())?;
        if out.success {
            report.applied += 1;
            tracing::info!(command = %op, "host plumbing changed");
        } else if op.already_done(&out.stderr) {
            report.already_done += 1;
            tracing::debug!(command = %op, stderr = %out.stderr, "already done");
        } else {
            return Err(HostError::Op {
                command: op.to_string(),
                stderr: out.stderr,
                applied: report.applied,
            });
        }
    }
    Ok(report)
}

/// Observes, plans and (unless `dry_run`) applies. Returns the plan and what was done.
pub fn converge(
    runner: &dyn IpRunner,
    desired: &HostState,
    prefix: &Prefix,
    dry_run: bool,
) -> Result<(HostPlan, ApplyReport), HostError> {
    let observed = observe(runner, prefix)?;
    let p = plan(desired, &observed, prefix);
    for c in &p.conflicts {
        tracing::warn!(conflict = %c, "host plumbing blocked by a foreign object");
    }
    let report = if dry_run {
        ApplyReport::default()
    } else {
        apply(runner, &p.ops)?
    };
    Ok((p, report))
}

/// Removes every host object with the prefix (`flush --all`): our links, then our namespaces.
pub fn cleanup_all(
    runner: &dyn IpRunner,
    prefix: &Prefix,
    dry_run: bool,
) -> Result<(HostPlan, ApplyReport), HostError> {
    let observed = observe(runner, prefix)?;
    let p = plan_cleanup(&observed);
    let report = if dry_run {
        ApplyReport::default()
    } else {
        apply(runner, &p.ops)?
    };
    Ok((p, report))
}
