//! The storage suite: S3 PUT and GET latency and throughput in a claim's
//! bucket, with the claim's own credentials (the S3 client and credential
//! lookup of `kubectl dp buckets`). Objects from `--multipart-threshold` up are
//! written as multipart uploads of 8 MiB parts, as S3A and Trino write large
//! files. Every object written is deleted at the end, also on Ctrl-C: keys are
//! recorded before their PUT is sent, and uploads left unfinished under the
//! run's prefix are aborted.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;

use crate::error::{Error, Result};
use crate::kube::Cluster;
use crate::platform::crds::ObjectBucketClaim;
use crate::s3::claim::{Access, target_for};
use crate::snapshot::Snapshot;

use super::Progress;
use super::report::{StorageOperation, StorageResult};
use super::stats::Distribution;

/// What the storage suite does.
pub struct Plan {
    /// Object sizes in bytes.
    pub sizes: Vec<u64>,
    /// Measured objects per size.
    pub iterations: usize,
    /// Unmeasured objects per size first.
    pub warmup: usize,
    /// Requests at once.
    pub concurrency: usize,
    /// Timeout of each S3 request.
    pub timeout: Duration,
    /// `--s3-endpoint`.
    pub s3_endpoint: Option<String>,
    /// `--s3-ca-file`.
    pub s3_ca_file: Option<std::path::PathBuf>,
    /// `--s3-addressing`.
    pub s3_addressing: crate::s3::Addressing,
    /// `--s3-tls-server-name`.
    pub s3_tls_server_name: Option<String>,
    /// Objects of this size or larger are written as multipart uploads.
    pub multipart_threshold: u64,
}

/// `--object-size`: `1MiB`, `64MiB`, `512KiB`, `1GiB`, `100` (bytes).
pub(crate) fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a size like 1MiB or 64MiB"))?;
    let factor: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" | "Ki" | "K" | "KB" => 1 << 10,
        "MiB" | "Mi" | "M" | "MB" => 1 << 20,
        "GiB" | "Gi" | "G" | "GB" => 1 << 30,
        _ => return Err(format!("'{text}' is not a size like 1MiB or 64MiB")),
    };
    let size = n
        .checked_mul(factor)
        .filter(|s| *s > 0 && *s <= 5 << 30)
        .ok_or_else(|| format!("'{text}': object sizes go from 1 byte to 5GiB"))?;
    Ok(size)
}

/// `1MiB`, `64MiB`, `100B`: the label of a size in tables and comparisons.
pub(crate) fn size_label(bytes: u64) -> String {
    for (factor, unit) in [(1u64 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] {
        if bytes >= factor && bytes % factor == 0 {
            return format!("{}{unit}", bytes / factor);
        }
    }
    format!("{bytes}B")
}

/// The claim named by `--bucket-claim`, or the only Bound claim of the namespace.
pub(crate) fn pick_claim(
    snapshot: &Snapshot,
    namespace: &str,
    name: Option<&str>,
) -> std::result::Result<ObjectBucketClaim, String> {
    if !snapshot.bucket_claims.is_available() {
        return Err(format!(
            "ObjectBucketClaims cannot be read ({})",
            snapshot.bucket_claims.availability.describe()
        ));
    }
    let in_namespace = snapshot
        .bucket_claims
        .items
        .iter()
        .filter(|c| c.metadata.namespace.as_deref() == Some(namespace));
    if let Some(name) = name {
        return in_namespace
            .clone()
            .find(|c| c.metadata.name.as_deref() == Some(name))
            .cloned()
            .ok_or_else(|| {
                format!("ObjectBucketClaim {name} not found in namespace {namespace}; list them with `kubectl dp buckets list -n {namespace}`")
            });
    }
    let bound: Vec<&ObjectBucketClaim> = in_namespace.filter(|c| c.phase() == "Bound").collect();
    match bound.as_slice() {
        [only] => Ok((*only).clone()),
        [] => Err(format!(
            "no Bound ObjectBucketClaim in namespace {namespace}; pass --bucket-claim NAME"
        )),
        _ => Err(format!(
            "{} Bound ObjectBucketClaims in namespace {namespace}; pick one with --bucket-claim NAME",
            bound.len()
        )),
    }
}

/// A deterministic, incompressible-enough body of `size` bytes.
fn body(size: u64) -> Bytes {
    let mut state: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    Bytes::from(bytes)
}

/// One PUT: a plain one below the multipart threshold, else a multipart upload.
async fn put(
    client: &crate::s3::Client,
    bucket: &str,
    key: &str,
    data: Bytes,
    multipart: bool,
) -> std::result::Result<(), crate::s3::S3Error> {
    if multipart {
        client.put_object_multipart(bucket, key, data, |_| {}).await
    } else {
        client.put_object(bucket, key, data).await
    }
}

/// Measures PUT and GET per size in the claim's bucket, then deletes every object it wrote.
pub async fn run(
    cluster: &Cluster,
    namespace: &str,
    claim: &ObjectBucketClaim,
    plan: &Plan,
    progress: &Progress,
) -> Result<StorageResult> {
    let claim_name = claim.metadata.name.clone().unwrap_or_default();
    let ca = plan
        .s3_ca_file
        .as_deref()
        .map(|path| crate::s3::CaBundle::from_file(path).map_err(Error::Usage))
        .transpose()?;
    let access = Access {
        endpoint: plan.s3_endpoint.clone(),
        timeout: plan.timeout,
        ca,
        addressing: plan.s3_addressing,
        tls_server_name: plan.s3_tls_server_name.clone(),
    };
    let target = target_for(cluster, namespace, claim, &access)
        .await
        .map_err(|reason| {
            Error::Config(format!(
                "perf storage: claim {namespace}/{claim_name}: {reason}"
            ))
        })?;
    let prefix = format!(
        "kubectl-dp-perf/{}-{}/",
        jiff::Timestamp::now().as_millisecond(),
        std::process::id()
    );
    let written: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let measure = measure(
        &target.client,
        &target.bucket,
        &prefix,
        plan,
        &written,
        progress,
    );
    let outcome = tokio::select! {
        result = measure => Some(result),
        _ = tokio::signal::ctrl_c() => None,
    };
    progress.clear();
    // Clean-up runs whatever happened above.
    let keys = written.lock().map(|k| k.clone()).unwrap_or_default();
    if outcome.is_none() {
        // A PUT cancelled in flight may still land: give it a moment.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let mut deleted = 0;
    let mut cleanup_errors = Vec::new();
    let (client, bucket) = (&target.client, target.bucket.as_str());
    let results: Vec<_> = futures::stream::iter(keys.iter())
        .map(|key| async move { (key, client.delete_object(bucket, key).await) })
        .buffer_unordered(8)
        .collect()
        .await;
    for (key, result) in results {
        match result {
            Ok(()) => deleted += 1,
            Err(e) => cleanup_errors.push(format!("{key}: {e}")),
        }
    }
    // Multipart uploads cut off by an interruption keep their parts until aborted.
    match client.multipart_uploads(bucket, &prefix).await {
        Ok(unfinished) => {
            for upload in unfinished {
                if let Err(e) = client.abort_multipart_upload(bucket, &upload).await {
                    cleanup_errors.push(format!("abort upload of {}: {e}", upload.key));
                }
            }
        }
        Err(e) => cleanup_errors.push(format!("list unfinished uploads: {e}")),
    }
    let Some(operations) = outcome else {
        return Err(Error::Config(format!(
            "perf storage interrupted; deleted {deleted} of {} objects it wrote in bucket {}{}",
            keys.len(),
            target.bucket,
            if cleanup_errors.is_empty() {
                String::new()
            } else {
                format!(" (could not delete: {})", cleanup_errors.join("; "))
            }
        )));
    };
    Ok(StorageResult {
        claim: format!("{namespace}/{claim_name}"),
        bucket: target.bucket.clone(),
        endpoint: target.client.endpoint().to_string(),
        operations: operations?,
        objects_written: keys.len(),
        objects_deleted: deleted,
        cleanup_errors,
    })
}

async fn measure(
    client: &crate::s3::Client,
    bucket: &str,
    prefix: &str,
    plan: &Plan,
    written: &Mutex<Vec<String>>,
    progress: &Progress,
) -> Result<Vec<StorageOperation>> {
    let mut operations = Vec::new();
    for &size in &plan.sizes {
        let label = size_label(size);
        let data = body(size);
        let multipart = size >= plan.multipart_threshold;
        let record = |key: &str| {
            if let Ok(mut keys) = written.lock() {
                keys.push(key.to_string());
            }
        };
        for i in 0..plan.warmup {
            progress.show(&format!(
                "storage {label} warm-up {}/{}",
                i + 1,
                plan.warmup
            ));
            let key = format!("{prefix}warmup-{label}-{i}");
            record(&key);
            put(client, bucket, &key, data.clone(), multipart)
                .await
                .map_err(|e| Error::Config(format!("perf storage: PUT {bucket}/{key}: {e}")))?;
            let _ = client.get_object(bucket, &key).await;
        }
        let keys: Vec<String> = (0..plan.iterations)
            .map(|i| format!("{prefix}{label}-{i}"))
            .collect();
        for (operation, is_put) in [("PUT", true), ("GET", false)] {
            let started = Instant::now();
            let results: Vec<std::result::Result<f64, String>> =
                futures::stream::iter(keys.iter().enumerate())
                    .map(|(i, key)| {
                        let data = data.clone();
                        let record = &record;
                        let label = &label;
                        async move {
                            progress.show(&format!(
                                "storage {operation} {label} {}/{}",
                                i + 1,
                                plan.iterations
                            ));
                            let t0 = Instant::now();
                            let result = if is_put {
                                record(key);
                                put(client, bucket, key, data, multipart).await
                            } else {
                                client.get_object(bucket, key).await.and_then(|b| {
                                    if b.len() as u64 == size {
                                        Ok(())
                                    } else {
                                        Err(crate::s3::S3Error::Server {
                                            status: 200,
                                            code: "ShortRead".into(),
                                            message: format!("{} of {size} bytes", b.len()),
                                        })
                                    }
                                })
                            };
                            result
                                .map(|()| t0.elapsed().as_secs_f64() * 1000.0)
                                .map_err(|e| format!("{operation} {key}: {e}"))
                        }
                    })
                    .buffer_unordered(plan.concurrency.max(1))
                    .collect()
                    .await;
            let phase = started.elapsed().as_secs_f64();
            let samples: Vec<f64> = results
                .iter()
                .filter_map(|r| r.as_ref().ok().copied())
                .collect();
            let failures: Vec<String> = results.into_iter().filter_map(|r| r.err()).collect();
            operations.push(StorageOperation {
                operation: operation.into(),
                object_size: size,
                multipart,
                latency: Distribution::of(&samples),
                throughput_bytes_per_second: (phase > 0.0 && !samples.is_empty())
                    .then(|| samples.len() as f64 * size as f64 / phase),
                samples,
                failures,
            });
        }
    }
    Ok(operations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse_size("1MiB"), Ok(1 << 20));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("512KiB"), Ok(512 << 10));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("0").is_err());
        assert!(parse_size("6GiB").is_err());
        assert!(parse_size("big").is_err());
        assert_eq!(size_label(1 << 20), "1MiB");
        assert_eq!(size_label(1536), "1536B");
        assert_eq!(size_label(3 << 30), "3GiB");
    }

    #[test]
    fn bodies_have_the_size() {
        assert_eq!(body(1000).len(), 1000);
    }
}
