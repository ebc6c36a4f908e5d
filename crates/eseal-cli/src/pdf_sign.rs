//! `eseal sign --in doc.pdf`: stamping a PDF through `eseal::pdf::sign_document`, with the
//! options of the OFD signer that apply (page, position, `--sign`, TSA); the place is checked
//! against the page sizes by the same code as for OFD.

use std::io::Read as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use eseal::ofd::Rect;
use eseal::pdf::{
    DocMdpPermission, Edge, LocalTsaSource, PageRange, PageSelector, PdfDocument, SignRequest,
    Stamp, sign_document,
};
use eseal::pki::SoftwareSigner;
use eseal::pki::tsp::LocalTsa;
use eseal::time::Time;

use crate::credential::Credential;
use crate::exit::Exit;
use crate::files::{self, Secrecy};
use crate::ofd_sign::{describe_place, place, seal_and_size};
use crate::sign::{ModeChoice, SignArgs};

/// Whether the file at `path` is a PDF (`%PDF-` in its first KiB, as `eseal verify` sniffs).
pub(crate) fn is_pdf(path: &Path) -> anyhow::Result<bool> {
    let mut head = Vec::with_capacity(1024);
    std::fs::File::open(path)
        .and_then(|f| f.take(1024).read_to_end(&mut head))
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(eseal::document::sniff(&head) == Some(eseal::verify::DocumentFormat::Pdf))
}

pub(crate) fn run(
    args: &SignArgs,
    signer: &Credential,
    tsa: Option<&LocalTsa<SoftwareSigner>>,
    now: Time,
) -> anyhow::Result<Exit> {
    let Some(input) = &args.input else {
        bail!("give the document to stamp with --in FILE");
    };
    let document = files::read(input)?;
    let (seal, size) = seal_and_size(args)?;
    let boxes: Vec<Option<Rect>> = PdfDocument::parse(&document, &Default::default())
        .and_then(|d| d.page_sizes_mm())
        .with_context(|| format!("{} is not a readable PDF document", input.display()))?
        .into_iter()
        .map(|(w, h)| Some(Rect::new(0.0, 0.0, w, h)))
        .collect();
    let placement = place(args, &input.display().to_string(), &boxes, size)?;
    let page_index = usize::try_from(args.page)
        .unwrap_or(usize::MAX)
        .saturating_sub(1);
    let stamp = if args.riding {
        Stamp::riding(PageRange::All, Edge::Right, placement.y)
    } else {
        Stamp::on_page(PageSelector::Index(page_index), placement.x, placement.y)
    };
    let mut request = match &seal {
        Some(seal) => {
            SignRequest::seal(seal, &signer.certificate, &signer.signer, now).stamp(stamp)
        }
        None => SignRequest::digital(&signer.certificate, &signer.signer, now)
            .stamp(stamp.size(size.0, size.1)),
    };
    // --mode protect: a certification signature that permits no change (DocMDP /P 1), the
    // PDF counterpart of OFD's locked Signatures.xml: later signatures are refused.
    let protect = args.mode == ModeChoice::Protect;
    if protect {
        request = request.certify(DocMdpPermission::NoChanges);
    }
    let source = tsa.map(|t| LocalTsaSource::new(t, now));
    if let Some(source) = &source {
        request = request.timestamp(source);
    }
    let signed = sign_document(&document, &request)
        .with_context(|| format!("cannot sign {}", input.display()))?;
    files::write(&args.out, &signed, args.force, Secrecy::Public)?;
    let place = describe_place(args, &placement, input, size);
    eprintln!(
        "eseal: {} {place} as \"{}\" at {now}{}{}; incremental update written to {}",
        match (&seal, args.riding) {
            (None, _) => "placed a digital signature (adbe.pkcs7.detached)".to_owned(),
            (Some(s), true) => format!("stamped a riding seal \"{}\" (SES_Signature)", s.name()),
            (Some(s), false) => format!("stamped seal \"{}\" (SES_Signature)", s.name()),
        },
        signer.certificate.subject_string(),
        if tsa.is_some() { ", timestamped" } else { "" },
        if protect {
            ", certifying the document (DocMDP /P 1: no later changes or signatures)"
        } else {
            ""
        },
        args.out.display()
    );
    Ok(Exit::Valid)
}
