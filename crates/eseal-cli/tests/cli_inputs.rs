//! Inputs that are not regular files: a FIFO or a device given as input is refused at once,
//! never read (reading a FIFO with no writer blocks forever).
#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cli.rs"]
mod cli;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use cli::{eseal, stderr, stdout};

/// Runs `eseal ARGS` in `dir`, killed after 30 s so that a blocking read fails the test
/// instead of hanging it.
fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    eseal(dir)
        .args(args)
        .write_stdin("")
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap()
}

fn mkfifo(dir: &Path, name: &str) {
    let status = std::process::Command::new("mkfifo")
        .arg(dir.join(name))
        .status()
        .unwrap();
    assert!(status.success());
}

/// Finished (not killed by the timeout), failed, and said why in one place or the other.
fn assert_refused(out: &Output, needle: &str) {
    assert!(
        out.status.code().is_some(),
        "killed (blocked on the input?): {out:?}"
    );
    assert!(!out.status.success(), "{}", stdout(out));
    let text = format!("{}{}", stdout(out), stderr(out));
    assert!(text.contains(needle), "{needle:?} not in {text}");
    assert!(text.contains("not a regular file"), "{text}");
    assert!(!text.contains("panicked"), "{text}");
}

#[test]
fn a_fifo_as_the_document_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(dir.path(), "doc.ofd");
    let out = run_bounded(dir.path(), &["verify", "doc.ofd"]);
    assert_refused(&out, "a FIFO (named pipe)");
    let out = run_bounded(dir.path(), &["seal", "show", "doc.ofd"]);
    assert_refused(&out, "a FIFO (named pipe)");
}

#[test]
fn a_fifo_as_a_trust_anchor_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(dir.path(), "root.pem");
    std::fs::write(dir.path().join("doc.ofd"), b"not a document").unwrap();
    let out = run_bounded(dir.path(), &["verify", "--trust", "root.pem", "doc.ofd"]);
    assert_refused(&out, "a FIFO (named pipe)");
}

#[test]
fn devices_and_directories_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_bounded(dir.path(), &["verify", "/dev/zero"]);
    assert_refused(&out, "a character device");
    std::fs::create_dir(dir.path().join("folder.ofd")).unwrap();
    let out = run_bounded(dir.path(), &["verify", "folder.ofd"]);
    assert_refused(&out, "a directory");
}
