package org.duet.android

import java.security.GeneralSecurityException
import java.security.KeyPairGenerator
import java.security.PrivateKey
import java.security.PublicKey
import java.security.Signature
import java.security.spec.ECGenParameterSpec
import org.duet.core.DeviceSigner
import org.duet.core.DuetException
import org.duet.core.SignerAlgorithm

/**
 * A duet device signer on the Java Cryptography Architecture: SHA256withECDSA on P-256, DER
 * signatures, SPKI public key (the core normalises both).
 *
 * On Android pass a key from the "AndroidKeyStore" provider (created with KeyGenParameterSpec,
 * PURPOSE_SIGN, DIGEST_SHA256, setIsStrongBoxBacked where available): the private key then
 * never leaves the TEE/StrongBox. [software] makes an in-memory key for tests and desktops.
 */
class JcaDeviceSigner(
    private val privateKey: PrivateKey,
    private val publicKey: PublicKey,
) : DeviceSigner {
    override fun algorithm(): SignerAlgorithm = SignerAlgorithm.ECDSA_P256_SHA256

    override fun publicKey(): ByteArray = publicKey.encoded

    override fun sign(message: ByteArray): ByteArray =
        try {
            Signature.getInstance("SHA256withECDSA").run {
                initSign(privateKey)
                update(message)
                sign()
            }
        } catch (e: GeneralSecurityException) {
            // Keystore failures (key invalidated, user not authenticated) arrive here; the core
            // reports them with a stable code and never sees the key.
            throw DuetException.Callback("E_PUSH_SIGNER_FAILED", e.javaClass.simpleName)
        }

    companion object {
        /** A fresh P-256 key in memory (tests, or devices without a usable keystore). */
        fun software(): JcaDeviceSigner {
            val kp = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()
            return JcaDeviceSigner(kp.private, kp.public)
        }
    }
}
