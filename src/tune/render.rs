//! The plan for people: a table of settings with reasons, or a diff; and the
//! reports `tune plan` hands to the one output path ([`crate::render::emit`]).

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use crate::error::Result;
use crate::findings::{Component, Finding, Severity, SourceLocation};
use crate::render::{Palette, View};

use super::OfflinePlan;
use super::model::{Change, KIND, Note, Plan};
use super::plan::{Inputs, new_files, new_spark_applications};

/// What `tune plan` reports: the plan (its JSON is the `TunePlan` body), what
/// it was made from (for `-o diff`), the apply command that does exactly what it
/// says, and the fields another manager owns.
pub struct PlanReport<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// What the cluster has now.
    pub inputs: &'a Inputs,
    /// `kubectl dp tune apply ...` with the plan's namespace, profile and sizing.
    pub apply_command: String,
    /// One line per field another field manager owns ([`super::owners`]).
    pub conflicts: Vec<String>,
    /// For a plan made from manifests (`-f`/`-k`): where each change is
    /// written and what could not be known without the cluster.
    pub offline: Option<OfflinePlan>,
}

/// A change or note with where it is written in the manifests.
#[derive(Serialize)]
struct Located<'a, T> {
    #[serde(flatten)]
    item: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a SourceLocation>,
}

/// The `TunePlan` body of a plan made from manifests: each change and note
/// with its `source`, and `manifests` (what was read, what was not known).
#[derive(Serialize)]
struct LocatedPlan<'a> {
    namespace: &'a str,
    profile: super::model::Profile,
    changes: Vec<Located<'a, Change>>,
    notes: Vec<Located<'a, Note>>,
    manifests: &'a OfflinePlan,
}

fn located<'a, T>(items: &'a [T], sources: &'a [Option<SourceLocation>]) -> Vec<Located<'a, T>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| Located {
            item,
            source: sources.get(i).and_then(Option::as_ref),
        })
        .collect()
}

impl Serialize for PlanReport<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(offline) = &self.offline else {
            return self.plan.serialize(serializer);
        };
        LocatedPlan {
            namespace: &self.plan.namespace,
            profile: self.plan.profile,
            changes: located(&self.plan.changes, &offline.changes),
            notes: located(&self.plan.notes, &offline.notes),
            manifests: offline,
        }
        .serialize(serializer)
    }
}

impl crate::render::Report for PlanReport<'_> {
    fn kind(&self) -> &'static str {
        KIND
    }

    /// Each proposed change is a warning (`tune.change`), each note info
    /// (`tune.note`): the default `--fail-on warning` fails while there is
    /// something to change.
    fn findings(&self) -> Cow<'_, [Finding]> {
        let component = |kind: &str| {
            if kind == "SparkApplication" {
                Component::Spark
            } else {
                Component::Trino
            }
        };
        let changes = self.plan.changes.iter().map(|c| {
            Finding::new(
                "tune.change",
                Severity::Warning,
                component(&c.object.kind),
                c.object.clone(),
                format!("{} {}: {}", c.file, c.setting, c.reason),
                self.apply_command.clone(),
            )
        });
        let notes = self.plan.notes.iter().map(|n| {
            Finding::new(
                "tune.note",
                Severity::Info,
                component(&n.object.kind),
                n.object.clone(),
                n.message.clone(),
                "",
            )
        });
        Cow::Owned(changes.chain(notes).collect())
    }

    fn table(&self, out: &mut dyn Write, view: &View) -> Result<()> {
        table(out, self, &view.palette, view.wide)
    }

    /// The objects the plan changes.
    fn names(&self) -> Vec<String> {
        let changed: Vec<Finding> = self
            .findings()
            .iter()
            .filter(|f| f.code == "tune.change")
            .cloned()
            .collect();
        crate::render::report::names_of_findings(&changed)
    }

    fn diff(&self, out: &mut dyn Write, palette: &Palette) -> Result<()> {
        diff(out, self.inputs, self.plan, palette)
    }
}

/// Why a requested size does not fit (kind `TuneSizing`).
#[derive(Debug, Clone, Serialize)]
pub struct SizingReport {
    /// Always false: the report exists only when the size does not fit.
    pub fits: bool,
    /// One line per reason.
    pub failures: Vec<String>,
}

impl SizingReport {
    /// The report of these reasons.
    pub fn new(failures: Vec<String>) -> SizingReport {
        SizingReport {
            fits: false,
            failures,
        }
    }
}

impl crate::render::Report for SizingReport {
    fn kind(&self) -> &'static str {
        "TuneSizing"
    }

    /// Each reason is critical (`tune.size-does-not-fit`).
    fn findings(&self) -> Cow<'_, [Finding]> {
        Cow::Owned(
            self.failures
                .iter()
                .map(|f| {
                    Finding::new(
                        "tune.size-does-not-fit",
                        Severity::Critical,
                        Component::Trino,
                        crate::findings::ObjectRef::new("Deployment", None, ""),
                        f.clone(),
                        "",
                    )
                })
                .collect(),
        )
    }

    fn table(&self, out: &mut dyn Write, _view: &View) -> Result<()> {
        // What RBAC hid is "could not be checked", never "does not fit".
        let unchecked = self.failures.iter().any(|f| f.starts_with("not checked"));
        writeln!(
            out,
            "the requested size {}:",
            if unchecked {
                "could not be checked"
            } else {
                "does not fit"
            }
        )?;
        for failure in &self.failures {
            writeln!(out, "  {failure}")?;
        }
        Ok(())
    }

    fn names(&self) -> Vec<String> {
        Vec::new()
    }
}

/// The plan as a table, one row per change (proposed values green when colour is
/// on; `wide` gives the rule its own column; from manifests, where each is
/// written first), then the notes, what other field managers own, and the
/// command that applies it (from manifests: what was not known offline).
pub fn table(
    out: &mut dyn Write,
    report: &PlanReport<'_>,
    palette: &Palette,
    wide: bool,
) -> Result<()> {
    let plan = report.plan;
    if plan.changes.is_empty() {
        let message = format!(
            "nothing to change in namespace {} (profile {:?})",
            plan.namespace, plan.profile
        );
        writeln!(out, "{}", palette.good(&message))?;
    } else {
        let mut headers = match report.offline {
            Some(_) => vec!["SOURCE"],
            None => Vec::new(),
        };
        headers.extend(["OBJECT", "FILE", "SETTING", "CURRENT", "PROPOSED"]);
        if wide {
            headers.extend(["RULE", "REASON"]);
        } else {
            headers.push("REASON");
        }
        crate::render::table(out, &headers, change_rows(report, palette, wide))?;
        if !report.conflicts.is_empty() {
            writeln!(out)?;
        }
        for conflict in &report.conflicts {
            writeln!(out, "{} {conflict}", palette.warning("warning:"))?;
        }
        let changes = crate::render::count(plan.changes.len(), "change", "changes");
        match &report.offline {
            None => writeln!(
                out,
                "\n{changes}; see them as a diff with -o diff, apply with `{}`",
                report.apply_command
            )?,
            Some(_) => writeln!(
                out,
                "\n{changes} to make in the files at SOURCE (the edits `kubectl dp tune export` writes); see them as a diff with -o diff"
            )?,
        }
    }
    write_notes(out, report, palette)
}

/// One row per change, in the table's columns.
fn change_rows(report: &PlanReport<'_>, palette: &Palette, wide: bool) -> Vec<Vec<String>> {
    let rows = report.plan.changes.iter().enumerate().map(|(i, c)| {
        let mut row = Vec::new();
        if let Some(offline) = &report.offline {
            row.push(where_written(offline.changes.get(i)));
        }
        row.extend([
            format!("{}/{}", c.object.kind.to_lowercase(), c.object.name),
            match c.line {
                Some(line) => format!("{}:{line}", c.file),
                None => c.file.clone(),
            },
            c.setting.clone(),
            c.current.clone().unwrap_or_else(|| "-".into()),
            palette.good(c.proposed.as_deref().unwrap_or("(remove)")),
        ]);
        if wide {
            row.extend([c.rule.clone(), c.reason.clone()]);
        } else {
            row.push(format!("{}: {}", c.rule, c.reason));
        }
        row
    });
    rows.collect()
}

/// The notes (from manifests, each at its file:line), then what a plan made
/// from manifests could not know.
fn write_notes(out: &mut dyn Write, report: &PlanReport<'_>, palette: &Palette) -> Result<()> {
    if !report.plan.notes.is_empty() {
        writeln!(out)?;
        for (i, n) in report.plan.notes.iter().enumerate() {
            let at = match &report.offline {
                Some(offline) => format!("{}: ", where_written(offline.notes.get(i))),
                None => String::new(),
            };
            writeln!(
                out,
                "{} {at}{}/{}: {}",
                palette.info("note:"),
                n.object.kind.to_lowercase(),
                n.object.name,
                n.message
            )?;
        }
    }
    if let Some(offline) = &report.offline {
        writeln!(
            out,
            "\nplanned from {} ({}) with no cluster; not known offline:",
            offline.sources.join(", "),
            crate::render::count(offline.objects, "object", "objects")
        )?;
        for line in &offline.not_known_offline {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

/// `file:line` of a change or note read from manifests (`-` when not found).
fn where_written(source: Option<&Option<SourceLocation>>) -> String {
    match source.and_then(Option::as_ref) {
        Some(s) => format!("{}:{}", s.file, s.line),
        None => "-".into(),
    }
}

/// The lines a SparkApplication's tuned fields render to, for diffing.
fn spark_lines(app: &crate::platform::crds::SparkApplication) -> String {
    let mut text = String::new();
    for (map, values) in [
        ("sparkConf", &app.spec.spark_conf),
        ("hadoopConf", &app.spec.hadoop_conf),
    ] {
        for (k, v) in values {
            text.push_str(&format!("spec.{map}.{k}: {v}\n"));
        }
    }
    for (role, pod) in [
        ("driver", &app.spec.driver),
        ("executor", &app.spec.executor),
    ] {
        if let Some(o) = &pod.memory_overhead {
            text.push_str(&format!("spec.{role}.memoryOverhead: {o}\n"));
        }
    }
    text
}

/// Every file and SparkApplication the plan changes, as unified diffs
/// (`a/configmap/NAME/FILE` → `b/...`), painted when colour is on.
pub fn diff(out: &mut dyn Write, inputs: &Inputs, plan: &Plan, palette: &Palette) -> Result<()> {
    use crate::render::diff::{CONTEXT, Labels, write};
    for ((cm, file), (old, new)) in new_files(inputs, plan) {
        let path = format!("configmap/{cm}/{file}");
        let labels = Labels::paths(&path);
        write(out, palette, &labels, &old, &new, CONTEXT)?;
    }
    for (name, new) in new_spark_applications(inputs, plan) {
        if let Some(old) = inputs
            .spark_applications
            .iter()
            .find(|a| a.metadata.name.as_deref() == Some(name.as_str()))
        {
            let path = format!("sparkapplication/{name}");
            let labels = Labels::paths(&path);
            write(
                out,
                palette,
                &labels,
                &spark_lines(old),
                &spark_lines(&new),
                0,
            )?;
        }
    }
    Ok(())
}
