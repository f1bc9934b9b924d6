//! Untrusted text on a terminal. Cluster data (names, annotations, ConfigMap
//! values, API messages) can hold ESC, BEL, NUL, C1 controls and bidi
//! overrides; written raw they can recolour, retitle or rewrite the terminal,
//! or make `evil` read as `live`. Every human renderer escapes such characters
//! the way kubectl does for untrusted strings: visible `\x1b`, `\u202e`.
//!
//! Two layers: [`escape`] for one string (table cells, finding messages,
//! errors), and [`SafeWriter`], which wraps every command's stdout and stderr
//! so that nothing a renderer forgot can reach the terminal raw. The writer lets
//! through only the sequences the suite itself emits: SGR colours
//! (`ESC [ … m`) and [`CLEAR_SCREEN`].

use std::borrow::Cow;
use std::io::{self, Write};

/// Clears the screen and homes the cursor (`status --watch` on a terminal).
pub(crate) const CLEAR_SCREEN: &str = "\x1b[2J\x1b[H";

/// Whether `c` must never reach a terminal raw: C0 controls other than newline
/// and tab, DEL, C1 controls, bidi embeddings, overrides and isolates, and the
/// invisible direction marks.
pub(crate) fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// The visible escape of one unsafe character: `\x1b` below U+0100, else `\u202e`.
fn push_escaped(out: &mut String, c: char) {
    let code = u32::from(c);
    if code < 0x100 {
        out.push_str(&format!("\\x{code:02x}"));
    } else {
        out.push_str(&format!("\\u{code:04x}"));
    }
}

/// `text` with every unsafe character replaced by its visible escape; borrowed
/// (no copy) when there is nothing to escape. Newlines and tabs stay.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escape`], and newlines too: for one table cell or one-line message.
pub(crate) fn escape_line(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return escape(text);
    }
    Cow::Owned(escape(&text.replace('\n', "\\n")).into_owned())
}

/// [`escape_line`] for a table cell that a renderer may have coloured: SGR
/// colour sequences (`ESC [ 32 m`) stay, every other control is escaped.
pub(crate) fn escape_cell(text: &str) -> Cow<'_, str> {
    if !text.contains('\x1b') {
        return escape_line(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(at) = rest.find('\x1b') {
        out.push_str(&escape_line(&rest[..at]));
        let tail = &rest[at..];
        match own_sequence(tail.as_bytes()) {
            Some(Some(len)) if tail.as_bytes()[len - 1] == b'm' => {
                out.push_str(&tail[..len]);
                rest = &tail[len..];
            }
            _ => {
                out.push_str("\\x1b");
                rest = &tail[1..];
            }
        }
    }
    out.push_str(&escape_line(rest));
    Cow::Owned(out)
}

/// A writer that escapes unsafe characters in everything written through it,
/// except the suite's own colour and clear-screen sequences. Bytes of a
/// character or sequence split across writes are held until complete.
pub(crate) struct SafeWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> SafeWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        SafeWriter {
            inner,
            pending: Vec::new(),
        }
    }

    /// Escapes the complete part of `pending` (all of it when `all`), keeping
    /// an incomplete tail, and writes the result to `inner`.
    fn drain(&mut self, all: bool) -> io::Result<()> {
        let bytes = std::mem::take(&mut self.pending);
        let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            if rest[0] == 0x1b {
                match own_sequence(rest) {
                    Some(Some(len)) => {
                        out.extend_from_slice(&rest[..len]);
                        i += len;
                        continue;
                    }
                    None if !all => break,
                    _ => {
                        out.extend_from_slice(b"\\x1b");
                        i += 1;
                        continue;
                    }
                }
            }
            if rest[0] < 0x80 {
                let c = char::from(rest[0]);
                if is_unsafe(c) {
                    out.extend_from_slice(format!("\\x{:02x}", rest[0]).as_bytes());
                } else {
                    out.push(rest[0]);
                }
                i += 1;
                continue;
            }
            let width = match rest[0] {
                0xC2..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF4 => 4,
                _ => 0,
            };
            if width > 0 && rest.len() < width && !all {
                break;
            }
            match std::str::from_utf8(&rest[..width.min(rest.len())])
                .ok()
                .and_then(|s| s.chars().next())
                .filter(|_| width > 0)
            {
                Some(c) => {
                    if is_unsafe(c) {
                        let mut s = String::new();
                        push_escaped(&mut s, c);
                        out.extend_from_slice(s.as_bytes());
                    } else {
                        out.extend_from_slice(&rest[..width]);
                    }
                    i += width;
                }
                None => {
                    out.extend_from_slice(format!("\\x{:02x}", rest[0]).as_bytes());
                    i += 1;
                }
            }
        }
        self.pending = bytes[i..].to_vec();
        self.inner.write_all(&out)
    }
}

/// Whether `bytes` (starting with ESC) begin with one of the suite's own
/// sequences: `Some(Some(len))` yes, `Some(None)` no, `None` cannot tell yet.
fn own_sequence(bytes: &[u8]) -> Option<Option<usize>> {
    let clear = CLEAR_SCREEN.as_bytes();
    if bytes.starts_with(clear) {
        return Some(Some(clear.len()));
    }
    if clear.starts_with(bytes) {
        return None;
    }
    if *bytes.get(1)? != b'[' {
        return Some(None);
    }
    for (offset, &b) in bytes[2..].iter().enumerate() {
        match b {
            b'0'..=b'9' | b';' if offset < 32 => continue,
            b'm' => return Some(Some(offset + 3)),
            _ => return Some(None),
        }
    }
    None
}

impl<W: Write> Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        self.drain(false)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain(true)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for SafeWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every hostile character class the suite escapes, with its visible form.
    pub(crate) const HOSTILE: [(&str, &str); 9] = [
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\0b", "a\\x00b"),
        ("\u{202e}evil", "\\u202eevil"),
        ("\u{2066}x\u{2069}", "\\u2066x\\u2069"),
        ("\u{9b}31m", "\\x9b31m"),
        ("del\x7f", "del\\x7f"),
        ("cr\rlf", "cr\\x0dlf"),
        ("\u{200f}rlm", "\\u200frlm"),
    ];

    #[test]
    fn strings_escape_every_control_and_bidi_character() {
        for (raw, shown) in HOSTILE {
            assert_eq!(escape(raw), shown, "{raw:?}");
        }
        assert!(matches!(
            escape("plain ünïcode\tand\nlines"),
            Cow::Borrowed(_)
        ));
        assert_eq!(escape_line("two\nlines"), "two\\nlines");
        assert_eq!(
            escape_cell("\x1b[32mBound\x1b[0m \x1b]0;t\x07\x1b[2J"),
            "\x1b[32mBound\x1b[0m \\x1b]0;t\\x07\\x1b[2J"
        );
    }

    fn through_writer(pieces: &[&[u8]]) -> String {
        let mut out = Vec::new();
        {
            let mut writer = SafeWriter::new(&mut out);
            for piece in pieces {
                writer.write_all(piece).unwrap();
            }
            writer.flush().unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_writer_escapes_data_but_keeps_our_colours_and_clear_screen() {
        for (raw, shown) in HOSTILE {
            assert_eq!(through_writer(&[raw.as_bytes()]), shown, "{raw:?}");
        }
        assert_eq!(
            through_writer(&[b"\x1b[1;31mred\x1b[0m"]),
            "\x1b[1;31mred\x1b[0m"
        );
        assert_eq!(through_writer(&[CLEAR_SCREEN.as_bytes()]), CLEAR_SCREEN);
        // Split across writes: a colour, a bidi override, ü.
        assert_eq!(
            through_writer(&[b"\x1b[3", b"2mok", b"\xe2\x80", b"\xaex \xc3", b"\xbc"]),
            "\x1b[32mok\\u202ex ü"
        );
        // Not UTF-8, and a lone ESC at the end.
        assert_eq!(through_writer(&[b"a\xffb\x1b"]), "a\\xffb\\x1b");
    }
}
