//! `eseal sign --in doc.ofd`: stamping an OFD document through `eseal::ofd::sign_document`.

use anyhow::{Context as _, bail};
use eseal::ofd::{
    Edge, LocalTsaSource, PageRange, PageSelector, SignMode, SignRequest, Stamp, sign_document,
};
use eseal::pki::SoftwareSigner;
use eseal::pki::tsp::LocalTsa;
use eseal::time::Time;

use crate::credential::Credential;
use crate::exit::Exit;
use crate::files::{self, Secrecy};
use crate::sign::{ModeChoice, SignArgs, read_seal};

/// Size of a digital signature's (`--sign`) visible box, in millimetres: it has no picture.
const SIGN_BOX_MM: f64 = 40.0;

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
    let page = usize::try_from(args.page)
        .ok()
        .and_then(|p| p.checked_sub(1))
        .context("--page counts from 1")?;
    let stamp = if args.riding {
        Stamp::riding(PageRange::All, Edge::Right, args.y)
    } else {
        Stamp::on_page(PageSelector::Index(page), args.x, args.y)
    };
    let mode = match args.mode {
        ModeChoice::Continue => SignMode::ContinueSigning,
        ModeChoice::Protect => SignMode::WholeProtect,
    };
    let seal = match (&args.seal, args.sign) {
        (_, true) => None,
        (Some(path), false) => Some(read_seal(path)?),
        (None, false) => bail!("give the seal with --seal FILE, or --sign for a digital signature"),
    };
    let mut request = match &seal {
        Some(seal) => {
            SignRequest::seal(seal, &signer.certificate, &signer.signer, now).stamp(stamp)
        }
        None => SignRequest::digital(&signer.certificate, &signer.signer, now)
            .stamp(stamp.size(SIGN_BOX_MM, SIGN_BOX_MM)),
    }
    .mode(mode);
    let source = tsa.map(|t| LocalTsaSource::new(t, now));
    if let Some(source) = &source {
        request = request.timestamp(source);
    }
    let signed = sign_document(&document, &request)
        .with_context(|| format!("cannot sign {}", input.display()))?;
    files::write(&args.out, &signed, args.force, Secrecy::Public)?;
    eprintln!(
        "eseal: {} {} as \"{}\" at {now}{}{}; written to {}",
        match (&seal, args.riding) {
            (None, _) => "signed (digital signature)".to_owned(),
            (Some(s), true) => format!("stamped a riding seal \"{}\" across", s.name()),
            (Some(s), false) => format!("stamped seal \"{}\" on page {} of", s.name(), args.page),
        },
        input.display(),
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
