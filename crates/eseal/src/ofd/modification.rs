//! Modification analysis of a signed OFD document (standards-notes §5.6; docs/ofd.md
//! "Coverage"): for each signature, the files it protects, the files it does not — each
//! classified by what it is in the document ([`FileRole`]) and whether another signature
//! protects it — and what the later revisions changed. The one rule that turns this into
//! `ofd.coverage` and `document.coverage` lives here, for both [`OfdPackage::check_signatures`]
//! and [`super::verify_document`].
//!
//! A file is *protected* by a signature when one of its References names it and the digest
//! still matches (or cannot be checked: a CheckMethod other than SM3, which `ofd.references`
//! reports). Changed and missing files are reported as such, not as unprotected.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::OfdPackage;
use super::check::{ReferenceStatus, SignatureCheck};
use super::document::Document;
use super::signatures::{SignatureFile, SignatureList};
use super::xml::Element;
use crate::verify::{
    ChangedFile, Check, CheckCategory, CheckId, FileChange, FileOrigin, FileRole, PageSet, Report,
    SignatureCoverage, Status, UnprotectedFile, Warning,
};

/// What each file of the package is, and which file refers to it.
struct Roles {
    roles: HashMap<String, FileRole>,
    /// The first file found referring to each file (for [`FileOrigin`]).
    referrer: HashMap<String, String>,
    /// The signature list and every signature's files (of this document).
    infrastructure: HashSet<String>,
    /// Which signature (list index) each signature file belongs to.
    owner: HashMap<String, usize>,
}

impl Roles {
    fn set(&mut self, path: String, role: FileRole, referrer: Option<&str>) {
        if let Some(r) = referrer {
            self.referrer
                .entry(path.clone())
                .or_insert_with(|| r.to_owned());
        }
        self.roles.entry(path).or_insert(role);
    }

    fn role(&self, path: &str) -> FileRole {
        self.roles.get(path).cloned().unwrap_or(FileRole::Other)
    }
}

/// What a page or template content file refers to.
#[derive(Default)]
struct ContentFacts {
    /// `Template@TemplateID` and whether it is drawn in the background.
    templates: Vec<(String, bool)>,
    /// `PageRes`, resolved.
    page_res: Vec<String>,
}

/// Reads XML files for the analysis. Only the facts of content files are kept (one entry per
/// distinct file, however many pages share it), never whole trees: memory stays proportional
/// to the references found. A file that does not parse refers to nothing; it keeps its role.
struct Parsed<'p> {
    pkg: &'p OfdPackage<'p>,
    contents: HashMap<String, ContentFacts>,
}

impl<'p> Parsed<'p> {
    fn parse(&self, path: &str) -> Option<Element> {
        self.pkg
            .get(path)
            .and_then(|data| self.pkg.parse_xml(path, data).ok())
    }

    fn content(&mut self, path: &str) -> &ContentFacts {
        if !self.contents.contains_key(path) {
            let pkg = self.pkg;
            let facts = self
                .parse(path)
                .map(|root| ContentFacts {
                    templates: root
                        .children_named("Template")
                        .filter_map(|t| {
                            let id = t.attr("TemplateID")?.trim().to_owned();
                            let background =
                                t.attr("ZOrder").is_none_or(|z| z.trim() != "Foreground");
                            Some((id, background))
                        })
                        .collect(),
                    page_res: root
                        .children_named("PageRes")
                        .filter_map(|r| locate(pkg, path, r.text.trim()))
                        .collect(),
                })
                .unwrap_or_default();
            self.contents.insert(path.to_owned(), facts);
        }
        static EMPTY: ContentFacts = ContentFacts {
            templates: Vec::new(),
            page_res: Vec::new(),
        };
        self.contents.get(path).unwrap_or(&EMPTY)
    }
}

fn locate(pkg: &OfdPackage<'_>, referrer: &str, location: &str) -> Option<String> {
    pkg.resolve(referrer, location).ok()
}

/// Texts of every descendant element named `name` (any depth; the tree is depth-bounded).
fn descendant_texts(root: &Element, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(el) = stack.pop() {
        for c in &el.children {
            if names.contains(&c.name.as_str()) {
                let t = c.text.trim();
                if !t.is_empty() {
                    out.push(t.to_owned());
                }
            }
            stack.push(c);
        }
    }
    out
}

/// Page numbers as `u32` (page counts are bounded by `Limits::max_pages`).
fn page_number(index: usize) -> u32 {
    u32::try_from(index.saturating_add(1)).unwrap_or(u32::MAX)
}

fn add_pages(map: &mut BTreeMap<String, PageSet>, path: String, pages: &PageSet) {
    map.entry(path).or_default().union(pages);
}

/// A resource index (`PublicRes.xml`, `DocumentRes.xml`, a page's `PageRes`) and the files it
/// names, all drawn on `pages`.
fn add_resource_index(
    parsed: &mut Parsed<'_>,
    resources: &mut BTreeMap<String, PageSet>,
    referrers: &mut Vec<(String, String)>,
    index: &str,
    referrer: &str,
    pages: &PageSet,
) {
    add_pages(resources, index.to_owned(), pages);
    referrers.push((index.to_owned(), referrer.to_owned()));
    let pkg = parsed.pkg;
    let Some(root) = parsed.parse(index) else {
        return;
    };
    // Media locations are relative to the index's BaseLoc directory, if it names one.
    let base = root
        .attr("BaseLoc")
        .and_then(|b| locate(pkg, index, &format!("{}/_", b.trim().trim_end_matches('/'))));
    for text in descendant_texts(&root, &["FontFile", "MediaFile", "ICCFile"]) {
        let found = base
            .as_deref()
            .and_then(|b| locate(pkg, b, &text))
            .filter(|p| pkg.contains(p))
            .or_else(|| locate(pkg, index, &text));
        if let Some(p) = found {
            add_pages(resources, p.clone(), pages);
            referrers.push((p, index.to_owned()));
        }
    }
}

fn classify(
    pkg: &OfdPackage<'_>,
    list: Option<&SignatureList>,
    document: Option<&Document>,
    signatures: &[Option<&SignatureFile>],
) -> Roles {
    let mut roles = Roles {
        roles: HashMap::new(),
        referrer: HashMap::new(),
        infrastructure: HashSet::new(),
        owner: HashMap::new(),
    };
    let mut parsed = Parsed {
        pkg,
        contents: HashMap::new(),
    };
    if let Some(doc) = document {
        let mut resources: BTreeMap<String, PageSet> = BTreeMap::new();
        let mut referrers: Vec<(String, String)> = Vec::new();
        let all = PageSet::all(u32::try_from(doc.pages.len()).unwrap_or(u32::MAX));
        // Templates declared in Document.xml: ID → path.
        let mut templates: HashMap<String, String> = HashMap::new();
        if let Some(root) = parsed.parse(&doc.path) {
            if let Some(common) = root.child("CommonData") {
                for t in common.children_named("TemplatePage") {
                    if let (Some(id), Some(loc)) = (t.attr("ID"), t.attr("BaseLoc")) {
                        if let Some(p) = locate(pkg, &doc.path, loc) {
                            templates.insert(id.trim().to_owned(), p);
                        }
                    }
                }
            }
        }
        let mut template_use: BTreeMap<String, (PageSet, bool)> = BTreeMap::new();
        // Page-level resource indexes: the pages drawing each, and the first page naming it.
        let mut page_res: BTreeMap<String, (PageSet, String)> = BTreeMap::new();
        for (i, page) in doc.pages.iter().enumerate() {
            let n = page_number(i);
            roles.set(
                page.path.clone(),
                FileRole::PageContent { page: n },
                Some(&doc.path),
            );
            let facts = parsed.content(&page.path);
            for (id, background) in &facts.templates {
                let Some(path) = templates.get(id) else {
                    continue;
                };
                let entry = template_use
                    .entry(path.clone())
                    .or_insert_with(|| (PageSet::new(), *background));
                entry.0.insert(n);
            }
            for p in &facts.page_res {
                page_res
                    .entry(p.clone())
                    .or_insert_with(|| (PageSet::new(), page.path.clone()))
                    .0
                    .insert(n);
            }
        }
        for path in templates.values() {
            template_use
                .entry(path.clone())
                .or_insert_with(|| (PageSet::new(), true));
        }
        for (path, (pages, background)) in &template_use {
            roles.set(
                path.clone(),
                FileRole::Template {
                    pages: pages.clone(),
                    background: *background,
                },
                Some(&doc.path),
            );
            // A template's own resources are drawn on the pages that use it.
            let locs = parsed.content(path).page_res.clone();
            for p in locs {
                add_resource_index(&mut parsed, &mut resources, &mut referrers, &p, path, pages);
            }
        }
        for index in doc.public_res.iter().chain(&doc.document_res) {
            add_resource_index(
                &mut parsed,
                &mut resources,
                &mut referrers,
                index,
                &doc.path,
                &all,
            );
        }
        for (index, (pages, page_path)) in page_res {
            add_resource_index(
                &mut parsed,
                &mut resources,
                &mut referrers,
                &index,
                &page_path,
                &pages,
            );
        }
        // Visible roles first: a file that is also named as something else stays visible.
        for (path, pages) in resources {
            roles.set(path, FileRole::PageResource { pages }, None);
        }
        for (path, referrer) in referrers {
            roles.referrer.entry(path).or_insert(referrer);
        }
        classify_annotations(pkg, &mut parsed, &mut roles, doc);
        classify_indexed(
            pkg,
            &mut parsed,
            &mut roles,
            &doc.path,
            doc.attachments.as_deref(),
            "Attachment",
            &["FileLoc"],
            &FileRole::Attachment,
        );
        classify_indexed(
            pkg,
            &mut parsed,
            &mut roles,
            &doc.path,
            doc.custom_tags.as_deref(),
            "CustomTag",
            &["FileLoc", "SchemaLoc"],
            &FileRole::CustomTags,
        );
    }
    roles.set("OFD.xml".to_owned(), FileRole::DocumentMetadata, None);
    if let Some(doc) = document {
        roles.set(
            doc.path.clone(),
            FileRole::DocumentMetadata,
            Some("OFD.xml"),
        );
    }
    if let Some(list) = list {
        roles.infrastructure.insert(list.path.clone());
        roles
            .referrer
            .entry(list.path.clone())
            .or_insert_with(|| "OFD.xml".to_owned());
        for (i, entry) in list.entries.iter().enumerate() {
            roles.infrastructure.insert(entry.path.clone());
            roles.owner.entry(entry.path.clone()).or_insert(i);
            let Some(sig) = signatures.get(i).copied().flatten() else {
                continue;
            };
            for path in std::iter::once(&sig.signed_value_path).chain(&sig.seal_path) {
                roles.infrastructure.insert(path.clone());
                roles.owner.entry(path.clone()).or_insert(i);
            }
        }
        for path in &roles.infrastructure.clone() {
            roles.set(path.clone(), FileRole::SignatureInfrastructure, None);
        }
    }
    roles
}

/// `Annotations.xml`: `Page@PageID` + `FileLoc` per page.
fn classify_annotations(
    pkg: &OfdPackage<'_>,
    parsed: &mut Parsed<'_>,
    roles: &mut Roles,
    doc: &Document,
) {
    let Some(index) = doc.annotations.clone() else {
        return;
    };
    roles.set(index.clone(), FileRole::AnnotationIndex, Some(&doc.path));
    let numbers: HashMap<u64, u32> = doc
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, page_number(i)))
        .collect();
    let Some(root) = parsed.parse(&index) else {
        return;
    };
    let mut files: BTreeMap<String, PageSet> = BTreeMap::new();
    for page in root.children_named("Page") {
        let n = page
            .attr("PageID")
            .and_then(|id| id.trim().parse::<u64>().ok())
            .and_then(|id| numbers.get(&id).copied());
        for loc in page.children_named("FileLoc") {
            if let Some(p) = locate(pkg, &index, loc.text.trim()) {
                let set = files.entry(p).or_default();
                if let Some(n) = n {
                    set.insert(n);
                }
            }
        }
    }
    for (path, pages) in files {
        roles.set(path, FileRole::Annotation { pages }, Some(&index));
    }
}

/// An index file (`Attachments.xml`, `CustomTags.xml`) and the files its `item` elements name.
#[allow(clippy::too_many_arguments)] // one call per index kind; a struct would only rename them
fn classify_indexed(
    pkg: &OfdPackage<'_>,
    parsed: &mut Parsed<'_>,
    roles: &mut Roles,
    doc_path: &str,
    index: Option<&str>,
    item: &str,
    locations: &[&str],
    role: &FileRole,
) {
    let Some(index) = index else {
        return;
    };
    roles.set(index.to_owned(), role.clone(), Some(doc_path));
    let Some(root) = parsed.parse(index) else {
        return;
    };
    let mut found = Vec::new();
    for el in root.children_named(item) {
        for name in locations {
            for loc in el.children_named(name) {
                if let Some(p) = locate(pkg, index, loc.text.trim()) {
                    found.push(p);
                }
            }
        }
    }
    for p in found {
        roles.set(p, role.clone(), Some(index));
    }
}

/// Whether a reference's outcome counts as protection (see the module docs).
fn protects(status: &ReferenceStatus) -> bool {
    matches!(
        status,
        ReferenceStatus::Ok | ReferenceStatus::UnsupportedMethod { .. }
    )
}

/// The modification analysis of one document (one `DocBody`) of a package.
pub(crate) struct Analysis<'a> {
    pkg: &'a OfdPackage<'a>,
    roles: Roles,
    /// Per signature (list order): its ID, and its files and check when `Signature.xml` was read.
    signatures: Vec<(String, Option<(&'a SignatureFile, &'a SignatureCheck)>)>,
    /// For each protected file, the signatures (indexes, ascending) whose protection counts.
    protected_by: HashMap<String, Vec<usize>>,
    /// Files some signature protects, counted or not (the package-level fact behind
    /// `document.coverage`; an invalid signature fails on its own).
    protected_by_some: HashSet<String>,
}

impl<'a> Analysis<'a> {
    /// Classifies the package's files for this document and indexes what each signature
    /// protects. `signatures` follows the signature list; `counted[i]` says whether signature
    /// `i` vouches for the files it protects (a signature already known to be invalid does
    /// not; missing entries count).
    pub(crate) fn new(
        pkg: &'a OfdPackage<'a>,
        list: Option<&SignatureList>,
        document: Option<&Document>,
        signatures: Vec<(String, Option<(&'a SignatureFile, &'a SignatureCheck)>)>,
        counted: &[bool],
    ) -> Self {
        let files: Vec<Option<&SignatureFile>> =
            signatures.iter().map(|(_, s)| s.map(|(f, _)| f)).collect();
        let roles = classify(pkg, list, document, &files);
        let mut protected_by: HashMap<String, Vec<usize>> = HashMap::new();
        let mut protected_by_some = HashSet::new();
        for (i, (_, sig)) in signatures.iter().enumerate() {
            let Some((_, check)) = sig else { continue };
            let counts = counted.get(i).copied().unwrap_or(true);
            for r in &check.references {
                if let (Some(p), true) = (&r.path, protects(&r.status)) {
                    if !protected_by_some.contains(p) {
                        protected_by_some.insert(p.clone());
                    }
                    if !counts {
                        continue;
                    }
                    let v = protected_by.entry(p.clone()).or_default();
                    if v.last() != Some(&i) {
                        v.push(i);
                    }
                }
            }
        }
        Analysis {
            pkg,
            roles,
            signatures,
            protected_by,
            protected_by_some,
        }
    }

    /// The first counted signature other than `me` protecting `path`: the first later one,
    /// else the first earlier one.
    fn other_protector(&self, path: &str, me: usize) -> Option<usize> {
        let v = self.protected_by.get(path)?;
        // `v` is ascending: the first later one by binary search, else the first one.
        v.get(v.partition_point(|&j| j <= me))
            .or_else(|| v.first().filter(|&&j| j != me))
            .copied()
    }

    fn id(&self, index: usize) -> Option<String> {
        self.signatures.get(index).map(|(id, _)| id.clone())
    }

    /// The full coverage of signature `index` (nothing truncated), or `None` when its
    /// `Signature.xml` was not read.
    pub(crate) fn signature(&self, index: usize) -> Option<SignatureCoverage> {
        let (_, Some((sig, check))) = self.signatures.get(index)? else {
            return None;
        };
        let mut protected = BTreeSet::new();
        let mut changed = Vec::new();
        let mut changed_paths = HashSet::new();
        for r in &check.references {
            if protects(&r.status) {
                if let Some(p) = &r.path {
                    protected.insert(p.clone());
                }
                continue;
            }
            let change = match r.status {
                ReferenceStatus::Mismatch { .. } => FileChange::Modified,
                _ => FileChange::Removed,
            };
            let path = r.path.clone().unwrap_or_else(|| r.file_ref.clone());
            if !changed_paths.insert(path.clone()) {
                continue;
            }
            let changed_by = self
                .protected_by
                .get(&path)
                .and_then(|v| v.get(v.partition_point(|&j| j <= index)))
                .and_then(|&j| self.id(j));
            changed.push(ChangedFile {
                // A removed file keeps the role the document's structure gives it.
                role: self.roles.role(&path),
                path,
                change,
                changed_by,
            });
        }
        let mut unprotected: Vec<UnprotectedFile> = self
            .pkg
            .file_names()
            .filter(|f| {
                !protected.contains(*f)
                    && !changed_paths.contains(*f)
                    && *f != sig.path
                    && *f != sig.signed_value_path
            })
            .map(|f| {
                let referrer = self.roles.referrer.get(f);
                let origin = if f == "OFD.xml" || referrer.is_some_and(|r| protected.contains(r)) {
                    // OFD.xml is the entry point: it was there at signing.
                    FileOrigin::LeftOutAtSigning
                } else {
                    FileOrigin::Unknown
                };
                UnprotectedFile {
                    path: f.to_owned(),
                    role: self.roles.role(f),
                    protected_by: self.other_protector(f, index).and_then(|j| self.id(j)),
                    origin,
                }
            })
            .collect();
        unprotected.sort_by(|a, b| {
            importance(a)
                .cmp(&importance(b))
                .then_with(|| a.path.cmp(&b.path))
        });
        Some(SignatureCoverage {
            protected_count: protected.len(),
            protected: protected.into_iter().collect(),
            unprotected,
            unlisted: 0,
            changed,
            later_signatures: self
                .signatures
                .iter()
                .skip(index.saturating_add(1))
                .map(|(id, _)| id.clone())
                .collect(),
            whole_protect: check.protects_signatures_xml,
        })
    }

    /// Files no signature protects (counted or not), apart from signature files: path and
    /// role, sorted.
    pub(crate) fn unprotected_by_any(&self) -> Vec<(String, FileRole)> {
        self.pkg
            .file_names()
            .filter(|f| {
                !self.protected_by_some.contains(*f) && !self.roles.infrastructure.contains(*f)
            })
            .map(|f| (f.to_owned(), self.roles.role(f)))
            .collect::<BTreeMap<_, _>>()
            .into_iter()
            .collect()
    }
}

/// Sort key: what a reader most needs to know first.
fn importance(f: &UnprotectedFile) -> u8 {
    match (&f.protected_by, &f.role) {
        (None, r) if r.is_visible() => 0,
        (None, FileRole::SignatureInfrastructure) => 3,
        (None, _) => 1,
        (Some(_), FileRole::SignatureInfrastructure) => 4,
        (Some(_), _) => 2,
    }
}

/// Keeps at most [`SignatureCoverage::MAX_LISTED`] protected and unprotected files, counting
/// the rest.
pub(crate) fn truncate(coverage: &mut SignatureCoverage) {
    coverage.protected.truncate(SignatureCoverage::MAX_LISTED);
    let extra = coverage
        .unprotected
        .len()
        .saturating_sub(SignatureCoverage::MAX_LISTED);
    if extra > 0 {
        coverage.unprotected.truncate(SignatureCoverage::MAX_LISTED);
        coverage.unlisted = coverage.unlisted.saturating_add(extra);
    }
}

/// At most `max` items joined by `, `, then a count.
fn join_limited<I: IntoIterator<Item = String>>(items: I, max: usize) -> String {
    let mut out = Vec::new();
    let mut rest = 0usize;
    for (i, item) in items.into_iter().enumerate() {
        if i < max {
            out.push(item);
        } else {
            rest += 1;
        }
    }
    if rest > 0 {
        out.push(format!("and {rest} more"));
    }
    out.join(", ")
}

fn origin_phrase(origin: FileOrigin) -> &'static str {
    match origin {
        FileOrigin::LeftOutAtSigning => "left out when signed",
        _ => "added after signing, or left out",
    }
}

fn file_phrase(f: &UnprotectedFile) -> String {
    format!(
        "{} ({}, {})",
        f.path,
        f.role.describe(),
        origin_phrase(f.origin)
    )
}

/// The warning code for a file not shown on any page that no signature protects.
fn unprotected_code(role: &FileRole) -> &'static str {
    match role {
        FileRole::DocumentMetadata => "ofd.unprotected_metadata",
        FileRole::AnnotationIndex | FileRole::Annotation { .. } => {
            "ofd.unprotected_annotation_index"
        }
        FileRole::Attachment => "ofd.unprotected_attachment",
        FileRole::CustomTags => "ofd.unprotected_custom_tags",
        FileRole::SignatureInfrastructure => "ofd.unprotected_signature_files",
        FileRole::PageContent { .. }
        | FileRole::PageResource { .. }
        | FileRole::Template { .. } => "ofd.unprotected_unused_content",
        _ => "ofd.unprotected_file",
    }
}

/// Whether a signature file left out by `index` deserves a warning: its own seal copy and
/// earlier signatures' files (a later signature normally protects them); the signature list in
/// continue-sign mode and later signatures' files are left out by construction.
fn infrastructure_worth_warning(
    analysis: &Analysis<'_>,
    index: usize,
    f: &UnprotectedFile,
) -> bool {
    analysis
        .roles
        .owner
        .get(&f.path)
        .is_some_and(|&owner| owner <= index)
}

/// `ofd.coverage` for one signature and the warnings that go with it (docs/ofd.md): visible
/// content protected by no signature is `indeterminate` (`failed` when `strict`); files
/// protected only by another signature pass with warning `ofd.covered_by_other_signature`;
/// unprotected metadata, annotation index, attachments, custom tags and unused files pass
/// with a warning naming them.
pub(crate) fn coverage_check(
    analysis: &Analysis<'_>,
    index: usize,
    coverage: &SignatureCoverage,
    strict: bool,
) -> (Check, Vec<Warning>) {
    let id = CheckId::OfdCoverage;
    let cat = CheckCategory::Binding;
    let mut warnings = Vec::new();
    let gaps: Vec<&UnprotectedFile> = coverage.visible_unprotected().collect();
    let by_other: Vec<&UnprotectedFile> = coverage
        .unprotected
        .iter()
        .filter(|f| f.protected_by.is_some() && f.role != FileRole::SignatureInfrastructure)
        .collect();
    if !by_other.is_empty() {
        warnings.push(Warning::new(
            "ofd.covered_by_other_signature",
            format!(
                "{} file(s) are not protected by this signature but by another one: {}",
                by_other.len(),
                join_limited(
                    by_other.iter().map(|f| format!(
                        "{} ({}) by signature {}",
                        f.path,
                        f.role.describe(),
                        f.protected_by.as_deref().unwrap_or("?")
                    )),
                    20
                )
            ),
        ));
    }
    let mut by_code: BTreeMap<&'static str, Vec<&UnprotectedFile>> = BTreeMap::new();
    for f in coverage
        .unprotected
        .iter()
        .filter(|f| f.protected_by.is_none() && !f.role.is_visible())
    {
        if f.role == FileRole::SignatureInfrastructure
            && !infrastructure_worth_warning(analysis, index, f)
        {
            continue;
        }
        by_code
            .entry(unprotected_code(&f.role))
            .or_default()
            .push(f);
    }
    let mut not_shown = 0usize;
    for (code, files) in by_code {
        not_shown += files.len();
        warnings.push(Warning::new(
            code,
            format!(
                "not protected by any signature: {}",
                join_limited(files.iter().map(|f| file_phrase(f)), 20)
            ),
        ));
    }
    let check = if gaps.is_empty() {
        let mode = if coverage.whole_protect {
            "whole-document protection: Signatures.xml is protected too"
        } else {
            "continue-sign mode: Signatures.xml is not protected"
        };
        if by_other.is_empty() && not_shown == 0 {
            Check::passed(
                id,
                cat,
                format!(
                    "every content file of the package is protected by this signature ({mode})"
                ),
            )
        } else {
            Check::passed(
                id,
                cat,
                format!(
                    "everything shown on the pages is protected ({mode}); {} file(s) are protected \
                     by another signature only, {not_shown} file(s) not shown on a page by none \
                     (see the warnings)",
                    by_other.len()
                ),
            )
        }
    } else {
        let message = format!(
            "{} file(s) shown on the pages are protected by no signature: {}",
            gaps.len(),
            join_limited(gaps.iter().map(|f| file_phrase(f)), 20)
        );
        if strict {
            Check::failed(
                id,
                cat,
                format!("{message} (strict: unprotected visible content fails)"),
            )
        } else {
            Check::indeterminate(id, cat, message)
        }
    };
    (check, warnings)
}

/// `document.coverage` over the files no signature of any document protects (signature files
/// aside), with the same rule as [`coverage_check`].
pub(crate) fn document_coverage_check(unprotected: &[(String, FileRole)], strict: bool) -> Check {
    let id = CheckId::DocumentCoverage;
    let cat = CheckCategory::Binding;
    let (visible, hidden): (Vec<_>, Vec<_>) =
        unprotected.iter().partition(|(_, role)| role.is_visible());
    let describe = |files: &[&(String, FileRole)]| {
        join_limited(
            files.iter().map(|(p, r)| format!("{p} ({})", r.describe())),
            20,
        )
    };
    if visible.is_empty() {
        if hidden.is_empty() {
            Check::passed(
                id,
                cat,
                "every content file is protected by at least one signature",
            )
        } else {
            Check::passed(
                id,
                cat,
                format!(
                    "everything shown on the pages is protected by at least one signature; {} \
                     file(s) not shown on a page are protected by none: {}",
                    hidden.len(),
                    describe(&hidden)
                ),
            )
        }
    } else {
        let message = format!(
            "{} file(s) shown on the pages are protected by no signature (added after signing, \
             or left out): {}",
            visible.len(),
            describe(&visible)
        );
        if strict {
            Check::failed(id, cat, message)
        } else {
            Check::indeterminate(id, cat, message)
        }
    }
}

/// The files no signature protects across several documents of a package: unprotected in
/// every analysis, the most specific role found.
pub(crate) fn merge_unprotected(per_body: &[Vec<(String, FileRole)>]) -> Vec<(String, FileRole)> {
    let Some((first, rest)) = per_body.split_first() else {
        return Vec::new();
    };
    let mut merged: BTreeMap<String, FileRole> = first.iter().cloned().collect();
    for other in rest {
        let map: HashMap<&str, &FileRole> = other.iter().map(|(p, r)| (p.as_str(), r)).collect();
        merged.retain(|p, _| map.contains_key(p.as_str()));
        for (p, role) in &mut merged {
            if let Some(r) = map.get(p.as_str()) {
                if rank(r) < rank(role) {
                    *role = (*r).clone();
                }
            }
        }
    }
    merged.into_iter().collect()
}

/// Lower is more specific.
fn rank(role: &FileRole) -> u8 {
    if role.is_visible() {
        0
    } else if *role == FileRole::Other {
        2
    } else {
        1
    }
}

/// One line for a clerk: the verdict, then what is changed or unprotected, e.g. "signature
/// valid; the background template of pages 1–5 is protected by signature s2 only".
pub(crate) fn summary(report: &Report, coverage: &SignatureCoverage) -> String {
    let head = match report.status() {
        Status::Valid => "signature valid".to_owned(),
        status => {
            let culprit = report
                .checks()
                .iter()
                .find(|c| c.decisive)
                .or_else(|| {
                    report.checks().iter().find(|c| {
                        c.status != crate::verify::CheckStatus::Passed
                            && c.status != crate::verify::CheckStatus::NotApplicable
                    })
                })
                .map(|c| format!(" ({})", c.id.as_str()))
                .unwrap_or_default();
            format!("signature {}{culprit}", status.as_str())
        }
    };
    let mut parts = Vec::new();
    if !coverage.changed.is_empty() {
        parts.push(join_limited(
            coverage.changed.iter().map(|c| {
                let what = match c.change {
                    FileChange::Modified => "changed after signing",
                    _ => "is missing",
                };
                let by = c
                    .changed_by
                    .as_ref()
                    .map(|by| format!(" (in the revision signed by {by})"))
                    .unwrap_or_default();
                if c.role == FileRole::Other {
                    format!("{} {what}{by}", c.path)
                } else {
                    format!("{} ({}) {what}{by}", c.role.describe(), c.path)
                }
            }),
            3,
        ));
    }
    let gaps: Vec<&UnprotectedFile> = coverage.visible_unprotected().collect();
    if !gaps.is_empty() {
        parts.push(format!(
            "{} {} not protected by any signature",
            join_limited(gaps.iter().map(|f| f.role.describe()), 3),
            if gaps.len() == 1 { "is" } else { "are" }
        ));
    }
    let others: Vec<&UnprotectedFile> = coverage
        .unprotected
        .iter()
        .filter(|f| f.protected_by.is_some() && f.role != FileRole::SignatureInfrastructure)
        .collect();
    if !others.is_empty() {
        parts.push(join_limited(
            others.iter().map(|f| {
                format!(
                    "{} is protected by signature {} only",
                    f.role.describe(),
                    f.protected_by.as_deref().unwrap_or("?")
                )
            }),
            3,
        ));
    }
    let hidden: Vec<&UnprotectedFile> = coverage
        .unprotected
        .iter()
        .filter(|f| {
            f.protected_by.is_none()
                && !f.role.is_visible()
                && f.role != FileRole::SignatureInfrastructure
        })
        .collect();
    if !hidden.is_empty() {
        parts.push(format!(
            "{} {} not protected by any signature",
            join_limited(
                hidden
                    .iter()
                    .map(|f| format!("{} ({})", f.path, f.role.describe())),
                3
            ),
            if hidden.len() == 1 { "is" } else { "are" }
        ));
    }
    if parts.is_empty() {
        parts.push("every file shown is protected by this signature".to_owned());
    }
    format!("{head}; {}", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_documents_keep_files_unprotected_in_all_with_the_most_specific_role() {
        let page = FileRole::PageContent { page: 1 };
        let a = vec![
            ("Doc_1/Pages/Page_0/Content.xml".to_owned(), FileRole::Other),
            ("OFD.xml".to_owned(), FileRole::DocumentMetadata),
            ("x".to_owned(), FileRole::Other),
        ];
        let b = vec![
            ("Doc_1/Pages/Page_0/Content.xml".to_owned(), page.clone()),
            ("OFD.xml".to_owned(), FileRole::DocumentMetadata),
        ];
        assert_eq!(
            merge_unprotected(&[a, b]),
            [
                ("Doc_1/Pages/Page_0/Content.xml".to_owned(), page),
                ("OFD.xml".to_owned(), FileRole::DocumentMetadata),
            ]
        );
        assert!(merge_unprotected(&[]).is_empty());
    }

    #[test]
    fn lists_are_bounded() {
        assert_eq!(
            join_limited((1..=5).map(|i| i.to_string()), 3),
            "1, 2, 3, and 2 more"
        );
        assert_eq!(join_limited(std::iter::empty(), 3), "");
    }
}
