//! `pam_duet`: a PAM module that asks duet's sign-in API for a second factor (a push with number
//! matching, or a passcode) during `auth`. Only the PAM glue is here; the logic, free of libpam,
//! is `duet-pam-core` (pam/core). See docs/pam.md.

use duet_pam_core::{client, codes, config, flow, groups, syslog, system};

use pam::constants::{PAM_ERROR_MSG, PAM_PROMPT_ECHO_OFF, PAM_PROMPT_ECHO_ON, PamFlag, PamResultCode};
use pam::conv::Conv;
use pam::module::{PamHandle, PamHooks};
use std::ffi::CStr;
use duet_pam_core::syslog::Level;

struct PamDuet;
pam::pam_hooks!(PamDuet);

impl PamHooks for PamDuet {
    fn sm_authenticate(pamh: &mut PamHandle, args: Vec<&CStr>, _flags: PamFlag) -> PamResultCode {
        authenticate(pamh, &args)
    }

    // The second factor grants no credentials of its own.
    fn sm_setcred(_pamh: &mut PamHandle, _args: Vec<&CStr>, _flags: PamFlag) -> PamResultCode {
        PamResultCode::PAM_SUCCESS
    }
}

struct PamConv<'a>(Option<Conv<'a>>);

impl flow::Conversation for PamConv<'_> {
    fn ask(&self, text: &str, echo: bool) -> Option<String> {
        let style = if echo { PAM_PROMPT_ECHO_ON } else { PAM_PROMPT_ECHO_OFF };
        let r = self.0.as_ref()?.send(style, text).ok()?;
        // No response at all (some clients) reads as an empty line.
        Some(r.map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned()).unwrap_or_default())
    }
    fn tell(&self, text: &str) {
        if let Some(c) = &self.0 {
            let _ = c.send(PAM_ERROR_MSG, text);
        }
    }
}

struct Syslog<'a>(&'a str);

impl flow::Log for Syslog<'_> {
    fn log(&self, level: Level, msg: &str) {
        syslog::log(level, self.0, msg);
    }
}

fn item_str<'a, T: pam::items::Item<'a> + std::ops::Deref<Target = &'a CStr>>(pamh: &'a PamHandle) -> Option<String> {
    pamh.get_item::<T>().ok().flatten().map(|v| v.to_string_lossy().into_owned())
}

fn authenticate(pamh: &mut PamHandle, args: &[&CStr]) -> PamResultCode {
    let service = item_str::<pam::items::Service>(pamh).unwrap_or_else(|| "?".into());
    let log = |level, msg: &str| syslog::log(level, &service, msg);

    let args: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let cfg = match config::conf_path(&args).and_then(|p| {
        system::check_file(&p, false)?;
        let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        config::parse(&text).map_err(|e| format!("{}: {e}", p.display()))
    }) {
        Ok(c) => c,
        Err(e) => {
            log(Level::Error, &format!("code={} configuration refused: {e}; denied", codes::CONFIG));
            return PamResultCode::PAM_AUTH_ERR;
        }
    };

    let user = match pamh.get_user(None) {
        Ok(u) => u,
        Err(_) => {
            log(Level::Error, &format!("code={} no user name from PAM; denied", codes::USER_NAME));
            return PamResultCode::PAM_AUTH_ERR;
        }
    };
    if user.is_empty() || user.chars().any(char::is_control) || user.len() > 256 {
        let why = "is empty, too long or holds control characters; denied";
        log(Level::Error, &format!("code={} user name `{}` {why}", codes::USER_NAME, syslog::clean(&user)));
        return PamResultCode::PAM_AUTH_ERR;
    }

    if !cfg.groups.is_empty() {
        match system::groups_of(&user) {
            Ok(g) if !groups::needs_second_factor(&cfg.groups, &g) => {
                log(Level::Info, &format!("user={} not in the configured groups; passes without a second factor", syslog::clean(&user)));
                return PamResultCode::PAM_SUCCESS;
            }
            Ok(_) => {}
            Err(e) => {
                log(Level::Error, &format!("user={} code={} {e}; denied", syslog::clean(&user), codes::GROUPS));
                return PamResultCode::PAM_AUTH_ERR;
            }
        }
    }

    let client = match system::read_api_key(&cfg.api_key_file).and_then(|k| client::Client::new(&cfg, &k)) {
        Ok(c) => c,
        Err(e) => {
            log(Level::Error, &format!("code={} configuration refused: {e}; denied", codes::CONFIG));
            return PamResultCode::PAM_AUTH_ERR;
        }
    };

    let mut info = client::ClientInfo::default();
    if cfg.pushinfo {
        let host = system::hostname();
        // For sudo the phone also shows the command (sudo's own command line, cut and cleaned).
        let command = (service == "sudo")
            .then(|| std::fs::read("/proc/self/cmdline").ok())
            .flatten()
            .and_then(|c| client::sudo_command(&c));
        info.app = match command {
            Some(cmd) => client::field(&format!("{service} on {host}: {cmd}")),
            None => client::field(&format!("{service} on {host}")),
        };
        info.ip = item_str::<pam::items::RHost>(pamh).and_then(|s| client::field(&s));
        info.browser = item_str::<pam::items::Tty>(pamh).and_then(|s| client::field(&s));
    }

    let conv = PamConv(pamh.get_item::<Conv>().ok().flatten());
    let sink = Syslog(&service);
    let mut attempt = flow::Attempt::new(&cfg, &client, &user, info, &conv, &sink);
    match attempt.run() {
        flow::Outcome::Allow => PamResultCode::PAM_SUCCESS,
        flow::Outcome::Deny => PamResultCode::PAM_AUTH_ERR,
    }
}
