//! The single HTTP entry point: CORS preflight, the no-slash redirect, `/_sim/`, fault
//! injection, latency, the write lock, routing to the resource modules, and stats.
use super::error::ApiError;
use super::faults::Fault;
use super::http::{self, Ctx, Res};
use super::stats::resource_of;
use super::store::Store;
use super::{
    bgp_dhcp, devices, fixture, groups, hosts, lock, ports, root, routes, rules, tables, Sim,
};
use actix_web::http::Method;
use actix_web::web::{Bytes, Data};
use actix_web::{HttpRequest, HttpResponse};
use std::time::Instant;

/// Percent-decodes a path segment.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            // Byte slices, not str slices: a multi-byte character after '%' must not panic.
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn header(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A response whose body fails at once: actix drops the connection before the head is
/// flushed, so the client sees the connection close with no answer.
fn dropped() -> HttpResponse {
    let s = futures::stream::once(async {
        Err::<Bytes, _>(std::io::Error::other("sim: injected connection drop"))
    });
    HttpResponse::Ok().streaming(s)
}

fn route_read(ctx: &Ctx, segs: &[&str], s: &Store) -> Res {
    root::handle(ctx, segs)
        .or_else(|| devices::get(ctx, segs, s))
        .or_else(|| ports::get(ctx, segs, s))
        .or_else(|| routes::get(ctx, segs, s))
        .or_else(|| rules::get(ctx, segs, s))
        .or_else(|| groups::get(ctx, segs, s))
        .or_else(|| hosts::get(ctx, segs, s))
        .or_else(|| bgp_dhcp::get(ctx, segs, s))
        .or_else(|| tables::get(ctx, segs, s))
        .unwrap_or(Err(ApiError::bare(404)))
}

fn route_write(ctx: &Ctx, segs: &[&str], s: &mut Store) -> Res {
    if let Some(r) = root::handle(ctx, segs) {
        return r;
    }
    ports::write(ctx, segs, s)
        .or_else(|| devices::write(ctx, segs, s))
        .or_else(|| routes::write(ctx, segs, s))
        .or_else(|| rules::write(ctx, segs, s))
        .or_else(|| groups::write(ctx, segs, s))
        .or_else(|| hosts::write(ctx, segs, s))
        .or_else(|| bgp_dhcp::write(ctx, segs, s))
        .or_else(|| tables::write(ctx, segs, s))
        .unwrap_or(Err(ApiError::bare(404)))
}

/// Text a targeted fault rule is matched against: path, body, and names of the objects the
/// path's ids refer to (so a VPC's name also hits requests on its children by id).
fn haystack(sim: &Sim, path: &str, body: &[u8], segs: &[String]) -> String {
    let mut h = format!("{path}\n{}", String::from_utf8_lossy(body));
    let s = sim.read();
    for seg in segs {
        if let Ok(id) = uuid::Uuid::parse_str(seg) {
            if let Some(n) = s.name_of(&id) {
                h.push('\n');
                h.push_str(&n);
            }
        }
    }
    h
}

/// The actix handler for every path.
pub async fn dispatch(req: HttpRequest, body: Bytes, sim: Data<Sim>) -> HttpResponse {
    if req.method() == Method::OPTIONS {
        return http::options();
    }
    let path = req.path().to_string();
    if let Some(rest) = path.strip_prefix("/_sim") {
        return fixture::handle(&req, rest, &body, &sim).await;
    }
    let info = req.connection_info().clone();
    let base = format!("{}://{}/midonet-api", info.scheme(), info.host());
    let Some(rest) = path.strip_prefix("/midonet-api") else {
        return http::respond(&Err(ApiError::bare(404)));
    };
    if rest.is_empty() {
        // The servlet container redirects the context root to add the slash (spec §1).
        let r = Ok(http::Reply::Redirect(format!("{base}/")));
        lock(&sim.stats).record(req.method().as_str(), "application", 302);
        return http::respond(&r);
    }
    let segs_owned: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect();
    let segs: Vec<&str> = segs_owned.iter().map(String::as_str).collect();
    let method = req.method().clone();
    let resource = resource_of(&segs);
    // Login changes nothing: it must not take the write lock nor count as a write.
    let write =
        !(method == Method::GET || method == Method::HEAD) && segs.first() != Some(&"login");
    let query = url_query(req.query_string());
    let ctx = Ctx {
        method: method.clone(),
        base,
        accept: header(&req, "accept"),
        content_type: header(&req, "content-type"),
        body: body.clone(),
        query,
        authorization: header(&req, "authorization"),
    };

    let fault = lock(&sim.faults).decide(write, || haystack(&sim, &path, &body, &segs_owned));
    let early = match fault {
        Some(Fault::Unavailable) => Some(Err(ApiError::new(
            503,
            "Could not acquire lock for storage operation.",
        ))),
        Some(Fault::Internal) => Some(Err(ApiError::internal("Injected fault (vpcmido sim)"))),
        Some(Fault::Conflict) => Some(Err(ApiError::bare(409))),
        _ => None,
    };
    if let Some(f) = fault {
        lock(&sim.stats).fault(f.label());
    }
    if let Some(r) = early {
        lock(&sim.stats).record(method.as_str(), &resource, http::status_of(&r));
        return http::respond(&r);
    }
    if fault == Some(Fault::DropBefore) {
        lock(&sim.stats).record(method.as_str(), &resource, 0);
        return dropped();
    }

    let known = segs.first().map_or(true, |s| root::known_root(s));
    let res: Res = if !known {
        Err(ApiError::new(
            404,
            format!(
                "Root resource {} not found",
                segs.first().copied().unwrap_or("")
            ),
        ))
    } else if write {
        let arrived = Instant::now();
        let guard = match tokio::time::timeout(sim.cfg.lock_timeout, sim.write_lock.lock()).await {
            Ok(g) => g,
            Err(_) => {
                let r = Err(ApiError::new(
                    503,
                    "Could not acquire lock for storage operation.",
                ));
                lock(&sim.stats).record(method.as_str(), &resource, 503);
                return http::respond(&r);
            }
        };
        let held = Instant::now();
        if !sim.cfg.write_latency.is_zero() {
            // Lateness never accumulates over a run of writes: see `latency.rs`.
            let latency = sim.cfg.write_latency;
            let deadline = lock(&sim.write_clock).deadline(arrived, latency);
            // tokio's timer rounds up to whole milliseconds; a thread sleep on the blocking
            // pool is finer and burns no CPU. Only the lock holder sleeps (one thread).
            let remaining = deadline.saturating_duration_since(Instant::now());
            let _ = tokio::task::spawn_blocking(move || std::thread::sleep(remaining)).await;
            lock(&sim.write_clock).finished(deadline, Instant::now(), latency);
        }
        let r = {
            let mut store = sim.write();
            route_write(&ctx, &segs, &mut store)
        };
        let secs = held.elapsed().as_secs_f64();
        drop(guard);
        let mut st = lock(&sim.stats);
        st.lock_held += secs;
        if r.is_ok() {
            st.writes_applied += 1;
        }
        r
    } else {
        if !sim.cfg.read_latency.is_zero() {
            tokio::time::sleep(sim.cfg.read_latency).await;
        }
        let store = sim.read();
        route_read(&ctx, &segs, &store)
    };
    if fault == Some(Fault::DropAfter) {
        lock(&sim.stats).record(method.as_str(), &resource, 0);
        return dropped();
    }
    lock(&sim.stats).record(method.as_str(), &resource, http::status_of(&res));
    http::respond(&res)
}

/// Parses a query string into decoded pairs.
pub fn url_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(&v.replace('+', " "))),
            None => (decode(p), String::new()),
        })
        .collect()
}
