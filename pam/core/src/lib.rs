//! The PAM module's logic, free of libpam: the configuration file, the sign-in API client, one
//! attempt's conversation and verdict, the fail-mode rule and break-glass codes. The module
//! (`pam/`, `libpam_duet.so`) adds the PAM entry points; the `duet` command uses the break-glass
//! codes. See docs/pam.md.

pub mod breakglass;
pub mod client;
pub mod codes;
pub mod config;
pub mod decision;
pub mod flow;
pub mod groups;
pub mod syslog;
pub mod system;
