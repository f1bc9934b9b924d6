//! What a plan makes of the namespace (pure): the new text of each changed file,
//! the changed SparkApplications, the inputs after the plan, and the check that
//! planning again after it proposes nothing more.

use std::collections::BTreeMap;

use crate::platform::crds::SparkApplication;
use crate::platform::jvm::JvmConfig;
use crate::platform::properties::Properties;

use super::model::{Edit, Plan};
use super::plan::{Inputs, build, resized};
use crate::platform::rules::{jvm, server};

/// The new text of every ConfigMap file the plan changes: (ConfigMap, key) → (old, new).
pub fn new_files(inputs: &Inputs, plan: &Plan) -> BTreeMap<(String, String), (String, String)> {
    let mut out = BTreeMap::new();
    let mut by_file: BTreeMap<(String, String), Vec<&Edit>> = BTreeMap::new();
    for change in plan.changes.iter().filter(|c| c.object.kind == "ConfigMap") {
        if let Some(edit) = &change.edit {
            by_file
                .entry((change.object.name.clone(), change.file.clone()))
                .or_default()
                .push(edit);
        }
    }
    for ((cm, file), edits) in by_file {
        let Some(old) = inputs
            .config_maps
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some(cm.as_str()))
            .and_then(|c| c.data.as_ref()?.get(&file))
        else {
            continue;
        };
        let new = if file == "jvm.config" {
            let mut parsed = JvmConfig::parse(old);
            edits.iter().for_each(|e| jvm::apply(&mut parsed, e));
            parsed.to_string()
        } else {
            let mut parsed = Properties::parse(old);
            edits.iter().for_each(|e| server::apply(&mut parsed, e));
            parsed.to_string()
        };
        if &new != old {
            out.insert((cm, file), (old.clone(), new));
        }
    }
    out
}

/// The SparkApplications after the plan, keyed by name.
pub fn new_spark_applications(inputs: &Inputs, plan: &Plan) -> BTreeMap<String, SparkApplication> {
    let mut out: BTreeMap<String, SparkApplication> = BTreeMap::new();
    for change in plan
        .changes
        .iter()
        .filter(|c| c.object.kind == "SparkApplication")
    {
        let Some(original) = inputs
            .spark_applications
            .iter()
            .find(|a| a.metadata.name.as_deref() == Some(change.object.name.as_str()))
        else {
            continue;
        };
        let app = out
            .entry(change.object.name.clone())
            .or_insert_with(|| original.clone());
        match &change.edit {
            Some(Edit::SparkConf { map, key, value }) => {
                let target = if map == "hadoopConf" {
                    &mut app.spec.hadoop_conf
                } else {
                    &mut app.spec.spark_conf
                };
                match value {
                    Some(v) => target.insert(key.clone(), v.clone()),
                    None => target.remove(key),
                };
            }
            Some(Edit::SparkPod { role, value, .. }) => {
                let pod = if role == "driver" {
                    &mut app.spec.driver
                } else {
                    &mut app.spec.executor
                };
                pod.memory_overhead = Some(value.clone());
            }
            _ => {}
        }
    }
    out
}

/// The inputs as they would be after the plan.
pub fn after(inputs: &Inputs, plan: &Plan) -> Inputs {
    let mut next = inputs.clone();
    next.deployments = resized(&inputs.deployments, &plan.changes);
    for ((cm, file), (_, new)) in new_files(inputs, plan) {
        if let Some(c) = next
            .config_maps
            .iter_mut()
            .find(|c| c.metadata.name.as_deref() == Some(cm.as_str()))
        {
            c.data
                .get_or_insert_with(Default::default)
                .insert(file, new);
        }
    }
    for (name, app) in new_spark_applications(inputs, plan) {
        if let Some(a) = next
            .spark_applications
            .iter_mut()
            .find(|a| a.metadata.name.as_deref() == Some(name.as_str()))
        {
            *a = app;
        }
    }
    next
}

/// A plan is valid when every value it writes is one Trino or Spark accepts
/// and applying it leaves nothing more to propose: every rule, status's heap
/// and memory checks included, is satisfied by its result.
pub fn validate(inputs: &Inputs, plan: &Plan) -> Result<(), String> {
    // A value the plan writes passes the checks status makes.
    if let Some(refused) = super::values::refused_write(plan) {
        return Err(refused);
    }
    let next = after(inputs, plan);
    let again = build(&next, plan.profile);
    match again.changes.first() {
        None => Ok(()),
        Some(c) => Err(format!(
            "after the plan, {} {} {} would still need {} -> {} ({})",
            c.object.kind,
            c.object.name,
            c.setting,
            c.current.as_deref().unwrap_or("unset"),
            c.proposed.as_deref().unwrap_or("removed"),
            c.rule
        )),
    }
}
