//! `docs/errors.md` is rendered from the error catalogs in the code, and the catalogs match the
//! sources: every code literal (`"E_..."`, `"W_..."`) in core/, server/, cli/, bindings/ and pam/ has an
//! entry, and every entry is a code some source uses. Codes are the API apps translate by; an
//! undocumented or stale one is a bug.
//!
//! `DUET_WRITE_DOCS=1 cargo test -p duet-tests --test errors_doc` writes the file instead of
//! comparing it.

use duet_core::error::CodeDoc;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

// The CLI is a binary and the bindings a cdylib this crate does not link; their catalogs are
// plain item files written to be included here.
mod cli_catalog {
    include!("../../cli/src/error_catalog.rs");
}
mod bindings_catalog {
    include!("../../bindings/src/error_catalog.rs");
}
mod pam_catalog {
    include!("../../pam/core/src/error_catalog.rs");
}

const HEADER: &str = "\
# Error codes

Every error duet shows carries a stable code (the API: apps translate by code) and one sentence a
helpdesk agent can read out. Apps on Android and iOS can also compare codes as the `ErrorCode`
enum (`DuetError.errorCode()`, or `parseErrorCode(text)` for a notice's code); codes a newer
version adds arrive as `Unknown`.

This file is generated from the catalogs in the code: `core/src/error/catalog/`,
`server/src/error_catalog.rs`, `cli/src/error_catalog.rs`, `bindings/src/error_catalog.rs` and
`pam/core/src/error_catalog.rs`.
Edit those, then run `DUET_WRITE_DOCS=1 cargo test -p duet-tests --test errors_doc`. The same
test checks that every code in the source is in a catalog and every catalog code exists in the
source.

Format of each entry: `` `CODE` `` — when it happens — what to tell the user.
";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Every documented code, in the order the file lists them.
fn catalog() -> Vec<&'static CodeDoc> {
    duet_core::error::catalog::codes()
        .chain(duet_server::error_catalog::CODES)
        .chain(cli_catalog::CODES)
        .chain(bindings_catalog::CODES)
        .chain(pam_catalog::CODES)
        .collect()
}

fn render(docs: &[&CodeDoc]) -> String {
    let mut out = String::from(HEADER);
    let mut previous: Option<&CodeDoc> = None;
    for d in docs {
        let s = d.section;
        if previous.is_none_or(|p| p.section != s) {
            if previous.is_none_or(|p| (p.section.heading, p.section.level) != (s.heading, s.level)) {
                out += &format!("\n{} {}\n", "#".repeat(s.level.into()), s.heading);
            }
            if !s.lead.is_empty() {
                out += &format!("\n{}\n", s.lead);
            }
            out.push('\n');
        }
        out += &format!("- `{}` — {} — {}\n", d.code, d.when, d.tell);
        previous = Some(d);
    }
    out
}

#[test]
fn docs_errors_md_is_rendered_from_the_catalogs() {
    let path = root().join("docs/errors.md");
    let rendered = render(&catalog());
    if std::env::var_os("DUET_WRITE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != rendered {
        let line = current.lines().zip(rendered.lines()).position(|(a, b)| a != b);
        panic!(
            "docs/errors.md is not what the catalogs render (first difference at line {}); \
             regenerate it with DUET_WRITE_DOCS=1 cargo test -p duet-tests --test errors_doc",
            line.map_or(current.lines().count().min(rendered.lines().count()), |l| l) + 1
        );
    }
}

#[test]
fn each_code_is_documented_once() {
    let mut seen = BTreeSet::new();
    for d in catalog() {
        assert!(seen.insert(d.code), "{} is in two catalogs (or twice in one)", d.code);
        // " — " separates the parts of a line in the rendered file.
        assert!(!d.when.contains(" — ") && !d.tell.contains(" — "), "{}", d.code);
    }
}

fn source_files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            source_files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// The catalogs name every code; scanning them would make every catalog code "used".
fn is_catalog(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "error_catalog.rs")
        || path.components().any(|c| c.as_os_str() == "catalog")
}

fn is_code_char(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'
}

/// String literals that are codes: `"E_X"` or `"W_X"`.
fn codes(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut found = BTreeSet::new();
    for i in 0..bytes.len().saturating_sub(3) {
        if bytes[i] == b'"' && (bytes[i + 1] == b'E' || bytes[i + 1] == b'W') && bytes[i + 2] == b'_' {
            let end = (i + 3..bytes.len()).find(|&j| !is_code_char(bytes[j])).unwrap_or(bytes.len());
            if end > i + 3 && end < bytes.len() && bytes[end] == b'"' {
                found.insert(text[i + 1..end].to_string());
            }
        }
    }
    found
}

fn source_codes() -> BTreeSet<String> {
    let mut files = Vec::new();
    for dir in ["core/src", "cli/src", "server/src", "bindings/src", "pam/core/src", "pam/src"] {
        source_files(&root().join(dir), "rs", &mut files);
    }
    assert!(files.len() > 10, "sources not found under {}", root().display());
    files.retain(|f| !is_catalog(f));
    files.iter().flat_map(|f| codes(&std::fs::read_to_string(f).unwrap())).collect()
}

/// Codes in the Android app's Kotlin: the key provider's codes it raises through its callbacks
/// (bindings catalog), and codes of the core it compares errors with.
fn app_codes() -> BTreeSet<String> {
    let mut files = Vec::new();
    source_files(&root().join("android/app/src/main/kotlin"), "kt", &mut files);
    files.iter().flat_map(|f| codes(&std::fs::read_to_string(f).unwrap())).collect()
}

fn catalog_codes() -> BTreeSet<String> {
    catalog().iter().map(|d| d.code.to_string()).collect()
}

#[test]
fn every_code_in_the_source_is_in_a_catalog() {
    let missing: Vec<_> = source_codes().difference(&catalog_codes()).cloned().collect();
    assert!(missing.is_empty(), "add these codes to the catalog of the crate that raises them: {missing:?}");
}

#[test]
fn every_catalog_code_exists_in_the_source() {
    let used: BTreeSet<String> = source_codes().union(&app_codes()).cloned().collect();
    let stale: Vec<_> = catalog_codes().difference(&used).cloned().collect();
    assert!(stale.is_empty(), "the catalogs document codes no source uses: {stale:?}");
}

#[test]
fn the_scanner_finds_codes() {
    // Guards against a scanner that silently finds nothing.
    assert_eq!(codes(r#"x => "E_URI_SCHEME", y => "W_URI_SECRET_SHORT", z = "E_", "EXAMPLE""#).len(), 2);
    assert!(source_codes().contains("E_URI_SECRET_BASE32"));
    assert!(source_codes().contains("E_SRV_CSRF"));
    assert!(is_catalog(&root().join("core/src/error/catalog/uri.rs")));
    assert!(!is_catalog(&root().join("core/src/uri/error.rs")));
}
