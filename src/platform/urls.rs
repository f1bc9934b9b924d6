//! The URLs a platform's processes connect to, wherever the configuration
//! writes them: a literal `env` value of a container, a key of a `.properties`
//! file a workload mounts (Nessie's `application.properties`, a Spark
//! `spark-defaults.properties`), a SparkApplication's `sparkConf`/`hadoopConf`.
//! Whether each leads to a Service that exists and serves its port is
//! [`crate::platform::endpoint`]'s question; here we only find them.
//!
//! A value counts as a URL when it is `scheme://authority…` (optionally behind
//! `jdbc:`) with nothing left for something else to fill in: `${ENV:X}`,
//! `$(VAR)` and `{{ … }}` are resolved later by the process, Kubernetes or a
//! template engine, so their host is not known here.

use k8s_openapi::api::core::v1::PodSpec;

use crate::platform::properties::Properties;
use crate::platform::workload::all_containers;

/// One URL and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfiguredUrl<'a> {
    /// Where, for a person: `env S3_ENDPOINT of container app`,
    /// `quarkus.datasource.jdbc.url (line 4)`, `sparkConf spark.hadoop.fs.s3a.endpoint`.
    pub place: String,
    /// The key or variable that holds it (what to edit).
    pub key: &'a str,
    /// The URL as written.
    pub url: &'a str,
}

/// Schemes whose authority is a bucket, a container or a local path, not a
/// host: `s3a://analytics/warehouse` names the bucket `analytics`.
const LOCATION_SCHEMES: &[&str] = &[
    "s3", "s3a", "s3n", "gs", "gcs", "oss", "cos", "abfs", "abfss", "wasb", "wasbs", "adl", "file",
    "local", "hdfs", "viewfs", "jar",
];

/// `value` when it is a complete URL a client connects to.
pub(crate) fn as_url(value: &str) -> Option<&str> {
    let value = value.trim();
    let body = value.strip_prefix("jdbc:").unwrap_or(value);
    let (scheme, rest) = body.split_once("://")?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    let authority = rest.split(['/', '?', ';', '#']).next().unwrap_or_default();
    let unresolved = ["${", "$(", "{{", "%{"]
        .iter()
        .any(|marker| value.contains(marker));
    let one_token = !value.contains(char::is_whitespace) && !value.contains(',');
    let location = LOCATION_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str());
    (scheme_ok && !location && !authority.is_empty() && !unresolved && one_token).then_some(value)
}

/// Literal URL values of the `env` of every container (init containers too).
pub(crate) fn in_env(spec: &PodSpec) -> Vec<ConfiguredUrl<'_>> {
    all_containers(spec)
        .flat_map(|c| {
            c.env.iter().flatten().filter_map(move |e| {
                let url = as_url(e.value.as_deref()?)?;
                Some(ConfiguredUrl {
                    place: format!("env {} of container {}", e.name, c.name),
                    key: &e.name,
                    url,
                })
            })
        })
        .collect()
}

/// URL values of a properties file (comments and malformed lines are the
/// properties reader's business, not ours).
pub(crate) fn in_properties(props: &Properties) -> Vec<ConfiguredUrl<'_>> {
    props
        .entries()
        .filter_map(|(key, value, line)| {
            Some(ConfiguredUrl {
                place: format!("{key} (line {line})"),
                key,
                url: as_url(value)?,
            })
        })
        .collect()
}

/// URL values of a map of settings (`sparkConf`, `hadoopConf`), named `what`.
pub(crate) fn in_settings<'a>(
    what: &str,
    settings: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Vec<ConfiguredUrl<'a>> {
    settings
        .into_iter()
        .filter_map(|(key, value)| {
            Some(ConfiguredUrl {
                place: format!("{what} {key}"),
                key,
                url: as_url(value)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_counts_as_a_url() {
        for url in [
            "http://nessie:19120/api/v2",
            "jdbc:postgresql://pg.db:5432/nessie",
            "https://user@s3.rook-ceph.svc:443",
            " http://x ",
        ] {
            assert!(as_url(url).is_some(), "{url}");
        }
        for not in [
            "nessie:19120",
            "http://${ENV:NESSIE_HOST}:19120",
            "http://$(HOST):80",
            "http://{{ .Values.host }}",
            "http://a, http://b",
            "see http://docs",
            "http:///path",
            "://x",
            "9http://x",
            "s3a://analytics/warehouse",
            "local:///opt/spark/jobs/a.py",
            "",
        ] {
            assert_eq!(as_url(not), None, "{not}");
        }
    }

    #[test]
    fn urls_are_found_in_env_properties_and_settings() {
        let spec: PodSpec = serde_json::from_value(serde_json::json!({
            "initContainers": [{"name": "wait", "env": [{"name": "DB", "value": "jdbc:postgresql://pg:5432/x"}]}],
            "containers": [{"name": "app", "env": [
                {"name": "S3", "value": "http://rgw:80"},
                {"name": "MODE", "value": "fast"},
                {"name": "FROM", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}
            ]}]
        }))
        .unwrap();
        let env: Vec<(&str, &str)> = in_env(&spec).iter().map(|u| (u.key, u.url)).collect();
        assert_eq!(
            env,
            [
                ("DB", "jdbc:postgresql://pg:5432/x"),
                ("S3", "http://rgw:80")
            ]
        );

        let props = Properties::parse(
            "# http://commented:1\na=1\nquarkus.datasource.jdbc.url=jdbc:postgresql://pg:5433/n\n",
        );
        let found = in_properties(&props);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].place, "quarkus.datasource.jdbc.url (line 3)");

        let conf = std::collections::BTreeMap::from([
            (
                "spark.hadoop.fs.s3a.endpoint".to_string(),
                "http://rgw:8080".to_string(),
            ),
            ("spark.executor.memory".to_string(), "4g".to_string()),
        ]);
        let found = in_settings("sparkConf", &conf);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].place, "sparkConf spark.hadoop.fs.s3a.endpoint");
    }
}
