package org.duet.android

import org.duet.core.DuetException

/** The stable code (`E_...`, docs/errors.md) whatever the kind: apps translate by it. */
fun DuetException.code(): String = when (this) {
    is DuetException.Otp -> code
    is DuetException.Uri -> code
    is DuetException.Migration -> code
    is DuetException.Push -> code
    is DuetException.Vault -> code
    is DuetException.Transfer -> code
    is DuetException.Transport -> code
    is DuetException.App -> code
    is DuetException.Qr -> code
    is DuetException.Callback -> code
}

/** The sentence to show with [code]; never holds a secret. */
fun DuetException.reason(): String = when (this) {
    is DuetException.Otp -> reason
    is DuetException.Uri -> reason
    is DuetException.Migration -> reason
    is DuetException.Push -> reason
    is DuetException.Vault -> reason
    is DuetException.Transfer -> reason
    is DuetException.Transport -> reason
    is DuetException.App -> reason
    is DuetException.Qr -> reason
    is DuetException.Callback -> reason
}
