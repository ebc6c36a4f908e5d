//! `eseal verify FILE...`: recognise each file (OFD document, seal, detached signature) by its
//! content and verify it, with the report on stdout.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use eseal::document::{DocumentVerifyOptions, VerifyLimits};
use serde_json::Value;

use crate::exit::Exit;
use crate::inputs::VerifyArgs;
use crate::output::{self, Style};
use crate::report::{self, Outcome};

/// `eseal verify`
#[derive(Debug, Args)]
pub(crate) struct VerifyCommand {
    /// Files to verify: OFD documents (.ofd), seals (.esl), detached SES signatures (DER). The
    /// format is recognised from the content, not the name.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The data a detached SES signature signs (for OFD documents and seals it is not needed).
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// Certificates (PEM or DER) to check OFD digital signatures (Type="Sign") that carry
    /// none, such as a bare SM2 signature value. Repeatable.
    #[arg(long = "signer-cert", value_name = "FILE")]
    signer_cert: Vec<PathBuf>,
    #[command(flatten)]
    common: VerifyArgs,
    #[command(flatten)]
    limits: LimitArgs,
}

/// `--limits FILE` and `--max-input-size BYTES` of `eseal verify` and `eseal audit`.
#[derive(Debug, Args, Default)]
pub(crate) struct LimitArgs {
    /// Tighter limits on untrusted input: a JSON file of schema eseal.limits/1 (see
    /// docs/limits.md), e.g. {"schema": "eseal.limits/1", "max_input_bytes": 33554432,
    /// "pdf": {"max_objects": 100000}}. Values above the library defaults are refused.
    #[arg(long, value_name = "FILE")]
    limits: Option<PathBuf>,
    /// The largest file read and verified, in bytes [default: 67108864 (64 MiB); at most
    /// 536870912 (512 MiB), the largest format limit].
    #[arg(long = "max-input-size", value_name = "BYTES")]
    max_input_size: Option<u64>,
}

/// The CLI's default cap on one file read for verification.
const DEFAULT_MAX_INPUT: u64 = crate::files::MAX_INPUT;

impl LimitArgs {
    /// The limits in force: the file's (over the defaults), the whole-file cap the smaller of
    /// its `max_input_bytes` and `--max-input-size`, else the CLI's 64 MiB.
    pub(crate) fn load(&self) -> anyhow::Result<VerifyLimits> {
        let mut limits = match &self.limits {
            None => VerifyLimits::new(),
            Some(path) => {
                let data = crate::files::read(path)?;
                let text = std::str::from_utf8(&data)
                    .with_context(|| format!("limits file {} is not UTF-8", path.display()))?;
                VerifyLimits::from_json(text)
                    .map_err(eseal::Error::from)
                    .with_context(|| format!("limits file {} refused", path.display()))?
            }
        };
        let ceiling = eseal::pdf::Limits::default().max_file_len;
        let cap = match self.max_input_size {
            Some(n) if n > ceiling => {
                return Err(eseal::Error::new(
                    eseal::ErrorCode::InvalidArgument,
                    format!(
                        "--max-input-size {n}: at most {ceiling} bytes (the largest format limit)"
                    ),
                )
                .into());
            }
            Some(n) => n,
            None if limits.max_input_bytes.is_some() => ceiling,
            None => DEFAULT_MAX_INPUT,
        };
        let cap = usize::try_from(cap).unwrap_or(usize::MAX);
        limits = limits.with_max_input_bytes(cap);
        Ok(limits)
    }
}

pub(crate) fn run(args: &VerifyCommand) -> anyhow::Result<Exit> {
    let mut signer_certs = Vec::new();
    for path in &args.signer_cert {
        let data = crate::files::read(path)?;
        let certs = eseal::certfile::read_certificates(&data)
            .with_context(|| format!("{} is not a readable certificate file", path.display()))?;
        signer_certs.extend(certs);
    }
    verify_files_with(
        &args.files,
        args.data.as_ref(),
        &args.common,
        None,
        &signer_certs,
        &args.limits.load()?,
    )
}

/// [`verify_files_with`] under the CLI's default limits.
pub(crate) fn verify_files(
    files: &[PathBuf],
    data: Option<&PathBuf>,
    common: &VerifyArgs,
    only: Option<eseal::verify::DocumentFormat>,
    signer_certs: &[eseal::pki::Certificate],
) -> anyhow::Result<Exit> {
    verify_files_with(
        files,
        data,
        common,
        only,
        signer_certs,
        &LimitArgs::default().load()?,
    )
}

/// Verifies `files` under `limits` and prints the results; `only` restricts the accepted
/// format (for `seal verify`).
pub(crate) fn verify_files_with(
    files: &[PathBuf],
    data: Option<&PathBuf>,
    common: &VerifyArgs,
    only: Option<eseal::verify::DocumentFormat>,
    signer_certs: &[eseal::pki::Certificate],
    limits: &VerifyLimits,
) -> anyhow::Result<Exit> {
    let loaded = common.load()?;
    let data = match data {
        Some(path) => Some(crate::files::read(path)?),
        None => None,
    };
    let options = limits
        .apply(DocumentVerifyOptions::new(loaded.ses_options()).signer_certificates(signer_certs));
    let style = Style::detect();
    let mut exit = Exit::Valid;
    let mut json_values: Vec<Value> = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let name = path.display().to_string();
        let mut outcome = report::verify_path(path, &options, data.as_deref());
        if let (Some(wanted), Outcome::Report(r)) = (only, &outcome) {
            if r.format() != wanted {
                outcome = Outcome::Error(
                    format!(
                        "{name} is not a seal (it holds: {}); use eseal verify",
                        r.format().as_str()
                    ),
                    None,
                );
            }
        }
        exit = report::worst(exit, outcome.exit());
        if common.json {
            json_values.push(report::outcome_json(&name, &outcome));
            continue;
        }
        if files.len() == 1 {
            if let Outcome::Error(message, code) = &outcome {
                // A single unreadable file: the usual one-line error, keeping the code.
                let message = format!("{name}: {message}");
                return Err(match code {
                    Some(code) => eseal::Error::new(*code, message).into(),
                    None => anyhow::anyhow!(message),
                });
            }
        }
        if i > 0 {
            println!();
        }
        report::print_outcome(style, &name, &outcome);
    }
    if common.json {
        match <[Value; 1]>::try_from(json_values) {
            Ok([one]) => output::json(&one)?,
            Err(many) => output::json(&Value::Array(many))?,
        }
    } else if files.len() > 1 {
        println!();
        println!(
            "{} files, overall: {}",
            files.len(),
            match exit {
                Exit::Valid => style.good("VALID"),
                Exit::Invalid => style.bad("INVALID"),
                Exit::Indeterminate => style.warn("INDETERMINATE"),
                Exit::Usage => style.bad("ERROR (a file could not be verified)"),
            }
        );
    }
    Ok(exit)
}
