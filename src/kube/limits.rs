//! A cap on the size of every response the API server sends, so that a
//! misbehaving server or proxy (or a namespace of huge objects) ends the command
//! with one clear line instead of exhausting memory. The S3 client has its own
//! caps (`crate::s3`).

use std::pin::Pin;
use std::task::{Context, Poll};

use http_body_util::Limited;

/// The largest response body read from the API server: 256 MiB. A list page
/// holds at most 500 objects (`pages.rs`; the protobuf pod list 10,000 pods of
/// about 2 KiB, some 20 MiB), and etcd stores objects of at most 1.5 MiB, so a
/// real page stays far below this unless it is 500 near-maximal objects;
/// narrowing with `-n`/`-l` then helps.
pub(crate) const MAX_API_RESPONSE: usize = 256 << 20;

/// `256 MiB`, for messages.
pub fn describe(limit: usize) -> String {
    if limit >= 1 << 20 && limit % (1 << 20) == 0 {
        format!("{} MiB", limit >> 20)
    } else {
        format!("{limit} bytes")
    }
}

/// Whether an error's innermost cause is a body over its limit
/// (`http_body_util::LengthLimitError`).
pub(crate) fn is_over_limit(reason: &str) -> bool {
    reason.contains("length limit exceeded")
}

/// A tower layer that caps every response body at `limit` bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResponseLimitLayer {
    limit: usize,
}

impl ResponseLimitLayer {
    /// Caps bodies at `limit` bytes.
    pub fn new(limit: usize) -> Self {
        ResponseLimitLayer { limit }
    }
}

impl<S> tower::Layer<S> for ResponseLimitLayer {
    type Service = ResponseLimit<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ResponseLimit {
            inner,
            limit: self.limit,
        }
    }
}

/// The service [`ResponseLimitLayer`] wraps around the client's HTTP stack.
#[derive(Debug, Clone)]
pub(crate) struct ResponseLimit<S> {
    inner: S,
    limit: usize,
}

type Boxed<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S, Req, B> tower::Service<Req> for ResponseLimit<S>
where
    S: tower::Service<Req, Response = http::Response<B>>,
    S::Future: Send + 'static,
    B: 'static,
{
    type Response = http::Response<Limited<B>>;
    type Error = S::Error;
    type Future = Boxed<Self::Response, Self::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Req) -> Self::Future {
        let limit = self.limit;
        let response = self.inner.call(request);
        Box::pin(async move {
            response
                .await
                .map(|r| r.map(|body| Limited::new(body, limit)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_sizes() {
        assert_eq!(describe(MAX_API_RESPONSE), "256 MiB");
        assert_eq!(describe(1000), "1000 bytes");
        assert!(is_over_limit("length limit exceeded"));
    }
}
