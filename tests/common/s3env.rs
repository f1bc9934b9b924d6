//! The real S3 server of the tests (Ceph RGW from tests/s3/up) and the part of
//! Rook's bucket provisioner the tests play: an RGW user and bucket per claim,
//! the claim's Secret and ConfigMap, its ObjectBucket, and the Bound phase.

use std::collections::BTreeMap;
use std::time::Duration;

use kubectl_dp::platform::bucket::Lifecycle;
use kubectl_dp::s3;

use super::{apply, kubectl};

pub struct S3Env {
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
    pub conf: String,
    /// The same gateway over HTTPS (`https://s3.localhost:<port>`).
    pub https_endpoint: String,
    /// The CA that signed the HTTPS certificate (PEM).
    pub ca_file: String,
}

pub fn s3_env() -> S3Env {
    let mut vars: BTreeMap<String, String> = std::env::vars().collect();
    if !vars.contains_key("KUBECTL_DP_TEST_S3_ENDPOINT")
        && let Ok(text) = std::fs::read_to_string(super::repo_root().join("target/s3/env"))
    {
        for line in text.lines() {
            if let Some((k, v)) = line.trim_start_matches("export ").split_once('=') {
                vars.insert(k.to_string(), v.to_string());
            }
        }
    }
    let get = |k: &str| {
        vars.get(k).cloned().unwrap_or_else(|| {
            panic!("{k} is not set: start the S3 server with `eval \"$(tests/s3/up)\"` (Ceph RGW on loopback) before these tests")
        })
    };
    S3Env {
        endpoint: get("KUBECTL_DP_TEST_S3_ENDPOINT"),
        access_key: get("KUBECTL_DP_TEST_S3_ACCESS_KEY"),
        secret_key: get("KUBECTL_DP_TEST_S3_SECRET_KEY"),
        conf: get("KUBECTL_DP_TEST_S3_CONF"),
        https_endpoint: get("KUBECTL_DP_TEST_S3_HTTPS_ENDPOINT"),
        ca_file: get("KUBECTL_DP_TEST_S3_CA_FILE"),
    }
}

pub fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

pub fn client(endpoint: &str, access: &str, secret: &str) -> s3::Client {
    s3::Client::new(
        endpoint,
        s3::Credentials {
            access_key: access.into(),
            secret_key: secret.into(),
        },
        Duration::from_secs(10),
    )
    .unwrap()
}

/// What a provisioned claim got: its bucket and the keys of its RGW user.
pub struct Provisioned {
    pub bucket: String,
    pub access: String,
    pub secret: String,
}

/// Plays Rook's provisioner for a claim that already exists.
pub fn provision(env: &S3Env, ns: &str, name: &str, with_config_map: bool) -> Provisioned {
    let uid = kubectl(&[
        "get",
        "obc",
        name,
        "-n",
        ns,
        "-o",
        "jsonpath={.metadata.uid}",
    ]);
    let bucket = format!("{ns}-{name}");
    let user = format!("obc-{ns}-{name}");
    let access: String = format!("AK{}", uid.replace('-', ""))
        .chars()
        .take(20)
        .collect::<String>()
        .to_uppercase();
    let secret = format!("SK{}", uid.replace('-', ""));
    create_rgw_user(env, &user, &access, &secret);
    let owner = client(&env.endpoint, &access, &secret);
    block_on(owner.create_bucket(&bucket)).expect("create bucket");
    let lifecycle = kubectl(&[
        "get",
        "obc",
        name,
        "-n",
        ns,
        "-o",
        "jsonpath={.spec.additionalConfig.bucketLifecycle}",
    ]);
    if !lifecycle.is_empty()
        && let Ok(parsed) = Lifecycle::parse(&lifecycle)
    {
        block_on(owner.put_lifecycle(&bucket, &parsed)).expect("put lifecycle");
    }
    let (host, port) = env
        .endpoint
        .trim_start_matches("http://")
        .split_once(':')
        .expect("endpoint host:port");
    let owner_ref = format!(
        "  ownerReferences:\n  - apiVersion: objectbucket.io/v1alpha1\n    kind: ObjectBucketClaim\n    name: {name}\n    uid: {uid}\n    controller: true\n"
    );
    let mut manifest = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: {ns}\n{owner_ref}stringData:\n  AWS_ACCESS_KEY_ID: {access}\n  AWS_SECRET_ACCESS_KEY: {secret}\n"
    );
    if with_config_map {
        manifest.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}\n{owner_ref}data:\n  BUCKET_HOST: {host}\n  BUCKET_PORT: \"{port}\"\n  BUCKET_NAME: {bucket}\n  BUCKET_REGION: us-east-1\n"
        ));
    }
    manifest.push_str(&format!(
        "---\napiVersion: objectbucket.io/v1alpha1\nkind: ObjectBucket\nmetadata:\n  name: obc-{ns}-{name}\nspec:\n  storageClassName: ceph-bucket\n  claimRef:\n    namespace: {ns}\n    name: {name}\n  endpoint:\n    bucketHost: {host}\n    bucketPort: {port}\n    bucketName: {bucket}\n"
    ));
    apply(&manifest);
    kubectl(&[
        "patch",
        "obc",
        name,
        "-n",
        ns,
        "--type=merge",
        "-p",
        &format!(
            "{{\"spec\":{{\"bucketName\":\"{bucket}\",\"objectBucketName\":\"obc-{ns}-{name}\"}}}}"
        ),
    ]);
    kubectl(&[
        "patch",
        "obc",
        name,
        "-n",
        ns,
        "--subresource=status",
        "--type=merge",
        "-p",
        "{\"status\":{\"phase\":\"Bound\"}}",
    ]);
    Provisioned {
        bucket,
        access,
        secret,
    }
}

/// Creates the RGW user `user` with these keys, as Rook does for a claim.
fn create_rgw_user(env: &S3Env, user: &str, access: &str, secret: &str) {
    let status = std::process::Command::new("radosgw-admin")
        .args([
            "-c",
            &env.conf,
            "user",
            "create",
            &format!("--uid={user}"),
            &format!("--display-name={user}"),
        ])
        .arg(format!("--access-key={access}"))
        .arg(format!("--secret={secret}"))
        .output()
        .expect("radosgw-admin");
    assert!(
        status.status.success(),
        "radosgw-admin user create: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// A claim bound to a bucket of the gateway (tests/s3/up), as Rook would leave
/// it, with a ConfigMap that names the plain HTTP endpoint.
pub fn bound_claim(env: &S3Env, ns: &str, name: &str) -> Provisioned {
    apply(&format!(
        "apiVersion: objectbucket.io/v1alpha1\nkind: ObjectBucketClaim\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  generateBucketName: {name}\n  storageClassName: ceph-bucket\n"
    ));
    provision(env, ns, name, true)
}
