//! Recognizing a view whose content did not change without parsing it. The CLC rewrites the
//! file for every broadcast: with a new `version` when the content changed, and with the same
//! content when it only sets `applied-version`/`applied-time` on the root element. Parsing
//! and validating a 4,000-ENI view costs ~20 ms (40,000: ~300 ms) per rewrite, so the director
//! first compares everything after the root start tag with the last accepted view's; when that
//! is equal, only the root tag's `version` is read.

/// The root start tag's end: everything before it is the XML declaration, comments and the
/// `<network-data …>` tag; everything after it is the content.
fn split(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = find(bytes, b"<network-data")?;
    let end = start + bytes[start..].iter().position(|&b| b == b'>')? + 1;
    Some(bytes.split_at(end))
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// A hash of the content after the root start tag (`None` when there is no root tag).
pub fn body_hash(bytes: &[u8]) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let (_, body) = split(bytes)?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    Some(h.finish())
}

/// The root tag's `version` attribute, when it is one of the 8 lower-case hex digits the
/// format requires (anything else: parse the view properly).
pub fn root_version(bytes: &[u8]) -> Option<String> {
    let (head, _) = split(bytes)?;
    let start = find(head, b"<network-data")?;
    let tag = &head[start..];
    // Preceded by whitespace, so `applied-version` does not match.
    let at = tag
        .windows(9)
        .position(|w| w[0].is_ascii_whitespace() && &w[1..] == b"version=")?;
    let rest = &tag[at + 9..];
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &rest[1..];
    let len = value.iter().position(|&b| b == quote)?;
    let v = std::str::from_utf8(&value[..len]).ok()?;
    (v.len() == 8
        && v.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_and_body_of_a_rewritten_view() {
        let a = br#"<?xml version="1.0"?><network-data applied-version="0000000a" version="0000000b" applied-time="x"><vpcs/></network-data>"#;
        let b = br#"<?xml version="1.0"?><network-data version="0000000c"><vpcs/></network-data>"#;
        let c = br#"<network-data version="0000000c"><vpcs><vpc/></vpcs></network-data>"#;
        assert_eq!(root_version(a).as_deref(), Some("0000000b"));
        assert_eq!(root_version(b).as_deref(), Some("0000000c"));
        assert_eq!(body_hash(a), body_hash(b));
        assert_ne!(body_hash(b), body_hash(c));
        assert_eq!(root_version(br#"<network-data version="XYZ">"#), None);
        assert_eq!(root_version(b"<other/>"), None);
    }
}
