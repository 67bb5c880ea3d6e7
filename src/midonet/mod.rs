//! MidoNet 5.2 REST API: the shared DTOs ([`dto`]), media types ([`media`]) and the in-process
//! MidoNet v5 emulator ([`sim`]) every test, demo and benchmark of vpcmido runs against.
//! The reference is `midonet-api.md` (the spec); deviations are listed in `docs/emulator.md`.
pub mod client;
pub mod dto;
pub mod media;
pub mod observe;
pub mod sim;
pub mod snapshot;
