//! Where an S3 request goes (pure): the endpoint URL read once, how a bucket is
//! named in a request, and the region the request is signed for.
//!
//! Path-style puts the bucket in the path (`https://rgw.example/bucket/key`); Ceph
//! RGW, MinIO and every S3 gateway serve it. Virtual-host style puts it in the host
//! name (`https://bucket.s3.eu-west-1.amazonaws.com/key`); AWS wants it (buckets made
//! since September 2020 serve nothing else), and RGW serves it when `rgw_dns_name`
//! (Rook: `hosting.dnsNames`) names the endpoint's host.

use super::S3Error;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTP over TLS.
    Https,
}

impl Scheme {
    fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// Where the bucket goes in a request (`--s3-addressing`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Addressing {
    /// Virtual-host for AWS endpoints (`*.amazonaws.com`) when the bucket name
    /// allows it, path-style for every other gateway
    #[default]
    Auto,
    /// `https://host/bucket/key`: Ceph RGW, MinIO, any gateway
    Path,
    /// `https://bucket.host/key`: AWS; RGW with `rgw_dns_name` set to the host
    VirtualHost,
}

/// An endpoint read from `http(s)://host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The scheme.
    pub scheme: Scheme,
    /// The host, lower-cased; an IPv6 address keeps its brackets.
    pub host: String,
    /// The port, when it is not the scheme's default.
    pub port: Option<u16>,
}

/// How one request names its bucket: the base URL, the Host header (which SigV4
/// signs; exactly what is sent) and the path before the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    /// `scheme://authority`.
    pub base: String,
    /// `host[:port]`, the port only when it is not the default.
    pub authority: String,
    /// `/<bucket>` (path-style) or empty (virtual-host).
    pub bucket_path: String,
}

impl Endpoint {
    /// Reads `url`: `http://` or `https://`, a host, an optional port, and no
    /// user, path (a trailing `/` is fine), query or fragment.
    pub fn parse(url: &str) -> Result<Endpoint, S3Error> {
        let bad = || S3Error::BadEndpoint(url.to_string());
        let trimmed = url.trim().trim_end_matches('/');
        let uri: http::Uri = trimmed.parse().map_err(|_| bad())?;
        let scheme = match uri.scheme_str() {
            Some("http") => Scheme::Http,
            Some("https") => Scheme::Https,
            _ => return Err(bad()),
        };
        let authority = uri.authority().ok_or_else(bad)?;
        if authority.as_str().contains('@') || !matches!(uri.path(), "" | "/") {
            return Err(bad());
        }
        if uri.query().is_some() || trimmed.contains('#') {
            return Err(bad());
        }
        let host = authority.host().to_ascii_lowercase();
        if host.is_empty() {
            return Err(bad());
        }
        let port = authority.port_u16().filter(|p| *p != scheme.default_port());
        Ok(Endpoint { scheme, host, port })
    }

    /// `scheme://host[:port]`, the port only when it is not the default.
    pub fn base(&self) -> String {
        format!("{}://{}", self.scheme.as_str(), self.authority(&self.host))
    }

    fn authority(&self, host: &str) -> String {
        match self.port {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        }
    }

    /// Whether the host is an IP address rather than a name.
    fn is_ip(&self) -> bool {
        self.host.starts_with('[') || self.host.parse::<std::net::Ipv4Addr>().is_ok()
    }

    /// The labels before `amazonaws.com(.cn)` of an Amazon S3 endpoint
    /// (`s3.amazonaws.com`, `s3.<region>.amazonaws.com`, `s3-<region>.amazonaws.com`,
    /// `s3.dualstack.<region>.amazonaws.com`, `s3-accelerate.amazonaws.com`, ...).
    fn aws_labels(&self) -> Option<Vec<&str>> {
        let rest = self
            .host
            .strip_suffix(".amazonaws.com")
            .or_else(|| self.host.strip_suffix(".amazonaws.com.cn"))?;
        let labels: Vec<&str> = rest.split('.').collect();
        labels
            .first()
            .is_some_and(|first| *first == "s3" || first.starts_with("s3-"))
            .then_some(labels)
    }

    /// The region an Amazon S3 endpoint names, if it names one.
    fn aws_region(&self) -> Option<String> {
        match self.aws_labels()?.as_slice() {
            ["s3"] | ["s3-external-1"] => Some("us-east-1".to_string()),
            ["s3", "dualstack", region] | ["s3", region] => Some(region.to_string()),
            [first] if !first.starts_with("s3-accelerate") => {
                first.strip_prefix("s3-").map(str::to_string)
            }
            _ => None,
        }
    }

    /// How a request for `bucket` is addressed. `Err` is one line saying why the
    /// bucket cannot be named that way and what to pass instead.
    pub(crate) fn route(&self, bucket: &str, addressing: Addressing) -> Result<Route, S3Error> {
        let virtual_host = match addressing {
            Addressing::Path => false,
            Addressing::VirtualHost => {
                if let Some(reason) = self.virtual_host_refusal(bucket) {
                    return Err(S3Error::Addressing(format!(
                        "bucket {bucket} cannot be addressed virtual-host style at {}: {reason}; pass --s3-addressing path",
                        self.base()
                    )));
                }
                true
            }
            Addressing::Auto => {
                self.aws_labels().is_some() && self.virtual_host_refusal(bucket).is_none()
            }
        };
        if virtual_host && !bucket.is_empty() {
            let authority = self.authority(&format!("{bucket}.{}", self.host));
            Ok(Route {
                base: format!("{}://{authority}", self.scheme.as_str()),
                authority,
                bucket_path: String::new(),
            })
        } else {
            Ok(Route {
                base: self.base(),
                authority: self.authority(&self.host),
                bucket_path: if bucket.is_empty() {
                    String::new()
                } else {
                    format!("/{}", super::sigv4::uri_encode(bucket, false))
                },
            })
        }
    }

    /// Why `bucket` cannot become the first label of this endpoint's host, if it
    /// cannot: S3's rules for names that work as DNS labels, no IP address as the
    /// host, and over https no dot in the name (a wildcard certificate covers one
    /// label, so `a.b.s3.amazonaws.com` fails verification).
    fn virtual_host_refusal(&self, bucket: &str) -> Option<&'static str> {
        if self.is_ip() {
            return Some("the endpoint is an IP address, which has no subdomains");
        }
        let valid_chars = bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        let ends_ok =
            |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !(3..=63).contains(&bucket.len())
            || !valid_chars
            || !ends_ok(bucket.as_bytes().first())
            || !ends_ok(bucket.as_bytes().last())
            || bucket.contains("..")
            || bucket.contains(".-")
            || bucket.contains("-.")
            || bucket.parse::<std::net::Ipv4Addr>().is_ok()
        {
            return Some("the name is not a valid DNS label");
        }
        if self.scheme == Scheme::Https && bucket.contains('.') {
            return Some(
                "over https a name with dots does not match the gateway's wildcard certificate",
            );
        }
        None
    }

    /// The region requests are signed for: the one configured (the claim's
    /// `BUCKET_REGION`), else the AWS endpoint's own, else `us-east-1` (what RGW
    /// and MinIO accept by default).
    pub(crate) fn signing_region(&self, configured: Option<&str>) -> String {
        configured
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .or_else(|| self.aws_region())
            .unwrap_or_else(|| "us-east-1".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_read_whole() {
        let e = Endpoint::parse("https://RGW.rook-ceph.svc:443/").unwrap();
        assert_eq!(
            e,
            Endpoint {
                scheme: Scheme::Https,
                host: "rgw.rook-ceph.svc".into(),
                port: None
            }
        );
        assert_eq!(e.base(), "https://rgw.rook-ceph.svc");
        let e = Endpoint::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(e.base(), "http://127.0.0.1:8080");
        assert_eq!(
            Endpoint::parse("http://rgw:80").unwrap().base(),
            "http://rgw"
        );
        assert_eq!(
            Endpoint::parse("https://[::1]:8443").unwrap().base(),
            "https://[::1]:8443"
        );
        for bad in [
            "rgw:80",
            "ftp://rgw",
            "not a url",
            "https://",
            "https://user:pass@rgw",
            "https://rgw/prefix",
            "https://rgw/?x=1",
            "https://rgw#top",
            "",
        ] {
            assert!(
                matches!(Endpoint::parse(bad), Err(S3Error::BadEndpoint(_))),
                "{bad}"
            );
        }
    }

    fn route(url: &str, bucket: &str, addressing: Addressing) -> Result<Route, S3Error> {
        Endpoint::parse(url).unwrap().route(bucket, addressing)
    }

    #[test]
    fn path_style_names_the_bucket_in_the_path() {
        let r = route("https://rgw.example:8443", "data", Addressing::Path).unwrap();
        assert_eq!(r.base, "https://rgw.example:8443");
        assert_eq!(r.authority, "rgw.example:8443");
        assert_eq!(r.bucket_path, "/data");
        // Any name S3 allows works path-style, dots and IP hosts included.
        let r = route("http://127.0.0.1:80", "my.data.v2", Addressing::Path).unwrap();
        assert_eq!(
            (r.authority.as_str(), r.bucket_path.as_str()),
            ("127.0.0.1", "/my.data.v2")
        );
    }

    #[test]
    fn virtual_host_names_the_bucket_in_the_host() {
        let r = route("https://s3.localhost:8443", "data", Addressing::VirtualHost).unwrap();
        assert_eq!(r.base, "https://data.s3.localhost:8443");
        assert_eq!(r.authority, "data.s3.localhost:8443");
        assert_eq!(r.bucket_path, "");
        // Dots are fine over plain HTTP (no certificate to match).
        let r = route("http://rgw.example", "a.b", Addressing::VirtualHost).unwrap();
        assert_eq!(r.authority, "a.b.rgw.example");
    }

    #[test]
    fn auto_is_virtual_host_on_aws_only() {
        for (url, bucket, authority, bucket_path) in [
            (
                "https://s3.amazonaws.com",
                "logs",
                "logs.s3.amazonaws.com",
                "",
            ),
            (
                "https://s3.eu-west-1.amazonaws.com",
                "logs",
                "logs.s3.eu-west-1.amazonaws.com",
                "",
            ),
            // A dotted name over https cannot match *.s3.amazonaws.com: path-style.
            (
                "https://s3.amazonaws.com",
                "a.b",
                "s3.amazonaws.com",
                "/a.b",
            ),
            (
                "https://rgw.rook-ceph.svc",
                "logs",
                "rgw.rook-ceph.svc",
                "/logs",
            ),
            ("http://127.0.0.1:7480", "logs", "127.0.0.1:7480", "/logs"),
            (
                "https://minio.example:9000",
                "logs",
                "minio.example:9000",
                "/logs",
            ),
        ] {
            let r = route(url, bucket, Addressing::Auto).unwrap();
            assert_eq!(
                (r.authority.as_str(), r.bucket_path.as_str()),
                (authority, bucket_path),
                "{url} {bucket}"
            );
        }
    }

    #[test]
    fn virtual_host_refuses_what_dns_or_certificates_cannot_carry() {
        for (url, bucket, why) in [
            ("http://127.0.0.1:7480", "logs", "IP address"),
            ("https://[::1]:7480", "logs", "IP address"),
            ("https://rgw.example", "Logs", "DNS label"),
            ("https://rgw.example", "my_bucket", "DNS label"),
            ("https://rgw.example", "ab", "DNS label"),
            ("https://rgw.example", "-logs", "DNS label"),
            ("https://rgw.example", "logs-", "DNS label"),
            ("https://rgw.example", "a..b", "DNS label"),
            ("https://rgw.example", "a.-b", "DNS label"),
            ("https://rgw.example", "192.168.1.1", "DNS label"),
            ("https://rgw.example", &"x".repeat(64), "DNS label"),
            ("https://rgw.example", "a.b", "wildcard certificate"),
        ] {
            let err = route(url, bucket, Addressing::VirtualHost).unwrap_err();
            let text = err.to_string();
            assert!(
                text.contains(why) && text.contains("--s3-addressing path"),
                "{url} {bucket}: {text}"
            );
        }
    }

    #[test]
    fn bucket_names_are_encoded_in_the_path() {
        let r = route("http://rgw", "a b", Addressing::Path).unwrap();
        assert_eq!(r.bucket_path, "/a%20b");
    }

    #[test]
    fn the_signing_region() {
        let region = |url: &str, configured: Option<&str>| {
            Endpoint::parse(url).unwrap().signing_region(configured)
        };
        assert_eq!(region("http://rgw:80", None), "us-east-1");
        assert_eq!(region("http://rgw:80", Some("")), "us-east-1");
        assert_eq!(region("http://rgw:80", Some(" zone-a ")), "zone-a");
        assert_eq!(region("https://s3.amazonaws.com", None), "us-east-1");
        assert_eq!(
            region("https://s3.eu-west-1.amazonaws.com", None),
            "eu-west-1"
        );
        assert_eq!(
            region("https://s3-us-west-2.amazonaws.com", None),
            "us-west-2"
        );
        assert_eq!(
            region("https://s3.dualstack.ap-south-1.amazonaws.com", None),
            "ap-south-1"
        );
        assert_eq!(
            region("https://s3.cn-north-1.amazonaws.com.cn", None),
            "cn-north-1"
        );
        // The configured region wins: it is what the provisioner says.
        assert_eq!(
            region("https://s3.eu-west-1.amazonaws.com", Some("eu-central-1")),
            "eu-central-1"
        );
        // Acceleration endpoints name no region; not S3 on AWS.
        assert_eq!(
            region("https://s3-accelerate.amazonaws.com", None),
            "us-east-1"
        );
        assert_eq!(region("https://ec2.amazonaws.com", None), "us-east-1");
    }
}
