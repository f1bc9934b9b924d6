//! The one envelope every machine-readable report is written in
//! (docs/schema.md): `apiVersion`, `kind`, `metadata`, then the command's body.

use std::io::Write;

use serde::Serialize;

use super::OutputFormat;
use crate::error::{Error, Result};
use crate::kube::{Cluster, Scope};

/// The `apiVersion` of every report the suite writes.
pub const API_VERSION: &str = "kubectl-dp.io/v1alpha1";

/// Where and when a report was made, and by which version of the suite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// When the cluster was read (RFC 3339, UTC).
    pub generated_at: String,
    /// The kubeconfig context used; absent in a pod or without a kubeconfig.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The namespaces the report covers.
    pub scope: Scope,
    /// The kubectl-dp version that wrote the report.
    pub tool_version: &'static str,
}

impl Metadata {
    /// Metadata for a report about `scope` read through `cluster` at `now`.
    pub fn new(cluster: &Cluster, scope: &Scope, now: jiff::Timestamp) -> Self {
        Self::of(cluster.context().map(str::to_string), scope, now)
    }

    /// Metadata from its parts (for reports made without a connection, and tests).
    pub fn of(context: Option<String>, scope: &Scope, now: jiff::Timestamp) -> Self {
        Metadata {
            generated_at: timestamp(now),
            context,
            scope: scope.clone(),
            tool_version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// A report as `-o json|yaml|jsonpath` prints it: the envelope with the command's
/// own fields (`body`) flattened beside `apiVersion`, `kind` and `metadata`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<T> {
    /// Always [`API_VERSION`].
    pub api_version: &'static str,
    /// What the body is: `StatusReport`, `QuotaReport`, `QuotaCheck`, `BucketList`,
    /// `BucketCheck`, `BucketDescription`, `TunePlan`, `PerfReport`...
    pub kind: &'static str,
    /// Where and when.
    pub metadata: Metadata,
    /// The command's fields; must serialize as a JSON object.
    #[serde(flatten)]
    pub body: T,
}

impl<T: Serialize> Envelope<T> {
    /// Wraps a command's report body.
    pub fn new(kind: &'static str, metadata: Metadata, body: T) -> Self {
        Envelope {
            api_version: API_VERSION,
            kind,
            metadata,
            body,
        }
    }
}

/// Writes `value` (normally an [`Envelope`]) as JSON, YAML or a JSONPath selection,
/// per `format`. Refuses the human formats: the caller renders those itself.
pub fn structured<T: Serialize>(
    out: &mut dyn Write,
    format: &OutputFormat,
    value: &T,
) -> Result<()> {
    match format {
        OutputFormat::Json => super::json(out, value),
        OutputFormat::Yaml => super::yaml(out, value),
        OutputFormat::JsonPath(expr) => jsonpath(out, expr, value),
        other => Err(Error::Usage(format!(
            "-o {} is not a structured format",
            other.kind().name()
        ))),
    }
}

/// kubectl's `{.a.b[*].c}` (or RFC 9535's `$.a.b`) as an RFC 9535 query.
pub(crate) fn jsonpath_query(expr: &str) -> Result<String> {
    let expr = expr.trim();
    let inner = match expr.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}').ok_or_else(|| {
            Error::Usage(format!(
                "-o jsonpath: '{expr}' opens '{{' but does not close it"
            ))
        })?,
        None => expr,
    };
    if inner.contains('{') || inner.contains("range") && inner.contains("end") {
        return Err(Error::Usage(format!(
            "-o jsonpath: '{expr}' uses a template; give one expression such as '{{.metadata.scope}}'"
        )));
    }
    let inner = inner.trim();
    Ok(if inner.starts_with('$') {
        inner.to_string()
    } else if inner.starts_with('.') || inner.starts_with('[') {
        format!("${inner}")
    } else {
        format!("$.{inner}")
    })
}

/// Writes what a JSONPath selects from `value`, space-separated like kubectl:
/// strings as they are, anything else as compact JSON.
fn jsonpath<T: Serialize>(out: &mut dyn Write, expr: &str, value: &T) -> Result<()> {
    use jsonpath_rust::JsonPath;
    let query = jsonpath_query(expr)?;
    let value = serde_json::to_value(value).map_err(|e| Error::Output(e.into()))?;
    let selected = value.query(&query).map_err(|e| {
        Error::Usage(format!(
            "-o jsonpath: '{expr}' is not a JSONPath expression ({e})"
        ))
    })?;
    let words: Vec<String> = selected
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    writeln!(out, "{}", words.join(" "))?;
    Ok(())
}

/// A report's time as people read it and RFC 3339 parsers take it: whole
/// seconds, UTC (`2026-12-02T05:14:48Z`, not nanoseconds).
pub(crate) fn timestamp(now: jiff::Timestamp) -> String {
    now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Body {
        items: Vec<&'static str>,
    }

    fn envelope() -> Envelope<Body> {
        let now: jiff::Timestamp = "2026-01-02T03:04:05Z".parse().unwrap();
        Envelope::new(
            "TestReport",
            Metadata::of(Some("ctx".into()), &Scope::Namespace("data".into()), now),
            Body {
                items: vec!["a", "b"],
            },
        )
    }

    #[test]
    fn the_body_sits_beside_the_envelope_fields() {
        let value = serde_json::to_value(envelope()).unwrap();
        assert_eq!(value["apiVersion"], API_VERSION);
        assert_eq!(value["kind"], "TestReport");
        assert_eq!(value["metadata"]["generatedAt"], "2026-01-02T03:04:05Z");
        assert_eq!(value["metadata"]["context"], "ctx");
        assert_eq!(value["metadata"]["scope"]["namespace"], "data");
        assert_eq!(value["items"][1], "b");
    }

    #[test]
    fn kubectl_jsonpath_forms() {
        assert_eq!(jsonpath_query("{.kind}").unwrap(), "$.kind");
        assert_eq!(jsonpath_query("{.items[*]}").unwrap(), "$.items[*]");
        assert_eq!(jsonpath_query("$.kind").unwrap(), "$.kind");
        assert_eq!(jsonpath_query("kind").unwrap(), "$.kind");
        assert!(jsonpath_query("{.kind").is_err());
        assert!(jsonpath_query("{range .items[*]}{.x}{end}").is_err());
        let mut out = Vec::new();
        structured(
            &mut out,
            &OutputFormat::JsonPath("{.items[*]}".into()),
            &envelope(),
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a b\n");
        let mut out = Vec::new();
        let err = structured(
            &mut out,
            &OutputFormat::JsonPath("{.items[?}".into()),
            &envelope(),
        );
        assert!(err.is_err());
    }
}
