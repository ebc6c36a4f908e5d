//! A small, bounded, namespace-tolerant XML tree for the OFD control files.
//!
//! OFD producers disagree about namespaces (`http://www.ofdspec.org/2016`, the prefix-less
//! default namespace, the non-standard `http://www.ofdspec.org`) and about element order, so
//! elements are matched by local name only and looked up order-insensitively. The tree keeps
//! each element's byte span so that editors can splice into the original text instead of
//! re-serialising it (signed files must keep their exact bytes).

use std::collections::HashSet;

use quick_xml::events::Event;
use quick_xml::events::attributes::Attribute;

use super::{Limits, OfdError};

/// One element: local name, attributes (local names, namespace declarations dropped),
/// child elements and the concatenated direct text.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    /// Local name (prefix removed).
    pub(crate) name: String,
    /// The prefix as written (`"ofd"`, or `""` for none), reused when splicing.
    pub(crate) prefix: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) children: Vec<Element>,
    pub(crate) text: String,
    /// Byte offset of `<` of the start tag.
    pub(crate) start: usize,
    /// Byte offset just after the start tag's `>` (for `<a/>`, after `/>`).
    pub(crate) open_end: usize,
    /// Byte offset of `<` of the end tag; `None` for an empty-element tag `<a/>`.
    pub(crate) close_start: Option<usize>,
    /// The value of `xmlns:prefix` (or `xmlns`) declared on this element for its own prefix.
    pub(crate) namespace: Option<String>,
}

impl Element {
    /// The first child with this local name.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All children with this local name, in document order.
    pub(crate) fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// An attribute by local name.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The trimmed text of the first child with this name, if present and non-empty.
    pub(crate) fn child_text(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| c.text.trim().to_owned())
            .filter(|t| !t.is_empty())
    }

    /// The qualified name as written, for splicing (`ofd:Signatures`).
    pub(crate) fn qualified(prefix: &str, local: &str) -> String {
        if prefix.is_empty() {
            local.to_owned()
        } else {
            format!("{prefix}:{local}")
        }
    }
}

fn split_qname(s: &str) -> (String, String) {
    match s.split_once(':') {
        Some((p, l)) => (p.to_owned(), l.to_owned()),
        None => (String::new(), s.to_owned()),
    }
}

/// Parses `bytes` (the entry `entry`) into a tree, within the XML limits of `limits`.
pub(crate) fn parse(entry: &str, bytes: &[u8], limits: &Limits) -> Result<Element, OfdError> {
    let xml_err = |position: usize, detail: String| OfdError::Xml {
        entry: entry.to_owned(),
        position: position as u64,
        detail,
    };
    if bytes.len() > limits.max_xml_size {
        return Err(OfdError::LimitExceeded {
            what: "XML file size",
            limit: limits.max_xml_size as u64,
            entry: Some(entry.to_owned()),
        });
    }
    // OFD mandates UTF-8; a BOM is tolerated.
    let offset = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let body = bytes.get(offset..).unwrap_or_default();
    let text = std::str::from_utf8(body).map_err(|e| {
        xml_err(
            offset + e.valid_up_to(),
            "the file is not UTF-8 (OFD requires UTF-8)".into(),
        )
    })?;
    let mut reader = quick_xml::Reader::from_str(text);
    let cfg = reader.config_mut();
    cfg.check_end_names = true;
    cfg.expand_empty_elements = false;
    cfg.trim_text(false);

    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut nodes = 0usize;
    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader
            .read_event()
            .map_err(|e| xml_err(offset.saturating_add(pos), e.to_string()))?;
        let here = offset.saturating_add(pos);
        let after =
            offset.saturating_add(usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX));
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if root.is_some() {
                    return Err(xml_err(here, "content after the root element".into()));
                }
                nodes += 1;
                if nodes > limits.max_xml_elements {
                    return Err(OfdError::LimitExceeded {
                        what: "number of XML elements",
                        limit: limits.max_xml_elements as u64,
                        entry: Some(entry.to_owned()),
                    });
                }
                if stack.len() >= limits.max_xml_depth {
                    return Err(OfdError::LimitExceeded {
                        what: "XML nesting depth",
                        limit: limits.max_xml_depth as u64,
                        entry: Some(entry.to_owned()),
                    });
                }
                let (prefix, name) = split_qname(e.name().as_ref());
                let mut el = Element {
                    name,
                    prefix,
                    attrs: Vec::new(),
                    children: Vec::new(),
                    text: String::new(),
                    start: here,
                    open_end: after,
                    close_start: None,
                    namespace: None,
                };
                let mut seen = AttrNames::default();
                // quick-xml's own check compares qualified names; ours, on local names, is
                // below (linear time either way).
                for attr in e.attributes() {
                    let attr: Attribute<'_> = attr.map_err(|err| xml_err(here, err.to_string()))?;
                    let (p, local) = split_qname(attr.key.as_ref());
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|err| xml_err(here, err.to_string()))?
                        .into_owned();
                    if p == "xmlns" || (p.is_empty() && local == "xmlns") {
                        let declared = if p.is_empty() { "" } else { local.as_str() };
                        if declared == el.prefix {
                            el.namespace = Some(value);
                        }
                        continue;
                    }
                    if !seen.insert(&el.attrs, &local) {
                        return Err(xml_err(here, format!("attribute {local} is repeated")));
                    }
                    el.attrs.push((local, value));
                }
                if matches!(event, Event::Empty(_)) {
                    attach(&mut stack, &mut root, el);
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let Some(mut el) = stack.pop() else {
                    return Err(xml_err(here, "end tag without a start tag".into()));
                };
                el.close_start = Some(here);
                attach(&mut stack, &mut root, el);
            }
            Event::Text(t) => {
                let s = t.xml10_content();
                push_text(&mut stack, &s, here).map_err(|d| xml_err(here, d))?;
            }
            Event::CData(t) => {
                let s = t.into_inner().into_owned();
                push_text(&mut stack, &s, here).map_err(|d| xml_err(here, d))?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => s.to_owned(),
                        None => return Err(xml_err(here, format!("unknown entity &{};", &*r))),
                    },
                    Err(e) => return Err(xml_err(here, e.to_string())),
                };
                push_text(&mut stack, &resolved, here).map_err(|d| xml_err(here, d))?;
            }
            Event::DocType(_) => {
                // Entity expansion and external DTDs are attack surface with no use in OFD.
                return Err(xml_err(here, "DTDs are not allowed in OFD files".into()));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(xml_err(
            bytes.len(),
            "the file ends inside an element".into(),
        ));
    }
    root.ok_or_else(|| xml_err(bytes.len(), "there is no root element".into()))
}

/// Duplicate detection for one element's attribute names in linear time: a scan while the
/// element has few attributes, a hash set once it has many (an element with 100 000
/// attributes must not cost 10^10 comparisons).
#[derive(Default)]
struct AttrNames {
    set: Option<HashSet<String>>,
}

impl AttrNames {
    const SCAN: usize = 16;

    /// Whether `name` is new among `attrs` (the attributes kept so far).
    fn insert(&mut self, attrs: &[(String, String)], name: &str) -> bool {
        if let Some(set) = &mut self.set {
            return set.insert(name.to_owned());
        }
        if attrs.iter().any(|(k, _)| k == name) {
            return false;
        }
        if attrs.len() >= Self::SCAN {
            let mut set: HashSet<String> = attrs.iter().map(|(k, _)| k.clone()).collect();
            set.insert(name.to_owned());
            self.set = Some(set);
        }
        true
    }
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

fn push_text(stack: &mut [Element], s: &str, _pos: usize) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => {
            parent.text.push_str(s);
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err("text outside the root element".into()),
    }
}

/// Escapes text for element content and attribute values (`&`, `<`, `>`, `"`, `'`).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn tree_spans_and_entities() {
        let src = "<?xml version=\"1.0\"?>\n<o:A xmlns:o=\"urn:x\" k=\"a&amp;b\"><o:B>x&lt;y&#x4E2D;</o:B><o:C/></o:A>";
        let root = parse("t.xml", src.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(root.name, "A");
        assert_eq!(root.prefix, "o");
        assert_eq!(root.namespace.as_deref(), Some("urn:x"));
        assert_eq!(root.attr("k"), Some("a&b"));
        assert_eq!(root.child_text("B").as_deref(), Some("x<y中"));
        let c = root.child("C").unwrap();
        assert_eq!(&src[c.start..c.open_end], "<o:C/>");
        assert!(c.close_start.is_none());
        let end = root.close_start.unwrap();
        assert!(src[end..].starts_with("</o:A>"));
    }

    #[test]
    fn hostile_xml_is_refused() {
        let limits = Limits {
            max_xml_depth: 4,
            ..Limits::default()
        };
        let deep = "<a><a><a><a><a/></a></a></a></a>";
        assert!(matches!(
            parse("d.xml", deep.as_bytes(), &limits),
            Err(OfdError::LimitExceeded {
                what: "XML nesting depth",
                ..
            })
        ));
        let dtd = "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>";
        assert!(matches!(
            parse("d.xml", dtd.as_bytes(), &limits),
            Err(OfdError::Xml { .. })
        ));
        for bad in [
            "<a>",
            "<a></b>",
            "",
            "<a/><b/>",
            "text",
            "<a x='1' x='2'/>",
            "<a>&zz;</a>",
        ] {
            assert!(parse("b.xml", bad.as_bytes(), &limits).is_err(), "{bad:?}");
        }
        assert!(parse("g.xml", b"<a>\xff</a>", &limits).is_err());
    }
}
