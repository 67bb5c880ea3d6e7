//! `vpcmido check` and `vpcmido gen`, run as the built binary.
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn vpcmido(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vpcmido"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(input)
            .unwrap_or_else(|e| panic!("stdin: {e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait: {e}"))
}

fn example(name: &str) -> String {
    format!("{}/examples/gni/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_valid_view_prints_one_summary_line_and_exits_0() {
    let out = vpcmido(&["check", &example("full.xml")], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "valid: version 5f3a9c21: 3 vpcs, 7 subnets, 5 instances, 6 enis, 7 security groups, 22 sg rules, \
         1 nat gateways, 5 route tables, 11 routes, 24 acl entries, 4 eips\n"
    );
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn check_invalid_view_prints_every_error_on_stderr_and_exits_1() {
    let out = vpcmido(&["check", &example("invalid-missing-vpc.xml")], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let lines: Vec<String> = text(&out.stderr).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(
        lines[0],
        "instances/instance[i-0f1e2d3c]/vpc: unknown VPC \"vpc-0a0b0c0d\""
    );
}

#[test]
fn check_syntax_error_gives_line_and_column() {
    let out = vpcmido(&["check", &example("invalid-truncated.xml")], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "line 176, column 27: unexpected end of input: <groupId> is not closed\n"
    );
}

#[test]
fn check_json_reports_valid_and_invalid() {
    let out = vpcmido(&["check", "--json", &example("minimal.xml")], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "{\"valid\":true,\"version\":\"0e9d4c7a\",\"summary\":{\"vpcs\":1,\"subnets\":1,\"instances\":1,\"enis\":1,\
         \"security_groups\":1,\"sg_rules\":2,\"nat_gateways\":0,\"route_tables\":1,\"routes\":1,\"acl_entries\":4,\"eips\":0}}\n"
    );
    let out = vpcmido(
        &["check", "--json", &example("invalid-malformed-cidr.xml")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["valid"], false);
    assert_eq!(
        v["errors"][0]["path"],
        "vpcs/vpc[vpc-0a0b0c0d]/subnets/subnet[subnet-0a0b0c0d]/cidr"
    );
    assert_eq!(
        v["errors"][0]["message"],
        "\"10.0.0.0/33\" is not an IPv4 CIDR"
    );
}

#[test]
fn check_enforces_max_bytes() {
    let out = vpcmido(
        &["check", "--max-bytes", "100", &example("minimal.xml")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("more than the limit of 100 bytes"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_unreadable_file_exits_2() {
    let out = vpcmido(&["check", "/nonexistent/view.xml"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn gen_output_passes_check_from_stdin_in_both_forms() {
    for format in ["4x", "5x"] {
        let gen = vpcmido(
            &[
                "gen",
                "--vpcs",
                "3",
                "--subnets-per-vpc",
                "2",
                "--enis-per-subnet",
                "5",
                "--seed",
                "9",
                "--format",
                format,
            ],
            None,
        );
        assert_eq!(gen.status.code(), Some(0), "{}", text(&gen.stderr));
        let check = vpcmido(&["check", "-"], Some(&gen.stdout));
        assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
        assert!(
            text(&check.stdout).contains("3 vpcs, 6 subnets"),
            "{}",
            text(&check.stdout)
        );
        assert!(
            text(&check.stdout).contains("30 enis"),
            "{}",
            text(&check.stdout)
        );
    }
}

#[test]
fn gen_writes_the_same_bytes_to_a_file_and_stdout() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("view.xml");
    let args = ["gen", "--vpcs", "2", "--seed", "3"];
    let to_file = vpcmido(
        &[&args[..], &["-o", file.to_str().unwrap_or_default()]].concat(),
        None,
    );
    assert_eq!(to_file.status.code(), Some(0));
    let to_stdout = vpcmido(&args, None);
    assert_eq!(std::fs::read(&file).unwrap_or_default(), to_stdout.stdout);
}

#[test]
fn gen_rejects_bad_parameters_with_exit_2() {
    let out = vpcmido(&["gen", "--eip-ratio", "2"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--eip-ratio must be between 0 and 1"));
}
