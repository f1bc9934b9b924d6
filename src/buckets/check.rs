//! `kubectl dp buckets check`: talks S3 to each claim's bucket with the claim's
//! own credentials (exists, write/read/delete a probe object, lifecycle drift).

use std::io::Write;

use bytes::Bytes;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use serde::Serialize;

use crate::error::{Exit, Result};
use crate::kube::{Cluster, Scope, resources};
use crate::platform::bucket::{Lifecycle, ProblemKind};
use crate::platform::crds::ObjectBucketClaim;
use crate::render::{Metadata, Output};
use crate::s3;

use super::analyse::{self, Drift};
use super::describe::load_claim;
use super::{CheckArgs, S3Args, selector_params};

/// The `kind` of `kubectl dp buckets check -o json`.
pub const KIND: &str = "BucketCheck";

/// How to reach one claim's bucket: its endpoint, bucket name and credentials.
pub struct Target {
    /// An S3 client for the endpoint, signed with the claim's credentials.
    pub client: s3::Client,
    /// The bucket's name.
    pub bucket: String,
}

/// Where a claim's bucket is and how to sign in, as its ConfigMap and Secret say.
#[derive(Debug)]
pub struct TargetParts {
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
pub const CA_KEYS: [&str; 3] = ["ca.crt", "service-ca.crt", "ca-bundle.crt"];

/// Where a claim's bucket is and how to sign in (pure): from its ConfigMap
/// (`BUCKET_NAME`, `BUCKET_HOST`, `BUCKET_PORT`, `BUCKET_SSL`, `BUCKET_REGION`, a
/// CA under one of [`CA_KEYS`]; `--s3-endpoint` overrides the address) and
/// Secret. `Err` is one line naming what is missing.
pub fn target_parts(
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

/// The CA bundle `--s3-ca-file` names, read once; `Err` is one line naming the
/// file (a bad flag: exit 2 before any claim is checked).
pub(crate) fn flag_ca(s3args: &S3Args) -> Result<Option<s3::CaBundle>> {
    s3args
        .s3_ca_file
        .as_deref()
        .map(|path| s3::CaBundle::from_file(path).map_err(crate::error::Error::Usage))
        .transpose()
}

/// Reads the claim's ConfigMap and Secret and builds its S3 target.
pub(crate) async fn target_for(
    cluster: &Cluster,
    namespace: &str,
    claim: &ObjectBucketClaim,
    s3args: &S3Args,
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
    let parts = target_parts(namespace, name, &cm, &secret, s3args.s3_endpoint.as_deref())?;
    // --s3-ca-file replaces both the system's roots and a CA the ConfigMap carries.
    let ca = flag_ca(s3args).map_err(|e| e.to_string())?.or(parts.ca);
    let options = s3::Options {
        trust: ca.map(s3::Trust::Bundle).unwrap_or_default(),
        addressing: s3args.s3_addressing,
        region: parts.region,
        timeout: s3args.s3_timeout,
        tls_server_name: s3args.s3_tls_server_name.clone(),
    };
    let client = s3::Client::with_options(&parts.endpoint, parts.credentials, options)
        .map_err(|e| e.to_string())?;
    Ok(Target {
        client,
        bucket: parts.bucket,
    })
}

/// What `buckets check` reports (kind `BucketCheck`).
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Every claim passed.
    pub passed: bool,
    /// One result per claim checked.
    pub claims: Vec<CheckResult>,
}

/// One claim's S3 check (an item of the `BucketCheck` report).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// The claim's namespace.
    pub namespace: String,
    /// The claim's name.
    pub name: String,
    /// The bucket, once the claim's ConfigMap named it.
    pub bucket: Option<String>,
    /// The S3 endpoint used.
    pub endpoint: Option<String>,
    /// Each step in order; the first failed one ends the check.
    pub steps: Vec<Step>,
    /// Differences between the claim's lifecycle and the bucket's.
    pub drift: Vec<Drift>,
    /// Every step passed.
    pub passed: bool,
}

/// One step of a claim's check.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// `phase`, `credentials`, `bucket`, `probe object` or `lifecycle`.
    pub check: String,
    /// Whether it passed.
    pub ok: bool,
    /// What was seen, or why it failed.
    pub detail: String,
}

/// Checks one claim's bucket step by step; never fails, it records why.
async fn check_one(
    cluster: &Cluster,
    namespace: &str,
    claim: &ObjectBucketClaim,
    s3args: &S3Args,
) -> CheckResult {
    let name = claim.metadata.name.clone().unwrap_or_default();
    let mut result = CheckResult {
        namespace: namespace.to_string(),
        name: name.clone(),
        bucket: None,
        endpoint: None,
        steps: Vec::new(),
        drift: Vec::new(),
        passed: false,
    };
    let step =
        |result: &mut CheckResult, check: &str, outcome: std::result::Result<String, String>| {
            let ok = outcome.is_ok();
            result.steps.push(Step {
                check: check.to_string(),
                ok,
                detail: outcome.unwrap_or_else(|e| e),
            });
            ok
        };
    if claim.phase() != "Bound" {
        step(
            &mut result,
            "phase",
            Err(format!(
                "the claim is {}, so there is no bucket to check yet; see kubectl dp buckets describe {name} -n {namespace}",
                claim.phase()
            )),
        );
        return result;
    }
    let target = match target_for(cluster, namespace, claim, s3args).await {
        Ok(t) => t,
        Err(e) => {
            step(&mut result, "credentials", Err(e));
            return result;
        }
    };
    result.bucket = Some(target.bucket.clone());
    result.endpoint = Some(target.client.endpoint().to_string());
    let (client, bucket) = (&target.client, target.bucket.as_str());
    let exists = match client.bucket_exists(bucket).await {
        Ok(true) => Ok(format!("bucket {bucket} exists")),
        Ok(false) => Err(format!(
            "bucket {bucket} does not exist at {}",
            client.endpoint()
        )),
        Err(e) => Err(e.to_string()),
    };
    if !step(&mut result, "bucket", exists) {
        return result;
    }
    let probe_key = format!(
        ".kubectl-dp-probe-{}",
        jiff::Timestamp::now().as_millisecond()
    );
    let payload = Bytes::from(format!("kubectl dp buckets check {probe_key}"));
    let probe = async {
        client
            .put_object(bucket, &probe_key, payload.clone())
            .await
            .map_err(|e| format!("write: {e}"))?;
        let read = client
            .get_object(bucket, &probe_key)
            .await
            .map_err(|e| format!("read: {e}"));
        let deleted = client
            .delete_object(bucket, &probe_key)
            .await
            .map_err(|e| format!("delete: {e}"));
        let read = read?;
        deleted?;
        if read != payload {
            return Err("read back different bytes than written".to_string());
        }
        Ok(format!("wrote, read back and deleted {probe_key}"))
    }
    .await;
    let probe_ok = step(&mut result, "probe object", probe);
    let wanted = claim
        .config("bucketLifecycle")
        .map(|json| claim_lifecycle(&json));
    let lifecycle = match wanted {
        Some(Err(e)) => Err(e),
        wanted => match client.get_lifecycle(bucket).await {
            Err(e) => Err(format!("could not read the bucket's lifecycle: {e}")),
            Ok(actual) => {
                let wanted = wanted.and_then(|w| w.ok());
                result.drift = analyse::lifecycle_drift(wanted.as_ref(), actual.as_ref());
                if result.drift.is_empty() {
                    Ok(match &wanted {
                        Some(l) => format!("matches the claim ({})", l.summary()),
                        None => "none on the claim, none on the bucket".into(),
                    })
                } else {
                    Err(format!(
                        "{} difference(s) between the claim and the bucket",
                        result.drift.len()
                    ))
                }
            }
        },
    };
    let lifecycle_ok = step(&mut result, "lifecycle", lifecycle);
    result.passed = probe_ok && lifecycle_ok;
    result
}

/// The claim's lifecycle as Rook reads it, or why the bucket cannot hold it:
/// Rook cannot decode it, or the gateway refuses it (the first problem, with
/// its rule and field; `buckets list` and `status` show them all).
fn claim_lifecycle(json: &str) -> std::result::Result<Lifecycle, String> {
    let reading = crate::platform::bucket::lifecycle::check(json);
    let broken: Vec<_> = reading
        .problems
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                ProblemKind::Unreadable | ProblemKind::Refused | ProblemKind::DuplicateId
            )
        })
        .collect();
    match (broken.first(), reading.lifecycle) {
        (Some(p), _) => Err(format!(
            "the claim's bucketLifecycle is not a valid S3 lifecycle document: {} ({} problem{} in all; Rook cannot apply it)",
            format!("{} {}", p.path(), p.message).trim_start(),
            broken.len(),
            if broken.len() == 1 { "" } else { "s" }
        )),
        (None, Some(lifecycle)) => Ok(lifecycle),
        (None, None) => {
            Err("the claim's bucketLifecycle is not a valid S3 lifecycle document".into())
        }
    }
}

/// Checks one claim or every claim of the scope, and writes the results.
pub(super) async fn run(
    cluster: &Cluster,
    check: &CheckArgs,
    namespace: &str,
    output: &Output,
    out: &mut dyn Write,
) -> Result<Exit> {
    flag_ca(&check.s3)?;
    let claims: Vec<ObjectBucketClaim> = if let Some(name) = &check.name {
        vec![load_claim(cluster, namespace, name).await?]
    } else {
        let scope = cluster.scope();
        let listing = cluster
            .list_custom::<ObjectBucketClaim>(
                &resources::object_bucket_claim(),
                Some(&scope),
                &selector_params(check.selector.as_deref()),
            )
            .await?;
        let claims = listing.require("objectbucketclaims", &scope)?;
        if claims.is_empty() {
            super::require_claims(cluster, &scope, check.selector.as_deref()).await?;
        }
        claims
    };
    let mut results = Vec::new();
    for claim in &claims {
        let ns = claim
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| namespace.to_string());
        results.push(check_one(cluster, &ns, claim, &check.s3).await);
    }
    let scope = if check.name.is_some() {
        Scope::Namespace(namespace.to_string())
    } else {
        cluster.scope()
    };
    let metadata = Metadata::new(cluster, &scope, jiff::Timestamp::now());
    let report = CheckReport {
        passed: results.iter().all(|r| r.passed),
        claims: results,
    };
    crate::render::emit(out, output, metadata, &report)
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
