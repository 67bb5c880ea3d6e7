//! PENDING THE DAEMON (issue 7): compiled, but every test is `#[ignore]`d — `vpcmido run` is
//! not on this branch, so none of them runs or claims to pass (RELIABILITY.md lists them as
//! pending). It holds the daemon-only parts of issue 10, written against the daemon as issue
//! 7 describes it; the few guesses about its interface (flags, the admin address line,
//! `/status` fields, metric names, admin endpoints) are gathered in the `daemon` adapter
//! below, so enabling the file means checking that adapter against docs/daemon.md and
//! removing the `#[ignore]`s (`cargo test --test reliability_daemon -- --ignored` runs them). Every test asserts figures (writes and
//! deletes from `/_sim/stats`, byte-for-byte state, status codes, counts of connection
//! attempts), as the enabled tests do.
//!
//! 1. bad views keep the last good state with 0 deletes, and say so (log, /status, metrics):
//!    truncated file, invalid XML, invalid references, a file replaced mid-read;
//! 2. the mass-delete guard holds a view with every VPC removed;
//! 3. kill -9 of the daemon at 20 seeded points of a cold build, restarted each time;
//! 4. MidoNet unreachable for 60 s: bounded attempts, then recovery without a restart;
//! 5. admin surface: loopback by default; with a token every mutating call without it (or
//!    with a wrong one) is 401; the token never appears in the logs.
mod reliability_support;
use reliability_support::*;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Everything this file assumes about `vpcmido run` (issue 7). Check against docs/daemon.md.
mod daemon {
    use super::*;

    /// A running daemon: its process, its admin URL, and its log file.
    pub struct Daemon {
        pub proc: Proc,
        pub admin: String,
        pub log: std::path::PathBuf,
    }

    /// `vpcmido run --gni VIEW --midonet-url URL --admin-listen 127.0.0.1:0 [extra]`, stderr
    /// to a log file; waits for the line `admin listening on http://ADDR`.
    pub fn start(dir: &std::path::Path, view: &str, url: &str, extra: &[&str]) -> Daemon {
        let log = dir.join(format!("daemon-{}.log", std::process::id()));
        let err = std::fs::File::create(&log).expect("log file");
        let mut cmd = Command::new(bin());
        cmd.args(["run", "--gni", view, "--midonet-url", url])
            .args(["--admin-listen", "127.0.0.1:0"])
            .args(extra)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(err);
        let proc = Proc::spawn("vpcmido run", &mut cmd);
        let end = Instant::now() + Duration::from_secs(20);
        let admin = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(a) = text
                .lines()
                .find_map(|l| l.split("admin listening on ").nth(1))
                .map(|a| a.trim().trim_matches('"').to_string())
            {
                break a;
            }
            assert!(Instant::now() < end, "no admin address in the log:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        };
        Daemon { proc, admin, log }
    }

    /// `GET /status` as JSON.
    pub async fn status(d: &Daemon) -> serde_json::Value {
        get_json(&format!("{}/status", d.admin)).await
    }

    /// The view version the daemon last applied (`/status` `applied_version`).
    pub async fn applied_version(d: &Daemon) -> Option<String> {
        status(d).await["applied_version"]
            .as_str()
            .map(str::to_string)
    }

    /// The last view error `/status` reports (`last_view_error`).
    pub async fn view_error(d: &Daemon) -> Option<String> {
        status(d).await["last_view_error"]
            .as_str()
            .map(str::to_string)
    }

    /// Whether the mass-delete guard holds a view (`/status` `guard.holding`).
    pub async fn guard_holding(d: &Daemon) -> bool {
        status(d).await["guard"]["holding"] == true
    }

    /// A counter from `/metrics` (Prometheus text), summed over its labels.
    pub async fn metric(d: &Daemon, name: &str) -> f64 {
        let text = reqwest::get(format!("{}/metrics", d.admin))
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text");
        text.lines()
            .filter(|l| l.starts_with(name) && !l.starts_with('#'))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }

    /// Metric names (docs/metrics.md).
    pub const VIEWS_REJECTED: &str = "vpcmido_views_rejected_total";
    pub const GUARD_HELD: &str = "vpcmido_mass_delete_guard_held_total";

    /// Mutating admin calls (method, path): every one must need the token.
    pub const MUTATING: &[(&str, &str)] = &[
        ("POST", "/reconcile"),
        ("PUT", "/log-level"),
        ("POST", "/guard/release"),
        ("POST", "/shutdown"),
    ];
}
use daemon::*;

fn delete_count(stats: &serde_json::Value) -> u64 {
    stats["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["method"] == "DELETE")
        .map(|r| r["count"].as_u64().unwrap_or(0))
        .sum()
}

/// Waits until the daemon reports `version` applied.
async fn converged(d: &Daemon, version: &str) {
    poll(
        &format!("view {version} applied"),
        Duration::from_secs(120),
        Duration::from_millis(50),
        || async { (applied_version(d).await.as_deref() == Some(version)).then_some(()) },
    )
    .await
}

#[actix_rt::test]
#[ignore = "pending the daemon (issue 7): `vpcmido run` is not on this branch"]
async fn bad_views_keep_the_last_good_state_with_zero_deletes_and_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (good, path) = gen_view(dir.path(), "view.xml", 2, 2, 8);
    let gni = path.to_str().expect("utf-8").to_string();
    let (_sim, base) = spawn_sim(&["--hosts-from-gni", &gni]);
    let d = start(dir.path(), &gni, &format!("{base}/midonet-api"), &[]);
    converged(&d, &good.version).await;
    let good_state = sim_state(&base).await;
    let deletes = delete_count(&sim_stats(&base).await);
    let unordered = unordered_chains(&good);
    let text = std::fs::read(&path).expect("view bytes");
    let example = |n: &str| {
        std::fs::read(format!("{}/examples/gni/{n}", env!("CARGO_MANIFEST_DIR"))).expect("example")
    };
    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", text[..text.len() / 2].to_vec()),
        (
            "invalid XML",
            b"<network-data version=\"1\"><vpcs></network-data>".to_vec(),
        ),
        ("invalid references", example("invalid-missing-vpc.xml")),
        ("truncated example", example("invalid-truncated.xml")),
        ("empty file", Vec::new()),
    ];
    for (n, (what, bytes)) in bad.iter().enumerate() {
        let rejected = metric(&d, VIEWS_REJECTED).await;
        std::fs::write(&path, bytes).expect("write bad view");
        poll(
            &format!("{what}: rejection counted"),
            Duration::from_secs(30),
            Duration::from_millis(50),
            || async { (metric(&d, VIEWS_REJECTED).await > rejected).then_some(()) },
        )
        .await;
        let err = view_error(&d).await.unwrap_or_default();
        assert!(!err.is_empty(), "{what}: /status names the error");
        let log = std::fs::read_to_string(&d.log).unwrap_or_default();
        assert!(log.contains(&gni), "{what}: the log names the file");
        assert_eq!(
            delete_count(&sim_stats(&base).await),
            deletes,
            "{what}: 0 deletes"
        );
        let a = audit(&sim_state(&base).await, &good_state, &unordered);
        a.assert_clean(&format!(
            "bad view {n} ({what}): the last good state is kept"
        ));
        assert_eq!(
            applied_version(&d).await.as_deref(),
            Some(good.version.as_str())
        );
    }

    // A file replaced mid-read: the first half, a pause, then the rest.
    let mut f = std::fs::File::create(&path).expect("rewrite");
    f.write_all(&text[..text.len() / 2]).expect("first half");
    f.flush().expect("flush");
    tokio::time::sleep(Duration::from_millis(500)).await;
    f.write_all(&text[text.len() / 2..]).expect("second half");
    drop(f);
    converged(&d, &good.version).await;
    assert_eq!(
        delete_count(&sim_stats(&base).await),
        deletes,
        "torn read: 0 deletes"
    );
    audit(&sim_state(&base).await, &good_state, &unordered).assert_clean("after a torn write");
}

#[actix_rt::test]
#[ignore = "pending the daemon (issue 7): `vpcmido run` is not on this branch"]
async fn the_mass_delete_guard_holds_a_view_with_every_vpc_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (good, path) = gen_view(dir.path(), "view.xml", 2, 2, 8);
    let gni = path.to_str().expect("utf-8").to_string();
    let (_sim, base) = spawn_sim(&["--hosts-from-gni", &gni]);
    let d = start(dir.path(), &gni, &format!("{base}/midonet-api"), &[]);
    converged(&d, &good.version).await;
    let good_state = sim_state(&base).await;
    let deletes = delete_count(&sim_stats(&base).await);
    let mut empty = keep_vpcs(&good, 0);
    empty.version = "0000beef".into();
    write_view(&empty, &path);
    poll(
        "the guard holds the empty view",
        Duration::from_secs(30),
        Duration::from_millis(50),
        || async { guard_holding(&d).await.then_some(()) },
    )
    .await;
    assert!(metric(&d, GUARD_HELD).await >= 1.0);
    assert_eq!(delete_count(&sim_stats(&base).await), deletes, "0 deletes");
    audit(
        &sim_state(&base).await,
        &good_state,
        &unordered_chains(&good),
    )
    .assert_clean("the guard keeps every VPC");
    assert_eq!(
        applied_version(&d).await.as_deref(),
        Some(good.version.as_str())
    );
}

#[actix_rt::test]
#[ignore = "pending the daemon (issue 7): `vpcmido run` is not on this branch"]
async fn kill_9_the_daemon_at_20_points_of_a_cold_build_then_it_converges() {
    use rand::{Rng, SeedableRng};
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "view.xml", 2, 4, 16);
    let gni = path.to_str().expect("utf-8").to_string();
    let (_ref_sim, ref_base) = spawn_sim(&["--hosts-from-gni", &gni]);
    let (code, _, _) = run_cli(
        &[
            "apply",
            "--gni",
            &gni,
            "--midonet-url",
            &format!("{ref_base}/midonet-api"),
        ],
        Duration::from_secs(120),
    )
    .await;
    assert_eq!(code, 0);
    let cold = writes_applied(&ref_base).await;
    let reference = sim_state(&ref_base).await;
    let (_sim, base) = spawn_sim(&["--hosts-from-gni", &gni]);
    let url = format!("{base}/midonet-api");
    let mut rng = rand::rngs::StdRng::seed_from_u64(10);
    let mut points: Vec<u64> = (0..20)
        .map(|_| rng.gen_range(cold / 40..cold * 39 / 40))
        .collect();
    points.sort_unstable();
    for target in points {
        let mut d = start(dir.path(), &gni, &url, &[]);
        poll(
            &format!("{target} writes"),
            Duration::from_secs(60),
            Duration::from_millis(2),
            || async { (writes_applied(&base).await >= target).then_some(()) },
        )
        .await;
        assert!(d.proc.kill9(), "the daemon was running at {target}");
    }
    let d = start(dir.path(), &gni, &url, &[]);
    converged(&d, &view.version).await;
    assert_eq!(
        writes_applied(&base).await,
        cold,
        "every object written once"
    );
    audit(
        &sim_state(&base).await,
        &reference,
        &unordered_chains(&view),
    )
    .assert_clean("daemon killed 20 times");
}

#[actix_rt::test]
#[ignore = "pending the daemon (issue 7): `vpcmido run` is not on this branch"]
async fn midonet_unreachable_for_60_s_is_retried_with_backoff_then_recovered_without_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "view.xml", 1, 2, 4);
    let gni = path.to_str().expect("utf-8").to_string();
    let state = dir.path().join("sim-state.json");
    let st = state.to_str().expect("utf-8").to_string();
    let (mut sim, base) = spawn_sim(&["--hosts-from-gni", &gni, "--state-file", &st]);
    let mut d = start(dir.path(), &gni, &format!("{base}/midonet-api"), &[]);
    converged(&d, &view.version).await;
    let addr: std::net::SocketAddr = base.trim_start_matches("http://").parse().expect("addr");
    assert!(sim.kill9());
    // 60 s of a port that accepts and closes every connection, counting attempts.
    let listener = std::net::TcpListener::bind(addr).expect("rebind");
    listener.set_nonblocking(true).expect("nonblocking");
    let end = Instant::now() + Duration::from_secs(60);
    let mut attempts = 0u64;
    while Instant::now() < end {
        match listener.accept() {
            Ok(_) => attempts += 1,
            Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
    drop(listener);
    eprintln!("60 s unreachable: {attempts} connection attempts");
    // Backoff capped at 30 s between reconcile attempts of each actor: a few dozen at most.
    assert!(attempts <= 100, "{attempts} attempts in 60 s: a hot loop");
    assert!(view_error(&d).await.is_none());
    assert!(status(&d).await["midonet"]["reachable"] == false);
    // MidoNet back, empty: the daemon notices and rebuilds by itself.
    let (_sim2, base2) = spawn_sim(&["--hosts-from-gni", &gni, "--listen", &addr.to_string()]);
    assert_eq!(base2, base);
    poll(
        "rebuilt after the outage",
        Duration::from_secs(120),
        Duration::from_millis(100),
        || async {
            let w = writes_applied(&base).await;
            (w > 0 && status(&d).await["midonet"]["reachable"] == true).then_some(w)
        },
    )
    .await;
    assert!(
        d.proc.child.try_wait().ok().flatten().is_none(),
        "no restart needed"
    );
}

#[actix_rt::test]
#[ignore = "pending the daemon (issue 7): `vpcmido run` is not on this branch"]
async fn the_admin_surface_is_loopback_by_default_and_needs_the_token_for_every_mutating_call() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "view.xml", 1, 1, 2);
    let gni = path.to_str().expect("utf-8").to_string();
    let (_sim, base) = spawn_sim(&["--hosts-from-gni", &gni]);
    let token = "s3cr3t-token-5f1c9a";
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, token).expect("token file");
    let tf = token_file.to_str().expect("utf-8");

    // Default bind: without --admin-listen the admin address is a loopback address.
    let log = dir.path().join("default.log");
    let mut cmd = Command::new(bin());
    cmd.args([
        "run",
        "--gni",
        &gni,
        "--midonet-url",
        &format!("{base}/midonet-api"),
    ])
    .stdout(Stdio::null())
    .stderr(std::fs::File::create(&log).expect("log"));
    let p = Proc::spawn("vpcmido run (default admin)", &mut cmd);
    let addr = poll(
        "the admin address",
        Duration::from_secs(20),
        Duration::from_millis(20),
        || async {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .lines()
                .find_map(|l| l.split("admin listening on http://").nth(1))
                .map(|a| a.trim().trim_matches('"').to_string())
        },
    )
    .await;
    let sa: std::net::SocketAddr = addr.parse().expect("admin addr");
    assert!(sa.ip().is_loopback(), "default admin bind {sa}");
    drop(p);

    let d = start(
        dir.path(),
        &gni,
        &format!("{base}/midonet-api"),
        &["--admin-token-file", tf],
    );
    converged(&d, &view.version).await;
    let http = reqwest::Client::new();
    let mut codes = Vec::new();
    for (method, path) in MUTATING {
        for auth in [None, Some("Bearer wrong"), Some("wrong")] {
            let mut r = http.request(
                method.parse().expect("method"),
                format!("{}{path}", d.admin),
            );
            if let Some(a) = auth {
                r = r.header("Authorization", a);
            }
            let s = r.send().await.expect("admin call").status().as_u16();
            codes.push(s);
            assert_eq!(s, 401, "{method} {path} with {auth:?}");
        }
    }
    assert_eq!(codes.len(), MUTATING.len() * 3);
    // Reads stay open; the token is never logged.
    assert_eq!(
        http.get(format!("{}/metrics", d.admin))
            .send()
            .await
            .expect("metrics")
            .status(),
        200
    );
    let ok = http
        .post(format!("{}/reconcile", d.admin))
        .header("Authorization", format!("Bearer {token}"))
        .send()
        .await
        .expect("reconcile")
        .status()
        .as_u16();
    assert!((200..300).contains(&ok), "with the token: {ok}");
    let logs = std::fs::read_to_string(&d.log).unwrap_or_default();
    assert!(!logs.contains(token), "the token appears in the log");
}
