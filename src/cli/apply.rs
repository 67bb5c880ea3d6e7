//! `vpcmido apply`: converges MidoNet to a view once, and reports what it took.
use super::target::{open, TargetArgs};
use crate::apply::{apply, ApplyConfig, Report};
use crate::midonet::snapshot::DiscoverFilter;
use clap::Args;
use serde::Serialize;
use std::process::ExitCode;

/// Converge MidoNet to a view once: discover, plan, write, verify.
///
/// Writes go through one rate-limited client with a few writes in flight (MidoNet serializes
/// writes under one lock), with client-chosen deterministic ids so that a retried or repeated
/// create never makes a twin. A pass whose writes all succeeded is verified without further
/// calls; after failures the next pass re-discovers (at most --max-passes passes).
///
/// Prints created/updated/deleted counts, calls by method, writes and wall time; on the
/// embedded emulator (no --midonet-url) also the resulting topology tree.
/// Exit code 0 only when MidoNet matches the view.
///
/// Examples:
///   vpcmido apply --gni examples/gni/full.xml
///   vpcmido apply --gni /var/run/eucalyptus/global_network_info.xml \
///       --midonet-url http://127.0.0.1:8181/midonet-api --json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Print one JSON object: {"converged","created","updated","deleted","writes","calls":{…},"wall_seconds"}.
    #[arg(long)]
    pub json: bool,
    /// Discover-plan-write passes before giving up.
    #[arg(long, default_value_t = 5)]
    pub max_passes: u32,
    /// Writes in flight at once.
    #[arg(long, default_value_t = 4)]
    pub max_in_flight: usize,
    /// Do not print the topology tree after applying to the embedded emulator.
    #[arg(long)]
    pub no_tree: bool,
}

#[derive(Serialize)]
struct Calls {
    #[serde(rename = "GET")]
    get: u64,
    #[serde(rename = "POST")]
    post: u64,
    #[serde(rename = "PUT")]
    put: u64,
    #[serde(rename = "DELETE")]
    delete: u64,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    converged: bool,
    created: usize,
    updated: usize,
    deleted: usize,
    writes: usize,
    calls: Calls,
    wall_seconds: f64,
    passes: u32,
    /// Requests retried after a 5xx, timeout or dropped connection.
    retries: u64,
    /// Creates answered 409 and confirmed identical (a retried create that had been applied).
    confirmed_409: u64,
    failed: &'a [String],
    unresolved: &'a [String],
    skipped: &'a [String],
}

fn text(r: &Report) -> String {
    let c = &r.calls;
    let mut s = format!(
        "{}: {} created, {} updated, {} deleted in {} pass(es)\n\
         calls: {} GET, {} POST, {} PUT, {} DELETE ({} writes, {:.3} calls/write), {} retries\n\
         wall time: {:.3} s\n",
        if r.converged {
            "converged"
        } else {
            "NOT converged"
        },
        r.created,
        r.updated,
        r.deleted,
        r.passes,
        c.get,
        c.post,
        c.put,
        c.delete,
        r.writes(),
        if r.writes() == 0 {
            0.0
        } else {
            c.calls() as f64 / r.writes() as f64
        },
        c.retries,
        r.wall.as_secs_f64(),
    );
    for f in &r.failed {
        s.push_str(&format!("failed: {f}\n"));
    }
    for u in &r.unresolved {
        s.push_str(&format!("unresolved: {u}\n"));
    }
    for k in &r.skipped {
        s.push_str(&format!("skipped: {k}\n"));
    }
    s
}

pub fn run(args: ApplyArgs) -> ExitCode {
    let cfg = ApplyConfig {
        max_passes: args.max_passes,
        max_in_flight: args.max_in_flight,
        ..ApplyConfig::default()
    };
    let show_tree = !args.no_tree && !args.json && args.target.midonet_url.is_none();
    let res = actix_rt::System::new().block_on(async move {
        let t = open(&args.target).await?;
        let r = apply(&t.view, &t.client, &cfg).await;
        let tree = match (&r, show_tree) {
            (Ok(_), true) => t
                .client
                .discover(&DiscoverFilter::default())
                .await
                .ok()
                .map(|s| super::tree::render(&s)),
            _ => None,
        };
        t.close().await;
        Ok::<_, Box<dyn std::error::Error>>((r?, tree))
    });
    let (r, tree) = match res {
        Ok(x) => x,
        Err(e) => {
            eprintln!("vpcmido apply: {e}");
            return ExitCode::from(1);
        }
    };
    if args.json {
        let doc = JsonReport {
            converged: r.converged,
            created: r.created,
            updated: r.updated,
            deleted: r.deleted,
            writes: r.writes(),
            calls: Calls {
                get: r.calls.get,
                post: r.calls.post,
                put: r.calls.put,
                delete: r.calls.delete,
            },
            wall_seconds: r.wall.as_secs_f64(),
            passes: r.passes,
            retries: r.calls.retries,
            confirmed_409: r.calls.confirmed_409,
            failed: &r.failed,
            unresolved: &r.unresolved,
            skipped: &r.skipped,
        };
        match serde_json::to_string(&doc) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("vpcmido apply: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        if let Some(t) = tree {
            print!("{t}");
        }
        print!("{}", text(&r));
    }
    if r.converged {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
