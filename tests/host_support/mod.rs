//! Shared helpers of the root-only host tests (tests/host_*.rs, tests/metadata_*.rs): the root
//! check with its loud skip, a unique name prefix per test, a guard that removes every object
//! with the prefix (and the test's own extra namespaces) even when the test fails, and `ip -json`
//! readers for assertions.
#![allow(dead_code)]
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use vpcmido::gni::{self, Gni, Limits};
use vpcmido::host::{self, Prefix, SystemIp};

/// True when running as root; otherwise prints a loud skip notice.
pub fn root_or_skip(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return true;
    }
    // Written to the stderr handle, not with eprintln!: the test harness captures the macros'
    // output of passing tests, and this notice must be seen.
    let _ = writeln!(
        std::io::stderr(),
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         !!! SKIPPED {test}: needs root (network namespaces, veths). CI runs as root.\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    false
}

/// A prefix no object on the host uses yet: a letter and two base-36 characters drawn from
/// the pid, the clock and a counter (3 characters: the longest interface names stay ≤ 15).
pub fn unique_prefix() -> Prefix {
    static N: AtomicU32 = AtomicU32::new(0);
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    for attempt in 0..100u32 {
        let mut x = std::process::id()
            .wrapping_mul(2654435761)
            .wrapping_add(nanos)
            .wrapping_add(N.fetch_add(1, Ordering::Relaxed).wrapping_mul(7919))
            .wrapping_add(attempt.wrapping_mul(104729));
        let mut s = String::new();
        s.push(A[(x % 26) as usize] as char);
        x /= 26;
        for _ in 0..2 {
            s.push(A[(x % 36) as usize] as char);
            x /= 36;
        }
        let p = Prefix::new(&s).expect("valid prefix");
        let taken = names_with_prefix(p.as_str());
        if taken.is_empty() {
            return p;
        }
    }
    panic!("no free test prefix after 100 attempts");
}

/// Every link (host namespace) and namespace whose name starts with `p`.
pub fn names_with_prefix(p: &str) -> Vec<String> {
    let mut v: Vec<String> = json(&["-json", "link", "show"])
        .iter()
        .filter_map(|l| l["ifname"].as_str().map(str::to_string))
        .filter(|n| n.starts_with(p))
        .collect();
    v.extend(
        json(&["-json", "netns", "list"])
            .iter()
            .filter_map(|n| n["name"].as_str().map(str::to_string))
            .filter(|n| n.starts_with(p)),
    );
    v
}

/// Removes everything with the prefix when dropped, plus the extra namespaces a test made.
pub struct Cleanup {
    pub prefix: Prefix,
    pub extra_netns: Vec<String>,
}

impl Cleanup {
    pub fn new(prefix: &Prefix) -> Self {
        Cleanup {
            prefix: prefix.clone(),
            extra_netns: Vec::new(),
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for ns in &self.extra_netns {
            let _ = std::process::Command::new("ip")
                .args(["netns", "del", ns])
                .output();
        }
        if let Err(e) = host::cleanup_all(&SystemIp::default(), &self.prefix, false) {
            eprintln!("cleanup of prefix {:?} failed: {e}", self.prefix.as_str());
        }
    }
}

/// Runs `ip ARGS` and parses its JSON output (empty output is an empty list).
pub fn json(args: &[&str]) -> Vec<serde_json::Value> {
    let out = std::process::Command::new("ip")
        .args(args)
        .output()
        .expect("run ip");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim().is_empty() {
        return Vec::new();
    }
    serde_json::from_str(&text).expect("ip json")
}

/// Runs `ip ARGS`, asserting success.
pub fn ip(args: &[&str]) {
    let out = std::process::Command::new("ip")
        .args(args)
        .output()
        .expect("run ip");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `name -> (up, sorted IPv4 addresses "a.b.c.d/len")` for the links of a namespace whose
/// names start with `p`.
pub fn links(
    netns: Option<&str>,
    p: &str,
) -> std::collections::BTreeMap<String, (bool, Vec<String>)> {
    let mut args: Vec<&str> = Vec::new();
    if let Some(n) = netns {
        args.extend(["-n", n]);
    }
    args.extend(["-json", "addr", "show"]);
    json(&args)
        .iter()
        .filter_map(|l| {
            let name = l["ifname"].as_str()?.to_string();
            if !name.starts_with(p) {
                return None;
            }
            let up = l["flags"]
                .as_array()
                .is_some_and(|f| f.iter().any(|x| x == "UP"));
            let mut addrs: Vec<String> = l["addr_info"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|x| x["family"] == "inet")
                        .map(|x| {
                            format!("{}/{}", x["local"].as_str().unwrap_or("?"), x["prefixlen"])
                        })
                        .collect()
                })
                .unwrap_or_default();
            addrs.sort();
            Some((name, (up, addrs)))
        })
        .collect()
}

/// `"dst via gw dev d"` for the non-kernel routes of a namespace through devices starting
/// with `p`.
pub fn routes(netns: Option<&str>, p: &str) -> Vec<String> {
    let mut args: Vec<&str> = Vec::new();
    if let Some(n) = netns {
        args.extend(["-n", n]);
    }
    args.extend(["-json", "-4", "route", "show"]);
    json(&args)
        .iter()
        .filter(|r| {
            r["protocol"] != "kernel" && r["dev"].as_str().is_some_and(|d| d.starts_with(p))
        })
        .map(|r| {
            format!(
                "{} via {} dev {}",
                r["dst"].as_str().unwrap_or("?"),
                r["gateway"].as_str().unwrap_or("-"),
                r["dev"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// Namespaces whose names start with `p`, sorted.
pub fn namespaces(p: &str) -> Vec<String> {
    let mut v: Vec<String> = json(&["-json", "netns", "list"])
        .iter()
        .filter_map(|n| n["name"].as_str().map(str::to_string))
        .filter(|n| n.starts_with(p))
        .collect();
    v.sort();
    v
}

pub fn example(name: &str) -> Gni {
    let path = format!("{}/examples/gni/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(path).expect("example view");
    gni::load(&bytes, &Limits::default()).expect("valid view")
}
