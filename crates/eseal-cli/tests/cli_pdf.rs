//! `eseal sign --in doc.pdf`, `eseal verify` and `eseal audit` on PDFs, on the real binary: the
//! demo's PDFs, seal and digital signatures with the OFD options that apply, a second signature,
//! a tampered copy, options that do not apply to PDF refused.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cli.rs"]
mod cli;
#[path = "../../eseal/tests/pdf_support/tools.rs"]
mod tools;

use cli::{assert_code, run, stderr, stdout};
use serde_json::Value;

#[test]
fn sign_verify_and_audit_pdfs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_code(&run(d, &["demo", "--out", "demo"]), 0);
    let verify = |file: &str| run(d, &["verify", "--trust", "demo/root.pem", file]);
    // The demo's PDFs: unsigned indeterminate, signed valid.
    assert_code(&verify("demo/document.pdf"), 2);
    assert_code(&verify("demo/signed.pdf"), 0);

    let sign = |extra: &[&str]| {
        let base = [
            "sign",
            "--key",
            "demo/signer.key",
            "--cert",
            "demo/signer.pem",
        ];
        run(d, &[&base[..], extra].concat())
    };
    // A seal at a chosen place, timestamped, on top of the demo's signature.
    let out = sign(&[
        "--seal",
        "demo/seal-v4.esl",
        "--in",
        "demo/signed.pdf",
        "--out",
        "two.pdf",
        "--page",
        "1",
        "--x",
        "20",
        "--y",
        "230",
        "--tsa-key",
        "demo/tsa.key",
        "--tsa-cert",
        "demo/tsa.pem",
    ]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("on page 1"), "{}", stderr(&out));
    // A digital signature at the default place.
    let out = sign(&["--sign", "--in", "two.pdf", "--out", "three.pdf"]);
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains("adbe.pkcs7.detached"),
        "{}",
        stderr(&out)
    );
    let out = run(
        d,
        &["verify", "--trust", "demo/root.pem", "three.pdf", "--json"],
    );
    assert_code(&out, 0);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "pdf", "{}", stdout(&out));
    assert_eq!(v["signatures"].as_array().unwrap().len(), 3);
    // Without the root: indeterminate.
    assert_code(&run(d, &["verify", "three.pdf"]), 2);

    // A changed byte inside the signed range: invalid.
    let mut bytes = std::fs::read(d.join("three.pdf")).unwrap();
    let at = bytes
        .windows(6)
        .position(|w| w == b"/Title")
        .expect("an /Info title");
    bytes[at + 8] ^= 1;
    std::fs::write(d.join("tampered.pdf"), &bytes).unwrap();
    assert_code(&verify("tampered.pdf"), 1);

    // The seal stamped on `input` into `out` with `extra` options.
    let stamp = |input: &str, out: &str, extra: &[&str]| {
        let base = [
            "--seal",
            "demo/seal-v4.esl",
            "--in",
            input,
            "--out",
            out,
            "--force",
        ];
        sign(&[&base[..], extra].concat())
    };
    // A riding seal across every page; the demo's PDF has one page, too few for it.
    std::fs::write(d.join("three-pages.pdf"), tools::simple_pdf(3)).unwrap();
    let out = stamp("three-pages.pdf", "riding.pdf", &["--riding"]);
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains("riding seal") && stderr(&out).contains("pages 1 to 3"),
        "{}",
        stderr(&out)
    );
    assert_code(&verify("riding.pdf"), 0);
    let out = stamp("demo/document.pdf", "x.pdf", &["--riding"]);
    assert_code(&out, 3);
    assert!(
        stderr(&out).contains("at least two pages"),
        "{}",
        stderr(&out)
    );

    // --mode protect certifies (DocMDP /P 1): valid, and a further signature is refused.
    let out = stamp("demo/document.pdf", "protected.pdf", &["--mode", "protect"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("DocMDP"), "{}", stderr(&out));
    assert_code(&verify("protected.pdf"), 0);
    let out = sign(&["--sign", "--in", "protected.pdf", "--out", "again.pdf"]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("certified"), "{}", stderr(&out));

    // A page that does not exist.
    let out = stamp("demo/document.pdf", "x.pdf", &["--page", "9"]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("out of range"), "{}", stderr(&out));

    // audit finds the PDFs among the demo's files.
    std::fs::copy(d.join("tampered.pdf"), d.join("demo/tampered.pdf")).unwrap();
    let out = run(
        d,
        &["audit", "--trust", "demo/root.pem", "demo", "--json", "-"],
    );
    let text = stdout(&out);
    assert!(
        text.contains("signed.pdf") && text.contains("tampered.pdf"),
        "{text}"
    );
    assert_code(&out, 1);
}
