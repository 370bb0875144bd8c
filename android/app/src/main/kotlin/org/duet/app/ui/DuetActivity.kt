package org.duet.app.ui

import android.app.Activity
import android.os.Bundle
import android.view.WindowManager
import org.duet.app.AppGraph
import org.duet.app.DuetApplication

/**
 * Every screen's base: the app graph, and FLAG_SECURE (no screenshots, screen recordings or
 * recent-apps thumbnails) unless the user turned screen-capture blocking off in Settings.
 */
abstract class DuetActivity : Activity() {
    val graph: AppGraph get() = (application as DuetApplication).graph

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        applyScreenCapturePolicy()
    }

    override fun onResume() {
        super.onResume()
        // The setting may have changed on another screen.
        applyScreenCapturePolicy()
    }

    fun applyScreenCapturePolicy() {
        if (graph.settings.blockScreenCapture) window.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
        else window.clearFlags(WindowManager.LayoutParams.FLAG_SECURE)
    }
}
