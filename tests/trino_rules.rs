//! What `status` calls fatal is fatal to a real Trino 476, and what `tune apply`
//! writes starts it. The coordinator's config.properties, jvm.config and
//! catalogs are read from the cluster's ConfigMaps (examples/analytics, applied to
//! the test cluster), scaled down to a 1536M heap keeping every memory setting's
//! ratio to the heap (the relation under test, not the absolute size; the scaling
//! is tests/common/scale.rs, shared with the engine benchmark), and
//! started with the Trino server tests/trino/up caches.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::scale::{Factor, scale_node};
use common::*;
use kubectl_dp::platform::jvm::JvmConfig;
use kubectl_dp::platform::properties::Properties;
use serde_json::Value;

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");
const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");
const TEST_HEAP: u64 = 1536 << 20;
fn java_home() -> PathBuf {
    std::env::var_os("KUBECTL_DP_TRINO_JAVA_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/jvm/temurin-25-jdk-amd64"))
}

/// The unpacked Trino 476 server; fetched once by tests/trino/up.
fn trino_server() -> PathBuf {
    let cache = std::env::var_os("KUBECTL_DP_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/kubectl-dp"));
    let server = cache.join("trino-476/server");
    if !server.join(".complete").is_file() {
        let state = repo_root().join("target/trino-rules-fetch");
        let up = Command::new(repo_root().join("tests/trino/up"))
            .env("KUBECTL_DP_TRINO_STATE", &state)
            .output()
            .expect("run tests/trino/up");
        let _ = Command::new(repo_root().join("tests/trino/down"))
            .env("KUBECTL_DP_TRINO_STATE", &state)
            .output();
        assert!(
            up.status.success(),
            "tests/trino/up: {}",
            String::from_utf8_lossy(&up.stderr)
        );
    }
    server
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.0 exchange on loopback (no chunking, body until close).
fn http(port: u16, method: &str, path: &str, body: &str) -> Option<Value> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nX-Trino-User: kubectl-dp\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (_, body) = response.split_once("\r\n\r\n")?;
    serde_json::from_str(body).ok()
}

/// Runs a query over the client protocol; the rows, or Trino's error.
fn query(port: u16, sql: &str) -> Result<Vec<Value>, String> {
    let mut response = http(port, "POST", "/v1/statement", sql).ok_or("no answer")?;
    let mut rows = Vec::new();
    loop {
        if let Some(error) = response.get("error") {
            return Err(error["message"].as_str().unwrap_or_default().to_string());
        }
        rows.extend(response["data"].as_array().cloned().unwrap_or_default());
        let Some(next) = response["nextUri"].as_str() else {
            return Ok(rows);
        };
        let path = next.split_once("//").map_or(next, |(_, r)| r);
        let path = &path[path.find('/').unwrap_or(0)..];
        response = http(port, "GET", path, "").ok_or("no answer")?;
    }
}

enum Outcome {
    Started(u16, Child),
    Exited(String),
}

/// Writes `etc/` from the ConfigMap files (scaled) and starts Trino in the foreground.
/// A started child is handed to the caller, which kills and waits for it.
#[allow(clippy::zombie_processes)]
fn start(dir: &Path, jvm_config: &str, config: &str, catalogs: &[(String, String)]) -> Outcome {
    let _ = std::fs::remove_dir_all(dir);
    let etc = dir.join("etc");
    std::fs::create_dir_all(etc.join("catalog")).unwrap();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let port = free_port();
    std::fs::write(
        etc.join("node.properties"),
        format!(
            "node.environment=kubectl_dp_rules\nnode.id=rules-{port}\nnode.data-dir={}\nnode.internal-address=127.0.0.1\n",
            dir.join("data").display()
        ),
    )
    .unwrap();
    std::fs::write(etc.join("jvm.config"), jvm_config).unwrap();
    std::fs::write(
        etc.join("config.properties"),
        format!(
            "{config}\nhttp-server.http.port={port}\ndiscovery.uri=http://127.0.0.1:{port}\nnode-scheduler.include-coordinator=true\n"
        ),
    )
    .unwrap();
    for (file, text) in catalogs {
        std::fs::write(etc.join("catalog").join(file), text).unwrap();
    }
    let log = std::fs::File::create(dir.join("out.log")).unwrap();
    let java = java_home();
    let mut child = Command::new(trino_server().join("bin/launcher"))
        .arg("run")
        .arg(format!("--etc-dir={}", etc.display()))
        .arg(format!("--data-dir={}", dir.join("data").display()))
        .env("JAVA_HOME", &java)
        .env(
            "PATH",
            format!(
                "{}:{}",
                java.join("bin").display(),
                std::env::var("PATH").unwrap()
            ),
        )
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start Trino");
    let deadline = Instant::now() + Duration::from_secs(240);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return Outcome::Exited(
                std::fs::read_to_string(dir.join("out.log")).unwrap_or_default(),
            );
        }
        if http(port, "GET", "/v1/info", "").is_some_and(|i| i["starting"] == false) {
            return Outcome::Started(port, child);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let _ = child.kill();
    panic!(
        "Trino neither started nor exited in 240 s; see {}",
        dir.join("out.log").display()
    );
}

/// A ConfigMap's data, read from the cluster.
fn config_map(ns: &str, name: &str) -> serde_json::Map<String, Value> {
    let text = kubectl(&["get", "configmap", name, "-n", ns, "-o", "json"]);
    let cm: Value = serde_json::from_str(&text).unwrap();
    cm["data"].as_object().cloned().unwrap_or_default()
}

/// jvm.config with the test heap, and config.properties with every memory
/// setting scaled by the same factor (what the ratio to the heap says is kept).
fn scaled(data: &serde_json::Map<String, Value>) -> (String, String, u64) {
    let jvm_text = data["jvm.config"].as_str().unwrap();
    let heap = JvmConfig::parse(jvm_text).max_heap().expect("-Xmx").0;
    let factor = Factor {
        num: TEST_HEAP,
        den: heap,
    };
    let scaled = scale_node(
        jvm_text,
        heap,
        data["config.properties"].as_str().unwrap(),
        factor,
    );
    let mut jvm = JvmConfig::parse(&scaled.jvm_config);
    jvm.push("-XX:ActiveProcessorCount=2");
    let mut props = Properties::parse(&scaled.config_properties);
    for key in [
        "http-server.http.port",
        "discovery.uri",
        "node-scheduler.include-coordinator",
    ] {
        props.remove(key);
    }
    (jvm.to_string(), props.to_string(), heap)
}

/// Catalogs whose connector the test server has (tpch, memory).
fn catalogs(ns: &str) -> Vec<(String, String)> {
    config_map(ns, "analytics-trino-catalog")
        .into_iter()
        .filter_map(|(file, text)| {
            let text = text.as_str()?.to_string();
            let connector = Properties::parse(&text).get("connector.name")?.to_string();
            matches!(connector.as_str(), "tpch" | "memory").then_some((file, text))
        })
        .collect()
}

fn status_codes(ns: &str) -> Vec<String> {
    let out = dp(STATUS, &["-n", ns, "-o", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["object"]["name"] == "analytics-trino-coordinator")
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn what_status_calls_fatal_is_fatal_to_trino_and_tune_fixes_it() {
    let _ = trino_server();
    let ns = TestNamespace::new("dp-trino-rules");
    let release = std::fs::read_to_string(repo_root().join("examples/analytics/release.yaml"))
        .unwrap()
        .replace("namespace: analytics", &format!("namespace: {}", ns.name));
    apply(&release);
    let dir = repo_root().join("target/trino-rules");

    // As deployed: 9GB + 4GB of a 12G heap. status: fatal. Trino: refuses to start.
    assert!(status_codes(&ns.name).contains(&"trino.query-memory-exceeds-heap".to_string()));
    let (jvm, config, heap) = scaled(&config_map(&ns.name, "analytics-trino-coordinator"));
    assert_eq!(heap, 12 << 30);
    match start(&dir.join("fatal"), &jvm, &config, &catalogs(&ns.name)) {
        Outcome::Started(_, mut child) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Trino started with query memory + headroom above the heap:\n{config}");
        }
        Outcome::Exited(log) => assert!(
            log.contains("Invalid memory configuration"),
            "Trino exited, but not for the memory settings: {}",
            log.lines()
                .filter(|l| l.contains("ERROR") || l.contains("Exception"))
                .take(5)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }

    // tune apply writes its proposals into the ConfigMaps; status is then quiet
    // about them and the same files start Trino, which answers a TPC-H query.
    let applied = dp(TUNE, &["apply", "-n", &ns.name, "-y", "--force-conflicts"]);
    assert!(applied.status.success(), "tune apply: {}", stderr(&applied));
    let codes = status_codes(&ns.name);
    assert!(
        !codes
            .iter()
            .any(|c| c == "trino.query-memory-exceeds-heap" || c == "trino.heap-above-limit"),
        "{codes:?}"
    );
    let (jvm, config, heap) = scaled(&config_map(&ns.name, "analytics-trino-coordinator"));
    assert!(heap < 8 << 30, "tune left -Xmx at {heap}");
    match start(&dir.join("tuned"), &jvm, &config, &catalogs(&ns.name)) {
        Outcome::Exited(log) => panic!(
            "the tuned files do not start Trino:\n{config}\n{}",
            log.lines().rev().take(30).collect::<Vec<_>>().join("\n")
        ),
        Outcome::Started(port, mut child) => {
            // The coordinator registers itself as a worker a moment after it
            // reports started: retry while it says no node is there yet.
            let mut rows = query(port, "SELECT count(*) FROM tpch.tiny.nation");
            for _ in 0..60 {
                if !matches!(&rows, Err(e) if e.contains("No nodes available")) {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(500));
                rows = query(port, "SELECT count(*) FROM tpch.tiny.nation");
            }
            let _ = child.kill();
            let _ = child.wait();
            assert_eq!(rows, Ok(vec![serde_json::json!([25])]));
        }
    }
}

/// `status --probe` against a real coordinator (tests/trino/up: one node, tpch
/// and memory catalogs): two worker pods Ready in the cluster but none
/// registered, and the catalog ConfigMap's `lakehouse` catalog not loaded.
#[test]
fn probe_compares_the_engine_with_the_cluster() {
    let _ = trino_server();
    let state = repo_root().join("target/trino-probe");
    let up = Command::new(repo_root().join("tests/trino/up"))
        .env("KUBECTL_DP_TRINO_STATE", &state)
        .output()
        .expect("tests/trino/up");
    assert!(
        up.status.success(),
        "tests/trino/up: {}",
        String::from_utf8_lossy(&up.stderr)
    );
    let url = String::from_utf8_lossy(&up.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("export KUBECTL_DP_TEST_TRINO_URL="))
        .expect("URL")
        .to_string();
    struct Down(PathBuf);
    impl Drop for Down {
        fn drop(&mut self) {
            let _ = Command::new(repo_root().join("tests/trino/down"))
                .env("KUBECTL_DP_TRINO_STATE", &self.0)
                .output();
        }
    }
    let _down = Down(state);

    let ns = TestNamespace::new("dp-probe");
    let n = &ns.name;
    let deployment = |role: &str, replicas: u32| {
        format!(
            r#"apiVersion: apps/v1
kind: Deployment
metadata: {{name: probe-trino-{role}, namespace: {n}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: {role}}}}}
  template:
    metadata: {{labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: {role}}}}}
    spec:
      containers:
      - name: trino-{role}
        image: trinodb/trino:476
        resources: {{requests: {{cpu: 10m, memory: 64Mi}}, limits: {{memory: 64Mi}}}}
      volumes:
      - {{name: catalog, configMap: {{name: probe-trino-catalog}}}}
"#
        )
    };
    apply(&format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: probe-trino-catalog, namespace: {n}}}\ndata:\n  tpch.properties: \"connector.name=tpch\\n\"\n  lakehouse.properties: \"connector.name=iceberg\\niceberg.catalog.type=nessie\\n\"\n---\n{}---\n{}",
        deployment("coordinator", 1),
        deployment("worker", 2)
    ));
    // kwok makes the worker pods Ready.
    eventually(90, "two Ready worker pods", || {
        kubectl(&[
            "get",
            "deployment",
            "probe-trino-worker",
            "-n",
            n,
            "-o",
            "jsonpath={.status.readyReplicas}",
        ])
        .trim()
            == "2"
    });

    let out = dp(
        STATUS,
        &["-n", n, "-o", "json", "--probe", "--trino-url", &url],
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    let find = |code: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("no {code}: {report:#}"))
    };
    let workers = find("trino.workers-not-registered");
    assert!(
        workers["message"]
            .as_str()
            .unwrap()
            .starts_with("2 worker pod(s) Ready but 0 worker(s) registered"),
        "{workers:#}"
    );
    let catalog = find("trino.catalog-not-loaded");
    assert!(
        catalog["message"]
            .as_str()
            .unwrap()
            .contains("catalog lakehouse"),
        "{catalog:#}"
    );
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "trino.catalog-not-loaded"
                && f["message"].as_str().unwrap().contains("catalog tpch")),
        "tpch is loaded"
    );
    let trino = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == "trino")
        .unwrap();
    assert!(
        trino["summary"]
            .as_str()
            .unwrap()
            .contains("engine 476 answering"),
        "{trino:#}"
    );

    // Without --trino-url status port-forwards to the coordinator pod over the
    // API server; kwok's fake kubelet does not serve that here, so the answer is
    // a note naming the pod, never a failure.
    let out = dp(STATUS, &["-n", n, "-o", "json", "--probe"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    let note = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "trino.probe-skipped")
        .cloned();
    let answered = report["components"][0]["summary"]
        .as_str()
        .unwrap_or_default()
        .contains("engine ");
    assert!(
        answered
            || note.as_ref().is_some_and(|f| f["message"]
                .as_str()
                .unwrap()
                .contains("port-forward to pod probe-trino-coordinator-")),
        "{report:#}"
    );
    // With nothing listening at --trino-url: a note, never a failure.
    let out = dp(
        STATUS,
        &[
            "-n",
            n,
            "-o",
            "json",
            "--probe",
            "--trino-url",
            "http://127.0.0.1:1",
        ],
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "trino.probe-skipped"),
        "{report:#}"
    );
}
