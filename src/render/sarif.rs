//! SARIF 2.1.0 (OASIS), what code-review tools read: GitHub code scanning,
//! GitLab, IDE viewers. One `run` of the tool `kubectl-dp`, its driver listing
//! one rule per code the command can report (meaning, severity and docs link
//! from the rule catalogue), and one result per finding with its physical
//! location (file, line, column) when the finding was judged from files.
//! What was not checked is one tool notification, never left out silently.

use std::io::Write;

use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::findings::{Finding, Severity};
use crate::platform::rules::Rule;

/// Where the rules are documented on the web (the docs' anchors follow).
pub(crate) const DOCS_URL: &str = "https://github.com/kubectl-dp/kubectl-dp/blob/main/";

/// What a lint-like run checked and found: what SARIF and JUnit are written from.
pub struct LintRun<'a> {
    /// The command (`status`).
    pub command: &'a str,
    /// The findings, each with its `source` when judged from files.
    pub findings: &'a [Finding],
    /// The rules the run applied (one SARIF rule each).
    pub rules: Vec<&'static Rule>,
    /// Codes the run could not check, and why (one line).
    pub not_checked: Option<(Vec<&'static str>, String)>,
    /// The directory relative file names are relative to.
    pub root: Option<std::path::PathBuf>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
        Severity::Ok => "none",
    }
}

/// A file name as a URI reference: relative names stay relative (to
/// `%SRCROOT%`), each segment percent-encoded where it must be.
fn uri_of(file: &str) -> (String, bool) {
    let encode = |segment: &str| -> String {
        segment
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                other => format!("%{other:02X}"),
            })
            .collect()
    };
    let absolute = file.starts_with('/');
    let encoded: Vec<String> = file
        .split('/')
        .map(|s| {
            if s.is_empty() {
                String::new()
            } else {
                encode(s)
            }
        })
        .collect();
    let joined = encoded.join("/");
    if absolute {
        (format!("file://{joined}"), false)
    } else {
        (joined, true)
    }
}

fn rule_json(rule: &Rule) -> Value {
    let help = format!(
        "{} ({}). Docs: {DOCS_URL}{}",
        rule.meaning,
        if rule.live_only {
            "needs the live cluster"
        } else {
            "judged from manifests too"
        },
        rule.docs_anchor()
    );
    json!({
        "id": rule.code,
        "name": rule.code,
        "shortDescription": { "text": first_sentence(rule.meaning) },
        "fullDescription": { "text": rule.meaning },
        "help": { "text": help, "markdown": format!("{}\n\n[docs/findings.md]({DOCS_URL}{})", rule.meaning, rule.docs_anchor()) },
        "helpUri": format!("{DOCS_URL}{}", rule.docs_anchor()),
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": { "liveOnly": rule.live_only, "tags": [rule.code.split('.').next().unwrap_or_default()] },
    })
}

/// The rule's meaning up to its first clause, for short descriptions.
fn first_sentence(meaning: &str) -> String {
    let cut = meaning.find([':', ';']).unwrap_or(meaning.len());
    meaning[..cut].trim().to_string()
}

fn result_json(run: &LintRun, finding: &Finding) -> Value {
    let index = run.rules.iter().position(|r| r.code == finding.code);
    let mut message = format!(
        "{}: {}. Fix: {}",
        finding.object, finding.message, finding.hint
    );
    if let Some(field) = finding.source.as_ref().and_then(|s| s.field.as_ref()) {
        message = format!("{message} (at {field})");
    }
    let mut result = json!({
        "ruleId": finding.code,
        "level": level(finding.severity),
        "message": { "text": message },
        "properties": {
            "component": finding.component,
            "object": finding.object,
        },
    });
    if let Some(index) = index {
        result["ruleIndex"] = json!(index);
    }
    let logical = json!([{
        "name": finding.object.name,
        "fullyQualifiedName": finding.object.to_string(),
        "kind": "resource",
    }]);
    result["locations"] = match &finding.source {
        Some(source) => {
            let (uri, relative) = uri_of(&source.file);
            let mut artifact = json!({ "uri": uri });
            if relative {
                artifact["uriBaseId"] = json!("%SRCROOT%");
            }
            json!([{
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": { "startLine": source.line, "startColumn": source.column },
                },
                "logicalLocations": logical,
            }])
        }
        None => json!([{ "logicalLocations": logical }]),
    };
    result
}

/// The SARIF log of `run`.
pub fn log(run: &LintRun) -> Value {
    let mut notifications = Vec::new();
    if let Some((codes, why)) = &run.not_checked {
        notifications.push(json!({
            "level": "note",
            "descriptor": { "id": "not-checked" },
            "message": { "text": format!("{why}: {}", codes.join(", ")) },
        }));
    }
    let mut log_run = json!({
        "tool": { "driver": {
            "name": "kubectl-dp",
            "fullName": format!("kubectl dp {}", run.command),
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://github.com/kubectl-dp/kubectl-dp",
            "rules": run.rules.iter().map(|r| rule_json(r)).collect::<Vec<_>>(),
        }},
        "invocations": [{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }],
        "results": run.findings.iter().map(|f| result_json(run, f)).collect::<Vec<_>>(),
        "columnKind": "unicodeCodePoints",
    });
    if let Some(root) = &run.root {
        let mut uri = format!("file://{}", root.display());
        if !uri.ends_with('/') {
            uri.push('/');
        }
        log_run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": uri } });
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [log_run],
    })
}

/// Writes the SARIF log of `run`.
pub fn write(out: &mut dyn Write, run: &LintRun) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(run)).map_err(|e| Error::Output(e.into()))?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Component, ObjectRef, SourceLocation};

    #[test]
    fn results_point_at_files_and_rules() {
        let mut finding = Finding::new(
            "trino.heap-above-limit",
            Severity::Critical,
            Component::Trino,
            ObjectRef::namespaced("Deployment", "dp", "trino-worker"),
            "too big",
            "lower it",
        );
        finding.source = Some(SourceLocation {
            file: "my repo/trino.yaml".into(),
            line: 12,
            column: 5,
            field: Some("data.jvm.config, line 2".into()),
        });
        let unplaced = Finding::new(
            "policy.no-limit-range",
            Severity::Warning,
            Component::Compliance,
            ObjectRef::new("Namespace", None, "dp"),
            "none",
            "add one",
        );
        let findings = [finding, unplaced];
        let rules: Vec<&Rule> = crate::platform::rules::rules().take(20).collect();
        let run = LintRun {
            command: "status",
            findings: &findings,
            rules,
            not_checked: Some((vec!["trino.not-ready"], "not checked offline".into())),
            root: Some("/repo".into()),
        };
        let log = log(&run);
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["level"], "error");
        assert_eq!(result["ruleId"], "trino.heap-above-limit");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"][index]["id"],
            "trino.heap-above-limit"
        );
        let physical = &result["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], "my%20repo/trino.yaml");
        assert_eq!(physical["region"]["startLine"], 12);
        assert_eq!(
            log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///repo/"
        );
        let second = &log["runs"][0]["results"][1];
        assert!(second["locations"][0].get("physicalLocation").is_none());
        assert!(second.get("ruleIndex").is_none());
        let note = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
        assert_eq!(
            note["message"]["text"],
            "not checked offline: trino.not-ready"
        );
    }
}
