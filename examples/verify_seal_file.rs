//! Verify a bare seal (`.esl`) or a detached SES signature file and print the JSON report.
//!
//! `cargo run -p eseal --example verify_seal_file -- FILE [ROOT.pem] [RFC3339-TIME]`
//!
//! Without a trust anchor the chain checks are `indeterminate`; without a time, so are the
//! checks that need "now". The example reads no clock, like the library.

use eseal::pki::TrustStore;
use eseal::ses::{ParseMode, Seal, VerifyOptions, verify_seal, verify_signature};
use eseal::time::Time;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: verify_seal_file FILE [ROOT.pem] [RFC3339-TIME]");
        std::process::exit(3);
    };
    let bytes = std::fs::read(&path)?;
    let anchors = match args.next() {
        Some(root) => Some(TrustStore::from_pem(&std::fs::read(root)?)?),
        None => None,
    };
    let mut options = VerifyOptions::new().parse_mode(ParseMode::Lenient);
    if let Some(anchors) = &anchors {
        options = options.trust_anchors(anchors);
    }
    if let Some(at) = args.next() {
        options = options.validation_time(Time::parse_rfc3339(&at)?);
    }
    // A seal parses as a seal; anything else is tried as a signature.
    let report = if Seal::from_der(&bytes, ParseMode::Lenient).is_ok() {
        verify_seal(&bytes, &options)?
    } else {
        verify_signature(&bytes, &options)?
    };
    println!("{}", report.to_json());
    Ok(())
}
