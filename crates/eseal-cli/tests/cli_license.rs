//! `eseal license` on the real binary: identifiers (the issue's acceptance examples and every
//! one-character change of them), issuing from the demo's PKI and verifying the license and its
//! 2D code, `show`, and `eseal audit` over licenses and a path list on stdin.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cli.rs"]
mod cli;

use cli::{assert_code, eseal, run, stdout};

const IDS: [&str; 2] = [
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
];

#[test]
fn id_check_accepts_the_examples_and_refuses_every_changed_character() {
    let d = tempfile::tempdir().unwrap();
    for id in IDS {
        let out = run(d.path(), &["license", "id", "check", id]);
        assert_code(&out, 0);
        assert!(stdout(&out).contains("valid"));
        // One character changed, at every position (digits and dots alike).
        for i in (0..id.len()).step_by(4) {
            let mut changed: Vec<u8> = id.as_bytes().to_vec();
            changed[i] = if changed[i] == b'7' { b'8' } else { b'7' };
            let changed = String::from_utf8(changed).unwrap();
            let out = run(d.path(), &["license", "id", "check", &changed]);
            assert_code(&out, 1);
            assert!(
                stdout(&out).starts_with("invalid: "),
                "{changed}: {}",
                stdout(&out)
            );
        }
    }
    let out = run(
        d.path(),
        &[
            "license",
            "id",
            "build",
            "--type-code",
            "11100000000013338W009",
            "--issuer",
            "11330105002500287C",
            "--serial",
            "2025052201",
        ],
    );
    assert_code(&out, 0);
    assert_eq!(stdout(&out).trim(), IDS[1]);
}

#[test]
fn issue_verify_show_and_audit_a_license() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    assert_code(&run(dir, &["demo", "--out", "demo"]), 0);
    // The demo's license and its 2D code verify.
    let out = run(
        dir,
        &[
            "license",
            "verify",
            "--trust",
            "demo/root.pem",
            "--issuer-cert",
            "demo/signer.pem",
            "demo/license.ofd",
            "demo/license-code.txt",
        ],
    );
    assert_code(&out, 0);
    assert!(stdout(&out).contains("license.payload"), "{}", stdout(&out));
    // A new license from the demo's metadata, issuer and seal, with the URL form.
    let out = run(
        dir,
        &demo_issue(&[
            "--url",
            "https://verify.example.gov.cn/l/",
            "--out",
            "mine.ofd",
            "--code-png",
            "mine.png",
        ]),
    );
    assert_code(&out, 0);
    let code = stdout(&out).trim().to_owned();
    assert!(
        code.starts_with("https://verify.example.gov.cn/l/DZZZ:"),
        "{code}"
    );
    let out = run(
        dir,
        &[
            "license",
            "verify",
            "--trust",
            "demo/root.pem",
            "mine.ofd",
            "--json",
        ],
    );
    assert_code(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["format"], "license");
    let out = run(
        dir,
        &[
            "license",
            "verify",
            "--trust",
            "demo/root.pem",
            "--issuer-cert",
            "demo/signer.pem",
            "--code",
            &code,
        ],
    );
    assert_code(&out, 0);
    // One character of the payload changed: not valid.
    let mut bad = code.clone().into_bytes();
    let last = bad.len() - 10;
    bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
    let bad = String::from_utf8(bad).unwrap();
    let out = run(
        dir,
        &[
            "license",
            "verify",
            "--trust",
            "demo/root.pem",
            "--issuer-cert",
            "demo/signer.pem",
            "--code",
            &bad,
        ],
    );
    assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));
    // show: the metadata, as text and JSON.
    let out = run(dir, &["license", "show", "mine.ofd"]);
    assert_code(&out, 0);
    assert!(stdout(&out).contains("持证主体"), "{}", stdout(&out));
    let out = run(dir, &["license", "show", "mine.ofd", "--json"]);
    assert_code(&out, 0);
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(meta["holder_code"], "91350100M000100Y43");
    // eseal verify sniffs the license like any file.
    let out = run(dir, &["verify", "--trust", "demo/root.pem", "mine.ofd"]);
    assert_code(&out, 0);
    // audit: a list of paths on stdin, JSON Lines out, summary with the slowest files.
    let out = eseal(dir)
        .args([
            "audit",
            "--trust",
            "demo/root.pem",
            "--issuer-cert",
            "demo/signer.pem",
            "--files-from",
            "-",
            "--json",
            "-",
        ])
        .write_stdin(
            "mine.ofd\ndemo/license.ofd\n# a comment\ndemo/license-code.txt\ndemo/tampered.ofd\n",
        )
        .output()
        .unwrap();
    assert_code(&out, 1);
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let files: Vec<&serde_json::Value> = lines.iter().filter(|l| l["type"] == "file").collect();
    assert_eq!(files.len(), 4);
    assert!(files.iter().all(|f| f["seconds"].as_f64().is_some()));
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["by_status"]["valid"], 3, "{summary}");
    assert_eq!(summary["by_status"]["invalid"], 1);
    assert_eq!(summary["slowest"].as_array().unwrap().len(), 4);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Slowest files"));
}

#[test]
fn issue_verify_show_and_audit_a_pdf_license() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    assert_code(&run(dir, &["demo", "--out", "demo"]), 0);
    // The demo issues the license as PDF too, and it verifies.
    let out = run(
        dir,
        &[
            "license",
            "verify",
            "--trust",
            "demo/root.pem",
            "demo/license.pdf",
        ],
    );
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("license.metadata_protected"),
        "{}",
        stdout(&out)
    );
    let out = run(dir, &demo_issue(&["--format", "pdf", "--out", "mine.pdf"]));
    assert_code(&out, 0);
    let code = stdout(&out).trim().to_owned();
    assert!(code.starts_with("DZZZ:"), "{code}");
    assert!(
        std::fs::read(dir.join("mine.pdf"))
            .unwrap()
            .starts_with(b"%PDF-")
    );
    let out = run(
        dir,
        &[
            "license",
            "verify",
            "--trust",
            "demo/root.pem",
            "mine.pdf",
            "--json",
        ],
    );
    assert_code(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["format"], "license");
    // --font is for PDF only.
    let out = run(
        dir,
        &demo_issue(&["--font", "demo/license.json", "--out", "x.ofd"]),
    );
    assert_code(&out, 3);
    // show reads the embedded metadata.
    let out = run(dir, &["license", "show", "mine.pdf", "--json"]);
    assert_code(&out, 0);
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(meta["holder_code"], "91350100M000100Y43");
    // eseal verify and audit sniff it.
    let out = run(dir, &["verify", "--trust", "demo/root.pem", "mine.pdf"]);
    assert_code(&out, 0);
    let out = run(
        dir,
        &[
            "audit",
            "--trust",
            "demo/root.pem",
            "mine.pdf",
            "demo/license.pdf",
            "--json",
            "-",
        ],
    );
    assert_code(&out, 0);
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let files: Vec<&serde_json::Value> = lines.iter().filter(|l| l["type"] == "file").collect();
    assert_eq!(files.len(), 2);
    assert!(
        files
            .iter()
            .all(|f| f["format"] == "license" && f["status"] == "valid")
    );
}

/// `eseal license issue` with the demo's metadata, seal and issuer, then `extra`.
fn demo_issue<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "license",
        "issue",
        "--metadata",
        "demo/license.json",
        "--seal",
        "demo/seal-v4.esl",
        "--key",
        "demo/signer.key",
        "--cert",
        "demo/signer.pem",
    ];
    args.extend_from_slice(extra);
    args
}
