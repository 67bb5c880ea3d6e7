//! Actor behaviour: VPCs reconcile in parallel, requests during a pass coalesce into one
//! follow-up pass (and status is answered mid-pass), a dead actor is respawned and counted.
mod daemon_support;
use daemon_support::*;
use std::time::Duration;
use vpcmido::actors::{Abort, ActorOf, GetActorStatus, GetPassCounts, ScopeState};
use vpcmido::midonet::sim::SimConfig;
use vpcmido::topology::Scope;

fn window(s: &vpcmido::actors::status::ScopeStatus) -> (f64, f64) {
    let end = s.last_pass_at.expect("pass time");
    (end - s.last_pass_seconds.expect("pass duration"), end)
}

#[actix::test]
async fn two_vpcs_reconcile_concurrently() {
    let v = view(2, 2, 5);
    let sim = SimConfig {
        write_latency: Duration::from_millis(3),
        ..SimConfig::default()
    };
    let d = start(&v, sim, |_| {}).await;
    let s = d.wait_applied("00000001").await;
    let (a0, a1) = window(vpc(&s, &v.vpcs[0].id));
    let (b0, b1) = window(vpc(&s, &v.vpcs[1].id));
    eprintln!(
        "A {:.3}..{:.3}  B {:.3}..{:.3}",
        0.0,
        a1 - a0,
        b0 - a0,
        b1 - a0
    );
    assert!(
        a1 - a0 > 0.1 && b1 - b0 > 0.1,
        "passes long enough to overlap"
    );
    let overlap = a1.min(b1) - a0.max(b0);
    assert!(
        overlap > 0.5 * (a1 - a0).min(b1 - b0),
        "passes overlap for {overlap:.3} s only"
    );
    let core = s.core.as_ref().expect("core");
    let (_, c1) = window(core);
    assert!(
        c1 <= a0 + 0.005 && c1 <= b0 + 0.005,
        "VPC passes start after the core's"
    );
}

#[actix::test]
async fn ten_resyncs_during_a_pass_give_one_follow_up_pass() {
    let v = view(1, 6, 3);
    let sim = SimConfig {
        write_latency: Duration::from_millis(3),
        ..SimConfig::default()
    };
    let d = start(&v, sim, |_| {}).await;
    let id = v.vpcs[0].id.clone();
    let actor = loop {
        if let Some(a) = d
            .director
            .send(ActorOf(Scope::Vpc(id.clone())))
            .await
            .expect("director")
        {
            let c = a.send(GetPassCounts).await.expect("actor");
            if c.running {
                break a;
            }
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    // Mid-pass: the mailbox answers, and the resyncs only mark the actor dirty.
    let st = actor.send(GetActorStatus).await.expect("status mid-pass");
    assert_eq!(st.state, ScopeState::Applying);
    for _ in 0..10 {
        d.director
            .send(vpcmido::actors::ResyncVpc(id.clone()))
            .await
            .expect("resync");
    }
    let c = actor.send(GetPassCounts).await.expect("counts");
    assert!(c.running && c.pending, "{c:?}");
    assert_eq!(c.passes, 0);
    d.wait_applied("00000001").await;
    loop {
        let c = actor.send(GetPassCounts).await.expect("counts");
        if !c.running && !c.pending {
            assert_eq!(c.passes, 2, "the start-up pass plus ONE follow-up");
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let s = d.status().await;
    assert_eq!(vpc(&s, &id).last_trigger.as_deref(), Some("admin"));
}

#[actix::test]
async fn a_dead_vpc_actor_is_respawned_and_counted() {
    let v = view(2, 2, 9);
    let d = start(&v, SimConfig::default(), |_| {}).await;
    d.wait_applied("00000001").await;
    let id = v.vpcs[0].id.clone();
    let actor = d
        .director
        .send(ActorOf(Scope::Vpc(id.clone())))
        .await
        .expect("director")
        .expect("actor");
    actor.do_send(Abort);
    d.reset_stats();
    let s = d
        .wait("respawned", Duration::from_secs(10), |s| {
            let x = vpc(s, &id);
            x.restarts == 1 && x.passes == 1 && x.state == "converged"
        })
        .await;
    let x = vpc(&s, &id);
    assert_eq!(x.last_trigger.as_deref(), Some("respawn"));
    assert_eq!(vpc(&s, &v.vpcs[1].id).restarts, 0);
    let (reads, writes) = d.calls();
    assert_eq!(
        writes, 0,
        "the respawned actor re-read its VPC and found nothing to do"
    );
    assert!(reads > 0, "it re-read its scope");
    let fresh = d
        .director
        .send(ActorOf(Scope::Vpc(id)))
        .await
        .expect("director")
        .expect("actor");
    assert!(fresh.connected());
}

#[actix::test]
async fn drift_audit_reads_midonet_once_and_repairs_a_deleted_rule() {
    let v = view(2, 2, 13);
    let d = start(&v, SimConfig::default(), |c| {
        c.scope.audit_interval = Some(Duration::from_millis(300));
    })
    .await;
    d.wait_applied("00000001").await;
    // Someone deletes a security-group rule behind the daemon's back.
    let snap = d
        .client
        .discover(&vpcmido::midonet::snapshot::DiscoverFilter::default())
        .await
        .expect("discover");
    let chain = snap
        .chains
        .iter()
        .find(|c| {
            c.name
                .as_deref()
                .is_some_and(|n| n.starts_with("sg_ingress_"))
        })
        .expect("an SG chain");
    let rule = snap.rules[&chain.id.expect("id")][0].id.expect("rule id");
    d.client.delete_rule(rule).await.expect("delete");
    let s = d
        .wait("drift repaired", Duration::from_secs(10), |s| {
            s.vpcs.iter().map(|x| x.drift).sum::<u64>() >= 1
                && s.vpcs.iter().all(|x| x.state == "converged")
        })
        .await;
    let drift: u64 = s.vpcs.iter().map(|x| x.drift).sum();
    assert_eq!(drift, 1, "exactly the deleted rule");
    let after = d
        .client
        .discover(&vpcmido::midonet::snapshot::DiscoverFilter::default())
        .await
        .expect("discover");
    let rules =
        |s: &vpcmido::midonet::snapshot::Snapshot| s.rules.values().map(Vec::len).sum::<usize>();
    assert_eq!(rules(&after), rules(&snap), "the rule is back");
    assert!(s
        .vpcs
        .iter()
        .any(|x| x.last_trigger.as_deref() == Some("audit")));
}

/// A message only this test sends: its handler panics, as a bug in a handler would.
struct Boom;
impl actix::Message for Boom {
    type Result = ();
}
impl actix::Handler<Boom> for vpcmido::actors::ScopeActor {
    type Result = ();
    fn handle(&mut self, _: Boom, _: &mut Self::Context) {
        panic!("injected panic in a VPC supervisor's handler");
    }
}

#[actix::test]
async fn a_panicking_vpc_actor_is_respawned_and_the_others_carry_on() {
    let v = view(2, 2, 19);
    let d = start(&v, SimConfig::default(), |_| {}).await;
    d.wait_applied("00000001").await;
    let id = v.vpcs[1].id.clone();
    let actor = d
        .director
        .send(ActorOf(Scope::Vpc(id.clone())))
        .await
        .expect("director")
        .expect("actor");
    actor.do_send(Boom);
    let s = d
        .wait("respawned after a panic", Duration::from_secs(10), |s| {
            let x = vpc(s, &id);
            x.restarts == 1 && x.state == "converged" && x.passes == 1
        })
        .await;
    assert_eq!(vpc(&s, &v.vpcs[0].id).restarts, 0);
    // The daemon still works: a new version is applied by everyone, respawned actor included.
    write_view(&d.gni, &v, "00000002");
    let s = d.wait_applied("00000002").await;
    assert_eq!(vpc(&s, &id).applied_version.as_deref(), Some("00000002"));
}
