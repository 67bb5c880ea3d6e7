//! [`ApiGate`]: the daemon-wide admission control in front of MidoNet — one read budget, one
//! write budget (governor GCRA limiters) and a cap on writes in flight.
//!
//! Why a write cap as well as a rate: MidoNet runs every topology write under one cluster-wide
//! lock (spec `midonet-api.md` §8), so more than a few concurrent writes only queue inside
//! MidoNet (and past 30 s turn into 503s, §6.3). A handful in flight keeps the lock busy while
//! the HTTP round trips happen outside it.
//!
//! The gate is cheap to clone and clones share the budgets, so every actor holding a clone of the
//! client draws from the same pools. Per-VPC fairness can later be added here (a keyed governor
//! limiter in front of the shared ones) without touching callers: they only call
//! [`ApiGate::read`] / [`ApiGate::write`].
//!
//! Budgets are generic over governor's clock so tests drive them with `FakeRelativeClock` and a
//! sleeper that advances it (STYLE.md: governor has its own clock; no real sleeps in tests).
use futures::future::BoxFuture;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A rate: `per_second` sustained, `burst` at once. `None` in [`GateConfig`] means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_second: NonZeroU32,
    pub burst: NonZeroU32,
}

impl Rate {
    fn quota(self) -> Quota {
        Quota::per_second(self.per_second).allow_burst(self.burst)
    }
}

/// Budgets of the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateConfig {
    /// GETs per second (None: unlimited).
    pub read: Option<Rate>,
    /// POST/PUT/DELETE per second (None: unlimited).
    pub write: Option<Rate>,
    /// Writes in flight at once (spec §8; default 4).
    pub max_writes_in_flight: usize,
}

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig {
            read: None,
            write: None,
            max_writes_in_flight: 4,
        }
    }
}

/// How a budget waits: given a duration, return a future that completes after it.
pub type Sleeper = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

/// One rate budget.
pub trait Budget: Send + Sync {
    /// Waits until one unit is available; returns how long the budget made the caller wait.
    fn acquire(&self) -> BoxFuture<'_, Duration>;
}

/// A governor limiter on any clock, with an injected sleeper.
pub struct GovernorBudget<C: Clock> {
    limiter: RateLimiter<NotKeyed, InMemoryState, C, NoOpMiddleware<C::Instant>>,
    clock: C,
    sleep: Sleeper,
}

impl<C: Clock + Clone> GovernorBudget<C> {
    pub fn new(rate: Rate, clock: C, sleep: Sleeper) -> Self {
        GovernorBudget {
            limiter: RateLimiter::direct_with_clock(rate.quota(), clock.clone()),
            clock,
            sleep,
        }
    }
}

impl GovernorBudget<DefaultClock> {
    /// A budget on the real clock, sleeping with tokio.
    pub fn real(rate: Rate) -> Self {
        let sleep: Sleeper = Arc::new(|d| Box::pin(tokio::time::sleep(d)));
        Self::new(rate, DefaultClock::default(), sleep)
    }
}

impl<C> Budget for GovernorBudget<C>
where
    C: Clock + Send + Sync,
    C::Instant: Send + Sync,
{
    fn acquire(&self) -> BoxFuture<'_, Duration> {
        Box::pin(async move {
            let mut waited = Duration::ZERO;
            loop {
                match self.limiter.check() {
                    Ok(()) => return waited,
                    Err(not_until) => {
                        let d = not_until.wait_time_from(self.clock.now());
                        waited += d;
                        (self.sleep)(d).await;
                    }
                }
            }
        })
    }
}

/// Shared admission control (see the module doc). Clone to share.
#[derive(Clone)]
pub struct ApiGate {
    read: Option<Arc<dyn Budget>>,
    write: Option<Arc<dyn Budget>>,
    in_flight: Arc<Semaphore>,
}

impl std::fmt::Debug for ApiGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiGate")
            .field("read_limited", &self.read.is_some())
            .field("write_limited", &self.write.is_some())
            .field("write_slots_free", &self.in_flight.available_permits())
            .finish()
    }
}

/// Held while a write is on the wire; dropping it frees the in-flight slot.
#[derive(Debug)]
pub struct WritePermit {
    _permit: Option<OwnedSemaphorePermit>,
}

impl ApiGate {
    /// A gate on the real clock.
    pub fn new(cfg: &GateConfig) -> Self {
        let mk = |r: Option<Rate>| r.map(|r| Arc::new(GovernorBudget::real(r)) as Arc<dyn Budget>);
        Self::with_budgets(mk(cfg.read), mk(cfg.write), cfg.max_writes_in_flight)
    }

    /// A gate from ready-made budgets (tests: fake-clock budgets).
    pub fn with_budgets(
        read: Option<Arc<dyn Budget>>,
        write: Option<Arc<dyn Budget>>,
        max_writes_in_flight: usize,
    ) -> Self {
        ApiGate {
            read,
            write,
            in_flight: Arc::new(Semaphore::new(max_writes_in_flight.max(1))),
        }
    }

    /// Waits for the read budget; returns the time waited.
    pub async fn read(&self) -> Duration {
        match &self.read {
            Some(b) => b.acquire().await,
            None => Duration::ZERO,
        }
    }

    /// Waits for the write budget and an in-flight slot; returns the permit and the time
    /// waited (budget plus slot).
    pub async fn write(&self) -> (WritePermit, Duration) {
        let budget_wait = match &self.write {
            Some(b) => b.acquire().await,
            None => Duration::ZERO,
        };
        // A free slot costs nothing; only a real wait for one is measured (so fake-clock tests
        // see exactly the budget's wait).
        if let Ok(p) = self.in_flight.clone().try_acquire_owned() {
            return (WritePermit { _permit: Some(p) }, budget_wait);
        }
        let start = Instant::now();
        // The semaphore is never closed, so acquiring fails only if it were; then run unguarded
        // rather than fail the write.
        let permit = self.in_flight.clone().acquire_owned().await.ok();
        (
            WritePermit { _permit: permit },
            budget_wait + start.elapsed(),
        )
    }

    /// Free in-flight write slots right now.
    pub fn write_slots_free(&self) -> usize {
        self.in_flight.available_permits()
    }
}
