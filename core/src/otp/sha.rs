//! The three hash functions OTP uses, at the level HMAC needs them: initial value, compression
//! function, padding sizes and digest encoding.
//!
//! The compression functions are RustCrypto's own (`sha1::block_api::compress`,
//! `sha2::block_api::compress256` / `compress512`), which pick SHA-NI (x86-64) or the ARMv8 SHA
//! extensions at run time. Only the constants of FIPS 180-4 and the big-endian encoding live here.

use sha2::Digest;
use sha2::digest::Output;
use zeroize::Zeroize;

/// A Merkle–Damgård hash function as HMAC uses it (FIPS 180-4).
pub(super) trait Md {
    /// The chaining value (5 or 8 words).
    type State: Copy + Zeroize;
    /// One block, as 64-bit words so it is built and wiped with wide stores.
    type Block: Copy + Zeroize + bytemuck::Pod;
    /// RustCrypto's whole-message hasher of the same function.
    type Hasher: Digest;
    /// The initial chaining value (FIPS 180-4 §5.3).
    const IV: Self::State;
    /// A block of zeros.
    const ZERO: Self::Block;
    /// Block length in bytes.
    const BLOCK: usize;
    /// Length in bytes of the message-length field that ends the padding (8 or 16).
    const LEN_FIELD: usize;
    /// Digest length in bytes.
    const OUT: usize;

    /// Compresses `blocks` (a whole number of blocks) into `state`.
    fn compress(state: &mut Self::State, blocks: &[u8]);
    /// Writes the digest of `state` (big-endian words) into `out` (`OUT` bytes).
    fn write_digest(state: &Self::State, out: &mut [u8]);
    /// RFC 4226 §5.3 dynamic truncation of the digest of `state`, read from the words.
    fn truncate(state: &Self::State) -> u32;

    /// Hashes `data` in one go into `out` (`OUT` bytes): HMAC keys longer than a block. The
    /// digest of a key is the key, so the temporary copy is wiped.
    fn hash(data: &[u8], out: &mut [u8])
    where
        Output<Self::Hasher>: Zeroize,
    {
        let mut digest = Self::Hasher::digest(data);
        out.copy_from_slice(&digest);
        digest.zeroize();
    }
}

/// SHA-1 (RFC 4226's HOTP and most TOTP accounts).
pub(super) enum Sha1 {}
/// SHA-256.
pub(super) enum Sha256 {}
/// SHA-512.
pub(super) enum Sha512 {}

/// The digest bytes of 32-bit chaining words (SHA-1, SHA-256): each word big-endian.
#[inline(always)]
fn write_be32(words: &[u32], out: &mut [u8]) {
    for (word, bytes) in words.iter().zip(out.chunks_exact_mut(4)) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
}

/// As [`write_be32`], for 64-bit words (SHA-512).
#[inline(always)]
fn write_be64(words: &[u64], out: &mut [u8]) {
    for (word, bytes) in words.iter().zip(out.chunks_exact_mut(8)) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
}

/// 31 bits at the byte offset named by the digest's last nibble, from 32-bit words: the four
/// bytes straddle at most two words (the offset is at most 15), so two words are joined and shifted.
#[inline(always)]
fn truncate32<const N: usize>(words: &[u32; N]) -> u32 {
    let offset = (words[N - 1] & 0x0f) as usize;
    let (i, r) = (offset / 4, offset % 4);
    let pair = (u64::from(words[i]) << 32) | u64::from(words[i + 1]);
    ((pair >> (32 - 8 * r)) as u32) & 0x7fff_ffff
}

/// As [`truncate32`], from 64-bit words.
#[inline(always)]
fn truncate64<const N: usize>(words: &[u64; N]) -> u32 {
    let offset = (words[N - 1] & 0x0f) as usize;
    let (i, r) = (offset / 8, offset % 8);
    let pair = (u128::from(words[i]) << 64) | u128::from(words[i + 1]);
    ((pair >> (96 - 8 * r)) as u32) & 0x7fff_ffff
}

impl Md for Sha1 {
    type State = [u32; 5];
    type Hasher = sha1::Sha1;
    type Block = [u64; 8];
    const IV: [u32; 5] = [
        0x6745_2301,
        0xefcd_ab89,
        0x98ba_dcfe,
        0x1032_5476,
        0xc3d2_e1f0,
    ];
    const ZERO: [u64; 8] = [0; 8];
    const BLOCK: usize = 64;
    const LEN_FIELD: usize = 8;
    const OUT: usize = 20;

    #[inline(always)]
    fn compress(state: &mut [u32; 5], blocks: &[u8]) {
        sha1::block_api::compress(state, blocks.as_chunks::<64>().0);
    }

    #[inline(always)]
    fn write_digest(state: &[u32; 5], out: &mut [u8]) {
        write_be32(state, out);
    }

    #[inline(always)]
    fn truncate(state: &[u32; 5]) -> u32 {
        truncate32(state)
    }
}

impl Md for Sha256 {
    type State = [u32; 8];
    type Hasher = sha2::Sha256;
    type Block = [u64; 8];
    const IV: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    const ZERO: [u64; 8] = [0; 8];
    const BLOCK: usize = 64;
    const LEN_FIELD: usize = 8;
    const OUT: usize = 32;

    #[inline(always)]
    fn compress(state: &mut [u32; 8], blocks: &[u8]) {
        sha2::block_api::compress256(state, blocks.as_chunks::<64>().0);
    }

    #[inline(always)]
    fn write_digest(state: &[u32; 8], out: &mut [u8]) {
        write_be32(state, out);
    }

    #[inline(always)]
    fn truncate(state: &[u32; 8]) -> u32 {
        truncate32(state)
    }
}

impl Md for Sha512 {
    type State = [u64; 8];
    type Hasher = sha2::Sha512;
    type Block = [u64; 16];
    const IV: [u64; 8] = [
        0x6a09_e667_f3bc_c908,
        0xbb67_ae85_84ca_a73b,
        0x3c6e_f372_fe94_f82b,
        0xa54f_f53a_5f1d_36f1,
        0x510e_527f_ade6_82d1,
        0x9b05_688c_2b3e_6c1f,
        0x1f83_d9ab_fb41_bd6b,
        0x5be0_cd19_137e_2179,
    ];
    const ZERO: [u64; 16] = [0; 16];
    const BLOCK: usize = 128;
    const LEN_FIELD: usize = 16;
    const OUT: usize = 64;

    #[inline(always)]
    fn compress(state: &mut [u64; 8], blocks: &[u8]) {
        sha2::block_api::compress512(state, blocks.as_chunks::<128>().0);
    }

    #[inline(always)]
    fn write_digest(state: &[u64; 8], out: &mut [u8]) {
        write_be64(state, out);
    }

    #[inline(always)]
    fn truncate(state: &[u64; 8]) -> u32 {
        truncate64(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Truncation from words agrees with RFC 4226 §5.3 on the bytes, for every offset.
    #[test]
    fn truncation_from_words_matches_the_bytes() {
        fn from_bytes(tag: &[u8]) -> u32 {
            crate::otp::hmac::dynamic_truncation(tag)
        }
        for offset in 0..16u32 {
            let w32: [u32; 8] = core::array::from_fn(|i| {
                0x0102_0304u32.wrapping_mul(i as u32 + 7) ^ (i as u32) << 28
            });
            let mut w32 = w32;
            w32[7] = (w32[7] & !0x0f) | offset;
            let mut bytes = [0u8; 32];
            Sha256::write_digest(&w32, &mut bytes);
            assert_eq!(truncate32(&w32), from_bytes(&bytes), "u32 offset {offset}");

            let mut w64: [u64; 8] =
                core::array::from_fn(|i| 0x8899_aabb_ccdd_eeffu64.rotate_left(i as u32 * 9));
            w64[7] = (w64[7] & !0x0f) | u64::from(offset);
            let mut bytes = [0u8; 64];
            Sha512::write_digest(&w64, &mut bytes);
            assert_eq!(truncate64(&w64), from_bytes(&bytes), "u64 offset {offset}");
        }
    }
}
