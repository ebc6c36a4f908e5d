//! `eseal verify FILE...`: recognise each file (OFD document, seal, detached signature) by its
//! content and verify it, with the report on stdout.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use eseal::document::DocumentVerifyOptions;
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
}

pub(crate) fn run(args: &VerifyCommand) -> anyhow::Result<Exit> {
    let mut signer_certs = Vec::new();
    for path in &args.signer_cert {
        let data = crate::files::read(path)?;
        let certs = eseal::certfile::read_certificates(&data)
            .with_context(|| format!("{} is not a readable certificate file", path.display()))?;
        signer_certs.extend(certs);
    }
    verify_files(
        &args.files,
        args.data.as_ref(),
        &args.common,
        None,
        &signer_certs,
    )
}

/// Verifies `files` and prints the results; `only` restricts the accepted format (for
/// `seal verify`).
pub(crate) fn verify_files(
    files: &[PathBuf],
    data: Option<&PathBuf>,
    common: &VerifyArgs,
    only: Option<eseal::verify::DocumentFormat>,
    signer_certs: &[eseal::pki::Certificate],
) -> anyhow::Result<Exit> {
    let loaded = common.load()?;
    let data = match data {
        Some(path) => Some(crate::files::read(path)?),
        None => None,
    };
    let options =
        DocumentVerifyOptions::new(loaded.ses_options()).signer_certificates(signer_certs);
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
