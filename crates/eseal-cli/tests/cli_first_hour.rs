//! What a new user meets in the first hour (issue 16), on the real binary: the demo's printed
//! commands work as printed, the install instructions work, a closed stdout pipe ends the
//! program quietly, `audit` pairs detached signatures with their data and names every file it
//! skips, `--trust DIR` takes only CA certificates, `sign` refuses stamps off the page in the
//! user's own page numbers, checks that could not be established are not shown as failed, and
//! `seal make` says when it shortens a validity.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cli.rs"]
mod cli;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cli::{assert_code, assert_input_error, run, stderr, stdout};
use serde_json::Value;

/// A fresh directory with `eseal demo --out demo` run in it.
fn demo_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert_code(&run(dir.path(), &["demo", "--out", "demo"]), 0);
    dir
}

/// The commands the demo printed under "Verify them yourself".
fn printed_commands(demo_output: &str) -> Vec<String> {
    demo_output
        .lines()
        .skip_while(|l| !l.starts_with("Verify them yourself"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.trim().to_owned())
        .collect()
}

/// Runs a command line in `sh` in `dir` with `path` as PATH.
fn sh(dir: &Path, line: &str, path: &str) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_eseal"))
}

/// The demo's suggested commands, run by a shell exactly as printed, give the exit codes the
/// demo announces: with eseal not on PATH they name the running binary by its full path, with
/// it on PATH they say `eseal`.
#[test]
fn demo_prints_commands_that_work_as_printed() {
    let system_path = std::env::var("PATH").unwrap_or_default();
    let expected = [1, 0, 0, 1, 0, 0]; // tampered copy caught; contract; seal show; audit (tampered); license verify; license show
    for on_path in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let path = if on_path {
            format!("{}:{system_path}", binary().parent().unwrap().display())
        } else {
            system_path.clone()
        };
        let out = sh(
            d,
            &format!("'{}' demo --out eseal-demo", binary().display()),
            &path,
        );
        assert_code(&out, 0);
        let commands = printed_commands(&stdout(&out));
        assert_eq!(commands.len(), 6, "{}", stdout(&out));
        for (line, code) in commands.iter().zip(expected) {
            if on_path {
                assert!(line.starts_with("eseal "), "{line}");
            } else {
                // Not on PATH: the full path of the binary, and the install hint.
                assert!(line.contains(&binary().display().to_string()), "{line}");
                assert!(stdout(&out).contains("cargo install --path crates/eseal-cli --locked"));
            }
            let run = sh(d, line, &path);
            assert_code(&run, code);
            assert!(
                !stderr(&run).contains("not found"),
                "{line}: {}",
                stderr(&run)
            );
        }
        // Every file the commands wrote is inside the demo folder.
        assert!(d.join("eseal-demo/seal-picture.png").is_file());
        assert!(d.join("eseal-demo/audit.html").is_file());
        let mut top: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        top.sort();
        assert_eq!(top, ["eseal-demo"]);
    }
}

/// The README's install instruction, `cargo install --path crates/eseal-cli --locked`, as on a
/// fresh machine: an empty `CARGO_HOME` (only its registry cache linked to the real one, so that
/// `--offline` finds the sources), the binary landing in `$CARGO_HOME/bin` as the docs say, and
/// again with `--root DIR` into `DIR/bin`. The home and the target directory are kept under
/// `target/tmp` (emptied of installed binaries each run) so that a second run reuses the build;
/// the first is a full debug build of minutes, hence ignored by default:
/// `cargo test -p eseal-cli --test cli_first_hour -- --ignored`.
#[test]
#[cfg(unix)]
#[ignore = "runs cargo install (minutes on a cold build)"]
fn install_instructions_put_eseal_in_the_root_bin_directory() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("first-hour-install");
    let target = scratch.join("target");
    let cargo_home = scratch.join("cargo-home");
    for stale in ["bin", ".crates.toml", ".crates2.json"] {
        let p = cargo_home.join(stale);
        let _ = std::fs::remove_dir_all(&p);
        let _ = std::fs::remove_file(&p);
    }
    std::fs::create_dir_all(&cargo_home).unwrap();
    let real_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap();
    let registry = cargo_home.join("registry");
    if !registry.exists() {
        std::os::unix::fs::symlink(real_home.join("registry"), &registry).unwrap();
    }
    let root = tempfile::tempdir().unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for root_arg in [None, Some(root.path())] {
        let mut cmd = Command::new(&cargo);
        cmd.args(["install", "--path", "crates/eseal-cli", "--locked"])
            .args(["--offline", "--debug"])
            .current_dir(&workspace)
            .env("CARGO_HOME", &cargo_home)
            .env("CARGO_TARGET_DIR", &target);
        if let Some(r) = root_arg {
            cmd.arg("--root").arg(r);
        }
        let out = cmd.output().unwrap();
        assert_code(&out, 0);
        let bin = root_arg.unwrap_or(&cargo_home).join("bin");
        assert!(bin.join("eseal").is_file(), "{}", stderr(&out));
        // On PATH, `eseal` is the installed program and the demo prints `eseal …` commands
        // that work.
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let dir = tempfile::tempdir().unwrap();
        let out = sh(dir.path(), "eseal demo", &path);
        assert_code(&out, 0);
        let commands = printed_commands(&stdout(&out));
        assert!(
            commands.iter().all(|c| c.starts_with("eseal ")),
            "{commands:?}"
        );
        assert_code(&sh(dir.path(), &commands[1], &path), 0);
    }
}

/// `eseal verify … | head -1`: the reader closes the pipe after one line; eseal ends quietly
/// with 141 (128 + SIGPIPE, what a shell shows for a tool ended by the signal), for text and
/// for JSON.
#[test]
fn closed_stdout_pipe_ends_quietly() {
    let dir = demo_dir();
    let d = dir.path();
    for json in [false, true] {
        let mut cmd = Command::new(binary());
        cmd.current_dir(d)
            .args(["verify", "--trust", "demo/root.pem"])
            .env("RUST_BACKTRACE", "1");
        if json {
            cmd.arg("--json");
        }
        // Far more than a pipe buffer (64 KiB) of output, so that eseal is still writing when
        // the pipe closes.
        for _ in 0..40 {
            cmd.arg("demo/signed.ofd");
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        assert!(!first.is_empty());
        drop(reader);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(141), "{}", stderr(&out));
        assert_eq!(stderr(&out), "", "json: {json}");
    }
}

fn json_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// `audit` over the demo folder: the detached signature is verified with its data by the
/// `X.sig` ↔ `X` convention (valid, as the demo said), every other file is named as skipped with
/// its reason in text, JSON Lines and HTML, and the final table counts by status and check.
#[test]
fn audit_pairs_detached_signatures_and_names_skipped_files() {
    let dir = demo_dir();
    let d = dir.path();
    let out = run(
        d,
        &[
            "audit",
            "--trust",
            "demo/root.pem",
            "demo",
            "--json",
            "audit.jsonl",
            "--html",
            "audit.html",
        ],
    );
    assert_code(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains("Audited 11 file(s), 1 detached signature(s) with their data"),
        "{text}"
    );
    assert!(
        text.contains("demo/contract.txt.sig with demo/contract.txt"),
        "{text}"
    );
    let skipped_names = [
        "demo/license-code.png",
        "demo/license-code.txt",
        "demo/license.json",
        "demo/maker.key",
        "demo/maker.pem",
        "demo/root.key",
        "demo/root.pem",
        "demo/seal.png",
        "demo/signer.key",
        "demo/signer.pem",
        "demo/tsa.key",
        "demo/tsa.pem",
    ];
    for name in skipped_names {
        assert!(
            text.contains(&format!(
                "  {name}: not examined: the name does not end in .ofd"
            )),
            "{name} not listed in\n{text}"
        );
    }
    // The data file is used, not skipped.
    assert!(!text.contains("demo/contract.txt: not examined"), "{text}");
    // Counts by status and the checks that kept files from being valid.
    assert!(text.contains("Top checks not passed"), "{text}");
    assert!(text.contains("ofd.references"), "{text}");
    let lines = json_lines(&d.join("audit.jsonl"));
    assert_eq!(lines[0]["type"], "audit");
    let sig = lines
        .iter()
        .find(|l| l["file"] == "demo/contract.txt.sig")
        .unwrap();
    assert_eq!(sig["status"], "valid");
    assert_eq!(sig["data"], "demo/contract.txt");
    let mut skipped: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "skipped")
        .map(|l| l["file"].as_str().unwrap())
        .collect();
    skipped.sort_unstable();
    assert_eq!(skipped, skipped_names);
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["skipped"], skipped_names.len());
    assert_eq!(summary["paired"], 1);
    // signed.pdf is valid, document.pdf (unsigned) indeterminate, like the OFD pair; the
    // license is valid as OFD and as PDF.
    assert_eq!(summary["by_status"]["valid"], 8);
    assert_eq!(summary["by_status"]["indeterminate"], 2);
    assert_eq!(summary["by_status"]["invalid"], 1);
    let html = std::fs::read_to_string(d.join("audit.html")).unwrap();
    assert!(html.contains(&format!("Skipped ({})", skipped_names.len())));
    for name in skipped_names {
        assert!(html.contains(name), "{name} not in the HTML report");
    }
    assert!(html.contains("with data demo/contract.txt"));

    // JSON Lines on stdout, the text summary then on stderr.
    let out = run(
        d,
        &["audit", "--trust", "demo/root.pem", "demo", "--json", "-"],
    );
    assert_code(&out, 1);
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.iter().filter(|l| l["type"] == "file").count(), 11);
    assert!(
        stderr(&out).contains("Audited 11 file(s)"),
        "{}",
        stderr(&out)
    );

    // An explicit manifest pairs names the convention cannot.
    let m = d.join("m");
    std::fs::create_dir(&m).unwrap();
    std::fs::copy(d.join("demo/contract.txt.sig"), m.join("signature.ses")).unwrap();
    std::fs::copy(d.join("demo/contract.txt"), m.join("the data.bin")).unwrap();
    std::fs::write(
        m.join("pairs.txt"),
        "# signature<TAB>data\nsignature.ses\tthe data.bin\n",
    )
    .unwrap();
    let out = run(
        d,
        &[
            "audit",
            "--manifest",
            "m/pairs.txt",
            "--trust",
            "demo/root.pem",
        ],
    );
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("m/signature.ses with m/the data.bin"),
        "{}",
        stdout(&out)
    );
    // Without it the signature has no data: indeterminate, and the other files are named.
    let out = run(d, &["audit", "m", "--trust", "demo/root.pem"]);
    assert_code(&out, 2);
    for name in ["m/pairs.txt", "m/the data.bin"] {
        assert!(stdout(&out).contains(name), "{}", stdout(&out));
    }
    // A malformed manifest line is an input error naming the line.
    std::fs::write(m.join("bad.txt"), "only-one-field\n").unwrap();
    assert_input_error(
        &run(d, &["audit", "--manifest", "m/bad.txt"]),
        &["m/bad.txt line 1"],
    );
}

/// An audit that finds nothing to verify is not a success: exit 3, and the files it skipped
/// are named.
#[test]
fn audit_of_nothing_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("empty")).unwrap();
    let out = run(d, &["audit", "empty"]);
    assert_input_error(&out, &["nothing to audit"]);
    std::fs::create_dir(d.join("notes")).unwrap();
    std::fs::write(d.join("notes/README.txt"), "hello").unwrap();
    std::fs::write(d.join("notes/.hidden.ofd"), "hidden").unwrap();
    let out = run(d, &["audit", "notes"]);
    assert_code(&out, 3);
    let text = stdout(&out);
    assert!(
        text.contains("Audited 0 file(s); 2 file(s) skipped"),
        "{text}"
    );
    assert!(text.contains("notes/README.txt: not examined"), "{text}");
    assert!(text.contains("notes/.hidden.ofd: hidden file"), "{text}");
    assert!(
        stderr(&out).contains("nothing to audit"),
        "{}",
        stderr(&out)
    );
}

/// `--trust DIR` takes the CA certificates of a directory and names each certificate it leaves
/// out; a file named with --trust, or --trust-leaves, takes a leaf.
#[test]
fn trust_directory_takes_only_ca_certificates() {
    let dir = demo_dir();
    let d = dir.path();
    // The demo folder holds the root and three end-entity certificates.
    let out = run(d, &["verify", "--trust", "demo", "demo/signed.ofd"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    for leaf in ["maker.pem", "signer.pem", "tsa.pem"] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("eseal: warning: --trust demo: skipped")
                    && l.contains(leaf)
                    && l.contains("not a CA certificate")),
            "{leaf} not named in\n{err}"
        );
    }
    assert!(!err.contains("root.pem"), "{err}");
    // A directory of only the maker's certificate: no anchor is left, so the seal's maker does
    // not vouch for itself.
    std::fs::create_dir(d.join("leaves")).unwrap();
    std::fs::copy(d.join("demo/maker.pem"), d.join("leaves/maker.pem")).unwrap();
    let seal_verify = |extra: &[&str]| {
        run(
            d,
            &[&["verify", "demo/seal-v4.esl", "--json"][..], extra].concat(),
        )
    };
    let out = seal_verify(&["--trust", "leaves"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("leaves/maker.pem"),
        "{}",
        stderr(&out)
    );
    // Asked for explicitly: the leaf is an anchor, with no warning.
    for extra in [
        &["--trust", "leaves", "--trust-leaves"][..],
        &["--trust", "leaves/maker.pem"],
    ] {
        let out = seal_verify(extra);
        assert_eq!(stderr(&out), "", "{extra:?}");
        assert_code(&out, 0);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let chain = v["signatures"][0]["report"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "seal.maker_chain")
            .unwrap();
        assert_eq!(chain["status"], "passed", "{extra:?}: {chain}");
    }
}

/// `sign` refuses a stamp off the page and a page the document does not have, in the user's
/// own 1-based numbers, and says where it put a stamp when no position was given.
#[test]
fn sign_refuses_off_page_stamps_in_the_users_page_numbers() {
    let dir = demo_dir();
    let d = dir.path();
    let sign = |extra: &[&str]| {
        run(
            d,
            &[
                &[
                    "sign",
                    "--seal",
                    "demo/seal-v4.esl",
                    "--key",
                    "demo/signer.key",
                    "--cert",
                    "demo/signer.pem",
                    "--in",
                    "demo/document.ofd",
                ][..],
                extra,
            ]
            .concat(),
        )
    };
    // The demo document: two A4 pages (210 × 297 mm); the demo seal is 40 × 40 mm.
    assert_input_error(
        &sign(&["--out", "x.ofd", "--page", "5"]),
        &["--page 5 is out of range", "demo/document.ofd has 2 pages"],
    );
    assert_input_error(
        &sign(&["--out", "x.ofd", "--page", "0"]),
        &["--page counts from 1"],
    );
    assert_input_error(
        &sign(&["--out", "x.ofd", "--page", "2", "--x", "200", "--y", "10"]),
        &[
            "--x 200 puts the stamp (40 × 40 mm) partly off page 2 (210 × 297 mm)",
            "--x must be from 0 to 170",
        ],
    );
    assert_input_error(
        &sign(&["--out", "x.ofd", "--y=-5"]),
        &["--y -5", "off page 1", "--y must be from 0 to 257"],
    );
    assert_input_error(
        &sign(&["--out", "x.ofd", "--riding", "--y", "280"]),
        &["--y 280", "off page 1"],
    );
    assert!(!d.join("x.ofd").exists());
    // On the edge is on the page, and verifies.
    let out = sign(&[
        "--out", "edge.ofd", "--page", "2", "--x", "170", "--y", "257",
    ]);
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains("on page 2 of demo/document.ofd at x 170 mm, y 257 mm"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("default place"));
    assert_code(
        &run(d, &["verify", "--trust", "demo/root.pem", "edge.ofd"]),
        0,
    );
    // No position: the default place, said.
    let out = sign(&["--out", "default.ofd"]);
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains(
            "on page 1 of demo/document.ofd at x 120 mm, y 203 mm (top-left corner, 40 × 40 mm; the default place, choose it with --x and --y)"
        ),
        "{}",
        stderr(&out)
    );
    assert_code(
        &run(d, &["verify", "--trust", "demo/root.pem", "default.ofd"]),
        0,
    );
}

/// A check that could not be established (an expired certificate, an untrusted maker) is shown
/// with its own mark and word, not as failed; a proven failure keeps ✗ failed.
#[test]
fn not_established_checks_are_not_shown_as_failed() {
    let dir = demo_dir();
    let d = dir.path();
    // Long after every demo certificate expired.
    let out = run(
        d,
        &[
            "verify",
            "--trust",
            "demo/root.pem",
            "--at",
            "2099-01-01T00:00:00Z",
            "demo/seal-v4.esl",
        ],
    );
    assert_code(&out, 2);
    let text = stdout(&out);
    assert!(text.contains("INDETERMINATE"), "{text}");
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with('✗')),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("? seal.") && l.contains(" not established ")),
        "{text}"
    );
    let out = run(
        d,
        &["verify", "--trust", "demo/root.pem", "demo/tampered.ofd"],
    );
    assert_code(&out, 1);
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.trim_start().starts_with("✗ ofd.references") && l.contains(" failed ")),
        "{}",
        stdout(&out)
    );
    // cert verify: an expired certificate is not established, not failed.
    let out = run(
        d,
        &[
            "cert",
            "verify",
            "demo/signer.pem",
            "--trust",
            "demo/root.pem",
            "--at",
            "2099-01-01T00:00:00Z",
        ],
    );
    assert_code(&out, 2);
    assert!(
        stdout(&out).contains("? not established: rule cert.expired"),
        "{}",
        stdout(&out)
    );
}

/// `seal make` says when it cuts the default validity short to end with the maker certificate.
#[test]
fn seal_make_says_when_it_shortens_the_validity() {
    let dir = demo_dir();
    let d = dir.path();
    assert_code(
        &run(
            d,
            &[
                "cert",
                "issue",
                "--profile",
                "seal-maker",
                "--cn",
                "Short Maker",
                "--o",
                "eseal",
                "--c",
                "CN",
                "--days",
                "30",
                "--issuer-cert",
                "demo/root.pem",
                "--issuer-key",
                "demo/root.key",
                "--new-key",
                "short.key",
                "--out",
                "short.pem",
            ],
        ),
        0,
    );
    let make = |out: &str, extra: &[&str]| {
        run(
            d,
            &[
                &[
                    "seal",
                    "make",
                    "--key",
                    "short.key",
                    "--cert",
                    "short.pem",
                    "--es-id",
                    "1",
                    "--name",
                    "Short",
                    "--signer-cert",
                    "demo/signer.pem",
                    "--picture",
                    "demo/seal.png",
                    "--out",
                    out,
                ][..],
                extra,
            ]
            .concat(),
        )
    };
    let out = make("a.esl", &[]);
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains(
            "eseal: note: the validity was shortened from the default 365 days to end with the maker certificate"
        ),
        "{}",
        stderr(&out)
    );
    // A validity that fits says nothing of the kind.
    let out = make("b.esl", &["--days", "10"]);
    assert_code(&out, 0);
    assert!(!stderr(&out).contains("shortened"), "{}", stderr(&out));
    // The demo's maker certificate outlives a year: no note either.
    let out = run(
        d,
        &[
            "seal",
            "make",
            "--key",
            "demo/maker.key",
            "--cert",
            "demo/maker.pem",
            "--es-id",
            "2",
            "--name",
            "Long",
            "--signer-cert",
            "demo/signer.pem",
            "--picture",
            "demo/seal.png",
            "--out",
            "c.esl",
        ],
    );
    assert_code(&out, 0);
    assert!(!stderr(&out).contains("shortened"), "{}", stderr(&out));
}

/// On a terminal (a pseudo-terminal made by util-linux `script`), `audit` shows a progress bar
/// with the count and the time left, then the summary; piped it shows none (see
/// `cli_ofd::audit_many`).
#[test]
fn audit_shows_progress_with_the_time_left_on_a_terminal() {
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("skipped: util-linux script is not installed");
        return;
    }
    let dir = demo_dir();
    let line = format!(
        "'{}' audit demo --trust demo/root.pem --jobs 1",
        binary().display()
    );
    let out = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("verifying ["), "{text}");
    assert!(text.contains("/11 files ("), "{text}");
    assert!(text.contains(" left)"), "{text}");
    assert!(text.contains("Audited 11 file(s)"), "{text}");
}
