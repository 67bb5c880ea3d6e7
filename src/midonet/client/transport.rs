//! One HTTP exchange with MidoNet, with everything every call needs: admission through the
//! [`ApiGate`](super::gate::ApiGate), exactly the headers eucanetd sends (spec
//! `midonet-api.md` §11: GET `Accept` only, POST/PUT `Content-Type` only, DELETE none — the
//! server 406s on a comma list or a wrong vendor type, §4.2), retries of transient failures
//! ([`retry`](super::retry)), metrics and counters. It does not interpret 4xx: callers map them
//! to typed errors with [`Reply::into_error`] or handle them (409 confirmation).
use super::error::{Error, Op, Result};
use super::metrics::{self, RetryReason};
use super::retry::{parse_retry_after, retry_status};
use super::Inner;
use bytes::Bytes;
use std::time::{Duration, Instant};

/// One request to send.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub op: Op,
    pub url: String,
    /// GET only: exactly one media type (§4.2).
    pub accept: Option<&'static str>,
    /// POST/PUT only.
    pub content_type: Option<&'static str>,
    pub body: Option<Vec<u8>>,
    /// A GET that decides a 409 or an ambiguous failure (counted apart, see `stats`).
    pub confirm: bool,
    /// Retry a 409 without a body (optimistic-concurrency conflict, §8). False where a bare 409
    /// is a real answer (port-group and tunnel-zone member POSTs: "already a member", §9.10,
    /// §9.12).
    pub retry_bare_409: bool,
    /// Retry transient failures here. False where the caller must look before repeating (DHCP
    /// subnets: a repeated POST would store a duplicate, §9.14).
    pub retry: bool,
    /// This request repeats an operation already counted (a caller-driven retry): count it as
    /// a retry, not as a new logical read or write.
    pub repeat: bool,
}

impl Req {
    pub fn get(op: Op, url: String, accept: &'static str) -> Self {
        Req {
            op,
            url,
            accept: Some(accept),
            content_type: None,
            body: None,
            confirm: false,
            retry_bare_409: true,
            retry: true,
            repeat: false,
        }
    }

    pub fn write(
        op: Op,
        url: String,
        content_type: Option<&'static str>,
        body: Option<Vec<u8>>,
    ) -> Self {
        Req {
            op,
            url,
            accept: None,
            content_type,
            body,
            confirm: false,
            retry_bare_409: true,
            retry: true,
            repeat: false,
        }
    }
}

/// A reply that was not retried away: a 2xx or a 4xx.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub op: Op,
    pub status: u16,
    pub location: Option<String>,
    pub body: Bytes,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// MidoNet's error message (`{"message": ..., "code": ...}`, §6.2), if the body has one.
    pub fn message(&self) -> Option<String> {
        error_message(&self.body)
    }

    /// Maps a non-2xx reply to a typed error (404 → `NotFound`, 409 → `Conflict`, other →
    /// `Rejected`).
    pub fn into_error(self) -> Error {
        let message = self.message();
        match self.status {
            404 => Error::NotFound {
                op: self.op,
                message,
            },
            409 => Error::Conflict {
                op: self.op,
                message,
                differing: Vec::new(),
            },
            status => Error::Rejected {
                op: self.op,
                status,
                message,
            },
        }
    }

    /// `Ok(self)` on 2xx, else the typed error.
    pub fn ok(self) -> Result<Reply> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(self.into_error())
        }
    }
}

/// The message of an error body, plus violations when present.
pub(crate) fn error_message(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::Deserializer::from_slice(body)
        .into_iter::<serde_json::Value>()
        .next()?
        .ok()?;
    let mut msg = v
        .get("message")
        .and_then(|m| m.as_str())
        .map(str::to_string);
    if let Some(viol) = v.get("violations").and_then(|x| x.as_array()) {
        let parts: Vec<String> = viol
            .iter()
            .map(|x| {
                format!(
                    "{} {}",
                    x.get("property").and_then(|p| p.as_str()).unwrap_or(""),
                    x.get("message").and_then(|p| p.as_str()).unwrap_or("")
                )
            })
            .collect();
        if !parts.is_empty() {
            msg = Some(format!(
                "{} [{}]",
                msg.unwrap_or_default(),
                parts.join("; ")
            ));
        }
    }
    msg
}

enum Outcome {
    Done(Reply),
    Retry {
        reason: RetryReason,
        hint: Option<Duration>,
        last: Error,
    },
}

impl Inner {
    /// Sends `req`, repeating transient failures per the retry policy.
    pub(crate) async fn send(&self, req: Req) -> Result<Reply> {
        let method = req.op.method;
        if !req.repeat {
            self.counters.op(method, req.confirm);
        }
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            match self.attempt(&req, attempts).await {
                Outcome::Done(reply) => return Ok(reply),
                Outcome::Retry { reason, hint, last } => {
                    if !req.retry || !self.retry.may_retry(attempts) {
                        if req.retry {
                            self.probe(&last).await;
                        }
                        return Err(last);
                    }
                    tracing::debug!(op = %req.op, attempts, reason = reason.label(), "retrying MidoNet call");
                    metrics::record_retry(reason);
                    self.counters.retry();
                    tokio::time::sleep(self.retry.delay(attempts - 1, hint)).await;
                }
            }
        }
    }

    /// After a call failed for good: one `GET /system_state` (no retries), logged, to tell
    /// "MidoNet is down" from "this call keeps failing". This is the only health probe the
    /// client makes — never before writes (spec §9.2; eucanetd probes before each one).
    async fn probe(&self, failed: &Error) {
        let kind = failed.op().kind;
        if matches!(
            kind,
            super::error::Kind::SystemState | super::error::Kind::Application
        ) {
            return;
        }
        let Ok(url) = self.links.collection(super::error::Kind::SystemState) else {
            return;
        };
        let op = Op::new(
            super::error::Method::Get,
            super::error::Kind::SystemState,
            None,
        );
        let req = Req::get(op, url, crate::midonet::media::SYSTEM_STATE);
        // One attempt, straight through `attempt` (no retry loop, no recursion into `send`).
        self.counters.op(req.op.method, false);
        match self.attempt(&req, 1).await {
            Outcome::Done(r) if r.is_success() => {
                let state = String::from_utf8_lossy(&r.body).into_owned();
                tracing::warn!(error = %failed, system_state = %state, "MidoNet call failed; MidoNet answers its health probe");
            }
            Outcome::Done(r) => {
                tracing::warn!(error = %failed, status = r.status, "MidoNet call failed; health probe failed too")
            }
            Outcome::Retry { last, .. } => {
                tracing::warn!(error = %failed, probe = %last, "MidoNet call failed; MidoNet unreachable")
            }
        }
    }

    async fn attempt(&self, req: &Req, attempts: u32) -> Outcome {
        let method = req.op.method;
        // Admission: writes hold an in-flight slot for the round trip only (not the backoff).
        let _permit = if method.is_write() {
            let (permit, waited) = self.gate.write().await;
            metrics::record_wait("write", waited);
            self.counters.waited(true, waited);
            Some(permit)
        } else {
            let waited = self.gate.read().await;
            metrics::record_wait("read", waited);
            self.counters.waited(false, waited);
            None
        };

        let mut rb = match method {
            super::error::Method::Get => self.http.get(&req.url),
            super::error::Method::Post => self.http.post(&req.url),
            super::error::Method::Put => self.http.put(&req.url),
            super::error::Method::Delete => self.http.delete(&req.url),
        };
        if let Some(a) = req.accept {
            rb = rb.header(reqwest::header::ACCEPT, a);
        }
        if let Some(ct) = req.content_type {
            rb = rb.header(reqwest::header::CONTENT_TYPE, ct);
        }
        if let Some(b) = &req.body {
            rb = rb.body(b.clone());
        }

        self.counters.sent(method);
        let start = Instant::now();
        let res = rb.send().await;
        let res = match res {
            Ok(r) => {
                let status = r.status().as_u16();
                let location = r
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let hint = r
                    .headers()
                    .get("retry-after")
                    .or_else(|| r.headers().get("retryafter"))
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after);
                r.bytes().await.map(|body| (status, location, hint, body))
            }
            Err(e) => Err(e),
        };
        let took = start.elapsed();
        match res {
            Ok((status, location, hint, body)) => {
                metrics::record_request(method, req.op.kind, Some(status), took);
                let reply = Reply {
                    op: req.op.clone(),
                    status,
                    location,
                    body,
                };
                let bare = reply.body.iter().all(u8::is_ascii_whitespace);
                let bare_409 = bare && req.retry_bare_409;
                match retry_status(status, bare_409) {
                    Some(reason) => Outcome::Retry {
                        reason,
                        hint,
                        last: Error::Unavailable {
                            op: req.op.clone(),
                            status,
                            attempts,
                            message: reply.message(),
                        },
                    },
                    None => Outcome::Done(reply),
                }
            }
            Err(e) => {
                metrics::record_request(method, req.op.kind, None, took);
                let timeout = e.is_timeout();
                let reason = if timeout {
                    RetryReason::Timeout
                } else {
                    RetryReason::Connect
                };
                Outcome::Retry {
                    reason,
                    hint: None,
                    last: Error::Transport {
                        op: req.op.clone(),
                        attempts,
                        timeout,
                        message: e.to_string(),
                    },
                }
            }
        }
    }
}
