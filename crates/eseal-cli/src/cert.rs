//! `eseal cert issue|show|verify`: a small CA for testing and offline deployments, and
//! certificate inspection and path validation.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use eseal::crypto::{PublicKey, SecretKey};
use eseal::keyfile::{self, KeyFileError};
use eseal::pki::{
    Certificate, CertificateAuthority, CertificateProfile, CertificateTemplate, DistinguishedName,
    PathReport, SoftwareSigner, verify_path,
};
use eseal::time::Time;
use eseal::verify::Status;
use serde_json::{Value, json};

use crate::exit::Exit;
use crate::files::{self, Secrecy};
use crate::inputs::{self, VerifyArgs};
use crate::key::Encoding;
use crate::output::{self, Style, field};
use crate::password::{KeyPasswordArgs, PasswordArgs};

/// `eseal cert …`
#[derive(Debug, Subcommand)]
pub(crate) enum CertCommand {
    /// Issue an SM2 certificate (a small CA for testing and offline deployments).
    #[command(after_help = "\
A root is self-signed with its own --key; every other profile needs --issuer-cert and
--issuer-key. Without --key, --new-key FILE generates the subject's key.

Examples:
  eseal cert issue --profile root --cn \"Demo Root\" --o Demo --c CN --days 3650 \\
      --new-key root.key --out root.pem
  eseal cert issue --profile intermediate --cn \"Demo CA\" --o Demo --c CN \\
      --issuer-cert root.pem --issuer-key root.key --new-key ca.key --out ca.pem
  eseal cert issue --profile signer --cn \"张三\" --o \"示例单位\" --c CN \\
      --issuer-cert ca.pem --issuer-key ca.key --key signer.key --out signer.pem")]
    Issue(Box<IssueArgs>),
    /// Show certificates: names, serial, validity, key usages, constraints, key identifiers,
    /// SM3 fingerprint.
    #[command(after_help = "\
Examples:
  eseal cert show signer.pem
  eseal cert show --json bundle.pem")]
    Show(ShowArgs),
    /// Validate a certificate's path to a trust anchor (RFC 5280, SM2 with the default ID).
    #[command(after_help = "\
The first certificate of CERT is validated; further certificates in the same file serve as
intermediates. Exit 0 valid, 1 invalid (a signature does not verify), 2 indeterminate
(expired, not yet valid, untrusted, revoked), 3 input error.

Examples:
  eseal cert verify signer.pem --trust root.pem --intermediate ca.pem
  eseal cert verify sign_cert.pem --trust roots/ --at 2021-08-01T00:00:00Z --policy relaxed --json")]
    Verify(VerifyCertArgs),
}

/// `eseal cert issue`
#[derive(Debug, Args)]
pub(crate) struct IssueArgs {
    /// What the certificate is for (decides basicConstraints, keyUsage, extendedKeyUsage).
    #[arg(long, value_enum)]
    profile: ProfileChoice,
    /// Subject commonName (CN).
    #[arg(long, value_name = "TEXT")]
    cn: String,
    /// Subject organizationName (O).
    #[arg(long, value_name = "TEXT")]
    o: Option<String>,
    /// Subject organizationalUnitName (OU).
    #[arg(long, value_name = "TEXT")]
    ou: Option<String>,
    /// Subject countryName (C), two letters, e.g. CN.
    #[arg(long, value_name = "XX")]
    c: Option<String>,
    /// Validity in days from --not-before [default: 365].
    #[arg(long, value_name = "N", conflicts_with = "not_after")]
    days: Option<u32>,
    /// Start of validity, RFC 3339 [default: now].
    #[arg(long, value_name = "TIME")]
    not_before: Option<String>,
    /// End of validity, RFC 3339.
    #[arg(long, value_name = "TIME")]
    not_after: Option<String>,
    /// pathLenConstraint of a root or intermediate CA.
    #[arg(long, value_name = "N")]
    path_len: Option<u8>,
    /// The issuing CA's certificate (not for --profile root).
    #[arg(long, value_name = "FILE", requires = "issuer_key")]
    issuer_cert: Option<PathBuf>,
    /// The issuing CA's private key; its password comes from --password-file, --password-env
    /// or a prompt.
    #[arg(long, value_name = "FILE", requires = "issuer_cert")]
    issuer_key: Option<PathBuf>,
    /// The subject's key: a private key file, or (except for a root) a public key (PEM PUBLIC
    /// KEY or DER SubjectPublicKeyInfo). Password: --key-password-file, --key-password-env or a
    /// prompt.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "new_key",
        required_unless_present = "new_key"
    )]
    key: Option<PathBuf>,
    /// Generate the subject's key and write it to FILE (PKCS#8 PEM, mode 0600).
    #[arg(long, value_name = "FILE")]
    new_key: Option<PathBuf>,
    /// Write the certificate to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Encoding of the certificate.
    #[arg(long, value_enum, default_value_t = Encoding::Pem)]
    format: Encoding,
    /// Replace output files that exist.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    password: PasswordArgs,
    #[command(flatten)]
    key_password: KeyPasswordArgs,
}

/// `--profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ProfileChoice {
    /// Self-signed root CA (keyCertSign, cRLSign).
    Root,
    /// Subordinate CA (keyCertSign, cRLSign).
    Intermediate,
    /// Seal maker (制章者): signs electronic seals.
    SealMaker,
    /// Signer (签章者): signs documents with a seal.
    Signer,
    /// Time-stamping authority (extendedKeyUsage timeStamping).
    Tsa,
}

/// `eseal cert show`
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// A certificate file: PEM (one or many) or DER.
    file: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// `eseal cert verify`
#[derive(Debug, Args)]
pub(crate) struct VerifyCertArgs {
    /// The certificate to validate (PEM or DER).
    cert: PathBuf,
    #[command(flatten)]
    common: VerifyArgs,
}

pub(crate) fn run(command: CertCommand) -> anyhow::Result<Exit> {
    match command {
        CertCommand::Issue(args) => issue(&args),
        CertCommand::Show(args) => show(&args),
        CertCommand::Verify(args) => verify(&args),
    }
}

/// The OS generator as the infallible `CryptoRng` the CA builder takes. `UnwrapErr` panics
/// if the OS cannot supply randomness; the panic hook turns that into one error line.
fn rng() -> eseal::rand_core::UnwrapErr<getrandom::SysRng> {
    eseal::rand_core::UnwrapErr(getrandom::SysRng)
}

enum SubjectKey {
    Private(SecretKey),
    Public(PublicKey),
}

fn issue(args: &IssueArgs) -> anyhow::Result<Exit> {
    let is_ca = matches!(
        args.profile,
        ProfileChoice::Root | ProfileChoice::Intermediate
    );
    if args.path_len.is_some() && !is_ca {
        bail!("--path-len applies to root and intermediate CAs only");
    }
    let profile = match args.profile {
        ProfileChoice::Root => CertificateProfile::Root {
            path_len: args.path_len,
        },
        ProfileChoice::Intermediate => CertificateProfile::Intermediate {
            path_len: args.path_len,
        },
        ProfileChoice::SealMaker => CertificateProfile::SealMaker,
        ProfileChoice::Signer => CertificateProfile::Signer,
        ProfileChoice::Tsa => CertificateProfile::Tsa,
    };
    let root = args.profile == ProfileChoice::Root;
    if root && args.issuer_cert.is_some() {
        bail!("a root is self-signed: drop --issuer-cert and --issuer-key");
    }
    if !root && args.issuer_cert.is_none() {
        bail!(
            "--profile {} needs --issuer-cert and --issuer-key",
            profile_name(args.profile)
        );
    }
    for out in [&args.out, &args.new_key].into_iter().flatten() {
        if out.exists() && !args.force {
            bail!(
                "{} already exists (use --force to replace it)",
                out.display()
            );
        }
    }

    let not_before = match &args.not_before {
        Some(t) => Time::parse_rfc3339(t).context("--not-before")?,
        None => inputs::now()?,
    };
    let not_after = match &args.not_after {
        Some(t) => Time::parse_rfc3339(t).context("--not-after")?,
        None => not_before.saturating_add_seconds(u64::from(args.days.unwrap_or(365)) * 86_400),
    };
    if not_after <= not_before {
        bail!("the validity ends ({not_after}) before it starts ({not_before})");
    }
    let mut subject = DistinguishedName::new();
    if let Some(c) = &args.c {
        subject = subject.country(c);
    }
    if let Some(o) = &args.o {
        subject = subject.organization(o);
    }
    if let Some(ou) = &args.ou {
        subject = subject.organizational_unit(ou);
    }
    subject = subject.common_name(&args.cn);
    let template = CertificateTemplate::new(profile, subject, not_before, not_after);

    let mut new_key_pem = None;
    let subject_key = match (&args.key, &args.new_key) {
        (Some(path), _) => load_subject_key(path, args)?,
        (None, Some(_)) => {
            let key = SecretKey::generate().context("cannot generate a key")?;
            new_key_pem = Some(key.to_pkcs8_pem());
            SubjectKey::Private(key)
        }
        (None, None) => bail!("give --key FILE or --new-key FILE"),
    };

    let mut rng = rng();
    let certificate = if root {
        let SubjectKey::Private(key) = subject_key else {
            bail!("a root signs itself: --key must be a private key, not a public key");
        };
        CertificateAuthority::self_signed(SoftwareSigner::from_secret_key(key), &template, &mut rng)
            .context("cannot issue the certificate")?
            .certificate()
            .clone()
    } else {
        let (Some(issuer_cert), Some(issuer_key)) = (&args.issuer_cert, &args.issuer_key) else {
            bail!(
                "--profile {} needs --issuer-cert and --issuer-key",
                profile_name(args.profile)
            );
        };
        let issuer = first_certificate(issuer_cert)?;
        let key = crate::key::load(issuer_key, &args.password.source())?.into_secret_key();
        let ca = CertificateAuthority::from_parts(issuer, SoftwareSigner::from_secret_key(key))
            .with_context(|| {
                format!(
                    "{} is not the key of {}",
                    issuer_key.display(),
                    issuer_cert.display()
                )
            })?;
        if not_after > ca.certificate().not_after() {
            eprintln!(
                "eseal: warning: the certificate outlives its issuer (issuer valid until {}); \
                 path validation after that date fails",
                ca.certificate().not_after()
            );
        }
        let spki = match &subject_key {
            SubjectKey::Private(k) => k.public_key().to_spki_der(),
            SubjectKey::Public(k) => k.to_spki_der(),
        };
        ca.issue(&template, &spki, &mut rng)
            .context("cannot issue the certificate")?
    };

    if let (Some(path), Some(pem)) = (&args.new_key, &new_key_pem) {
        files::write(path, pem.as_bytes(), args.force, Secrecy::Secret)?;
    }
    let encoded = match args.format {
        Encoding::Pem => certificate.to_pem().into_bytes(),
        Encoding::Der => certificate.as_der().to_vec(),
    };
    match &args.out {
        Some(out) => files::write(out, &encoded, args.force, Secrecy::Public)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&encoded)?;
            stdout.flush()?;
        }
    }
    eprintln!(
        "eseal: issued {} certificate \"{}\", serial {}, valid {} to {}{}{}",
        profile_name(args.profile),
        certificate.subject_string(),
        certificate.serial_hex(),
        certificate.not_before(),
        certificate.not_after(),
        args.out
            .as_ref()
            .map(|p| format!(", written to {}", p.display()))
            .unwrap_or_default(),
        args.new_key
            .as_ref()
            .map(|p| format!("; new key in {}", p.display()))
            .unwrap_or_default(),
    );
    Ok(Exit::Valid)
}

fn profile_name(p: ProfileChoice) -> &'static str {
    match p {
        ProfileChoice::Root => "root",
        ProfileChoice::Intermediate => "intermediate",
        ProfileChoice::SealMaker => "seal-maker",
        ProfileChoice::Signer => "signer",
        ProfileChoice::Tsa => "tsa",
    }
}

/// The subject key of `cert issue`: a private key file (any format), or a public key.
fn load_subject_key(path: &Path, args: &IssueArgs) -> anyhow::Result<SubjectKey> {
    let data = files::read(path)?;
    match keyfile::detect(&data) {
        Err(KeyFileError::NotAKey { .. }) => {
            let public = match std::str::from_utf8(&data) {
                Ok(text) if text.contains("-----BEGIN PUBLIC KEY-----") => {
                    PublicKey::from_spki_pem(text)
                }
                _ => PublicKey::from_spki_der(&data),
            };
            public.map(SubjectKey::Public).map_err(|_| {
                anyhow::anyhow!(
                    "{}: neither a private key nor an SM2 public key (PEM PUBLIC KEY or DER SubjectPublicKeyInfo)",
                    path.display()
                )
            })
        }
        _ => Ok(SubjectKey::Private(
            crate::key::load(path, &args.key_password.source())?.into_secret_key(),
        )),
    }
}

fn read_certificates(path: &Path) -> anyhow::Result<Vec<Certificate>> {
    let data = files::read(path)?;
    eseal::certfile::read_certificates(&data)
        .with_context(|| format!("{} is not a readable certificate file", path.display()))
}

fn first_certificate(path: &Path) -> anyhow::Result<Certificate> {
    let mut certs = read_certificates(path)?;
    if certs.len() != 1 {
        bail!(
            "{} holds {} certificates; give the issuer's certificate alone",
            path.display(),
            certs.len()
        );
    }
    certs
        .pop()
        .with_context(|| format!("{} holds no certificate", path.display()))
}

fn show(args: &ShowArgs) -> anyhow::Result<Exit> {
    let certs = read_certificates(&args.file)?;
    if args.json {
        let list: Vec<Value> = certs.iter().map(certificate_json).collect();
        output::json(&json!({
            "file": args.file.display().to_string(),
            "certificates": list,
        }))?;
        return Ok(Exit::Valid);
    }
    let style = Style::detect();
    for (i, cert) in certs.iter().enumerate() {
        if i > 0 {
            println!();
        }
        println!(
            "{}",
            style.bold(&format!(
                "Certificate {} of {} in {}",
                i + 1,
                certs.len(),
                args.file.display()
            ))
        );
        field("Subject", cert.subject_string());
        field("Issuer", cert.issuer_string());
        field("Serial", cert.serial_hex());
        field("Not before", cert.not_before());
        field("Not after", cert.not_after());
        field(
            "Signature algorithm",
            algorithm_name(&cert.signature_algorithm().to_string()),
        );
        field(
            "Public key (SEC1)",
            cert.sm2_public_key()
                .map(output::hex)
                .unwrap_or_else(|e| format!("(not an SM2 key: {e})")),
        );
        field("Basic constraints", basic_constraints_text(cert));
        field(
            "Key usage",
            cert.key_usage()
                .map(|ku| ku.names().join(", "))
                .unwrap_or_else(|| "(absent)".to_owned()),
        );
        field(
            "Extended key usage",
            cert.extended_key_usage()
                .map(|ekus| {
                    ekus.iter()
                        .map(|o| eku_name(&o.to_string()))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "(absent)".to_owned()),
        );
        field(
            "Subject key id",
            cert.subject_key_id()
                .map(output::hex)
                .unwrap_or_else(|| "(absent)".to_owned()),
        );
        field(
            "Authority key id",
            cert.authority_key_id()
                .map(output::hex)
                .unwrap_or_else(|| "(absent)".to_owned()),
        );
        field(
            "Self-issued",
            if cert.is_self_issued() { "yes" } else { "no" },
        );
        field("SM3 fingerprint", output::hex(&cert.fingerprint_sm3()));
    }
    Ok(Exit::Valid)
}

fn basic_constraints_text(cert: &Certificate) -> String {
    match cert.basic_constraints() {
        None => "(absent)".to_owned(),
        Some(bc) if bc.ca => match bc.path_len {
            Some(n) => format!("CA, pathLen {n}"),
            None => "CA".to_owned(),
        },
        Some(_) => "not a CA".to_owned(),
    }
}

fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.156.10197.1.501" => format!("SM2-with-SM3 ({oid})"),
        _ => oid.to_owned(),
    }
}

fn eku_name(oid: &str) -> String {
    let name = match oid {
        "1.3.6.1.5.5.7.3.1" => "serverAuth",
        "1.3.6.1.5.5.7.3.2" => "clientAuth",
        "1.3.6.1.5.5.7.3.3" => "codeSigning",
        "1.3.6.1.5.5.7.3.4" => "emailProtection",
        "1.3.6.1.5.5.7.3.8" => "timeStamping",
        "1.3.6.1.5.5.7.3.9" => "OCSPSigning",
        "2.5.29.37.0" => "anyExtendedKeyUsage",
        _ => return oid.to_owned(),
    };
    format!("{name} ({oid})")
}

fn certificate_json(cert: &Certificate) -> Value {
    serde_json::to_value(cert.describe()).unwrap_or(Value::Null)
}

fn verify(args: &VerifyCertArgs) -> anyhow::Result<Exit> {
    let mut certs = read_certificates(&args.cert)?.into_iter();
    let target = certs
        .next()
        .with_context(|| format!("{} holds no certificate", args.cert.display()))?;
    let mut loaded = args.common.load()?;
    loaded.intermediates.extend(certs);
    if loaded.trust.is_empty() {
        bail!("give at least one trust anchor with --trust FILE|DIR");
    }
    let policy = loaded.policy.path_policy().clone();
    let result = verify_path(
        &target,
        &loaded.intermediates,
        &loaded.trust,
        &loaded.crls,
        &policy,
        loaded.at,
    );
    let report = PathReport::new(
        &target,
        &result,
        loaded.at,
        args.common.validation.policy.as_str(),
    );
    if args.common.json {
        let mut value = serde_json::to_value(&report)?;
        if let Some(obj) = value.as_object_mut() {
            obj.insert("file".into(), json!(args.cert.display().to_string()));
        }
        output::json(&value)?;
    } else {
        print_verify(&report, args);
    }
    Ok(Exit::from_status(report.status()))
}

fn print_verify(report: &PathReport, args: &VerifyCertArgs) {
    let style = Style::detect();
    let status = report.status();
    println!(
        "{}",
        style.bold(&format!("Certificate {}", args.cert.display()))
    );
    field("Subject", &report.certificate().subject);
    field("Validation time", report.validation_time());
    field("Policy", report.policy());
    field("Result", style.status(status));
    if let Some(e) = report.error() {
        // A broken signature proves the path wrong; an expired or untrusted link only
        // leaves it unproven (the same marks as the checks of `eseal verify`).
        let (mark, what) = if status == Status::Invalid {
            (style.bad("✗"), "failed: rule")
        } else {
            (style.warn("?"), "not established: rule")
        };
        println!(
            "{mark} {what} {} ({} problem) at certificate #{} \"{}\": {}",
            e.id,
            e.class.as_str(),
            e.position,
            e.subject,
            e.message
        );
        return;
    }
    println!("Chain:");
    for link in report.chain() {
        println!(
            "  #{} {} [{}] valid {} to {}",
            link.position,
            link.certificate.subject,
            link.role.as_str(),
            link.certificate.not_before,
            link.certificate.not_after
        );
    }
    if report.relaxations().is_empty() {
        println!("Relaxations: none");
    } else {
        println!("Relaxations ({} policy):", report.policy());
        for r in report.relaxations() {
            println!("  {} {} ({})", style.warn("!"), r.message, r.id);
        }
    }
    println!("Revocation:");
    for r in report.revocation() {
        println!("  #{} {}", r.position, r.detail);
    }
}
