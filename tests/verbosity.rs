//! `-v` at kubectl's levels against the real API server: 6 one line per request,
//! 8 the bodies cut at 1 KiB, 9 the whole bodies; a Secret's value never shows at
//! any level; and never the HTTP stack's own TRACE lines.

mod common;

use common::*;

const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");

/// `sekrit-4711`, as the API server sends it (base64).
const SECRET_B64: &str = "c2Vrcml0LTQ3MTE=";

#[test]
fn verbosity_follows_kubectls_levels_and_never_shows_a_secret() {
    let ns = TestNamespace::new("dp-verbose");
    let n = ns.name.as_str();
    pending_claim(n, "scratch");
    apply(&format!(
        "apiVersion: v1
kind: Secret
metadata: {{name: scratch, namespace: {n}}}
data: {{AWS_ACCESS_KEY_ID: YWs=, AWS_SECRET_ACCESS_KEY: {SECRET_B64}}}
"
    ));
    // describe reads the claim's Secret whole (to say which keys are present).
    let run = |level: &str| {
        let output = dp(BUCKETS, &["describe", "scratch", "-n", n, level]);
        assert_ne!(output.status.code(), Some(2), "{}", stderr(&output));
        stderr(&output)
    };
    let request_line = regex::Regex::new(
        r"^\s*INFO GET https://127\.0\.0\.1:\d+/api/v1/namespaces/[a-z0-9-]+/secrets/scratch 200 OK in \d+ milliseconds$",
    )
    .unwrap();
    for level in ["-v=6", "-v=8", "-v=9"] {
        let err = run(level);
        assert!(
            !err.contains(SECRET_B64) && !err.contains("sekrit-4711"),
            "{level}: {err}"
        );
        assert!(
            !err.contains("TRACE"),
            "{level}: no HTTP-stack trace: {err}"
        );
        assert!(
            err.lines().any(|l| request_line.is_match(l)),
            "{level}: one line for the Secret's GET: {err}"
        );
    }
    let six = run("-v=6");
    assert!(!six.contains("Response Body"), "{six}");
    // One line per request: every request line names a method, a URL and a status.
    let requests = six.lines().filter(|l| l.contains(" https://")).count();
    assert!(requests >= 5, "{six}");
    assert!(
        six.lines()
            .filter(|l| l.contains(" https://"))
            .all(|l| l.contains(" milliseconds")),
        "{six}"
    );

    // 8: bodies, cut at 1 KiB (the claim with its last-applied annotation is longer); 9: whole.
    let eight = run("-v=8");
    let bodies: Vec<&str> = eight
        .lines()
        .filter(|l| l.contains("Response Body: "))
        .collect();
    assert!(!bodies.is_empty(), "{eight}");
    assert!(eight.contains("[cut at 1024 of "), "{eight}");
    assert!(eight.contains("<redacted>"), "the Secret's values: {eight}");
    for body in &bodies {
        let shown = body.split("Response Body: ").nth(1).unwrap();
        assert!(shown.len() <= 1024 + 60, "{shown}");
    }
    let nine = run("-v=9");
    assert!(!nine.contains("[cut at"), "{nine}");
    assert!(
        nine.lines()
            .any(|l| l.contains("Response Body: ") && l.len() > 1024 + 60),
        "a body longer than 1 KiB, whole: {nine}"
    );
    assert!(
        nine.contains(r#""AWS_SECRET_ACCESS_KEY":"<redacted>""#),
        "{nine}"
    );
}
