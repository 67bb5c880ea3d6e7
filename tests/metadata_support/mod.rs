//! A fake CLC metadata service for the proxy tests: it answers every request with what it
//! received (the `Euca-Instance-Id` header above all), and `/slow/...` after two seconds.
#![allow(dead_code)]
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use std::net::SocketAddr;
use std::time::Duration;
use vpcmido::metadata::{InstanceRef, INSTANCE_ID_HEADER};

pub struct FakeClc {
    pub addr: SocketAddr,
    pub handle: actix_web::dev::ServerHandle,
}

impl FakeClc {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn echo(req: HttpRequest, body: web::Bytes) -> HttpResponse {
    if req.path().starts_with("/slow") {
        actix_rt::time::sleep(Duration::from_secs(2)).await;
    }
    let h = |n: &str| {
        req.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_string()
    };
    let peer = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    HttpResponse::Ok()
        .content_type("text/plain")
        .insert_header(("X-Fake-Clc", "yes"))
        .body(format!(
            "instance-id={}\nmethod={}\nuri={}\nhost={}\nfrom={peer}\nbody={}\n",
            h(INSTANCE_ID_HEADER),
            req.method(),
            req.uri(),
            h("host"),
            String::from_utf8_lossy(&body),
        ))
}

/// Starts the fake CLC on 127.0.0.1 (a free port) in the current actix System.
pub fn start_fake_clc() -> FakeClc {
    let server = HttpServer::new(|| App::new().default_service(web::to(echo)))
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("bind fake CLC");
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_rt::spawn(server);
    FakeClc { addr, handle }
}

pub fn owner(instance: &str, eni: &str) -> InstanceRef {
    InstanceRef {
        instance_id: instance.into(),
        interface: instance.into(),
        eni_id: eni.into(),
        vpc: "vpc-0a0b0c0d".into(),
        subnet: "subnet-0a0b0c0d".into(),
    }
}
