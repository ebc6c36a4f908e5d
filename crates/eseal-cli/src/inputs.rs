//! The options every verifying command shares (`--trust`, `--intermediate`, `--crl`, `--at`,
//! `--policy`, `--json`) and loading what they name from files and directories.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use clap::Args;
use eseal::pki::{Certificate, Crl, TrustStore};
use eseal::ses::VerifyOptions;
use eseal::time::Time;
use eseal::verify::ValidationPolicy;

/// Most files taken from one directory given to `--trust`, `--intermediate` or `--crl`.
const MAX_DIRECTORY_FILES: usize = 1000;

/// File name extensions read from a directory of certificates.
const CERTIFICATE_EXTENSIONS: [&str; 4] = ["pem", "crt", "cer", "der"];
/// File name extensions read from a directory of CRLs.
const CRL_EXTENSIONS: [&str; 3] = ["crl", "pem", "der"];

/// Options shared by the verifying commands: what to validate against.
#[derive(Debug, Clone, Args)]
pub(crate) struct ValidationArgs {
    /// Trust anchors: PEM bundles or DER certificates, or directories of them (*.pem, *.crt,
    /// *.cer, *.der; from a directory only CA certificates, see --trust-leaves). Repeatable.
    #[arg(long, value_name = "FILE|DIR")]
    pub(crate) trust: Vec<PathBuf>,
    /// Intermediate CA certificates to build the path with (files or directories). Repeatable.
    #[arg(long, value_name = "FILE|DIR")]
    pub(crate) intermediate: Vec<PathBuf>,
    /// CRLs, PEM or DER (files or directories of *.crl, *.pem, *.der). Repeatable.
    #[arg(long, value_name = "FILE|DIR")]
    pub(crate) crl: Vec<PathBuf>,
    /// Validation time, RFC 3339 (e.g. 2024-05-01T08:00:00Z or 2024-05-01T16:00:00+08:00).
    /// Default: now.
    #[arg(long, value_name = "TIME")]
    pub(crate) at: Option<String>,
    /// Validation policy: default (deployed documents: producer deviations are named
    /// warnings, a claimed time outside a validity window is indeterminate, a bad timestamp a
    /// warning), strict (conformance: every deviation and unprotected content fails), relaxed
    /// (default, and CA certificates need neither cA=TRUE nor keyCertSign, as several deployed
    /// Chinese roots are; each relaxation used is named), or a JSON policy file
    /// (docs/report-schema.md, "Validation policy").
    #[arg(long, value_name = "NAME|FILE", default_value = "default")]
    pub(crate) policy: String,
    /// Also trust the end-entity certificates found in --trust directories (by default only
    /// CA and self-issued certificates are taken from a directory, the others are skipped
    /// with a warning; a file named with --trust is always taken whole).
    #[arg(long)]
    pub(crate) trust_leaves: bool,
}

/// [`ValidationArgs`] and `--json` (print the result as JSON).
#[derive(Debug, Clone, Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    pub(crate) validation: ValidationArgs,
    /// Print the result as JSON on stdout instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

impl VerifyArgs {
    /// See [`ValidationArgs::load`].
    pub(crate) fn load(&self) -> anyhow::Result<Loaded> {
        self.validation.load()
    }
}

impl ValidationArgs {
    /// The `--policy` preset, or the policy file it names.
    pub(crate) fn validation_policy(&self) -> anyhow::Result<ValidationPolicy> {
        if let Some(preset) = ValidationPolicy::preset(&self.policy) {
            return Ok(preset);
        }
        let path = Path::new(&self.policy);
        if !path.exists() {
            bail!(
                "--policy {}: not a preset (default, strict, relaxed) nor an existing policy file",
                self.policy
            );
        }
        let data = crate::files::read(path)?;
        let text = std::str::from_utf8(&data)
            .with_context(|| format!("policy file {} is not UTF-8", path.display()))?;
        ValidationPolicy::from_json(text)
            .with_context(|| format!("policy file {} refused", path.display()))
    }
}

/// What the shared options name, loaded.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) trust: TrustStore,
    pub(crate) intermediates: Vec<Certificate>,
    pub(crate) crls: Vec<Crl>,
    pub(crate) at: Time,
    pub(crate) policy: ValidationPolicy,
}

impl ValidationArgs {
    /// Reads every file named, failing on the first unreadable one (with its name).
    pub(crate) fn load(&self) -> anyhow::Result<Loaded> {
        let mut trust = TrustStore::new();
        for cert in self.trust_anchors()? {
            trust.add(cert);
        }
        let intermediates = load_all(
            &self.intermediate,
            &CERTIFICATE_EXTENSIONS,
            "intermediate certificate",
            eseal::certfile::read_certificates,
        )?;
        let crls = load_all(
            &self.crl,
            &CRL_EXTENSIONS,
            "CRL",
            eseal::certfile::read_crls,
        )?;
        let at = match &self.at {
            Some(text) => Time::parse_rfc3339(text).with_context(|| "--at".to_owned())?,
            None => now()?,
        };
        let policy = self.validation_policy()?;
        Ok(Loaded {
            trust,
            intermediates,
            crls,
            at,
            policy,
        })
    }
}

impl ValidationArgs {
    /// The `--trust` certificates. A directory is a place where certificates of every kind
    /// collect (the demo's holds the signer's too), and trusting a leaf makes it vouch for
    /// itself: from a directory only CA certificates (basicConstraints cA) and self-issued
    /// ones (roots, some deployed without basicConstraints) are taken unless --trust-leaves;
    /// each certificate left out is named in a warning on stderr.
    fn trust_anchors(&self) -> anyhow::Result<Vec<Certificate>> {
        let mut out = Vec::new();
        for path in &self.trust {
            let from_directory = std::fs::metadata(path).is_ok_and(|m| m.is_dir());
            for file in expand(path, &CERTIFICATE_EXTENSIONS)? {
                let data = crate::files::read(&file)?;
                let certs = eseal::certfile::read_certificates(&data).with_context(|| {
                    format!("{} is not a readable trust anchor file", file.display())
                })?;
                for cert in certs {
                    if from_directory && !self.trust_leaves && !may_anchor(&cert) {
                        let _ = writeln!(
                            std::io::stderr(),
                            "eseal: warning: --trust {}: skipped {} (\"{}\"): not a CA \
                             certificate (name the file with --trust, or add --trust-leaves, \
                             to trust it)",
                            path.display(),
                            file.display(),
                            cert.subject_string()
                        );
                        continue;
                    }
                    out.push(cert);
                }
            }
        }
        Ok(out)
    }
}

/// Whether a certificate found in a `--trust` directory is taken as an anchor: a CA, or a
/// self-issued certificate.
pub(crate) fn may_anchor(cert: &Certificate) -> bool {
    cert.basic_constraints().is_some_and(|bc| bc.ca) || cert.is_self_issued()
}

impl Loaded {
    /// The SES verification options for what was loaded, under the loaded policy.
    pub(crate) fn ses_options(&self) -> VerifyOptions<'_> {
        let mut options = VerifyOptions::new()
            .intermediates(&self.intermediates)
            .crls(&self.crls)
            .validation_policy(self.policy.clone())
            .validation_time(self.at);
        if !self.trust.is_empty() {
            options = options.trust_anchors(&self.trust);
        }
        options
    }
}

/// The current time from the system clock (the library never reads it).
pub(crate) fn now() -> anyhow::Result<Time> {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("the system clock is before 1970")?
        .as_secs();
    Ok(Time::from_unix_seconds(seconds))
}

fn load_all<T, E: std::error::Error + Send + Sync + 'static>(
    paths: &[PathBuf],
    extensions: &[&str],
    what: &str,
    parse: impl Fn(&[u8]) -> Result<Vec<T>, E>,
) -> anyhow::Result<Vec<T>> {
    let mut out = Vec::new();
    for path in paths {
        for file in expand(path, extensions)? {
            let data = crate::files::read(&file)?;
            let items = parse(&data)
                .with_context(|| format!("{} is not a readable {what} file", file.display()))?;
            out.extend(items);
        }
    }
    Ok(out)
}

/// A file stays itself; a directory becomes its files with one of `extensions`, sorted by
/// name (hidden files and subdirectories are skipped).
fn expand(path: &Path, extensions: &[&str]) -> anyhow::Result<Vec<PathBuf>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in
        std::fs::read_dir(path).with_context(|| format!("cannot list {}", path.display()))?
    {
        let entry = entry.with_context(|| format!("cannot list {}", path.display()))?;
        let p = entry.path();
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        let wanted = p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)));
        if hidden || !wanted || !p.is_file() {
            continue;
        }
        if files.len() >= MAX_DIRECTORY_FILES {
            bail!(
                "{} holds more than {MAX_DIRECTORY_FILES} files to read",
                path.display()
            );
        }
        files.push(p);
    }
    if files.is_empty() {
        bail!(
            "{} holds no {} file",
            path.display(),
            extensions
                .iter()
                .map(|e| format!("*.{e}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    files.sort();
    Ok(files)
}
