//! Secret bytes that never reach logs or `Debug` output and are zeroized on drop.

use zeroize::{Zeroize, ZeroizeOnDrop};

/// Shared secret key material (OTP seeds, enrollment secrets).
///
/// `Debug` prints only the length; the bytes are wiped when dropped.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps raw key bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }

    /// The raw bytes. Callers must not copy them into long-lived, unzeroized storage.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for an empty secret (never valid for OTP).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<u8>> for Secret {
    fn from(v: Vec<u8>) -> Self {
        Secret(v)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({} bytes, redacted)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_bytes() {
        let s = Secret::new(b"12345678901234567890".to_vec());
        let shown = format!("{s:?}");
        assert_eq!(shown, "Secret(20 bytes, redacted)");
        assert!(!shown.contains("1234"));
    }
}
