//! `eseal audit DIR|FILE...`: verify many files in parallel and summarise: counts by status and
//! by check not passed, the files that are not valid, every file skipped and why, and optional
//! JSON Lines and HTML reports.
//!
//! Licenses (电子证照) are recognised from the content like any other format (an OFD with
//! embedded license metadata; a file holding a 2D-code text when named or listed). The list of
//! files may come from `--files-from FILE` or stdin (`-`), for batch engines that shard an
//! archive. Each file's report is streamed as one JSON line as soon as it is verified and then
//! dropped: only a compact record (status, checks not passed, first problem, time taken) is
//! kept for the summary, so memory stays small however many files are audited.
//!
//! Detached signatures are verified with their data: `X.sig` with the file `X` beside it (the
//! convention of detached signatures, as in `contract.txt.sig` for `contract.txt`), or the data
//! a `--manifest` names for it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context as _, bail};
use clap::Args;
use eseal::document::DocumentVerifyOptions;
use eseal::verify::{DocumentFormat, Status};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::exit::Exit;
use crate::files::{self, Secrecy};
use crate::inputs::ValidationArgs;
use crate::output::Style;
use crate::report::{self, Outcome, Shown};

/// Deepest directory nesting walked.
const MAX_DEPTH: usize = 32;
/// Most files audited or skipped in one run.
const MAX_FILES: usize = 200_000;
/// File name extensions taken from directories (files named on the command line are always
/// taken).
const EXTENSIONS: [&str; 7] = ["ofd", "pdf", "esl", "sig", "dat", "der", "ses"];
/// The extension of a detached signature verified with the file of the same name without it.
const DETACHED_EXTENSION: &str = "sig";
/// Checks listed in the text summary (all of them are in the JSON and HTML reports).
const TOP_CHECKS: usize = 10;
/// Version tag of the `--json` stream.
const AUDIT_SCHEMA: &str = "eseal.audit/2";

/// `eseal audit`
#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Directories (walked recursively for *.ofd, *.pdf, *.esl, *.sig, *.dat, *.der, *.ses) and files.
    #[arg(value_name = "DIR|FILE", required_unless_present_any = ["manifest", "files_from"])]
    paths: Vec<PathBuf>,
    /// Also verify the files listed in FILE, one path per line ("-": read the list from
    /// stdin); empty lines and lines starting with # are ignored. Listed files are always
    /// verified, whatever their name.
    #[arg(long, value_name = "FILE")]
    files_from: Option<PathBuf>,
    /// Certificates (PEM or DER) of license issuers, to verify 2D-code payloads with (matched
    /// by key id), and of signers of OFD digital signatures that embed none. Repeatable.
    #[arg(long = "issuer-cert", value_name = "FILE")]
    issuer_cert: Vec<PathBuf>,
    #[command(flatten)]
    validation: ValidationArgs,
    /// Detached signatures and their data, one pair per line: the signature file, a tab (or
    /// spaces when neither name has any), the data file; relative paths start at FILE's
    /// directory; lines starting with # are comments. The signatures listed are audited too.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Write JSON Lines to FILE ("-": stdout, the text summary then goes to stderr): a header,
    /// one line per file as soon as it is verified, one per skipped file, and the summary.
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
    #[command(flatten)]
    limits: crate::verify::LimitArgs,
}

/// One audited file, as kept for the summary once its report was written out.
struct Entry {
    name: String,
    /// The detached data it was verified with.
    data: Option<String>,
    /// `valid`, `invalid`, `indeterminate` or `error`.
    status: &'static str,
    exit: Exit,
    /// The format verified (`None`: an error before a report).
    format: Option<&'static str>,
    signatures: usize,
    /// Checks not passed, once each: `(id, failed)` (`false`: not established).
    checks: Vec<(&'static str, bool)>,
    /// For a file that is not valid: the check id with its outcome word, and the message.
    problem: Option<(String, String)>,
    /// Time taken to read and verify it.
    seconds: f64,
}

impl Entry {
    fn new(name: String, data: Option<String>, outcome: &Outcome, seconds: f64) -> Self {
        let mut checks: BTreeMap<&'static str, bool> = BTreeMap::new();
        if let Outcome::Report(r) = outcome {
            let all = r.checks().iter().chain(
                r.signatures()
                    .iter()
                    .flat_map(|s| s.report().checks().iter()),
            );
            for c in all {
                match Shown::of(c) {
                    Shown::Failed => {
                        checks.insert(c.id().as_str(), true);
                    }
                    Shown::NotEstablished => {
                        checks.entry(c.id().as_str()).or_insert(false);
                    }
                    _ => {}
                }
            }
        }
        let valid = matches!(outcome, Outcome::Report(r) if r.status() == Status::Valid);
        let (format, signatures) = match outcome {
            Outcome::Report(r) => (Some(r.format().as_str()), r.signatures().len()),
            Outcome::Error(..) => (None, 0),
        };
        Self {
            name,
            data,
            status: outcome.status_name(),
            exit: outcome.exit(),
            format,
            signatures,
            checks: checks.into_iter().collect(),
            problem: (!valid).then(|| first_problem(outcome)),
            seconds,
        }
    }
}

/// The status word of a kept entry, coloured as [`report::status_word`] does.
fn status_word(style: Style, status: &str) -> String {
    match status {
        "valid" => style.good("VALID"),
        "indeterminate" => style.warn("INDETERMINATE"),
        "invalid" => style.bad("INVALID"),
        _ => style.bad("ERROR"),
    }
}

/// How many of the slowest files the summary names.
const SLOWEST: usize = 5;

/// A file that was not audited, and why.
struct Skipped {
    name: String,
    reason: String,
}

/// A file to verify.
struct Candidate {
    path: PathBuf,
    /// Named on the command line or in the manifest: always verified; found in a directory:
    /// skipped when of no supported format.
    named: bool,
    /// The detached data to verify it with, if it is a detached signature.
    data: Option<PathBuf>,
}

/// What verifying a candidate gave: the kept record and the full outcome (written out, then
/// dropped).
enum Done {
    Entry(Entry, Outcome),
    Skipped(Skipped),
}

/// What the walk found.
#[derive(Default)]
struct Found {
    candidates: Vec<Candidate>,
    /// Files not taken by their name (maybe the data of a signature).
    others: Vec<PathBuf>,
    skipped: Vec<Skipped>,
}

impl Found {
    fn count(&self) -> usize {
        self.candidates.len() + self.others.len() + self.skipped.len()
    }

    fn check_room(&self) -> anyhow::Result<()> {
        if self.count() >= MAX_FILES {
            bail!("more than {MAX_FILES} files to audit: audit fewer directories at a time");
        }
        Ok(())
    }

    fn skip(&mut self, path: &Path, reason: &str) -> anyhow::Result<()> {
        self.check_room()?;
        self.skipped.push(Skipped {
            name: path.display().to_string(),
            reason: reason.to_owned(),
        });
        Ok(())
    }
}

fn extension_list() -> String {
    EXTENSIONS
        .iter()
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The key under which a path is looked up in the manifest: canonical when it exists.
fn key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a `--manifest`: signature → data, both relative to the manifest's directory.
fn read_manifest(path: &Path) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    let bytes = files::read(path)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))?;
    let base = path.parent().unwrap_or(Path::new(""));
    let mut pairs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = if line.contains('\t') {
            line.split('\t')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .collect()
        } else {
            line.split_whitespace().collect()
        };
        let [signature, data] = fields.as_slice() else {
            bail!(
                "{} line {}: expected a signature file and its data file, separated by a tab",
                path.display(),
                i + 1
            );
        };
        if pairs.len() >= MAX_FILES {
            bail!("{} lists more than {MAX_FILES} pairs", path.display());
        }
        pairs.push((base.join(signature), base.join(data)));
    }
    Ok(pairs)
}

pub(crate) fn run(args: &AuditArgs) -> anyhow::Result<Exit> {
    let json_to_stdout = args.json.as_deref() == Some(Path::new("-"));
    for out in [
        args.json.as_ref().filter(|_| !json_to_stdout),
        args.html.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        if out.exists() && !args.force {
            bail!(
                "{} already exists (use --force to replace it)",
                out.display()
            );
        }
    }
    let mut found = Found::default();
    for path in &args.paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            walk(path, 0, &mut found)?;
        } else {
            found.check_room()?;
            found.candidates.push(Candidate {
                path: path.clone(),
                named: true,
                data: None,
            });
        }
    }
    if let Some(list) = &args.files_from {
        read_file_list(list, &mut found)?;
    }
    let manifest = match &args.manifest {
        Some(path) => read_manifest(path)?,
        None => Vec::new(),
    };
    pair(&mut found, &manifest)?;
    if found.count() == 0 {
        bail!(
            "nothing to audit: {} hold(s) no file",
            args.paths
                .iter()
                .chain(&args.manifest)
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let loaded = args.validation.load()?;
    let mut issuers = Vec::new();
    for path in &args.issuer_cert {
        let data = files::read(path)?;
        issuers.extend(
            eseal::certfile::read_certificates(&data).with_context(|| {
                format!("{} is not a readable certificate file", path.display())
            })?,
        );
    }
    // One cache for the whole audit and every worker: a CA link or a seal's maker signature
    // met in many files is verified once.
    let cache = eseal::pki::VerifiedCache::new();
    let options = args.limits.load()?.apply(
        DocumentVerifyOptions::new(loaded.ses_options().verified_cache(&cache))
            .signer_certificates(&issuers),
    );
    let context = json!({
        "validation_time": loaded.at.to_string(),
        "policy": loaded.policy.name(),
    });

    let sink: Option<Mutex<Box<dyn Write + Send>>> = match &args.json {
        None => None,
        Some(_) if json_to_stdout => Some(Mutex::new(Box::new(std::io::stdout()))),
        Some(path) => Some(Mutex::new(Box::new(std::io::BufWriter::new(
            files::create(path, args.force)?,
        )))),
    };
    let sink_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let emit = |value: &Value| {
        if let Some(sink) = &sink {
            // Serialised before taking the lock: the workers share only the write itself.
            let mut line = value.to_string();
            line.push('\n');
            let mut out = sink
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Err(e) = out.write_all(line.as_bytes()).and_then(|()| out.flush()) {
                sink_error
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .get_or_insert(e);
            }
        }
    };
    emit(&json!({
        "type": "audit",
        "schema": AUDIT_SCHEMA,
        "eseal_version": env!("CARGO_PKG_VERSION"),
        "validation_time": at(&context, "validation_time"),
        "policy": at(&context, "policy"),
    }));
    for s in &found.skipped {
        emit(&skipped_json(s));
    }

    let progress = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(found.candidates.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} verifying [{bar:40}] {pos}/{len} files ({per_sec}, about {eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let verify_one = |candidate: &Candidate| -> Done {
        let done = verify_candidate(candidate, &options);
        progress.inc(1);
        match done {
            Done::Entry(e, outcome) => {
                emit(&entry_json(&e, &outcome));
                // The full report is in the JSON line; only the compact record is kept.
                Done::Entry(e, Outcome::Error(String::new(), None))
            }
            Done::Skipped(s) => {
                emit(&skipped_json(&s));
                Done::Skipped(s)
            }
        }
    };
    let results: Vec<Done> = match args.jobs {
        Some(0) => bail!("--jobs must be at least 1"),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("cannot start the worker threads")?
            .install(|| found.candidates.par_iter().map(verify_one).collect()),
        None => found.candidates.par_iter().map(verify_one).collect(),
    };
    progress.finish_and_clear();

    let mut entries = Vec::new();
    let mut skipped = std::mem::take(&mut found.skipped);
    for done in results {
        match done {
            Done::Entry(e, _) => entries.push(e),
            Done::Skipped(s) => skipped.push(s),
        }
    }
    // Files not taken by name are skipped unless a signature was verified with them.
    let used: HashSet<PathBuf> = entries
        .iter()
        .filter_map(|e| e.data.as_deref())
        .map(|d| key(Path::new(d)))
        .collect();
    let not_examined = format!(
        "not examined: the name does not end in {}",
        extension_list()
    );
    for other in &found.others {
        if !used.contains(&key(other)) {
            let s = Skipped {
                name: other.display().to_string(),
                reason: not_examined.clone(),
            };
            emit(&skipped_json(&s));
            skipped.push(s);
        }
    }
    skipped.sort_by(|a, b| a.name.cmp(&b.name));
    let summary = Summary::of(&entries, skipped.len());
    emit(&json!({
        "type": "summary",
        "schema": AUDIT_SCHEMA,
        "summary": summary.to_json(),
    }));
    if let Some(sink) = sink {
        let mut out = sink
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        out.flush().context("cannot write the JSON report")?;
    }
    if let Some(e) = sink_error
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        return Err(anyhow::Error::new(e).context("cannot write the JSON report"));
    }

    let style = Style::detect();
    if json_to_stdout {
        print_summary(
            style,
            &summary,
            &entries,
            &skipped,
            &mut std::io::stderr().lock(),
        )?;
    } else {
        print_summary(
            style,
            &summary,
            &entries,
            &skipped,
            &mut std::io::stdout().lock(),
        )?;
    }
    if let Some(path) = args.json.as_ref().filter(|_| !json_to_stdout) {
        eprintln!("eseal: wrote the JSON Lines report to {}", path.display());
    }
    if let Some(path) = &args.html {
        let page = html_report(&summary, &entries, &skipped, &context);
        files::write(path, page.as_bytes(), args.force, Secrecy::Public)?;
        eprintln!("eseal: wrote the HTML report to {}", path.display());
    }
    if summary.total == 0 {
        bail!(
            "nothing to audit: no OFD document, seal or signature found{}",
            if skipped.is_empty() {
                String::new()
            } else {
                format!(" ({} file(s) skipped, listed above)", skipped.len())
            }
        );
    }
    Ok(summary.exit)
}

/// Verifies one candidate, with its detached data when it is a detached signature.
fn verify_candidate(candidate: &Candidate, options: &DocumentVerifyOptions<'_>) -> Done {
    let name = candidate.path.display().to_string();
    let started = std::time::Instant::now();
    let entry = |data: Option<String>, outcome: Outcome| {
        let seconds = started.elapsed().as_secs_f64();
        Done::Entry(Entry::new(name.clone(), data, &outcome, seconds), outcome)
    };
    let bytes = match files::read_at_most(&candidate.path, report::input_cap(options)) {
        Ok(b) => b,
        Err(e) => return entry(None, Outcome::failed("", &e)),
    };
    let format = eseal::document::sniff(&bytes);
    if format.is_none() && !candidate.named {
        return Done::Skipped(Skipped {
            name: name.clone(),
            reason: "not an OFD document, seal or detached signature (content not recognised)"
                .to_owned(),
        });
    }
    match (&candidate.data, format) {
        (Some(data_path), Some(DocumentFormat::SesSignature)) => {
            let data_name = data_path.display().to_string();
            match files::read(data_path) {
                Ok(data) => entry(
                    Some(data_name),
                    report::verify_bytes(&bytes, options, Some(&data)),
                ),
                Err(e) => entry(
                    Some(data_name),
                    Outcome::failed("the signature's data: ", &e),
                ),
            }
        }
        _ => entry(None, report::verify_bytes(&bytes, options, None)),
    }
}

/// Adds the paths listed in `list` (`-`: stdin), one per line, as named candidates.
fn read_file_list(list: &Path, found: &mut Found) -> anyhow::Result<()> {
    use std::io::BufRead as _;
    let reader: Box<dyn std::io::BufRead> = if list == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(list)
            .with_context(|| format!("cannot read the file list {}", list.display()))?;
        Box::new(std::io::BufReader::new(file))
    };
    for line in reader.lines() {
        let line = line.with_context(|| format!("cannot read the file list {}", list.display()))?;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        found.check_room()?;
        found.candidates.push(Candidate {
            path: PathBuf::from(line),
            named: true,
            data: None,
        });
    }
    Ok(())
}

/// Gives each detached signature its data: the manifest's, else `X` for `X.sig` when that file
/// exists. Signatures the manifest lists that the walk did not find are added.
fn pair(found: &mut Found, manifest: &[(PathBuf, PathBuf)]) -> anyhow::Result<()> {
    let mut listed: HashMap<PathBuf, PathBuf> = HashMap::new();
    for (signature, data) in manifest {
        listed.insert(key(signature), data.clone());
    }
    let mut seen = HashSet::new();
    for c in &mut found.candidates {
        let k = key(&c.path);
        if let Some(data) = listed.get(&k) {
            c.data = Some(data.clone());
        } else if c
            .path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(DETACHED_EXTENSION))
        {
            let data = c.path.with_extension("");
            if data.is_file() {
                c.data = Some(data);
            }
        }
        seen.insert(k);
    }
    for (signature, data) in manifest {
        if seen.insert(key(signature)) {
            found.check_room()?;
            found.candidates.push(Candidate {
                path: signature.clone(),
                named: true,
                data: Some(data.clone()),
            });
        }
    }
    Ok(())
}

/// Adds the files under `dir`, in name order: those with one of [`EXTENSIONS`] to verify, the
/// others for pairing or skipping. Hidden entries and symbolic links are skipped (a link could
/// lead out of the tree or round in a loop), each named.
fn walk(dir: &Path, depth: usize, found: &mut Found) -> anyhow::Result<()> {
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
            found.skip(&path, "cannot tell what it is")?;
            continue;
        };
        if kind.is_symlink() {
            found.skip(&path, "symbolic link, not followed")?;
        } else if kind.is_dir() {
            if hidden {
                found.skip(&path, "hidden directory, not walked")?;
            } else {
                walk(&path, depth + 1, found)?;
            }
        } else if !kind.is_file() {
            found.skip(&path, "not a regular file")?;
        } else if hidden {
            found.skip(&path, "hidden file, not examined")?;
        } else {
            found.check_room()?;
            let wanted = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)));
            // A PDF that is the data of a detached signature beside it (X.pdf with X.pdf.sig)
            // is paired with it, not verified as a document of its own.
            let detached_data = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
                && {
                    let mut sig = path.clone().into_os_string();
                    sig.push(".sig");
                    Path::new(&sig).is_file()
                };
            if wanted && !detached_data {
                found.candidates.push(Candidate {
                    path,
                    named: false,
                    data: None,
                });
            } else {
                found.others.push(path);
            }
        }
    }
    Ok(())
}

fn entry_json(e: &Entry, outcome: &Outcome) -> Value {
    let mut value = report::outcome_json(&e.name, outcome);
    if let Some(obj) = value.as_object_mut() {
        obj.insert("type".into(), json!("file"));
        obj.insert("seconds".into(), json!((e.seconds * 1e6).round() / 1e6));
        if let Some(data) = &e.data {
            obj.insert("data".into(), json!(data));
        }
    }
    value
}

fn skipped_json(s: &Skipped) -> Value {
    json!({"type": "skipped", "file": s.name, "reason": s.reason})
}

/// Counts over an audit.
struct Summary {
    total: usize,
    paired: usize,
    skipped: usize,
    by_status: BTreeMap<&'static str, usize>,
    /// Per check id: files where it failed (proven wrong), files where it was not established.
    by_check: BTreeMap<&'static str, (usize, usize)>,
    /// The slowest files, slowest first: (name, seconds).
    slowest: Vec<(String, f64)>,
    exit: Exit,
}

/// The statuses in the order they are shown.
const STATUSES: [&str; 4] = ["valid", "indeterminate", "invalid", "error"];

impl Summary {
    fn of(entries: &[Entry], skipped: usize) -> Self {
        let mut by_status: BTreeMap<&'static str, usize> =
            STATUSES.iter().map(|s| (*s, 0)).collect();
        let mut by_check: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
        let mut exit = Exit::Valid;
        for e in entries {
            *by_status.entry(e.status).or_default() += 1;
            exit = report::worst(exit, e.exit);
            // Each check once per file: failed if any occurrence failed.
            for (id, failed) in &e.checks {
                let counts = by_check.entry(id).or_default();
                if *failed {
                    counts.0 += 1;
                } else {
                    counts.1 += 1;
                }
            }
        }
        let mut slowest: Vec<(String, f64)> = entries
            .iter()
            .map(|e| (e.name.clone(), e.seconds))
            .collect();
        slowest.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        slowest.truncate(SLOWEST);
        Self {
            slowest,
            total: entries.len(),
            paired: entries.iter().filter(|e| e.data.is_some()).count(),
            skipped,
            by_status,
            by_check,
            exit,
        }
    }

    /// The checks by the number of files they kept from being valid, most first.
    fn top_checks(&self) -> Vec<(&'static str, usize, usize)> {
        let mut checks: Vec<_> = self
            .by_check
            .iter()
            .map(|(id, (f, n))| (*id, *f, *n))
            .collect();
        checks.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then(a.0.cmp(b.0)));
        checks
    }

    fn to_json(&self) -> Value {
        let by_check: BTreeMap<&str, usize> = self
            .by_check
            .iter()
            .map(|(id, (f, n))| (*id, f + n))
            .collect();
        let outcomes: BTreeMap<&str, Value> = self
            .by_check
            .iter()
            .map(|(id, (f, n))| (*id, json!({"failed": f, "not_established": n})))
            .collect();
        json!({
            "files": self.total,
            "paired": self.paired,
            "skipped": self.skipped,
            "by_status": self.by_status,
            "by_check": by_check,
            "by_check_outcome": outcomes,
            "slowest": self
                .slowest
                .iter()
                .map(|(f, s)| json!({"file": f, "seconds": (s * 1e6).round() / 1e6}))
                .collect::<Vec<_>>(),
            "exit_code": self.exit.code(),
        })
    }
}

/// The first problem of a non-valid file, as `(check id and outcome, message)`.
fn first_problem(outcome: &Outcome) -> (String, String) {
    match outcome {
        Outcome::Error(m, code) => (
            "error".to_owned(),
            crate::output::one_line(&Outcome::error_text(m, *code)),
        ),
        Outcome::Report(r) => match r.first_problem() {
            Some(c) => (
                format!("{} {}", c.id().as_str(), Shown::of(c).word()),
                crate::output::one_line(c.message()),
            ),
            None => (
                "no signature".to_owned(),
                "nothing in the file vouches for it".to_owned(),
            ),
        },
    }
}

fn print_summary(
    style: Style,
    summary: &Summary,
    entries: &[Entry],
    skipped: &[Skipped],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut head = format!("Audited {} file(s)", summary.total);
    if summary.paired > 0 {
        head.push_str(&format!(
            ", {} detached signature(s) with their data",
            summary.paired
        ));
    }
    if !skipped.is_empty() {
        head.push_str(&format!(
            "; {} file(s) skipped (listed below)",
            skipped.len()
        ));
    }
    writeln!(out, "{}", style.bold(&head))?;
    writeln!(out)?;
    writeln!(out, "{:<16}{:>8}", "Status", "Files")?;
    for status in STATUSES {
        let n = summary.by_status.get(status).copied().unwrap_or(0);
        let label = format!("{status:<16}");
        let label = match (status, n) {
            (_, 0) => label,
            ("valid", _) => style.good(&label),
            ("indeterminate", _) => style.warn(&label),
            _ => style.bad(&label),
        };
        writeln!(out, "{label}{n:>8}")?;
    }
    let checks = summary.top_checks();
    if !checks.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{:<40}{:>8}{:>17}",
            "Top checks not passed", "Failed", "Not established"
        )?;
        for (id, failed, open) in checks.iter().take(TOP_CHECKS) {
            writeln!(out, "{id:<40}{failed:>8}{open:>17}")?;
        }
        if checks.len() > TOP_CHECKS {
            writeln!(
                out,
                "(and {} more checks: see the JSON or HTML report)",
                checks.len() - TOP_CHECKS
            )?;
        }
    }
    let bad: Vec<&Entry> = entries.iter().filter(|e| e.problem.is_some()).collect();
    if !bad.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            style.bold(&format!("Not valid ({}):", bad.len()))
        )?;
        for e in bad {
            let (id, message) = e.problem.clone().unwrap_or_default();
            writeln!(
                out,
                "  {} {}: {id}: {message}",
                status_word(style, e.status),
                e.name
            )?;
        }
    }
    if summary.total > 1 {
        writeln!(out)?;
        writeln!(out, "{}", style.bold("Slowest files:"))?;
        for (name, seconds) in &summary.slowest {
            writeln!(out, "  {:>9.1} ms  {name}", seconds * 1000.0)?;
        }
    }
    let paired: Vec<&Entry> = entries.iter().filter(|e| e.data.is_some()).collect();
    if !paired.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            style.bold(&format!(
                "Detached signatures verified with their data ({}):",
                paired.len()
            ))
        )?;
        for e in paired {
            writeln!(
                out,
                "  {} with {}",
                e.name,
                e.data.as_deref().unwrap_or_default()
            )?;
        }
    }
    if !skipped.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            style.bold(&format!("Skipped ({}):", skipped.len()))
        )?;
        for s in skipped {
            writeln!(out, "  {}: {}", s.name, s.reason)?;
        }
    }
    Ok(())
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

fn html_report(
    summary: &Summary,
    entries: &[Entry],
    skipped: &[Skipped],
    context: &Value,
) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.push_str("<title>eseal audit report</title><style>");
    h.push_str(CSS);
    h.push_str("</style></head><body>\n");
    h.push_str("<h1>eseal audit report</h1>\n");
    h.push_str(&format!(
        "<div class=\"meta\">{} file(s) verified at validation time <code>{}</code>, policy <code>{}</code>{}{}.</div>\n",
        summary.total,
        esc(at(context, "validation_time").as_str().unwrap_or("?")),
        esc(at(context, "policy").as_str().unwrap_or("?")),
        if summary.paired > 0 {
            format!("; {} detached signature(s) with their data", summary.paired)
        } else {
            String::new()
        },
        if skipped.is_empty() {
            String::new()
        } else {
            format!("; {} file(s) skipped (listed at the end)", skipped.len())
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
    let checks = summary.top_checks();
    if !checks.is_empty() {
        h.push_str("<h2>Checks not passed</h2>\n<table><tr><th>Check</th><th class=\"num\">Failed (proven wrong)</th><th class=\"num\">Not established</th></tr>\n");
        for (id, failed, open) in checks {
            h.push_str(&format!(
                "<tr><td><code>{}</code></td><td class=\"num\">{failed}</td><td class=\"num\">{open}</td></tr>\n",
                esc(id)
            ));
        }
        h.push_str("</table>\n");
    }
    // Problems first, then the valid files, each group in name order.
    let mut order: Vec<&Entry> = entries.iter().collect();
    let rank = |e: &Entry| match e.status {
        "invalid" => 0,
        "error" => 1,
        "indeterminate" => 2,
        _ => 3,
    };
    order.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.name.cmp(&b.name)));
    h.push_str("<h2>Files</h2>\n<table><tr><th>Status</th><th>File</th><th>Format</th><th class=\"num\">Signatures</th><th>First problem</th></tr>\n");
    for e in order {
        let status = e.status;
        let (format, sigs) = match e.format {
            Some(f) => (f, e.signatures.to_string()),
            None => ("?", String::new()),
        };
        let problem = match &e.problem {
            None => String::new(),
            Some((id, message)) => format!("<code>{}</code><br>{}", esc(id), esc(message)),
        };
        let data = e
            .data
            .as_deref()
            .map(|d| format!("<br><small>with data {}</small>", esc(d)))
            .unwrap_or_default();
        h.push_str(&format!(
            "<tr class=\"{status}\"><td><span class=\"badge {status}\">{status}</span></td><td class=\"file\">{}{data}</td><td>{}</td><td class=\"num\">{sigs}</td><td>{problem}</td></tr>\n",
            esc(&e.name),
            esc(format)
        ));
    }
    h.push_str("</table>\n");
    if !skipped.is_empty() {
        h.push_str(&format!(
            "<h2>Skipped ({})</h2>\n<table><tr><th>File</th><th>Why</th></tr>\n",
            skipped.len()
        ));
        for s in skipped {
            h.push_str(&format!(
                "<tr><td class=\"file\">{}</td><td>{}</td></tr>\n",
                esc(&s.name),
                esc(&s.reason)
            ));
        }
        h.push_str("</table>\n");
    }
    h.push_str("<p class=\"meta\">Made by eseal ");
    h.push_str(env!("CARGO_PKG_VERSION"));
    h.push_str(". Invalid: a signature or digest does not verify, or the seal was misused (a check <em>failed</em>: proven wrong). Indeterminate: authentic as far as can be told, but a check was <em>not established</em>: a certificate is expired, untrusted or revoked, or a check could not be performed.</p>\n</body></html>\n");
    h
}

/// A member of a JSON object, or null.
fn at<'a>(value: &'a Value, key: &str) -> &'a Value {
    value.get(key).unwrap_or(&Value::Null)
}
