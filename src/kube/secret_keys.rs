//! Secrets read for their key names only. Status checks that a referenced key
//! exists and names hand-written credentials by key; no analysis needs a value.
//! Decoding into this projection skips every value in the response buffer, so
//! a Secret's value never becomes part of the snapshot (nor of a debug dump or
//! a panic message): the `data` and `stringData` maps come back with empty
//! values.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, ListParams};
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::error::Result;

use super::{Cluster, Listing};

/// A Secret as the API server sends it, minus its values.
#[derive(Deserialize)]
struct SecretKeys {
    #[serde(default)]
    metadata: ObjectMeta,
    #[serde(rename = "type", default)]
    type_: Option<String>,
    #[serde(default)]
    immutable: Option<bool>,
    #[serde(default)]
    data: Option<BTreeMap<String, IgnoredAny>>,
    #[serde(rename = "stringData", default)]
    string_data: Option<BTreeMap<String, IgnoredAny>>,
}

impl SecretKeys {
    fn into_secret(self) -> Secret {
        Secret {
            metadata: self.metadata,
            type_: self.type_,
            immutable: self.immutable,
            data: self
                .data
                .map(|d| d.into_keys().map(|k| (k, ByteString(Vec::new()))).collect()),
            string_data: self
                .string_data
                .map(|d| d.into_keys().map(|k| (k, String::new())).collect()),
        }
    }
}

impl Cluster {
    /// Lists Secrets in each of `namespaces` like [`Cluster::list_in`], keeping
    /// their metadata, type and key names; every value is empty.
    pub(crate) async fn list_secret_keys_in(
        &self,
        namespaces: &[String],
        params: &ListParams,
    ) -> Result<Listing<Secret>> {
        let joined = self
            .in_each(namespaces, async |scope| {
                let api: Api<Secret> = self.api_in(&scope);
                self.paginate::<Secret, SecretKeys>(&api, params, "secrets", true)
                    .await
            })
            .await?;
        Ok(Listing {
            items: joined
                .items
                .into_iter()
                .map(SecretKeys::into_secret)
                .collect(),
            availability: joined.availability,
            undecodable: joined.undecodable,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_dropped_and_key_names_kept() {
        let raw = r#"{"apiVersion":"v1","kind":"Secret",
            "metadata":{"name":"nessie-postgres","namespace":"data-platform","labels":{"a":"b"}},
            "type":"Opaque",
            "data":{"password":"aHVudGVyMg==","username":"bmVzc2ll"},
            "stringData":{"token":"plain-token"}}"#;
        let secret = serde_json::from_str::<SecretKeys>(raw)
            .expect("decodes")
            .into_secret();
        assert_eq!(secret.metadata.name.as_deref(), Some("nessie-postgres"));
        assert_eq!(secret.type_.as_deref(), Some("Opaque"));
        let data = secret.data.as_ref().expect("data");
        assert_eq!(data.keys().collect::<Vec<_>>(), ["password", "username"]);
        assert!(data.values().all(|v| v.0.is_empty()));
        assert_eq!(secret.string_data.as_ref().unwrap()["token"], "");
        let debug = format!("{secret:?}");
        assert!(
            !debug.contains("aHVudGVy") && !debug.contains("plain-token"),
            "{debug}"
        );
    }

    #[test]
    fn a_secret_without_data_has_no_keys() {
        let secret = serde_json::from_str::<SecretKeys>(r#"{"metadata":{"name":"empty"}}"#)
            .expect("decodes")
            .into_secret();
        assert_eq!(secret.data, None);
        assert_eq!(secret.string_data, None);
    }
}
