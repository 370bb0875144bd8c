//! One change to UniFFI 0.32's generated Kotlin: the `RustCallStatus` of a call is reused per
//! thread instead of allocated per call.
//!
//! Why: UniFFI 0.32 makes every crossing allocate a JNA `Structure` for the call status (two JNA
//! `Memory` blocks, each registered in JNA's global memory map and cleaner and freed only after a
//! GC). That bookkeeping, not the native call, is what made one `codeAt` cost tens of
//! microseconds on the JVM (docs/benchmarks.md, "Kotlin: where the time goes"). UniFFI's own fix
//! is its JNI generator (mozilla/uniffi-rs#2911), in no release yet; this patch goes away with it.
//!
//! The patch is exact-match: if a UniFFI upgrade changes the generated helper, generation fails
//! with [`PatchError`] instead of silently producing slower (or wrong) code.

/// The helper as UniFFI 0.32.2 generates it: a fresh status per call.
const GENERATED: &str = "    var status = UniffiRustCallStatus()
    val return_value = callback(status)
    uniffiCheckCallStatus(errorHandler, status)
    return return_value
";

/// The same helper taking the thread's cached status. `try`/`finally` hands it back even when the
/// status check throws the call's typed exception.
const PATCHED: &str = "    val status = UniffiCallStatusCache.take()
    try {
        val return_value = callback(status)
        UniffiCallStatusCache.read(status)
        uniffiCheckCallStatus(errorHandler, status)
        return return_value
    } finally {
        UniffiCallStatusCache.give(status)
    }
";

/// Appended once per patched file. A call made while the thread's status is in use (lifting an
/// error frees its buffer through another call; a foreign callback may call back into Rust) gets
/// a fresh status, as before the patch. The cached status has JNA's automatic synchronisation off
/// (JNA would write and read every field reflectively around each call, about a microsecond):
/// its code byte, the struct's first field, is cleared in native memory before each call and read
/// back after it, and the whole struct (with the error buffer) is read only when the call failed,
/// which is the only time Rust writes it.
const CACHE: &str = "
// duet: one reusable call status per thread (see bindings/src/bin/uniffi-bindgen/kotlin_call_status.rs).
internal object UniffiCallStatusCache {
    private class Slot {
        val status = UniffiRustCallStatus().also { it.setAutoSynch(false) }
        var busy = false
    }

    private val slots = ThreadLocal.withInitial { Slot() }

    fun take(): UniffiRustCallStatus {
        val slot = slots.get()
        if (slot.busy) return UniffiRustCallStatus()
        slot.busy = true
        val status = slot.status
        status.code = UNIFFI_CALL_SUCCESS
        status.pointer.setByte(0, UNIFFI_CALL_SUCCESS)
        return status
    }

    fun read(status: UniffiRustCallStatus) {
        val code = status.pointer.getByte(0)
        if (code == UNIFFI_CALL_SUCCESS) status.code = code else status.read()
    }

    fun give(status: UniffiRustCallStatus) {
        val slot = slots.get()
        if (slot.status === status) slot.busy = false
    }
}
";

/// The generated Kotlin did not have the expected shape.
#[derive(Debug, PartialEq, Eq)]
pub struct PatchError(pub String);

impl std::fmt::Display for PatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PatchError {}

/// Patches one generated Kotlin source. Files without UniFFI's call helper (hand-written code in
/// the output directory) come back unchanged; a file with the helper in any other shape is an error.
pub fn patch(source: &str) -> Result<String, PatchError> {
    if source.contains("internal object UniffiCallStatusCache") {
        return Ok(source.to_owned());
    }
    if !source.contains("fun <U, E: kotlin.Exception> uniffiRustCallWithError(") {
        return Ok(source.to_owned());
    }
    match source.matches(GENERATED).count() {
        1 => Ok(source.replacen(GENERATED, PATCHED, 1) + CACHE),
        n => Err(PatchError(format!(
            "the generated Kotlin call helper has {n} copies of the expected body, not 1: UniFFI's \
             Kotlin template changed; update bindings/src/bin/uniffi-bindgen/kotlin_call_status.rs"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated() -> String {
        format!(
            "package x\n\nprivate inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: H<E>, callback: (UniffiRustCallStatus) -> U): U {{\n{GENERATED}}}\n"
        )
    }

    #[test]
    fn replaces_the_allocation_with_the_cache() {
        let out = patch(&generated()).unwrap();
        assert!(!out.contains("var status = UniffiRustCallStatus()"));
        assert!(out.contains("val status = UniffiCallStatusCache.take()"));
        assert_eq!(out.matches("internal object UniffiCallStatusCache").count(), 1);
    }

    #[test]
    fn patching_twice_changes_nothing() {
        let once = patch(&generated()).unwrap();
        assert_eq!(patch(&once).unwrap(), once);
    }

    #[test]
    fn leaves_other_kotlin_alone() {
        let hand_written = "package org.duet.android\n\nfun x() = 1\n";
        assert_eq!(patch(hand_written).unwrap(), hand_written);
    }

    #[test]
    fn refuses_a_changed_template() {
        let changed = generated().replace("var status = UniffiRustCallStatus()", "val status = newStatus()");
        assert!(patch(&changed).is_err());
    }
}
