//! The pre-check an application makes before it prompts: what the user can sign in with.
//!
//! It tells a trusted application (the API key holder) whether a user exists, is a service
//! account, or has a device that takes pushes; nothing more (no device names, no counts). An
//! application learns the same from a refused sign-in, so the pre-check reveals nothing new to it
//! (docs/server.md, "What an application learns about users").

use super::{audit, devices, users};
use crate::error::ServerError;
use crate::state::State;
use serde::{Deserialize, Serialize};

/// Body of `POST /api/v1/preauth`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preauth {
    /// User name (matched as sign-ins match it: case, `--strip-upn-domain`).
    pub user: String,
}

/// What the application should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A service account: let it through without a second factor (recorded in the audit log).
    Exempt,
    /// The user has an active device: offer a push or a passcode.
    Auth,
    /// No active device: only a helpdesk bypass code can work, so offer passcodes only.
    NoDevice,
    /// No such user.
    Unknown,
}

/// The answer.
#[derive(Debug, Serialize)]
pub struct PreauthView {
    /// The verdict.
    pub result: Verdict,
}

/// Answers the pre-check for `body.user`. An exempt answer lets the user in, so it is audited
/// like a service account's sign-in.
pub fn check(st: &State, body: &Preauth) -> Result<PreauthView, ServerError> {
    let conn = st.db();
    let Some(user) = users::find(&conn, &body.user, st.config.name_rules)? else {
        return Ok(PreauthView { result: Verdict::Unknown });
    };
    let result = if user.service_account {
        audit::record(&conn, st.now(), "api", "service_account_preauth", Some(&user.name), "")?;
        Verdict::Exempt
    } else if devices::active_for_user(&conn, user.id)?.is_empty() {
        Verdict::NoDevice
    } else {
        Verdict::Auth
    };
    Ok(PreauthView { result })
}
