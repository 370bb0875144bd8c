//! What the server does, independent of HTTP: each module one table or one flow, all on a
//! [`crate::State`]. Handlers in `http` call these; these never call `http`. Every change an
//! admin can make (helpdesk page or admin API) is one function here that takes the acting
//! admin's name and writes the audit record, so both front ends obey the same rules.
//!
//! Tables: `users`, `apps`, `admin` (admins and their login sessions; `admin_login` checks
//! passwords; `admin_factor` and `admin_passkey` are their second factor), `admin_keys` (the admin API's keys), `devices`, `signins`, `push_backoff` (pauses
//! after a wrong number), `passcode_lockout`, `bypass`, `audit`, `throttle` (failure counters of
//! rate limits and lockouts); `keys` makes and hashes the bearer secrets. Flows: `enrollments`
//! (create, look up, register; `lookup_limits` caps wrong lookups), `signin_start`
//! (push, passcode, service account), `preauth` (what a user can sign in with, before a
//! prompt), `device_messages` (polls, answers and other signed device calls), `server_key`
//! (rotation).

pub mod admin;
pub mod admin_factor;
pub mod admin_passkey;
pub mod admin_login;
pub mod admin_keys;
pub mod apps;
pub mod audit;
pub mod bypass;
pub mod device_messages;
pub mod devices;
pub mod enrollments;
pub mod keys;
pub mod lookup_limits;
pub mod passcode_lockout;
pub mod preauth;
pub mod push_backoff;
pub mod server_key;
pub mod signin_start;
pub mod signins;
pub mod throttle;
pub mod users;
