//! `vpcmido resync`: ask the daemon to re-read MidoNet and reconcile, everything or some VPCs.
use super::status::{call, AdminArgs};
use clap::Args;
use std::process::ExitCode;

/// Re-read MidoNet and reconcile: every scope, or only the VPCs named (`core` for the core).
///
/// Exit code 0 when every request was accepted, 1 otherwise (unknown VPC, daemon unreachable).
///
/// Examples:
///   vpcmido resync
///   vpcmido resync vpc-1a2b3c4d vpc-5e6f7a8b
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ResyncArgs {
    /// VPC ids; none means every scope.
    pub vpcs: Vec<String>,
    #[command(flatten)]
    pub admin: AdminArgs,
}

pub fn run(args: &ResyncArgs) -> ExitCode {
    let paths: Vec<String> = if args.vpcs.is_empty() {
        vec!["/resync".into()]
    } else {
        args.vpcs.iter().map(|v| format!("/resync/{v}")).collect()
    };
    let mut ok = true;
    for p in paths {
        match call(&args.admin, reqwest::Method::POST, &p) {
            Ok(a) if a.status == 200 => println!("{}", a.body.trim()),
            Ok(a) => {
                eprintln!("vpcmido resync: {p}: HTTP {}: {}", a.status, a.body.trim());
                ok = false;
            }
            Err(e) => {
                eprintln!("vpcmido resync: {e}");
                return ExitCode::from(1);
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
