//! The real reference server (`duet-server`) for end-to-end tests: listening on 127.0.0.1 on
//! an ephemeral port, a throwaway SQLite database, and a manual clock the test sets, so
//! expiry and "answered elsewhere" take no waiting.
//!
//! Its public URL stays `https://mfa.example.com`: that is what enrollment links and signed
//! requests name. A test's phone reaches the server through [`TestServer::http`], which sends
//! the request over loopback TCP to the listening server. [`TestServer::start_own_url`] instead
//! names the server's own loopback URL, so a real client (the `duet` CLI phone) reaches it
//! directly.

use std::sync::Arc;

use duet_server::clock::ManualClock;
use duet_server::config::Limits;
use duet_server::run::{Background, Options};
use duet_server::services::enrollments::{self, Enrollment};
use duet_server::services::signin_start::{self, ClientInfo, Method, SigninView, StartSignin};
use duet_server::services::{apps, devices, signins, users};
use duet_server::state::KeyedVerifier;
use duet_server::verifier::{DeviceRecord, MatchMode, SignIn, SignInStatus};
use duet_server::{Config, ServerError, State};

/// The public URL enrollment links and requests name.
pub const URL: &str = "https://mfa.example.com";
/// The organisation name phones show.
pub const ISSUER: &str = "Example Corp";
/// Seconds a push waits for an answer.
pub const PUSH_TTL: u64 = 120;
/// Seconds an enrollment stays valid.
pub const ENROLLMENT_TTL: u64 = 600;

/// A running reference server with a manual clock.
pub struct TestServer {
    // Dropped first: the server stops before its data directory is removed.
    server: Background,
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    agent: ureq::Agent,
    app_id: i64,
    /// API key of the application created at start-up.
    pub api_key: String,
}

impl TestServer {
    /// Starts a server whose clock stands at `now`.
    pub fn start(now: u64) -> Result<Self, ServerError> {
        Self::start_at(now, ([127, 0, 0, 1], 0).into(), URL)
    }

    /// Starts a server whose clock stands at `now` and whose public URL is its own
    /// `http://127.0.0.1:PORT`, so enrollment links lead a real client straight to it.
    pub fn start_own_url(now: u64) -> Result<Self, ServerError> {
        // A free port, released just before the server binds it (loopback, test machine).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| ServerError::Config(e.to_string()))?
            .port();
        Self::start_at(now, ([127, 0, 0, 1], port).into(), &format!("http://127.0.0.1:{port}"))
    }

    fn start_at(now: u64, listen: std::net::SocketAddr, public_url: &str) -> Result<Self, ServerError> {
        let dir = tempfile::tempdir().map_err(|e| ServerError::Config(e.to_string()))?;
        let pw = dir.path().join("admin-password");
        std::fs::write(&pw, "test-admin-password").map_err(|e| ServerError::Config(e.to_string()))?;
        let opts = Options {
            listen,
            db_path: dir.path().join("server.sqlite"),
            key_file: dir.path().join("server.key"),
            admin_name: "admin".into(),
            admin_password_file: Some(pw),
            admin_factor_file: None,
            tls: None,
            public_url: Some(public_url.into()),
            rotate_key: false,
        };
        // Tests start many sign-ins in a short (manual) time: only the rate limit is lifted.
        let limits = Limits { rate_limit: 10_000, push_ttl: PUSH_TTL, ..Limits::default() };
        let config = Config { issuer: ISSUER.into(), limits, enrollment_ttl: ENROLLMENT_TTL, ..Config::default() };
        let clock = Arc::new(ManualClock::new(now));
        let server = Background::start(opts, config, clock.clone(), 2)?;
        let (app, api_key) = apps::create(&server.state.db(), "e2e tests", now)?;
        // Refusals are answers to check, not transport errors.
        let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
        Ok(TestServer { server, _dir: dir, clock, agent, app_id: app.id, api_key })
    }

    /// The server's state (its services take it).
    pub fn state(&self) -> &Arc<State> {
        &self.server.state
    }

    /// The loopback base URL the server listens on (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// Sets the server's clock.
    pub fn set_now(&self, now: u64) {
        self.clock.set(now);
    }

    /// Moves the server's clock forward.
    pub fn advance(&self, secs: u64) {
        self.clock.advance(secs);
    }

    /// The verifier with the current server key.
    pub fn verifier(&self) -> Arc<KeyedVerifier> {
        self.state().verifier()
    }

    /// The fingerprint of the server's current key, as the helpdesk page shows it.
    pub fn fingerprint(&self) -> String {
        duet_core::push::wire::fingerprint(&self.state().verifier().verifier.server_public_key())
    }

    /// Creates an enrollment for `user` (created if new) at `now`.
    pub fn enroll(&self, user: &str, now: u64) -> Result<Enrollment, ServerError> {
        self.set_now(now);
        let st = self.state();
        let u = users::find_or_create(&st.db(), user, st.config.name_rules, now)?;
        enrollments::create(st, &u)
    }

    /// Sends `METHOD PATH` with `body` over loopback TCP at server time `now`; returns the
    /// HTTP status and body.
    pub fn http(&self, method: &str, path: &str, body: &[u8], now: u64) -> Result<(u16, Vec<u8>), String> {
        self.set_now(now);
        let url = format!("{}{path}", self.base_url());
        let resp = match method {
            "GET" => self.agent.get(&url).call(),
            "POST" => self.agent.post(&url).header("content-type", "application/json").send(body),
            other => return Err(format!("unsupported method {other}")),
        };
        let mut resp = resp.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let bytes = resp.body_mut().read_to_vec().map_err(|e| e.to_string())?;
        Ok((status, bytes))
    }

    /// Starts a push sign-in for `user` from the start-up application at `now`.
    pub fn start_sign_in(&self, user: &str, service: &str, matching: MatchMode, now: u64) -> Result<SigninView, ServerError> {
        self.set_now(now);
        let body = StartSignin {
            user: user.into(),
            method: Method::Push,
            passcode: None,
            client: ClientInfo {
                app: Some(service.into()),
                ip: Some("203.0.113.7".into()),
                location: Some("Berlin, DE".into()),
                browser: Some("Firefox on Windows".into()),
            },
        };
        let view = signin_start::start(self.state(), Some(self.app_id), &body, matching)?;
        self.state().changed.notify_waiters();
        Ok(view)
    }

    /// The stored protocol state of a sign-in, as the verifier last left it.
    pub fn sign_in(&self, cid: &str) -> Option<SignIn> {
        let state = signins::request_state(&self.state().db(), cid).ok()??;
        serde_json::from_slice(&state).ok()
    }

    /// A sign-in's protocol status at `now`.
    pub fn status(&self, cid: &str, now: u64) -> Option<SignInStatus> {
        self.set_now(now);
        self.sign_in(cid).map(|mut s| s.refresh(now as i64))
    }

    /// A sign-in's status as the server's records keep it (`fraud`, `failed_number`, ...).
    pub fn signin_status(&self, cid: &str) -> Option<&'static str> {
        signins::get(&self.state().db(), cid).ok()?.map(|s| s.status.as_str())
    }

    /// The exact request body the server sends device `aid` for sign-in `cid`.
    pub fn request_body(&self, cid: &str, aid: &str) -> Option<Vec<u8>> {
        self.sign_in(cid)?.request_for(aid).map(|i| i.body.clone())
    }

    /// The push token (provider, token) stored for an account.
    pub fn push_token(&self, aid: &str) -> Option<(String, String)> {
        devices::push_token(&self.state().db(), aid).ok()?
    }

    /// The verifier record (registered key etc.) of an active account.
    pub fn device(&self, aid: &str) -> Option<DeviceRecord> {
        let conn = self.state().db();
        let d = devices::by_account(&conn, aid).ok()??;
        devices::record(&conn, self.state().seal(), d.id).ok()
    }
}
