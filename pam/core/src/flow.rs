//! One authentication attempt: prompts, sign-in API calls and the verdict.
//!
//! The conversation is a trait so the flow does not depend on PAM's C types.

use crate::client::{CallError, Client, ClientInfo, Preauth, Refusal, Reply, Signin};
use crate::codes;
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
/// For a user without a device for pushes (the pre-check said `no_device`).
pub const PASSCODE_ONLY: &str = "Passcode: ";
/// Only while the server cannot be reached, in `failmode = secure`, with a break-glass file.
pub const BREAK_GLASS_PROMPT: &str = "Break-glass code: ";

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
        // The pre-check is the attempt's first call: the only one the fail mode applies to.
        let push_possible = match self.client.preauth(self.user) {
            Err(e) => return self.first_call_failed(e),
            Ok(Reply::Refused(_, f)) => {
                self.answered = true;
                self.refused(&f);
                return Outcome::Deny;
            }
            Ok(Reply::Ok(p)) => {
                self.answered = true;
                match p {
                    Preauth::Exempt => {
                        self.note(Level::Info, "preauth: service account, exempt; allowed");
                        return Outcome::Allow;
                    }
                    Preauth::Unknown => {
                        self.fail(Level::Warning, "E_SRV_USER_UNKNOWN", "preauth: the user is not known to the server; denied");
                        self.conv.tell("duet: this user is not known to the sign-in server");
                        return Outcome::Deny;
                    }
                    Preauth::NoDevice => {
                        self.note(Level::Info, "preauth: no device for pushes; offering passcodes only");
                        false
                    }
                    Preauth::Auth => true,
                }
            }
        };
        let prompt = if push_possible { PROMPT } else { PASSCODE_ONLY };
        for round in 0..self.cfg.prompts {
            if !(push_possible && self.cfg.autopush && round == 0) {
                let Some(typed) = self.conv.ask(prompt, false) else {
                    self.fail(Level::Warning, codes::CONVERSATION, "the conversation failed; denied");
                    return Outcome::Deny;
                };
                let typed = typed.trim();
                if !typed.is_empty() && !typed.eq_ignore_ascii_case("push") {
                    match self.passcode(typed) {
                        Step::Done(o) => return o,
                        Step::Again => continue,
                    }
                }
                if !push_possible {
                    self.conv.tell("duet: no device for pushes is enrolled; type a passcode");
                    continue;
                }
            }
            match self.push() {
                Step::Done(o) => return o,
                Step::Again => continue,
            }
        }
        self.fail(Level::Warning, codes::PROMPTS_USED, &format!("no success in {} prompts; denied", self.cfg.prompts));
        self.conv.tell("duet: too many attempts");
        Outcome::Deny
    }

    /// The pre-check got no answer: the fail mode, and in `secure` a break-glass code, decide.
    fn first_call_failed(&mut self, e: CallError) -> Outcome {
        if !decision::check_break_glass(e.failure, true, self.cfg.failmode) || self.cfg.break_glass_file.is_none() {
            return match self.answer::<Preauth>(Err(e)) {
                Err(o) => o,
                Ok(_) => Outcome::Deny,
            };
        }
        self.conv.tell("duet: the sign-in server cannot be reached");
        let Some(code) = self.conv.ask(BREAK_GLASS_PROMPT, false) else {
            self.fail(Level::Warning, codes::CONVERSATION, "the conversation failed; denied");
            return Outcome::Deny;
        };
        self.unreachable_with_code(e, code.trim())
    }

    fn passcode(&mut self, code: &str) -> Step {
        if code.len() > 64 || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            self.conv.tell("duet: that is not a passcode (6 digits from the app, or a bypass code)");
            self.fail(Level::Info, codes::NOT_PASSCODE, "typed text is not a passcode; asking again");
            return Step::Again;
        }
        let r = self.client.check_passcode(self.user, code, &self.info);
        match self.answer(r) {
            Err(o) => Step::Done(o),
            Ok(Reply::Ok(s)) => self.final_status(&s, "passcode"),
            Ok(Reply::Refused(_, f)) => match f.error.as_str() {
                "E_SRV_PASSCODE_WRONG" | "E_SRV_PASSCODE_REUSED" => {
                    let why = if f.error == "E_SRV_PASSCODE_WRONG" { "wrong" } else { "already used" };
                    self.fail(Level::Warning, &f.error, &format!("passcode {why}"));
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
            Ok(Reply::Ok(s)) => s,
            Ok(Reply::Refused(_, f)) => {
                return match f.error.as_str() {
                    // The push is not possible now; a passcode still is.
                    "E_SRV_PUSH_MUTED" | "E_SRV_RATE_LIMITED" | "E_SRV_PUSH_SLOWED" | "E_SRV_PUSH_PENDING"
                    | "E_SRV_NO_DEVICE" => {
                        self.fail(Level::Warning, &f.error, "push refused; offering the passcode");
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
            self.fail(Level::Error, codes::SERVER_FAILED, &format!("signin={} the server sent no valid number; denied", s.id));
            return Step::Done(Outcome::Deny);
        };
        self.note(Level::Info, &format!("signin={} push sent", s.id));
        // Shown inside a prompt: OpenSSH before 10.3 holds info messages until the next prompt.
        if self.conv.ask(&format!("duet: type {number} in the app, then press Enter"), true).is_none() {
            self.fail(Level::Warning, codes::CONVERSATION, &format!("signin={} the conversation failed; denied", s.id));
            return Step::Done(Outcome::Deny);
        }
        let start = Instant::now();
        loop {
            let r = self.client.status(&s.id);
            let now = match self.answer(r) {
                Err(o) => return Step::Done(o),
                Ok(Reply::Ok(now)) => now,
                Ok(Reply::Refused(_, f)) => return self.refused(&f),
            };
            if now.id != s.id {
                self.fail(Level::Error, codes::SERVER_FAILED, &format!("signin={} the server answered for another sign-in; denied", s.id));
                return Step::Done(Outcome::Deny);
            }
            if now.status != "pending" {
                return self.final_status(&now, "push");
            }
            if start.elapsed() > PUSH_WAIT {
                self.fail(Level::Warning, codes::PUSH_NO_ANSWER, &format!("signin={} no answer in time; denied", s.id));
                self.conv.tell("duet: no answer from the app in time");
                return Step::Done(Outcome::Deny);
            }
            std::thread::sleep(crate::client::POLL_FLOOR);
        }
    }

    fn final_status(&self, s: &Signin, how: &str) -> Step {
        let (code, said) = match s.status.as_str() {
            "approved" => (None, "approved"),
            "exempt" => (None, "service account, exempt"),
            "denied" => (Some(codes::PUSH_DENIED), "denied in the app"),
            "fraud" => (Some(codes::PUSH_FRAUD), "reported as fraud in the app"),
            "expired" => (Some(codes::PUSH_EXPIRED), "expired"),
            "failed_number" => (Some(codes::PUSH_WRONG_NUMBER), "wrong number typed in the app"),
            _ => (Some(codes::SERVER_FAILED), "unexpected status"),
        };
        match code {
            None => {
                self.note(Level::Info, &format!("signin={} {how} {said}; allowed", s.id));
                Step::Done(Outcome::Allow)
            }
            Some(code) => {
                self.fail(Level::Warning, code, &format!("signin={} {how} {said}; denied", s.id));
                self.conv.tell(&format!("duet: sign-in {said}"));
                Step::Done(Outcome::Deny)
            }
        }
    }

    fn refused(&self, f: &Refusal) -> Step {
        self.fail(Level::Warning, &f.error, &format!("server refused: {}; denied", one_line(&f.message)));
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
                    self.fail(Level::Error, codes::BREAK_GLASS_FILE, &format!("break-glass file refused: {why}"));
                    false
                }
            },
        };
        match decision::on_failure(e.failure, !self.answered, self.cfg.failmode, ok) {
            Verdict::AllowBreakGlass => {
                self.fail(
                    Level::Error,
                    codes::BREAK_GLASS_USED,
                    &format!("BREAK-GLASS code used while the server is unreachable ({}); allowed, code spent", e.detail),
                );
                Outcome::Allow
            }
            _ => {
                if !ok && !code.is_empty() {
                    self.note(Level::Warning, "the typed break-glass code is not an unused one");
                }
                self.deny_unreachable(&e)
            }
        }
    }

    fn deny_unreachable(&self, e: &CallError) -> Outcome {
        let (code, what) = if e.failure == decision::Failure::Connect && !self.answered {
            (codes::UNREACHABLE, "unreachable")
        } else {
            (codes::SERVER_FAILED, "failed")
        };
        self.fail(Level::Error, code, &format!("server {what} ({}); denied", e.detail));
        self.conv.tell("duet: the sign-in server cannot be reached");
        Outcome::Deny
    }

    /// Applies the fail-mode rule to a call's result.
    fn answer<T>(&mut self, r: Result<Reply<T>, CallError>) -> Result<Reply<T>, Outcome> {
        match r {
            Ok(a) => {
                self.answered = true;
                Ok(a)
            }
            Err(e) => match decision::on_failure(e.failure, !self.answered, self.cfg.failmode, false) {
                Verdict::AllowUnreachable => {
                    self.fail(Level::Warning, codes::FAIL_SAFE, &format!("server unreachable ({}); allowed by failmode=safe", e.detail));
                    Err(Outcome::Allow)
                }
                Verdict::Deny | Verdict::AllowBreakGlass => Err(self.deny_unreachable(&e)),
            },
        }
    }

    fn note(&self, level: Level, msg: &str) {
        self.log.log(level, &format!("user={} {msg}", crate::syslog::clean(self.user)));
    }

    /// A refusal or failure: the line carries its stable code (the module's, or the server's).
    fn fail(&self, level: Level, code: &str, msg: &str) {
        self.note(level, &format!("code={} {msg}", crate::syslog::clean(code)));
    }
}

/// A server message on one bounded line.
fn one_line(s: &str) -> String {
    crate::syslog::clean(&s.chars().take(160).collect::<String>())
}
