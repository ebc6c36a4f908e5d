//! `eseal`: make, stamp and verify Chinese electronic seals from the command line.
//!
//! A thin layer over the `eseal` library: argument parsing, reading and writing files,
//! passwords, the clock, and output. Everything a C or WebAssembly user would also need lives
//! in the library.
//!
//! Modules: one file per command group (`key`, `cert`, `seal`, `sign` with `ofd_sign`,
//! `verify`, `audit`, `demo` with `picture`), and the shared pieces every command
//! uses: `exit` (exit codes), `output` (human or JSON, colour), `password` (prompt, file,
//! environment), `inputs` (trust anchors, intermediates, CRLs, validation time, policy),
//! `files` (bounded reads, safe writes), `credential` (a key and its certificate) and `report`
//! (verifying one file through `eseal::document` and printing its report).
#![forbid(unsafe_code)]

mod audit;
mod cert;
mod credential;
mod demo;
mod exit;
mod files;
mod inputs;
mod key;
mod license;
mod ofd_sign;
mod output;
mod password;
mod pdf_sign;
mod picture;
mod report;
mod seal;
mod sign;
mod verify;

use std::io::Write as _;

use clap::{Parser, Subcommand};

use crate::exit::Exit;

/// Make, stamp and verify Chinese electronic seals (电子印章) on SM2/SM3/SM4.
#[derive(Debug, Parser)]
#[command(
    name = "eseal",
    version,
    propagate_version = true,
    after_help = "\
Exit codes: 0 valid, 1 invalid, 2 indeterminate, 3 usage or input error (141 when stdout is a
pipe closed early, as for a tool ended by SIGPIPE).

Start here:
  eseal demo

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
    /// Show what eseal does, with no setup: make a demo PKI and seals, stamp an OFD document,
    /// verify everything and catch a tampered copy.
    #[command(after_help = "\
Writes every file it makes (keys, certificates, seals, documents) to --out and prints how to
verify them again with eseal verify. Exit 0 when every result is as expected.

Example:
  eseal demo --out eseal-demo")]
    Demo(demo::DemoArgs),
    /// Generate and inspect SM2 signing keys.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Issue, inspect and verify SM2 certificates.
    #[command(subcommand)]
    Cert(cert::CertCommand),
    /// Make, inspect and verify electronic seals (SESeal, .esl).
    #[command(subcommand)]
    Seal(seal::SealCommand),
    /// Sign with a seal: stamp an OFD document, or sign data into a detached SES_Signature.
    #[command(after_help = "\
The signing time is now. The signer's certificate must be listed in the seal. Exit 0 when
written, 3 on any error.

Examples:
  eseal sign --seal seal.esl --key signer.key --cert signer.pem --in doc.ofd --out signed.ofd \\
      --page 1 --x 120 --y 200
  eseal sign --seal seal.esl --key signer.key --cert signer.pem --in doc.ofd --out riding.ofd --riding
  eseal sign --sign --key signer.key --cert signer.pem --in doc.ofd --out digital.ofd
  eseal sign --seal seal.esl --key signer.p12 --password-env PW --data contract.pdf --out contract.sig \\
      --tsa-key tsa.key --tsa-cert tsa.pem")]
    Sign(Box<sign::SignArgs>),
    /// Verify OFD documents, e-licenses, seals and detached signatures (format recognised from
    /// content).
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
    /// Verify many files in parallel and summarise (by status, by failing check).
    #[command(after_help = "\
Directories are walked recursively for *.ofd, *.pdf, *.esl, *.sig, *.dat, *.der and *.ses files; every
other file found is named in the report as skipped, with the reason. Files named on the command
line are always verified. A detached signature X.sig is verified with the file X beside it as its
data (or the data --manifest names). A progress bar with the time left shows on a terminal only.
Exit code: the worst over all files (0 valid, 2 indeterminate, 1 invalid, 3 a file could not be
read, or nothing was found to verify).

Examples:
  eseal audit archive/ --trust roots/ --html audit.html --json audit.jsonl
  eseal audit archive/ --trust root.pem --json - | jq -c 'select(.type == \"file\")'
  eseal audit --manifest pairs.txt --trust root.pem
  eseal audit a.ofd b.ofd --trust root.pem --at 2025-01-01T00:00:00Z --jobs 4")]
    Audit(audit::AuditArgs),
    /// Electronic licenses (电子证照): issue, verify, identifiers, show metadata.
    #[command(subcommand)]
    License(license::LicenseCommand),
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
        // `println!` panics when stdout is a closed pipe (`eseal verify … | head -1`): the
        // reader has what it wanted, so end quietly, as a Unix tool killed by SIGPIPE does.
        if output::is_closed_output_panic(&what) {
            std::process::exit(exit::CLOSED_PIPE);
        }
        // Written without `eprintln!`, which would panic again on a closed stderr.
        let _ = writeln!(
            std::io::stderr(),
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
        Command::Demo(c) => demo::run(&c),
        Command::Key(c) => key::run(c),
        Command::Cert(c) => cert::run(c),
        Command::Seal(c) => seal::run(c),
        Command::Sign(c) => sign::run(&c),
        Command::Verify(c) => verify::run(&c),
        Command::Audit(c) => audit::run(&c),
        Command::License(c) => license::run(c),
    };
    match result {
        Ok(exit) => std::process::exit(exit.code()),
        Err(e) if output::is_broken_pipe(&e) => std::process::exit(exit::CLOSED_PIPE),
        Err(e) => {
            // The library's stable code, so scripts can tell a malformed file from a wrong
            // password or an exceeded limit without parsing the message.
            let message = format!("{e:#}");
            let code = output::code_suffix(e.chain().find_map(eseal::error::code_of));
            let _ = writeln!(
                std::io::stderr(),
                "eseal: error: {}{code}",
                output::one_line(&message)
            );
            std::process::exit(Exit::Usage.code());
        }
    }
}
