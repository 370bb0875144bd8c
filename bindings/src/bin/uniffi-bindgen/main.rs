//! `uniffi-bindgen`: generates the Kotlin and Swift sources from the compiled library
//! (`generate --library target/.../libduet_bindings.so`). Built from this workspace so that the
//! generator is the same uniffi version as the scaffolding compiled into the library.

fn main() {
    uniffi::uniffi_bindgen_main();
}
