package org.duet.app.platform

import java.security.Signature
import org.duet.core.SignerAlgorithm

/**
 * The keys an answer is signed with inside the prompt. The returned [Signature] is initialised for
 * signing with the account's key and is handed to the prompt as its `CryptoObject`; the answer's
 * bytes go into it only in the prompt's success callback.
 */
interface AnswerKeys {
    /** @throws KeyLostException when the key was invalidated or is gone. */
    fun answerSignature(handle: ByteArray, algorithm: SignerAlgorithm): Signature
}

/** The JCA name of each signing algorithm the core asks for. */
fun SignerAlgorithm.jcaName(): String = when (this) {
    SignerAlgorithm.ECDSA_P256_SHA256 -> "SHA256withECDSA"
    SignerAlgorithm.RSA_PKCS1_SHA256 -> "SHA256withRSA"
}
