//! Reads the one QR code in a greyscale picture: a camera frame's luminance (Y) plane, or a
//! picked image the front end converted to greyscale. Every front end (the CLI's `duet add
//! IMAGE`, the Android and iOS camera scanners) hands over the same thing, a plane of bytes with a
//! row stride, so there is one decoder and one set of error codes.
//!
//! Detection and decoding are `rqrr`'s (a pure-Rust port of quirc); this module checks the plane,
//! bounds the work and turns every outcome into a coded error. The decoded text usually holds a
//! secret, so it is returned zeroizing and never appears in an error.
//!
//! Behind the `qr` feature: only builds that read pictures pay for the detector.

use crate::error::ErrorCode;
use zeroize::Zeroizing;

/// Largest width or height accepted. A phone photo is about 4000 px on a side and a camera frame
/// far less; bigger planes would only cost memory (the detector keeps a copy) and time.
pub const MAX_SIDE: usize = 10_000;

/// Why no QR text came out of a picture.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// The picture contains nothing that looks like a QR code.
    #[error(
        "No QR code was found in the picture; hold the camera so the whole QR code is in view (or crop the screenshot to it), or paste the link instead."
    )]
    NotFound,
    /// Something QR-shaped was found but its data could not be decoded.
    #[error(
        "A QR code was found in the picture but could not be read; hold the camera steady and straight on, or take a sharper screenshot."
    )]
    Damaged,
    /// Several different QR codes: which account the user meant is unclear.
    #[error("The picture holds {count} different QR codes; show only the one to add (cover or crop the others).")]
    Multiple {
        /// How many distinct codes were read.
        count: usize,
    },
    /// The plane handed over does not describe a picture: a fault of the caller, not of the user.
    #[error("The picture could not be scanned ({reason}); this is a fault in the app, report it with the app version.")]
    InvalidImage {
        /// Which check failed; names sizes, never pixel content.
        reason: String,
    },
}

impl ErrorCode for QrError {
    fn code(&self) -> &'static str {
        match self {
            QrError::NotFound => "E_QR_NOT_FOUND",
            QrError::Damaged => "E_QR_DAMAGED",
            QrError::Multiple { .. } => "E_QR_MULTIPLE",
            QrError::InvalidImage { .. } => "E_QR_IMAGE_INVALID",
        }
    }
}

/// Finds and decodes the one QR code in a greyscale plane of `width` × `height` pixels, one byte
/// each (0 black, 255 white), rows `row_stride` bytes apart. The last row may end right after its
/// last pixel, as camera buffers often do; bytes after it are ignored (a whole NV21 frame can be
/// passed as is).
///
/// The same code seen twice (a screenshot that shows it twice) counts once.
///
/// # Errors
/// `E_QR_IMAGE_INVALID` for an empty or oversized plane, a stride shorter than a row, or a
/// buffer too short for the plane; `E_QR_NOT_FOUND`, `E_QR_DAMAGED` or `E_QR_MULTIPLE` for what
/// the detector made of it.
pub fn decode_luma(width: usize, height: usize, row_stride: usize, luma: &[u8]) -> Result<Zeroizing<String>, QrError> {
    check_plane(width, height, row_stride, luma.len())?;
    let pixel = |x: usize, y: usize| luma[y * row_stride + x];
    // rqrr is a port of C code fed with arbitrary pixels; should it ever hit an internal assertion
    // on a strange picture, the caller must get a coded error, not a crash. No panic hook is
    // touched: this runs on app threads, and a library must not change process-wide state.
    let outcome = std::panic::catch_unwind(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(width, height, pixel);
        let grids = prepared.detect_grids();
        let mut texts: Vec<Zeroizing<String>> = Vec::new();
        for grid in &grids {
            if let Ok((_, text)) = grid.decode() {
                let text = Zeroizing::new(text);
                if !texts.contains(&text) {
                    texts.push(text);
                }
            }
        }
        (grids.len(), texts)
    });
    match outcome {
        Err(_) | Ok((0, _)) => Err(QrError::NotFound),
        Ok((_, texts)) if texts.is_empty() => Err(QrError::Damaged),
        Ok((_, mut texts)) if texts.len() == 1 => Ok(texts.remove(0)),
        Ok((_, texts)) => Err(QrError::Multiple { count: texts.len() }),
    }
}

/// Checks that `len` bytes hold a `width` × `height` plane with rows `row_stride` apart, so every
/// pixel index is in bounds (on 32-bit targets too, where the sizes can overflow).
fn check_plane(width: usize, height: usize, row_stride: usize, len: usize) -> Result<(), QrError> {
    let invalid = |reason: String| Err(QrError::InvalidImage { reason });
    if width == 0 || height == 0 {
        return invalid(format!("the picture is {width}×{height} pixels"));
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return invalid(format!("{width}×{height} pixels is over {MAX_SIDE} on a side"));
    }
    if row_stride < width {
        return invalid(format!("rows of {width} pixels are {row_stride} bytes apart"));
    }
    let needed = (height - 1).checked_mul(row_stride).and_then(|n| n.checked_add(width));
    match needed {
        Some(n) if n <= len => Ok(()),
        Some(n) => invalid(format!("{len} bytes for a plane of {n}")),
        None => invalid(format!("rows {row_stride} bytes apart overflow the address space")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plane_checks() {
        let code = |w, h, s, len| check_plane(w, h, s, len).map_err(|e| e.code());
        assert_eq!(code(4, 3, 4, 12), Ok(()));
        // The last row may stop after its last pixel.
        assert_eq!(code(4, 3, 6, 16), Ok(()));
        assert_eq!(code(4, 3, 6, 15), Err("E_QR_IMAGE_INVALID"));
        assert_eq!(code(0, 3, 4, 12), Err("E_QR_IMAGE_INVALID"));
        assert_eq!(code(4, 0, 4, 12), Err("E_QR_IMAGE_INVALID"));
        assert_eq!(code(4, 3, 3, 12), Err("E_QR_IMAGE_INVALID"));
        assert_eq!(code(MAX_SIDE + 1, 1, MAX_SIDE + 1, MAX_SIDE + 1), Err("E_QR_IMAGE_INVALID"));
        assert_eq!(code(MAX_SIDE, 1, MAX_SIDE, MAX_SIDE), Ok(()));
        assert_eq!(code(1, 2, usize::MAX, usize::MAX), Err("E_QR_IMAGE_INVALID"));
    }
}
