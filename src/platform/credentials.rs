//! Credentials written as literals in Trino's `.properties` files
//! (`iceberg.jdbc-catalog.connection-password=…`, `s3.aws-secret-key=…`).
//! Trino reads them from a Secret through `${ENV:NAME}` / `${FILE:path}`; a
//! literal in a ConfigMap is readable by anyone who may read ConfigMaps. Such a
//! value is a `status` finding and is masked in every output.
//!
//! What names a credential, and the masking itself, live in one place:
//! [`crate::redact`] (the output boundary every byte passes).

pub use crate::redact::{MASK, is_literal, is_secret_key as is_credential_key};

/// `text` with every literal credential masked (see [`crate::redact::text`]).
pub fn mask(text: &str) -> String {
    crate::redact::text(text).into_owned()
}

/// A log line with credential values and secrets by shape masked.
pub(crate) fn mask_in_log(line: &str) -> String {
    crate::redact::text(line).into_owned()
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
                // At the start of a line the value runs to its end (a passphrase may hold spaces).
                "AWS_SECRET_ACCESS_KEY=****",
            ),
            ("s3.aws-secret-key: abc", "s3.aws-secret-key: ****"),
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
                "connector.name=iceberg\ns3.aws-secret-key={MASK}\n  # s3.aws-secret-key={MASK}\ns3.aws-secret-key = ${{ENV:S}}\niceberg.jdbc-catalog.connection-password: {MASK}\r\n    hive.s3.aws-secret-key={MASK}\nx.token={MASK}"
            )
        );
        for secret in ["hunter2", "p@ss", "nested", "t0k", "comment"] {
            assert!(!masked.contains(secret), "{secret}");
        }
    }
}
