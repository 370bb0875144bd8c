package org.duet.app.ui

import android.Manifest
import android.content.Intent
import android.content.pm.PackageManager
import android.graphics.SurfaceTexture
import android.os.Bundle
import android.view.TextureView
import android.view.View
import android.widget.EditText
import android.widget.LinearLayout
import org.duet.app.Strings
import org.duet.app.model.AddModel
import org.duet.app.model.AddOutcome
import org.duet.app.model.UiError
import org.duet.app.platform.ImageLuma

/**
 * Adding an account: camera scan, a picked image, a pasted link, a typed setup key or an
 * activation code. Links that open the app (otpauth, transfer parts, enrollments) land here too.
 */
class AddActivity : DuetActivity() {
    private lateinit var model: AddModel
    private lateinit var status: LinearLayout
    private lateinit var preview: TextureView
    private lateinit var scanButton: View
    private var scanning = false
    private val frames by lazy { graph.frames(this) }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        if (!vaultReady()) return
        model = graph.addModel()
        val root = Views.column(this)
        root.addView(Views.title(this, Strings.ADD_TITLE))
        status = Views.column(this, padding = 0).apply { tag = "status" }
        root.addView(status, Views.fill())

        preview = TextureView(this).apply { visibility = View.GONE; tag = "preview" }
        root.addView(preview, LinearLayout.LayoutParams(LinearLayout.LayoutParams.MATCH_PARENT, Views.dp(this, 280)))
        scanButton = Views.button(this, Strings.SCAN, tag = "scan") { if (scanning) stopScan() else startScan() }
        root.addView(scanButton, Views.fill())
        root.addView(Views.button(this, Strings.PICK_IMAGE, tag = "pick-image") {
            startActivityForResult(Intent(Intent.ACTION_OPEN_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("image/*"), PICK_IMAGE)
        }, Views.fill())

        val paste = Views.field(this, Strings.PASTE_HINT, tag = "paste")
        root.addView(paste, Views.fill())
        root.addView(Views.button(this, Strings.PASTE_ADD, tag = "paste-add") { submit { model.addText(paste.text.toString()) } }, Views.fill())

        root.addView(Views.heading(this, Strings.SETUP_KEY_TITLE))
        val issuer = Views.field(this, Strings.ISSUER, tag = "key-issuer")
        val name = Views.field(this, Strings.ACCOUNT_NAME, tag = "key-name")
        val key = Views.field(this, Strings.SETUP_KEY, tag = "key-secret", password = true, monospace = true)
        listOf(issuer, name, key).forEach { root.addView(it, Views.fill()) }
        root.addView(Views.button(this, Strings.SETUP_KEY_ADD, tag = "key-add") {
            submit({ model.addSetupKey(issuer.text.toString(), name.text.toString(), key.text.toString()) }) { ok -> if (ok) key.text.clear() }
        }, Views.fill())

        root.addView(Views.heading(this, Strings.MANUAL_TITLE))
        val code = Views.field(this, Strings.MANUAL_CODE, tag = "manual-code", monospace = true)
        val fingerprint = Views.field(this, Strings.FINGERPRINT, tag = "manual-fingerprint", monospace = true)
        root.addView(code, Views.fill())
        root.addView(fingerprint, Views.fill())
        root.addView(Views.button(this, Strings.ENROLL, tag = "manual-enroll") {
            submit { model.addManualCode(code.text.toString(), fingerprint.text.toString()) }
        }, Views.fill())

        setContentView(Views.scroll(this, root))
        handleLink(intent)
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        if (ready) handleLink(intent)
    }

    override fun onPause() {
        super.onPause()
        if (ready) stopScan()
    }

    /** A link that opened the app: added straight away, with the outcome shown. */
    private fun handleLink(intent: Intent?) {
        val data = intent?.data ?: return
        if (intent.action != Intent.ACTION_VIEW) return
        submit { model.addText(data.toString()) }
    }

    private fun submit(work: () -> AddOutcome) = submit(work) {}

    private fun submit(work: () -> AddOutcome, after: (Boolean) -> Unit) {
        graph.background.run(work) { result ->
            val outcome = result.getOrThrow()
            show(outcome)
            after(outcome !is AddOutcome.Failed)
        }
    }

    /** The last outcome, for the status area. */
    fun show(outcome: AddOutcome) {
        status.removeAllViews()
        when (outcome) {
            is AddOutcome.Added -> {
                status.addView(Views.text(this, outcome.message, bold = true, tag = "added"))
                for (n in outcome.notices) status.addView(Views.text(this, Strings.errorLine(n.code, n.sentence), sizeSp = 14f, color = Views.WARNING_COLOR))
            }
            is AddOutcome.Progress -> {
                status.addView(Views.text(this, Strings.transferProgress(outcome.scanned, outcome.total), sizeSp = 20f, bold = true, tag = "progress"))
                status.addView(Views.text(this, Strings.TRANSFER_NEXT, color = Views.MUTED_COLOR))
            }
            is AddOutcome.Failed -> {
                status.addView(Views.errorBox(this, outcome.error))
                // A transfer under way stays under way: show how far it got.
                model.transferProgress()?.let {
                    status.addView(Views.text(this, Strings.transferProgress(it.scanned, it.total), bold = true, tag = "progress"))
                }
            }
        }
    }

    private fun showPlain(error: UiError) = show(AddOutcome.Failed(error))

    private fun startScan() {
        if (checkSelfPermission(Manifest.permission.CAMERA) != PackageManager.PERMISSION_GRANTED) {
            requestPermissions(arrayOf(Manifest.permission.CAMERA), CAMERA_PERMISSION)
            return
        }
        scanning = true
        preview.visibility = View.VISIBLE
        (scanButton as android.widget.Button).text = Strings.STOP_SCAN
        val texture = preview.surfaceTexture
        if (texture != null) openCamera(texture)
        else preview.surfaceTextureListener = object : TextureView.SurfaceTextureListener {
            override fun onSurfaceTextureAvailable(surface: SurfaceTexture, width: Int, height: Int) { if (scanning) openCamera(surface) }
            override fun onSurfaceTextureSizeChanged(surface: SurfaceTexture, width: Int, height: Int) {}
            override fun onSurfaceTextureDestroyed(surface: SurfaceTexture): Boolean = true
            override fun onSurfaceTextureUpdated(surface: SurfaceTexture) {}
        }
    }

    private fun openCamera(texture: SurfaceTexture) {
        frames.start(texture, onFrame = { frame ->
            // On the camera thread: frames without a readable QR code are skipped.
            val outcome = model.addFrame(frame.width, frame.height, frame.rowStride, frame.luminance)
            // A finished add stops the camera; a transfer part keeps it running for the next.
            val finished = outcome is AddOutcome.Added
            if (outcome != null) runOnUiThread {
                show(outcome)
                if (finished) stopScan()
            }
            finished
        }, onError = {
            runOnUiThread {
                stopScan()
                showPlain(UiError("", Strings.CAMERA_UNAVAILABLE, null))
            }
        })
    }

    private fun stopScan() {
        if (!scanning) return
        scanning = false
        frames.stop()
        preview.visibility = View.GONE
        (scanButton as android.widget.Button).text = Strings.SCAN
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        if (requestCode != CAMERA_PERMISSION) return
        if (grantResults.firstOrNull() == PackageManager.PERMISSION_GRANTED) startScan()
        else showPlain(UiError("", Strings.CAMERA_REFUSED, null))
    }

    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        val uri = data?.data
        if (!ready || requestCode != PICK_IMAGE || resultCode != RESULT_OK || uri == null) return
        val resolver = contentResolver
        graph.background.run({
            val frame = ImageLuma.read(resolver, uri)
            if (frame == null) AddOutcome.Failed(UiError("", Strings.IMAGE_UNREADABLE, null))
            else model.addImage(frame.width, frame.height, frame.luminance)
        }) { show(it.getOrThrow()) }
    }

    /** The field with [tag] (tests fill the forms through it). */
    fun field(tag: String): EditText = window.decorView.findViewWithTag(tag)

    private companion object {
        const val CAMERA_PERMISSION = 1
        const val PICK_IMAGE = 2
    }
}
