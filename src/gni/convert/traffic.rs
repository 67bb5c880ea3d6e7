//! The protocol-dependent fields shared by ACL entries and security group rules.
//!
//! Both carry a protocol number and optional port range / ICMP fields, under different
//! element names. The rules (spec §5.3, §9.2): protocol -1 or 1..255 (0 is rejected by
//! eucanetd); ports present exactly for 6 and 17, with from ≤ to; ICMP type and code present
//! exactly for 1.
use super::Cx;
use crate::gni::dom::Element;
use crate::gni::model::{PortRange, Traffic};
use crate::gni::problem::Path;
use crate::gni::values;

/// The element names one rule kind uses for its optional fields.
pub(super) struct Names {
    pub(super) from: &'static str,
    pub(super) to: &'static str,
    pub(super) icmp_type: &'static str,
    pub(super) icmp_code: &'static str,
}

pub(super) const ACL: Names = Names {
    from: "portRangeFrom",
    to: "portRangeTo",
    icmp_type: "icmpType",
    icmp_code: "icmpCode",
};
pub(super) const SG: Names = Names {
    from: "fromPort",
    to: "toPort",
    icmp_type: "icmpType",
    icmp_code: "icmpCode",
};

pub(super) fn traffic<'t>(
    cx: &mut Cx<'t>,
    el: &'t Element<'t>,
    p: &Path<'_>,
    names: &Names,
) -> Option<Traffic> {
    let protocol = cx.req(el, p, "protocol", |s| {
        let n = values::int(s, -1, 255)?;
        if n == 0 {
            return Err(
                "0 is not a protocol (use -1 for all protocols; eucanetd rejects 0)".into(),
            );
        }
        Ok(n)
    });
    let from = cx.opt(el, p, names.from, |s| values::int(s, 0, 65535));
    let to = cx.opt(el, p, names.to, |s| values::int(s, 0, 65535));
    let icmp_type = cx.opt(el, p, names.icmp_type, |s| values::int(s, -1, 255));
    let icmp_code = cx.opt(el, p, names.icmp_code, |s| values::int(s, -1, 255));
    let protocol = protocol?;
    let uses_ports = protocol == 6 || protocol == 17;
    let uses_icmp = protocol == 1;
    let mut ok = true;
    for (name, present, wanted, kind) in [
        (names.from, from != Ok(None), uses_ports, "6 and 17"),
        (names.to, to != Ok(None), uses_ports, "6 and 17"),
        (names.icmp_type, icmp_type != Ok(None), uses_icmp, "1"),
        (names.icmp_code, icmp_code != Ok(None), uses_icmp, "1"),
    ] {
        if present && !wanted {
            cx.probs.add(
                &p.field(name),
                format!("not allowed for protocol {protocol} (only for protocol {kind})"),
            );
            ok = false;
        } else if !present && wanted {
            cx.probs.add(
                &p.field(name),
                format!("missing (required for protocol {protocol})"),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let wildcard = |n: i64| u8::try_from(n).ok();
    match protocol {
        -1 => Some(Traffic::All),
        1 => Some(Traffic::Icmp {
            icmp_type: wildcard(icmp_type.ok()??),
            code: wildcard(icmp_code.ok()??),
        }),
        6 | 17 => {
            let (from, to) = (from.ok()?? as u16, to.ok()?? as u16);
            if from > to {
                cx.probs.add(
                    &p.field(names.to),
                    format!(
                        "port range {from}-{to} is empty ({} > {})",
                        names.from, names.to
                    ),
                );
                return None;
            }
            let range = PortRange { from, to };
            Some(if protocol == 6 {
                Traffic::Tcp(range)
            } else {
                Traffic::Udp(range)
            })
        }
        n => u8::try_from(n).ok().map(Traffic::Other),
    }
}
