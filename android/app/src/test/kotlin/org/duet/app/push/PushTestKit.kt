package org.duet.app.push

import android.app.Activity
import java.io.BufferedReader
import java.io.BufferedWriter
import java.io.File
import java.nio.file.Files
import java.security.InvalidKeyException
import java.security.InvalidParameterException
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.PrivateKey
import java.security.PublicKey
import java.security.SecureRandom
import java.security.Signature
import java.security.SignatureException
import java.security.spec.ECGenParameterSpec
import java.util.concurrent.Executor
import java.util.concurrent.TimeUnit
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import org.duet.app.platform.AnswerKeys
import org.duet.app.platform.BiometricGate
import org.duet.app.platform.FrameworkBiometricGate
import org.duet.app.platform.KeyLoss
import org.duet.app.platform.KeyLostException
import org.duet.app.platform.KeyUse
import org.duet.app.platform.VaultKeyWrapper
import org.duet.app.platform.VaultLockedException
import org.duet.app.platform.WrappingKey
import org.duet.core.AppServices
import org.duet.core.Clock
import org.duet.core.DeviceInfo
import org.duet.core.DeviceSigner
import org.duet.core.DuetApp
import org.duet.core.DuetException
import org.duet.core.HttpMethod
import org.duet.core.HttpRequest
import org.duet.core.HttpResponse
import org.duet.core.HttpTransport
import org.duet.core.KeyPurpose
import org.duet.core.PlatformKeystore
import org.duet.core.SignerAlgorithm
import org.robolectric.shadows.ShadowBiometricPrompt

/**
 * The reference duet server on 127.0.0.1 with a manual clock (tests/src/bin/duet-test-helper.rs),
 * driven over stdin/stdout.
 */
class HelperServer : AutoCloseable {
    private val process = ProcessBuilder(System.getenv("DUET_TEST_HELPER") ?: error("DUET_TEST_HELPER not set"))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start()
    private val input: BufferedWriter = process.outputStream.bufferedWriter()
    private val output: BufferedReader = process.inputStream.bufferedReader()

    /** The whole answer line (`ok ...` or `err CODE ...`). */
    @Synchronized
    fun line(vararg words: String): String {
        input.write(words.joinToString(" ") + "\n")
        input.flush()
        return output.readLine() ?: error("test server exited")
    }

    fun cmd(vararg words: String): List<String> {
        val l = line(*words)
        check(l.startsWith("ok")) { "test server: $l" }
        return l.split(" ").drop(1)
    }

    override fun close() {
        runCatching { input.write("quit\n"); input.flush() }
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly()
    }
}

class TestClock(var now: Long) : Clock {
    override fun nowUnixSeconds(): Long = now
}

private fun ByteArray.hex(): String = joinToString("") { "%02x".format(it) }
private fun String.unhex(): ByteArray = chunked(2).map { it.toInt(16).toByte() }.toByteArray()

/** The phone's HTTP as the core sees it: every request goes to the helper's server at the clock's time. */
class HelperTransport(private val server: HelperServer, private val clock: TestClock) : HttpTransport {
    val sent = mutableListOf<String>()

    override fun send(request: HttpRequest): HttpResponse {
        val base = "https://mfa.example.com"
        check(request.url.startsWith("$base/")) { "request left the test server: ${request.url}" }
        val path = request.url.removePrefix(base)
        synchronized(sent) { sent += path }
        val method = if (request.method == HttpMethod.GET) "GET" else "POST"
        val body = if (request.body.isEmpty()) "-" else request.body.hex()
        val r = server.cmd("http", method, path, body, clock.now.toString())
        return HttpResponse(r[0].toUShort(), if (r[1] == "-") ByteArray(0) else r[1].unhex())
    }

    fun answersSent(): Int = synchronized(sent) { sent.count { it.endsWith("/answer") } }
}

/**
 * Stands in for the AndroidKeyStore, which Robolectric does not have: software P-256 keys
 * (java.security). Unprompted calls (polls) sign with the device key's [signer]. The answer key
 * ([KeyPurpose.ANSWERS]) signs only through the [Signature] handed to the prompt, and only once
 * [userAuthenticated] ran while that prompt was up, as the Keystore allows one operation per
 * authentication: any other attempt to sign with it (its [signer] too) throws and is counted in
 * [refused]. A prompt is never handed the device key. [invalidated] makes the answer keys unusable,
 * as a new fingerprint does; the device key is not bound to the user, so polls go on.
 */
class PromptOnlyKeys : PlatformKeystore, AnswerKeys {
    private val pairs = mutableMapOf<String, KeyPair>()
    private val purposes = mutableMapOf<String, KeyPurpose>()
    private var lastIssued: GuardedSignature? = null
    var invalidated = false
    var refused = 0
    var signedAnswers = 0

    override fun createKey(algorithm: SignerAlgorithm, purpose: KeyPurpose): ByteArray {
        check(algorithm == SignerAlgorithm.ECDSA_P256_SHA256) { "duet keys only" }
        val alias = "duet-push-${pairs.size + 1}"
        pairs[alias] = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()
        purposes[alias] = purpose
        return alias.toByteArray()
    }

    override fun signer(handle: ByteArray, algorithm: SignerAlgorithm): DeviceSigner {
        val alias = String(handle)
        val kp = pairs[alias] ?: throw DuetException.Callback("E_PUSH_SIGNER_UNAVAILABLE", "no such key")
        return SoftSigner(kp.private, kp.public, needsUser = purposes[alias] == KeyPurpose.ANSWERS)
    }

    override fun answerSignature(handle: ByteArray, algorithm: SignerAlgorithm): Signature {
        if (invalidated) throw KeyLostException(KeyUse.PUSH_ACCOUNT, KeyLoss.INVALIDATED)
        val alias = String(handle)
        val kp = pairs[alias] ?: throw KeyLostException(KeyUse.PUSH_ACCOUNT, KeyLoss.MISSING)
        check(purposes[alias] == KeyPurpose.ANSWERS) { "the prompt was handed the device key, not the answer key" }
        return GuardedSignature(kp.private).also { lastIssued = it }
    }

    /** The user passed the prompt that is up: the Signature handed to it may sign once. */
    fun userAuthenticated() {
        check(ShadowBiometricPrompt.getCurrentPrompt() != null) { "no prompt is showing" }
        checkNotNull(lastIssued) { "no Signature was handed to the prompt" }.authorised = true
    }

    private inner class SoftSigner(private val key: PrivateKey, private val pub: PublicKey, private val needsUser: Boolean) : DeviceSigner {
        override fun algorithm() = SignerAlgorithm.ECDSA_P256_SHA256
        override fun publicKey(): ByteArray = pub.encoded
        override fun sign(message: ByteArray): ByteArray {
            if (needsUser) {
                // The Keystore's answer: UserNotAuthenticatedException outside the prompt.
                refused++
                throw DuetException.Callback("E_PUSH_SIGNER_CANCELLED", "the answer key needs the user")
            }
            return Signature.getInstance("SHA256withECDSA").run { initSign(key); update(message); sign() }
        }
    }

    private inner class GuardedSignature(private val key: PrivateKey) : Signature("SHA256withECDSA") {
        private val real = Signature.getInstance("SHA256withECDSA")
        var authorised = false

        override fun engineInitSign(privateKey: PrivateKey?) {
            real.initSign(key)
        }

        override fun engineInitVerify(publicKey: PublicKey?) = throw InvalidKeyException("signing key")

        override fun engineUpdate(b: Byte) = real.update(b)

        override fun engineUpdate(b: ByteArray, off: Int, len: Int) = real.update(b, off, len)

        override fun engineSign(): ByteArray {
            if (!authorised) {
                refused++
                throw SignatureException("Key user not authenticated")
            }
            authorised = false
            signedAnswers++
            return real.sign()
        }

        override fun engineVerify(sigBytes: ByteArray?): Boolean = throw SignatureException("signing key")

        @Deprecated("JCA legacy")
        override fun engineSetParameter(param: String?, value: Any?) = throw InvalidParameterException()

        @Deprecated("JCA legacy")
        override fun engineGetParameter(param: String?): Any = throw InvalidParameterException()

        init {
            initSign(key)
        }
    }
}

/**
 * Stands in for an AndroidKeyStore AES key that wraps the vault key: a javax.crypto AES-256 key
 * that can be [locked] (app lock not confirmed) or lost ([invalidated], [delete]). With
 * [requiresUser] (the app-lock key) it is usable only after [userAuthenticated] ran while a prompt
 * was showing, until [timeout], as the Keystore allows a time-bound key.
 */
class SoftWrappingKey(private val requiresUser: Boolean = false) : WrappingKey {
    private var key: SecretKey? = newKey()
    var locked = false
    var invalidated = false
    private var confirmed = false

    private fun newKey() = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()

    /** The user passed the prompt that is up: the key opens until [timeout]. */
    fun userAuthenticated() {
        check(ShadowBiometricPrompt.getCurrentPrompt() != null) { "no prompt is showing" }
        confirmed = true
    }

    /** The short while after the prompt is over. */
    fun timeout() {
        confirmed = false
    }

    val exists: Boolean get() = key != null

    private fun usable() {
        if (invalidated) throw KeyLostException(KeyUse.VAULT, KeyLoss.INVALIDATED)
        if (locked || (requiresUser && !confirmed)) throw VaultLockedException()
    }

    override fun encrypter(): Cipher {
        usable()
        val k = key ?: newKey().also { key = it }
        val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
        return Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.ENCRYPT_MODE, k, GCMParameterSpec(128, iv)) }
    }

    override fun decrypter(iv: ByteArray): Cipher {
        val k = key ?: throw KeyLostException(KeyUse.VAULT, KeyLoss.MISSING)
        usable()
        return Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.DECRYPT_MODE, k, GCMParameterSpec(128, iv)) }
    }

    override fun delete() {
        key = null
        invalidated = false
    }
}

/** Runs work on the calling thread, so a test sees its effect at once. */
object Inline : Executor {
    override fun execute(command: Runnable) = command.run()
}

/**
 * The push environment of one test: a vault in a temp folder keyed by [VaultKeyWrapper] over a
 * [SoftWrappingKey], [PromptOnlyKeys] for the device keys, the framework prompt (Robolectric's
 * shadow), the helper's server.
 */
class TestPushEnvironment(val server: HelperServer, val clock: TestClock) : PushEnvironment, AutoCloseable {
    val dir: File = Files.createTempDirectory("duet-push").toFile()
    val vaultPath = File(dir, "vault.db").path
    val wrapping = SoftWrappingKey()
    val wrapper = VaultKeyWrapper(wrapping, SoftWrappingKey(requiresUser = true))
    val keys = PromptOnlyKeys()
    val http = HelperTransport(server, clock)
    private var opened: DuetApp? = null

    private fun services() = AppServices(clock, http, keys, DeviceInfo("Robolectric phone", "android", "tee"))

    @Synchronized
    override fun app(): DuetApp = opened ?: run {
        val key = wrapper.unwrap(vaultPath)
        val fixed = object : org.duet.core.VaultKeyProvider {
            override fun vaultKey(vaultPath: String): ByteArray = key
        }
        (if (File(vaultPath).exists()) DuetApp.open(vaultPath, fixed, services()) else DuetApp.create(vaultPath, fixed, services()))
            .also { opened = it }
    }

    /** Forgets the open vault, as a restarted app would. */
    @Synchronized
    fun closeApp() {
        opened?.close()
        opened = null
    }

    override fun nowSeconds(): Long = clock.now
    override val answerKeys: AnswerKeys get() = keys
    override fun gate(activity: Activity): BiometricGate = FrameworkBiometricGate(activity)
    override val background: Executor get() = Inline

    override fun close() {
        closeApp()
        dir.deleteRecursively()
    }
}
