//! `eseal license issue|verify|id|show`: electronic licenses (电子证照) on `eseal::license`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use eseal::license::{
    FaceTemplate, IssueRequest, LicenseId, LicenseMetadata, Payload, QrMatrix, issue_ofd,
    issue_pdf, read_license,
};
use eseal::ofd::{ImageFormat, LocalTsaSource};
use eseal::verify::DocumentFormat;
use serde_json::{Value, json};

use crate::exit::Exit;
use crate::files::{self, Secrecy};
use crate::inputs::VerifyArgs;
use crate::password::{PasswordArgs, Source};

/// `eseal license …`
#[derive(Debug, Subcommand)]
pub(crate) enum LicenseCommand {
    /// Issue a license as OFD (default) or PDF: the face from a template, the verification 2D
    /// code, the metadata embedded, stamped with the issuer's seal.
    #[command(after_help = "\
The metadata is JSON or XML (docs/license.md); without --template a generic landscape A4 face
shows every element. The signing time is now. Exit 0 when written, 3 on any error.

Examples:
  eseal license issue --metadata license.json --seal issuer.esl --key issuer.key --cert issuer.pem \\
      --out license.ofd --code-png code.png
  eseal license issue --format pdf --metadata license.json --seal issuer.esl --key issuer.key \\
      --cert issuer.pem --out license.pdf")]
    Issue(Box<IssueArgs>),
    /// Verify license files (OFD or PDF) and 2D-code payloads (files holding the scanned text, or
    /// --code TEXT): signatures, metadata, identifier, codes, validity, 2D code.
    #[command(after_help = "\
A payload is checked with the issuer certificates given by --issuer-cert (matched by key id)
against --trust. Exit code: the worst over all inputs: 0 valid, 1 invalid, 2 indeterminate
(for example an authentic license that has expired: check license.validity), 3 unreadable.

Examples:
  eseal license verify license.ofd --trust root.pem
  eseal license verify --code 'DZZZ:AE5D…' --issuer-cert issuer.pem --trust root.pem")]
    Verify(VerifyLicenseArgs),
    /// Build or check a license identifier (GB/T 36904).
    #[command(subcommand)]
    Id(IdCommand),
    /// Show a license's metadata (from a license OFD or PDF, a metadata XML/JSON file or a
    /// payload).
    Show(ShowArgs),
}

/// `eseal license issue`
#[derive(Debug, Args)]
pub(crate) struct IssueArgs {
    /// The license metadata, JSON or XML (GB/T 36903 elements, docs/license.md).
    #[arg(long, value_name = "FILE")]
    metadata: PathBuf,
    /// The face template, JSON (docs/license.md); default: a generic landscape A4 face.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// A photo or image for the template's photo box (PNG or JPEG).
    #[arg(long, value_name = "FILE")]
    photo: Option<PathBuf>,
    /// The issuer's seal (.esl); it must list the issuer's certificate.
    #[arg(long, value_name = "FILE")]
    seal: PathBuf,
    /// The issuer's private key (signs the seal signature and the 2D code).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The issuer's certificate (optional when --key is a PKCS#12 file that carries it).
    #[arg(long, value_name = "FILE")]
    cert: Option<PathBuf>,
    #[command(flatten)]
    password: PasswordArgs,
    /// Put the URL form in the 2D code: BASE followed by the payload (BASE ends with /, ?, = or #).
    #[arg(long, value_name = "BASE")]
    url: Option<String>,
    /// Timestamp the seal signature with a local TSA: its private key.
    #[arg(long, value_name = "FILE", requires = "tsa_cert")]
    tsa_key: Option<PathBuf>,
    /// The local TSA's certificate.
    #[arg(long, value_name = "FILE", requires = "tsa_key")]
    tsa_cert: Option<PathBuf>,
    /// Also write the 2D code as a PNG (for screens and phones).
    #[arg(long, value_name = "FILE")]
    code_png: Option<PathBuf>,
    /// The file format of the license.
    #[arg(long, value_enum, default_value_t = LicenseFormat::Ofd)]
    format: LicenseFormat,
    /// PDF only: an OpenType font (.ttf/.otf/.ttc, first face) to embed instead of the
    /// standard, not embedded STSong-Light.
    #[arg(long, value_name = "FILE")]
    font: Option<PathBuf>,
    /// Where to write the license (OFD or PDF, per --format).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace existing output files.
    #[arg(long)]
    force: bool,
}

/// The file format `eseal license issue` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LicenseFormat {
    /// OFD (GB/T 36905; metadata as a custom tag).
    Ofd,
    /// PDF (metadata as an embedded associated file).
    Pdf,
}

/// `eseal license verify`
#[derive(Debug, Args)]
pub(crate) struct VerifyLicenseArgs {
    /// License files (OFD) or files holding a scanned 2D-code text.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// A scanned 2D-code text (DZZZ:… or its URL form). Repeatable.
    #[arg(long, value_name = "TEXT")]
    code: Vec<String>,
    /// Certificates (PEM or DER) of issuers whose 2D codes may be verified. Repeatable.
    #[arg(long = "issuer-cert", value_name = "FILE")]
    issuer_cert: Vec<PathBuf>,
    #[command(flatten)]
    common: VerifyArgs,
}

/// `eseal license id …`
#[derive(Debug, Subcommand)]
pub(crate) enum IdCommand {
    /// Check an identifier: exit 0 when valid, 1 (with the reason) when not.
    Check {
        /// The identifier, e.g. 1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S
        id: String,
    },
    /// Build an identifier from its parts (the check character is computed).
    Build {
        /// License type code: the defining authority's USCC and 3 digits.
        #[arg(long)]
        type_code: String,
        /// The issuer's unified social credit code.
        #[arg(long)]
        issuer: String,
        /// The issuer's serial (0-9, A-Z).
        #[arg(long)]
        serial: String,
        /// The identifier's version (3 digits).
        #[arg(long, default_value = "002")]
        id_version: String,
    },
}

/// `eseal license show`
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// A license OFD or PDF, a metadata file (XML or JSON) or a file holding a 2D-code text.
    file: PathBuf,
    /// Print JSON: the metadata's JSON form (docs/license.md), or the payload's fields.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(command: LicenseCommand) -> anyhow::Result<Exit> {
    match command {
        LicenseCommand::Issue(args) => issue(&args),
        LicenseCommand::Verify(args) => verify(&args),
        LicenseCommand::Id(IdCommand::Check { id }) => match LicenseId::parse(&id) {
            Ok(id) => {
                println!("valid: {id}");
                println!(
                    "  type code {} (defined by {})",
                    id.type_code(),
                    id.defining_authority()
                );
                println!(
                    "  issuer {}, serial {}, version {}, check {}",
                    id.issuer(),
                    id.serial(),
                    id.version(),
                    id.check()
                );
                Ok(Exit::Valid)
            }
            Err(e) => {
                println!("invalid: {e}");
                Ok(Exit::Invalid)
            }
        },
        LicenseCommand::Id(IdCommand::Build {
            type_code,
            issuer,
            serial,
            id_version,
        }) => {
            let id = LicenseId::new(&type_code, &issuer, &serial, &id_version)
                .context("cannot build the identifier")?;
            println!("{id}");
            Ok(Exit::Valid)
        }
        LicenseCommand::Show(args) => show(&args),
    }
}

/// Reads metadata as JSON (starts with `{`) or XML.
pub(crate) fn read_metadata(path: &Path) -> anyhow::Result<LicenseMetadata> {
    let bytes = files::read(path)?;
    let json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let parsed = if json {
        LicenseMetadata::from_json(&bytes)
    } else {
        LicenseMetadata::from_xml(&bytes)
    };
    parsed.with_context(|| format!("{} is not usable license metadata", path.display()))
}

fn issue(args: &IssueArgs) -> anyhow::Result<Exit> {
    for out in std::iter::once(&args.out).chain(args.code_png.as_ref()) {
        if out.exists() && !args.force {
            bail!(
                "{} already exists (use --force to replace it)",
                out.display()
            );
        }
    }
    let meta = read_metadata(&args.metadata)?;
    let template = match &args.template {
        Some(path) => FaceTemplate::from_json(&files::read(path)?)
            .with_context(|| format!("{} is not a usable face template", path.display()))?,
        None => FaceTemplate::standard(&meta),
    };
    let photo = match &args.photo {
        Some(path) => {
            let data = files::read(path)?;
            let format = if data.starts_with(b"\x89PNG") {
                ImageFormat::Png
            } else if data.starts_with(&[0xFF, 0xD8]) {
                ImageFormat::Jpeg
            } else {
                bail!("{} is neither PNG nor JPEG", path.display());
            };
            Some((format, data))
        }
        None => None,
    };
    let seal = crate::sign::read_seal(&args.seal)?;
    let issuer = crate::credential::load(
        &args.key,
        args.cert.as_deref(),
        &args.password.source(),
        "issuer",
    )?;
    let now = crate::inputs::now()?;
    let tsa = match (&args.tsa_key, &args.tsa_cert) {
        (Some(k), Some(c)) => Some(crate::sign::load_tsa(k, c, &Source::Prompt)?),
        _ => None,
    };
    let tsa_source = tsa.as_ref().map(|t| LocalTsaSource::new(t, now));
    let mut request = IssueRequest::new(
        &meta,
        &template,
        &seal,
        &issuer.certificate,
        &issuer.signer,
        now,
    );
    if let Some((format, data)) = &photo {
        request = request.photo(*format, data);
    }
    if let Some(base) = &args.url {
        request = request.url_base(base);
    }
    if let Some(source) = &tsa_source {
        request = request.timestamp(source);
    }
    let font = args.font.as_deref().map(files::read).transpose()?;
    if font.is_some() && args.format != LicenseFormat::Pdf {
        bail!("--font applies to --format pdf only (the OFD names its font and embeds none)");
    }
    if let Some(data) = &font {
        request = request.pdf_font(data, 0);
    }
    let (bytes, code_text) = match args.format {
        LicenseFormat::Ofd => {
            let issued = issue_ofd(&request).context("cannot issue the license")?;
            (issued.ofd, issued.code_text)
        }
        LicenseFormat::Pdf => {
            let issued = issue_pdf(&request).context("cannot issue the license")?;
            (issued.pdf, issued.code_text)
        }
    };
    files::write(&args.out, &bytes, args.force, Secrecy::Public)?;
    if let Some(path) = &args.code_png {
        let png = QrMatrix::encode(&code_text)?.to_png(4);
        files::write(path, &png, args.force, Secrecy::Public)?;
    }
    eprintln!(
        "eseal: issued license {} as {} to {} ({} bytes), stamped with seal \"{}\" at {now}; 2D code: {} characters",
        meta.id,
        if args.format == LicenseFormat::Pdf {
            "PDF"
        } else {
            "OFD"
        },
        args.out.display(),
        bytes.len(),
        seal.name(),
        code_text.len()
    );
    println!("{code_text}");
    Ok(Exit::Valid)
}

fn read_certs(paths: &[PathBuf]) -> anyhow::Result<Vec<eseal::pki::Certificate>> {
    let mut out = Vec::new();
    for path in paths {
        let data = files::read(path)?;
        out.extend(
            eseal::certfile::read_certificates(&data).with_context(|| {
                format!("{} is not a readable certificate file", path.display())
            })?,
        );
    }
    Ok(out)
}

fn verify(args: &VerifyLicenseArgs) -> anyhow::Result<Exit> {
    if args.files.is_empty() && args.code.is_empty() {
        bail!("give license files or --code TEXT");
    }
    let issuers = read_certs(&args.issuer_cert)?;
    let mut exit = Exit::Valid;
    if !args.files.is_empty() {
        exit = crate::verify::verify_files(&args.files, None, &args.common, None, &issuers)?;
    }
    if args.code.is_empty() {
        return Ok(exit);
    }
    let loaded = args.common.load()?;
    let options = loaded.ses_options();
    let style = crate::output::Style::detect();
    for text in &args.code {
        let outcome = match eseal::license::verify_payload(text, &options, &issuers) {
            Ok(r) => crate::report::Outcome::Report(Box::new(r)),
            Err(e) => crate::report::Outcome::Error(e.to_string(), Some(e.code())),
        };
        exit = crate::report::worst(exit, outcome.exit());
        if args.common.json {
            crate::output::json(&crate::report::outcome_json("(code)", &outcome))?;
        } else {
            crate::report::print_outcome(style, "2D code", &outcome);
        }
    }
    Ok(exit)
}

fn show(args: &ShowArgs) -> anyhow::Result<Exit> {
    let bytes = files::read(&args.file)?;
    let name = args.file.display();
    if matches!(
        eseal::document::sniff(&bytes),
        Some(DocumentFormat::License | DocumentFormat::Ofd | DocumentFormat::Pdf)
    ) {
        let file = read_license(&bytes)
            .with_context(|| format!("{name} carries no usable license metadata"))?;
        print_metadata(&file.metadata, args.json)?;
        return Ok(Exit::Valid);
    }
    let text = String::from_utf8_lossy(&bytes);
    if let Ok(p) = Payload::parse(&text) {
        let value = json!({
            "identifier": p.identifier,
            "issue_date": p.issue_date.to_string(),
            "valid_from": p.valid_from.map(|d| d.to_string()),
            "valid_until": p.valid_until.map(|d| d.to_string()),
            "key_id": crate::output::hex(&p.key_id),
            "key_fields_digest": crate::output::hex(&p.digest),
            "bytes": p.to_bytes().len(),
        });
        if args.json {
            crate::output::json(&value)?;
        } else if let Value::Object(map) = value {
            println!("2D-code payload (signature not checked: use eseal license verify)");
            for (k, v) in map {
                crate::output::field(&k, v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            }
        }
        return Ok(Exit::Valid);
    }
    print_metadata(&read_metadata(&args.file)?, args.json)?;
    Ok(Exit::Valid)
}

fn print_metadata(meta: &LicenseMetadata, as_json: bool) -> anyhow::Result<()> {
    if as_json {
        println!("{}", meta.to_json());
        return Ok(());
    }
    for (field, value) in meta.core_values() {
        crate::output::field(field.chinese_name(), value);
    }
    for item in &meta.face {
        crate::output::field(&item.name, &item.value);
    }
    for a in &meta.annotations {
        crate::output::field(
            "加注件",
            format!(
                "{} {}: {}{}",
                a.made_on,
                a.maker,
                a.reason,
                a.valid_until
                    .map(|d| format!(" (until {d})"))
                    .unwrap_or_default()
            ),
        );
    }
    Ok(())
}
