//! One protocol-neutral view of a waiting push request and of the user's answer.
//!
//! duet's own requests and privacyIDEA's map into [`PendingRequest`], so the CLI
//! (`duet pending/approve/deny`) and the apps show one list and one approve/deny flow.

/// Which push protocol a request came over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PushProtocol {
    /// duet push protocol v1 (docs/protocol.md).
    Duet,
    /// privacyIDEA's push token protocol.
    PrivacyIdea,
}

/// How the user proves they see the sign-in screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberMatching {
    /// Type the number shown on the sign-in screen; the phone never learns it.
    TypeShown {
        /// How many digits to ask for.
        digits: u8,
    },
    /// Pick the number (or answer text) shown on the sign-in screen from these choices.
    Pick {
        /// The choices, in the order to display.
        choices: Vec<String>,
    },
    /// No number matching: the weaker kind, which the app labels as such.
    None,
}

/// A sign-in waiting for the user's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRequest {
    /// Protocol it came over.
    pub protocol: PushProtocol,
    /// The local account id it belongs to.
    pub account_id: String,
    /// The request id (duet challenge id, privacyIDEA nonce): what `duet approve REQUEST` takes.
    pub request_id: String,
    /// Organisation / issuer of the account.
    pub issuer: Option<String>,
    /// Who is signing in.
    pub user: Option<String>,
    /// The service or application signed in to.
    pub service: Option<String>,
    /// Client IP address.
    pub ip: Option<String>,
    /// Approximate location.
    pub location: Option<String>,
    /// Browser or device of the sign-in.
    pub client: Option<String>,
    /// Title text (privacyIDEA `title`).
    pub title: Option<String>,
    /// Free text question (privacyIDEA `question`).
    pub message: Option<String>,
    /// Number matching mode.
    pub matching: NumberMatching,
    /// Issued at (server unix seconds), when known.
    pub issued_at: Option<i64>,
    /// Expires at (server unix seconds), when known.
    pub expires_at: Option<i64>,
}

/// Why the user denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    /// "This was not me": reports fraud (the server may mute further pushes).
    NotMe,
    /// "I tapped by mistake" / cancelled.
    Mistake,
}

impl DenyReason {
    /// Wire name (`not_me`, `mistake`).
    pub fn wire_name(self) -> &'static str {
        match self {
            DenyReason::NotMe => "not_me",
            DenyReason::Mistake => "mistake",
        }
    }

    /// Parses a wire name.
    pub fn from_wire_name(s: &str) -> Option<Self> {
        match s {
            "not_me" => Some(DenyReason::NotMe),
            "mistake" => Some(DenyReason::Mistake),
            _ => None,
        }
    }
}

/// The user's answer to a [`PendingRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Approve; `number` is the typed or picked number (or answer text) when number matching
    /// is on, `None` otherwise.
    Approve {
        /// Typed or picked value.
        number: Option<String>,
    },
    /// Deny with a reason.
    Deny {
        /// Why.
        reason: DenyReason,
    },
}
