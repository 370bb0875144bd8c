//! One authentication attempt: prompts, sign-in API calls and the verdict.
//!
//! The conversation is a trait so the flow does not depend on PAM's C types.

use crate::client::{Answer, CallError, Client, ClientInfo, Refusal, Signin};
use crate::config::Config;
use crate::decision::{self, Verdict};
use crate::syslog::Level;
use std::time::{Duration, Instant};

/// Talks to the person (PAM's conversation function).
pub trait Conversation {
    /// Shows `text` and returns what was typed; `None` if the conversation failed.
    fn ask(&self, text: &str, echo: bool) -> Option<String>;
    /// Shows a line (an error or information).
    fn tell(&self, text: &str);
}

/// Where log lines go (syslog in the module).
pub trait Log {
    fn log(&self, level: Level, msg: &str);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allow,
    Deny,
}

/// The longest a push is waited for after the prompt (the server expires it after 60 s).
const PUSH_WAIT: Duration = Duration::from_secs(90);

pub const PROMPT: &str = "Passcode, or press Enter for a push: ";

pub struct Attempt<'a> {
    pub cfg: &'a Config,
    pub client: &'a Client,
    pub user: &'a str,
    pub info: ClientInfo,
    pub conv: &'a dyn Conversation,
    pub log: &'a dyn Log,
    /// Whether the server has answered any call of this attempt (then the fail mode no longer applies).
    answered: bool,
}

/// What one prompt round led to.
enum Step {
    Done(Outcome),
    Again,
}

impl<'a> Attempt<'a> {
    pub fn new(
        cfg: &'a Config,
        client: &'a Client,
        user: &'a str,
        info: ClientInfo,
        conv: &'a dyn Conversation,
        log: &'a dyn Log,
    ) -> Self {
        Attempt { cfg, client, user, info, conv, log, answered: false }
    }

    pub fn run(&mut self) -> Outcome {
        for round in 0..self.cfg.prompts {
            let push = if self.cfg.autopush && round == 0 {
                true
            } else {
                let Some(typed) = self.conv.ask(PROMPT, false) else {
                    self.note(Level::Warning, "the conversation failed; denied");
                    return Outcome::Deny;
                };
                let typed = typed.trim().to_string();
                if typed.is_empty() || typed.eq_ignore_ascii_case("push") {
                    true
                } else {
                    match self.passcode(&typed) {
                        Step::Done(o) => return o,
                        Step::Again => continue,
                    }
                }
            };
            if push {
                match self.push() {
                    Step::Done(o) => return o,
                    Step::Again => continue,
                }
            }
        }
        self.note(Level::Warning, &format!("no success in {} prompts; denied", self.cfg.prompts));
        self.conv.tell("duet: too many attempts");
        Outcome::Deny
    }

    fn passcode(&mut self, code: &str) -> Step {
        if code.len() > 64 || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            self.conv.tell("duet: that is not a passcode (6 digits from the app, or a bypass code)");
            self.note(Level::Info, "typed text is not a passcode; asking again");
            return Step::Again;
        }
        let r = self.client.check_passcode(self.user, code, &self.info);
        let r = match r {
            Err(e) if decision::check_break_glass(e.failure, !self.answered, self.cfg.failmode) => {
                return Step::Done(self.unreachable_with_code(e, code));
            }
            r => r,
        };
        match self.answer(r) {
            Err(o) => Step::Done(o),
            Ok(Answer::Ok(s)) => self.final_status(&s, "passcode"),
            Ok(Answer::Refused(_, f)) => match f.error.as_str() {
                "E_SRV_PASSCODE_WRONG" | "E_SRV_PASSCODE_REUSED" => {
                    let why = if f.error == "E_SRV_PASSCODE_WRONG" { "wrong" } else { "already used" };
                    self.note(Level::Warning, &format!("passcode {why} ({})", f.error));
                    self.conv.tell(&format!("duet: passcode {why}"));
                    Step::Again
                }
                _ => self.refused(&f),
            },
        }
    }

    fn push(&mut self) -> Step {
        let r = self.client.start_push(self.user, &self.info);
        let s = match self.answer(r) {
            Err(o) => return Step::Done(o),
            Ok(Answer::Ok(s)) => s,
            Ok(Answer::Refused(_, f)) => {
                return match f.error.as_str() {
                    // The push is not possible now; a passcode still is.
                    "E_SRV_PUSH_MUTED" | "E_SRV_RATE_LIMITED" | "E_SRV_PUSH_SLOWED" | "E_SRV_PUSH_PENDING"
                    | "E_SRV_NO_DEVICE" => {
                        self.note(Level::Warning, &format!("push refused ({}); offering the passcode", f.error));
                        self.conv.tell(&format!("duet: no push now ({}); use a passcode", one_line(&f.message)));
                        Step::Again
                    }
                    _ => self.refused(&f),
                };
            }
        };
        if s.status != "pending" {
            return self.final_status(&s, "push");
        }
        let number = s.number.as_deref().filter(|n| !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()));
        let Some(number) = number else {
            self.note(Level::Error, &format!("signin={} the server sent no valid number; denied", s.id));
            return Step::Done(Outcome::Deny);
        };
        self.note(Level::Info, &format!("signin={} push sent", s.id));
        // Shown inside a prompt: OpenSSH before 10.3 holds info messages until the next prompt.
        if self.conv.ask(&format!("duet: type {number} in the app, then press Enter"), true).is_none() {
            self.note(Level::Warning, &format!("signin={} the conversation failed; denied", s.id));
            return Step::Done(Outcome::Deny);
        }
        let start = Instant::now();
        loop {
            let r = self.client.status(&s.id);
            let now = match self.answer(r) {
                Err(o) => return Step::Done(o),
                Ok(Answer::Ok(now)) => now,
                Ok(Answer::Refused(_, f)) => return self.refused(&f),
            };
            if now.id != s.id {
                self.note(Level::Error, &format!("signin={} the server answered for another sign-in; denied", s.id));
                return Step::Done(Outcome::Deny);
            }
            if now.status != "pending" {
                return self.final_status(&now, "push");
            }
            if start.elapsed() > PUSH_WAIT {
                self.note(Level::Warning, &format!("signin={} no answer in time; denied", s.id));
                self.conv.tell("duet: no answer from the app in time");
                return Step::Done(Outcome::Deny);
            }
            std::thread::sleep(crate::client::POLL_FLOOR);
        }
    }

    fn final_status(&self, s: &Signin, how: &str) -> Step {
        let (outcome, said) = match s.status.as_str() {
            "approved" => (Outcome::Allow, "approved"),
            "exempt" => (Outcome::Allow, "service account, exempt"),
            "denied" => (Outcome::Deny, "denied in the app"),
            "fraud" => (Outcome::Deny, "reported as fraud in the app"),
            "expired" => (Outcome::Deny, "expired"),
            "failed_number" => (Outcome::Deny, "wrong number typed in the app"),
            _ => (Outcome::Deny, "unexpected status"),
        };
        let level = if outcome == Outcome::Allow { Level::Info } else { Level::Warning };
        let verdict = if outcome == Outcome::Allow { "allowed" } else { "denied" };
        self.note(level, &format!("signin={} {how} {said}; {verdict}", s.id));
        if outcome == Outcome::Deny {
            self.conv.tell(&format!("duet: sign-in {said}"));
        }
        Step::Done(outcome)
    }

    fn refused(&self, f: &Refusal) -> Step {
        self.note(Level::Warning, &format!("server refused: {} {}; denied", f.error, one_line(&f.message)));
        let shown = match f.error.as_str() {
            "E_SRV_USER_UNKNOWN" => "duet: this user is not known to the sign-in server".to_string(),
            "E_SRV_LOCKED_OUT" => "duet: passcodes are locked after too many wrong ones; ask the helpdesk".to_string(),
            _ => format!("duet: sign-in refused ({})", f.error),
        };
        self.conv.tell(&shown);
        Step::Done(Outcome::Deny)
    }

    /// The server cannot be reached in `failmode = secure`: a break-glass code may still open.
    fn unreachable_with_code(&mut self, e: CallError, code: &str) -> Outcome {
        let ok = match &self.cfg.break_glass_file {
            None => false,
            Some(path) => match crate::breakglass::try_use(path, code) {
                Ok(ok) => ok,
                Err(why) => {
                    self.note(Level::Error, &format!("break-glass file refused: {why}"));
                    false
                }
            },
        };
        match decision::on_failure(e.failure, !self.answered, self.cfg.failmode, ok) {
            Verdict::AllowBreakGlass => {
                self.note(
                    Level::Error,
                    &format!("BREAK-GLASS code used while the server is unreachable ({}); allowed, code spent", e.detail),
                );
                Outcome::Allow
            }
            _ => self.deny_unreachable(&e),
        }
    }

    fn deny_unreachable(&self, e: &CallError) -> Outcome {
        let what = if e.failure == decision::Failure::Connect { "unreachable" } else { "failed" };
        self.note(Level::Error, &format!("server {what} ({}); denied", e.detail));
        self.conv.tell("duet: the sign-in server cannot be reached");
        Outcome::Deny
    }

    /// Applies the fail-mode rule to a call's result.
    fn answer(&mut self, r: Result<Answer, CallError>) -> Result<Answer, Outcome> {
        match r {
            Ok(a) => {
                self.answered = true;
                Ok(a)
            }
            Err(e) => match decision::on_failure(e.failure, !self.answered, self.cfg.failmode, false) {
                Verdict::AllowUnreachable => {
                    self.note(Level::Warning, &format!("server unreachable ({}); allowed by failmode=safe", e.detail));
                    Err(Outcome::Allow)
                }
                Verdict::Deny | Verdict::AllowBreakGlass => Err(self.deny_unreachable(&e)),
            },
        }
    }

    fn note(&self, level: Level, msg: &str) {
        self.log.log(level, &format!("user={} {msg}", crate::syslog::clean(self.user)));
    }
}

/// A server message on one bounded line.
fn one_line(s: &str) -> String {
    crate::syslog::clean(&s.chars().take(160).collect::<String>())
}
