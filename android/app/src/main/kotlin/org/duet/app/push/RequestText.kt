package org.duet.app.push

/** The words of the request screen, its prompt and its notification. */
object RequestText {
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
    const val WAY_BACK_VAULT = "Codes: restore them from your latest duet or Aegis backup with Import backup in the settings."
    const val NOTIFY_CHANNEL = "Sign-in requests"
    const val NOTIFY_CHANNEL_DETAIL = "A sign-in is waiting for your approval"
    const val NOTIFY_TITLE = "Sign-in request"
    const val NOTIFY_TEXT = "%s: tap to review"
}
