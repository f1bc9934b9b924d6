//! A small Trino client for `kubectl dp perf` and `status --probe`: the HTTP client protocol
//! (`POST /v1/statement`, then `GET nextUri` until it is absent) over hyper,
//! which is already in the tree through kube. Tested against a real Trino 476
//! (tests/trino/up).
//!
//! It reads only what a benchmark needs: the number of rows, the final `stats`
//! and the `error`. Result data is counted and dropped.

use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde::{Deserialize, Serialize};

/// Why talking to Trino failed (not a failed query: that is [`Outcome::Failed`]).
/// Each variant's message names the URL and what to do; fields are what it shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[allow(missing_docs)]
pub enum TrinoError {
    #[error("'{0}' is not an http URL like http://127.0.0.1:8080")]
    BadUrl(String),
    #[error(
        "Trino at {0} uses https, which this client does not speak yet; port-forward the coordinator's http port (the default without --trino-url)"
    )]
    Https(String),
    #[error("could not reach Trino at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("Trino at {url} did not answer within {timeout:?}")]
    Timeout { url: String, timeout: Duration },
    #[error(
        "Trino at {url} refused the credentials (HTTP {status}); check --trino-user and the password"
    )]
    Unauthorized { url: String, status: u16 },
    #[error("Trino at {url} answered HTTP {status}: {body}")]
    Http {
        url: String,
        status: u16,
        body: String,
    },
    #[error("Trino at {url} sent an answer this client does not understand: {reason}")]
    Protocol { url: String, reason: String },
    #[error(
        "Trino at {url} sent {what} larger than {limit}, the most kubectl-dp reads; check that --trino-url is a Trino coordinator"
    )]
    TooLarge {
        url: String,
        what: &'static str,
        limit: String,
    },
    #[error("Trino at {url} failed the query ({error_name}): {message}")]
    Query {
        url: String,
        error_name: String,
        message: String,
    },
}

/// The largest answer read from Trino: one page of the client protocol. Trino
/// sizes its pages by `protocol.v1.target-result-size` (16 MB by default, at
/// most 128 MB when a client asks), and `/v1/info` is a few hundred bytes; the
/// body is read through a cap, never collected whole first.
pub(crate) const MAX_RESPONSE: usize = 128 << 20;

/// The most rows [`Client::rows`] keeps (metadata queries: nodes, catalogs).
pub(crate) const MAX_ROWS: usize = 100_000;

/// `GET /v1/info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// `nodeVersion.version`, e.g. `476`.
    pub version: String,
    /// Still starting (not accepting queries yet).
    pub starting: bool,
}

/// The final `stats` of a query, as Trino reports them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryStats {
    /// `FINISHED`, `FAILED`, …
    #[serde(default)]
    pub state: String,
    #[serde(default, rename = "queuedTimeMillis")]
    /// Time queued (ms).
    pub queued_ms: u64,
    /// Not sent by every Trino release.
    #[serde(default, rename = "planningTimeMillis")]
    pub planning_ms: Option<u64>,
    #[serde(default, rename = "elapsedTimeMillis")]
    /// Trino's elapsed time from creation to the end (ms).
    pub elapsed_ms: u64,
    #[serde(default, rename = "cpuTimeMillis")]
    /// CPU time of all tasks (ms).
    pub cpu_ms: u64,
    #[serde(default, rename = "wallTimeMillis")]
    /// Wall time of all tasks summed (ms).
    pub wall_ms: u64,
    #[serde(default)]
    /// Rows the query read.
    pub processed_rows: u64,
    #[serde(default)]
    /// Bytes the query read.
    pub processed_bytes: u64,
    #[serde(default)]
    /// Peak user memory of the query.
    pub peak_memory_bytes: u64,
    #[serde(default)]
    /// Nodes that ran a task of the query.
    pub nodes: u64,
    #[serde(default)]
    /// Splits (units of work, e.g. a part of a data file) of all stages.
    pub total_splits: u64,
    #[serde(default)]
    /// Bytes the table scans read from storage (compressed, as stored).
    pub physical_input_bytes: u64,
}

/// How one query ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It finished: the rows the client received and Trino's final stats.
    Finished {
        /// Trino's query id.
        query_id: String,
        /// Rows received (counted, not kept).
        rows: u64,
        /// The last page's `stats`.
        stats: QueryStats,
    },
    /// Trino ran the query and it failed: never a latency.
    Failed {
        /// Trino's query id.
        query_id: String,
        /// Trino's `errorName` (`TABLE_NOT_FOUND`), or `CLIENT_TIMEOUT`.
        error_name: String,
        /// Trino's message.
        message: String,
    },
}

/// One page of the protocol: what this client reads of it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    #[serde(default)]
    id: String,
    next_uri: Option<String>,
    #[serde(default)]
    data: Option<Vec<serde_json::Value>>,
    stats: Option<QueryStats>,
    error: Option<PageError>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageError {
    #[serde(default)]
    error_name: String,
    #[serde(default)]
    message: String,
}

/// A client for one coordinator, with the user (and password) queries run as.
pub struct Client {
    base: String,
    authority: String,
    user: String,
    authorization: Option<String>,
    /// Rewrite `nextUri` onto `base` (through a port-forward the coordinator
    /// names itself by an address only the cluster can reach).
    rebase: bool,
    /// `X-Trino-Source`: which command asks (Trino's query list shows it).
    source: &'static str,
    timeout: Duration,
    http: crate::http::Http,
}

impl Client {
    /// `url` is `http://host:port`; `timeout` bounds each HTTP exchange.
    pub fn new(
        url: &str,
        user: &str,
        password: Option<&str>,
        timeout: Duration,
    ) -> Result<Client, TrinoError> {
        let crate::http::Endpoint { base, authority } =
            crate::http::endpoint(url).map_err(|e| match e {
                crate::http::EndpointError::Https => TrinoError::Https(url.into()),
                crate::http::EndpointError::Malformed => TrinoError::BadUrl(url.into()),
            })?;
        let http = crate::http::client(timeout);
        let authorization = password.map(|p| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{p}"))
            )
        });
        Ok(Client {
            base,
            authority,
            user: user.to_string(),
            authorization,
            rebase: false,
            source: "kubectl-dp-perf",
            timeout,
            http,
        })
    }

    /// Names the asking command in `X-Trino-Source` (default `kubectl-dp-perf`).
    pub fn source(mut self, source: &'static str) -> Client {
        self.source = source;
        self
    }

    /// Follow `nextUri` on this client's own address (for a port-forward).
    pub(crate) fn rebasing(mut self) -> Client {
        self.rebase = true;
        self
    }

    /// The coordinator's base URL this client talks to.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// `GET /v1/info`: the version and whether Trino is still starting.
    pub async fn info(&self) -> Result<Info, TrinoError> {
        let (status, body) = self
            .exchange("GET", &format!("{}/v1/info", self.base), None)
            .await?;
        if status != 200 {
            return Err(self.http_error(status, &body));
        }
        parse_info(&body).map_err(|reason| TrinoError::Protocol {
            url: self.base.clone(),
            reason,
        })
    }

    /// Runs one statement to its end, counting rows. A query still running at
    /// `deadline` is cancelled (`DELETE nextUri`) and reported as failed with
    /// `CLIENT_TIMEOUT`.
    pub async fn execute(&self, sql: &str, deadline: Duration) -> Result<Outcome, TrinoError> {
        self.run(sql, deadline, |_| {}).await
    }

    /// Runs one statement and returns its rows (for small metadata queries:
    /// every row is kept). A failed query is [`TrinoError::Query`].
    pub async fn rows(
        &self,
        sql: &str,
        deadline: Duration,
    ) -> Result<Vec<Vec<serde_json::Value>>, TrinoError> {
        let mut rows = Vec::new();
        let mut over = false;
        let outcome = self
            .run(sql, deadline, |row| {
                if rows.len() < MAX_ROWS {
                    rows.push(row.as_array().cloned().unwrap_or_default());
                } else {
                    over = true;
                }
            })
            .await?;
        if over {
            return Err(TrinoError::TooLarge {
                url: self.base.clone(),
                what: "an answer of more rows",
                limit: format!("{MAX_ROWS} rows"),
            });
        }
        match outcome {
            Outcome::Finished { .. } => Ok(rows),
            Outcome::Failed {
                error_name,
                message,
                ..
            } => Err(TrinoError::Query {
                url: self.base.clone(),
                error_name,
                message,
            }),
        }
    }

    /// [`Client::execute`], handing each row to `sink`.
    async fn run(
        &self,
        sql: &str,
        deadline: Duration,
        mut sink: impl FnMut(&serde_json::Value),
    ) -> Result<Outcome, TrinoError> {
        let started = tokio::time::Instant::now();
        let (status, body) = self
            .exchange_retrying("POST", &format!("{}/v1/statement", self.base), Some(sql))
            .await?;
        if status != 200 {
            return Err(self.http_error(status, &body));
        }
        let mut rows = 0u64;
        let mut page = self.page(&body)?;
        loop {
            for row in page.data.iter().flatten() {
                rows += 1;
                sink(row);
            }
            if let Some(error) = page.error {
                return Ok(Outcome::Failed {
                    query_id: page.id,
                    error_name: error.error_name,
                    message: error.message,
                });
            }
            let Some(next) = page.next_uri.take() else {
                return Ok(Outcome::Finished {
                    query_id: page.id,
                    rows,
                    stats: page.stats.unwrap_or_default(),
                });
            };
            let next = self.follow(&next);
            if started.elapsed() > deadline {
                let _ = self.exchange("DELETE", &next, None).await;
                return Ok(Outcome::Failed {
                    query_id: page.id,
                    error_name: "CLIENT_TIMEOUT".into(),
                    message: format!(
                        "still running after {deadline:?} (--timeout); the client cancelled it"
                    ),
                });
            }
            let (status, body) = self.exchange_retrying("GET", &next, None).await?;
            if status != 200 {
                return Err(self.http_error(status, &body));
            }
            page = self.page(&body)?;
        }
    }

    fn page(&self, body: &Bytes) -> Result<Page, TrinoError> {
        serde_json::from_slice(body).map_err(|e| TrinoError::Protocol {
            url: self.base.clone(),
            reason: e.to_string(),
        })
    }

    fn follow(&self, next: &str) -> String {
        if !self.rebase {
            return next.to_string();
        }
        rebase_uri(next, &self.base)
    }

    fn http_error(&self, status: u16, body: &Bytes) -> TrinoError {
        if status == 401 || status == 403 {
            return TrinoError::Unauthorized {
                url: self.base.clone(),
                status,
            };
        }
        let text = String::from_utf8_lossy(body);
        let line = text.lines().next().unwrap_or_default();
        TrinoError::Http {
            url: self.base.clone(),
            status,
            body: line.chars().take(200).collect(),
        }
    }

    /// Retries 502/503/504 (a proxy or a coordinator still starting) a few times.
    async fn exchange_retrying(
        &self,
        method: &str,
        uri: &str,
        body: Option<&str>,
    ) -> Result<(u16, Bytes), TrinoError> {
        let mut attempt = 0;
        loop {
            let (status, answer) = self.exchange(method, uri, body).await?;
            if matches!(status, 502..=504) && attempt < 5 {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(50 + 25 * attempt)).await;
                continue;
            }
            return Ok((status, answer));
        }
    }

    async fn exchange(
        &self,
        method: &str,
        uri: &str,
        body: Option<&str>,
    ) -> Result<(u16, Bytes), TrinoError> {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(uri)
            .header("X-Trino-User", &self.user)
            .header("X-Trino-Source", self.source)
            .header(
                "User-Agent",
                concat!("kubectl-dp/", env!("CARGO_PKG_VERSION")),
            );
        if self.rebase {
            builder = builder.header("Host", &self.authority);
        }
        if let Some(authorization) = &self.authorization {
            builder = builder.header("Authorization", authorization);
        }
        let request = builder
            .body(Full::new(Bytes::from(body.unwrap_or_default().to_string())))
            .map_err(|_| TrinoError::BadUrl(uri.to_string()))?;
        let exchange = async {
            let response = self
                .http
                .request(request)
                .await
                .map_err(|e| self.transport(&e))?;
            let status = response.status().as_u16();
            let body = http_body_util::Limited::new(response.into_body(), MAX_RESPONSE)
                .collect()
                .await
                .map_err(|e| {
                    if e.downcast_ref::<http_body_util::LengthLimitError>()
                        .is_some()
                    {
                        TrinoError::TooLarge {
                            url: self.base.clone(),
                            what: "an answer",
                            limit: crate::kube::limits::describe(MAX_RESPONSE),
                        }
                    } else {
                        self.transport(e.as_ref())
                    }
                })?
                .to_bytes();
            Ok((status, body))
        };
        crate::http::within(self.timeout, exchange, || TrinoError::Timeout {
            url: self.base.clone(),
            timeout: self.timeout,
        })
        .await
    }

    fn transport(&self, error: &(dyn std::error::Error + 'static)) -> TrinoError {
        TrinoError::Unreachable {
            url: self.base.clone(),
            reason: crate::http::root_cause(error),
        }
    }
}

fn parse_info(body: &[u8]) -> Result<Info, String> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let version = value["nodeVersion"]["version"]
        .as_str()
        .ok_or("no nodeVersion.version in /v1/info")?
        .to_string();
    Ok(Info {
        version,
        starting: value["starting"].as_bool().unwrap_or(false),
    })
}

/// `http://trino-coordinator:8080/v1/statement/…` on `http://127.0.0.1:4711`.
fn rebase_uri(next: &str, base: &str) -> String {
    let rest = next.split_once("://").map_or(next, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    format!("{base}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_stats_are_read() {
        let body = br#"{"id":"q1","columns":[],"stats":{"state":"FINISHED","queued":false,
            "planningTimeMillis":883,"cpuTimeMillis":1890,"wallTimeMillis":8699,
            "queuedTimeMillis":142,"elapsedTimeMillis":8399,"processedRows":60175,
            "processedBytes":10,"physicalInputBytes":4321,"peakMemoryBytes":352,"nodes":3,
            "totalSplits":17,"rootStage":{}}}"#;
        let page: Page = serde_json::from_slice(body).unwrap();
        let stats = page.stats.unwrap();
        assert_eq!(stats.state, "FINISHED");
        assert_eq!(stats.elapsed_ms, 8399);
        assert_eq!(stats.queued_ms, 142);
        assert_eq!(stats.planning_ms, Some(883));
        assert_eq!(stats.cpu_ms, 1890);
        assert_eq!(stats.processed_rows, 60175);
        assert_eq!(stats.peak_memory_bytes, 352);
        assert_eq!(stats.nodes, 3);
        assert_eq!(stats.total_splits, 17);
        assert_eq!(stats.physical_input_bytes, 4321);
        assert!(page.next_uri.is_none());
    }

    #[test]
    fn errors_are_read() {
        let body = br#"{"id":"q2","stats":{"state":"FAILED"},"error":{"message":"line 1:15: Table 'tpch.tiny.nope' does not exist","errorCode":46,"errorName":"TABLE_NOT_FOUND","errorType":"USER_ERROR"}}"#;
        let page: Page = serde_json::from_slice(body).unwrap();
        let error = page.error.unwrap();
        assert_eq!(error.error_name, "TABLE_NOT_FOUND");
        assert!(error.message.contains("does not exist"));
    }

    #[test]
    fn info_and_rebase() {
        let info =
            parse_info(br#"{"nodeVersion":{"version":"476"},"coordinator":true,"starting":false}"#)
                .unwrap();
        assert_eq!(info.version, "476");
        assert!(!info.starting);
        assert!(parse_info(b"{}").is_err());
        assert_eq!(
            rebase_uri(
                "http://trino:8080/v1/statement/queued/x/y/1",
                "http://127.0.0.1:4711"
            ),
            "http://127.0.0.1:4711/v1/statement/queued/x/y/1"
        );
    }

    #[test]
    fn only_http_urls() {
        let t = Duration::from_secs(1);
        assert!(matches!(
            Client::new("https://x:443", "u", None, t),
            Err(TrinoError::Https(_))
        ));
        assert!(matches!(
            Client::new("trino", "u", None, t),
            Err(TrinoError::BadUrl(_))
        ));
    }
}
