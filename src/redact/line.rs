//! Finding secrets in one line of output, by key, by shape and by value. Works
//! on bytes (output need not be UTF-8) and returns what it found as byte
//! ranges with their kind, so that the same detection masks output
//! ([`Lines::redact`]), names literals for `status` and puts placeholders into
//! exported files.
//!
//! A line carries state to the next: a PEM private key spans lines, and so
//! does a YAML block scalar under a secret key (`password: |`).

use std::borrow::Cow;

use super::keys::is_secret_key;
use super::shapes::{by_bearer, by_pem, by_token_shape, by_url};

/// What replaces a secret in output.
pub const MASK: &str = "****";

/// What was found: a value under a secret key, or a secret by its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The value of a setting whose name says it is a secret (the name).
    Key(String),
    /// A URL's password (`scheme://user:PASSWORD@host`, `thin:user/PASSWORD@`).
    UrlPassword,
    /// An `Authorization`, `Cookie` or bearer credential.
    Header,
    /// A PEM private key block.
    PrivateKey,
    /// A JSON Web Token.
    Jwt,
    /// An AWS access key id (`AKIA…`).
    AwsKeyId,
    /// A value the suite read from a Secret.
    Known,
}

impl Kind {
    /// What it is, for messages that must not quote it.
    pub fn describe(&self) -> String {
        match self {
            Kind::Key(key) => key.clone(),
            Kind::UrlPassword => "a password in a URL".into(),
            Kind::Header => "an Authorization or Cookie header".into(),
            Kind::PrivateKey => "a PEM private key".into(),
            Kind::Jwt => "a JSON Web Token".into(),
            Kind::AwsKeyId => "an AWS access key id".into(),
            Kind::Known => "the value of a Secret".into(),
        }
    }
}

/// One secret in a line: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte offsets of the secret (the value only, never its key).
    pub range: std::ops::Range<usize>,
    /// What it is.
    pub kind: Kind,
}

/// What one line leaves open for the next.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    /// Inside a PEM private key.
    pub(super) pem: bool,
    /// Inside a block scalar under a secret key indented this much.
    block: Option<(usize, String)>,
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Where a value ends: whitespace, quotes, separators, or a JSON escape.
pub(super) fn value_end(line: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < line.len() {
        match line[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b',' | b';' | b'&' | b')' | b'}'
            | b']' => return i,
            b'\\' if matches!(line.get(i + 1), Some(b'n' | b't' | b'r' | b'"' | b'\'')) => {
                return i;
            }
            _ => i += 1,
        }
    }
    i
}

/// The end of a header's value (to the end of the quoted string or line).
fn rest_end(line: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < line.len() {
        match line[i] {
            b'"' | b'\r' | b'\n' => return i,
            b'\\' if matches!(line.get(i + 1), Some(b'n' | b'r' | b'"')) => return i,
            _ => i += 1,
        }
    }
    i
}

/// The end of a quoted value: the closing `quote` not escaped by a backslash
/// (for `"`), else the end of the line.
fn closing(line: &[u8], start: usize, quote: &[u8]) -> usize {
    let mut i = start;
    while i < line.len() {
        if line[i..].starts_with(quote) && (quote != b"\"" || i == start || line[i - 1] != b'\\') {
            return i;
        }
        i += 1;
    }
    line.iter()
        .rposition(|b| !b"\r\n".contains(b))
        .map_or(start, |p| p + 1)
        .max(start)
}

/// Whether a value is worth masking: not empty, not already masked, not a
/// reference to where the secret is (`${ENV:…}`), not a boolean or a small count.
pub fn is_literal(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    let lower = value.to_ascii_lowercase();
    !(value.is_empty()
        || value.contains(MASK)
        || value.starts_with("<redacted")
        || (value.starts_with("${") && value.ends_with('}'))
        || matches!(
            lower.as_str(),
            "true" | "false" | "null" | "none" | "~" | "|" | ">"
        )
        || (value.len() <= 3 && value.bytes().all(|b| b.is_ascii_digit())))
}

pub(super) fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Whether the key ending before `at` starts a line of a file (after
/// indentation or a diff's `+`/`-`): then an unquoted value runs to the end of
/// the line, as `.properties` and YAML read it (a passphrase may hold spaces).
fn starts_line(line: &[u8], key: &str, at: usize) -> bool {
    let Some(start) = line[..at]
        .windows(key.len())
        .rposition(|w| w == key.as_bytes())
    else {
        return false;
    };
    line[..start].iter().all(|b| b" \t+-".contains(b))
}

/// The key just before a separator at `at` (skipping spaces and a closing
/// quote); a leading JSON escape letter (`\npassword`) is not part of it.
fn key_before(line: &[u8], at: usize) -> Option<&str> {
    let mut end = at;
    while end > 0 && matches!(line[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    if end > 0 && matches!(line[end - 1], b'"' | b'\'') {
        end -= 1;
        // `\"key\":` inside a JSON string.
        if end > 0 && line[end - 1] == b'\\' {
            end -= 1;
        }
    }
    let mut start = end;
    while start > 0 && is_key_byte(line[start - 1]) {
        start -= 1;
    }
    if start > 0
        && line[start - 1] == b'\\'
        && start < end
        && matches!(line[start], b'n' | b't' | b'r')
    {
        start += 1;
    }
    (start < end).then(|| std::str::from_utf8(&line[start..end]).ok())?
}

/// Values of secret keys: `key=value`, `key: value`, `"key": "value"`, and the
/// value of an `Authorization`/`Cookie` header to the end of the header.
fn by_key(line: &[u8], state: &mut Lines, found: &mut Vec<Found>) {
    for at in 0..line.len() {
        if !matches!(line[at], b'=' | b':') {
            continue;
        }
        if line[at] == b':' && line[at + 1..].starts_with(b"//") {
            continue;
        }
        let Some(key) = key_before(line, at) else {
            continue;
        };
        if !is_secret_key(key) {
            continue;
        }
        let mut start = at + 1;
        while start < line.len() && matches!(line[start], b' ' | b'\t') {
            start += 1;
        }
        // A quoted value is the whole string (a passphrase may hold spaces).
        let quote: Option<&[u8]> = match (line.get(start), line.get(start + 1)) {
            (Some(b'"'), _) => Some(b"\""),
            (Some(b'\''), _) => Some(b"'"),
            (Some(b'\\'), Some(b'"')) => Some(b"\\\""),
            _ => None,
        };
        if let Some(quote) = quote {
            start += quote.len();
        }
        if matches!(line.get(start), Some(b'{' | b'[')) {
            // A structure: its own keys say what in it is secret.
            continue;
        }
        let lower = key.to_ascii_lowercase();
        let end = if let Some(quote) = quote {
            closing(line, start, quote)
        } else if line[start..].starts_with(b"${") {
            // A reference to where the secret is (`${ENV:NAME}`): to its brace.
            find(line, b"}", start).map_or(line.len(), |at| at + 1)
        } else if lower.ends_with("authorization") || lower.ends_with("cookie") {
            rest_end(line, start)
        } else if starts_line(line, key, at) {
            let end = rest_end(line, start);
            start + line[start..end].trim_ascii_end().len()
        } else {
            value_end(line, start)
        };
        let value = String::from_utf8_lossy(&line[start..end]);
        let block = matches!(value.trim(), "|" | "|-" | "|+" | ">" | ">-" | ">+");
        if block && line[at] == b':' {
            let indent = line.iter().take_while(|b| **b == b' ').count();
            state.block = Some((indent, key.to_string()));
        } else if is_literal(&value) {
            found.push(Found {
                range: start..end,
                kind: Kind::Key(key.to_string()),
            });
        }
    }
}

/// `--password hunter2`: a secret flag followed by its value after a space.
fn by_flag(line: &[u8], found: &mut Vec<Found>) {
    let mut from = 0;
    while let Some(at) = find(line, b"--", from) {
        let name_start = at + 2;
        let mut name_end = name_start;
        while name_end < line.len() && is_key_byte(line[name_end]) {
            name_end += 1;
        }
        from = name_end.max(at + 2);
        if name_end >= line.len() || line[name_end] != b' ' {
            continue;
        }
        let name = String::from_utf8_lossy(&line[name_start..name_end]);
        if !is_secret_key(&name) {
            continue;
        }
        let start = name_end + 1;
        let end = value_end(line, start);
        if is_literal(&String::from_utf8_lossy(&line[start..end]))
            && !line[start..].starts_with(b"--")
        {
            found.push(Found {
                range: start..end,
                kind: Kind::Key(format!("--{name}")),
            });
        }
    }
}

impl Lines {
    /// What is secret in `line` (one line, its newline included or not).
    pub fn find(&mut self, line: &[u8], known: &[Vec<u8>]) -> Vec<Found> {
        let mut found = Vec::new();
        let content_end = line.len()
            - line
                .iter()
                .rev()
                .take_while(|b| b"\r\n".contains(b))
                .count();
        if let Some((indent, key)) = self.block.clone() {
            let leading = line.iter().take_while(|b| **b == b' ').count();
            if leading >= content_end || leading > indent {
                if content_end > leading {
                    found.push(Found {
                        range: leading..content_end,
                        kind: Kind::Key(key),
                    });
                }
                return found;
            }
            self.block = None;
        }
        if by_pem(line, self, &mut found) {
            return found;
        }
        let lower = line.to_ascii_lowercase();
        by_key(line, self, &mut found);
        by_flag(line, &mut found);
        by_bearer(line, &lower, &mut found);
        by_url(line, &lower, &mut found);
        by_token_shape(line, &mut found);
        for value in known {
            let mut from = 0;
            while let Some(at) = find(line, value, from) {
                found.push(Found {
                    range: at..at + value.len(),
                    kind: Kind::Known,
                });
                from = at + value.len();
            }
        }
        found
    }

    /// `line` with every secret replaced by [`MASK`]; borrowed when there is none.
    pub fn redact<'a>(&mut self, line: &'a [u8], known: &[Vec<u8>]) -> Cow<'a, [u8]> {
        let found = self.find(line, known);
        if found.is_empty() {
            return Cow::Borrowed(line);
        }
        Cow::Owned(replace(
            line,
            found.into_iter().map(|f| (f.range, MASK.to_string())),
        ))
    }
}

/// `line` with each range replaced by its text; overlapping ranges merge (the
/// first one's text is used).
pub fn replace(
    line: &[u8],
    ranges: impl Iterator<Item = (std::ops::Range<usize>, String)>,
) -> Vec<u8> {
    let mut ranges: Vec<(std::ops::Range<usize>, String)> =
        ranges.filter(|(r, _)| r.start < r.end).collect();
    ranges.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut out = Vec::with_capacity(line.len());
    let mut copied = 0;
    for (range, text) in ranges {
        if range.end <= copied {
            continue;
        }
        let start = range.start.max(copied);
        if start == range.start {
            out.extend_from_slice(&line[copied..start]);
            out.extend_from_slice(text.as_bytes());
        }
        copied = range.end.min(line.len());
    }
    out.extend_from_slice(&line[copied.min(line.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        let mut lines = Lines::default();
        text.split_inclusive('\n')
            .map(|l| String::from_utf8(lines.redact(l.as_bytes(), &[]).into_owned()).unwrap())
            .collect()
    }

    #[test]
    fn values_of_secret_keys_in_every_notation() {
        for (line, shown) in [
            ("s3.aws-secret-key=hunter2", "s3.aws-secret-key=****"),
            ("  fs.s3a.secret.key: hunter2", "  fs.s3a.secret.key: ****"),
            (r#"  "password": "hunter2","#, r#"  "password": "****","#),
            (
                r#"{"data":{"x.properties":"a=1\ns3.aws-secret-key=hunter2\nb=2"}}"#,
                r#"{"data":{"x.properties":"a=1\ns3.aws-secret-key=****\nb=2"}}"#,
            ),
            (
                r#""jdbc.properties": "url=x\npassword=hunter2\n""#,
                r#""jdbc.properties": "url=x\npassword=****\n""#,
            ),
            (
                "-Djavax.net.ssl.keyStorePassword=hunter2",
                "-Djavax.net.ssl.keyStorePassword=****",
            ),
            (
                "opts -Dssl.keyStorePassword=hunter2 -Xmx1G",
                "opts -Dssl.keyStorePassword=**** -Xmx1G",
            ),
            ("+s3.sse.customer-key=c2VjcmV0", "+s3.sse.customer-key=****"),
            (
                "url=jdbc:pg://h/db?user=a&password=p&ssl=1",
                "url=jdbc:pg://h/db?user=a&password=****&ssl=1",
            ),
            ("Authorization: Basic dXNlcjpwdw==", "Authorization: ****"),
            (
                r#"{"Cookie": "session=abc; theme=dark"}"#,
                r#"{"Cookie": "****"}"#,
            ),
            (
                "run --password hunter2 --user x",
                "run --password **** --user x",
            ),
            ("run --password=hunter2", "run --password=****"),
            (
                "s3.aws-secret-key=${ENV:S3_SECRET}",
                "s3.aws-secret-key=${ENV:S3_SECRET}",
            ),
            ("handWrittenSecrets: 1", "handWrittenSecrets: 1"),
            ("s3.endpoint=http://rgw:80", "s3.endpoint=http://rgw:80"),
            ("token expired at 12:30", "token expired at 12:30"),
            (
                "ldap.bind-password=two words \r\n",
                "ldap.bind-password=**** \r\n",
            ),
            ("+  password: two words", "+  password: ****"),
            (
                r#""password": "correct horse battery""#,
                r#""password": "****""#,
            ),
            (r#""credentials": {"#, r#""credentials": {"#),
            (
                r#""AWS_SECRET_ACCESS_KEY": "present (40 bytes, ****)""#,
                r#""AWS_SECRET_ACCESS_KEY": "present (40 bytes, ****)""#,
            ),
            (
                r#"msg: "{\"password\": \"a b\"}""#,
                r#"msg: "{\"password\": \"****\"}""#,
            ),
        ] {
            assert_eq!(masked(line), shown, "{line}");
        }
    }

    #[test]
    fn secrets_by_their_shape() {
        for (line, shown) in [
            (
                "jdbc:postgresql://nessie:hunter2@pg:5432/db",
                "jdbc:postgresql://nessie:****@pg:5432/db",
            ),
            (
                "spark.jars.repositories=https://u:p4ss@repo.example/m2",
                "spark.jars.repositories=https://u:****@repo.example/m2",
            ),
            (
                "https://ghp_0123456789abcdefghij@github.com/x",
                "https://****@github.com/x",
            ),
            (
                "jdbc:oracle:thin:scott/tiger@db:1521/x",
                "jdbc:oracle:thin:scott/****@db:1521/x",
            ),
            (
                "sending Bearer abcdefgh.ijk to the API",
                "sending Bearer **** to the API",
            ),
            (
                "t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end",
                "t=**** end",
            ),
            ("key id AKIAIOSFODNN7EXAMPLE in use", "key id **** in use"),
            ("http://rgw.ceph:80/bucket", "http://rgw.ceph:80/bucket"),
            ("user@example.com wrote", "user@example.com wrote"),
        ] {
            assert_eq!(masked(line), shown, "{line}");
        }
    }

    #[test]
    fn pem_private_keys_on_one_line_or_many() {
        let one = r#"{"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n", "client_email": "a@b"}"#;
        let shown = masked(one);
        assert!(!shown.contains("MIIEvQ"), "{shown}");
        assert!(shown.contains("client_email"), "{shown}");
        let many = "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIB\nAAKCAQEA\n-----END RSA PRIVATE KEY-----\nafter\n";
        assert_eq!(
            masked(many),
            "x\n-----BEGIN RSA PRIVATE KEY-----\n****\n****\n-----END RSA PRIVATE KEY-----\nafter\n"
        );
        let cert = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n";
        assert_eq!(masked(cert), cert);
    }

    #[test]
    fn a_block_scalar_under_a_secret_key_is_masked_to_its_end() {
        let yaml = "data:\n  password: |\n    hunter2\n    more\n  user: nessie\n";
        assert_eq!(
            masked(yaml),
            "data:\n  password: |\n    ****\n    ****\n  user: nessie\n"
        );
    }

    #[test]
    fn known_values_are_masked_anywhere() {
        let mut lines = Lines::default();
        let known = vec![b"s3cr3t-value".to_vec()];
        let out = lines.redact(b"connecting with s3cr3t-value now", &known);
        assert_eq!(out.as_ref(), b"connecting with **** now");
    }

    #[test]
    fn ranges_merge() {
        let out = replace(
            b"abcdef",
            [(1..3, "X".to_string()), (2..5, "Y".to_string())].into_iter(),
        );
        assert_eq!(out, b"aXf");
    }
}
