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
    #[command(about = "Run the MidoNet v5 REST API emulator (tests, demos, benchmarks)")]
    Sim(vpcmido::cli::sim::SimArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Sim(args) => vpcmido::cli::sim::run(args),
    }
}
