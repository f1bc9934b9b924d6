//! Secrets written as literals where a reference belongs: in a ConfigMap's
//! files and in a SparkApplication's spec. `status` names each one as a
//! finding (where, and which key or shape, never the value), and `tune
//! export` writes a placeholder instead, saying which Secret to create.

use std::collections::BTreeMap;

use serde_json::Value;

use super::keys::{is_secret_key, words};
use super::line::{Kind, Lines, MASK, is_literal, replace};

/// One literal secret: where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Literal {
    /// `catalog.properties line 3`, `sparkConf`, `driver.env`.
    pub location: String,
    /// The key or the shape.
    pub kind: Kind,
}

impl Literal {
    /// `catalog.properties line 3: s3.aws-secret-key`.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.location, self.kind.describe())
    }
}

/// The literal secrets in one file's text, with their line numbers (from 1).
pub(crate) fn in_text(text: &str) -> Vec<(usize, Kind)> {
    let mut lines = Lines::default();
    let mut out = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        for found in lines.find(line.as_bytes(), &[]) {
            if !out.contains(&(i + 1, found.kind.clone())) {
                out.push((i + 1, found.kind));
            }
        }
    }
    out
}

/// The literal secrets of a ConfigMap's `data`: a key that is itself a
/// secret's name (`DB_PASSWORD: …`), and every secret inside a file.
pub(crate) fn in_config_map(data: &BTreeMap<String, String>) -> Vec<Literal> {
    let mut out = Vec::new();
    for (key, text) in data {
        if is_secret_key(key) && is_literal(text) {
            out.push(Literal {
                location: key.clone(),
                kind: Kind::Key(key.clone()),
            });
            continue;
        }
        out.extend(in_text(text).into_iter().map(|(line, kind)| Literal {
            location: format!("{key} line {line}"),
            kind,
        }));
    }
    out
}

/// The literal secrets of a SparkApplication's `spec` (as JSON): values of
/// secret keys in `sparkConf`, `hadoopConf` and anywhere else, environment
/// variables with a secret's name and a `value`, `--password x` in
/// `arguments`, and secrets by shape (a password in `spark.jars.repositories`).
pub(crate) fn in_spark_spec(spec: &Value) -> Vec<Literal> {
    let mut out = Vec::new();
    walk(spec, "spec", &mut out);
    out
}

fn walk(value: &Value, path: &str, out: &mut Vec<Literal>) {
    match value {
        Value::Object(fields) => {
            if let (Some(Value::String(name)), Some(Value::String(literal))) =
                (fields.get("name"), fields.get("value"))
                && is_secret_key(name)
                && is_literal(literal)
            {
                out.push(Literal {
                    location: format!("{path} {name}"),
                    kind: Kind::Key(name.clone()),
                });
            }
            for (key, child) in fields {
                let at = format!("{path}.{key}");
                match child {
                    Value::String(text) if is_secret_key(key) && is_literal(text) => {
                        out.push(Literal {
                            location: at,
                            kind: Kind::Key(key.clone()),
                        });
                    }
                    Value::String(text) => shapes(text, &at, out),
                    other => walk(other, &at, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("{path}[{i}]");
                match item {
                    Value::String(text) => {
                        let flag = text.strip_prefix("--").filter(|f| is_secret_key(f));
                        let next = items.get(i + 1).and_then(Value::as_str);
                        if let (Some(flag), Some(next)) = (flag, next)
                            && is_literal(next)
                            && !next.starts_with("--")
                        {
                            out.push(Literal {
                                location: format!("{path}[{}]", i + 1),
                                kind: Kind::Key(format!("--{flag}")),
                            });
                        }
                        shapes(text, &at, out);
                    }
                    other => walk(other, &at, out),
                }
            }
        }
        _ => {}
    }
}

/// Secrets by shape (and `key=value` inside) in one string value.
fn shapes(text: &str, at: &str, out: &mut Vec<Literal>) {
    for (_, kind) in in_text(text) {
        out.push(Literal {
            location: at.to_string(),
            kind,
        });
    }
}

/// A literal replaced by a placeholder: the environment variable (and Secret
/// key) it now comes from, and what it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The variable's name, also the key in the Secret to create (`S3_AWS_SECRET_KEY`).
    pub env: String,
    /// What was replaced (`catalog/iceberg.properties line 3: s3.aws-secret-key`).
    pub replaced: String,
}

/// `S3_SSE_CUSTOMER_KEY` from `s3.sse.customer-key`.
pub(crate) fn env_name(key: &str) -> String {
    let name: Vec<String> = words(key.trim_start_matches('-'))
        .into_iter()
        .map(|w| w.to_ascii_uppercase())
        .collect();
    if name.is_empty() {
        "SECRET".into()
    } else {
        name.join("_")
    }
}

fn env_for(kind: &Kind) -> String {
    match kind {
        Kind::Key(key) => env_name(key),
        Kind::UrlPassword => "URL_PASSWORD".into(),
        Kind::Header => "AUTHORIZATION".into(),
        Kind::PrivateKey => "PRIVATE_KEY".into(),
        Kind::Jwt => "TOKEN".into(),
        Kind::AwsKeyId => "AWS_ACCESS_KEY_ID".into(),
        Kind::Known => "SECRET".into(),
    }
}

/// `file`'s text with every literal secret replaced by `${ENV:NAME}` (Trino
/// reads its `.properties` files this way; a PEM key or a block scalar, which
/// span lines, become `****`). Returns the placeholders written.
pub(crate) fn placeholders_in_text(file: &str, text: &str) -> (String, Vec<Placeholder>) {
    let mut lines = Lines::default();
    let mut out = String::with_capacity(text.len());
    let mut placeholders: Vec<Placeholder> = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let found = lines.find(line.as_bytes(), &[]);
        let replaced = replace(
            line.as_bytes(),
            found.into_iter().map(|f| {
                let spans_lines = matches!(f.kind, Kind::PrivateKey)
                    || f.range.end > line.trim_end_matches(['\r', '\n']).len();
                if spans_lines {
                    return (f.range, MASK.to_string());
                }
                let env = env_for(&f.kind);
                let entry = Placeholder {
                    env: env.clone(),
                    replaced: format!("{file} line {}: {}", i + 1, f.kind.describe()),
                };
                if !placeholders.contains(&entry) {
                    placeholders.push(entry);
                }
                (f.range, format!("${{ENV:{env}}}"))
            }),
        );
        out.push_str(&String::from_utf8_lossy(&replaced));
    }
    (out, placeholders)
}

/// A SparkApplication (JSON) with its literal secrets replaced: `sparkConf`
/// and `hadoopConf` values by `${env:NAME}` (Hadoop's `${env.NAME}` for
/// Hadoop settings), set in the driver and executors from `secret` by
/// `spark.kubernetes.{driver,executor}.secretKeyRef.NAME`; literal environment
/// values by `valueFrom.secretKeyRef`. Returns the placeholders written.
pub(crate) fn placeholders_in_spark(app: &mut Value, secret: &str) -> Vec<Placeholder> {
    let mut placeholders = Vec::new();
    let Some(spec) = app.get_mut("spec").and_then(Value::as_object_mut) else {
        return placeholders;
    };
    let mut refs: Vec<String> = Vec::new();
    for map in ["sparkConf", "hadoopConf"] {
        let Some(conf) = spec.get_mut(map).and_then(Value::as_object_mut) else {
            continue;
        };
        for (key, value) in conf.iter_mut() {
            let Some(text) = value.as_str() else { continue };
            let hadoop = map == "hadoopConf" || key.starts_with("spark.hadoop.");
            let whole = is_secret_key(key) && is_literal(text);
            let (new, env) = if whole {
                let env = env_name(key);
                let reference = if hadoop {
                    format!("${{env.{env}}}")
                } else {
                    format!("${{env:{env}}}")
                };
                (reference, vec![env])
            } else {
                let (new, found) = placeholders_in_text(key, text);
                let envs: Vec<String> = found.iter().map(|p| p.env.clone()).collect();
                (
                    new.replace("${ENV:", if hadoop { "${env." } else { "${env:" }),
                    envs,
                )
            };
            if env.is_empty() {
                continue;
            }
            for env in env {
                placeholders.push(Placeholder {
                    env: env.clone(),
                    replaced: format!("{map} {key}"),
                });
                refs.push(env);
            }
            *value = Value::String(new);
        }
    }
    for role in ["driver", "executor"] {
        let Some(env) = spec
            .get_mut(role)
            .and_then(|r| r.get_mut("env"))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for var in env.iter_mut() {
            let (Some(name), Some(literal)) = (
                var.get("name").and_then(Value::as_str).map(str::to_string),
                var.get("value").and_then(Value::as_str),
            ) else {
                continue;
            };
            if !is_secret_key(&name) || !is_literal(literal) {
                continue;
            }
            *var = serde_json::json!({"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": name}}});
            placeholders.push(Placeholder {
                env: name.clone(),
                replaced: format!("{role}.env {name}"),
            });
        }
    }
    if let Some(conf) = spec
        .entry("sparkConf")
        .or_insert_with(|| serde_json::json!({}))
        .as_object_mut()
    {
        for env in refs {
            for role in ["driver", "executor"] {
                conf.insert(
                    format!("spark.kubernetes.{role}.secretKeyRef.{env}"),
                    Value::String(format!("{secret}:{env}")),
                );
            }
        }
    }
    placeholders
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_map_literals_are_named_never_quoted() {
        let data = BTreeMap::from([
            ("DB_PASSWORD".to_string(), "hunter2".to_string()),
            ("iceberg.properties".to_string(), "connector.name=iceberg\ns3.sse.customer-key=c2VjcmV0\niceberg.rest-catalog.oauth2.credential=id:sec\n".to_string()),
            ("jvm.config".to_string(), "-Xmx1G\n-Dx.trustStorePassword=changeit\n".to_string()),
            ("ok.properties".to_string(), "s3.aws-secret-key=${ENV:S3}\n".to_string()),
        ]);
        let found: Vec<String> = in_config_map(&data).iter().map(Literal::describe).collect();
        assert_eq!(
            found,
            [
                "DB_PASSWORD: DB_PASSWORD",
                "iceberg.properties line 2: s3.sse.customer-key",
                "iceberg.properties line 3: iceberg.rest-catalog.oauth2.credential",
                "jvm.config line 2: -Dx.trustStorePassword",
            ]
        );
        assert!(!format!("{found:?}").contains("hunter2"));
    }

    #[test]
    fn spark_literals_in_conf_env_arguments_and_urls() {
        let spec = serde_json::json!({
            "sparkConf": {"spark.hadoop.fs.s3a.secret.key": "abc123xyz", "spark.jars.repositories": "https://u:p4ss@repo/m2", "spark.sql.adaptive.enabled": "true"},
            "hadoopConf": {"fs.s3a.secret.key": "abc123xyz"},
            "driver": {"env": [{"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalr"}, {"name": "MODE", "value": "x"}]},
            "arguments": ["--password", "hunter2", "--out", "s3a://b/x"]
        });
        let found: Vec<String> = in_spark_spec(&spec).iter().map(Literal::describe).collect();
        assert_eq!(
            found,
            [
                "spec.arguments[1]: --password",
                "spec.driver.env[0] AWS_SECRET_ACCESS_KEY: AWS_SECRET_ACCESS_KEY",
                "spec.hadoopConf.fs.s3a.secret.key: fs.s3a.secret.key",
                "spec.sparkConf.spark.hadoop.fs.s3a.secret.key: spark.hadoop.fs.s3a.secret.key",
                "spec.sparkConf.spark.jars.repositories: a password in a URL",
            ]
        );
    }

    #[test]
    fn placeholders_replace_literals_and_say_where_they_come_from() {
        let (text, placeholders) = placeholders_in_text(
            "trino/iceberg.properties",
            "connector.name=iceberg\ns3.aws-secret-key=hunter2\nconnection-url=jdbc:postgresql://u:pw@h/db\n",
        );
        assert_eq!(
            text,
            "connector.name=iceberg\ns3.aws-secret-key=${ENV:S3_AWS_SECRET_KEY}\nconnection-url=jdbc:postgresql://u:${ENV:URL_PASSWORD}@h/db\n"
        );
        assert_eq!(placeholders[0].env, "S3_AWS_SECRET_KEY");
        assert_eq!(
            placeholders[0].replaced,
            "trino/iceberg.properties line 2: s3.aws-secret-key"
        );
        let mut app = serde_json::json!({"spec": {
            "sparkConf": {"spark.hadoop.fs.s3a.secret.key": "abc123xyz"},
            "driver": {"env": [{"name": "DB_PASSWORD", "value": "hunter2"}]}
        }});
        let placeholders = placeholders_in_spark(&mut app, "job-credentials");
        let text = app.to_string();
        assert!(
            !text.contains("abc123xyz") && !text.contains("hunter2"),
            "{text}"
        );
        assert_eq!(
            app["spec"]["sparkConf"]["spark.hadoop.fs.s3a.secret.key"],
            "${env.SPARK_HADOOP_FS_S3A_SECRET_KEY}"
        );
        assert_eq!(
            app["spec"]["sparkConf"]["spark.kubernetes.executor.secretKeyRef.SPARK_HADOOP_FS_S3A_SECRET_KEY"],
            "job-credentials:SPARK_HADOOP_FS_S3A_SECRET_KEY"
        );
        assert_eq!(
            app["spec"]["driver"]["env"][0]["valueFrom"]["secretKeyRef"]["key"],
            "DB_PASSWORD"
        );
        assert_eq!(placeholders.len(), 2);
    }
}
