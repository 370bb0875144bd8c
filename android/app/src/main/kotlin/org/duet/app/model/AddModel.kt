package org.duet.app.model

import org.duet.app.Strings
import org.duet.core.Account
import org.duet.core.AddResult
import org.duet.core.DuetApp
import org.duet.core.DuetException
import org.duet.core.ErrorCode
import org.duet.core.otpParametersDefault

/** What the Add screen shows after an attempt. */
sealed interface AddOutcome {
    /** Stored: the sentence to show and any warnings or left-out entries. */
    data class Added(val message: String, val notices: List<UiError>) : AddOutcome
    /** One part of a transfer read; [scanned] of [total] parts so far. */
    data class Progress(val scanned: Int, val total: Int) : AddOutcome
    data class Failed(val error: UiError) : AddOutcome
}

/**
 * The Add screen: every way in (camera frame, picked image, pasted link, intent link, typed setup
 * key, activation code) ends in one core call; this only converts the result for display.
 */
class AddModel(private val app: DuetApp, private val qr: QrDecoder) {
    private var transferTotal = 0

    /** A scanned or pasted text, or a link that opened the app. */
    fun addText(text: String): AddOutcome = outcome { app.addScanned(text.trim()) }

    /**
     * A camera frame: `null` while the frame holds no readable QR code (keep scanning); the
     * result of adding its text otherwise.
     */
    fun addFrame(width: Int, height: Int, rowStride: Int, luminance: ByteArray): AddOutcome? {
        val text = try {
            qr.decode(width.toUInt(), height.toUInt(), rowStride.toUInt(), luminance)
        } catch (e: DuetException) {
            if (e.errorCode() == ErrorCode.QR_NOT_FOUND) return null
            return AddOutcome.Failed(UiError.of(e))
        }
        return addText(text)
    }

    /** A picked picture: a missing QR code is an error here, unlike in a camera frame. */
    fun addImage(width: Int, height: Int, luminance: ByteArray): AddOutcome = try {
        addText(qr.decode(width.toUInt(), height.toUInt(), width.toUInt(), luminance))
    } catch (e: DuetException) {
        AddOutcome.Failed(UiError.of(e))
    }

    /** A setup key typed in: the core decodes the key and checks the parameters. */
    fun addSetupKey(issuer: String, name: String, setupKey: String): AddOutcome = try {
        val account = Account.fromSetupKey(issuer.trim().ifEmpty { null }, name.trim(), setupKey, otpParametersDefault())
        app.addAccounts(listOf(account))
        AddOutcome.Added(Strings.added(if (issuer.isBlank()) name.trim() else "${issuer.trim()}:${name.trim()}"), emptyList())
    } catch (e: DuetException) {
        AddOutcome.Failed(UiError.of(e))
    }

    /** A manual activation code, enrolled only if the server key has the fingerprint read out. */
    fun addManualCode(code: String, fingerprint: String): AddOutcome = outcome { app.addManualCode(code.trim(), fingerprint.trim()) }

    /** The transfer being scanned, if one is under way. */
    fun transferProgress(): AddOutcome.Progress? {
        val missing = app.transferMissing()
        if (missing.isEmpty() || transferTotal == 0) return null
        return AddOutcome.Progress(transferTotal - missing.size, transferTotal)
    }

    fun cancelTransfer() {
        app.cancelTransfer()
        transferTotal = 0
    }

    private fun outcome(call: () -> AddResult): AddOutcome = try {
        when (val r = call()) {
            is AddResult.Otp -> AddOutcome.Added(Strings.added(r.label), r.warnings.map { UiError.ofCode(it.code, it.message) })
            is AddResult.TransferPart -> {
                transferTotal = r.total.toInt()
                AddOutcome.Progress(r.total.toInt() - r.missing.size, r.total.toInt())
            }
            is AddResult.Transfer -> {
                transferTotal = 0
                AddOutcome.Added(Strings.addedTransfer(r.ids.size, r.skipped.size), r.skipped.map { UiError.ofCode(it.code, it.message) })
            }
            is AddResult.Push -> AddOutcome.Added(Strings.addedPush(r.label), r.notices.map { UiError.ofCode(it.code, it.message) })
        }
    } catch (e: DuetException) {
        AddOutcome.Failed(UiError.of(e))
    }
}
