//! Request context and replies: media-type negotiation (spec §4.2), lenient body reading
//! (§5), and turning a [`Reply`] or [`ApiError`] into an HTTP response with MidoNet's headers
//! (CORS on every answer, §1; error media type, §6.2).
use super::error::ApiError;
use crate::midonet::dto::{self, BodyError};
use crate::midonet::media;
use actix_web::http::{Method, StatusCode};
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use serde::de::DeserializeOwned;

/// How an endpoint checks its headers (spec §4.2).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Check {
    /// `MidonetResource`'s generic CRUD: raw header compared with the allowed list; a missing
    /// or unparsable Accept → 406; a Content-Type mismatch (after the body is read) → 406.
    Generic,
    /// JAX-RS annotations: a missing Accept is `*/*`; a Content-Type not consumed → 415.
    Annotated,
}

/// One request, as the handlers see it.
pub struct Ctx {
    pub method: Method,
    /// `http://<Host>/midonet-api`, no trailing slash.
    pub base: String,
    pub accept: Option<String>,
    pub content_type: Option<String>,
    pub body: Bytes,
    pub query: Vec<(String, String)>,
    /// The `Authorization` header (login only).
    pub authorization: Option<String>,
}

/// A successful answer.
#[derive(Debug)]
pub enum Reply {
    /// 200 with a JSON text body of the given media type.
    Json { media: String, text: String },
    /// 201, no body, `Location`.
    Created(String),
    /// 201, no body, no `Location` (port link, spec §6.1).
    CreatedBare,
    /// 204.
    NoContent,
    /// 200 with no body (host PUT and DELETE).
    OkEmpty,
    /// A redirect to the given URI.
    Redirect(String),
    /// Login: 200, Token body, `Set-Cookie`.
    Login(String),
}

pub type Res = Result<Reply, ApiError>;

fn parse_mt(s: &str) -> Option<(String, String)> {
    let s = s.split(';').next()?.trim().to_ascii_lowercase();
    let (t, st) = s.split_once('/')?;
    if t.is_empty() || st.is_empty() || t.contains(',') || st.contains(',') || st.contains('/') {
        return None;
    }
    Some((t.trim().to_string(), st.trim().to_string()))
}

fn compatible(a: &(String, String), b: &(String, String)) -> bool {
    (a.0 == "*" || b.0 == "*" || a.0 == b.0) && (a.1 == "*" || b.1 == "*" || a.1 == b.1)
}

fn pick(asked: &(String, String), allowed: &[&str]) -> Option<String> {
    let hit = allowed
        .iter()
        .find(|m| parse_mt(m).is_some_and(|m| compatible(asked, &m)))?;
    if asked.0 == "*" || asked.1 == "*" {
        // A wildcard is answered as application/json when allowed (spec §4.2, [inferred]).
        Some(
            if allowed.contains(&media::JSON) {
                media::JSON
            } else {
                hit
            }
            .to_string(),
        )
    } else {
        // Same type as asked, modulo case: answer with MidoNet's spelling.
        Some(hit.to_string())
    }
}

/// Subtype `json`, `*+json`, `javascript`, `x-javascript` or `x-json` (Jackson's provider).
fn json_like(ct: &str) -> bool {
    parse_mt(ct).is_some_and(|(_, st)| {
        st == "json"
            || st.ends_with("+json")
            || st == "javascript"
            || st == "x-javascript"
            || st == "x-json"
    })
}

impl Ctx {
    /// URI of a path under the API root.
    pub fn uri(&self, path: &str) -> String {
        format!("{}/{}", self.base, path)
    }

    /// The query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Negotiates the response type of a GET; 406 when nothing fits.
    pub fn accept(&self, check: Check, allowed: &[&str]) -> Result<String, ApiError> {
        match check {
            Check::Generic => {
                let asked = self
                    .accept
                    .as_deref()
                    .and_then(parse_mt)
                    .ok_or(ApiError::bare(406))?;
                pick(&asked, allowed).ok_or(ApiError::bare(406))
            }
            Check::Annotated => {
                let Some(raw) = self.accept.as_deref() else {
                    return pick(&("*".into(), "*".into()), allowed).ok_or(ApiError::bare(406));
                };
                raw.split(',')
                    .filter_map(parse_mt)
                    .find_map(|a| pick(&a, allowed))
                    .ok_or(ApiError::bare(406))
            }
        }
    }

    /// Reads a POST/PUT body as `T`: 415 for a Content-Type no JSON reader takes (or, on
    /// annotated paths, one not consumed); 400 for a mapping error; 406 on generic paths whose
    /// allowed list lacks the Content-Type (checked after reading, as MidoNet does).
    pub fn body<T: DeserializeOwned>(&self, check: Check, allowed: &[&str]) -> Result<T, ApiError> {
        let ct = self
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        if !json_like(ct) {
            return Err(ApiError::bare(415));
        }
        let ct_mt = parse_mt(ct).ok_or(ApiError::bare(415))?;
        let fits = allowed
            .iter()
            .any(|m| parse_mt(m).is_some_and(|m| compatible(&ct_mt, &m)));
        if check == Check::Annotated && !fits {
            return Err(ApiError::bare(415));
        }
        let v = dto::from_object_body::<T>(&self.body).map_err(|e| match e {
            BodyError::Mapping(m) => ApiError::bad_request(m),
            // Not a mapping error: escapes MidoNet's mapper; a 500 (spec §6.3 [inferred]).
            BodyError::Syntax(m) => ApiError::internal(m),
            BodyError::Empty => ApiError::internal("No content to map due to end-of-input"),
        })?;
        if !fits {
            return Err(ApiError::bare(406));
        }
        Ok(v)
    }

    /// A 200 JSON reply.
    pub fn json(&self, media: String, text: String) -> Res {
        Ok(Reply::Json { media, text })
    }
}

/// Serializes a DTO; serialization of these types cannot fail, but never panic if it does.
pub fn to_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Joins JSON texts into an array.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let mut s = String::from("[");
    for (i, it) in items.into_iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&it);
    }
    s.push(']');
    s
}

/// Puts `key: value` (raw JSON) before the object's own keys, to reproduce the keys MidoNet
/// writes twice (spec §5).
pub fn with_leading_key(obj: String, key: &str, raw: &str) -> String {
    match obj.strip_prefix('{') {
        Some(rest) if rest.starts_with('}') => format!("{{\"{key}\":{raw}}}"),
        Some(rest) => format!("{{\"{key}\":{raw},{rest}"),
        None => obj,
    }
}

fn cors(b: &mut actix_web::HttpResponseBuilder) {
    b.insert_header(("Access-Control-Allow-Origin", "*"));
    b.insert_header((
        "Access-Control-Allow-Methods",
        "GET, POST, PUT, DELETE, OPTIONS",
    ));
    b.insert_header(("Access-Control-Expose-Headers", "Location"));
}

fn builder(status: u16) -> actix_web::HttpResponseBuilder {
    let mut b = HttpResponse::build(
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    );
    cors(&mut b);
    b
}

/// The HTTP response of a reply.
pub fn respond(r: &Res) -> HttpResponse {
    match r {
        Ok(Reply::Json { media, text }) => {
            builder(200).content_type(media.as_str()).body(text.clone())
        }
        Ok(Reply::Created(loc)) => builder(201)
            .insert_header(("Location", loc.as_str()))
            .finish(),
        Ok(Reply::CreatedBare) => builder(201).finish(),
        Ok(Reply::NoContent) => builder(204).finish(),
        Ok(Reply::OkEmpty) => builder(200).finish(),
        Ok(Reply::Redirect(to)) => builder(302)
            .insert_header(("Location", to.as_str()))
            .finish(),
        Ok(Reply::Login(token)) => builder(200)
            .insert_header(("Set-Cookie", format!("sessionId={token}")))
            .content_type(media::TOKEN)
            .body(to_text(&dto::Token {
                key: token.clone(),
                expires: None,
            })),
        Err(e) => {
            let mut b = builder(e.status);
            if e.status == 503 {
                // Non-standard header name, as MidoNet sends it (spec §6.3).
                b.insert_header(("RetryAfter", "3"));
            }
            if e.status == 401 {
                b.insert_header(("WWW-Authenticate", "Basic  realm=\"BASIC_AUTH_REALM\""));
            }
            match e.entity() {
                Some(body) => b.content_type(media::ERROR).body(to_text(&body)),
                None => b.finish(),
            }
        }
    }
}

/// Status code of a reply (for stats).
pub fn status_of(r: &Res) -> u16 {
    match r {
        Ok(Reply::Json { .. }) | Ok(Reply::OkEmpty) | Ok(Reply::Login(_)) => 200,
        Ok(Reply::Created(_)) | Ok(Reply::CreatedBare) => 201,
        Ok(Reply::NoContent) => 204,
        Ok(Reply::Redirect(_)) => 302,
        Err(e) => e.status,
    }
}

/// The answer to `OPTIONS` on any path (CORS preflight; never reaches a resource).
pub fn options() -> HttpResponse {
    let mut b = builder(200);
    b.insert_header((
        "Access-Control-Allow-Headers",
        "Origin, X-Auth-Token, Content-Type, Accept, Authorization",
    ));
    b.finish()
}
