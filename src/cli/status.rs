//! `vpcmido status`: the daemon's state from its admin API, as a table or JSON. Also holds
//! the small admin-API client `resync` and `confirm` use.
use crate::actors::status::{DaemonStatus, ScopeStatus};
use clap::Args;
use std::process::ExitCode;

/// How to reach the admin API (shared by status, resync and confirm).
#[derive(Args, Debug, Clone)]
pub struct AdminArgs {
    /// The daemon's admin API.
    #[arg(
        long,
        value_name = "URL",
        env = "VPCMIDO_ADMIN_URL",
        default_value = "http://127.0.0.1:9711"
    )]
    pub admin: String,
    /// File holding the bearer token (when the daemon requires one).
    #[arg(long, value_name = "FILE", env = "VPCMIDO_ADMIN_TOKEN_FILE")]
    pub token_file: Option<std::path::PathBuf>,
}

/// One admin call's answer.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Sends one request to the admin API.
pub fn call(args: &AdminArgs, method: reqwest::Method, path: &str) -> Result<Answer, String> {
    let token = match &args.token_file {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .trim()
                .to_string(),
        ),
        None => None,
    };
    let url = format!("{}{path}", args.admin.trim_end_matches('/'));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let c = reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        let mut req = c.request(method, &url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req
            .send()
            .await
            .map_err(|e| format!("cannot reach the daemon at {url}: {e}"))?;
        let status = r.status().as_u16();
        let body = r.text().await.map_err(|e| e.to_string())?;
        Ok(Answer { status, body })
    })
}

/// Show the daemon's state: versions, held view, and every scope.
///
/// Exit code 0 when the daemon answered, 1 otherwise.
#[derive(Args, Debug)]
pub struct StatusArgs {
    #[command(flatten)]
    pub admin: AdminArgs,
    /// Print the raw JSON document.
    #[arg(long)]
    pub json: bool,
}

fn ago(t: Option<f64>) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    match t {
        Some(t) => format!("{:.0}s ago", (now - t).max(0.0)),
        None => "-".into(),
    }
}

fn row(s: &ScopeStatus) -> String {
    let err = s.last_error.as_deref().unwrap_or("");
    let err: String = err.chars().take(80).collect();
    format!(
        "{:<24} {:<12} {:<10} {:>5} {:>8} {:>10} {}",
        s.scope,
        s.state,
        s.applied_version.as_deref().unwrap_or("-"),
        s.failures,
        s.objects,
        ago(s.last_pass_at),
        err
    )
}

/// The human rendering.
pub fn render(s: &DaemonStatus) -> String {
    let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "-".into());
    let mut out = format!(
        "view {}: loaded {}, accepted {}, applied {}{}\n",
        s.view_path,
        v(&s.loaded_version),
        v(&s.accepted_version),
        v(&s.applied_version),
        if s.ready { "" } else { " (NOT READY)" }
    );
    if let Some(e) = &s.view_error {
        out.push_str(&format!("VIEW ERROR (nothing changed): {e}\n"));
    }
    if let Some(e) = &s.startup_error {
        out.push_str(&format!("START-UP DISCOVERY FAILING: {e}\n"));
    }
    if let Some(h) = &s.held {
        out.push_str(&format!(
            "HELD view {}: {} — run `vpcmido confirm` to apply it\n",
            h.version, h.reason
        ));
    }
    for k in &s.skipped {
        out.push_str(&format!("not translated: {k}\n"));
    }
    let states: Vec<String> = s
        .vpc_states
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    out.push_str(&format!("VPCs: {} ({})\n", s.vpcs.len(), states.join(", ")));
    out.push_str(&format!(
        "{:<24} {:<12} {:<10} {:>5} {:>8} {:>10} {}\n",
        "SCOPE", "STATE", "APPLIED", "FAILS", "OBJECTS", "LAST PASS", "LAST ERROR"
    ));
    for x in s.core.iter().chain(&s.vpcs) {
        out.push_str(&row(x));
        out.push('\n');
    }
    out
}

pub fn run(args: &StatusArgs) -> ExitCode {
    let a = match call(&args.admin, reqwest::Method::GET, "/status") {
        Ok(a) => a,
        Err(e) => {
            eprintln!("vpcmido status: {e}");
            return ExitCode::from(1);
        }
    };
    if a.status != 200 {
        eprintln!("vpcmido status: HTTP {}: {}", a.status, a.body.trim());
        return ExitCode::from(1);
    }
    if args.json {
        println!("{}", a.body);
        return ExitCode::SUCCESS;
    }
    match serde_json::from_str::<DaemonStatus>(&a.body) {
        Ok(s) => {
            print!("{}", render(&s));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("vpcmido status: unreadable answer: {e}");
            ExitCode::from(1)
        }
    }
}
