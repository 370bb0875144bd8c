//! Starting the server: opening storage and keys, binding, plain HTTP or TLS.

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ConnectionLimits};
use crate::http::connections::Capped;
use crate::error::ServerError;
use crate::services::{admin, admin_factor, audit};
use crate::state::State;
use crate::storage::{db, files, seal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use zeroize::Zeroizing;

/// Where the server keeps its state and how it is reached.
#[derive(Clone, Debug)]
pub struct Options {
    /// Address to bind (127.0.0.1 unless told otherwise).
    pub listen: SocketAddr,
    /// SQLite database file.
    pub db_path: PathBuf,
    /// File holding the sealing key (created with mode 0600).
    pub key_file: PathBuf,
    /// First admin's name.
    pub admin_name: String,
    /// File with the first admin's password (read only when no admin exists).
    pub admin_password_file: Option<PathBuf>,
    /// When the first admin is created, give them a second factor at once and write its
    /// `otpauth://` URI to this file (mode 0600), to add to an authenticator before the first
    /// login; without it the first login sets the factor up on the page.
    pub admin_factor_file: Option<PathBuf>,
    /// TLS certificate chain and key (PEM), both or neither.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Public base URL; `None` derives it from `listen` and TLS.
    pub public_url: Option<String>,
    /// Rotate the server key at start.
    pub rotate_key: bool,
}

/// Opens the database and key, creating the first admin and server key if needed.
pub fn open_state(opts: &Options, mut config: Config, clock: Arc<dyn Clock>, bound: SocketAddr) -> Result<Arc<State>, ServerError> {
    if let Some(dir) = opts.db_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        files::private_dir(dir)?;
    }
    let conn = db::open(Some(&opts.db_path))?;
    // A new key file goes only with a new database: one that already holds a server key was
    // sealed with a key file that must be restored, not replaced.
    let sealed_keys: i64 = conn.query_row("SELECT COUNT(*) FROM server_keys", [], |r| r.get(0))?;
    if sealed_keys > 0 && !opts.key_file.exists() {
        return Err(ServerError::KeyFile(format!(
            "{} is missing, but the database was sealed with it; restore it from the backup",
            opts.key_file.display()
        )));
    }
    let seal = seal::load_or_create_key_file(&opts.key_file)?;
    let now = clock.now();
    let admins: i64 = conn.query_row("SELECT COUNT(*) FROM admins", [], |r| r.get(0))?;
    if admins == 0 {
        let path = opts.admin_password_file.as_ref().ok_or_else(|| {
            ServerError::Config("no admin exists yet: pass --admin-password-file with the first admin's password".into())
        })?;
        let pw = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| ServerError::Config(format!("cannot read {}: {e}", path.display())))?,
        );
        let pw = pw.trim_end_matches(['\n', '\r']);
        admin::ensure_first_admin(&conn, &opts.admin_name, pw, now)?;
        audit::record(&conn, now, "server", "first_admin_created", None, &opts.admin_name)?;
        if let Some(file) = &opts.admin_factor_file {
            let secret = admin_factor::new_secret();
            let e = admin_factor::enroll_with_secret(&conn, &seal, &config.issuer, &opts.admin_name, &secret, now)?;
            files::write_private(file, format!("{}\n", e.uri.as_str()).as_bytes())?;
        }
    }
    config.secure_cookies = opts.tls.is_some();
    config.public_url = opts.public_url.clone().unwrap_or_else(|| {
        let scheme = if opts.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{bound}")
    });
    let state = State::new(conn, seal, clock, config)?;
    if opts.rotate_key {
        crate::services::server_key::rotate(&state)?;
    }
    Ok(state)
}

/// Binds, opens state and serves until `shutdown` resolves. `ready` gets the public URL and
/// the bound address.
pub async fn serve(
    opts: Options,
    config: Config,
    clock: Arc<dyn Clock>,
    ready: impl FnOnce(&str, SocketAddr, &Arc<State>),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let listener = std::net::TcpListener::bind(opts.listen)
        .map_err(|e| ServerError::Config(format!("cannot listen on {}: {e}", opts.listen)))?;
    listener.set_nonblocking(true).map_err(|e| ServerError::Config(e.to_string()))?;
    let bound = listener.local_addr().map_err(|e| ServerError::Config(e.to_string()))?;
    let state = open_state(&opts, config, clock, bound)?;
    let app = crate::build(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    ready(&state.config.public_url, bound, &state);
    let handle = axum_server::Handle::new();
    let h2 = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        h2.graceful_shutdown(Some(std::time::Duration::from_secs(2)));
    });
    let limits = state.config.connections;
    let res = match &opts.tls {
        Some((cert, key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| ServerError::Config(format!("cannot load the TLS certificate or key: {e}")))?;
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(tls).acceptor(capped(limits));
            with_timeouts(axum_server::from_tcp(listener).acceptor(acceptor), limits).handle(handle).serve(app).await
        }
        None => with_timeouts(axum_server::from_tcp(listener).acceptor(capped(limits)), limits).handle(handle).serve(app).await,
    };
    res.map_err(|e| ServerError::Config(format!("the server stopped: {e}")))
}

fn capped(limits: ConnectionLimits) -> Capped<axum_server::accept::DefaultAcceptor> {
    Capped::new(axum_server::accept::DefaultAcceptor, limits.max_connections)
}

/// hyper's header-read timeout runs whenever the server waits for a request's headers, so it
/// also closes idle keep-alive connections; it needs a timer to run at all.
fn with_timeouts<A>(mut server: axum_server::Server<A>, limits: ConnectionLimits) -> axum_server::Server<A> {
    server.http_builder().http1().timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(limits.header_timeout);
    server
}

/// Serves on the system clock until Ctrl-C or SIGTERM (`duet serve`).
pub fn serve_until_signal(opts: Options, config: Config, ready: impl FnOnce(&str, SocketAddr, &Arc<State>)) -> Result<(), ServerError> {
    let rt = tokio::runtime::Runtime::new()
        .map_err(|e| ServerError::Config(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(serve(opts, config, Arc::new(SystemClock), ready, shutdown_signal()))
}

/// Blocks until Ctrl-C or SIGTERM (`duet demo --keep` holds its background server this way).
pub fn wait_for_signal() -> Result<(), ServerError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ServerError::Config(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(shutdown_signal());
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// A server running on its own thread and tokio runtime (for `duet demo`, the load test and
/// end-to-end tests). Dropping it shuts the server down and waits for the thread.
pub struct Background {
    /// Its public base URL.
    pub url: String,
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Its state (for in-process setup such as users and enrollments).
    pub state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    /// Binds `opts.listen` (port 0 picks a free port), opens the state and serves in the background.
    pub fn start(opts: Options, config: Config, clock: Arc<dyn Clock>, workers: usize) -> Result<Self, ServerError> {
        type Ready = Result<(String, SocketAddr, Arc<State>), ServerError>;
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Ready>();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(workers.max(1)).enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(ServerError::Config(e.to_string())));
                    return;
                }
            };
            let tx2 = ready_tx.clone();
            let res = rt.block_on(serve(
                opts,
                config,
                clock,
                move |url, addr, st| {
                    let _ = tx2.send(Ok((url.to_string(), addr, st.clone())));
                },
                async move {
                    let _ = stop_rx.await;
                },
            ));
            if let Err(e) = res {
                let _ = ready_tx.send(Err(e));
            }
        });
        let (url, addr, state) = ready_rx
            .recv()
            .map_err(|_| ServerError::Config("the server thread stopped before it was ready".into()))??;
        Ok(Background { url, addr, state, stop: Some(stop_tx), thread: Some(thread) })
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
