//! The one masking layer at the output boundary. Every byte the suite writes
//! for a person or a machine (stdout in every format, the error line, the log
//! on stderr, files it writes: `tune export`, perf reports and JUnit) passes a
//! [`Redacting`] writer or [`text`], which replaces secrets by `****`:
//!
//! - **by key** ([`keys`]): the value of any setting whose name says it is a
//!   secret (`password`, `secret`, `token`, `credential`, `oauth`, `sse`,
//!   `keystore`, `*.pass*`, `secret.key`, …), in `key=value`, `key: value`,
//!   JSON, YAML block scalars and `--password value`;
//! - **by shape** ([`line`]): a URL's password (`jdbc:…//user:pw@`), the
//!   value of `Authorization` and `Cookie` headers and bearer tokens, PEM
//!   private keys, JSON Web Tokens, AWS access key ids;
//! - **by value**: any value the suite read from a Secret ([`learn_value`];
//!   `crate::kube` registers every Secret it decodes), wherever it appears.
//!
//! Masking free text is best effort (a bare secret without a key or shape
//! cannot be told from data), so the suite also never reads what it does not
//! need: Secrets are listed as key names only.

pub mod keys;
pub mod line;
pub mod literals;
#[cfg(test)]
mod props;
mod shapes;

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::RwLock;

pub use keys::is_secret_key;
pub use line::{Kind, Lines, MASK, is_literal};

/// Values read from Secrets (and their base64 forms), masked wherever they appear.
static KNOWN: RwLock<Vec<Vec<u8>>> = RwLock::new(Vec::new());

/// Values shorter than this are not masked by value (they would mask ordinary
/// words); their keys and shapes still are.
const MIN_KNOWN_LEN: usize = 6;

/// The longest line buffered before it is redacted in pieces (output without
/// newlines must not grow memory without bound).
const MAX_LINE: usize = 1 << 20;

fn known() -> Vec<Vec<u8>> {
    KNOWN.read().map(|k| k.clone()).unwrap_or_default()
}

/// Masks `value` (a secret the suite read) wherever it is written from now on,
/// also base64-encoded, and each long line of a multi-line value (a key file).
pub(crate) fn learn_value(value: &[u8]) {
    use base64::Engine;
    if value.len() < MIN_KNOWN_LEN {
        return;
    }
    let mut forms = vec![
        value.to_vec(),
        base64::engine::general_purpose::STANDARD
            .encode(value)
            .into_bytes(),
    ];
    forms.extend(
        value
            .split(|b| *b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .filter(|l| l.len() >= 16)
            .map(<[u8]>::to_vec),
    );
    if let Ok(mut known) = KNOWN.write() {
        for form in forms {
            if !known.contains(&form) {
                known.push(form);
            }
        }
        // Longest first: a value that contains another is masked whole.
        known.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }
}

/// Learns every value of a Secret given as the API server's JSON (`data` is
/// base64, `stringData` plain).
pub(crate) fn learn_secret_object(json: &str) {
    use base64::Engine;
    #[derive(serde::Deserialize)]
    struct Values {
        #[serde(default)]
        data: Option<std::collections::BTreeMap<String, String>>,
        #[serde(default, rename = "stringData")]
        string_data: Option<std::collections::BTreeMap<String, String>>,
    }
    let Ok(values) = serde_json::from_str::<Values>(json) else {
        return;
    };
    for encoded in values.data.iter().flat_map(|d| d.values()) {
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(encoded) {
            learn_value(&bytes);
        }
    }
    for plain in values.string_data.iter().flat_map(|d| d.values()) {
        learn_value(plain.as_bytes());
    }
}

/// `text` with every secret masked (all lines, with the state one carries to
/// the next); borrowed when there is none.
pub fn text(text: &str) -> Cow<'_, str> {
    let known = known();
    let mut lines = Lines::default();
    let mut out: Option<String> = None;
    let mut done = 0;
    for piece in text.split_inclusive('\n') {
        let redacted = lines.redact(piece.as_bytes(), &known);
        if let Cow::Owned(bytes) = redacted {
            let out = out.get_or_insert_with(|| text[..done].to_string());
            out.push_str(&String::from_utf8_lossy(&bytes));
        } else if let Some(out) = &mut out {
            out.push_str(piece);
        }
        done += piece.len();
    }
    match out {
        Some(out) => Cow::Owned(out),
        None => Cow::Borrowed(text),
    }
}

/// A writer that masks secrets in everything written through it, line by line
/// (a line is held until its newline, or until [`Write::flush`]).
pub(crate) struct Redacting<W: Write> {
    inner: W,
    pending: Vec<u8>,
    lines: Lines,
}

impl<W: Write> Redacting<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Redacting {
            inner,
            pending: Vec::new(),
            lines: Lines::default(),
        }
    }

    /// Redacts and writes every complete line (all of `pending` when `all`).
    fn drain(&mut self, all: bool) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let known = known();
        let mut start = 0;
        while let Some(end) = self.pending[start..]
            .iter()
            .position(|b| *b == b'\n')
            .map(|at| start + at + 1)
            .or_else(|| {
                (all || self.pending.len() - start > MAX_LINE).then_some(self.pending.len())
            })
        {
            if end == start {
                break;
            }
            let redacted = self.lines.redact(&self.pending[start..end], &known);
            self.inner.write_all(&redacted)?;
            start = end;
        }
        self.pending.drain(..start);
        Ok(())
    }
}

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if buf.contains(&b'\n') || self.pending.len() > MAX_LINE {
            self.drain(false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain(true)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Redacting<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Writes a file of output (an export, a report, JUnit) with its secrets masked.
pub(crate) fn write_file(path: &std::path::Path, contents: &str) -> io::Result<()> {
    std::fs::write(path, text(contents).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writer_masks_lines_split_across_writes() {
        let mut out = Vec::new();
        {
            let mut writer = Redacting::new(&mut out);
            writer.write_all(b"a=1\npass").unwrap();
            writer.write_all(b"word=hunter2\nend").unwrap();
            writer.flush().unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "a=1\npassword=****\nend");
    }

    #[test]
    fn secrets_read_from_secrets_are_masked_by_value() {
        learn_secret_object(
            r#"{"data":{"AWS_SECRET_ACCESS_KEY":"d0phbHJYVXRuRkVNSS9LN01ERU5HL2JQeFJmaUNZ"}}"#,
        );
        let shown = text(
            "the key wJalrXUtnFEMI/K7MDENG/bPxRfiCY leaked, base64 d0phbHJYVXRuRkVNSS9LN01ERU5HL2JQeFJmaUNZ too",
        );
        assert_eq!(shown, "the key **** leaked, base64 **** too");
        assert!(matches!(text("nothing here\n"), Cow::Borrowed(_)));
    }
}
