//! Verifying one file through `eseal::document` and showing its report: the human form (a
//! header line per file, then each signature's facts, checks and warnings) and the JSON form
//! (the library's `DocumentReport` with the file name added). Shared by `verify`, `seal verify`,
//! `audit` and `demo`.

use std::path::Path;

use eseal::ErrorCode;
use eseal::document::{self, DocumentVerifyOptions};
use eseal::ses::DataRef;
use eseal::verify::{
    Check, CheckStatus, DocumentFormat, DocumentReport, Report, SigningTimeSource,
};
use serde_json::{Value, json};

use crate::exit::Exit;
use crate::output::Style;

/// The result for one file: a report, or why there is none.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The file was read and verified.
    Report(Box<DocumentReport>),
    /// The file could not be read or is of no supported format (exit code 3): the message,
    /// and the library's stable error code when the error came from it.
    Error(String, Option<ErrorCode>),
}

impl Outcome {
    /// The exit code this outcome alone would give.
    pub(crate) fn exit(&self) -> Exit {
        match self {
            Self::Report(r) => Exit::from_status(r.status()),
            Self::Error(..) => Exit::Usage,
        }
    }

    /// `valid`, `invalid`, `indeterminate` or `error`.
    pub(crate) fn status_name(&self) -> &'static str {
        match self {
            Self::Report(r) => r.status().as_str(),
            Self::Error(..) => "error",
        }
    }

    /// An outcome for a failure reported through `anyhow`, with the first stable error code
    /// found in its chain.
    pub(crate) fn failed(context: &str, error: &anyhow::Error) -> Self {
        Self::Error(
            format!("{context}{error:#}"),
            error.chain().find_map(eseal::error::code_of),
        )
    }

    /// The message with the error code appended, ` [error N: name]`, for a person.
    pub(crate) fn error_text(message: &str, code: Option<ErrorCode>) -> String {
        format!("{message}{}", crate::output::code_suffix(code))
    }
}

/// Reads and verifies `path`; `data` is the detached data for an SES signature file.
pub(crate) fn verify_path(
    path: &Path,
    options: &DocumentVerifyOptions<'_>,
    data: Option<&[u8]>,
) -> Outcome {
    match crate::files::read_at_most(path, input_cap(options)) {
        Ok(bytes) => verify_bytes(&bytes, options, data),
        Err(e) => Outcome::failed("", &e),
    }
}

/// The most bytes read of a file to verify: the options' whole-file cap, else the CLI's.
pub(crate) fn input_cap(options: &DocumentVerifyOptions<'_>) -> u64 {
    options.max_input().map_or(crate::files::MAX_INPUT, |n| {
        u64::try_from(n).unwrap_or(u64::MAX)
    })
}

/// Verifies a file's bytes.
pub(crate) fn verify_bytes(
    bytes: &[u8],
    options: &DocumentVerifyOptions<'_>,
    data: Option<&[u8]>,
) -> Outcome {
    let options = match data {
        Some(d) => options.clone().detached_data(DataRef::Bytes(d)),
        None => options.clone(),
    };
    match document::verify(bytes, &options) {
        Ok(report) => Outcome::Report(Box::new(report)),
        Err(e) => Outcome::Error(e.to_string(), Some(e.code())),
    }
}

/// The JSON of one file's outcome: the `DocumentReport` schema (docs/report-schema.md) plus
/// `"file"`; an error is `{"file", "status": "error", "error"}`.
pub(crate) fn outcome_json(file: &str, outcome: &Outcome) -> Value {
    match outcome {
        Outcome::Report(report) => {
            let mut value = serde_json::to_value(report.as_ref())
                .unwrap_or_else(|_| json!({"status": report.status().as_str()}));
            if let Some(obj) = value.as_object_mut() {
                obj.insert("file".into(), json!(file));
            }
            value
        }
        Outcome::Error(message, code) => json!({
            "file": file,
            "status": "error",
            "error": message,
            "error_code": code.map(ErrorCode::name),
        }),
    }
}

/// The status word of an outcome, coloured.
pub(crate) fn status_word(style: Style, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Report(r) => style.status(r.status()),
        Outcome::Error(..) => style.bad("ERROR"),
    }
}

fn format_name(format: DocumentFormat) -> &'static str {
    match format {
        DocumentFormat::Ofd => "OFD document",
        DocumentFormat::Pdf => "PDF document",
        DocumentFormat::Seal => "electronic seal",
        DocumentFormat::SesSignature => "electronic signature",
        DocumentFormat::License => "e-license (OFD)",
        DocumentFormat::LicensePayload => "e-license 2D-code payload",
        _ => "file",
    }
}

/// How a check is shown: a failure that proves the object wrong (a decisive one) is told apart from one that only leaves the result open (a time, trust or
/// revocation check that did not hold, or a check that could not be performed), so that an
/// expired certificate under an INDETERMINATE verdict does not read like a forgery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// ✓ passed.
    Passed,
    /// ✗ failed: proven wrong.
    Failed,
    /// ? not established: could not be proven either way.
    NotEstablished,
    /// - not applicable.
    NotApplicable,
}

impl Shown {
    /// How `check` is shown.
    pub(crate) fn of(check: &Check) -> Self {
        match check.status() {
            CheckStatus::Passed => Self::Passed,
            // `decisive` is what makes a verdict INVALID (`Report::derive_status`): set for a
            // failure of a format, cryptographic or binding check, and for a decisive time,
            // trust or revocation failure.
            CheckStatus::Failed if check.decisive() => Self::Failed,
            CheckStatus::Failed | CheckStatus::Indeterminate => Self::NotEstablished,
            _ => Self::NotApplicable,
        }
    }

    /// The word: `passed`, `failed`, `not established`, `not applicable`.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::NotEstablished => "not established",
            Self::NotApplicable => "not applicable",
        }
    }

    /// The mark: ✓, ✗, ? or -.
    pub(crate) fn mark(self) -> &'static str {
        match self {
            Self::Passed => "✓",
            Self::Failed => "✗",
            Self::NotEstablished => "?",
            Self::NotApplicable => "-",
        }
    }

    /// `text` coloured for this outcome.
    fn paint(self, style: Style, text: &str) -> String {
        match self {
            Self::Passed => style.good(text),
            Self::Failed => style.bad(text),
            Self::NotEstablished => style.warn(text),
            Self::NotApplicable => text.to_owned(),
        }
    }
}

fn print_check(style: Style, indent: &str, check: &Check) {
    let shown = Shown::of(check);
    println!(
        "{indent}{} {:<36} {} {}",
        shown.paint(style, shown.mark()),
        check.id().as_str(),
        shown.paint(style, &format!("{:<15}", shown.word())),
        crate::output::one_line(check.message())
    );
}

/// Prints one file's outcome for a person.
pub(crate) fn print_outcome(style: Style, file: &str, outcome: &Outcome) {
    print_outcome_with(style, file, outcome, false);
}

/// Prints one file's outcome; with `only_problems`, the checks that passed or do not apply
/// and the warnings are left out.
pub(crate) fn print_outcome_with(style: Style, file: &str, outcome: &Outcome, only_problems: bool) {
    match outcome {
        Outcome::Error(message, code) => {
            println!("{}: {}", style.bold(file), style.bad("ERROR"));
            println!(
                "  {}",
                crate::output::one_line(&Outcome::error_text(message, *code))
            );
        }
        Outcome::Report(report) => print_report(style, file, report, only_problems),
    }
}

fn print_report(style: Style, file: &str, report: &DocumentReport, only_problems: bool) {
    let shown = |c: &&Check| {
        !only_problems || matches!(c.status(), CheckStatus::Failed | CheckStatus::Indeterminate)
    };
    let count = report.signatures().len();
    let noun = if count == 1 {
        "signature"
    } else {
        "signatures"
    };
    let what = match report.format() {
        DocumentFormat::Ofd | DocumentFormat::License => {
            format!("{}, {count} {noun}", format_name(report.format()))
        }
        other => format_name(other).to_owned(),
    };
    println!(
        "{}: {} ({what}{})",
        style.bold(file),
        style.status(report.status()),
        report
            .validation_time()
            .map(|t| format!(", validated at {t}"))
            .unwrap_or_default()
    );
    for check in report.checks().iter().filter(shown) {
        print_check(style, "  ", check);
    }
    for warning in report.warnings().iter().filter(|_| !only_problems) {
        println!(
            "  {} {}: {}",
            style.warn("!"),
            warning.code,
            crate::output::one_line(&warning.message)
        );
    }
    let many = count > 1
        || matches!(
            report.format(),
            DocumentFormat::Ofd | DocumentFormat::License
        );
    for (i, entry) in report.signatures().iter().enumerate() {
        let indent = if many {
            let mut label = format!("Signature {} of {count}", i + 1);
            if let Some(id) = &entry.id() {
                label.push_str(&format!(" [{id}]"));
            }
            if let Some(loc) = &entry.location() {
                label.push_str(&format!(" {loc}"));
            }
            println!(
                "  {}: {}",
                style.bold(&label),
                style.status(entry.report().status())
            );
            "    "
        } else {
            "  "
        };
        print_facts(indent, entry.report());
        for check in entry.report().checks().iter().filter(shown) {
            print_check(style, indent, check);
        }
        for warning in entry.report().warnings().iter().filter(|_| !only_problems) {
            println!(
                "{indent}{} {}: {}",
                style.warn("!"),
                warning.code,
                crate::output::one_line(&warning.message)
            );
        }
    }
}

fn print_facts(indent: &str, report: &Report) {
    let line = |label: &str, value: String| println!("{indent}{:<20}{value}", format!("{label}:"));
    if let Some(seal) = report.seal() {
        line(
            "Seal",
            format!(
                "{} (esID {}, type {}, {})",
                seal.name,
                seal.es_id,
                seal.seal_type,
                seal.version.short_name()
            ),
        );
        let range = |a: Option<eseal::time::Time>| a.map(|t| t.to_string()).unwrap_or("?".into());
        line(
            "Seal validity",
            format!(
                "{} to {} (made {})",
                range(seal.valid_from),
                range(seal.valid_to),
                range(seal.created)
            ),
        );
        if let Some(maker) = &seal.maker_subject {
            line("Seal maker", maker.clone());
        }
    }
    if let Some(sig) = report.signature() {
        if let Some(signer) = &sig.signer_subject {
            line("Signer", signer.clone());
        }
        let time = match (sig.signing_time, sig.signing_time_source) {
            (Some(t), Some(SigningTimeSource::Timestamp)) => {
                format!("{t} (from a verified timestamp)")
            }
            (Some(t), _) => format!("{t} (claimed by the signer, not timestamped)"),
            (None, _) => "unknown".to_owned(),
        };
        line("Signing time", time);
        if !sig.property_info.is_empty() {
            line("Property", sig.property_info.clone());
        }
    }
}

/// Whether a status is worse than another for the exit code: valid < indeterminate < invalid
/// < input error.
pub(crate) fn worst(a: Exit, b: Exit) -> Exit {
    fn rank(e: Exit) -> u8 {
        match e {
            Exit::Valid => 0,
            Exit::Indeterminate => 1,
            Exit::Invalid => 2,
            Exit::Usage => 3,
        }
    }
    if rank(b) > rank(a) { b } else { a }
}
