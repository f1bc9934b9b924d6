//! Reads limited to a set of namespaces (the platform's, as `status -A` finds
//! them): one paginated list per namespace, a few at a time, joined.

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::ListParams;
use kube::discovery::ApiResource;
use serde::de::DeserializeOwned;

use crate::error::Result;

use super::{Availability, Cluster, Listing, Namespaced, Scope};

/// How many namespaced lists run at once when a kind is read namespace by
/// namespace: enough to overlap round trips, few enough not to flood the API server.
const CONCURRENT_LISTS: usize = 8;

impl Cluster {
    /// Lists a namespaced kind in each of `namespaces` (one paginated list per
    /// namespace, a few at a time) and joins the pages into one listing. The
    /// first namespace that could not be read sets the listing's availability.
    pub(crate) async fn list_in<K>(
        &self,
        namespaces: &[String],
        params: &ListParams,
    ) -> Result<Listing<K>>
    where
        K: Namespaced,
    {
        self.in_each(namespaces, async |scope| {
            self.list::<K>(&scope, params).await
        })
        .await
    }

    /// Runs `read` for each of `namespaces`, a few at a time, and joins the
    /// listings: every item, the first failure's availability.
    pub(super) async fn in_each<T>(
        &self,
        namespaces: &[String],
        read: impl AsyncFn(Scope) -> Result<Listing<T>>,
    ) -> Result<Listing<T>> {
        let read = &read;
        let listings: Vec<Listing<T>> = futures::stream::iter(namespaces.iter())
            .map(|ns| async move { read(Scope::Namespace(ns.clone())).await })
            .buffered(CONCURRENT_LISTS)
            .try_collect()
            .await?;
        Ok(join(listings))
    }

    /// [`Cluster::list_in`] for a custom resource, converted into our model type.
    pub(crate) async fn list_custom_in<T: DeserializeOwned>(
        &self,
        resource: &ApiResource,
        namespaces: &[String],
        params: &ListParams,
    ) -> Result<Listing<T>> {
        self.in_each(namespaces, async |scope| {
            self.list_custom::<T>(resource, Some(&scope), params).await
        })
        .await
    }

    /// The namespaces (their labels are what `kubectl-dp.io/platform=true` and
    /// `--namespace-selector` look at); `selector` is a label selector the API
    /// server applies.
    pub async fn namespaces(&self, selector: Option<&str>) -> Result<Listing<Namespace>> {
        let mut params = ListParams::default();
        if let Some(selector) = selector {
            params = params.labels(selector);
        }
        self.list_cluster::<Namespace>(&params).await
    }
}

/// Joins per-namespace listings: every item, the first failure's availability.
fn join<T>(listings: Vec<Listing<T>>) -> Listing<T> {
    let mut joined = Listing::available(Vec::new());
    for listing in listings {
        joined.items.extend(listing.items);
        joined.undecodable.extend(listing.undecodable);
        if joined.availability == Availability::Available {
            joined.availability = listing.availability;
        }
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_namespace_marks_the_joined_listing() {
        let ok = Listing::available(vec![1, 2]);
        let forbidden = Listing {
            items: vec![3],
            availability: Availability::Forbidden("u cannot list pods".into()),
            undecodable: Vec::new(),
        };
        let joined = join(vec![ok.clone(), forbidden, ok]);
        assert_eq!(joined.items, vec![1, 2, 3, 1, 2]);
        assert_eq!(
            joined.availability,
            Availability::Forbidden("u cannot list pods".into())
        );
        assert!(join::<u8>(Vec::new()).is_available());
    }
}
