//! What the server does, independent of HTTP: each module one table or one flow, all on a
//! [`crate::State`]. Handlers in `http` call these; these never call `http`.
//!
//! Tables: `users`, `apps`, `admin` (admins and their login sessions), `devices`, `signins`,
//! `bypass`, `audit`. Flows: `enrollments` (create, look up, register), `signin_start`
//! (push, passcode, service account), `device_messages` (polls, answers and other signed
//! device calls), `server_key` (rotation).

pub mod admin;
pub mod apps;
pub mod audit;
pub mod bypass;
pub mod device_messages;
pub mod devices;
pub mod enrollments;
pub mod server_key;
pub mod signin_start;
pub mod signins;
pub mod users;
