//! The helpdesk page: server-rendered HTML behind an admin login.
//!
//! `session` signs admins in and out and provides the extractors that check the session
//! and CSRF token; `factor` is the second step of the login (the admin's TOTP); `layout` frames pages and errors; `pages` are the pages themselves.

pub mod admin_keys;
pub mod factor;
pub mod layout;
pub mod pages;
pub mod session;
