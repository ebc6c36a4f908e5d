//! `eseal`: make, stamp and verify Chinese electronic seals from the command line.
//!
//! A thin layer over the `eseal` library: argument parsing, reading and writing files,
//! passwords, the clock, and output. Everything a C or WebAssembly user would also need lives
//! in the library.
//!
//! Modules: one file per command group (`key`, `cert`), and the shared pieces every command
//! uses: `exit` (exit codes), `output` (human or JSON, colour), `password` (prompt, file,
//! environment), `inputs` (trust anchors, intermediates, CRLs, validation time, policy) and
//! `files` (bounded reads, safe writes).
#![forbid(unsafe_code)]

mod cert;
mod exit;
mod files;
mod inputs;
mod key;
mod output;
mod password;
mod report;
mod verify;

use clap::{Parser, Subcommand};

use crate::exit::Exit;

/// Make, stamp and verify Chinese electronic seals (电子印章) on SM2/SM3/SM4.
#[derive(Debug, Parser)]
#[command(
    name = "eseal",
    version,
    propagate_version = true,
    after_help = "\
Exit codes: 0 valid, 1 invalid, 2 indeterminate, 3 usage or input error.

Examples:
  eseal key gen --out maker.key
  eseal cert issue --profile root --cn \"Demo Root\" --o \"Demo\" --c CN --new-key root.key --out root.pem
  eseal cert verify signer.pem --trust root.pem --intermediate ca.pem"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate and inspect SM2 signing keys.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Issue, inspect and verify SM2 certificates.
    #[command(subcommand)]
    Cert(cert::CertCommand),
    /// Verify OFD documents, seals and detached signatures (format recognised from content).
    #[command(after_help = "\
Prints each check with its outcome, the seal and signer facts and the signing time (and whether
a timestamp attests it). With --json: the report (docs/report-schema.md) plus \"file\"; an array
when several files are given. Exit code: the worst over all files: 0 valid, 1 invalid,
2 indeterminate, 3 a file could not be read or is of no supported format.

Examples:
  eseal verify signed.ofd --trust root.pem
  eseal verify UserV4.esl --trust ofdrw-root.pem --at 2021-06-01T00:00:00Z --policy relaxed
  eseal verify sig.dat --data contract.pdf --trust root.pem --json")]
    Verify(verify::VerifyCommand),
}

fn main() {
    // A bug must not dump a backtrace on an operator: one line, and the input-error code.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "eseal: internal error: {} (please report this bug)",
            output::one_line(&what)
        );
        std::process::exit(Exit::Usage.code());
    }));

    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let code = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
                _ => Exit::Usage.code(),
            };
            // clap prints help to stdout and errors (with usage) to stderr.
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let result = match cli.command {
        Command::Key(c) => key::run(c),
        Command::Cert(c) => cert::run(c),
        Command::Verify(c) => verify::run(&c),
    };
    match result {
        Ok(exit) => std::process::exit(exit.code()),
        Err(e) => {
            eprintln!("eseal: error: {}", output::one_line(&format!("{e:#}")));
            std::process::exit(Exit::Usage.code());
        }
    }
}
