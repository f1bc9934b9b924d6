//! Golden files of the human output (tests/golden/*.txt), so that a change to a
//! table shows up in review. Volatile parts are masked before comparing:
//! the test's namespace name, timestamps and ages.
//!
//! Regenerate after an intended change:
//! `KUBECTL_DP_UPDATE_GOLDEN=1 tests/run golden` (or the same variable with
//! `cargo test --test suite golden` against a running cluster), then review the diff.

/// Replaces what changes from run to run: `namespace` → `NAMESPACE`, RFC 3339
/// timestamps → `<time>`, `Age:` and `(for 6s)` ages → `<age>`, pod-template hashes (Kubernetes' vowel-free alphabet) of pod
/// names → `<hash>`, a secret's length (`(40 bytes,`: S3 gateways generate keys of
/// varying length) → `(<n> bytes,`; runs of spaces become two, because column
/// widths follow the (run-specific) namespace name.
pub fn mask(text: &str, namespace: &str) -> String {
    let time = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z").unwrap();
    let age = regex::Regex::new(r"(?m)^(Age:\s+)\d+[smhd]$").unwrap();
    let pod = regex::Regex::new(
        r"-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\b",
    )
    .unwrap();
    let pending = regex::Regex::new(r"\(for \d+[smhd]\)").unwrap();
    let secret_length = regex::Regex::new(r"\(\d+ bytes,").unwrap();
    let spaces = regex::Regex::new(r" {2,}").unwrap();
    let text = text.replace(namespace, "NAMESPACE");
    let text = time.replace_all(&text, "<time>");
    let text = age.replace_all(&text, "${1}<age>");
    let text = pod.replace_all(&text, "-<hash>");
    let text = pending.replace_all(&text, "(for <age>)");
    let text = secret_length.replace_all(&text, "(<n> bytes,");
    spaces.replace_all(&text, "  ").into_owned()
}

/// [`mask`], and a table's last column of ages (`12s`, `3m`) → `<age>`.
pub fn mask_age_column(text: &str, namespace: &str) -> String {
    let age = regex::Regex::new(r"(?m)  \d+[smhd]$").unwrap();
    age.replace_all(&mask(text, namespace), "  <age>")
        .into_owned()
}

/// Compares `actual` with tests/golden/<name>.txt, or writes it when
/// `KUBECTL_DP_UPDATE_GOLDEN` is set.
pub fn assert_golden(name: &str, actual: &str) {
    let path = super::repo_root().join(format!("tests/golden/{name}.txt"));
    if std::env::var_os("KUBECTL_DP_UPDATE_GOLDEN").is_some_and(|v| !v.is_empty()) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with KUBECTL_DP_UPDATE_GOLDEN=1",
            path.display()
        )
    });
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
            .unified_diff()
            .header("golden", "actual")
            .to_string();
        panic!(
            "{name}: output differs from {} (regenerate with KUBECTL_DP_UPDATE_GOLDEN=1 if intended):\n{diff}",
            path.display()
        );
    }
}
