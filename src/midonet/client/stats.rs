//! Plain atomic call counters of one client (shared by its clones), for `vpcmido apply` to print
//! and for tests to check against the emulator's own counts (`/_sim/stats`).
//!
//! Identity kept by the client: `calls() == reads + writes + confirm_reads + retries`, where
//! `reads`/`writes` count logical operations (first attempt only), `confirm_reads` the GETs
//! made to decide a 409 or an ambiguous failure, and `retries` every repeated attempt.
use super::error::Method;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Default)]
pub(crate) struct Counters {
    get: AtomicU64,
    post: AtomicU64,
    put: AtomicU64,
    delete: AtomicU64,
    reads: AtomicU64,
    writes: AtomicU64,
    confirm_reads: AtomicU64,
    confirmed_409: AtomicU64,
    retries: AtomicU64,
    skipped_puts: AtomicU64,
    read_wait_ns: AtomicU64,
    write_wait_ns: AtomicU64,
}

impl Counters {
    pub(crate) fn sent(&self, m: Method) {
        let c = match m {
            Method::Get => &self.get,
            Method::Post => &self.post,
            Method::Put => &self.put,
            Method::Delete => &self.delete,
        };
        c.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn op(&self, m: Method, confirm: bool) {
        let c = if confirm {
            &self.confirm_reads
        } else if m.is_write() {
            &self.writes
        } else {
            &self.reads
        };
        c.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn confirmed(&self) {
        self.confirmed_409.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn skipped_put(&self) {
        self.skipped_puts.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn waited(&self, write: bool, d: Duration) {
        let c = if write {
            &self.write_wait_ns
        } else {
            &self.read_wait_ns
        };
        c.fetch_add(
            u64::try_from(d.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    pub(crate) fn snapshot(&self) -> ClientStats {
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ClientStats {
            get: l(&self.get),
            post: l(&self.post),
            put: l(&self.put),
            delete: l(&self.delete),
            reads: l(&self.reads),
            writes: l(&self.writes),
            confirm_reads: l(&self.confirm_reads),
            confirmed_409: l(&self.confirmed_409),
            retries: l(&self.retries),
            skipped_puts: l(&self.skipped_puts),
            read_wait: Duration::from_nanos(l(&self.read_wait_ns)),
            write_wait: Duration::from_nanos(l(&self.write_wait_ns)),
        }
    }
}

/// A copy of the client's counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// HTTP requests sent, by method (every attempt).
    pub get: u64,
    pub post: u64,
    pub put: u64,
    pub delete: u64,
    /// Logical reads (first attempts of GETs other than 409 confirmations).
    pub reads: u64,
    /// Logical writes (first attempts of POST/PUT/DELETE).
    pub writes: u64,
    /// GETs made to decide a 409 or an ambiguous failure (spec §6.3, issue 4).
    pub confirm_reads: u64,
    /// Writes that ended as success because the stored object (after a 409 or an ambiguous
    /// failure) showed the same values: each is one create that was not duplicated.
    pub confirmed_409: u64,
    /// Attempts repeated after a transient failure.
    pub retries: u64,
    /// Updates not sent because the edit changed nothing.
    pub skipped_puts: u64,
    /// Total time spent waiting for the read budget.
    pub read_wait: Duration,
    /// Total time spent waiting for the write budget and in-flight slots.
    pub write_wait: Duration,
}

impl ClientStats {
    /// Every HTTP request sent.
    pub fn calls(&self) -> u64 {
        self.get + self.post + self.put + self.delete
    }

    /// HTTP requests per logical write (the "calls per write"; reads excluded).
    pub fn calls_per_write(&self) -> f64 {
        if self.writes == 0 {
            0.0
        } else {
            (self.calls() - self.reads) as f64 / self.writes as f64
        }
    }

    /// The difference `self - earlier`, for measuring one phase.
    pub fn since(&self, earlier: &ClientStats) -> ClientStats {
        ClientStats {
            get: self.get.saturating_sub(earlier.get),
            post: self.post.saturating_sub(earlier.post),
            put: self.put.saturating_sub(earlier.put),
            delete: self.delete.saturating_sub(earlier.delete),
            reads: self.reads.saturating_sub(earlier.reads),
            writes: self.writes.saturating_sub(earlier.writes),
            confirm_reads: self.confirm_reads.saturating_sub(earlier.confirm_reads),
            confirmed_409: self.confirmed_409.saturating_sub(earlier.confirmed_409),
            retries: self.retries.saturating_sub(earlier.retries),
            skipped_puts: self.skipped_puts.saturating_sub(earlier.skipped_puts),
            read_wait: self.read_wait.saturating_sub(earlier.read_wait),
            write_wait: self.write_wait.saturating_sub(earlier.write_wait),
        }
    }
}

impl std::fmt::Display for ClientStats {
    /// One line for `vpcmido apply`: requests by method, then the accounting.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MidoNet calls {} (GET {}, POST {}, PUT {}, DELETE {}); writes {}, reads {}, retries {}, \
             409 confirmations {} ({} GETs), PUTs skipped {}; calls/write {:.3}; waited read {:.3}s write {:.3}s",
            self.calls(),
            self.get,
            self.post,
            self.put,
            self.delete,
            self.writes,
            self.reads,
            self.retries,
            self.confirmed_409,
            self.confirm_reads,
            self.skipped_puts,
            self.calls_per_write(),
            self.read_wait.as_secs_f64(),
            self.write_wait.as_secs_f64()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_per_write_excludes_reads() {
        let s = ClientStats {
            get: 10,
            post: 100,
            reads: 8,
            writes: 100,
            confirm_reads: 2,
            ..ClientStats::default()
        };
        assert_eq!(s.calls(), 110);
        assert!((s.calls_per_write() - 1.02).abs() < 1e-9);
        assert!(s
            .to_string()
            .starts_with("MidoNet calls 110 (GET 10, POST 100, PUT 0, DELETE 0)"));
    }
}
