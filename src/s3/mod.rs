//! A small S3 client for what `kubectl dp buckets` and `perf --suite storage`
//! need (bucket exists, objects, multipart uploads, a listing for a size,
//! lifecycle get/put), signed with AWS Signature Version 4, over HTTP or HTTPS
//! (system roots or a CA bundle: [`Trust`]), path-style or virtual-host
//! ([`Addressing`]). Tested against a real Ceph RGW, over both (tests/s3/up).
//!
//! Every request runs under one timeout, so an endpoint that does not answer
//! fails with a clear error instead of hanging.

pub mod claim;
mod endpoint;
mod error;
mod multipart;
mod sigv4;
mod transport;
pub(crate) mod xml;

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

use crate::platform::bucket::Lifecycle;

pub use endpoint::{Addressing, Endpoint, Scheme};
pub use error::S3Error;
pub use multipart::{PART_SIZE, Upload};
pub use sigv4::Credentials;
pub use transport::{CaBundle, Trust};
pub use xml::lifecycle_document;

/// The largest S3 response read for a listing, a lifecycle or an error
/// document: 16 MiB (a ListObjectsV2 page of 1,000 keys is well under 1 MiB).
pub(crate) const MAX_DOCUMENT_BODY: usize = 16 << 20;

/// The largest object body read by `GET`: 5 GiB and 1 KiB, just above the largest
/// object `perf --suite storage` writes (`--object-size` up to 5 GiB).
pub(crate) const MAX_OBJECT_BODY: usize = (5 << 30) + 1024;

/// What a ListObjectsV2 walk found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// How many objects.
    pub objects: u64,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// How to reach an endpoint besides its URL.
#[derive(Debug, Clone)]
pub struct Options {
    /// Which CAs vouch for an https endpoint.
    pub trust: Trust,
    /// Where the bucket goes in a request.
    pub addressing: Addressing,
    /// The region to sign for (the claim's `BUCKET_REGION`); see
    /// [`Endpoint::signing_region`] when unset.
    pub region: Option<String>,
    /// The limit of each request, connection and TLS handshake included.
    pub timeout: Duration,
    /// The name the server's certificate must carry instead of the endpoint's
    /// host (`--s3-tls-server-name`, as kubectl's `--tls-server-name`).
    pub tls_server_name: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            trust: Trust::System,
            addressing: Addressing::Auto,
            region: None,
            timeout: Duration::from_secs(10),
            tls_server_name: None,
        }
    }
}

/// An S3 client for one endpoint, signing with SigV4.
pub struct Client {
    /// The endpoint as given, without a trailing slash (for messages and reports).
    display: String,
    endpoint: Endpoint,
    addressing: Addressing,
    region: String,
    credentials: Credentials,
    trust: Trust,
    timeout: Duration,
    http: transport::Https,
}

struct Response {
    status: u16,
    body: Bytes,
    /// Whether the answer carries S3's request id header (RGW and AWS send it).
    from_s3: bool,
    /// The `ETag` header (an uploaded part's, for CompleteMultipartUpload).
    etag: Option<String>,
}

impl Client {
    /// `endpoint` is `http(s)://host[:port]` (a trailing slash is fine), with the
    /// system roots, automatic addressing and `timeout`.
    pub fn new(
        endpoint: &str,
        credentials: Credentials,
        timeout: Duration,
    ) -> Result<Client, S3Error> {
        Client::with_options(
            endpoint,
            credentials,
            Options {
                timeout,
                ..Options::default()
            },
        )
    }

    /// A client for `endpoint` with every option spelled out.
    pub fn with_options(
        endpoint: &str,
        credentials: Credentials,
        options: Options,
    ) -> Result<Client, S3Error> {
        let parsed = Endpoint::parse(endpoint)?;
        let renamed = options
            .tls_server_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|name| (parsed.host.clone(), name.to_string()));
        let http = transport::client(
            parsed.scheme == Scheme::Https,
            &options.trust,
            options.timeout,
            renamed,
        )?;
        Ok(Client {
            display: endpoint.trim().trim_end_matches('/').to_string(),
            region: parsed.signing_region(options.region.as_deref()),
            endpoint: parsed,
            addressing: options.addressing,
            credentials,
            trust: options.trust,
            timeout: options.timeout,
            http,
        })
    }

    /// The endpoint, without a trailing slash.
    pub fn endpoint(&self) -> &str {
        &self.display
    }

    /// HEAD bucket: true when it exists and the credentials may use it.
    pub async fn bucket_exists(&self, bucket: &str) -> Result<bool, S3Error> {
        let response = self
            .send("HEAD", bucket, "", &[], Bytes::new(), false)
            .await?;
        match response.status {
            200..=299 => Ok(true),
            404 if response.from_s3 => Ok(false),
            404 => Err(S3Error::NotS3 {
                endpoint: self.display.clone(),
                status: 404,
            }),
            403 => Err(S3Error::Credentials {
                code: "AccessDenied".into(),
                message: format!("HEAD bucket {bucket} was forbidden"),
            }),
            status => Err(S3Error::Server {
                status,
                code: String::new(),
                message: format!("HEAD bucket {bucket}"),
            }),
        }
    }

    /// Creates a bucket.
    pub async fn create_bucket(&self, bucket: &str) -> Result<(), S3Error> {
        let response = self
            .send("PUT", bucket, "", &[], Bytes::new(), false)
            .await?;
        check(response).map(|_| ())
    }

    /// Deletes an empty bucket.
    pub async fn delete_bucket(&self, bucket: &str) -> Result<(), S3Error> {
        let response = self
            .send("DELETE", bucket, "", &[], Bytes::new(), false)
            .await?;
        check(response).map(|_| ())
    }

    /// Writes an object.
    pub async fn put_object(&self, bucket: &str, key: &str, body: Bytes) -> Result<(), S3Error> {
        let response = self.send("PUT", bucket, key, &[], body, false).await?;
        check(response).map(|_| ())
    }

    /// Reads an object.
    pub async fn get_object(&self, bucket: &str, key: &str) -> Result<Bytes, S3Error> {
        let response = self
            .send("GET", bucket, key, &[], Bytes::new(), false)
            .await?;
        check(response)
    }

    /// Deletes an object.
    pub async fn delete_object(&self, bucket: &str, key: &str) -> Result<(), S3Error> {
        let response = self
            .send("DELETE", bucket, key, &[], Bytes::new(), false)
            .await?;
        check(response).map(|_| ())
    }

    /// Counts the objects and bytes with ListObjectsV2, page by page.
    pub async fn usage(&self, bucket: &str) -> Result<Usage, S3Error> {
        let mut usage = Usage::default();
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![
                ("list-type", "2".to_string()),
                ("max-keys", "1000".to_string()),
            ];
            if let Some(token) = &token {
                query.push(("continuation-token", token.clone()));
            }
            let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let body = check(
                self.send("GET", bucket, "", &query, Bytes::new(), false)
                    .await?,
            )?;
            let page = xml::list_page(&body).map_err(|reason| S3Error::Server {
                status: 200,
                code: "MalformedXML".into(),
                message: reason,
            })?;
            usage.objects += page.objects;
            usage.bytes += page.bytes;
            match page.next {
                Some(next) if page.truncated => token = Some(next),
                _ => return Ok(usage),
            }
        }
    }

    /// The lifecycle the bucket really holds; `None` when it has none.
    pub async fn get_lifecycle(&self, bucket: &str) -> Result<Option<Lifecycle>, S3Error> {
        let response = self
            .send("GET", bucket, "", &[("lifecycle", "")], Bytes::new(), false)
            .await?;
        if response.status == 404 {
            let (code, _) = xml::error(&response.body);
            if code == "NoSuchLifecycleConfiguration" {
                return Ok(None);
            }
        }
        let body = check(response)?;
        xml::lifecycle(&body)
            .map(Some)
            .map_err(|reason| S3Error::Server {
                status: 200,
                code: "MalformedXML".into(),
                message: reason,
            })
    }

    /// Sets a bucket's lifecycle configuration (the XML Rook sends for it).
    pub async fn put_lifecycle(&self, bucket: &str, lifecycle: &Lifecycle) -> Result<(), S3Error> {
        self.put_lifecycle_document(bucket, xml::lifecycle_document(lifecycle))
            .await
    }

    /// Sends a PutBucketLifecycleConfiguration document as given (the tests
    /// send what Rook would not, to learn what the gateway does with it).
    pub async fn put_lifecycle_document(
        &self,
        bucket: &str,
        document: String,
    ) -> Result<(), S3Error> {
        let body = Bytes::from(document);
        let response = self
            .send("PUT", bucket, "", &[("lifecycle", "")], body, true)
            .await?;
        check(response).map(|_| ())
    }

    /// Sends a PutBucketPolicy document as given (what Rook sends for a
    /// claim's `bucketPolicy`: the string itself).
    pub async fn put_bucket_policy(&self, bucket: &str, policy: &str) -> Result<(), S3Error> {
        let body = Bytes::from(policy.to_string());
        let response = self
            .send("PUT", bucket, "", &[("policy", "")], body, true)
            .await?;
        check(response).map(|_| ())
    }

    /// The policy the bucket holds, as the gateway returns it; `None` when it
    /// has none.
    pub async fn get_bucket_policy(&self, bucket: &str) -> Result<Option<String>, S3Error> {
        let response = self
            .send("GET", bucket, "", &[("policy", "")], Bytes::new(), false)
            .await?;
        if response.status == 404 {
            let (code, _) = xml::error(&response.body);
            if code == "NoSuchBucketPolicy" {
                return Ok(None);
            }
        }
        let body = check(response)?;
        Ok(Some(String::from_utf8_lossy(&body).into_owned()))
    }

    /// Removes a bucket's policy.
    pub async fn delete_bucket_policy(&self, bucket: &str) -> Result<(), S3Error> {
        let response = self
            .send("DELETE", bucket, "", &[("policy", "")], Bytes::new(), false)
            .await?;
        check(response).map(|_| ())
    }

    /// Removes a bucket's lifecycle configuration.
    pub async fn delete_lifecycle(&self, bucket: &str) -> Result<(), S3Error> {
        let response = self
            .send(
                "DELETE",
                bucket,
                "",
                &[("lifecycle", "")],
                Bytes::new(),
                false,
            )
            .await?;
        check(response).map(|_| ())
    }

    /// The signed request for one S3 call.
    fn signed_request(
        &self,
        method: &str,
        bucket: &str,
        key: &str,
        query: &[(&str, &str)],
        body: Bytes,
        content_md5: bool,
    ) -> Result<http::Request<Full<Bytes>>, S3Error> {
        let route = self.endpoint.route(bucket, self.addressing)?;
        let path = sigv4::canonical_path(&route.bucket_path, key);
        let query_string = sigv4::canonical_query(query);
        let md5 = content_md5.then(|| sigv4::content_md5(&body));
        let signed = sigv4::sign(
            &sigv4::Scope {
                credentials: &self.credentials,
                region: &self.region,
                now: jiff::Timestamp::now(),
            },
            &sigv4::Request {
                method,
                host: &route.authority,
                path: &path,
                query: &query_string,
                body: &body,
                content_md5: md5.as_deref(),
            },
        );
        let uri = if query_string.is_empty() {
            format!("{}{path}", route.base)
        } else {
            format!("{}{path}?{query_string}", route.base)
        };
        // Host exactly as signed (hyper would leave out a default port the URL names).
        let mut builder = http::Request::builder()
            .method(method)
            .uri(&uri)
            .header(http::header::HOST, route.authority.as_str());
        for (name, value) in &signed {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder
            .body(Full::new(body))
            .map_err(|_| S3Error::BadEndpoint(self.display.clone()))
    }

    async fn send(
        &self,
        method: &str,
        bucket: &str,
        key: &str,
        query: &[(&str, &str)],
        body: Bytes,
        content_md5: bool,
    ) -> Result<Response, S3Error> {
        let request = self.signed_request(method, bucket, key, query, body, content_md5)?;
        let exchange = async {
            let response = self
                .http
                .request(request)
                .await
                .map_err(|e| self.transport(&e))?;
            let status = response.status().as_u16();
            let from_s3 = response.headers().contains_key("x-amz-request-id");
            let etag = response
                .headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let limit = if method == "GET" && !key.is_empty() {
                MAX_OBJECT_BODY
            } else {
                MAX_DOCUMENT_BODY
            };
            let body = http_body_util::Limited::new(response.into_body(), limit)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        S3Error::TooLarge {
                            endpoint: self.display.clone(),
                            limit: crate::kube::limits::describe(limit),
                        }
                    } else {
                        self.transport(&*e)
                    }
                })?
                .to_bytes();
            Ok(Response {
                status,
                body,
                from_s3,
                etag,
            })
        };
        crate::http::within(self.timeout, exchange, || S3Error::Timeout {
            endpoint: self.display.clone(),
            timeout: self.timeout,
        })
        .await
    }

    fn transport(&self, error: &(dyn std::error::Error + 'static)) -> S3Error {
        if let Some(reason) = transport::tls_failure(error, &self.trust) {
            return S3Error::Tls {
                endpoint: self.display.clone(),
                reason,
            };
        }
        let reason = crate::http::root_cause(error);
        if reason.to_lowercase().contains("timed out") {
            return S3Error::Timeout {
                endpoint: self.display.clone(),
                timeout: self.timeout,
            };
        }
        // A TLS port hangs up on a plain request (Ceph's beast does).
        let reason = if self.endpoint.scheme == Scheme::Http
            && reason.contains("connection closed before message completed")
        {
            format!("{reason} (if this port speaks TLS, use https://)")
        } else {
            reason
        };
        S3Error::Unreachable {
            endpoint: self.display.clone(),
            reason,
        }
    }
}

/// A 2xx body, or the S3 error the server sent.
fn check(response: Response) -> Result<Bytes, S3Error> {
    if (200..300).contains(&response.status) {
        return Ok(response.body);
    }
    let (code, message) = xml::error(&response.body);
    if matches!(
        code.as_str(),
        "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "AccessDenied" | "InvalidToken"
    ) {
        return Err(S3Error::Credentials { code, message });
    }
    Err(S3Error::Server {
        status: response.status,
        code,
        message,
    })
}

#[cfg(test)]
mod limit_tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A loopback server announcing a 64 MiB lifecycle document: the client stops
    /// at its 16 MiB cap with one clear error instead of reading it all.
    #[tokio::test]
    async fn documents_over_the_cap_are_refused() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\nx-amz-request-id: 1\r\nContent-Length: {}\r\n\r\n",
                64 << 20
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let chunk = vec![b' '; 1 << 20];
            for _ in 0..64 {
                if stream.write_all(&chunk).await.is_err() {
                    break;
                }
            }
        });
        let client = Client::new(
            &format!("http://127.0.0.1:{port}"),
            Credentials {
                access_key: "a".into(),
                secret_key: "s".into(),
            },
            Duration::from_secs(10),
        )
        .unwrap();
        let error = client.get_lifecycle("bucket").await.unwrap_err();
        assert!(
            matches!(&error, S3Error::TooLarge { limit, .. } if limit == "16 MiB"),
            "{error}"
        );
        server.abort();
    }
}
