//! `duet add IMAGE`: QR codes rendered by an independent encoder (the `qrcode`
//! crate), saved as PNG/JPEG with `image`, read back by the built `duet`, and the
//! resulting codes checked against RFC 6238; bad files give coded errors and add nothing.

use image::{GrayImage, Luma};
use std::path::Path;
use std::process::Output;

mod desktop_support;
use desktop_support::ok;

/// `duet --vault HOME/vault.sqlite ARGS`.
fn duet(home: &Path, args: &[&str]) -> Output {
    let vault = home.join("vault.sqlite");
    let mut all = vec!["--vault", vault.to_str().expect("UTF-8 temp path")];
    all.extend_from_slice(args);
    desktop_support::duet(home, &all, None, &[])
}

fn fails_with(o: &Output, code: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "expected {code}, got success; stderr: {err}");
    assert!(err.starts_with(&format!("error {code}: ")), "expected {code}, stderr: {err}");
    assert!(o.stdout.is_empty());
}

fn account_count(h: &Path) -> usize {
    let v: serde_json::Value = serde_json::from_str(&ok(&duet(h, &["list", "--json"]))).unwrap();
    v.as_array().unwrap().len()
}

/// A QR code as black modules on white, `scale` pixels per module, with the
/// standard 4-module quiet zone, drawn at (`x0`, `y0`) in `img`.
fn draw_qr(img: &mut GrayImage, text: &str, scale: u32, x0: u32, y0: u32) {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let w = code.width() as u32;
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i as u32 % w, i as u32 / w);
            for dy in 0..scale {
                for dx in 0..scale {
                    img.put_pixel(x0 + (4 + mx) * scale + dx, y0 + (4 + my) * scale + dy, Luma([0]));
                }
            }
        }
    }
}

fn qr_image(text: &str) -> GrayImage {
    let n = qrcode::QrCode::new(text.as_bytes()).unwrap().width() as u32;
    let mut img = GrayImage::from_pixel((n + 8) * 6, (n + 8) * 6, Luma([255]));
    draw_qr(&mut img, text, 6, 0, 0);
    img
}

// RFC 6238 appendix B secrets: ASCII "1234567890" repeated to the key length.
const RFC_SHA1_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const RFC_SHA256_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";

#[test]
fn png_and_jpeg_qr_codes_add_accounts_with_rfc_6238_codes() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path();

    let png = h.join("signup.png");
    let uri = format!("otpauth://totp/Example:alice@example.com?secret={RFC_SHA1_B32}&issuer=Example");
    qr_image(&uri).save(&png).unwrap();
    ok(&duet(h, &["add", png.to_str().unwrap()]));
    // RFC 6238 T=59 SHA1: 94287082, low 6 digits.
    assert_eq!(ok(&duet(h, &["code", "alice", "--at", "59"])), "287082\n");

    // A phone photo is usually JPEG (lossy): same path, 8-digit SHA256 vector 46119246.
    // The file name has no extension: the format is recognised from the bytes.
    let jpg = h.join("photo");
    let uri = format!("otpauth://totp/Bank:bob?secret={RFC_SHA256_B32}&algorithm=SHA256&digits=8&issuer=Bank");
    let img = qr_image(&uri);
    let mut f = std::fs::File::create(&jpg).unwrap();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut f, 75).encode_image(&img).unwrap();
    drop(f);
    ok(&duet(h, &["add", jpg.to_str().unwrap()]));
    assert_eq!(ok(&duet(h, &["code", "bob", "--at", "59"])), "46119246\n");
    assert_eq!(account_count(h), 2);
}

#[test]
fn google_transfer_qr_image_adds_its_accounts() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path();
    // A real Google Authenticator export (same vector as core/tests/migration_transfer.rs):
    // Example:alice@google.com, secret JBSWY3DPEHPK3PXP, SHA1, 6 digits, 30 s.
    let export = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZSABKAEwAhABGAEgACjr4JKK%2Bv%2F%2F%2F%2F8B";
    let png = h.join("transfer.png");
    qr_image(export).save(&png).unwrap();
    ok(&duet(h, &["add", png.to_str().unwrap()]));
    // Expected code from totp-rs, an independent TOTP implementation.
    let reference = totp_rs::Totp::from_url_unchecked("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
        .unwrap();
    let want = format!("{}\n", reference.generate(1_700_000_000));
    assert_eq!(ok(&duet(h, &["code", "alice@google.com", "--at", "1700000000"])), want);
}

#[test]
fn bad_images_give_coded_errors_and_add_nothing() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path();
    ok(&duet(h, &["add", &format!("otpauth://totp/Keep:me?secret={RFC_SHA1_B32}")]));

    let garbage = h.join("garbage.png");
    std::fs::write(&garbage, b"\x89PNG\r\n\x1a\nthis is not really a png at all").unwrap();
    fails_with(&duet(h, &["add", garbage.to_str().unwrap()]), "E_CLI_QR_IMAGE_UNREADABLE");

    let text = h.join("notes.txt");
    std::fs::write(&text, b"hello, no picture here\n").unwrap();
    fails_with(&duet(h, &["add", text.to_str().unwrap()]), "E_CLI_QR_IMAGE_UNREADABLE");

    // A real PNG cut in half.
    let full = h.join("full.png");
    qr_image("otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ").save(&full).unwrap();
    let bytes = std::fs::read(&full).unwrap();
    let cut = h.join("cut.png");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    fails_with(&duet(h, &["add", cut.to_str().unwrap()]), "E_CLI_QR_IMAGE_UNREADABLE");

    let missing = h.join("no-such-file.png");
    fails_with(&duet(h, &["add", missing.to_str().unwrap()]), "E_CLI_QR_IMAGE_UNREADABLE");

    // A valid picture with no QR code in it: white with a black square.
    let mut blank = GrayImage::from_pixel(200, 200, Luma([255]));
    for y in 50..150 {
        for x in 50..150 {
            blank.put_pixel(x, y, Luma([0]));
        }
    }
    let blank_path = h.join("blank.png");
    blank.save(&blank_path).unwrap();
    fails_with(&duet(h, &["add", blank_path.to_str().unwrap()]), "E_QR_NOT_FOUND");

    // Two different codes side by side: which one is meant is unclear.
    let a = format!("otpauth://totp/A:one?secret={RFC_SHA1_B32}");
    let b = format!("otpauth://totp/B:two?secret={RFC_SHA1_B32}");
    let n = qrcode::QrCode::new(a.as_bytes()).unwrap().width() as u32;
    let side = (n + 8) * 6;
    let mut two = GrayImage::from_pixel(side * 2 + 40, side, Luma([255]));
    draw_qr(&mut two, &a, 6, 0, 0);
    draw_qr(&mut two, &b, 6, side + 40, 0);
    let two_path = h.join("two.png");
    two.save(&two_path).unwrap();
    fails_with(&duet(h, &["add", two_path.to_str().unwrap()]), "E_QR_MULTIPLE");

    // A bad image among good arguments adds nothing at all.
    let good = h.join("good.png");
    qr_image(&format!("otpauth://totp/New:one?secret={RFC_SHA1_B32}")).save(&good).unwrap();
    fails_with(&duet(h, &["add", good.to_str().unwrap(), blank_path.to_str().unwrap()]), "E_QR_NOT_FOUND");
    assert_eq!(account_count(h), 1);
}

#[test]
fn enroll_reads_the_qr_image_too() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path();
    let png = h.join("enroll.png");
    let uri = format!("otpauth://totp/Example:carol?secret={RFC_SHA1_B32}&issuer=Example");
    qr_image(&uri).save(&png).unwrap();
    ok(&duet(h, &["enroll", png.to_str().unwrap()]));
    // RFC 6238 appendix B, SHA-1, T = 59.
    assert_eq!(ok(&duet(h, &["code", "carol", "--at", "59"])).trim(), "287082");
    fails_with(&duet(h, &["enroll", h.join("vault.sqlite").to_str().unwrap()]), "E_CLI_QR_IMAGE_UNREADABLE");
}
