import COpenSSL
import DuetCore
import Foundation

/// A duet device signer in Swift on OpenSSL's libcrypto (Linux has no CryptoKit): P-256,
/// SHA-256, and raw r||s signatures (what CryptoKit's `rawRepresentation` gives on iOS).
/// `@unchecked Sendable`: the key is immutable after init and each signature uses its own context.
final class OpenSSLSigner: DeviceSigner, @unchecked Sendable {
    private let key: OpaquePointer

    init() {
        let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil)!
        defer { EVP_PKEY_CTX_free(ctx) }
        precondition(EVP_PKEY_keygen_init(ctx) == 1)
        precondition(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) == 1)
        var k: OpaquePointer?
        precondition(EVP_PKEY_keygen(ctx, &k) == 1)
        key = k!
    }

    deinit { EVP_PKEY_free(key) }

    func algorithm() -> SignerAlgorithm { .ecdsaP256Sha256 }

    /// Uncompressed SEC1 point (65 bytes).
    func publicKey() -> Data {
        var buf: UnsafeMutablePointer<UInt8>?
        let n = EVP_PKEY_get1_encoded_public_key(key, &buf)
        defer { CRYPTO_free(buf, #file, #line) }
        return Data(bytes: buf!, count: n)
    }

    func sign(message: Data) throws -> Data {
        let der = try opensslSignSha256(key, message)
        // DER -> raw r||s, 32 bytes each.
        guard let sig = der.withUnsafeBufferPointer({ buf -> OpaquePointer? in
            var q: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_ECDSA_SIG(nil, &q, der.count)
        }) else { throw SignerFailure() }
        defer { ECDSA_SIG_free(sig) }
        var raw = [UInt8](repeating: 0, count: 64)
        guard BN_bn2binpad(ECDSA_SIG_get0_r(sig), &raw, 32) == 32,
              raw.withUnsafeMutableBufferPointer({ BN_bn2binpad(ECDSA_SIG_get0_s(sig), $0.baseAddress! + 32, 32) }) == 32
        else { throw SignerFailure() }
        return Data(raw)
    }
}

struct SignerFailure: Error {}

/// `message` signed with SHA-256 by `key` (EVP_PKEY): DER for EC keys, PKCS#1 v1.5 for RSA.
func opensslSignSha256(_ key: OpaquePointer, _ message: Data) throws -> [UInt8] {
    let md = EVP_MD_CTX_new()!
    defer { EVP_MD_CTX_free(md) }
    guard EVP_DigestSignInit(md, nil, EVP_sha256(), nil, key) == 1 else { throw SignerFailure() }
    let bytes = [UInt8](message)
    var len = 0
    guard EVP_DigestSign(md, nil, &len, bytes, bytes.count) == 1 else { throw SignerFailure() }
    var sig = [UInt8](repeating: 0, count: len)
    guard EVP_DigestSign(md, &sig, &len, bytes, bytes.count) == 1 else { throw SignerFailure() }
    return Array(sig.prefix(len))
}
