//! `vpcmido check`: loads a view and reports whether it is valid.
use clap::Args;
use std::io::{Read, Write};
use std::process::ExitCode;

use crate::gni::{self, Limits, ViewError};

/// Validate a global network view (global_network_info.xml) without touching MidoNet.
///
/// Reads the view the CLC writes (4.x or 5.x serialization), checks that it is well-formed
/// XML and that it passes every strict rule: id formats and uniqueness, addresses and CIDRs,
/// subnets inside their VPC, every reference resolving (subnets to route tables and ACLs of
/// the same VPC, ENIs to VPCs and subnets, security groups, nodes to instances), route
/// targets, ACL entries, security group rules, and the MidoNet gateway configuration.
///
/// A valid view prints one summary line on stdout and exits 0. An invalid one prints every
/// problem on stderr, one per line, as `path: message`, and exits 1, for example:
///
///   vpcs/vpc[vpc-0a0b0c0d]/subnets/subnet[subnet-0a0b0c0d]/cidr: "10.0.0.0/33" is not an IPv4 CIDR
///
/// XML errors give the line and column instead. Only VPCMIDO views are accepted. Exit code 2
/// means the file could not be read at all.
///
/// Examples:
///   vpcmido check /var/run/eucalyptus/global_network_info.xml
///   vpcmido gen --vpcs 10 | vpcmido check - --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// The view to check; `-` reads standard input.
    pub file: String,
    /// Print one JSON object on stdout instead: {"valid":true,"version":…,"summary":{…}} or
    /// {"valid":false,"errors":[{"path":…,"message":…},…]}. The exit code is the same.
    #[arg(long)]
    pub json: bool,
    /// Refuse views larger than this many bytes (before parsing anything).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
}

/// Runs the check; exit code 0 when valid, 1 when not, 2 when the file cannot be read.
pub fn run(args: &CheckArgs) -> ExitCode {
    let limits = Limits {
        max_bytes: args.max_bytes,
        ..Limits::default()
    };
    let bytes = match read(&args.file, limits.max_bytes) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("vpcmido check: {}: {e}", args.file);
            return ExitCode::from(2);
        }
    };
    let result = gni::load(&bytes, &limits);
    let mut out = std::io::stdout().lock();
    let written = match (&result, args.json) {
        (Ok(g), true) => {
            let report = Valid {
                valid: true,
                version: &g.version,
                summary: g.summary(),
            };
            writeln!(
                out,
                "{}",
                serde_json::to_string(&report).unwrap_or_default()
            )
        }
        (Ok(g), false) => writeln!(out, "valid: version {}: {}", g.version, g.summary()),
        (Err(e), true) => {
            let report = Invalid {
                valid: false,
                errors: errors(e),
            };
            writeln!(
                out,
                "{}",
                serde_json::to_string(&report).unwrap_or_default()
            )
        }
        (Err(e), false) => {
            let mut err = std::io::stderr().lock();
            e.lines().iter().try_for_each(|l| writeln!(err, "{l}"))
        }
    };
    if written.is_err() {
        return ExitCode::from(2);
    }
    if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `--json` output for a valid view; a struct rather than `json!` so keys keep this order.
#[derive(serde::Serialize)]
struct Valid<'a> {
    valid: bool,
    version: &'a str,
    summary: gni::Summary,
}

/// `--json` output for an invalid view.
#[derive(serde::Serialize)]
struct Invalid {
    valid: bool,
    errors: Vec<gni::Problem>,
}

/// Errors as JSON objects; XML-level errors get the path `(document)` and their location in
/// the message.
fn errors(e: &ViewError) -> Vec<gni::Problem> {
    match e {
        ViewError::Invalid(problems) => problems.clone(),
        other => vec![gni::Problem {
            path: "(document)".into(),
            message: other.to_string(),
        }],
    }
}

/// Reads at most `max + 1` bytes, so an oversized input is detected without reading it all.
fn read(file: &str, max: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let limit = max.saturating_add(1);
    if file == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(file)?
            .take(limit)
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}
