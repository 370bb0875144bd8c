import Foundation

/// Every sentence the app shows, in one place so it can be translated (wrap each in
/// `String(localized:)` when a string catalog is added). Error sentences and the next step after an
/// error come from the core (the error's reason and the catalogue's guidance).
public enum Strings {
    public static let appName = "duet"

    // Codes screen
    public static let codesTitle = "Codes"
    public static let searchHint = "Search accounts"
    public static let noAccounts = "No accounts yet. Tap Add to scan a QR code."
    public static let noMatch = "No account matches the search."
    public static let add = "Add"
    public static let settings = "Settings"
    public static let hiddenCode = "••• •••"
    public static let tapToShow = "Tap to show the code"
    public static let copied = "Code copied. The clipboard is cleared in 30 seconds."
    public static let hotpNext = "Next code"
    public static let rename = "Rename"
    public static let moveUp = "Move up"
    public static let moveDown = "Move down"
    public static let delete = "Delete"
    public static let cancel = "Cancel"
    public static let save = "Save"
    public static let issuer = "Issuer"
    public static let accountName = "Account name"
    public static let removeDamaged = "Remove"
    public static func secondsLeft(_ seconds: Int) -> String { "\(seconds)s" }
    public static func nextCode(_ code: String) -> String { "next \(code)" }
    public static func deleteQuestion(_ label: String) -> String {
        "Delete \(label)? Its codes can no longer be shown here. Make sure you can still sign in another way."
    }
    public static func damaged(_ id: String, _ code: String, _ sentence: String) -> String {
        "Record \(id) cannot be read. \(code): \(sentence)"
    }

    // Add screen
    public static let addTitle = "Add an account"
    public static let scan = "Scan a QR code"
    public static let stopScan = "Stop scanning"
    public static let pickImage = "Pick a QR code photo"
    public static let pasteHint = "Paste a link or otpauth:// URI"
    public static let pasteAdd = "Add this link"
    public static let setupKeyTitle = "Type a setup key"
    public static let setupKey = "Setup key"
    public static let setupKeyAdd = "Add account"
    public static let manualTitle = "Push sign-in with an activation code"
    public static let manualCode = "Activation code"
    public static let fingerprint = "Fingerprint the helpdesk read out"
    public static let enroll = "Enroll"
    public static let transferNext = "Scan the next transfer QR code."
    public static let cameraRefused =
        "duet may not use the camera. Allow it in Settings › duet, or pick a photo or paste the link instead."
    public static let cameraUnavailable = "No camera could be opened. Pick a photo or paste the link instead."
    public static let imageUnreadable = "That file is not a picture duet can read. Pick a PNG or JPEG of the QR code."
    public static func transferProgress(_ scanned: Int, _ total: Int) -> String { "\(scanned) of \(total) scanned" }
    public static func added(_ label: String) -> String { "Added \(label)." }
    public static func addedTransfer(_ count: Int, _ skipped: Int) -> String {
        skipped == 0 ? "Added \(count) accounts." : "Added \(count) accounts; \(skipped) left out (see below)."
    }
    public static func addedPush(_ label: String) -> String { "Push sign-in set up for \(label)." }

    // Errors
    public static func errorLine(_ code: String, _ sentence: String) -> String { code.isEmpty ? sentence : "\(code): \(sentence)" }
    public static func nextStep(_ step: String) -> String { "What to do: \(step)" }
    /// A push account's device key: its fingerprint as the helpdesk shows it, and where it is kept.
    public static func deviceKey(_ fingerprint: String, platformKey: Bool, answerKey: Bool) -> String {
        "Device key \(fingerprint), " + (platformKey ? "in this iPhone's Secure Enclave" : "in duet's vault")
            + (platformKey && answerKey ? "; approvals need Face ID, Touch ID or your passcode" : "")
    }
    public static let nothingLost = "Nothing stored was changed."

    // Settings screen
    public static let settingsTitle = "Settings"
    public static let appLock = "Ask for Face ID, Touch ID or the passcode to open duet"
    /// The system prompt's reason when app lock opens the vault, and when the switch changes.
    public static let unlockReason = "Unlock duet"
    public static let appLockChangeReason = "Change app lock"
    public static let hideCodes = "Hide codes until tapped"
    public static let clockUnknown = "Clock: no signed server time seen yet."
    public static func clockOffset(_ seconds: Int64) -> String {
        if seconds > 0 { return "Clock: this phone is \(seconds) s behind the server." }
        if seconds < 0 { return "Clock: this phone is \(-seconds) s ahead of the server." }
        return "Clock: this phone agrees with the server."
    }
    public static let clockWarning =
        "Your phone's clock is more than 30 seconds off: codes and sign-in requests may fail. Turn on Set Automatically in Settings › General › Date & Time."
    public static let backupTitle = "Backup"
    public static let backupPassword = "Backup password"
    public static let export = "Export an encrypted backup…"
    public static let importBackup = "Import a backup…"
    public static let verify = "Verify a backup…"
    public static let fileUnreadable = "The file could not be read. Pick it again."
    public static let fileUnwritable = "The backup could not be written there (is the storage full?). Pick another place."
    public static func exported(_ bytes: Int) -> String { "Encrypted backup written (\(bytes) bytes)." }
    public static func imported(_ count: Int, _ skipped: Int) -> String { "Imported \(count) accounts; \(skipped) left out." }
    public static func verified(_ restorable: Int, _ skipped: Int, _ encrypted: Bool) -> String {
        "The backup opens\(encrypted ? " with this password" : ""): \(restorable) accounts would be restored, \(skipped) left out."
    }
    public static let pushTitle = "Push accounts"
    public static let noPushAccounts = "No push accounts."
    public static let unenroll = "Unenroll"
    public static func unenrollQuestion(_ label: String) -> String {
        "Unenroll \(label)? The server is told this phone no longer answers its sign-in requests."
    }

    /// Sign-in requests: the request screen, its prompt and its notification.
    public enum Request {
        public static let screenTitle = "Sign-in request"
        public static let checking = "Checking for sign-in requests…"
        public static let nothingWaiting = "No sign-in request is waiting."
        public static func headingService(_ service: String) -> String { "Sign in to \(service)?" }
        public static let headingPlain = "Are you signing in?"
        public static let labelService = "Service"
        public static let labelAccount = "Account"
        public static let labelIssuer = "Organisation"
        public static let labelIp = "IP address"
        public static let labelPlace = "Near"
        public static let labelClient = "Browser"
        public static let labelTime = "Time"
        public static func typeNumber(_ digits: Int) -> String { "Type the \(digits)-digit number shown on the sign-in screen" }
        public static let pickNumber = "Tap the number shown on the sign-in screen"
        public static let weaker = "This request has no number to match, so it cannot tell a sign-in you started from one " +
            "someone else started. Approve only if you are signing in on another screen right now."
        public static func needDigits(_ digits: Int) -> String { "Type all \(digits) digits first." }
        public static let needPick = "Tap one of the numbers first."
        public static let approve = "Approve"
        public static let deny = "Deny"
        public static let wasItYou = "Was this you?"
        public static let wasItYouDetail = "If you did not start this sign-in, someone may know your password."
        public static let notMe = "No, report it"
        public static let mistake = "Yes, by mistake"
        public static let back = "Back"
        public static let confirming = "Confirm with Face ID, Touch ID or your passcode."
        public static let promptApprove = "Approve sign-in"
        public static let promptDeny = "Deny sign-in"
        public static let notSent = "Nothing was sent: the answer goes out only after you confirm with Face ID, Touch ID or your passcode."
        public static func notSentFailed(_ why: String) -> String { "Nothing was sent: \(why)" }
        public static let approved = "Approved. You are signing in."
        public static let deniedNotMe = "Denied and reported. Your organisation was told this sign-in was not you, and further " +
            "sign-in requests are paused for a while. Change your password if you can."
        public static let deniedMistake = "Denied. Start the sign-in again if it was you."
        public static let expired = "This request expired before it was answered. Start the sign-in again if it is you."
        public static let answeredElsewhere = "This request was already answered on another of your devices. Nothing was sent from this one."
        public static let wrongNumber = "The number did not match the sign-in screen, so the sign-in was stopped. " +
            "If it is you, start it again and enter the number it shows."
        public static let gone = "This request is no longer waiting."
        public static let done = "Close"
        public static let tryAgain = "Try again"
        public static let locked = "duet is locked. Unlock it with Face ID, Touch ID or your passcode to see this request."
        public static let unlock = "Unlock"
        public static let keyLostTitle = "This phone's key for duet can no longer be used"
        public static let keyInvalidated = "iOS disabled the key duet keeps in this phone's Secure Enclave because Face ID or " +
            "Touch ID was changed (a face or finger added or removed), or the passcode was turned off. That is a safety rule of " +
            "the phone: nobody who adds their own face or finger can use your accounts."
        public static let keyMissing = "The key duet keeps in this phone's Secure Enclave or Keychain is not there (the app's " +
            "data may have been restored onto another phone, or the Keychain was reset)."
        public static let keyNothingDeleted = "Nothing was deleted: your accounts stay stored on this phone."
        public static let wayBackPush = "Sign-in requests: ask your helpdesk to enroll this phone again (they can send a new " +
            "QR code or activation code); the old enrollment can be removed afterwards."
        public static let wayBackVault = "Codes: restore them from your latest duet or Aegis backup with “Import a backup…” in Settings."
        public static let notifyTitle = "Sign-in request"
        public static func notifyText(_ heading: String) -> String { "\(heading): tap to review" }
    }
}
