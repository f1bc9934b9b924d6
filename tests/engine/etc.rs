//! `engine-etc`: the Trino node files a cluster's ConfigMaps hold, scaled to this
//! machine, for `KUBECTL_DP_TRINO_ETC` of tests/trino/up (the engine benchmark,
//! bench/engine-ab.sh, and its short version in tests/engine.rs).
//!
//! ```text
//! kubectl get deployments,statefulsets,configmaps -n NS -o json > cluster.json
//! cargo run --example engine-etc -- --cluster cluster.json --factor 1/16 --out DIR \
//!     [--plan plan.json --rule RULE]
//! ```
//!
//! It finds the coordinator and a worker the way `kubectl dp status` and `tune`
//! do (`platform::trino::layout`: the pod template's volumes, items and subPaths,
//! the heap in whatever form it is set), and writes DIR/coordinator/ and
//! DIR/worker/ (jvm.config, config.properties) with every memory size times the
//! factor (tests/common/scale.rs), and DIR/catalog/*.properties unchanged (where
//! the catalog and S3 are is rewritten by tests/trino/up). DIR/scaled.txt lists
//! each size before and after.
//!
//! With `--plan` (the JSON of `kubectl dp tune plan`) and `--rule`, the changes
//! the plan proposes under that rule are made to the files first: one of tune's
//! proposals at a time, for the benchmark's setting-by-setting mode.

#[path = "../common/scale.rs"]
mod scale;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::ConfigMap;
use kubectl_dp::platform::jvm::JvmConfig;
use kubectl_dp::platform::properties::Properties;
use kubectl_dp::platform::trino::layout::{Role, TrinoLayout, TrinoNode};
use kubectl_dp::platform::workload::workloads;
use scale::{Factor, scale_node};
use serde_json::Value;

struct Args {
    cluster: PathBuf,
    factor: Factor,
    out: PathBuf,
    plan: Option<(PathBuf, String)>,
}

fn args() -> Result<Args, String> {
    let mut cluster = None;
    let mut factor = None;
    let mut out = None;
    let mut plan = None;
    let mut rule = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--cluster" => cluster = Some(PathBuf::from(value()?)),
            "--factor" => {
                let text = value()?;
                factor = Some(
                    Factor::parse(&text)
                        .ok_or(format!("--factor must be like 1/16, not '{text}'"))?,
                );
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "--plan" => plan = Some(PathBuf::from(value()?)),
            "--rule" => rule = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        cluster: cluster.ok_or("--cluster FILE is required")?,
        factor: factor.ok_or("--factor N/D is required")?,
        out: out.ok_or("--out DIR is required")?,
        plan: match (plan, rule) {
            (Some(p), Some(r)) => Some((p, r)),
            (None, None) => None,
            _ => return Err("--plan and --rule go together".into()),
        },
    })
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))
}

/// The objects of a `kubectl get ... -o json` list that hold Trino's files.
#[derive(Default)]
struct Objects {
    deployments: Vec<Deployment>,
    stateful_sets: Vec<StatefulSet>,
    config_maps: Vec<ConfigMap>,
}

fn objects(list: &Value) -> Result<Objects, String> {
    let mut objects = Objects::default();
    for item in list["items"].as_array().ok_or("not a list: no items")? {
        let fail = |e: serde_json::Error| format!("{}: {e}", item["metadata"]["name"]);
        let value = || item.clone();
        match item["kind"].as_str() {
            Some("Deployment") => objects
                .deployments
                .push(serde_json::from_value(value()).map_err(fail)?),
            Some("StatefulSet") => objects
                .stateful_sets
                .push(serde_json::from_value(value()).map_err(fail)?),
            Some("ConfigMap") => objects
                .config_maps
                .push(serde_json::from_value(value()).map_err(fail)?),
            _ => {}
        }
    }
    Ok(objects)
}

/// Makes the changes a tune plan proposes under `rule` to the ConfigMaps'
/// files; returns how many.
fn apply_rule(plan: &Value, rule: &str, config_maps: &mut [ConfigMap]) -> Result<usize, String> {
    let mut made = 0;
    for change in plan["changes"]
        .as_array()
        .ok_or("the plan has no changes list")?
    {
        if change["rule"] != rule || change["object"]["kind"] != "ConfigMap" {
            continue;
        }
        let name = change["object"]["name"].as_str().unwrap_or_default();
        let file = change["file"].as_str().unwrap_or_default();
        let setting = change["setting"].as_str().unwrap_or_default();
        let proposed = change["proposed"].as_str();
        let text = config_maps
            .iter_mut()
            .find(|cm| cm.metadata.name.as_deref() == Some(name))
            .and_then(|cm| cm.data.as_mut())
            .and_then(|data| data.get_mut(file))
            .ok_or(format!(
                "the plan changes {name}/{file}, which the cluster file lacks"
            ))?;
        *text = if setting.starts_with('-') {
            let mut jvm = JvmConfig::parse(text);
            match proposed {
                Some(option) => jvm.set_option(setting, option),
                None => {
                    jvm.remove_option(change["current"].as_str().unwrap_or(setting));
                }
            }
            jvm.to_string()
        } else {
            let mut props = Properties::parse(text);
            match proposed {
                Some(value) => props.set(setting, value),
                None => {
                    props.remove(setting);
                }
            }
            props.to_string()
        };
        made += 1;
    }
    if made == 0 {
        return Err(format!(
            "the plan proposes no ConfigMap change under rule {rule}"
        ));
    }
    Ok(made)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// One role's node files, scaled; its lines for scaled.txt.
fn write_node(node: &TrinoNode, dir: &Path, factor: Factor) -> Result<Vec<String>, String> {
    let name = node.workload.name();
    let text = |f: &Option<kubectl_dp::platform::trino::layout::TrinoFile>, what: &str| {
        f.as_ref()
            .and_then(|f| f.text.clone())
            .ok_or(format!("{name} has no {what} in its ConfigMaps"))
    };
    let jvm = text(&node.files.jvm_config, "jvm.config")?;
    let config = text(&node.files.config_properties, "config.properties")?;
    let heap = node.heap().max.ok_or(format!(
        "the heap of {name} depends on the node's memory ({}); set -Xmx or a memory limit",
        node.heap().describe()
    ))?;
    let scaled = scale_node(&jvm, heap, &config, factor);
    write(&dir.join("jvm.config"), &scaled.jvm_config)?;
    write(&dir.join("config.properties"), &scaled.config_properties)?;
    Ok(scaled
        .changes
        .iter()
        .map(|c| format!("{name}: {c}"))
        .collect())
}

fn run() -> Result<(), String> {
    let args = args()?;
    let Objects {
        deployments,
        stateful_sets,
        mut config_maps,
    } = objects(&read_json(&args.cluster)?)?;
    if let Some((plan, rule)) = &args.plan {
        apply_rule(&read_json(plan)?, rule, &mut config_maps)?;
    }
    let all = workloads(&deployments, &stateful_sets);
    let lookup = |ns: &str, name: &str| {
        config_maps.iter().find(|cm| {
            cm.metadata.namespace.as_deref() == Some(ns)
                && cm.metadata.name.as_deref() == Some(name)
        })
    };
    let layout = TrinoLayout::read(&all, &lookup);
    let mut lines = vec![format!("factor {}", args.factor)];
    for role in [Role::Coordinator, Role::Worker] {
        let node = layout.with_role(role).next().ok_or(format!(
            "no Trino {} in {}",
            role.as_str(),
            args.cluster.display()
        ))?;
        lines.extend(write_node(
            node,
            &args.out.join(role.as_str()),
            args.factor,
        )?);
        if role == Role::Coordinator {
            for catalog in &node.files.catalogs {
                if let Some(text) = &catalog.text {
                    write(
                        &args.out.join("catalog").join(catalog.source.file_name()),
                        text,
                    )?;
                }
            }
        }
    }
    write(&args.out.join("scaled.txt"), &(lines.join("\n") + "\n"))
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("engine-etc: {e}");
            ExitCode::from(2)
        }
    }
}
