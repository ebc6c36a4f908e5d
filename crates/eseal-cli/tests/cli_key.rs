//! `eseal key gen|show`, passwords and input errors, run on the real binary.
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

use cli::{assert_code, assert_input_error, run, stderr, stdout};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

#[test]
fn gen_then_show_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run(d, &["key", "gen", "--out", "k.pem"]);
    assert_code(&out, 0);
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(d.join("k.pem")).unwrap();
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(d.join("k.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The fingerprint on stderr is the one `key show` prints.
    let fp = stderr(&out).split_whitespace().last().unwrap().to_owned();

    let shown = run(d, &["key", "show", "--json", "k.pem"]);
    assert_code(&shown, 0);
    let v = json(&shown);
    assert_eq!(v["format"], "pkcs8-pem");
    assert_eq!(v["encrypted"], false);
    assert_eq!(v["public_key_fingerprint_sm3"], fp.as_str());
    let human = stdout(&run(d, &["key", "show", "k.pem"]));
    assert!(human.contains("PKCS#8 PEM"), "{human}");
    assert!(human.contains(&fp), "{human}");
    assert!(human.contains("-----BEGIN PUBLIC KEY-----"), "{human}");
    // Never any secret material, in either form.
    for shown in [human.as_str(), &stdout(&shown)] {
        assert!(!shown.contains("-----BEGIN PRIVATE KEY"), "{shown}");
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        assert!(!shown.contains(&body[..40]), "{shown}");
    }
}

#[test]
fn gen_refuses_to_overwrite_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_code(&run(d, &["key", "gen", "--out", "k.pem"]), 0);
    let before = std::fs::read(d.join("k.pem")).unwrap();
    let out = run(d, &["key", "gen", "--out", "k.pem"]);
    assert_input_error(&out, &["k.pem", "already exists", "--force"]);
    assert_eq!(std::fs::read(d.join("k.pem")).unwrap(), before);
    assert_code(&run(d, &["key", "gen", "--out", "k.pem", "--force"]), 0);
    assert_ne!(std::fs::read(d.join("k.pem")).unwrap(), before);
}

#[test]
fn gen_to_stdout_and_der() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli::eseal(d)
        .args(["key", "gen"])
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with("-----BEGIN PRIVATE KEY-----"))
        .stderr(predicates::str::is_empty());
    assert_code(
        &run(d, &["key", "gen", "--format", "der", "--out", "k.der"]),
        0,
    );
    let v = json(&run(d, &["key", "show", "--json", "k.der"]));
    assert_eq!(v["format"], "pkcs8-der");
}

#[test]
fn encrypted_round_trip_with_file_and_env_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pw"), "correct horse\n").unwrap();
    std::fs::write(d.join("wrong"), "wrong horse\n").unwrap();
    let out = run(
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
            "ek.pem",
        ],
    );
    assert_code(&out, 0);
    let text = std::fs::read_to_string(d.join("ek.pem")).unwrap();
    assert!(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));

    let by_file = json(&run(
        d,
        &["key", "show", "--json", "--password-file", "pw", "ek.pem"],
    ));
    assert_eq!(by_file["format"], "encrypted-pkcs8-pem");
    assert_eq!(by_file["encrypted"], true);
    let by_env = cli::eseal(d)
        .args([
            "key",
            "show",
            "--json",
            "--password-env",
            "ESEAL_TEST_PW",
            "ek.pem",
        ])
        .env("ESEAL_TEST_PW", "correct horse")
        .output()
        .unwrap();
    assert_code(&by_env, 0);
    assert_eq!(json(&by_env)["public_key"], by_file["public_key"]);

    // Wrong password from a file, and from the environment.
    let out = run(d, &["key", "show", "--password-file", "wrong", "ek.pem"]);
    assert_input_error(&out, &["ek.pem", "wrong password"]);
    let out = cli::eseal(d)
        .args(["key", "show", "--password-env", "ESEAL_TEST_PW", "ek.pem"])
        .env("ESEAL_TEST_PW", "nope")
        .output()
        .unwrap();
    assert_input_error(&out, &["ek.pem", "wrong password"]);
    // An unset variable, a missing password file, and no terminal to prompt on.
    let out = cli::eseal(d)
        .args([
            "key",
            "show",
            "--password-env",
            "ESEAL_UNSET_VARIABLE",
            "ek.pem",
        ])
        .env_remove("ESEAL_UNSET_VARIABLE")
        .output()
        .unwrap();
    assert_input_error(&out, &["ESEAL_UNSET_VARIABLE", "not set"]);
    let out = run(
        d,
        &["key", "show", "--password-file", "missing-pw", "ek.pem"],
    );
    assert_input_error(&out, &["missing-pw"]);
    let out = run(d, &["key", "show", "ek.pem"]);
    assert_input_error(&out, &["needs a password", "--password-file"]);
}

#[test]
fn encrypt_refuses_an_empty_password_and_password_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("empty"), "\n").unwrap();
    let out = run(
        d,
        &[
            "key",
            "gen",
            "--encrypt",
            "--password-file",
            "empty",
            "--out",
            "k.pem",
        ],
    );
    assert_input_error(&out, &["empty password"]);
    assert!(!d.join("k.pem").exists());
    // There is no way to give a password as an argument value.
    let out = run(d, &["key", "gen", "--encrypt", "--password", "x"]);
    assert_code(&out, 3);
}

#[test]
fn input_errors_are_one_line_and_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_input_error(
        &run(d, &["key", "show", "nope.pem"]),
        &["nope.pem", "cannot read"],
    );
    std::fs::write(d.join("garbage.pem"), b"\x00\x01garbage\xff").unwrap();
    assert_input_error(
        &run(d, &["key", "show", "garbage.pem"]),
        &["garbage.pem", "not a key file"],
    );
    std::fs::write(d.join("half.pem"), "-----BEGIN PRIVATE KEY-----\nMIGH\n").unwrap();
    assert_input_error(&run(d, &["key", "show", "half.pem"]), &["half.pem"]);
    // A certificate given as a key says so.
    cli::issue_chain(d);
    assert_input_error(
        &run(d, &["key", "show", "root.pem"]),
        &["root.pem", "a certificate", "not a private key"],
    );
    // A directory is not a key file either.
    assert_input_error(&run(d, &["key", "show", "."]), &["cannot read"]);
}

#[test]
fn usage_errors_exit_3_and_help_exits_0_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for args in [
        &["frobnicate"][..],
        &["key"],
        &["key", "gen", "--format", "xml"],
        &["key", "show"],
    ] {
        let out = run(d, args);
        assert_code(&out, 3);
        assert!(!stderr(&out).contains("panicked"));
    }
    for args in [
        &["--help"][..],
        &["key", "gen", "--help"],
        &["key", "show", "--help"],
        &["cert", "issue", "--help"],
        &["cert", "show", "--help"],
        &["cert", "verify", "--help"],
    ] {
        let out = run(d, args);
        assert_code(&out, 0);
        assert!(
            stdout(&out).contains("Examples:"),
            "{args:?}: {}",
            stdout(&out)
        );
    }
    let out = run(d, &["--version"]);
    assert_code(&out, 0);
    assert!(stdout(&out).starts_with("eseal "));
}

/// OpenSSL reads the keys eseal writes, and agrees on the public key and its SM3 fingerprint.
#[test]
fn openssl_reads_generated_keys() {
    if !cross::have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pw"), "s3cret\n").unwrap();
    assert_code(&run(d, &["key", "gen", "--out", "k.pem"]), 0);
    // HMAC-SHA-256 PBES2, which every OpenSSL 3 reads (3.0 has no HMAC-SM3 PRF OID).
    assert_code(
        &run(
            d,
            &[
                "key",
                "gen",
                "--encrypt",
                "--prf",
                "hmac-sha256",
                "--iterations",
                "2000",
                "--password-file",
                "pw",
                "--out",
                "ek.pem",
            ],
        ),
        0,
    );
    for (file, pass) in [("k.pem", None), ("ek.pem", Some("file:pw"))] {
        let p = d.join(file);
        let mut args = vec![
            "pkey",
            "-in",
            p.to_str().unwrap(),
            "-pubout",
            "-outform",
            "DER",
        ];
        if let Some(pass) = pass {
            args.extend(["-passin", pass]);
        }
        let pw_path = d.join("pw");
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("file:pw", &format!("file:{}", pw_path.display())))
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let spki = cross::run("openssl", &args, None);
        let digest = cross::run("openssl", &["dgst", "-sm3", "-r"], Some(&spki));
        let openssl_fp = String::from_utf8(digest).unwrap();
        let openssl_fp = openssl_fp.split_whitespace().next().unwrap();

        let mut show = vec!["key", "show", "--json", file];
        if pass.is_some() {
            show.extend(["--password-file", "pw"]);
        }
        let v = json(&run(d, &show));
        assert_eq!(v["public_key_fingerprint_sm3"], openssl_fp, "{file}");
    }
    // …and eseal reads OpenSSL's SEC1 and encrypted PKCS#8 keys.
    let (p8_plain, sec1) = (d.join("o.pem"), d.join("o.sec1.pem"));
    cross::run(
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:SM2",
            "-out",
            p8_plain.to_str().unwrap(),
        ],
        None,
    );
    cross::run(
        "openssl",
        // OpenSSL 3 labels it `SM2 PRIVATE KEY`.
        &[
            "ec",
            "-in",
            p8_plain.to_str().unwrap(),
            "-out",
            sec1.to_str().unwrap(),
        ],
        None,
    );
    let v = json(&run(d, &["key", "show", "--json", "o.sec1.pem"]));
    assert_eq!(v["format"], "sec1-pem");
    let p8 = d.join("o.p8.der");
    cross::run(
        "openssl",
        &[
            "pkcs8",
            "-topk8",
            "-in",
            p8_plain.to_str().unwrap(),
            "-outform",
            "DER",
            "-v2",
            "aes-256-cbc",
            "-passout",
            "pass:s3cret",
            "-out",
            p8.to_str().unwrap(),
        ],
        None,
    );
    let v = json(&run(
        d,
        &["key", "show", "--json", "--password-file", "pw", "o.p8.der"],
    ));
    assert_eq!(v["format"], "encrypted-pkcs8-der");
}

/// The prompt path, on a pseudo-terminal made by util-linux `script`.
#[test]
fn prompts_on_a_terminal_only() {
    if !cross::tool_available("script (util-linux)", &["script", "--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bin = env!("CARGO_BIN_EXE_eseal");
    let in_pty = |cmd: &str, input: &str, no_color: bool| {
        let mut c = std::process::Command::new("script");
        c.args(["-qec", cmd, "/dev/null"])
            .current_dir(d)
            .env_remove("NO_COLOR");
        if no_color {
            c.env("NO_COLOR", "1");
        }
        let mut child = c
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let gen_cmd = format!("{bin} key gen --encrypt --iterations 2000 --out p.pem");
    let out = in_pty(&gen_cmd, "pw-one\npw-one\n", false);
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("Password for the new key:"), "{text}");
    assert!(text.contains("Repeat the password:"), "{text}");

    let show = format!("{bin} key show p.pem");
    let out = in_pty(&show, "pw-one\n", false);
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("Password for key p.pem:"), "{text}");
    assert!(text.contains("\x1b[1m"), "colour on a terminal: {text:?}");
    let out = in_pty(&show, "pw-one\n", true);
    assert!(
        !stdout(&out).contains('\x1b'),
        "NO_COLOR: {:?}",
        stdout(&out)
    );
    let out = in_pty(&show, "pw-two\n", false);
    assert_code(&out, 3);
    assert!(stdout(&out).contains("wrong password"));

    // Mismatched confirmation.
    let out = in_pty(
        &format!("{bin} key gen --encrypt --out q.pem"),
        "a\nb\n",
        false,
    );
    assert_code(&out, 3);
    assert!(stdout(&out).contains("the two passwords differ"));
    assert!(!d.join("q.pem").exists());
    // Piped stdout: no colour.
    let piped = run(d, &["key", "show", "--password-file", "/dev/null", "p.pem"]);
    assert_code(&piped, 3);
    assert!(!stderr(&piped).contains('\x1b'));
}
