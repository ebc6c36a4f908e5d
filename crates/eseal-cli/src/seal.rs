//! `eseal seal make|show|verify`: electronic seals (电子印章, SESeal `.esl`).

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use eseal::ses::{
    CertList, ParseMode, PictureFormat, PictureTypeCheck, Seal, SealBuilder, SealPicture, SealType,
    SealValidity, SesVersion, SignerDescription,
};
use eseal::time::Time;
use eseal::verify::DocumentFormat;
use serde_json::{Value, json};

use crate::exit::Exit;
use crate::files::{self, Secrecy};
use crate::inputs::{self, VerifyArgs};
use crate::output::{self, Style, field};
use crate::password::PasswordArgs;

/// `eseal seal …`
#[derive(Debug, Subcommand)]
pub(crate) enum SealCommand {
    /// Make (制章) an electronic seal signed by the seal maker.
    #[command(
        disable_version_flag = true,
        after_help = "\
The seal lists the certificates of the signers it authorises (--signer-cert, repeatable), or
their SM3 digests (--signer-digest; v4/v5 only). The creation date is now; the validity starts
at --valid-from (default now) and ends at --valid-to or after --days (default 365, shortened
with a note to end with the maker certificate if that ends sooner). All dates must lie within
the maker certificate's validity.

Examples:
  eseal seal make --key maker.key --cert maker.pem --es-id 33010600000001 \\
      --name \"示例单位公章\" --signer-cert signer.pem --picture seal.png --out seal.esl
  eseal seal make --key maker.p12 --password-file pw.txt --es-id 1 --name Demo \\
      --type personal --version v1 --signer-cert signer.pem --picture seal.png --out v1.esl"
    )]
    Make(Box<MakeArgs>),
    /// Show every field of a seal; --picture-out writes its picture (印模) to a file.
    #[command(after_help = "\
Examples:
  eseal seal show seal.esl --picture-out seal.png
  eseal seal show --json UserV4.esl")]
    Show(ShowArgs),
    /// Verify a seal (the same as `eseal verify` for one .esl file).
    #[command(after_help = "\
Exit 0 valid, 1 invalid, 2 indeterminate, 3 input error.

Examples:
  eseal seal verify seal.esl --trust root.pem
  eseal seal verify UserV4.esl --trust ofdrw-root.pem --at 2021-06-01T00:00:00Z --policy relaxed")]
    Verify(VerifySealArgs),
}

/// `eseal seal make`
#[derive(Debug, Args)]
pub(crate) struct MakeArgs {
    /// The seal maker's (制章者) private key: PKCS#8, encrypted PKCS#8, SEC1 or PKCS#12.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The seal maker's certificate (optional when --key is a PKCS#12 file that carries it).
    #[arg(long, value_name = "FILE")]
    cert: Option<PathBuf>,
    #[command(flatten)]
    password: PasswordArgs,
    /// Seal identifier (esID), ASCII.
    #[arg(long, value_name = "ID")]
    es_id: String,
    /// Seal name (印章名称), e.g. "示例单位公章".
    #[arg(long, value_name = "TEXT")]
    name: String,
    /// Seal type: official (单位印章, 1), personal (个人印章, 2), or a number.
    #[arg(
        long = "type",
        value_name = "official|personal|N",
        default_value = "official"
    )]
    seal_type: String,
    /// Start of the seal's validity, RFC 3339 [default: now].
    #[arg(long, value_name = "TIME")]
    valid_from: Option<String>,
    /// End of the seal's validity, RFC 3339.
    #[arg(long, value_name = "TIME", conflicts_with = "days")]
    valid_to: Option<String>,
    /// Validity in days from --valid-from [default: 365, or until the maker certificate
    /// expires if that is sooner].
    #[arg(long, value_name = "N")]
    days: Option<u32>,
    /// Certificate of a signer the seal authorises. Repeatable; at least one.
    #[arg(long, value_name = "FILE", required = true)]
    signer_cert: Vec<PathBuf>,
    /// List the signers by the SM3 digests of their certificates instead of the certificates
    /// (certListType 2; v4 and v5 only).
    #[arg(long)]
    signer_digest: bool,
    /// The seal picture (印模): PNG, JPEG, GIF, BMP, SVG or OFD; the type is recognised from the
    /// content.
    #[arg(long, value_name = "FILE")]
    picture: PathBuf,
    /// Display width of the picture in millimetres.
    #[arg(long, value_name = "MM", default_value_t = 40)]
    width_mm: u32,
    /// Display height of the picture in millimetres.
    #[arg(long, value_name = "MM", default_value_t = 40)]
    height_mm: u32,
    /// Structure version: v1 (GM/T 0031-2014), v4 (GB/T 38540-2020), v5 (GM/T 0031-2025).
    #[arg(long, value_enum, default_value_t = VersionChoice::V4)]
    version: VersionChoice,
    /// Where to write the seal (DER).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
}

/// `--version` of a seal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VersionChoice {
    /// GM/T 0031-2014.
    V1,
    /// GB/T 38540-2020.
    V4,
    /// GM/T 0031-2025.
    V5,
}

impl VersionChoice {
    pub(crate) fn version(self) -> SesVersion {
        match self {
            Self::V1 => SesVersion::V1,
            Self::V4 => SesVersion::V4,
            Self::V5 => SesVersion::V5,
        }
    }
}

/// `eseal seal show`
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The seal file (.esl, DER).
    file: PathBuf,
    /// Write the seal picture's bytes to FILE.
    #[arg(long, value_name = "FILE")]
    picture_out: Option<PathBuf>,
    /// Replace the --picture-out file if it exists.
    #[arg(long)]
    force: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// `eseal seal verify`
#[derive(Debug, Args)]
pub(crate) struct VerifySealArgs {
    /// The seal file (.esl, DER).
    file: PathBuf,
    #[command(flatten)]
    common: VerifyArgs,
}

pub(crate) fn run(command: SealCommand) -> anyhow::Result<Exit> {
    match command {
        SealCommand::Make(args) => make(&args),
        SealCommand::Show(args) => show(&args),
        SealCommand::Verify(args) => crate::verify::verify_files(
            std::slice::from_ref(&args.file),
            None,
            &args.common,
            Some(DocumentFormat::Seal),
            &[],
        ),
    }
}

/// `--type`.
pub(crate) fn parse_seal_type(text: &str) -> anyhow::Result<SealType> {
    match text.to_ascii_lowercase().as_str() {
        "official" => Ok(SealType::Official),
        "personal" => Ok(SealType::Personal),
        other => other
            .parse::<i64>()
            .map(|n| match n {
                1 => SealType::Official,
                2 => SealType::Personal,
                n => SealType::Other(n),
            })
            .map_err(|_| anyhow::anyhow!("--type {text:?}: give official, personal or a number")),
    }
}

/// A picture from its bytes, its format recognised from the content.
pub(crate) fn picture(
    data: Vec<u8>,
    width_mm: u32,
    height_mm: u32,
    name: &str,
) -> anyhow::Result<SealPicture> {
    let Some(format) = PictureFormat::sniff(&data) else {
        bail!("{name} is not a PNG, JPEG, GIF, BMP, SVG or OFD picture");
    };
    SealPicture::new(format, data, width_mm, height_mm).with_context(|| name.to_owned())
}

fn time_arg(text: &str, option: &str) -> anyhow::Result<Time> {
    Time::parse_rfc3339(text).with_context(|| option.to_owned())
}

fn make(args: &MakeArgs) -> anyhow::Result<Exit> {
    if args.out.exists() && !args.force {
        bail!(
            "{} already exists (use --force to replace it)",
            args.out.display()
        );
    }
    let seal_type = parse_seal_type(&args.seal_type)?;
    let now = inputs::now()?;
    let valid_from = match &args.valid_from {
        Some(t) => time_arg(t, "--valid-from")?,
        None => now,
    };
    let maker = crate::credential::load(
        &args.key,
        args.cert.as_deref(),
        &args.password.source(),
        "maker",
    )?;
    let mut shortened = false;
    let valid_to = match (&args.valid_to, args.days) {
        (Some(t), _) => time_arg(t, "--valid-to")?,
        (None, Some(days)) => valid_from.saturating_add_seconds(u64::from(days) * 86_400),
        // The default year, cut short by the maker certificate's end (a seal cannot outlive it).
        (None, None) => {
            let year = valid_from.saturating_add_seconds(365 * 86_400);
            let end = maker.certificate.not_after();
            shortened = end < year;
            year.min(end)
        }
    };
    let validity = SealValidity::new(now, valid_from, valid_to)?;
    let picture_name = args.picture.display().to_string();
    let picture = picture(
        files::read(&args.picture)?,
        args.width_mm,
        args.height_mm,
        &picture_name,
    )?;
    let mut signers = Vec::new();
    for path in &args.signer_cert {
        let data = files::read(path)?;
        let certs = eseal::certfile::read_certificates(&data)
            .with_context(|| format!("{} is not a readable certificate file", path.display()))?;
        let Some(first) = certs.into_iter().next() else {
            bail!("{} holds no certificate", path.display());
        };
        signers.push(first);
    }
    let mut builder = SealBuilder::new(
        args.es_id.clone(),
        args.name.clone(),
        seal_type,
        validity,
        picture,
    );
    builder.version(args.version.version());
    for cert in &signers {
        if args.signer_digest {
            builder.add_signer_certificate_digest(cert);
        } else {
            builder.add_signer_certificate(cert);
        }
    }
    let seal = builder
        .build(&maker.signer, &maker.certificate)
        .context("cannot make the seal")?;
    files::write(&args.out, seal.as_der(), args.force, Secrecy::Public)?;
    eprintln!(
        "eseal: made {} seal \"{}\" (esID {}), valid {} to {}, for {} signer(s); written to {}",
        seal.version(),
        seal.name(),
        seal.es_id(),
        valid_from,
        valid_to,
        signers.len(),
        args.out.display()
    );
    if shortened {
        eprintln!(
            "eseal: note: the validity was shortened from the default 365 days to end with the \
             maker certificate on {valid_to} (a seal cannot outlive it); give --days or \
             --valid-to to choose, within the certificate"
        );
    }
    Ok(Exit::Valid)
}

fn seal_type_name(code: i64) -> String {
    match code {
        1 => "1 (official, 单位印章)".to_owned(),
        2 => "2 (personal, 个人印章)".to_owned(),
        n => n.to_string(),
    }
}

fn picture_check_text(seal: &Seal) -> String {
    match seal.picture().check_type() {
        PictureTypeCheck::Matches(_) => "content matches the declared type".to_owned(),
        PictureTypeCheck::Mismatch(f) => format!(
            "content is {}, not as declared",
            f.names().first().copied().unwrap_or("?")
        ),
        _ => "content of no recognised image format".to_owned(),
    }
}

fn seal_json(seal: &Seal, file: &str) -> Value {
    let mut value = serde_json::to_value(seal.describe()).unwrap_or(Value::Null);
    if let Some(obj) = value.as_object_mut() {
        obj.insert("file".into(), json!(file));
    }
    value
}

fn show(args: &ShowArgs) -> anyhow::Result<Exit> {
    let data = files::read(&args.file)?;
    let name = args.file.display().to_string();
    let seal = Seal::from_der(&data, ParseMode::Lenient)
        .with_context(|| format!("{name} is not a readable electronic seal (SESeal)"))?;
    if let Some(out) = &args.picture_out {
        files::write(out, &seal.picture().data, args.force, Secrecy::Public)?;
        eprintln!(
            "eseal: wrote the seal picture ({} bytes, type {}) to {}",
            seal.picture().data.len(),
            seal.picture().picture_type,
            out.display()
        );
    }
    let value = seal_json(&seal, &name);
    if args.json {
        output::json(&value)?;
        return Ok(Exit::Valid);
    }
    let style = Style::detect();
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => "(none)".to_owned(),
        other => other.to_string(),
    };
    println!("{}", style.bold(&format!("Electronic seal {name}")));
    field("Version", seal.version());
    field(
        "Header",
        format!(
            "id {}, version {}, vendor {}",
            seal.header().id,
            seal.header().version,
            seal.header().vid
        ),
    );
    field("esID", seal.es_id());
    field("Name", seal.name());
    field("Type", seal_type_name(seal.seal_type()));
    field("Created", seal.create_date().to_rfc3339());
    field("Valid from", seal.valid_start().to_rfc3339());
    field("Valid to", seal.valid_end().to_rfc3339());
    let pic = seal.picture();
    field(
        "Picture",
        format!(
            "{}, {} bytes, {} x {} mm ({})",
            pic.picture_type,
            pic.data.len(),
            pic.width,
            pic.height,
            picture_check_text(&seal)
        ),
    );
    match seal.cert_list() {
        CertList::Certs(certs) => {
            field(
                "Signers",
                format!("{} certificate(s) (certListType 1)", certs.len()),
            );
            for (i, signer) in seal.describe().signers.iter().enumerate() {
                match signer {
                    SignerDescription::Certificate(c) => println!(
                        "  #{i} {} (serial {}, valid {} to {})",
                        c.subject, c.serial, c.not_before, c.not_after
                    ),
                    SignerDescription::Unreadable { error } => println!("  #{i} {error}"),
                    _ => {}
                }
            }
        }
        CertList::Digests(digests) => {
            field(
                "Signers",
                format!("{} certificate digest(s) (certListType 2)", digests.len()),
            );
            for (i, d) in digests.iter().enumerate() {
                println!("  #{i} {} {}", d.digest_type, output::hex(&d.value));
            }
        }
        _ => field("Signers", "(unknown list)"),
    }
    let exts = at(&value, "ext_datas");
    match exts.as_array() {
        Some(list) if !list.is_empty() => {
            field("Extensions", list.len());
            for x in list {
                println!(
                    "  {} critical={} {} bytes",
                    text(at(x, "oid")),
                    text(at(x, "critical")),
                    text(at(x, "length"))
                );
            }
        }
        _ => field("Extensions", "(none)"),
    }
    let maker = at(&value, "maker_certificate");
    field("Maker", text(at(maker, "subject")));
    field("Maker issuer", text(at(maker, "issuer")));
    field(
        "Maker validity",
        format!(
            "{} to {}",
            text(at(maker, "not_before")),
            text(at(maker, "not_after"))
        ),
    );
    field("Maker cert SM3", text(at(maker, "fingerprint_sm3")));
    field("Signature alg.", seal.signature_algorithm());
    field("Maker signature", output::hex(seal.maker_signature()));
    field(
        "Maker timestamp",
        if seal.maker_timestamp().is_some() {
            "present"
        } else {
            "(none)"
        },
    );
    if seal.deviations().is_empty() {
        field("Deviations", "(none)");
    } else {
        field("Deviations", seal.deviations().len());
        for d in seal.deviations() {
            println!("  {} {d}", style.warn("!"));
        }
    }
    Ok(Exit::Valid)
}

/// A member of a JSON object, or null.
fn at<'a>(value: &'a Value, key: &str) -> &'a Value {
    value.get(key).unwrap_or(&Value::Null)
}
