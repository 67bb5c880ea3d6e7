//! The scale benchmark's CI mode: every scenario of `benches/scale.rs` at 100 ENIs with no
//! emulator latency, so the harness cannot rot. Asserts counts only, never wall-clock times
//! (the figures live in BENCHMARKS.md, from `cargo bench --bench scale`).
#[path = "../benches/scale_support/mod.rs"]
mod scale_support;

use std::time::Duration;

#[actix_rt::test]
async fn scale_harness_runs_at_100_enis_with_the_expected_counts() {
    let r = scale_support::run_size(100, Duration::ZERO).await;
    let d = scale_support::derive(&r);
    // Cold build: one pass, every planned write applied once, no GET after a POST.
    assert_eq!(r.cold_passes, 1);
    assert_eq!(r.cold_writes, r.sim_writes_applied);
    assert!(r.cold_writes > 1000, "writes {}", r.cold_writes);
    assert!(d.calls_per_write <= 1.05, "C/W {:.3}", d.calls_per_write);
    // A full resync after it plans nothing; so does the no-change cycle, with no call.
    assert_eq!(r.full_resync_plan_steps, 0);
    assert_eq!(r.full_resync.writes, 0);
    assert_eq!((r.nochange_calls, r.nochange_steps), (0, 0));
    // A per-VPC resync reads less than a full one and plans nothing.
    assert_eq!(r.vpc_resync_plan_steps, 0);
    assert!(r.vpc_resync.gets < r.full_resync.gets);
    // One ENI added: only its own writes.
    assert!(r.eni_writes > 0);
    assert_eq!(r.eni_extra_calls, 0, "calls {}", r.eni.calls);
    // Planned as a VPC actor would (scope topology against its slice): the same writes.
    assert_eq!(r.eni_actor_steps as u64, r.eni_writes);
    // One VPC failing: its plan holds only its own steps; the healthy VPC spends exactly its
    // writes.
    assert!(r.fail_vpc_faults > 0);
    assert_eq!(r.fail_vpc_steps_elsewhere, 0);
    assert_eq!(r.fail_other.calls, r.fail_other.writes);
    // The eucanetd-pattern estimate is computed from the counts.
    assert_eq!(d.euca_calls, 3 * r.cold_writes + r.euca_cold_load_gets);
    assert!(r.euca_reload_gets > r.vpc_resync.gets);
}
