//! The connection to the API server, as the commands meet it: a server that
//! answers 404 is not called forbidden, a response over the size cap is one
//! line, `--request-timeout` bounds exec credential plugins, and a watch outlives
//! the credential an exec plugin handed out.

mod common;

use common::rbac::*;
use common::*;

/// A loopback HTTP server answering every request with `response` (one thread,
/// bounded to the connections a test makes).
fn serve(respond: impl Fn(&mut std::net::TcpStream) + Send + 'static) -> u16 {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64).flatten() {
            let mut stream = stream;
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            respond(&mut stream);
        }
    });
    port
}

fn plain_kubeconfig(server: &str, user: &str) -> std::path::PathBuf {
    static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        "dp-rbac-kubeconfig-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\nusers:\n- name: u\n  user:\n{user}contexts:\n- name: x\n  context:\n    cluster: c\n    user: u\n    namespace: x\ncurrent-context: x\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn a_server_answering_404_is_not_called_forbidden() {
    let port = serve(|stream| {
        use std::io::Write;
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
    });
    let config = plain_kubeconfig(&format!("http://127.0.0.1:{port}"), "    token: t\n");
    for binary in [STATUS, QUOTA, TUNE] {
        let mut args = vec!["--kubeconfig", path_str(&config)];
        if binary == TUNE {
            args.insert(0, "plan");
        }
        let output = std::process::Command::new(binary)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", show(&output));
        let err = stderr(&output);
        assert!(
            err.contains("not a Kubernetes API server") && !err.contains("forbidden"),
            "{}",
            show(&output)
        );
        assert_eq!(err.trim().lines().count(), 1, "{}", show(&output));
    }
}

#[test]
fn responses_over_the_size_cap_fail_with_one_line() {
    // A server that announces (and starts sending) 300 MiB: over the 256 MiB cap.
    let port = serve(|stream| {
        use std::io::Write;
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 314572800\r\nConnection: close\r\n\r\n");
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..300 {
            if stream.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let config = plain_kubeconfig(&format!("http://127.0.0.1:{port}"), "    token: t\n");
    let output = std::process::Command::new(STATUS)
        .args(["--kubeconfig", path_str(&config)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", show(&output));
    let err = stderr(&output);
    assert!(
        err.contains("larger than 256 MiB") && err.contains("127.0.0.1"),
        "{}",
        show(&output)
    );
    assert_eq!(err.trim().lines().count(), 1, "{}", show(&output));
}

#[test]
fn request_timeout_bounds_exec_credential_plugins() {
    let dir = std::env::temp_dir().join(format!("dp-exec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pid_file = dir.join("pid");
    let hanging = dir.join("hanging-plugin");
    std::fs::write(
        &hanging,
        format!(
            "#!/bin/sh\necho $$ > {}\nexec sleep 100\n",
            path_str(&pid_file)
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hanging, std::fs::Permissions::from_mode(0o755)).unwrap();
    let exec_user = |command: &std::path::Path| {
        format!(
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      interactiveMode: Never\n",
            path_str(command)
        )
    };
    // The real API server, reached with a plugin that never answers.
    let server = kubectl(&[
        "config",
        "view",
        "--minify",
        "-o",
        "jsonpath={.clusters[0].cluster.server}",
    ]);
    let config = plain_kubeconfig(&server, &exec_user(&hanging));
    let started = std::time::Instant::now();
    let output = std::process::Command::new(STATUS)
        .args([
            "--kubeconfig",
            path_str(&config),
            "--insecure-skip-tls-verify",
            "--request-timeout",
            "2s",
        ])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
    assert_eq!(output.status.code(), Some(2), "{}", show(&output));
    let err = stderr(&output);
    assert!(
        err.contains("did not finish within 2s") && err.contains("hanging-plugin"),
        "{}",
        show(&output)
    );
    assert_eq!(err.trim().lines().count(), 1, "{}", show(&output));
    // The plugin was stopped, not left running.
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    eventually(5, "the hanging plugin to be stopped", || {
        std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
            .map(|stat| stat.contains(") Z "))
            .unwrap_or(true)
    });

    // A plugin that answers gets the command through (its credential is the
    // test cluster's own client certificate), and a broken one is never quoted.
    let cert = kubectl(&[
        "config",
        "view",
        "--raw",
        "--minify",
        "-o",
        "jsonpath={.users[0].user.client-certificate-data}",
    ]);
    let key = kubectl(&[
        "config",
        "view",
        "--raw",
        "--minify",
        "-o",
        "jsonpath={.users[0].user.client-key-data}",
    ]);
    use base64::Engine;
    let decode = |b64: &str| {
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .unwrap(),
        )
        .unwrap()
    };
    let credential = serde_json::json!({
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {"clientCertificateData": decode(&cert), "clientKeyData": decode(&key)}
    });
    let credential_file = dir.join("credential.json");
    std::fs::write(&credential_file, credential.to_string()).unwrap();
    let working = dir.join("working-plugin");
    std::fs::write(
        &working,
        format!("#!/bin/sh\ncat {}\n", path_str(&credential_file)),
    )
    .unwrap();
    std::fs::set_permissions(&working, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = plain_kubeconfig(&server, &exec_user(&working));
    let ns = TestNamespace::new("dp-exec");
    pending_claim(&ns.name, "scratch");
    let output = std::process::Command::new(STATUS)
        .args([
            "--kubeconfig",
            path_str(&config),
            "--insecure-skip-tls-verify",
            "-n",
            &ns.name,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    assert!(stdout(&output).contains(&ns.name), "{}", show(&output));

    let noisy = dir.join("noisy-plugin");
    std::fs::write(&noisy, "#!/bin/sh\necho 'token: sekrit-4711 not json {'\n").unwrap();
    std::fs::set_permissions(&noisy, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = plain_kubeconfig(&server, &exec_user(&noisy));
    let output = std::process::Command::new(STATUS)
        .args([
            "--kubeconfig",
            path_str(&config),
            "--insecure-skip-tls-verify",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", show(&output));
    let text = format!("{}{}", stdout(&output), stderr(&output));
    assert!(!text.contains("sekrit-4711"), "{text}");
    assert!(text.contains("noisy-plugin"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `status --watch` outlives an exec plugin's credential (EKS tokens last 15
/// minutes): when the API server answers 401, the plugin runs again and the
/// watch goes on. The credential here is a ServiceAccount token Secret, revoked
/// by deleting the Secret.
#[test]
fn a_watch_outlives_an_exec_plugins_credential() {
    let ns = TestNamespace::new("dp-watch-exec");
    let n = &ns.name;
    apply(&format!(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: watcher, namespace: {n}}}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: watcher, namespace: {n}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}}\nsubjects: [{{kind: ServiceAccount, name: watcher, namespace: {n}}}]\n"
    ));
    let token_of = |secret: &str| -> String {
        apply(&format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: {secret}, namespace: {n}, annotations: {{kubernetes.io/service-account.name: watcher}}}}\ntype: kubernetes.io/service-account-token\n"
        ));
        let mut token = String::new();
        eventually(30, "the token controller to fill the Secret", || {
            token = kubectl(&[
                "get",
                "secret",
                secret,
                "-n",
                n,
                "-o",
                "jsonpath={.data.token}",
            ]);
            !token.trim().is_empty()
        });
        use base64::Engine;
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(token.trim())
                .unwrap(),
        )
        .unwrap()
    };
    let dir = std::env::temp_dir().join(format!("dp-watch-exec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (token_file, runs) = (dir.join("token"), dir.join("runs"));
    std::fs::write(&token_file, token_of("first")).unwrap();
    let plugin = dir.join("plugin");
    std::fs::write(
        &plugin,
        format!(
            "#!/bin/sh\necho run >> {runs}\nprintf '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"%s\"}}}}' \"$(cat {token})\"\n",
            runs = path_str(&runs),
            token = path_str(&token_file)
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let server = kubectl(&[
        "config",
        "view",
        "--minify",
        "-o",
        "jsonpath={.clusters[0].cluster.server}",
    ]);
    let config = plain_kubeconfig(
        &server,
        &format!(
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      interactiveMode: Never\n",
            path_str(&plugin)
        ),
    );
    let (out_file, err_file) = (dir.join("stdout"), dir.join("stderr"));
    let mut watch = std::process::Command::new(STATUS)
        .args([
            "--kubeconfig",
            path_str(&config),
            "--insecure-skip-tls-verify",
        ])
        .args(["-n", n, "--watch", "--interval", "1s", "-o", "json", "-v"])
        .stdout(std::fs::File::create(&out_file).unwrap())
        .stderr(std::fs::File::create(&err_file).unwrap())
        .spawn()
        .unwrap();
    let runs_so_far = || {
        std::fs::read_to_string(&runs)
            .unwrap_or_default()
            .lines()
            .count()
    };
    eventually(30, "the first report", || {
        std::fs::metadata(&out_file).is_ok_and(|m| m.len() > 0)
    });
    assert_eq!(runs_so_far(), 1);

    // A new credential is on offer, and the old one is revoked.
    std::fs::write(&token_file, token_of("second")).unwrap();
    kubectl(&["delete", "secret", "first", "-n", n]);
    eventually(30, "the watch to run the plugin again", || {
        runs_so_far() >= 2
    });
    std::thread::sleep(std::time::Duration::from_secs(3));
    let still_running = watch.try_wait().unwrap().is_none();
    let _ = watch.kill();
    let _ = watch.wait();
    let err = std::fs::read_to_string(&err_file).unwrap_or_default();
    assert!(still_running, "the watch ended: {err}");
    assert!(err.contains("running the exec plugin again"), "{err}");
    assert!(!err.contains("401"), "{err}");
    assert_eq!(runs_so_far(), 2, "one new credential is enough: {err}");
}
