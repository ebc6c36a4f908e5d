//! `eseal seal make|show|verify`, `eseal sign --data`, `eseal verify` and `eseal audit` on
//! seals and detached signatures, on the real binary: every exit code, the ofdrw samples with
//! and without a trust anchor, validation time and relaxed policy.
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
use serde_json::Value;

/// A small but real PNG (1×1, red).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

/// Root, seal maker, signer and TSA certificates made with `eseal cert issue`, valid from an
/// hour ago (the seal commands use the clock).
fn pki(d: &Path) {
    let ok = |args: &[&str]| assert_code(&run(d, args), 0);
    ok(&[
        "cert",
        "issue",
        "--profile",
        "root",
        "--cn",
        "SES Test Root",
        "--c",
        "CN",
        "--days",
        "3650",
        "--new-key",
        "root.key",
        "--out",
        "root.pem",
    ]);
    for (profile, cn, name) in [
        ("seal-maker", "制章者", "maker"),
        ("signer", "签章者", "signer"),
        ("signer", "旁人", "other"),
        ("tsa", "TSA", "tsa"),
    ] {
        ok(&[
            "cert",
            "issue",
            "--profile",
            profile,
            "--cn",
            cn,
            "--c",
            "CN",
            "--days",
            "365",
            "--issuer-cert",
            "root.pem",
            "--issuer-key",
            "root.key",
            "--new-key",
            &format!("{name}.key"),
            "--out",
            &format!("{name}.pem"),
        ]);
    }
    std::fs::write(d.join("seal.png"), PNG).unwrap();
}

/// `seal make` with defaults; `--key`, `--picture` in `extra` replace the defaults.
fn make_seal(d: &Path, out: &str, extra: &[&str]) -> Output {
    let mut key = "maker.key";
    let mut picture = "seal.png";
    let mut rest = Vec::new();
    let mut it = extra.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--key" => key = it.next().unwrap(),
            "--picture" => picture = it.next().unwrap(),
            other => rest.push(other),
        }
    }
    let mut args = vec![
        "seal",
        "make",
        "--key",
        key,
        "--cert",
        "maker.pem",
        "--es-id",
        "33010600000001",
        "--name",
        "测试单位公章",
        "--signer-cert",
        "signer.pem",
        "--picture",
        picture,
        "--out",
        out,
    ];
    args.extend(rest);
    run(d, &args)
}

fn check_status<'a>(report: &'a Value, id: &str) -> &'a str {
    report["signatures"][0]["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {report}"))["status"]
        .as_str()
        .unwrap()
}

#[test]
fn seal_make_show_verify_in_every_version() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    for (version, extra) in [
        ("v4", vec![]),
        ("v1", vec!["--version", "v1", "--type", "personal"]),
        (
            "v5",
            vec!["--version", "v5", "--type", "15", "--signer-digest"],
        ),
    ] {
        let file = format!("seal-{version}.esl");
        let out = make_seal(d, &file, &extra);
        assert_code(&out, 0);
        assert!(stderr(&out).contains("made"), "{}", stderr(&out));

        let out = run(d, &["seal", "show", &file, "--json"]);
        assert_code(&out, 0);
        let v = json(&out);
        assert_eq!(v["version"], version);
        assert_eq!(v["es_id"], "33010600000001");
        assert_eq!(v["name"], "测试单位公章");
        assert_eq!(v["picture"]["declared_type"], "PNG");
        assert_eq!(v["picture"]["size_bytes"], PNG.len());
        assert_eq!(v["maker_certificate"]["subject"], "CN=制章者,C=CN");
        let expected_type = match version {
            "v1" => 2,
            "v5" => 15,
            _ => 1,
        };
        assert_eq!(v["seal_type"], expected_type);
        assert_eq!(v["cert_list_type"], if version == "v5" { 2 } else { 1 });

        // The text form and the picture written out.
        let pic = format!("{version}.png");
        let out = run(d, &["seal", "show", &file, "--picture-out", &pic]);
        assert_code(&out, 0);
        let text = stdout(&out);
        for needle in [
            "esID:",
            "33010600000001",
            "测试单位公章",
            "Maker:",
            "制章者",
            "Deviations:",
        ] {
            assert!(text.contains(needle), "{needle} not in {text}");
        }
        assert_eq!(std::fs::read(d.join(&pic)).unwrap(), PNG);

        // Valid with the root; indeterminate without any anchor.
        let out = run(d, &["seal", "verify", &file, "--trust", "root.pem"]);
        assert_code(&out, 0);
        assert!(stdout(&out).contains("VALID"), "{}", stdout(&out));
        let out = run(d, &["seal", "verify", &file]);
        assert_code(&out, 2);
        let out = run(d, &["verify", &file, "--trust", "root.pem", "--json"]);
        assert_code(&out, 0);
        let v = json(&out);
        assert_eq!(v["status"], "valid");
        assert_eq!(v["format"], "seal");
        assert_eq!(v["file"], file.as_str());
        assert_eq!(check_status(&v, "seal.maker_signature"), "passed");
    }
    // Verified after the seal's validity: indeterminate (expired, not forged).
    let out = run(
        d,
        &[
            "seal",
            "verify",
            "seal-v4.esl",
            "--trust",
            "root.pem",
            "--at",
            "2099-01-01T00:00:00Z",
        ],
    );
    assert_code(&out, 2);
}

#[test]
fn seal_make_refusals_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    std::fs::write(d.join("notapicture.txt"), "hello").unwrap();
    let out = make_seal(d, "x.esl", &["--picture", "notapicture.txt"]);
    assert_input_error(&out, &["notapicture.txt", "PNG"]);
    // v1 seals cannot list digests.
    let out = make_seal(d, "x.esl", &["--version", "v1", "--signer-digest"]);
    assert_input_error(&out, &["cannot make the seal"]);
    // The maker key must belong to the maker certificate.
    let out = make_seal(d, "x.esl", &["--key", "signer.key"]);
    assert_input_error(&out, &["does not belong", "maker.pem"]);
    // Validity outside the maker certificate.
    let out = make_seal(d, "x.esl", &["--valid-to", "2099-01-01T00:00:00Z"]);
    assert_input_error(&out, &["maker certificate"]);
    let out = make_seal(d, "x.esl", &["--type", "royal"]);
    assert_input_error(&out, &["--type"]);
    let out = make_seal(d, "x.esl", &["--picture", "missing.png"]);
    assert_input_error(&out, &["missing.png"]);
    assert_code(&make_seal(d, "x.esl", &[]), 0);
    let out = make_seal(d, "x.esl", &[]);
    assert_input_error(&out, &["x.esl", "already exists"]);
    assert_code(&make_seal(d, "x.esl", &["--force"]), 0);
    // seal show / verify on something that is not a seal.
    let out = run(d, &["seal", "show", "root.pem"]);
    assert_input_error(&out, &["root.pem", "not a readable electronic seal"]);
    let out = run(d, &["seal", "verify", "root.pem"]);
    assert_input_error(&out, &["root.pem"]);
}

#[test]
fn sign_data_and_verify_the_detached_signature() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    assert_code(&make_seal(d, "seal.esl", &[]), 0);
    std::fs::write(d.join("contract.txt"), "合同正文\n").unwrap();
    std::fs::write(d.join("altered.txt"), "合同正文！\n").unwrap();
    let sign = |extra: &[&str]| {
        let mut args = vec![
            "sign",
            "--seal",
            "seal.esl",
            "--key",
            "signer.key",
            "--cert",
            "signer.pem",
            "--data",
            "contract.txt",
        ];
        args.extend_from_slice(extra);
        run(d, &args)
    };
    assert_code(&sign(&["--out", "plain.sig"]), 0);
    assert_code(
        &sign(&[
            "--out",
            "ts.sig",
            "--tsa-key",
            "tsa.key",
            "--tsa-cert",
            "tsa.pem",
            "--property",
            "contract v1",
        ]),
        0,
    );

    let verify = |file: &str, extra: &[&str]| {
        let mut args = vec!["verify", file, "--trust", "root.pem"];
        args.extend_from_slice(extra);
        run(d, &args)
    };
    // With the data: valid; the timestamp attests the signing time.
    let out = verify("ts.sig", &["--data", "contract.txt", "--json"]);
    assert_code(&out, 0);
    let v = json(&out);
    assert_eq!(v["format"], "ses_signature");
    let facts = &v["signatures"][0]["report"]["signature"];
    assert_eq!(facts["signing_time_source"], "timestamp");
    assert_eq!(facts["property_info"], "contract v1");
    assert_eq!(check_status(&v, "signature.timestamp"), "passed");
    let out = verify("plain.sig", &["--data", "contract.txt"]);
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("claimed by the signer"), "{text}");
    assert!(text.contains("✓ signature.data_hash"), "{text}");
    // Altered data: invalid. No data: indeterminate.
    let out = verify("ts.sig", &["--data", "altered.txt"]);
    assert_code(&out, 1);
    assert!(
        stdout(&out).contains("✗ signature.data_hash"),
        "{}",
        stdout(&out)
    );
    assert_code(&verify("ts.sig", &[]), 2);
    // Not piped to a terminal: no colour codes.
    assert!(!stdout(&out).contains('\x1b'));

    // Several files: an array, and the worst status.
    let out = run(
        d,
        &[
            "verify",
            "ts.sig",
            "seal.esl",
            "--trust",
            "root.pem",
            "--data",
            "contract.txt",
            "--json",
        ],
    );
    assert_code(&out, 0);
    let v = json(&out);
    assert_eq!(v.as_array().unwrap().len(), 2);
    let out = run(
        d,
        &[
            "verify",
            "ts.sig",
            "seal.esl",
            "--trust",
            "root.pem",
            "--data",
            "altered.txt",
        ],
    );
    assert_code(&out, 1);
    assert!(
        stdout(&out).contains("2 files, overall: INVALID"),
        "{}",
        stdout(&out)
    );

    // A signer the seal does not list.
    let out = run(
        d,
        &[
            "sign",
            "--seal",
            "seal.esl",
            "--key",
            "other.key",
            "--cert",
            "other.pem",
            "--data",
            "contract.txt",
            "--out",
            "other.sig",
        ],
    );
    assert_input_error(&out, &["cannot sign"]);
    // The TSA certificate must be a TSA's.
    let out = sign(&[
        "--out",
        "x.sig",
        "--tsa-key",
        "signer.key",
        "--tsa-cert",
        "signer.pem",
    ]);
    assert_input_error(&out, &["TSA"]);
}

#[test]
fn verify_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("garbage.bin"), b"\x30\x03\x02\x01\x05").unwrap();
    std::fs::write(d.join("doc.pdf"), b"%PDF-1.7\n").unwrap();
    std::fs::write(d.join("empty"), b"").unwrap();
    assert_input_error(&run(d, &["verify", "missing.ofd"]), &["missing.ofd"]);
    assert_input_error(
        &run(d, &["verify", "garbage.bin"]),
        &["garbage.bin", "30 03 02"],
    );
    assert_input_error(
        &run(d, &["verify", "doc.pdf"]),
        &["doc.pdf", "unreadable PDF document"],
    );
    assert_input_error(&run(d, &["verify", "empty"]), &["empty"]);
    assert_input_error(
        &run(d, &["verify", "garbage.bin", "--at", "yesterday"]),
        &["--at"],
    );
    // Several files, one unreadable: every file is reported, exit 3.
    let out = run(d, &["verify", "garbage.bin", "doc.pdf", "--json"]);
    assert_code(&out, 3);
    let v = json(&out);
    assert_eq!(v[0]["status"], "error");
    assert!(v[1]["error"].as_str().unwrap().contains("PDF"));
    // No file at all is a usage error.
    assert_code(&run(d, &["verify"]), 3);
}

fn ofdrw(name: &str) -> PathBuf {
    cross::shared_vectors().join("ofdrw").join(name)
}

/// The ofdrw root certificate, extracted with `openssl pkcs12 -legacy`.
fn ofdrw_root(d: &Path) -> Option<PathBuf> {
    if !cross::have_openssl() || !ofdrw("ROOT.p12").exists() {
        return None;
    }
    let out = std::process::Command::new("openssl")
        .args(["pkcs12", "-in"])
        .arg(ofdrw("ROOT.p12"))
        .args(["-nokeys", "-passin", "pass:123456", "-legacy", "-out"])
        .arg(d.join("ofdrw-root.pem"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(d.join("ofdrw-root.pem"))
}

/// The SES samples of ofdrw, as `crates/eseal/tests/ses_verify.rs` judges them: without
/// anchors and at today's date, and at 2021-06-01 with the ofdrw root under the relaxed policy.
#[test]
fn ofdrw_ses_samples() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let Some(root) = ofdrw_root(d) else { return };
    let root = root.to_str().unwrap().to_owned();
    let relaxed = [
        "--at",
        "2021-06-01T00:00:00Z",
        "--trust",
        root.as_str(),
        "--policy",
        "relaxed",
    ];
    let sample_xml = ofdrw("Signature.xml");
    let sample_xml = sample_xml.to_str().unwrap();
    // (file, --data, exit without options, exit with the relaxed options)
    let cases: [(&str, Option<&str>, i32, i32); 6] = [
        ("UserV1.esl", None, 2, 0),
        ("UserV4.esl", None, 2, 0),
        // Made in 2026 with a maker certificate that expired in 2022.
        ("UserV5.esl", None, 2, 2),
        // The maker signature does not verify.
        ("SESealData.DER", None, 1, 1),
        // No data: the data hash stays unknown; the rest is valid in 2021.
        ("SignedValueV4.dat", None, 2, 2),
        // The folder's Signature.xml is not the signed data.
        ("SignedValueV4.dat", Some(sample_xml), 1, 1),
    ];
    for (name, data, plain, with_options) in cases {
        let file = ofdrw(name);
        let file = file.to_str().unwrap();
        for (extra, expected) in [(&[][..], plain), (&relaxed[..], with_options)] {
            let mut args = vec!["verify", file];
            if let Some(data) = data {
                args.extend(["--data", data]);
            }
            args.extend_from_slice(extra);
            let out = run(d, &args);
            assert_code(&out, expected);
            let text = stdout(&out);
            assert!(text.contains("seal.maker_signature"), "{name}: {text}");
            args.push("--json");
            let out = run(d, &args);
            assert_code(&out, expected);
            let v = json(&out);
            let status = match expected {
                0 => "valid",
                1 => "invalid",
                _ => "indeterminate",
            };
            assert_eq!(v["status"], status, "{name} {extra:?}");
        }
    }
    // The details behind the verdicts.
    let out = run(
        d,
        &[
            &[
                "verify",
                ofdrw("SESealData.DER").to_str().unwrap(),
                "--json",
            ][..],
            &relaxed[..],
        ]
        .concat(),
    );
    let v = json(&out);
    assert_eq!(check_status(&v, "seal.format"), "passed");
    assert_eq!(check_status(&v, "seal.maker_signature"), "failed");
    let out = run(
        d,
        &[
            "verify",
            ofdrw("SESealData.DER").to_str().unwrap(),
            "--json",
        ],
    );
    // The default policy names the producer's DER deviation as a warning...
    let v = json(&out);
    assert_eq!(check_status(&v, "seal.format"), "passed");
    assert!(
        v["signatures"][0]["report"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "ses.deviation.critical_false_present"),
        "{v}"
    );
    // ... which fails the format check under the strict policy.
    let out = run(
        d,
        &[
            "verify",
            ofdrw("SESealData.DER").to_str().unwrap(),
            "--json",
            "--policy",
            "strict",
        ],
    );
    assert_eq!(check_status(&json(&out), "seal.format"), "failed");
    let out = run(
        d,
        &[
            &["verify", ofdrw("UserV5.esl").to_str().unwrap(), "--json"][..],
            &relaxed[..],
        ]
        .concat(),
    );
    let v = json(&out);
    assert_eq!(check_status(&v, "seal.maker_signature"), "passed");
    // A claimed creation date outside the maker certificate's validity: not proven wrong.
    assert_eq!(check_status(&v, "seal.maker_validity"), "indeterminate");
    let out = run(
        d,
        &[
            &["verify", ofdrw("UserV4.esl").to_str().unwrap()][..],
            &relaxed[..],
        ]
        .concat(),
    );
    assert!(
        stdout(&out).contains("policy.missing_key_cert_sign"),
        "the relaxation is named: {}",
        stdout(&out)
    );
    // Strict policy with the root: the root lacks keyCertSign, so the chains fail: 2.
    let out = run(
        d,
        &[
            "seal",
            "verify",
            ofdrw("UserV4.esl").to_str().unwrap(),
            "--trust",
            &root,
            "--at",
            "2021-06-01T00:00:00Z",
        ],
    );
    assert_code(&out, 2);
}

#[test]
fn audit_seals_and_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pki(d);
    std::fs::create_dir_all(d.join("archive/sub")).unwrap();
    assert_code(&make_seal(d, "archive/a.esl", &[]), 0);
    assert_code(&make_seal(d, "archive/sub/b.esl", &["--version", "v1"]), 0);
    // A corrupted seal (its maker signature broken) and a file of no supported format.
    let mut bytes = std::fs::read(d.join("archive/a.esl")).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0x55;
    std::fs::write(d.join("archive/sub/broken.esl"), bytes).unwrap();
    std::fs::write(d.join("archive/notes.der"), b"not a seal").unwrap();
    let out = run(
        d,
        &[
            "audit",
            "archive",
            "--trust",
            "root.pem",
            "--json",
            "audit.json",
            "--html",
            "audit.html",
            "--jobs",
            "2",
        ],
    );
    assert_code(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains("Audited 3 file(s); 1 file(s) skipped (listed below)"),
        "{text}"
    );
    assert!(text.contains("Not valid (1):"), "{text}");
    assert!(text.contains("broken.esl"), "{text}");
    // The skipped file is named, with the reason.
    assert!(
        text.contains("archive/notes.der: not an OFD document, seal or detached signature"),
        "{text}"
    );
    let lines: Vec<Value> = std::fs::read_to_string(d.join("audit.json"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["schema"], "eseal.audit/2");
    let v = &lines.last().unwrap()["summary"];
    assert_eq!(v["by_status"]["valid"], 2);
    assert_eq!(v["by_status"]["invalid"], 1);
    assert_eq!(v["skipped"], 1);
    assert_eq!(v["exit_code"], 1);
    assert_eq!(lines.iter().filter(|l| l["type"] == "file").count(), 3);
    let skipped: Vec<&Value> = lines.iter().filter(|l| l["type"] == "skipped").collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["file"], "archive/notes.der");
    let html = std::fs::read_to_string(d.join("audit.html")).unwrap();
    assert!(html.contains("broken.esl") && html.contains("badge invalid"));
    assert!(html.contains("archive/notes.der"));
    // Outputs are not overwritten by accident; a missing path is an input error.
    assert_input_error(
        &run(d, &["audit", "archive", "--json", "audit.json"]),
        &["audit.json", "already exists"],
    );
    assert_input_error(&run(d, &["audit", "nowhere"]), &["nowhere"]);
    // All valid: 0; a named unreadable file: 3.
    assert_code(
        &run(d, &["audit", "archive/a.esl", "--trust", "root.pem"]),
        0,
    );
    assert_code(&run(d, &["audit", "archive/notes.der", "archive/a.esl"]), 3);
}
