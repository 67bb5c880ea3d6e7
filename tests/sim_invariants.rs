//! Property: any sequence of creates, links, filters, rules and deletes leaves every
//! back-reference consistent (`sim::invariants::check`), i.e. cascades and clears are complete.
mod common;
use common::{sim, T};
use proptest::prelude::*;
use vpcmido::midonet::media::*;
use vpcmido::midonet::sim::invariants;

#[derive(Debug, Clone)]
enum Op {
    Router,
    Bridge,
    Chain,
    RouterPort(usize),
    BridgePort(usize),
    Link(usize, usize),
    Unlink(usize),
    Filter(usize, usize),
    Rule(usize, usize, Option<usize>),
    DelRouter(usize),
    DelBridge(usize),
    DelPort(usize),
    DelChain(usize),
    DelRule(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let i = 0usize..6;
    prop_oneof![
        Just(Op::Router),
        Just(Op::Bridge),
        Just(Op::Chain),
        i.clone().prop_map(Op::RouterPort),
        i.clone().prop_map(Op::BridgePort),
        (i.clone(), i.clone()).prop_map(|(a, b)| Op::Link(a, b)),
        i.clone().prop_map(Op::Unlink),
        (i.clone(), i.clone()).prop_map(|(a, b)| Op::Filter(a, b)),
        (i.clone(), 0usize..4, proptest::option::of(i.clone()))
            .prop_map(|(c, p, j)| Op::Rule(c, p, j)),
        i.clone().prop_map(Op::DelRouter),
        i.clone().prop_map(Op::DelBridge),
        i.clone().prop_map(Op::DelPort),
        i.clone().prop_map(Op::DelChain),
        i.prop_map(Op::DelRule),
    ]
}

fn pick(v: &[String], i: usize) -> Option<&String> {
    (!v.is_empty()).then(|| &v[i % v.len()])
}

fn last_segment(loc: Option<String>) -> Option<String> {
    loc.and_then(|l| l.rsplit('/').next().map(str::to_string))
}

#[derive(Default)]
struct Ids {
    routers: Vec<String>,
    bridges: Vec<String>,
    chains: Vec<String>,
    ports: Vec<String>,
    rules: Vec<String>,
}

async fn apply(t: &T, ids: &mut Ids, n: usize, op: Op) {
    match op {
        Op::Router => ids.routers.push(t.router("r").await),
        Op::Bridge => ids.bridges.push(t.bridge("b").await),
        Op::Chain => ids.chains.push(t.chain("c").await),
        Op::RouterPort(i) => {
            if let Some(r) = pick(&ids.routers, i) {
                let body = format!(
                    r#"{{"type":"Router","portAddress":"10.0.{}.1","networkAddress":"10.0.0.0"}}"#,
                    n % 250
                );
                let res = t.post(&format!("routers/{r}/ports"), PORT, &body).await;
                ids.ports.extend(last_segment(res.location));
            }
        }
        Op::BridgePort(i) => {
            if let Some(b) = pick(&ids.bridges, i) {
                let body = r#"{"type":"Bridge"}"#;
                let res = t.post(&format!("bridges/{b}/ports"), PORT, body).await;
                ids.ports.extend(last_segment(res.location));
            }
        }
        Op::Link(a, b) => {
            if let (Some(a), Some(b)) = (pick(&ids.ports, a), pick(&ids.ports, b)) {
                let body = format!(r#"{{"peerId":"{b}"}}"#);
                t.post(&format!("ports/{a}/link"), PORT_LINK, &body).await;
            }
        }
        Op::Unlink(a) => {
            if let Some(a) = pick(&ids.ports, a) {
                t.delete(&format!("ports/{a}/link")).await;
            }
        }
        Op::Filter(b, c) => {
            if let (Some(b), Some(c)) = (pick(&ids.bridges, b), pick(&ids.chains, c)) {
                let body = format!(r#"{{"inboundFilterId":"{c}"}}"#);
                t.put(&format!("bridges/{b}"), BRIDGE, &body).await;
            }
        }
        Op::Rule(c, pos, jump) => {
            if let Some(c) = pick(&ids.chains, c) {
                let body = match jump.and_then(|j| pick(&ids.chains, j)) {
                    Some(j) => {
                        format!(
                            r#"{{"type":"jump","jumpChainId":"{j}","position":{}}}"#,
                            pos + 1
                        )
                    }
                    None => format!(r#"{{"type":"accept","position":{}}}"#, pos + 1),
                };
                let res = t.post(&format!("chains/{c}/rules"), RULE, &body).await;
                ids.rules.extend(last_segment(res.location));
            }
        }
        Op::DelRouter(i) => {
            if let Some(r) = pick(&ids.routers, i) {
                t.delete(&format!("routers/{r}")).await;
            }
        }
        Op::DelBridge(i) => {
            if let Some(b) = pick(&ids.bridges, i) {
                t.delete(&format!("bridges/{b}")).await;
            }
        }
        Op::DelPort(i) => {
            if let Some(p) = pick(&ids.ports, i) {
                t.delete(&format!("ports/{p}")).await;
            }
        }
        Op::DelChain(i) => {
            if let Some(c) = pick(&ids.chains, i) {
                t.delete(&format!("chains/{c}")).await;
            }
        }
        Op::DelRule(i) => {
            if let Some(r) = pick(&ids.rules, i) {
                t.delete(&format!("rules/{r}")).await;
            }
        }
    }
}

async fn run(ops: Vec<Op>) -> Result<(), String> {
    let t = sim().await;
    let mut ids = Ids::default();
    for (n, op) in ops.into_iter().enumerate() {
        let what = format!("{op:?}");
        apply(&t, &mut ids, n, op).await;
        invariants::check(&t.h.sim().read()).map_err(|e| format!("after op {n} {what}: {e}"))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn back_references_stay_consistent(ops in proptest::collection::vec(op(), 1..60)) {
        let res = actix_rt::System::new().block_on(run(ops));
        prop_assert!(res.is_ok(), "{:?}", res);
    }
}
