//! Secret bytes that never reach logs or `Debug` output and are zeroized on drop.

use zeroize::{Zeroize, ZeroizeOnDrop};

/// Shared secret key material (OTP seeds, enrollment secrets).
///
/// `Debug` prints only the length; the bytes are wiped when dropped. There is no `==`: secrets
/// compare in constant time through [`subtle::ConstantTimeEq`] (`a.ct_eq(&b)`), so no caller can
/// compare one with a short-circuiting loop by accident.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl subtle::ConstantTimeEq for Secret {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        // Lengths are not secret (they follow from the kind of key); the bytes are.
        if self.0.len() != other.0.len() {
            return subtle::Choice::from(0);
        }
        self.0.ct_eq(&other.0)
    }
}

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
    fn secrets_compare_only_in_constant_time() {
        use subtle::ConstantTimeEq;
        let a = Secret::new(vec![1, 2, 3]);
        assert!(bool::from(a.ct_eq(&Secret::new(vec![1, 2, 3]))));
        assert!(!bool::from(a.ct_eq(&Secret::new(vec![1, 2, 4]))));
        assert!(!bool::from(a.ct_eq(&Secret::new(vec![1, 2]))));
    }

    #[test]
    fn debug_never_shows_bytes() {
        let s = Secret::new(b"12345678901234567890".to_vec());
        let shown = format!("{s:?}");
        assert_eq!(shown, "Secret(20 bytes, redacted)");
        assert!(!shown.contains("1234"));
    }
}
