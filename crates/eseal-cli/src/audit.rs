//! `eseal audit DIR|FILE...`: verify many files in parallel and summarise: counts by status and
//! by failing check, the files that are not valid, and optional JSON and HTML reports.

use std::collections::BTreeMap;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;
use eseal::document::DocumentVerifyOptions;
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::exit::Exit;
use crate::files::{self, Secrecy};
use crate::inputs::ValidationArgs;
use crate::output::Style;
use crate::report::{self, Outcome};

/// Deepest directory nesting walked.
const MAX_DEPTH: usize = 32;
/// Most files audited in one run.
const MAX_FILES: usize = 200_000;
/// File name extensions taken from directories (files named on the command line are always
/// taken).
const EXTENSIONS: [&str; 6] = ["ofd", "esl", "sig", "dat", "der", "ses"];
/// Version tag of the `--json` file.
const AUDIT_SCHEMA: &str = "eseal.audit/1";

/// `eseal audit`
#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Directories (walked recursively for *.ofd, *.esl, *.sig, *.dat, *.der, *.ses) and files.
    #[arg(required = true, value_name = "DIR|FILE")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    validation: ValidationArgs,
    /// Write every report and the summary as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write a self-contained HTML report to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Files verified at the same time [default: the number of CPUs].
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Replace --json and --html files that exist.
    #[arg(long)]
    force: bool,
}

/// One audited file.
struct Entry {
    name: String,
    outcome: Outcome,
}

/// What a file found while walking a directory is.
enum Candidate {
    /// Named on the command line: always verified.
    Named(PathBuf),
    /// Found in a directory: files of no supported format are skipped, not errors.
    Found(PathBuf),
}

pub(crate) fn run(args: &AuditArgs) -> anyhow::Result<Exit> {
    for out in [&args.json, &args.html].into_iter().flatten() {
        if out.exists() && !args.force {
            bail!(
                "{} already exists (use --force to replace it)",
                out.display()
            );
        }
    }
    let mut candidates = Vec::new();
    for path in &args.paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            walk(path, 0, &mut candidates)?;
        } else {
            push(&mut candidates, Candidate::Named(path.clone()))?;
        }
    }
    let loaded = args.validation.load()?;
    let options = DocumentVerifyOptions::new(loaded.ses_options(args.validation.policy));

    let progress = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(candidates.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} verifying [{bar:40}] {pos}/{len} files ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let verify_one = |candidate: &Candidate| -> Option<Entry> {
        let (path, named) = match candidate {
            Candidate::Named(p) => (p, true),
            Candidate::Found(p) => (p, false),
        };
        let outcome = match files::read(path) {
            Err(e) => Outcome::Error(format!("{e:#}")),
            Ok(bytes) => {
                if !named && eseal::document::sniff(&bytes).is_none() {
                    progress.inc(1);
                    return None;
                }
                report::verify_bytes(&bytes, &options, None)
            }
        };
        progress.inc(1);
        Some(Entry {
            name: path.display().to_string(),
            outcome,
        })
    };
    let results: Vec<Option<Entry>> = match args.jobs {
        Some(0) => bail!("--jobs must be at least 1"),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("cannot start the worker threads")?
            .install(|| candidates.par_iter().map(verify_one).collect()),
        None => candidates.par_iter().map(verify_one).collect(),
    };
    progress.finish_and_clear();
    let skipped = results.iter().filter(|r| r.is_none()).count();
    let entries: Vec<Entry> = results.into_iter().flatten().collect();
    let summary = Summary::of(&entries, skipped);

    print_summary(Style::detect(), &summary, &entries);
    let context = json!({
        "validation_time": loaded.at.to_string(),
        "policy": args.validation.policy.name(),
    });
    if let Some(path) = &args.json {
        let files_json: Vec<Value> = entries
            .iter()
            .map(|e| report::outcome_json(&e.name, &e.outcome))
            .collect();
        let doc = json!({
            "schema": AUDIT_SCHEMA,
            "validation_time": at(&context, "validation_time"),
            "policy": at(&context, "policy"),
            "summary": summary.to_json(),
            "files": files_json,
        });
        let text = serde_json::to_string_pretty(&doc)?;
        files::write(path, text.as_bytes(), args.force, Secrecy::Public)?;
        eprintln!("eseal: wrote the JSON report to {}", path.display());
    }
    if let Some(path) = &args.html {
        let page = html_report(&summary, &entries, &context);
        files::write(path, page.as_bytes(), args.force, Secrecy::Public)?;
        eprintln!("eseal: wrote the HTML report to {}", path.display());
    }
    Ok(summary.exit)
}

fn push(candidates: &mut Vec<Candidate>, c: Candidate) -> anyhow::Result<()> {
    if candidates.len() >= MAX_FILES {
        bail!("more than {MAX_FILES} files to audit: audit fewer directories at a time");
    }
    candidates.push(c);
    Ok(())
}

/// Adds the files under `dir` with one of [`EXTENSIONS`], in name order; hidden entries and
/// symbolic links are skipped (a link could lead out of the tree or round in a loop).
fn walk(dir: &Path, depth: usize, out: &mut Vec<Candidate>) -> anyhow::Result<()> {
    if depth > MAX_DEPTH {
        bail!(
            "{} is nested more than {MAX_DEPTH} directories deep",
            dir.display()
        );
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot list {}", dir.display()))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if hidden || kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            walk(&path, depth + 1, out)?;
        } else if kind.is_file() {
            let wanted = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)));
            if wanted {
                push(out, Candidate::Found(path))?;
            }
        }
    }
    Ok(())
}

/// Counts over an audit.
struct Summary {
    total: usize,
    skipped: usize,
    by_status: BTreeMap<&'static str, usize>,
    by_check: BTreeMap<&'static str, usize>,
    exit: Exit,
}

/// The statuses in the order they are shown.
const STATUSES: [&str; 4] = ["valid", "indeterminate", "invalid", "error"];

impl Summary {
    fn of(entries: &[Entry], skipped: usize) -> Self {
        let mut by_status: BTreeMap<&'static str, usize> =
            STATUSES.iter().map(|s| (*s, 0)).collect();
        let mut by_check = BTreeMap::new();
        let mut exit = Exit::Valid;
        for e in entries {
            *by_status.entry(e.outcome.status_name()).or_default() += 1;
            exit = report::worst(exit, e.outcome.exit());
            if let Outcome::Report(r) = &e.outcome {
                for id in report::problem_ids(r) {
                    *by_check.entry(id).or_default() += 1;
                }
            }
        }
        Self {
            total: entries.len(),
            skipped,
            by_status,
            by_check,
            exit,
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "files": self.total,
            "skipped": self.skipped,
            "by_status": self.by_status,
            "by_check": self.by_check,
            "exit_code": self.exit.code(),
        })
    }
}

/// The first problem of a non-valid file, as `(check id, message)`.
fn first_problem(outcome: &Outcome) -> (String, String) {
    match outcome {
        Outcome::Error(m) => ("error".to_owned(), crate::output::one_line(m)),
        Outcome::Report(r) => match report::first_problem(r) {
            Some(c) => (
                format!("{} {}", c.id.as_str(), c.status.as_str()),
                crate::output::one_line(&c.message),
            ),
            None => (
                "no signature".to_owned(),
                "nothing in the file vouches for it".to_owned(),
            ),
        },
    }
}

fn print_summary(style: Style, summary: &Summary, entries: &[Entry]) {
    println!(
        "{}",
        style.bold(&format!(
            "Audited {} file(s){}",
            summary.total,
            if summary.skipped > 0 {
                format!(
                    " ({} other file(s) skipped: not OFD, seal or signature)",
                    summary.skipped
                )
            } else {
                String::new()
            }
        ))
    );
    println!();
    println!("{:<16}{:>8}", "Status", "Files");
    for status in STATUSES {
        let n = summary.by_status.get(status).copied().unwrap_or(0);
        let label = format!("{status:<16}");
        let label = match (status, n) {
            (_, 0) => label,
            ("valid", _) => style.good(&label),
            ("indeterminate", _) => style.warn(&label),
            _ => style.bad(&label),
        };
        println!("{label}{n:>8}");
    }
    if !summary.by_check.is_empty() {
        println!();
        println!("{:<40}{:>8}", "Check failed or indeterminate", "Files");
        let mut checks: Vec<_> = summary.by_check.iter().collect();
        checks.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (id, n) in checks {
            println!("{id:<40}{n:>8}");
        }
    }
    let bad: Vec<&Entry> = entries
        .iter()
        .filter(|e| !matches!(&e.outcome, Outcome::Report(r) if r.status == eseal::verify::Status::Valid))
        .collect();
    if !bad.is_empty() {
        println!();
        println!("{}", style.bold(&format!("Not valid ({}):", bad.len())));
        for e in bad {
            let (id, message) = first_problem(&e.outcome);
            println!(
                "  {} {}: {id}: {message}",
                report::status_word(style, &e.outcome),
                e.name
            );
        }
    }
}

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;margin:2rem;color:#1f2328;background:#f6f8fa}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:1.8rem 0 .6rem}
.meta{color:#57606a;margin-bottom:1.2rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:.8rem 1.2rem;min-width:9rem}
.card .n{font-size:2rem;font-weight:700}.card .l{color:#57606a;text-transform:uppercase;font-size:.8rem;letter-spacing:.05em}
.card.zero .n{color:#8c959f!important}.card.valid .n{color:#1a7f37}.card.invalid .n{color:#cf222e}.card.indeterminate .n{color:#9a6700}.card.error .n{color:#8250df}
table{border-collapse:collapse;background:#fff;border:1px solid #d0d7de;width:100%}
th,td{text-align:left;padding:.45rem .7rem;border-bottom:1px solid #eaeef2;vertical-align:top;font-size:.9rem}
th{background:#f0f3f6;font-weight:600}
td.file{font-family:ui-monospace,Menlo,Consolas,monospace;min-width:16rem;overflow-wrap:anywhere}
td:first-child{white-space:nowrap}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-size:.78rem;font-weight:700;color:#fff;text-transform:uppercase}
.badge.valid{background:#1a7f37}.badge.invalid{background:#cf222e}.badge.indeterminate{background:#bf8700}.badge.error{background:#8250df}
tr.invalid td{background:#fff5f5}tr.indeterminate td{background:#fffbeb}tr.error td{background:#f8f5ff}
.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
";

fn html_report(summary: &Summary, entries: &[Entry], context: &Value) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.push_str("<title>eseal audit report</title><style>");
    h.push_str(CSS);
    h.push_str("</style></head><body>\n");
    h.push_str("<h1>eseal audit report</h1>\n");
    h.push_str(&format!(
        "<div class=\"meta\">{} file(s) verified at validation time <code>{}</code>, policy <code>{}</code>{}.</div>\n",
        summary.total,
        esc(at(context, "validation_time").as_str().unwrap_or("?")),
        esc(at(context, "policy").as_str().unwrap_or("?")),
        if summary.skipped > 0 {
            format!("; {} other file(s) skipped", summary.skipped)
        } else {
            String::new()
        }
    ));
    h.push_str("<div class=\"cards\">");
    for status in STATUSES {
        let n = summary.by_status.get(status).copied().unwrap_or(0);
        h.push_str(&format!(
            "<div class=\"card {status}{}\"><div class=\"n\">{n}</div><div class=\"l\">{status}</div></div>",
            if n == 0 { " zero" } else { "" }
        ));
    }
    h.push_str("</div>\n");
    if !summary.by_check.is_empty() {
        h.push_str("<h2>Checks that failed or stayed indeterminate</h2>\n<table><tr><th>Check</th><th class=\"num\">Files</th></tr>\n");
        let mut checks: Vec<_> = summary.by_check.iter().collect();
        checks.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (id, n) in checks {
            h.push_str(&format!(
                "<tr><td><code>{}</code></td><td class=\"num\">{n}</td></tr>\n",
                esc(id)
            ));
        }
        h.push_str("</table>\n");
    }
    // Problems first, then the valid files, each group in name order.
    let mut order: Vec<&Entry> = entries.iter().collect();
    let rank = |e: &Entry| match e.outcome.status_name() {
        "invalid" => 0,
        "error" => 1,
        "indeterminate" => 2,
        _ => 3,
    };
    order.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.name.cmp(&b.name)));
    h.push_str("<h2>Files</h2>\n<table><tr><th>Status</th><th>File</th><th>Format</th><th class=\"num\">Signatures</th><th>First problem</th></tr>\n");
    for e in order {
        let status = e.outcome.status_name();
        let (format, sigs) = match &e.outcome {
            Outcome::Report(r) => (r.format.as_str(), r.signatures.len().to_string()),
            Outcome::Error(_) => ("?", String::new()),
        };
        let problem = if status == "valid" {
            String::new()
        } else {
            let (id, message) = first_problem(&e.outcome);
            format!("<code>{}</code><br>{}", esc(&id), esc(&message))
        };
        h.push_str(&format!(
            "<tr class=\"{status}\"><td><span class=\"badge {status}\">{status}</span></td><td class=\"file\">{}</td><td>{}</td><td class=\"num\">{sigs}</td><td>{problem}</td></tr>\n",
            esc(&e.name),
            esc(format)
        ));
    }
    h.push_str("</table>\n<p class=\"meta\">Made by eseal ");
    h.push_str(env!("CARGO_PKG_VERSION"));
    h.push_str(". Invalid: a signature or digest does not verify, or the seal was misused. Indeterminate: authentic as far as can be told, but a certificate is expired, untrusted or revoked, or a check could not be performed.</p>\n</body></html>\n");
    h
}

/// A member of a JSON object, or null.
fn at<'a>(value: &'a Value, key: &str) -> &'a Value {
    value.get(key).unwrap_or(&Value::Null)
}
