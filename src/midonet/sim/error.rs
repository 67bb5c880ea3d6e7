//! The emulator's error type: an HTTP status with MidoNet's error body (spec §6.2), or no
//! body where MidoNet sends none (405, 406, 415, the plain 409s and some 404s).
use crate::midonet::dto::{ErrorBody, Violation};

/// A failed request, as MidoNet would answer it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{status}: {}", message.as_deref().unwrap_or("<no body>"))]
pub struct ApiError {
    pub status: u16,
    pub message: Option<String>,
    pub violations: Option<Vec<Violation>>,
    /// False for the answers MidoNet sends without an entity.
    pub body: bool,
}

impl ApiError {
    /// An error with `{"message", "code"}`.
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: Some(message.into()),
            violations: None,
            body: true,
        }
    }
    /// An answer without a body.
    pub fn bare(status: u16) -> Self {
        ApiError {
            status,
            message: None,
            violations: None,
            body: false,
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, message)
    }
    /// `There is no <Kind> with ID <id>.` (storage kind names, spec §6.3).
    pub fn no_such(kind: &str, id: impl std::fmt::Display) -> Self {
        Self::new(404, format!("There is no {kind} with ID {id}."))
    }
    /// `A(n) <Kind> with ID <id> already exists.`
    pub fn exists(kind: &str, id: impl std::fmt::Display) -> Self {
        Self::new(409, format!("A(n) {kind} with ID {id} already exists."))
    }
    /// Bean-validation failure (400, `Validation error(s) found`).
    pub fn violations(v: Vec<Violation>) -> Self {
        ApiError {
            status: 400,
            message: Some("Validation error(s) found".into()),
            violations: Some(v),
            body: true,
        }
    }
    /// One violation.
    pub fn violation(property: &str, message: impl Into<String>) -> Self {
        Self::violations(vec![Violation {
            property: property.into(),
            message: message.into(),
        }])
    }
    /// MidoNet's error entity, when there is one.
    pub fn entity(&self) -> Option<ErrorBody> {
        self.body.then(|| ErrorBody {
            message: self.message.clone(),
            code: self.status,
            violations: self.violations.clone(),
        })
    }
}

/// Collects violations of one object, as Hibernate Validator reports them all at once.
#[derive(Default)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    pub fn add(&mut self, property: &str, message: impl Into<String>) {
        self.0.push(Violation {
            property: property.into(),
            message: message.into(),
        });
    }
    pub fn not_null<T>(&mut self, property: &str, v: &Option<T>) {
        if v.is_none() {
            self.add(property, "may not be null");
        }
    }
    pub fn range(&mut self, property: &str, v: i64, min: i64, max: i64) {
        if v < min {
            self.add(property, format!("must be greater than or equal to {min}"));
        } else if v > max {
            self.add(property, format!("must be less than or equal to {max}"));
        }
    }
    pub fn size(&mut self, property: &str, s: &Option<String>, min: usize, max: usize) {
        if let Some(s) = s {
            let n = s.chars().count();
            if n < min || n > max {
                self.add(property, format!("size must be between {min} and {max}"));
            }
        }
    }
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::violations(self.0))
        }
    }
}

/// The IPv4 dotted-quad regex MidoNet uses in `@Pattern` (`IPv4.regex`), for messages.
pub const IPV4_REGEX: &str =
    "^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$";

/// True for a dotted quad MidoNet's regex accepts.
pub fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().map(|n| n <= 255).unwrap_or(false)
        })
}

/// Six colon-separated groups of one or two hex digits (MidoNet `MAC.fromString`).
pub fn parse_mac(s: &str) -> Option<[u8; 6]> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 6 {
        return None;
    }
    let mut out = [0u8; 6];
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || p.len() > 2 {
            return None;
        }
        out[i] = u8::from_str_radix(p, 16).ok()?;
    }
    Some(out)
}

/// The message MidoNet gives for an unparsable MAC.
pub const MAC_MSG: &str =
    "MAC address string must be 6 words of 1 or 2 hex digits joined with 5 ':'";
