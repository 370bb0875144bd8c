package org.duet.app.platform

import android.os.Handler
import android.os.Looper
import java.util.concurrent.ExecutorService

/**
 * Runs core calls that may wait (network, key prompts, large imports) off the main thread and
 * hands the result back on it.
 */
interface Background : AutoCloseable {
    fun <T> run(work: () -> T, done: (Result<T>) -> Unit)
    override fun close() {}
}

class ExecutorBackground(
    private val executor: ExecutorService,
    private val main: Handler = Handler(Looper.getMainLooper()),
) : Background {
    override fun <T> run(work: () -> T, done: (Result<T>) -> Unit) {
        executor.execute {
            val result = runCatching(work)
            main.post { done(result) }
        }
    }

    override fun close() {
        executor.shutdown()
    }
}
