//! Fuzzes the QR decoder with arbitrary planes: an invalid plane is refused before any pixel is
//! read, a plane that fits its buffer is always looked at, and nothing panics except inside the
//! `rqrr` detector, whose panics the decoder contains and reports as "not found".
//!
//! rqrr does panic on some pictures (an `assert!` in its perspective mapping when the corners it
//! found are degenerate; `core/tests/data/qr_rqrr_perspective_assert.bin` is one). libFuzzer's
//! panic hook aborts on any panic, caught or not, so this target's hook lets those through and
//! checks the decoder's answer instead; a panic anywhere else (duet's own code) still aborts.
//!
//! Input: width, height and row stride as little-endian u16 (6 bytes), then the plane's bytes.
#![no_main]

use duet_core::ErrorCode;
use duet_core::qr::{MAX_SIDE, decode_luma};
use libfuzzer_sys::fuzz_target;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the hook when rqrr panicked during the current input.
static DETECTOR_PANICKED: AtomicBool = AtomicBool::new(false);

fn contain_detector_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let libfuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.location().is_some_and(|l| l.file().contains("/rqrr-")) {
                DETECTOR_PANICKED.store(true, Ordering::SeqCst);
            } else {
                libfuzzer_hook(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    contain_detector_panics();
    let Some((head, plane)) = data.split_first_chunk::<6>() else { return };
    let field = |i: usize| usize::from(u16::from_le_bytes([head[i], head[i + 1]]));
    let (width, height, stride) = (field(0), field(2), field(4));
    let fits = (1..=MAX_SIDE).contains(&width)
        && (1..=MAX_SIDE).contains(&height)
        && stride >= width
        && (height - 1) * stride + width <= plane.len();
    DETECTOR_PANICKED.store(false, Ordering::SeqCst);
    let result = decode_luma(width, height, stride, plane);
    match &result {
        Err(e) => assert_eq!(e.code() == "E_QR_IMAGE_INVALID", !fits, "{width}x{height} stride {stride}: {e}"),
        Ok(_) => assert!(fits),
    }
    if DETECTOR_PANICKED.load(Ordering::SeqCst) {
        assert_eq!(result.err().map(|e| e.code()), Some("E_QR_NOT_FOUND"));
    }
});
