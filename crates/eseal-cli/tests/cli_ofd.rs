//! `eseal demo`, `eseal sign --in`, `eseal verify` and `eseal audit` on OFD documents, on the
//! real binary: the demo end to end (its documents read by an independent OFD reader), every
//! ofdrw OFD sample with and without the ofdrw root, and an audit of many signed documents that
//! finds exactly the tampered ones (its HTML report rendered by headless Chromium).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cli.rs"]
mod cli;
#[path = "../../eseal/tests/support/cross.rs"]
mod cross;

use std::path::{Path, PathBuf};
use std::process::Output;

use cli::{assert_code, assert_input_error, run, stderr, stdout};
use eseal::ofd::{
    Color, DocumentBuilder, DocumentMeta, OfdPackage, PageSelector, PageSize, SignRequest, Stamp,
};
use eseal::pki::{Certificate, SoftwareSigner};
use eseal::ses::{ParseMode, Seal};
use serde_json::Value;

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

/// Runs `eseal demo --out demo` in `d`.
fn demo(d: &Path) -> Output {
    let out = run(d, &["demo", "--out", "demo"]);
    assert_code(&out, 0);
    out
}

#[test]
fn demo_runs_and_everything_it_leaves_verifies_again() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = demo(d);
    let text = stdout(&out);
    for needle in [
        "Demo complete: every genuine file is valid, the tampered copy invalid.",
        "tampering caught",
        "ofd.references",
        " verify --trust demo/root.pem demo/signed.ofd demo/tampered.ofd",
    ] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
    assert!(!text.contains("NOT AS EXPECTED"), "{text}");
    for file in [
        "root.pem",
        "root.key",
        "maker.pem",
        "signer.pem",
        "tsa.pem",
        "seal.png",
        "seal-v1.esl",
        "seal-v4.esl",
        "seal-v5.esl",
        "document.ofd",
        "signed.ofd",
        "tampered.ofd",
        "contract.txt",
        "contract.txt.sig",
    ] {
        assert!(d.join("demo").join(file).is_file(), "{file} missing");
    }
    let verify = |args: &[&str]| {
        run(
            d,
            &[&["verify", "--trust", "demo/root.pem"][..], args].concat(),
        )
    };
    assert_code(&verify(&["demo/signed.ofd"]), 0);
    assert_code(&verify(&["demo/tampered.ofd"]), 1);
    assert_code(&verify(&["demo/signed.ofd", "demo/tampered.ofd"]), 1);
    assert_code(&verify(&["demo/document.ofd"]), 2);
    assert_code(
        &verify(&["demo/seal-v1.esl", "demo/seal-v4.esl", "demo/seal-v5.esl"]),
        0,
    );
    assert_code(
        &verify(&["--data", "demo/contract.txt", "demo/contract.txt.sig"]),
        0,
    );
    let out = verify(&["demo/signed.ofd", "--json"]);
    let v = json(&out);
    assert_eq!(v["format"], "ofd");
    assert_eq!(v["status"], "valid");
    assert_eq!(v["signatures"].as_array().unwrap().len(), 2);
    for s in v["signatures"].as_array().unwrap() {
        assert_eq!(s["report"]["signature"]["signing_time_source"], "timestamp");
    }
    // Without the root, nothing chains: indeterminate, not invalid.
    assert_code(&run(d, &["verify", "demo/signed.ofd"]), 2);
    // The seal picture is a PNG.
    let png = std::fs::read(d.join("demo/seal.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // A second run replaces the files.
    demo(d);

    // The independent OFD reader opens what the demo wrote.
    if !cross::tool_available("easyofd", &["python3", "-c", "import easyofd.ofd"]) {
        return;
    }
    let script = cross::workspace_root().join("scripts/ofd_reader_check.py");
    for file in ["document.ofd", "signed.ofd"] {
        let ofd = d.join("demo").join(file);
        let png = d.join(format!("{file}.png"));
        let out = cross::run(
            "python3",
            &[
                script.to_str().unwrap(),
                ofd.to_str().unwrap(),
                png.to_str().unwrap(),
            ],
            None,
        );
        let out = String::from_utf8(out).unwrap();
        let result: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
        assert_eq!(result["pages"], 2, "{file}: {out}");
        let texts: Vec<&str> = result["texts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(texts.contains(&"采购合同（演示）"), "{file}: {texts:?}");
        assert!(
            result["nonwhite_ratio"].as_f64().unwrap() > 0.001,
            "{file}: the render is blank: {out}"
        );
    }
}

#[test]
fn sign_ofd_documents() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo(d);
    let sign = |extra: &[&str]| {
        run(
            d,
            &[
                &[
                    "sign",
                    "--key",
                    "demo/signer.key",
                    "--cert",
                    "demo/signer.pem",
                ][..],
                extra,
            ]
            .concat(),
        )
    };
    let verify = |file: &str| run(d, &["verify", "--trust", "demo/root.pem", file]);
    let seal = ["--seal", "demo/seal-v4.esl"];

    let out = sign(
        &[
            &seal[..],
            &[
                "--in",
                "demo/document.ofd",
                "--out",
                "a.ofd",
                "--page",
                "2",
                "--x",
                "20",
                "--y",
                "120",
            ],
        ]
        .concat(),
    );
    assert_code(&out, 0);
    assert!(stderr(&out).contains("on page 2"), "{}", stderr(&out));
    assert_code(&verify("a.ofd"), 0);
    // A riding seal on top, timestamped: both signatures valid.
    let out = sign(
        &[
            &seal[..],
            &[
                "--in",
                "a.ofd",
                "--out",
                "b.ofd",
                "--riding",
                "--tsa-key",
                "demo/tsa.key",
                "--tsa-cert",
                "demo/tsa.pem",
            ],
        ]
        .concat(),
    );
    assert_code(&out, 0);
    let out = run(
        d,
        &["verify", "--trust", "demo/root.pem", "b.ofd", "--json"],
    );
    assert_code(&out, 0);
    assert_eq!(json(&out)["signatures"].as_array().unwrap().len(), 2);
    // Whole-document protection: valid, and no later signature is possible.
    assert_code(
        &sign(
            &[
                &seal[..],
                &[
                    "--in",
                    "demo/document.ofd",
                    "--out",
                    "p.ofd",
                    "--mode",
                    "protect",
                ],
            ]
            .concat(),
        ),
        0,
    );
    assert_code(&verify("p.ofd"), 0);
    let out = sign(&[&seal[..], &["--in", "p.ofd", "--out", "q.ofd"]].concat());
    assert_input_error(&out, &["p.ofd"]);
    // A plain digital signature (Type="Sign").
    assert_code(
        &sign(&["--sign", "--in", "demo/document.ofd", "--out", "s.ofd"]),
        0,
    );
    assert_code(&verify("s.ofd"), 0);
    // v1 and v5 seals stamp OFD too.
    for version in ["v1", "v5"] {
        let out_file = format!("{version}.ofd");
        let seal_file = format!("demo/seal-{version}.esl");
        assert_code(
            &sign(&[
                "--seal",
                &seal_file,
                "--in",
                "demo/document.ofd",
                "--out",
                &out_file,
            ]),
            0,
        );
        assert_code(&verify(&out_file), 0);
    }
    // Errors: a page that does not exist, a missing input, an existing output, a key of another
    // certificate, a seal that does not list the signer.
    assert_input_error(
        &sign(
            &[
                &seal[..],
                &["--in", "demo/document.ofd", "--out", "x.ofd", "--page", "9"],
            ]
            .concat(),
        ),
        &["document.ofd"],
    );
    assert_input_error(
        &sign(&[&seal[..], &["--in", "missing.ofd", "--out", "x.ofd"]].concat()),
        &["missing.ofd"],
    );
    assert_input_error(
        &sign(&[&seal[..], &["--in", "demo/document.ofd", "--out", "a.ofd"]].concat()),
        &["a.ofd", "already exists"],
    );
    assert_input_error(
        &run(
            d,
            &[
                "sign",
                "--seal",
                "demo/seal-v4.esl",
                "--key",
                "demo/maker.key",
                "--cert",
                "demo/signer.pem",
                "--in",
                "demo/document.ofd",
                "--out",
                "x.ofd",
            ],
        ),
        &["does not belong"],
    );
    assert_input_error(
        &run(
            d,
            &[
                "sign",
                "--seal",
                "demo/seal-v4.esl",
                "--key",
                "demo/maker.key",
                "--cert",
                "demo/maker.pem",
                "--in",
                "demo/document.ofd",
                "--out",
                "x.ofd",
            ],
        ),
        &["cannot sign"],
    );
    // Neither --in nor --data: a usage error.
    assert_code(&sign(&[&seal[..], &["--out", "x.ofd"]].concat()), 3);
}

fn ofdrw(name: &str) -> PathBuf {
    cross::shared_vectors().join("ofdrw").join(name)
}

/// Every OFD sample of ofdrw, without options (today, no anchors, strict) and at 2021-06-01
/// with the ofdrw root under the relaxed policy; verdicts as `crates/eseal/tests/ofd_verify.rs`
/// and `ses_verify.rs` establish them.
#[test]
fn ofdrw_ofd_samples() {
    if !cross::have_openssl() || !ofdrw("ROOT.p12").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = std::process::Command::new("openssl")
        .args(["pkcs12", "-in"])
        .arg(ofdrw("ROOT.p12"))
        .args([
            "-nokeys",
            "-passin",
            "pass:123456",
            "-legacy",
            "-out",
            "root.pem",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(out.status.success());
    let relaxed = [
        "--at",
        "2021-06-01T00:00:00Z",
        "--trust",
        "root.pem",
        "--policy",
        "relaxed",
    ];
    // (file, exit without options, exit with them)
    let cases = [
        // Unsigned: nothing vouches for them.
        ("helloworld.ofd", 2, 2),
        ("doc1File.ofd", 2, 2),
        ("VPage7.ofd", 2, 2),
        ("namespace_no_std.ofd", 2, 2),
        // Type="Sign" without the signer certificate in the file: the value cannot be checked.
        ("DigitalSign.ofd", 2, 2),
        // Whole-protected and valid in 2021 with the ofdrw root.
        ("allprotected.ofd", 2, 0),
        // Claims a signing time after its seal expired, with no timestamp: not proven wrong.
        ("SESV4SignDoc.ofd", 2, 2),
        // GOMAIN seals: their deviations are warnings; the chains lead to an unknown CA.
        ("signedFile.ofd", 2, 2),
        ("v4signed.ofd", 2, 2),
    ];
    let mut seen = 0;
    for entry in std::fs::read_dir(ofdrw("")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".ofd") {
            seen += 1;
            assert!(
                cases.iter().any(|c| c.0 == name),
                "{name} has no expected verdict"
            );
        }
    }
    assert_eq!(seen, cases.len());
    for (name, plain, with_options) in cases {
        let file = ofdrw(name);
        let file = file.to_str().unwrap();
        for (extra, expected) in [(&[][..], plain), (&relaxed[..], with_options)] {
            let out = run(d, &[&["verify", file][..], extra].concat());
            assert_code(&out, expected);
            assert!(
                stdout(&out).contains("document.structure"),
                "{name}: {}",
                stdout(&out)
            );
            let out = run(d, &[&["verify", file, "--json"][..], extra].concat());
            let v = json(&out);
            assert_eq!(v["format"], "ofd", "{name}");
        }
    }
    // The GOMAIN producers' deviations: warnings by default, failures under the strict policy
    // or a policy file that raises them.
    let gomain = ofdrw("v4signed.ofd");
    let gomain = gomain.to_str().unwrap();
    let out = run(d, &["verify", gomain, "--policy", "strict"]);
    assert_code(&out, 1);
    std::fs::write(
        d.join("dept.json"),
        r#"{ "schema_version": 1, "name": "dept", "deviations": { "*": "fail" } }"#,
    )
    .unwrap();
    let out = run(d, &["verify", gomain, "--policy", "dept.json", "--json"]);
    assert_code(&out, 1);
    let v = json(&out);
    assert_eq!(v["signatures"][0]["report"]["policy"], "dept", "{v}");
    std::fs::write(
        d.join("typo.json"),
        r#"{ "schema_version": 1, "deviatons": { "*": "warn" } }"#,
    )
    .unwrap();
    let out = run(d, &["verify", gomain, "--policy", "typo.json"]);
    assert!(
        stderr(&out).contains("deviatons"),
        "a typo in a policy file is named: {}",
        stderr(&out)
    );
    assert_ne!(out.status.code(), Some(0));
    let out = run(d, &["verify", gomain, "--policy", "nonesuch"]);
    assert!(stderr(&out).contains("not a preset"), "{}", stderr(&out));

    // A bare SM2 signature (Type="Sign") carries no certificate: --signer-cert supplies it.
    let digital = ofdrw("DigitalSign.ofd");
    let digital = digital.to_str().unwrap();
    let signed_value = std::fs::read(ofdrw("SignedValueV4.dat")).unwrap();
    let user = eseal::ses::Signature::from_der(&signed_value, ParseMode::Lenient).unwrap();
    std::fs::write(d.join("user.der"), user.signer_cert_der()).unwrap();
    let value_status = |out: &Output| {
        let v = json(out);
        let checks = v["signatures"][0]["report"]["checks"].as_array().unwrap();
        let c = checks
            .iter()
            .find(|c| c["id"] == "signature.value")
            .unwrap();
        c["status"].as_str().unwrap().to_owned()
    };
    let out = run(
        d,
        &[&["verify", digital, "--json"][..], &relaxed[..]].concat(),
    );
    assert_eq!(value_status(&out), "indeterminate");
    let with_cert = [
        &["verify", digital, "--signer-cert", "user.der"][..],
        &relaxed[..],
    ]
    .concat();
    let out = run(d, &with_cert);
    assert_code(&out, 0);
    let out = run(d, &[&with_cert[..], &["--json"][..]].concat());
    assert_eq!(value_status(&out), "passed");
    // Another certificate does not make it verify.
    let out = run(
        d,
        &[
            &["verify", digital, "--signer-cert", "root.pem", "--json"][..],
            &relaxed[..],
        ]
        .concat(),
    );
    assert_code(&out, 1);
    assert_eq!(value_status(&out), "failed");
    let out = run(d, &["verify", digital, "--signer-cert", "nonesuch.pem"]);
    assert_input_error(&out, &["nonesuch.pem"]);
    let out = run(
        d,
        &[
            &[
                "verify",
                ofdrw("allprotected.ofd").to_str().unwrap(),
                "--json",
            ][..],
            &relaxed[..],
        ]
        .concat(),
    );
    let v = json(&out);
    let checks = v["signatures"][0]["report"]["checks"].as_array().unwrap();
    for id in [
        "ofd.references",
        "signature.value",
        "signature.data_hash",
        "seal.maker_signature",
    ] {
        let c = checks.iter().find(|c| c["id"] == id).unwrap();
        assert_eq!(c["status"], "passed", "{id}");
    }
}

/// What the audit tests sign with: the demo's signer, seal and root.
struct Signing {
    seal: Seal,
    cert: Certificate,
    key: SoftwareSigner,
}

fn signing(d: &Path) -> Signing {
    let key = eseal::keyfile::read(&std::fs::read(d.join("demo/signer.key")).unwrap(), None)
        .unwrap()
        .into_secret_key();
    Signing {
        seal: Seal::from_der(
            &std::fs::read(d.join("demo/seal-v4.esl")).unwrap(),
            ParseMode::Strict,
        )
        .unwrap(),
        cert: Certificate::from_pem(&std::fs::read(d.join("demo/signer.pem")).unwrap()).unwrap(),
        key: SoftwareSigner::from_secret_key(key),
    }
}

/// A one-page document numbered `n`, stamped.
fn signed_document(s: &Signing, n: usize) -> Vec<u8> {
    let mut doc = DocumentBuilder::new(DocumentMeta::default());
    let font = doc.add_font("宋体", None);
    doc.add_page(PageSize::A4).text(
        font,
        5.0,
        20.0,
        30.0,
        &format!("公文 第 {n} 号"),
        Color::BLACK,
    );
    let ofd = doc.finish().unwrap();
    let now = eseal::time::Time::from_unix_seconds(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    );
    eseal::ofd::sign_document(
        &ofd,
        &SignRequest::seal(&s.seal, &s.cert, &s.key, now).stamp(Stamp::on_page(
            PageSelector::Index(0),
            120.0,
            200.0,
        )),
    )
    .unwrap()
}

/// Changes the page text of a signed document (re-zipped, so the package stays readable).
fn tamper(ofd: &[u8]) -> Vec<u8> {
    let package = OfdPackage::from_bytes(ofd, &eseal::ofd::Limits::default()).unwrap();
    let mut edit = package.edit();
    let page = edit
        .file_names()
        .into_iter()
        .find(|n| n.ends_with("Content.xml"))
        .unwrap();
    let text = String::from_utf8(edit.get(&page).unwrap().to_vec()).unwrap();
    edit.put(&page, text.replace("公文", "伪造").into_bytes())
        .unwrap();
    edit.finish().unwrap()
}

/// Signs `count` documents (on two threads) into `d/archive`, tampers with `tampered` of them,
/// audits the directory and checks that exactly the tampered ones are reported.
fn audit_many(count: usize, tampered: &[usize], screenshot: bool) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo(d);
    let s = signing(d);
    let archive = d.join("archive");
    for sub in ["2024", "2025/q1"] {
        std::fs::create_dir_all(archive.join(sub)).unwrap();
    }
    let path_of = |n: usize| {
        let sub = if n.is_multiple_of(2) {
            "2024"
        } else {
            "2025/q1"
        };
        archive.join(sub).join(format!("doc-{n:04}.ofd"))
    };
    std::thread::scope(|scope| {
        for part in 0..2 {
            let (s, path_of) = (&s, &path_of);
            scope.spawn(move || {
                for n in (part..count).step_by(2) {
                    let mut ofd = signed_document(s, n);
                    if tampered.contains(&n) {
                        ofd = tamper(&ofd);
                    }
                    std::fs::write(path_of(n), ofd).unwrap();
                }
            });
        }
    });
    // Unrelated files are skipped.
    std::fs::write(archive.join("README.txt"), "not audited").unwrap();
    let out = run(
        d,
        &[
            "audit",
            "archive",
            "--trust",
            "demo/root.pem",
            "--json",
            "audit.json",
            "--html",
            "audit.html",
        ],
    );
    assert_code(&out, 1);
    let text = stdout(&out);
    assert!(text.contains(&format!("Audited {count} file(s)")), "{text}");
    // Piped: no progress bar and no colour.
    assert!(!stderr(&out).contains("verifying ["), "{}", stderr(&out));
    assert!(!text.contains('\x1b'));
    // JSON Lines: a header, a line per file, one per skipped file, the summary last.
    let lines: Vec<Value> = std::fs::read_to_string(d.join("audit.json"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["type"], "audit");
    assert_eq!(lines[0]["schema"], "eseal.audit/2");
    let v = lines.last().unwrap();
    assert_eq!(v["type"], "summary");
    assert_eq!(v["summary"]["files"], count);
    assert_eq!(v["summary"]["by_status"]["valid"], count - tampered.len());
    assert_eq!(v["summary"]["by_status"]["invalid"], tampered.len());
    assert_eq!(v["summary"]["by_check"]["ofd.references"], tampered.len());
    assert_eq!(
        v["summary"]["by_check_outcome"]["ofd.references"]["failed"],
        tampered.len()
    );
    let files: Vec<&Value> = lines.iter().filter(|l| l["type"] == "file").collect();
    assert_eq!(files.len(), count);
    let skipped: Vec<&Value> = lines.iter().filter(|l| l["type"] == "skipped").collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["file"], "archive/README.txt");
    assert!(text.contains("archive/README.txt: not examined"), "{text}");
    let mut found: Vec<String> = files
        .iter()
        .filter(|f| f["status"] != "valid")
        .map(|f| f["file"].as_str().unwrap().to_owned())
        .collect();
    found.sort();
    let mut expected: Vec<String> = tampered
        .iter()
        .map(|n| path_of(*n).strip_prefix(d).unwrap().display().to_string())
        .collect();
    expected.sort();
    assert_eq!(found, expected);
    for name in &expected {
        assert!(text.contains(name.as_str()), "{name} not listed in\n{text}");
    }
    let html = std::fs::read_to_string(d.join("audit.html")).unwrap();
    assert!(html.contains("<title>eseal audit report</title>"));
    assert_eq!(
        html.matches("<span class=\"badge invalid\">").count(),
        tampered.len()
    );

    if !screenshot || !cross::tool_available("chromium", &["chromium", "--version"]) {
        return;
    }
    let shot = d.join("audit.png");
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", d.join("audit.html").display());
    let status = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .args(["--window-size=1280,900", &url])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // A blank 1280×900 page compresses to a few kilobytes; the report is far more.
    assert!(png.len() > 20_000, "screenshot of {} bytes", png.len());
    if let Some(keep) = std::env::var_os("ESEAL_KEEP_AUDIT_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

/// The issue's acceptance: 1,000 demo-signed documents and a few tampered ones (about ten
/// seconds in a debug build on two cores).
#[test]
fn audit_of_1000_signed_documents_finds_exactly_the_tampered_ones() {
    audit_many(1000, &[0, 123, 500, 998, 999], true);
}
