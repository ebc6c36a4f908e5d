//! `OFD.xml` (the entry file) and `Document.xml` (one document's root), GB/T 33190 §7.4–7.5.

use std::collections::BTreeMap;

use super::xml::Element;
use super::{OfdError, OfdPackage};

/// A box `x y w h` in millimetres (`ST_Box`), page coordinates: origin top-left, y down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Rect {
    /// A box from its four values.
    #[must_use]
    pub const fn new(x: f64, y: f64, width: f64, height: f64) -> Self {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    /// Parses `ST_Box` text: four finite numbers separated by white space, width and height
    /// not negative.
    #[must_use]
    pub fn parse(text: &str) -> Option<Rect> {
        let mut it = text
            .split_whitespace()
            .map(|t| t.parse::<f64>().ok().filter(|v| v.is_finite()));
        let r = Rect::new(it.next()??, it.next()??, it.next()??, it.next()??);
        if it.next().is_some() || r.width < 0.0 || r.height < 0.0 {
            return None;
        }
        Some(r)
    }

    /// Whether `inner` lies within this box (edges included, with 0.001 mm tolerance for
    /// producers' rounding).
    #[must_use]
    pub fn contains(&self, inner: &Rect) -> bool {
        const EPS: f64 = 1e-3;
        inner.x >= self.x - EPS
            && inner.y >= self.y - EPS
            && inner.x + inner.width <= self.x + self.width + EPS
            && inner.y + inner.height <= self.y + self.height + EPS
    }

    /// Whether the two boxes overlap in an area larger than zero.
    #[must_use]
    pub fn intersects(&self, other: &Rect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }

    /// The `ST_Box` text, shortest round-tripping decimals.
    #[must_use]
    pub fn to_ofd(&self) -> String {
        format!("{} {} {} {}", self.x, self.y, self.width, self.height)
    }
}

/// `OFD.xml`: the package entry point.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OfdInfo {
    /// `@Version` (`1.0`, `1.1`, …).
    pub version: Option<String>,
    /// `@DocType` (`OFD`, or `OFD-A`).
    pub doc_type: Option<String>,
    /// The namespace URI of the root element, when declared. Producers use
    /// [`super::OFD_NAMESPACE`], none, or variants such as `http://www.ofdspec.org`; reading
    /// does not depend on it, a report may mention it.
    pub namespace: Option<String>,
    /// The `DocBody` elements, one per document (almost always exactly one).
    pub bodies: Vec<DocBody>,
}

/// One `DocBody` of `OFD.xml`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DocBody {
    /// `DocInfo` metadata.
    pub info: DocInfo,
    /// `DocRoot`, resolved to a package path (the document's `Document.xml`).
    pub doc_root: String,
    /// `Signatures`, resolved to a package path, when the document has a signature list.
    pub signatures: Option<String>,
}

/// `DocInfo`: document metadata (GB/T 33190 §7.4 table 5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DocInfo {
    /// `DocID` (32 hexadecimal digits by convention).
    pub doc_id: Option<String>,
    /// `Title`.
    pub title: Option<String>,
    /// `Author`.
    pub author: Option<String>,
    /// `Subject`.
    pub subject: Option<String>,
    /// `Creator` (the producing application).
    pub creator: Option<String>,
    /// `CreatorVersion`.
    pub creator_version: Option<String>,
    /// `CreationDate`, raw text (`xs:date`).
    pub creation_date: Option<String>,
    /// `ModDate`, raw text.
    pub mod_date: Option<String>,
    /// `CustomDatas/CustomData`: (`@Name`, text) pairs in document order.
    pub custom_datas: Vec<(String, String)>,
}

/// `Document.xml`: one document's pages and common data.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Document {
    /// Package path of this `Document.xml`.
    pub path: String,
    /// `CommonData/MaxUnitID`.
    pub max_unit_id: Option<u64>,
    /// `CommonData/PageArea/PhysicalBox`: the default page size.
    pub physical_box: Option<Rect>,
    /// `Pages/Page` in order.
    pub pages: Vec<Page>,
    /// `CommonData/PublicRes`, resolved.
    pub public_res: Vec<String>,
    /// `CommonData/DocumentRes`, resolved.
    pub document_res: Vec<String>,
    /// `Annotations`, resolved.
    pub annotations: Option<String>,
    /// `Attachments`, resolved.
    pub attachments: Option<String>,
    /// `CustomTags`, resolved.
    pub custom_tags: Option<String>,
    /// Page ID → position of its first page in `pages`, so that stamp checks stay
    /// logarithmic for documents with many pages.
    page_index: BTreeMap<u64, usize>,
}

/// One `Pages/Page` of `Document.xml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page {
    /// `@ID`: the page object ID that `StampAnnot/@PageRef` refers to (not a page index).
    pub id: u64,
    /// `@BaseLoc` as written.
    pub base_loc: String,
    /// `@BaseLoc` resolved to a package path (the page's `Content.xml`).
    pub path: String,
    /// The page's own `Area/PhysicalBox`, when its content sets one.
    pub area: Option<Rect>,
}

impl Document {
    /// The page with this object ID.
    #[must_use]
    pub fn page_by_id(&self, id: u64) -> Option<&Page> {
        match self.page_index.get(&id).and_then(|&i| self.pages.get(i)) {
            Some(p) if p.id == id => Some(p),
            // `pages` was changed after parsing: the index no longer applies.
            _ => self.pages.iter().find(|p| p.id == id),
        }
    }

    /// A page's physical box: its own `Area`, else the document's `PageArea`.
    #[must_use]
    pub fn page_box(&self, page: &Page) -> Option<Rect> {
        page.area.or(self.physical_box)
    }
}

fn root_named(root: &Element, path: &str, name: &'static str) -> Result<(), OfdError> {
    if root.name == name {
        Ok(())
    } else {
        Err(OfdError::invalid_value(
            path,
            "root element",
            &root.name,
            "unexpected root element",
        ))
    }
}

pub(crate) fn parse_id(path: &str, field: &'static str, text: &str) -> Result<u64, OfdError> {
    text.trim()
        .parse::<u64>()
        .map_err(|_| OfdError::invalid_value(path, field, text, "not an unsigned integer ID"))
}

fn parse_box(path: &str, field: &'static str, text: &str) -> Result<Rect, OfdError> {
    Rect::parse(text).ok_or_else(|| {
        OfdError::invalid_value(path, field, text, "expected four numbers `x y w h`")
    })
}

impl OfdPackage<'_> {
    /// Parses `OFD.xml`.
    ///
    /// # Errors
    ///
    /// A missing `OFD.xml`, malformed XML, a `DocBody` without `DocRoot`, locations
    /// that escape the package, more `DocBody`s than [`super::Limits::max_documents`].
    pub fn ofd(&self) -> Result<OfdInfo, OfdError> {
        const PATH: &str = "OFD.xml";
        let data = self.get(PATH).ok_or_else(|| OfdError::MissingEntry {
            path: PATH.into(),
            referrer: "the package root (entry point)".into(),
        })?;
        let root = self.parse_xml(PATH, data)?;
        root_named(&root, PATH, "OFD")?;
        let mut bodies = Vec::new();
        for body in root.children_named("DocBody") {
            if bodies.len() >= self.limits.max_documents {
                return Err(OfdError::LimitExceeded {
                    what: "number of documents (DocBody, Limits::max_documents)",
                    limit: self.limits.max_documents as u64,
                    entry: Some(PATH.to_owned()),
                });
            }
            let loc = body
                .child_text("DocRoot")
                .ok_or_else(|| OfdError::missing_element(PATH, "DocBody/DocRoot"))?;
            let doc_root = self.resolve(PATH, &loc)?;
            let signatures = match body.child_text("Signatures") {
                Some(loc) => Some(self.resolve(PATH, &loc)?),
                None => None,
            };
            let info = body
                .child("DocInfo")
                .map(parse_doc_info)
                .unwrap_or_default();
            bodies.push(DocBody {
                info,
                doc_root,
                signatures,
            });
        }
        if bodies.is_empty() {
            return Err(OfdError::missing_element(PATH, "DocBody"));
        }
        Ok(OfdInfo {
            version: root.attr("Version").map(str::to_owned),
            doc_type: root.attr("DocType").map(str::to_owned),
            namespace: root.namespace.clone(),
            bodies,
        })
    }

    /// Parses a document's `Document.xml` and the page areas of its pages.
    ///
    /// # Errors
    ///
    /// Missing or malformed `Document.xml` or page files, invalid IDs or boxes, more pages
    /// than [`super::Limits::max_pages`].
    pub fn document(&self, body: &DocBody) -> Result<Document, OfdError> {
        let path = body.doc_root.clone();
        let data = self.get(&path).ok_or_else(|| OfdError::MissingEntry {
            path: path.clone(),
            referrer: "OFD.xml".into(),
        })?;
        let root = self.parse_xml(&path, data)?;
        root_named(&root, &path, "Document")?;
        let common = root
            .child("CommonData")
            .ok_or_else(|| OfdError::missing_element(&path, "CommonData"))?;
        let max_unit_id = match common.child_text("MaxUnitID") {
            Some(t) => Some(parse_id(&path, "CommonData/MaxUnitID", &t)?),
            None => None,
        };
        let physical_box = match common
            .child("PageArea")
            .and_then(|a| a.child_text("PhysicalBox"))
        {
            Some(t) => Some(parse_box(&path, "CommonData/PageArea/PhysicalBox", &t)?),
            None => None,
        };
        let locs = |name: &str| -> Result<Vec<String>, OfdError> {
            common
                .children_named(name)
                .map(|e| self.resolve(&path, e.text.trim()))
                .collect()
        };
        let public_res = locs("PublicRes")?;
        let document_res = locs("DocumentRes")?;
        let optional = |name: &str| -> Result<Option<String>, OfdError> {
            match root.child_text(name) {
                Some(t) => Ok(Some(self.resolve(&path, &t)?)),
                None => Ok(None),
            }
        };
        let annotations = optional("Annotations")?;
        let attachments = optional("Attachments")?;
        let custom_tags = optional("CustomTags")?;
        let mut pages = Vec::new();
        let mut page_index = BTreeMap::new();
        // Page file → its `Area/PhysicalBox`: pages sharing a content file parse it once
        // (100 000 pages naming one large Content.xml must not parse it 100 000 times).
        let mut areas: BTreeMap<String, Option<Rect>> = BTreeMap::new();
        if let Some(list) = root.child("Pages") {
            for p in list.children_named("Page") {
                if pages.len() >= self.limits.max_pages {
                    return Err(OfdError::LimitExceeded {
                        what: "number of pages",
                        limit: self.limits.max_pages as u64,
                        entry: Some(path.clone()),
                    });
                }
                let id_text = p
                    .attr("ID")
                    .ok_or_else(|| OfdError::missing_attribute(&path, "Page", "ID"))?;
                let id = parse_id(&path, "Page@ID", id_text)?;
                let base_loc = p
                    .attr("BaseLoc")
                    .ok_or_else(|| OfdError::missing_attribute(&path, "Page", "BaseLoc"))?
                    .to_owned();
                let (page_path, content) = self.load(&path, &base_loc)?;
                let area = match areas.get(&page_path) {
                    Some(area) => *area,
                    None => {
                        let page_root = self.parse_xml(&page_path, content)?;
                        let area = match page_root
                            .child("Area")
                            .and_then(|a| a.child_text("PhysicalBox"))
                        {
                            Some(t) => Some(parse_box(&page_path, "Area/PhysicalBox", &t)?),
                            None => None,
                        };
                        areas.insert(page_path.clone(), area);
                        area
                    }
                };
                page_index.entry(id).or_insert(pages.len());
                pages.push(Page {
                    id,
                    base_loc,
                    path: page_path,
                    area,
                });
            }
        }
        Ok(Document {
            path,
            max_unit_id,
            physical_box,
            pages,
            public_res,
            document_res,
            annotations,
            attachments,
            custom_tags,
            page_index,
        })
    }
}

fn parse_doc_info(info: &Element) -> DocInfo {
    DocInfo {
        doc_id: info.child_text("DocID"),
        title: info.child_text("Title"),
        author: info.child_text("Author"),
        subject: info.child_text("Subject"),
        creator: info.child_text("Creator"),
        creator_version: info.child_text("CreatorVersion"),
        creation_date: info.child_text("CreationDate"),
        mod_date: info.child_text("ModDate"),
        custom_datas: info
            .child("CustomDatas")
            .map(|c| {
                c.children_named("CustomData")
                    .map(|d| {
                        (
                            d.attr("Name").unwrap_or_default().to_owned(),
                            d.text.clone(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}
