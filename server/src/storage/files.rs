//! The server's directory and database files are private to the user it runs as, whatever
//! the umask: the directory 0700, the database and its `-wal` and `-shm` files 0600 (SQLite
//! gives the latter two the database file's mode). The key file is made 0600 by `seal`.
//! Files handed to the operator (the first admin's authenticator URI) are 0600 too.

use crate::error::ServerError;
use std::path::Path;

/// Creates `dir` and its missing parents with mode 0700 (existing ones keep their mode).
pub fn private_dir(dir: &Path) -> Result<(), ServerError> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(|e| ServerError::Config(format!("cannot create {}: {e}", dir.display())))
}

/// Creates the database file `db` with mode 0600 if missing, and takes read access from
/// others on it and on its `-wal` and `-shm` files if they have it.
pub fn private_db_files(db: &Path) -> Result<(), ServerError> {
    let fail = |p: &Path, e: std::io::Error| ServerError::Config(format!("cannot restrict {} to its owner: {e}", p.display()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(db).map_err(|e| fail(db, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            let p = std::path::PathBuf::from(name);
            let Ok(meta) = std::fs::metadata(&p) else { continue };
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode & 0o700)).map_err(|e| fail(&p, e))?;
            }
        }
    }
    Ok(())
}

/// Writes `contents` to `path` readable by its owner only (mode 0600, also when it existed).
pub fn write_private(path: &Path, contents: &[u8]) -> Result<(), ServerError> {
    use std::io::Write;
    let fail = |e: std::io::Error| ServerError::Config(format!("cannot write {}: {e}", path.display()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
    }
    f.write_all(contents).map_err(fail)
}
