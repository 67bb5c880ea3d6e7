//! A failing VPC is contained: it backs off and retries alone (no view change needed), the
//! other VPC converges undisturbed and is never touched again, and the applied-version file
//! is written only once everything is applied.
mod daemon_support;
use daemon_support::*;
use std::time::Duration;
use vpcmido::midonet::sim::{Fault, SimConfig};

#[actix::test]
async fn failing_vpc_retries_alone_and_blocks_only_the_handshake() {
    let v = view(2, 3, 11);
    let (a, b) = (v.vpcs[0].id.clone(), v.vpcs[1].id.clone());
    // Before the daemon starts: every request naming VPC A fails (500, retried by the client,
    // then failed for good).
    let d = start(&v, SimConfig::default(), |_| {}).await;
    fault_on(&d, &a, Fault::Internal);

    // B converges while A fails; A retries on its own (backoff 100..400 ms).
    let s = d
        .wait(
            "A failed twice, B converged",
            Duration::from_secs(20),
            |s| s.vpcs.len() == 2 && vpc(s, &b).state == "converged" && vpc(s, &a).failures >= 2,
        )
        .await;
    assert_eq!(vpc(&s, &b).passes, 1, "B ran exactly its start-up pass");
    assert!(vpc(&s, &a).last_error.is_some());
    assert!(s.applied_version.is_none(), "not applied while A fails");
    assert_eq!(
        d.applied_file(),
        None,
        "no applied-version file while A fails"
    );
    assert_eq!(
        s.top_failing.first().map(|x| x.scope.as_str()),
        Some(a.as_str())
    );

    // From now on any request naming B is answered 503: A's retries must cause none.
    fault_on(&d, &b, Fault::Unavailable);
    let failures_before = vpc(&d.status().await, &a).failures;
    d.wait("two more A failures", Duration::from_secs(20), |s| {
        vpc(s, &a).failures >= failures_before + 2
    })
    .await;
    assert_eq!(
        faults_injected(&d, "unavailable_503"),
        0,
        "A's retries made no call naming B"
    );
    let s = d.status().await;
    assert_eq!(vpc(&s, &b).passes, 1, "A's failures triggered no work in B");

    // The fault goes away; A converges on its next retry, with no view change.
    clear_faults(&d);
    let s = d.wait_applied("00000001").await;
    assert_eq!(vpc(&s, &a).state, "converged");
    assert_eq!(vpc(&s, &a).last_trigger.as_deref(), Some("retry"));
    assert_eq!(vpc(&s, &b).passes, 1);
    assert_eq!(d.applied_file().as_deref(), Some("00000001"));
}
