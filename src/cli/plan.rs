//! `vpcmido plan`: shows what `apply` would change, grouped by VPC, without writing anything.
use super::target::{open, TargetArgs};
use crate::apply::{prepare, ApplyConfig};
use crate::plan::Plan;
use clap::Args;
use serde::Serialize;
use std::collections::BTreeMap;
use std::process::ExitCode;

/// Show the MidoNet changes that would converge MidoNet to a view (writes nothing).
///
/// Discovers what MidoNet holds, translates the view exactly as eucanetd would (same names),
/// and prints the difference grouped by part (core, then each VPC):
///
///     + router vr_vpc-1a2b3c4d_2        to create
///     ~ port vpc-1a2b3c4d/router/uplink to update
///     - bridge vb_vpc-1a2b3c4d_subnet-0a0b0c0d   to delete
///
/// Objects vpcmido does not own (other tenants, other names) are never in a plan.
/// Exit codes: 0 success (with --detailed-exitcode: 0 no changes, 2 changes), 1 error.
///
/// Examples:
///   vpcmido plan --gni examples/gni/full.xml
///   vpcmido plan --gni /var/run/eucalyptus/global_network_info.xml \
///         --midonet-url http://127.0.0.1:8181/midonet-api --detailed-exitcode
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct PlanArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Print one JSON object instead of the text diff.
    #[arg(long)]
    pub json: bool,
    /// Exit 0 when there is nothing to do, 2 when there are changes, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    scope: String,
    action: &'static str,
    kind: &'static str,
    what: &'a str,
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    changes: usize,
    create: usize,
    update: usize,
    delete: usize,
    steps: Vec<JsonStep<'a>>,
    unresolved: Vec<&'a str>,
    skipped: &'a [String],
}

/// The text form: steps grouped by scope, then totals.
pub fn render(plan: &Plan, skipped: &[String]) -> String {
    let mut by_scope: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in &plan.steps {
        by_scope
            .entry(s.scope.to_string())
            .or_default()
            .push(s.to_string());
    }
    let mut out = String::new();
    // Core first, then VPCs in id order.
    let mut scopes: Vec<&String> = by_scope.keys().collect();
    scopes.sort_by_key(|s| (s.as_str() != "core", s.to_string()));
    for scope in scopes {
        let lines = &by_scope[scope];
        out.push_str(&format!("{scope} ({} changes)\n", lines.len()));
        for l in lines {
            out.push_str("  ");
            out.push_str(l);
            out.push('\n');
        }
    }
    for u in &plan.unresolved {
        out.push_str(&format!("! {}: {}\n", u.scope, u.message));
    }
    for s in skipped {
        out.push_str(&format!("! {s}\n"));
    }
    let (c, u, d) = plan.counts();
    if plan.is_empty() {
        out.push_str("No changes: MidoNet matches the view.\n");
    } else {
        out.push_str(&format!(
            "Plan: {c} to create, {u} to update, {d} to delete.\n"
        ));
    }
    out
}

pub fn run(args: PlanArgs) -> ExitCode {
    let res = actix_rt::System::new().block_on(async move {
        let t = open(&args.target).await?;
        let prepared = prepare(&t.view, &t.client, &ApplyConfig::default()).await;
        t.close().await;
        let p = prepared.map_err(|e| e.to_string())?;
        Ok::<_, Box<dyn std::error::Error>>(p)
    });
    let p = match res {
        Ok(p) => p,
        Err(e) => {
            eprintln!("vpcmido plan: {e}");
            return ExitCode::from(1);
        }
    };
    let plan = &p.plan;
    if args.json {
        let (create, update, delete) = plan.counts();
        let doc = JsonPlan {
            changes: plan.len(),
            create,
            update,
            delete,
            steps: plan
                .steps
                .iter()
                .map(|s| JsonStep {
                    scope: s.scope.to_string(),
                    action: s.op.action().as_str(),
                    kind: s.op.kind(),
                    what: &s.what,
                })
                .collect(),
            unresolved: plan.unresolved.iter().map(|u| u.message.as_str()).collect(),
            skipped: &p.translation.skipped,
        };
        match serde_json::to_string(&doc) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("vpcmido plan: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        print!("{}", render(plan, &p.translation.skipped));
    }
    if args.detailed_exitcode && !plan.is_empty() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
