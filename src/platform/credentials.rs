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

/// Words that, as part of a key in free text (`password=`, `"apiToken": "…"`,
/// `AWS_SECRET_ACCESS_KEY=`), announce a credential.
const LOG_CREDENTIAL_WORDS: [&str; 7] = [
    "password", "passwd", "secret", "token", "api-key", "api_key", "apikey",
];

/// A log line with the value after every credential-looking key (`password=x`,
/// `token: x`, `"secret":"x"`) replaced by `****`. Applications log their
/// configuration on start-up; a crash log shown by `status` must not carry it.
pub fn mask_in_log(line: &str) -> String {
    // Bytes, not str slices: a match may start anywhere, also inside a
    // multi-byte character.
    let lower = line.to_ascii_lowercase().into_bytes();
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let Some(word_len) = LOG_CREDENTIAL_WORDS
            .iter()
            .find(|w| lower[at..].starts_with(w.as_bytes()))
            .map(|w| w.len())
        else {
            at += 1;
            continue;
        };
        // The rest of the key (`password_file`, `token.value`), then quotes and a
        // separator, then the value up to a delimiter.
        let mut i = at + word_len;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || b"_-.".contains(&bytes[i])) {
            i += 1;
        }
        while i < bytes.len() && b"\"' ".contains(&bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() || !b"=:".contains(&bytes[i]) {
            at += word_len;
            continue;
        }
        i += 1;
        while i < bytes.len() && b"\"' ".contains(&bytes[i]) {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !b"\"' ,;&)}]\t".contains(&bytes[i]) {
            i += 1;
        }
        if i > start {
            out.push_str(&line[copied..start]);
            out.push_str("****");
            copied = i;
        }
        at = i.max(at + word_len);
    }
    out.push_str(&line[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_lose_credential_values_only() {
        for (line, masked) in [
            (
                "connecting with password=hunter2 to db",
                "connecting with password=**** to db",
            ),
            (
                r#"{"apiToken": "abc.def", "user": "x"}"#,
                r#"{"apiToken": "****", "user": "x"}"#,
            ),
            (
                "AWS_SECRET_ACCESS_KEY=wJalr/K7 ok",
                "AWS_SECRET_ACCESS_KEY=**** ok",
            ),
            ("s3.aws-secret-key: abc", "s3.aws-secret-key: ****"),
            (
                "url=jdbc:pg://h/db?user=a&password=p&ssl=1",
                "url=jdbc:pg://h/db?user=a&password=****&ssl=1",
            ),
            ("Secret store is ready", "Secret store is ready"),
            ("token expired", "token expired"),
            (
                "java.lang.OutOfMemoryError: Java heap space",
                "java.lang.OutOfMemoryError: Java heap space",
            ),
            ("ünïcode password=ß tail", "ünïcode password=**** tail"),
            ("password=", "password="),
        ] {
            assert_eq!(mask_in_log(line), masked, "{line}");
        }
    }

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
