//! The daemon-only parts of issue 10, against `vpcmido run` as a child process (docs/daemon.md).
//! Every test asserts figures (writes and deletes from `/_sim/stats`, byte-for-byte state,
//! status codes, counts of connection attempts and log lines), never just "no error":
//!
//! 1. bad views keep the last good state with 0 deletes, and say so (log, `/status`
//!    `view_error`, `vpcmido_view_errors_total`, `vpcmido_view_invalid`): truncated file,
//!    invalid XML, invalid references, the truncated example, an empty file, a missing file,
//!    and a file replaced mid-read (atomic rename; in-place rewrite caught half-written);
//! 2. the mass-delete guard holds a view with every VPC removed (0 deletes) until
//!    `POST /confirm` with the token, then deletes down to what a clean apply of that view gives;
//! 3. kill -9 of the daemon at 20 seeded points of a cold build, restarted each time;
//! 4. MidoNet unreachable (a port that accepts and closes every connection, counted) while a
//!    new view waits: bounded attempts (backoff), then recovery without a restart;
//! 5. admin surface: 127.0.0.1:9711 by default; with a token every mutating call without it
//!    (or with a wrong one) is 401, with it is served; the token never appears in the logs.
//!
//! Three stricter tests are `#[ignore]`d for daemon bugs they show (RELIABILITY.md, D1–D3):
//! a confirmed empty view must leave what a clean apply of it gives (with and without the
//! removed VPCs' security groups), and a daemon killed mid-build must write every object once.
//!
//! The daemon is driven only through its documented surface: flags `--gni`, `--midonet-url`,
//! `--admin` (port 0 binds a free port; the bound address is the `addr` field of the JSON log
//! line `admin API listening`), `--applied-version-file`, `--log-format json`, and the
//! `VPCMIDO_*` environment variables for the other keys (`admin_token_file`, backoff, audit).
mod reliability_support;
use reliability_support::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// `vpcmido run` as docs/daemon.md describes it.
mod daemon {
    use super::*;

    /// A running daemon: its process, its admin URL (`http://ADDR`), and its log file.
    pub struct Daemon {
        pub proc: Proc,
        pub admin: String,
        pub log: PathBuf,
    }

    static STARTS: AtomicUsize = AtomicUsize::new(0);

    /// The command line every start uses: JSON logs to a file, the handshake file in `dir`
    /// (never eucanetd's path), no eucalyptus.conf, no drift audit.
    pub fn command(
        dir: &Path,
        view: &str,
        url: &str,
        admin: Option<&str>,
        env: &[(&str, &str)],
    ) -> (Command, PathBuf) {
        let n = STARTS.fetch_add(1, Ordering::SeqCst);
        let log = dir.join(format!("daemon-{n}.log"));
        let err = std::fs::File::create(&log).expect("log file");
        let mut cmd = Command::new(bin());
        cmd.args(["run", "--gni", view, "--midonet-url", url])
            .arg("--applied-version-file")
            .arg(dir.join("applied.version"))
            .args(["--log-format", "json"]);
        if let Some(a) = admin {
            cmd.args(["--admin", a]);
        }
        cmd.env_remove("MIDO_API_URIBASE")
            .env_remove("RUST_LOG")
            .env("VPCMIDO_EUCALYPTUS_CONF", "/dev/null")
            .env("VPCMIDO_AUDIT_INTERVAL_SECONDS", "0")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(err);
        (cmd, log)
    }

    /// The `addr` of the first JSON log line whose message is `message`.
    pub fn logged_addr(log: &Path, message: &str) -> Option<String> {
        std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|v| v["message"] == message)
            .and_then(|v| v["addr"].as_str().map(str::to_string))
    }

    /// Starts `vpcmido run` with `--admin 127.0.0.1:0` and waits for its admin address.
    pub fn start(dir: &Path, view: &str, url: &str, env: &[(&str, &str)]) -> Daemon {
        let (mut cmd, log) = command(dir, view, url, Some("127.0.0.1:0"), env);
        let mut proc = Proc::spawn("vpcmido run", &mut cmd);
        let end = Instant::now() + Duration::from_secs(30);
        let addr = loop {
            if let Some(a) = logged_addr(&log, "admin API listening") {
                break a;
            }
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            assert!(proc.exited().is_none(), "vpcmido run exited:\n{text}");
            assert!(Instant::now() < end, "no admin address in the log:\n{text}");
            std::thread::sleep(Duration::from_millis(10));
        };
        Daemon {
            proc,
            admin: format!("http://{addr}"),
            log,
        }
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

    /// The last view error (`/status` `view_error`).
    pub async fn view_error(d: &Daemon) -> Option<String> {
        status(d).await["view_error"].as_str().map(str::to_string)
    }

    /// A metric from `/metrics` (Prometheus text), summed over its labels; 0 when absent
    /// (event-only counters appear after their first event).
    pub async fn metric(d: &Daemon, name: &str) -> f64 {
        let text = reqwest::get(format!("{}/metrics", d.admin))
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text");
        text.lines()
            .filter(|l| !l.starts_with('#') && l.split([' ', '{']).next() == Some(name))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }

    /// Metric names (docs/metrics.md).
    pub const VIEW_ERRORS: &str = "vpcmido_view_errors_total";
    pub const VIEW_INVALID: &str = "vpcmido_view_invalid";
    pub const GUARD_HELD: &str = "vpcmido_guard_held";
    pub const GUARD_HOLDS: &str = "vpcmido_guard_holds_total";
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
        Duration::from_secs(60),
        Duration::from_millis(20),
        || async { (applied_version(d).await.as_deref() == Some(version)).then_some(()) },
    )
    .await
}

/// `view` applied by `vpcmido apply` on a fresh emulator with hosts from `hosts_gni`: the
/// reference state (and the emulator, kept alive by the caller).
async fn reference(hosts_gni: &str, view: &str) -> (Proc, String, serde_json::Value) {
    let (p, base) = spawn_sim(&["--hosts-from-gni", hosts_gni]);
    let (code, _, err) = run_cli(
        &[
            "apply",
            "--gni",
            view,
            "--midonet-url",
            &format!("{base}/midonet-api"),
        ],
        Duration::from_secs(120),
    )
    .await;
    assert_eq!(code, 0, "reference apply: {err}");
    let state = sim_state(&base).await;
    (p, base, state)
}

/// Every rule without its id and URI, sorted: what the rules do, not what they are called.
fn rule_contents(
    state: &serde_json::Value,
    unordered: &std::collections::BTreeSet<String>,
) -> Vec<String> {
    let mut v: Vec<String> = state["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let mut r = r.clone();
            if let Some(m) = r.as_object_mut() {
                m.remove("id");
                m.remove("uri");
                let chain = m.get("chainId").and_then(|c| c.as_str()).unwrap_or("");
                if unordered.contains(chain) {
                    m.remove("position");
                }
            }
            r.to_string()
        })
        .collect();
    v.sort();
    v
}

fn without_rules(state: &serde_json::Value) -> serde_json::Value {
    let mut s = state.clone();
    if let Some(m) = s.as_object_mut() {
        m.remove("rules");
    }
    s
}

fn with_version(text: &[u8], from: &str, to: &str) -> Vec<u8> {
    let s = String::from_utf8(text.to_vec()).expect("utf-8 view");
    let needle = format!("version=\"{from}\"");
    assert!(s.contains(&needle), "root version {from}");
    s.replacen(&needle, &format!("version=\"{to}\""), 1)
        .into_bytes()
}

fn sigterm(p: &mut Proc) {
    let ok = Command::new("kill")
        .args(["-TERM", &p.pid().to_string()])
        .status()
        .expect("kill")
        .success();
    assert!(ok, "kill -TERM {}", p.pid());
    let end = Instant::now() + Duration::from_secs(15);
    while p.exited().is_none() {
        assert!(
            Instant::now() < end,
            "{} still running after SIGTERM",
            p.what
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[actix_rt::test]
async fn bad_views_keep_the_last_good_state_with_zero_deletes_and_are_reported() {
    let t0 = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let (good, path) = gen_view(dir.path(), "view.xml", 2, 2, 8);
    let gni = path.to_str().expect("utf-8").to_string();
    let (_sim, base) = spawn_sim(&["--hosts-from-gni", &gni]);
    let d = start(dir.path(), &gni, &format!("{base}/midonet-api"), &[]);
    converged(&d, &good.version).await;
    let good_state = sim_state(&base).await;
    let good_stats = sim_stats(&base).await;
    let deletes = delete_count(&good_stats);
    let writes = writes_applied(&base).await;
    assert_eq!(metric(&d, VIEW_ERRORS).await, 0.0);
    assert_eq!(metric(&d, VIEW_INVALID).await, 0.0);
    let unordered = unordered_chains(&good);
    let text = std::fs::read(&path).expect("view bytes");
    let example = |n: &str| {
        std::fs::read(format!("{}/examples/gni/{n}", env!("CARGO_MANIFEST_DIR"))).expect("example")
    };
    // (what, bytes or None for a missing file, the `reason` label expected)
    let bad: Vec<(&str, Option<Vec<u8>>, &str)> = vec![
        ("truncated", Some(text[..text.len() / 2].to_vec()), "syntax"),
        (
            "invalid XML",
            Some(b"<network-data version=\"00000bad\"><vpcs></network-data>".to_vec()),
            "syntax",
        ),
        (
            "invalid references",
            Some(example("invalid-missing-vpc.xml")),
            "invalid",
        ),
        (
            "truncated example",
            Some(example("invalid-truncated.xml")),
            "syntax",
        ),
        ("empty file", Some(Vec::new()), "syntax"),
        ("missing file", None, "read"),
    ];
    let mut errors_seen = 0.0;
    for (n, (what, bytes, reason)) in bad.iter().enumerate() {
        match bytes {
            Some(b) => std::fs::write(&path, b).expect("write bad view"),
            None => std::fs::remove_file(&path).expect("remove view"),
        }
        let counted = poll(
            &format!("{what}: error counted"),
            Duration::from_secs(15),
            Duration::from_millis(20),
            || async {
                let m = metric(&d, VIEW_ERRORS).await;
                (m > errors_seen).then_some(m)
            },
        )
        .await;
        assert_eq!(counted, errors_seen + 1.0, "{what}: counted once");
        errors_seen = counted;
        let by_reason = reqwest::get(format!("{}/metrics", d.admin))
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        assert!(
            by_reason.contains(&format!("{VIEW_ERRORS}{{reason=\"{reason}\"}}")),
            "{what}: reason {reason}"
        );
        assert_eq!(metric(&d, VIEW_INVALID).await, 1.0, "{what}: view_invalid");
        let err = view_error(&d).await.unwrap_or_default();
        assert!(!err.is_empty(), "{what}: /status names the error");
        let log = std::fs::read_to_string(&d.log).unwrap_or_default();
        let logged = log
            .lines()
            .filter(|l| l.contains("view not usable, nothing changed") && l.contains(&gni))
            .count();
        assert_eq!(
            logged,
            n + 1,
            "{what}: one ERROR line per bad view, naming the file"
        );
        // The poll period is 1 s: give it two polls to do anything wrong.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let stats = sim_stats(&base).await;
        assert_eq!(delete_count(&stats), deletes, "{what}: 0 deletes");
        assert_eq!(writes_applied(&base).await, writes, "{what}: 0 writes");
        assert_eq!(
            sim_state(&base).await,
            good_state,
            "{what}: state byte-for-byte unchanged"
        );
        let s = status(&d).await;
        assert_eq!(s["applied_version"], good.version.as_str(), "{what}");
        assert_eq!(s["accepted_version"], good.version.as_str(), "{what}");
        assert_eq!(metric(&d, VIEW_ERRORS).await, errors_seen, "{what}: once");
        eprintln!("bad view {n} ({what}): {reason}: {err}");
    }

    // Back to the good content under a new version, replaced atomically (temp + rename):
    // valid again, no error counted, nothing written.
    let v2 = "0000a001";
    let tmp = dir.path().join("view.xml.tmp");
    std::fs::write(&tmp, with_version(&text, &good.version, v2)).expect("tmp");
    std::fs::rename(&tmp, &path).expect("rename");
    converged(&d, v2).await;
    assert_eq!(view_error(&d).await, None);
    assert_eq!(metric(&d, VIEW_INVALID).await, 0.0);
    assert_eq!(
        metric(&d, VIEW_ERRORS).await,
        errors_seen,
        "rename: no error"
    );

    // In place, caught half-written: rejected, then the completed file is applied.
    let v3 = "0000a002";
    let full = with_version(&text, &good.version, v3);
    let mut f = std::fs::File::create(&path).expect("rewrite");
    f.write_all(&full[..full.len() / 2]).expect("first half");
    f.flush().expect("flush");
    poll(
        "the half-written file is rejected",
        Duration::from_secs(15),
        Duration::from_millis(20),
        || async { (metric(&d, VIEW_ERRORS).await > errors_seen).then_some(()) },
    )
    .await;
    assert_eq!(metric(&d, VIEW_INVALID).await, 1.0);
    f.write_all(&full[full.len() / 2..]).expect("second half");
    drop(f);
    converged(&d, v3).await;
    assert_eq!(view_error(&d).await, None);
    assert_eq!(metric(&d, VIEW_INVALID).await, 0.0);
    // The truncation and the half each may be read: one or two errors, never more.
    let torn = metric(&d, VIEW_ERRORS).await - errors_seen;
    assert!(
        (1.0..=2.0).contains(&torn),
        "{torn} errors for one torn write"
    );
    assert_eq!(delete_count(&sim_stats(&base).await), deletes, "0 deletes");
    assert_eq!(writes_applied(&base).await, writes, "0 writes");
    let after = sim_state(&base).await;
    assert_eq!(after, good_state, "state byte-for-byte unchanged");
    audit(&after, &good_state, &unordered).assert_clean("after every bad view");
    eprintln!(
        "bad views: {errors_seen} + {torn} (torn) errors counted, {deletes} deletes before = after, {writes} writes before = after, {:.1} s",
        t0.elapsed().as_secs_f64()
    );
}

/// The view with every VPC removed; with `keep_sgs`, its security groups stay (they then
/// belong to the core part); without, it is what the CLC sends once every VPC is gone.
fn every_vpc_removed(good: &vpcmido::gni::Gni, keep_sgs: bool) -> vpcmido::gni::Gni {
    let mut empty = keep_vpcs(good, 0);
    if !keep_sgs {
        empty.security_groups.clear();
    }
    empty.version = "0000beef".into();
    empty
}

#[actix_rt::test]
async fn the_mass_delete_guard_holds_a_view_with_every_vpc_removed() {
    guard_holds_then_confirm_deletes(false).await;
}

#[actix_rt::test]
#[ignore = "daemon bug: after POST /confirm of a view with every VPC removed, 29 routes of the removed VPCs stay on the core routers (79 objects where a clean apply of that view gives 50; the unlinked eucabr/eucamdbr ports are swept since the core re-reads MidoNet when a VPC retires) while /status reports the view applied"]
async fn confirmed_empty_view_leaves_exactly_what_a_clean_apply_of_it_gives() {
    let a = guard_holds_then_confirm_deletes(false).await;
    a.assert_clean("after confirm");
}

#[actix_rt::test]
#[ignore = "daemon bug: a confirmed view that removes every VPC but keeps their security groups (they move to the core part) leaves every SG member address in MidoNet (141 stale ip_addr_groups/.../ip_addrs; 227 objects, a clean apply gives 86) while /status reports it applied and the core converged"]
async fn confirmed_view_keeping_the_security_groups_of_removed_vpcs_deletes_their_members() {
    let a = guard_holds_then_confirm_deletes(true).await;
    a.assert_clean("after confirm, SGs kept");
}

/// The guard holds the view with every VPC removed (0 deletes, 401 without the token), then
/// `POST /confirm` with the token applies it; returns the audit of the state after it
/// against a clean apply of that view.
async fn guard_holds_then_confirm_deletes(keep_sgs: bool) -> Audit {
    let t0 = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let (good, path) = gen_view(dir.path(), "view.xml", 2, 2, 8);
    let gni = path.to_str().expect("utf-8").to_string();
    let token = "guard-t0ken-77aa";
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{token}\n")).expect("token file");
    let (_sim, base) = spawn_sim(&["--hosts-from-gni", &gni]);
    let d = start(
        dir.path(),
        &gni,
        &format!("{base}/midonet-api"),
        &[(
            "VPCMIDO_ADMIN_TOKEN_FILE",
            token_file.to_str().expect("utf-8"),
        )],
    );
    converged(&d, &good.version).await;
    let good_state = sim_state(&base).await;
    let deletes = delete_count(&sim_stats(&base).await);
    let vpc_objects = |state: &serde_json::Value| {
        let s = state.to_string();
        good.vpcs
            .iter()
            .map(|v| s.matches(&v.id).count())
            .sum::<usize>()
    };
    let before = vpc_objects(&good_state);
    assert!(before > 0);
    let empty = every_vpc_removed(&good, keep_sgs);
    let empty_path = dir.path().join("empty.xml");
    write_view(&empty, &empty_path);
    std::fs::rename(&empty_path, &path).expect("rename");
    let held = poll(
        "the guard holds the empty view",
        Duration::from_secs(15),
        Duration::from_millis(20),
        || async {
            let s = status(&d).await;
            (!s["held"].is_null()).then(|| s["held"].clone())
        },
    )
    .await;
    assert_eq!(held["version"], "0000beef", "{held}");
    assert!(
        held["reason"].as_str().unwrap_or("").contains("no VPC"),
        "{held}"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(metric(&d, GUARD_HELD).await, 1.0);
    assert_eq!(metric(&d, GUARD_HOLDS).await, 1.0);
    assert_eq!(delete_count(&sim_stats(&base).await), deletes, "0 deletes");
    assert_eq!(
        sim_state(&base).await,
        good_state,
        "byte-for-byte unchanged"
    );
    assert_eq!(
        applied_version(&d).await.as_deref(),
        Some(good.version.as_str())
    );
    let log = std::fs::read_to_string(&d.log).unwrap_or_default();
    assert!(log.contains("0000beef"), "the held view is logged");

    let http = reqwest::Client::new();
    let confirm = |auth: Option<String>| {
        let mut r = http.post(format!("{}/confirm", d.admin));
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        async move {
            let r = r.send().await.expect("confirm");
            (r.status().as_u16(), r.text().await.unwrap_or_default())
        }
    };
    assert_eq!(confirm(None).await.0, 401);
    assert_eq!(confirm(Some("Bearer nope".into())).await.0, 401);
    assert_eq!(delete_count(&sim_stats(&base).await), deletes, "still 0");
    let (code, body) = confirm(Some(format!("Bearer {token}"))).await;
    assert_eq!((code, body.as_str()), (200, "{\"confirmed\":\"0000beef\"}"));
    converged(&d, "0000beef").await;
    assert_eq!(metric(&d, GUARD_HELD).await, 0.0);
    let deleted = delete_count(&sim_stats(&base).await) - deletes;
    let after = sim_state(&base).await;
    assert_eq!(vpc_objects(&after), 0, "no object names a removed VPC");
    // Down to exactly what a clean apply of the empty view gives.
    let empty_ref = dir.path().join("empty-ref.xml");
    write_view(&empty, &empty_ref);
    let (_ref_sim, _, want) = reference(&gni, empty_ref.to_str().expect("utf-8")).await;
    let a = audit(&after, &want, &unordered_chains(&empty));
    eprintln!(
        "guard: held 0000beef ({}), 0 deletes while held, {deleted} after confirm; VPC mentions {before} -> 0; {}; {:.1} s",
        held["reason"],
        a.figures(),
        t0.elapsed().as_secs_f64()
    );
    assert!(deleted > 0);
    a
}

/// Kills `vpcmido run` at 20 seeded points of a cold build, restarts it each time, and checks
/// the three zeros against `vpcmido apply` on a fresh emulator; returns (writes over all
/// runs, writes of one clean run, the emulator's stats).
async fn kill_9_at_20_points() -> (u64, u64, serde_json::Value) {
    use rand::{Rng, SeedableRng};
    let t0 = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "view.xml", 2, 2, 8);
    let gni = path.to_str().expect("utf-8").to_string();
    let (_ref_sim, ref_base, reference) = reference(&gni, &gni).await;
    let cold = writes_applied(&ref_base).await;
    let (_sim, base) = spawn_sim(&["--hosts-from-gni", &gni]);
    let url = format!("{base}/midonet-api");
    let mut rng = rand::rngs::StdRng::seed_from_u64(10);
    let mut points: Vec<u64> = (0..20)
        .map(|_| rng.gen_range(cold / 40..cold * 39 / 40))
        .collect();
    points.sort_unstable();
    let mut at = Vec::new();
    for target in &points {
        let mut d = start(dir.path(), &gni, &url, &[]);
        let w = poll(
            &format!("{target} writes"),
            Duration::from_secs(60),
            Duration::from_millis(1),
            || async {
                let w = writes_applied(&base).await;
                (w >= *target).then_some(w)
            },
        )
        .await;
        assert!(d.proc.kill9(), "the daemon was running at {target}");
        at.push(w);
    }
    let d = start(dir.path(), &gni, &url, &[]);
    converged(&d, &view.version).await;
    let total = writes_applied(&base).await;
    let a = audit(
        &sim_state(&base).await,
        &reference,
        &unordered_chains(&view),
    );
    eprintln!(
        "kill -9 at writes {at:?} (targets {points:?}); writes over all runs {total}, one clean run {cold}; {}; {:.1} s",
        a.figures(),
        t0.elapsed().as_secs_f64()
    );
    a.assert_clean("daemon killed 20 times");
    (total, cold, sim_stats(&base).await)
}

#[actix_rt::test]
async fn kill_9_the_daemon_at_20_points_of_a_cold_build_then_it_converges() {
    let (total, cold, _) = kill_9_at_20_points().await;
    // Every write is counted; the redone ones are bounded (see the ignored test below).
    assert!(
        total >= cold && total <= cold * 2,
        "{total} writes, {cold} in one run"
    );
}

#[actix_rt::test]
#[ignore = "daemon bug: restarted after kill -9 mid-build, the daemon DELETEs and re-creates objects it had already written correctly: over 3 runs 30-34 DELETE ports (+ as many extra POST bridges/ports) and 1 DELETE routes, plus 21 POST ports/link answered 404; 1393-1409 writes in all vs 1325 for one clean run (vpcmido apply: exactly 1325 under the same kills, reliability_crash)"]
async fn kill_9_the_daemon_at_20_points_of_a_cold_build_writes_every_object_once() {
    let (total, cold, stats) = kill_9_at_20_points().await;
    assert_eq!(
        delete_count(&stats),
        0,
        "nothing deleted during a cold build"
    );
    assert_eq!(total, cold, "every object written once");
}

#[actix_rt::test]
async fn midonet_unreachable_is_retried_with_backoff_then_recovered_without_restart() {
    const OUTAGE: Duration = Duration::from_secs(20);
    let t0 = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let (v1, path) = gen_view(dir.path(), "view.xml", 1, 2, 4);
    let gni = path.to_str().expect("utf-8").to_string();
    let v1_copy = dir.path().join("v1.xml");
    write_view(&v1, &v1_copy);
    let gni_v1 = v1_copy.to_str().expect("utf-8").to_string();
    // The view that arrives during the outage: more ENIs (hosts known from the start).
    let (mut v2, v2_path) = gen_view(dir.path(), "v2.xml", 1, 2, 6);
    v2.version = "0000c002".into();
    write_view(&v2, &v2_path);
    let v2s = v2_path.to_str().expect("utf-8").to_string();
    let state = dir.path().join("sim-state.json");
    let st = state.to_str().expect("utf-8").to_string();
    let (mut sim, base) = spawn_sim(&["--hosts-from-gni", &v2s, "--state-file", &st]);
    let mut d = start(
        dir.path(),
        &gni,
        &format!("{base}/midonet-api"),
        &[
            ("VPCMIDO_BACKOFF_BASE_SECONDS", "1"),
            ("VPCMIDO_BACKOFF_CAP_SECONDS", "4"),
        ],
    );
    converged(&d, &v1.version).await;
    let writes_v1 = writes_applied(&base).await;
    let addr: std::net::SocketAddr = base.trim_start_matches("http://").parse().expect("addr");
    sigterm(&mut sim); // saves the state file: MidoNet comes back with its data
    let listener = std::net::TcpListener::bind(addr).expect("rebind");
    listener.set_nonblocking(true).expect("nonblocking");
    let tmp = dir.path().join("view.tmp");
    write_view(&v2, &tmp);
    std::fs::rename(&tmp, &path).expect("rename");
    // A port that accepts and closes every connection, counting attempts per second.
    let start_outage = Instant::now();
    let mut per_s = vec![0u64; OUTAGE.as_secs() as usize];
    while start_outage.elapsed() < OUTAGE {
        match listener.accept() {
            Ok((s, _)) => {
                let i = (start_outage.elapsed().as_secs() as usize).min(per_s.len() - 1);
                per_s[i] += 1;
                drop(s);
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(2)).await,
        }
    }
    drop(listener);
    let attempts: u64 = per_s.iter().sum();
    let s = status(&d).await;
    let vpc = &s["vpcs"][0];
    eprintln!(
        "{OUTAGE:?} unreachable: {attempts} connection attempts, per second {per_s:?}; vpc state {} failures {} backoff {}",
        vpc["state"], vpc["failures"], vpc["backoff_seconds"]
    );
    assert!(attempts > 0, "the daemon tried");
    let busiest = per_s.iter().copied().max().unwrap_or(0);
    assert!(
        attempts <= 200 && busiest <= 50,
        "{attempts} attempts in {OUTAGE:?} (busiest second {busiest}): a hot loop"
    );
    assert!(vpc["failures"].as_u64().unwrap_or(0) >= 2, "{vpc}");
    assert_eq!(s["applied_version"], v1.version.as_str());
    assert_eq!(s["view_error"], serde_json::Value::Null, "not a view error");

    // MidoNet back on the same address with its data: the same process applies v2.
    let (_sim2, base2) = spawn_sim_on(
        &addr.to_string(),
        &["--hosts-from-gni", &v2s, "--state-file", &st],
    );
    assert_eq!(base2, base);
    let back = Instant::now();
    converged(&d, "0000c002").await;
    let recovered = back.elapsed();
    assert!(d.proc.exited().is_none(), "no restart needed");
    // The reference: v1 then v2 applied by `vpcmido apply`, as the daemon would without an
    // outage (a rule's id depends on the chain's history, not on the view alone).
    let (_ref_sim, ref_base, _) = reference(&v2s, &gni_v1).await;
    let (code, _, err) = run_cli(
        &[
            "apply",
            "--gni",
            &v2s,
            "--midonet-url",
            &format!("{ref_base}/midonet-api"),
        ],
        Duration::from_secs(120),
    )
    .await;
    assert_eq!(code, 0, "reference apply of v2: {err}");
    let want = sim_state(&ref_base).await;
    // Rules: the metadata DNAT rules of the ENIs new in v2 carry their eniid (`255.0.0.N`),
    // allocated in another order by the daemon (v1, outage, v2) than by `apply` (v1 then
    // v2), so some rule ids and addresses differ; the rule count must not, and the planner
    // must find nothing left to do against the daemon's result (it recovers the eniids from
    // MidoNet). Everything else: the three zeros.
    let got = sim_state(&base).await;
    let unordered = unordered_chains(&v2);
    let (rg, rw) = (
        rule_contents(&got, &unordered),
        rule_contents(&want, &unordered),
    );
    let other = rg.iter().filter(|r| !rw.contains(r)).count();
    assert_eq!(rg.len(), rw.len(), "rule count");
    let (code, out, err) = run_cli(
        &[
            "plan",
            "--gni",
            &v2s,
            "--midonet-url",
            &format!("{base}/midonet-api"),
            "--detailed-exitcode",
        ],
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(code, 0, "nothing left to do after recovery: {out}{err}");
    let a = audit(&without_rules(&got), &without_rules(&want), &unordered);
    eprintln!(
        "recovered {:.1} s after MidoNet came back (v1 writes {writes_v1}); rules {} ({other} with another eniid), plan: nothing to do; without rules: {}; {:.1} s",
        recovered.as_secs_f64(),
        rg.len(),
        a.figures(),
        t0.elapsed().as_secs_f64()
    );
    a.assert_clean("v2 applied after the outage");
    assert!(recovered < Duration::from_secs(20), "{recovered:?}");
}

#[actix_rt::test]
async fn the_admin_surface_is_loopback_by_default_and_needs_the_token_for_every_mutating_call() {
    let t0 = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let (view, path) = gen_view(dir.path(), "view.xml", 1, 1, 2);
    let gni = path.to_str().expect("utf-8").to_string();
    let (_sim, base) = spawn_sim(&["--hosts-from-gni", &gni]);
    let url = format!("{base}/midonet-api");
    let token = "s3cr3t-token-5f1c9a";
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{token}\n")).expect("token file");
    let tf = token_file.to_str().expect("utf-8");

    // Default bind, without --admin: 127.0.0.1:9711 (or, if that port is taken on this
    // machine, the refusal names the same address).
    assert_eq!(vpcmido::config::DEFAULT_ADMIN, "127.0.0.1:9711");
    let (mut cmd, log) = command(dir.path(), &gni, &url, None, &[]);
    let p = Proc::spawn("vpcmido run (default admin)", &mut cmd);
    let addr = poll(
        "the default admin address",
        Duration::from_secs(30),
        Duration::from_millis(10),
        || async {
            logged_addr(&log, "admin API listening")
                .or_else(|| logged_addr(&log, "cannot listen for the admin API"))
        },
    )
    .await;
    drop(p);
    let sa: std::net::SocketAddr = addr.parse().expect("admin addr");
    assert!(sa.ip().is_loopback(), "default admin bind {sa}");
    assert_eq!(sa.to_string(), "127.0.0.1:9711");

    let d = start(
        dir.path(),
        &gni,
        &url,
        &[
            ("VPCMIDO_ADMIN_TOKEN_FILE", tf),
            ("VPCMIDO_LOG_LEVEL", "debug"),
        ],
    );
    converged(&d, &view.version).await;
    let vpc = view.vpcs[0].id.clone();
    let mutating: Vec<(&str, String, &str)> = vec![
        ("POST", "/resync".into(), ""),
        ("POST", format!("/resync/{vpc}"), ""),
        ("POST", "/confirm".into(), ""),
        ("PUT", "/log-level".into(), "debug"),
    ];
    let http = reqwest::Client::new();
    let call = |method: &str, path: &str, body: &str, auth: Option<String>| {
        let mut r = http
            .request(
                method.parse().expect("method"),
                format!("{}{path}", d.admin),
            )
            .body(body.to_string());
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        async move {
            let r = r.send().await.expect("admin call");
            (r.status().as_u16(), r.text().await.unwrap_or_default())
        }
    };
    let wrong = [
        None,
        Some("Bearer wrong".to_string()),
        Some(token.to_string()),
        Some(format!("Bearer {token}x")),
        Some(format!("Bearer {}", &token[..token.len() - 1])),
        Some(format!("Basic {token}")),
    ];
    let mut refused = 0;
    for (method, path, body) in &mutating {
        for auth in &wrong {
            let (code, _) = call(method, path, body, auth.clone()).await;
            assert_eq!(code, 401, "{method} {path} with {auth:?}");
            refused += 1;
        }
    }
    assert_eq!(refused, 24);
    // With the token: served.
    let bearer = Some(format!("Bearer {token}"));
    let mut served = Vec::new();
    for (method, path, body) in &mutating {
        let (code, text) = call(method, path, body, bearer.clone()).await;
        served.push(format!("{method} {path} → {code} {}", text.trim()));
        let want = match path.as_str() {
            "/resync" => (200, "{\"scopes\":2}".to_string()),
            "/confirm" => (409, "{\"error\":\"no view is held\"}".to_string()),
            "/log-level" => (200, "log filter: debug".to_string()),
            _ => (200, format!("{{\"resync\":\"{vpc}\"}}")),
        };
        assert_eq!((code, text.trim().to_string()), want, "{method} {path}");
    }
    // Reads stay open.
    for p in ["/status", "/metrics", "/healthz", "/readyz"] {
        let (code, _) = call("GET", p, "", None).await;
        assert_eq!(code, 200, "GET {p}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let logs = std::fs::read_to_string(&d.log).unwrap_or_default()
        + &std::fs::read_to_string(&log).unwrap_or_default();
    let warned = logs
        .lines()
        .filter(|l| l.contains("admin call without a valid token refused"))
        .count();
    assert_eq!(warned, 24, "one WARN per refused call");
    assert!(!logs.contains(token), "the token appears in the log");
    assert!(!logs.contains(&token[..8]), "part of the token in the log");
    eprintln!(
        "admin: default {sa}; {refused} refused (401), served: {served:?}; {} log lines, 0 with the token; {:.1} s",
        logs.lines().count(),
        t0.elapsed().as_secs_f64()
    );
}
