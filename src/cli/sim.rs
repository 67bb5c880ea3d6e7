//! `vpcmido sim`: runs the MidoNet v5 emulator standalone until SIGTERM or SIGINT (exit 0).
use crate::midonet::sim::{self, SimConfig};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Run the MidoNet v5 REST API emulator (for tests, demos and benchmarks).
///
/// Serves MidoNet 5.2's REST API under /midonet-api (mock auth, no token needed) plus a
/// fixture and introspection API under /_sim/ (see docs/emulator.md). Prints
/// `listening on http://ADDR/midonet-api` once ready; stops cleanly on SIGTERM/SIGINT.
#[derive(Args, Debug)]
pub struct SimArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Milliseconds every write holds the global write lock (MidoNet's topology lock).
    #[arg(long, default_value_t = 0)]
    pub write_latency_ms: u64,
    /// Milliseconds added to every read.
    #[arg(long, default_value_t = 0)]
    pub read_latency_ms: u64,
    /// Share of requests (0..1) answered 503, 500 or with a dropped connection.
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Seed of the fault injector.
    #[arg(long, default_value_t = 0)]
    pub fault_seed: u64,
    /// Register the NC nodes, gateways and CLC of this global network view as hosts, in one
    /// tunnel zone.
    #[arg(long, value_name = "FILE")]
    pub hosts_from_gni: Option<PathBuf>,
    /// Load the topology from FILE on start (if it exists); save it there on clean shutdown.
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
}

async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

/// Runs the emulator; returns the exit code.
pub fn run(args: SimArgs) -> ExitCode {
    let cfg = SimConfig {
        listen: Some(args.listen),
        write_latency: Duration::from_millis(args.write_latency_ms),
        read_latency: Duration::from_millis(args.read_latency_ms),
        fault_rate: args.fault_rate,
        fault_seed: args.fault_seed,
        state_file: args.state_file,
        hosts_from_gni: args.hosts_from_gni,
        workers: args.workers,
        ..SimConfig::default()
    };
    let res = actix_rt::System::new().block_on(async move {
        let handle = sim::start(cfg).await?;
        println!("listening on {}", handle.url());
        shutdown_signal().await?;
        handle.stop().await
    });
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vpcmido sim: {e}");
            ExitCode::FAILURE
        }
    }
}
