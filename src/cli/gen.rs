//! `vpcmido gen`: writes a synthetic, valid, deterministic view.
use clap::Args;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use crate::gni::gen::{generate, GatewayMode, GenParams};
use crate::gni::{write_xml_to, Format};

/// Write a synthetic global network view, for tests and benchmarks.
///
/// The view is valid (`vpcmido gen … | vpcmido check -` passes) and deterministic: the same
/// arguments always give the same bytes. It looks like what a CLC emits: per VPC an internet
/// gateway, a default and a custom network ACL, a main route table to the internet gateway
/// and, with two subnets or more, a NAT gateway with a private route table (NAT and ENI
/// routes); security groups mixing group-referencing and CIDR rules over TCP, UDP, ICMP and
/// all protocols; about one instance in ten with a secondary ENI; instances spread over the
/// nodes of one or two clusters; static or BGP MidoNet gateways.
///
/// ENIs in total = vpcs × subnets-per-vpc × enis-per-subnet. For example, 40,000 ENIs:
///   vpcmido gen --vpcs 100 --subnets-per-vpc 4 --enis-per-subnet 100 -o big.xml
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct GenArgs {
    /// Number of VPCs.
    #[arg(long, default_value_t = 2)]
    pub vpcs: usize,
    /// Subnets in each VPC.
    #[arg(long, default_value_t = 2)]
    pub subnets_per_vpc: usize,
    /// ENIs in each subnet.
    #[arg(long, default_value_t = 4)]
    pub enis_per_subnet: usize,
    /// Security groups in each VPC (at least 1 when there are ENIs).
    #[arg(long, default_value_t = 2)]
    pub sgs_per_vpc: usize,
    /// Rules in each security group: one egress rule, the rest ingress.
    #[arg(long, default_value_t = 4)]
    pub rules_per_sg: usize,
    /// Fraction of ENIs with an elastic IP, 0 to 1.
    #[arg(long, default_value_t = 0.3)]
    pub eip_ratio: f64,
    /// Seed for every random choice; same seed and sizes, same view.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// MidoNet gateway kind.
    #[arg(long, value_enum, default_value_t = GatewaysArg::Auto)]
    pub gateways: GatewaysArg,
    /// Serialization: 4x (Eucalyptus 4.x JAXB, indented) or 5x (5.x Jackson, one line).
    #[arg(long, value_enum, default_value_t = FormatArg::V4)]
    pub format: FormatArg,
    /// Write here instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// `--gateways`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GatewaysArg {
    /// Chosen by the seed.
    Auto,
    /// `externalRouterIp` next hops.
    Static,
    /// BGP peers advertising the public IP range.
    Bgp,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    #[value(name = "4x")]
    V4,
    #[value(name = "5x")]
    V5,
}

pub fn run(args: &GenArgs) -> ExitCode {
    let params = GenParams {
        vpcs: args.vpcs,
        subnets_per_vpc: args.subnets_per_vpc,
        enis_per_subnet: args.enis_per_subnet,
        sgs_per_vpc: args.sgs_per_vpc,
        rules_per_sg: args.rules_per_sg,
        eip_ratio: args.eip_ratio,
        seed: args.seed,
        gateways: match args.gateways {
            GatewaysArg::Auto => GatewayMode::Auto,
            GatewaysArg::Static => GatewayMode::Static,
            GatewaysArg::Bgp => GatewayMode::Bgp,
        },
    };
    let format = match args.format {
        FormatArg::V4 => Format::V4,
        FormatArg::V5 => Format::V5,
    };
    let gni = match generate(&params) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("vpcmido gen: {e}");
            return ExitCode::from(2);
        }
    };
    let written = match &args.output {
        Some(path) => std::fs::File::create(path).and_then(|f| {
            let mut w = BufWriter::new(f);
            write_xml_to(&gni, format, &mut w)?;
            w.flush()
        }),
        None => {
            let mut w = BufWriter::new(std::io::stdout().lock());
            write_xml_to(&gni, format, &mut w).and_then(|()| w.flush())
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vpcmido gen: {e}");
            ExitCode::from(2)
        }
    }
}
