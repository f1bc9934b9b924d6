//! `network.port-not-listened`: probes and Services that aim at a port Trino
//! does not listen on, judged offline (`status -f -`) and on the real API
//! server of tests/cluster/up (`status -n`), with exactly the same findings:
//! the coordinator listens on 8081 while its `http` port, readiness probe and
//! Service say 8080; its liveness probe on 8081, a JMX exporter's port and
//! the workers on the default 8080 are right and must not be reported.

mod common;

use common::status::{status_json, status_offline_json};
use common::{TestNamespace, apply};
use serde_json::Value;
use std::collections::BTreeSet;

fn platform(ns: &str) -> String {
    let node = |role: &str, config: &str, probes: &str| {
        format!(
            r#"apiVersion: apps/v1
kind: Deployment
metadata: {{name: trino-{role}, namespace: {ns}, labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: {role}}}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: {role}}}}}
  template:
    metadata: {{labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: {role}}}}}
    spec:
      containers:
      - name: trino
        image: trinodb/trino:476
        ports: [{{name: http, containerPort: 8080}}, {{name: jmx, containerPort: 9000}}]
{probes}
        resources: {{requests: {{memory: 4Gi, cpu: 100m}}, limits: {{memory: 4Gi}}}}
        volumeMounts: [{{name: etc, mountPath: /etc/trino}}]
      volumes: [{{name: etc, configMap: {{name: trino-{role}}}}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: trino-{role}, namespace: {ns}}}
data:
  jvm.config: |
    -Xmx3G
  config.properties: |
{config}
---
"#
        )
    };
    let coordinator = node(
        "coordinator",
        "    coordinator=true\n    http-server.http.port=8081\n    discovery.uri=http://trino:8080",
        "        readinessProbe: {httpGet: {path: /v1/info, port: http}}\n        livenessProbe: {tcpSocket: {port: 8081}}",
    );
    let worker = node(
        "worker",
        "    coordinator=false\n    discovery.uri=http://trino:8080",
        "        readinessProbe: {httpGet: {path: /v1/info, port: 8080}}",
    );
    format!(
        r#"{coordinator}{worker}apiVersion: v1
kind: Service
metadata: {{name: trino, namespace: {ns}}}
spec:
  selector: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
  ports:
  - {{name: http, port: 8080, targetPort: http}}
  - {{name: metrics, port: 9000, targetPort: jmx}}
"#
    )
}

/// The (object, field or message start) of each network.port-not-listened finding.
fn found(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "network.port-not-listened")
        .map(|f| {
            format!(
                "{}/{}: {}",
                f["object"]["kind"].as_str().unwrap(),
                f["object"]["name"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn probes_and_services_must_reach_the_port_trino_listens_on() {
    let ns = TestNamespace::new("listen");
    let manifests = platform(&ns.name);
    let expected: BTreeSet<String> = [
        "Deployment/trino-coordinator: coordinator: the readiness probe of container trino uses port 8080, but Trino listens on 8081 (http-server.http.port): the probe fails and its pods never become ready".to_string(),
        format!("Service/trino: Service/trino -n {}: port 8080 sends to port 8080 of the coordinator pods, but Trino listens on 8081 (http-server.http.port): connections are refused", ns.name),
    ]
    .into_iter()
    .collect();

    let report = status_offline_json(&manifests);
    assert_eq!(found(&report), expected, "offline");
    // Offline, each points at the line that sets the port or the targetPort.
    let lines: Vec<&str> = manifests.lines().collect();
    for finding in report["findings"].as_array().unwrap() {
        if finding["code"] != "network.port-not-listened" {
            continue;
        }
        let line = lines[finding["source"]["line"].as_u64().unwrap() as usize - 1];
        assert!(
            line.contains("http-server.http.port=8081") || line.contains("targetPort: http"),
            "{finding}: {line}"
        );
    }

    apply(&manifests);
    let (_, report) = status_json(&["-n", &ns.name]);
    assert_eq!(found(&report), expected, "on the API server");
}
