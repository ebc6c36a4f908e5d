//! `eseal sign --in doc.ofd`: stamping OFD documents (wired to `eseal::ofd::sign_document`).

use anyhow::bail;
use eseal::pki::SoftwareSigner;
use eseal::pki::tsp::LocalTsa;
use eseal::time::Time;

use crate::credential::Credential;
use crate::exit::Exit;
use crate::sign::SignArgs;

pub(crate) fn run(
    args: &SignArgs,
    _signer: &Credential,
    _tsa: Option<&LocalTsa<SoftwareSigner>>,
    _now: Time,
) -> anyhow::Result<Exit> {
    let _ = args.ofd_input();
    bail!("OFD signing is not available in this build yet")
}
