//! The id scheme: vpcmido chooses every MidoNet id itself, as a UUID v5 of the object's role,
//! so that (a) a create retried after a lost reply hits 409 on the same id instead of making a
//! duplicate (spec `midonet-api.md` §5: client-supplied ids are honoured; §6.3: 409 on a taken
//! id), and (b) a restarted daemon derives the same ids and finds its objects without name
//! parsing. Roles are strings the translation layer owns (e.g. `router/eucart`,
//! `port/vb_vpc-1_subnet-1/eni-1`); the kind label is mixed in so one role string used for two
//! kinds gives two ids.
use super::error::Kind;
use uuid::Uuid;

/// vpcmido's root namespace (a fixed random UUID; never change it: ids derive from it).
pub const VPCMIDO_NAMESPACE: Uuid = Uuid::from_u128(0x5d1c_3a0e_8f5b_4c2e_9a47_b8e2_71f4_0c63);

/// Derives ids for one cloud. Two clouds sharing one MidoNet use different `cloud` strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdScheme {
    namespace: Uuid,
}

impl IdScheme {
    pub fn new(cloud: &str) -> Self {
        IdScheme {
            namespace: Uuid::new_v5(&VPCMIDO_NAMESPACE, cloud.as_bytes()),
        }
    }

    /// The id of the object of `kind` that plays `role`.
    pub fn id(&self, kind: Kind, role: &str) -> Uuid {
        let name = format!("{}/{}", kind.label(), role);
        Uuid::new_v5(&self.namespace, name.as_bytes())
    }
}

impl Default for IdScheme {
    fn default() -> Self {
        IdScheme::new("eucalyptus")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct_per_kind_role_and_cloud() {
        let s = IdScheme::default();
        assert_eq!(s.id(Kind::Router, "eucart"), s.id(Kind::Router, "eucart"));
        assert_ne!(s.id(Kind::Router, "eucart"), s.id(Kind::Bridge, "eucart"));
        assert_ne!(
            s.id(Kind::Router, "eucart"),
            IdScheme::new("other").id(Kind::Router, "eucart")
        );
        assert_eq!(s.id(Kind::Router, "eucart").get_version_num(), 5);
    }
}
