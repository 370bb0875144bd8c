//! `uniffi-bindgen`: generates the Kotlin and Swift sources from the compiled library
//! (`generate --library target/.../libduet_bindings.so`), with the same uniffi version as the scaffolding.

fn main() {
    uniffi::uniffi_bindgen_main()
}
