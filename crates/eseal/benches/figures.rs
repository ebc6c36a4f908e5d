//! The figures of `docs/performance.md` in one run: SM2, SM3 and SM4 next to reference figures
//! (from `openssl speed`, passed in by `scripts/bench.sh`), and the document-level costs (a full
//! seal-signature verification, OFD documents of 1 and 50 pages, a PDF, an e-license, path
//! validation with and without a [`VerifiedCache`]) per second and in raw SM2 verifications
//! each.
//!
//! Run `scripts/bench.sh`, or directly:
//! `cargo bench -p eseal --bench figures -- [--seconds S] [--ref NAME=VALUE]…`, where NAME is
//! one of the ids in the first column (e.g. `sm2_sign=3336`), in the unit shown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fixture.rs"]
mod fixture;
#[path = "../tests/license_support/sample.rs"]
mod sample;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use fixture::{Fixture, t};

use eseal::crypto::sm4::{self, Sm4Key};
use eseal::crypto::{PublicKey, SecretKey, Signature as Sm2Signature, sm3};
use eseal::document::{self, DocumentVerifyOptions};
use eseal::license::{FaceTemplate, IssueRequest, issue_ofd};
use eseal::ofd::{
    Color, DocumentBuilder, DocumentMeta, OfdVerifyOptions, PageSelector, PageSize, SignRequest,
    Stamp, sign_document, verify_document,
};
use eseal::pki::{Policy, TrustStore, VerifiedCache, verify_path, verify_path_with_cache};
use eseal::ses::{DataRef, VerifyOptions, verify_signature};
use eseal::verify::Status;

/// CPU time this thread has run (`/proc/thread-self/schedstat`, nanoseconds), if known.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Runs `f` for about `budget` (after a short warm-up); operations per second of this
/// thread's CPU time, as `openssl speed` counts by default (user CPU time), so that a machine
/// shared with other work does not bias the ratios; wall time where CPU time is unknown.
fn rate(budget: Duration, mut f: impl FnMut()) -> f64 {
    let warm = Instant::now();
    while warm.elapsed() < budget / 10 {
        f();
    }
    let cpu = thread_cpu();
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget || n < 3 {
        f();
        n += 1;
    }
    let spent = match (cpu, thread_cpu()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => start.elapsed(),
    };
    n as f64 / spent.as_secs_f64()
}

/// As [`rate`], in wall-clock time (for throughput across threads).
fn wall_rate(budget: Duration, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget || n < 3 {
        f();
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Bytes per second → MB/s (10⁶ bytes, as `openssl speed` counts).
fn mbps(ops: f64, len: usize) -> f64 {
    ops * len as f64 / 1e6
}

struct Table {
    refs: BTreeMap<String, f64>,
}

impl Table {
    fn row(&self, id: &str, what: &str, value: f64, unit: &str) {
        let (reference, ratio) = match self.refs.get(id) {
            Some(r) if *r > 0.0 => (format!("{r:.1}"), format!("{:.2}×", value / r)),
            _ => ("—".to_owned(), "—".to_owned()),
        };
        println!("| {id} | {what} | {value:.1} {unit} | {reference} | {ratio} |");
    }

    fn note(&self, id: &str, what: &str, value: String) {
        println!("| {id} | {what} | {value} | — | — |");
    }
}

fn ofd_document(pages: usize) -> Vec<u8> {
    let mut b = DocumentBuilder::new(DocumentMeta::default());
    let font = b.add_font("宋体", None);
    for i in 0..pages {
        b.add_page(PageSize::A4).text(
            font,
            5.0,
            20.0,
            30.0,
            &format!("第 {} 页：关于开展电子印章试点工作的通知", i + 1),
            Color::BLACK,
        );
    }
    b.finish().unwrap()
}

/// The SM4 rows (also alone, with `--only sm4`, to compare with `openssl speed` back to back).
fn sm4_rows(table: &Table, budget: Duration) {
    let sm4_key = Sm4Key::from_bytes([0x42; 16]);
    let iv = [0x24u8; 16];
    let len = 8192usize;
    // 8 KiB minus the padding block, so the CBC ciphertext is 8 KiB as in `openssl speed`.
    let plain = vec![0x11u8; len - 16];
    let ops = rate(budget, || {
        black_box(sm4::cbc_encrypt(&sm4_key, &iv, black_box(&plain)).unwrap());
    });
    table.row(
        "sm4_cbc_enc",
        "SM4-CBC encrypt, 8 KiB",
        mbps(ops, len),
        "MB/s",
    );
    let ct = sm4::cbc_encrypt(&sm4_key, &iv, &plain).unwrap();
    let ops = rate(budget, || {
        black_box(sm4::cbc_decrypt(&sm4_key, &iv, black_box(&ct)).unwrap());
    });
    table.row(
        "sm4_cbc_dec",
        "SM4-CBC decrypt, 8 KiB",
        mbps(ops, len),
        "MB/s",
    );
    let plain = vec![0x11u8; len];
    let ops = rate(budget, || {
        black_box(sm4::ctr_encrypt(&sm4_key, &iv, black_box(&plain)).unwrap());
    });
    table.row("sm4_ctr", "SM4-CTR, 8 KiB", mbps(ops, len), "MB/s");
    let ops = rate(budget, || {
        black_box(sm4::ctr_decrypt(&sm4_key, &iv, black_box(&plain)).unwrap());
    });
    table.row(
        "sm4_ctr_dec",
        "SM4-CTR decrypt, 8 KiB",
        mbps(ops, len),
        "MB/s",
    );
    let ops = rate(budget, || {
        black_box(sm4::gcm_encrypt(&sm4_key, &iv[..12], &[], black_box(&plain)).unwrap());
    });
    table.row(
        "sm4_gcm_enc",
        "SM4-GCM encrypt, 8 KiB",
        mbps(ops, len),
        "MB/s",
    );
    let sealed = sm4::gcm_encrypt(&sm4_key, &iv[..12], &[], &plain).unwrap();
    let ops = rate(budget, || {
        black_box(sm4::gcm_decrypt(&sm4_key, &iv[..12], &[], black_box(&sealed)).unwrap());
    });
    table.row(
        "sm4_gcm_dec",
        "SM4-GCM decrypt, 8 KiB",
        mbps(ops, len),
        "MB/s",
    );
}

fn profile_ofd(pages: usize) {
    let fx = Fixture::new();
    let signed = signed_ofd(&fx, pages);
    let cache = VerifiedCache::new();
    let opts = warm_ofd_options(&fx.store, &cache);
    for _ in 0..20 {
        let report = verify_document(black_box(&signed), &opts).unwrap();
        assert_eq!(report.status(), Status::Valid);
    }
}

/// A 1-page PDF with the signer's CMS signature.
fn pdf_document(fx: &Fixture) -> Vec<u8> {
    use eseal::pdf::render::{
        Color as PdfColor, DocumentBuilder as PdfBuilder, DocumentMeta as PdfMeta,
        PageSize as PdfPageSize,
    };
    let mut b = PdfBuilder::new(PdfMeta::default());
    let font = b.standard_font();
    b.add_page(PdfPageSize::A4).text(
        font,
        5.0,
        20.0,
        30.0,
        "关于开展电子印章试点工作的通知",
        PdfColor::BLACK,
    );
    let request = eseal::pdf::SignRequest::digital(&fx.signer_cert, &fx.signer_key, t(30)).stamp(
        eseal::pdf::Stamp::on_page(eseal::pdf::PageSelector::Index(0), 150.0, 230.0)
            .size(40.0, 20.0),
    );
    eseal::pdf::sign_document(&b.finish().unwrap(), &request).unwrap()
}

/// An e-license issued with the fixture's seal (the license benches' sample metadata).
fn license_document(fx: &Fixture) -> Vec<u8> {
    let meta = sample::business_license("20240000001");
    let template = FaceTemplate::standard(&meta);
    issue_ofd(&IssueRequest::new(
        &meta,
        &template,
        &fx.seal,
        &fx.signer_cert,
        &fx.signer_key,
        t(30),
    ))
    .unwrap()
    .ofd
}

/// OFD verification at day 60 against `store`, sharing `cache`.
fn warm_ofd_options<'a>(store: &'a TrustStore, cache: &'a VerifiedCache) -> OfdVerifyOptions<'a> {
    OfdVerifyOptions::new(
        VerifyOptions::new()
            .trust_anchors(store)
            .validation_time(t(60))
            .verified_cache(cache),
    )
}

/// An OFD document of `pages` pages with the fixture's seal signature on the first.
fn signed_ofd(fx: &Fixture, pages: usize) -> Vec<u8> {
    let request = SignRequest::seal(&fx.seal, &fx.signer_cert, &fx.signer_key, t(30))
        .stamp(Stamp::on_page(PageSelector::Index(0), 150.0, 230.0));
    sign_document(&ofd_document(pages), &request).unwrap()
}

/// The audit rows alone (`--only audit`), to repeat them while the machine is quiet.
fn audit_only(table: &Table, budget: Duration) {
    let fx = Fixture::new();
    let signed = signed_ofd(&fx, 1);
    let cache = VerifiedCache::new();
    let opts = warm_ofd_options(&fx.store, &cache);
    let verify_warm = || {
        let report = verify_document(black_box(&signed), black_box(&opts)).unwrap();
        assert_eq!(report.status(), Status::Valid);
    };
    let warm = rate(budget, verify_warm);
    audit_rows(table, budget, &verify_warm, warm);
    // Diagnostics: two threads with a cache each (no shared lock at all), and how often a
    // thread of the shared-cache pair gave up the CPU voluntarily (blocking on a lock does).
    let caches = [VerifiedCache::new(), VerifiedCache::new()];
    let own: f64 = std::thread::scope(|s| {
        let handles: Vec<_> = caches
            .iter()
            .map(|cache| {
                let signed = &signed;
                let store = &fx.store;
                s.spawn(move || {
                    let opts = warm_ofd_options(store, cache);
                    wall_rate(budget, || {
                        let report = verify_document(black_box(signed), &opts).unwrap();
                        assert_eq!(report.status(), Status::Valid);
                    })
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    table.row(
        "audit_2t_own_cache",
        "… 2 threads with a cache each (nothing shared), wall clock",
        own,
        "docs/s",
    );
    let switches: Vec<(u64, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let before = voluntary_switches();
                    let mut n = 0u64;
                    let start = std::time::Instant::now();
                    while start.elapsed() < budget {
                        verify_warm();
                        n += 1;
                    }
                    (voluntary_switches().saturating_sub(before), n)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let (waits, docs) = switches
        .iter()
        .fold((0, 0), |(w, d), (a, b)| (w + a, d + b));
    table.note(
        "audit_2t_waits",
        "… 2 threads sharing the cache: voluntary context switches per 1,000 documents",
        format!("{:.2}", waits as f64 * 1000.0 / docs.max(1) as f64),
    );
}

/// This thread's voluntary context switches so far (`/proc/thread-self/status`), 0 if unknown.
fn voluntary_switches() -> u64 {
    std::fs::read_to_string("/proc/thread-self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Audit throughput (wall clock): warm documents on one thread, then on two sharing the
/// cache; and the same two threads in CPU time. `warm` is one thread's CPU-time rate.
fn audit_rows(table: &Table, budget: Duration, verify_warm: &(impl Fn() + Sync), warm: f64) {
    // Audit throughput (wall clock): warm documents on one thread, then on two
    // sharing the cache.
    let one = wall_rate(budget, verify_warm);
    let total: f64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| wall_rate(budget, verify_warm)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    table.row(
        "audit_1t",
        "audit throughput (1-page OFD, warm cache), 1 thread, wall clock",
        one,
        "docs/s",
    );
    table.row(
        "audit_2t",
        "audit throughput (1-page OFD, warm cache), 2 threads, wall clock",
        total,
        "docs/s",
    );
    table.note(
        "audit_scaling",
        "… speed-up from 1 to 2 threads",
        format!("{:.2}×", total / one),
    );
    // The same two threads in CPU time: each thread's documents per CPU-second
    // against one thread's. Below 1 means the threads slow each other (a lock,
    // shared cache lines), whether or not the machine has a free core.
    let per_thread: f64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| rate(budget, verify_warm)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum::<f64>() / 2.0
    });
    table.note(
        "audit_2t_cpu",
        "… 2 threads: documents per CPU-second of each, against 1 thread's",
        format!("{:.2}", per_thread / warm),
    );
}

fn profile_ses() {
    let fx = Fixture::new();
    let document = vec![0x5Au8; 4096];
    let der = fx.seal_signature(&document).as_der().to_vec();
    let opts = VerifyOptions::new()
        .trust_anchors(&fx.store)
        .validation_time(t(60))
        .data(DataRef::Bytes(&document));
    for _ in 0..200 {
        let report = verify_signature(black_box(&der), black_box(&opts)).unwrap();
        assert_eq!(report.status(), Status::Valid);
    }
}

fn main() {
    let mut seconds = 1.0f64;
    let mut only = None;
    let mut refs = BTreeMap::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => seconds = args.next().and_then(|s| s.parse().ok()).unwrap(),
            "--only" => only = args.next(),
            "--ref" => {
                let kv = args.next().unwrap();
                let (k, v) = kv.split_once('=').unwrap();
                // An empty value: the reference could not be measured.
                if let Ok(v) = v.parse() {
                    refs.insert(k.to_owned(), v);
                }
            }
            _ => {} // `cargo bench` passes `--bench`.
        }
    }
    let budget = Duration::from_secs_f64(seconds);
    let table = Table { refs };
    println!("| id | figure | eseal | reference | ratio |");
    println!("|---|---|---|---|---|");
    if only.as_deref() == Some("sm4") {
        sm4_rows(&table, budget);
        return;
    }
    if only.as_deref() == Some("audit") {
        audit_only(&table, budget);
        return;
    }
    if let Some(which) = only.as_deref().and_then(|o| o.strip_prefix("profile_doc_")) {
        // For callgrind: 50 cold `document::verify` runs of the PDF or the e-license row.
        let fx = Fixture::new();
        let bytes = if which == "pdf" {
            pdf_document(&fx)
        } else {
            license_document(&fx)
        };
        let opts = DocumentVerifyOptions::new(
            VerifyOptions::new()
                .trust_anchors(&fx.store)
                .validation_time(t(60)),
        );
        for _ in 0..50 {
            let report = document::verify(black_box(&bytes), &opts).unwrap();
            assert_eq!(report.status(), Status::Valid);
        }
        return;
    }
    if only.as_deref() == Some("profile_ses") {
        // For callgrind: 200 cold seal-signature verifications (a cache per verification).
        profile_ses();
        return;
    }
    if let Some(pages) = only.as_deref().and_then(|o| o.strip_prefix("profile_ofd")) {
        // For callgrind: 20 warm verifications of one OFD document of `pages` pages.
        profile_ofd(pages.parse().unwrap());
        return;
    }

    // SM2 over a short message, as `openssl speed sm2` (which includes Z and SM3 too).
    let key = SecretKey::from_bytes(&[0x5a; 32]).unwrap();
    let message = [0x33u8; 32];
    let sig = key.sign(&message).unwrap();
    let public = *key.public_key();
    let sign = rate(budget, || {
        black_box(key.sign(black_box(&message)).unwrap());
    });
    table.row("sm2_sign", "SM2 sign", sign, "/s");
    let raw_verify = rate(budget, || {
        public.verify(black_box(&message), black_box(&sig)).unwrap();
    });
    table.row("sm2_verify", "SM2 verify", raw_verify, "/s");

    for (id, what, len) in [
        ("sm3_1k", "SM3, 1 KiB messages", 1024usize),
        ("sm3_1m", "SM3, 1 MiB messages", 1 << 20),
    ] {
        let data = vec![0xa5u8; len];
        let ops = rate(budget, || {
            black_box(sm3::sm3(black_box(&data)));
        });
        table.row(id, what, mbps(ops, len), "MB/s");
    }

    sm4_rows(&table, budget);

    // Document level, against the benches' shared CA hierarchy (root → maker, signer).
    let fixture = Fixture::new();
    let (store, signer_cert) = (&fixture.store, &fixture.signer_cert);
    let document = vec![0x5Au8; 4096];
    let signature = fixture.seal_signature(&document);
    let der = signature.as_der().to_vec();
    let opts = VerifyOptions::new()
        .trust_anchors(store)
        .validation_time(t(60))
        .data(DataRef::Bytes(&document));
    assert_eq!(
        verify_signature(&der, &opts).unwrap().status(),
        Status::Valid
    );
    // Raw SM2 verification over the real TBS_Sign, the unit of the "each" figures.
    let signer_public = PublicKey::from_sec1_bytes(signer_cert.sm2_public_key().unwrap()).unwrap();
    let value = Sm2Signature::from_der(signature.signature_value()).unwrap();
    let tbs = signature.tbs_der().to_vec();
    let raw = rate(budget, || {
        signer_public
            .verify(black_box(&tbs), black_box(&value))
            .unwrap();
    });
    // The same with the `sm2` crate's verifier: what eseal's `PublicKey::verify` was when
    // issue 14 set its goals in "raw SM2 verifications" (see docs/performance.md).
    let crate_key = sm2::dsa::VerifyingKey::new(
        "1234567812345678",
        sm2::PublicKey::from_sec1_bytes(signer_cert.sm2_public_key().unwrap()).unwrap(),
    )
    .unwrap();
    let crate_value = sm2::dsa::Signature::from_slice(&value.to_raw()).unwrap();
    let crate_raw = rate(budget, || {
        sm2::dsa::signature::Verifier::verify(&crate_key, black_box(&tbs), black_box(&crate_value))
            .unwrap();
    });
    let ses = rate(budget, || {
        let report = verify_signature(black_box(&der), black_box(&opts)).unwrap();
        assert_eq!(report.status(), Status::Valid);
    });
    table.row(
        "ses_verify",
        "full SES signature verification, cold (a cache per document)",
        ses,
        "/s",
    );
    table.note(
        "ses_verify_cost",
        "… in raw SM2 verifications each (eseal's own; at least 4 cold)",
        format!("{:.2}", raw / ses),
    );
    table.note(
        "ses_verify_cost_crate",
        "… in `sm2` crate verifications each (the unit when issue 14 was filed)",
        format!("{:.2}", crate_raw / ses),
    );
    // An audit: one cache across documents, so the CA links and the seal are known.
    let audit_cache = VerifiedCache::new();
    let warm_opts = opts.clone().verified_cache(&audit_cache);
    let ses_warm = rate(budget, || {
        let report = verify_signature(black_box(&der), black_box(&warm_opts)).unwrap();
        assert_eq!(report.status(), Status::Valid);
    });
    table.row(
        "ses_verify_warm",
        "full SES signature verification, warm VerifiedCache (audit)",
        ses_warm,
        "/s",
    );
    table.note(
        "ses_verify_warm_cost",
        "… in raw SM2 verifications each",
        format!("{:.2}", raw / ses_warm),
    );

    let path_policy = Policy::default();
    let plain_path = rate(budget, || {
        let _ = black_box(verify_path(signer_cert, &[], store, &[], &path_policy, t(60)).unwrap());
    });
    let cache = VerifiedCache::new();
    let warm_path = rate(budget, || {
        let _ = black_box(
            verify_path_with_cache(
                signer_cert,
                &[],
                store,
                &[],
                &path_policy,
                t(60),
                Some(&cache),
            )
            .unwrap(),
        );
    });
    table.row(
        "path",
        "path validation (leaf → root), no cache",
        plain_path,
        "/s",
    );
    table.row(
        "path_warm",
        "path validation (leaf → root), warm VerifiedCache",
        warm_path,
        "/s",
    );
    table.note(
        "path_warm_cost",
        "… in raw SM2 verifications each (cold / warm)",
        format!("{:.2} / {:.2}", raw / plain_path, raw / warm_path),
    );

    let ofd_opts = OfdVerifyOptions::new(
        VerifyOptions::new()
            .trust_anchors(store)
            .validation_time(t(60)),
    );
    let ofd_warm_opts = warm_ofd_options(store, &audit_cache);
    for pages in [1usize, 50] {
        let signed = signed_ofd(&fixture, pages);
        let verify = || {
            let report = verify_document(black_box(&signed), black_box(&ofd_opts)).unwrap();
            assert_eq!(report.status(), Status::Valid);
        };
        let verify_warm = || {
            let report = verify_document(black_box(&signed), black_box(&ofd_warm_opts)).unwrap();
            assert_eq!(report.status(), Status::Valid);
        };
        let warm = rate(budget, verify_warm);
        table.row(
            &format!("ofd_{pages}p_warm"),
            &format!("OFD verification, {pages} page(s), warm VerifiedCache"),
            warm,
            "docs/s",
        );
        table.note(
            &format!("ofd_{pages}p_warm_cost"),
            "… in raw SM2 verifications each",
            format!("{:.2}", raw / warm),
        );
        if pages == 1 {
            audit_rows(&table, budget, &verify_warm, warm);
        }
        let docs = rate(budget, verify);
        table.row(
            &format!("ofd_{pages}p"),
            &format!("OFD verification, {pages} page(s), {} bytes", signed.len()),
            docs,
            "docs/s",
        );
        table.note(
            &format!("ofd_{pages}p_cost"),
            "… in raw SM2 verifications each",
            format!("{:.2}", raw / docs),
        );
    }
    // PDF (one CMS signature, 1 page) and an e-license (an OFD with face, 2D code, metadata
    // and a seal signature) through `document::verify`, cold: a cache per document.
    let pdf = pdf_document(&fixture);
    let license = license_document(&fixture);
    let doc_opts = DocumentVerifyOptions::new(
        VerifyOptions::new()
            .trust_anchors(store)
            .validation_time(t(60)),
    );
    for (id, what, bytes) in [
        (
            "pdf_verify",
            "PDF verification, 1 page, 1 CMS signature",
            &pdf,
        ),
        (
            "license_verify",
            "e-license verification (document::verify)",
            &license,
        ),
    ] {
        assert_eq!(
            document::verify(bytes, &doc_opts).unwrap().status(),
            Status::Valid
        );
        let docs = rate(budget, || {
            let report = document::verify(black_box(bytes), black_box(&doc_opts)).unwrap();
            assert_eq!(report.status(), Status::Valid);
        });
        table.row(
            id,
            &format!("{what}, {} bytes", bytes.len()),
            docs,
            "docs/s",
        );
        table.note(
            &format!("{id}_cost"),
            "… in raw SM2 verifications each",
            format!("{:.2}", raw / docs),
        );
    }
    table.row(
        "raw_sm2_verify_tbs",
        "raw SM2 verification over TBS_Sign",
        raw,
        "/s",
    );
    table.row(
        "crate_sm2_verify_tbs",
        "the same with the `sm2` crate's verifier",
        crate_raw,
        "/s",
    );
}
