//! Credentials written as literals in Trino's `.properties` files
//! (`iceberg.jdbc-catalog.connection-password=…`, `s3.aws-secret-key=…`).
//! Trino reads them from a Secret through `${ENV:NAME}` / `${FILE:path}`; a
//! literal in a ConfigMap is readable by anyone who may read ConfigMaps. Such a
//! value is a `status` finding and is masked in every output (diffs, exports).

/// What a masked value is shown as.
pub const MASK: &str = "<redacted: a credential; move it to a Secret>";

/// Whether a property key names a credential: `…password`, `…secret-key`,
/// `…secret`, `…token`, `…private-key`, `…credentials-key`, `…access-key-secret`.
pub fn is_credential_key(key: &str) -> bool {
    let key = key.trim().to_ascii_lowercase();
    [
        "password",
        "secret-key",
        "secret",
        "token",
        "private-key",
        "credentials-key",
        "api-key",
        "secret-access-key",
    ]
    .iter()
    .any(|suffix| key.ends_with(suffix))
}

/// Whether a value is written out rather than taken from the environment or a
/// file (`${ENV:…}`, `${FILE:…}`), and is not empty.
pub fn is_literal(value: &str) -> bool {
    let value = value.trim();
    !(value.is_empty() || (value.starts_with("${") && value.ends_with('}')))
}

/// `text` with the value of every literal credential line (`key=value`,
/// `key: value`, `key value`, at any indentation, so also inside a Helm values
/// file) replaced by [`MASK`]. Other lines are unchanged byte for byte.
pub fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(&mask_line(line));
    }
    out
}

fn mask_line(line: &str) -> std::borrow::Cow<'_, str> {
    let body = line.trim_start();
    if body.starts_with(['#', '!']) {
        return line.into();
    }
    let Some(split) = body.find(['=', ':', ' ', '\t']) else {
        return line.into();
    };
    let key = &body[..split];
    let after = body[split..].trim_start_matches([' ', '\t']);
    let after = after
        .strip_prefix(['=', ':'])
        .unwrap_or(after)
        .trim_start_matches([' ', '\t']);
    let value = after.trim_end_matches(['\n', '\r']);
    if !is_credential_key(key) || !is_literal(value) {
        return line.into();
    }
    let prefix = &line[..line.len() - after.len()];
    let ending = &after[value.len()..];
    format!("{prefix}{MASK}{ending}").into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_keys() {
        for key in [
            "iceberg.jdbc-catalog.connection-password",
            "s3.aws-secret-key",
            "hive.s3.aws-secret-key",
            "iceberg.rest-catalog.oauth2.token",
            "iceberg.rest-catalog.oauth2.credential.secret",
            "gcs.json-key.private-key",
        ] {
            assert!(is_credential_key(key), "{key}");
        }
        for key in [
            "s3.endpoint",
            "connector.name",
            "s3.aws-access-key",
            "password-authenticator.config-files",
        ] {
            assert!(!is_credential_key(key), "{key}");
        }
        assert!(is_literal("hunter2"));
        assert!(!is_literal("${ENV:S3_SECRET}"));
        assert!(!is_literal(" "));
    }

    #[test]
    fn masking_keeps_everything_but_the_value() {
        let text = "connector.name=iceberg\ns3.aws-secret-key=hunter2\n  # s3.aws-secret-key=comment\ns3.aws-secret-key = ${ENV:S}\niceberg.jdbc-catalog.connection-password: p@ss\r\n    hive.s3.aws-secret-key=nested\nx.token=t0k";
        let masked = mask(text);
        assert_eq!(
            masked,
            format!(
                "connector.name=iceberg\ns3.aws-secret-key={MASK}\n  # s3.aws-secret-key=comment\ns3.aws-secret-key = ${{ENV:S}}\niceberg.jdbc-catalog.connection-password: {MASK}\r\n    hive.s3.aws-secret-key={MASK}\nx.token={MASK}"
            )
        );
        for secret in ["hunter2", "p@ss", "nested", "t0k"] {
            assert!(!masked.contains(secret), "{secret}");
        }
    }
}
