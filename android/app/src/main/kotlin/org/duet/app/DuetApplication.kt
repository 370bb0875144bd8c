package org.duet.app

import android.app.Application

/**
 * Holds the [AppGraph]. Tests replace [graph] before they launch an Activity, so every screen
 * runs on the vault, clock and platform doubles the test chose.
 */
class DuetApplication : Application() {
    private var built: AppGraph? = null

    var graph: AppGraph
        get() = built ?: AppGraph.forDevice(this).also { built = it }
        set(value) {
            built?.close()
            built = value
        }
}
