//! `eseal demo`: everything eseal does, with no setup, in a few seconds. A demo trust
//! hierarchy, three seals, an OFD document stamped with a normal and a riding seal (both
//! timestamped), a detached signature, the verification of all of it, and a tampered copy that
//! is caught. Every file is left in the output directory for the user to open and re-verify.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;
use eseal::crypto::SecretKey;
use eseal::crypto::pbes2::EncryptOptions;
use eseal::document::DocumentVerifyOptions;
use eseal::keyfile::{self, KeyFormat};
use eseal::ofd::{
    Color, DocumentBuilder, DocumentMeta, Edge, ImageFormat, LocalTsaSource, OfdPackage, PageRange,
    PageSelector, PageSize, Rect, SignMode, SignRequest, Stamp,
};
use eseal::pki::tsp::LocalTsa;
use eseal::pki::{
    Certificate, CertificateAuthority, CertificateProfile, CertificateTemplate, DistinguishedName,
    Signer as _, SoftwareSigner, TrustStore,
};
use eseal::ses::{
    ParseMode, PictureFormat, Seal, SealBuilder, SealPicture, SealType, SealValidity, SesVersion,
    VerifyOptions,
};
use eseal::verify::Status;

use crate::exit::Exit;
use crate::files::{self, Secrecy};
use crate::output::Style;
use crate::report::{self, Outcome};

/// `eseal demo`
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Directory for the demo's files (created if missing; files of an earlier demo run in it
    /// are replaced).
    #[arg(long, value_name = "DIR", default_value = "eseal-demo")]
    out: PathBuf,
    /// Print every check of every verification (by default the stamped document's report in
    /// full and the tampered copy's failed checks).
    #[arg(long)]
    verbose: bool,
}

const DAY: u64 = 86_400;

fn rng() -> eseal::rand_core::UnwrapErr<getrandom::SysRng> {
    eseal::rand_core::UnwrapErr(getrandom::SysRng)
}

fn dn(cn: &str) -> DistinguishedName {
    DistinguishedName::new()
        .country("CN")
        .organization("eseal 演示单位")
        .common_name(cn)
}

/// A generated key, also written to `dir/name` as PKCS#8 PEM (mode 0600).
fn new_key(dir: &Path, name: &str) -> anyhow::Result<SoftwareSigner> {
    let key = SecretKey::generate().context("cannot generate a key")?;
    let pem = keyfile::encode(
        &key,
        KeyFormat::Pkcs8Pem,
        None,
        &EncryptOptions::new(),
        &mut getrandom::SysRng,
    )?;
    files::write(&dir.join(name), &pem, true, Secrecy::Secret)?;
    Ok(SoftwareSigner::from_secret_key(key))
}

fn write_cert(dir: &Path, name: &str, cert: &Certificate) -> anyhow::Result<()> {
    files::write(
        &dir.join(name),
        cert.to_pem().as_bytes(),
        true,
        Secrecy::Public,
    )
}

/// What the demo made, for the final listing.
struct Made {
    files: Vec<(String, &'static str)>,
}

impl Made {
    fn add(&mut self, name: &str, what: &'static str) {
        self.files.push((name.to_owned(), what));
    }
}

pub(crate) fn run(args: &DemoArgs) -> anyhow::Result<Exit> {
    let dir = &args.out;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let style = Style::detect();
    let step = |n: u32, text: &str| println!("\n{}", style.bold(&format!("[{n}/6] {text}")));
    let now = crate::inputs::now()?;
    // Certificates start an hour back, so that clocks a little behind still accept them.
    let start = now.saturating_sub_seconds(3600);
    let mut made = Made { files: Vec::new() };
    println!(
        "{}",
        style.bold(&format!(
            "eseal demo: making, stamping and verifying electronic seals in {}",
            dir.display()
        ))
    );

    // 1. The trust hierarchy.
    step(
        1,
        "A demo PKI: root CA, seal maker (制章者), signer (签章者), time-stamping authority",
    );
    let root = CertificateAuthority::self_signed(
        new_key(dir, "root.key")?,
        &CertificateTemplate::new(
            CertificateProfile::Root { path_len: None },
            dn("eseal Demo Root CA"),
            start,
            now.saturating_add_seconds(3650 * DAY),
        ),
        &mut rng(),
    )
    .context("cannot make the root CA")?;
    write_cert(dir, "root.pem", root.certificate())?;
    made.add(
        "root.pem",
        "trust anchor (root CA certificate); root.key is its key",
    );
    let issue = |profile, cn: &str, name: &str| -> anyhow::Result<(SoftwareSigner, Certificate)> {
        let signer = new_key(dir, &format!("{name}.key"))?;
        let spki = signer.public_key_spki()?;
        let cert = root
            .issue(
                &CertificateTemplate::new(
                    profile,
                    dn(cn),
                    start,
                    now.saturating_add_seconds(3 * 365 * DAY),
                ),
                &spki,
                &mut rng(),
            )
            .with_context(|| format!("cannot issue the {name} certificate"))?;
        write_cert(dir, &format!("{name}.pem"), &cert)?;
        Ok((signer, cert))
    };
    let (maker_key, maker_cert) = issue(CertificateProfile::SealMaker, "演示制章系统", "maker")?;
    made.add("maker.pem", "seal maker certificate (maker.key: its key)");
    let (signer_key, signer_cert) = issue(CertificateProfile::Signer, "张三", "signer")?;
    made.add("signer.pem", "signer certificate (signer.key: its key)");
    let (tsa_key, tsa_cert) = issue(CertificateProfile::Tsa, "eseal Demo TSA", "tsa")?;
    made.add("tsa.pem", "TSA certificate (tsa.key: its key)");
    let tsa = LocalTsa::new(
        tsa_cert.clone(),
        tsa_key,
        eseal::oid::ESEAL_LOCAL_TSA_POLICY,
    )
    .context("cannot start the demo TSA")?;
    for (label, cert) in [
        ("root", root.certificate()),
        ("seal maker", &maker_cert),
        ("signer", &signer_cert),
        ("TSA", &tsa_cert),
    ] {
        println!("  {label:<11} {}", cert.subject_string());
    }

    // 2. Seals.
    step(
        2,
        "Seals (制章): GB/T 38540 (v4), GM/T 0031-2014 (v1), GM/T 0031-2025 (v5)",
    );
    let png = crate::picture::seal_png(256)?;
    files::write(&dir.join("seal.png"), &png, true, Secrecy::Public)?;
    made.add("seal.png", "the seal picture (印模) drawn by the demo");
    let validity = SealValidity::new(now, start, now.saturating_add_seconds(2 * 365 * DAY))?;
    let mut seals = Vec::new();
    for (version, name, file) in [
        (SesVersion::V4, "eseal 演示单位公章", "seal-v4.esl"),
        (SesVersion::V1, "eseal 演示单位公章 (v1)", "seal-v1.esl"),
        (SesVersion::V5, "eseal 演示单位公章 (v5)", "seal-v5.esl"),
    ] {
        let picture = SealPicture::new(PictureFormat::Png, png.clone(), 40, 40)?;
        let mut builder = SealBuilder::new(
            format!("DEMO{}", version.number()),
            name,
            SealType::Official,
            validity,
            picture,
        );
        builder
            .version(version)
            .add_signer_certificate(&signer_cert);
        let seal = builder
            .build(&maker_key, &maker_cert)
            .with_context(|| format!("cannot make the {version} seal"))?;
        files::write(&dir.join(file), seal.as_der(), true, Secrecy::Public)?;
        made.add(file, "electronic seal (SESeal)");
        println!("  {file:<12} {version}, \"{name}\", for signer 张三");
        seals.push((file, seal));
    }
    let seal_v4 = Seal::from_der(
        seals.first().map(|(_, s)| s.as_der()).unwrap_or_default(),
        ParseMode::Strict,
    )?;

    // 3. A document, stamped.
    step(
        3,
        "An OFD document, stamped (签章): a seal on page 1 and a riding seal (骑缝章) across both pages, timestamped; the same contract as a PDF, stamped",
    );
    let document = demo_document(&png)?;
    files::write(&dir.join("document.ofd"), &document, true, Secrecy::Public)?;
    made.add("document.ofd", "the unsigned OFD document");
    let tsa_source = LocalTsaSource::new(&tsa, now);
    let stamped = eseal::ofd::sign_document(
        &document,
        &SignRequest::seal(&seal_v4, &signer_cert, &signer_key, now)
            .stamp(Stamp::on_page(PageSelector::Index(0), 140.0, 215.0))
            .timestamp(&tsa_source),
    )
    .context("cannot stamp the document")?;
    let signed = eseal::ofd::sign_document(
        &stamped,
        &SignRequest::seal(&seal_v4, &signer_cert, &signer_key, now)
            .stamp(Stamp::riding(PageRange::All, Edge::Right, 120.0))
            .mode(SignMode::ContinueSigning)
            .timestamp(&tsa_source),
    )
    .context("cannot add the riding seal")?;
    files::write(&dir.join("signed.ofd"), &signed, true, Secrecy::Public)?;
    made.add("signed.ofd", "the document with a seal and a riding seal");
    println!("  signed.ofd       2 seal signatures, timestamped by the demo TSA");

    // The same contract as a PDF, stamped by incremental update (SES_Signature, timestamped).
    let pdf = demo_pdf(&png)?;
    files::write(&dir.join("document.pdf"), &pdf, true, Secrecy::Public)?;
    made.add("document.pdf", "the contract as an unsigned PDF");
    let signed_pdf = eseal::pdf::sign_document(
        &pdf,
        &eseal::pdf::SignRequest::seal(&seal_v4, &signer_cert, &signer_key, now)
            .stamp(Stamp::on_page(PageSelector::Index(0), 140.0, 215.0))
            .timestamp(&tsa_source),
    )
    .context("cannot stamp the PDF")?;
    files::write(&dir.join("signed.pdf"), &signed_pdf, true, Secrecy::Public)?;
    made.add(
        "signed.pdf",
        "the PDF with a seal signature (SES_Signature), timestamped",
    );
    println!("  signed.pdf       the same contract as a PDF, stamped by incremental update");

    // A detached signature over raw data.
    let contract = "eseal demo: 本合同一式两份，双方签章后生效。\n".as_bytes();
    files::write(&dir.join("contract.txt"), contract, true, Secrecy::Public)?;
    let signer_credential = crate::credential::Credential {
        signer: signer_key,
        certificate: signer_cert,
    };
    let sig = crate::sign::sign_data(
        &seal_v4,
        &signer_credential,
        contract,
        "contract.txt",
        now,
        Some(&tsa),
    )?;
    // Named `X.sig` for the data `X`: the convention `eseal audit` pairs them by.
    files::write(&dir.join("contract.txt.sig"), &sig, true, Secrecy::Public)?;
    made.add("contract.txt", "some data");
    made.add(
        "contract.txt.sig",
        "a detached SES_Signature over contract.txt",
    );
    println!("  contract.txt.sig detached signature over contract.txt");

    // An e-license (电子证照) issued by the signer's unit, stamped with the same seal.
    let (code_text, issuer_cert) = demo_license(dir, &seal_v4, &signer_credential, now)?;
    made.add(
        "license.json",
        "e-license metadata (GB/T 36903 elements, JSON)",
    );
    made.add(
        "license.ofd",
        "an e-license issued from license.json: face, 2D code, metadata, seal",
    );
    made.add(
        "license-code.txt",
        "the license's 2D-code text (what a phone scans)",
    );
    made.add("license-code.png", "the license's 2D code as a PNG");
    made.add(
        "license.pdf",
        "the same e-license as PDF: metadata as an embedded file, the same seal",
    );
    println!(
        "  license.ofd      e-license (营业执照) with a {}-character verification 2D code",
        code_text.len()
    );
    println!("  license.pdf      the same e-license as PDF");

    // 4. Tampering.
    step(
        4,
        "A tampered copy: one word of page 1 changed after signing",
    );
    let tampered = tamper(&signed)?;
    files::write(&dir.join("tampered.ofd"), &tampered, true, Secrecy::Public)?;
    made.add(
        "tampered.ofd",
        "signed.ofd with page 1 altered: must verify invalid",
    );
    println!("  tampered.ofd     \"1,000,000\" became \"9,000,000\" in page 1");

    // 5. Verification.
    step(5, "Verification (验章) against the demo root, now");
    let trust = TrustStore::from_certificates([root.certificate().clone()]);
    let issuers = [issuer_cert];
    let options = DocumentVerifyOptions::new(
        VerifyOptions::new()
            .trust_anchors(&trust)
            .validation_time(now),
    )
    .signer_certificates(&issuers);
    let mut all_as_expected = true;
    let cases: [(&str, Option<&[u8]>, Status); 12] = [
        ("seal-v4.esl", None, Status::Valid),
        ("seal-v1.esl", None, Status::Valid),
        ("seal-v5.esl", None, Status::Valid),
        ("contract.txt.sig", Some(contract), Status::Valid),
        ("document.ofd", None, Status::Indeterminate),
        ("signed.ofd", None, Status::Valid),
        ("tampered.ofd", None, Status::Invalid),
        ("license.ofd", None, Status::Valid),
        ("license.pdf", None, Status::Valid),
        ("license-code.txt", None, Status::Valid),
        ("document.pdf", None, Status::Indeterminate),
        ("signed.pdf", None, Status::Valid),
    ];
    let mut full = Vec::new();
    for (file, data, expected) in cases {
        let outcome = report::verify_path(&dir.join(file), &options, data);
        let ok = matches!(&outcome, Outcome::Report(r) if r.status() == expected);
        all_as_expected &= ok;
        let note = match (file, expected) {
            ("document.ofd" | "document.pdf", _) => "unsigned: nothing vouches for it",
            (_, Status::Invalid) => "tampering caught",
            _ => "genuine",
        };
        println!(
            "  {file:<17} {:<24} {note}{}",
            report::status_word(style, &outcome),
            if ok { "" } else { "  <-- NOT AS EXPECTED" }
        );
        if args.verbose || matches!(file, "signed.ofd" | "tampered.ofd") || !ok {
            // The tampered copy: what failed is what matters.
            let only_problems = !args.verbose && ok && file == "tampered.ofd";
            full.push((file, outcome, only_problems));
        }
    }
    for (file, outcome, only_problems) in &full {
        println!();
        if *only_problems {
            println!("What caught the tampering (checks that failed):");
        }
        report::print_outcome_with(
            style,
            &dir.join(file).display().to_string(),
            outcome,
            *only_problems,
        );
    }

    // 6. Where everything is.
    step(6, "Files");
    for (name, what) in &made.files {
        println!("  {:<40} {what}", dir.join(name).display());
    }
    let d = shell_quote(&dir.display().to_string());
    let eseal = Invocation::detect();
    println!("\nVerify them yourself (exit code 0 valid, 1 invalid, 2 indeterminate):");
    println!(
        "  {eseal} verify --trust {d}/root.pem {d}/signed.ofd {d}/tampered.ofd {d}/signed.pdf"
    );
    println!("  {eseal} verify --trust {d}/root.pem --data {d}/contract.txt {d}/contract.txt.sig");
    println!("  {eseal} seal show {d}/seal-v4.esl --picture-out {d}/seal-picture.png");
    println!("  {eseal} audit --trust {d}/root.pem {d} --html {d}/audit.html");
    println!(
        "  {eseal} license verify --trust {d}/root.pem {d}/license.ofd {d}/license.pdf {d}/license-code.txt --issuer-cert {d}/signer.pem"
    );
    println!("  {eseal} license show {d}/license.ofd");
    if let Invocation::Path(_) = eseal {
        println!(
            "(eseal is not on your PATH: `cargo install --path crates/eseal-cli --locked` \
             installs it in ~/.cargo/bin, see docs/cli.md)"
        );
    }
    if !all_as_expected {
        bail!("the demo's results are not as expected (see above): please report this bug");
    }
    println!(
        "\n{}",
        style.good("Demo complete: every genuine file is valid, the tampered copy invalid.")
    );
    Ok(Exit::Valid)
}

/// Issues the demo license (a business license of a made-up company, issued today, valid five
/// years) into `dir`; returns the 2D-code text and the issuer's certificate.
fn demo_license(
    dir: &Path,
    seal: &Seal,
    issuer: &crate::credential::Credential,
    now: eseal::time::Time,
) -> anyhow::Result<(String, Certificate)> {
    use eseal::license::{FaceTemplate, IssueRequest, LicenseId, QrMatrix};
    let dt = now.to_date_time().context("the clock is out of range")?;
    let (y, m, d) = (dt.year(), dt.month(), dt.day().min(28));
    let id = LicenseId::new(
        "11100000000013338W011",
        "11430000006122244L",
        &format!("{y}0000001"),
        "002",
    )?;
    let json = serde_json::json!({
        "version": 1,
        "license_id": id.to_string(),
        "title": "营业执照",
        "type_name": "营业执照",
        "type_code": id.type_code(),
        "number": format!("演示-{y}-0001"),
        "holder_name": "演示科技有限公司",
        "holder_code": "91350100M000100Y43",
        "holder_code_type": "统一社会信用代码",
        "holder_code_type_code": "001",
        "issuer_name": "演示市市场监督管理局",
        "issuer_code": id.issuer().as_str(),
        "issue_date": format!("{y:04}-{m:02}-{d:02}"),
        "valid_from": format!("{y:04}-{m:02}-{d:02}"),
        "valid_until": format!("{:04}-{m:02}-{d:02}", y + 5),
        "face": [
            {"name": "法定代表人", "value": "张三"},
            {"name": "注册资本", "value": "壹佰万元整"},
            {"name": "经营范围", "value": "软件开发；信息技术咨询服务"}
        ]
    });
    let text = serde_json::to_string_pretty(&json)?;
    files::write(
        &dir.join("license.json"),
        text.as_bytes(),
        true,
        Secrecy::Public,
    )?;
    let meta = crate::license::read_metadata(&dir.join("license.json"))?;
    let template = FaceTemplate::standard(&meta);
    let request = IssueRequest::new(
        &meta,
        &template,
        seal,
        &issuer.certificate,
        &issuer.signer,
        now,
    );
    let issued = eseal::license::issue_ofd(&request).context("cannot issue the demo license")?;
    files::write(&dir.join("license.ofd"), &issued.ofd, true, Secrecy::Public)?;
    // The same license as PDF (its own 2D-code signature; the same metadata).
    let as_pdf =
        eseal::license::issue_pdf(&request).context("cannot issue the demo PDF license")?;
    files::write(&dir.join("license.pdf"), &as_pdf.pdf, true, Secrecy::Public)?;
    files::write(
        &dir.join("license-code.txt"),
        issued.code_text.as_bytes(),
        true,
        Secrecy::Public,
    )?;
    let png = QrMatrix::encode(&issued.code_text)?.to_png(4);
    files::write(&dir.join("license-code.png"), &png, true, Secrecy::Public)?;
    Ok((issued.code_text, issuer.certificate.clone()))
}

/// How the printed commands call eseal: `eseal` when that name on PATH is this very program,
/// else the full path of the running binary (so that the commands work as printed, also from
/// `cargo run`).
enum Invocation {
    OnPath,
    Path(String),
}

impl Invocation {
    fn detect() -> Self {
        let Ok(exe) = std::env::current_exe() else {
            return Self::OnPath;
        };
        let exe = std::fs::canonicalize(&exe).unwrap_or(exe);
        let name = exe.file_name().map(std::ffi::OsStr::to_os_string);
        let on_path = std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|dir| {
                name.as_ref()
                    .map(|n| dir.join(n))
                    .and_then(|p| std::fs::canonicalize(p).ok())
                    .is_some_and(|p| p == exe)
            })
        });
        if on_path && exe.file_stem().is_some_and(|s| s == "eseal") {
            Self::OnPath
        } else {
            Self::Path(shell_quote(&exe.display().to_string()))
        }
    }
}

impl std::fmt::Display for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::OnPath => f.write_str("eseal"),
            Self::Path(p) => f.write_str(p),
        }
    }
}

/// `text` as one word for a POSIX shell.
fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The demo's contract as a one-page PDF (the standard CJK font STSong-Light, not embedded).
fn demo_pdf(png: &[u8]) -> anyhow::Result<Vec<u8>> {
    use eseal::pdf::render::{Color, DocumentBuilder, DocumentMeta, PageSize, Rect};
    let mut meta = DocumentMeta::default();
    meta.title = Some("eseal 演示合同 (PDF)".into());
    meta.author = Some("eseal demo".into());
    let mut doc = DocumentBuilder::new(meta);
    let song = doc.standard_font();
    let logo = doc.add_image(png)?;
    let dark = Color::rgb(30, 30, 30);
    doc.add_page(PageSize::A4)
        .image(logo, Rect::new(20.0, 16.0, 14.0, 14.0))
        .text(song, 9.0, 40.0, 18.0, "采购合同（演示）", dark)
        .line((20.0, 36.0), (190.0, 36.0), 0.4, Color::rgb(180, 0, 20))
        .text(song, 5.0, 20.0, 50.0, "甲方：eseal 演示单位", dark)
        .text(song, 5.0, 20.0, 60.0, "乙方：示例供应商有限公司", dark)
        .text(
            song,
            5.0,
            20.0,
            75.0,
            "第一条 合同金额：人民币 1,000,000 元。",
            dark,
        )
        .text(
            song,
            5.0,
            20.0,
            85.0,
            "第二条 交货期限：签订后三十日内。",
            dark,
        )
        .text(song, 5.0, 120.0, 205.0, "甲方（签章）：", dark);
    Ok(doc.finish()?)
}

/// The demo's two-page OFD document.
fn demo_document(png: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut meta = DocumentMeta::default();
    meta.title = Some("eseal 演示合同".into());
    meta.author = Some("eseal demo".into());
    meta.creator = Some("eseal".into());
    meta.creator_version = Some(env!("CARGO_PKG_VERSION").into());
    let mut doc = DocumentBuilder::new(meta);
    let font = doc.add_font("宋体", None);
    let logo = doc.add_image(ImageFormat::Png, png.to_vec());
    let dark = Color::rgb(30, 30, 30);
    doc.add_page(PageSize::A4)
        .image(logo, Rect::new(20.0, 16.0, 14.0, 14.0))
        .text(font, 9.0, 40.0, 18.0, "采购合同（演示）", dark)
        .line((20.0, 36.0), (190.0, 36.0), 0.4, Color::rgb(180, 0, 20))
        .text(font, 5.0, 20.0, 50.0, "甲方：eseal 演示单位", dark)
        .text(font, 5.0, 20.0, 60.0, "乙方：示例供应商有限公司", dark)
        .text(
            font,
            5.0,
            20.0,
            75.0,
            "第一条 合同金额：人民币 1,000,000 元。",
            dark,
        )
        .text(
            font,
            5.0,
            20.0,
            85.0,
            "第二条 交货期限：签订后三十日内。",
            dark,
        )
        .text(
            font,
            5.0,
            20.0,
            95.0,
            "第三条 本合同以电子签章签署，与纸质合同具有同等效力。",
            dark,
        )
        .text(font, 5.0, 120.0, 205.0, "甲方（签章）：", dark);
    doc.add_page(PageSize::A4)
        .text(
            font,
            5.0,
            20.0,
            30.0,
            "第四条 争议解决：双方协商解决。",
            dark,
        )
        .text(font, 5.0, 20.0, 40.0, "（以下无正文）", dark)
        .rect(
            Rect::new(20.0, 60.0, 170.0, 30.0),
            Some((0.3, Color::rgb(160, 160, 160))),
            None,
        )
        .text(
            font,
            4.0,
            24.0,
            66.0,
            "This document was written and stamped by `eseal demo`.",
            dark,
        );
    Ok(doc.finish()?)
}

/// `signed` with the amount on page 1 changed, re-zipped: a change a verifier must catch.
fn tamper(signed: &[u8]) -> anyhow::Result<Vec<u8>> {
    let package = OfdPackage::from_bytes(signed, &eseal::ofd::Limits::default())?;
    let mut edit = package.edit();
    let target = edit
        .file_names()
        .into_iter()
        .find(|name| {
            name.ends_with("Content.xml")
                && edit
                    .get(name)
                    .is_some_and(|d| String::from_utf8_lossy(d).contains("1,000,000"))
        })
        .context("the demo document has no page with the amount")?;
    let text = String::from_utf8_lossy(edit.get(&target).unwrap_or_default()).into_owned();
    edit.put(&target, text.replace("1,000,000", "9,000,000").into_bytes())?;
    Ok(edit.finish()?)
}
