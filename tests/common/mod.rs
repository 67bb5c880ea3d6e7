//! Test client for the emulator: a running `SimHandle` plus terse request helpers that return
//! (status, Location, body as JSON).
#![allow(dead_code)]
use serde_json::Value;
use vpcmido::midonet::media;
use vpcmido::midonet::sim::{self, SimConfig, SimHandle};

pub struct T {
    pub h: SimHandle,
    pub c: reqwest::Client,
    pub url: String,
}

pub struct R {
    pub status: u16,
    pub location: Option<String>,
    pub ctype: Option<String>,
    pub text: String,
    pub json: Value,
}

pub async fn sim() -> T {
    sim_with(SimConfig::default()).await
}

pub async fn sim_with(cfg: SimConfig) -> T {
    let h = sim::start(cfg).await.expect("start sim");
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let url = h.url();
    T { h, c, url }
}

pub fn vnd(t: &str) -> String {
    format!("{}{}+json", media::VND, t)
}

impl T {
    pub fn u(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}/{}", self.url, path.trim_start_matches('/'))
        }
    }
    async fn send(&self, rb: reqwest::RequestBuilder) -> R {
        let resp = rb.send().await.expect("request");
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap_or("").to_string());
        let ctype = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or("").to_string());
        let text = resp.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        R {
            status,
            location,
            ctype,
            text,
            json,
        }
    }
    pub async fn get(&self, path: &str, accept: &str) -> R {
        let mut rb = self.c.get(self.u(path));
        if !accept.is_empty() {
            rb = rb.header("Accept", accept);
        }
        self.send(rb).await
    }
    pub async fn post(&self, path: &str, ct: &str, body: &str) -> R {
        let mut rb = self.c.post(self.u(path)).body(body.to_string());
        if !ct.is_empty() {
            rb = rb.header("Content-Type", ct);
        }
        self.send(rb).await
    }
    pub async fn put(&self, path: &str, ct: &str, body: &str) -> R {
        self.send(
            self.c
                .put(self.u(path))
                .header("Content-Type", ct)
                .body(body.to_string()),
        )
        .await
    }
    pub async fn delete(&self, path: &str) -> R {
        self.send(self.c.delete(self.u(path))).await
    }
    /// POSTs and returns the created object's id (last Location segment), asserting 201.
    pub async fn create(&self, path: &str, ty: &str, body: &str) -> String {
        let r = self.post(path, &vnd(ty), body).await;
        assert_eq!(r.status, 201, "POST {path}: {}", r.text);
        let loc = r.location.expect("Location");
        loc.rsplit('/').next().unwrap_or_default().to_string()
    }
    pub async fn obj(&self, path: &str, ty: &str) -> Value {
        let r = self.get(path, &vnd(ty)).await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.text);
        r.json
    }
    pub async fn router(&self, name: &str) -> String {
        self.create(
            "routers",
            "Router-v3",
            &format!(r#"{{"name":"{name}","tenantId":"t1"}}"#),
        )
        .await
    }
    pub async fn bridge(&self, name: &str) -> String {
        self.create(
            "bridges",
            "Bridge-v4",
            &format!(r#"{{"name":"{name}","tenantId":"t1"}}"#),
        )
        .await
    }
    pub async fn chain(&self, name: &str) -> String {
        self.create(
            "chains",
            "Chain-v1",
            &format!(r#"{{"name":"{name}","tenantId":"t1"}}"#),
        )
        .await
    }
    pub async fn rport(&self, router: &str, addr: &str) -> String {
        let body = format!(
            r#"{{"type":"Router","portAddress":"{addr}","networkAddress":"{addr}","networkLength":24}}"#
        );
        self.create(&format!("routers/{router}/ports"), "Port-v3", &body)
            .await
    }
    pub async fn bport(&self, bridge: &str) -> String {
        self.create(
            &format!("bridges/{bridge}/ports"),
            "Port-v3",
            r#"{"type":"Bridge"}"#,
        )
        .await
    }
    pub async fn fixture(&self, method: &str, path: &str, body: &str) -> R {
        let url = self.url.replace("/midonet-api", "") + path;
        let rb = match method {
            "PUT" => self.c.put(url),
            "DELETE" => self.c.delete(url),
            "GET" => self.c.get(url),
            _ => self.c.post(url),
        };
        self.send(
            rb.header("Content-Type", "application/json")
                .body(body.to_string()),
        )
        .await
    }
    /// Registers a host (alive) and puts it in a new tunnel zone.
    pub async fn host_in_zone(&self, name: &str, zone: &str) -> String {
        let r = self
            .fixture("POST", "/_sim/hosts", &format!(r#"{{"name":"{name}","alive":true,"hostInterfaces":[{{"name":"tap0","type":"Virtual","endpoint":"TUNTAP"}}]}}"#))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.json["id"].as_str().expect("id").to_string();
        let z = self
            .fixture("POST", "/_sim/tunnel_zones", &format!(r#"{{"name":"{zone}","type":"gre","members":[{{"hostId":"{id}","ipAddress":"10.9.9.9"}}]}}"#))
            .await;
        assert_eq!(z.status, 201, "{}", z.text);
        id
    }
}

impl T {
    /// A GET with no Accept header at all (reqwest always adds `Accept: */*`); returns the
    /// status code. Blocking I/O is fine: the server runs on its own worker threads.
    pub async fn raw_get_status(&self, path: &str) -> u16 {
        let addr = self.h.addr();
        let path = path.to_string();
        tokio::task::spawn_blocking(move || raw_get(addr, &path))
            .await
            .expect("join")
    }
}

fn raw_get(addr: std::net::SocketAddr, path: &str) -> u16 {
    {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(addr).expect("connect");
        let req = format!(
            "GET /midonet-api/{path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        );
        s.write_all(req.as_bytes()).expect("write");
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out.split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    }
}
