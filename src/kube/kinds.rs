//! What the verbs need to know about a kind: its API resource (group, version,
//! kind, plural), whether it is part of Kubernetes itself, and whether it lives
//! in a namespace. Built-in kinds know it from k8s-openapi; the suite's models
//! of custom resources (`platform::crds`) name their CRD here.

use k8s_openapi::{ClusterResourceScope, NamespaceResourceScope};
use kube::discovery::ApiResource;
use serde::de::DeserializeOwned;

use crate::platform::crds::{ObjectBucket, ObjectBucketClaim, SparkApplication};

use super::resources;

/// A kind the generic verbs (`get_opt`, `apply`, `create`, ...) can read and write.
pub trait Kind: DeserializeOwned {
    /// Its group, version, kind and plural.
    fn resource() -> ApiResource;
    /// Part of Kubernetes itself: a 404 for its type means the server is not a
    /// Kubernetes API server, never "its CRD is not installed".
    fn builtin() -> bool;
    /// It lives in a namespace.
    fn namespaced() -> bool;
}

/// Whether a k8s-openapi scope is a namespace.
pub(crate) trait ScopeKind {
    /// Objects of this scope live in a namespace.
    const NAMESPACED: bool;
}

impl ScopeKind for NamespaceResourceScope {
    const NAMESPACED: bool = true;
}

impl ScopeKind for ClusterResourceScope {
    const NAMESPACED: bool = false;
}

impl<K> Kind for K
where
    K: kube::Resource<DynamicType = ()> + DeserializeOwned,
    K::Scope: ScopeKind,
{
    fn resource() -> ApiResource {
        ApiResource::erase::<K>(&())
    }

    fn builtin() -> bool {
        true
    }

    fn namespaced() -> bool {
        <K::Scope as ScopeKind>::NAMESPACED
    }
}

/// A custom resource the suite models, by its CRD.
macro_rules! custom_kind {
    ($model:ty, $resource:path, $namespaced:expr) => {
        impl Kind for $model {
            fn resource() -> ApiResource {
                $resource()
            }

            fn builtin() -> bool {
                false
            }

            fn namespaced() -> bool {
                $namespaced
            }
        }
    };
}

custom_kind!(ObjectBucketClaim, resources::object_bucket_claim, true);
custom_kind!(ObjectBucket, resources::object_bucket, false);
custom_kind!(SparkApplication, resources::spark_application, true);

/// A built-in namespaced kind the suite can list, read and apply (Pod, ConfigMap...).
pub trait Namespaced:
    ::kube::Resource<Scope = NamespaceResourceScope, DynamicType = ()>
    + Clone
    + DeserializeOwned
    + std::fmt::Debug
{
}

impl<K> Namespaced for K where
    K: ::kube::Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug
{
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ConfigMap, Namespace};

    #[test]
    fn kinds_know_their_resource_and_scope() {
        assert_eq!(ConfigMap::resource().plural, "configmaps");
        assert!(ConfigMap::builtin() && ConfigMap::namespaced());
        assert!(!Namespace::namespaced());
        assert_eq!(SparkApplication::resource().group, "sparkoperator.k8s.io");
        assert!(!SparkApplication::builtin() && SparkApplication::namespaced());
        assert!(!ObjectBucket::namespaced());
    }
}
