//! Metric names of the MidoNet client (one place, as `docs/metrics.md` asks) and the helpers that
//! record them through the `metrics` facade. No exporter lives here: the daemon installs one.
//!
//! Labels are bounded: `method` is one of four, `resource` is a [`Kind`] label (never an id),
//! `status` is an HTTP status code or `error` (no reply), `budget` is `read` or `write`, and
//! `reason` is one of the [`RetryReason`] labels.
use super::error::{Kind, Method};
use std::time::Duration;

/// Counter: HTTP requests sent to MidoNet, every attempt counted.
pub const REQUESTS_TOTAL: &str = "vpcmido_midonet_requests_total";
/// Histogram (seconds): one HTTP round trip, from send to the last byte of the reply.
pub const REQUEST_DURATION_SECONDS: &str = "vpcmido_midonet_request_duration_seconds";
/// Histogram (seconds): time a call waited for its rate budget (and, for writes, for an
/// in-flight slot).
pub const RATELIMIT_WAIT_SECONDS: &str = "vpcmido_midonet_ratelimit_wait_seconds";
/// Counter: attempts repeated after a transient failure.
pub const RETRIES_TOTAL: &str = "vpcmido_midonet_retries_total";

/// Suggested histogram buckets (seconds) for the two duration histograms; the exporter must be
/// given explicit buckets or it renders summaries (STYLE.md).
pub const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Registers HELP text and units with the installed recorder (call once at start-up).
pub fn describe() {
    metrics::describe_counter!(
        REQUESTS_TOTAL,
        metrics::Unit::Count,
        "HTTP requests sent to the MidoNet REST API, by method, resource kind and status"
    );
    metrics::describe_histogram!(
        REQUEST_DURATION_SECONDS,
        metrics::Unit::Seconds,
        "Duration of one MidoNet REST round trip"
    );
    metrics::describe_histogram!(
        RATELIMIT_WAIT_SECONDS,
        metrics::Unit::Seconds,
        "Time a MidoNet call waited for its rate budget or an in-flight write slot"
    );
    metrics::describe_counter!(
        RETRIES_TOTAL,
        metrics::Unit::Count,
        "MidoNet calls repeated after a transient failure, by reason"
    );
}

/// Why an attempt was repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    /// 503 (lock timeout or read timeout, spec §6.3).
    Unavailable,
    /// Any other 5xx.
    ServerError,
    /// 409 with no body: an optimistic-concurrency conflict (spec §8), not a real clash.
    Conflict,
    /// The request timed out.
    Timeout,
    /// Connection refused, reset or closed.
    Connect,
}

impl RetryReason {
    pub fn label(self) -> &'static str {
        match self {
            RetryReason::Unavailable => "unavailable",
            RetryReason::ServerError => "server_error",
            RetryReason::Conflict => "conflict",
            RetryReason::Timeout => "timeout",
            RetryReason::Connect => "connect",
        }
    }
}

pub(crate) fn record_request(method: Method, kind: Kind, status: Option<u16>, took: Duration) {
    let status = status.map_or_else(|| "error".to_string(), |s| s.to_string());
    metrics::counter!(REQUESTS_TOTAL, "method" => method.label(), "resource" => kind.label(), "status" => status)
        .increment(1);
    metrics::histogram!(REQUEST_DURATION_SECONDS, "method" => method.label(), "resource" => kind.label())
        .record(took.as_secs_f64());
}

pub(crate) fn record_wait(budget: &'static str, waited: Duration) {
    metrics::histogram!(RATELIMIT_WAIT_SECONDS, "budget" => budget).record(waited.as_secs_f64());
}

pub(crate) fn record_retry(reason: RetryReason) {
    metrics::counter!(RETRIES_TOTAL, "reason" => reason.label()).increment(1);
}
