//! The `vpcmido` command line: one module per subcommand, each with a clap `Args` struct and a
//! `run` function returning the process exit code. Modules here parse flags and print; the work
//! is done by the library layers.
pub mod apply;
pub mod check;
pub mod confirm;
pub mod flush;
pub mod gen;
pub mod host;
pub mod plan;
pub mod resync;
pub mod run;
pub mod sim;
pub mod status;
pub mod target;
pub mod tree;
