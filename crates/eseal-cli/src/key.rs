//! `eseal key gen|show`: SM2 signing keys.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use eseal::crypto::SecretKey;
use eseal::crypto::pbes2::{DEFAULT_ITERATIONS, EncryptOptions, Pbkdf2Prf};
use eseal::keyfile::{self, KeyFile, KeyFileError, KeyFormat};
use serde_json::json;
use zeroize::Zeroizing;

use crate::exit::Exit;
use crate::files::{self, Secrecy};
use crate::output::{self, Style, field};
use crate::password::{self, PasswordArgs, Purpose, Source};

/// `eseal key …`
#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Generate an SM2 key (PKCS#8 PEM by default; --encrypt for a password-protected file).
    #[command(after_help = "\
Examples:
  eseal key gen --out signer.key
  eseal key gen --encrypt --password-file pw.txt --out signer.key
  eseal key gen --format der --encrypt --prf hmac-sha256 --out for-openssl-3.0.p8")]
    Gen(GenArgs),
    /// Show a key file: format, public key, SPKI PEM and SM3 fingerprint (never the secret).
    #[command(after_help = "\
Reads PKCS#8, encrypted PKCS#8 and SEC1 keys in PEM or DER. A password is asked for only when
the file is encrypted.

Examples:
  eseal key show signer.key
  ESEAL_PW=secret eseal key show --password-env ESEAL_PW --json signer.key")]
    Show(ShowArgs),
}

/// `eseal key gen`
#[derive(Debug, Args)]
pub(crate) struct GenArgs {
    /// Write the key to FILE (mode 0600 on Unix) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Encoding of the key file.
    #[arg(long, value_enum, default_value_t = Encoding::Pem)]
    format: Encoding,
    /// Encrypt the key (PKCS#8 PBES2: PBKDF2 and SM4-CBC) with a password from --password-file,
    /// --password-env or a prompt.
    #[arg(long)]
    encrypt: bool,
    /// PBKDF2 iterations when encrypting.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ITERATIONS, requires = "encrypt")]
    iterations: u32,
    /// PBKDF2 pseudo-random function when encrypting: hmac-sm3 (GmSSL, OpenSSL 3.2+) or
    /// hmac-sha256 (every OpenSSL 3).
    #[arg(long, value_enum, default_value_t = PrfChoice::HmacSm3, requires = "encrypt")]
    prf: PrfChoice,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    password: PasswordArgs,
}

/// `eseal key show`
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The key file.
    file: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    password: PasswordArgs,
}

/// `--format` of written keys and certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Encoding {
    /// PEM text.
    Pem,
    /// Binary DER.
    Der,
}

/// `--prf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PrfChoice {
    HmacSm3,
    HmacSha256,
}

pub(crate) fn run(command: KeyCommand) -> anyhow::Result<Exit> {
    match command {
        KeyCommand::Gen(args) => generate(&args),
        KeyCommand::Show(args) => show(&args),
    }
}

fn generate(args: &GenArgs) -> anyhow::Result<Exit> {
    let to_terminal = args.out.is_none() && std::io::stdout().is_terminal();
    if to_terminal && args.format == Encoding::Der {
        bail!("refusing to write a binary DER key to the terminal: give --out FILE");
    }
    if let Some(out) = &args.out {
        if out.exists() && !args.force {
            bail!(
                "{} already exists (use --force to replace it)",
                out.display()
            );
        }
    }
    let format = match (args.format, args.encrypt) {
        (Encoding::Pem, false) => KeyFormat::Pkcs8Pem,
        (Encoding::Der, false) => KeyFormat::Pkcs8Der,
        (Encoding::Pem, true) => KeyFormat::EncryptedPkcs8Pem,
        (Encoding::Der, true) => KeyFormat::EncryptedPkcs8Der,
    };
    let password = if args.encrypt {
        Some(password::obtain(
            &args.password.source(),
            "the new key",
            Purpose::Protect,
        )?)
    } else {
        None
    };
    let prf = match args.prf {
        PrfChoice::HmacSm3 => Pbkdf2Prf::HmacSm3,
        PrfChoice::HmacSha256 => Pbkdf2Prf::HmacSha256,
    };
    let options = EncryptOptions::new()
        .with_iterations(args.iterations)
        .with_prf(prf);
    let key = SecretKey::generate().context("cannot generate a key")?;
    let bytes = keyfile::encode(
        &key,
        format,
        password.as_ref().map(|p| p.as_bytes()),
        &options,
        &mut getrandom::SysRng,
    )?;
    let fingerprint = output::hex(&keyfile::public_key_fingerprint_sm3(key.public_key()));
    match &args.out {
        Some(out) => {
            files::write(out, &bytes, args.force, Secrecy::Secret)?;
            // The summary goes to stderr, so stdout stays empty for scripts.
            eprintln!(
                "eseal: wrote {} ({format}); public key SM3 fingerprint {fingerprint}",
                out.display()
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes)?;
            stdout.flush()?;
        }
    }
    Ok(Exit::Valid)
}

fn show(args: &ShowArgs) -> anyhow::Result<Exit> {
    let file = load(&args.file, &args.password.source())?;
    let key = file.secret_key().public_key();
    let public_hex = output::hex(&key.to_sec1_bytes());
    let spki_pem = key.to_spki_pem();
    let fingerprint = output::hex(&keyfile::public_key_fingerprint_sm3(key));
    if args.json {
        output::json(&json!({
            "file": args.file.display().to_string(),
            "format": file.format().id(),
            "format_name": file.format().to_string(),
            "encrypted": file.format().is_encrypted(),
            "algorithm": "SM2",
            "public_key": public_hex,
            "public_key_spki_pem": spki_pem,
            "public_key_fingerprint_sm3": fingerprint,
        }))?;
    } else {
        let style = Style::detect();
        println!(
            "{}",
            style.bold(&format!("SM2 key {}", args.file.display()))
        );
        field("Format", file.format());
        field(
            "Encrypted",
            if file.format().is_encrypted() {
                "yes"
            } else {
                "no"
            },
        );
        field("Public key (SEC1)", &public_hex);
        field("SM3 of SPKI", &fingerprint);
        print!("{spki_pem}");
    }
    Ok(Exit::Valid)
}

/// Reads a key file, asking for a password (from `source`) only when it is encrypted.
pub(crate) fn load(path: &Path, source: &Source) -> anyhow::Result<KeyFile> {
    let data = Zeroizing::new(files::read(path)?);
    let name = path.display().to_string();
    match keyfile::read(&data, None) {
        Err(KeyFileError::PasswordRequired { .. }) => {
            let pw = password::obtain(source, &format!("key {name}"), Purpose::Unlock)?;
            keyfile::read(&data, Some(pw.as_bytes())).with_context(|| name.clone())
        }
        other => other.with_context(|| name.clone()),
    }
}
