//! Reference digests, coverage and stamp placement of OFD signatures (standards-notes §5.6,
//! §5.8). Results are structured facts; turning them into a verdict is the verifier's job.

use std::collections::{BTreeSet, HashMap};

use super::modification::{Analysis, truncate};

use super::document::{DocBody, Document, Rect};
use super::signatures::{SignatureEntry, SignatureFile, SignatureList};
use super::{OfdError, OfdPackage};

/// The SM3 OID as written in `References/@CheckMethod`.
pub(crate) const SM3_OID: &str = "1.2.156.10197.1.401";

/// Whether a `CheckMethod` value names SM3: the OID `1.2.156.10197.1.401` or `SM3`
/// (case-insensitive). An absent `CheckMethod` is not SM3 (the schema's default is
/// unclear; ofdrw documents MD5).
#[must_use]
pub fn is_sm3_method(method: Option<&str>) -> bool {
    method.is_some_and(|m| {
        let m = m.trim();
        m == SM3_OID || m.eq_ignore_ascii_case("SM3")
    })
}

/// The outcome for one `Reference`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReferenceStatus {
    /// The file's SM3 digest equals `CheckValue`.
    Ok,
    /// The file exists but its digest differs: it changed after signing.
    Mismatch {
        /// The digest of the file as it is now.
        computed: Vec<u8>,
    },
    /// The referenced file is not in the package.
    MissingFile,
    /// `CheckMethod` is not SM3 (MD5, SHA-1, absent, …); the digest was not checked.
    UnsupportedMethod {
        /// The `CheckMethod` as written.
        method: Option<String>,
    },
    /// `FileRef` is not a valid location inside the package.
    InvalidLocation {
        /// Why.
        reason: String,
    },
}

/// One `Reference` and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReferenceCheck {
    /// `@FileRef` as written.
    pub file_ref: String,
    /// The resolved package path, when `FileRef` is valid.
    pub path: Option<String>,
    /// The outcome.
    pub status: ReferenceStatus,
}

/// Placement facts for one `StampAnnot`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StampAnnotCheck {
    /// `@ID`.
    pub id: String,
    /// `@PageRef` as written.
    pub page_ref: String,
    /// Whether `PageRef` is the ID of a page in `Document.xml`.
    pub page_found: bool,
    /// The page's physical box, when the page was found and has one.
    pub page_box: Option<Rect>,
    /// Whether the whole `Boundary` lies on the page (`None` without a page box).
    pub boundary_within_page: Option<bool>,
    /// Whether the visible part (`Boundary` cut by `Clip`) lies on the page and is not empty;
    /// for a riding seal only this holds (`None` without a page box).
    pub visible_part_within_page: Option<bool>,
}

/// The package-level facts for one signature.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SignatureCheck {
    /// The signature's ID.
    pub id: String,
    /// Each reference in order.
    pub references: Vec<ReferenceCheck>,
    /// Whether the references include `Signatures.xml` (whole-protect mode: a later
    /// signature would break this one, so adding one must be refused).
    pub protects_signatures_xml: bool,
    /// Files in the package now that this signature does not reference (added or left out
    /// when it was made), excluding its own `Signature.xml` and `SignedValue.dat` and, in
    /// continue-sign mode, `Signatures.xml`. Sorted.
    pub not_covered: Vec<String>,
    /// Whether `SignedValue.dat` is in the package.
    pub signed_value_present: bool,
    /// Whether `Seal/BaseLoc` (when given) is in the package.
    pub seal_present: Option<bool>,
    /// One entry per `StampAnnot`.
    pub stamp_annots: Vec<StampAnnotCheck>,
}

impl SignatureCheck {
    /// Whether every reference is [`ReferenceStatus::Ok`] (and there is at least one).
    #[must_use]
    pub fn all_references_ok(&self) -> bool {
        !self.references.is_empty()
            && self
                .references
                .iter()
                .all(|r| r.status == ReferenceStatus::Ok)
    }

    /// The references that are not [`ReferenceStatus::Ok`].
    pub fn failures(&self) -> impl Iterator<Item = &ReferenceCheck> {
        self.references
            .iter()
            .filter(|r| r.status != ReferenceStatus::Ok)
    }
}

/// The package-level facts for all signatures of one document.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PackageCheck {
    /// Package path of `Signatures.xml`, `None` when the document is unsigned.
    pub signatures_path: Option<String>,
    /// Each signature entry with its check, or why its `Signature.xml` could not be read.
    pub signatures: Vec<(SignatureEntry, Result<SignatureCheck, OfdError>)>,
    /// Files protected by no signature — referenced by none, or only by references whose
    /// digest no longer matches — leaving out each signature's own `Signature.xml`,
    /// `SignedValue.dat` and `Seal.esl`, and `Signatures.xml`. Sorted. Every file when unsigned.
    pub not_covered_by_any: Vec<String>,
    /// Per signature (as `signatures`), the modification analysis: what it protects, what it
    /// does not (classified) and what changed after it; `None` where `Signature.xml` could not
    /// be read. The same analysis as [`crate::ofd::verify_document`]'s `ofd.coverage`, with
    /// every signature's protection counted.
    pub coverage: Vec<Option<crate::verify::SignatureCoverage>>,
    /// Whether some signature references `Signatures.xml` (no further signature possible).
    pub signatures_xml_protected: bool,
}

/// A digest method this crate computes (what a `CheckMethod` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DigestMethod {
    /// SM3 (GB/T 32905).
    Sm3,
}

/// The work of one verification (all signatures of all documents of a package): digests
/// computed once per (entry, method), and the budgets of [`Limits`](super::Limits) spent so
/// far.
///
/// Without it a package could name one large entry from 100 000 references, or repeat
/// References over a thousand signatures, and buy hours of hashing with a few kilobytes.
#[derive(Debug, Default)]
pub(crate) struct VerifyWork {
    /// method → package path → digest.
    digests: HashMap<DigestMethod, HashMap<String, [u8; 32]>>,
    references: usize,
    coverage_pairs: u64,
}

impl VerifyWork {
    /// The digest of the entry `path` of `pkg`, computed on first use (by streaming, for a
    /// large entry); `None` when there is no such file.
    fn digest(
        &mut self,
        pkg: &OfdPackage<'_>,
        path: &str,
        method: DigestMethod,
    ) -> Option<[u8; 32]> {
        let table = self.digests.entry(method).or_default();
        if let Some(d) = table.get(path) {
            return Some(*d);
        }
        let d = match method {
            DigestMethod::Sm3 => pkg.sm3_of(path)?,
        };
        table.insert(path.to_owned(), d);
        Some(d)
    }

    /// Charges the coverage of `signatures` signatures over `files` package files.
    fn charge_coverage(
        &mut self,
        limits: &super::Limits,
        signatures: usize,
        files: usize,
        list: &str,
    ) -> Result<(), OfdError> {
        let pairs = (signatures as u64).saturating_mul(files as u64);
        self.coverage_pairs = self.coverage_pairs.saturating_add(pairs);
        if self.coverage_pairs > limits.max_coverage_pairs {
            return Err(OfdError::LimitExceeded {
                what: "number of signature × file coverage pairs (Limits::max_coverage_pairs)",
                limit: limits.max_coverage_pairs,
                entry: Some(list.to_owned()),
            });
        }
        Ok(())
    }

    /// Charges the references of one signature.
    fn charge_references(
        &mut self,
        limits: &super::Limits,
        references: usize,
        signature: &str,
    ) -> Result<(), OfdError> {
        self.references = self.references.saturating_add(references);
        if self.references > limits.max_total_references {
            return Err(OfdError::LimitExceeded {
                what: "number of references across all signatures (Limits::max_total_references)",
                limit: limits.max_total_references as u64,
                entry: Some(signature.to_owned()),
            });
        }
        Ok(())
    }
}

fn check_stamp(annot: &super::StampAnnot, document: Option<&Document>) -> StampAnnotCheck {
    let page = annot
        .page_ref
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|id| document.and_then(|d| d.page_by_id(id)));
    let page_box = page.and_then(|p| document.and_then(|d| d.page_box(p)));
    let visible = match annot.clip {
        Some(c) => Rect::new(
            annot.boundary.x + c.x,
            annot.boundary.y + c.y,
            c.width,
            c.height,
        ),
        None => annot.boundary,
    };
    StampAnnotCheck {
        id: annot.id.clone(),
        page_ref: annot.page_ref.clone(),
        page_found: page.is_some(),
        page_box,
        boundary_within_page: page_box.map(|b| b.contains(&annot.boundary)),
        visible_part_within_page: page_box
            .map(|b| b.contains(&visible) && visible.width > 0.0 && visible.height > 0.0),
    }
}

impl OfdPackage<'_> {
    /// Checks one signature's references against the package as it is, and its stamps
    /// against `document` (the document the signature belongs to; `None` skips page facts).
    ///
    /// Each referenced file is hashed once, however many references name it.
    #[must_use]
    pub fn check_signature(
        &self,
        list: &SignatureList,
        sig: &SignatureFile,
        document: Option<&Document>,
    ) -> SignatureCheck {
        self.check_signature_with(list, sig, document, &mut VerifyWork::default())
    }

    /// [`OfdPackage::check_signature`] with digests shared across the signatures of one
    /// verification.
    pub(crate) fn check_signature_with(
        &self,
        list: &SignatureList,
        sig: &SignatureFile,
        document: Option<&Document>,
        work: &mut VerifyWork,
    ) -> SignatureCheck {
        let info = &sig.signature.signed_info;
        let method = info.check_method.as_deref();
        let sm3_ok = is_sm3_method(method);
        let mut covered = BTreeSet::new();
        let mut references = Vec::with_capacity(info.references.len());
        for r in &info.references {
            let resolved = self.resolve(&sig.path, &r.file_ref);
            let (path, status) = match resolved {
                Err(e) => (
                    None,
                    ReferenceStatus::InvalidLocation {
                        reason: e.to_string(),
                    },
                ),
                Ok(p) => {
                    covered.insert(p.clone());
                    let status = if !self.contains(&p) {
                        ReferenceStatus::MissingFile
                    } else if !sm3_ok {
                        ReferenceStatus::UnsupportedMethod {
                            method: method.map(str::to_owned),
                        }
                    } else {
                        match work.digest(self, &p, DigestMethod::Sm3) {
                            None => ReferenceStatus::MissingFile,
                            Some(computed) if computed.as_slice() == r.check_value.as_slice() => {
                                ReferenceStatus::Ok
                            }
                            Some(computed) => ReferenceStatus::Mismatch {
                                computed: computed.to_vec(),
                            },
                        }
                    };
                    (Some(p), status)
                }
            };
            references.push(ReferenceCheck {
                file_ref: r.file_ref.clone(),
                path,
                status,
            });
        }
        let protects_signatures_xml = covered.contains(&list.path);
        let not_covered = self
            .file_names()
            .filter(|f| {
                !covered.contains(*f)
                    && *f != sig.path
                    && *f != sig.signed_value_path
                    && *f != list.path
            })
            .map(str::to_owned)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        SignatureCheck {
            id: sig.entry.id.clone(),
            references,
            protects_signatures_xml,
            not_covered,
            signed_value_present: self.contains(&sig.signed_value_path),
            seal_present: sig.seal_path.as_ref().map(|p| self.contains(p)),
            stamp_annots: info
                .stamp_annots
                .iter()
                .map(|a| check_stamp(a, document))
                .collect(),
        }
    }

    /// Loads every signature of `list`, charging the work budgets of [`super::Limits`]
    /// (coverage pairs up front, references as each `Signature.xml` is read). A signature
    /// that cannot be read is an `Err` in its slot; an exceeded budget refuses them all.
    pub(crate) fn load_signatures(
        &self,
        list: &SignatureList,
        work: &mut VerifyWork,
    ) -> Result<Vec<Result<SignatureFile, OfdError>>, OfdError> {
        work.charge_coverage(
            &self.limits,
            list.entries.len(),
            self.file_names().count(),
            &list.path,
        )?;
        let mut files = Vec::with_capacity(list.entries.len());
        for entry in &list.entries {
            let file = self.signature(entry);
            if let Ok(sig) = &file {
                work.charge_references(
                    &self.limits,
                    sig.signature.signed_info.references.len(),
                    &sig.path,
                )?;
            }
            files.push(file);
        }
        Ok(files)
    }

    /// Checks every signature of a document (see [`OfdPackage::check_signature`]) and runs
    /// the modification analysis (what each signature protects, what it does not, what changed
    /// after it; the same rule as [`crate::ofd::verify_document`]'s `ofd.coverage`).
    ///
    /// # Errors
    ///
    /// When the structure above the signatures cannot be read (`Document.xml`,
    /// `Signatures.xml`), or the signatures exceed a work budget of [`super::Limits`]
    /// (`max_total_references`, `max_coverage_pairs`: [`OfdError::LimitExceeded`]); a broken
    /// `Signature.xml` is reported in its slot. Each file is hashed once for all signatures.
    pub fn check_signatures(&self, body: &DocBody) -> Result<PackageCheck, OfdError> {
        let document = self.document(body)?;
        let Some(list) = self.signature_list(body)? else {
            let analysis = Analysis::new(self, None, Some(&document), Vec::new(), &[]);
            return Ok(PackageCheck {
                signatures_path: None,
                signatures: Vec::new(),
                not_covered_by_any: analysis
                    .unprotected_by_any()
                    .into_iter()
                    .map(|(p, _)| p)
                    .collect(),
                signatures_xml_protected: false,
                coverage: Vec::new(),
            });
        };
        let mut work = VerifyWork::default();
        let files = self.load_signatures(&list, &mut work)?;
        let checked: Vec<Result<(SignatureFile, SignatureCheck), OfdError>> = files
            .into_iter()
            .map(|file| {
                file.map(|sig| {
                    let check = self.check_signature_with(&list, &sig, Some(&document), &mut work);
                    (sig, check)
                })
            })
            .collect();
        let protected = checked
            .iter()
            .flatten()
            .any(|(_, c)| c.protects_signatures_xml);
        let items = list
            .entries
            .iter()
            .zip(&checked)
            .map(|(e, c)| (e.id.clone(), c.as_ref().ok().map(|(f, c)| (f, c))))
            .collect();
        let (not_covered_by_any, coverage) = {
            let analysis = Analysis::new(self, Some(&list), Some(&document), items, &[]);
            let coverage = (0..list.entries.len())
                .map(|i| {
                    analysis.signature(i).map(|mut c| {
                        truncate(&mut c);
                        c
                    })
                })
                .collect();
            let uncovered = analysis
                .unprotected_by_any()
                .into_iter()
                .map(|(p, _)| p)
                .collect();
            (uncovered, coverage)
        };
        let signatures = list
            .entries
            .iter()
            .cloned()
            .zip(checked.into_iter().map(|c| c.map(|(_, check)| check)))
            .collect();
        Ok(PackageCheck {
            signatures_path: Some(list.path.clone()),
            signatures,
            not_covered_by_any,
            signatures_xml_protected: protected,
            coverage,
        })
    }
}
