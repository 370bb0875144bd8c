package org.duet.app

import android.content.Context
import java.nio.file.Files
import org.duet.app.model.QrDecoder
import org.duet.app.model.Settings
import org.duet.app.platform.Background
import org.duet.app.platform.ContentDocuments
import org.duet.app.platform.CoreQrDecoder
import org.duet.app.platform.Documents
import org.duet.app.platform.FrameSource
import org.duet.app.platform.FrameworkClipboard
import org.duet.app.platform.HandlerScheduler
import org.duet.app.platform.SharedPreferencesSettings
import org.duet.app.platform.VaultKeyWrapper
import org.duet.app.platform.WrapperAppLock
import org.duet.app.push.SoftWrappingKey
import org.duet.core.DeviceInfo
import org.duet.core.DuetException
import org.duet.core.HttpRequest
import org.duet.core.HttpResponse
import org.duet.core.HttpTransport
import org.duet.tests.MutableClock
import org.robolectric.RuntimeEnvironment

/** No network: every request fails like an unreachable host. */
object Offline : HttpTransport {
    override fun send(request: HttpRequest): HttpResponse =
        throw DuetException.Transport("E_TRANSPORT_UNREACHABLE", "no network in this test")
}

/** Runs the work at once on the calling (main) thread, so a test sees its result on return. */
object SameThread : Background {
    override fun <T> run(work: () -> T, done: (Result<T>) -> Unit) = done(runCatching(work))
}

/** A camera that is never opened (tests feed frames to the model directly). */
object NoCamera : FrameSource {
    override fun start(preview: android.graphics.SurfaceTexture?, onFrame: (org.duet.app.platform.Frame) -> Boolean, onError: () -> Unit) = onError()
    override fun stop() {}
}

/**
 * The app graph of one test: a real vault file in a temp folder opened by the real core, its key
 * wrapped by the app's [VaultKeyWrapper] over software stand-ins for the two Keystore keys, the
 * test's clock, the framework clipboard, main-looper scheduling and SharedPreferences of the
 * Robolectric application; installed into the application the manifest names.
 */
class TestApp(
    startTime: Long = 1_700_000_000L,
    transport: (MutableClock) -> HttpTransport = { Offline },
    qr: QrDecoder = CoreQrDecoder,
    camera: FrameSource = NoCamera,
    documents: ((Context) -> Documents)? = null,
) : AutoCloseable {
    val dir = Files.createTempDirectory("duet-app-test")
    /** The time the test sets: the core reads it for every code and request. */
    val clock = MutableClock(startTime)
    val context: Context = RuntimeEnvironment.getApplication()
    val settings: Settings = SharedPreferencesSettings(context.getSharedPreferences("duet-test", Context.MODE_PRIVATE))
    val vaultPath = dir.resolve("vault.db").toString()
    /** The wrapping key while app lock is off, and the one that needs the user. */
    val openKey = SoftWrappingKey()
    val lockKey = SoftWrappingKey(requiresUser = true)
    val wrapper = VaultKeyWrapper(openKey, lockKey)
    private val makeGraph = { AppGraph(
        vaultPath = vaultPath,
        vaultKeys = wrapper,
        clock = clock,
        transport = transport(clock),
        keystore = null,
        device = DeviceInfo("Robolectric phone", "android", "software"),
        clipboard = FrameworkClipboard(context),
        scheduler = HandlerScheduler(),
        background = SameThread,
        settings = settings,
        qrDecoder = qr,
        frames = { camera },
        documents = documents ?: { ContentDocuments(it.contentResolver) },
        appLock = WrapperAppLock(wrapper, vaultPath),
    ) }
    var graph = makeGraph()
        private set

    init {
        (context as DuetApplication).graph = graph
    }

    /** The app started again on the same files: the vault is opened anew on first use. */
    fun restart() {
        runCatching { graph.app.close() }
        graph = makeGraph()
        (context as DuetApplication).graph = graph
    }

    val app get() = graph.app

    override fun close() {
        runCatching { graph.app.close() }
        dir.toFile().deleteRecursively()
    }
}
