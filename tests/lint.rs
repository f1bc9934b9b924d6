//! `kubectl dp status -f/-k` on manifests alone (`tests/run lint` runs these
//! and tests/lint_cluster.rs: every test's name starts with `lint_`): no kubeconfig, no request, the
//! findings pointing at file:line:column, and the outputs code review reads
//! (SARIF 2.1.0 validated against the OASIS schema in tests/lint/, JUnit).
//! Every test here runs with KUBECONFIG=/nonexistent: a request would fail it.

mod common;

use std::process::{Command, Output};

use common::*;
use serde_json::Value;

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");

/// The kubectl that builds kustomizations: the test cluster's when one is up
/// (tests/run), else `$KUBECTL` or kubectl on PATH; these tests need no cluster.
fn kustomize_kubectl() -> std::path::PathBuf {
    let cluster_up = std::env::var_os("KUBECTL_DP_TEST_KUBECONFIG")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/cluster/kubeconfig"))
        .is_file();
    match std::env::var_os("KUBECTL") {
        _ if cluster_up => kubectl_path(),
        Some(path) => path.into(),
        None => "kubectl".into(),
    }
}

/// Runs status with no cluster at all (kubectl only builds kustomizations).
fn offline(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(STATUS);
    command
        .args(args)
        .current_dir(repo_root())
        .env("KUBECONFIG", "/nonexistent")
        .env("KUBECTL", kustomize_kubectl())
        .env("NO_COLOR", "1");
    run_with_stdin(command, stdin)
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {}", stderr(output)))
}

/// `code file:line` of every finding.
fn located(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let source = &f["source"];
            format!(
                "{} {}:{}",
                f["code"].as_str().unwrap(),
                source["file"].as_str().unwrap_or("?"),
                source["line"]
            )
        })
        .collect();
    out.sort();
    out
}

/// The broken overlay's config faults, each at the line that holds it.
const BROKEN: [&str; 8] = [
    "policy.no-limit-range examples/platform/namespace/namespace.yaml:4",
    "secrets.hand-written examples/broken/trino-db-password.yaml:11",
    "spark.driver-result-size-too-large examples/broken/failed-report.yaml:31",
    "spark.packages-at-startup examples/broken/daily-ingest-jars-packages.yaml:10",
    "trino.catalog-unknown-property examples/broken/trino-catalog/iceberg.properties:16",
    "trino.catalog-unknown-property examples/broken/trino-catalog/iceberg.properties:17",
    "trino.heap-above-limit examples/broken/trino-worker/jvm.config:3",
    "trino.removed-property examples/broken/trino-coordinator/config.properties:12",
];

#[test]
fn lint_the_broken_overlay_is_judged_with_no_kubeconfig() {
    let output = offline(&["-k", "examples/broken", "-o", "json"], None);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json_of(&output);
    common::schema::assert_valid(&report);
    assert_eq!(located(&report), BROKEN);
    let manifests = &report["manifests"];
    assert_eq!(manifests["sources"][0], "-k examples/broken");
    assert_eq!(manifests["clusterState"], false);
    let not_checked: Vec<&str> = manifests["notCheckedOffline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for runtime in [
        "trino.not-ready",
        "spark.application-failed",
        "bucket.claim-pending",
        "secrets.external-secret-not-synced",
    ] {
        assert!(not_checked.contains(&runtime), "{runtime}: {not_checked:?}");
    }
    assert!(!not_checked.contains(&"trino.heap-above-limit"));

    // The table: file:line under each finding, the runtime rules named once.
    let table = offline(&["-k", "examples/broken"], None);
    assert_eq!(table.status.code(), Some(1));
    let text = stdout(&table);
    assert!(
        text.contains("at examples/broken/trino-worker/jvm.config:3:1 (data.jvm.config, line 3)"),
        "{text}"
    );
    assert!(
        text.contains("at examples/broken/failed-report.yaml:31:5"),
        "{text}"
    );
    assert_eq!(text.matches("trino.not-ready").count(), 1, "{text}");
    assert!(text.contains("Not checked offline"), "{text}");
}

#[test]
fn lint_the_healthy_platform_has_no_finding_offline_and_fail_on_decides_the_exit() {
    let output = offline(&["-k", "examples/platform", "-o", "json"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(located(&json_of(&output)), Vec::<String>::new());
    // Warnings only: they pass by default and fail under --fail-on warning.
    let file = "examples/broken/daily-ingest-jars-packages.yaml";
    let passing = offline(&["-f", file], None);
    assert_eq!(passing.status.code(), Some(0), "{}", stderr(&passing));
    assert!(stdout(&passing).contains("spark.packages-at-startup"));
    let failing = offline(&["-f", file, "--fail-on", "warning"], None);
    assert_eq!(failing.status.code(), Some(1), "{}", stderr(&failing));
}

/// The overlay as one rendered stream (what `helm template` pipes in).
fn rendered_broken() -> String {
    let built = Command::new(kustomize_kubectl())
        .args(["kustomize", "examples/broken"])
        .current_dir(repo_root())
        .output()
        .expect("kubectl kustomize");
    assert!(built.status.success(), "{}", stderr(&built));
    stdout(&built)
}

#[test]
fn lint_standard_input_and_rendered_files_point_into_the_yaml() {
    let rendered = rendered_broken();
    let output = offline(&["-f", "-", "-o", "json"], Some(&rendered));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json_of(&output);
    let codes: Vec<String> = located(&report)
        .iter()
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect();
    let expected: Vec<String> = BROKEN
        .iter()
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(codes, expected);
    // jvm.config is a block scalar in the stream: its -Xmx line, in the stream.
    let heap = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "trino.heap-above-limit")
        .unwrap();
    assert_eq!(heap["source"]["file"], "<stdin>");
    let line = heap["source"]["line"].as_u64().unwrap() as usize;
    assert_eq!(rendered.lines().nth(line - 1).unwrap().trim(), "-Xmx24G");
}

/// The key a source line holds: `key:` in YAML, `key=` in a properties file,
/// the option itself in jvm.config; `name: X` names X.
fn key_of(line: &str) -> String {
    let line = line.trim().trim_start_matches("- ");
    let key = match line.split_once(':').or_else(|| line.split_once('=')) {
        Some(("name", value)) => value,
        Some((key, _)) => key,
        None => line,
    };
    key.trim().trim_matches(['"', '\'']).to_string()
}

/// Every result of `sarif` opens where its key is: the line at `startLine`
/// holds a key the result names, starting at `startColumn`; returns how many.
fn assert_results_point_at_their_keys(sarif: &Value, files: &dyn Fn(&str) -> String) -> usize {
    let mut checked = 0;
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let physical = &result["locations"][0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"]
            .as_str()
            .expect("a file");
        let region = &physical["region"];
        let line_number = region["startLine"].as_u64().unwrap() as usize;
        let column = region["startColumn"].as_u64().unwrap() as usize;
        let text = files(uri);
        let line = text.lines().nth(line_number - 1).expect("the line exists");
        let key = key_of(line);
        let message = result["message"]["text"].as_str().unwrap();
        assert!(
            !key.is_empty() && message.contains(&key),
            "{uri}:{line_number} holds {line:?}, which {message:?} does not name"
        );
        let at: String = line.chars().skip(column - 1).collect();
        assert!(
            at.trim_start_matches(['"', '\'']).starts_with(key.as_str()) || at.starts_with("name:"),
            "{uri}:{line_number}:{column} does not start at {key:?}: {line:?}"
        );
        checked += 1;
    }
    checked
}

fn sarif_schema() -> Value {
    let path = repo_root().join("tests/lint/sarif-schema-2.1.0.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn lint_sarif_validates_and_every_result_opens_at_its_key() {
    let output = offline(&["-k", "examples/broken", "-o", "sarif"], None);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let sarif = json_of(&output);
    let problems = common::schema::violations(&sarif_schema(), &sarif);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let run = &sarif["runs"][0];
    // One rule per code, with help text and a docs link; results name theirs.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .contains("docs/findings.md#")
        );
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
    }
    assert_eq!(run["results"].as_array().unwrap().len(), BROKEN.len());
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{}/", repo_root().display())
    );
    let checked = assert_results_point_at_their_keys(&sarif, &|uri| {
        std::fs::read_to_string(repo_root().join(uri)).unwrap()
    });
    assert_eq!(checked, BROKEN.len());
    let note = &run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"];
    assert!(note.as_str().unwrap().contains("trino.not-ready"), "{note}");

    // A Helm-shaped release lacking objects (a LimitRange, alert rules):
    // those findings are shown at a stand-in, which they name.
    let release = "examples/analytics/release.yaml";
    let output = offline(&["-f", release, "-o", "sarif"], None);
    let sarif = json_of(&output);
    let problems = common::schema::violations(&sarif_schema(), &sarif);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let checked = assert_results_point_at_their_keys(&sarif, &|uri| {
        assert_eq!(uri, release);
        std::fs::read_to_string(repo_root().join(uri)).unwrap()
    });
    assert_eq!(
        checked,
        sarif["runs"][0]["results"].as_array().unwrap().len()
    );
    assert!(checked > 20, "{checked}");

    // The same on one rendered file, where embedded files are block scalars.
    let dir = std::env::temp_dir().join(format!("dp-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("rendered platform.yaml");
    std::fs::write(&file, rendered_broken()).unwrap();
    let output = offline(&["-f", path_str(&file), "-o", "sarif"], None);
    let sarif = json_of(&output);
    let problems = common::schema::violations(&sarif_schema(), &sarif);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(uri.ends_with("rendered%20platform.yaml"), "{uri}");
    let checked =
        assert_results_point_at_their_keys(&sarif, &|_| std::fs::read_to_string(&file).unwrap());
    assert_eq!(checked, BROKEN.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn lint_junit_fails_one_case_per_finding_at_fail_on() {
    let output = offline(&["-k", "examples/broken", "-o", "junit"], None);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let xml = stdout(&output);
    let doc = roxmltree::Document::parse(&xml).expect("JUnit XML parses");
    let cases: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let with = |tag: &str| {
        cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
            .count()
    };
    // Critical findings fail by default (5); warnings are passed cases; the
    // rules not checked offline are skipped cases.
    assert_eq!(with("failure"), 5, "{xml}");
    let heap = cases
        .iter()
        .find(|c| {
            c.attribute("name")
                .unwrap()
                .starts_with("trino.heap-above-limit")
        })
        .unwrap();
    assert!(
        heap.attribute("name")
            .unwrap()
            .contains("examples/broken/trino-worker/jvm.config:3:1"),
        "{xml}"
    );
    assert!(with("skipped") >= 21, "{xml}");
    let skipped: Vec<&str> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("skipped")))
        .map(|c| c.attribute("name").unwrap())
        .collect();
    assert!(skipped.contains(&"trino.not-ready"), "{skipped:?}");
    let warning = offline(
        &[
            "-k",
            "examples/broken",
            "-o",
            "junit",
            "--fail-on",
            "warning",
        ],
        None,
    );
    assert_eq!(stdout(&warning).matches("<failure").count(), BROKEN.len());
}

#[test]
fn lint_what_makes_no_sense_on_files_is_one_line_and_exit_two() {
    let empty = offline(&["-f", "-"], Some("# nothing here\n"));
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("no Kubernetes object in -f -"));
    for (args, says) in [
        (vec!["-f", "no/such/file.yaml"], "no/such/file.yaml"),
        (vec!["-f", "examples/broken/README.md"], "not valid YAML"),
        (vec!["-k", "examples/broken", "--watch"], "--watch"),
        (vec!["-k", "examples/broken", "-A"], "-A"),
        (vec!["--cluster-state"], "--cluster-state needs manifests"),
        (vec!["-k", "examples/broken", "-o", "csv"], "csv"),
    ] {
        let output = offline(&args, None);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(stdout(&output).is_empty(), "{args:?}");
    }
}

/// The fenced blocks of docs/lint.md that follow a `<!-- checked by ... -->` line.
fn checked_blocks() -> Vec<String> {
    let doc = std::fs::read_to_string(repo_root().join("docs/lint.md")).unwrap();
    doc.split("<!-- checked by tests/lint.rs")
        .skip(1)
        .map(|rest| {
            let body = rest.split_once("```yaml\n").expect("a yaml block").1;
            body.split_once("```")
                .expect("a closed block")
                .0
                .to_string()
        })
        .collect()
}

#[test]
fn lint_the_documented_workflow_passes_actionlint() {
    let tools = std::env::var_os("KUBECTL_DP_TEST_TOOLS")
        .map(std::path::PathBuf::from)
        .expect("KUBECTL_DP_TEST_TOOLS is not set: run the tests with tests/run (it builds actionlint with tests/tools/build)");
    let blocks = checked_blocks();
    let mut command = Command::new(tools.join("actionlint"));
    command.args(["-stdin-filename", ".github/workflows/kubectl-dp.yml", "-"]);
    let output = run_with_stdin(command, Some(&blocks[0]));
    assert!(
        output.status.success(),
        "actionlint: {}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(blocks[0].contains("upload-sarif") && blocks[0].contains("-o sarif"));
}

#[test]
fn lint_the_documented_gitlab_job_and_hook_are_what_they_claim() {
    let blocks = checked_blocks();
    assert_eq!(blocks.len(), 3);
    let gitlab: Value = serde_saphyr::from_str(&blocks[1]).expect("GitLab job is YAML");
    let job = &gitlab["kubectl-dp"];
    assert_eq!(job["artifacts"]["reports"]["junit"], "kubectl-dp.xml");
    let script: Vec<&str> = job["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        script
            .iter()
            .any(|s| s.contains("-o junit > kubectl-dp.xml"))
    );
    let hooks: Value = serde_saphyr::from_str(&blocks[2]).expect("pre-commit config is YAML");
    let hook = &hooks["repos"][0]["hooks"][0];
    assert_eq!(hook["pass_filenames"], false);
    // The commands they run parse (the overlay path aside, which is the reader's).
    for line in script
        .iter()
        .copied()
        .chain([hook["entry"].as_str().unwrap()])
    {
        let words: Vec<&str> = line
            .split(['>', '|'])
            .next()
            .unwrap()
            .split_whitespace()
            .skip(3)
            .map(|w| {
                if w == "deploy/overlays/prod" {
                    "examples/broken"
                } else {
                    w
                }
            })
            .collect();
        let output = offline(&words, None);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{line}: {}",
            stderr(&output)
        );
    }
}

/// The anchors GitHub gives docs/findings.md: explicit `<a id="…">` (the
/// table rows) and each heading's slug (lowercased, punctuation but `-` and
/// `_` dropped, spaces as `-`).
fn findings_md_anchors() -> Vec<String> {
    let text = std::fs::read_to_string(repo_root().join("docs/findings.md")).unwrap();
    let mut anchors: Vec<String> = text
        .split("<a id=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(id, _)| id.to_string()))
        .collect();
    anchors.extend(
        text.lines()
            .filter_map(|l| {
                l.trim_start_matches('#')
                    .strip_prefix(' ')
                    .filter(|_| l.starts_with('#'))
            })
            .map(|heading| {
                heading
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
                    .map(|c| if c == ' ' { '-' } else { c })
                    .collect()
            }),
    );
    anchors
}

#[test]
fn lint_sarif_every_help_uri_opens_a_row_of_findings_md() {
    let output = offline(&["-k", "examples/broken", "-o", "sarif"], None);
    let sarif = json_of(&output);
    let anchors = findings_md_anchors();
    assert!(anchors.contains(&"values-trino-properties-by-type".to_string()));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.len() > 50, "{}", rules.len());
    for rule in rules {
        let uri = rule["helpUri"].as_str().unwrap();
        let (page, anchor) = uri.split_once('#').unwrap_or_else(|| panic!("{uri}"));
        assert!(page.ends_with("/docs/findings.md"), "{uri}");
        assert_eq!(anchor, rule["id"].as_str().unwrap(), "{uri}");
        assert!(
            anchors.iter().any(|a| a == anchor),
            "{uri}: no <a id=\"{anchor}\"> or heading in docs/findings.md"
        );
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        assert!(markdown.contains(&format!("({uri})")), "{markdown}");
    }
}

/// A Secret an ExternalSecret writes is not in the files: a finding about it
/// points at the ExternalSecret's `data`, where the key is added.
#[test]
fn lint_a_finding_about_a_synced_secret_points_at_its_external_secret() {
    let file = "tests/lint/external-secret-key-missing.yaml";
    let output = offline(&["-f", file, "-o", "json"], None);
    let report = json_of(&output);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "references.key-missing")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(finding["object"]["name"], "nessie-db-credentials");
    let source = &finding["source"];
    assert_eq!(source["file"], file);
    assert_eq!(
        source["field"],
        "Secret/nessie-db-credentials -n dp is written by ExternalSecret/nessie-db -n dp (spec.data)"
    );
    let text = std::fs::read_to_string(repo_root().join(file)).unwrap();
    let line = source["line"].as_u64().unwrap() as usize;
    assert_eq!(text.lines().nth(line - 1).unwrap().trim(), "data:");
}
