//! `--limits FILE` (schema eseal.limits/1) and `--max-input-size BYTES` of `eseal verify` and
//! `eseal audit`: tighter limits refuse files with `limit_exceeded`, looser ones are refused
//! naming the field, and the CLI's file read follows `--max-input-size`.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

#[path = "support/cli.rs"]
mod cli;

use cli::{assert_code, assert_input_error, eseal, run, stdout};

/// The demo's files (a signed OFD and PDF) in a temporary directory.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert_code(&run(dir.path(), &["demo", "--out", "demo"]), 0);
    dir
}

fn write_limits(dir: &std::path::Path, json: &str) -> String {
    let path = dir.join("limits.json");
    std::fs::write(&path, json).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn limits_file_tightens_verify_and_audit() {
    let dir = demo();
    let d = dir.path();
    let trust = ["--trust", "demo/root.pem"];
    // The defaults: both verify.
    for file in ["demo/signed.pdf", "demo/signed.ofd"] {
        let out = eseal(d)
            .args(["verify", file])
            .args(trust)
            .output()
            .unwrap();
        assert_code(&out, 0);
    }
    let limits = write_limits(
        d,
        r#"{"schema": "eseal.limits/1", "pdf": {"max_objects": 3}}"#,
    );
    let out = eseal(d)
        .args(["verify", "demo/signed.pdf", "--limits", &limits])
        .args(trust)
        .output()
        .unwrap();
    assert_input_error(&out, &["signed.pdf", "[error 3: limit_exceeded]"]);
    let out = eseal(d)
        .args(["verify", "demo/signed.ofd", "--limits", &limits])
        .args(trust)
        .output()
        .unwrap();
    assert_code(&out, 0);
    let limits = write_limits(
        d,
        r#"{"schema": "eseal.limits/1", "ofd": {"max_entries": 2}}"#,
    );
    let out = eseal(d)
        .args(["verify", "--json", "demo/signed.ofd", "--limits", &limits])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error_code"], "limit_exceeded", "{v}");

    // audit: the limited file is an error entry, the other still verifies.
    let limits = write_limits(
        d,
        r#"{"schema": "eseal.limits/1", "pdf": {"max_objects": 3}}"#,
    );
    let out = eseal(d)
        .args([
            "audit",
            "demo/signed.pdf",
            "demo/signed.ofd",
            "--limits",
            &limits,
            "--json",
            "audit.jsonl",
        ])
        .args(trust)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(d.join("audit.jsonl")).unwrap();
    assert!(text.contains("limit_exceeded"), "{text}\n{}", stdout(&out));
    assert!(text.contains("\"valid\""), "{text}");
}

#[test]
fn limits_file_may_not_loosen() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("x.esl"), b"junk").unwrap();
    for (json, needle) in [
        (
            r#"{"schema": "eseal.limits/1", "pdf": {"max_objects": 2000001}}"#,
            "pdf.max_objects",
        ),
        (
            r#"{"schema": "eseal.limits/1", "ofd": {"max_entrys": 1}}"#,
            "ofd.max_entrys",
        ),
        (r#"{"pdf": {}}"#, "schema"),
    ] {
        let limits = write_limits(d, json);
        let out = eseal(d)
            .args(["verify", "x.esl", "--limits", &limits])
            .output()
            .unwrap();
        assert_input_error(&out, &["limits.json", needle]);
    }
}

#[test]
fn max_input_size_caps_the_read() {
    let dir = demo();
    let d = dir.path();
    let len = std::fs::metadata(d.join("demo/signed.pdf")).unwrap().len();
    let below = (len - 1).to_string();
    let out = eseal(d)
        .args(["verify", "demo/signed.pdf", "--max-input-size", &below])
        .output()
        .unwrap();
    assert_input_error(
        &out,
        &[
            "signed.pdf",
            "[error 3: limit_exceeded]",
            &format!("{below} bytes"),
        ],
    );
    let exact = len.to_string();
    let out = eseal(d)
        .args(["verify", "demo/signed.pdf", "--trust", "demo/root.pem"])
        .args(["--max-input-size", &exact])
        .output()
        .unwrap();
    assert_code(&out, 0);
    // The limits file's cap and the flag: the smaller wins.
    let limits = write_limits(
        d,
        &format!(r#"{{"schema": "eseal.limits/1", "max_input_bytes": {below}}}"#),
    );
    let out = eseal(d)
        .args(["verify", "demo/signed.pdf", "--limits", &limits])
        .args(["--max-input-size", &exact])
        .output()
        .unwrap();
    assert_input_error(&out, &["[error 3: limit_exceeded]"]);
    // Above the largest format limit: refused as an argument error.
    let out = eseal(d)
        .args([
            "verify",
            "demo/signed.pdf",
            "--max-input-size",
            "9999999999",
        ])
        .output()
        .unwrap();
    assert_input_error(&out, &["--max-input-size", "[error 4: invalid_argument]"]);
    // audit follows it too.
    let out = eseal(d)
        .args(["audit", "demo/signed.pdf", "--max-input-size", &below])
        .args(["--json", "audit.jsonl"])
        .output()
        .unwrap();
    let text = std::fs::read_to_string(d.join("audit.jsonl")).unwrap();
    assert!(text.contains("limit_exceeded"), "{text}\n{}", stdout(&out));
}
