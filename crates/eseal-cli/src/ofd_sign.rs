//! `eseal sign --in doc.ofd`: stamping an OFD document through `eseal::ofd::sign_document`.
//!
//! The stamp's place is checked here, against the page sizes, before signing: a stamp off the
//! page would be written and then fail `ofd.appearance` in eseal's own verifier, and the
//! library's messages count pages from 0 where `--page` counts from 1.

use anyhow::{Context as _, bail};
use eseal::ofd::{
    Edge, LocalTsaSource, OfdPackage, PageRange, PageSelector, Rect, SignMode, SignRequest, Stamp,
    sign_document,
};
use eseal::pki::SoftwareSigner;
use eseal::pki::tsp::LocalTsa;
use eseal::ses::Seal;
use eseal::time::Time;

use crate::credential::Credential;
use crate::exit::Exit;
use crate::files::{self, Secrecy};
use crate::sign::{ModeChoice, SignArgs, read_seal};

/// Size of a digital signature's (`--sign`) visible box, in millimetres: it has no picture.
const SIGN_BOX_MM: f64 = 40.0;

/// Where the stamp goes, in the user's terms (pages from 1, millimetres).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Placement {
    /// The stamp's top-left corner (for a riding seal: x unused).
    pub(crate) x: f64,
    pub(crate) y: f64,
    /// Whether `--x` and `--y` were both left out.
    pub(crate) defaulted: bool,
    /// The document's page count.
    pub(crate) pages: usize,
}

/// A number of millimetres as the user would type it: at most two decimals.
pub(crate) fn mm(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    format!("{r}")
}

/// The default place of one coordinate: the stamp centred at `fraction` of the page's extent,
/// rounded to the millimetre, kept on the page.
fn default_at(start: f64, extent: f64, size: f64, fraction: f64) -> f64 {
    let centred = (extent * fraction - size / 2.0).round();
    start + centred.clamp(0.0, (extent - size).max(0.0))
}

/// The page boxes of the first document of `package`, in page order.
fn page_boxes(package: &[u8]) -> anyhow::Result<Vec<Option<Rect>>> {
    let pkg = OfdPackage::from_bytes(package, &eseal::ofd::Limits::default())?;
    let info = pkg.ofd()?;
    let body = info
        .bodies
        .first()
        .context("the OFD package has no document")?;
    let document = pkg.document(body)?;
    Ok(document
        .pages
        .iter()
        .map(|p| document.page_box(p))
        .collect())
}

/// Checks the requested place of a `(w, h)` stamp against the page boxes and fills in the
/// defaults; every message counts pages from 1, as `--page` does.
pub(crate) fn place(
    args: &SignArgs,
    document: &str,
    boxes: &[Option<Rect>],
    (w, h): (f64, f64),
) -> anyhow::Result<Placement> {
    let pages = boxes.len();
    let size = format!("{} × {} mm", mm(w), mm(h));
    let page_box = |n: usize| -> anyhow::Result<Rect> {
        boxes
            .get(n.wrapping_sub(1))
            .copied()
            .flatten()
            .with_context(|| {
                format!("page {n} has no page size (PhysicalBox): cannot place the stamp")
            })
    };
    let check_y = |n: usize, b: Rect, y: f64| -> anyhow::Result<()> {
        if h > b.height {
            bail!(
                "the stamp ({size}) is taller than page {n} ({} × {} mm)",
                mm(b.width),
                mm(b.height)
            );
        }
        let (lo, hi) = (b.y, b.y + b.height - h);
        if !(y.is_finite() && y >= lo - 1e-3 && y <= hi + 1e-3) {
            bail!(
                "--y {} puts the stamp ({size}) partly off page {n} ({} × {} mm): --y must be from {} to {}",
                mm(y),
                mm(b.width),
                mm(b.height),
                mm(lo),
                mm(hi)
            );
        }
        Ok(())
    };
    if args.riding {
        if pages < 2 {
            bail!("a riding seal (--riding) needs at least two pages; {document} has {pages}");
        }
        let first = page_box(1)?;
        let y = args
            .y
            .unwrap_or_else(|| default_at(first.y, first.height, h, 0.75));
        for n in 1..=pages {
            check_y(n, page_box(n)?, y)?;
        }
        return Ok(Placement {
            x: 0.0,
            y,
            defaulted: args.y.is_none(),
            pages,
        });
    }
    let n = usize::try_from(args.page).unwrap_or(usize::MAX);
    if n == 0 {
        bail!("--page counts from 1 (the first page)");
    }
    if n > pages {
        bail!(
            "--page {n} is out of range: {document} has {pages} page{}",
            if pages == 1 { "" } else { "s" }
        );
    }
    let b = page_box(n)?;
    if w > b.width {
        bail!(
            "the stamp ({size}) is wider than page {n} ({} × {} mm)",
            mm(b.width),
            mm(b.height)
        );
    }
    let x = args
        .x
        .unwrap_or_else(|| default_at(b.x, b.width, w, 2.0 / 3.0));
    let y = args.y.unwrap_or_else(|| default_at(b.y, b.height, h, 0.75));
    let (lo, hi) = (b.x, b.x + b.width - w);
    if !(x.is_finite() && x >= lo - 1e-3 && x <= hi + 1e-3) {
        bail!(
            "--x {} puts the stamp ({size}) partly off page {n} ({} × {} mm): --x must be from {} to {}",
            mm(x),
            mm(b.width),
            mm(b.height),
            mm(lo),
            mm(hi)
        );
    }
    check_y(n, b, y)?;
    Ok(Placement {
        x,
        y,
        defaulted: args.x.is_none() && args.y.is_none(),
        pages,
    })
}

/// The seal (none for `--sign`) and the stamp's size in millimetres: the picture's display
/// size, or [`SIGN_BOX_MM`] square for a digital signature (OFD and PDF alike).
pub(crate) fn seal_and_size(args: &SignArgs) -> anyhow::Result<(Option<Seal>, (f64, f64))> {
    let seal = match (&args.seal, args.sign) {
        (_, true) => None,
        (Some(path), false) => Some(read_seal(path)?),
        (None, false) => bail!("give the seal with --seal FILE, or --sign for a digital signature"),
    };
    #[allow(clippy::cast_precision_loss)] // picture sizes are small integers
    let size = match &seal {
        Some(seal) => (seal.picture().width as f64, seal.picture().height as f64),
        None => (SIGN_BOX_MM, SIGN_BOX_MM),
    };
    Ok((seal, size))
}

/// Where the stamp went, for the message after signing (OFD and PDF alike).
pub(crate) fn describe_place(
    args: &SignArgs,
    placement: &Placement,
    input: &std::path::Path,
    size: (f64, f64),
) -> String {
    let default_note = if placement.defaulted {
        "; the default place, choose it with --x and --y"
    } else {
        ""
    };
    if args.riding {
        format!(
            "across the right edge of pages 1 to {} of {}, top at y {} mm ({} × {} mm{default_note})",
            placement.pages,
            input.display(),
            mm(placement.y),
            mm(size.0),
            mm(size.1)
        )
    } else {
        format!(
            "on page {} of {} at x {} mm, y {} mm (top-left corner, {} × {} mm{default_note})",
            args.page,
            input.display(),
            mm(placement.x),
            mm(placement.y),
            mm(size.0),
            mm(size.1)
        )
    }
}

pub(crate) fn run(
    args: &SignArgs,
    signer: &Credential,
    tsa: Option<&LocalTsa<SoftwareSigner>>,
    now: Time,
) -> anyhow::Result<Exit> {
    let Some(input) = &args.input else {
        bail!("give the document to stamp with --in FILE, or data to sign with --data FILE");
    };
    let document = files::read(input)?;
    let mode = match args.mode {
        ModeChoice::Continue => SignMode::ContinueSigning,
        ModeChoice::Protect => SignMode::WholeProtect,
    };
    let (seal, size) = seal_and_size(args)?;
    let boxes = page_boxes(&document)
        .with_context(|| format!("{} is not a readable OFD document", input.display()))?;
    let placement = place(args, &input.display().to_string(), &boxes, size)?;
    // `place` checked the page number against the page count.
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
    }
    .mode(mode);
    let source = tsa.map(|t| LocalTsaSource::new(t, now));
    if let Some(source) = &source {
        request = request.timestamp(source);
    }
    let signed = sign_document(&document, &request)
        .with_context(|| format!("cannot sign {}", input.display()))?;
    files::write(&args.out, &signed, args.force, Secrecy::Public)?;
    let place = describe_place(args, &placement, input, size);
    eprintln!(
        "eseal: {} {place} as \"{}\" at {now}{}{}; written to {}",
        match (&seal, args.riding) {
            (None, _) => "placed a digital signature".to_owned(),
            (Some(s), true) => format!("stamped a riding seal \"{}\"", s.name()),
            (Some(s), false) => format!("stamped seal \"{}\"", s.name()),
        },
        signer.certificate.subject_string(),
        if tsa.is_some() { ", timestamped" } else { "" },
        if mode == SignMode::WholeProtect {
            ", whole document protected"
        } else {
            ""
        },
        args.out.display()
    );
    Ok(Exit::Valid)
}
