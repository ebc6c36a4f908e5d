//! Runs the independent SM2 PDF signer/verifier `tools/pdfbox-sm2` (PDFBox 2 + BouncyCastle,
//! see its README) from Rust tests: [`pdfbox_sign`] and [`pdfbox_verify`].
//!
//! Include it together with `support/cross.rs`, both at the test crate's root:
//!
//! ```ignore
//! #[path = "support/cross.rs"]
//! mod cross;
//! #[path = "support/pdfbox.rs"]
//! mod pdfbox;
//!
//! if !pdfbox::available() { return; } // skips, or fails under ESEAL_REQUIRE_CROSS_TOOLS
//! pdfbox::pdfbox_sign(&input, &output, &key_pem, &cert_pem, &pdfbox::SignOpts::default()).unwrap();
//! let outcome = pdfbox::pdfbox_verify(&output, Some(&root_pem));
//! assert!(outcome.ok, "{outcome}");
//! ```
//!
//! The tool is compiled with `javac` once per test process, into `CARGO_TARGET_TMPDIR`.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The Debian jars the tool needs (libpdfbox2-java, libbcprov-java, libbcpkix-java and their
/// dependencies fontbox, commons-logging, bcutil).
const JARS: &[&str] = &[
    "/usr/share/java/pdfbox2.jar",
    "/usr/share/java/fontbox2.jar",
    "/usr/share/java/commons-logging.jar",
    "/usr/share/java/bcprov.jar",
    "/usr/share/java/bcpkix.jar",
    "/usr/share/java/bcutil.jar",
];

/// Options of `sign` (see `tools/pdfbox-sm2/README.md`).
#[derive(Debug, Clone, Default)]
pub struct SignOpts {
    /// `--chain`: a PEM bundle of CA certificates to embed after the signer's.
    pub chain: Option<PathBuf>,
    /// `--no-certs`: embed no certificate, not even the signer's.
    pub no_certs: bool,
    /// `--tsa-token KEY CERT`: add an RFC 3161 token made by the tool as this TSA.
    pub tsa: Option<(PathBuf, PathBuf)>,
    /// `--sig-oid 301.1`: SignerInfo signature algorithm SM2-1 instead of SM2-with-SM3 (501).
    pub sig_oid_sm2_1: bool,
    /// `--empty-id`: sign with the empty SM2 ID (what OpenSSL 3.0 expects in CMS).
    pub empty_id: bool,
    /// `--ber`: BouncyCastle's default (possibly BER) encoding instead of DER.
    pub ber: bool,
}

/// Options of `verify`.
#[derive(Debug, Clone, Default)]
pub struct VerifyOpts {
    /// `--anchor`: trust anchors; without, the chain is `unchecked`.
    pub anchor: Option<PathBuf>,
    /// `--cert`: signer certificates for CMS without embedded certificates.
    pub cert: Option<PathBuf>,
    /// `--empty-id`: verify with the empty SM2 ID.
    pub empty_id: bool,
}

/// One signature as `verify` reported it; each check is `ok`, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureOutcome {
    /// The signature field's fully qualified name.
    pub field: String,
    /// `/SubFilter`.
    pub subfilter: String,
    /// `ok` when /ByteRange is [0 a b c] and its hole is exactly this /Contents.
    pub byte_range: String,
    /// The ranges reach the end of the file (informational).
    pub whole_file: bool,
    /// SM3 over the ranges against the messageDigest attribute.
    pub digest: String,
    /// The SignerInfo signature.
    pub signature: String,
    /// `ok`, `unchecked` (no anchor) or `failed:…`.
    pub chain: String,
    /// `none`, `ok` or why not.
    pub timestamp: String,
    /// The signer certificate's subject (RFC 2253), empty when not found.
    pub subject: String,
}

impl SignatureOutcome {
    /// Every check passed (as the tool's exit code counts it).
    pub fn is_ok(&self) -> bool {
        self.byte_range == "ok"
            && self.digest == "ok"
            && self.signature == "ok"
            && (self.chain == "ok" || self.chain == "unchecked")
            && (self.timestamp == "ok" || self.timestamp == "none")
    }
}

/// What `verify` said about a PDF.
#[derive(Debug, Clone)]
pub struct VerifyOutcome {
    /// Exit code 0: at least one signature, and every one passed.
    pub ok: bool,
    /// The exit code (`None` when killed by a signal).
    pub exit_code: Option<i32>,
    /// One entry per signature field with a signature, in document order.
    pub signatures: Vec<SignatureOutcome>,
    /// The `docmdp` line: the certification's `/P` as PDFBox reads it, `None` for "none".
    pub docmdp: Option<u8>,
    /// The raw output, for assertion messages.
    pub stdout: String,
    /// Errors printed by the tool.
    pub stderr: String,
}

impl fmt::Display for VerifyOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pdfbox-sm2 verify exit {:?}\n{}{}",
            self.exit_code, self.stdout, self.stderr
        )
    }
}

/// True when java, javac and the jars are present (see `cross::tool_available`: skips, or
/// panics under `ESEAL_REQUIRE_CROSS_TOOLS`).
pub fn available() -> bool {
    crate::cross::tool_available("javac", &["javac", "-version"])
        && crate::cross::tool_available("java", &["java", "-version"])
        && JARS.iter().all(|jar| {
            crate::cross::tool_available(
                "libpdfbox2-java / libbcprov-java / libbcpkix-java",
                &["test", "-f", jar],
            )
        })
}

/// The tool's source file.
pub fn source() -> PathBuf {
    crate::cross::workspace_root().join("tools/pdfbox-sm2/PdfboxSm2.java")
}

/// Compiles the tool (once per process) and returns the class path to run it with.
fn classpath() -> &'static str {
    static CLASSPATH: OnceLock<String> = OnceLock::new();
    CLASSPATH.get_or_init(|| {
        let jars = JARS.join(":");
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("pdfbox-sm2-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        let src = source();
        let status = Command::new("javac")
            .args(["-nowarn", "-Xlint:-path", "-d"])
            .arg(&out)
            .args(["-cp", &jars])
            .arg(&src)
            .output()
            .expect("start javac");
        assert!(
            status.status.success(),
            "javac {} failed: {}",
            src.display(),
            String::from_utf8_lossy(&status.stderr)
        );
        format!("{}:{jars}", out.display())
    })
}

fn java(args: &[&OsStr]) -> std::process::Output {
    Command::new("java")
        .args(["-cp", classpath(), "PdfboxSm2"])
        .args(args)
        .output()
        .expect("start java")
}

/// Signs `input` into `output` (incremental update) with the PEM `key` and `cert`.
/// `Err` carries the tool's output when it fails.
pub fn pdfbox_sign(
    input: &Path,
    output: &Path,
    key: &Path,
    cert: &Path,
    opts: &SignOpts,
) -> Result<(), String> {
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("sign"),
        input.as_os_str(),
        output.as_os_str(),
        key.as_os_str(),
        cert.as_os_str(),
    ];
    if let Some(chain) = &opts.chain {
        args.extend([OsStr::new("--chain"), chain.as_os_str()]);
    }
    if opts.no_certs {
        args.push(OsStr::new("--no-certs"));
    }
    if let Some((k, c)) = &opts.tsa {
        args.extend([OsStr::new("--tsa-token"), k.as_os_str(), c.as_os_str()]);
    }
    if opts.sig_oid_sm2_1 {
        args.extend([OsStr::new("--sig-oid"), OsStr::new("301.1")]);
    }
    if opts.empty_id {
        args.push(OsStr::new("--empty-id"));
    }
    if opts.ber {
        args.push(OsStr::new("--ber"));
    }
    let out = java(&args);
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "pdfbox-sm2 sign exit {:?}: {}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Verifies every signature of `pdf`, with trust anchors from `anchor` when given.
pub fn pdfbox_verify(pdf: &Path, anchor: Option<&Path>) -> VerifyOutcome {
    pdfbox_verify_with(
        pdf,
        &VerifyOpts {
            anchor: anchor.map(Path::to_path_buf),
            ..VerifyOpts::default()
        },
    )
}

/// [`pdfbox_verify`] with every option.
pub fn pdfbox_verify_with(pdf: &Path, opts: &VerifyOpts) -> VerifyOutcome {
    let mut args: Vec<&OsStr> = vec![OsStr::new("verify"), pdf.as_os_str()];
    if let Some(a) = &opts.anchor {
        args.extend([OsStr::new("--anchor"), a.as_os_str()]);
    }
    if let Some(c) = &opts.cert {
        args.extend([OsStr::new("--cert"), c.as_os_str()]);
    }
    if opts.empty_id {
        args.push(OsStr::new("--empty-id"));
    }
    let out = java(&args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let signatures = stdout
        .lines()
        .filter(|l| l.starts_with("signature "))
        .map(parse_signature_line)
        .collect();
    let docmdp = stdout
        .lines()
        .find_map(|l| l.strip_prefix("docmdp\t"))
        .and_then(|p| p.trim().parse().ok());
    VerifyOutcome {
        ok: out.status.success(),
        exit_code: out.status.code(),
        signatures,
        docmdp,
        stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn parse_signature_line(line: &str) -> SignatureOutcome {
    let field = |key: &str| {
        line.split('\t')
            .find_map(|f| f.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
            .unwrap_or_else(|| panic!("no {key} in {line:?}"))
            .to_owned()
    };
    SignatureOutcome {
        field: field("field"),
        subfilter: field("subfilter"),
        byte_range: field("byterange"),
        whole_file: field("whole_file") == "yes",
        digest: field("digest"),
        signature: field("signature"),
        chain: field("chain"),
        timestamp: field("timestamp"),
        subject: field("subject"),
    }
}

/// The last signature of `pdf` as the /ByteRange found last in the file gives it: the signed
/// bytes (both ranges) and the CMS from the hole (hex-decoded, trailing zero padding removed).
/// A plain text scan, independent of any PDF parser; for tests only.
pub fn last_signature(pdf: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let key = b"/ByteRange";
    let at = pdf
        .windows(key.len())
        .rposition(|w| w == key)
        .expect("a /ByteRange");
    let rest = &pdf[at + key.len()..];
    let open = rest.iter().position(|&b| b == b'[').unwrap();
    let close = rest.iter().position(|&b| b == b']').unwrap();
    let nums: Vec<usize> = std::str::from_utf8(&rest[open + 1..close])
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let [a, b, c, d] = nums[..] else {
        panic!("ByteRange {nums:?}")
    };
    let mut signed = pdf[a..a + b].to_vec();
    signed.extend_from_slice(&pdf[c..c + d]);
    let hex = std::str::from_utf8(&pdf[a + b + 1..c - 1]).unwrap();
    let mut cms = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect::<Vec<u8>>();
    // Cut the padding after a definite-length outer SEQUENCE; an indefinite-length (BER) one
    // ends at its own end-of-contents, so the zeros stay.
    let len = match cms.get(1).copied() {
        Some(n @ 0..=0x7F) => Some(2 + usize::from(n)),
        Some(n @ 0x81..=0x84) => {
            let k = usize::from(n - 0x80);
            let v = cms[2..2 + k]
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            Some(2 + k + v)
        }
        _ => None,
    };
    if let Some(len) = len {
        cms.truncate(len);
    }
    (signed, cms)
}
