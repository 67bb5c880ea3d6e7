//! The client's metrics through the `metrics` facade: names, bounded labels, and counts that
//! match the calls made (a process-wide test recorder; this binary has this one test).
mod client_support;

use client_support::*;
use metrics::{
    Counter, CounterFn, Gauge, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder,
    SharedString, Unit,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use vpcmido::midonet::client::{metrics as m, Error};
use vpcmido::midonet::sim::SimConfig;

type Store = Arc<Mutex<BTreeMap<String, (u64, f64)>>>;

struct Cell(String, Store);

impl CounterFn for Cell {
    fn increment(&self, value: u64) {
        let mut s = self.1.lock().unwrap();
        s.entry(self.0.clone()).or_default().0 += value;
    }
    fn absolute(&self, value: u64) {
        self.1.lock().unwrap().entry(self.0.clone()).or_default().0 = value;
    }
}

impl HistogramFn for Cell {
    fn record(&self, value: f64) {
        let mut s = self.1.lock().unwrap();
        let e = s.entry(self.0.clone()).or_default();
        e.0 += 1;
        e.1 += value;
    }
}

struct TestRecorder(Store);

fn render(key: &Key) -> String {
    let mut labels: Vec<String> = key
        .labels()
        .map(|l| format!("{}={}", l.key(), l.value()))
        .collect();
    labels.sort();
    format!("{}{{{}}}", key.name(), labels.join(","))
}

impl Recorder for TestRecorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(Arc::new(Cell(render(key), self.0.clone())))
    }
    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(Arc::new(Cell(render(key), self.0.clone())))
    }
}

#[actix_rt::test]
async fn metrics_count_requests_waits_and_retries_with_bounded_labels() {
    let store: Store = Arc::default();
    metrics::set_global_recorder(TestRecorder(store.clone())).expect("first recorder");
    m::describe();
    let (h, c) = start(SimConfig::default()).await;
    for i in 0..3 {
        c.create_router(&router(id(), &format!("r{i}")))
            .await
            .unwrap();
    }
    // One router whose every request gets MidoNet's lock-timeout 503.
    let st = sim_api(
        &h,
        reqwest::Method::POST,
        "faults",
        json!({"match": "flaky", "rate": 1.0, "kinds": ["unavailable"]}),
    )
    .await;
    assert!((200..300).contains(&st), "{st}");
    let err = c.create_router(&router(id(), "flaky")).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unavailable {
                status: 503,
                attempts: 10,
                ..
            }
        ),
        "{err}"
    );

    let s = store.lock().unwrap().clone();
    let get = |k: &str| s.get(k).copied().unwrap_or_default();
    assert_eq!(
        get("vpcmido_midonet_requests_total{method=POST,resource=router,status=201}").0,
        3
    );
    assert_eq!(
        get("vpcmido_midonet_requests_total{method=POST,resource=router,status=503}").0,
        10
    );
    assert_eq!(
        get("vpcmido_midonet_requests_total{method=GET,resource=application,status=200}").0,
        1
    );
    assert_eq!(
        get("vpcmido_midonet_retries_total{reason=unavailable}").0,
        9
    );
    assert_eq!(
        get("vpcmido_midonet_request_duration_seconds{method=POST,resource=router}").0,
        13
    );
    assert_eq!(
        get("vpcmido_midonet_ratelimit_wait_seconds{budget=write}").0,
        13
    );
    // Reads: the root document, and the one health probe after the call failed for good.
    assert_eq!(
        get("vpcmido_midonet_ratelimit_wait_seconds{budget=read}").0,
        2
    );
    assert_eq!(
        get("vpcmido_midonet_requests_total{method=GET,resource=system_state,status=200}").0,
        1
    );
    // Labels are bounded: kinds, methods, statuses — never an id or a name.
    for k in s.keys() {
        let labels = k
            .split('{')
            .nth(1)
            .unwrap_or_default()
            .trim_end_matches('}');
        for kv in labels.split(',').filter(|x| !x.is_empty()) {
            let (name, value) = kv.split_once('=').unwrap();
            let ok = match name {
                "method" => ["GET", "POST", "PUT", "DELETE"].contains(&value),
                "resource" => value.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "status" => value == "error" || value.parse::<u16>().is_ok(),
                "budget" => ["read", "write"].contains(&value),
                "reason" => [
                    "unavailable",
                    "server_error",
                    "conflict",
                    "timeout",
                    "connect",
                ]
                .contains(&value),
                _ => false,
            };
            assert!(ok, "unbounded label {kv} in {k}");
        }
    }
    assert_eq!(c.stats().calls(), sim_total(&h));
    h.stop().await.unwrap();
}
