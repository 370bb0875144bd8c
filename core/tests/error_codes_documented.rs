//! Every error code (`"E_..."`) and warning code (`"W_..."`) string literal in
//! the Rust sources of core/, cli/, server/ and bindings/ is documented in
//! `docs/errors.md`, and every code documented there exists in the source.
//! Codes are the API apps translate by; an undocumented or stale one is a bug.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn is_code_char(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'
}

/// Codes that start right after `open` and run to `close`: `"E_X"` or `` `E_X` ``.
fn codes(text: &str, open: u8, close: u8) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut found = BTreeSet::new();
    for i in 0..bytes.len().saturating_sub(3) {
        if bytes[i] == open && (bytes[i + 1] == b'E' || bytes[i + 1] == b'W') && bytes[i + 2] == b'_' {
            let end = (i + 3..bytes.len()).find(|&j| !is_code_char(bytes[j])).unwrap_or(bytes.len());
            if end > i + 3 && end < bytes.len() && bytes[end] == close {
                found.insert(text[i + 1..end].to_string());
            }
        }
    }
    found
}

fn source_codes() -> BTreeSet<String> {
    let mut files = Vec::new();
    for dir in ["core/src", "cli/src", "server/src", "bindings/src"] {
        rust_files(&root().join(dir), &mut files);
    }
    assert!(files.len() > 10, "sources not found under {}", root().display());
    files.iter().flat_map(|f| codes(&std::fs::read_to_string(f).unwrap(), b'"', b'"')).collect()
}

fn documented_codes() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(root().join("docs/errors.md")).unwrap();
    // Entries are list items that start with the code: "- `E_CODE` — ...".
    doc.lines()
        .filter_map(|l| l.strip_prefix("- "))
        .filter_map(|l| l.strip_prefix('`')?.split('`').next())
        .filter(|c| (c.starts_with("E_") || c.starts_with("W_")) && c.bytes().all(is_code_char))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_code_in_the_source_is_documented() {
    let documented = documented_codes();
    let missing: Vec<_> = source_codes().difference(&documented).cloned().collect();
    assert!(missing.is_empty(), "add these codes to docs/errors.md: {missing:?}");
}

#[test]
fn every_documented_code_exists() {
    let source = source_codes();
    let stale: Vec<_> = documented_codes().difference(&source).cloned().collect();
    assert!(stale.is_empty(), "docs/errors.md documents codes no source uses: {stale:?}");
}

#[test]
fn the_scanner_finds_codes() {
    // Guards against a scanner that silently finds nothing.
    assert_eq!(codes(r#"x => "E_URI_SCHEME", y => "W_URI_SECRET_SHORT", z = "E_", "EXAMPLE""#, b'"', b'"').len(), 2);
    assert!(documented_codes().contains("E_URI_SECRET_BASE32"));
    assert!(source_codes().contains("E_URI_SECRET_BASE32"));
}
