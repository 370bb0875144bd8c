//! In-process harness for the server's HTTP tests: a fresh in-memory server with a
//! manual clock, and helpers that send real HTTP requests through the router.
#![allow(dead_code)]

pub mod phone;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use duet_server::clock::ManualClock;
use duet_server::services::admin;
use duet_server::storage::db;
use duet_server::storage::seal::SealKey;
use duet_server::{Config, State};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

pub const T0: u64 = 1_800_000_000;
pub const ADMIN_PW: &str = "correct horse battery";
/// The first admin's authenticator secret (20 bytes), given at creation like
/// `duet serve --admin-factor-file` does.
pub const ADMIN_TOTP: &[u8; 20] = b"admin-factor-secret!";

pub struct Harness {
    pub state: Arc<State>,
    pub clock: Arc<ManualClock>,
    pub app: axum::Router,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
    pub fn code(&self) -> String {
        self.json()["error"].as_str().unwrap_or("").to_string()
    }
    pub fn location(&self) -> String {
        self.headers.get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    }
}

impl Harness {
    pub fn new() -> Self {
        Self::with_config(Config::default())
    }

    pub fn with_config(config: Config) -> Self {
        let conn = db::open(None).unwrap();
        admin::ensure_first_admin(&conn, "admin", ADMIN_PW, T0).unwrap();
        let clock = Arc::new(ManualClock::new(T0));
        let seal = SealKey::new(&[0x42; 32]).unwrap();
        duet_server::services::admin_factor::enroll_with_secret(&conn, &seal, &config.issuer, "admin", ADMIN_TOTP, T0).unwrap();
        let state = State::new(conn, seal, clock.clone(), config).unwrap();
        let app = duet_server::build(state.clone());
        Harness { state, clock, app }
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let r = self.app.clone().oneshot(req).await.unwrap();
        let status = r.status();
        let headers = r.headers().clone();
        let bytes = r.into_body().collect().await.unwrap().to_bytes();
        Resp { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Resp {
        let mut b = Request::get(path);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&self, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Resp {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", urlenc(k), urlenc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// A form post arriving on a connection from `peer`, with extra headers.
    pub async fn post_form_from(&self, peer: &str, headers: &[(&str, &str)], path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = fields.iter().map(|(k, v)| format!("{}={}", urlenc(k), urlenc(v))).collect::<Vec<_>>().join("&");
        let mut b = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .extension(axum::extract::ConnectInfo(peer_addr(peer)));
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// A GET arriving on a connection from `peer`.
    pub async fn get_from(&self, peer: &str, path: &str) -> Resp {
        self.send(Request::get(path).extension(axum::extract::ConnectInfo(peer_addr(peer))).body(Body::empty()).unwrap()).await
    }

    pub async fn post_json(&self, path: &str, api_key: Option<&str>, body: &str) -> Resp {
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(k) = api_key {
            b = b.header(header::AUTHORIZATION, format!("Bearer {k}"));
        }
        self.send(b.body(Body::from(body.to_string())).unwrap()).await
    }

    pub async fn get_api(&self, path: &str, api_key: Option<&str>) -> Resp {
        let mut b = Request::get(path);
        if let Some(k) = api_key {
            b = b.header(header::AUTHORIZATION, format!("Bearer {k}"));
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// The first admin's authenticator code now (the core's generator as the authenticator).
    pub fn admin_code(&self) -> String {
        let secret = duet_core::secret::Secret::new(ADMIN_TOTP.to_vec());
        duet_core::otp::code(&secret, &duet_core::otp::OtpParams::totp_default(), self.state.now()).unwrap()
    }

    /// The password step of the first admin's login; returns the half-signed-in session's cookie.
    pub async fn login_password(&self) -> String {
        let r = self.post_form("/helpdesk/login", None, &[("name", "admin"), ("password", ADMIN_PW)]).await;
        assert!(r.status.is_redirection(), "login failed: {} {}", r.status, r.body);
        assert_eq!(r.location(), "/helpdesk/factor");
        let set = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"));
        set.split(';').next().unwrap().to_string()
    }

    /// Posts `code` on the second-factor page of the session `cookie`.
    pub async fn post_factor(&self, cookie: &str, code: &str) -> Resp {
        let page = self.get("/helpdesk/factor", Some(cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let csrf = extract_between(&page.body, "name=\"csrf\" value=\"", "\"").expect("csrf field");
        self.post_form("/helpdesk/factor", Some(cookie), &[("csrf", &csrf), ("code", code)]).await
    }

    /// Logs in as the first admin with both factors; returns (cookie header value, csrf token).
    /// A code works once, so a second login in the same 30 s waits (on the manual clock) for
    /// the next one.
    pub async fn login(&self) -> (String, String) {
        let cookie = self.login_password().await;
        let last: i64 = self.state.db().query_row("SELECT totp_last_step FROM admins WHERE name = 'admin'", [], |r| r.get(0)).unwrap();
        let now = self.state.now();
        if last >= 0 && now / 30 <= last as u64 {
            self.clock.set((last as u64 + 1) * 30);
        }
        let r = self.post_factor(&cookie, &self.admin_code()).await;
        assert!(r.status.is_redirection() && r.location() == "/helpdesk", "second factor failed: {} {}", r.status, r.body);
        let home = self.get("/helpdesk", Some(&cookie)).await;
        assert_eq!(home.status, StatusCode::OK);
        let csrf = extract_between(&home.body, "name=\"csrf\" value=\"", "\"").expect("csrf field");
        (cookie, csrf)
    }

    /// Creates a user through the helpdesk; returns its id.
    pub async fn create_user(&self, cookie: &str, csrf: &str, name: &str, service: bool) -> i64 {
        let mut f = vec![("csrf", csrf), ("name", name)];
        if service {
            f.push(("service", "1"));
        }
        let r = self.post_form("/helpdesk/users", Some(cookie), &f).await;
        assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
        r.location().rsplit('/').next().unwrap().parse().unwrap()
    }

    /// Creates an application through the helpdesk; returns its API key.
    pub async fn create_app(&self, cookie: &str, csrf: &str, name: &str) -> String {
        let r = self.post_form("/helpdesk/apps", Some(cookie), &[("csrf", csrf), ("name", name)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        extract_between(&r.body, "id=\"api-key\">", "<").expect("api key shown")
    }

    /// Creates an admin API key the way `duet admin-key create` does; returns the key.
    pub fn admin_key(&self, scope: duet_server::services::admin_keys::Scope) -> String {
        let k = duet_server::services::admin_keys::create(&self.state.db(), "command line", "tests", scope, T0).unwrap();
        k.secret.to_string()
    }

    /// An admin API call: `path` is relative to the API's prefix; `body` is sent as JSON.
    pub async fn admin(&self, method: &str, path: &str, key: Option<&str>, body: Option<&str>) -> Resp {
        let uri = format!("{}{path}", duet_server::http::admin_api::PREFIX);
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(k) = key {
            b = b.header(header::AUTHORIZATION, format!("Bearer {k}"));
        }
        let body = match body {
            Some(j) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(j.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).unwrap()).await
    }

    /// Every cell of every table as text (blobs lossily), to check a secret is never stored.
    pub fn database_dump(&self) -> String {
        let conn = self.state.db();
        let mut tables = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").unwrap();
        let tables: Vec<String> = tables.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
        let mut all = String::new();
        for t in tables {
            let mut q = conn.prepare(&format!("SELECT * FROM {t}")).unwrap();
            let n = q.column_count();
            let mut rows = q.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                for i in 0..n {
                    match row.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                            all.push_str(&String::from_utf8_lossy(b));
                            all.push('|');
                        }
                        _ => {}
                    }
                }
            }
        }
        all
    }

    pub fn count(&self, table: &str) -> i64 {
        self.state.db().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
    }
}

pub fn peer_addr(ip: &str) -> std::net::SocketAddr {
    std::net::SocketAddr::new(ip.parse().unwrap(), 40000)
}

pub fn extract_between(hay: &str, start: &str, end: &str) -> Option<String> {
    let i = hay.find(start)? + start.len();
    let j = hay[i..].find(end)? + i;
    Some(hay[i..j].to_string())
}

pub fn urlenc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
