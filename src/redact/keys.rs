//! Which setting names hold a secret: the reviewed list of words. A key is cut
//! into words at `.`, `-`, `_`, `/`, spaces and camelCase boundaries
//! (`keyStorePassword` → key, store, password), and is a secret when
//!
//! - one word names a secret on its own ([`SECRET_WORDS`]: `password`,
//!   `secret`, `token`, `credential`, `oauth`, `sse`, `keystore`, `cookie`, …,
//!   and any word starting with `passw`: `*.pass*`);
//! - or the word `key` follows a word that makes it one ([`KEY_QUALIFIERS`]:
//!   `secret.key`, `customer-key`, `json-key`, `apiKey`, `private_key`; an access key id is a name, not a secret);
//!
//! unless its last word says the value is only about the secret
//! ([`NOT_A_VALUE`]: `password-file`, `secretName`, `secretKeyRef`,
//! `kms-key-id`, `token-uri`, `sse.type`): a path, a name, a reference, a type.

/// Words that make a key a secret wherever they appear in it.
pub(crate) const SECRET_WORDS: &[&str] = &[
    "password",
    "passwords",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "secrets",
    "credential",
    "credentials",
    "creds",
    "token",
    "tokens",
    "oauth",
    "oauth2",
    "sse",
    "keystore",
    "apikey",
    "privatekey",
    "secretkey",
    "cookie",
    "authorization",
    "bearer",
    "jwt",
    "signature",
    "connectionstring",
    "jaas",
];

/// Words after which `key` names a secret (`secret.key`, `customer-key`).
pub(crate) const KEY_QUALIFIERS: &[&str] = &[
    "secret",
    "private",
    "api",
    "customer",
    "json",
    "encryption",
    "master",
    "signing",
    "client",
    "account",
    "shared",
    "storage",
    "sas",
    "sse",
    "session",
    "ssh",
    "license",
    "auth",
    "hmac",
    "aws",
    "gcs",
    "azure",
];

/// Last words that make the value a description of the secret, not the secret.
pub(crate) const NOT_A_VALUE: &[&str] = &[
    "id",
    "ids",
    "name",
    "names",
    "file",
    "files",
    // A manifest's file name (`db-password.yaml:4:3` where status points at it).
    "yaml",
    "yml",
    "path",
    "paths",
    "location",
    "dir",
    "directory",
    "ref",
    "refs",
    "reference",
    "type",
    "types",
    "enabled",
    "enable",
    "disabled",
    "mode",
    "class",
    "provider",
    "providers",
    "format",
    "arn",
    "alias",
    "length",
    "size",
    "ttl",
    "timeout",
    "expiry",
    "expiration",
    "interval",
    "period",
    "duration",
    "seconds",
    "count",
    "version",
    "uri",
    "url",
    "endpoint",
    "host",
    "port",
    "server",
    "scope",
    "scopes",
    "audience",
    "issuer",
    "header",
    "algorithm",
    "policy",
    "kind",
    "store",
    "source",
    "sources",
    "manager",
    "key-ref",
    "selector",
    "field",
    "env",
];

/// The words of a key, lower-case (`spark.hadoop.fs.s3a.secret.key` → …,
/// secret, key; `keyStorePassword` → key, store, password).
pub fn words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous: Option<char> = None;
    for c in key.chars() {
        let boundary = match previous {
            _ if !c.is_alphanumeric() => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
                previous = None;
                continue;
            }
            Some(p) => c.is_uppercase() && (p.is_lowercase() || p.is_ascii_digit()),
            None => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
        previous = Some(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a setting named `key` holds a secret (see the module).
pub fn is_secret_key(key: &str) -> bool {
    let words = words(key);
    let Some(last) = words.last() else {
        return false;
    };
    if NOT_A_VALUE.contains(&last.as_str()) {
        return false;
    }
    let names_secret = words
        .iter()
        .any(|w| SECRET_WORDS.contains(&w.as_str()) || w.starts_with("passw"));
    let qualified_key = words
        .windows(2)
        .any(|pair| pair[1] == "key" && KEY_QUALIFIERS.contains(&pair[0].as_str()));
    names_secret || qualified_key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_cut_into_words() {
        assert_eq!(words("keyStorePassword"), ["key", "store", "password"]);
        assert_eq!(
            words("AWS_SECRET_ACCESS_KEY"),
            ["aws", "secret", "access", "key"]
        );
        assert_eq!(
            words("-Djavax.net.ssl.trustStorePassword"),
            ["djavax", "net", "ssl", "trust", "store", "password"]
        );
        assert_eq!(
            words("s3.sse.customer-key"),
            ["s3", "sse", "customer", "key"]
        );
    }

    #[test]
    fn the_secrets_of_the_platform_are_named() {
        for key in [
            "s3.sse.customer-key",
            "iceberg.rest-catalog.oauth2.credential",
            "iceberg.rest-catalog.oauth2.token",
            "iceberg.jdbc-catalog.connection-password",
            "s3.aws-secret-key",
            "hive.s3.aws-secret-key",
            "spark.hadoop.fs.s3a.secret.key",
            "fs.s3a.secret.key",
            "fs.s3a.session.token",
            "gcs.json-key",
            "private_key",
            "http-server.https.keystore.key",
            "-Djavax.net.ssl.keyStorePassword",
            "AWS_SECRET_ACCESS_KEY",
            "apiToken",
            "x-api-key",
            "db.passwd",
            "ldap.bind-pass",
            "spark.ssl.keyStorePassword",
            "--password",
            "Authorization",
            "Cookie",
            "client_secret",
            "sasl.jaas.config",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn names_paths_and_references_are_not_secrets() {
        for key in [
            "s3.endpoint",
            "connector.name",
            "password-authenticator.config-files",
            "http-server.https.keystore.path",
            "s3.sse.type",
            "s3.sse.kms-key-id",
            "secretName",
            "secretKeyRef",
            "existingSecretKeyRef",
            "iceberg.rest-catalog.oauth2.server-uri",
            "token-file",
            "spark.sql.shuffle.partitions",
            "partition-key",
            "s3.aws-access-key",
            "fs.s3a.access.key",
            "sasl.mechanism",
            "sort.key",
            "key",
            "passthrough",
            "bypass",
            "spark.kubernetes.authenticate.driver.serviceAccountName",
            "",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }
}
