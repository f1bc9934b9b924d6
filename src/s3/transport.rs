//! How the S3 client connects: plain HTTP or TLS (rustls on ring, the same stack
//! kube uses for the API server), trusting either the system's roots (through
//! rustls-platform-verifier, as kube does; on Linux that honours `SSL_CERT_FILE`)
//! or one CA bundle in their place, the way `aws --ca-bundle` and kubectl's
//! `--certificate-authority` do: a private CA then vouches only for the gateway.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
use hyper_util::rt::TokioExecutor;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use super::S3Error;

/// Which certificate authorities vouch for an https endpoint.
#[derive(Debug, Clone, Default)]
pub enum Trust {
    /// The system's roots.
    #[default]
    System,
    /// Only the certificates of one PEM bundle.
    Bundle(CaBundle),
}

/// A PEM bundle of CA certificates and where it came from (for messages).
#[derive(Clone)]
pub struct CaBundle {
    /// `--s3-ca-file /path` or `ConfigMap ns/name key service-ca.crt`.
    pub source: String,
    certificates: Vec<CertificateDer<'static>>,
}

impl std::fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CaBundle({}, {} certificates)",
            self.source,
            self.certificates.len()
        )
    }
}

impl CaBundle {
    /// Reads the `CERTIFICATE` blocks of a PEM text (other blocks are skipped).
    /// `Err` is one line naming `source`.
    pub(crate) fn from_pem(source: &str, pem: &[u8]) -> Result<CaBundle, String> {
        let certificates = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{source} is not a PEM certificate bundle ({e})"))?;
        if certificates.is_empty() {
            return Err(format!(
                "{source} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
            ));
        }
        let bundle = CaBundle {
            source: source.to_string(),
            certificates,
        };
        bundle.roots()?;
        Ok(bundle)
    }

    /// Reads a PEM bundle from a file (`--s3-ca-file`).
    pub fn from_file(path: &std::path::Path) -> Result<CaBundle, String> {
        let source = format!("--s3-ca-file {}", path.display());
        let pem = std::fs::read(path).map_err(|e| format!("{source}: {e}"))?;
        CaBundle::from_pem(&source, &pem)
    }

    fn roots(&self) -> Result<rustls::RootCertStore, String> {
        let mut roots = rustls::RootCertStore::empty();
        for certificate in &self.certificates {
            roots.add(certificate.clone()).map_err(|e| {
                format!(
                    "{}: a certificate cannot be used as a CA ({e})",
                    self.source
                )
            })?;
        }
        Ok(roots)
    }
}

/// The HTTP(S) client the S3 client sends through.
pub(crate) type Https = Client<HttpsConnector<HttpConnector<Resolver>>, Full<Bytes>>;

/// The name a server's certificate must carry for a request to `host`: the host
/// itself, or with `--s3-tls-server-name` that name in place of the endpoint's
/// host (`localhost` through a port-forward), keeping a virtual-host bucket label
/// (`bucket.localhost` is checked as `bucket.<name>`).
fn verified_name(host: &str, renamed: Option<(&str, &str)>) -> String {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let Some((endpoint_host, name)) = renamed else {
        return host.to_string();
    };
    let endpoint_host = endpoint_host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case(endpoint_host) {
        return name.to_string();
    }
    match host.len().checked_sub(endpoint_host.len() + 1) {
        Some(cut)
            if host.is_char_boundary(cut)
                && host[cut..].eq_ignore_ascii_case(&format!(".{endpoint_host}")) =>
        {
            format!("{}.{name}", &host[..cut])
        }
        _ => host.to_string(),
    }
}

/// A pooled HTTP/1 client for `http://` and `https://` URLs whose connection
/// attempts give up after `connect_timeout`. The TLS roots are loaded only for
/// an https endpoint. `renamed` is `(endpoint host, --s3-tls-server-name)`.
pub(crate) fn client(
    https: bool,
    trust: &Trust,
    connect_timeout: Duration,
    renamed: Option<(String, String)>,
) -> Result<Https, S3Error> {
    let config = if https {
        tls_config(trust)?
    } else {
        // Never used: plain http:// URLs do not reach the TLS layer.
        rustls::ClientConfig::builder()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth()
    };
    let mut connector = HttpConnector::new_with_resolver(Resolver::default());
    connector.set_connect_timeout(Some(connect_timeout));
    // Small requests go out at once (no Nagle delay), which latency figures rely on.
    connector.set_nodelay(true);
    connector.enforce_http(false);
    let server_name = move |uri: &http::Uri| {
        let renamed = renamed.as_ref().map(|(h, n)| (h.as_str(), n.as_str()));
        rustls::pki_types::ServerName::try_from(verified_name(
            uri.host().unwrap_or_default(),
            renamed,
        ))
    };
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .with_server_name_resolver(server_name)
        .enable_http1()
        .wrap_connector(connector);
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}

fn tls_config(trust: &Trust) -> Result<rustls::ClientConfig, S3Error> {
    let builder = rustls::ClientConfig::builder();
    let config = match trust {
        Trust::System => {
            use rustls_platform_verifier::BuilderVerifierExt;
            builder
                .with_platform_verifier()
                .map_err(|e| {
                    S3Error::Trust(format!(
                        "the system's CA certificates could not be loaded ({e}); pass --s3-ca-file"
                    ))
                })?
                .with_no_client_auth()
        }
        Trust::Bundle(bundle) => builder
            .with_root_certificates(bundle.roots().map_err(S3Error::Trust)?)
            .with_no_client_auth(),
    };
    Ok(config)
}

/// What a TLS failure means for the user, when `error`'s chain holds one.
pub(crate) fn tls_failure(
    error: &(dyn std::error::Error + 'static),
    trust: &Trust,
) -> Option<String> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(rustls_error) = e.downcast_ref::<rustls::Error>() {
            return Some(describe(rustls_error, trust));
        }
        // An io::Error's source() skips the error it wraps (hyper-rustls wraps
        // tokio-rustls's io::Error, which wraps the rustls::Error): unwrap it.
        current = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

fn describe(error: &rustls::Error, trust: &Trust) -> String {
    use rustls::CertificateError as C;
    let trusted_by = match trust {
        Trust::System => "the system's CA certificates".to_string(),
        Trust::Bundle(bundle) => bundle.source.clone(),
    };
    match error {
        rustls::Error::InvalidCertificate(C::UnknownIssuer | C::BadSignature) => format!(
            "its certificate is not signed by a CA in {trusted_by}; pass --s3-ca-file with the CA that signed it"
        ),
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => "its certificate does not name this host; use the host name it was issued for in --s3-endpoint, or pass it as --s3-tls-server-name (e.g. through a port-forward)".to_string(),
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "its certificate has expired".to_string()
        }
        rustls::Error::InvalidMessage(_) => {
            "it did not answer in TLS; is this an http port? (use http:// for it)".to_string()
        }
        other => format!("TLS failed: {other}"),
    }
}

/// The system resolver, except that `localhost` and every name under it are the
/// loopback address without asking anyone, as RFC 6761 section 6.3 asks of name
/// resolution libraries (curl and browsers do the same). A gateway reached
/// through `kubectl port-forward` on `https://localhost:PORT` then also answers
/// virtual-host requests for `https://<bucket>.localhost:PORT`.
#[derive(Clone)]
pub(crate) struct Resolver(GaiResolver);

impl Default for Resolver {
    fn default() -> Resolver {
        Resolver(GaiResolver::new())
    }
}

type Addresses = std::vec::IntoIter<SocketAddr>;

/// The loopback addresses for a `localhost` name, `None` for any other.
fn loopback_for(name: &str) -> Option<Vec<SocketAddr>> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    (name == "localhost" || name.ends_with(".localhost")).then(|| {
        vec![
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0),
        ]
    })
}

impl tower::Service<Name> for Resolver {
    type Response = Addresses;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Addresses, std::io::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        if let Some(loopback) = loopback_for(name.as_str()) {
            return Box::pin(std::future::ready(Ok(loopback.into_iter())));
        }
        let lookup = self.0.call(name);
        Box::pin(async move { Ok(lookup.await?.collect::<Vec<_>>().into_iter()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_names_are_loopback() {
        for name in [
            "localhost",
            "s3.localhost",
            "bucket.S3.LocalHost.",
            "LOCALHOST.",
        ] {
            let addresses = loopback_for(name).unwrap_or_default();
            assert!(
                !addresses.is_empty() && addresses.iter().all(|a| a.ip().is_loopback()),
                "{name}: {addresses:?}"
            );
        }
        for name in [
            "localhost.com",
            "notlocalhost",
            "localhostx",
            "rgw.example",
            "127.0.0.1",
        ] {
            assert!(loopback_for(name).is_none(), "{name}");
        }
    }

    #[test]
    fn the_name_a_certificate_must_carry() {
        assert_eq!(verified_name("rgw.example", None), "rgw.example");
        assert_eq!(verified_name("[::1]", None), "::1");
        let renamed = Some(("localhost", "rgw.rook-ceph.svc"));
        assert_eq!(verified_name("localhost", renamed), "rgw.rook-ceph.svc");
        assert_eq!(verified_name("LocalHost", renamed), "rgw.rook-ceph.svc");
        assert_eq!(
            verified_name("data.localhost", renamed),
            "data.rgw.rook-ceph.svc"
        );
        assert_eq!(verified_name("otherlocalhost", renamed), "otherlocalhost");
        assert_eq!(
            verified_name("[::1]", Some(("[::1]", "s3.example"))),
            "s3.example"
        );
    }

    #[test]
    fn bundles_without_certificates_are_refused_in_one_line() {
        for (pem, expected) in [
            (&b""[..], "holds no PEM certificate"),
            (b"hello", "holds no PEM certificate"),
            (
                b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
                "holds no PEM certificate",
            ),
            (
                b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
                "is not a PEM certificate bundle",
            ),
            (
                b"-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n",
                "cannot be used as a CA",
            ),
        ] {
            let error = CaBundle::from_pem("--s3-ca-file ca.pem", pem).unwrap_err();
            assert!(
                error.starts_with("--s3-ca-file ca.pem") && error.contains(expected) && !error.contains('\n'),
                "{error}"
            );
        }
        let missing = CaBundle::from_file(std::path::Path::new("/nonexistent/ca.pem")).unwrap_err();
        assert!(
            missing.starts_with("--s3-ca-file /nonexistent/ca.pem: "),
            "{missing}"
        );
    }

    #[test]
    fn tls_failures_say_what_to_do() {
        let bundle = Trust::System;
        // As hyper-rustls hands it over: an io::Error around tokio-rustls's.
        let unknown = std::io::Error::other(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        ));
        let text = tls_failure(&unknown, &bundle).unwrap();
        assert!(
            text.contains("--s3-ca-file") && text.contains("system"),
            "{text}"
        );
        let name = std::io::Error::other(rustls::Error::InvalidCertificate(
            rustls::CertificateError::NotValidForName,
        ));
        assert!(
            tls_failure(&name, &bundle)
                .unwrap()
                .contains("does not name this host")
        );
        let plain = std::io::Error::other(rustls::Error::InvalidMessage(
            rustls::InvalidMessage::InvalidContentType,
        ));
        assert!(tls_failure(&plain, &bundle).unwrap().contains("http port"));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(tls_failure(&refused, &bundle).is_none());
    }
}
