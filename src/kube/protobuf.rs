//! Pods as the API server's protobuf encoding carries them, decoded into only
//! the fields that resource accounting reads.
//!
//! Listing every pod of a shared cluster is the one read whose cost grows with
//! the cluster rather than the platform (`quota -A`, node fit). Asked for JSON,
//! the API server spends most of that time encoding (a kwok pod is 7 KiB of
//! JSON, half of it `managedFields`), and the client as long again decoding.
//! Asked for protobuf (`application/vnd.kubernetes.protobuf`, what kubectl's
//! own controllers use) the same list is a third of the size and about 2.5x
//! faster to serve (BENCHMARKS.md), and decoding a projection skips every field
//! accounting does not read without allocating it.
//!
//! The messages below are projections of `k8s.io/api/core/v1/generated.proto`
//! and `k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto`: the same field
//! numbers, only the fields `Cluster::list_pod_resources` documents. Unknown fields are
//! skipped by the decoder, so a newer server's additions are harmless.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Pod, PodSpec, PodStatus, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};
use prost::Message;

/// The media type asked for. JSON stays acceptable: a server or proxy that
/// cannot encode protobuf answers in JSON and the list is decoded as before.
pub(crate) const ACCEPT: &str = "application/vnd.kubernetes.protobuf, application/json";

/// The media type of a protobuf answer.
pub(crate) const CONTENT_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// Every protobuf body starts with these four bytes, then a `runtime.Unknown`.
const MAGIC: &[u8; 4] = b"k8s\0";

/// `k8s.io/apimachinery/pkg/runtime.Unknown`: the envelope around the object.
#[derive(Clone, PartialEq, Message)]
struct Unknown {
    #[prost(message, optional, tag = "1")]
    type_meta: Option<TypeMeta>,
    #[prost(bytes = "vec", optional, tag = "2")]
    raw: Option<Vec<u8>>,
    #[prost(string, optional, tag = "3")]
    content_encoding: Option<String>,
}

/// `runtime.TypeMeta`.
#[derive(Clone, PartialEq, Message)]
struct TypeMeta {
    #[prost(string, optional, tag = "2")]
    kind: Option<String>,
}

/// `meta/v1.Status`: what an error answer carries.
#[derive(Clone, PartialEq, Message)]
struct StatusView {
    #[prost(string, optional, tag = "3")]
    message: Option<String>,
    #[prost(string, optional, tag = "4")]
    reason: Option<String>,
}

/// `core/v1.PodList`.
#[derive(Clone, PartialEq, Message)]
struct PodListView {
    #[prost(message, optional, tag = "1")]
    metadata: Option<ListMetaView>,
    #[prost(message, repeated, tag = "2")]
    items: Vec<PodView>,
}

/// `meta/v1.ListMeta`.
#[derive(Clone, PartialEq, Message)]
struct ListMetaView {
    #[prost(string, optional, tag = "3")]
    continue_: Option<String>,
}

/// `core/v1.Pod`.
#[derive(Clone, PartialEq, Message)]
struct PodView {
    #[prost(message, optional, tag = "1")]
    metadata: Option<ObjectMetaView>,
    #[prost(message, optional, tag = "2")]
    spec: Option<PodSpecView>,
    #[prost(message, optional, tag = "3")]
    status: Option<PodStatusView>,
}

/// `meta/v1.ObjectMeta`.
#[derive(Clone, PartialEq, Message)]
struct ObjectMetaView {
    #[prost(string, optional, tag = "1")]
    name: Option<String>,
    #[prost(string, optional, tag = "3")]
    namespace: Option<String>,
    #[prost(string, optional, tag = "5")]
    uid: Option<String>,
    #[prost(message, optional, tag = "8")]
    creation_timestamp: Option<TimeView>,
    #[prost(message, optional, tag = "9")]
    deletion_timestamp: Option<TimeView>,
    #[prost(int64, optional, tag = "10")]
    deletion_grace_period_seconds: Option<i64>,
    #[prost(btree_map = "string, string", tag = "11")]
    labels: BTreeMap<String, String>,
    #[prost(message, repeated, tag = "13")]
    owner_references: Vec<OwnerReferenceView>,
}

/// `meta/v1.Time`.
#[derive(Clone, PartialEq, Message)]
struct TimeView {
    #[prost(int64, optional, tag = "1")]
    seconds: Option<i64>,
    #[prost(int32, optional, tag = "2")]
    nanos: Option<i32>,
}

/// `meta/v1.OwnerReference`.
#[derive(Clone, PartialEq, Message)]
struct OwnerReferenceView {
    #[prost(string, optional, tag = "1")]
    kind: Option<String>,
    #[prost(string, optional, tag = "3")]
    name: Option<String>,
    #[prost(string, optional, tag = "4")]
    uid: Option<String>,
    #[prost(string, optional, tag = "5")]
    api_version: Option<String>,
    #[prost(bool, optional, tag = "6")]
    controller: Option<bool>,
}

/// `core/v1.PodSpec`.
#[derive(Clone, PartialEq, Message)]
struct PodSpecView {
    #[prost(message, repeated, tag = "2")]
    containers: Vec<ContainerView>,
    #[prost(int64, optional, tag = "5")]
    active_deadline_seconds: Option<i64>,
    #[prost(string, optional, tag = "10")]
    node_name: Option<String>,
    #[prost(message, repeated, tag = "20")]
    init_containers: Vec<ContainerView>,
    #[prost(string, optional, tag = "24")]
    priority_class_name: Option<String>,
    #[prost(btree_map = "string, message", tag = "32")]
    overhead: BTreeMap<String, QuantityView>,
    #[prost(message, optional, tag = "40")]
    resources: Option<ResourcesView>,
}

/// `core/v1.Container`.
#[derive(Clone, PartialEq, Message)]
struct ContainerView {
    #[prost(string, optional, tag = "1")]
    name: Option<String>,
    #[prost(message, optional, tag = "8")]
    resources: Option<ResourcesView>,
    #[prost(string, optional, tag = "24")]
    restart_policy: Option<String>,
}

/// `core/v1.ResourceRequirements`.
#[derive(Clone, PartialEq, Message)]
struct ResourcesView {
    #[prost(btree_map = "string, message", tag = "1")]
    limits: BTreeMap<String, QuantityView>,
    #[prost(btree_map = "string, message", tag = "2")]
    requests: BTreeMap<String, QuantityView>,
}

/// `resource.Quantity`: its canonical string.
#[derive(Clone, PartialEq, Message)]
struct QuantityView {
    #[prost(string, optional, tag = "1")]
    string: Option<String>,
}

/// `core/v1.PodStatus`.
#[derive(Clone, PartialEq, Message)]
struct PodStatusView {
    #[prost(string, optional, tag = "1")]
    phase: Option<String>,
}

/// One page of pods decoded from protobuf: what accounting needs of each pod
/// (see `Cluster::list_pod_resources`) and the `continue` token of the next page.
#[derive(Debug)]
pub(crate) struct PodPage {
    /// The pods, with only the fields accounting reads.
    pub items: Vec<Pod>,
    /// The next page's token; `None` on the last page.
    pub continue_token: Option<String>,
}

/// Why a protobuf body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The object inside a protobuf body, after checking the magic bytes and the
/// envelope's kind.
fn unwrap_envelope(body: &[u8], kind: &str) -> Result<Vec<u8>, DecodeError> {
    let inner = body
        .strip_prefix(MAGIC.as_slice())
        .ok_or_else(|| DecodeError("not a Kubernetes protobuf body (no k8s magic)".into()))?;
    let unknown = Unknown::decode(inner).map_err(|e| DecodeError(format!("envelope: {e}")))?;
    if let Some(encoding) = unknown.content_encoding.filter(|e| !e.is_empty()) {
        return Err(DecodeError(format!(
            "unsupported content encoding {encoding}"
        )));
    }
    let found = unknown.type_meta.and_then(|t| t.kind).unwrap_or_default();
    if found != kind {
        return Err(DecodeError(format!("expected a {kind}, got {found:?}")));
    }
    Ok(unknown.raw.unwrap_or_default())
}

/// Decodes one page of `GET /api/v1/pods` answered in protobuf.
pub(crate) fn decode_pod_page(body: &[u8]) -> Result<PodPage, DecodeError> {
    let raw = unwrap_envelope(body, "PodList")?;
    let list =
        PodListView::decode(raw.as_slice()).map_err(|e| DecodeError(format!("PodList: {e}")))?;
    Ok(PodPage {
        continue_token: list.metadata.and_then(|m| non_empty(m.continue_)),
        items: list.items.into_iter().map(PodView::into_pod).collect(),
    })
}

/// The message and reason of an error answer in protobuf (`meta/v1.Status`).
pub(crate) fn decode_status(body: &[u8]) -> Option<(String, String)> {
    let raw = unwrap_envelope(body, "Status").ok()?;
    let status = StatusView::decode(raw.as_slice()).ok()?;
    Some((
        status.message.unwrap_or_default(),
        status.reason.unwrap_or_default(),
    ))
}

/// Go encodes unset strings as empty ones; JSON leaves them out.
fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn quantities(map: BTreeMap<String, QuantityView>) -> Option<BTreeMap<String, Quantity>> {
    (!map.is_empty()).then(|| {
        map.into_iter()
            .map(|(name, q)| (name, Quantity(q.string.unwrap_or_default())))
            .collect()
    })
}

impl TimeView {
    fn into_time(self) -> Option<Time> {
        let seconds = self.seconds.unwrap_or_default();
        let nanos = self.nanos.unwrap_or_default();
        jiff::Timestamp::new(seconds, nanos).ok().map(Time)
    }
}

impl PodView {
    fn into_pod(self) -> Pod {
        Pod {
            metadata: self
                .metadata
                .map(ObjectMetaView::into_meta)
                .unwrap_or_default(),
            spec: self.spec.map(PodSpecView::into_spec),
            status: self.status.map(|s| PodStatus {
                phase: non_empty(s.phase),
                ..PodStatus::default()
            }),
        }
    }
}

impl ObjectMetaView {
    fn into_meta(self) -> ObjectMeta {
        let owners: Vec<OwnerReference> = self
            .owner_references
            .into_iter()
            .map(|o| OwnerReference {
                api_version: o.api_version.unwrap_or_default(),
                kind: o.kind.unwrap_or_default(),
                name: o.name.unwrap_or_default(),
                uid: o.uid.unwrap_or_default(),
                controller: o.controller,
                block_owner_deletion: None,
            })
            .collect();
        ObjectMeta {
            name: non_empty(self.name),
            namespace: non_empty(self.namespace),
            uid: non_empty(self.uid),
            creation_timestamp: self.creation_timestamp.and_then(TimeView::into_time),
            deletion_timestamp: self.deletion_timestamp.and_then(TimeView::into_time),
            deletion_grace_period_seconds: self.deletion_grace_period_seconds,
            labels: (!self.labels.is_empty()).then_some(self.labels),
            owner_references: (!owners.is_empty()).then_some(owners),
            ..ObjectMeta::default()
        }
    }
}

impl PodSpecView {
    fn into_spec(self) -> PodSpec {
        let init: Vec<Container> = self
            .init_containers
            .into_iter()
            .map(ContainerView::into_container)
            .collect();
        PodSpec {
            containers: self
                .containers
                .into_iter()
                .map(ContainerView::into_container)
                .collect(),
            init_containers: (!init.is_empty()).then_some(init),
            active_deadline_seconds: self.active_deadline_seconds,
            node_name: non_empty(self.node_name),
            priority_class_name: non_empty(self.priority_class_name),
            overhead: quantities(self.overhead),
            resources: self.resources.map(ResourcesView::into_requirements),
            ..PodSpec::default()
        }
    }
}

impl ContainerView {
    fn into_container(self) -> Container {
        Container {
            name: self.name.unwrap_or_default(),
            resources: self.resources.map(ResourcesView::into_requirements),
            restart_policy: non_empty(self.restart_policy),
            ..Container::default()
        }
    }
}

impl ResourcesView {
    fn into_requirements(self) -> ResourceRequirements {
        ResourceRequirements {
            limits: quantities(self.limits),
            requests: quantities(self.requests),
            claims: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes `message` in the envelope the API server writes.
    fn envelope(kind: &str, message: &impl Message) -> Vec<u8> {
        let unknown = Unknown {
            type_meta: Some(TypeMeta {
                kind: Some(kind.into()),
            }),
            raw: Some(message.encode_to_vec()),
            content_encoding: Some(String::new()),
        };
        let mut body = MAGIC.to_vec();
        body.extend(unknown.encode_to_vec());
        body
    }

    fn quantity(s: &str) -> QuantityView {
        QuantityView {
            string: Some(s.into()),
        }
    }

    #[test]
    fn a_pod_list_decodes_into_the_fields_accounting_reads() {
        let pod = PodView {
            metadata: Some(ObjectMetaView {
                name: Some("trino-worker-0".into()),
                namespace: Some("data-platform".into()),
                uid: Some("u1".into()),
                creation_timestamp: Some(TimeView {
                    seconds: Some(1_764_547_200),
                    nanos: Some(0),
                }),
                deletion_timestamp: None,
                deletion_grace_period_seconds: None,
                labels: BTreeMap::from([("app".into(), "trino".into())]),
                owner_references: vec![OwnerReferenceView {
                    kind: Some("ReplicaSet".into()),
                    name: Some("trino-worker-abc".into()),
                    uid: Some("u2".into()),
                    api_version: Some("apps/v1".into()),
                    controller: Some(true),
                }],
            }),
            spec: Some(PodSpecView {
                containers: vec![ContainerView {
                    name: Some("trino".into()),
                    resources: Some(ResourcesView {
                        limits: BTreeMap::from([("memory".into(), quantity("8Gi"))]),
                        requests: BTreeMap::from([("cpu".into(), quantity("500m"))]),
                    }),
                    restart_policy: None,
                }],
                active_deadline_seconds: None,
                // Go writes unset strings as empty ones.
                node_name: Some(String::new()),
                init_containers: vec![ContainerView {
                    name: Some("sidecar".into()),
                    resources: None,
                    restart_policy: Some("Always".into()),
                }],
                priority_class_name: Some(String::new()),
                overhead: BTreeMap::new(),
                resources: Some(ResourcesView {
                    limits: BTreeMap::from([("memory".into(), quantity("16Gi"))]),
                    requests: BTreeMap::new(),
                }),
            }),
            status: Some(PodStatusView {
                phase: Some("Pending".into()),
            }),
        };
        let list = PodListView {
            metadata: Some(ListMetaView {
                continue_: Some("next".into()),
            }),
            items: vec![pod],
        };
        let page = decode_pod_page(&envelope("PodList", &list)).expect("decodes");
        assert_eq!(page.continue_token.as_deref(), Some("next"));
        let pod = &page.items[0];
        assert_eq!(pod.metadata.name.as_deref(), Some("trino-worker-0"));
        assert_eq!(pod.metadata.labels.as_ref().unwrap()["app"], "trino");
        let owner = &pod.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.controller),
            ("ReplicaSet", Some(true))
        );
        assert_eq!(
            pod.metadata
                .creation_timestamp
                .as_ref()
                .unwrap()
                .0
                .to_string(),
            "2025-12-01T00:00:00Z"
        );
        let spec = pod.spec.as_ref().unwrap();
        assert_eq!(spec.node_name, None, "an empty nodeName is no node");
        assert_eq!(spec.priority_class_name, None);
        let resources = spec.containers[0].resources.as_ref().unwrap();
        assert_eq!(resources.limits.as_ref().unwrap()["memory"].0, "8Gi");
        assert_eq!(resources.requests.as_ref().unwrap()["cpu"].0, "500m");
        let pod_level = spec.resources.as_ref().unwrap();
        assert_eq!(pod_level.limits.as_ref().unwrap()["memory"].0, "16Gi");
        assert_eq!(pod_level.requests, None);
        let init = &spec.init_containers.as_ref().unwrap()[0];
        assert_eq!(init.restart_policy.as_deref(), Some("Always"));
        assert_eq!(init.resources, None);
        assert_eq!(
            pod.status.as_ref().unwrap().phase.as_deref(),
            Some("Pending")
        );
    }

    #[test]
    fn the_last_page_has_no_token_and_fields_of_newer_servers_are_skipped() {
        let list = PodListView {
            metadata: Some(ListMetaView {
                continue_: Some(String::new()),
            }),
            items: vec![],
        };
        let mut raw = list.encode_to_vec();
        // A field number this projection does not know (ListMeta.shardInfo is 5
        // inside metadata; here a top-level field 9, length-delimited).
        raw.extend([0x4a, 0x03, b'a', b'b', b'c']);
        let unknown = Unknown {
            type_meta: Some(TypeMeta {
                kind: Some("PodList".into()),
            }),
            raw: Some(raw),
            content_encoding: None,
        };
        let mut body = MAGIC.to_vec();
        body.extend(unknown.encode_to_vec());
        let page = decode_pod_page(&body).expect("decodes");
        assert!(page.items.is_empty());
        assert_eq!(page.continue_token, None);
    }

    #[test]
    fn bodies_that_are_not_a_pod_list_are_refused_with_a_reason() {
        assert!(
            decode_pod_page(b"{\"kind\":\"PodList\"}")
                .unwrap_err()
                .0
                .contains("no k8s magic")
        );
        let status = StatusView {
            message: Some("pods is forbidden".into()),
            reason: Some("Forbidden".into()),
        };
        let body = envelope("Status", &status);
        assert!(
            decode_pod_page(&body)
                .unwrap_err()
                .0
                .contains("expected a PodList, got \"Status\"")
        );
        assert_eq!(
            decode_status(&body),
            Some(("pods is forbidden".into(), "Forbidden".into()))
        );
        let mut truncated = envelope("PodList", &PodListView::default());
        truncated.truncate(6);
        assert!(decode_pod_page(&truncated).is_err());
        assert!(decode_pod_page(&[]).is_err());
    }
}
