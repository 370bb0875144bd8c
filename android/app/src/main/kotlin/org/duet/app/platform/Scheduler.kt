package org.duet.app.platform

import android.os.Handler
import android.os.Looper

/** Runs work on the main thread later: refresh ticks, clearing the clipboard. */
interface Scheduler {
    /** Runs [work] after [delayMillis]; the returned handle cancels it. */
    fun after(delayMillis: Long, work: () -> Unit): Cancellable
}

fun interface Cancellable {
    fun cancel()
}

class HandlerScheduler(private val handler: Handler = Handler(Looper.getMainLooper())) : Scheduler {
    override fun after(delayMillis: Long, work: () -> Unit): Cancellable {
        val r = Runnable(work)
        handler.postDelayed(r, delayMillis)
        return Cancellable { handler.removeCallbacks(r) }
    }
}
