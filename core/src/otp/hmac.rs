//! HMAC (RFC 2104) keyed once per account, with the counter's padding precomputed.
//!
//! Every OTP code is HMAC over one 8-byte counter, so the inner block (counter, `0x80`, zeros,
//! length) and the outer block (inner digest, `0x80`, zeros, length) have a fixed layout: a code
//! is two calls of the hash's compression function on blocks built in place, and truncation
//! reads the outer state's words directly. The `hmac` crate's generic buffering and
//! finalization cost as much again as the two compressions on SHA-NI hardware (measured:
//! docs/benchmarks.md "OTP"), which is why duet does not use it here. The compression functions
//! are RustCrypto's ([`super::sha`]); [`KeyedHmac::tag`] handles messages of any length, and the
//! tests check both paths against the `hmac` crate and the Wycheproof HMAC vectors.

use bytemuck::{bytes_of, bytes_of_mut, cast_slice_mut};
use zeroize::Zeroize;

use super::Algorithm;
use super::sha::{Md, Sha1, Sha256, Sha512};

/// Longest tag (HMAC-SHA512).
pub const MAX_TAG_LEN: usize = 64;

const IPAD: u8 = 0x36;
const OPAD: u8 = 0x5c;

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

/// Writes the Merkle–Damgård length field (`message_len` bytes, in bits) at the end of `blocks`.
#[inline(always)]
fn write_length<H: Md>(blocks: &mut [u8], message_len: usize) {
    let bits = (message_len as u128) * 8;
    let end = blocks.len();
    blocks[end - H::LEN_FIELD..].copy_from_slice(&bits.to_be_bytes()[16 - H::LEN_FIELD..]);
}

/// The inner and outer chaining values after the padded key: all HMAC needs of the key.
/// Wiped on drop, clones too.
struct Keyed<H: Md> {
    inner: H::State,
    outer: H::State,
}

impl<H: Md> Clone for Keyed<H> {
    fn clone(&self) -> Self {
        Keyed {
            inner: self.inner,
            outer: self.outer,
        }
    }
}

impl<H: Md> Drop for Keyed<H> {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

impl<H: Md> Keyed<H> {
    #[inline(always)]
    fn new(key: &[u8]) -> Self {
        let mut block = H::ZERO;
        let bytes = bytes_of_mut(&mut block);
        if key.len() <= H::BLOCK {
            bytes[..key.len()].copy_from_slice(key);
        } else {
            H::hash(key, &mut bytes[..H::OUT]);
        }
        bytes.iter_mut().for_each(|b| *b ^= IPAD);
        let mut inner = H::IV;
        H::compress(&mut inner, bytes);
        bytes.iter_mut().for_each(|b| *b ^= IPAD ^ OPAD);
        let mut outer = H::IV;
        H::compress(&mut outer, bytes);
        // The padded key is the key: wiped with word-wide stores.
        block.zeroize();
        Keyed { inner, outer }
    }

    /// The outer hash over the inner hash `inner` (digest and padding always fit one block).
    #[inline(always)]
    fn finish(&self, inner: &H::State) -> H::State {
        let mut block = H::ZERO;
        let bytes = bytes_of_mut(&mut block);
        H::write_digest(inner, &mut bytes[..H::OUT]);
        bytes[H::OUT] = 0x80;
        write_length::<H>(bytes, H::BLOCK + H::OUT);
        let mut outer = self.outer;
        H::compress(&mut outer, bytes_of(&block));
        outer
    }

    /// HMAC of the 8-byte big-endian `counter`, as the outer state.
    #[inline(always)]
    fn of_counter(&self, counter: u64) -> H::State {
        let mut block = H::ZERO;
        let bytes = bytes_of_mut(&mut block);
        bytes[..8].copy_from_slice(&counter.to_be_bytes());
        bytes[8] = 0x80;
        write_length::<H>(bytes, H::BLOCK + 8);
        let mut inner = self.inner;
        H::compress(&mut inner, bytes_of(&block));
        self.finish(&inner)
    }

    /// HMAC of a message of any length, as the outer state.
    fn of_message(&self, message: &[u8]) -> H::State {
        let mut inner = self.inner;
        let whole = message.len() - message.len() % H::BLOCK;
        H::compress(&mut inner, &message[..whole]);
        let rest = &message[whole..];
        // The rest, `0x80` and the length take one block, or two when the rest is long.
        let mut tail = [H::ZERO; 2];
        let bytes: &mut [u8] = cast_slice_mut(&mut tail);
        bytes[..rest.len()].copy_from_slice(rest);
        bytes[rest.len()] = 0x80;
        let blocks = if rest.len() + 1 + H::LEN_FIELD <= H::BLOCK {
            1
        } else {
            2
        };
        let tail = &mut bytes[..blocks * H::BLOCK];
        write_length::<H>(tail, H::BLOCK + message.len());
        H::compress(&mut inner, tail);
        self.finish(&inner)
    }

    #[inline(always)]
    fn hotp(&self, counter: u64) -> u32 {
        H::truncate(&self.of_counter(counter))
    }

    fn tag(&self, message: &[u8]) -> Tag {
        let mut tag = Tag {
            bytes: [0; MAX_TAG_LEN],
            len: H::OUT,
        };
        H::write_digest(&self.of_message(message), &mut tag.bytes[..H::OUT]);
        tag
    }
}

/// HMAC keyed with an account's secret, ready to authenticate any message.
///
/// Holds the two chaining values of the padded key (40 to 128 bytes), wiped on drop; a code
/// copies them and compresses one block into each.
#[derive(Clone)]
pub struct KeyedHmac(State);

#[derive(Clone)]
enum State {
    Sha1(Keyed<Sha1>),
    Sha256(Keyed<Sha256>),
    Sha512(Keyed<Sha512>),
}

// One-shot: the freshly keyed state is used up, not cloned. One function per algorithm (not
// inlined into the dispatcher), so each keeps its own small stack frame.
#[inline(never)]
fn hotp_once<H: Md>(key: &[u8], counter: u64) -> u32 {
    Keyed::<H>::new(key).hotp(counter)
}

/// The 31-bit HOTP value of `counter` under `key`, computed once: keys HMAC and uses the state
/// up, without keeping a [`KeyedHmac`]. Same code path otherwise.
#[inline]
pub fn hotp_value_once(algorithm: Algorithm, key: &[u8], counter: u64) -> u32 {
    match algorithm {
        Algorithm::Sha1 => hotp_once::<Sha1>(key, counter),
        Algorithm::Sha256 => hotp_once::<Sha256>(key, counter),
        Algorithm::Sha512 => hotp_once::<Sha512>(key, counter),
    }
}

impl KeyedHmac {
    /// Keys HMAC with `key` (any length, including empty, as HMAC allows;
    /// the OTP layer refuses empty secrets before this).
    pub fn new(algorithm: Algorithm, key: &[u8]) -> Self {
        KeyedHmac(match algorithm {
            Algorithm::Sha1 => State::Sha1(Keyed::new(key)),
            Algorithm::Sha256 => State::Sha256(Keyed::new(key)),
            Algorithm::Sha512 => State::Sha512(Keyed::new(key)),
        })
    }

    /// The algorithm this state was keyed for.
    pub fn algorithm(&self) -> Algorithm {
        match self.0 {
            State::Sha1(_) => Algorithm::Sha1,
            State::Sha256(_) => Algorithm::Sha256,
            State::Sha512(_) => Algorithm::Sha512,
        }
    }

    /// The 31-bit HOTP value of `counter`: dynamic truncation of
    /// HMAC(key, counter as 8 big-endian bytes), before reduction to digits.
    #[inline]
    pub fn hotp_value(&self, counter: u64) -> u32 {
        match &self.0 {
            State::Sha1(k) => k.hotp(counter),
            State::Sha256(k) => k.hotp(counter),
            State::Sha512(k) => k.hotp(counter),
        }
    }

    /// HMAC(key, message), the full untruncated tag.
    pub fn tag(&self, message: &[u8]) -> Tag {
        match &self.0 {
            State::Sha1(k) => k.tag(message),
            State::Sha256(k) => k.tag(message),
            State::Sha512(k) => k.tag(message),
        }
    }
}

impl std::fmt::Debug for KeyedHmac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyedHmac({}, key redacted)", self.algorithm().name())
    }
}
