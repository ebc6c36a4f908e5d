//! `Signatures.xml` (the signature list) and `Signature.xml` (one signature's description),
//! GB/T 33190-2016 chapter 18; standards-notes §5.2–5.3.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use super::document::DocBody;
use super::xml::{Element, escape};
use super::{Limits, OFD_NAMESPACE, OfdError, OfdPackage, Rect, xml};

/// `Signature/@Type`: what `SignedValue` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureType {
    /// `Seal` (the default): an electronic seal signature, `SignedValue` is an SES_Signature.
    Seal,
    /// `Sign`: a plain digital signature, `SignedValue` is a GB/T 35275 SignedData.
    Sign,
}

impl SignatureType {
    /// The attribute value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            SignatureType::Seal => "Seal",
            SignatureType::Sign => "Sign",
        }
    }
}

/// `Signatures.xml`: the list of a document's signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignatureList {
    /// Package path of `Signatures.xml`.
    pub path: String,
    /// `MaxSignId`, raw text.
    pub max_sign_id: Option<String>,
    /// The `Signature` entries in document order.
    pub entries: Vec<SignatureEntry>,
}

/// One `Signatures/Signature` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignatureEntry {
    /// `@ID` (`s001`, `1`, … : a separate ID space from document objects).
    pub id: String,
    /// `@Type` (absent means [`SignatureType::Seal`]).
    pub kind: SignatureType,
    /// `@BaseLoc` as written.
    pub base_loc: String,
    /// `@BaseLoc` resolved to a package path (inside the package by construction).
    pub path: String,
    /// `@Relative` (OFD 2.0): the ID of a signature this one builds on.
    pub relative: Option<String>,
}

/// `Signature.xml`, as a model that is both parsed and serialised.
///
/// Locations are kept as written; [`SignatureFile`] adds the resolved paths.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Signature {
    /// `SignedInfo`.
    pub signed_info: SignedInfo,
    /// `SignedValue`: location of `SignedValue.dat`.
    pub signed_value: String,
}

/// `SignedInfo`: what the signature covers and how it appears.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SignedInfo {
    /// `Provider`.
    pub provider: Provider,
    /// `SignatureMethod` (an OID such as `1.2.156.10197.1.501`), raw text.
    pub signature_method: Option<String>,
    /// `SignatureDateTime`, raw text (formats vary by producer; informational only).
    pub signature_date_time: Option<String>,
    /// `References/@CheckMethod` (`1.2.156.10197.1.401` or `SM3` in practice). When
    /// serialising, `None` is written as the SM3 OID: the only method this crate computes.
    pub check_method: Option<String>,
    /// `References/Reference`.
    pub references: Vec<Reference>,
    /// `StampAnnot`: where the seal picture appears (0..n; one per page for a riding seal).
    pub stamp_annots: Vec<StampAnnot>,
    /// `Seal/BaseLoc`: location of a copy of the seal (`Seal.esl`).
    pub seal: Option<String>,
}

impl SignedInfo {
    /// A `SignedInfo` with SM3 as `CheckMethod` (written as the OID), these references, and
    /// nothing else; set the other fields afterwards.
    #[must_use]
    pub fn new(provider: Provider, references: Vec<Reference>) -> Self {
        SignedInfo {
            provider,
            signature_method: None,
            signature_date_time: None,
            check_method: Some(crate::ofd::check::SM3_OID.to_owned()),
            references,
            stamp_annots: Vec::new(),
            seal: None,
        }
    }
}

impl Signature {
    /// A signature description from its parts. `signed_value` is the location of
    /// `SignedValue.dat`, conventionally absolute (`/Doc_0/Signs/Sign_0/SignedValue.dat`).
    #[must_use]
    pub fn new(signed_info: SignedInfo, signed_value: &str) -> Self {
        Signature {
            signed_info,
            signed_value: signed_value.to_owned(),
        }
    }
}

/// `Provider`: the signing component.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Provider {
    /// `@ProviderName` (required by the schema; some producers write child elements instead).
    pub name: String,
    /// `@Version`.
    pub version: Option<String>,
    /// `@Company`.
    pub company: Option<String>,
}

impl Provider {
    /// A provider with name, version and company.
    #[must_use]
    pub fn new(name: &str, version: Option<&str>, company: Option<&str>) -> Self {
        Provider {
            name: name.to_owned(),
            version: version.map(str::to_owned),
            company: company.map(str::to_owned),
        }
    }
}

/// One `References/Reference`: a package file and its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reference {
    /// `@FileRef`, as written (usually absolute, `/Doc_0/Document.xml`).
    pub file_ref: String,
    /// `CheckValue`, base64-decoded.
    pub check_value: Vec<u8>,
}

impl Reference {
    /// A reference to `file_ref` with its digest.
    #[must_use]
    pub fn new(file_ref: &str, check_value: Vec<u8>) -> Self {
        Reference {
            file_ref: file_ref.to_owned(),
            check_value,
        }
    }
}

/// One `StampAnnot`: the seal picture's place on a page.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StampAnnot {
    /// `@ID`.
    pub id: String,
    /// `@PageRef`, raw: the page object ID from `Document.xml`.
    pub page_ref: String,
    /// `@Boundary` (mm, page coordinates).
    pub boundary: Rect,
    /// `@Clip` (mm, relative to `Boundary`).
    pub clip: Option<Rect>,
}

impl StampAnnot {
    /// A stamp annotation without clip.
    #[must_use]
    pub fn new(id: &str, page_ref: u64, boundary: Rect) -> Self {
        StampAnnot {
            id: id.to_owned(),
            page_ref: page_ref.to_string(),
            boundary,
            clip: None,
        }
    }
}

/// A signature loaded from a package: its list entry, the parsed model, the exact bytes of
/// `Signature.xml` (the SES `dataHash` is SM3 over them) and the resolved locations.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SignatureFile {
    /// The `Signatures.xml` entry this came from.
    pub entry: SignatureEntry,
    /// Package path of `Signature.xml` (= `entry.path`).
    pub path: String,
    /// The exact bytes of `Signature.xml`.
    pub raw: Vec<u8>,
    /// The parsed model.
    pub signature: Signature,
    /// `SignedValue` resolved to a package path.
    pub signed_value_path: String,
    /// `Seal/BaseLoc` resolved to a package path.
    pub seal_path: Option<String>,
}

fn required_text(
    el: &Element,
    path: &str,
    name: &str,
    described: &'static str,
) -> Result<String, OfdError> {
    el.child_text(name)
        .ok_or_else(|| OfdError::missing_element(path, described))
}

impl Signature {
    /// Parses `Signature.xml` (`path` names it in messages). Child order is not enforced:
    /// producers disagree about it.
    ///
    /// # Errors
    ///
    /// Malformed XML, missing `SignedInfo`/`Provider`/`References`/`SignedValue`, invalid
    /// base64 in a `CheckValue`, invalid boxes, more references than allowed.
    pub fn from_xml(path: &str, bytes: &[u8], limits: &Limits) -> Result<Signature, OfdError> {
        let root = xml::parse(path, bytes, limits)?;
        if root.name != "Signature" {
            return Err(OfdError::invalid_value(
                path,
                "root element",
                &root.name,
                "expected Signature",
            ));
        }
        let si = root
            .child("SignedInfo")
            .ok_or_else(|| OfdError::missing_element(path, "SignedInfo"))?;
        let prov = si
            .child("Provider")
            .ok_or_else(|| OfdError::missing_element(path, "SignedInfo/Provider"))?;
        // Attributes per the schema; one producer wrote child elements instead.
        let field = |attr: &str| {
            prov.attr(attr)
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .or_else(|| prov.child_text(attr))
        };
        let provider = Provider {
            name: field("ProviderName")
                .ok_or_else(|| OfdError::missing_attribute(path, "Provider", "ProviderName"))?,
            version: field("Version"),
            company: field("Company"),
        };
        let refs = si
            .child("References")
            .ok_or_else(|| OfdError::missing_element(path, "SignedInfo/References"))?;
        let mut references = Vec::new();
        for r in refs.children_named("Reference") {
            if references.len() >= limits.max_references {
                return Err(OfdError::LimitExceeded {
                    what: "number of references",
                    limit: limits.max_references as u64,
                    entry: Some(path.to_owned()),
                });
            }
            let file_ref = r
                .attr("FileRef")
                .ok_or_else(|| OfdError::missing_attribute(path, "Reference", "FileRef"))?
                .to_owned();
            let text = required_text(r, path, "CheckValue", "Reference/CheckValue")?;
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let check_value = B64.decode(compact.as_bytes()).map_err(|_| {
                OfdError::invalid_value(path, "Reference/CheckValue", &text, "not base64")
            })?;
            references.push(Reference {
                file_ref,
                check_value,
            });
        }
        let mut stamp_annots = Vec::new();
        for s in si.children_named("StampAnnot") {
            let attr = |name: &'static str| {
                s.attr(name)
                    .ok_or_else(|| OfdError::missing_attribute(path, "StampAnnot", name))
            };
            let boundary_text = attr("Boundary")?;
            let boundary = Rect::parse(boundary_text).ok_or_else(|| {
                OfdError::invalid_value(
                    path,
                    "StampAnnot@Boundary",
                    boundary_text,
                    "expected `x y w h`",
                )
            })?;
            let clip = match s.attr("Clip") {
                Some(t) => Some(Rect::parse(t).ok_or_else(|| {
                    OfdError::invalid_value(path, "StampAnnot@Clip", t, "expected `x y w h`")
                })?),
                None => None,
            };
            stamp_annots.push(StampAnnot {
                id: attr("ID")?.to_owned(),
                page_ref: attr("PageRef")?.trim().to_owned(),
                boundary,
                clip,
            });
        }
        Ok(Signature {
            signed_info: SignedInfo {
                provider,
                signature_method: si.child_text("SignatureMethod"),
                signature_date_time: si.child_text("SignatureDateTime"),
                check_method: refs.attr("CheckMethod").map(|s| s.trim().to_owned()),
                references,
                stamp_annots,
                seal: si.child("Seal").and_then(|s| s.child_text("BaseLoc")),
            },
            signed_value: required_text(&root, path, "SignedValue", "SignedValue")?,
        })
    }

    /// Serialises `Signature.xml` in schema order (Provider, SignatureMethod,
    /// SignatureDateTime, References, StampAnnot*, Seal; then SignedValue), UTF-8, all text
    /// escaped. Serialise once and hash those bytes: they are what the signature covers.
    #[must_use]
    pub fn to_xml(&self) -> Vec<u8> {
        let si = &self.signed_info;
        let mut s = String::with_capacity(512 + si.references.len() * 128);
        s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.push_str(&format!(
            "<ofd:Signature xmlns:ofd=\"{OFD_NAMESPACE}\"><ofd:SignedInfo>"
        ));
        s.push_str(&format!(
            "<ofd:Provider ProviderName=\"{}\"",
            escape(&si.provider.name)
        ));
        if let Some(v) = &si.provider.version {
            s.push_str(&format!(" Version=\"{}\"", escape(v)));
        }
        if let Some(c) = &si.provider.company {
            s.push_str(&format!(" Company=\"{}\"", escape(c)));
        }
        s.push_str("/>");
        if let Some(m) = &si.signature_method {
            s.push_str(&format!(
                "<ofd:SignatureMethod>{}</ofd:SignatureMethod>",
                escape(m)
            ));
        }
        if let Some(t) = &si.signature_date_time {
            s.push_str(&format!(
                "<ofd:SignatureDateTime>{}</ofd:SignatureDateTime>",
                escape(t)
            ));
        }
        let method = si
            .check_method
            .as_deref()
            .unwrap_or(crate::ofd::check::SM3_OID);
        s.push_str(&format!(
            "<ofd:References CheckMethod=\"{}\">",
            escape(method)
        ));
        for r in &si.references {
            s.push_str(&format!(
                "<ofd:Reference FileRef=\"{}\"><ofd:CheckValue>{}</ofd:CheckValue></ofd:Reference>",
                escape(&r.file_ref),
                B64.encode(&r.check_value)
            ));
        }
        s.push_str("</ofd:References>");
        for a in &si.stamp_annots {
            s.push_str(&format!(
                "<ofd:StampAnnot ID=\"{}\" PageRef=\"{}\" Boundary=\"{}\"",
                escape(&a.id),
                escape(&a.page_ref),
                a.boundary.to_ofd()
            ));
            if let Some(c) = &a.clip {
                s.push_str(&format!(" Clip=\"{}\"", c.to_ofd()));
            }
            s.push_str("/>");
        }
        if let Some(seal) = &si.seal {
            s.push_str(&format!(
                "<ofd:Seal><ofd:BaseLoc>{}</ofd:BaseLoc></ofd:Seal>",
                escape(seal)
            ));
        }
        s.push_str(&format!(
            "</ofd:SignedInfo><ofd:SignedValue>{}</ofd:SignedValue></ofd:Signature>",
            escape(&self.signed_value)
        ));
        s.into_bytes()
    }
}

pub(crate) fn parse_signature_list(
    pkg: &OfdPackage<'_>,
    path: &str,
    data: &[u8],
) -> Result<SignatureList, OfdError> {
    let root = pkg.parse_xml(path, data)?;
    if root.name != "Signatures" {
        return Err(OfdError::invalid_value(
            path,
            "root element",
            &root.name,
            "expected Signatures",
        ));
    }
    let mut entries = Vec::new();
    let mut ids = BTreeSet::new();
    let mut files = BTreeSet::new();
    for s in root.children_named("Signature") {
        if entries.len() >= pkg.limits.max_signatures {
            return Err(OfdError::LimitExceeded {
                what: "number of signatures",
                limit: pkg.limits.max_signatures as u64,
                entry: Some(path.to_owned()),
            });
        }
        let id = s
            .attr("ID")
            .ok_or_else(|| OfdError::missing_attribute(path, "Signature", "ID"))?
            .trim()
            .to_owned();
        let kind = match s.attr("Type").map(str::trim) {
            None | Some("Seal") => SignatureType::Seal,
            Some("Sign") => SignatureType::Sign,
            Some(other) => {
                return Err(OfdError::invalid_value(
                    path,
                    "Signature@Type",
                    other,
                    "expected Seal or Sign",
                ));
            }
        };
        let base_loc = s
            .attr("BaseLoc")
            .ok_or_else(|| OfdError::missing_attribute(path, "Signature", "BaseLoc"))?
            .to_owned();
        let resolved = pkg.resolve(path, &base_loc)?;
        if !ids.insert(id.clone()) {
            return Err(OfdError::invalid_value(
                path,
                "Signature@ID",
                &id,
                "the ID is repeated",
            ));
        }
        // One description per signature: entries sharing a Signature.xml would each be
        // verified over the same bytes (and a thousand of them would parse it a thousand times).
        if !files.insert(resolved.clone()) {
            return Err(OfdError::invalid_value(
                path,
                "Signature@BaseLoc",
                &base_loc,
                "two signatures share one Signature.xml",
            ));
        }
        entries.push(SignatureEntry {
            id,
            kind,
            base_loc,
            path: resolved,
            relative: s.attr("Relative").map(|r| r.trim().to_owned()),
        });
    }
    Ok(SignatureList {
        path: path.to_owned(),
        max_sign_id: root.child_text("MaxSignId"),
        entries,
    })
}

impl OfdPackage<'_> {
    /// Parses the document's `Signatures.xml`; `Ok(None)` when the document is unsigned
    /// (no `DocBody/Signatures`).
    ///
    /// # Errors
    ///
    /// `Signatures.xml` named but missing or malformed; a `BaseLoc` that escapes the package;
    /// an unknown `Type`; a repeated ID; more entries than allowed.
    pub fn signature_list(&self, body: &DocBody) -> Result<Option<SignatureList>, OfdError> {
        let Some(path) = &body.signatures else {
            return Ok(None);
        };
        let data = self.get(path).ok_or_else(|| OfdError::MissingEntry {
            path: path.clone(),
            referrer: "OFD.xml".into(),
        })?;
        parse_signature_list(self, path, data).map(Some)
    }

    /// Loads one signature: its `Signature.xml` bytes and model, with resolved locations.
    ///
    /// # Errors
    ///
    /// `Signature.xml` missing or malformed; `SignedValue` or `Seal/BaseLoc` escaping the
    /// package. A missing `SignedValue.dat` is not an error here (the verifier reports it).
    pub fn signature(&self, entry: &SignatureEntry) -> Result<SignatureFile, OfdError> {
        let path = entry.path.clone();
        let raw = self.get(&path).ok_or_else(|| OfdError::MissingEntry {
            path: path.clone(),
            referrer: "Signatures.xml".into(),
        })?;
        let signature = Signature::from_xml(&path, raw, &self.limits)?;
        let signed_value_path = self.resolve(&path, &signature.signed_value)?;
        let seal_path = match &signature.signed_info.seal {
            Some(loc) => Some(self.resolve(&path, loc)?),
            None => None,
        };
        Ok(SignatureFile {
            entry: entry.clone(),
            path,
            raw: raw.to_vec(),
            signature,
            signed_value_path,
            seal_path,
        })
    }
}
