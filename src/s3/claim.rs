//! How to reach an ObjectBucketClaim's bucket: the endpoint and bucket name
//! its ConfigMap gives, the credentials its Secret holds, and what the user
//! overrides ([`Access`]). `buckets check`, `buckets delete` and `perf`'s
//! storage suite all reach a claim this one way.

use std::time::Duration;

use k8s_openapi::api::core::v1::{ConfigMap, Secret};

use crate::kube::Cluster;
use crate::platform::crds::ObjectBucketClaim;
use crate::s3;

/// What the user says about reaching S3, whatever command they run.
#[derive(Debug, Clone)]
pub struct Access {
    /// An endpoint URL instead of the ConfigMap's `BUCKET_HOST:BUCKET_PORT`.
    pub endpoint: Option<String>,
    /// Timeout of each request.
    pub timeout: Duration,
    /// A CA bundle to trust instead of the system's roots and the ConfigMap's CA.
    pub ca: Option<s3::CaBundle>,
    /// Path or virtual-host addressing.
    pub addressing: s3::Addressing,
    /// The name the gateway's certificate must carry, when not the endpoint's host.
    pub tls_server_name: Option<String>,
}

/// How to reach one claim's bucket: its endpoint, bucket name and credentials.
pub struct Target {
    /// An S3 client for the endpoint, signed with the claim's credentials.
    pub client: s3::Client,
    /// The bucket's name.
    pub bucket: String,
}

/// Where a claim's bucket is and how to sign in, as its ConfigMap and Secret say.
#[derive(Debug)]
pub(crate) struct TargetParts {
    /// The endpoint URL (`--s3-endpoint`, else from the ConfigMap).
    pub endpoint: String,
    /// `BUCKET_NAME`.
    pub bucket: String,
    /// From the Secret.
    pub credentials: s3::Credentials,
    /// `BUCKET_REGION`, when set.
    pub region: Option<String>,
    /// A CA bundle the ConfigMap carries (see [`CA_KEYS`]).
    pub ca: Option<s3::CaBundle>,
}

/// The ConfigMap keys a CA bundle for the gateway is read from: `ca.crt` (the
/// name Kubernetes and cert-manager use), `service-ca.crt` (what OpenShift's
/// service CA injects into a ConfigMap annotated
/// `service.beta.openshift.io/inject-cabundle`, which signs the RGW certificate
/// Rook requests there) and `ca-bundle.crt` (trust-manager, OpenShift's trusted
/// CA bundle). Rook's own provisioner writes none of them.
pub(crate) const CA_KEYS: [&str; 3] = ["ca.crt", "service-ca.crt", "ca-bundle.crt"];

/// Where a claim's bucket is and how to sign in (pure): from its ConfigMap
/// (`BUCKET_NAME`, `BUCKET_HOST`, `BUCKET_PORT`, `BUCKET_SSL`, `BUCKET_REGION`, a
/// CA under one of [`CA_KEYS`]; `--s3-endpoint` overrides the address) and
/// Secret. `Err` is one line naming what is missing.
pub(crate) fn target_parts(
    namespace: &str,
    name: &str,
    cm: &ConfigMap,
    secret: &Secret,
    endpoint_override: Option<&str>,
) -> std::result::Result<TargetParts, String> {
    let data = cm.data.clone().unwrap_or_default();
    let bucket = data
        .get("BUCKET_NAME")
        .cloned()
        .ok_or_else(|| format!("ConfigMap {namespace}/{name} has no BUCKET_NAME"))?;
    let endpoint = match endpoint_override {
        Some(url) => url.to_string(),
        None => configmap_endpoint(namespace, name, &data)?,
    };
    let secret_data = secret.data.clone().unwrap_or_default();
    let field = |k: &str| {
        secret_data
            .get(k)
            .map(|v| String::from_utf8_lossy(&v.0).trim().to_string())
            .ok_or_else(|| format!("Secret {namespace}/{name} has no {k}"))
    };
    let credentials = s3::Credentials {
        access_key: field("AWS_ACCESS_KEY_ID")?,
        secret_key: field("AWS_SECRET_ACCESS_KEY")?,
    };
    let present: Vec<&str> = CA_KEYS
        .into_iter()
        .filter(|k| data.get(*k).is_some_and(|v| !v.trim().is_empty()))
        .collect();
    let ca = if present.is_empty() {
        None
    } else {
        let pem: String = present.iter().map(|k| format!("{}\n", data[*k])).collect();
        let source = format!("ConfigMap {namespace}/{name} ({})", present.join(", "));
        Some(s3::CaBundle::from_pem(&source, pem.as_bytes())?)
    };
    Ok(TargetParts {
        endpoint,
        bucket,
        credentials,
        region: data
            .get("BUCKET_REGION")
            .cloned()
            .filter(|r| !r.trim().is_empty()),
        ca,
    })
}

/// The endpoint URL a claim's ConfigMap names: `BUCKET_HOST` (a name, an
/// address, or a URL with its scheme) and `BUCKET_PORT`. Without a scheme in the
/// host it is https when `BUCKET_SSL` is true (lib-bucket-provisioner wrote that
/// key before v1) or the port is 443, and http otherwise.
fn configmap_endpoint(
    namespace: &str,
    name: &str,
    data: &std::collections::BTreeMap<String, String>,
) -> std::result::Result<String, String> {
    let value = |k: &str| data.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let host = value("BUCKET_HOST").ok_or_else(|| {
        format!("ConfigMap {namespace}/{name} has no BUCKET_HOST; pass --s3-endpoint")
    })?;
    let port = match value("BUCKET_PORT") {
        None => None,
        Some(text) => Some(text.parse::<u16>().map_err(|_| {
            format!("ConfigMap {namespace}/{name}: BUCKET_PORT '{text}' is not a port; pass --s3-endpoint")
        })?),
    };
    let ssl = value("BUCKET_SSL").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let (scheme, host) = match host.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest.trim_end_matches('/')),
        None if ssl || port == Some(443) => ("https".to_string(), host),
        None => ("http".to_string(), host),
    };
    let host = if host.parse::<std::net::Ipv6Addr>().is_ok() {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let names_port = !host.ends_with(']')
        && host
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok());
    Ok(match port {
        Some(port) if !names_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// Reads the claim's ConfigMap and Secret and builds its S3 target.
pub(crate) async fn target_for(
    cluster: &Cluster,
    namespace: &str,
    claim: &ObjectBucketClaim,
    access: &Access,
) -> std::result::Result<Target, String> {
    let name = claim.metadata.name.as_deref().unwrap_or_default();
    let (cm, secret) = tokio::join!(
        cluster.get_opt::<ConfigMap>(namespace, name),
        cluster.get_opt::<Secret>(namespace, name)
    );
    let cm = cm.map_err(|e| e.to_string())?.ok_or_else(|| {
        format!(
            "ConfigMap {namespace}/{name} (the bucket endpoint) is missing; the claim is {}",
            claim.phase()
        )
    })?;
    let secret = secret.map_err(|e| e.to_string())?.ok_or_else(|| {
        format!(
            "Secret {namespace}/{name} (the S3 credentials) is missing; the claim is {}",
            claim.phase()
        )
    })?;
    let parts = target_parts(namespace, name, &cm, &secret, access.endpoint.as_deref())?;
    // A CA given by the user replaces both the system's roots and one the ConfigMap carries.
    let ca = access.ca.clone().or(parts.ca);
    let options = s3::Options {
        trust: ca.map(s3::Trust::Bundle).unwrap_or_default(),
        addressing: access.addressing,
        region: parts.region,
        timeout: access.timeout,
        tls_server_name: access.tls_server_name.clone(),
    };
    let client = s3::Client::with_options(&parts.endpoint, parts.credentials, options)
        .map_err(|e| e.to_string())?;
    Ok(Target {
        client,
        bucket: parts.bucket,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn cm(pairs: &[(&str, &str)]) -> ConfigMap {
        ConfigMap {
            data: Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..Default::default()
        }
    }

    fn secret(pairs: &[(&str, &str)]) -> Secret {
        Secret {
            data: Some(
                pairs
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.to_string(),
                            k8s_openapi::ByteString(v.as_bytes().to_vec()),
                        )
                    })
                    .collect::<BTreeMap<_, _>>(),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn target_from_the_claims_configmap_and_secret() {
        let keys = secret(&[
            ("AWS_ACCESS_KEY_ID", "ak\n"),
            ("AWS_SECRET_ACCESS_KEY", "sk"),
        ]);
        let map = cm(&[
            ("BUCKET_NAME", "b-1"),
            ("BUCKET_HOST", "rgw.svc"),
            ("BUCKET_PORT", "8080"),
        ]);
        let parts = target_parts("ns", "c", &map, &keys, None).unwrap();
        assert_eq!(
            (parts.endpoint.as_str(), parts.bucket.as_str()),
            ("http://rgw.svc:8080", "b-1")
        );
        assert_eq!(parts.credentials.access_key, "ak");
        assert!(parts.ca.is_none() && parts.region.is_none());
        let parts = target_parts("ns", "c", &map, &keys, Some("http://127.0.0.1:9")).unwrap();
        assert_eq!(parts.endpoint, "http://127.0.0.1:9");
        let err = target_parts("ns", "c", &cm(&[("BUCKET_NAME", "b")]), &keys, None).unwrap_err();
        assert_eq!(err, "ConfigMap ns/c has no BUCKET_HOST; pass --s3-endpoint");
        let err = target_parts("ns", "c", &map, &secret(&[]), None).unwrap_err();
        assert_eq!(err, "Secret ns/c has no AWS_ACCESS_KEY_ID");
    }

    /// Every form a provisioner writes the address in, and what it means.
    #[test]
    fn the_endpoint_a_configmap_names() {
        for (pairs, expected) in [
            (
                &[("BUCKET_HOST", "rgw.svc"), ("BUCKET_PORT", "80")][..],
                "http://rgw.svc:80",
            ),
            (&[("BUCKET_HOST", "rgw.svc")][..], "http://rgw.svc"),
            (
                &[("BUCKET_HOST", "rgw.svc"), ("BUCKET_PORT", "443")][..],
                "https://rgw.svc:443",
            ),
            (
                &[
                    ("BUCKET_HOST", "rgw.svc"),
                    ("BUCKET_PORT", "8443"),
                    ("BUCKET_SSL", "True"),
                ][..],
                "https://rgw.svc:8443",
            ),
            (
                &[
                    ("BUCKET_HOST", "rgw.svc"),
                    ("BUCKET_PORT", "8080"),
                    ("BUCKET_SSL", "false"),
                ][..],
                "http://rgw.svc:8080",
            ),
            (
                &[
                    ("BUCKET_HOST", "https://s3.example.com/"),
                    ("BUCKET_PORT", "9443"),
                ][..],
                "https://s3.example.com:9443",
            ),
            (
                &[
                    ("BUCKET_HOST", "HTTP://s3.example.com:8080"),
                    ("BUCKET_PORT", "80"),
                ][..],
                "http://s3.example.com:8080",
            ),
            (
                &[("BUCKET_HOST", "fd00::7"), ("BUCKET_PORT", "443")][..],
                "https://[fd00::7]:443",
            ),
            (
                &[("BUCKET_HOST", " rgw.svc "), ("BUCKET_PORT", " ")][..],
                "http://rgw.svc",
            ),
        ] {
            let data = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            assert_eq!(
                configmap_endpoint("ns", "c", &data).unwrap(),
                expected,
                "{pairs:?}"
            );
        }
        let data = [("BUCKET_HOST", "rgw"), ("BUCKET_PORT", "http")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            configmap_endpoint("ns", "c", &data).unwrap_err(),
            "ConfigMap ns/c: BUCKET_PORT 'http' is not a port; pass --s3-endpoint"
        );
    }

    #[test]
    fn a_ca_and_region_in_the_configmap() {
        let keys = secret(&[("AWS_ACCESS_KEY_ID", "ak"), ("AWS_SECRET_ACCESS_KEY", "sk")]);
        let base = [
            ("BUCKET_NAME", "b"),
            ("BUCKET_HOST", "rgw"),
            ("BUCKET_REGION", "zone-a"),
        ];
        let parts = target_parts("ns", "c", &cm(&base), &keys, None).unwrap();
        assert_eq!(parts.region.as_deref(), Some("zone-a"));
        // A CA that is not PEM fails the claim's check in one line naming the key.
        let mut broken = base.to_vec();
        broken.push(("service-ca.crt", "not a certificate"));
        let err = target_parts("ns", "c", &cm(&broken), &keys, None).unwrap_err();
        assert_eq!(
            err,
            "ConfigMap ns/c (service-ca.crt) holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        );
        // Empty values are not a CA.
        let mut empty = base.to_vec();
        empty.push(("ca.crt", " "));
        assert!(
            target_parts("ns", "c", &cm(&empty), &keys, None)
                .unwrap()
                .ca
                .is_none()
        );
    }
}
