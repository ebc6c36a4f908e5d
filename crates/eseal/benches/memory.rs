//! Peak memory of verifying large OFD documents (docs/performance.md, "Memory").
//!
//! `cargo bench -p eseal --bench memory -- make DIR [MB] [COPIES]` writes `DIR/root.pem` and
//! `COPIES` signed OFD documents of about `MB` MB each (incompressible 8 MiB images, one per
//! page); `… -- verify FILE` verifies one in this process and prints its status and the
//! peak resident set (`VmHWM`), beside the input size. Run the CLI on the same files under
//! `/usr/bin/time -v` for the command-line figures (`eseal verify`, `eseal audit --jobs N`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/fixture.rs"]
mod fixture;

use eseal::ofd::{
    DocumentBuilder, DocumentMeta, ImageFormat, OfdVerifyOptions, PageSelector, PageSize, Rect,
    SignRequest, Stamp, sign_document, verify_document,
};
use eseal::ses::VerifyOptions;
use fixture::{Fixture, t};

/// `n` bytes of a JPEG-looking, incompressible picture.
fn picture(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = vec![0xff, 0xd8, 0xff, 0xe0];
    out.extend((4..n).map(|_| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x as u8
    }));
    out
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("make") => {
            let dir = std::path::Path::new(&args[1]);
            let mb: usize = args.get(2).map_or(100, |s| s.parse().unwrap());
            let copies: usize = args.get(3).map_or(1, |s| s.parse().unwrap());
            std::fs::create_dir_all(dir).unwrap();
            let Fixture {
                store,
                signer_key,
                signer_cert,
                seal,
            } = Fixture::new();
            let root = store.anchors()[0].to_pem();
            std::fs::write(dir.join("root.pem"), root).unwrap();
            let request = SignRequest::seal(&seal, &signer_cert, &signer_key, t(30))
                .stamp(Stamp::on_page(PageSelector::Index(0), 150.0, 230.0));
            for copy in 0..copies {
                let mut b = DocumentBuilder::new(DocumentMeta::default());
                let images = mb.div_ceil(8);
                for i in 0..images {
                    let id =
                        b.add_image(ImageFormat::Jpeg, picture(8 << 20, (copy * 97 + i) as u32));
                    b.add_page(PageSize::A4).image(
                        id,
                        Rect {
                            x: 10.0,
                            y: 10.0,
                            width: 100.0,
                            height: 100.0,
                        },
                    );
                }
                let unsigned = b.finish().unwrap();
                let signed = sign_document(&unsigned, &request).unwrap();
                let path = dir.join(format!("big_{copy}.ofd"));
                std::fs::write(&path, &signed).unwrap();
                println!("{}: {} bytes", path.display(), signed.len());
            }
        }
        Some("verify") => {
            let bytes = std::fs::read(&args[1]).unwrap();
            let pem =
                std::fs::read(std::path::Path::new(&args[1]).with_file_name("root.pem")).unwrap();
            let store = eseal::pki::TrustStore::from_pem(&pem).unwrap();
            let before = peak_rss_kib();
            let opts = OfdVerifyOptions::new(
                VerifyOptions::new()
                    .trust_anchors(&store)
                    .validation_time(t(60)),
            );
            let report = verify_document(&bytes, &opts).unwrap();
            let after = peak_rss_kib();
            println!(
                "status {:?}; input {:.1} MiB; peak RSS {:.1} MiB after reading, {:.1} MiB after \
                 verifying: {:.1} MiB above the input",
                report.status(),
                bytes.len() as f64 / 1048576.0,
                before as f64 / 1024.0,
                after as f64 / 1024.0,
                (after as f64 * 1024.0 - bytes.len() as f64) / 1048576.0,
            );
        }
        _ => eprintln!("usage: memory make DIR [MB] [COPIES] | memory verify FILE"),
    }
}
