package org.duet.app

/**
 * Every sentence the app shows, in one place so it can be translated. Error sentences and the
 * next step after an error come from the core (the error's reason and the catalogue's guidance).
 */
object Strings {
    const val APP_NAME = "duet"

    // Codes screen
    const val CODES_TITLE = "Codes"
    const val SEARCH_HINT = "Search accounts"
    const val NO_ACCOUNTS = "No accounts yet. Tap Add to scan a QR code."
    const val NO_MATCH = "No account matches the search."
    const val ADD = "Add"
    const val SETTINGS = "Settings"
    const val HIDDEN_CODE = "••• •••"
    const val TAP_TO_SHOW = "Tap to show the code"
    const val COPIED = "Code copied. The clipboard is cleared in 30 seconds."
    const val HOTP_NEXT = "Next code"
    const val RENAME = "Rename"
    const val MOVE_UP = "Move up"
    const val MOVE_DOWN = "Move down"
    const val DELETE = "Delete"
    const val CANCEL = "Cancel"
    const val SAVE = "Save"
    const val ISSUER = "Issuer"
    const val ACCOUNT_NAME = "Account name"
    const val REMOVE_DAMAGED = "Remove"
    fun secondsLeft(seconds: Int) = "${seconds}s"
    fun nextCode(code: String) = "next $code"
    fun deleteQuestion(label: String) =
        "Delete $label? Its codes can no longer be shown here. Make sure you can still sign in another way."
    fun damaged(id: String, code: String, sentence: String) = "Record $id cannot be read. $code: $sentence"

    // Add screen
    const val ADD_TITLE = "Add an account"
    const val SCAN = "Scan a QR code"
    const val STOP_SCAN = "Stop scanning"
    const val PICK_IMAGE = "Pick a QR code image"
    const val PASTE_HINT = "Paste a link or otpauth:// URI"
    const val PASTE_ADD = "Add this link"
    const val SETUP_KEY_TITLE = "Type a setup key"
    const val SETUP_KEY = "Setup key"
    const val SETUP_KEY_ADD = "Add account"
    const val MANUAL_TITLE = "Push sign-in with an activation code"
    const val MANUAL_CODE = "Activation code"
    const val FINGERPRINT = "Fingerprint the helpdesk read out"
    const val ENROLL = "Enroll"
    const val TRANSFER_NEXT = "Scan the next transfer QR code."
    const val CAMERA_REFUSED =
        "duet may not use the camera. Allow it in the phone's settings, or pick an image or paste the link instead."
    const val CAMERA_UNAVAILABLE = "No camera could be opened. Pick an image or paste the link instead."
    const val IMAGE_UNREADABLE = "That file is not a picture duet can read. Pick a PNG or JPEG of the QR code."
    fun transferProgress(scanned: Int, total: Int) = "$scanned of $total scanned"
    fun added(label: String) = "Added $label."
    fun addedTransfer(count: Int, skipped: Int) =
        if (skipped == 0) "Added $count accounts." else "Added $count accounts; $skipped left out (see below)."
    fun addedPush(label: String) = "Push sign-in set up for $label."

    // Errors
    fun errorLine(code: String, sentence: String) = if (code.isEmpty()) sentence else "$code: $sentence"
    fun nextStep(step: String) = "What to do: $step"
    const val NOTHING_LOST = "Nothing stored was changed."

    // Locked vault (app lock), shown in place of any screen
    const val LOCKED_TITLE = "duet is locked"
    const val LOCKED = "Unlock it with your fingerprint, face or screen lock to see your codes."
    const val UNLOCK = "Unlock"
    const val UNLOCK_PROMPT_TITLE = "Unlock duet"
    const val UNLOCK_PROMPT_SUBTITLE = "Confirm it is you to open your codes"
    const val CANNOT_OPEN_TITLE = "duet cannot open your codes"

    // Settings screen
    const val SETTINGS_TITLE = "Settings"
    const val APP_LOCK = "Ask for fingerprint or screen lock to open duet"
    const val APP_LOCK_ON_TITLE = "Turn on app lock"
    const val APP_LOCK_OFF_TITLE = "Turn off app lock"
    const val APP_LOCK_SUBTITLE = "Confirm it is you to change how your codes are locked"
    const val APP_LOCK_ON = "App lock is on: duet asks for your fingerprint, face or screen lock when it opens."
    const val APP_LOCK_OFF = "App lock is off."
    const val APP_LOCK_UNCHANGED = "App lock was not changed."
    const val SCREEN_CAPTURE = "Block screenshots and screen recording"
    const val HIDE_CODES = "Hide codes until tapped"
    const val CLOCK_UNKNOWN = "Clock: no signed server time seen yet."
    fun clockOffset(seconds: Long) = when {
        seconds > 0 -> "Clock: this phone is $seconds s behind the server."
        seconds < 0 -> "Clock: this phone is ${-seconds} s ahead of the server."
        else -> "Clock: this phone agrees with the server."
    }
    const val CLOCK_WARNING =
        "Your phone's clock is more than 30 seconds off: codes and sign-in requests may fail. Turn on automatic date and time."
    const val BACKUP_TITLE = "Backup"
    const val BACKUP_PASSWORD = "Backup password"
    const val EXPORT = "Export an encrypted backup…"
    const val IMPORT = "Import a backup…"
    const val VERIFY = "Verify a backup…"
    const val FILE_UNREADABLE = "The file could not be read. Pick it again."
    const val FILE_UNWRITABLE = "The backup could not be written there (is the storage full?). Pick another place."
    fun exported(bytes: Int) = "Encrypted backup written ($bytes bytes)."
    fun imported(count: Int, skipped: Int) = "Imported $count accounts; $skipped left out."
    fun verified(restorable: Int, skipped: Int, encrypted: Boolean) =
        "The backup opens${if (encrypted) " with this password" else ""}: $restorable accounts would be restored, $skipped left out."
    const val PUSH_TITLE = "Push accounts"
    const val NO_PUSH_ACCOUNTS = "No push accounts."
    const val UNENROLL = "Unenroll"
    fun unenrollQuestion(label: String) =
        "Unenroll $label? The server is told this phone no longer answers its sign-in requests."
    fun pushAccount(label: String, url: String) = "$label\n$url"
    /** A push account's device key: its fingerprint as the helpdesk shows it, and where it is kept. */
    fun deviceKey(fingerprint: String, platformKey: Boolean, answerKey: Boolean) =
        "Device key $fingerprint, " + (if (platformKey) "in this phone's keystore" else "in duet's vault") +
            (if (platformKey && answerKey) "; approvals need your fingerprint, face or screen lock" else "")

    // ---- Sign-in requests: the request screen, its prompt and its notification (push/, platform/) ----
    object Request {
        const val SCREEN_TITLE = "Sign-in request"
        const val CHECKING = "Checking for sign-in requests…"
        const val NOTHING_WAITING = "No sign-in request is waiting."
        const val HEADING_SERVICE = "Sign in to %s?"
        const val HEADING_PLAIN = "Are you signing in?"
        const val LABEL_SERVICE = "Service"
        const val LABEL_ACCOUNT = "Account"
        const val LABEL_ISSUER = "Organisation"
        const val LABEL_IP = "IP address"
        const val LABEL_PLACE = "Near"
        const val LABEL_CLIENT = "Browser"
        const val LABEL_TIME = "Time"
        const val TYPE_NUMBER = "Type the %d-digit number shown on the sign-in screen"
        const val PICK_NUMBER = "Tap the number shown on the sign-in screen"
        const val WEAKER = "This request has no number to match, so it cannot tell a sign-in you started from one " +
            "someone else started. Approve only if you are signing in on another screen right now."
        const val NEED_DIGITS = "Type all %d digits first."
        const val NEED_PICK = "Tap one of the numbers first."
        const val APPROVE = "Approve"
        const val DENY = "Deny"
        const val WAS_IT_YOU = "Was this you?"
        const val WAS_IT_YOU_DETAIL = "If you did not start this sign-in, someone may know your password."
        const val NOT_ME = "No, report it"
        const val MISTAKE = "Yes, by mistake"
        const val BACK = "Back"
        const val CONFIRMING = "Confirm with your fingerprint, face or screen lock."
        const val PROMPT_APPROVE = "Approve sign-in"
        const val PROMPT_DENY = "Deny sign-in"
        const val NOT_SENT = "Nothing was sent: the answer goes out only after you confirm with your fingerprint, face or screen lock."
        const val NOT_SENT_FAILED = "Nothing was sent: %s"
        const val APPROVED = "Approved. You are signing in."
        const val DENIED_NOT_ME = "Denied and reported. Your organisation was told this sign-in was not you, and further " +
            "sign-in requests are paused for a while. Change your password if you can."
        const val DENIED_MISTAKE = "Denied. Start the sign-in again if it was you."
        const val EXPIRED = "This request expired before it was answered. Start the sign-in again if it is you."
        const val ANSWERED_ELSEWHERE = "This request was already answered on another of your devices. Nothing was sent from this one."
        const val WRONG_NUMBER = "The number did not match the sign-in screen, so the sign-in was stopped. " +
            "If it is you, start it again and enter the number it shows."
        const val CLOSED_ELSEWHERE = "This request is closed (%s)."
        const val GONE = "This request is no longer waiting."
        const val DONE = "Close"
        const val TRY_AGAIN = "Try again"
        const val LOCKED = "duet is locked. Unlock it with your fingerprint, face or screen lock to see this request."
        const val UNLOCK = "Unlock"
        const val KEY_LOST_TITLE = "This phone's key for duet can no longer be used"
        const val KEY_INVALIDATED = "Android disabled the key duet keeps in this phone's secure hardware because a new " +
            "fingerprint or face was added, or the screen lock was removed. That is a safety rule of the phone: " +
            "nobody who adds their own fingerprint can use your accounts."
        const val KEY_MISSING = "The key duet keeps in this phone's secure hardware is not there (the app's data may have " +
            "been moved from another phone, or the phone's keystore was reset)."
        const val KEY_NOTHING_DELETED = "Nothing was deleted: your accounts stay stored on this phone."
        const val WAY_BACK_PUSH = "Sign-in requests: ask your helpdesk to enroll this phone again (they can send a new " +
            "QR code or activation code); the old enrollment can be removed afterwards."
        const val WAY_BACK_VAULT = "Codes: restore them from your latest duet or Aegis backup with “Import a backup…” in Settings."
        const val NOTIFY_CHANNEL = "Sign-in requests"
        const val NOTIFY_CHANNEL_DETAIL = "A sign-in is waiting for your approval"
        const val NOTIFY_TITLE = "Sign-in request"
        const val NOTIFY_TEXT = "%s: tap to review"
    }
}
