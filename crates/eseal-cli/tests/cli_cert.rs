//! `eseal cert issue|show|verify` on the real binary, cross-checked with OpenSSL.
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

use std::path::Path;
use std::process::Output;

use cli::{assert_code, assert_input_error, run, stdout};
use serde_json::Value;

const DISTID: &str = "distid:1234567812345678";
/// Inside every certificate of `cli::issue_chain`.
const AT: &str = "2025-06-01T00:00:00Z";

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

fn openssl_in(dir: &Path, args: &[&str]) -> Result<String, String> {
    let mut cmd = std::process::Command::new("openssl");
    let out = cmd.args(args).current_dir(dir).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}

fn verify(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["cert", "verify"];
    all.extend(args);
    run(dir, &all)
}

/// Certificates from `eseal cert issue` pass `openssl verify` with the default ID, link by
/// link (OpenSSL 3.0 fails multi-level SM2 chains even with the distid: issue 23471), and fail
/// without it, so they really are signed with 1234567812345678.
#[test]
fn issued_chain_verifies_in_openssl_link_by_link() {
    if !cross::have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli::issue_chain(d);
    for (issuer, child) in [
        ("root.pem", "root.pem"),
        ("root.pem", "inter.pem"),
        ("inter.pem", "leaf.pem"),
    ] {
        let out = openssl_in(
            d,
            &[
                "verify",
                "-vfyopt",
                DISTID,
                "-partial_chain",
                "-CAfile",
                issuer,
                child,
            ],
        )
        .unwrap_or_else(|e| panic!("{issuer} -> {child}: {e}"));
        assert!(out.contains(": OK"), "{out}");
    }
    let err = openssl_in(
        d,
        &[
            "verify",
            "-partial_chain",
            "-CAfile",
            "inter.pem",
            "leaf.pem",
        ],
    )
    .unwrap_err();
    assert!(err.contains("signature failure"), "{err}");

    // OpenSSL sees the profile's extensions and the UTF-8 names.
    let root = openssl_in(
        d,
        &[
            "x509", "-in", "root.pem", "-noout", "-text", "-nameopt", "utf8",
        ],
    )
    .unwrap();
    for needle in [
        "CA:TRUE, pathlen:1",
        "Certificate Sign, CRL Sign",
        "O=eseal 测试",
    ] {
        assert!(root.contains(needle), "{needle}: {root}");
    }
    let leaf = openssl_in(
        d,
        &[
            "x509", "-in", "leaf.pem", "-noout", "-text", "-nameopt", "utf8",
        ],
    )
    .unwrap();
    for needle in [
        "CA:FALSE",
        "Digital Signature, Non Repudiation",
        "CN=签章者 张三",
        "Dec 31 23:59:59 2028 GMT",
    ] {
        assert!(leaf.contains(needle), "{needle}: {leaf}");
    }
}

/// `cert show` prints what OpenSSL reads: serial and SM3 fingerprint of the DER.
#[test]
fn show_matches_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli::issue_chain(d);
    let human = stdout(&run(d, &["cert", "show", "inter.pem"]));
    for needle in [
        "Subject:              CN=CLI Test CA,O=eseal 测试,C=CN",
        "Issuer:               CN=CLI Test Root,O=eseal 测试,C=CN",
        "Not before:           2024-01-01T00:00:00Z",
        "Basic constraints:    CA, pathLen 0",
        "Key usage:            keyCertSign, cRLSign",
        "SM2-with-SM3",
    ] {
        assert!(human.contains(needle), "{needle}: {human}");
    }
    let v = json(&run(d, &["cert", "show", "--json", "leaf.pem"]));
    let c = &v["certificates"][0];
    assert_eq!(c["basic_constraints"]["ca"], false);
    assert_eq!(
        c["key_usage"],
        serde_json::json!(["digitalSignature", "nonRepudiation"])
    );
    assert_eq!(c["not_after"], "2028-12-31T23:59:59Z");
    let inter = json(&run(d, &["cert", "show", "--json", "inter.pem"]));
    assert_eq!(
        c["authority_key_id"],
        inter["certificates"][0]["subject_key_id"]
    );

    if !cross::have_openssl() {
        return;
    }
    let serial = openssl_in(d, &["x509", "-in", "leaf.pem", "-noout", "-serial"]).unwrap();
    assert_eq!(
        serial.trim().trim_start_matches("serial=").to_lowercase(),
        c["serial"].as_str().unwrap()
    );
    openssl_in(
        d,
        &[
            "x509", "-in", "leaf.pem", "-outform", "DER", "-out", "leaf.der",
        ],
    )
    .unwrap();
    let fp = openssl_in(d, &["dgst", "-sm3", "-r", "leaf.der"]).unwrap();
    assert_eq!(
        fp.split_whitespace().next().unwrap(),
        c["fingerprint_sm3"].as_str().unwrap()
    );
    // A DER file and a bundle read too.
    let v = json(&run(d, &["cert", "show", "--json", "leaf.der"]));
    assert_eq!(
        v["certificates"][0]["fingerprint_sm3"],
        c["fingerprint_sm3"]
    );
    let bundle = format!(
        "{}{}",
        std::fs::read_to_string(d.join("leaf.pem")).unwrap(),
        std::fs::read_to_string(d.join("inter.pem")).unwrap()
    );
    std::fs::write(d.join("bundle.pem"), bundle).unwrap();
    let v = json(&run(d, &["cert", "show", "--json", "bundle.pem"]));
    assert_eq!(v["certificates"].as_array().unwrap().len(), 2);
}

#[test]
fn verify_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli::issue_chain(d);

    // 0: valid, with the chain listed.
    let out = verify(
        d,
        &[
            "leaf.pem",
            "--trust",
            "root.pem",
            "--intermediate",
            "inter.pem",
            "--at",
            AT,
        ],
    );
    assert_code(&out, 0);
    let text = stdout(&out);
    for needle in [
        "VALID",
        "#0 CN=签章者 张三",
        "[intermediate]",
        "#2 CN=CLI Test Root,O=eseal 测试,C=CN [anchor]",
        "Relaxations: none",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    // Intermediates from the same file as the target, and anchors from a directory.
    std::fs::create_dir(d.join("anchors")).unwrap();
    std::fs::copy(d.join("root.pem"), d.join("anchors/root.crt")).unwrap();
    std::fs::write(d.join("anchors/README"), "not read").unwrap();
    let chain = format!(
        "{}{}",
        std::fs::read_to_string(d.join("leaf.pem")).unwrap(),
        std::fs::read_to_string(d.join("inter.pem")).unwrap()
    );
    std::fs::write(d.join("chain.pem"), chain).unwrap();
    assert_code(
        &verify(d, &["chain.pem", "--trust", "anchors", "--at", AT]),
        0,
    );

    // 2: expired, not yet valid, unknown issuer, untrusted root (the chain reversed).
    for (args, rule) in [
        (
            vec![
                "leaf.pem",
                "--trust",
                "root.pem",
                "--intermediate",
                "inter.pem",
                "--at",
                "2029-01-01T00:00:00Z",
            ],
            "cert.expired",
        ),
        (
            vec![
                "leaf.pem",
                "--trust",
                "root.pem",
                "--intermediate",
                "inter.pem",
                "--at",
                "2023-12-31T23:59:59Z",
            ],
            "cert.not_yet_valid",
        ),
        (
            vec!["leaf.pem", "--trust", "root.pem", "--at", AT],
            "chain.unknown_issuer",
        ),
        (
            vec![
                "root.pem",
                "--trust",
                "leaf.pem",
                "--intermediate",
                "inter.pem",
                "--at",
                AT,
            ],
            "chain.untrusted_root",
        ),
    ] {
        let out = verify(d, &args);
        assert_code(&out, 2);
        let text = stdout(&out);
        assert!(
            text.contains("INDETERMINATE") && text.contains(rule),
            "{rule}: {text}"
        );
    }

    // 1: a signature that does not verify.
    assert_code(
        &run(
            d,
            &[
                "cert",
                "issue",
                "--profile",
                "signer",
                "--cn",
                "Tampered",
                "--not-before",
                "2024-01-01T00:00:00Z",
                "--issuer-cert",
                "inter.pem",
                "--issuer-key",
                "inter.key",
                "--key",
                "leaf.key",
                "--format",
                "der",
                "--out",
                "t.der",
            ],
        ),
        0,
    );
    let mut der = std::fs::read(d.join("t.der")).unwrap();
    *der.last_mut().unwrap() ^= 0x01; // the last byte of s
    std::fs::write(d.join("t.der"), der).unwrap();
    let out = verify(
        d,
        &[
            "t.der",
            "--trust",
            "root.pem",
            "--intermediate",
            "inter.pem",
            "--at",
            AT,
            "--json",
        ],
    );
    assert_code(&out, 1);
    let v = json(&out);
    assert_eq!(v["status"], "invalid");
    assert_eq!(v["error"]["id"], "cert.bad_signature");
    assert_eq!(v["error"]["class"], "crypto");
    assert_eq!(v["error"]["position"], 0);
}

#[test]
fn verify_json_shape() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli::issue_chain(d);
    let v = json(&verify(
        d,
        &[
            "leaf.pem",
            "--trust",
            "root.pem",
            "--intermediate",
            "inter.pem",
            "--at",
            AT,
            "--json",
        ],
    ));
    assert_eq!(v["schema"], "eseal.cert-verify/1");
    assert_eq!(v["status"], "valid");
    assert_eq!(v["validation_time"], AT);
    assert_eq!(v["policy"], "default");
    assert_eq!(v["error"], Value::Null);
    let roles: Vec<&str> = v["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["target", "intermediate", "anchor"]);
    assert_eq!(v["revocation"][0]["status"], "unknown");
    assert_eq!(v["relaxations"], serde_json::json!([]));
    let v = json(&verify(
        d,
        &["leaf.pem", "--trust", "root.pem", "--at", AT, "--json"],
    ));
    assert_eq!(v["status"], "indeterminate");
    assert_eq!(v["error"]["id"], "chain.unknown_issuer");
    assert_eq!(v["error"]["class"], "trust");
    assert_eq!(v["chain"], serde_json::json!([]));
}

#[test]
fn verify_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli::issue_chain(d);
    assert_input_error(&verify(d, &["leaf.pem"]), &["--trust"]);
    assert_input_error(
        &verify(d, &["missing.pem", "--trust", "root.pem"]),
        &["missing.pem"],
    );
    assert_input_error(
        &verify(d, &["leaf.pem", "--trust", "missing-root.pem"]),
        &["missing-root.pem"],
    );
    std::fs::write(
        d.join("junk.pem"),
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    assert_input_error(
        &verify(d, &["junk.pem", "--trust", "root.pem"]),
        &["junk.pem"],
    );
    assert_input_error(
        &verify(d, &["leaf.pem", "--trust", "leaf.key"]),
        &["leaf.key", "no certificate"],
    );
    assert_input_error(
        &verify(d, &["leaf.pem", "--trust", "root.pem", "--crl", "root.pem"]),
        &["root.pem", "CRL"],
    );
    assert_input_error(
        &verify(d, &["leaf.pem", "--trust", "root.pem", "--at", "yesterday"]),
        &["--at", "RFC 3339"],
    );
    std::fs::create_dir(d.join("empty")).unwrap();
    assert_input_error(
        &verify(d, &["leaf.pem", "--trust", "empty"]),
        &["empty", "holds no"],
    );
    std::fs::create_dir(d.join("bad")).unwrap();
    std::fs::write(d.join("bad/x.pem"), "garbage").unwrap();
    assert_input_error(&verify(d, &["leaf.pem", "--trust", "bad"]), &["x.pem"]);
    assert_code(
        &verify(d, &["leaf.pem", "--trust", "root.pem", "--policy", "lax"]),
        3,
    );
}

#[test]
fn issue_refusals_and_key_sources() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli::issue_chain(d);
    let issue = |extra: &[&str]| {
        let mut args = vec![
            "cert",
            "issue",
            "--cn",
            "X",
            "--not-before",
            "2024-01-01T00:00:00Z",
        ];
        args.extend(extra);
        run(d, &args)
    };
    assert_input_error(
        &issue(&["--profile", "signer", "--key", "leaf.key"]),
        &["--issuer-cert"],
    );
    assert_input_error(
        &issue(&[
            "--profile",
            "root",
            "--key",
            "leaf.key",
            "--issuer-cert",
            "root.pem",
            "--issuer-key",
            "root.key",
        ]),
        &["self-signed"],
    );
    assert_input_error(
        &issue(&[
            "--profile",
            "signer",
            "--key",
            "leaf.key",
            "--issuer-cert",
            "inter.pem",
            "--issuer-key",
            "root.key",
        ]),
        &["root.key is not the key of inter.pem"],
    );
    assert_input_error(
        &issue(&[
            "--profile",
            "signer",
            "--key",
            "leaf.key",
            "--path-len",
            "1",
        ]),
        &["--path-len"],
    );
    assert_input_error(
        &issue(&[
            "--profile",
            "root",
            "--key",
            "leaf.key",
            "--not-after",
            "2023-01-01T00:00:00Z",
        ]),
        &["ends"],
    );
    assert_input_error(
        &issue(&["--profile", "root", "--key", "leaf.key", "--c", "China"]),
        &["countryName"],
    );
    assert_input_error(
        &issue(&["--profile", "root", "--new-key", "leaf.key"]),
        &["leaf.key", "already exists"],
    );
    assert_code(&issue(&["--profile", "root"]), 3);

    // A public key as the subject key (not for a root, which must sign itself).
    let spki = json(&run(d, &["key", "show", "--json", "leaf.key"]))["public_key_spki_pem"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(d.join("leaf.pub"), &spki).unwrap();
    let out = issue(&[
        "--profile",
        "seal-maker",
        "--key",
        "leaf.pub",
        "--issuer-cert",
        "inter.pem",
        "--issuer-key",
        "inter.key",
        "--out",
        "maker.pem",
    ]);
    assert_code(&out, 0);
    let a = json(&run(d, &["cert", "show", "--json", "maker.pem"]));
    let b = json(&run(d, &["cert", "show", "--json", "leaf.pem"]));
    assert_eq!(
        a["certificates"][0]["public_key"],
        b["certificates"][0]["public_key"]
    );
    assert_input_error(
        &issue(&["--profile", "root", "--key", "leaf.pub"]),
        &["private key"],
    );

    // An encrypted issuer key, unlocked from a password file; a wrong one is an input error.
    std::fs::write(d.join("pw"), "ca password\n").unwrap();
    std::fs::write(d.join("bad-pw"), "guess\n").unwrap();
    assert_code(
        &run(
            d,
            &[
                "key",
                "gen",
                "--encrypt",
                "--iterations",
                "2000",
                "--password-file",
                "pw",
                "--out",
                "eroot.key",
            ],
        ),
        0,
    );
    assert_input_error(
        &issue(&[
            "--profile",
            "root",
            "--key",
            "eroot.key",
            "--key-password-file",
            "bad-pw",
        ]),
        &["eroot.key", "wrong password"],
    );
    assert_code(
        &issue(&[
            "--profile",
            "root",
            "--key",
            "eroot.key",
            "--key-password-file",
            "pw",
            "--out",
            "eroot.pem",
        ]),
        0,
    );
    assert_code(
        &issue(&[
            "--profile",
            "tsa",
            "--new-key",
            "tsa.key",
            "--issuer-cert",
            "eroot.pem",
            "--issuer-key",
            "eroot.key",
            "--password-file",
            "pw",
            "--out",
            "tsa.pem",
        ]),
        0,
    );
    assert_input_error(
        &issue(&[
            "--profile",
            "tsa",
            "--new-key",
            "tsa2.key",
            "--issuer-cert",
            "eroot.pem",
            "--issuer-key",
            "eroot.key",
            "--password-file",
            "bad-pw",
        ]),
        &["eroot.key", "wrong password"],
    );
    assert!(
        !d.join("tsa2.key").exists(),
        "no orphan key after a failure"
    );
    let tsa = json(&run(d, &["cert", "show", "--json", "tsa.pem"]));
    assert_eq!(
        tsa["certificates"][0]["extended_key_usage"],
        serde_json::json!(["1.3.6.1.5.5.7.3.8"])
    );
    assert_code(
        &verify(
            d,
            &[
                "tsa.pem",
                "--trust",
                "eroot.pem",
                "--at",
                "2024-06-01T00:00:00Z",
            ],
        ),
        0,
    );
}

/// A root → intermediate → leaf chain made by OpenSSL (`ext.cnf` CA extensions), signed with
/// the default ID when `distid`, else with OpenSSL's empty ID; plus a CRL revoking the leaf.
fn openssl_chain(d: &Path, distid: bool) {
    std::fs::write(
        d.join("ext.cnf"),
        "[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n\
         [v3_ee]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n\
         subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n",
    )
    .unwrap();
    let sig: &[&str] = if distid { &["-sigopt", DISTID] } else { &[] };
    let vfy: &[&str] = if distid { &["-vfyopt", DISTID] } else { &[] };
    let ossl = |args: Vec<&str>| openssl_in(d, &args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    for name in ["root", "inter", "leaf"] {
        let key = format!("{name}.key");
        let csr = format!("{name}.csr");
        let subj = format!("/C=CN/O=OpenSSL SM2/CN=OSSL {name}");
        ossl(vec![
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:SM2",
            "-out",
            &key,
        ]);
        let mut args = vec![
            "req", "-new", "-key", &key, "-subj", &subj, "-sm3", "-out", &csr,
        ];
        args.extend(sig);
        ossl(args);
    }
    let mut args = vec![
        "x509",
        "-req",
        "-in",
        "root.csr",
        "-signkey",
        "root.key",
        "-sm3",
        "-days",
        "3650",
        "-extfile",
        "ext.cnf",
        "-extensions",
        "v3_ca",
        "-out",
        "root.pem",
    ];
    args.extend(sig);
    args.extend(vfy);
    ossl(args);
    for (csr, ca, ca_key, ext, out) in [
        ("inter.csr", "root.pem", "root.key", "v3_ca", "inter.pem"),
        ("leaf.csr", "inter.pem", "inter.key", "v3_ee", "leaf.pem"),
    ] {
        let mut args = vec![
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            ca,
            "-CAkey",
            ca_key,
            "-CAcreateserial",
            "-sm3",
            "-days",
            "365",
            "-extfile",
            "ext.cnf",
            "-extensions",
            ext,
            "-out",
            out,
        ];
        args.extend(sig);
        args.extend(vfy);
        ossl(args);
    }
    std::fs::write(d.join("index.txt"), "").unwrap();
    std::fs::write(d.join("crlnumber"), "01\n").unwrap();
    std::fs::write(
        d.join("ca.cnf"),
        "[ca]\ndefault_ca = CA_default\n[CA_default]\ndatabase = index.txt\ncrlnumber = crlnumber\n\
         default_md = sm3\ndefault_crl_days = 30\ncertificate = inter.pem\nprivate_key = inter.key\n\
         crl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier=keyid:always\n",
    )
    .unwrap();
    ossl(vec![
        "ca",
        "-config",
        "ca.cnf",
        "-revoke",
        "leaf.pem",
        "-crl_reason",
        "keyCompromise",
    ]);
    let mut args = vec!["ca", "-config", "ca.cnf", "-gencrl", "-out", "inter.crl"];
    args.extend(sig);
    ossl(args);
}

/// `eseal cert verify` accepts an SM2 chain OpenSSL made with the default ID, rejects it
/// reversed, sees the leaf revoked by OpenSSL's CRL, and rejects a chain signed with
/// OpenSSL's empty ID as a bad signature.
#[test]
fn openssl_chain_in_eseal() {
    if !cross::have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    openssl_chain(d, true);
    let out = verify(
        d,
        &[
            "leaf.pem",
            "--trust",
            "root.pem",
            "--intermediate",
            "inter.pem",
        ],
    );
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("#2 CN=OSSL root,O=OpenSSL SM2,C=CN [anchor]"),
        "{}",
        stdout(&out)
    );
    // Reversed: the root as target, the leaf as anchor.
    let out = verify(
        d,
        &[
            "root.pem",
            "--trust",
            "leaf.pem",
            "--intermediate",
            "inter.pem",
            "--json",
        ],
    );
    assert_code(&out, 2);
    assert_eq!(json(&out)["error"]["id"], "chain.untrusted_root");
    // …and the intermediate offered as the leaf's anchor's issuer the wrong way round.
    let out = verify(d, &["inter.pem", "--trust", "leaf.pem", "--json"]);
    assert_code(&out, 2);
    assert_eq!(json(&out)["error"]["id"], "chain.unknown_issuer");

    let out = verify(
        d,
        &[
            "leaf.pem",
            "--trust",
            "root.pem",
            "--intermediate",
            "inter.pem",
            "--crl",
            "inter.crl",
            "--json",
        ],
    );
    assert_code(&out, 2);
    let v = json(&out);
    assert_eq!(v["error"]["id"], "cert.revoked");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("keyCompromise"),
        "{v}"
    );

    let other = tempfile::tempdir().unwrap();
    openssl_chain(other.path(), false);
    let out = verify(
        other.path(),
        &[
            "leaf.pem",
            "--trust",
            "root.pem",
            "--intermediate",
            "inter.pem",
            "--json",
        ],
    );
    assert_code(&out, 1);
    assert_eq!(json(&out)["error"]["id"], "cert.bad_signature");
}

/// The ofdrw demo root lacks keyCertSign: strict → 2 naming the rule; relaxed → 0 naming the
/// relaxation.
#[test]
fn ofdrw_root_strict_and_relaxed() {
    if !cross::have_openssl() {
        return;
    }
    let ofdrw = cross::shared_vectors().join("ofdrw");
    if !ofdrw.join("ROOT.p12").exists() {
        eprintln!("SKIPPED: {} is not present", ofdrw.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p12 = ofdrw.join("ROOT.p12");
    let root = openssl_in(
        d,
        &[
            "pkcs12",
            "-in",
            p12.to_str().unwrap(),
            "-nokeys",
            "-passin",
            "pass:123456",
            "-legacy",
            "-out",
            "ofdrw-root.pem",
        ],
    );
    root.unwrap();
    let leaf = ofdrw.join("sign_cert.pem");
    let leaf = leaf.to_str().unwrap();
    let at = "2021-08-01T00:00:00Z";

    let out = verify(d, &[leaf, "--trust", "ofdrw-root.pem", "--at", at]);
    assert_code(&out, 2);
    let text = stdout(&out);
    assert!(
        text.contains("cert.missing_key_cert_sign") && text.contains("keyCertSign"),
        "{text}"
    );
    assert!(text.contains("certificate #1"), "{text}");

    let out = verify(
        d,
        &[
            leaf,
            "--trust",
            "ofdrw-root.pem",
            "--at",
            at,
            "--policy",
            "relaxed",
        ],
    );
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("VALID"), "{text}");
    assert!(text.contains("Relaxations (relaxed policy):"), "{text}");
    assert!(text.contains("policy.missing_key_cert_sign"), "{text}");
    let v = json(&verify(
        d,
        &[
            leaf,
            "--trust",
            "ofdrw-root.pem",
            "--at",
            at,
            "--policy",
            "relaxed",
            "--json",
        ],
    ));
    assert_eq!(v["relaxations"][0]["id"], "policy.missing_key_cert_sign");
}
