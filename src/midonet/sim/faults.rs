//! Seeded fault injection. A share of requests (`--fault-rate`) is answered 503 (MidoNet's
//! lock-timeout body), 500, or a dropped connection; a faulted write is either not applied
//! or applied and then dropped, so clients see both "failed and nothing happened" and "failed
//! but it happened". Targeted rules (`POST /_sim/faults`) fault only requests whose path,
//! body, or the names of the objects named in the path contain a substring.
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// What happens to a faulted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// 503 `Could not acquire lock for storage operation.`; nothing applied.
    Unavailable,
    /// 500; nothing applied.
    Internal,
    /// Connection dropped before anything is applied.
    DropBefore,
    /// The write is applied, then the connection is dropped without an answer.
    DropAfter,
    /// 409 with no body, as MidoNet answers an optimistic-concurrency conflict (spec §8);
    /// nothing applied. Only when a targeted rule asks for it (not in the `--fault-rate` mix).
    Conflict,
}

impl Fault {
    pub fn label(self) -> &'static str {
        match self {
            Fault::Unavailable => "unavailable_503",
            Fault::Internal => "internal_500",
            Fault::DropBefore => "dropped_not_applied",
            Fault::DropAfter => "dropped_after_apply",
            Fault::Conflict => "conflict_409",
        }
    }
}

/// A targeted rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FaultRule {
    /// Substring of the path, the body, or a name of an object the path names.
    #[serde(rename = "match")]
    pub pattern: String,
    /// Probability in 0..=1 (default 1).
    #[serde(default = "one")]
    pub rate: f64,
    /// Restrict to these kinds (default: all four, writes; reads get 503/500/drop).
    #[serde(default)]
    pub kinds: Vec<Fault>,
}

fn one() -> f64 {
    1.0
}

/// A probability in 0..=1; NaN counts as 0 (`gen_bool` panics outside 0..=1).
pub fn prob(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
    }
}

/// The injector's state.
pub struct Faults {
    rng: StdRng,
    pub rate: f64,
    pub rules: Vec<FaultRule>,
}

impl Faults {
    pub fn new(rate: f64, seed: u64) -> Self {
        Faults {
            rng: StdRng::seed_from_u64(seed),
            rate: prob(rate),
            rules: vec![],
        }
    }

    fn pick(&mut self, write: bool, kinds: &[Fault]) -> Fault {
        let all: &[Fault] = if write {
            &[
                Fault::Unavailable,
                Fault::Internal,
                Fault::DropBefore,
                Fault::DropAfter,
            ]
        } else {
            &[Fault::Unavailable, Fault::Internal, Fault::DropBefore]
        };
        let pool: Vec<Fault> = if kinds.is_empty() {
            all.to_vec()
        } else {
            kinds
                .iter()
                .copied()
                .filter(|k| write || *k != Fault::DropAfter)
                .collect()
        };
        if pool.is_empty() {
            return Fault::Unavailable;
        }
        pool[self.rng.gen_range(0..pool.len())]
    }

    /// Decides the fate of one request. `haystack` is path + body + names (lazily built only
    /// when targeted rules exist).
    pub fn decide(&mut self, write: bool, haystack: impl FnOnce() -> String) -> Option<Fault> {
        if !self.rules.is_empty() {
            let h = haystack();
            let hit = self.rules.iter().find(|r| h.contains(&r.pattern)).cloned();
            if let Some(r) = hit {
                if self.rng.gen_bool(prob(r.rate)) {
                    return Some(self.pick(write, &r.kinds));
                }
            }
        }
        if self.rate > 0.0 && self.rng.gen_bool(prob(self.rate)) {
            return Some(self.pick(write, &[]));
        }
        None
    }
}
