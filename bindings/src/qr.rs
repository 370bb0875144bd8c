//! The core's QR decoder for the apps' camera scanners and picked images.

use duet_core::qr;
use zeroize::Zeroizing;

use crate::error::DuetError;

/// The text of the one QR code in a greyscale picture of `width` × `height` pixels, one byte each,
/// rows `row_stride` bytes apart: a camera frame's Y plane as it comes (Android's
/// `YUV_420_888` plane 0 with its `rowStride`, iOS's luma plane with its bytes per row), or a
/// picked image converted to greyscale (`row_stride` = `width`).
///
/// # Errors
/// `Qr` with `E_QR_NOT_FOUND` (most camera frames: keep scanning), `E_QR_DAMAGED`,
/// `E_QR_MULTIPLE`, or `E_QR_IMAGE_INVALID` when the sizes do not describe the buffer.
#[uniffi::export]
pub fn decode_qr(width: u32, height: u32, row_stride: u32, luminance: Vec<u8>) -> Result<String, DuetError> {
    // The pixels show the code, so they are as secret as its text: wiped when done.
    let luminance = Zeroizing::new(luminance);
    let text = qr::decode_luma(width as usize, height as usize, row_stride as usize, &luminance)?;
    Ok(text.as_str().to_owned())
}
