//! The keyed HMAC state the engine computes every code with.
//!
//! Key setup (hashing the padded key into the inner and outer states) costs
//! as much as the code itself, so it is done once per account and the keyed
//! state is cloned per code. RustCrypto's `sha1`/`sha2` pick SHA-NI or the
//! ARMv8 SHA extensions at run time, which is why they are used rather than
//! ring (whose SHA-1 is portable code; see `docs/benchmarks.md`).

use hmac::digest::FixedOutput;
use hmac::{KeyInit, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use super::Algorithm;

/// Longest tag (HMAC-SHA512).
pub const MAX_TAG_LEN: usize = 64;

/// A full HMAC tag (20, 32 or 64 bytes) kept on the stack.
#[derive(Clone, Copy)]
pub struct Tag {
    bytes: [u8; MAX_TAG_LEN],
    len: usize,
}

impl Tag {
    /// The tag bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl std::fmt::Debug for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A tag of a counter reveals the code; keep it out of logs too.
        write!(f, "Tag({} bytes, redacted)", self.len)
    }
}

/// HMAC keyed with an account's secret, ready to authenticate any message.
///
/// The `zeroize` features of `hmac`, `sha1` and `sha2` are on, so the keyed
/// inner/outer hash states are wiped when this value (and every clone of it)
/// is dropped.
#[derive(Clone)]
pub struct KeyedHmac(Keyed);

#[derive(Clone)]
enum Keyed {
    Sha1(hmac::Hmac<Sha1>),
    Sha256(hmac::Hmac<Sha256>),
    Sha512(hmac::Hmac<Sha512>),
}

/// HMAC accepts keys of any length (longer ones are hashed first), so
/// `new_from_slice` cannot fail for it; the fallback exists only to avoid a panic path.
fn keyed<M: KeyInit>(key: &[u8]) -> M {
    match M::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => M::new(&Default::default()),
    }
}

fn tag_of<M: Mac + FixedOutput + Clone>(keyed: &M, message: &[u8]) -> Tag {
    let mut mac = keyed.clone();
    Mac::update(&mut mac, message);
    let out = mac.finalize_fixed();
    let mut tag = Tag {
        bytes: [0; MAX_TAG_LEN],
        len: out.len(),
    };
    tag.bytes[..out.len()].copy_from_slice(&out);
    tag
}

/// RFC 4226 §5.3 dynamic truncation: 31 bits at the offset named by the low
/// nibble of the tag's last byte (the full tag, for SHA-256/512 too).
pub fn dynamic_truncation(tag: &[u8]) -> u32 {
    let offset = usize::from(tag[tag.len() - 1] & 0x0f);
    u32::from_be_bytes([
        tag[offset],
        tag[offset + 1],
        tag[offset + 2],
        tag[offset + 3],
    ]) & 0x7fff_ffff
}

// Truncates straight from the digest's output array: no copy of the tag.
#[inline(always)]
fn hotp_of<M: Mac + FixedOutput + Clone>(keyed: &M, counter: u64) -> u32 {
    let mut mac = keyed.clone();
    Mac::update(&mut mac, &counter.to_be_bytes());
    // `finalize_fixed` skips the constant-time wrapper `Mac::finalize` adds
    // (the tag is truncated here, never compared).
    dynamic_truncation(&mac.finalize_fixed())
}

// One-shot: the freshly keyed state is used up, not cloned. One function per
// algorithm (not inlined into the dispatcher), so each keeps its own small
// stack frame.
#[inline(never)]
fn hotp_once<M: Mac + FixedOutput + KeyInit>(key: &[u8], counter: u64) -> u32 {
    let mut mac = keyed::<M>(key);
    Mac::update(&mut mac, &counter.to_be_bytes());
    dynamic_truncation(&mac.finalize_fixed())
}

/// The 31-bit HOTP value of `counter` under `key`, computed once: keys HMAC
/// and uses the state up, without the clone (or the move into a
/// [`KeyedHmac`]) that a cached state needs. Same HMAC code path otherwise.
#[inline]
pub fn hotp_value_once(algorithm: Algorithm, key: &[u8], counter: u64) -> u32 {
    match algorithm {
        Algorithm::Sha1 => hotp_once::<hmac::Hmac<Sha1>>(key, counter),
        Algorithm::Sha256 => hotp_once::<hmac::Hmac<Sha256>>(key, counter),
        Algorithm::Sha512 => hotp_once::<hmac::Hmac<Sha512>>(key, counter),
    }
}

impl KeyedHmac {
    /// Keys HMAC with `key` (any length, including empty, as HMAC allows;
    /// the OTP layer refuses empty secrets before this).
    pub fn new(algorithm: Algorithm, key: &[u8]) -> Self {
        KeyedHmac(match algorithm {
            Algorithm::Sha1 => Keyed::Sha1(keyed(key)),
            Algorithm::Sha256 => Keyed::Sha256(keyed(key)),
            Algorithm::Sha512 => Keyed::Sha512(keyed(key)),
        })
    }

    /// The algorithm this state was keyed for.
    pub fn algorithm(&self) -> Algorithm {
        match self.0 {
            Keyed::Sha1(_) => Algorithm::Sha1,
            Keyed::Sha256(_) => Algorithm::Sha256,
            Keyed::Sha512(_) => Algorithm::Sha512,
        }
    }

    /// The 31-bit HOTP value of `counter`: dynamic truncation of
    /// HMAC(key, counter as 8 big-endian bytes), before reduction to digits.
    #[inline]
    pub fn hotp_value(&self, counter: u64) -> u32 {
        match &self.0 {
            Keyed::Sha1(m) => hotp_of(m, counter),
            Keyed::Sha256(m) => hotp_of(m, counter),
            Keyed::Sha512(m) => hotp_of(m, counter),
        }
    }

    /// HMAC(key, message), the full untruncated tag.
    pub fn tag(&self, message: &[u8]) -> Tag {
        match &self.0 {
            Keyed::Sha1(m) => tag_of(m, message),
            Keyed::Sha256(m) => tag_of(m, message),
            Keyed::Sha512(m) => tag_of(m, message),
        }
    }
}

impl std::fmt::Debug for KeyedHmac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyedHmac({}, key redacted)", self.algorithm().name())
    }
}

// Compile-time proof that the keyed states wipe themselves on drop. `Hmac<D>`
// itself does not declare `ZeroizeOnDrop`, but what it holds does: the inner
// and outer hash cores (`D::Core`, with the `zeroize` features of sha1/sha2
// on) and the block buffer (digest's `zeroize` feature, via hmac's). If a
// crate update drops that guarantee, this stops compiling instead of
// silently leaving keyed states in freed memory.
const _: () = {
    use hmac::EagerHash;
    fn wipes_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    #[allow(dead_code)]
    fn keyed_states_wipe_on_drop() {
        wipes_on_drop::<<Sha1 as EagerHash>::Core>();
        wipes_on_drop::<<Sha256 as EagerHash>::Core>();
        wipes_on_drop::<<Sha512 as EagerHash>::Core>();
        wipes_on_drop::<hmac::digest::block_api::Buffer<<Sha1 as EagerHash>::Core>>();
        wipes_on_drop::<hmac::digest::block_api::Buffer<<Sha512 as EagerHash>::Core>>();
    }
};
