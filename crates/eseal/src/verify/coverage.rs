//! What a document signature protects and what it does not: the typed result of the OFD
//! modification analysis (`ofd.coverage`, docs/ofd.md), carried in a [`SignatureEntry`].
//!
//! [`SignatureEntry`]: super::SignatureEntry

use std::fmt::Write as _;

/// Page numbers (1-based, in the document's page order; not OFD object IDs), as sorted,
/// disjoint, non-adjacent inclusive ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct PageSet {
    ranges: Vec<PageRange>,
}

/// Pages `first` to `last`, both included, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PageRange {
    /// The first page of the range.
    pub first: u32,
    /// The last page of the range (`>= first`).
    pub last: u32,
}

impl PageSet {
    /// No page.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Pages `1..=count`.
    #[must_use]
    pub fn all(count: u32) -> Self {
        let mut set = Self::new();
        if count > 0 {
            set.ranges.push(PageRange {
                first: 1,
                last: count,
            });
        }
        set
    }

    /// Adds a page number; O(1) when pages come in ascending order (the way they are
    /// collected), otherwise the ranges are rebuilt.
    pub fn insert(&mut self, page: u32) {
        match self.ranges.last_mut() {
            None => self.ranges.push(PageRange {
                first: page,
                last: page,
            }),
            Some(r) if page >= r.first && page <= r.last => {}
            Some(r) if r.last.checked_add(1) == Some(page) => r.last = page,
            Some(r) if page > r.last => self.ranges.push(PageRange {
                first: page,
                last: page,
            }),
            Some(_) => {
                if self.contains(page) {
                    return;
                }
                self.union(&PageSet {
                    ranges: vec![PageRange {
                        first: page,
                        last: page,
                    }],
                });
            }
        }
    }

    /// Adds every page of `other`.
    pub fn union(&mut self, other: &PageSet) {
        if other.is_empty() {
            return;
        }
        self.ranges.extend_from_slice(&other.ranges);
        self.ranges.sort_by_key(|r| r.first);
        let mut merged: Vec<PageRange> = Vec::with_capacity(self.ranges.len());
        for r in self.ranges.drain(..) {
            match merged.last_mut() {
                Some(m) if r.first <= m.last.saturating_add(1) => m.last = m.last.max(r.last),
                _ => merged.push(r),
            }
        }
        self.ranges = merged;
    }

    /// Whether `page` is in the set.
    #[must_use]
    pub fn contains(&self, page: u32) -> bool {
        self.ranges
            .iter()
            .any(|r| r.first <= page && page <= r.last)
    }

    /// Whether the set has no page.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The ranges, ascending.
    #[must_use]
    pub fn ranges(&self) -> &[PageRange] {
        &self.ranges
    }

    /// How many pages the set holds.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.ranges
            .iter()
            .map(|r| u64::from(r.last) - u64::from(r.first) + 1)
            .sum()
    }

    /// `page 3`, `pages 1–5`, `pages 1, 3, 5–7`; at most eight ranges, then a count.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut out = String::from(if self.len() == 1 { "page " } else { "pages " });
        for (i, r) in self.ranges.iter().enumerate() {
            if i == 8 {
                let _ = write!(out, " and {} more ranges", self.ranges.len() - 8);
                break;
            }
            if i > 0 {
                out.push_str(", ");
            }
            if r.first == r.last {
                let _ = write!(out, "{}", r.first);
            } else {
                let _ = write!(out, "{}–{}", r.first, r.last);
            }
        }
        out
    }
}

/// What a file of the document is, as far as the signatures are concerned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FileRole {
    /// The content of a page (OFD: its `Content.xml`).
    PageContent {
        /// The page number (1-based).
        page: u32,
    },
    /// A resource drawn on pages: a resource file (fonts, images, …) or its index, of the
    /// pages or of the whole document.
    PageResource {
        /// The pages that may draw it (all pages for a document-wide resource).
        pages: PageSet,
    },
    /// A template page (OFD `TemplatePage`), drawn behind or over the pages that use it.
    Template {
        /// The pages that use it.
        pages: PageSet,
        /// Whether it is drawn behind the page content (`ZOrder` `Background`, the default).
        background: bool,
    },
    /// The annotation index (OFD `Annotations.xml`).
    AnnotationIndex,
    /// The annotations of pages (OFD: a page's `Annotation.xml`).
    Annotation {
        /// The pages they are drawn on.
        pages: PageSet,
    },
    /// An attachment or the attachment index.
    Attachment,
    /// Custom tags (their index, schema or data).
    CustomTags,
    /// Document metadata and structure: OFD `OFD.xml` and `Document.xml`.
    DocumentMetadata,
    /// Files of the signatures themselves: the signature list, another signature's files,
    /// this signature's seal copy.
    SignatureInfrastructure,
    /// A file nothing in the document refers to (or eseal does not know how).
    Other,
}

impl FileRole {
    /// Whether the file is drawn on at least one page: unprotected, it could change what
    /// a reader sees without any signature noticing.
    #[must_use]
    pub fn is_visible(&self) -> bool {
        match self {
            Self::PageContent { .. } => true,
            Self::PageResource { pages }
            | Self::Template { pages, .. }
            | Self::Annotation { pages } => !pages.is_empty(),
            _ => false,
        }
    }

    /// The `kind` string of the JSON form.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::PageContent { .. } => "page_content",
            Self::PageResource { .. } => "page_resource",
            Self::Template { .. } => "template",
            Self::AnnotationIndex => "annotation_index",
            Self::Annotation { .. } => "annotation",
            Self::Attachment => "attachment",
            Self::CustomTags => "custom_tags",
            Self::DocumentMetadata => "document_metadata",
            Self::SignatureInfrastructure => "signature_infrastructure",
            Self::Other => "other",
        }
    }

    /// A phrase for a person: `the content of page 2`, `the background template of pages
    /// 1–5`, `document metadata`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::PageContent { page } => format!("the content of page {page}"),
            Self::PageResource { pages } if pages.is_empty() => "an unused resource".into(),
            Self::PageResource { pages } => format!("a resource of {}", pages.describe()),
            Self::Template { pages, .. } if pages.is_empty() => "an unused template".into(),
            Self::Template { pages, background } => format!(
                "the {}template of {}",
                if *background { "background " } else { "" },
                pages.describe()
            ),
            Self::AnnotationIndex => "the annotation index".into(),
            Self::Annotation { pages } if pages.is_empty() => "annotations".into(),
            Self::Annotation { pages } => format!("the annotations of {}", pages.describe()),
            Self::Attachment => "an attachment".into(),
            Self::CustomTags => "custom tags".into(),
            Self::DocumentMetadata => "document metadata".into(),
            Self::SignatureInfrastructure => "a signature file".into(),
            Self::Other => "a file the document does not use".into(),
        }
    }
}

/// Whether a file a signature does not protect was in the document when it signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FileOrigin {
    /// A file the signature protects, unchanged, refers to it: it was there and was left out.
    LeftOutAtSigning,
    /// Added after signing, or left out: nothing the signature protects tells which.
    Unknown,
}

/// A file present now that a signature does not protect.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct UnprotectedFile {
    /// The package path.
    pub path: String,
    /// What the file is.
    pub role: FileRole,
    /// The ID of another signature that protects the file (unchanged), if any: the first
    /// later one, else the first earlier one.
    pub protected_by: Option<String>,
    /// Whether it was there at signing.
    pub origin: FileOrigin,
}

/// How a protected file differs from what the signature protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FileChange {
    /// Its bytes no longer match the digest.
    Modified,
    /// It is no longer in the document (or its reference names no valid location).
    Removed,
}

/// A file the signature protected that changed since.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ChangedFile {
    /// The package path (or the reference as written, when it is not a valid location).
    pub path: String,
    /// What the file is (`other` when nothing in the document refers to it).
    pub role: FileRole,
    /// How it changed.
    pub change: FileChange,
    /// A later signature that protects the file as it is now: the revision that changed it.
    pub changed_by: Option<String>,
}

/// What one signature protects, what it does not, and what changed after it (OFD:
/// `ofd.coverage` and `ofd.references`, docs/ofd.md).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct SignatureCoverage {
    /// Files the signature protects and that still match (sorted; at most
    /// [`SignatureCoverage::MAX_LISTED`]).
    pub protected: Vec<String>,
    /// How many files the signature protects (listed or not).
    pub protected_count: usize,
    /// Files present that it does not protect, most important first (shown and protected by
    /// no signature; other files protected by none; protected by another signature; signature
    /// files), then by path; at most [`SignatureCoverage::MAX_LISTED`], the rest counted in
    /// `unlisted`. Its own `Signature.xml` and `SignedValue.dat` are not listed (no signature
    /// can cover itself); changed files are in `changed` instead.
    pub unprotected: Vec<UnprotectedFile>,
    /// Unprotected files beyond the listed ones.
    pub unlisted: usize,
    /// Protected files whose bytes changed or that are gone.
    pub changed: Vec<ChangedFile>,
    /// IDs of the signatures made after this one (document order).
    pub later_signatures: Vec<String>,
    /// Whether the signature protects the signature list (no later signature possible).
    pub whole_protect: bool,
}

impl SignatureCoverage {
    /// The most protected and unprotected files listed per signature.
    pub const MAX_LISTED: usize = 200;

    /// Files that a reader sees, protected by no signature.
    pub fn visible_unprotected(&self) -> impl Iterator<Item = &UnprotectedFile> {
        self.unprotected
            .iter()
            .filter(|f| f.protected_by.is_none() && f.role.is_visible())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pages: &[u32]) -> PageSet {
        let mut s = PageSet::new();
        for &p in pages {
            s.insert(p);
        }
        s
    }

    #[test]
    fn page_sets_merge_and_describe() {
        assert_eq!(set(&[3]).describe(), "page 3");
        assert_eq!(set(&[1, 2, 3, 4, 5]).describe(), "pages 1–5");
        assert_eq!(set(&[1, 2, 3, 4, 5]), PageSet::all(5));
        // Out of order and duplicates.
        let s = set(&[7, 1, 5, 6, 3, 1, 2]);
        assert_eq!(s.describe(), "pages 1–3, 5–7");
        assert_eq!(s.len(), 6);
        assert!(s.contains(6) && !s.contains(4));
        let mut u = set(&[10]);
        u.union(&s);
        u.union(&set(&[4]));
        assert_eq!(u.describe(), "pages 1–7, 10");
        assert!(PageSet::all(0).is_empty());
        let many = set(&(1..=40).map(|p| p * 2).collect::<Vec<_>>());
        assert!(
            many.describe().ends_with("and 32 more ranges"),
            "{}",
            many.describe()
        );
    }

    #[test]
    fn visible_roles() {
        assert!(FileRole::PageContent { page: 1 }.is_visible());
        assert!(
            !FileRole::Template {
                pages: PageSet::new(),
                background: true
            }
            .is_visible()
        );
        assert!(
            FileRole::Annotation {
                pages: PageSet::all(1)
            }
            .is_visible()
        );
        assert!(!FileRole::AnnotationIndex.is_visible());
        assert!(!FileRole::DocumentMetadata.is_visible());
        assert_eq!(
            FileRole::Template {
                pages: PageSet::all(5),
                background: true
            }
            .describe(),
            "the background template of pages 1–5"
        );
    }
}
