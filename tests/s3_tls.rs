//! S3 over TLS against the real Ceph RGW of tests/s3/up, which serves HTTPS with a
//! certificate from a CA generated for the run (`KUBECTL_DP_TEST_S3_CA_FILE`) for
//! `s3.localhost` and `*.s3.localhost` (its `rgw_dns_name`, so virtual-host requests
//! work) and not for 127.0.0.1, which plays a port-forward's address. The client
//! library first, path-style and virtual-host, then what users run: `kubectl dp
//! buckets check` and `kubectl dp perf run --suite storage`, with the CA from
//! `--s3-ca-file`, from the system roots (`SSL_CERT_FILE`) and from the claim's
//! ConfigMap.

mod common;

use std::path::Path;

use bytes::Bytes;
use common::s3env::{S3Env, block_on, bound_claim, s3_env};
use common::{TestNamespace, dp, kubectl, stderr, stdout};
use kubectl_dp::platform::bucket::Lifecycle;
use kubectl_dp::s3::{self, Addressing, CaBundle, Client, Options, S3Error, Trust};

const SUITE: &str = env!("CARGO_BIN_EXE_kubectl-dp");

fn admin(env: &S3Env, endpoint: &str, trust: Trust, addressing: Addressing) -> Client {
    Client::with_options(
        endpoint,
        s3::Credentials {
            access_key: env.access_key.clone(),
            secret_key: env.secret_key.clone(),
        },
        Options {
            trust,
            addressing,
            ..Options::default()
        },
    )
    .unwrap()
}

fn test_ca(env: &S3Env) -> Trust {
    Trust::Bundle(CaBundle::from_file(Path::new(&env.ca_file)).unwrap())
}

/// The request lines the gateway logged (its beast access log), to see how a
/// request named its bucket.
fn gateway_log(env: &S3Env) -> String {
    let logs = Path::new(&env.conf).parent().unwrap().join("logs");
    std::fs::read_to_string(logs.join("client.rgw.a.log")).unwrap_or_default()
}

#[test]
fn the_client_speaks_https_path_style_and_virtual_host() {
    let env = s3_env();
    for (addressing, style) in [
        (Addressing::Path, "path"),
        (Addressing::VirtualHost, "vhost"),
    ] {
        let client = admin(&env, &env.https_endpoint, test_ca(&env), addressing);
        let bucket = format!("tls-{style}-{}", std::process::id());
        let key = format!("probe-{style}-{}", std::process::id());
        block_on(async {
            client.create_bucket(&bucket).await.unwrap();
            assert!(client.bucket_exists(&bucket).await.unwrap());
            let body = Bytes::from(vec![7u8; 100_000]);
            client
                .put_object(&bucket, &key, body.clone())
                .await
                .unwrap();
            assert_eq!(client.get_object(&bucket, &key).await.unwrap(), body);
            // Multipart: two parts of 8 MiB and 1 MiB.
            let large = Bytes::from(vec![3u8; 9 << 20]);
            client
                .put_object_multipart(&bucket, "large", large.clone(), |_| {})
                .await
                .unwrap();
            assert_eq!(client.get_object(&bucket, "large").await.unwrap(), large);
            let usage = client.usage(&bucket).await.unwrap();
            assert_eq!((usage.objects, usage.bytes), (2, 100_000 + (9 << 20)));
            let lifecycle = Lifecycle::parse(
                r#"{"Rules":[{"ID":"expire","Status":"Enabled","Prefix":"","Expiration":{"Days":3}}]}"#,
            )
            .unwrap();
            client.put_lifecycle(&bucket, &lifecycle).await.unwrap();
            assert_eq!(
                client.get_lifecycle(&bucket).await.unwrap(),
                Some(lifecycle)
            );
            for k in [key.as_str(), "large"] {
                client.delete_object(&bucket, k).await.unwrap();
            }
            client.delete_bucket(&bucket).await.unwrap();
            assert!(!client.bucket_exists(&bucket).await.unwrap());
        });
        // How the gateway saw the PUT: the bucket in the path, or only in the host.
        let log = gateway_log(&env);
        let path_style = format!("\"PUT /{bucket}/{key} HTTP/1.1\"");
        let virtual_host = format!("\"PUT /{key} HTTP/1.1\"");
        match addressing {
            Addressing::Path => assert!(log.contains(&path_style), "{path_style} not logged"),
            _ => assert!(
                log.contains(&virtual_host) && !log.contains(&path_style),
                "{virtual_host} not logged"
            ),
        }
    }
}

#[test]
fn tls_failures_are_one_line_that_says_what_to_do() {
    let env = s3_env();
    let exists = |client: Client| block_on(client.bucket_exists("anything")).unwrap_err();

    // The generated CA is in no system store.
    let error = exists(admin(
        &env,
        &env.https_endpoint,
        Trust::System,
        Addressing::Path,
    ));
    assert!(
        matches!(&error, S3Error::Tls { .. })
            && error
                .to_string()
                .contains("not signed by a CA in the system's CA certificates; pass --s3-ca-file"),
        "{error}"
    );
    // The certificate names s3.localhost and *.s3.localhost, not 127.0.0.1.
    let port = env.https_endpoint.rsplit(':').next().unwrap();
    let forwarded = format!("https://127.0.0.1:{port}");
    let error = exists(admin(&env, &forwarded, test_ca(&env), Addressing::Path));
    assert!(
        error.to_string().contains("does not name this host"),
        "{error}"
    );
    // ... unless told which name to check, as through a port-forward.
    let renamed = Client::with_options(
        &forwarded,
        s3::Credentials {
            access_key: env.access_key.clone(),
            secret_key: env.secret_key.clone(),
        },
        Options {
            trust: test_ca(&env),
            tls_server_name: Some("s3.localhost".into()),
            ..Options::default()
        },
    )
    .unwrap();
    let bucket = format!("tls-renamed-{}", std::process::id());
    block_on(async {
        renamed.create_bucket(&bucket).await.unwrap();
        assert!(renamed.bucket_exists(&bucket).await.unwrap());
        renamed.delete_bucket(&bucket).await.unwrap();
    });
    // https:// to the plain HTTP port.
    let http_port = env.endpoint.rsplit(':').next().unwrap();
    let error = exists(admin(
        &env,
        &format!("https://127.0.0.1:{http_port}"),
        test_ca(&env),
        Addressing::Path,
    ));
    assert!(
        error.to_string().contains("did not answer in TLS"),
        "{error}"
    );
    // http:// to the TLS port: the gateway hangs up.
    let error = exists(admin(
        &env,
        &format!("http://127.0.0.1:{port}"),
        Trust::System,
        Addressing::Path,
    ));
    assert!(error.to_string().contains("use https://"), "{error}");
    // A dotted bucket cannot be a subdomain under a wildcard certificate: refused
    // before anything is sent.
    let client = admin(
        &env,
        &env.https_endpoint,
        test_ca(&env),
        Addressing::VirtualHost,
    );
    let error = block_on(client.bucket_exists("a.b.c")).unwrap_err();
    assert!(
        matches!(&error, S3Error::Addressing(_))
            && error.to_string().contains("--s3-addressing path"),
        "{error}"
    );
    assert!(!error.to_string().contains('\n'), "{error}");
}

fn check_json(
    args: &[&str],
    env_vars: &[(&str, &str)],
) -> (Option<i32>, serde_json::Value, String) {
    let mut command = std::process::Command::new(SUITE);
    command
        .arg("buckets")
        .arg("check")
        .args(args)
        .args(["-o", "json"])
        .env("KUBECONFIG", common::kubeconfig())
        .env("NO_COLOR", "1")
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR");
    for (k, v) in env_vars {
        command.env(k, v);
    }
    let output = command.output().unwrap();
    let json = serde_json::from_str(&stdout(&output)).unwrap_or(serde_json::Value::Null);
    (output.status.code(), json, stderr(&output))
}

#[test]
fn buckets_check_over_https() {
    let env = s3_env();
    let ns = TestNamespace::new("bkt-tls");
    let n = ns.name.as_str();
    bound_claim(&env, n, "data");
    let https = env.https_endpoint.as_str();
    let ca = env.ca_file.as_str();

    // --s3-ca-file, path-style and virtual-host.
    for addressing in ["path", "virtual-host"] {
        let (code, json, err) = check_json(
            &[
                "data",
                "-n",
                n,
                "--s3-endpoint",
                https,
                "--s3-ca-file",
                ca,
                "--s3-addressing",
                addressing,
            ],
            &[],
        );
        assert_eq!(code, Some(0), "{addressing}: {json}{err}");
        assert_eq!(json["claims"][0]["endpoint"], https, "{json}");
        assert_eq!(json["claims"][0]["passed"], true, "{json}");
    }
    // Through a port-forward (127.0.0.1): the certificate names s3.localhost.
    let port = https.rsplit(':').next().unwrap();
    let forwarded = format!("https://127.0.0.1:{port}");
    let (code, json, err) = check_json(
        &[
            "data",
            "-n",
            n,
            "--s3-endpoint",
            &forwarded,
            "--s3-ca-file",
            ca,
            "--s3-tls-server-name",
            "s3.localhost",
        ],
        &[],
    );
    assert_eq!(code, Some(0), "{json}{err}");
    // The system roots: none of them signed the test CA ...
    let (code, json, _) = check_json(&["data", "-n", n, "--s3-endpoint", https], &[]);
    assert_eq!(code, Some(1), "{json}");
    let detail = json["claims"][0]["steps"][0]["detail"]
        .as_str()
        .unwrap_or_default();
    assert!(
        detail.contains("not signed by a CA in the system's CA certificates; pass --s3-ca-file"),
        "{json}"
    );
    // ... until the system's store holds it (SSL_CERT_FILE, as OpenSSL reads it).
    let (code, json, err) = check_json(
        &["data", "-n", n, "--s3-endpoint", https],
        &[("SSL_CERT_FILE", ca)],
    );
    assert_eq!(code, Some(0), "{json}{err}");

    // The claim's ConfigMap names the https endpoint (BUCKET_SSL) and carries the CA
    // the way OpenShift's service CA injection writes it: no flag needed.
    let pem = std::fs::read_to_string(ca).unwrap();
    let patch = serde_json::json!({"data": {
        "BUCKET_HOST": "s3.localhost", "BUCKET_PORT": port, "BUCKET_SSL": "true", "service-ca.crt": pem,
    }});
    kubectl(&[
        "patch",
        "configmap",
        "data",
        "-n",
        n,
        "--type=merge",
        "-p",
        &patch.to_string(),
    ]);
    let (code, json, err) = check_json(&["data", "-n", n], &[]);
    assert_eq!(code, Some(0), "{json}{err}");
    assert_eq!(
        json["claims"][0]["endpoint"],
        format!("https://s3.localhost:{port}")
    );

    // A bad --s3-ca-file is a bad flag: one line, exit 2, nothing checked.
    for (file, why) in [
        ("/nonexistent/ca.pem", "No such file"),
        ("/etc/hostname", "holds no PEM certificate"),
    ] {
        let (code, json, err) = check_json(&["data", "-n", n, "--s3-ca-file", file], &[]);
        assert_eq!(code, Some(2), "{json}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("--s3-ca-file {file}")) && err.contains(why),
            "{err}"
        );
    }
}

#[test]
fn perf_storage_suite_over_https() {
    let env = s3_env();
    let ns = TestNamespace::new("perf-tls");
    let claim = bound_claim(&env, &ns.name, "bench");
    let output = dp(
        SUITE,
        &[
            "perf",
            "run",
            "-n",
            &ns.name,
            "--suite",
            "storage",
            "--object-size",
            "64KiB,10MiB",
            "--multipart-threshold",
            "6MiB",
            "--iterations",
            "2",
            "--warmup",
            "0",
            "--s3-endpoint",
            &env.https_endpoint,
            "--s3-ca-file",
            &env.ca_file,
            "--s3-addressing",
            "virtual-host",
            "-o",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let storage = &report["storage"];
    assert_eq!(
        storage["endpoint"],
        env.https_endpoint.as_str(),
        "{storage}"
    );
    let operations = storage["operations"].as_array().unwrap();
    assert_eq!(operations.len(), 4, "PUT and GET for each size: {storage}");
    for op in operations {
        assert!(op["failures"].as_array().unwrap().is_empty(), "{op}");
        assert_eq!(op["samples"].as_array().unwrap().len(), 2, "{op}");
    }
    assert_eq!(storage["objectsWritten"], 4);
    assert_eq!(storage["objectsDeleted"], 4);
    let owner = Client::with_options(
        &env.https_endpoint,
        s3::Credentials {
            access_key: claim.access.clone(),
            secret_key: claim.secret.clone(),
        },
        Options {
            trust: test_ca(&env),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(block_on(owner.usage(&claim.bucket)).unwrap().objects, 0);
}
