//! The admin HTTP API of `vpcmido run` (127.0.0.1 by default). Endpoints:
//!
//! | Method and path         | Answer |
//! |-------------------------|--------|
//! | `GET /metrics`          | Prometheus text exposition of every metric (404 without a recorder) |
//! | `GET /healthz`          | 200 `ok` while the director runs, else 503 |
//! | `GET /readyz`           | 200 once a view is accepted and the core applied, else 503 with the reason |
//! | `GET /status`           | JSON [`DaemonStatus`]: versions, per-VPC state, held view, view error, top failing |
//! | `POST /resync`          | resync every scope; `{"scopes": N}` |
//! | `POST /resync/{vpc_id}` | resync one VPC (`core` for the core); 404 for an unknown id |
//! | `POST /confirm`         | apply the view held by the mass-delete guard; `{"confirmed": version}`, 409 if none |
//! | `PUT /log-level`        | body: a tracing filter (`debug`, `vpcmido=trace,info`); 400 if invalid |
//!
//! With a token configured (`admin_token_file`), every POST and PUT needs
//! `Authorization: Bearer <token>` and gets 401 without it; GETs stay open (read-only, and
//! the listener is loopback by default).
use crate::actors::status::DaemonStatus;
use crate::actors::{Confirm, Director, GetStatus, ResyncAll, ResyncVpc};
use actix::Addr;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use std::net::SocketAddr;
use std::sync::Arc;

/// Changes the log filter (a `tracing_subscriber::reload` handle behind a closure).
pub type LogLevelFn = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// What the handlers share.
#[derive(Clone)]
pub struct AdminState {
    pub director: Addr<Director>,
    pub token: Option<String>,
    pub prometheus: Option<metrics_exporter_prometheus::PrometheusHandle>,
    pub log_level: Option<LogLevelFn>,
}

/// A running admin server.
pub struct AdminHandle {
    pub addr: SocketAddr,
    server: actix_web::dev::ServerHandle,
}

impl AdminHandle {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub async fn stop(self) {
        self.server.stop(true).await;
    }
}

/// Starts the server in the current actix System.
pub fn start(addr: SocketAddr, state: AdminState) -> std::io::Result<AdminHandle> {
    // Off loopback, anyone who can reach the port could confirm a held mass delete: a token is
    // required there.
    if !addr.ip().is_loopback() && state.token.is_none() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "the admin API on {addr} (not loopback) needs a token: set admin_token_file \
                 (--token-file), or listen on 127.0.0.1"
            ),
        ));
    }
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/metrics", web::get().to(metrics))
            .route("/healthz", web::get().to(healthz))
            .route("/readyz", web::get().to(readyz))
            .route("/status", web::get().to(status))
            .route("/resync", web::post().to(resync_all))
            .route("/resync/{vpc}", web::post().to(resync_one))
            .route("/confirm", web::post().to(confirm))
            .route("/log-level", web::put().to(log_level))
    })
    .workers(1)
    .disable_signals()
    .bind(addr)?;
    let bound = server.addrs().first().copied().unwrap_or(addr);
    let server = server.run();
    let handle = server.handle();
    actix_rt::spawn(server);
    tracing::info!(addr = %bound, "admin API listening");
    Ok(AdminHandle {
        addr: bound,
        server: handle,
    })
}

fn json(status: actix_web::http::StatusCode, v: serde_json::Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(v.to_string())
}

fn unavailable() -> HttpResponse {
    json(
        actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
        serde_json::json!({"error": "the director is not running"}),
    )
}

/// Constant-time comparison, so the token cannot be guessed byte by byte from timings.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `None` when allowed; else the 401 answer.
fn refused(req: &HttpRequest, st: &AdminState) -> Option<HttpResponse> {
    let token = st.token.as_ref()?;
    let given = req
        .headers()
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    if same(given.as_bytes(), token.as_bytes()) {
        return None;
    }
    tracing::warn!(path = %req.path(), "admin call without a valid token refused");
    Some(json(
        actix_web::http::StatusCode::UNAUTHORIZED,
        serde_json::json!({"error": "missing or wrong bearer token"}),
    ))
}

async fn metrics(st: web::Data<AdminState>) -> HttpResponse {
    match &st.prometheus {
        Some(h) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4")
            .body(h.render()),
        None => HttpResponse::NotFound().body("no metrics recorder installed\n"),
    }
}

async fn healthz(st: web::Data<AdminState>) -> HttpResponse {
    if st.director.connected() {
        HttpResponse::Ok().body("ok\n")
    } else {
        HttpResponse::ServiceUnavailable().body("director stopped\n")
    }
}

async fn get_status(st: &AdminState) -> Option<DaemonStatus> {
    st.director.send(GetStatus).await.ok()
}

async fn readyz(st: web::Data<AdminState>) -> HttpResponse {
    let Some(s) = get_status(&st).await else {
        return unavailable();
    };
    if s.ready {
        return HttpResponse::Ok().body("ready\n");
    }
    let why = if s.accepted_version.is_none() {
        match (&s.startup_error, &s.view_error, &s.held) {
            (Some(e), _, _) => format!("start-up discovery failing: {e}"),
            (_, Some(e), _) => format!("no usable view: {e}"),
            (_, _, Some(h)) => format!("view {} held: {}", h.version, h.reason),
            _ => "no view accepted yet".into(),
        }
    } else {
        "core not applied yet".into()
    };
    HttpResponse::ServiceUnavailable().body(format!("{why}\n"))
}

async fn status(st: web::Data<AdminState>) -> HttpResponse {
    match get_status(&st).await {
        Some(s) => match serde_json::to_value(&s) {
            Ok(v) => json(actix_web::http::StatusCode::OK, v),
            Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
        },
        None => unavailable(),
    }
}

async fn resync_all(req: HttpRequest, st: web::Data<AdminState>) -> HttpResponse {
    if let Some(r) = refused(&req, &st) {
        return r;
    }
    match st.director.send(ResyncAll).await {
        Ok(n) => json(
            actix_web::http::StatusCode::OK,
            serde_json::json!({ "scopes": n }),
        ),
        Err(_) => unavailable(),
    }
}

async fn resync_one(
    req: HttpRequest,
    path: web::Path<String>,
    st: web::Data<AdminState>,
) -> HttpResponse {
    if let Some(r) = refused(&req, &st) {
        return r;
    }
    let vpc = path.into_inner();
    match st.director.send(ResyncVpc(vpc.clone())).await {
        Ok(true) => json(
            actix_web::http::StatusCode::OK,
            serde_json::json!({ "resync": vpc }),
        ),
        Ok(false) => json(
            actix_web::http::StatusCode::NOT_FOUND,
            serde_json::json!({ "error": format!("no VPC {vpc} in the accepted view") }),
        ),
        Err(_) => unavailable(),
    }
}

async fn confirm(req: HttpRequest, st: web::Data<AdminState>) -> HttpResponse {
    if let Some(r) = refused(&req, &st) {
        return r;
    }
    match st.director.send(Confirm).await {
        Ok(Some(v)) => json(
            actix_web::http::StatusCode::OK,
            serde_json::json!({ "confirmed": v }),
        ),
        Ok(None) => json(
            actix_web::http::StatusCode::CONFLICT,
            serde_json::json!({ "error": "no view is held" }),
        ),
        Err(_) => unavailable(),
    }
}

async fn log_level(req: HttpRequest, body: web::Bytes, st: web::Data<AdminState>) -> HttpResponse {
    if let Some(r) = refused(&req, &st) {
        return r;
    }
    let Some(set) = &st.log_level else {
        return HttpResponse::NotFound().body("log level is not adjustable in this process\n");
    };
    let filter = String::from_utf8_lossy(&body).trim().to_string();
    match set(&filter) {
        Ok(()) => {
            tracing::info!(%filter, "log filter changed");
            HttpResponse::Ok().body(format!("log filter: {filter}\n"))
        }
        Err(e) => HttpResponse::BadRequest().body(format!("{e}\n")),
    }
}
