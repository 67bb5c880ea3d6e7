//! Shared by tests/observability_*.rs: a `vpcmido run` process on the embedded emulator
//! (killed on drop), a tiny HTTP/1.0 client, the dashboard generator and PromQL name
//! extraction.
#![allow(dead_code)]

#[path = "../../dashboards/gen/mod.rs"]
pub mod gen;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_vpcmido");

/// Polls `cond` every 50 ms until it holds; panics with `what` after `timeout`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut cond: impl FnMut() -> Option<T>) -> T {
    let t0 = Instant::now();
    loop {
        if let Some(v) = cond() {
            return v;
        }
        assert!(
            t0.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process killed (SIGKILL) and reaped when dropped, whatever the test did.
pub struct Reaped(pub Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `vpcmido gen --vpcs N -o <dir>/global_network_info.xml`.
pub fn gen_view(dir: &Path, vpcs: usize) -> PathBuf {
    let p = dir.join("global_network_info.xml");
    let out = Command::new(BIN)
        .args([
            "gen",
            "--vpcs",
            &vpcs.to_string(),
            "--enis-per-subnet",
            "2",
            "-o",
        ])
        .arg(&p)
        .output()
        .expect("vpcmido gen");
    assert!(
        out.status.success(),
        "vpcmido gen: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    p
}

/// The view version a file carries (the `version` attribute of the root element).
pub fn view_version(p: &Path) -> String {
    let s = std::fs::read_to_string(p).expect("view");
    let root = s.find("<network-data").expect("root element");
    let i = root + s[root..].find("version=\"").expect("version attribute") + 9;
    s[i..i + s[i..].find('"').expect("closing quote")].to_string()
}

/// A running `vpcmido run --log-format json` on the embedded emulator.
pub struct Daemon {
    pub child: Reaped,
    pub dir: tempfile::TempDir,
    pub gni: PathBuf,
    pub applied: PathBuf,
    pub log: PathBuf,
    /// `127.0.0.1:PORT` of the admin API (read from the log: it listens on port 0).
    pub admin: String,
}

impl Daemon {
    /// Starts the daemon on a generated view of `vpcs` VPCs, with `extra` flags, and waits
    /// for its admin API (not for the first apply: see [`Daemon::wait_applied`]).
    pub fn start(vpcs: usize, extra: &[&str]) -> Daemon {
        let dir = tempfile::tempdir().expect("tempdir");
        let gni = gen_view(dir.path(), vpcs);
        let applied = dir.path().join("global_network_info.version");
        let log = dir.path().join("vpcmido.log");
        let child = Command::new(BIN)
            .arg("run")
            .arg("--gni")
            .arg(&gni)
            .arg("--applied-version-file")
            .arg(&applied)
            .args(["--admin", "127.0.0.1:0", "--log-format", "json"])
            .args(extra)
            .env("VPCMIDO_EUCALYPTUS_CONF", "/dev/null")
            .env_remove("MIDO_API_URIBASE")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("vpcmido run");
        let mut child = Reaped(child);
        let admin = wait_for(
            "the admin API address in the log",
            Duration::from_secs(30),
            || {
                if let Ok(Some(s)) = child.0.try_wait() {
                    panic!(
                        "vpcmido run exited ({s}): {}",
                        std::fs::read_to_string(&log).unwrap_or_default()
                    );
                }
                admin_addr(&std::fs::read_to_string(&log).unwrap_or_default())
            },
        );
        Daemon {
            child,
            dir,
            gni,
            applied,
            log,
            admin,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.admin)
    }

    /// Waits until the applied-version file names the view's version.
    pub fn wait_applied(&self, timeout: Duration) -> String {
        let want = view_version(&self.gni);
        wait_for("the applied-version file", timeout, || {
            let got = std::fs::read_to_string(&self.applied).unwrap_or_default();
            (got.trim() == want).then(|| want.clone())
        })
    }

    pub fn log_lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// `GET /metrics`: status and body.
    pub fn scrape(&self) -> String {
        let (code, body) = http(&self.admin, "GET", "/metrics", "");
        assert_eq!(code, 200, "GET /metrics: {body}");
        body
    }
}

/// The `addr` of the JSON log line "admin API listening".
pub fn admin_addr(log: &str) -> Option<String> {
    log.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["message"] == "admin API listening")
        .and_then(|v| v["addr"].as_str().map(str::to_string))
}

/// One HTTP/1.0 request (no chunked replies, connection closed by the server); returns the
/// status code and the body. Panics on I/O errors (a test with no server fails loudly).
pub fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let req = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("send");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read reply");
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad reply from {addr}{path}: {head}"));
    (code, body.to_string())
}

/// Percent-encodes a query-string value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sample names of a text exposition (`foo_bucket`, `foo_sum`, … as they appear).
pub fn sample_names(exposition: &str) -> BTreeSet<String> {
    exposition
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split(['{', ' ']).next().unwrap_or("").to_string())
        .collect()
}

/// `# TYPE name kind` lines of a text exposition.
pub fn types(exposition: &str) -> std::collections::BTreeMap<String, String> {
    exposition
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_once(' '))
        .map(|(n, t)| (n.to_string(), t.trim().to_string()))
        .collect()
}

/// The value of the sample `name{labels}` (labels exactly as rendered, sorted by the
/// exporter) or of `name` without labels.
pub fn value(exposition: &str, series: &str) -> Option<f64> {
    exposition
        .lines()
        .find_map(|l| l.strip_prefix(series).and_then(|r| r.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
}

/// Metric names a PromQL expression selects (after [`gen::expand`]); panics when it does not
/// parse.
pub fn promql_names(expr: &str) -> BTreeSet<String> {
    use promql_parser::parser::{self, Expr};
    fn walk(e: &Expr, out: &mut BTreeSet<String>) {
        match e {
            Expr::Aggregate(a) => {
                walk(&a.expr, out);
                if let Some(p) = &a.param {
                    walk(p, out);
                }
            }
            Expr::Unary(u) => walk(&u.expr, out),
            Expr::Binary(b) => {
                walk(&b.lhs, out);
                walk(&b.rhs, out);
            }
            Expr::Paren(p) => walk(&p.expr, out),
            Expr::Subquery(s) => walk(&s.expr, out),
            Expr::VectorSelector(v) => sel(v, out),
            Expr::MatrixSelector(m) => sel(&m.vs, out),
            Expr::Call(c) => c.args.args.iter().for_each(|a| walk(a, out)),
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
        }
    }
    fn sel(v: &parser::VectorSelector, out: &mut BTreeSet<String>) {
        match &v.name {
            Some(n) => {
                out.insert(n.clone());
            }
            None => {
                let n = v.matchers.matchers.iter().find(|m| m.name == "__name__");
                out.insert(n.map_or_else(|| "<no name>".into(), |m| m.value.clone()));
            }
        }
    }
    let e =
        parser::parse(expr).unwrap_or_else(|err| panic!("PromQL does not parse: {expr}\n{err}"));
    let mut out = BTreeSet::new();
    walk(&e, &mut out);
    out
}

/// Every expression the dashboards and alerts hold, expanded for Prometheus, with its origin.
pub fn all_expressions(rate_interval: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = gen::dashboard_queries()
        .into_iter()
        .map(|q| (q.origin, gen::expand(&q.expr, rate_interval)))
        .collect();
    v.extend(
        gen::alerts()
            .into_iter()
            .map(|a| (format!("alert {}", a.name), a.expr)),
    );
    v
}

/// Series Prometheus makes itself (not exported by vpcmido).
pub const PROMETHEUS_SERIES: &[&str] = &["up"];

/// `promtool`, or a loud failure in CI (a missing tool must not pass as a skip). Outside CI,
/// `None` (the test prints why and returns).
pub fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "`{name}` is not installed; scripts/test.sh installs Debian's prometheus package"
        );
        eprintln!("SKIPPED outside CI: `{name}` not found (apt-get install prometheus)");
    }
    found
}
