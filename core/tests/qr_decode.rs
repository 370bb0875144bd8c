//! The QR decoder (`duet_core::qr::decode_luma`) on planes drawn by an independent encoder (the
//! `qrcode` crate): the text comes back whatever the stride, padding, grey levels and position;
//! blank, damaged, doubled and badly described planes give their coded errors.

#[path = "support/qr_render.rs"]
mod qr_render;

use duet_core::ErrorCode;
use duet_core::qr::{MAX_SIDE, QrError, decode_luma};
use proptest::prelude::*;
use qr_render::{Plane, draw, plain, side};

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";

fn decode(p: &Plane) -> Result<String, QrError> {
    decode_luma(p.width, p.height, p.stride, &p.bytes).map(|t| t.as_str().to_owned())
}

fn code_of(r: Result<String, QrError>) -> &'static str {
    r.map(|_| "ok").unwrap_or_else(|e| e.code())
}

#[test]
fn reads_a_plain_code() {
    assert_eq!(decode(&plain(URI)).unwrap(), URI);
}

#[test]
fn reads_a_camera_plane_with_row_padding() {
    // A camera2 Y plane: rows padded to a 64-byte stride with bytes that are not picture (here
    // black, the worst case for a decoder that read them as pixels), and the last row ending right
    // after its last pixel.
    let s = side(URI, 5);
    let stride = s.div_ceil(64) * 64 + 64;
    let mut p = Plane::new(s, s, stride, 230, 0);
    draw(&mut p, URI, 5, 0, 0, 20);
    p.bytes.truncate((s - 1) * stride + s);
    assert_eq!(decode(&p).unwrap(), URI);
}

#[test]
fn reads_the_y_plane_of_a_whole_nv21_frame() {
    // NV21: the Y plane, then interleaved V/U at half resolution; the decoder reads only Y.
    let (w, h) = (640, 480);
    let mut p = Plane::new(w, h, w, 200, 0);
    draw(&mut p, URI, 4, 100, 60, 40);
    p.bytes.extend((0..w * h / 2).map(|i| (i * 37 % 256) as u8));
    assert_eq!(decode(&p).unwrap(), URI);
}

#[test]
fn blank_and_noise_planes_hold_no_code() {
    let mut blank = Plane::new(200, 200, 200, 255, 0);
    for y in 50..150 {
        for x in 50..150 {
            blank.set(x, y, 0);
        }
    }
    assert_eq!(code_of(decode(&blank)), "E_QR_NOT_FOUND");
    // Deterministic noise (a linear congruential sequence), as a dark camera frame looks.
    let mut x: u32 = 1;
    let noise: Vec<u8> = (0..320 * 240)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 24) as u8
        })
        .collect();
    assert_eq!(code_of(decode_luma(320, 240, 320, &noise).map(|t| t.to_string())), "E_QR_NOT_FOUND");
}

#[test]
fn a_code_with_its_data_wiped_is_damaged() {
    // The finder patterns stay, so a grid is found; a band across the data area is painted over,
    // far beyond what error correction repairs.
    let mut p = plain(URI);
    let (n, _) = qr_render::modules(URI);
    for my in 9..n - 9 {
        for mx in 0..n {
            for d in 0..16 {
                let (x, y) = ((4 + mx) * 4 + d % 4, (4 + my) * 4 + d / 4);
                p.set(x, y, if (mx + my) % 2 == 0 { 0 } else { 255 });
            }
        }
    }
    assert_eq!(code_of(decode(&p)), "E_QR_DAMAGED");
}

#[test]
fn two_different_codes_are_refused_and_one_code_twice_is_read() {
    let other = "otpauth://totp/Other:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let s = side(URI, 4).max(side(other, 4));
    let mut two = Plane::new(2 * s + 40, s, 2 * s + 40, 255, 0);
    draw(&mut two, URI, 4, 0, 0, 0);
    draw(&mut two, other, 4, s + 40, 0, 0);
    let e = decode(&two).unwrap_err();
    assert_eq!(e, QrError::Multiple { count: 2 });
    assert_eq!(e.code(), "E_QR_MULTIPLE");

    let mut twice = Plane::new(2 * s + 40, s, 2 * s + 40, 255, 0);
    draw(&mut twice, URI, 4, 0, 0, 0);
    draw(&mut twice, URI, 4, s + 40, 0, 0);
    assert_eq!(decode(&twice).unwrap(), URI);
}

#[test]
fn planes_that_do_not_fit_their_buffer_are_invalid() {
    let p = plain(URI);
    let (w, h) = (p.width, p.height);
    let invalid = |w: usize, h: usize, s: usize, bytes: &[u8]| {
        let e = decode_luma(w, h, s, bytes).unwrap_err();
        assert_eq!(e.code(), "E_QR_IMAGE_INVALID", "{w}x{h} stride {s}, {} bytes", bytes.len());
        e
    };
    invalid(w, h, w, &p.bytes[..p.bytes.len() - 1]);
    invalid(w, h, w - 1, &p.bytes);
    invalid(0, h, w, &p.bytes);
    invalid(w, 0, w, &p.bytes);
    invalid(MAX_SIDE + 1, 1, MAX_SIDE + 1, &vec![255; MAX_SIDE + 1]);
    invalid(1, MAX_SIDE + 1, 1, &vec![255; MAX_SIDE + 1]);
    invalid(4, 3, usize::MAX / 2, &[0; 64]);
    invalid(1, 1, 1, &[]);
    // The message names sizes, never pixels.
    let e = invalid(w, h, w, &p.bytes[..10]);
    assert!(e.to_string().contains("10 bytes"), "{e}");
}

#[test]
fn the_decoded_text_never_appears_in_an_error() {
    for e in [QrError::NotFound, QrError::Damaged, QrError::Multiple { count: 2 }] {
        assert!(!e.to_string().contains("otpauth"), "{e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    /// Any printable text, drawn at any scale and position, in any grey levels, with any row
    /// padding filled with any bytes, reads back as itself.
    #[test]
    fn rendered_text_round_trips(
        text in "[ -~]{1,160}",
        scale in 2usize..6,
        (dx, dy) in (0usize..40, 0usize..40),
        (dark, light) in (0u8..70, 180u8..=255),
        pad in 0usize..48,
        pad_byte in any::<u8>(),
    ) {
        let s = side(&text, scale);
        let (w, h) = (s + dx + 7, s + dy + 3);
        let mut p = Plane::new(w, h, w + pad, light, pad_byte);
        draw(&mut p, &text, scale, dx, dy, dark);
        prop_assert_eq!(decode(&p).unwrap(), text);
    }

    /// Unicode text (byte mode, UTF-8) reads back as itself.
    #[test]
    fn unicode_text_round_trips(text in "\\PC{1,40}") {
        prop_assert_eq!(decode(&plain(&text)).unwrap(), text);
    }
}
