#if canImport(CryptoKit) && canImport(LocalAuthentication)
import CryptoKit
import DuetAppModel
import DuetCore
import Foundation
import LocalAuthentication
import Security

/// Push device keys: P-256 in the Secure Enclave for duet (CryptoKit; its opaque
/// `dataRepresentation` kept in the Keychain), RSA in the Keychain for privacyIDEA (the Secure
/// Enclave holds only P-256). The handle the core seals in the vault is the Keychain item's name.
///
/// Key creation lives here alone: the access control each kind of key gets is `KeyPolicy`.
final class SecureEnclaveKeystore: PlatformKeystore, AnswerKeys, @unchecked Sendable {
    /// Access control of the keys made, by what the core asks a key for. The device key signs the
    /// background calls (polls, push tokens, key rotation, unenrollment), which no one confirms,
    /// so it is `device`; a duet account's answer key signs approve and deny only, inside the
    /// prompt, so it is `answer` and the Secure Enclave refuses it any signature the user did not
    /// confirm with the biometrics enrolled when it was made. privacyIDEA has one RSA key for
    /// both, so it stays `device` and its answers pass the LAContext gate first.
    enum KeyPolicy {
        case device, answer

        var flags: SecAccessControlCreateFlags {
            switch self {
            case .device: return [.privateKeyUsage]
            case .answer: return [.privateKeyUsage, .biometryCurrentSet]
            }
        }

        func accessControl() throws -> SecAccessControl {
            var error: Unmanaged<CFError>?
            guard let ac = SecAccessControlCreateWithFlags(nil, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, flags, &error) else {
                throw DuetError.Callback(code: "E_PUSH_SIGNER_FAILED", reason: "access control refused")
            }
            return ac
        }
    }

    /// privacyIDEA's own app makes 4096-bit device keys; the core asks for the same.
    static let rsaBits = 4096
    private static let service = "org.duet.push-keys"

    func createKey(algorithm: SignerAlgorithm, purpose: KeyPurpose) throws -> Data {
        let name = "duet-push-" + UUID().uuidString
        let policy: KeyPolicy = purpose == .answers ? .answer : .device
        do {
            switch algorithm {
            case .ecdsaP256Sha256:
                let key = try SecureEnclave.P256.Signing.PrivateKey(compactRepresentable: false,
                                                                    accessControl: policy.accessControl())
                try Keychain.add(service: Self.service, account: name, data: key.dataRepresentation)
            case .rsaPkcs1Sha256:
                try RsaKeys.create(tag: name, bits: Self.rsaBits, access: policy.accessControl())
            }
        } catch let e as DuetError {
            throw e
        } catch {
            throw DuetError.Callback(code: "E_PUSH_SIGNER_FAILED", reason: "the Secure Enclave could not create a key (\(type(of: error)))")
        }
        return Data(name.utf8)
    }

    func signer(handle: Data, algorithm: SignerAlgorithm) throws -> DeviceSigner {
        do {
            return try loadSigner(handle, algorithm, context: nil)
        } catch let e as KeyLost {
            throw DuetError.Callback(code: "E_PUSH_SIGNER_UNAVAILABLE", reason: e.loss == .invalidated ? "the device key was invalidated" : "the device key is not in the Keychain")
        }
    }

    func checkUsable(handle: Data, algorithm: SignerAlgorithm) throws {
        _ = try loadSigner(handle, algorithm, context: nil)
    }

    func sign(handle: Data, algorithm: SignerAlgorithm, message: Data, authorisation: GateAuthorisation) throws -> Data {
        // The evaluated context of the one prompt the user passed: the key signs without asking again.
        let context = (authorisation as? ContextAuthorisation)?.context
        return try loadSigner(handle, algorithm, context: context).sign(message: message)
    }

    private func loadSigner(_ handle: Data, _ algorithm: SignerAlgorithm, context: LAContext?) throws -> DeviceSigner {
        let name = String(decoding: handle, as: UTF8.self)
        switch algorithm {
        case .ecdsaP256Sha256:
            guard let blob = try Keychain.read(service: Self.service, account: name) else { throw KeyLost(.pushAccount, .missing) }
            do {
                let key = try SecureEnclave.P256.Signing.PrivateKey(dataRepresentation: blob, authenticationContext: context)
                return EnclaveSigner(key: key)
            } catch {
                // The blob is there but the Enclave no longer opens it: the biometric set changed.
                throw KeyLost(.pushAccount, .invalidated)
            }
        case .rsaPkcs1Sha256:
            guard let key = RsaKeys.find(tag: name, context: context) else { throw KeyLost(.pushAccount, .missing) }
            return RsaSigner(key: key)
        }
    }
}

/// A Secure Enclave P-256 key as the core's signer: SHA-256 inside CryptoKit, DER signatures.
private final class EnclaveSigner: DeviceSigner, @unchecked Sendable {
    let key: SecureEnclave.P256.Signing.PrivateKey
    init(key: SecureEnclave.P256.Signing.PrivateKey) { self.key = key }
    func algorithm() -> SignerAlgorithm { .ecdsaP256Sha256 }
    func publicKey() -> Data { key.publicKey.x963Representation }
    func sign(message: Data) throws -> Data {
        do {
            return try key.signature(for: message).derRepresentation
        } catch {
            throw DuetError.Callback(code: "E_PUSH_SIGNER_UNAVAILABLE", reason: "the Secure Enclave refused to sign")
        }
    }
}

/// A Keychain RSA key (privacyIDEA): PKCS#1 v1.5 over SHA-256, public key as SPKI DER.
private final class RsaSigner: DeviceSigner, @unchecked Sendable {
    let key: SecKey
    init(key: SecKey) { self.key = key }
    func algorithm() -> SignerAlgorithm { .rsaPkcs1Sha256 }
    func publicKey() -> Data {
        guard let pub = SecKeyCopyPublicKey(key), let pkcs1 = SecKeyCopyExternalRepresentation(pub, nil) as Data? else { return Data() }
        return RsaKeys.spki(pkcs1)
    }
    func sign(message: Data) throws -> Data {
        var error: Unmanaged<CFError>?
        guard let sig = SecKeyCreateSignature(key, .rsaSignatureMessagePKCS1v15SHA256, message as CFData, &error) as Data? else {
            throw DuetError.Callback(code: "E_PUSH_SIGNER_FAILED", reason: "the Keychain refused to sign")
        }
        return sig
    }
}

private enum RsaKeys {
    static func create(tag: String, bits: Int, access: SecAccessControl) throws {
        let attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeRSA,
            kSecAttrKeySizeInBits as String: bits,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: Data(tag.utf8),
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        var error: Unmanaged<CFError>?
        guard SecKeyCreateRandomKey(attributes as CFDictionary, &error) != nil else {
            throw DuetError.Callback(code: "E_PUSH_SIGNER_FAILED", reason: "the Keychain could not create an RSA key")
        }
    }

    static func find(tag: String, context: LAContext?) -> SecKey? {
        var query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: Data(tag.utf8),
            kSecAttrKeyType as String: kSecAttrKeyTypeRSA,
            kSecReturnRef as String: true,
        ]
        if let c = context { query[kSecUseAuthenticationContext as String] = c }
        var item: CFTypeRef?
        guard SecItemCopyMatching(query as CFDictionary, &item) == errSecSuccess, let ref = item else { return nil }
        return (ref as! SecKey)
    }

    /// PKCS#1 RSAPublicKey -> SubjectPublicKeyInfo (rsaEncryption, NULL parameters).
    static func spki(_ pkcs1: Data) -> Data {
        let algorithm: [UInt8] = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00]
        let bitString = [0x03] + derLength(pkcs1.count + 1) + [0x00] + [UInt8](pkcs1)
        let body = algorithm + bitString
        return Data([0x30] + derLength(body.count) + body)
    }

    private static func derLength(_ n: Int) -> [UInt8] {
        if n < 0x80 { return [UInt8(n)] }
        var bytes: [UInt8] = []
        var v = n
        while v > 0 { bytes.insert(UInt8(v & 0xff), at: 0); v >>= 8 }
        return [0x80 | UInt8(bytes.count)] + bytes
    }
}
#endif
