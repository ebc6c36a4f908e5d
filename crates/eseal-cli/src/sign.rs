//! `eseal sign`: stamp (签章) an OFD or PDF document with a seal, or sign raw data into a detached
//! SES_Signature. The signing time is the system clock's now.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use eseal::pki::SoftwareSigner;
use eseal::pki::tsp::LocalTsa;
use eseal::ses::{DataToSign, ParseMode, Seal, SignatureBuilder};
use eseal::time::Time;

use crate::credential::{self, Credential};
use crate::exit::Exit;
use crate::files::{self, Secrecy};
use crate::password::{PasswordArgs, Source};

/// `eseal sign`
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The seal to sign with (.esl); it must list the signer's certificate.
    #[arg(long, value_name = "FILE", required_unless_present = "sign")]
    pub(crate) seal: Option<PathBuf>,
    /// The signer's (签章者) private key: PKCS#8, encrypted PKCS#8, SEC1 or PKCS#12.
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// The signer's certificate (optional when --key is a PKCS#12 file that carries it).
    #[arg(long, value_name = "FILE")]
    pub(crate) cert: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) password: PasswordArgs,
    /// The OFD or PDF document to stamp (told apart by content).
    #[arg(
        long = "in",
        value_name = "FILE",
        conflicts_with = "data",
        required_unless_present = "data"
    )]
    pub(crate) input: Option<PathBuf>,
    /// Raw data to sign: writes a detached SES_Signature (DER) to --out.
    #[arg(long, value_name = "FILE")]
    pub(crate) data: Option<PathBuf>,
    /// Where to write the signed OFD document or the detached signature.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// OFD/PDF: the page to stamp (1 = first).
    #[arg(long, value_name = "N", default_value_t = 1, requires = "input")]
    pub(crate) page: u32,
    /// OFD/PDF: distance of the stamp's left edge from the page's left edge, in millimetres
    /// [default: the stamp centred at 2/3 of the page width].
    #[arg(long, value_name = "MM", requires = "input")]
    pub(crate) x: Option<f64>,
    /// OFD/PDF: distance of the stamp's top edge from the page's top edge, in millimetres
    /// [default: the stamp centred at 3/4 of the page height].
    #[arg(long, value_name = "MM", requires = "input")]
    pub(crate) y: Option<f64>,
    /// OFD/PDF: a riding seal (骑缝章) across the right edge of every page, instead of one stamp.
    #[arg(long, requires = "input", conflicts_with = "sign")]
    pub(crate) riding: bool,
    /// OFD/PDF: what the signature protects. continue: the document as it is (later signatures
    /// stay possible); protect: the whole package (OFD) or a DocMDP certification permitting
    /// no change (PDF), so that any later change breaks it.
    #[arg(long, value_enum, default_value_t = ModeChoice::Continue, requires = "input")]
    pub(crate) mode: ModeChoice,
    /// OFD/PDF: a plain digital signature (OFD Type="Sign"; PDF adbe.pkcs7.detached CMS, no
    /// seal picture) instead of a seal.
    #[arg(long, requires = "input")]
    pub(crate) sign: bool,
    /// A statement about what was signed (propertyInfo, ASCII) for --data [default: the data
    /// file's name].
    #[arg(long, value_name = "TEXT", requires = "data")]
    pub(crate) property: Option<String>,
    /// Timestamp the signature with a local TSA: its private key.
    #[arg(long, value_name = "FILE", requires = "tsa_cert")]
    pub(crate) tsa_key: Option<PathBuf>,
    /// The local TSA's certificate (extendedKeyUsage timeStamping).
    #[arg(long, value_name = "FILE", requires = "tsa_key")]
    pub(crate) tsa_cert: Option<PathBuf>,
    /// Read the TSA key's password from the first line of FILE.
    #[arg(long, value_name = "FILE", requires = "tsa_key")]
    pub(crate) tsa_password_file: Option<PathBuf>,
    /// Replace --out if it exists.
    #[arg(long)]
    pub(crate) force: bool,
}

/// `--mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ModeChoice {
    /// Protect the document as it is; later signatures remain possible.
    Continue,
    /// Protect every file of the package.
    Protect,
}

/// A TSA serial number: 16 random bytes, the first non-zero so it stays 16 bytes long.
pub(crate) fn random_serial() -> anyhow::Result<[u8; 16]> {
    let mut serial = [0u8; 16];
    getrandom::fill(&mut serial).map_err(|e| anyhow::anyhow!("no randomness from the OS: {e}"))?;
    if let Some(first) = serial.first_mut() {
        *first = (*first & 0x7f) | 0x01;
    }
    Ok(serial)
}

/// A local TSA from a key and certificate.
pub(crate) fn load_tsa(
    key: &std::path::Path,
    cert: &std::path::Path,
    source: &Source,
) -> anyhow::Result<LocalTsa<SoftwareSigner>> {
    let Credential {
        signer,
        certificate,
    } = credential::load(key, Some(cert), source, "TSA")?;
    LocalTsa::new(certificate, signer, eseal::oid::ESEAL_LOCAL_TSA_POLICY)
        .with_context(|| format!("{} cannot serve as a TSA certificate", cert.display()))
}

pub(crate) fn run(args: &SignArgs) -> anyhow::Result<Exit> {
    if args.out.exists() && !args.force {
        bail!(
            "{} already exists (use --force to replace it)",
            args.out.display()
        );
    }
    let now = crate::inputs::now()?;
    let tsa = match (&args.tsa_key, &args.tsa_cert) {
        (Some(k), Some(c)) => {
            let source = match &args.tsa_password_file {
                Some(f) => Source::File(f.clone()),
                None => Source::Prompt,
            };
            Some(load_tsa(k, c, &source)?)
        }
        _ => None,
    };
    let signer = credential::load(
        &args.key,
        args.cert.as_deref(),
        &args.password.source(),
        "signer",
    )?;
    if let Some(data_path) = &args.data {
        let Some(seal_path) = &args.seal else {
            bail!("--data needs --seal FILE");
        };
        let seal = read_seal(seal_path)?;
        let data = files::read(data_path)?;
        let property = match &args.property {
            Some(p) => p.clone(),
            None => data_path
                .file_name()
                .and_then(|n| n.to_str())
                .filter(|n| n.is_ascii())
                .unwrap_or("data")
                .to_owned(),
        };
        let signature = sign_data(&seal, &signer, &data, &property, now, tsa.as_ref())?;
        files::write(&args.out, &signature, args.force, Secrecy::Public)?;
        eprintln!(
            "eseal: signed {} ({} bytes) with seal \"{}\" as \"{}\" at {now}{}; detached signature written to {}",
            data_path.display(),
            data.len(),
            seal.name(),
            signer.certificate.subject_string(),
            if tsa.is_some() { " (timestamped)" } else { "" },
            args.out.display()
        );
        return Ok(Exit::Valid);
    }
    if let Some(input) = &args.input {
        if crate::pdf_sign::is_pdf(input)? {
            return crate::pdf_sign::run(args, &signer, tsa.as_ref(), now);
        }
    }
    crate::ofd_sign::run(args, &signer, tsa.as_ref(), now)
}

/// Reads a seal file.
pub(crate) fn read_seal(path: &std::path::Path) -> anyhow::Result<Seal> {
    let bytes = files::read(path)?;
    Seal::from_der(&bytes, ParseMode::Lenient).with_context(|| {
        format!(
            "{} is not a readable electronic seal (SESeal)",
            path.display()
        )
    })
}

/// A detached SES_Signature over `data`, timestamped by `tsa` if given (v4/v5 seals only).
pub(crate) fn sign_data(
    seal: &Seal,
    signer: &Credential,
    data: &[u8],
    property: &str,
    at: Time,
    tsa: Option<&LocalTsa<SoftwareSigner>>,
) -> anyhow::Result<Vec<u8>> {
    let signature = SignatureBuilder::new(
        seal,
        &signer.certificate,
        DataToSign::Bytes(data),
        property,
        at,
    )
    .sign(&signer.signer)
    .context("cannot sign")?;
    let signature = match tsa {
        Some(tsa) => {
            let token = tsa
                .timestamp(signature.signature_value(), at, &random_serial()?, None)
                .context("the local TSA cannot timestamp the signature")?;
            eseal::ses::attach_timestamp(&signature, &token)
                .context("cannot attach the timestamp")?
        }
        None => signature,
    };
    Ok(signature.as_der().to_vec())
}
