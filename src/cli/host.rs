//! `vpcmido host`: plans and applies the Linux-side metadata plumbing for a view, or removes
//! all of it.
use crate::gni::{self, Limits};
use crate::host::{self, HostPlan, HostSettings, Prefix, SystemIp};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Create, check or remove the host plumbing of the MidoNet metadata design.
///
/// Converges the host running vpcmido to the view: veth pair eucamd_mido/eucamd_host with
/// 169.254.169.254/29 and 169.254.169.253/32 and the route 255.0.0.0/8 via 169.254.169.249;
/// a namespace vpc-ID per VPC; per subnet the veth pair vn0_SUBNET8/vn1_SUBNET8, vn1_ in the
/// VPC namespace with the subnet's .3 address. Objects of VPCs no longer in the view are
/// removed. Only names ours under the prefix are ever touched. Prints one `ip` command line per
/// operation. Applying needs root (CAP_NET_ADMIN); --dry-run only reads (reading inside
/// namespaces needs root too). Exit status: 0 converged, 1 failed or blocked by a foreign
/// object (reported as `conflict:`), 2 bad input.
#[derive(Args, Debug)]
pub struct HostArgs {
    /// The global network view (global_network_info.xml).
    #[arg(long, value_name = "FILE", required_unless_present = "cleanup")]
    pub gni: Option<PathBuf>,
    /// Prefix of every interface and namespace name (at most 3 of [a-z0-9]; empty gives
    /// eucanetd's names).
    #[arg(long, default_value = "")]
    pub prefix: String,
    /// Put eucamd_host in namespace `eucamd` (eucanetd's MIDO_MD_VETH_USE_NETNS=Y).
    #[arg(long)]
    pub md_netns: bool,
    /// Only print the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Remove every host object with the prefix (as `flush --all` does), ignoring the view.
    #[arg(long)]
    pub cleanup: bool,
    /// The iproute2 `ip` program.
    #[arg(long, default_value = "ip", value_name = "PATH")]
    pub ip: PathBuf,
}

fn print_plan(p: &HostPlan) {
    for op in &p.ops {
        println!("{op}");
    }
    for c in &p.conflicts {
        eprintln!("conflict: {c}");
    }
}

/// Runs the subcommand; returns the exit code (2: bad input, 1: failed, 0: done).
pub fn run(args: HostArgs) -> ExitCode {
    let prefix = match Prefix::new(&args.prefix) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("vpcmido host: {e}");
            return ExitCode::from(2);
        }
    };
    let runner = SystemIp { program: args.ip };
    let result = if args.cleanup {
        host::cleanup_all(&runner, &prefix, args.dry_run)
    } else {
        let Some(path) = &args.gni else {
            eprintln!("vpcmido host: --gni FILE is required");
            return ExitCode::from(2);
        };
        let view = match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| gni::load(&b, &Limits::default()).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                eprintln!("vpcmido host: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let settings = HostSettings {
            prefix: prefix.clone(),
            md_netns: args.md_netns,
            metadata: true,
        };
        let desired = host::desired(&view, &settings);
        host::converge(&runner, &desired, &prefix, args.dry_run)
    };
    match result {
        Ok((plan, report)) => {
            print_plan(&plan);
            if args.dry_run {
                println!("{} operation(s) planned (dry run)", plan.ops.len());
            } else {
                println!(
                    "{} operation(s): {} applied, {} already done",
                    plan.ops.len(),
                    report.applied,
                    report.already_done
                );
            }
            if plan.conflicts.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("vpcmido host: {e}");
            ExitCode::FAILURE
        }
    }
}
