//! Link flags for the shipped library only (the `mobile` feature set): packed relocations.
//!
//! A shared library holds one relocation per pointer in its data (vtables, SQLite's function
//! tables): 24 bytes each on 64-bit ELF, about 100 KB of the x86_64 library. Packed formats keep
//! them in a few kilobytes. Android has read its own packed format (APS2) since API 23 (minSdk is
//! 24); glibc reads RELR since 2.36. Apple targets already use compact chained fixups.
//! See docs/mobile.md "Library size".

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_MOBILE").is_none() {
        return;
    }
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    match (os.as_str(), env.as_str()) {
        ("android", _) => println!("cargo:rustc-cdylib-link-arg=-Wl,--pack-dyn-relocs=android"),
        ("linux", "gnu") => println!("cargo:rustc-cdylib-link-arg=-Wl,-z,pack-relative-relocs"),
        _ => {}
    }
}
