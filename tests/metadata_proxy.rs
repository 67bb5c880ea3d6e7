//! The metadata proxy over loopback (no root needed): the source address 127.0.0.1 stands in
//! for an interface's metadata address. Forwarding (method, path, query, body, Host), the
//! instance-id header (and that a client cannot set it), the map swap at run time, and the
//! error answers: unknown source 403, CLC unreachable 502, CLC too slow 504.
mod metadata_support;

use metadata_support::*;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use vpcmido::metadata::{self, MetadataMap, ProxyConfig, SharedMap};

const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

fn config(clc: String) -> ProxyConfig {
    ProxyConfig {
        listen: SocketAddr::from((LOOPBACK, 0)),
        clc_url: clc,
        connect_timeout: Duration::from_millis(500),
        timeout: Duration::from_millis(700),
        ..ProxyConfig::default()
    }
}

async fn get(url: String) -> (u16, String) {
    let r = reqwest::get(url).await.expect("proxy answers");
    (r.status().as_u16(), r.text().await.expect("body"))
}

#[actix_web::test]
async fn forwards_with_the_instance_id_and_swaps_the_map_live() {
    let clc = start_fake_clc();
    let map = SharedMap::new(MetadataMap::from([(
        LOOPBACK,
        owner("i-0a1b2c3d", "eni-1a2b3c4d"),
    )]));
    let proxy = metadata::start(config(clc.url()), map)
        .await
        .expect("start");
    let base = format!("http://{}", proxy.addr());

    let (status, body) = get(format!("{base}/latest/meta-data/instance-id?x=1")).await;
    assert_eq!(status, 200);
    assert!(body.contains("instance-id=i-0a1b2c3d\n"), "{body}");
    assert!(body.contains("method=GET\n"), "{body}");
    assert!(
        body.contains("uri=/latest/meta-data/instance-id?x=1\n"),
        "{body}"
    );
    // The CLC trusts the header only from loopback: the proxy connects from there.
    assert!(body.contains("from=127.0.0.1\n"), "{body}");
    assert!(body.contains(&format!("host={}\n", proxy.addr())), "{body}");

    // A client-supplied instance id is replaced, a body and method are forwarded, and the
    // CLC's headers come back.
    let r = reqwest::Client::new()
        .put(format!("{base}/latest/api/token"))
        .header("Euca-Instance-Id", "i-99999999")
        .body("secret-user-data")
        .send()
        .await
        .expect("put");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["x-fake-clc"], "yes");
    let body = r.text().await.expect("body");
    assert!(body.contains("instance-id=i-0a1b2c3d\n"), "{body}");
    assert!(body.contains("method=PUT\n"), "{body}");
    assert!(body.contains("body=secret-user-data\n"), "{body}");

    // Swap: the address now belongs to another instance; the server keeps running.
    assert_eq!(
        proxy.update_map(MetadataMap::from([(
            LOOPBACK,
            owner("i-1b2c3d4e", "eni-2b3c4d5e")
        )])),
        1
    );
    let (status, body) = get(format!("{base}/latest/meta-data/")).await;
    assert_eq!(status, 200);
    assert!(body.contains("instance-id=i-1b2c3d4e\n"), "{body}");

    // Swap to an empty map: the address is unknown now.
    proxy.update_map(MetadataMap::new());
    let (status, body) = get(format!("{base}/latest/meta-data/")).await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        "vpcmido metadata: no instance owns source address 127.0.0.1; \
         its interface is not in the network view (yet)\n"
    );
    proxy.stop().await;
    clc.handle.stop(true).await;
}

#[actix_web::test]
async fn unreachable_clc_is_502_and_slow_clc_is_504() {
    // A port nothing listens on: bind one, note it, close it.
    let dead = std::net::TcpListener::bind((LOOPBACK, 0)).expect("bind");
    let dead_url = format!("http://{}", dead.local_addr().expect("addr"));
    drop(dead);
    let map = SharedMap::new(MetadataMap::from([(
        LOOPBACK,
        owner("i-0a1b2c3d", "eni-1"),
    )]));
    let proxy = metadata::start(config(dead_url.clone()), map.clone())
        .await
        .expect("start");
    let (status, body) = get(format!("http://{}/latest/meta-data/", proxy.addr())).await;
    assert_eq!(status, 502);
    assert_eq!(
        body,
        format!("vpcmido metadata: the CLC metadata service at {dead_url} is unreachable\n")
    );
    proxy.stop().await;

    let clc = start_fake_clc();
    let proxy = metadata::start(config(clc.url()), map)
        .await
        .expect("start");
    let started = std::time::Instant::now();
    let (status, body) = get(format!("http://{}/slow/latest/", proxy.addr())).await;
    assert_eq!(status, 504);
    assert!(body.contains("did not answer in time"), "{body}");
    assert!(
        started.elapsed() < Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );
    proxy.stop().await;
    clc.handle.stop(true).await;
}
