//! `kubectl dp tune export`: the plan's result as files for the Git repo, so
//! that GitOps applies it instead of reverting it.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::platform::crds::SparkApplication;
use crate::redact::literals::{Placeholder, placeholders_in_spark, placeholders_in_text};

use super::model::Plan;
use super::plan::{self, Inputs};

mod helm;
pub use helm::helm_values;

/// A file to write, relative to the export directory.
pub struct File {
    /// Where it goes, relative to `--dir`.
    pub path: String,
    /// Its contents.
    pub text: String,
    /// Literal secrets already replaced in `text` (SparkApplications).
    pub placeholders: Vec<Placeholder>,
}

/// The Secret an export's placeholders are read from: one per namespace.
pub(crate) fn secret_name(namespace: &str) -> String {
    format!("{namespace}-credentials")
}

fn clean_meta(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let labels = meta.labels.clone().unwrap_or_default();
    let annotations: BTreeMap<String, String> = meta
        .annotations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    (labels, annotations)
}

/// A kustomization that `kubectl apply -k` accepts: the changed ConfigMaps as
/// generators over their files (every key, so nothing is dropped) and the
/// changed SparkApplications as manifests.
pub fn kustomize(inputs: &Inputs, plan: &Plan) -> Result<Vec<File>> {
    let next = plan::after(inputs, plan);
    let files = plan::new_files(inputs, plan);
    let changed: std::collections::BTreeSet<&String> = files.keys().map(|(cm, _)| cm).collect();
    let mut out = Vec::new();
    let mut generators = Vec::new();
    for cm in next.config_maps.iter().filter(|c| {
        c.metadata
            .name
            .as_ref()
            .is_some_and(|n| changed.contains(n))
    }) {
        let name = cm.metadata.name.clone().unwrap_or_default();
        let mut paths = Vec::new();
        for (key, text) in cm.data.iter().flatten() {
            let path = format!("{name}/{key}");
            out.push(File {
                path: path.clone(),
                text: text.clone(),
                placeholders: Vec::new(),
            });
            paths.push(path);
        }
        let (labels, annotations) = clean_meta(&cm.metadata);
        let mut options = serde_json::Map::new();
        if !labels.is_empty() {
            options.insert("labels".into(), json!(labels));
        }
        if !annotations.is_empty() {
            options.insert("annotations".into(), json!(annotations));
        }
        generators.push(json!({"name": name, "options": options, "files": paths}));
    }
    let mut resources = Vec::new();
    for (name, app) in plan::new_spark_applications(inputs, plan) {
        let Some(mut object) = inputs.spark_raw.get(&name).cloned() else {
            continue;
        };
        tuned_spark_manifest(&mut object, &app);
        let path = format!("sparkapplication-{name}.yaml");
        // A literal secret never goes to Git: a reference to the Secret instead.
        let placeholders = placeholders_in_spark(&mut object, &secret_name(&plan.namespace));
        out.push(File {
            path: path.clone(),
            text: crate::render::yaml_string(&object)?,
            placeholders,
        });
        resources.push(path);
    }
    let kustomization = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": plan.namespace,
        "generatorOptions": {"disableNameSuffixHash": true},
        "configMapGenerator": generators,
        "resources": resources,
    });
    out.push(File {
        path: "kustomization.yaml".into(),
        text: format!(
            "# Written by `kubectl dp tune export` (profile {:?}): the tuned ConfigMaps and\n# SparkApplications of namespace {}. Copy the files into your Git repo.\n{}",
            plan.profile,
            plan.namespace,
            crate::render::yaml_string(&kustomization)?
        ),
        placeholders: Vec::new(),
    });
    Ok(out)
}

/// The live SparkApplication `object` with the tuned `sparkConf`, `hadoopConf`
/// and memory overheads of `app`, and without what the server owns (status,
/// managedFields, resourceVersion, uid, timestamps, last-applied).
fn tuned_spark_manifest(object: &mut Value, app: &SparkApplication) {
    if let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert("sparkConf".into(), json!(app.spec.spark_conf));
        if !app.spec.hadoop_conf.is_empty() {
            spec.insert("hadoopConf".into(), json!(app.spec.hadoop_conf));
        }
        for (role, pod) in [
            ("driver", &app.spec.driver),
            ("executor", &app.spec.executor),
        ] {
            if let (Some(o), Some(p)) = (
                &pod.memory_overhead,
                spec.get_mut(role).and_then(Value::as_object_mut),
            ) {
                p.insert("memoryOverhead".into(), json!(o));
            }
        }
    }
    if let Some(o) = object.as_object_mut() {
        o.remove("status");
        if let Some(meta) = o.get_mut("metadata").and_then(Value::as_object_mut) {
            for field in [
                "managedFields",
                "resourceVersion",
                "uid",
                "creationTimestamp",
                "generation",
            ] {
                meta.remove(field);
            }
            if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
                a.remove("kubectl.kubernetes.io/last-applied-configuration");
            }
        }
    }
}

/// Writes the files under `dir` (created if missing), every literal secret
/// replaced by a placeholder (`${ENV:NAME}`) and the rest masked; returns the
/// placeholders, which name the keys of the Secret to create.
pub fn write(dir: &Path, files: &[File]) -> Result<Vec<Placeholder>> {
    let mut placeholders = Vec::new();
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::Input {
                path: parent.to_path_buf(),
                reason: e.to_string(),
            })?;
        }
        // A literal credential is never copied out of the cluster.
        let (text, found) = placeholders_in_text(&file.path, &file.text);
        placeholders.extend(file.placeholders.iter().cloned());
        placeholders.extend(found);
        crate::redact::write_file(&path, &text).map_err(|e| Error::Input {
            path: path.clone(),
            reason: e.to_string(),
        })?;
    }
    Ok(placeholders)
}
