//! Admission control and retry policy: the shared rate budgets (driven by governor's fake
//! clock, not sleeps), the in-flight write cap (concurrency counted at a test server), and the
//! retry rules (503 with `RetryAfter` retried, 4xx not, timeouts bounded).
mod client_support;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use client_support::*;
use futures::future::join_all;
use governor::clock::FakeRelativeClock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use vpcmido::midonet::client::gate::{Budget, GovernorBudget, Sleeper};
use vpcmido::midonet::client::{
    ApiGate, ClientConfig, Error, GateConfig, MidonetClient, Rate, RetryPolicy,
};
use vpcmido::midonet::sim::SimConfig;
use vpcmido::midonet::snapshot::DiscoverFilter;

fn rate(per_second: u32, burst: u32) -> Rate {
    Rate {
        per_second: per_second.try_into().unwrap(),
        burst: burst.try_into().unwrap(),
    }
}

/// A budget on a fake clock whose "sleep" advances that clock.
fn fake_budget(r: Rate) -> (Arc<dyn Budget>, FakeRelativeClock) {
    let clock = FakeRelativeClock::default();
    let c2 = clock.clone();
    let sleep: Sleeper = Arc::new(move |d| {
        c2.advance(d);
        Box::pin(async {})
    });
    (
        Arc::new(GovernorBudget::new(r, clock.clone(), sleep)),
        clock,
    )
}

fn elapsed(clock: &FakeRelativeClock) -> Duration {
    let start = FakeRelativeClock::default();
    // Nanos since the fake epoch, via governor's own arithmetic.
    use governor::clock::{Clock, Reference};
    clock.now().duration_since(start.now()).into()
}

#[actix_rt::test]
async fn budget_paces_on_the_fake_clock() {
    let (b, clock) = fake_budget(rate(10, 5));
    let mut waited = Duration::ZERO;
    for _ in 0..50 {
        waited += b.acquire().await;
    }
    // 5 at once (burst), then one per 100 ms.
    assert_eq!(waited, Duration::from_millis(4500));
    assert_eq!(elapsed(&clock), Duration::from_millis(4500));
}

#[actix_rt::test]
async fn shared_budgets_pace_client_writes_and_reads() {
    let h = vpcmido::midonet::sim::start(SimConfig::default())
        .await
        .unwrap();
    let (wb, wclock) = fake_budget(rate(10, 1));
    let (rb, rclock) = fake_budget(rate(5, 5));
    let gate = ApiGate::with_budgets(Some(rb), Some(wb), 4);
    let c = MidonetClient::connect_with_gate(&h.url(), test_config(), gate.clone())
        .await
        .unwrap();
    // A second client on the same gate shares the budgets (one daemon-wide pool).
    let c2 = MidonetClient::connect_with_gate(&h.url(), test_config(), gate)
        .await
        .unwrap();
    for i in 0..11 {
        c.create_chain(&chain(id(), &format!("c{i}")))
            .await
            .unwrap();
        c2.create_chain(&chain(id(), &format!("d{i}")))
            .await
            .unwrap();
    }
    // 22 writes at 10/s with burst 1: the first is free, 21 wait 100 ms each.
    assert_eq!(elapsed(&wclock), Duration::from_millis(2100));
    assert_eq!(
        c.stats().write_wait + c2.stats().write_wait,
        Duration::from_millis(2100)
    );
    // Reads: 2 root GETs + 7 lists + 22 rule lists = 31 at 5/s with burst 5 → 26 waits of
    // 200 ms, although discovery runs its GETs concurrently.
    c.discover(&DiscoverFilter::default()).await.unwrap();
    assert_eq!(elapsed(&rclock), Duration::from_millis(26 * 200));
    assert_eq!(
        c.stats().read_wait + c2.stats().read_wait,
        Duration::from_millis(26 * 200)
    );
    assert_eq!(sim_total(&h), 22 + 31);
    h.stop().await.unwrap();
}

/// A scripted MidoNet stand-in: counts concurrent requests and answers per path.
#[derive(Default)]
struct Script {
    current: AtomicUsize,
    max: AtomicUsize,
    posts: AtomicUsize,
    flaky_left: AtomicUsize,
}

async fn handler(req: HttpRequest, body: web::Bytes, s: web::Data<Script>) -> HttpResponse {
    let host = req.connection_info().host().to_string();
    let base = format!("http://{host}/midonet-api/");
    let path = req.path().to_string();
    if req.method() == actix_web::http::Method::GET && path == "/midonet-api/" {
        return HttpResponse::Ok().content_type("application/json").body(
            serde_json::json!({"uri": base, "version": "v5.0",
                "routers": format!("{base}routers"), "routerTemplate": format!("{base}routers/{{id}}"),
                "bridges": format!("{base}bridges"), "bridgeTemplate": format!("{base}bridges/{{id}}"),
                "chains": format!("{base}chains"), "chainTemplate": format!("{base}chains/{{id}}")})
            .to_string(),
        );
    }
    s.posts.fetch_add(1, Ordering::SeqCst);
    let now = s.current.fetch_add(1, Ordering::SeqCst) + 1;
    s.max.fetch_max(now, Ordering::SeqCst);
    let reply = match path.as_str() {
        "/midonet-api/routers" => {
            tokio::time::sleep(Duration::from_millis(20)).await;
            HttpResponse::Created().finish()
        }
        // 503 with MidoNet's non-standard header until the script runs out, then 201.
        "/midonet-api/bridges" => {
            let left = s.flaky_left.load(Ordering::SeqCst);
            if left > 0 {
                s.flaky_left.store(left - 1, Ordering::SeqCst);
                HttpResponse::ServiceUnavailable()
                    .insert_header(("RetryAfter", "0"))
                    .content_type("application/vnd.org.midonet.Error-v1+json")
                    .body(r#"{"message":"Could not acquire lock for storage operation.","code":503}"#)
            } else {
                HttpResponse::Created().finish()
            }
        }
        // Slower than the client's timeout.
        "/midonet-api/chains" if body.windows(4).any(|w| w == b"slow") => {
            tokio::time::sleep(Duration::from_millis(300)).await;
            HttpResponse::Created().finish()
        }
        _ => HttpResponse::BadRequest()
            .content_type("application/vnd.org.midonet.Error-v1+json")
            .body(r#"{"message":"Validation error(s) found","code":400,"violations":[{"property":"name","message":"size must be between 1 and 255"}]}"#),
    };
    s.current.fetch_sub(1, Ordering::SeqCst);
    reply
}

async fn script_server(s: web::Data<Script>) -> (String, actix_web::dev::ServerHandle) {
    let srv = HttpServer::new(move || {
        App::new()
            .app_data(s.clone())
            .default_service(web::to(handler))
    })
    .workers(2)
    .disable_signals()
    .bind("127.0.0.1:0")
    .unwrap();
    let addr = srv.addrs()[0];
    let srv = srv.run();
    let handle = srv.handle();
    actix_rt::spawn(srv);
    (format!("http://{addr}/midonet-api"), handle)
}

#[actix_rt::test]
async fn in_flight_writes_never_exceed_the_cap() {
    for cap in [1usize, 3] {
        let s = web::Data::new(Script::default());
        let (url, srv) = script_server(s.clone()).await;
        let cfg = ClientConfig {
            gate: GateConfig {
                max_writes_in_flight: cap,
                ..GateConfig::default()
            },
            ..test_config()
        };
        let c = MidonetClient::connect(&url, cfg).await.unwrap();
        let results = join_all((0..12).map(|i| {
            let c = c.clone();
            async move { c.create_router(&router(id(), &format!("r{i}"))).await }
        }))
        .await;
        assert!(results.iter().all(Result::is_ok));
        assert_eq!(s.posts.load(Ordering::SeqCst), 12);
        assert_eq!(
            s.max.load(Ordering::SeqCst),
            cap,
            "max concurrent writes with cap {cap}"
        );
        srv.stop(true).await;
    }
}

#[actix_rt::test]
async fn retry_policy_retries_503_not_4xx_and_bounds_timeouts() {
    let s = web::Data::new(Script::default());
    s.flaky_left.store(2, Ordering::SeqCst);
    let (url, srv) = script_server(s.clone()).await;
    let cfg = ClientConfig {
        request_timeout: Duration::from_millis(100),
        retry: RetryPolicy {
            max_attempts: 3,
            base: Duration::from_millis(1),
            cap: Duration::from_millis(2),
        },
        ..test_config()
    };
    let c = MidonetClient::connect(&url, cfg).await.unwrap();

    // Two 503s, then 201: success after 2 retries.
    let before = c.stats();
    c.create_bridge(&bridge(id(), "b")).await.unwrap();
    let d = c.stats().since(&before);
    assert_eq!((d.writes, d.post, d.retries), (1, 3, 2));

    // 400: one call, a typed error with MidoNet's message and violations.
    let before = c.stats();
    let err = c.create_chain(&chain(id(), "x")).await.unwrap_err();
    let d = c.stats().since(&before);
    assert_eq!((d.post, d.retries), (1, 0));
    match &err {
        Error::Rejected {
            status,
            message,
            op,
        } => {
            assert_eq!(*status, 400);
            assert!(message
                .as_deref()
                .unwrap_or_default()
                .contains("size must be between"));
            assert_eq!(op.kind.label(), "chain");
        }
        other => panic!("{other}"),
    }
    assert!(!err.is_transient());

    // Timeouts: retried up to the attempt bound, then a typed Transport error.
    let before = c.stats();
    let err = c.create_chain(&chain(id(), "slow")).await.unwrap_err();
    let d = c.stats().since(&before);
    assert_eq!((d.post, d.retries), (3, 2));
    assert!(
        matches!(
            err,
            Error::Transport {
                timeout: true,
                attempts: 3,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.is_transient());
    srv.stop(true).await;
}
