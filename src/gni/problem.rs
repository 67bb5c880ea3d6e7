//! Problems found in a view, and the element paths that locate them.
//!
//! A [`Path`] is a stack-allocated linked list of segments, formatted only when a problem is
//! reported: validating a 40,000-ENI view visits millions of fields, and building a `String`
//! path for each would dominate the run time.
use std::fmt;

/// One thing wrong with a view: where (an element path that names ids) and what.
///
/// Displays as `path: message`, for example
/// `vpcs/vpc[vpc-1a2b3c4d]/subnets/subnet[subnet-5e6f7a8b]/cidr: "10.0.0.0/33" is not an IPv4 CIDR`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Slash-separated element path from the root's children; `[id]` names the element by its
    /// `name` attribute, `[n]` by its 1-based position when it has no usable name.
    pub path: String,
    /// What is wrong, quoting the offending value.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// One step of a [`Path`].
#[derive(Clone, Copy, Debug)]
enum Seg<'p> {
    /// A plain element or attribute name (`cidr`, `@version`).
    Name(&'p str),
    /// An element named by its id or name attribute: `subnet[subnet-0a0b0c0d]`.
    Keyed(&'p str, &'p str),
    /// An element named by its 1-based position: `route[2]`.
    Indexed(&'p str, usize),
}

/// Where an element sits in the document; cheap to extend, formatted on demand.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Path<'p> {
    parent: Option<&'p Path<'p>>,
    seg: Seg<'p>,
}

impl<'p> Path<'p> {
    /// A top-level path segment (`configuration`, `vpcs`, ...).
    pub(crate) fn root(name: &'p str) -> Path<'p> {
        Path {
            parent: None,
            seg: Seg::Name(name),
        }
    }

    /// A child element or attribute.
    pub(crate) fn field(&'p self, name: &'p str) -> Path<'p> {
        Path {
            parent: Some(self),
            seg: Seg::Name(name),
        }
    }

    /// A child element identified by its id (or its position when it has no name).
    pub(crate) fn keyed(&'p self, name: &'p str, key: Key<'p>) -> Path<'p> {
        let seg = match key {
            Key::Id(id) => Seg::Keyed(name, id),
            Key::Pos(n) => Seg::Indexed(name, n),
        };
        Path {
            parent: Some(self),
            seg,
        }
    }

    /// A child element identified by its 1-based position.
    pub(crate) fn nth(&'p self, name: &'p str, pos: usize) -> Path<'p> {
        Path {
            parent: Some(self),
            seg: Seg::Indexed(name, pos),
        }
    }
}

/// How an element is named in a path: by id when it has a non-empty name, else by position.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Key<'p> {
    Id(&'p str),
    Pos(usize),
}

impl Key<'_> {
    pub(crate) fn new(name: Option<&str>, pos: usize) -> Key<'_> {
        match name {
            Some(id) => Key::Id(id),
            None => Key::Pos(pos),
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            write!(f, "{parent}/")?;
        }
        match self.seg {
            Seg::Name(n) => f.write_str(n),
            Seg::Keyed(n, k) => write!(f, "{n}[{k}]"),
            Seg::Indexed(n, i) => write!(f, "{n}[{i}]"),
        }
    }
}

/// The problems collected while validating one view, in the order they were found.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    pub(crate) fn add(&mut self, path: &Path<'_>, message: impl Into<String>) {
        self.list.push(Problem {
            path: path.to_string(),
            message: message.into(),
        });
    }

    pub(crate) fn push(&mut self, problem: Problem) {
        self.list.push(problem);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn into_vec(self) -> Vec<Problem> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_format_ids_positions_and_fields() {
        let root = Path::root("vpcs");
        let vpc = root.keyed("vpc", Key::Id("vpc-1a2b3c4d"));
        let route = vpc.field("routes");
        let route = route.nth("route", 2);
        assert_eq!(
            route.field("gatewayId").to_string(),
            "vpcs/vpc[vpc-1a2b3c4d]/routes/route[2]/gatewayId"
        );
        let p = Problem {
            path: vpc.to_string(),
            message: "x".into(),
        };
        assert_eq!(p.to_string(), "vpcs/vpc[vpc-1a2b3c4d]: x");
    }
}
