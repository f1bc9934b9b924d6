//! kubectl's `-v` levels for the API requests the suite makes: at 6 one line per
//! request (`GET https://…/api/v1/namespaces/x/pods?limit=500 200 OK in 12 ms`),
//! at 8 also the request and response bodies cut at 1 KiB, at 9 the whole bodies.
//! Bodies are always redacted first (Secret values, literal credentials), by the
//! redactor installed with [`set_redactor`] or by [`default_redactor`].
//!
//! The level is set once by the command line (`cli::OutputArgs::init_logging`);
//! below 6 the layer passes requests through untouched.

use std::pin::Pin;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use hyper::body::{Body as HttpBody, Frame, SizeHint};

/// The `-v` level at which every request gets one line.
pub(crate) const REQUESTS: u8 = 6;
/// The `-v` level at which bodies are shown, cut at [`CUT`] bytes.
pub(crate) const BODIES: u8 = 8;
/// The `-v` level at which bodies are shown whole.
pub(crate) const WHOLE_BODIES: u8 = 9;
/// Where a body is cut at level 8, after redaction (kubectl cuts at 1024 too).
pub(crate) const CUT: usize = 1024;
/// The most of one body kept for redaction and display: beyond it the body is
/// named by its size only (a 256 MiB list must not be held twice).
const KEPT: usize = 16 << 20;

static LEVEL: AtomicU8 = AtomicU8::new(0);

/// Sets the `-v` level the layer logs at.
pub(crate) fn set_level(level: u8) {
    LEVEL.store(level, Ordering::Relaxed);
}

fn level() -> u8 {
    LEVEL.load(Ordering::Relaxed)
}

/// Turns a body (UTF-8 text, usually JSON) into what may be shown: no Secret
/// value, no credential.
pub(crate) type Redactor = fn(&str) -> String;

static REDACTOR: OnceLock<Redactor> = OnceLock::new();

fn redact(text: &str) -> String {
    match REDACTOR.get() {
        Some(redactor) => redactor(text),
        None => default_redactor(text),
    }
}

/// What a redacted value is shown as.
pub(crate) const REDACTED: &str = "<redacted>";

/// The redaction used until another is installed: in JSON, every value of a
/// Secret's `data` and `stringData` (also in lists, whose items carry no kind)
/// and its last-applied annotation, every env var whose name reads as a credential,
/// and every literal credential line inside a string
/// ([`crate::platform::credentials::mask`]); other text line by line with
/// [`crate::platform::credentials::mask_in_log`].
pub(crate) fn default_redactor(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(mut value) => {
            redact_value(&mut value, false);
            value.to_string()
        }
        Err(_) => text
            .lines()
            .map(crate::platform::credentials::mask_in_log)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn redact_value(value: &mut serde_json::Value, secret: bool) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default();
            let is_secret = secret || kind == "Secret";
            let items_are_secrets = kind == "SecretList";
            if is_secret {
                for field in ["data", "stringData"] {
                    if let Some(Value::Object(values)) = map.get_mut(field) {
                        for v in values.values_mut() {
                            *v = Value::String(REDACTED.into());
                        }
                    }
                }
                if let Some(Value::Object(annotations)) = map
                    .get_mut("metadata")
                    .and_then(|m| m.get_mut("annotations"))
                    && let Some(v) =
                        annotations.get_mut("kubectl.kubernetes.io/last-applied-configuration")
                {
                    *v = Value::String(REDACTED.into());
                }
            }
            let env_credential = map.get("name").and_then(Value::as_str).is_some_and(|name| {
                crate::platform::credentials::is_credential_key(
                    &name.to_ascii_lowercase().replace('_', "-"),
                )
            });
            for (key, v) in map.iter_mut() {
                if env_credential && key == "value" {
                    *v = Value::String(REDACTED.into());
                } else {
                    redact_value(v, items_are_secrets && key == "items");
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                redact_value(item, secret);
            }
        }
        // JSON inside a string (kubectl's last-applied annotation): redacted as JSON.
        Value::String(text) if text.starts_with('{') => {
            if let Ok(mut inner) = serde_json::from_str::<serde_json::Value>(text) {
                redact_value(&mut inner, secret);
                *text = inner.to_string();
            } else {
                *text = crate::platform::credentials::mask(text);
            }
        }
        Value::String(text) => {
            let masked = crate::platform::credentials::mask(text);
            if masked != *text {
                *text = masked;
            }
        }
        _ => {}
    }
}

/// How a body is shown at `level`: redacted, then cut at [`CUT`] below level 9.
pub fn shown(body: &[u8], content_type: Option<&str>, complete: bool, level: u8) -> String {
    if content_type.is_some_and(|t| t.contains("protobuf")) || std::str::from_utf8(body).is_err() {
        return format!("({} bytes of binary data, not shown)", body.len());
    }
    if !complete {
        return format!("(more than {} bytes, not shown)", body.len());
    }
    let text = redact(&String::from_utf8_lossy(body));
    if level < WHOLE_BODIES && text.len() > CUT {
        let mut end = CUT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!(
            "{} [cut at {CUT} of {} bytes; -v=9 shows all]",
            &text[..end],
            text.len()
        )
    } else {
        text
    }
}

/// The tower layer that logs requests at `-v=6` and above.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestLogLayer {
    server: String,
}

impl RequestLogLayer {
    /// Logs requests to `server` (the API server's URL: requests carry only the
    /// path this far out in the stack, the line shows the whole URL as kubectl does).
    pub fn new(server: &str) -> RequestLogLayer {
        RequestLogLayer {
            server: server.trim_end_matches('/').to_string(),
        }
    }
}

impl<S> tower::Layer<S> for RequestLogLayer {
    type Service = RequestLog<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestLog {
            inner,
            server: self.server.clone(),
        }
    }
}

/// The service [`RequestLogLayer`] wraps around the client's HTTP stack.
#[derive(Debug, Clone)]
pub(crate) struct RequestLog<S> {
    inner: S,
    server: String,
}

type Boxed<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S, B> tower::Service<http::Request<kube::client::Body>> for RequestLog<S>
where
    S: tower::Service<http::Request<kube::client::Body>, Response = http::Response<B>>,
    S::Future: Send + 'static,
    B: HttpBody<Data = Bytes> + Send + 'static,
{
    type Response = http::Response<LoggedBody<B>>;
    type Error = S::Error;
    type Future = Boxed<Self::Response, Self::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<kube::client::Body>) -> Self::Future {
        let level = level();
        if level < REQUESTS {
            let response = self.inner.call(request);
            return Box::pin(
                async move { response.await.map(|r| r.map(|b| LoggedBody::new(b, None))) },
            );
        }
        let uri = request.uri();
        let line = if uri.authority().is_some() {
            format!("{} {uri}", request.method())
        } else {
            format!("{} {}{uri}", request.method(), self.server)
        };
        // kube's request bodies are whole (`Once`): a copy shows without consuming it.
        let body = (level >= BODIES)
            .then(|| request.body().try_clone())
            .flatten();
        let started = Instant::now();
        let response = self.inner.call(request);
        Box::pin(async move {
            if let Some(body) = body
                && let Ok(bytes) = body.collect_bytes().await
                && !bytes.is_empty()
            {
                tracing::info!("Request Body: {}", shown(&bytes, None, true, level));
            }
            let response = response.await?;
            let status = response.status();
            tracing::info!(
                "{line} {} {} in {} milliseconds",
                status.as_str(),
                status.canonical_reason().unwrap_or_default(),
                started.elapsed().as_millis()
            );
            // An upgraded connection (port-forward) has no body to show.
            let logged = level >= BODIES && status != http::StatusCode::SWITCHING_PROTOCOLS;
            let content_type = response
                .headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            Ok(response
                .map(|b| LoggedBody::new(b, logged.then(|| Capture::new(level, content_type)))))
        })
    }
}

/// What a logged response body keeps until it ends.
#[derive(Debug)]
struct Capture {
    level: u8,
    content_type: Option<String>,
    kept: Vec<u8>,
    complete: bool,
    logged: bool,
}

impl Capture {
    fn new(level: u8, content_type: Option<String>) -> Capture {
        Capture {
            level,
            content_type,
            kept: Vec::new(),
            complete: true,
            logged: false,
        }
    }

    fn keep(&mut self, data: &[u8]) {
        if self.kept.len() + data.len() > KEPT {
            self.complete = false;
        } else {
            self.kept.extend_from_slice(data);
        }
    }

    fn log(&mut self) {
        if !self.logged {
            self.logged = true;
            tracing::info!(
                "Response Body: {}",
                shown(
                    &self.kept,
                    self.content_type.as_deref(),
                    self.complete,
                    self.level
                )
            );
        }
    }
}

/// A response body that passes every frame on as it comes and, at `-v=8` and
/// above, shows what it carried once it ends.
pub(crate) struct LoggedBody<B> {
    inner: Pin<Box<B>>,
    capture: Option<Capture>,
}

impl<B> LoggedBody<B> {
    fn new(inner: B, capture: Option<Capture>) -> Self {
        LoggedBody {
            inner: Box::pin(inner),
            capture,
        }
    }
}

impl<B: HttpBody<Data = Bytes>> HttpBody for LoggedBody<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        let polled = this.inner.as_mut().poll_frame(cx);
        if let Some(capture) = &mut this.capture {
            match &polled {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Some(data) = frame.data_ref() {
                        capture.keep(data);
                    }
                    if this.inner.is_end_stream() {
                        capture.log();
                    }
                }
                Poll::Ready(None) => capture.log(),
                _ => {}
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_never_show() {
        let list = r#"{"kind":"SecretList","items":[{"metadata":{"name":"db","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"password\":\"aHVudGVyMg==\"}}"}},"data":{"password":"aHVudGVyMg=="}}]}"#;
        let shown = default_redactor(list);
        assert!(!shown.contains("aHVudGVyMg=="), "{shown}");
        assert!(shown.contains(r#""password":"<redacted>""#), "{shown}");
        let secret = r#"{"kind":"Secret","stringData":{"token":"abc"},"metadata":{"name":"t"}}"#;
        assert!(!default_redactor(secret).contains("abc"));
        // An env var holding a literal password, and a catalog credential in a ConfigMap.
        let pod = r#"{"kind":"Pod","spec":{"containers":[{"env":[{"name":"QUARKUS_DATASOURCE_PASSWORD","value":"hunter2"},{"name":"MODE","value":"x"}]}]}}"#;
        let shown = default_redactor(pod);
        assert!(
            !shown.contains("hunter2") && shown.contains(r#""value":"x""#),
            "{shown}"
        );
        let cm = r#"{"kind":"ConfigMap","data":{"iceberg.properties":"s3.aws-secret-key=SECRETVALUE\nconnector.name=iceberg\n"}}"#;
        // The same inside kubectl's last-applied annotation (JSON in a string).
        let applied = serde_json::json!({"kind": "ConfigMap", "metadata": {"annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": serde_json::json!({"data": {
                "lake.properties": "s3.aws-secret-key=SECRETVALUE\n"}}).to_string()}}});
        let shown = default_redactor(&applied.to_string());
        assert!(!shown.contains("SECRETVALUE"), "{shown}");
        let shown = default_redactor(cm);
        assert!(
            !shown.contains("SECRETVALUE") && shown.contains("connector.name=iceberg"),
            "{shown}"
        );
        // Not JSON: line by line.
        assert!(!default_redactor("password=hunter2").contains("hunter2"));
    }

    #[test]
    fn bodies_are_cut_below_level_nine() {
        let long = format!(
            r#"{{"kind":"ConfigMap","data":{{"x":"{}"}}}}"#,
            "a".repeat(3000)
        );
        let cut = shown(long.as_bytes(), Some("application/json"), true, BODIES);
        assert!(cut.contains(" [cut at 1024 of 30"), "{cut}");
        assert!(cut.ends_with(" bytes; -v=9 shows all]"), "{cut}");
        assert!(shown(long.as_bytes(), None, true, WHOLE_BODIES).len() >= long.len());
        assert_eq!(
            shown(
                b"\x0a\x03k8s",
                Some("application/vnd.kubernetes.protobuf"),
                true,
                9
            ),
            "(5 bytes of binary data, not shown)"
        );
    }
}
