//! Running the real `eseal` binary in tests, and the checks every error case shares.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::Output;

/// The `eseal` binary built for this test run, started in `dir`, with a clean environment
/// for the variables it reads.
pub fn eseal(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_eseal"));
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env("RUST_BACKTRACE", "1");
    cmd
}

/// Runs `eseal ARGS` in `dir` with stdin empty (never a terminal).
pub fn run(dir: &Path, args: &[&str]) -> Output {
    eseal(dir).args(args).write_stdin("").output().unwrap()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts exit code `code`, showing the output when it differs.
pub fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

/// An input error: exit 3 and exactly one line on stderr, `eseal: error: …` containing
/// every `needle`, with no panic or backtrace (RUST_BACKTRACE=1 is set, so one would show).
pub fn assert_input_error(out: &Output, needles: &[&str]) {
    assert_code(out, 3);
    let err = stderr(out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr, got:\n{err}");
    assert!(err.starts_with("eseal: error: "), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in {err}");
    }
    for bad in ["panicked", "backtrace", "RUST_BACKTRACE", "Error {", "Os {"] {
        assert!(!err.contains(bad), "{bad:?} in {err}");
    }
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(out));
}

pub fn path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

/// `eseal cert issue` root → intermediate → signer leaf in `dir`, valid from
/// 2024-01-01T00:00:00Z (root 20 years, intermediate 10, leaf 5): root.pem/.key,
/// inter.pem/.key, leaf.pem/.key.
pub fn issue_chain(dir: &Path) {
    let ok = |args: &[&str]| assert_code(&run(dir, args), 0);
    ok(&[
        "cert",
        "issue",
        "--profile",
        "root",
        "--cn",
        "CLI Test Root",
        "--o",
        "eseal 测试",
        "--c",
        "CN",
        "--path-len",
        "1",
        "--not-before",
        "2024-01-01T00:00:00Z",
        "--days",
        "7300",
        "--new-key",
        "root.key",
        "--out",
        "root.pem",
    ]);
    ok(&[
        "cert",
        "issue",
        "--profile",
        "intermediate",
        "--cn",
        "CLI Test CA",
        "--o",
        "eseal 测试",
        "--c",
        "CN",
        "--path-len",
        "0",
        "--not-before",
        "2024-01-01T00:00:00Z",
        "--days",
        "3650",
        "--issuer-cert",
        "root.pem",
        "--issuer-key",
        "root.key",
        "--new-key",
        "inter.key",
        "--out",
        "inter.pem",
    ]);
    ok(&["key", "gen", "--out", "leaf.key"]);
    ok(&[
        "cert",
        "issue",
        "--profile",
        "signer",
        "--cn",
        "签章者 张三",
        "--o",
        "示例单位",
        "--ou",
        "办公室",
        "--c",
        "CN",
        "--not-before",
        "2024-01-01T00:00:00Z",
        "--not-after",
        "2028-12-31T23:59:59Z",
        "--issuer-cert",
        "inter.pem",
        "--issuer-key",
        "inter.key",
        "--key",
        "leaf.key",
        "--out",
        "leaf.pem",
    ]);
}
