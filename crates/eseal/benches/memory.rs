//! Peak memory of verifying large OFD and PDF documents (docs/performance.md, "Memory").
//!
//! `cargo bench -p eseal --bench memory -- make DIR [MB] [COPIES]` writes `DIR/root.pem`,
//! `COPIES` signed OFD documents of about `MB` MB each (incompressible 8 MiB images, one per
//! page) and as many signed PDFs alike (`big_N.pdf`, a seal signature on page 1); `… -- verify
//! FILE` verifies one in this process and prints its status and the peak resident set
//! (`VmHWM`), beside the input size. Run the CLI on the same files under
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

/// An unsigned PDF of `pages` A4 pages, each showing an 8 MiB incompressible JPEG-looking
/// image XObject, with a classic cross-reference table.
fn image_pdf(pages: usize, copy: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let object = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, head: String, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{head}", offsets.len()).as_bytes());
        if !body.is_empty() {
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendstream");
        }
        out.extend_from_slice(b"\nendobj\n");
    };
    // 1 catalog, 2 pages, then (page, content, image) triples.
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    object(
        &mut out,
        &mut offsets,
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        &[],
    );
    object(
        &mut out,
        &mut offsets,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} /MediaBox [0 0 595 842] >>",
            kids.join(" ")
        ),
        &[],
    );
    for i in 0..pages {
        let (content, image) = (4 + 3 * i, 5 + 3 * i);
        object(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Im0 {image} 0 R >> >> \
                 /Contents {content} 0 R >>"
            ),
            &[],
        );
        let draw = b"q 283 0 0 283 28 500 cm /Im0 Do Q";
        object(
            &mut out,
            &mut offsets,
            format!("<< /Length {} >>", draw.len()),
            draw,
        );
        let data = picture(8 << 20, (copy * 97 + i + 7) as u32);
        object(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /XObject /Subtype /Image /Width 2048 /Height 1024 /ColorSpace \
                 /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>",
                data.len()
            ),
            &data,
        );
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
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

                let unsigned = image_pdf(images, copy);
                let request =
                    eseal::pdf::SignRequest::seal(&seal, &signer_cert, &signer_key, t(30)).stamp(
                        eseal::pdf::Stamp::on_page(
                            eseal::pdf::PageSelector::Index(0),
                            150.0,
                            230.0,
                        ),
                    );
                let signed = eseal::pdf::sign_document(&unsigned, &request).unwrap();
                let path = dir.join(format!("big_{copy}.pdf"));
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
            let options = VerifyOptions::new()
                .trust_anchors(&store)
                .validation_time(t(60));
            let status = if args[1].ends_with(".pdf") {
                eseal::pdf::verify_document(&bytes, &options)
                    .unwrap()
                    .status()
            } else {
                verify_document(&bytes, &OfdVerifyOptions::new(options))
                    .unwrap()
                    .status()
            };
            let after = peak_rss_kib();
            println!(
                "status {:?}; input {:.1} MiB; peak RSS {:.1} MiB after reading, {:.1} MiB after \
                 verifying: {:.1} MiB above the input",
                status,
                bytes.len() as f64 / 1048576.0,
                before as f64 / 1024.0,
                after as f64 / 1024.0,
                (after as f64 * 1024.0 - bytes.len() as f64) / 1048576.0,
            );
        }
        _ => eprintln!("usage: memory make DIR [MB] [COPIES] | memory verify FILE"),
    }
}
