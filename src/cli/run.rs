//! `vpcmido run`: the daemon. Reads the configuration, sets up logging and metrics, connects
//! to MidoNet (or starts an embedded emulator), starts the actors and the admin API, and
//! turns signals into director messages.
use crate::actors::{
    self, metrics as am, CheckView, DirectorConfig, Drain, DumpState, ResyncAll, ScopeConfig,
};
use crate::admin::{self, AdminState, LogLevelFn};
use crate::config::{self, Config, FileConfig, LogFormat};
use crate::midonet::client::{ClientConfig, MidonetClient};
use crate::midonet::sim::{self, SimConfig};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Run the daemon: converge MidoNet to the view, and keep it converged.
///
/// Watches the view file (inotify plus a poll), reconciles the core and each VPC in its own
/// actor, writes the applied-version file once everything is applied, and serves an admin
/// API (status, metrics, resync, confirm, log level) on 127.0.0.1:9711 by default.
/// Without --midonet-url (or MIDO_API_URIBASE) it runs on an embedded MidoNet emulator.
///
/// Signals: SIGHUP re-reads the view now; SIGUSR1 resyncs every scope; SIGUSR2 logs a state
/// dump; SIGTERM/SIGINT stop after the passes in flight (exit 0).
///
/// Examples:
///   vpcmido run --gni examples/gni/full.xml --applied-version-file /tmp/gni.version
///   vpcmido run --config /etc/vpcmido/vpcmido.toml --log-format json
#[derive(Args, Debug, Default)]
#[command(verbatim_doc_comment)]
pub struct RunArgs {
    /// The global network view to follow.
    #[arg(long, value_name = "FILE")]
    pub gni: Option<PathBuf>,
    /// MidoNet's REST API root; without it, an embedded emulator is used.
    #[arg(long, value_name = "URL")]
    pub midonet_url: Option<String>,
    /// TOML configuration file (see docs/daemon.md).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// eucalyptus.conf to read the MidoNet keys from (default: /etc/eucalyptus/eucalyptus.conf when present).
    #[arg(long, value_name = "FILE")]
    pub eucalyptus_conf: Option<PathBuf>,
    /// Admin API address (default 127.0.0.1:9711).
    #[arg(long, value_name = "ADDR")]
    pub admin: Option<String>,
    /// Where to write the applied view version (default /var/run/eucalyptus/global_network_info.version).
    #[arg(long, value_name = "FILE")]
    pub applied_version_file: Option<PathBuf>,
    /// Log line format.
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
    /// Log filter, e.g. info or vpcmido=debug.
    #[arg(long, value_name = "FILTER")]
    pub log_level: Option<String>,
}

fn resolve(args: &RunArgs) -> Result<Config, config::ConfigError> {
    let mut cfg = config::load(
        args.config.as_deref(),
        args.eucalyptus_conf.as_deref(),
        |k| std::env::var(k).ok(),
    )?;
    let flags = FileConfig {
        gni: args.gni.clone(),
        midonet_url: args.midonet_url.clone(),
        admin: args.admin.clone(),
        applied_version_file: args.applied_version_file.clone(),
        log_format: args.log_format.map(|f| match f {
            LogFormat::Text => "text".to_string(),
            LogFormat::Json => "json".to_string(),
        }),
        log_level: args.log_level.clone(),
        ..FileConfig::default()
    };
    config::apply_file(&mut cfg, "command line", &flags)?;
    if cfg.gni.as_os_str().is_empty() {
        return Err(config::ConfigError::NoView);
    }
    Ok(cfg)
}

/// Installs the subscriber; returns the closure `PUT /log-level` calls.
fn init_logging(cfg: &Config) -> Result<LogLevelFn, String> {
    use tracing_subscriber::prelude::*;
    use tracing_subscriber::{reload, EnvFilter};
    let filter = EnvFilter::try_new(&cfg.log_level).map_err(|e| format!("log level: {e}"))?;
    let (filter, handle) = reload::Layer::new(filter);
    // Colours only on a terminal: journald and log files would get escape sequences.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let registry = tracing_subscriber::registry().with(filter);
    let res = match cfg.log_format {
        LogFormat::Json => registry.with(fmt.json().flatten_event(true)).try_init(),
        LogFormat::Text => registry.with(fmt).try_init(),
    };
    res.map_err(|e| format!("logging: {e}"))?;
    Ok(Arc::new(move |f: &str| {
        let new = EnvFilter::try_new(f).map_err(|e| e.to_string())?;
        handle.reload(new).map_err(|e| e.to_string())
    }))
}

fn read_token(p: &std::path::Path) -> Result<String, String> {
    let t = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
    let t = t.trim().to_string();
    if t.is_empty() {
        return Err(format!("{}: empty token", p.display()));
    }
    Ok(t)
}

pub fn run(args: RunArgs) -> ExitCode {
    let cfg = match resolve(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("vpcmido run: {e}");
            return ExitCode::from(2);
        }
    };
    let log_level = match init_logging(&cfg) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("vpcmido run: {e}");
            return ExitCode::from(2);
        }
    };
    let token = match cfg.admin_token_file.as_deref().map(read_token).transpose() {
        Ok(t) => t,
        Err(e) => {
            tracing::error!("admin token: {e}");
            return ExitCode::from(2);
        }
    };
    let prometheus = match am::install_exporter() {
        Ok(h) => Some(h),
        Err(e) => {
            tracing::warn!(error = %e, "no metrics recorder; /metrics will answer 404");
            None
        }
    };
    let code = actix_rt::System::new().block_on(serve(cfg, token, prometheus, log_level));
    ExitCode::from(code)
}

/// Connects to MidoNet, retrying every 5 s (logged) until it answers or a stop signal comes.
async fn connect(url: &str) -> Option<MidonetClient> {
    let mut term =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok()?;
    loop {
        match MidonetClient::connect(url, ClientConfig::default()).await {
            Ok(c) => return Some(c),
            Err(e) => tracing::error!(%url, error = %e, "MidoNet unreachable; retrying in 5 s"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = term.recv() => return None,
            _ = tokio::signal::ctrl_c() => return None,
        }
    }
}

async fn serve(
    cfg: Config,
    token: Option<String>,
    prometheus: Option<metrics_exporter_prometheus::PrometheusHandle>,
    log_level: LogLevelFn,
) -> u8 {
    use tokio::signal::unix::{signal, SignalKind};
    let (url, embedded) = match &cfg.midonet_url {
        Some(u) => (u.clone(), None),
        None => match sim::start(SimConfig {
            hosts_from_gni: Some(cfg.gni.clone()),
            ..SimConfig::default()
        })
        .await
        {
            Ok(h) => {
                tracing::warn!(url = %h.url(), "no MidoNet URL configured: running on an embedded emulator");
                (h.url(), Some(h))
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot start the embedded emulator");
                return 1;
            }
        },
    };
    let Some(client) = connect(&url).await else {
        return 0;
    };
    tracing::info!(%url, gni = %cfg.gni.display(), applied_version_file = %cfg.applied_version_file.display(), "vpcmido starting");
    // An emulator must never tell a real CLC that a view is applied: on the embedded one the
    // handshake file is written only where the operator pointed it, never at eucanetd's path.
    let handshake = if embedded.is_some()
        && cfg.applied_version_file == std::path::Path::new(actors::handshake::DEFAULT_PATH)
    {
        tracing::warn!("embedded emulator: the applied-version file is not written (give --applied-version-file to write one)");
        None
    } else {
        Some(cfg.applied_version_file.clone())
    };
    let dcfg = DirectorConfig {
        applied_version_file: handshake,
        poll_interval: cfg.poll_interval,
        guard_share: cfg.guard_share,
        settings: cfg.settings.clone(),
        inotify: cfg.watch_inotify,
        scope: ScopeConfig {
            max_in_flight: cfg.max_in_flight,
            backoff_base: cfg.backoff_base,
            backoff_cap: cfg.backoff_cap,
            audit_interval: cfg.audit_interval,
        },
        ..DirectorConfig::new(cfg.gni.clone())
    };
    let director = actors::start(dcfg, client.clone());
    let admin = match admin::start(
        cfg.admin,
        AdminState {
            director: director.clone(),
            token,
            prometheus,
            log_level: Some(log_level),
        },
    ) {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(addr = %cfg.admin, error = %e, "cannot listen for the admin API");
            return 1;
        }
    };
    let sigs = (
        signal(SignalKind::hangup()),
        signal(SignalKind::user_defined1()),
        signal(SignalKind::user_defined2()),
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    );
    let (Ok(mut hup), Ok(mut usr1), Ok(mut usr2), Ok(mut term), Ok(mut int)) = sigs else {
        tracing::error!("cannot install signal handlers");
        return 1;
    };
    // The director never stops on its own; if it dies anyway, exit non-zero so that systemd
    // restarts the daemon instead of leaving a process that serves a stale status.
    let mut alive = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = alive.tick() => if !director.connected() {
                tracing::error!("the director stopped; exiting so that the service manager restarts vpcmido");
                admin.stop().await;
                return 1;
            },
            _ = hup.recv() => { tracing::info!("SIGHUP: re-reading the view"); director.do_send(CheckView { force: true }); }
            _ = usr1.recv() => { tracing::info!("SIGUSR1: resync of every scope"); director.do_send(ResyncAll); }
            _ = usr2.recv() => director.do_send(DumpState),
            _ = term.recv() => { tracing::info!("SIGTERM: stopping after the passes in flight"); break; }
            _ = int.recv() => { tracing::info!("SIGINT: stopping after the passes in flight"); break; }
        }
    }
    let still = director
        .send(Drain {
            timeout: Duration::from_secs(60),
        })
        .await
        .unwrap_or(0);
    if still > 0 {
        tracing::warn!(
            running = still,
            "stopping with passes still running after 60 s"
        );
    }
    admin.stop().await;
    if let Some(h) = embedded {
        let _ = h.stop().await;
    }
    tracing::info!(calls = %client.stats(), "vpcmido stopped");
    0
}
