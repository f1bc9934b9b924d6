//! Our read models of the operators' custom resources. Every field is optional
//! or defaulted: a CR written by hand may lack anything, and a model that fails
//! to read would hide the object from every check.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A `status.conditions[]` entry as the operators write it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct Condition {
    /// The condition's type (`Ready`).
    #[serde(rename = "type")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    /// A CamelCase reason.
    pub reason: Option<String>,
    /// A human message.
    pub message: Option<String>,
    /// When it last changed.
    pub last_transition_time: Option<String>,
}

/// Whether a `Ready` condition says True, and its message when not.
pub(crate) fn readiness(conditions: &[Condition]) -> (bool, Option<String>) {
    match conditions.iter().find(|c| c.type_ == "Ready") {
        Some(c) if c.status == "True" => (true, None),
        Some(c) => (
            false,
            Some(
                [c.reason.as_deref(), c.message.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(": "),
            )
            .filter(|m| !m.is_empty()),
        ),
        None => (false, Some("no Ready condition yet".into())),
    }
}

/// An ObjectBucketClaim (`objectbucket.io/v1alpha1`), as far as the suite reads it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ObjectBucketClaim {
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: ObcSpec,
    /// Its status.
    pub status: Option<ObcStatus>,
}

/// The claim's spec.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObcSpec {
    /// A fixed bucket name.
    pub bucket_name: Option<String>,
    /// A bucket name prefix.
    pub generate_bucket_name: Option<String>,
    /// The Rook object store's StorageClass.
    pub storage_class_name: Option<String>,
    /// The ObjectBucket it is bound to.
    pub object_bucket_name: Option<String>,
    /// Rook's extra settings (`maxSize`, `maxObjects`, `bucketLifecycle`).
    pub additional_config: BTreeMap<String, Value>,
}

/// The claim's status.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ObcStatus {
    /// `Pending`, `Bound`, `Failed`...
    pub phase: Option<String>,
}

impl ObjectBucketClaim {
    /// The phase, `-` when Rook has not set one.
    pub fn phase(&self) -> &str {
        self.status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("Pending")
    }

    /// An `additionalConfig` value as the string Rook reads (numbers tolerated).
    pub fn config(&self, key: &str) -> Option<String> {
        self.spec.additional_config.get(key).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }
}

/// An ObjectBucket (cluster-scoped), kept as JSON.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ObjectBucket {
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: Value,
    /// Its status.
    pub status: Value,
}

/// A SparkApplication (`sparkoperator.k8s.io/v1beta2`), as far as the suite reads it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SparkApplication {
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: SparkSpec,
    /// Its status.
    pub status: Option<SparkStatus>,
}

/// The application's spec.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SparkSpec {
    /// `Scala`, `Java`, `Python` or `R`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// The image.
    pub image: Option<String>,
    /// The Spark version.
    pub spark_version: Option<String>,
    /// `sparkConf`.
    pub spark_conf: BTreeMap<String, String>,
    /// `hadoopConf`.
    pub hadoop_conf: BTreeMap<String, String>,
    /// The driver pod.
    pub driver: SparkPod,
    /// The executor pods.
    pub executor: SparkPod,
    /// `dynamicAllocation`, as given.
    pub dynamic_allocation: Option<Value>,
    /// `arguments`, as given (read for literal secrets: `--password x`).
    pub arguments: Option<Value>,
    /// Every other field, kept so the spec serialises back whole (pod sizing
    /// reads `memoryOverheadFactor`, templates and more from it).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl SparkSpec {
    /// The spec as JSON, every field the operator reads included.
    pub(crate) fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A driver or executor pod's sizing.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SparkPod {
    /// Cores, as given (number or string).
    pub cores: Option<Value>,
    /// The CPU limit.
    pub core_limit: Option<String>,
    /// Memory (`4g`).
    pub memory: Option<String>,
    /// Memory overhead (`1g`).
    pub memory_overhead: Option<String>,
    /// How many (executors).
    pub instances: Option<i64>,
    /// The application's labels.
    pub labels: BTreeMap<String, String>,
    /// `env`, as given (read for literal secrets).
    pub env: Option<Value>,
    /// Every other field (`coreRequest`, `template`, `nodeSelector`...).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// The application's status.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SparkStatus {
    /// Its state.
    pub application_state: SparkState,
    /// When it was last submitted.
    pub last_submission_attempt_time: Option<String>,
    /// When it ended.
    pub termination_time: Option<String>,
    /// How many attempts.
    pub execution_attempts: Option<i64>,
    /// The driver pod the operator started.
    pub driver_info: SparkDriverInfo,
}

/// `status.driverInfo`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SparkDriverInfo {
    /// The driver pod's name.
    pub pod_name: Option<String>,
}

/// `status.applicationState`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SparkState {
    /// `COMPLETED`, `FAILED`, `RUNNING`...
    pub state: String,
    /// Why it failed.
    pub error_message: Option<String>,
}

impl SparkApplication {
    /// The operator's state, `NEW` for an application it has not picked up.
    pub fn state(&self) -> &str {
        match self
            .status
            .as_ref()
            .map(|s| s.application_state.state.as_str())
        {
            Some("") | None => "NEW",
            Some(state) => state,
        }
    }

    /// A Spark setting from `sparkConf`, or from `hadoopConf` under its `spark.hadoop.` name.
    pub fn conf(&self, key: &str) -> Option<&str> {
        self.spec
            .spark_conf
            .get(key)
            .map(String::as_str)
            .or_else(|| {
                key.strip_prefix("spark.hadoop.")
                    .and_then(|k| self.spec.hadoop_conf.get(k))
                    .map(String::as_str)
            })
    }
}

/// An ExternalSecret (`external-secrets.io/v1`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ExternalSecret {
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: ExternalSecretSpec,
    /// Its conditions.
    pub status: ConditionsStatus,
}

/// The ExternalSecret's spec.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExternalSecretSpec {
    /// The store it reads from.
    pub secret_store_ref: StoreRef,
    /// The Secret it writes.
    pub target: ExternalSecretTarget,
    /// How often it syncs.
    pub refresh_interval: Option<String>,
    /// `data`: one Secret key per remote reference.
    pub data: Vec<ExternalSecretData>,
    /// `dataFrom`: keys decided by the vault (extract, find), as given.
    pub data_from: Vec<serde_json::Value>,
}

/// One `data` entry.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExternalSecretData {
    /// The key it writes in the target Secret.
    pub secret_key: String,
}

/// `secretStoreRef`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StoreRef {
    /// The store's name.
    pub name: String,
    /// `SecretStore` (default) or `ClusterSecretStore`.
    pub kind: Option<String>,
}

/// `target`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExternalSecretTarget {
    /// The Secret's name (default: the ExternalSecret's).
    pub name: Option<String>,
    /// `Owner`, `Merge`, `Orphan` or `None`.
    pub creation_policy: Option<String>,
    /// `template`, as given (its `data` keys replace the `data` keys unless
    /// `mergePolicy: Merge`).
    pub template: Option<serde_json::Value>,
}

impl ExternalSecret {
    /// The Secret this ExternalSecret writes: `target.name`, else its own name.
    pub(crate) fn target_secret(&self) -> String {
        self.spec
            .target
            .name
            .clone()
            .unwrap_or_else(|| self.metadata.name.clone().unwrap_or_default())
    }

    /// The keys the Secret it writes will hold, when the spec decides them
    /// (`None` when the vault or a template source does: `dataFrom`,
    /// `templateFrom`, or a `Merge` creation policy keeping other keys).
    pub(crate) fn written_keys(&self) -> Option<std::collections::BTreeSet<&str>> {
        let spec = &self.spec;
        if !spec.data_from.is_empty() || spec.target.creation_policy.as_deref() == Some("Merge") {
            return None;
        }
        let data = spec.data.iter().map(|d| d.secret_key.as_str());
        let Some(template) = &spec.target.template else {
            // Neither data nor a template: a spec the controller refuses; its
            // status says so (secrets.external-secret-not-synced).
            return (!spec.data.is_empty()).then(|| data.collect());
        };
        if template.get("templateFrom").is_some_and(|t| !t.is_null()) {
            return None;
        }
        let templated: std::collections::BTreeSet<&str> = template
            .get("data")
            .and_then(|d| d.as_object())
            .into_iter()
            .flat_map(|d| d.keys().map(String::as_str))
            .collect();
        // As the controller does: a template without data keeps the fetched keys.
        let merge = template.get("mergePolicy").and_then(|m| m.as_str()) == Some("Merge");
        Some(if templated.is_empty() || merge {
            templated.into_iter().chain(data).collect()
        } else {
            templated
        })
    }

    /// The store's kind, `SecretStore` when not given.
    pub(crate) fn store_kind(&self) -> &str {
        self.spec
            .secret_store_ref
            .kind
            .as_deref()
            .unwrap_or("SecretStore")
    }
}

/// A status with conditions.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ConditionsStatus {
    /// The conditions.
    pub conditions: Vec<Condition>,
}

/// A SecretStore or ClusterSecretStore.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SecretStore {
    /// `SecretStore` or `ClusterSecretStore`.
    pub kind: String,
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec, as given.
    pub spec: Value,
    /// Its conditions.
    pub status: ConditionsStatus,
}

impl SecretStore {
    /// The provider configured (`onepassword`, `onepasswordSDK`, `vault`, ...).
    pub fn provider(&self) -> Option<String> {
        self.spec
            .get("provider")?
            .as_object()?
            .keys()
            .next()
            .cloned()
    }
}

/// A PrometheusRule (`monitoring.coreos.com/v1`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PrometheusRule {
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: PrometheusRuleSpec,
}

/// The rule's spec.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PrometheusRuleSpec {
    /// Its groups.
    pub groups: Vec<RuleGroup>,
}

/// A rule group.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RuleGroup {
    /// Its name.
    pub name: String,
    /// Its rules.
    pub rules: Vec<Rule>,
    /// How often it is evaluated (a Prometheus duration), as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Value>,
    /// The evaluation offset (a Prometheus duration), as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_offset: Option<Value>,
    /// The most alerts or series a rule may produce, as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<Value>,
    /// Labels added to every rule's result, as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Value>,
}

/// An alerting or recording rule. The fields the API server and Prometheus
/// check by type stay JSON values, so that a wrong type is judged and named
/// (`for: 5`) rather than failing the whole read.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Rule {
    /// The alert's name.
    pub alert: Option<String>,
    /// The recorded series.
    pub record: Option<String>,
    /// The expression, as given.
    pub expr: Value,
    /// How long the condition holds before the alert fires, as given.
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<Value>,
    /// How long the alert keeps firing after the condition clears, as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_firing_for: Option<Value>,
    /// Labels, as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Value>,
    /// Annotations, as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Value>,
}
