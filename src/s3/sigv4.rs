//! AWS Signature Version 4 for S3 requests (header-based, signed payload hash),
//! following the AWS "Create a signed AWS API request" steps.

use std::fmt::Write as _;

use base64::Engine;
use md5::{Digest, Md5};
use ring::{digest, hmac};

/// An access key pair. `Debug` never shows the secret.
#[derive(Clone)]
pub struct Credentials {
    /// The access key ID.
    pub access_key: String,
    /// The secret key (never printed).
    pub secret_key: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}

fn sha256_hex(data: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, data).as_ref())
}

fn hmac_sha256(key: &[u8], data: &str) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    hmac::sign(&key, data.as_bytes()).as_ref().to_vec()
}

/// RFC 3986 encoding as SigV4 wants it: unreserved characters stay, the rest is
/// `%XX` upper-case; `/` stays only in object key paths.
pub(crate) fn uri_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// The request path: `bucket_path` (`/<bucket>` path-style, empty virtual-host)
/// then `/<key>`; `/` alone for a virtual-host bucket request.
pub(crate) fn canonical_path(bucket_path: &str, key: &str) -> String {
    match (bucket_path.is_empty(), key.is_empty()) {
        (_, false) => format!("{bucket_path}/{}", uri_encode(key, true)),
        (false, true) => bucket_path.to_string(),
        (true, true) => "/".to_string(),
    }
}

/// Sorted, encoded `k=v&…`; a flag like `lifecycle` becomes `lifecycle=`.
pub(crate) fn canonical_query(query: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (uri_encode(k, false), uri_encode(v, false)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

pub(crate) fn content_md5(body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(body))
}

/// Who signs, for which region, and when.
pub struct Scope<'a> {
    /// The key pair.
    pub credentials: &'a Credentials,
    /// The region in the credential scope.
    pub region: &'a str,
    /// The request time (`x-amz-date`).
    pub now: jiff::Timestamp,
}

/// The parts of a request SigV4 signs.
pub struct Request<'a> {
    /// `GET`, `PUT`, ...
    pub method: &'a str,
    /// The Host header, exactly as sent.
    pub host: &'a str,
    /// The encoded path.
    pub path: &'a str,
    /// The canonical query string.
    pub query: &'a str,
    /// The payload.
    pub body: &'a [u8],
    /// The `Content-MD5` header, when sent.
    pub content_md5: Option<&'a str>,
}

/// The headers to send besides Host (which the caller sets to `request.host`).
pub(crate) fn sign(scope: &Scope, request: &Request) -> Vec<(String, String)> {
    let amz_date = scope.now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let date = &amz_date[..8];
    let payload_hash = sha256_hex(request.body);
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), request.host.to_string()),
        ("x-amz-content-sha256".into(), payload_hash.clone()),
        ("x-amz-date".into(), amz_date.clone()),
    ];
    if let Some(md5) = request.content_md5 {
        headers.push(("content-md5".into(), md5.to_string()));
    }
    headers.sort();
    let canonical_headers: String = headers
        .iter()
        .map(|(k, v)| format!("{k}:{}\n", v.trim()))
        .collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        request.method, request.path, request.query
    );
    let region = scope.region;
    let credential_scope = format!("{date}/{region}/s3/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{credential_scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let secret = &scope.credentials.secret_key;
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date);
    let k_region = hmac_sha256(&k_date, region);
    let k_service = hmac_sha256(&k_region, "s3");
    let k_signing = hmac_sha256(&k_service, "aws4_request");
    let signature = hex(&hmac_sha256(&k_signing, &string_to_sign));
    headers.retain(|(k, _)| k != "host");
    headers.push((
        "authorization".into(),
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{credential_scope}, SignedHeaders={signed_headers}, Signature={signature}",
            scope.credentials.access_key
        ),
    ));
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_and_query() {
        assert_eq!(uri_encode("a b/c~d", true), "a%20b/c~d");
        assert_eq!(uri_encode("a/b", false), "a%2Fb");
        assert_eq!(
            canonical_query(&[("list-type", "2"), ("continuation-token", "x/y=")]),
            "continuation-token=x%2Fy%3D&list-type=2"
        );
        assert_eq!(canonical_query(&[("lifecycle", "")]), "lifecycle=");
        assert_eq!(canonical_path("/bkt", "dir/a b.txt"), "/bkt/dir/a%20b.txt");
        assert_eq!(canonical_path("/bkt", ""), "/bkt");
        assert_eq!(canonical_path("", "dir/a"), "/dir/a");
        assert_eq!(canonical_path("", ""), "/");
    }

    #[test]
    fn md5_is_base64() {
        assert_eq!(content_md5(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
    }

    fn authorization(scope: &Scope, request: &Request) -> String {
        sign(scope, request)
            .into_iter()
            .find(|(k, _)| k == "authorization")
            .unwrap()
            .1
    }

    fn example_scope(credentials: &Credentials) -> Scope<'_> {
        Scope {
            credentials,
            region: "us-east-1",
            now: "2013-05-24T00:00:00Z".parse().unwrap(),
        }
    }

    fn example_credentials() -> Credentials {
        Credentials {
            access_key: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        }
    }

    /// The AWS documentation's "GET Bucket Lifecycle" example (virtual-host style:
    /// examplebucket in the Host, path `/`, 2013-05-24), signature as published.
    #[test]
    fn aws_documented_lifecycle_example() {
        let credentials = example_credentials();
        let request = Request {
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: &canonical_path("", ""),
            query: &canonical_query(&[("lifecycle", "")]),
            body: b"",
            content_md5: None,
        };
        assert_eq!(
            authorization(&example_scope(&credentials), &request),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        );
    }

    /// The AWS documentation's "GET Bucket (List Objects)" example:
    /// GET /?max-keys=2&prefix=J, signature as published.
    #[test]
    fn aws_documented_list_objects_example() {
        let credentials = example_credentials();
        let request = Request {
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: &canonical_path("", ""),
            query: &canonical_query(&[("max-keys", "2"), ("prefix", "J")]),
            body: b"",
            content_md5: None,
        };
        assert_eq!(
            authorization(&example_scope(&credentials), &request),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        );
    }

    /// The region is part of what is signed: another region, another signature.
    #[test]
    fn the_region_is_signed() {
        let credentials = example_credentials();
        let request = Request {
            method: "GET",
            host: "examplebucket.s3.eu-west-1.amazonaws.com",
            path: "/",
            query: "lifecycle=",
            body: b"",
            content_md5: None,
        };
        let scope = example_scope(&credentials);
        let other = Scope {
            region: "eu-west-1",
            ..example_scope(&credentials)
        };
        let (a, b) = (
            authorization(&scope, &request),
            authorization(&other, &request),
        );
        assert!(b.contains("/20130524/eu-west-1/s3/aws4_request"), "{b}");
        assert_ne!(a.rsplit('=').next(), b.rsplit('=').next());
    }
}
