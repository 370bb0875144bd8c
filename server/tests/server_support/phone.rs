//! A phone (the core's device side with a software P-256 key) and a server with a helpdesk
//! admin, an application and one user, for the protocol tests.

use super::*;
use axum::http::StatusCode;
use duet_core::push::*;
use ring::rand::SystemRandom;
use std::sync::Arc;

pub struct Phone {
    pub signer: SoftwareP256Signer,
    /// The answer key, for phones registered with one; the others answer with `signer`.
    pub answer_signer: Option<SoftwareP256Signer>,
    pub account: PushAccount,
    pub store: MemoryReplayStore,
    pub otp_uri: Option<String>,
}

pub struct World {
    pub h: Harness,
    pub cookie: String,
    pub csrf: String,
    pub key: String,
    pub uid: i64,
}

pub async fn world(user: &str) -> World {
    let h = Harness::new();
    let (cookie, csrf) = h.login().await;
    let key = h.create_app(&cookie, &csrf, "intranet").await;
    let uid = h.create_user(&cookie, &csrf, user, false).await;
    World { h, cookie, csrf, key, uid }
}

impl World {
    pub fn now(&self) -> i64 {
        self.h.clock.now_i64()
    }

    /// Starts an enrollment on the helpdesk page; returns (duet:// link, manual code).
    pub async fn enrollment(&self) -> (String, String) {
        let r = self.h.post_form(&format!("/helpdesk/users/{}/enroll", self.uid), Some(&self.cookie), &[("csrf", &self.csrf)]).await;
        assert!(r.status.is_redirection(), "{}", r.body);
        let page = self.h.get(&r.location(), Some(&self.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<svg"), "QR code rendered");
        let https = extract_between(&page.body, "id=\"enroll-link\" href=\"", "\"").unwrap().replace("&amp;", "&");
        assert!(https.starts_with("http://127.0.0.1:8440/duet/enroll#"));
        let code = extract_between(&page.body, "id=\"manual-code\">", "<").unwrap();
        let id = r.location().rsplit('/').next().unwrap().to_string();
        let e = duet_server::services::enrollments::get(&self.h.state, &id).unwrap().unwrap();
        assert_eq!(https, e.https_link);
        (e.link, code)
    }

    pub async fn enroll_phone(&self) -> Phone {
        let (link, _) = self.enrollment().await;
        self.register(&link).await
    }

    /// Registers a phone that signs answers with its device key (as phones enrolled before
    /// answer keys do).
    pub async fn register(&self, link: &str) -> Phone {
        self.register_keys(link, None).await
    }

    /// Registers a phone with a separate answer key.
    pub async fn register_with_answer_key(&self, link: &str) -> Phone {
        self.register_keys(link, Some(SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap())).await
    }

    async fn register_keys(&self, link: &str, answer_signer: Option<SoftwareP256Signer>) -> Phone {
        let now = self.now();
        let link = EnrollmentLink::parse(link, now).unwrap();
        let signer = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap();
        let agreement = AgreementKey::generate(&SystemRandom::new()).unwrap();
        let info = DeviceInfo { name: "Test phone".into(), platform: "cli".into(), keystore: "software".into() };
        let body = match &answer_signer {
            Some(a) => build_registration_with_answer_key(&link, &signer, &a.public_key(), &agreement, &info, now).unwrap(),
            None => build_registration(&link, &signer, &agreement, &info, now).unwrap(),
        };
        let r = self.post_raw("/duet/v1/register", &body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let reg = finish_registration(&link, &signer, &agreement, r.body.as_bytes(), now).unwrap();
        let otp_uri = reg.otp_uri.map(|u| String::from_utf8(u.expose().to_vec()).unwrap());
        let account = PushAccount { answer_key: answer_signer.as_ref().map(|a| a.public_key()), ..reg.account };
        Phone { signer, answer_signer, account, store: MemoryReplayStore::new(), otp_uri }
    }

    pub async fn post_raw(&self, path: &str, body: &[u8]) -> Resp {
        let req = axum::http::Request::post(path)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_vec()))
            .unwrap();
        self.h.send(req).await
    }

    pub async fn poll(&self, phone: &Phone) -> PollOutcome {
        let body = build_poll(&phone.account, &phone.signer, self.now()).unwrap();
        let r = self.post_raw("/duet/v1/poll", &body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        parse_poll_response(&phone.account, r.body.as_bytes(), self.now(), &phone.store).unwrap()
    }

    pub async fn push(&self) -> Resp {
        self.h.post_json("/api/v1/signins", Some(&self.key), r#"{"user":"alice","method":"push","client":{"app":"VPN","ip":"203.0.113.7"}}"#).await
    }

    pub async fn status(&self, id: &str) -> String {
        let r = self.h.get_api(&format!("/api/v1/signins/{id}"), Some(&self.key)).await;
        r.json()["status"].as_str().unwrap().to_string()
    }

    /// Polls, answers the only pending request, returns the answer's HTTP response and body sent.
    pub async fn answer(&self, phone: &Phone, answer: Answer) -> (Resp, Vec<u8>) {
        let out = self.poll(phone).await;
        assert_eq!(out.requests.len(), 1, "one pending request: {:?}", out.rejected);
        let signer = phone.answer_signer.as_ref().unwrap_or(&phone.signer);
        let body = build_answer(&phone.account, &out.requests[0], &answer, signer, self.now(), &phone.store).unwrap();
        (self.post_raw("/duet/v1/answer", &body).await, body)
    }
}

pub trait NowI64 {
    fn now_i64(&self) -> i64;
}
impl NowI64 for duet_server::clock::ManualClock {
    fn now_i64(&self) -> i64 {
        use duet_server::clock::Clock;
        self.now() as i64
    }
}

pub fn approve(n: &str) -> Answer {
    Answer::Approve { number: Some(n.to_string()) }
}

