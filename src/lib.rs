//! vpcmido converges MidoNet to the Eucalyptus global network view (GNI).
//!
//! Layers, from pure to effectful:
//! - [`gni`]: reads and validates the view (no I/O beyond the bytes handed to it).
//! - [`midonet`]: everything that speaks MidoNet's REST API — DTOs, the client, and the emulator.
//!   It is the only module that builds URLs.
//! - [`midonet::sim`]: the in-process MidoNet v5 emulator (tests, demos, benchmarks).
//! - [`cli`]: the `vpcmido` subcommands; thin wrappers over the layers above.
pub mod cli;
pub mod gni;
pub mod midonet;
