//! Request accounting for `/_sim/stats` (stable format; benchmarks read it): counts per
//! (method, normalized resource, status), applied writes, and time the write lock was held.
use serde::Serialize;
use std::collections::BTreeMap;

/// One row of `requests`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RequestCount {
    pub method: String,
    pub resource: String,
    /// HTTP status; 0 for a dropped connection.
    pub status: u16,
    pub count: u64,
}

/// The `/_sim/stats` document.
#[derive(Debug, Clone, Serialize, Default)]
pub struct StatsDoc {
    pub requests: Vec<RequestCount>,
    pub writes_applied: u64,
    pub write_lock_held_seconds: f64,
    pub faults_injected: BTreeMap<String, u64>,
}

/// Mutable counters.
#[derive(Debug, Default)]
pub struct Stats {
    counts: BTreeMap<(String, String, u16), u64>,
    pub writes_applied: u64,
    pub lock_held: f64,
    pub faults: BTreeMap<String, u64>,
}

impl Stats {
    pub fn record(&mut self, method: &str, resource: &str, status: u16) {
        *self
            .counts
            .entry((method.to_string(), resource.to_string(), status))
            .or_default() += 1;
    }
    pub fn fault(&mut self, kind: &str) {
        *self.faults.entry(kind.to_string()).or_default() += 1;
    }
    pub fn doc(&self) -> StatsDoc {
        StatsDoc {
            requests: self
                .counts
                .iter()
                .map(|((m, r, s), c)| RequestCount {
                    method: m.clone(),
                    resource: r.clone(),
                    status: *s,
                    count: *c,
                })
                .collect(),
            writes_applied: self.writes_applied,
            write_lock_held_seconds: self.lock_held,
            faults_injected: self.faults.clone(),
        }
    }
}

/// The resource kind of a path: the segments at even positions (collection names), so
/// `/routers/{id}/ports` → `routers/ports` and `/ip_addr_groups/{id}/versions/4/ip_addrs/{a}`
/// → `ip_addr_groups/versions/ip_addrs`. The root is `application`.
pub fn resource_of(segs: &[&str]) -> String {
    if segs.is_empty() {
        return "application".into();
    }
    segs.iter()
        .step_by(2)
        .copied()
        .collect::<Vec<_>>()
        .join("/")
}
