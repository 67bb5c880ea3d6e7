//! The global network view (GNI): reading, strict validation, writing, and synthetic views.
//!
//! [`load`] turns the bytes of a `global_network_info.xml` — in the 4.x (JAXB) or 5.x
//! (Jackson) serialization — into a typed [`Gni`], or explains everything wrong with it:
//! a located XML error ([`ViewError::Syntax`], line and column), or the full list of
//! [`Problem`]s found by the checks of spec §11.1 and §11.2 ([`ViewError::Invalid`]).
//! [`write_xml`] writes a view back in either serialization; [`gen::generate`] builds
//! synthetic views for tests and benchmarks.
//!
//! Layout: `dom` (bytes → element tree, XML-level limits), `convert` (tree → model, all
//! checks), `model` (the typed view), `index` (lookups and summary), `values` (value
//! formats), `problem` (paths and problems), `write` (serializer), `gen` (generator).
//! Nothing here does I/O beyond the bytes handed in or the writer handed out.
//!
//! ```
//! use vpcmido::gni::{self, Limits, RouteTarget, ViewError};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/gni/full.xml");
//! let view = gni::load(&std::fs::read(path).unwrap(), &Limits::default()).unwrap();
//! assert_eq!(view.summary().enis, 6);
//!
//! // Index-based lookups, built once by `load`.
//! let (_, node) = view.node_of_instance("i-0a1b2c3d").unwrap();
//! assert_eq!(node.name, "10.20.1.101");
//! let (vpc, table) = view.route_table("rtb-2b3c4d5e").unwrap();
//! assert_eq!(vpc.id, "vpc-1a2b3c4d");
//! assert_eq!(table.routes[1].target, RouteTarget::InternetGateway("igw-1a2b3c4d".into()));
//!
//! // An invalid view lists every problem with its element path.
//! let bad = std::fs::read_to_string(path).unwrap().replace("10.10.1.0/24", "10.10.1.0/33");
//! let Err(ViewError::Invalid(problems)) = gni::load(bad.as_bytes(), &Limits::default()) else {
//!     panic!("expected problems");
//! };
//! assert_eq!(
//!     problems[0].to_string(),
//!     "vpcs/vpc[vpc-1a2b3c4d]/subnets/subnet[subnet-2b3c4d5e]/cidr: \"10.10.1.0/33\" is not an IPv4 CIDR"
//! );
//! ```
mod convert;
mod dom;
pub mod gen;
mod index;
pub mod model;
mod problem;
mod values;
mod write;

pub use index::Summary;
pub use model::*;
pub use problem::Problem;
pub use write::{write_xml, write_xml_to, Format};

/// Resource limits applied before and while parsing, against oversized or hostile input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted document, in bytes. A 40,000-ENI view is about 50 MB.
    pub max_bytes: u64,
    /// Deepest accepted element nesting. Real views nest 9 levels; the cap keeps a
    /// pathological input from exhausting the stack when the tree is dropped.
    pub max_depth: usize,
}

impl Limits {
    pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;
    pub const DEFAULT_MAX_DEPTH: usize = 64;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_depth: Self::DEFAULT_MAX_DEPTH,
        }
    }
}

/// Why a view could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    /// The document is larger than [`Limits::max_bytes`]; nothing was parsed.
    #[error("view is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    /// The document declares a DOCTYPE. Views never do; refusing them rules out entity
    /// expansion attacks ("billion laughs") and external entities.
    #[error("line {line}, column {column}: DOCTYPE declarations are not accepted in a view")]
    Doctype { line: usize, column: usize },
    /// Not well-formed XML (or not a `network-data` document), at 1-based line and column.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// Well-formed, but breaks the rules of the format: every problem found. Id format and
    /// uniqueness problems come first, then the others in document order.
    #[error("{} problem(s) in the view; first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<Problem>),
}

impl ViewError {
    /// The problems, one per line, as `vpcmido check` prints them.
    pub fn lines(&self) -> Vec<String> {
        match self {
            ViewError::Invalid(problems) => problems.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        }
    }
}

/// Parses and validates a view.
pub fn load(bytes: &[u8], limits: &Limits) -> Result<Gni, ViewError> {
    let root = dom::parse(bytes, limits)?;
    let gni = convert::convert(&root).map_err(ViewError::Invalid)?;
    gni.build_index();
    Ok(gni)
}
