package org.duet.app.push

import android.app.Activity
import java.util.concurrent.Executor
import java.util.concurrent.Executors
import org.duet.app.AppGraph
import org.duet.app.platform.AnswerKeys
import org.duet.app.platform.BiometricGate
import org.duet.app.platform.FrameworkBiometricGate
import org.duet.app.platform.KeyLostException
import org.duet.app.platform.VaultKeyWrapper
import org.duet.app.platform.VaultLockedException
import org.duet.core.DuetApp
import org.duet.core.DuetException

/** The push environment on the phone: the application's [AppGraph], the framework prompt. */
class GraphPushEnvironment(private val graph: AppGraph) : PushEnvironment {
    override fun app(): DuetApp =
        try {
            graph.app
        } catch (e: DuetException) {
            // The key provider's refusal arrives as its code; the screen wants the typed cause.
            when (val cause = (graph.vaultKeys as? VaultKeyWrapper)?.lastRefusal) {
                is VaultLockedException -> throw cause
                is KeyLostException -> throw cause
                else -> throw e
            }
        }

    override val answerKeys: AnswerKeys
        get() = graph.keystore as? AnswerKeys ?: error("the app was built without Keystore device keys")

    override fun gate(activity: Activity): BiometricGate = FrameworkBiometricGate(activity)

    override val background: Executor = Executors.newSingleThreadExecutor()
}
