//! vpcmido converges MidoNet to the Eucalyptus global network view (GNI).
//!
//! Layers, from pure to effectful:
//! - [`gni`]: reads and validates the view (no I/O beyond the bytes handed to it).
//! - [`topology`]: translates a view into the desired MidoNet objects (pure).
//! - [`plan`]: diffs desired against observed MidoNet state into ordered writes (pure).
//! - [`midonet`]: everything that speaks MidoNet's REST API — DTOs, the client, and the
//!   in-process MidoNet v5 emulator ([`midonet::sim`]). It is the only module that builds URLs.
//! - [`host`]: the Linux side of metadata on the daemon host (namespaces, veths, routes).
//! - [`metadata`]: the 169.254.169.254 proxy that forwards to the CLC with the instance id.
//! - [`cli`]: the `vpcmido` subcommands; thin wrappers over the layers above.
pub mod admin;
pub mod apply;
pub mod cli;
pub mod config;
pub mod gni;
pub mod host;
pub mod metadata;
pub mod midonet;
pub mod plan;
pub mod topology;
// The actor runtime lives at the repository root (`actors/`), next to `src/`, so that the
// daemon's files are one directory its owner can review and change as a unit; see
// actors/README.md.
#[path = "../actors/mod.rs"]
pub mod actors;
