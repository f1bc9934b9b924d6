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
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub last_transition_time: Option<String>,
}

/// Whether a `Ready` condition says True, and its message when not.
pub fn readiness(conditions: &[Condition]) -> (bool, Option<String>) {
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

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ObjectBucketClaim {
    pub metadata: ObjectMeta,
    pub spec: ObcSpec,
    pub status: Option<ObcStatus>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObcSpec {
    pub bucket_name: Option<String>,
    pub generate_bucket_name: Option<String>,
    pub storage_class_name: Option<String>,
    pub object_bucket_name: Option<String>,
    pub additional_config: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ObcStatus {
    pub phase: Option<String>,
}

impl ObjectBucketClaim {
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

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ObjectBucket {
    pub metadata: ObjectMeta,
    pub spec: Value,
    pub status: Value,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SparkApplication {
    pub metadata: ObjectMeta,
    pub spec: SparkSpec,
    pub status: Option<SparkStatus>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SparkSpec {
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub image: Option<String>,
    pub spark_version: Option<String>,
    pub spark_conf: BTreeMap<String, String>,
    pub hadoop_conf: BTreeMap<String, String>,
    pub driver: SparkPod,
    pub executor: SparkPod,
    pub dynamic_allocation: Option<Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SparkPod {
    pub cores: Option<Value>,
    pub core_limit: Option<String>,
    pub memory: Option<String>,
    pub memory_overhead: Option<String>,
    pub instances: Option<i64>,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SparkStatus {
    pub application_state: SparkState,
    pub last_submission_attempt_time: Option<String>,
    pub termination_time: Option<String>,
    pub execution_attempts: Option<i64>,
    pub driver_info: SparkDriverInfo,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SparkDriverInfo {
    pub pod_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SparkState {
    pub state: String,
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

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ExternalSecret {
    pub metadata: ObjectMeta,
    pub spec: ExternalSecretSpec,
    pub status: ConditionsStatus,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExternalSecretSpec {
    pub secret_store_ref: StoreRef,
    pub target: ExternalSecretTarget,
    pub refresh_interval: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StoreRef {
    pub name: String,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExternalSecretTarget {
    pub name: Option<String>,
    pub creation_policy: Option<String>,
}

impl ExternalSecret {
    /// The Secret this ExternalSecret writes: `target.name`, else its own name.
    pub fn target_secret(&self) -> String {
        self.spec
            .target
            .name
            .clone()
            .unwrap_or_else(|| self.metadata.name.clone().unwrap_or_default())
    }

    pub fn store_kind(&self) -> &str {
        self.spec
            .secret_store_ref
            .kind
            .as_deref()
            .unwrap_or("SecretStore")
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ConditionsStatus {
    pub conditions: Vec<Condition>,
}

/// A SecretStore or ClusterSecretStore.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SecretStore {
    pub kind: String,
    pub metadata: ObjectMeta,
    pub spec: Value,
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

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PrometheusRule {
    pub metadata: ObjectMeta,
    pub spec: PrometheusRuleSpec,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PrometheusRuleSpec {
    pub groups: Vec<RuleGroup>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RuleGroup {
    pub name: String,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Rule {
    pub alert: Option<String>,
    pub record: Option<String>,
    pub expr: Value,
}
