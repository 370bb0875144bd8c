//! `uniffi-bindgen`: generates the Kotlin and Swift sources from the compiled library
//! (`generate --library target/.../libduet_bindings.so`), with the same uniffi version as the scaffolding.
//!
//! After UniFFI has written the sources, the generated Kotlin gets one speed fix
//! ([`kotlin_call_status`]), so every build that generates bindings (tests, Android, iOS) ships
//! the same code.

mod kotlin_call_status;

use std::path::{Path, PathBuf};

fn main() {
    uniffi::uniffi_bindgen_main();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("generate") {
        return;
    }
    if let Some(out_dir) = out_dir(&args)
        && let Err(e) = patch_kotlin_under(&out_dir)
    {
        eprintln!("uniffi-bindgen: {e}");
        std::process::exit(1);
    }
}

/// `--out-dir DIR`, `--out-dir=DIR` or `-o DIR`, as UniFFI's command line takes it.
fn out_dir(args: &[String]) -> Option<PathBuf> {
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "--out-dir" || arg == "-o" {
            return it.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.strip_prefix("--out-dir=") {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

fn patch_kotlin_under(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            patch_kotlin_under(&path)?;
        } else if path.extension().is_some_and(|e| e == "kt") {
            let source = std::fs::read_to_string(&path)?;
            let patched = kotlin_call_status::patch(&source).map_err(|e| format!("{}: {e}", path.display()))?;
            if patched != source {
                std::fs::write(&path, patched)?;
            }
        }
    }
    Ok(())
}
