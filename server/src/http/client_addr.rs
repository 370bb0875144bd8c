//! The address a request comes from, for per-address limits.
//!
//! `X-Forwarded-For` is believed only when the connection comes from a configured trusted
//! proxy (`--trusted-proxy`); anyone else could write any address into it.

use crate::state::State;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// The client's address. Requests handed to the router without a connection (in-process
/// tests) count as `0.0.0.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<Arc<State>> for ClientAddr {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, st: &Arc<State>) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        let proxies = &st.config.trusted_proxies;
        if !proxies.contains(&peer) {
            return Ok(ClientAddr(peer));
        }
        // The right-most address no trusted proxy added is the one that reached the proxies.
        let client = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|a| a.trim().parse::<IpAddr>().ok())
            .rev()
            .find(|a| !a.is_some_and(|a| proxies.contains(&a)));
        Ok(ClientAddr(match client {
            Some(Some(a)) => a,
            // Nothing forwarded, or garbage where the client should be: the proxy is all we know.
            _ => peer,
        }))
    }
}
