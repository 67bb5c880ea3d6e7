//! Output shapes, frozen: every field MidoNet writes (nulls, `[]`, links, the repeated `type`
//! of bridge ports) for the objects eucanetd reads. Ids are client-chosen so output is stable;
//! the server's port is replaced by `HOST`.
mod common;
use common::{sim, T};

const R: &str = "00000000-0000-0000-0000-0000000000a1";
const B: &str = "00000000-0000-0000-0000-0000000000b1";
const C: &str = "00000000-0000-0000-0000-0000000000c1";

async fn text(t: &T, path: &str, ty: &str) -> String {
    let r = t.get(path, &common::vnd(ty)).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    r.text.replace(&t.url, "http://HOST/midonet-api")
}

#[actix_web::test]
async fn output_shapes() {
    let t = sim().await;
    t.create(
        "routers",
        "Router-v3",
        &format!(r#"{{"id":"{R}","name":"vr","tenantId":"euca_tenant_1"}}"#),
    )
    .await;
    t.create(
        "bridges",
        "Bridge-v4",
        &format!(r#"{{"id":"{B}","name":"vb","tenantId":"euca_tenant_1"}}"#),
    )
    .await;
    t.create(
        "chains",
        "Chain-v1",
        &format!(r#"{{"id":"{C}","name":"ic","tenantId":"euca_tenant_1"}}"#),
    )
    .await;
    let rp = "00000000-0000-0000-0000-0000000000d1";
    t.create(&format!("routers/{R}/ports"), "Port-v3", &format!(r#"{{"id":"{rp}","type":"Router","portAddress":"10.0.0.1","networkAddress":"10.0.0.0","networkLength":"24","portMac":"ac:ca:ba:00:00:01","inboundFilterId":"{C}"}}"#)).await;
    let bp = "00000000-0000-0000-0000-0000000000d2";
    t.create(
        &format!("bridges/{B}/ports"),
        "Port-v3",
        &format!(r#"{{"id":"{bp}","type":"Bridge"}}"#),
    )
    .await;
    let rule = "00000000-0000-0000-0000-0000000000e1";
    t.create(&format!("chains/{C}/rules"), "Rule-v2", &format!(r#"{{"id":"{rule}","type":"dnat","flowAction":"accept","natTargets":[{{"addressFrom":"10.0.0.5","addressTo":"10.0.0.5","portFrom":"0","portTo":"0"}}],"nwDstAddress":"203.0.113.5","nwDstLength":"32","dlType":"2048"}}"#)).await;
    t.create(&format!("bridges/{B}/dhcp"), "DhcpSubnet-v2", r#"{"subnetPrefix":"10.0.0.0","subnetLength":24,"defaultGateway":"10.0.0.1","dnsServerAddrs":["8.8.8.8"]}"#).await;

    insta::assert_snapshot!(
        "router",
        text(&t, &format!("routers/{R}"), "Router-v3").await
    );
    insta::assert_snapshot!(
        "bridge",
        text(&t, &format!("bridges/{B}"), "Bridge-v4").await
    );
    insta::assert_snapshot!(
        "router_port",
        text(&t, &format!("ports/{rp}"), "Port-v3")
            .await
            .replace(r#""tunnelKey":1,"#, r#""tunnelKey":K,"#)
    );
    insta::assert_snapshot!(
        "bridge_port",
        text(&t, &format!("ports/{bp}"), "Port-v3")
            .await
            .replace(r#""tunnelKey":2,"#, r#""tunnelKey":K,"#)
    );
    insta::assert_snapshot!("rule", text(&t, &format!("rules/{rule}"), "Rule-v2").await);
    insta::assert_snapshot!(
        "dhcp_subnet",
        text(
            &t,
            &format!("bridges/{B}/dhcp/10.0.0.0_24"),
            "DhcpSubnet-v2"
        )
        .await
    );
    let routes = text(&t, &format!("routers/{R}/routes"), "collection.Route-v1").await;
    let v: serde_json::Value = serde_json::from_str(&routes).unwrap();
    let id = v[0]["id"].as_str().unwrap().to_string();
    insta::assert_snapshot!("local_route", routes.replace(&id, "LOCAL-ROUTE-ID"));
}
