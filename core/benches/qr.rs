//! Cost of scanning one camera frame for a QR code (criterion): a 1280×720 Y plane with a padded
//! stride, holding an otpauth QR code, and the same frame without one (what a scanner sees most).
//!
//! `cargo bench -p duet-core --features qr --bench qr`; numbers in docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use duet_core::qr::decode_luma;
use std::hint::black_box;

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";
const W: usize = 1280;
const H: usize = 720;
const STRIDE: usize = 1344;

/// A textured frame (random 4×4-pixel blocks of light greys, so the detector has regions to look
/// at) with the QR code of `text` at 6 px per module near the middle (drawn by the `qrcode` crate,
/// independent of the detector), or none.
fn frame(text: Option<&str>) -> Vec<u8> {
    let mut seed: u32 = 7;
    let blocks: Vec<u8> = (0..(W / 4) * (H / 4))
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            140 + (seed >> 26) as u8
        })
        .collect();
    let mut plane = vec![0u8; STRIDE * H];
    for y in 0..H {
        for x in 0..W {
            plane[y * STRIDE + x] = blocks[(y / 4) * (W / 4) + x / 4];
        }
    }
    if let Some(text) = text {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let n = code.width();
        for (i, c) in code.to_colors().iter().enumerate() {
            if *c == qrcode::Color::Dark {
                let (x0, y0) = (500 + (i % n) * 6, 200 + (i / n) * 6);
                for y in y0..y0 + 6 {
                    plane[y * STRIDE + x0..y * STRIDE + x0 + 6].fill(30);
                }
            }
        }
    }
    plane
}

fn bench(c: &mut Criterion) {
    let with = frame(Some(URI));
    assert_eq!(decode_luma(W, H, STRIDE, &with).unwrap().as_str(), URI);
    c.bench_function("qr_frame_720p_with_code", |b| b.iter(|| decode_luma(W, H, STRIDE, black_box(&with))));
    let without = frame(None);
    assert!(decode_luma(W, H, STRIDE, &without).is_err());
    c.bench_function("qr_frame_720p_without_code", |b| b.iter(|| decode_luma(W, H, STRIDE, black_box(&without))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
