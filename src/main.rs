//! The `vpcmido` binary: parses the command line and dispatches to `vpcmido::cli`.
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// vpcmido: a VPC network controller for MidoNet-based Eucalyptus clouds.
///
/// It reads the global network view (global_network_info.xml) written by the CLC and converges
/// MidoNet to it, as eucanetd's VPCMIDO mode does, under the same MidoNet names.
#[derive(Parser)]
#[command(name = "vpcmido", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Apply(vpcmido::cli::apply::ApplyArgs),
    Check(vpcmido::cli::check::CheckArgs),
    /// Release a view held by the mass-delete guard.
    Confirm(vpcmido::cli::confirm::ConfirmArgs),
    Flush(vpcmido::cli::flush::FlushArgs),
    Gen(vpcmido::cli::gen::GenArgs),
    Plan(vpcmido::cli::plan::PlanArgs),
    /// Ask the running daemon to re-read MidoNet and reconcile.
    Resync(vpcmido::cli::resync::ResyncArgs),
    /// Run the daemon.
    Run(vpcmido::cli::run::RunArgs),
    #[command(about = "Run the MidoNet v5 REST API emulator (tests, demos, benchmarks)")]
    Sim(vpcmido::cli::sim::SimArgs),
    /// Show the running daemon's state.
    Status(vpcmido::cli::status::StatusArgs),
    Host(vpcmido::cli::host::HostArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Apply(args) => vpcmido::cli::apply::run(args),
        Command::Flush(args) => vpcmido::cli::flush::run(args),
        Command::Plan(args) => vpcmido::cli::plan::run(args),
        Command::Check(args) => vpcmido::cli::check::run(&args),
        Command::Gen(args) => vpcmido::cli::gen::run(&args),
        Command::Sim(args) => vpcmido::cli::sim::run(args),
        Command::Host(args) => vpcmido::cli::host::run(args),
        Command::Run(args) => vpcmido::cli::run::run(args),
        Command::Status(args) => vpcmido::cli::status::run(&args),
        Command::Resync(args) => vpcmido::cli::resync::run(&args),
        Command::Confirm(args) => vpcmido::cli::confirm::run(&args),
    }
}
