//! Reads the text of a QR code from a PNG or JPEG file, for `duet add IMAGE` and `duet enroll
//! IMAGE` (a screenshot of a sign-up page, or a photo of a QR code on another screen).
//!
//! Only the file is this module's concern: `image` (PNG/JPEG only) turns it into a greyscale
//! plane, bounded; the core's decoder (`duet_core::qr`, shared with the phone apps' cameras)
//! finds and reads the code. The decoded text usually holds a secret, so it stays zeroizing and
//! never appears in an error message.

use duet_core::ErrorCode;
use duet_core::qr::{self, QrError};
use std::io::BufReader;
use std::path::Path;
use zeroize::Zeroizing;

/// Largest width or height accepted: the core decoder's own limit, checked by the image decoder
/// before it allocates anything.
const MAX_SIDE: u32 = qr::MAX_SIDE as u32;
/// Decoder allocation cap, so a crafted header cannot make us reserve gigabytes.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// Why no QR text came out of an image file.
#[derive(Debug, thiserror::Error)]
pub enum QrImageError {
    /// Not readable, not PNG/JPEG, damaged, or larger than the limits.
    #[error("The file could not be read as a PNG or JPEG image ({reason}); save the QR code as a PNG screenshot and try again.")]
    Unreadable {
        /// What the decoder said, e.g. "unsupported format"; never file content.
        reason: String,
    },
    /// The picture was read; the QR decoder found no single readable code in it.
    #[error(transparent)]
    Qr(#[from] QrError),
}

impl ErrorCode for QrImageError {
    fn code(&self) -> &'static str {
        match self {
            QrImageError::Unreadable { .. } => "E_CLI_QR_IMAGE_UNREADABLE",
            QrImageError::Qr(e) => e.code(),
        }
    }
}

/// Reads the one QR code in the PNG or JPEG file at `path`.
///
/// # Errors
/// `E_CLI_QR_IMAGE_UNREADABLE` for the file, or the core's `E_QR_...` codes for its picture.
pub fn read_qr_file(path: &Path) -> Result<Zeroizing<String>, QrImageError> {
    let file = std::fs::File::open(path).map_err(|e| QrImageError::Unreadable {
        reason: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file, and not an otpauth:// URI either".into(),
            k => k.to_string(),
        },
    })?;
    let mut reader = image::ImageReader::new(BufReader::new(file));
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    // The format comes from the bytes, not the file name: screenshots are often renamed.
    let reader = reader.with_guessed_format().map_err(|e| QrImageError::Unreadable { reason: e.kind().to_string() })?;
    let img = reader.decode().map_err(|e| QrImageError::Unreadable { reason: short_reason(&e) })?;
    let luma = img.to_luma8();
    let (width, height) = (luma.width() as usize, luma.height() as usize);
    Ok(quietly(|| qr::decode_luma(width, height, width, luma.as_raw()))?)
}

/// Runs `f` with the panic hook silenced. The core decoder turns a panic inside the QR detector
/// into a coded error, but the default hook would still print a crash message before that; the
/// CLI is single-threaded here, so swapping the global hook is safe.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = f();
    std::panic::set_hook(previous);
    out
}

/// A short, content-free description of an image decoding failure.
fn short_reason(e: &image::ImageError) -> String {
    match e {
        image::ImageError::Unsupported(_) => "not a PNG or JPEG file".into(),
        image::ImageError::Limits(_) => format!("larger than {MAX_SIDE} pixels on a side"),
        image::ImageError::IoError(io) => io.kind().to_string(),
        image::ImageError::Decoding(_) => "the image data is damaged".into(),
        _ => "the image cannot be decoded".into(),
    }
}
