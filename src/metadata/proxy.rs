//! The metadata proxy: an actix-web server on the metadata address that maps the client's
//! source address (the interface's metadata address 255.x.y.z, to which MidoNet SNATs the
//! instance's traffic) to the instance, and forwards the request (method, path, query, body)
//! to the CLC metadata endpoint with `Euca-Instance-Id: <instance id>`.
//!
//! Answers of its own, all `text/plain`:
//! - 403 when no instance owns the source address (the body names the address);
//! - 502 when the CLC cannot be reached, 504 when it does not answer in time.
//!
//! It never logs request or response bodies (user data holds secrets), and drops any
//! `Euca-Instance-Id` the client sent: the CLC trusts that header from loopback.
use super::map::SharedMap;
use super::{netns, MetadataError, MetadataMap};
use actix_web::http::StatusCode;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// The header the CLC reads the instance id from.
pub const INSTANCE_ID_HEADER: &str = "Euca-Instance-Id";

/// Headers not forwarded in either direction: hop-by-hop ones, lengths (recomputed), and the
/// instance id a client might try to set itself.
const DROPPED: [&str; 11] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "host",
    "euca-instance-id",
];

/// How the proxy listens and where it forwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyConfig {
    /// Listen address (169.254.169.254:80 in production; any address in tests).
    pub listen: SocketAddr,
    /// Bind inside this namespace (`eucamd` when `MIDO_MD_VETH_USE_NETNS=Y`).
    pub netns: Option<String>,
    /// The CLC metadata endpoint, without a trailing path.
    pub clc_url: String,
    pub connect_timeout: Duration,
    /// Whole-request limit towards the CLC.
    pub timeout: Duration,
    /// Largest request body forwarded, in bytes.
    pub max_body: usize,
    pub workers: usize,
}

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            listen: SocketAddr::from((crate::topology::addr::METADATA_IP, 80)),
            netns: None,
            clc_url: "http://127.0.0.1:8773".into(),
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(10),
            max_body: 1024 * 1024,
            workers: 1,
        }
    }
}

struct State {
    map: SharedMap,
    client: reqwest::Client,
    clc_url: String,
}

/// A running proxy.
pub struct ProxyHandle {
    addr: SocketAddr,
    server: actix_web::dev::ServerHandle,
    map: SharedMap,
}

impl ProxyHandle {
    /// The bound address (the real port when 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// The map the proxy reads.
    pub fn map(&self) -> &SharedMap {
        &self.map
    }
    /// Swaps in a new map without restarting; returns the number of addresses.
    pub fn update_map(&self, map: MetadataMap) -> usize {
        self.map.replace(map)
    }
    /// Stops gracefully (requests in flight finish).
    pub async fn stop(self) {
        self.server.stop(true).await;
    }
}

/// Starts the proxy inside the current actix System. The listen address must exist (the host
/// plumbing puts 169.254.169.254 on `eucamd_host`), so call this after the host converged.
pub async fn start(cfg: ProxyConfig, map: SharedMap) -> Result<ProxyHandle, MetadataError> {
    let listener = match &cfg.netns {
        Some(ns) => netns::bind_in_netns(ns, cfg.listen)?,
        None => std::net::TcpListener::bind(cfg.listen).map_err(|source| MetadataError::Bind {
            addr: cfg.listen,
            netns: None,
            source,
        })?,
    };
    let addr = listener.local_addr().unwrap_or(cfg.listen);
    let client = reqwest::Client::builder()
        .connect_timeout(cfg.connect_timeout)
        .timeout(cfg.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| MetadataError::Client(e.to_string()))?;
    let data = web::Data::new(State {
        map: map.clone(),
        client,
        clc_url: cfg.clc_url.trim_end_matches('/').to_string(),
    });
    let max_body = cfg.max_body;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(max_body))
            .default_service(web::to(forward))
    })
    .workers(cfg.workers.max(1))
    .disable_signals()
    .listen(listener)
    .map_err(|source| MetadataError::Bind {
        addr,
        netns: cfg.netns.clone(),
        source,
    })?
    .run();
    let handle = server.handle();
    actix_rt::spawn(server);
    tracing::info!(%addr, clc = %cfg.clc_url, "metadata proxy listening");
    Ok(ProxyHandle {
        addr,
        server: handle,
        map,
    })
}

fn source_v4(req: &HttpRequest) -> Option<Ipv4Addr> {
    match req.peer_addr()?.ip() {
        IpAddr::V4(a) => Some(a),
        IpAddr::V6(a) => a.to_ipv4_mapped(),
    }
}

fn text(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(body)
}

async fn forward(req: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let Some(src) = source_v4(&req) else {
        return text(
            StatusCode::FORBIDDEN,
            "vpcmido metadata: request without an IPv4 source address\n".into(),
        );
    };
    let Some(owner) = state.map.lookup(src) else {
        tracing::warn!(%src, method = %req.method(), path, "metadata request from unknown address");
        return text(
            StatusCode::FORBIDDEN,
            format!(
                "vpcmido metadata: no instance owns source address {src}; \
                 its interface is not in the network view (yet)\n"
            ),
        );
    };
    let Ok(method) = reqwest::Method::from_bytes(req.method().as_str().as_bytes()) else {
        return text(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("vpcmido metadata: method {} not supported\n", req.method()),
        );
    };
    let url = format!("{}{path}", state.clc_url);
    let mut out = state.client.request(method, &url);
    for (name, value) in req.headers() {
        if !DROPPED.contains(&name.as_str()) {
            out = out.header(name.as_str(), value.as_bytes());
        }
    }
    // The CLC answers "/" with the version list only for Host 169.254.169.254.
    let host = req
        .headers()
        .get("host")
        .map(|h| h.as_bytes().to_vec())
        .unwrap_or_else(|| crate::topology::addr::METADATA_IP.to_string().into_bytes());
    out = out
        .header("host", host)
        .header(INSTANCE_ID_HEADER, owner.instance_id.as_str())
        .body(body);
    let resp = match out.send().await {
        Ok(r) => r,
        Err(e) => {
            let (status, what) = if e.is_timeout() {
                (StatusCode::GATEWAY_TIMEOUT, "did not answer in time")
            } else {
                (StatusCode::BAD_GATEWAY, "is unreachable")
            };
            tracing::warn!(%src, instance = %owner.instance_id, path, error = %e, "CLC metadata request failed");
            return text(
                status,
                format!(
                    "vpcmido metadata: the CLC metadata service at {} {what}\n",
                    state.clc_url
                ),
            );
        }
    };
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut builder = HttpResponse::build(status);
    for (name, value) in resp.headers() {
        if !DROPPED.contains(&name.as_str()) {
            builder.append_header((name.as_str(), value.as_bytes()));
        }
    }
    match resp.bytes().await {
        Ok(b) => {
            tracing::debug!(%src, instance = %owner.instance_id, path, status = status.as_u16(), bytes = b.len(), "metadata forwarded");
            builder.body(b)
        }
        Err(e) => {
            tracing::warn!(%src, instance = %owner.instance_id, path, error = %e, "CLC reply cut short");
            text(
                StatusCode::BAD_GATEWAY,
                format!(
                    "vpcmido metadata: the reply of the CLC metadata service at {} was cut short\n",
                    state.clc_url
                ),
            )
        }
    }
}
