//! Fuzzes the QR decoder with arbitrary planes: never panics (the decoder's own guard against a
//! panicking detector is bypassed here, since libFuzzer's panic hook aborts first, so a panic
//! anywhere in the detector counts as a crash); an invalid plane is refused before any pixel is
//! read, and a plane that fits its buffer is always looked at.
//!
//! Input: width, height and row stride as little-endian u16 (6 bytes), then the plane's bytes.
#![no_main]

use duet_core::ErrorCode;
use duet_core::qr::{MAX_SIDE, decode_luma};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((head, plane)) = data.split_first_chunk::<6>() else { return };
    let field = |i: usize| usize::from(u16::from_le_bytes([head[i], head[i + 1]]));
    let (width, height, stride) = (field(0), field(2), field(4));
    let fits = (1..=MAX_SIDE).contains(&width)
        && (1..=MAX_SIDE).contains(&height)
        && stride >= width
        && (height - 1) * stride + width <= plane.len();
    match decode_luma(width, height, stride, plane) {
        Err(e) => assert_eq!(e.code() == "E_QR_IMAGE_INVALID", !fits, "{width}x{height} stride {stride}: {e}"),
        Ok(_) => assert!(fits),
    }
});
