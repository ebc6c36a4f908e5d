//! Licenses audited per second: 10,000 e-licenses issued by eseal (each an OFD with face,
//! 2D code, metadata and a v4 seal signature), then every one verified through
//! `document::verify` (sniffing, the OFD verification with four path validations against an
//! in-memory trust store, and the `license.*` checks), once on one thread and once on every
//! core; then the process's peak memory (VmHWM).
//!
//! Run: `cargo bench -p eseal --bench license_audit` (10,000 licenses), `-- --quick` (1,000)
//! or `-- --count N`; `-- --pdf` issues and audits the PDF rendition instead (each a PDF with
//! the same face, the metadata as an embedded file and an SES seal signature).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/fixture.rs"]
mod fixture;
#[path = "../tests/license_support/sample.rs"]
mod sample;

use std::time::Instant;

use eseal::document::{self, DocumentVerifyOptions};
use eseal::license::{FaceTemplate, IssueRequest, issue_ofd, issue_pdf};
use eseal::verify::{DocumentFormat, Status, VerifyOptions};
use fixture::{Fixture, t};

fn count() -> usize {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--count") {
        return args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .expect("--count N");
    }
    if args.iter().any(|a| a == "--quick") {
        1_000
    } else {
        10_000
    }
}

/// Whether `--pdf` asks for the PDF rendition.
fn pdf() -> bool {
    std::env::args().any(|a| a == "--pdf")
}

/// Runs `f` over `0..n` on `threads` threads (contiguous chunks); results in order.
fn parallel<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let chunk = n.div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                let f = &f;
                s.spawn(move || (start..(start + chunk).min(n)).map(f).collect::<Vec<T>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

/// Peak resident memory of this process in MiB (Linux `VmHWM`), if known.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let n = count();
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let Fixture {
        store,
        signer_key,
        signer_cert,
        seal,
    } = Fixture::new();
    let started = Instant::now();
    let as_pdf = pdf();
    let licenses: Vec<Vec<u8>> = parallel(n, cores, |i| {
        let meta = sample::business_license(&format!("2024{i:07}"));
        let template = FaceTemplate::standard(&meta);
        let request = IssueRequest::new(&meta, &template, &seal, &signer_cert, &signer_key, t(30));
        if as_pdf {
            issue_pdf(&request).unwrap().pdf
        } else {
            issue_ofd(&request).unwrap().ofd
        }
    });
    let bytes: usize = licenses.iter().map(Vec::len).sum();
    println!(
        "issued {n} {} licenses in {:.1} s ({} KiB each on average), {cores} core(s)",
        if as_pdf { "PDF" } else { "OFD" },
        started.elapsed().as_secs_f64(),
        bytes / n.max(1) / 1024
    );
    let options = DocumentVerifyOptions::new(
        VerifyOptions::new()
            .trust_anchors(&store)
            .validation_time(t(40)),
    );
    let audit = |threads: usize| {
        let start = Instant::now();
        let statuses = parallel(n, threads, |i| {
            let bytes = &licenses[i];
            assert_eq!(document::sniff(bytes), Some(DocumentFormat::License));
            document::verify(bytes, &options).unwrap().status()
        });
        let seconds = start.elapsed().as_secs_f64();
        let valid = statuses.iter().filter(|s| **s == Status::Valid).count();
        assert_eq!(valid, n, "every generated license verifies valid");
        (n as f64 / seconds, seconds)
    };
    let (one, one_s) = audit(1);
    println!("audit, 1 thread:   {one:>8.1} licenses/s ({n} in {one_s:.1} s)");
    let (all, all_s) = audit(cores);
    println!("audit, {cores} threads: {all:>8.1} licenses/s ({n} in {all_s:.1} s)");
    match peak_mib() {
        Some(mib) => println!(
            "peak memory: {mib:.0} MiB (the {n} license files themselves: {:.0} MiB)",
            bytes as f64 / 1048576.0
        ),
        None => println!("peak memory: unknown (no /proc/self/status)"),
    }
}
