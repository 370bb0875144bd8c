//! Slow and idle clients: a cap on open connections and a deadline for each request.
//! Header-read and idle timeouts are hyper's (`run.rs` sets them on the HTTP builder).

use crate::error::ServerError;
use crate::state::State;
use axum::extract::{Request, State as AxState};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Answers `408 E_SRV_REQUEST_TIMEOUT` when a request (reading its body included) takes
/// longer than the configured request timeout.
pub async fn deadline(AxState(st): AxState<Arc<State>>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(st.config.connections.request_timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ServerError::RequestTimeout.into_response(),
    }
}

/// An acceptor that serves at most `max` connections at once and closes any beyond.
#[derive(Clone, Debug)]
pub struct Capped<A> {
    slots: Arc<Semaphore>,
    inner: A,
}

impl<A> Capped<A> {
    /// Caps the connections `inner` accepts at `max`.
    pub fn new(inner: A, max: usize) -> Self {
        Capped { slots: Arc::new(Semaphore::new(max)), inner }
    }
}

impl<A, I, S> axum_server::accept::Accept<I, S> for Capped<A>
where
    A: axum_server::accept::Accept<I, S> + Clone + Send + 'static,
    A::Future: Send,
    I: Send + 'static,
    S: Send + 'static,
{
    type Stream = Slot<A::Stream>;
    type Service = A::Service;
    type Future = Pin<Box<dyn std::future::Future<Output = io::Result<(Self::Stream, Self::Service)>> + Send>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        let permit = self.slots.clone().try_acquire_owned();
        let inner = self.inner.clone();
        Box::pin(async move {
            // Dropping the stream closes the connection.
            let permit = permit.map_err(|_| io::Error::other("too many connections"))?;
            let (stream, service) = inner.accept(stream, service).await?;
            Ok((Slot { stream, _permit: permit }, service))
        })
    }
}

/// A connection holding one of the capped slots until it closes.
#[derive(Debug)]
pub struct Slot<T> {
    stream: T,
    _permit: OwnedSemaphorePermit,
}

impl<T: AsyncRead + Unpin> AsyncRead for Slot<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Slot<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
