//! `kubectl dp buckets create` and `delete` against the local control plane
//! (tests/cluster/up) and a real S3 server, Ceph's RADOS Gateway (tests/s3/up):
//! the S3 client against RGW, the lifecycle presets, server-side apply and
//! waiting for Bound, and delete refusing data unless forced.
//! The harness (tests/common/buckets.rs) plays Rook's bucket provisioner: it
//! creates an RGW user and bucket for a claim, its Secret and ConfigMap, the
//! ObjectBucket, applies the claim's lifecycle and marks the claim Bound.
//!
//! S3 tests read the environment `tests/s3/up` prints (or target/s3/env):
//! KUBECTL_DP_TEST_S3_ENDPOINT, KUBECTL_DP_TEST_S3_ACCESS_KEY,
//! KUBECTL_DP_TEST_S3_SECRET_KEY and KUBECTL_DP_TEST_S3_CONF (ceph.conf for radosgw-admin).

mod common;

use std::time::{Duration, Instant};

use common::buckets::*;
use common::s3env::{block_on, client, provision, s3_env};
use common::{TestNamespace, apply, dp, kubectl, stderr, stdout};
use kubectl_dp::platform::bucket::Lifecycle;

#[test]
fn s3_client_talks_to_rgw() {
    let env = s3_env();
    let admin = client(&env.endpoint, &env.access_key, &env.secret_key);
    let bucket = format!("client-{}", std::process::id());
    block_on(async {
        admin.create_bucket(&bucket).await.unwrap();
        assert!(admin.bucket_exists(&bucket).await.unwrap());
        assert!(
            !admin
                .bucket_exists("no-such-bucket-kubectl-dp")
                .await
                .unwrap()
        );
        assert_eq!(admin.get_lifecycle(&bucket).await.unwrap(), None);
        let lifecycle = Lifecycle::parse(TEST_LIFECYCLE).unwrap();
        admin.put_lifecycle(&bucket, &lifecycle).await.unwrap();
        assert_eq!(admin.get_lifecycle(&bucket).await.unwrap(), Some(lifecycle));
        admin
            .put_object(&bucket, "dir/a b.txt", "hello".into())
            .await
            .unwrap();
        assert_eq!(
            &admin.get_object(&bucket, "dir/a b.txt").await.unwrap()[..],
            b"hello"
        );
        let usage = admin.usage(&bucket).await.unwrap();
        assert_eq!((usage.objects, usage.bytes), (1, 5));
        admin.delete_object(&bucket, "dir/a b.txt").await.unwrap();
        admin.delete_bucket(&bucket).await.unwrap();
    });
}

#[test]
fn create_presets_print_valid_sorted_lifecycles() {
    for (preset, expected) in [
        (
            "analytics",
            Some("2 rules: abort multipart 1d, noncurrent 7d"),
        ),
        ("test", Some("2 rules: abort multipart 1d, expire 7d")),
        ("none", None),
    ] {
        let output = dp(
            BIN,
            &[
                "create",
                "raw",
                "--storage-class",
                "ceph-bucket",
                "--lifecycle",
                preset,
                "-n",
                "x",
                "-o",
                "json",
            ],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        let manifest: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(manifest["kind"], "ObjectBucketClaim");
        let json = manifest["spec"]["additionalConfig"]["bucketLifecycle"].as_str();
        match expected {
            None => assert!(json.is_none(), "{preset}: {manifest}"),
            Some(summary) => {
                let lifecycle = Lifecycle::parse(json.unwrap()).unwrap();
                assert_eq!(lifecycle.summary(), summary, "{preset}");
                assert_eq!(lifecycle.unsorted_ids(), None);
            }
        }
    }
    let output = dp(
        BIN,
        &[
            "create",
            "raw",
            "--storage-class",
            "c",
            "--lifecycle",
            "test",
            "--expire-days",
            "30",
            "--max-size",
            "100Gi",
            "--max-objects",
            "5000",
            "-n",
            "x",
            "-o",
            "yaml",
        ],
    );
    let text = stdout(&output);
    assert!(
        text.contains("maxSize: 100Gi") && text.contains("maxObjects: '5000'")
            || text.contains("maxObjects: \"5000\""),
        "{text}"
    );
    assert!(
        text.contains(r#"\"Days\":30"#) || text.contains(r#""Days":30"#),
        "{text}"
    );
    let bad = dp(
        BIN,
        &[
            "create",
            "raw",
            "--storage-class",
            "c",
            "--lifecycle",
            "forever",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    let bad = dp(
        BIN,
        &[
            "create",
            "raw",
            "--storage-class",
            "c",
            "--max-size",
            "lots",
            "-o",
            "yaml",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--max-size 'lots'"),
        "{}",
        stderr(&bad)
    );
    // RGW reads a negative quota as no limit: refused like a non-quantity.
    let negative = dp(
        BIN,
        &[
            "create",
            "raw",
            "--storage-class",
            "c",
            "--max-size=-1Gi",
            "-o",
            "yaml",
        ],
    );
    assert_eq!(negative.status.code(), Some(2));
    assert!(
        stderr(&negative).contains("--max-size '-1Gi' is not a quantity of 0 or more"),
        "{}",
        stderr(&negative)
    );
}

#[test]
fn create_applies_with_server_side_apply_and_waits() {
    let ns = TestNamespace::new("bkt-create");
    let dry = dp(
        BIN,
        &[
            "create",
            "dry",
            "--storage-class",
            "ceph-bucket",
            "--lifecycle",
            "test",
            "-n",
            &ns.name,
            "--dry-run=server",
        ],
    );
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("server dry run"));
    assert!(
        common::kubectl_output(&["get", "obc", "dry", "-n", &ns.name], None)
            .status
            .code()
            != Some(0)
    );

    let made = dp(
        BIN,
        &[
            "create",
            "analytics",
            "--storage-class",
            "ceph-bucket",
            "--lifecycle",
            "analytics",
            "-n",
            &ns.name,
            "--yes",
        ],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let managers = kubectl(&[
        "get",
        "obc",
        "analytics",
        "-n",
        &ns.name,
        "-o",
        "jsonpath={.metadata.managedFields[*].manager}",
    ]);
    assert!(managers.contains("kubectl-dp"), "{managers}");
    let json = kubectl(&[
        "get",
        "obc",
        "analytics",
        "-n",
        &ns.name,
        "-o",
        "jsonpath={.spec.additionalConfig.bucketLifecycle}",
    ]);
    assert_eq!(Lifecycle::parse(&json).unwrap().rules.len(), 2);

    // --wait: a short timeout while Pending, then Bound once the "provisioner" acts.
    let started = Instant::now();
    let waited = dp(
        BIN,
        &[
            "create",
            "analytics",
            "--storage-class",
            "ceph-bucket",
            "--lifecycle",
            "analytics",
            "-n",
            &ns.name,
            "--update",
            "--wait",
            "--timeout",
            "2s",
        ],
    );
    assert_eq!(waited.status.code(), Some(1), "{}", stdout(&waited));
    assert!(
        stdout(&waited).contains("still Pending"),
        "{}",
        stdout(&waited)
    );
    assert!(started.elapsed() < Duration::from_secs(15));
    kubectl(&[
        "patch",
        "obc",
        "analytics",
        "-n",
        &ns.name,
        "--subresource=status",
        "--type=merge",
        "-p",
        "{\"status\":{\"phase\":\"Bound\"}}",
    ]);
    let bound = dp(
        BIN,
        &[
            "create",
            "analytics",
            "--storage-class",
            "ceph-bucket",
            "--lifecycle",
            "analytics",
            "-n",
            &ns.name,
            "--update",
            "--wait",
            "--timeout",
            "20s",
        ],
    );
    assert!(bound.status.success(), "{}", stderr(&bound));
    assert!(stdout(&bound).contains("Bound"));
}

#[test]
fn delete_refuses_data_unless_forced() {
    let env = s3_env();
    let ns = TestNamespace::new("bkt-delete");
    let n = &ns.name;
    apply(&claim(n, "full", None));
    let p = provision(&env, n, "full", true);
    let owner = client(&env.endpoint, &p.access, &p.secret);
    block_on(async {
        owner
            .put_object(&p.bucket, "a.parquet", vec![0u8; 2048].into())
            .await
            .unwrap();
        owner
            .put_object(&p.bucket, "b.parquet", vec![0u8; 1024].into())
            .await
            .unwrap();
    });
    let output = dp(BIN, &["delete", "full", "-n", n, "--yes"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    assert!(text.contains("2 objects, 3Ki"), "{text}");
    assert!(text.contains("Refusing to delete"), "{text}");
    kubectl(&["get", "obc", "full", "-n", n]);

    let output = dp(BIN, &["delete", "full", "-n", n, "--force"]);
    assert_eq!(output.status.code(), Some(2), "no terminal and no --yes");
    assert!(
        stderr(&output).contains("pass --yes"),
        "{}",
        stderr(&output)
    );

    let output = dp(BIN, &["delete", "full", "-n", n, "--force", "--yes"]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("deleted"));
    let gone = common::kubectl_output(&["get", "obc", "full", "-n", n], None);
    assert!(!gone.status.success());

    // A Bound claim whose bucket cannot be counted is not deleted blindly; a Pending one is.
    apply(&claim(n, "unknown", None));
    provision(&env, n, "unknown", false);
    let output = dp(BIN, &["delete", "unknown", "-n", n, "--yes"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("could not be counted"),
        "{}",
        stdout(&output)
    );
    apply(&claim(n, "pending", None));
    let output = dp(BIN, &["delete", "pending", "-n", n, "--yes"]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}
