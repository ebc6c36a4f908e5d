//! Error lines name the library's stable error code (docs/error-codes.md), so scripts can
//! tell a malformed file from an unreadable one without parsing the message.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

#[path = "support/cli.rs"]
mod cli;

use cli::eseal;

#[test]
fn errors_name_the_stable_error_code() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.esl");
    std::fs::write(&junk, b"not a seal at all").unwrap();
    let out = eseal(dir.path())
        .args(["verify", junk.to_str().unwrap()])
        .output()
        .unwrap();
    cli::assert_input_error(&out, &["junk.esl", "[error 1: malformed]"]);
    let missing = dir.path().join("missing.ofd");
    let out = eseal(dir.path())
        .args(["verify", missing.to_str().unwrap()])
        .output()
        .unwrap();
    cli::assert_input_error(&out, &["missing.ofd", "[error 13: io]"]);
    let out = eseal(dir.path())
        .args(["verify", "--json", junk.to_str().unwrap()])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "error");
    assert_eq!(v["error_code"], "malformed", "{v}");
    assert!(!v["error"].as_str().unwrap().contains("[error"), "{v}");
    // Several files: each unreadable one is named in the listing with its code.
    let out = eseal(dir.path())
        .args(["verify", junk.to_str().unwrap(), missing.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[error 1: malformed]"), "{text}");
    assert!(text.contains("[error 13: io]"), "{text}");
}
