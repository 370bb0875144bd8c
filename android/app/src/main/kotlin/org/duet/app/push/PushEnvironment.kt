package org.duet.app.push

import android.app.Activity
import android.content.Context
import java.util.concurrent.Executor
import org.duet.app.DuetApplication
import org.duet.app.platform.AnswerKeys
import org.duet.app.platform.BiometricGate
import org.duet.core.DuetApp

/**
 * What the request screen and the poll job need from the rest of the app. The application installs
 * the real one ([PushEnvironment.install]); tests install theirs with doubles for the Keystore.
 */
interface PushEnvironment {
    /**
     * The open vault (opened on first use, then the same object).
     * @throws org.duet.app.platform.VaultLockedException, org.duet.app.platform.KeyLostException,
     *   org.duet.core.DuetException
     */
    fun app(): DuetApp

    /** The keys answers are signed with inside the prompt. */
    val answerKeys: AnswerKeys

    /** The prompt, bound to the activity that shows it. */
    fun gate(activity: Activity): BiometricGate

    /** Where calls that reach the network run (never the main thread on a phone). */
    val background: Executor

    /** The phone's clock, in Unix seconds. */
    fun nowSeconds(): Long = System.currentTimeMillis() / 1000

    /** Seconds between polls while the request screen is visible. */
    val pollSeconds: Long get() = 5

    companion object {
        @Volatile
        private var installed: PushEnvironment? = null

        fun install(env: PushEnvironment) {
            installed = env
        }

        /** The installed environment, or the one on the application's [org.duet.app.AppGraph]. */
        fun current(context: Context): PushEnvironment = installed
            ?: GraphPushEnvironment((context.applicationContext as DuetApplication).graph).also { installed = it }
    }
}
