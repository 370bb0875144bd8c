//! The QR decoder never panics, whatever it is handed: arbitrary sizes, strides and bytes, and
//! real codes with arbitrary damage. A panic inside the detector would be caught by the decoder
//! and reported as "not found", which hides it; so this file (its own process) counts every panic
//! through the panic hook and fails on any.

#[path = "support/qr_render.rs"]
mod qr_render;

use duet_core::qr::decode_luma;
use proptest::prelude::*;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Installs the counting hook once; the previous hook still prints, so a failure shows where.
fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
}

fn no_panic(width: usize, height: usize, stride: usize, bytes: &[u8]) -> Result<(), TestCaseError> {
    count_panics();
    let before = PANICS.load(Ordering::SeqCst);
    let _ = decode_luma(width, height, stride, bytes);
    prop_assert_eq!(PANICS.load(Ordering::SeqCst), before, "{}x{} stride {}, {} bytes", width, height, stride, bytes.len());
    Ok(())
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
