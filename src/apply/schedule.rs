//! Runs a plan's steps as a dependency graph: every step whose dependencies are done may run,
//! up to `max_in_flight` at once, so MidoNet's write lock never idles while work remains. A
//! failed step fails its dependents (transitively) without sending them; independent work
//! goes on.
use crate::plan::Plan;
use futures::stream::{FuturesUnordered, StreamExt};
use std::future::Future;

/// How a run of a plan ended, step by step.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome<E> {
    /// Steps that succeeded.
    pub done: usize,
    /// Steps that failed, with their error.
    pub failed: Vec<(usize, E)>,
    /// Steps not sent because a dependency failed.
    pub skipped: usize,
    /// Which steps succeeded.
    pub succeeded: Vec<bool>,
}

impl<E> Outcome<E> {
    pub fn ok(&self) -> bool {
        self.failed.is_empty() && self.skipped == 0
    }
}

pub async fn execute<E, F, Fut>(plan: &Plan, max_in_flight: usize, run: F) -> Outcome<E>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<(), E>>,
{
    let n = plan.steps.len();
    let mut waiting: Vec<usize> = plan.steps.iter().map(|s| s.deps.len()).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, s) in plan.steps.iter().enumerate() {
        for &d in &s.deps {
            if d < n {
                dependents[d].push(i);
            }
        }
    }
    let mut ready: std::collections::VecDeque<usize> =
        (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut dead = vec![false; n];
    let mut out = Outcome {
        done: 0,
        failed: Vec::new(),
        skipped: 0,
        succeeded: vec![false; n],
    };
    let mut running = FuturesUnordered::new();
    let cap = max_in_flight.max(1);
    loop {
        while running.len() < cap {
            let Some(i) = ready.pop_front() else { break };
            let fut = run(i);
            running.push(async move { (i, fut.await) });
        }
        let Some((i, result)) = running.next().await else {
            break;
        };
        match result {
            Ok(()) => {
                out.done += 1;
                out.succeeded[i] = true;
                for &d in &dependents[i] {
                    waiting[d] -= 1;
                    if waiting[d] == 0 && !dead[d] {
                        ready.push_back(d);
                    }
                }
            }
            Err(e) => {
                out.failed.push((i, e));
                let mut stack = dependents[i].clone();
                while let Some(d) = stack.pop() {
                    if !dead[d] {
                        dead[d] = true;
                        out.skipped += 1;
                        stack.extend(dependents[d].iter().copied());
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Op, Step};
    use crate::topology::Scope;
    use std::cell::RefCell;
    use uuid::Uuid;

    fn step(deps: Vec<usize>) -> Step {
        Step {
            op: Op::DeleteChain { id: Uuid::nil() },
            deps,
            scope: Scope::Core,
            what: String::new(),
            key: None,
        }
    }

    #[actix_rt::test]
    async fn runs_in_dependency_order_and_skips_dependents_of_failures() {
        let plan = Plan {
            steps: vec![
                step(vec![]),
                step(vec![0]),
                step(vec![]),
                step(vec![2]),
                step(vec![3]),
            ],
            unresolved: vec![],
        };
        let order = RefCell::new(Vec::new());
        let out = execute(&plan, 2, |i| {
            order.borrow_mut().push(i);
            async move {
                if i == 2 {
                    Err("boom")
                } else {
                    Ok(())
                }
            }
        })
        .await;
        assert_eq!(out.done, 2);
        assert_eq!(out.failed, vec![(2, "boom")]);
        assert_eq!(out.skipped, 2);
        let order = order.into_inner();
        assert!(order.iter().position(|&i| i == 0) < order.iter().position(|&i| i == 1));
        assert!(!order.contains(&3) && !order.contains(&4));
    }

    #[actix_rt::test]
    async fn never_exceeds_the_in_flight_cap() {
        let plan = Plan {
            steps: (0..20).map(|_| step(vec![])).collect(),
            unresolved: vec![],
        };
        let now = std::sync::atomic::AtomicUsize::new(0);
        let peak = std::sync::atomic::AtomicUsize::new(0);
        let out: Outcome<()> = execute(&plan, 3, |_| {
            let now = &now;
            let peak = &peak;
            async move {
                let n = now.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                peak.fetch_max(n, std::sync::atomic::Ordering::SeqCst);
                actix_rt::time::sleep(std::time::Duration::from_millis(2)).await;
                now.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                Ok(())
            }
        })
        .await;
        assert_eq!(out.done, 20);
        assert_eq!(peak.load(std::sync::atomic::Ordering::SeqCst), 3);
    }
}
