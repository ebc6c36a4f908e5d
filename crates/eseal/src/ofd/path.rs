//! Package paths and the resolution of OFD locations (`ST_Loc`).
//!
//! Package paths are the ZIP entry names: `/`-separated, relative to the package root, no
//! leading `/`. Locations in the XML files come absolute (`/Doc_0/Document.xml`, meaning from
//! the package root) or relative to the directory of the file that contains them
//! (`Pages/Page_0/Content.xml` in `Doc_0/Document.xml`); GB/T 33190 §7.5 and
//! standards-notes §5.1.

use super::OfdError;

/// The directory part of a package path, without the trailing `/` (`""` for the root).
#[must_use]
pub fn parent_dir(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => path.get(..i).unwrap_or(""),
        None => "",
    }
}

/// Resolves `location`, found in the package file `referrer`, to a package path.
///
/// An absolute location (leading `/`) is taken from the package root; a relative one from
/// `referrer`'s directory. `.` segments are dropped and `..` segments climb, but never above
/// the package root. Backslashes, NUL and other control characters, `:` (drive letters,
/// URL schemes) and empty locations are refused.
///
/// This is the purely syntactic step; [`crate::ofd::OfdPackage::resolve`] adds the
/// package-root fallback for producers that wrote root-relative paths without the `/`.
///
/// # Errors
///
/// [`OfdError::InvalidLocation`] naming `referrer`.
pub fn resolve_location(referrer: &str, location: &str) -> Result<String, OfdError> {
    let err = |reason| OfdError::InvalidLocation {
        location: location.chars().take(200).collect(),
        referrer: referrer.to_owned(),
        reason,
    };
    let loc = location.trim();
    if loc.is_empty() {
        return Err(err("the location is empty"));
    }
    if loc.contains('\\') {
        return Err(err("backslashes are not path separators in OFD"));
    }
    if loc.chars().any(char::is_control) {
        return Err(err("control characters are not allowed in a location"));
    }
    if loc.contains(':') {
        return Err(err("drive letters and URLs do not name package files"));
    }
    let (base, rest) = match loc.strip_prefix('/') {
        Some(rest) => ("", rest),
        None => (parent_dir(referrer), loc),
    };
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(err("the location climbs out of the package"));
                }
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return Err(err("the location names the package root, not a file"));
    }
    Ok(parts.join("/"))
}

/// Checks a stored ZIP entry name; returns why it is unsafe.
pub(crate) fn check_entry_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("the name is empty");
    }
    if name.starts_with('/') {
        return Err("absolute names could be written outside the package");
    }
    if name.contains('\\') {
        return Err("backslashes are path separators on some systems");
    }
    if name.chars().any(char::is_control) {
        return Err("control characters (NUL, …) are not allowed in names");
    }
    if name.contains(':') {
        return Err("drive letters are not allowed in names");
    }
    let body = name.strip_suffix('/').unwrap_or(name);
    for seg in body.split('/') {
        match seg {
            ".." => return Err("`..` could climb out of the package"),
            "." => return Err("`.` segments make names ambiguous"),
            "" => return Err("empty segments (`//`) make names ambiguous"),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn absolute_and_relative() {
        assert_eq!(
            resolve_location("OFD.xml", "/Doc_0/Signs/Signatures.xml").unwrap(),
            "Doc_0/Signs/Signatures.xml"
        );
        assert_eq!(
            resolve_location("OFD.xml", "Doc_0/Document.xml").unwrap(),
            "Doc_0/Document.xml"
        );
        assert_eq!(
            resolve_location("Doc_0/Document.xml", "Pages/Page_0/Content.xml").unwrap(),
            "Doc_0/Pages/Page_0/Content.xml"
        );
        assert_eq!(
            resolve_location("Doc_0/Signs/Sign_0/Signature.xml", "../../Document.xml").unwrap(),
            "Doc_0/Document.xml"
        );
        assert_eq!(
            resolve_location("a/b.xml", "./c//d.xml").unwrap(),
            "a/c/d.xml"
        );
    }

    #[test]
    fn escapes_and_junk_are_refused() {
        for bad in [
            "../../x",
            "/../x",
            "a/../../../x",
            "",
            "  ",
            "a\\b",
            "C:/x",
            "a\0b",
            "/",
            "/.",
        ] {
            assert!(
                matches!(
                    resolve_location("Doc_0/Document.xml", bad),
                    Err(OfdError::InvalidLocation { .. })
                ),
                "{bad:?}"
            );
        }
        // From a file in Doc_0, one `..` is still inside the package.
        assert_eq!(resolve_location("Doc_0/Document.xml", "../x").unwrap(), "x");
        assert_eq!(
            resolve_location("Doc_0/Document.xml", "a/../../x").unwrap(),
            "x"
        );
        assert!(resolve_location("OFD.xml", "../x").is_err());
    }

    #[test]
    fn entry_names() {
        assert!(check_entry_name("Doc_0/Pages/").is_ok());
        assert!(check_entry_name("OFD.xml").is_ok());
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a\\b",
            "a\0",
            "",
            "a//b",
            "./a",
            "C:x",
        ] {
            assert!(check_entry_name(bad).is_err(), "{bad:?}");
        }
    }
}
