//! Plain HTTP to the Trino coordinator over hyper, which kube already brings, and
//! what the S3 client (which also speaks TLS: `s3::transport`) shares with it: how
//! a transport error is reduced to its cause and how an exchange gives up after
//! its timeout.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A pooled HTTP/1 client with bodies held in memory.
pub(crate) type Http = Client<HttpConnector, Full<Bytes>>;

/// An `http://host:port` endpoint: the base URL without a trailing slash and
/// its `host:port` (what SigV4 signs and a rebased request names as Host).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `http://host:port`.
    pub base: String,
    /// `host:port`.
    pub authority: String,
}

/// Why a URL is not an endpoint these clients can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointError {
    /// Not an absolute http(s) URL.
    Malformed,
    /// An https URL: no TLS here (port-forward to the plain port instead).
    Https,
}

/// Reads `url` (a trailing slash is fine) as a plain-HTTP endpoint.
pub fn endpoint(url: &str) -> Result<Endpoint, EndpointError> {
    let base = url.trim_end_matches('/');
    let uri: http::Uri = base.parse().map_err(|_| EndpointError::Malformed)?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => return Err(EndpointError::Https),
        _ => return Err(EndpointError::Malformed),
    }
    let authority = uri
        .authority()
        .map(|a| a.as_str().to_string())
        .ok_or(EndpointError::Malformed)?;
    Ok(Endpoint {
        base: base.to_string(),
        authority,
    })
}

/// A client whose connection attempts give up after `connect_timeout`; small
/// requests go out at once (no Nagle delay), which latency figures rely on.
pub fn client(connect_timeout: Duration) -> Http {
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(connect_timeout));
    connector.set_nodelay(true);
    connector.enforce_http(true);
    Client::builder(TokioExecutor::new()).build(connector)
}

/// Runs one exchange (a request and the reading of its answer) under `limit`;
/// when that passes first, the answer is `timed_out()`.
pub async fn within<T, E>(
    limit: Duration,
    exchange: impl Future<Output = Result<T, E>>,
    timed_out: impl FnOnce() -> E,
) -> Result<T, E> {
    tokio::time::timeout(limit, exchange)
        .await
        .unwrap_or_else(|_| Err(timed_out()))
}

/// The innermost cause of a transport error (`Connection refused`), which is
/// what a user can act on; hyper's outer layers only say "client error".
pub(crate) fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let e = endpoint("http://127.0.0.1:8080/").unwrap();
        assert_eq!(e.base, "http://127.0.0.1:8080");
        assert_eq!(e.authority, "127.0.0.1:8080");
        assert_eq!(endpoint("https://rgw:443"), Err(EndpointError::Https));
        assert_eq!(endpoint("rgw:80"), Err(EndpointError::Malformed));
        assert_eq!(endpoint("not a url"), Err(EndpointError::Malformed));
    }
}
