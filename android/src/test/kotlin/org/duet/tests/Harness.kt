package org.duet.tests

import java.io.BufferedReader
import java.io.BufferedWriter
import java.nio.file.Files
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.SecureRandom
import java.security.Signature
import java.util.concurrent.TimeUnit
import org.duet.android.JcaDeviceSigner
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
import org.duet.core.VaultKeyProvider

/**
 * The duet server for the Kotlin tests: tests/src/bin/duet-test-helper.rs runs the reference
 * server on 127.0.0.1 with a manual clock and takes commands over stdin/stdout.
 */
class TestServerProcess : AutoCloseable {
    private val process = ProcessBuilder(System.getenv("DUET_TEST_HELPER") ?: error("DUET_TEST_HELPER not set"))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start()
    private val input: BufferedWriter = process.outputStream.bufferedWriter()
    private val output: BufferedReader = process.inputStream.bufferedReader()

    fun cmd(vararg words: String): List<String> {
        input.write(words.joinToString(" ") + "\n")
        input.flush()
        val line = output.readLine() ?: error("test server exited")
        check(line.startsWith("ok")) { "test server: $line" }
        return line.split(" ").drop(1)
    }

    override fun close() {
        runCatching { input.write("quit\n"); input.flush() }
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly()
    }
}

fun ByteArray.toHex(): String = joinToString("") { "%02x".format(it) }
fun String.fromHex(): ByteArray = chunked(2).map { it.toInt(16).toByte() }.toByteArray()

class FixedClock(private val t: Long) : Clock {
    override fun nowUnixSeconds(): Long = t
}

/** A clock the test moves: the phone's and the server's time are set together per request. */
class MutableClock(var now: Long) : Clock {
    override fun nowUnixSeconds(): Long = now
}

/** Stands in for a Keystore-wrapped key: one random 32-byte key per vault file. */
class MemoryKeyProvider(private val keys: MutableMap<String, ByteArray> = mutableMapOf()) : VaultKeyProvider {
    override fun vaultKey(vaultPath: String): ByteArray =
        keys.getOrPut(vaultPath) { ByteArray(32).also { SecureRandom().nextBytes(it) } }
}

/**
 * The app's HTTP stack, as the bindings see it: every request goes to the test server's HTTP
 * endpoints at the clock's time. [fail] makes the next requests fail like a broken network.
 */
class HelperTransport(private val server: TestServerProcess, private val clock: MutableClock) : HttpTransport {
    val seen = mutableListOf<HttpRequest>()
    var fail: (() -> Nothing)? = null

    override fun send(request: HttpRequest): HttpResponse {
        fail?.invoke()
        seen += request
        val base = "https://mfa.example.com"
        check(request.url.startsWith("$base/")) { "request left the test server: ${request.url}" }
        val method = if (request.method == HttpMethod.GET) "GET" else "POST"
        val body = if (request.body.isEmpty()) "-" else request.body.toHex()
        val r = server.cmd("http", method, request.url.removePrefix(base), body, clock.now.toString())
        return HttpResponse(r[0].toUShort(), if (r[1] == "-") ByteArray(0) else r[1].fromHex())
    }
}

/**
 * Stands in for the Android Keystore (which needs a device): keys made with java.security, found
 * by an alias, with the purpose the core asked for in [purposes]; [signInPrompt] is what the app
 * does inside BiometricPrompt.
 */
class JcaKeystore : PlatformKeystore {
    val keys = mutableMapOf<String, DeviceSigner>()
    val purposes = mutableMapOf<String, KeyPurpose>()
    var refuse: String? = null

    override fun createKey(algorithm: SignerAlgorithm, purpose: KeyPurpose): ByteArray {
        val alias = "duet-key-${keys.size + 1}"
        purposes[alias] = purpose
        keys[alias] = when (algorithm) {
            SignerAlgorithm.ECDSA_P256_SHA256 -> JcaDeviceSigner.software()
            SignerAlgorithm.RSA_PKCS1_SHA256 -> JcaRsaSigner(2048)
        }
        return alias.toByteArray()
    }

    override fun signer(handle: ByteArray, algorithm: SignerAlgorithm): DeviceSigner {
        refuse?.let { throw DuetException.Callback(it, "keystore refused") }
        return keys[String(handle)] ?: throw DuetException.Callback("E_PUSH_SIGNER_UNAVAILABLE", "no such key")
    }

    /** What the app does inside the biometric prompt: sign the prepared bytes with the key. */
    fun signInPrompt(handle: ByteArray, message: ByteArray): ByteArray = keys.getValue(String(handle)).sign(message)
}

val testDevice = DeviceInfo("Kotlin test phone", "android", "tee")

fun services(clock: Clock, transport: HttpTransport, keystore: PlatformKeystore? = null) =
    AppServices(clock, transport, keystore, testDevice)

/**
 * The code list as a screen shows it: (label, code) in list order, the labels joined in by id from
 * `accounts()`, which the app reads once per change of the accounts rather than per refresh.
 */
fun labelledCodes(app: DuetApp): List<Pair<String, String>> {
    val labels = app.accounts().associate { it.id to it.label }
    val list = app.codes()
    check(list.problems.isEmpty()) { "${list.problems}" }
    return list.entries.map { labels.getValue(it.id) to it.code }
}

/** A fresh vault file for one test, removed afterwards by [TempVault.close]. */
class TempVault : AutoCloseable {
    val dir = Files.createTempDirectory("duet-app")
    val path: String = dir.resolve("vault.db").toString()
    val keys = MemoryKeyProvider()
    fun create(s: AppServices): DuetApp = DuetApp.create(path, keys, s)
    fun open(s: AppServices): DuetApp = DuetApp.open(path, keys, s)
    override fun close() { dir.toFile().deleteRecursively() }
}

/** No network: a call is answered like an unreachable host. */
object NoNetwork : HttpTransport {
    override fun send(request: HttpRequest): HttpResponse = throw DuetException.Transport("E_TRANSPORT_UNREACHABLE", "no network")
}

/** An RSA device key on java.security (what an Android Keystore RSA key does): SHA256withRSA. */
class JcaRsaSigner(bits: Int = 4096) : DeviceSigner {
    val pair: KeyPair = KeyPairGenerator.getInstance("RSA").apply { initialize(bits) }.generateKeyPair()
    override fun algorithm() = SignerAlgorithm.RSA_PKCS1_SHA256
    override fun publicKey(): ByteArray = pair.public.encoded
    override fun sign(message: ByteArray): ByteArray =
        Signature.getInstance("SHA256withRSA").run { initSign(pair.private); update(message); sign() }
}
