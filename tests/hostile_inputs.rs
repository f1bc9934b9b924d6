//! Bounds on every input (issue 23): what a broken or hostile server, plugin,
//! manifest or flag hands the suite is read up to a limit and ends in one clear
//! line, never a loop, an exhausted memory, a panic or a backtrace.
//!
//! The API server and kubelet logs are the real ones (tests/cluster/up). Where
//! a real server cannot misbehave the way a broken one does (a `continue`
//! token sent twice, a 2 GB Trino answer), a small server on loopback plays
//! the broken one: only for the one answer that the real server never gives.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");
const QUOTA: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");
const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");
const PERF: &str = env!("CARGO_BIN_EXE_kubectl-dp-perf");

/// The exit code, asserting it is one of the suite's (0, 1, 2: never a
/// panic's 101 or an abort's 134) and that nothing printed a backtrace.
fn code(output: &Output, what: &str) -> i32 {
    let code = output.status.code().unwrap_or(-1);
    let text = format!("{}{}", stdout(output), stderr(output));
    assert!(
        (0..=2).contains(&code),
        "{what}: exit {code}\nstdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
    assert!(
        !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
        "{what}: {text}"
    );
    code
}

/// Runs `binary` with `args` and `env`, killing it after `seconds` (a test
/// that would hang fails instead).
fn run_bounded(binary: &str, args: &[&str], env: &[(&str, &str)], seconds: u64) -> Output {
    let mut command = Command::new(binary);
    command
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("output");
            panic!(
                "{binary} {} still ran after {seconds}s: {}{}",
                args.join(" "),
                stdout(&output),
                stderr(&output)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A loopback HTTP server answering every request with `answer(path, n)`
/// (n counts requests from 1), until the test ends. Returns its port and the
/// request counter.
fn serve(
    answer: impl Fn(&str, usize, &mut std::net::TcpStream) + Send + Sync + 'static,
) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let answer = answer.clone();
            let counter = counter.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let mut length = 0usize;
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).unwrap_or(0) == 0 {
                            return;
                        }
                        if header.trim().is_empty() {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':')
                            && name.eq_ignore_ascii_case("content-length")
                        {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0u8; length];
                    let _ = reader.read_exact(&mut body);
                    let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    answer(&path, n, &mut stream);
                }
            });
        }
    });
    (port, count)
}

/// Writes one JSON answer with a length.
fn json(stream: &mut std::net::TcpStream, status: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
}

/// A kubeconfig for a plain-HTTP server on loopback.
fn kubeconfig_for(port: u16, namespace: &str) -> tempfile_path::Path {
    tempfile_path::write(&format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster: {{server: \"http://127.0.0.1:{port}\"}}\nusers:\n- name: u\n  user: {{token: t}}\ncontexts:\n- name: fake\n  context: {{cluster: fake, user: u, namespace: {namespace}}}\ncurrent-context: fake\n"
    ))
}

/// Files that are removed when the test ends.
mod tempfile_path {
    use std::sync::atomic::{AtomicU32, Ordering};

    static COUNTER: AtomicU32 = AtomicU32::new(0);

    pub struct Path(pub std::path::PathBuf);

    impl Path {
        pub fn as_str(&self) -> &str {
            self.0.to_str().unwrap()
        }
    }

    impl Drop for Path {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    pub fn write(text: &str) -> Path {
        let path = std::env::temp_dir().join(format!(
            "kubectl-dp-hostile-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::write(&path, text).unwrap();
        Path(path)
    }
}

#[test]
fn a_continue_token_sent_twice_ends_the_list_in_one_line() {
    // Every list page says "there is more" with the same token: today's loop
    // would follow it until killed.
    let (port, requests) = serve(|path, _, stream| {
        if path.starts_with("/version") {
            json(
                stream,
                "200 OK",
                r#"{"major":"1","minor":"36","gitVersion":"v1.36.3"}"#,
            );
        } else if path.contains("/namespaces/looping") && !path.contains("/looping/") {
            json(
                stream,
                "200 OK",
                r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"looping"}}"#,
            );
        } else {
            json(
                stream,
                "200 OK",
                r#"{"kind":"List","apiVersion":"v1","metadata":{"continue":"again"},"items":[]}"#,
            );
        }
    });
    let kubeconfig = kubeconfig_for(port, "looping");
    let output = run_bounded(
        QUOTA,
        &["-n", "looping", "--kubeconfig", kubeconfig.as_str()],
        &[],
        60,
    );
    assert_eq!(code(&output, "quota"), 2, "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("forbidden"),
        "{}",
        stderr(&output)
    );
    let line = stderr(&output);
    assert_eq!(line.trim().lines().count(), 1, "{line}");
    assert!(line.contains("the same continue token twice"), "{line}");
    // A handful of lists, two pages each: nowhere near a loop.
    assert!(
        requests.load(Ordering::SeqCst) < 50,
        "{} requests",
        requests.load(Ordering::SeqCst)
    );
}

#[test]
fn replicas_no_cluster_runs_are_refused_before_anything_is_allocated() {
    let ns = TestNamespace::new("hostile-replicas");
    let manifest = tempfile_path::write(&format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: huge, namespace: {}}}\nspec:\n  replicas: 2147483647\n  selector: {{matchLabels: {{app: huge}}}}\n  template:\n    metadata: {{labels: {{app: huge}}}}\n    spec:\n      containers:\n      - name: c\n        image: x\n        resources: {{requests: {{memory: 1Gi, cpu: 100m}}}}\n",
        ns.name
    ));
    let output = run_bounded(
        QUOTA,
        &["check", "-f", manifest.as_str(), "-n", &ns.name],
        &[("KUBECONFIG", kubeconfig().to_str().unwrap())],
        60,
    );
    assert_eq!(code(&output, "quota check"), 2, "{}", stdout(&output));
    let line = stderr(&output);
    assert_eq!(line.trim().lines().count(), 1, "{line}");
    assert!(line.contains("Deployment huge"), "{line}");
    assert!(
        line.contains("2147483647 pods") && line.contains("150000"),
        "{line}"
    );
}

#[test]
fn absurd_sizing_flags_are_one_clear_error_not_an_overflow() {
    for (flags, expected) in [
        (vec!["--workers", "2147483647"], "at most 5000"),
        (vec!["--worker-memory", "8Ei"], "more memory than any node"),
        (
            vec!["--coordinator-memory", "100Ei"],
            "more memory than any node",
        ),
    ] {
        let mut args = vec!["plan", "-n", "default"];
        args.extend(flags.iter().copied());
        let output = dp(TUNE, &args);
        assert_eq!(
            code(&output, "tune plan"),
            2,
            "{flags:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(expected),
            "{flags:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn an_exec_plugin_that_writes_without_end_is_stopped() {
    // `yes` prints "y" lines for ever: read into memory, it took 2.2 GB.
    let kubeconfig = tempfile_path::write(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"https://127.0.0.1:1\"}\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: yes\n      interactiveMode: Never\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n",
    );
    let output = run_bounded(
        STATUS,
        &[
            "--kubeconfig",
            kubeconfig.as_str(),
            "--request-timeout",
            "60s",
        ],
        &[],
        60,
    );
    assert_eq!(code(&output, "status"), 2);
    let line = stderr(&output);
    assert_eq!(line.trim().lines().count(), 1, "{line}");
    assert!(
        line.contains("exec credential plugin 'yes' printed more than 1 MiB"),
        "{line}"
    );
    assert!(!line.contains("y\ny"), "{line}");
}

/// A Trino that answers `/v1/info` with 2 GB (never sent whole: the client
/// must stop reading first).
fn trino_of_two_gigabytes() -> u16 {
    let (port, _) = serve(|_, _, stream| {
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n{{\"nodeVersion\":{{\"version\":\""
        );
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..2048 {
            if stream.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    port
}

#[test]
fn a_two_gigabyte_trino_answer_is_one_clear_error() {
    let port = trino_of_two_gigabytes();
    let url = format!("http://127.0.0.1:{port}");
    let ns = TestNamespace::new("hostile-trino");
    let status = run_bounded(
        STATUS,
        &["-n", &ns.name, "--probe", "--trino-url", &url, "-o", "json"],
        &[("KUBECONFIG", kubeconfig().to_str().unwrap())],
        120,
    );
    assert_ne!(code(&status, "status --probe"), 2, "{}", stderr(&status));
    assert!(
        stdout(&status).contains("larger than 128 MiB"),
        "{}",
        stdout(&status)
    );
    let perf = run_bounded(
        PERF,
        &[
            "run",
            "--suite",
            "trino",
            "--trino-url",
            &url,
            "--iterations",
            "1",
        ],
        &[("KUBECONFIG", kubeconfig().to_str().unwrap())],
        120,
    );
    code(&perf, "perf run");
    let text = format!("{}{}", stdout(&perf), stderr(&perf));
    assert!(text.contains("larger than 128 MiB"), "{text}");
}

#[test]
fn the_crash_log_shows_the_last_lines_and_marks_the_cut() {
    let ns = TestNamespace::new("hostile-logs");
    let n = &ns.name;
    apply(&format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trino-coordinator
  namespace: {n}
  labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
spec:
  replicas: 1
  selector:
    matchLabels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
    spec:
      containers:
      - name: trino
        image: trinodb/trino:476
        resources: {{requests: {{cpu: 10m, memory: 64Mi}}, limits: {{memory: 2Gi}}}}
"#
    ));
    let mut pod = String::new();
    eventually(60, "the coordinator pod", || {
        pod = kubectl(&[
            "get",
            "pods",
            "-n",
            n,
            "-o",
            "jsonpath={.items[0].metadata.name}",
        ]);
        !pod.is_empty()
    });
    // Its previous run: a 40 KiB line (more than the 16 KiB kept), then the
    // two lines that explain the crash, which must be the ones shown.
    let mut previous = format!("{}\n", "A".repeat(40 * 1024));
    previous.push_str("second to last: Authorization: Bearer abc.def.ghi\n");
    previous.push_str("Terminating due to java.lang.OutOfMemoryError: Java heap space\n");
    set_logs(n, &pod, "trino", "", Some(&previous));
    let now = "2026-01-01T00:00:00Z";
    eventually(30, "the pod to run", || {
        kubectl(&[
            "get",
            "pod",
            &pod,
            "-n",
            n,
            "-o",
            "jsonpath={.status.phase}",
        ]) == "Running"
    });
    let status = format!(
        r#"{{"status":{{"phase":"Running","conditions":[{{"type":"Ready","status":"False","reason":"ContainersNotReady","lastTransitionTime":"{now}"}},{{"type":"ContainersReady","status":"False","reason":"ContainersNotReady","lastTransitionTime":"{now}"}}],"containerStatuses":[{{"name":"trino","image":"trinodb/trino:476","imageID":"","ready":false,"started":false,"restartCount":6,"state":{{"waiting":{{"reason":"CrashLoopBackOff","message":"back-off"}}}},"lastState":{{"terminated":{{"reason":"OOMKilled","exitCode":137,"startedAt":"{now}","finishedAt":"{now}"}}}}}}]}}}}"#
    );
    kubectl(&[
        "patch",
        "pod",
        &pod,
        "-n",
        n,
        "--subresource=status",
        "--type=merge",
        "--field-manager=kubelet",
        "-p",
        &status,
    ]);
    let mut lines: Vec<String> = Vec::new();
    eventually(30, "the previous run in the report", || {
        let output = dp(STATUS, &["-n", n, "-o", "json", "--log-lines", "3"]);
        let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap_or_default();
        lines = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["previousRun"]["lines"].as_array())
            .flatten()
            .filter_map(|l| l.as_str().map(String::from))
            .collect();
        !lines.is_empty()
    });
    assert_eq!(
        lines.last().map(String::as_str),
        Some("Terminating due to java.lang.OutOfMemoryError: Java heap space"),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("second to last")),
        "{lines:#?}"
    );
    assert!(
        lines[0].starts_with("[… ") && lines[0].contains("bytes cut]"),
        "{lines:#?}"
    );
    assert!(!lines.concat().contains("abc.def.ghi"), "{lines:#?}");
}
