//! Lookups by id over a loaded view, and its summary counts.
//!
//! The translation layer asks "which node runs this instance", "which ENIs are in this VPC",
//! "who is in this security group" for every object of views with 40,000 ENIs, so each
//! question is one hash lookup into maps built once, on first use, from positions into the
//! view's vectors (no copies of the elements themselves).
use std::collections::HashMap;

use super::model::{
    Cluster, DhcpOptionSet, Gni, Instance, InternetGateway, NatGateway, NetworkAcl,
    NetworkInterface, Node, RouteTable, SecurityGroup, Subnet, Vpc,
};

/// Positions of every element by id. `(a, b)` pairs are (parent position, position in parent).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Index {
    vpcs: HashMap<String, usize>,
    subnets: HashMap<String, (usize, usize)>,
    acls: HashMap<String, (usize, usize)>,
    route_tables: HashMap<String, (usize, usize)>,
    nats: HashMap<String, (usize, usize)>,
    instances: HashMap<String, usize>,
    enis: HashMap<String, (usize, usize)>,
    dopts: HashMap<String, usize>,
    igws: HashMap<String, usize>,
    sgs: HashMap<String, usize>,
    clusters: HashMap<String, usize>,
    /// Instance id → (cluster, node).
    nodes: HashMap<String, (usize, usize)>,
    /// VPC position → its ENIs as (instance, ENI) positions, in document order.
    enis_by_vpc: Vec<Vec<(usize, usize)>>,
    /// Security group id → member ENIs as (instance, ENI) positions, in document order.
    enis_by_sg: HashMap<String, Vec<(usize, usize)>>,
}

impl Index {
    fn build(g: &Gni) -> Index {
        let mut ix = Index::default();
        for (v, vpc) in g.vpcs.iter().enumerate() {
            ix.vpcs.insert(vpc.id.clone(), v);
            for (i, s) in vpc.subnets.iter().enumerate() {
                ix.subnets.insert(s.id.clone(), (v, i));
            }
            for (i, a) in vpc.network_acls.iter().enumerate() {
                ix.acls.insert(a.id.clone(), (v, i));
            }
            for (i, r) in vpc.route_tables.iter().enumerate() {
                ix.route_tables.insert(r.id.clone(), (v, i));
            }
            for (i, n) in vpc.nat_gateways.iter().enumerate() {
                ix.nats.insert(n.id.clone(), (v, i));
            }
        }
        ix.enis_by_vpc = vec![Vec::new(); g.vpcs.len()];
        for (i, inst) in g.instances.iter().enumerate() {
            ix.instances.insert(inst.id.clone(), i);
            for (e, eni) in inst.network_interfaces.iter().enumerate() {
                ix.enis.insert(eni.id.clone(), (i, e));
                if let Some(list) = ix
                    .vpcs
                    .get(&eni.vpc)
                    .and_then(|&v| ix.enis_by_vpc.get_mut(v))
                {
                    list.push((i, e));
                }
                for sg in &eni.security_groups {
                    ix.enis_by_sg.entry(sg.clone()).or_default().push((i, e));
                }
            }
        }
        for (i, d) in g.dhcp_option_sets.iter().enumerate() {
            ix.dopts.insert(d.id.clone(), i);
        }
        for (i, w) in g.internet_gateways.iter().enumerate() {
            ix.igws.insert(w.id.clone(), i);
        }
        for (i, s) in g.security_groups.iter().enumerate() {
            ix.sgs.insert(s.id.clone(), i);
        }
        for (c, cluster) in g.config.clusters.iter().enumerate() {
            ix.clusters.insert(cluster.name.clone(), c);
            for (n, node) in cluster.nodes.iter().enumerate() {
                for id in &node.instance_ids {
                    ix.nodes.insert(id.clone(), (c, n));
                }
            }
        }
        ix
    }
}

/// Counts of what a view holds, as `vpcmido check` prints them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub vpcs: usize,
    pub subnets: usize,
    pub instances: usize,
    pub enis: usize,
    pub security_groups: usize,
    /// Ingress plus egress rules of all groups.
    pub sg_rules: usize,
    pub nat_gateways: usize,
    pub route_tables: usize,
    pub routes: usize,
    /// Ingress plus egress entries of all ACLs.
    pub acl_entries: usize,
    /// ENIs with a public IP plus NAT gateways with a public IP.
    pub eips: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} vpcs, {} subnets, {} instances, {} enis, {} security groups, {} sg rules, \
             {} nat gateways, {} route tables, {} routes, {} acl entries, {} eips",
            self.vpcs,
            self.subnets,
            self.instances,
            self.enis,
            self.security_groups,
            self.sg_rules,
            self.nat_gateways,
            self.route_tables,
            self.routes,
            self.acl_entries,
            self.eips
        )
    }
}

impl Gni {
    fn ix(&self) -> &Index {
        self.index.get_or_init(|| Index::build(self))
    }

    /// Builds the lookup index now rather than on the first lookup.
    pub fn build_index(&self) {
        self.ix();
    }

    pub fn summary(&self) -> Summary {
        let vpcs = &self.vpcs;
        let enis = self.interfaces();
        Summary {
            vpcs: vpcs.len(),
            subnets: vpcs.iter().map(|v| v.subnets.len()).sum(),
            instances: self.instances.len(),
            enis: self
                .instances
                .iter()
                .map(|i| i.network_interfaces.len())
                .sum(),
            security_groups: self.security_groups.len(),
            sg_rules: self
                .security_groups
                .iter()
                .map(|s| s.ingress.len() + s.egress.len())
                .sum(),
            nat_gateways: vpcs.iter().map(|v| v.nat_gateways.len()).sum(),
            route_tables: vpcs.iter().map(|v| v.route_tables.len()).sum(),
            routes: vpcs
                .iter()
                .flat_map(|v| &v.route_tables)
                .map(|r| r.routes.len())
                .sum(),
            acl_entries: vpcs
                .iter()
                .flat_map(|v| &v.network_acls)
                .map(|a| a.ingress.len() + a.egress.len())
                .sum(),
            eips: enis.filter(|(_, e)| e.public_ip.is_some()).count()
                + vpcs
                    .iter()
                    .flat_map(|v| &v.nat_gateways)
                    .filter(|n| n.public_ip.is_some())
                    .count(),
        }
    }

    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.ix().vpcs.get(id).and_then(|&v| self.vpcs.get(v))
    }

    /// A subnet and its VPC.
    pub fn subnet(&self, id: &str) -> Option<(&Vpc, &Subnet)> {
        let &(v, s) = self.ix().subnets.get(id)?;
        let vpc = self.vpcs.get(v)?;
        Some((vpc, vpc.subnets.get(s)?))
    }

    /// A network ACL and its VPC.
    pub fn network_acl(&self, id: &str) -> Option<(&Vpc, &NetworkAcl)> {
        let &(v, a) = self.ix().acls.get(id)?;
        let vpc = self.vpcs.get(v)?;
        Some((vpc, vpc.network_acls.get(a)?))
    }

    /// A route table and its VPC.
    pub fn route_table(&self, id: &str) -> Option<(&Vpc, &RouteTable)> {
        let &(v, r) = self.ix().route_tables.get(id)?;
        let vpc = self.vpcs.get(v)?;
        Some((vpc, vpc.route_tables.get(r)?))
    }

    /// A NAT gateway and its VPC.
    pub fn nat_gateway(&self, id: &str) -> Option<(&Vpc, &NatGateway)> {
        let &(v, n) = self.ix().nats.get(id)?;
        let vpc = self.vpcs.get(v)?;
        Some((vpc, vpc.nat_gateways.get(n)?))
    }

    pub fn instance(&self, id: &str) -> Option<&Instance> {
        self.ix()
            .instances
            .get(id)
            .and_then(|&i| self.instances.get(i))
    }

    /// An ENI and the instance it is attached to.
    pub fn network_interface(&self, id: &str) -> Option<(&Instance, &NetworkInterface)> {
        self.ix().enis.get(id).and_then(|&(i, e)| self.eni_at(i, e))
    }

    pub fn dhcp_option_set(&self, id: &str) -> Option<&DhcpOptionSet> {
        self.ix()
            .dopts
            .get(id)
            .and_then(|&i| self.dhcp_option_sets.get(i))
    }

    pub fn internet_gateway(&self, id: &str) -> Option<&InternetGateway> {
        self.ix()
            .igws
            .get(id)
            .and_then(|&i| self.internet_gateways.get(i))
    }

    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.ix()
            .sgs
            .get(id)
            .and_then(|&i| self.security_groups.get(i))
    }

    pub fn cluster(&self, name: &str) -> Option<&Cluster> {
        self.ix()
            .clusters
            .get(name)
            .and_then(|&c| self.config.clusters.get(c))
    }

    /// The node (NC host) an instance runs on, with its cluster: the MidoNet host its ENI
    /// ports are bound to.
    pub fn node_of_instance(&self, instance_id: &str) -> Option<(&Cluster, &Node)> {
        let &(c, n) = self.ix().nodes.get(instance_id)?;
        let cluster = self.config.clusters.get(c)?;
        Some((cluster, cluster.nodes.get(n)?))
    }

    /// Every ENI with its instance, in document order.
    pub fn interfaces(&self) -> impl Iterator<Item = (&Instance, &NetworkInterface)> {
        self.instances
            .iter()
            .flat_map(|i| i.network_interfaces.iter().map(move |e| (i, e)))
    }

    /// The ENIs of a VPC with their instances, in document order (empty for an unknown VPC).
    pub fn interfaces_in_vpc(
        &self,
        vpc_id: &str,
    ) -> impl Iterator<Item = (&Instance, &NetworkInterface)> {
        let ix = self.ix();
        let list = ix
            .vpcs
            .get(vpc_id)
            .and_then(|&v| ix.enis_by_vpc.get(v))
            .map(Vec::as_slice)
            .unwrap_or_default();
        list.iter().filter_map(|&(i, e)| self.eni_at(i, e))
    }

    /// The ENIs that are members of a security group (its address group), in document order.
    pub fn interfaces_in_group(
        &self,
        sg_id: &str,
    ) -> impl Iterator<Item = (&Instance, &NetworkInterface)> {
        let list = self
            .ix()
            .enis_by_sg
            .get(sg_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        list.iter().filter_map(|&(i, e)| self.eni_at(i, e))
    }

    /// Positions come from the index; `get` keeps a stale index (a view mutated after its
    /// first lookup) from panicking.
    fn eni_at(&self, i: usize, e: usize) -> Option<(&Instance, &NetworkInterface)> {
        let inst = self.instances.get(i)?;
        Some((inst, inst.network_interfaces.get(e)?))
    }
}
