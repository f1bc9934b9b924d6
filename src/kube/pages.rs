//! The pagination loop every list shares: `continue` tokens, one decoded page at
//! a time, and failures mapped to [`Availability`] (a forbidden or missing list
//! is an answer about one section, not a failed command). Pages come as JSON
//! (each item decoded on its own) or, for the cluster-wide pod list, as
//! protobuf (`super::protobuf`).

use http_body_util::BodyExt;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, ListParams};
use serde::de::DeserializeOwned;

use crate::error::Result;

use super::list::{Availability, Listing, Scope, Undecodable};
use super::{Cluster, Namespaced, protobuf};

/// Items per page: large enough that a typical namespace is one request, small
/// enough that a cluster with thousands of pods never sends one huge response.
const PAGE_SIZE: u32 = 500;

/// Pods per page of the protobuf pod list: about 2 KiB each, so a page is
/// about 20 MiB. Fewer requests matter on a busy API server, where each one
/// waits its turn in API Priority and Fairness: at 24,000 pods, 13 pages of
/// 2,000 made `quota` slower than one unpaginated JSON list (BENCHMARKS.md).
const PROTOBUF_POD_PAGE: u32 = 10_000;

/// The most pages one list follows. A real list stays far below (a cluster at
/// Kubernetes' own scalability limit, 150,000 pods, is 300 pages of 500); a
/// server or proxy that answers every page with another `continue` token is
/// stopped here instead of being followed for ever.
pub(crate) const MAX_PAGES: usize = 2_000;

/// The most objects one list keeps (four times the 150,000 pods Kubernetes is
/// tested to run), so that no answer, however paged, can exhaust memory.
pub(crate) const MAX_LIST_ITEMS: usize = 600_000;

/// Metadata only, or the full objects from a server that cannot.
const METADATA_ONLY: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json";

impl Cluster {
    /// Reads every page of `api`'s list and decodes each item on its own into `T`.
    /// `builtin`: the kind is part of Kubernetes itself, so a 404 cannot mean "CRD
    /// not installed": the server is not a Kubernetes API server.
    pub(super) async fn paginate<K, T>(
        &self,
        api: &Api<K>,
        params: &ListParams,
        plural: &str,
        builtin: bool,
    ) -> Result<Listing<T>>
    where
        K: kube::Resource,
        T: DeserializeOwned,
    {
        self.paginate_with(api, params, plural, builtin, async |request| {
            let text = self.client.request_text(request).await?;
            let page: RawPage = serde_json::from_str(&text).map_err(undecodable_page)?;
            Ok(Page::from_json(plural, page))
        })
        .await
    }

    /// Lists pods for resource accounting: every page asked for in protobuf and
    /// decoded into only what accounting reads (`crate::kube::protobuf`), or
    /// decoded in full when the server answers JSON. A pod read this way carries
    /// only these fields; every other field is `None` or empty:
    ///
    /// - `metadata`: `name`, `namespace`, `uid`, `creationTimestamp`, `labels`,
    ///   `ownerReferences` (`apiVersion`, `kind`, `name`, `uid`, `controller`),
    ///   `deletionTimestamp`, `deletionGracePeriodSeconds`;
    /// - `spec`: `containers` and `initContainers` (`name`, `resources.requests`,
    ///   `resources.limits`, `restartPolicy`), `resources` (pod-level), `overhead`, `nodeName`,
    ///   `activeDeadlineSeconds`, `priorityClassName`;
    /// - `status`: `phase`.
    pub(crate) async fn list_pod_resources(
        &self,
        scope: &Scope,
        params: &ListParams,
    ) -> Result<Listing<Pod>> {
        let api: Api<Pod> = self.api_in(scope);
        let params = params
            .clone()
            .limit(params.limit.unwrap_or(PROTOBUF_POD_PAGE));
        self.paginate_with(&api, &params, "pods", true, async |mut request| {
            request.headers_mut().insert(
                http::header::ACCEPT,
                http::HeaderValue::from_static(protobuf::ACCEPT),
            );
            let response = self
                .client
                .send(request.map(kube::client::Body::from))
                .await?;
            let status = response.status();
            let is_protobuf = response
                .headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with(protobuf::CONTENT_TYPE));
            let body = response.into_body().collect().await?.to_bytes();
            if !status.is_success() {
                return Err(kube::Error::Api(
                    error_status(status.as_u16(), &body, is_protobuf).boxed(),
                ));
            }
            if is_protobuf {
                let page = protobuf::decode_pod_page(&body).map_err(undecodable_page)?;
                tracing::debug!(
                    "listed {} pods in protobuf ({} bytes)",
                    page.items.len(),
                    body.len()
                );
                return Ok(Page {
                    items: page.items,
                    undecodable: Vec::new(),
                    continue_token: page.continue_token,
                });
            }
            tracing::debug!("the server answered the pod list in JSON, not protobuf");
            let page: RawPage = serde_json::from_slice(&body).map_err(undecodable_page)?;
            Ok(Page::from_json("pods", page))
        })
        .await
    }

    /// Lists a namespaced kind's metadata only (`PartialObjectMetadataList`: the
    /// API server leaves out spec, data and status), for callers that need to
    /// know which objects exist, never what they hold. Each item is a `K` with
    /// only its metadata set; a server that answers with full objects is read
    /// the same way.
    pub(crate) async fn list_metadata<K>(
        &self,
        scope: &Scope,
        params: &ListParams,
    ) -> Result<Listing<K>>
    where
        K: Namespaced + Default,
    {
        /// An item of either answer: only its metadata is decoded.
        #[derive(serde::Deserialize)]
        struct MetadataOnly {
            #[serde(default)]
            metadata: ObjectMeta,
        }
        let api: Api<K> = self.api_in(scope);
        let plural = K::plural(&());
        let listing = self
            .paginate_with(&api, params, &plural, true, async |mut request| {
                request.headers_mut().insert(
                    http::header::ACCEPT,
                    http::HeaderValue::from_static(METADATA_ONLY),
                );
                let text = self.client.request_text(request).await?;
                let page: RawPage = serde_json::from_str(&text).map_err(undecodable_page)?;
                Ok(Page::<MetadataOnly>::from_json(&plural, page))
            })
            .await?;
        Ok(Listing {
            items: listing
                .items
                .into_iter()
                .map(|item| {
                    let mut object = K::default();
                    *object.meta_mut() = item.metadata;
                    object
                })
                .collect(),
            availability: listing.availability,
            undecodable: listing.undecodable,
        })
    }

    /// The pagination loop: `fetch` reads and decodes one page for a request,
    /// this follows the `continue` tokens and maps failures to availability.
    async fn paginate_with<K, T>(
        &self,
        api: &Api<K>,
        params: &ListParams,
        plural: &str,
        builtin: bool,
        fetch: impl AsyncFn(http::Request<Vec<u8>>) -> kube::Result<Page<T>>,
    ) -> Result<Listing<T>>
    where
        K: kube::Resource,
    {
        let mut items = Vec::new();
        let mut undecodable = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = Pages::default();
        let request = kube::core::Request::new(api.resource_url());
        loop {
            // A caller's own page size (pods: larger pages, fewer round trips) wins.
            let mut page_params = params.clone().limit(params.limit.unwrap_or(PAGE_SIZE));
            if let Some(token) = &token {
                page_params = page_params.continue_token(token);
            }
            let http_request = request
                .list(&page_params)
                .map_err(|e| crate::error::Error::Usage(e.to_string()))?;
            match self.call(fetch(http_request)).await? {
                Ok(page) => {
                    let refused = pages.next(page.items.len(), page.continue_token.as_deref());
                    items.extend(page.items);
                    undecodable.extend(page.undecodable);
                    if let Some(reason) = refused {
                        tracing::info!("listing {plural} from {}: {reason}", self.server);
                        return Ok(Listing {
                            items,
                            availability: Availability::Failed(format!(
                                "listing {plural}: {reason}"
                            )),
                            undecodable,
                        });
                    }
                    match page.continue_token {
                        Some(next) => token = Some(next),
                        None => break,
                    }
                }
                Err(kube::Error::Api(status)) if status.code == 404 && builtin => {
                    return Err(crate::error::Error::NotKubernetes {
                        server: self.server.clone(),
                        path: api.resource_url().to_string(),
                    });
                }
                Err(kube::Error::Api(status)) => {
                    let availability = match status.code {
                        404 => Availability::NotInstalled,
                        403 => {
                            Availability::Forbidden(format!("{} cannot list {plural}", self.user))
                        }
                        _ => Availability::Failed(format!("listing {plural}: {}", status.message)),
                    };
                    return Ok(Listing {
                        items,
                        availability,
                        undecodable,
                    });
                }
                Err(other) => {
                    return Ok(Listing {
                        items,
                        availability: Availability::Failed(other.to_string()),
                        undecodable,
                    });
                }
            }
        }
        Ok(Listing {
            items,
            availability: Availability::Available,
            undecodable,
        })
    }
}

/// What a list has followed so far: the bounds every list keeps (pages,
/// objects, no `continue` token twice).
#[derive(Default)]
struct Pages {
    pages: usize,
    items: usize,
    tokens: std::collections::HashSet<String>,
}

impl Pages {
    /// Counts one page of `items` objects that ends with `token`; `Some(reason)`
    /// when the list must stop here.
    fn next(&mut self, items: usize, token: Option<&str>) -> Option<String> {
        self.pages += 1;
        self.items = self.items.saturating_add(items);
        if self.items > MAX_LIST_ITEMS {
            return Some(format!(
                "the API server sent more than {MAX_LIST_ITEMS} objects; stopped (narrow the request with -n or -l)"
            ));
        }
        let token = token?;
        if !self.tokens.insert(token.to_string()) {
            return Some(format!(
                "the API server sent the same continue token twice (after {} pages); stopped: a broken server or proxy would be followed for ever",
                self.pages
            ));
        }
        if self.pages >= MAX_PAGES {
            return Some(format!(
                "the API server sent more than {MAX_PAGES} pages; stopped (narrow the request with -n or -l)"
            ));
        }
        None
    }
}

/// One decoded page: its items, those that could not be decoded, and the next
/// page's token (`None` on the last page).
struct Page<T> {
    items: Vec<T>,
    undecodable: Vec<Undecodable>,
    continue_token: Option<String>,
}

impl<T: DeserializeOwned> Page<T> {
    /// Decodes each item of a JSON page on its own.
    fn from_json(plural: &str, page: RawPage) -> Self {
        let raw_items = page.items.unwrap_or_default();
        let mut items = Vec::with_capacity(raw_items.len());
        let mut undecodable = Vec::new();
        for raw in &raw_items {
            match decode_item(plural, raw) {
                Ok(item) => items.push(item),
                Err(skipped) => {
                    tracing::warn!("{}", skipped.message());
                    undecodable.push(skipped);
                }
            }
        }
        Page {
            items,
            undecodable,
            continue_token: page.metadata.continue_.filter(|next| !next.is_empty()),
        }
    }
}

/// A page the server sent but we cannot decode: a failed list (its section says
/// "listing <plural>: …" and is not checked), never "could not reach the API
/// server", and without the values serde quotes.
fn undecodable_page(error: impl std::fmt::Display) -> kube::Error {
    let reason = super::list::reason_without_values(&error.to_string());
    kube::Error::Api(
        kube::core::Status::failure(
            &format!("the page could not be decoded: {reason}"),
            "Decode",
        )
        .with_code(500)
        .boxed(),
    )
}

/// The `Status` of an error answer, whether it came as protobuf, JSON or text.
fn error_status(code: u16, body: &[u8], is_protobuf: bool) -> kube::core::Status {
    if is_protobuf && let Some((message, reason)) = protobuf::decode_status(body) {
        return kube::core::Status::failure(&message, &reason).with_code(code);
    }
    if let Ok(status) = serde_json::from_slice::<kube::core::Status>(body) {
        return status.with_code(code);
    }
    let text = String::from_utf8_lossy(body);
    kube::core::Status::failure(text.trim(), "Failed to parse error data").with_code(code)
}

/// One page of a list as the API server sends it, each item kept as raw JSON so
/// that one undecodable object cannot fail the page.
#[derive(serde::Deserialize)]
struct RawPage {
    #[serde(default)]
    metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ListMeta,
    /// `null` in an empty `PartialObjectMetadataList`.
    #[serde(default)]
    items: Option<Vec<Box<serde_json::value::RawValue>>>,
}

/// Decodes one raw item, or names it.
fn decode_item<K: DeserializeOwned>(
    resource: &str,
    raw: &serde_json::value::RawValue,
) -> std::result::Result<K, Undecodable> {
    serde_json::from_str(raw.get()).map_err(|e| Undecodable::from_raw(resource, raw.get(), e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Secret;

    #[test]
    fn a_repeated_continue_token_stops_the_list() {
        let mut pages = Pages::default();
        assert_eq!(pages.next(500, Some("a")), None);
        assert_eq!(pages.next(500, Some("b")), None);
        let stop = pages.next(0, Some("a")).expect("a token seen before");
        assert!(
            stop.contains("same continue token twice (after 3 pages)"),
            "{stop}"
        );
        assert_eq!(Pages::default().next(10, None), None);
    }

    #[test]
    fn pages_and_objects_are_capped() {
        let mut pages = Pages::default();
        let mut stopped = None;
        for i in 0..MAX_PAGES + 5 {
            if let Some(reason) = pages.next(0, Some(&i.to_string())) {
                stopped = Some((i, reason));
                break;
            }
        }
        let (at, reason) = stopped.expect("stops");
        assert_eq!(at + 1, MAX_PAGES);
        assert!(reason.contains("more than 2000 pages"), "{reason}");
        let mut big = Pages::default();
        assert!(
            big.next(MAX_LIST_ITEMS + 1, Some("x"))
                .unwrap()
                .contains("objects")
        );
    }

    #[test]
    fn an_empty_metadata_list_with_null_items_is_an_empty_page() {
        let page: RawPage = serde_json::from_str(
            r#"{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"7"},"items":null}"#,
        )
        .expect("decodes");
        let page = Page::<Secret>::from_json("secrets", page);
        assert!(page.items.is_empty() && page.undecodable.is_empty());
        assert_eq!(page.continue_token, None);
    }

    #[test]
    fn an_undecodable_page_is_a_failed_list_without_values() {
        let Err(error) = serde_json::from_str::<RawPage>(r#"{"items": "hunter2"}"#) else {
            panic!("a string is not a list of items");
        };
        match undecodable_page(error) {
            kube::Error::Api(status) => {
                assert_eq!(status.code, 500);
                assert!(
                    status.message.contains("could not be decoded"),
                    "{}",
                    status.message
                );
                assert!(!status.message.contains("hunter2"), "{}", status.message);
            }
            other => panic!("not an API status: {other:?}"),
        }
    }

    #[test]
    fn one_bad_item_is_named_and_the_rest_kept() {
        let page: RawPage = serde_json::from_str(
            r#"{"metadata":{"continue":"next"},"items":[
                {"metadata":{"name":"good","namespace":"ns"},"data":{"k":"dg=="}},
                {"metadata":{"name":"bad","namespace":"ns"},"data":"not-a-map"}]}"#,
        )
        .expect("decodes");
        let page = Page::<Secret>::from_json("secrets", page);
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.undecodable[0].name, "bad");
        assert!(!page.undecodable[0].reason.contains("not-a-map"));
        assert_eq!(page.continue_token.as_deref(), Some("next"));
    }
}
