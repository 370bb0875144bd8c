//! The QR decoder never panics, whatever it is handed: arbitrary sizes, strides and bytes, and
//! real codes with arbitrary damage.
//!
//! The `rqrr` detector itself does panic on some pictures (an `assert!` in its perspective
//! mapping, found by the `qr_luma` fuzz target); the decoder contains those and answers "not
//! found". A contained panic would hide a panic in duet's own code, so this file (its own
//! process) sorts every panic by where it happened through the panic hook: any outside rqrr fails.

#[path = "support/qr_render.rs"]
mod qr_render;

use duet_core::ErrorCode;
use duet_core::qr::decode_luma;
use proptest::prelude::*;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Panics outside rqrr (bugs) and inside it (contained by the decoder).
static OWN_PANICS: AtomicUsize = AtomicUsize::new(0);
static DETECTOR_PANICS: AtomicUsize = AtomicUsize::new(0);

/// Installs the sorting hook once; the previous hook still prints a panic outside rqrr.
fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.location().is_some_and(|l| l.file().contains("/rqrr-")) {
                DETECTOR_PANICS.fetch_add(1, Ordering::SeqCst);
            } else {
                OWN_PANICS.fetch_add(1, Ordering::SeqCst);
                previous(info);
            }
        }));
    });
}

fn no_panic(width: usize, height: usize, stride: usize, bytes: &[u8]) -> Result<(), TestCaseError> {
    count_panics();
    let before = OWN_PANICS.load(Ordering::SeqCst);
    let _ = decode_luma(width, height, stride, bytes);
    prop_assert_eq!(OWN_PANICS.load(Ordering::SeqCst), before, "{}x{} stride {}, {} bytes", width, height, stride, bytes.len());
    Ok(())
}

/// The plane the fuzzer found: rqrr's perspective mapping asserts on it. The decoder must answer
/// with a coded error, and the panic must really have happened inside rqrr (else this test no
/// longer covers the guard).
#[test]
fn a_panic_inside_the_detector_is_reported_as_not_found() {
    count_panics();
    let input = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/qr_rqrr_perspective_assert.bin")).unwrap();
    let field = |i: usize| usize::from(u16::from_le_bytes([input[i], input[i + 1]]));
    let (own, detector) = (OWN_PANICS.load(Ordering::SeqCst), DETECTOR_PANICS.load(Ordering::SeqCst));
    let result = decode_luma(field(0), field(2), field(4), &input[6..]);
    assert_eq!(result.map_err(|e| e.code()).err(), Some("E_QR_NOT_FOUND"));
    assert_eq!(OWN_PANICS.load(Ordering::SeqCst), own);
    assert!(DETECTOR_PANICS.load(Ordering::SeqCst) > detector, "rqrr no longer panics on this plane");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// Sizes near and past every limit, with buffers that may or may not fit them.
    #[test]
    fn arbitrary_planes(
        width in prop_oneof![0usize..80, Just(10_000usize), Just(10_001), Just(usize::MAX)],
        height in prop_oneof![0usize..80, Just(10_000usize), Just(10_001), Just(usize::MAX)],
        extra in prop_oneof![0usize..16, Just(usize::MAX / 2), Just(usize::MAX)],
        bytes in proptest::collection::vec(any::<u8>(), 0..8_000),
    ) {
        no_panic(width, height, width.saturating_add(extra), &bytes)?;
    }

    /// Real QR codes with random bytes overwritten: past the finder-pattern search into the
    /// grid sampling and error correction.
    #[test]
    fn damaged_codes(
        text in "[ -~]{1,80}",
        hits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..400),
    ) {
        let mut p = qr_render::plain(&text);
        for (i, v) in hits {
            let at = i.index(p.bytes.len());
            p.bytes[at] = v;
        }
        no_panic(p.width, p.height, p.stride, &p.bytes)?;
    }
}
