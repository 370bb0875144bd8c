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
