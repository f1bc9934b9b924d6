//! The plan for people: a table of settings with reasons, or a diff.

use std::io::Write;

use crate::cli::Palette;
use crate::error::Result;

use super::model::Plan;
use super::plan::{Inputs, new_files, new_spark_applications};
use crate::render::diff::{CONTEXT, unified};

/// The plan as a table, one row per change (proposed values green when colour is
/// on), then the notes.
pub fn table(out: &mut dyn Write, plan: &Plan, palette: &Palette) -> Result<()> {
    if plan.changes.is_empty() {
        writeln!(
            out,
            "nothing to change in namespace {} (profile {:?})",
            plan.namespace, plan.profile
        )?;
    } else {
        let rows = plan
            .changes
            .iter()
            .map(|c| {
                vec![
                    format!("{}/{}", c.object.kind.to_lowercase(), c.object.name),
                    match c.line {
                        Some(line) => format!("{}:{line}", c.file),
                        None => c.file.clone(),
                    },
                    c.setting.clone(),
                    c.current.clone().unwrap_or_else(|| "-".into()),
                    palette.good(c.proposed.as_deref().unwrap_or("(remove)")),
                    format!("{}: {}", c.rule, c.reason),
                ]
            })
            .collect();
        crate::render::table(
            out,
            &["OBJECT", "FILE", "SETTING", "CURRENT", "PROPOSED", "REASON"],
            rows,
        )?;
        writeln!(
            out,
            "\n{} change(s); see them as a diff with -o diff, apply with `kubectl dp tune apply -n {}`",
            plan.changes.len(),
            plan.namespace
        )?;
    }
    if !plan.notes.is_empty() {
        writeln!(out)?;
        for n in &plan.notes {
            writeln!(
                out,
                "{} {}/{}: {}",
                palette.info("note:"),
                n.object.kind.to_lowercase(),
                n.object.name,
                n.message
            )?;
        }
    }
    Ok(())
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

/// Every file and SparkApplication the plan changes, as unified diffs.
pub fn diff(out: &mut dyn Write, inputs: &Inputs, plan: &Plan) -> Result<()> {
    for ((cm, file), (old, new)) in new_files(inputs, plan) {
        let path = format!("configmap/{cm}/{file}");
        let diff = unified(
            &format!("a/{path}"),
            &format!("b/{path}"),
            &old,
            &new,
            CONTEXT,
        );
        out.write_all(diff.as_bytes())?;
    }
    for (name, new) in new_spark_applications(inputs, plan) {
        if let Some(old) = inputs
            .spark_applications
            .iter()
            .find(|a| a.metadata.name.as_deref() == Some(name.as_str()))
        {
            let path = format!("sparkapplication/{name}");
            let diff = unified(
                &format!("a/{path}"),
                &format!("b/{path}"),
                &spark_lines(old),
                &spark_lines(&new),
                0,
            );
            out.write_all(diff.as_bytes())?;
        }
    }
    Ok(())
}
