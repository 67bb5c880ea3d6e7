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

    hosts = api.get_hosts()
    check(len(hosts) >= 1, "hosts listed")
    zone = [z for z in api.get_tunnel_zones() if z.get_name() == "mido-tz"]
    check(len(zone) == 1 and len(zone[0].get_hosts()) == len(hosts), "tunnel zone members")
    extra = api.add_gre_tunnel_zone().name("tz_interop").create()
    extra.add_tunnel_zone_host().host_id(hosts[0].get_id()).ip_address("10.20.0.99").create()
    check([h.get_host_id() for h in extra.get_hosts()] == [hosts[0].get_id()], "zone member added")

    node = [h for h in hosts if h.get_name() == "10.20.1.101"][0]
    vm_port = bridge.add_port().create()
    api.add_host_interface_port(node, vm_port.get_id(), "vn0_1")
    bound = api.get_port(vm_port.get_id())
    check(bound.get_host_id() == node.get_id() and bound.get_interface_name() == "vn0_1",
          "port bound to host interface")

    pg = api.add_port_group().name("pg_interop").tenant_id(tenant).stateful(True).create()
    pg.add_port_group_port().port_id(vm_port.get_id()).create()
    check([m.get_port_id() for m in pg.get_ports()] == [vm_port.get_id()], "port group member")

    router.asn(65000).name("vr_interop").update()
    check(api.get_router(router.get_id()).get_asn() == 65000, "router asNumber via PUT")
    router.add_bgp_peer().asn(65001).address("198.51.100.1").create()
    router.add_bgp_network().subnet_address("203.0.113.0").subnet_length(24).create()
    check(len(router.get_bgp_peers()) == 1 and len(router.get_bgp_networks()) == 1, "bgp")

    rport.unlink()
    check(api.get_port(bport.get_id()).get_peer_id() is None, "ports unlinked")
    print("DRIVE OK")


if __name__ == "__main__":
    main(sys.argv[1])
