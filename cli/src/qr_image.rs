//! Reads the text of a QR code from a PNG or JPEG file, for `duet add IMAGE`
//! (a screenshot of a sign-up page, or a photo of a QR code on another screen).
//!
//! Decoding is done by `image` (PNG/JPEG only) and `rqrr` (a Rust port of quirc);
//! this module only bounds the work and turns every outcome into a coded error.
//! The decoded text usually holds a secret, so it is returned zeroizing and never
//! appears in an error message.

use duet_core::ErrorCode;
use std::io::BufReader;
use std::path::Path;
use zeroize::Zeroizing;

/// Largest width or height accepted: a phone photo is about 4000 px on a side;
/// bigger files would only cost memory and time in the detector.
const MAX_SIDE: u32 = 10_000;
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
    /// The picture contains nothing that looks like a QR code.
    #[error("No QR code was found in the image; crop the screenshot to the QR code, or paste the otpauth:// link instead.")]
    NotFound,
    /// Something QR-shaped was found but its data could not be decoded.
    #[error("A QR code was found in the image but could not be read; take a sharper, straight-on screenshot of it.")]
    Damaged,
    /// Several different QR codes: which account the user meant is unclear.
    #[error("The image holds {count} different QR codes; crop it so only the one to add is visible.")]
    Multiple {
        /// How many distinct codes were read.
        count: usize,
    },
}

impl ErrorCode for QrImageError {
    fn code(&self) -> &'static str {
        match self {
            QrImageError::Unreadable { .. } => "E_CLI_QR_IMAGE_UNREADABLE",
            QrImageError::NotFound => "E_CLI_QR_NOT_FOUND",
            QrImageError::Damaged => "E_CLI_QR_DAMAGED",
            QrImageError::Multiple { .. } => "E_CLI_QR_MULTIPLE",
        }
    }
}

/// Reads the one QR code in the PNG or JPEG file at `path`.
///
/// The same code seen twice (e.g. a screenshot that shows it twice) counts once.
///
/// # Errors
/// Any [`QrImageError`].
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
    decode_luma(&img.to_luma8())
}

/// Finds and decodes the QR code in a greyscale picture.
///
/// # Errors
/// `E_CLI_QR_NOT_FOUND`, `E_CLI_QR_DAMAGED` or `E_CLI_QR_MULTIPLE`.
pub fn decode_luma(img: &image::GrayImage) -> Result<Zeroizing<String>, QrImageError> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let texts = detect_quietly(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| img.get_pixel(x as u32, y as u32).0[0]);
        let grids = prepared.detect_grids();
        let found = grids.len();
        let mut texts: Vec<Zeroizing<String>> = Vec::new();
        for g in &grids {
            if let Ok((_, text)) = g.decode() {
                let text = Zeroizing::new(text);
                if !texts.contains(&text) {
                    texts.push(text);
                }
            }
        }
        (found, texts)
    });
    match texts {
        None | Some((0, _)) => Err(QrImageError::NotFound),
        Some((_, t)) if t.is_empty() => Err(QrImageError::Damaged),
        Some((_, mut t)) if t.len() == 1 => Ok(t.remove(0)),
        Some((_, t)) => Err(QrImageError::Multiple { count: t.len() }),
    }
}

/// Runs the detector, turning a panic inside it into `None`.
///
/// rqrr is a port of C code fed with arbitrary pixels; should it ever hit an
/// internal assertion on a strange picture, the user must get a coded error, not a
/// crash report. The panic hook is silenced meanwhile so nothing odd is printed;
/// the CLI is single-threaded here, so swapping the global hook is safe.
fn detect_quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
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
