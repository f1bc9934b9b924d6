//! The one report path: every command builds a value that implements [`Report`]
//! and hands it to [`emit`], which writes it in the format `-o` asked for and
//! returns the exit code of the suite's one exit rule ([`exit_for`]).
//!
//! A command never matches on `-o` itself: what it knows is its report (how it
//! serialises, its `kind`, its findings, how it draws as a table, the objects it
//! lists for `-o name`); the format, the envelope and the exit code are decided
//! here, the same way for every command.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use super::envelope::{Envelope, Metadata};
use super::format::OutputFormat;
use super::palette::Palette;
use crate::error::{Error, Exit, Result};
use crate::findings::{Finding, Severity};
use crate::kube::Availability;

/// What the output flags resolved to before any work started (`-o`, `--color`,
/// `--fail-on` with the command's default, `-v`).
#[derive(Debug, Clone)]
pub struct Output {
    /// `-o`.
    pub format: OutputFormat,
    /// `--color`, resolved against the terminal and `NO_COLOR`.
    pub palette: Palette,
    /// `--fail-on`, or the command's own default.
    pub fail_on: Severity,
    /// `-v` (kubectl's levels).
    pub verbose: u8,
}

impl Output {
    /// A plain table without colour that fails on `fail_on` (for tests and defaults).
    pub fn plain(fail_on: Severity) -> Output {
        Output {
            format: OutputFormat::Table,
            palette: Palette::new(false),
            fail_on,
            verbose: 0,
        }
    }

    /// How a table is drawn for this output.
    pub fn view(&self) -> View {
        View {
            palette: self.palette,
            wide: self.format.is_wide(),
            verbose: self.verbose,
        }
    }
}

/// How a report draws itself for people: colours, `-o wide`, `-v`.
#[derive(Debug, Clone, Copy, Default)]
pub struct View {
    /// The colours (or none).
    pub palette: Palette,
    /// `-o wide`: more columns, every object of a grouped finding.
    pub wide: bool,
    /// `-v`: some tables add where their facts came from.
    pub verbose: u8,
}

/// A list the report needed and could not read: "not checked", never zero or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    /// What was not read (`nodes`, `resourcequotas in data-platform`, `suite trino`).
    pub what: String,
    /// Why.
    pub availability: Availability,
}

impl Unread {
    /// `what` could not be read because of `availability`.
    pub fn new(what: impl Into<String>, availability: Availability) -> Unread {
        Unread {
            what: what.into(),
            availability,
        }
    }
}

/// What every command's result is to the output path.
///
/// The serialised form is the body of the JSON/YAML envelope (docs/schema.md);
/// [`Report::kind`] names it. Findings and unread lists decide the exit code;
/// [`Report::table`] draws it for people; [`Report::names`] are what `-o name`
/// prints. `csv` and `diff` exist only where the command declares them
/// (docs/flags.md); the default refuses in one line.
pub trait Report: Serialize {
    /// The envelope's `kind` (`StatusReport`, `BucketList`...).
    fn kind(&self) -> &'static str;

    /// Everything graded in the report: the exit rule compares these with `--fail-on`.
    fn findings(&self) -> Cow<'_, [Finding]>;

    /// The lists that could not be read: they count as `info` for the exit rule
    /// (as `cluster.not-checked` does), so `--fail-on info` fails on them.
    fn unread(&self) -> Vec<Unread> {
        Vec::new()
    }

    /// The report for people (`-o table`, and `-o wide` with `view.wide`).
    fn table(&self, out: &mut dyn Write, view: &View) -> Result<()>;

    /// `-o name`: `kind/name` (kubectl's resource names, e.g.
    /// `objectbucketclaim.objectbucket.io/scratch`) of each object the report lists.
    fn names(&self) -> Vec<String>;

    /// `-o csv`, for commands that declare it.
    fn csv(&self, _out: &mut dyn Write) -> Result<()> {
        Err(unsupported(self.kind(), "csv"))
    }

    /// `-o diff`, for commands that declare it.
    fn diff(&self, _out: &mut dyn Write, _palette: &Palette) -> Result<()> {
        Err(unsupported(self.kind(), "diff"))
    }

    /// `-o sarif`, for commands that declare it.
    fn sarif(&self, _out: &mut dyn Write) -> Result<()> {
        Err(unsupported(self.kind(), "sarif"))
    }

    /// `-o junit`, for commands that declare it; `fail_on` decides which
    /// findings are failures.
    fn junit(&self, _out: &mut dyn Write, _fail_on: Severity) -> Result<()> {
        Err(unsupported(self.kind(), "junit"))
    }

    /// What `--watch` compares to decide whether to redraw: the serialised report
    /// without what changes on every read (times, ages).
    fn fingerprint(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.remove("generatedAt");
        }
        value
    }
}

fn unsupported(kind: &str, format: &str) -> Error {
    Error::Usage(format!("{kind} cannot be written as -o {format}"))
}

/// Writes `report` as `-o` asks (the envelope for json/yaml/jsonpath, the table,
/// the names, csv or diff) and returns the exit code of [`exit_for`].
pub fn emit<R: Report + ?Sized>(
    out: &mut dyn Write,
    output: &Output,
    metadata: Metadata,
    report: &R,
) -> Result<Exit> {
    write(out, output, metadata, report)?;
    Ok(exit_for(report, output.fail_on))
}

/// Writes `report` as `-o` asks, without deciding the exit code (for `--watch`).
pub fn write<R: Report + ?Sized>(
    out: &mut dyn Write,
    output: &Output,
    metadata: Metadata,
    report: &R,
) -> Result<()> {
    match &output.format {
        OutputFormat::Json | OutputFormat::Yaml | OutputFormat::JsonPath(_) => {
            let envelope = Envelope::new(report.kind(), metadata, report);
            super::structured(out, &output.format, &envelope)
        }
        OutputFormat::Table | OutputFormat::Wide => report.table(out, &output.view()),
        OutputFormat::Name => {
            for name in report.names() {
                writeln!(out, "{}", super::terminal::escape_line(&name))?;
            }
            Ok(())
        }
        OutputFormat::Csv => report.csv(out),
        OutputFormat::Diff => report.diff(out, &output.palette),
        OutputFormat::Sarif => report.sarif(out),
        OutputFormat::Junit => report.junit(out, output.fail_on),
    }
}

/// The suite's one exit rule: 1 (problems) when a finding is at least as severe
/// as `fail_on` (and worse than ok), or when something could not be read and
/// `fail_on` is `info` or `ok`; else 0. A command that could not run at all
/// returns an error instead (exit 2).
pub fn exit_for<R: Report + ?Sized>(report: &R, fail_on: Severity) -> Exit {
    let threshold = fail_on.max(Severity::Info);
    let failed = report
        .findings()
        .iter()
        .any(|finding| finding.severity >= threshold);
    let unread_fails = threshold <= Severity::Info && !report.unread().is_empty();
    if failed || unread_fails {
        Exit::Problems
    } else {
        Exit::Ok
    }
}

/// `kind/name` as `-o name` prints it, from a Kubernetes kind and its API group
/// (`("ObjectBucketClaim", "objectbucket.io")` → `objectbucketclaim.objectbucket.io/NAME`).
pub(crate) fn resource_name(kind: &str, group: &str, name: &str) -> String {
    let kind = kind.to_lowercase();
    if group.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}.{group}/{name}")
    }
}

/// The API group of the kinds the suite names, for `-o name` (core kinds: none).
pub(crate) fn group_of(kind: &str) -> &'static str {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => "apps",
        "Job" | "CronJob" => "batch",
        "ObjectBucketClaim" | "ObjectBucket" => "objectbucket.io",
        "SparkApplication" | "ScheduledSparkApplication" => "sparkoperator.k8s.io",
        "ExternalSecret" | "SecretStore" | "ClusterSecretStore" => "external-secrets.io",
        "PrometheusRule" => "monitoring.coreos.com",
        "NetworkPolicy" => "networking.k8s.io",
        _ => "",
    }
}

/// The distinct objects of `findings`, in order, as `-o name` prints them (the
/// objects a findings-only report lists).
pub(crate) fn names_of_findings(findings: &[Finding]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for finding in findings {
        let object = &finding.object;
        let name = resource_name(&object.kind, group_of(&object.kind), &object.name);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Component, ObjectRef};
    use crate::kube::Scope;

    #[derive(Serialize)]
    struct Sample {
        findings: Vec<Finding>,
        #[serde(skip)]
        unread: Vec<Unread>,
    }

    impl Report for Sample {
        fn kind(&self) -> &'static str {
            "Sample"
        }
        fn findings(&self) -> Cow<'_, [Finding]> {
            Cow::Borrowed(&self.findings)
        }
        fn unread(&self) -> Vec<Unread> {
            self.unread.clone()
        }
        fn table(&self, out: &mut dyn Write, view: &View) -> Result<()> {
            writeln!(
                out,
                "{} finding(s), wide {}",
                self.findings.len(),
                view.wide
            )?;
            Ok(())
        }
        fn names(&self) -> Vec<String> {
            names_of_findings(&self.findings)
        }
    }

    fn at(severity: Severity, name: &str) -> Finding {
        Finding::new(
            "x.y",
            severity,
            Component::Buckets,
            ObjectRef::namespaced("ObjectBucketClaim", "ns", name),
            "m",
            "h",
        )
    }

    fn sample(findings: Vec<Finding>, unread: Vec<Unread>) -> Sample {
        Sample { findings, unread }
    }

    fn written(report: &Sample, format: OutputFormat) -> (String, Exit) {
        let output = Output {
            format,
            ..Output::plain(Severity::Warning)
        };
        let now: jiff::Timestamp = "2026-01-02T03:04:05Z".parse().unwrap();
        let metadata = Metadata::of(None, &Scope::Namespace("ns".into()), now);
        let mut out = Vec::new();
        let exit = emit(&mut out, &output, metadata, report).unwrap();
        (String::from_utf8(out).unwrap(), exit)
    }

    #[test]
    fn one_exit_rule_for_findings_and_unread_lists() {
        let quiet = sample(vec![at(Severity::Info, "a")], vec![]);
        assert_eq!(exit_for(&quiet, Severity::Warning), Exit::Ok);
        assert_eq!(exit_for(&quiet, Severity::Info), Exit::Problems);
        // `--fail-on ok` is not a level below info: ok findings never fail.
        let fine = sample(vec![at(Severity::Ok, "a")], vec![]);
        assert_eq!(exit_for(&fine, Severity::Ok), Exit::Ok);
        let loud = sample(vec![at(Severity::Critical, "a")], vec![]);
        assert_eq!(exit_for(&loud, Severity::Critical), Exit::Problems);
        // What could not be read counts as info.
        let unread = sample(
            vec![],
            vec![Unread::new("nodes", Availability::Forbidden("no".into()))],
        );
        assert_eq!(exit_for(&unread, Severity::Warning), Exit::Ok);
        assert_eq!(exit_for(&unread, Severity::Info), Exit::Problems);
        assert_eq!(exit_for(&unread, Severity::Ok), Exit::Problems);
    }

    #[test]
    fn every_format_goes_through_one_path() {
        let report = sample(
            vec![at(Severity::Warning, "a"), at(Severity::Warning, "b")],
            vec![],
        );
        let (table, exit) = written(&report, OutputFormat::Table);
        assert_eq!(table, "2 finding(s), wide false\n");
        assert_eq!(exit, Exit::Problems);
        let (wide, _) = written(&report, OutputFormat::Wide);
        assert_eq!(wide, "2 finding(s), wide true\n");
        let (names, _) = written(&report, OutputFormat::Name);
        assert_eq!(
            names,
            "objectbucketclaim.objectbucket.io/a\nobjectbucketclaim.objectbucket.io/b\n"
        );
        let (kind, _) = written(&report, OutputFormat::JsonPath("{.kind}".into()));
        assert_eq!(kind, "Sample\n");
        let (json, _) = written(&report, OutputFormat::Json);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["apiVersion"], super::super::API_VERSION);
        assert_eq!(value["findings"][1]["object"]["name"], "b");
        let output = Output {
            format: OutputFormat::Csv,
            ..Output::plain(Severity::Warning)
        };
        let now = jiff::Timestamp::UNIX_EPOCH;
        let err = emit(
            &mut Vec::new(),
            &output,
            Metadata::of(None, &Scope::All, now),
            &report,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "Sample cannot be written as -o csv");
    }

    #[test]
    fn resource_names_like_kubectl() {
        assert_eq!(resource_name("ConfigMap", "", "x"), "configmap/x");
        assert_eq!(
            resource_name("Deployment", group_of("Deployment"), "trino"),
            "deployment.apps/trino"
        );
        assert_eq!(
            resource_name("SparkApplication", group_of("SparkApplication"), "nightly"),
            "sparkapplication.sparkoperator.k8s.io/nightly"
        );
    }
}
