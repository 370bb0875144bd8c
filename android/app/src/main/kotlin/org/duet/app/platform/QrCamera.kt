package org.duet.app.platform

import android.content.Context
import android.graphics.ImageFormat
import android.graphics.SurfaceTexture
import android.hardware.camera2.CameraCaptureSession
import android.hardware.camera2.CameraCharacteristics
import android.hardware.camera2.CameraDevice
import android.hardware.camera2.CameraManager
import android.hardware.camera2.CaptureRequest
import android.hardware.camera2.params.OutputConfiguration
import android.hardware.camera2.params.SessionConfiguration
import android.media.ImageReader
import android.os.Handler
import android.os.HandlerThread
import android.util.Size
import android.view.Surface
import java.util.concurrent.Executor

/** A grey-scale picture: a camera frame's Y plane or a picked image's luminance. */
class Frame(val width: Int, val height: Int, val rowStride: Int, val luminance: ByteArray)

/** Camera frames for QR decoding. */
interface FrameSource {
    /**
     * Starts the camera, showing it on [preview] if given, and hands frames to [onFrame] on a
     * background thread until it returns true or [stop] is called. [onError] gets a reason
     * (no camera, camera in use, disconnected).
     */
    fun start(preview: SurfaceTexture?, onFrame: (Frame) -> Boolean, onError: () -> Unit)

    fun stop()
}

/** camera2: the back camera's YUV_420_888 frames, of which only the Y plane is read. */
class Camera2Frames(context: Context) : FrameSource {
    private val manager: CameraManager = context.getSystemService(CameraManager::class.java)!!
    private var thread: HandlerThread? = null
    private var device: CameraDevice? = null
    private var reader: ImageReader? = null
    private var session: CameraCaptureSession? = null
    @Volatile private var running = false

    @Synchronized
    override fun start(preview: SurfaceTexture?, onFrame: (Frame) -> Boolean, onError: () -> Unit) {
        stop()
        val id = manager.cameraIdList.firstOrNull {
            manager.getCameraCharacteristics(it).get(CameraCharacteristics.LENS_FACING) == CameraCharacteristics.LENS_FACING_BACK
        } ?: manager.cameraIdList.firstOrNull()
        if (id == null) return onError()
        val map = manager.getCameraCharacteristics(id).get(CameraCharacteristics.SCALER_STREAM_CONFIGURATION_MAP) ?: return onError()
        // About 1280x720 is plenty for a QR code held in front of the phone, and cheap to scan.
        val size = map.getOutputSizes(ImageFormat.YUV_420_888).minByOrNull { Math.abs(it.width * it.height - 1280 * 720) }
            ?: Size(640, 480)
        val t = HandlerThread("duet-camera").also { it.start() }
        thread = t
        val handler = Handler(t.looper)
        val executor = Executor { handler.post(it) }
        running = true
        val r = ImageReader.newInstance(size.width, size.height, ImageFormat.YUV_420_888, 2)
        reader = r
        r.setOnImageAvailableListener({ rd ->
            val image = rd.acquireLatestImage() ?: return@setOnImageAvailableListener
            val frame = try {
                val y = image.planes[0]
                val bytes = ByteArray(y.buffer.remaining()).also { y.buffer.get(it) }
                Frame(image.width, image.height, y.rowStride, bytes)
            } finally {
                image.close()
            }
            if (running && onFrame(frame)) stop()
        }, handler)
        val previewSurface = preview?.let {
            it.setDefaultBufferSize(size.width, size.height)
            Surface(it)
        }
        try {
            manager.openCamera(id, executor, object : CameraDevice.StateCallback() {
                override fun onOpened(camera: CameraDevice) {
                    device = camera
                    val outputs = listOfNotNull(r.surface, previewSurface).map { OutputConfiguration(it) }
                    camera.createCaptureSession(SessionConfiguration(SessionConfiguration.SESSION_REGULAR, outputs, executor,
                        object : CameraCaptureSession.StateCallback() {
                            override fun onConfigured(s: CameraCaptureSession) {
                                session = s
                                val request = camera.createCaptureRequest(CameraDevice.TEMPLATE_PREVIEW).apply {
                                    addTarget(r.surface)
                                    previewSurface?.let { addTarget(it) }
                                    set(CaptureRequest.CONTROL_AF_MODE, CaptureRequest.CONTROL_AF_MODE_CONTINUOUS_PICTURE)
                                }
                                s.setRepeatingRequest(request.build(), null, handler)
                            }

                            override fun onConfigureFailed(s: CameraCaptureSession) = onError()
                        }))
                }

                override fun onDisconnected(camera: CameraDevice) {
                    camera.close()
                    onError()
                }

                override fun onError(camera: CameraDevice, error: Int) {
                    camera.close()
                    onError()
                }
            })
        } catch (e: SecurityException) {
            onError()
        } catch (e: android.hardware.camera2.CameraAccessException) {
            onError()
        }
    }

    @Synchronized
    override fun stop() {
        running = false
        session?.close()
        session = null
        device?.close()
        device = null
        reader?.close()
        reader = null
        thread?.quitSafely()
        thread = null
    }
}
