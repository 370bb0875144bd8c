package org.duet.app.push

import org.duet.app.Strings
import java.security.GeneralSecurityException
import java.util.concurrent.Executor
import org.duet.app.platform.AnswerKeys
import org.duet.app.platform.BiometricGate
import org.duet.app.platform.GateResult
import org.duet.app.platform.GateText
import org.duet.app.platform.KeyLoss
import org.duet.app.platform.KeyLostException
import org.duet.app.platform.KeyUse

/**
 * Signs a prepared answer inside the biometric prompt and sends it: the key's `Signature` goes to
 * the prompt, the answer's bytes go into it only once the prompt reports success, and the
 * signature is sent from [background]. A cancelled or failed prompt signs and sends nothing.
 */
class AnswerFlow(
    private val model: RequestModel,
    private val keys: AnswerKeys,
    private val gate: BiometricGate,
    private val background: Executor,
    private val changed: () -> Unit,
) {
    fun run(toSign: ToSign) {
        val handle = toSign.keyHandle
        if (handle == null) {
            // Every key this app makes is a Keystore key; a vault key would sign without any prompt.
            model.keyLost(KeyLostException(KeyUse.PUSH_ACCOUNT, KeyLoss.MISSING))
            changed()
            return
        }
        val signature = try {
            keys.answerSignature(handle, toSign.algorithm)
        } catch (e: KeyLostException) {
            model.keyLost(e)
            changed()
            return
        }
        val text = GateText(
            if (toSign.approving) Strings.Request.PROMPT_APPROVE else Strings.Request.PROMPT_DENY,
            model.screen.let { (it as? RequestScreen.Confirming)?.request?.heading ?: "" },
        )
        changed()
        gate.authorise(text, signature) { result ->
            when (result) {
                is GateResult.Authorised -> {
                    val signed = try {
                        result.signature.update(toSign.message)
                        result.signature.sign()
                    } catch (e: GeneralSecurityException) {
                        model.promptEnded(e.javaClass.simpleName)
                        changed()
                        return@authorise
                    }
                    background.execute {
                        model.submit(toSign, signed)
                        changed()
                    }
                }
                GateResult.Cancelled -> {
                    model.promptEnded(null)
                    changed()
                }
                is GateResult.Failed -> {
                    model.promptEnded(result.message)
                    changed()
                }
            }
        }
    }
}
