//! `vpcmido flush`: eucanetd's `-C` (everything but the core) and `-Z` (everything).
use super::target::load_view;
use crate::apply::execute;
use crate::midonet::client::{ClientConfig, MidonetClient};
use crate::midonet::observe;
use crate::midonet::sim::{self, SimConfig};
use crate::midonet::snapshot::DiscoverFilter;
use crate::plan::{self, Op};
use crate::topology::{names, Scope, Topology};
use clap::{ArgGroup, Args};
use std::path::PathBuf;
use std::process::ExitCode;

/// Delete what vpcmido owns in MidoNet: every VPC object (--keep-core), or everything
/// including the core (--all). Objects of other tenants or with other names are never touched.
///
/// The plan is printed first; nothing is deleted without --yes. Like eucanetd's -C/-Z, run it
/// with the daemon stopped: a running daemon rebuilds what was flushed.
///
/// Examples:
///   vpcmido flush --keep-core --midonet-url http://127.0.0.1:8181/midonet-api
///   vpcmido flush --all --midonet-url http://127.0.0.1:8181/midonet-api --yes
#[derive(Args, Debug)]
#[command(verbatim_doc_comment, group(ArgGroup::new("what").required(true).args(["keep_core", "all"])))]
pub struct FlushArgs {
    /// Delete every VPC object; keep eucart, eucabr, gateways, BGP and metadata (eucanetd -C).
    #[arg(long)]
    pub keep_core: bool,
    /// Delete everything vpcmido owns, the core included (eucanetd -Z).
    #[arg(long)]
    pub all: bool,
    /// Execute the plan (otherwise only print it).
    #[arg(long)]
    pub yes: bool,
    /// MidoNet's REST API root. Without it, an embedded emulator is used (useful only together
    /// with --gni to see what a flush of a freshly applied view deletes).
    #[arg(long, value_name = "URL", env = "MIDO_API_URIBASE")]
    pub midonet_url: Option<String>,
    /// With the embedded emulator: apply this view first, then flush it.
    #[arg(long, value_name = "FILE")]
    pub gni: Option<PathBuf>,
    /// With --all: leave the host's metadata plumbing (namespaces, veths) alone.
    #[arg(long)]
    pub no_host: bool,
}

/// `flush --all` also removes vpcmido's host objects (metadata veths and namespaces).
fn flush_host(execute: bool) -> Result<(), Box<dyn std::error::Error>> {
    let prefix = crate::host::Prefix::new("")?;
    let (plan, report) =
        crate::host::cleanup_all(&crate::host::SystemIp::default(), &prefix, !execute)?;
    for op in &plan.ops {
        println!("  - host {op}");
    }
    if execute {
        println!(
            "host: {} removed, {} already gone",
            report.applied, report.already_done
        );
    }
    Ok(())
}

const CORE_NAMES: [&str; 9] = [
    names::EUCART,
    names::EUCABR,
    names::EUCAPG,
    names::EUCABR_INFILTER,
    names::EUCA_VERSION,
    names::METADATA_IP,
    names::EUCAMDRT,
    names::EUCAMDBR,
    names::EUCAMDRT_EXTPORTOUT,
];

/// Whether a flush that keeps the core keeps this step out: core devices with their ports,
/// routes and BGP, and the core's named objects. VPC leftovers the core part holds (groups and
/// chains no VPC claims any more) are still deleted.
fn is_core(s: &plan::Step) -> bool {
    if s.scope != Scope::Core {
        return false;
    }
    match &s.op {
        Op::DeleteRouter { .. }
        | Op::DeleteBridge { .. }
        | Op::DeleteChain { .. }
        | Op::DeleteIpAddrGroup { .. }
        | Op::DeletePortGroup { .. } => CORE_NAMES.contains(&s.what.as_str()),
        _ => true,
    }
}

pub fn run(args: FlushArgs) -> ExitCode {
    let res = actix_rt::System::new().block_on(async move {
        let (url, embedded) = match (&args.midonet_url, &args.gni) {
            (Some(u), _) => (u.clone(), None),
            (None, gni) => {
                let h = sim::start(SimConfig {
                    hosts_from_gni: gni.clone(),
                    ..SimConfig::default()
                })
                .await?;
                (h.url(), Some(h))
            }
        };
        let client = MidonetClient::connect(&url, ClientConfig::default()).await?;
        if let (Some(_), Some(path)) = (&embedded, &args.gni) {
            let view = load_view(path)?;
            crate::apply::apply(&view, &client, &Default::default()).await?;
        }
        let snap = client.discover(&DiscoverFilter::default()).await?;
        let observed = observe::observed(&snap);
        let mut p = plan::plan(&Topology::default(), &observed, None);
        if args.keep_core {
            p.retain(|s| !is_core(s));
        }
        print!("{}", super::plan::render(&p, &[]));
        let mut code = ExitCode::SUCCESS;
        if args.yes && !p.is_empty() {
            let out = execute(&client, &snap, &p, 4).await;
            println!(
                "flushed: {} deleted, {} failed, {} not sent",
                out.done,
                out.failed.len(),
                out.skipped
            );
            for (i, e) in &out.failed {
                eprintln!("failed: {}: {e}", p.steps[*i]);
            }
            if !out.ok() {
                code = ExitCode::from(1);
            }
        } else if !p.is_empty() {
            println!("Nothing deleted: run again with --yes to execute.");
        }
        // The embedded emulator stands for a MidoNet on another machine: leave this host alone.
        if args.all && !args.no_host && embedded.is_none() {
            if let Err(e) = flush_host(args.yes) {
                eprintln!("vpcmido flush: host objects: {e}");
                code = ExitCode::from(1);
            }
        }
        if let Some(h) = embedded {
            let _ = h.stop().await;
        }
        Ok::<_, Box<dyn std::error::Error>>(code)
    });
    match res {
        Ok(c) => c,
        Err(e) => {
            eprintln!("vpcmido flush: {e}");
            ExitCode::from(1)
        }
    }
}
