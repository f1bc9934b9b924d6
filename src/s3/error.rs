//! Why an S3 call failed, in words a person can act on.

use std::time::Duration;

/// Why an S3 call failed, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum S3Error {
    /// The endpoint did not answer within `--s3-timeout`.
    #[error(
        "S3 endpoint {endpoint} did not answer within {timeout:?}; check the address (or pass --s3-endpoint / port-forward the gateway)"
    )]
    Timeout {
        /// The endpoint.
        endpoint: String,
        /// The limit that passed.
        timeout: Duration,
    },
    /// The endpoint could not be reached.
    #[error("could not reach S3 endpoint {endpoint}: {reason}")]
    Unreachable {
        /// The endpoint.
        endpoint: String,
        /// The innermost cause.
        reason: String,
    },
    /// The claim's credentials were refused.
    #[error("S3 refused the credentials ({code}): {message}")]
    Credentials {
        /// The S3 error code.
        code: String,
        /// The server's message.
        message: String,
    },
    /// Another S3 error.
    #[error("S3 answered {status} {code}: {message}")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The S3 error code.
        code: String,
        /// The server's message.
        message: String,
    },
    /// Something answered that is not S3.
    #[error(
        "{endpoint} answered HTTP {status} without S3 headers; it does not look like an S3 gateway (check --s3-endpoint or the claim's BUCKET_HOST/BUCKET_PORT)"
    )]
    NotS3 {
        /// The endpoint.
        endpoint: String,
        /// The HTTP status.
        status: u16,
    },
    /// A response body over the client's cap (see [`MAX_DOCUMENT_BODY`]).
    #[error(
        "S3 response from {endpoint} was larger than {limit}, the most kubectl-dp reads for it; check that the endpoint is the S3 gateway"
    )]
    TooLarge {
        /// The endpoint.
        endpoint: String,
        /// The cap, in words.
        limit: String,
    },
    /// The endpoint is not a URL.
    #[error(
        "'{0}' is not an http(s) URL like https://rgw.rook-ceph.svc:443 or http://127.0.0.1:8080 (a scheme, a host, an optional port, nothing else)"
    )]
    BadEndpoint(String),
    /// The bucket cannot be named the way `--s3-addressing` asks.
    #[error("{0}")]
    Addressing(String),
    /// The CA certificates to trust could not be loaded.
    #[error("{0}")]
    Trust(String),
    /// The TLS handshake with an https endpoint failed.
    #[error("TLS to S3 endpoint {endpoint} failed: {reason}")]
    Tls {
        /// The endpoint.
        endpoint: String,
        /// What failed and what to do, in one line.
        reason: String,
    },
}
