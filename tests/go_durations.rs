//! `secrets.external-secret-invalid` against Go itself: the External Secrets
//! controller reads `refreshInterval` with Go's `time.ParseDuration`, so each
//! case is given to a real Go program (`go run`, the Go the test control plane
//! is built with) and to `status -f -` as an ExternalSecret; status must
//! report exactly the values Go refuses, quoting Go's error.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::status::status_offline_json;
use common::{run_with_stdin, stdout};
use serde_json::{Value, json};

const CASES: &[&str] = &[
    "0", "1h", "24h", "1h30m", "2.5h", ".5s", "1.s", "300ms", "10us", "1µs", "-1h", "+5m", "1h1h",
    "1d", "7d", "1hour", "5", "1 h", "1H", "h", "1.5", "5min", "1w", "30sec",
];

const PARSE: &str = r#"package main

import (
	"bufio"
	"fmt"
	"os"
	"time"
)

func main() {
	lines := bufio.NewScanner(os.Stdin)
	for lines.Scan() {
		if _, err := time.ParseDuration(lines.Text()); err != nil {
			fmt.Println(err)
		} else {
			fmt.Println("ok")
		}
	}
}
"#;

/// Go's verdict on each case: `None` when it parses, else its error.
fn go_verdicts() -> Vec<Option<String>> {
    let dir = std::env::temp_dir().join(format!("kubectl-dp-go-durations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let program = dir.join("parse.go");
    std::fs::write(&program, PARSE).unwrap();
    let mut go = Command::new("go");
    go.arg("run")
        .arg(&program)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .env("GO111MODULE", "on");
    let output = run_with_stdin(go, Some(&(CASES.join("\n") + "\n")));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "go run: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verdicts: Vec<Option<String>> = stdout(&output)
        .lines()
        .map(|l| (l != "ok").then(|| l.to_string()))
        .collect();
    assert_eq!(verdicts.len(), CASES.len(), "{verdicts:?}");
    verdicts
}

#[test]
fn refresh_intervals_are_judged_as_go_parses_them() {
    let verdicts = go_verdicts();
    let items: Vec<Value> = CASES
        .iter()
        .enumerate()
        .map(|(i, interval)| {
            json!({
                "apiVersion": "external-secrets.io/v1",
                "kind": "ExternalSecret",
                "metadata": {"name": format!("case-{i}"), "namespace": "ns"},
                "spec": {
                    "refreshInterval": interval,
                    "secretStoreRef": {"name": "vault", "kind": "SecretStore"},
                    "target": {"name": format!("secret-{i}")},
                    "data": [{"secretKey": "k", "remoteRef": {"key": "k"}}],
                },
            })
        })
        .collect();
    let list = json!({"apiVersion": "v1", "kind": "List", "items": items});
    let report = status_offline_json(&list.to_string());
    let reported: BTreeMap<String, String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "secrets.external-secret-invalid")
        .map(|f| {
            (
                f["object"]["name"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut failures = Vec::new();
    for (i, (case, verdict)) in CASES.iter().zip(&verdicts).enumerate() {
        let message = reported.get(&format!("case-{i}"));
        match (verdict, message) {
            (None, None) => {}
            (Some(error), Some(message)) if message.contains(error.as_str()) => {}
            (verdict, message) => failures.push(format!(
                "{case:?}: Go says {verdict:?}, status says {message:?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Some of each, so the comparison means something.
    assert!(verdicts.iter().filter(|v| v.is_none()).count() >= 10);
    assert!(verdicts.iter().filter(|v| v.is_some()).count() >= 10);
}
