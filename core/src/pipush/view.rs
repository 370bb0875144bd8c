//! privacyIDEA requests and answers in duet's protocol-neutral terms
//! ([`crate::push::PendingRequest`], [`crate::push::Answer`]), so the apps and the
//! CLI show one list and run one approve/deny flow for both protocols.

use super::account::PiPushAccount;
use super::protocol::{DenyReason, PiAnswer, PiPushRequest};
use crate::push::{self, NumberMatching, PendingRequest, PushProtocol};

/// The neutral view of a verified privacyIDEA request. The nonce is the request id.
pub fn pending(account_id: &str, account: &PiPushAccount, request: &PiPushRequest) -> PendingRequest {
    PendingRequest {
        protocol: PushProtocol::PrivacyIdea,
        account_id: account_id.to_string(),
        request_id: request.nonce.clone(),
        issuer: Some(account.issuer.clone()).filter(|s| !s.is_empty()),
        user: Some(account.label.clone()).filter(|s| !s.is_empty()),
        service: None,
        ip: None,
        location: None,
        client: None,
        // privacyIDEA signs `…|question|title|…`: text can move between the two fields under one
        // signature, so they are shown as one text and neither gets a place of its own.
        title: None,
        message: Some(signed_text(&request.title, &request.question)),
        matching: match &request.presence_options {
            Some(choices) => NumberMatching::Pick { choices: choices.clone() },
            None => NumberMatching::None,
        },
        issued_at: None,
        expires_at: None,
    }
}

/// Title and question as the one text a phone shows.
fn signed_text(title: &str, question: &str) -> String {
    if title.is_empty() { question.to_string() } else { format!("{title}: {question}") }
}

/// duet's answer in privacyIDEA terms: deny reasons map `not_me` to
/// `unknown_trigger` and `mistake` to `cancelled`; the picked number or text is
/// the presence answer.
pub fn answer(answer: &push::Answer) -> PiAnswer {
    match answer {
        push::Answer::Approve { number } => PiAnswer::Approve { presence: number.clone() },
        push::Answer::Deny { reason } => PiAnswer::Deny(match reason {
            push::DenyReason::NotMe => DenyReason::NotMe,
            push::DenyReason::Mistake => DenyReason::Mistake,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_question_are_one_text() {
        assert_eq!(signed_text("privacyIDEA", "Do you want to confirm the login?"), "privacyIDEA: Do you want to confirm the login?");
        assert_eq!(signed_text("", "Q?"), "Q?");
    }

    #[test]
    fn deny_reasons_map_to_privacyidea_values() {
        let not_me = answer(&push::Answer::Deny { reason: push::DenyReason::NotMe });
        let mistake = answer(&push::Answer::Deny { reason: push::DenyReason::Mistake });
        assert_eq!(not_me, PiAnswer::Deny(DenyReason::NotMe));
        assert_eq!(mistake, PiAnswer::Deny(DenyReason::Mistake));
        assert_eq!(DenyReason::NotMe.privacyidea_value(), "unknown_trigger");
        assert_eq!(DenyReason::Mistake.privacyidea_value(), "cancelled");
        assert_eq!(DenyReason::default(), DenyReason::Mistake);
    }
}
