//! Issue 10 (6), hostile views: random-mutation fuzzing of the view reader, bounded for CI.
//!
//! Every example view and generated views in both serializations are mutated — bytes
//! flipped, cut, inserted, deleted, slices duplicated, and attribute or text values replaced
//! by hostile values (huge numbers, bad CIDRs, long ids, escapes) — and read with
//! `gni::load` on a watchdog thread: never a panic, never more than 5 s for one case. A
//! mutant that is still a valid view goes on through translation and planning, against an
//! empty MidoNet and against one built from the original view (deletes and updates): no
//! panic there either. Entity expansion ("billion laughs"), external entities and deep
//! nesting are refused quickly; a 1 GiB view (a sparse file) is refused by the size cap
//! without reading it whole.
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::process::Command;
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use vpcmido::apply::{plan_against, ApplyConfig};
use vpcmido::gni::gen::{generate, GatewayMode, GenParams};
use vpcmido::gni::{self, Format, Limits, ViewError};
use vpcmido::plan::{replay, Observed};

/// A document to mutate, and a MidoNet built from it (the replayed plan of a cold build).
struct Seed {
    name: String,
    bytes: Vec<u8>,
    built: Observed,
}

fn built(bytes: &[u8]) -> Observed {
    let mut o = Observed::default();
    if let Ok(v) = gni::load(bytes, &Limits::default()) {
        let (_, _, p) = plan_against(&v, &Observed::default(), &ApplyConfig::default());
        replay::replay(&mut o, &p);
    }
    o
}

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = format!("{}/examples/gni", env!("CARGO_MANIFEST_DIR"));
        let mut docs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .expect("examples/gni")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
            .map(|p| {
                (
                    p.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                    std::fs::read(&p).expect("read example"),
                )
            })
            .collect();
        docs.sort();
        for (gateways, format, tag) in [
            (GatewayMode::Static, Format::V4, "gen-static-4x"),
            (GatewayMode::Bgp, Format::V5, "gen-bgp-5x"),
        ] {
            let v = generate(&GenParams {
                vpcs: 2,
                subnets_per_vpc: 2,
                enis_per_subnet: 3,
                gateways,
                seed: 5,
                ..GenParams::default()
            })
            .expect("generate");
            docs.push((tag.to_string(), gni::write_xml(&v, format).into_bytes()));
        }
        docs.into_iter()
            .map(|(name, bytes)| Seed {
                built: built(&bytes),
                name,
                bytes,
            })
            .collect()
    })
}

/// One mutation.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    /// Copies `len` bytes at `from` to `to` (repeated elements, half elements).
    Duplicate(usize, usize, usize),
    /// Replaces the n-th quoted attribute value or text node with a hostile value.
    Value(usize, Vec<u8>),
}

fn hostile_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"".to_vec()),
        Just(b"0".to_vec()),
        Just(b"-1".to_vec()),
        Just(b"4294967296".to_vec()),
        Just(b"99999999999999999999999".to_vec()),
        Just(b"0.0.0.0/0".to_vec()),
        Just(b"10.0.0.0/33".to_vec()),
        Just(b"255.255.255.255".to_vec()),
        Just(b"10.0.0.1/8".to_vec()),
        Just(b"vpc-".to_vec()),
        Just(b"vpc-ffffffffffffffffff".to_vec()),
        Just(b"sg-0123456789abcdef0".to_vec()),
        Just(b"i-00000000".to_vec()),
        Just(b"65536".to_vec()),
        Just(b"&lt;&amp;&#x10FFFF;".to_vec()),
        Just(b"&#0;".to_vec()),
        Just(b"&undeclared;".to_vec()),
        Just(vec![b'a'; 5000]),
        Just("\u{202e}\u{0}é".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 1..12),
    ]
}

fn junk() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"<".to_vec()),
        Just(b"</vpc>".to_vec()),
        Just(b"<vpc>".to_vec()),
        Just(b"]]>".to_vec()),
        Just(b"<![CDATA[x".to_vec()),
        Just(b"<!DOCTYPE x>".to_vec()),
        Just(b"<?xml version=\"1.0\"?>".to_vec()),
        Just(b"<!-- ".to_vec()),
        Just(b"\xef\xbb\xbf".to_vec()),
        Just(b"\xff\xfe\x00".to_vec()),
        Just(b" xmlns:a=\"b\" a:x=\"1\"".to_vec()),
        proptest::collection::vec(any::<u8>(), 1..16),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), junk()).prop_map(|(i, j)| Mutation::Insert(i, j)),
        (any::<usize>(), 1usize..200).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), any::<usize>(), 1usize..400)
            .prop_map(|(f, t, n)| Mutation::Duplicate(f, t, n)),
        (any::<usize>(), hostile_value()).prop_map(|(n, v)| Mutation::Value(n, v)),
        (any::<usize>(), hostile_value()).prop_map(|(n, v)| Mutation::Value(n, v)),
    ]
}

/// Byte ranges of quoted attribute values and of text nodes between `>` and `<`.
fn value_spans(doc: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < doc.len() {
        match doc[i] {
            b'"' => {
                if let Some(n) = doc[i + 1..].iter().position(|&b| b == b'"') {
                    spans.push((i + 1, i + 1 + n));
                    i += n + 2;
                    continue;
                }
            }
            b'>' => {
                if let Some(n) = doc[i + 1..].iter().position(|&b| b == b'<') {
                    if n > 0
                        && doc[i + 1..i + 1 + n]
                            .iter()
                            .any(|b| !b.is_ascii_whitespace())
                    {
                        spans.push((i + 1, i + 1 + n));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    spans
}

fn mutate(mut doc: Vec<u8>, ms: &[Mutation]) -> Vec<u8> {
    for m in ms {
        let len = doc.len().max(1);
        match m {
            Mutation::Flip(i, b) => {
                if let Some(x) = doc.get_mut(i % len) {
                    *x ^= b | 1;
                }
            }
            Mutation::Truncate(i) => doc.truncate(i % len),
            Mutation::Insert(i, j) => {
                let at = (i % len).min(doc.len());
                doc.splice(at..at, j.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let at = (i % len).min(doc.len());
                let end = (at + n).min(doc.len());
                doc.drain(at..end);
            }
            Mutation::Duplicate(f, t, n) => {
                let from = (f % len).min(doc.len());
                let end = (from + n).min(doc.len());
                let piece = doc[from..end].to_vec();
                let to = (t % len).min(doc.len());
                doc.splice(to..to, piece);
            }
            Mutation::Value(n, v) => {
                let spans = value_spans(&doc);
                if !spans.is_empty() {
                    let (a, b) = spans[n % spans.len()];
                    doc.splice(a..b, v.iter().copied());
                }
            }
        }
    }
    doc
}

/// How one case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Valid,
    Invalid,
    Syntax,
    Doctype,
    TooLarge,
}

/// Reads (and, if valid, translates and plans) `doc` on a watchdog thread. `Err` on a panic
/// or when the case takes longer than `limit`.
fn run_case(seed: usize, doc: Vec<u8>, limit: Duration) -> Result<(Outcome, Duration), String> {
    let (tx, rx) = mpsc::channel();
    let t = Instant::now();
    std::thread::spawn(move || {
        let out = std::panic::catch_unwind(|| {
            let built = &seeds()[seed].built;
            match gni::load(&doc, &Limits::default()) {
                Ok(v) => {
                    let cfg = ApplyConfig::default();
                    let (_, t, p) = plan_against(&v, &Observed::default(), &cfg);
                    let _ = (t.topology.core.object_count(), p.len());
                    let (_, _, p) = plan_against(&v, built, &cfg);
                    let _ = p.counts();
                    Outcome::Valid
                }
                Err(e) => {
                    assert!(!e.lines().is_empty() && !e.to_string().is_empty());
                    match e {
                        ViewError::Invalid(_) => Outcome::Invalid,
                        ViewError::Syntax { .. } => Outcome::Syntax,
                        ViewError::Doctype { .. } => Outcome::Doctype,
                        ViewError::TooLarge { .. } => Outcome::TooLarge,
                    }
                }
            }
        });
        let _ = tx.send(out.map_err(|p| {
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        }));
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(o)) => Ok((o, t.elapsed())),
        Ok(Err(panic)) => Err(format!("panic: {panic}")),
        Err(_) => Err(format!("no answer within {limit:?} (hang)")),
    }
}

/// Outcome counts and the slowest case, printed at the end (RELIABILITY.md figures).
fn tally() -> &'static Mutex<(BTreeMap<Outcome, u64>, Duration)> {
    static T: OnceLock<Mutex<(BTreeMap<Outcome, u64>, Duration)>> = OnceLock::new();
    T.get_or_init(Default::default)
}

const CASES: u32 = 3000;

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_views_never_panic_or_hang(
        seed in 0usize..64,
        ms in proptest::collection::vec(mutation(), 1..6),
    ) {
        let seed = seed % seeds().len();
        let doc = mutate(seeds()[seed].bytes.clone(), &ms);
        match run_case(seed, doc, Duration::from_secs(5)) {
            Ok((o, took)) => {
                let mut t = tally().lock().unwrap_or_else(|e| e.into_inner());
                *t.0.entry(o).or_default() += 1;
                t.1 = t.1.max(took);
                let total: u64 = t.0.values().sum();
                if total == u64::from(CASES) {
                    eprintln!("{CASES} mutants of {} seeds: {:?}, slowest {:?}", seeds().len(), t.0, t.1);
                }
            }
            Err(e) => return Err(TestCaseError::fail(format!("{} {ms:?}: {e}", seeds()[seed].name))),
        }
    }
}

fn value_tally() -> &'static Mutex<(BTreeMap<Outcome, u64>, Duration)> {
    static T: OnceLock<Mutex<(BTreeMap<Outcome, u64>, Duration)>> = OnceLock::new();
    T.get_or_init(Default::default)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    /// Values only (the document stays well-formed far more often), so that many mutants
    /// are valid views with hostile values and reach translation and planning.
    #[test]
    fn views_with_hostile_values_never_panic_or_hang(
        seed in 0usize..64,
        ms in proptest::collection::vec((any::<usize>(), hostile_value()), 1..4),
    ) {
        let seed = seed % seeds().len();
        let ms: Vec<Mutation> = ms.into_iter().map(|(n, v)| Mutation::Value(n, v)).collect();
        let doc = mutate(seeds()[seed].bytes.clone(), &ms);
        match run_case(seed, doc, Duration::from_secs(5)) {
            Ok((o, took)) => {
                let mut t = value_tally().lock().unwrap_or_else(|e| e.into_inner());
                *t.0.entry(o).or_default() += 1;
                t.1 = t.1.max(took);
                let total: u64 = t.0.values().sum();
                if total == u64::from(CASES) {
                    eprintln!("{CASES} value mutants of {} seeds: {:?}, slowest {:?}", seeds().len(), t.0, t.1);
                }
            }
            Err(e) => return Err(TestCaseError::fail(format!("{} {ms:?}: {e}", seeds()[seed].name))),
        }
    }
}

fn refused_quickly(doc: &[u8]) -> (ViewError, Duration) {
    let t = Instant::now();
    let e = gni::load(doc, &Limits::default()).expect_err("refused");
    (e, t.elapsed())
}

#[test]
fn entity_expansion_external_entities_and_deep_nesting_are_refused_quickly() {
    let mut lol =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        lol.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    lol.push_str("]>\n<network-data version=\"1\">&lol9;</network-data>\n");
    let (e, took) = refused_quickly(lol.as_bytes());
    eprintln!("billion laughs ({} bytes): {e} in {took:?}", lol.len());
    assert!(matches!(e, ViewError::Doctype { line: 2, .. }), "{e:?}");
    assert!(took < Duration::from_millis(100), "{took:?}");

    let xxe = b"<?xml version=\"1.0\"?><!DOCTYPE n [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><network-data>&x;</network-data>";
    let (e, took) = refused_quickly(xxe);
    assert!(matches!(e, ViewError::Doctype { .. }), "{e:?}");
    assert!(took < Duration::from_millis(100), "{took:?}");

    // An entity used without a DOCTYPE is a plain syntax error, never a lookup.
    let (e, _) = refused_quickly(b"<network-data version=\"1\">&lol9;</network-data>");
    assert!(matches!(e, ViewError::Syntax { .. }), "{e:?}");

    // 100,000 levels of nesting: refused at level 65, before the tree grows.
    let depth = 100_000;
    let mut deep = String::from("<network-data>");
    deep.push_str(&"<a>".repeat(depth));
    deep.push_str(&"</a>".repeat(depth));
    deep.push_str("</network-data>");
    let (e, took) = refused_quickly(deep.as_bytes());
    eprintln!("{depth} nested elements: {e} in {took:?}");
    assert!(e.to_string().contains("64"), "{e}");
    assert!(took < Duration::from_millis(500), "{took:?}");
}

/// Runs `vpcmido ARGS`, returns (exit code, output, peak RSS of that child in MiB).
fn run_measured(args: &[&str]) -> (i32, String, u64) {
    let child = Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(args)
        .env_remove("MIDO_API_URIBASE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn vpcmido");
    let pid = child.id() as libc::pid_t;
    let out = Arc::new(Mutex::new(String::new()));
    let mut child = child;
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let (o1, o2) = (out.clone(), out.clone());
    let t1 = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut so, &mut s);
        o1.lock().unwrap_or_else(|e| e.into_inner()).push_str(&s);
    });
    let t2 = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut se, &mut s);
        o2.lock().unwrap_or_else(|e| e.into_inner()).push_str(&s);
    });
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; `pid` is our own child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(r, pid, "wait4");
    let _ = (t1.join(), t2.join());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // The child is reaped; keep std from waiting on it again.
    std::mem::forget(child);
    let text = out.lock().unwrap_or_else(|e| e.into_inner()).clone();
    (code, text, ru.ru_maxrss as u64 / 1024)
}

fn sparse_gib() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.xml");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len((1 << 30) + 1).expect("sparse 1 GiB file");
    let p = path.to_str().expect("utf-8").to_string();
    (dir, p)
}

#[test]
fn a_1_gib_view_is_refused_by_check_without_reading_it_whole() {
    let (_dir, path) = sparse_gib();
    let t = Instant::now();
    let (code, out, rss) = run_measured(&["check", &path]);
    eprintln!(
        "check of a 1 GiB view: exit {code} in {:.2} s, peak RSS {rss} MiB: {}",
        t.elapsed().as_secs_f64(),
        out.trim()
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("more than the limit of 268435456 bytes"),
        "{out}"
    );
    // `check` reads at most the cap plus one byte (256 MiB), never the whole GiB.
    assert!(rss < 400, "peak RSS {rss} MiB");
}

#[test]
fn a_1_gib_view_is_refused_by_plan_and_apply_without_reading_it_whole() {
    let (_dir, path) = sparse_gib();
    for cmd in ["plan", "apply"] {
        let (code, out, rss) = run_measured(&[
            cmd,
            "--gni",
            &path,
            "--midonet-url",
            "http://127.0.0.1:9/midonet-api",
        ]);
        eprintln!(
            "{cmd} of a 1 GiB view: exit {code}, peak RSS {rss} MiB: {}",
            out.trim()
        );
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("more than the limit"), "{out}");
        assert!(rss < 400, "{cmd}: peak RSS {rss} MiB");
    }
}
