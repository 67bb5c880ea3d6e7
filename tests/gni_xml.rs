//! XML-level behaviour: what the reader tolerates (comments, PIs, whitespace, element order)
//! and what it refuses before validating (DOCTYPE, entities, size, depth, bad structure).
use vpcmido::gni::{self, Limits, ViewError};

fn minimal() -> String {
    let path = format!("{}/examples/gni/minimal.xml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(xml: &str) -> Result<gni::Gni, ViewError> {
    gni::load(xml.as_bytes(), &Limits::default())
}

fn body() -> String {
    let xml = minimal();
    xml.split_once("?>")
        .map(|(_, rest)| rest.trim_start().to_owned())
        .unwrap_or(xml)
}

#[test]
fn leading_comment_and_processing_instruction_are_accepted() {
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!-- written by hand -->\n<?stylesheet x?>\n{}",
        body()
    );
    let reference = load(&minimal()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(load(&xml).unwrap_or_else(|e| panic!("{e}")), reference);
}

#[test]
fn comments_inside_and_compact_layout_are_accepted() {
    let compact: String = minimal().lines().map(str::trim).collect();
    let commented = compact.replace("<vpcs>", "<!-- vpcs --><vpcs><!-- x -->");
    assert_eq!(load(&commented).map(|g| g.summary().vpcs), Ok(1));
}

#[test]
fn sections_and_fields_may_come_in_any_order() {
    let xml = body();
    let start = xml.find("<vpcs>").unwrap_or(0);
    let end = xml.find("</vpcs>").map_or(0, |e| e + "</vpcs>".len());
    let vpcs = &xml[start..end];
    let moved = format!("{}{}", &xml[..start], &xml[end..])
        .replace("</network-data>", &format!("{vpcs}</network-data>"));
    let swapped = moved.replace(
        "<ownerId>000111222333</ownerId>\n      <cidr>10.0.0.0/16</cidr>",
        "<cidr>10.0.0.0/16</cidr><ownerId>000111222333</ownerId>",
    );
    assert_eq!(load(&swapped), load(&minimal()));
}

#[test]
fn doctype_is_rejected_with_its_location() {
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE network-data [<!ENTITY a \"aaaa\">]>\n{}",
        body()
    );
    assert_eq!(
        load(&xml).err(),
        Some(ViewError::Doctype { line: 2, column: 1 })
    );
}

#[test]
fn undeclared_entity_references_are_syntax_errors() {
    let xml = minimal().replace("<value>VPCMIDO</value>", "<value>&lol;</value>");
    match load(&xml) {
        Err(ViewError::Syntax { line, .. }) => assert_eq!(line, 5),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn predefined_entities_are_unescaped() {
    let xml = minimal().replace(
        "<value>eucalyptus.internal</value>\n    </property>",
        "<value>a&amp;b</value></property>",
    );
    let g = load(&xml).unwrap_or_else(|e| panic!("{:#?}", e.lines()));
    assert_eq!(g.config.instance_dns_domain, "a&b");
}

#[test]
fn size_cap_is_enforced_before_parsing() {
    let xml = minimal();
    let limits = Limits {
        max_bytes: 1000,
        ..Limits::default()
    };
    assert_eq!(
        gni::load(xml.as_bytes(), &limits).err(),
        Some(ViewError::TooLarge {
            size: xml.len() as u64,
            limit: 1000
        })
    );
}

#[test]
fn nesting_depth_is_capped() {
    let deep = format!(
        "<network-data version=\"0e9d4c7a\">{}{}</network-data>",
        "<x>".repeat(100),
        "</x>".repeat(100)
    );
    match load(&deep) {
        Err(ViewError::Syntax { message, .. }) => {
            assert!(message.contains("deeper than 64"), "{message}")
        }
        other => panic!("expected a depth error, got {other:?}"),
    }
}

#[test]
fn root_must_be_network_data_and_alone() {
    match load("<networkdata/>") {
        Err(ViewError::Syntax {
            line: 1,
            column: 1,
            message,
        }) => assert!(message.contains("not <network-data>")),
        other => panic!("{other:?}"),
    }
    match load(&format!("{}<network-data/>", minimal())) {
        Err(ViewError::Syntax { message, .. }) => {
            assert!(message.contains("after the root element"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(load(""), Err(ViewError::Syntax { .. })));
}

#[test]
fn mismatched_end_tag_reports_line_and_column() {
    let xml = minimal().replace(
        "</cidr>\n      <dhcpOptionSet>",
        "</cdr>\n      <dhcpOptionSet>",
    );
    match load(&xml) {
        Err(ViewError::Syntax { line, column, .. }) => {
            assert_eq!((line, column), (75, 24), "the `<` of </cdr>")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_utf8_is_located() {
    let mut bytes = minimal().into_bytes();
    bytes.splice(60..60, [b'\n', 0xff]);
    match gni::load(&bytes, &Limits::default()) {
        Err(ViewError::Syntax {
            line: 3,
            column: 1,
            message,
        }) => assert!(message.contains("UTF-8")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn utf8_byte_order_mark_is_accepted() {
    let xml = format!("\u{feff}{}", minimal());
    assert_eq!(load(&xml), load(&minimal()));
}
