//! Settings of one server instance: URLs, names, and the limits the services enforce.

/// Settings of one server instance.
#[derive(Clone, Debug)]
pub struct Config {
    /// The base URL phones and browsers reach this server at (goes into enrollment links).
    pub public_url: String,
    /// Organisation name shown on the phone.
    pub issuer: String,
    /// How user names are matched.
    pub name_rules: NameRules,
    /// Push-fatigue and passcode limits.
    pub limits: Limits,
    /// Enrollment lifetime in seconds.
    pub enrollment_ttl: u64,
    /// Largest request body accepted, bytes.
    pub max_body: usize,
    /// The server itself serves TLS: cookies get `Secure`, answers get HSTS.
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Limits on connections, so slow or idle clients cannot hold the server.
    pub connections: ConnectionLimits,
}

/// How long a client may take and how many connections are served at once.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Time to send a request's headers, counted from when the server waits for them, so it
    /// also closes idle keep-alive connections.
    pub header_timeout: std::time::Duration,
    /// Time for a whole request, body included (above the longest sign-in status wait).
    pub request_timeout: std::time::Duration,
    /// Connections served at once; more are closed at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: std::time::Duration::from_secs(10),
            request_timeout: std::time::Duration::from_secs(45),
            max_connections: 1024,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_url: "http://127.0.0.1:8440".into(),
            issuer: "duet".into(),
            name_rules: NameRules::default(),
            limits: Limits::default(),
            enrollment_ttl: 15 * 60,
            max_body: 64 * 1024,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            connections: ConnectionLimits::default(),
        }
    }
}

/// How incoming user names are normalised.
#[derive(Clone, Copy, Debug, Default)]
pub struct NameRules {
    /// Match `name@domain` on the part before `@`.
    pub strip_upn_domain: bool,
}

/// Tunables of the push-fatigue and passcode defences (see `services::signins`).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Pushes allowed per user per window.
    pub rate_limit: u32,
    /// The rate window in seconds.
    pub rate_window: u64,
    /// How long pushes stay muted after `not_me`.
    pub mute_secs: u64,
    /// Pause of pushes after a wrong number (doubling with each one in a row).
    pub wrong_number_pause: u64,
    /// Longest pause after wrong numbers.
    pub wrong_number_pause_cap: u64,
    /// How long a push waits for an answer.
    pub push_ttl: u64,
    /// Wrong passcodes in a row before lockout.
    pub max_passcode_failures: i64,
    /// How long a first passcode lockout lasts (each further one within a day doubles it).
    pub lockout_secs: u64,
    /// Longest passcode lockout.
    pub lockout_cap_secs: u64,
    /// Wrong passcodes from one client address (across users) before it is locked out.
    pub client_passcode_failures: u32,
    /// The window those are counted in.
    pub client_window_secs: u64,
    /// How long a client address stays locked out of passcode sign-in.
    pub client_lockout_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            rate_limit: 5,
            rate_window: 600,
            mute_secs: 20 * 60,
            wrong_number_pause: 5 * 60,
            wrong_number_pause_cap: 15 * 60,
            push_ttl: 60,
            max_passcode_failures: 5,
            lockout_secs: 15 * 60,
            lockout_cap_secs: 4 * 3600,
            client_passcode_failures: 20,
            client_window_secs: 3600,
            client_lockout_secs: 3600,
        }
    }
}
