//! What the module reads from the system: file ownership and modes, the API key, a user's groups.

use std::ffi::{CStr, CString};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Refuses a file that root does not own or that others may write; `secret` also refuses any
/// access by group or others (the API key).
pub fn check_file(path: &Path, secret: bool) -> Result<(), String> {
    let md = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !md.is_file() {
        return Err(format!("{}: not a regular file", path.display()));
    }
    if md.uid() != 0 {
        return Err(format!("{}: must be owned by root", path.display()));
    }
    let mode = md.mode() & 0o777;
    let forbidden = if secret { 0o077 } else { 0o022 };
    if mode & forbidden != 0 {
        let want = if secret { "0600 or 0400" } else { "writable by root only" };
        return Err(format!("{}: unsafe mode {mode:04o} ({want})", path.display()));
    }
    Ok(())
}

/// Reads the API key (first line, trimmed) after checking the file.
pub fn read_api_key(path: &Path) -> Result<String, String> {
    check_file(path, true)?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let key = text.lines().next().unwrap_or("").trim().to_string();
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!("{}: no API key in it", path.display()));
    }
    Ok(key)
}

/// Names of the groups `user` belongs to (primary and supplementary), from the system's NSS.
pub fn groups_of(user: &str) -> Result<Vec<String>, String> {
    let cuser = CString::new(user).map_err(|_| "user name holds a NUL byte".to_string())?;
    let mut buf = vec![0u8; 16 * 1024];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut res: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: buffers are owned here and outlive the call; getpwnam_r is thread-safe.
    let rc = unsafe { libc::getpwnam_r(cuser.as_ptr(), &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut res) };
    if rc != 0 || res.is_null() {
        return Err(format!("no system account `{}`", crate::syslog::clean(user)));
    }
    let mut n: libc::c_int = 64;
    let mut gids: Vec<libc::gid_t> = vec![0; n as usize];
    loop {
        let mut count = n;
        // SAFETY: gids holds `count` entries; getgrouplist writes at most that many.
        let r = unsafe { libc::getgrouplist(cuser.as_ptr(), pwd.pw_gid, gids.as_mut_ptr(), &mut count) };
        if r >= 0 {
            gids.truncate(count as usize);
            break;
        }
        if count <= n || count > 65536 {
            return Err("cannot list the user's groups".into());
        }
        n = count;
        gids.resize(n as usize, 0);
    }
    let mut names = Vec::new();
    for gid in gids {
        let mut grp: libc::group = unsafe { std::mem::zeroed() };
        let mut res: *mut libc::group = std::ptr::null_mut();
        // SAFETY: as above.
        let rc = unsafe { libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr().cast(), buf.len(), &mut res) };
        if rc == 0 && !res.is_null() {
            names.push(unsafe { CStr::from_ptr(grp.gr_name) }.to_string_lossy().into_owned());
        }
    }
    Ok(names)
}

/// The host name, for what the phone shows.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer's length is passed.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return String::new();
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}
