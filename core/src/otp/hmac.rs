//! The keyed HMAC state the engine computes every code with.
//!
//! Key setup (hashing the padded key into the inner and outer states) costs
//! as much as the code itself, so it is done once per account and the keyed
//! state is cloned per code. RustCrypto's `sha1`/`sha2` pick SHA-NI or the
//! ARMv8 SHA extensions at run time, which is why they are used rather than
//! ring (whose SHA-1 is portable code; see `docs/benchmarks.md`).

use hmac::EagerHash;
use hmac::block_api::HmacCore;
use hmac::digest::Output;
use hmac::digest::block_api::{Buffer, FixedOutputCore, UpdateCore};
use hmac::KeyInit;
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
/// Holds `hmac`'s block-level `HmacCore` (the keyed inner and outer hash states) rather than
/// the buffered `Hmac`: every message here fits one call, so a code clones only the two hash
/// states and finalizes through `&mut` (the buffered type's by-value `finalize` moved its whole
/// state, about 150 bytes, through `memcpy` on every code; docs/benchmarks.md "OTP").
/// The `zeroize` features of `hmac`, `sha1` and `sha2` are on, so the keyed states (and every
/// clone, and the message buffer) are wiped when dropped.
#[derive(Clone)]
pub struct KeyedHmac(Keyed);

#[derive(Clone)]
enum Keyed {
    Sha1(HmacCore<Sha1>),
    Sha256(HmacCore<Sha256>),
    Sha512(HmacCore<Sha512>),
}

/// HMAC accepts keys of any length (longer ones are hashed first), so
/// `new_from_slice` cannot fail for it; the fallback exists only to avoid a panic path.
#[inline(always)]
fn keyed<D: EagerHash>(key: &[u8]) -> HmacCore<D> {
    match HmacCore::<D>::new_from_slice(key) {
        Ok(core) => core,
        Err(_) => keyed_fallback::<D>(),
    }
}

#[cold]
#[inline(never)]
fn keyed_fallback<D: EagerHash>() -> HmacCore<D> {
    let zero_key = hmac::digest::common::Key::<HmacCore<D>>::default();
    HmacCore::<D>::new(&zero_key)
}

/// HMAC of `message` with the keyed state `core`, which is used up (the caller clones a state
/// it keeps). The block-level API finalizes in place: no move of the state.
#[inline(always)]
fn mac_of<D: EagerHash>(core: &mut HmacCore<D>, message: &[u8]) -> Output<HmacCore<D>> {
    let mut buffer = Buffer::<HmacCore<D>>::default();
    buffer.digest_blocks(message, |blocks| core.update_blocks(blocks));
    let mut out = Output::<HmacCore<D>>::default();
    core.finalize_fixed_core(&mut buffer, &mut out);
    out
}

fn tag_of<D: EagerHash>(keyed: &HmacCore<D>, message: &[u8]) -> Tag {
    let out = mac_of(&mut keyed.clone(), message);
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
fn hotp_of<D: EagerHash>(keyed: &HmacCore<D>, counter: u64) -> u32 {
    dynamic_truncation(&mac_of(&mut keyed.clone(), &counter.to_be_bytes()))
}

// One-shot: the freshly keyed state is used up, not cloned. One function per
// algorithm (not inlined into the dispatcher), so each keeps its own small
// stack frame.
#[inline(never)]
fn hotp_once<D: EagerHash>(key: &[u8], counter: u64) -> u32 {
    dynamic_truncation(&mac_of(&mut keyed::<D>(key), &counter.to_be_bytes()))
}

/// The 31-bit HOTP value of `counter` under `key`, computed once: keys HMAC
/// and uses the state up, without the clone (or the move into a
/// [`KeyedHmac`]) that a cached state needs. Same HMAC code path otherwise.
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

// Compile-time proof that the keyed states wipe themselves on drop. `HmacCore<D>`
// itself does not declare `ZeroizeOnDrop`, but what it holds does: the inner
// and outer hash cores (`D::Core`, with the `zeroize` features of sha1/sha2
// on); so does the message buffer (digest's `zeroize` feature, via hmac's). If a
// crate update drops that guarantee, this stops compiling instead of
// silently leaving keyed states in freed memory.
const _: () = {
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
