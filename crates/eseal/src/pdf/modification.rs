//! What each incremental update changed (`pdf.coverage`, docs/pdf.md): the objects a revision
//! adds or redefines with other content, each given its role in the newest document (a page,
//! its content or resources, an annotation, a signature's or the form's objects, DSS/LTV data,
//! metadata), so that a signature's report says what the document it signed has become.
//!
//! The levels are OFD's (`ofd.coverage`): a change drawn on a page (new pages, page content,
//! resources, annotations) that no later signature covers leaves the signature `indeterminate`
//! ("partial coverage"; `failed` with a strict policy); one a later signature covers passes
//! with warning `pdf.covered_by_other_signature`; metadata and unknown objects pass with
//! warning `pdf.modified_after_signing`; signatures, form fields and DSS data pass.
//!
//! Against the shadow and incremental-saving attacks (tests/pdf_attacks.rs): the page tree,
//! the catalog's `/Pages` and `/OCProperties` and the trailer's `/Root` count as drawn on
//! every page; objects of a redefined object stream are compared; a signature's drawn objects
//! (widgets, appearances) pass only in a revision a later signature covers; a document
//! timestamp covers signature objects, never a change shown on a page.

use std::collections::{BTreeMap, BTreeSet};

use super::file::{PdfFile, XrefEntry, XrefTable};
use super::object::{ObjRef, Object};
use super::sign::DocMdpPermission;
use crate::verify::{
    ChangedFile, Check, CheckCategory, CheckId, FileChange, FileOrigin, FileRole, PageSet,
    SignatureCoverage, UnprotectedFile, Warning,
};

/// One object a revision added or changed.
#[derive(Debug, Clone)]
pub(crate) struct ObjChange {
    pub(crate) num: u32,
    pub(crate) role: FileRole,
    pub(crate) label: String,
    pub(crate) added: bool,
    /// DSS/VRI data (allowed after any certification, ETSI EN 319 142-1 §5.4).
    pub(crate) dss: bool,
    /// A form field's widget (what filling in a form changes).
    pub(crate) form_widget: bool,
    /// A signature object that is drawn (a widget, its appearance, a page's new signature
    /// widgets): harmless only when a later signature covers the revision that made it.
    pub(crate) drawn: bool,
}

/// The changes of one revision relative to the one before.
#[derive(Debug, Clone)]
pub(crate) struct RevisionChanges {
    pub(crate) revision: usize,
    pub(crate) changes: Vec<ObjChange>,
    /// Why the revision could not be compared, if it could not.
    pub(crate) unreadable: Option<String>,
}

/// The label of the objects reached from the catalog's `/DSS`.
const DSS_LABEL: &str = "DSS (long-term validation data)";

/// Roles of the objects of the newest state.
struct Roles {
    map: BTreeMap<u32, (FileRole, String)>,
    budget: usize,
    /// Every page of the newest document.
    all_pages: PageSet,
}

impl Roles {
    fn set(&mut self, num: u32, role: FileRole, label: String) {
        self.map.entry(num).or_insert((role, label));
    }

    /// Marks every object reachable from `obj` (not already marked) with `role`.
    fn reach(&mut self, file: &PdfFile<'_>, obj: &Object, role: &FileRole, label: &str) {
        let mut stack = vec![obj.clone()];
        let mut seen = BTreeSet::new();
        while let Some(o) = stack.pop() {
            if self.budget == 0 {
                return;
            }
            self.budget -= 1;
            match o {
                Object::Ref(r) => {
                    if !seen.insert(r) {
                        continue;
                    }
                    let merge = match self.map.get_mut(&r.num) {
                        Some((FileRole::PageResource { pages }, _)) => {
                            if let FileRole::PageResource { pages: more } = role {
                                pages.union(more);
                            }
                            true
                        }
                        Some(_) => continue,
                        None => false,
                    };
                    if !merge {
                        self.set(r.num, role.clone(), label.to_owned());
                    }
                    if let Ok(v) = file.get(r) {
                        stack.push(v);
                    }
                }
                Object::Array(a) => stack.extend(a),
                Object::Dict(d) => stack.extend(
                    d.iter()
                        .filter(|(k, _)| *k != b"Parent" && *k != b"P")
                        .map(|(_, v)| v.clone()),
                ),
                Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| v.clone())),
                _ => {}
            }
        }
    }
}

fn roles(file: &PdfFile<'_>) -> Roles {
    let trailer = &file.table.trailer;
    let catalog_ref = file.root_ref();
    let catalog = catalog_ref
        .and_then(|r| file.dict(r).ok().flatten())
        .unwrap_or_default();
    let pages = file.pages().unwrap_or_default();
    let mut roles = Roles {
        map: BTreeMap::new(),
        budget: file.limits.max_objects.min(1_000_000),
        all_pages: PageSet::all(u32::try_from(pages.len()).unwrap_or(u32::MAX)),
    };
    for (i, (r, page)) in pages.iter().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        roles.set(
            r.num,
            FileRole::PageContent { page: n },
            format!("page {n}"),
        );
        if let Some(c) = page.get(b"Contents") {
            roles.reach(
                file,
                c,
                &FileRole::PageContent { page: n },
                &format!("content of page {n}"),
            );
        }
        // The page group changes how the page's transparent content is composited.
        if let Some(g) = page.get(b"Group") {
            roles.reach(
                file,
                g,
                &FileRole::PageContent { page: n },
                &format!("transparency group of page {n}"),
            );
        }
    }
    for (i, (_, page)) in pages.iter().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let mut set = PageSet::new();
        set.insert(n);
        if let Some(annots) = page.get(b"Annots") {
            if let Object::Ref(r) = annots {
                roles.set(
                    r.num,
                    FileRole::Annotation { pages: set.clone() },
                    format!("annotation list of page {n}"),
                );
            }
            let list = file.resolve(annots).ok();
            for a in list.as_ref().and_then(Object::as_array).unwrap_or(&[]) {
                let d = file.resolve(a).ok();
                let is_sig = d
                    .as_ref()
                    .and_then(Object::as_dict)
                    .is_some_and(|d| is_signature_widget(file, d));
                if is_sig {
                    roles.reach(
                        file,
                        a,
                        &FileRole::SignatureInfrastructure,
                        "signature field",
                    );
                } else {
                    roles.reach(
                        file,
                        a,
                        &FileRole::Annotation { pages: set.clone() },
                        &format!("annotation on page {n}"),
                    );
                }
            }
        }
        if let Some(res) = page.get(b"Resources") {
            roles.reach(
                file,
                res,
                &FileRole::PageResource { pages: set },
                &format!("resource of page {n}"),
            );
        }
    }
    if let Some(r) = catalog_ref {
        roles.set(r.num, FileRole::DocumentMetadata, "catalog".into());
    }
    // The page tree decides which page objects are shown (and passes on inherited resources
    // and boxes); optional content decides which layers are: a change to either changes what
    // the pages show (the shadow attacks re-point them at objects prepared before signing).
    let every_page = FileRole::PageResource {
        pages: roles.all_pages.clone(),
    };
    for (key, label) in [
        (&b"Pages"[..], "page tree"),
        (b"OCProperties", "optional content (which layers are shown)"),
    ] {
        if let Some(v) = catalog.get(key) {
            roles.reach(file, v, &every_page, label);
        }
    }
    if let Some(f) = catalog.get(b"AcroForm") {
        roles.reach(
            file,
            f,
            &FileRole::SignatureInfrastructure,
            "interactive form (AcroForm)",
        );
    }
    if let Some(d) = catalog.get(b"DSS") {
        roles.reach(file, d, &FileRole::SignatureInfrastructure, DSS_LABEL);
    }
    for key in [&b"Metadata"[..], b"Outlines", b"Names"] {
        if let Some(v) = catalog.get(key) {
            roles.reach(
                file,
                v,
                &FileRole::DocumentMetadata,
                &format!("document {}", String::from_utf8_lossy(key)),
            );
        }
    }
    if let Some(info) = trailer.get(b"Info") {
        roles.reach(
            file,
            info,
            &FileRole::DocumentMetadata,
            "document information",
        );
    }
    roles
}

/// The changes of every revision after the first signed one (`covered`: the revision each
/// signature covers).
pub(crate) fn analyse(file: &PdfFile<'_>, covered: &[Option<usize>]) -> Vec<RevisionChanges> {
    let Some(first) = covered.iter().flatten().min().copied() else {
        return Vec::new();
    };
    if first + 1 >= file.revisions.len() {
        // No update after the earliest signature: nothing to classify.
        return Vec::new();
    }
    let roles = roles(file);
    let mut out = Vec::new();
    let mut prev: Option<XrefTable> = file
        .revisions
        .get(first)
        .and_then(|r| file.read_chain(r.xref).ok());
    // Each revision's table is read through its whole /Prev chain: bound the total work, so
    // that a file of many large revisions cannot make the analysis quadratic.
    let mut budget = file.limits.max_objects.saturating_mul(4);
    for (i, rev) in file.revisions.iter().enumerate().skip(first + 1) {
        if budget == 0 {
            out.push(RevisionChanges {
                revision: i,
                changes: Vec::new(),
                unreadable: Some(
                    "the analysis exceeded its work bound (pdf::Limits::max_objects)".into(),
                ),
            });
            continue;
        }
        let table = file.read_chain(rev.xref);
        if let Ok(t) = &table {
            budget = budget.saturating_sub(t.entries.len().max(1));
        }
        let (Some(before), Ok(after)) = (&prev, &table) else {
            out.push(RevisionChanges {
                revision: i,
                changes: Vec::new(),
                unreadable: Some(match &table {
                    Err(e) => e.to_string(),
                    Ok(_) => "the previous revision cannot be read".into(),
                }),
            });
            prev = table.ok();
            continue;
        };
        let mut changes = Vec::new();
        // A new trailer /Root swaps the whole document for another catalog.
        let root = |t: &XrefTable| t.trailer.get(b"Root").and_then(Object::as_objref);
        if root(after) != root(before) {
            changes.push(ObjChange {
                num: root(after).map_or(0, |r| r.num),
                role: FileRole::PageResource {
                    pages: roles.all_pages.clone(),
                },
                label: "the trailer's /Root: another catalog".into(),
                added: false,
                dss: false,
                form_widget: false,
                drawn: false,
            });
        }
        for (&num, entry) in &after.entries {
            let old = before.entries.get(&num);
            if matches!(entry, XrefEntry::Free) && old.is_none() {
                continue;
            }
            if old == Some(entry) {
                // An object of an object stream is unchanged only if the stream is: an update
                // may redefine the stream and keep the entries pointing into it.
                let XrefEntry::InStream { stream, .. } = entry else {
                    continue;
                };
                if before.entries.get(stream) == after.entries.get(stream) {
                    continue;
                }
            }
            let r = ObjRef::new(num, 0);
            let new_obj = file.get_in(after, r).unwrap_or(Object::Null);
            let old_obj = file.get_in(before, r).unwrap_or(Object::Null);
            if let Object::Stream(s) = &new_obj {
                // The update's own cross-reference and object streams.
                if s.dict.has_type(b"XRef") || s.dict.has_type(b"ObjStm") {
                    continue;
                }
            }
            if same(file, &new_obj, &old_obj) {
                continue;
            }
            let added = matches!(old_obj, Object::Null);
            let (role, label) = roles.map.get(&num).cloned().unwrap_or((
                FileRole::Other,
                "an object the document does not use".into(),
            ));
            let mut dss = label == DSS_LABEL;
            let form_widget = match &new_obj {
                Object::Dict(d) => d.name(b"Subtype") == Some(b"Widget"),
                _ => false,
            };
            // A widget drawn where it lies, a redrawn appearance stream (a new one is only seen
            // through a widget, which is judged itself).
            let mut drawn = match &new_obj {
                Object::Dict(d) if form_widget => !added || shows(d),
                Object::Stream(_) => !added,
                _ => false,
            };
            // A page whose only change is its annotation list (a new widget or comment).
            let role = match (&role, &new_obj, &old_obj) {
                (FileRole::PageContent { page }, Object::Dict(a), Object::Dict(b))
                    if !added && only_annots_changed(a, b) =>
                {
                    let (new_annots, removed) = annots_added(file, a, b);
                    if new_annots.iter().all(|(is_sig, _)| *is_sig) {
                        drawn = removed || new_annots.iter().any(|(_, shown)| *shown);
                        FileRole::SignatureInfrastructure
                    } else {
                        let mut set = PageSet::new();
                        set.insert(*page);
                        FileRole::Annotation { pages: set }
                    }
                }
                // The catalog whose only change is the form (new signature fields) or the DSS,
                // with the `/Extensions` (ESIC, ADBE) that PAdES LTV updates declare beside it
                // (ETSI EN 319 142-1 §5.4.2).
                (FileRole::DocumentMetadata, Object::Dict(a), Object::Dict(b))
                    if !added
                        && Some(num) == file.root_ref().map(|r| r.num)
                        && only_keys_changed(a, b, &[b"AcroForm", b"DSS", b"Extensions"]) =>
                {
                    dss = only_keys_changed(a, b, &[b"DSS", b"Extensions"]);
                    FileRole::SignatureInfrastructure
                }
                // The catalog pointing at another page tree or other optional content.
                (FileRole::DocumentMetadata, Object::Dict(a), Object::Dict(b))
                    if Some(num) == file.root_ref().map(|r| r.num)
                        && [&b"Pages"[..], b"OCProperties"]
                            .iter()
                            .any(|k| !same_entry(a, b, k)) =>
                {
                    FileRole::PageResource {
                        pages: roles.all_pages.clone(),
                    }
                }
                _ => role,
            };
            let drawn = drawn && role == FileRole::SignatureInfrastructure && !dss;
            changes.push(ObjChange {
                num,
                role,
                label,
                added,
                dss,
                form_widget,
                drawn,
            });
        }
        out.push(RevisionChanges {
            revision: i,
            changes,
            unreadable: None,
        });
        prev = table.ok();
    }
    out
}

fn same(file: &PdfFile<'_>, a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Stream(x), Object::Stream(y)) => a.same_content(b) && file.raw(x) == file.raw(y),
        _ => a.same_content(b),
    }
}

/// Whether `a` and `b` have the same `key` (both absent counts as the same).
fn same_entry(a: &super::object::Dict, b: &super::object::Dict, key: &[u8]) -> bool {
    match (a.get(key), b.get(key)) {
        (Some(x), Some(y)) => x.same_content(y),
        (None, None) => true,
        _ => false,
    }
}

fn only_annots_changed(a: &super::object::Dict, b: &super::object::Dict) -> bool {
    only_keys_changed(a, b, &[b"Annots"])
}

/// Whether `a` and `b` differ in `keys` only.
fn only_keys_changed(a: &super::object::Dict, b: &super::object::Dict, keys: &[&[u8]]) -> bool {
    let strip = |d: &super::object::Dict| {
        let mut d = d.clone();
        for k in keys {
            d.remove(k);
        }
        d
    };
    strip(a).same_content(&strip(b))
}

/// For each annotation in `a`'s list and not in `b`'s: whether it is a signature widget and
/// whether it [`shows`]; and whether an annotation of `b`'s list is gone from `a`'s.
fn annots_added(
    file: &PdfFile<'_>,
    a: &super::object::Dict,
    b: &super::object::Dict,
) -> (Vec<(bool, bool)>, bool) {
    let list = |d: &super::object::Dict| -> Vec<Object> {
        d.get(b"Annots")
            .and_then(|o| file.resolve(o).ok())
            .and_then(|o| o.as_array().map(<[Object]>::to_vec))
            .unwrap_or_default()
    };
    let (new, old) = (list(a), list(b));
    let removed = old.iter().any(|y| !new.iter().any(|x| x.same_content(y)));
    let added = new
        .into_iter()
        .filter(|x| !old.iter().any(|y| y.same_content(x)))
        .map(|x| {
            file.resolve(&x)
                .ok()
                .and_then(|o| {
                    o.as_dict()
                        .map(|d| (is_signature_widget(file, d), shows(d)))
                })
                .unwrap_or((false, true))
        })
        .collect();
    (added, removed)
}

/// Whether an annotation is drawn: a `/Rect` of some area, and neither `Hidden` nor `NoView`
/// in `/F` (ISO 32000-1 §12.5.3). An invisible signature field shows nothing.
fn shows(d: &super::object::Dict) -> bool {
    let rect: Vec<f64> = d
        .get(b"Rect")
        .and_then(Object::as_array)
        .map(|r| r.iter().filter_map(Object::as_f64).collect())
        .unwrap_or_default();
    let area = match rect.as_slice() {
        [x1, y1, x2, y2] => (x2 - x1).abs() > 0.0 && (y2 - y1).abs() > 0.0,
        _ => false,
    };
    let flags = d.get(b"F").and_then(Object::as_int).unwrap_or(0);
    area && flags & (2 | 32) == 0
}

/// Whether an annotation is a signature field's widget: merged with the field (`/FT /Sig`) or
/// a kid of one (the widgets of a riding seal).
fn is_signature_widget(file: &PdfFile<'_>, d: &super::object::Dict) -> bool {
    d.name(b"FT") == Some(b"Sig")
        || d.get(b"Parent")
            .and_then(|p| file.resolve(p).ok())
            .and_then(|p| p.as_dict().map(|p| p.name(b"FT") == Some(b"Sig")))
            .unwrap_or(false)
}

/// `pdf.docmdp` for a certification signature of revision `rev` with `permission`:
/// every later change must be one it permits. DSS data and objects the document does not use
/// are always allowed, and so are the signature objects of a revision a document timestamp
/// covers (`doc_timestamps`: the revisions document timestamps cover). A drawn signature
/// object (a widget or appearance) that no later signature covers (`signed`: the revisions
/// the signatures cover) is held to the rule of annotations: an appearance nobody signed.
pub(crate) fn docmdp_check(
    rev: usize,
    changes: &[RevisionChanges],
    permission: DocMdpPermission,
    doc_timestamps: &[usize],
    signed: &[usize],
) -> Check {
    let (id, cat) = (CheckId::PdfDocMdp, CheckCategory::Binding);
    let p = permission.p();
    let mut forbidden = Vec::new();
    let mut unreadable = Vec::new();
    let mut allowed = 0usize;
    for rc in changes.iter().filter(|c| c.revision > rev) {
        if let Some(why) = &rc.unreadable {
            unreadable.push(format!("revision {}: {why}", rc.revision + 1));
        }
        let timestamp = doc_timestamps.contains(&rc.revision);
        let covered = signed.iter().any(|r| *r >= rc.revision);
        for c in &rc.changes {
            let ok = c.dss
                || c.role == FileRole::Other
                || match c.role {
                    FileRole::SignatureInfrastructure if c.drawn && !covered => {
                        permission == DocMdpPermission::AnnotationsFormsAndSigning
                    }
                    FileRole::SignatureInfrastructure => {
                        permission != DocMdpPermission::NoChanges || timestamp
                    }
                    FileRole::Annotation { .. } => {
                        permission == DocMdpPermission::AnnotationsFormsAndSigning
                            || (c.form_widget && permission != DocMdpPermission::NoChanges)
                    }
                    _ => false,
                };
            if ok {
                allowed += 1;
            } else {
                forbidden.push(format!(
                    "{} {} (object {}, {}, revision {})",
                    if c.added { "added" } else { "changed" },
                    c.role.describe(),
                    c.num,
                    c.label,
                    rc.revision + 1
                ));
            }
        }
    }
    let what = match permission {
        DocMdpPermission::NoChanges => "no changes",
        DocMdpPermission::FormFillingAndSigning => "form filling and signing",
        DocMdpPermission::AnnotationsFormsAndSigning => "annotations, form filling and signing",
    };
    if !forbidden.is_empty() {
        let shown: Vec<String> = forbidden.iter().take(20).cloned().collect();
        Check::failed(
            id,
            cat,
            format!(
                "the document is certified with DocMDP /P {p} ({what}), and later updates made \
                 {} change(s) it forbids: {}{}",
                forbidden.len(),
                shown.join("; "),
                if forbidden.len() > 20 { "; …" } else { "" }
            ),
        )
    } else if !unreadable.is_empty() {
        Check::indeterminate(
            id,
            cat,
            format!(
                "the document is certified with DocMDP /P {p} ({what}); a later update cannot be \
                 compared: {}",
                unreadable.join("; ")
            ),
        )
    } else {
        Check::passed(
            id,
            cat,
            format!(
                "a certification signature, DocMDP /P {p} ({what} permitted): {allowed} later \
                 change(s), all permitted (DSS data and document timestamps always are)"
            ),
        )
    }
}

/// The coverage of a signature whose revision could not be established.
pub(crate) fn unknown_coverage() -> (SignatureCoverage, Check, Vec<Warning>) {
    (
        SignatureCoverage::default(),
        Check::indeterminate(
            CheckId::PdfCoverage,
            CheckCategory::Binding,
            "the signed revision is unknown (see pdf.byte_range), so what changed after it is \
             unknown",
        ),
        Vec::new(),
    )
}

/// `pdf.coverage` for a signature of revision `rev`; `later` lists the later signatures and
/// the revision each covers, `doc_timestamps` the revisions document timestamps cover: a
/// timestamp proves when the bytes existed and approves no content, so it covers signature
/// objects (its own widget) but not a change shown on a page.
pub(crate) fn coverage_check(
    file: &PdfFile<'_>,
    rev: usize,
    changes: &[RevisionChanges],
    later: &[(String, Option<usize>)],
    doc_timestamps: &[usize],
    strict: bool,
) -> (SignatureCoverage, Check, Vec<Warning>) {
    let end = file.revisions.get(rev).map_or(0, |r| r.end_with_eol);
    let mut coverage = SignatureCoverage {
        protected: vec![format!(
            "revision {} of {} (bytes 0–{end})",
            rev + 1,
            file.revisions.len()
        )],
        protected_count: 1,
        later_signatures: later.iter().map(|(n, _)| n.clone()).collect(),
        ..SignatureCoverage::default()
    };
    let mut warnings = Vec::new();
    let mut unreadable = Vec::new();
    let mut gaps = Vec::new();
    let mut by_other = Vec::new();
    let mut hidden = Vec::new();
    let mut infra = 0usize;
    for rc in changes.iter().filter(|c| c.revision > rev) {
        if let Some(why) = &rc.unreadable {
            unreadable.push(format!("revision {}: {why}", rc.revision + 1));
        }
        let covering = later
            .iter()
            .find(|(_, r)| r.is_some_and(|r| r >= rc.revision))
            .map(|(n, _)| n.clone());
        let approving = later
            .iter()
            .find(|(_, r)| r.is_some_and(|r| r >= rc.revision && !doc_timestamps.contains(&r)))
            .map(|(n, _)| n.clone());
        for c in &rc.changes {
            let path = format!(
                "object {} ({}, revision {})",
                c.num,
                c.label,
                rc.revision + 1
            );
            let phrase = format!(
                "{} {} ({})",
                if c.added { "added" } else { "changed" },
                c.role.describe(),
                path
            );
            if c.role == FileRole::SignatureInfrastructure && c.drawn && covering.is_none() {
                // A signature widget or appearance no later signature covers: drawn on a page
                // and signed by nobody (an overlay dressed as a signature field).
                gaps.push(format!(
                    "{phrase}, drawn and not signed by any later signature"
                ));
            } else if c.role == FileRole::SignatureInfrastructure {
                infra += 1;
            } else if c.role.is_visible() {
                match (&approving, &covering) {
                    (Some(s), _) => by_other.push(format!("{phrase} by signature {s}")),
                    (None, Some(t)) => gaps.push(format!(
                        "{phrase}, covered only by document timestamp {t}, which approves no \
                         content"
                    )),
                    (None, None) => gaps.push(phrase),
                }
            } else {
                hidden.push(phrase);
            }
            let by = if c.role == FileRole::SignatureInfrastructure {
                covering.clone()
            } else {
                approving.clone()
            };
            if c.added {
                coverage.unprotected.push(UnprotectedFile {
                    path,
                    role: c.role.clone(),
                    protected_by: by,
                    origin: FileOrigin::Unknown,
                });
            } else {
                coverage.changed.push(ChangedFile {
                    path,
                    role: c.role.clone(),
                    change: FileChange::Modified,
                    changed_by: by,
                });
            }
        }
    }
    coverage.unlisted = coverage
        .unprotected
        .len()
        .saturating_sub(SignatureCoverage::MAX_LISTED);
    coverage.unprotected.truncate(SignatureCoverage::MAX_LISTED);
    let join = |v: &[String]| {
        let mut s = v.iter().take(20).cloned().collect::<Vec<_>>().join("; ");
        if v.len() > 20 {
            s.push_str(&format!("; and {} more", v.len() - 20));
        }
        s
    };
    if !by_other.is_empty() {
        warnings.push(Warning::new(
            "pdf.covered_by_other_signature",
            format!(
                "changed after this signature and covered by a later one: {}",
                join(&by_other)
            ),
        ));
    }
    if !hidden.is_empty() {
        warnings.push(Warning::new(
            "pdf.modified_after_signing",
            format!(
                "changed after this signature, not shown on a page: {}",
                join(&hidden)
            ),
        ));
    }
    let id = CheckId::PdfCoverage;
    let cat = CheckCategory::Binding;
    let check = if !unreadable.is_empty() {
        Check::indeterminate(
            id,
            cat,
            format!(
                "a later incremental update cannot be compared: {}",
                join(&unreadable)
            ),
        )
    } else if !gaps.is_empty() {
        let message = format!(
            "partial coverage: incremental updates after this signature changed what the pages \
             show, and no later signature covers it: {}",
            join(&gaps)
        );
        if strict {
            Check::failed(id, cat, format!("{message} (strict: fails)"))
        } else {
            Check::indeterminate(id, cat, message)
        }
    } else if rev + 1 == file.revisions.len() {
        Check::passed(
            id,
            cat,
            "the signature covers the whole document: no update follows it",
        )
    } else if by_other.is_empty() && hidden.is_empty() {
        Check::passed(
            id,
            cat,
            format!(
                "{} later update(s) added only signatures, form fields or DSS data ({infra} \
                 object(s)); nothing this signature covers changed",
                file.revisions.len() - rev - 1
            ),
        )
    } else {
        Check::passed(
            id,
            cat,
            format!(
                "{} later update(s): {infra} object(s) of signatures, form fields or DSS data, \
                 {} covered by a later signature, {} not shown on a page (see the warnings); \
                 nothing shown on a page changed without a later signature",
                file.revisions.len() - rev - 1,
                by_other.len(),
                hidden.len()
            ),
        )
    };
    (coverage, check, warnings)
}
