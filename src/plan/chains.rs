//! Rule-list diffs. An ordered chain keeps the longest common subsequence of what MidoNet has
//! and what is wanted, deletes the rest and inserts the missing rules at their final
//! positions; an unordered chain is compared as a multiset. Nothing is deleted and recreated
//! when it is already right, so one changed ACL entry costs two writes, not the chain.
use super::observed::ORule;
use crate::topology::Rule;
use std::collections::HashMap;
use uuid::Uuid;

/// Rule edits for one chain: delete these ids, then insert these rules at these 1-based
/// positions, in this order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ChainEdit {
    pub deletes: Vec<Uuid>,
    /// (position, index into the desired list).
    pub inserts: Vec<(u32, usize)>,
}

impl ChainEdit {
    pub fn is_empty(&self) -> bool {
        self.deletes.is_empty() && self.inserts.is_empty()
    }
}

/// Above this many cells the quadratic LCS is replaced by a prefix/suffix match (chains that
/// long are not written by vpcmido; the bound keeps a hostile chain from stalling a pass).
const LCS_MAX_CELLS: usize = 4_000_000;

pub fn ordered(observed: &[ORule], desired: &[Rule<Uuid>]) -> ChainEdit {
    let n = observed.len();
    let m = desired.len();
    let eq = |i: usize, j: usize| observed[i].rule.as_ref() == Some(&desired[j]);
    let mut keep_obs = vec![false; n];
    let mut keep_des = vec![false; m];
    if n.saturating_mul(m) <= LCS_MAX_CELLS {
        // lcs[i][j] = LCS length of observed[i..] and desired[j..].
        let w = m + 1;
        let mut lcs = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * w + j] = if eq(i, j) {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n && j < m {
            if eq(i, j) {
                keep_obs[i] = true;
                keep_des[j] = true;
                i += 1;
                j += 1;
            } else if lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
    } else {
        let mut k = 0;
        while k < n.min(m) && eq(k, k) {
            keep_obs[k] = true;
            keep_des[k] = true;
            k += 1;
        }
        let mut t = 0;
        while t < n.min(m) - k && eq(n - 1 - t, m - 1 - t) {
            keep_obs[n - 1 - t] = true;
            keep_des[m - 1 - t] = true;
            t += 1;
        }
    }
    let deletes = observed
        .iter()
        .zip(&keep_obs)
        .filter(|(_, k)| !**k)
        .map(|(r, _)| r.id)
        .collect();
    // After the deletes the chain holds exactly the kept desired rules, in order; inserting
    // the missing ones in ascending desired index puts each at its final position.
    let inserts = (0..m)
        .filter(|j| !keep_des[*j])
        .map(|j| (j as u32 + 1, j))
        .collect();
    ChainEdit { deletes, inserts }
}

/// Multiset comparison; new rules go to the head (position 1), which is always valid, so the
/// inserts of one chain do not depend on each other.
pub fn unordered(observed: &[ORule], desired: &[Rule<Uuid>]) -> ChainEdit {
    let mut want: HashMap<&Rule<Uuid>, Vec<usize>> = HashMap::new();
    for (j, r) in desired.iter().enumerate() {
        want.entry(r).or_default().push(j);
    }
    let mut deletes = Vec::new();
    for o in observed {
        let hit = o
            .rule
            .as_ref()
            .and_then(|r| want.get_mut(r))
            .and_then(|v| v.pop());
        if hit.is_none() {
            deletes.push(o.id);
        }
    }
    let mut inserts: Vec<(u32, usize)> = want.into_values().flatten().map(|j| (1, j)).collect();
    inserts.sort_unstable();
    ChainEdit { deletes, inserts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::{Condition, RuleAction};

    fn r(port: u16) -> Rule<Uuid> {
        Rule::new(
            RuleAction::Accept,
            Condition {
                tp_dst: Some(crate::topology::PortRange::single(port)),
                ..Default::default()
            },
        )
    }
    fn o(id: u128, port: u16) -> ORule {
        ORule {
            id: Uuid::from_u128(id),
            rule: Some(r(port)),
        }
    }

    #[test]
    fn one_changed_entry_costs_one_delete_and_one_insert() {
        let obs = [o(1, 10), o(2, 20), o(3, 30), o(4, 40)];
        let des = [r(10), r(25), r(30), r(40)];
        let e = ordered(&obs, &des);
        assert_eq!(e.deletes, vec![Uuid::from_u128(2)]);
        assert_eq!(e.inserts, vec![(2, 1)]);
    }

    #[test]
    fn equal_chains_need_nothing_and_fresh_chains_append_in_order() {
        let obs = [o(1, 10), o(2, 20)];
        assert!(ordered(&obs, &[r(10), r(20)]).is_empty());
        let e = ordered(&[], &[r(1), r(2), r(3)]);
        assert_eq!(e.inserts, vec![(1, 0), (2, 1), (3, 2)]);
    }

    #[test]
    fn reordering_moves_the_fewest_rules() {
        let obs = [o(1, 30), o(2, 10), o(3, 20)];
        let e = ordered(&obs, &[r(10), r(20), r(30)]);
        assert_eq!(e.deletes, vec![Uuid::from_u128(1)]);
        assert_eq!(e.inserts, vec![(3, 2)]);
    }

    #[test]
    fn foreign_rules_in_owned_chains_are_removed() {
        let obs = [ORule {
            id: Uuid::from_u128(9),
            rule: None,
        }];
        let e = ordered(&obs, &[]);
        assert_eq!(e.deletes, vec![Uuid::from_u128(9)]);
    }

    #[test]
    fn unordered_ignores_order_and_counts_duplicates() {
        let obs = [o(1, 20), o(2, 10), o(3, 10)];
        let e = unordered(&obs, &[r(10), r(20), r(30)]);
        assert_eq!(e.deletes, vec![Uuid::from_u128(3)]);
        assert_eq!(e.inserts, vec![(1, 2)]);
    }
}
