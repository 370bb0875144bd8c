package org.duet.app.platform

/** Which key a [KeyLostException] is about: what it protected decides the way back. */
enum class KeyUse {
    /** A push account's device key: the server knows only this key. */
    PUSH_ACCOUNT,

    /** The Keystore key that wraps the vault key: the vault file cannot be opened without it. */
    VAULT,
}

/** Why a Keystore key can no longer be used. */
enum class KeyLoss {
    /** The phone invalidated it: a new fingerprint or face was enrolled, or the screen lock was removed. */
    INVALIDATED,

    /** It is not in the Keystore (app data restored onto another phone, Keystore reset). */
    MISSING,
}

/**
 * A Keystore key the app needs cannot be used any more. Thrown instead of deleting anything: the
 * vault file, its wrapped key and the account records stay where they are, so a restored backup or
 * a helpdesk re-enrollment is the way back, never a silent reset.
 */
class KeyLostException(val use: KeyUse, val loss: KeyLoss, cause: Throwable? = null) :
    Exception("Keystore key for $use: $loss", cause)

/** The vault key needs the user first (app lock is on and the last unlock is too long ago). */
class VaultLockedException(cause: Throwable? = null) : Exception("the vault key needs the user to unlock the app", cause)
