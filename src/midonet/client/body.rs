//! Request bodies and 409 confirmation.
//!
//! **Encoding.** eucanetd leaves unset fields out of its bodies (spec `vpc-to-midonet.md`
//! §14.1) and vpcmido must not rely on more server leniency than eucanetd's profile
//! (`midonet-api.md` §11). So a body drops `null`s (absent and null mean the same thing on input,
//! §7.1/§7.2: both give the model default), read-only link fields (absolute URIs under the API
//! base, §5) and a few server-maintained keys. Omitting a null is not "clearing by accident":
//! the null *is* the cleared value.
//!
//! **Confirmation.** When a create gets 409 (or an id-less create hits its natural key), the
//! stored object is fetched once and compared with what was sent: only the fields the caller
//! set (non-null), minus the server-maintained ones (`ignore`), compared the way eucanetd does
//! it (§11: scalars as strings; lists element by element; MACs case-insensitively, since
//! MidoNet compares them by value, §9.14).
use serde::Serialize;
use serde_json::{Map, Value};

/// Keys the server maintains and never takes from a body (spec §9.5, §9.6, §9.8, §9.11).
pub(crate) const READ_ONLY_KEYS: &[&str] = &[
    "tunnelKey",
    "active",
    "bgpStatus",
    "learned",
    "alive",
    "hostInterfaces",
    "addresses",
    "insertionIds",
];

/// Serializes `obj` as a MidoNet request body (see the module doc).
pub(crate) fn encode<T: Serialize>(obj: &T, base: &str) -> Result<Vec<u8>, serde_json::Error> {
    let mut v = serde_json::to_value(obj)?;
    strip(&mut v, base);
    serde_json::to_vec(&v)
}

/// Drops nulls, link URIs and read-only keys from an object (recursively into nested objects).
pub(crate) fn strip(v: &mut Value, base: &str) {
    if let Value::Object(m) = v {
        m.retain(|k, x| {
            !(x.is_null()
                || READ_ONLY_KEYS.contains(&k.as_str())
                || x.as_str().is_some_and(|s| is_link(s, base)))
        });
        for x in m.values_mut() {
            strip(x, base);
        }
    } else if let Value::Array(a) = v {
        for x in a {
            strip(x, base);
        }
    }
}

fn is_link(s: &str, base: &str) -> bool {
    !base.is_empty() && s.starts_with(base)
}

/// Fields of `sent` (non-null, not in `ignore`) that `stored` does not hold with the same
/// value; empty means "the same object". Nested differences are named with dots.
pub(crate) fn differing(sent: &Value, stored: &Value, ignore: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    if let (Value::Object(s), Value::Object(t)) = (sent, stored) {
        diff_obj(s, t, ignore, "", &mut out);
    } else if !same(sent, stored, "") {
        out.push(String::from("(value)"));
    }
    out
}

fn diff_obj(
    s: &Map<String, Value>,
    t: &Map<String, Value>,
    ignore: &[&str],
    prefix: &str,
    out: &mut Vec<String>,
) {
    for (k, sv) in s {
        if sv.is_null() || ignore.contains(&k.as_str()) {
            continue;
        }
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let tv = t.get(k).unwrap_or(&Value::Null);
        match (sv, tv) {
            (Value::Object(a), Value::Object(b)) => diff_obj(a, b, &[], &path, out),
            _ => {
                if !same(sv, tv, k) {
                    out.push(path);
                }
            }
        }
    }
}

fn same(a: &Value, b: &Value, key: &str) -> bool {
    match (a, b) {
        (Value::Null, _) => true,
        // DHCP `dnsServerAddrs` reads back null when empty (spec §5).
        (Value::Array(x), Value::Null) => x.is_empty(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len()
                && x.iter().zip(y).all(|(p, q)| match (p, q) {
                    (Value::Object(m), Value::Object(n)) => {
                        let mut d = Vec::new();
                        diff_obj(m, n, &[], "", &mut d);
                        d.is_empty()
                    }
                    _ => same(p, q, key),
                })
        }
        (Value::Object(m), Value::Object(n)) => {
            let mut d = Vec::new();
            diff_obj(m, n, &[], "", &mut d);
            d.is_empty()
        }
        _ => match (scalar(a), scalar(b)) {
            (Some(x), Some(y)) => {
                if key.to_ascii_lowercase().contains("mac") || key == "dlSrc" || key == "dlDst" {
                    x.eq_ignore_ascii_case(&y)
                } else {
                    x == y
                }
            }
            _ => false,
        },
    }
}

/// A scalar as eucanetd stringifies it (json-c `get_string`).
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn encode_drops_nulls_links_and_read_only_keys() {
        let base = "http://h:1/midonet-api/";
        let v = json!({"id": "x", "name": null, "uri": "http://h:1/midonet-api/routers/x",
            "tunnelKey": 7, "tpDst": {"start": 1, "end": null}, "addr": "10.0.0.1"});
        let mut v2 = v.clone();
        strip(&mut v2, base);
        assert_eq!(
            v2,
            json!({"id": "x", "tpDst": {"start": 1}, "addr": "10.0.0.1"})
        );
    }

    #[test]
    fn differing_compares_only_what_was_sent() {
        let sent = json!({"id": "a", "name": "eucart", "inboundFilterId": null, "tunnelKey": 0,
            "tpDst": {"start": 67, "end": 68}, "natTargets": [{"addressFrom": "1.2.3.4", "portFrom": 0}],
            "macAddr": "AA:bb:cc:dd:ee:ff", "dnsServerAddrs": []});
        let stored = json!({"id": "a", "name": "eucart", "inboundFilterId": "c", "tunnelKey": 12,
            "tpDst": {"start": 67, "end": 68}, "natTargets": [{"addressFrom": "1.2.3.4", "addressTo": null, "portFrom": 0}],
            "macAddr": "aa:bb:cc:dd:ee:ff", "dnsServerAddrs": null, "uri": "http://..."});
        assert!(differing(&sent, &stored, &["tunnelKey"]).is_empty());
        let other = json!({"id": "a", "name": "eucabr", "tpDst": {"start": 67, "end": 69}});
        let mut d = differing(&sent, &other, &["tunnelKey"]);
        d.sort();
        assert_eq!(d, ["macAddr", "name", "natTargets", "tpDst.end"]);
    }
}
