"""Drives the vpcmido MidoNet emulator with the REAL MidoNet client (midonetclient 5.2.0,
converted to Python 3). Usage: drive.py BASE_URL. Prints one line per step; exits non-zero on
the first disagreement. Run by tests/sim_interop.rs."""
import sys

from midonetclient.api import MidonetApi


def check(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)
    print("ok: " + what)


def main(url):
    api = MidonetApi(url, None, None)  # mock auth: no login, no token
    tenant = "euca_tenant_1"

    router = api.add_router().name("vr_interop").tenant_id(tenant).create()
    check(router.get_name() == "vr_interop" and router.get_id(), "router created")
    bridge = api.add_bridge().name("vb_interop").tenant_id(tenant).create()
    check(bridge.get_name() == "vb_interop", "bridge created")

    rport = (router.add_port().port_address("10.0.0.1").network_address("10.0.0.0")
             .network_length(24).create())
    check(rport.get_type() == "Router" and rport.get_port_address() == "10.0.0.1",
          "router port created")
    bport = bridge.add_port().create()
    check(bport.get_type() == "Bridge", "bridge port created")
    rport.link(bport.get_id())
    check(api.get_port(rport.get_id()).get_peer_id() == bport.get_id()
          and api.get_port(bport.get_id()).get_peer_id() == rport.get_id(), "ports linked")

    routes = router.get_routes()
    check(any(r.get_type() == "Local" and r.get_dst_network_addr() == "10.0.0.1" for r in routes),
          "local route listed")
    router.add_route().type("Normal").src_network_addr("0.0.0.0").src_network_length(0) \
        .dst_network_addr("10.1.0.0").dst_network_length(16).next_hop_port(rport.get_id()) \
        .weight(100).create()
    check(len(router.get_routes()) == 2, "normal route added")

    chain = api.add_chain().name("ic_interop").tenant_id(tenant).create()
    jump_target = api.add_chain().name("jt_interop").tenant_id(tenant).create()
    chain.add_rule().type("accept").nw_proto(6).tp_dst({"start": 22, "end": 22}).create()
    chain.add_rule().type("drop").position(2).create()
    chain.add_rule().type("jump").jump_chain_id(jump_target.get_id()).position(1).create()
    chain.add_rule().type("dnat").flow_action("accept") \
        .nat_targets([{"addressFrom": "10.0.0.5", "addressTo": "10.0.0.5",
                       "portFrom": 0, "portTo": 0}]).create()
    rules = chain.get_rules()
    check([r.get_type() for r in rules] == ["dnat", "jump", "accept", "drop"], "rule positions")

    ipg = api.add_ip_addr_group().name("sg_interop").create()
    ipg.add_ipv4_addr().addr("10.0.0.7").create()
    addrs = ipg.get_addrs()
    check([a.get_addr() for a in addrs] == ["10.0.0.7"], "ip address group address")

    subnet = bridge.add_dhcp_subnet().subnet_prefix("10.0.0.0").subnet_length(24) \
        .default_gateway("10.0.0.1").dns_server_addrs(["8.8.8.8"]).create()
    check(subnet.get_subnet_prefix() == "10.0.0.0", "dhcp subnet created")
    subnet.add_dhcp_host().name("i-interop").mac_addr("d0:0d:00:00:00:01") \
        .ip_addr("10.0.0.10").create()
    hosts = subnet.get_dhcp_hosts()
    check([h.get_mac_addr() for h in hosts] == ["d0:0d:00:00:00:01"], "dhcp host created")

    check(len(api.get_hosts()) >= 1, "hosts listed")
    check(any(z.get_name() == "mido-tz" for z in api.get_tunnel_zones()), "tunnel zones listed")
    print("DRIVE OK")


if __name__ == "__main__":
    main(sys.argv[1])
