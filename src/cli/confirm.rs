//! `vpcmido confirm`: release a view held by the mass-delete guard.
use super::status::{call, AdminArgs};
use clap::Args;
use std::process::ExitCode;

/// Apply the view the mass-delete guard holds (see `vpcmido status` for what it deletes).
///
/// Exit code 0 when a held view was released, 1 when nothing was held or on error.
#[derive(Args, Debug)]
pub struct ConfirmArgs {
    #[command(flatten)]
    pub admin: AdminArgs,
}

pub fn run(args: &ConfirmArgs) -> ExitCode {
    match call(&args.admin, reqwest::Method::POST, "/confirm") {
        Ok(a) if a.status == 200 => {
            println!("{}", a.body.trim());
            ExitCode::SUCCESS
        }
        Ok(a) => {
            eprintln!("vpcmido confirm: HTTP {}: {}", a.status, a.body.trim());
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("vpcmido confirm: {e}");
            ExitCode::from(1)
        }
    }
}
