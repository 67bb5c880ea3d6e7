//! Property tests: generated views always validate; damaged views never panic the reader.
use proptest::prelude::*;
use vpcmido::gni::gen::{generate, GatewayMode, GenParams};
use vpcmido::gni::{self, Format, Limits};

fn example(name: &str) -> Vec<u8> {
    let path = format!("{}/examples/gni/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn params() -> impl Strategy<Value = GenParams> {
    (
        0usize..4,
        0usize..4,
        0usize..6,
        1usize..4,
        0usize..7,
        0.0f64..=1.0,
        any::<u64>(),
        prop_oneof![
            Just(GatewayMode::Static),
            Just(GatewayMode::Bgp),
            Just(GatewayMode::Auto)
        ],
    )
        .prop_map(
            |(
                vpcs,
                subnets_per_vpc,
                enis_per_subnet,
                sgs_per_vpc,
                rules_per_sg,
                eip_ratio,
                seed,
                gateways,
            )| GenParams {
                vpcs,
                subnets_per_vpc,
                enis_per_subnet,
                sgs_per_vpc,
                rules_per_sg,
                eip_ratio,
                seed,
                gateways,
            },
        )
}

/// A damage to apply to a document.
#[derive(Debug, Clone)]
enum Damage {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    let junk = prop_oneof![
        Just(b"<".to_vec()),
        Just(b"</x>".to_vec()),
        Just(b"<!DOCTYPE x>".to_vec()),
        Just(b"&amp;".to_vec()),
        Just(b"&#0;".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"<value/>".to_vec()),
        proptest::collection::vec(any::<u8>(), 1..8),
    ];
    prop_oneof![
        any::<usize>().prop_map(Damage::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Damage::Flip(i, b)),
        (any::<usize>(), junk).prop_map(|(i, j)| Damage::Insert(i, j)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Damage::Delete(i, n)),
    ]
}

fn apply(mut doc: Vec<u8>, damages: &[Damage]) -> Vec<u8> {
    for d in damages {
        let len = doc.len().max(1);
        match d {
            Damage::Truncate(i) => doc.truncate(i % len),
            Damage::Flip(i, b) => {
                if let Some(byte) = doc.get_mut(i % len) {
                    *byte = *b;
                }
            }
            Damage::Insert(i, junk) => {
                let at = (i % len).min(doc.len());
                doc.splice(at..at, junk.iter().copied());
            }
            Damage::Delete(i, n) => {
                let at = (i % len).min(doc.len());
                let end = (at + n).min(doc.len());
                doc.drain(at..end);
            }
        }
    }
    doc
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn generated_views_always_validate(p in params(), v5 in any::<bool>()) {
        let view = generate(&p).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let format = if v5 { Format::V5 } else { Format::V4 };
        let xml = gni::write_xml(&view, format);
        match gni::load(xml.as_bytes(), &Limits::default()) {
            Ok(loaded) => prop_assert_eq!(loaded, view),
            Err(e) => return Err(TestCaseError::fail(format!("{p:?}: {:#?}", e.lines()))),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn damaged_examples_never_panic(full in any::<bool>(), damages in proptest::collection::vec(damage(), 1..4)) {
        let doc = example(if full { "full.xml" } else { "minimal.xml" });
        let damaged = apply(doc, &damages);
        // Any outcome is fine except a panic; an error must still render.
        if let Err(e) = gni::load(&damaged, &Limits::default()) {
            prop_assert!(!e.lines().is_empty());
        }
    }
}
