//! Java `.properties` files, parsed so that writing an untouched file gives back
//! the same bytes, and an edit changes only the lines it must.
//!
//! Trino reads `config.properties` and every catalog file with
//! `java.util.Properties`, so the syntax is Java's: `#`/`!` comments, `=`, `:` or
//! white space between key and value, backslash continuation lines and escapes.

use std::fmt;

/// One logical line of a properties file, with the exact text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    /// The natural lines this segment spans, newlines included.
    pub raw: String,
    /// 1-based number of the first natural line.
    pub line: usize,
    /// What the segment holds.
    pub kind: SegmentKind,
}

/// What a segment of a properties file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SegmentKind {
    /// An empty line.
    Blank,
    /// A `#` or `!` comment.
    Comment,
    /// `key=value` (or `key: value`, `key value`).
    Entry {
        /// The key, unescaped.
        key: String,
        /// The value, unescaped.
        value: String,
    },
    /// A line Java would read but Trino's config never means: a key with no
    /// separator, or a broken `\u` escape.
    Malformed {
        /// What is wrong.
        reason: String,
    },
}

/// A parsed properties file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties {
    segments: Vec<Segment>,
}

/// A problem found while reading a file, named by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl Properties {
    /// Reads a properties file as Java does, keeping every byte for rewriting.
    pub fn parse(text: &str) -> Properties {
        let mut segments = Vec::new();
        let mut lines = text.split_inclusive('\n').enumerate().peekable();
        while let Some((index, first)) = lines.next() {
            let mut raw = first.to_string();
            let trimmed = strip_eol(first).trim_start_matches([' ', '\t', '\x0c']);
            let kind = if trimmed.is_empty() {
                SegmentKind::Blank
            } else if trimmed.starts_with(['#', '!']) {
                SegmentKind::Comment
            } else {
                let mut logical = trimmed.to_string();
                while ends_with_continuation(&logical) {
                    logical.pop();
                    match lines.next() {
                        Some((_, next)) => {
                            raw.push_str(next);
                            logical
                                .push_str(strip_eol(next).trim_start_matches([' ', '\t', '\x0c']));
                        }
                        None => break,
                    }
                }
                parse_entry(&logical)
            };
            segments.push(Segment {
                raw,
                line: index + 1,
                kind,
            });
        }
        Properties { segments }
    }

    /// Entries in file order; a key given twice appears twice.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &str, usize)> {
        self.segments.iter().filter_map(|s| match &s.kind {
            SegmentKind::Entry { key, value } => Some((key.as_str(), value.as_str(), s.line)),
            _ => None,
        })
    }

    /// The value Java would see: the last one given for the key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries()
            .filter(|(k, _, _)| *k == key)
            .map(|(_, v, _)| v)
            .last()
    }

    /// The line where `key` is (last) defined.
    pub(crate) fn line_of(&self, key: &str) -> Option<usize> {
        self.entries()
            .filter(|(k, _, _)| *k == key)
            .map(|(_, _, l)| l)
            .last()
    }

    /// Malformed lines and duplicate keys.
    pub fn problems(&self) -> Vec<LineProblem> {
        self.segments
            .iter()
            .filter_map(|s| match &s.kind {
                SegmentKind::Malformed { reason } => Some(LineProblem {
                    line: s.line,
                    reason: reason.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// Sets `key` to `value`: rewrites the last line that defines it (keeping the
    /// separator it used) and drops earlier duplicates, or appends a new line.
    pub fn set(&mut self, key: &str, value: &str) {
        let positions: Vec<usize> = self.positions_of(key);
        match positions.split_last() {
            Some((&last, earlier)) => {
                let separator = separator_of(&self.segments[last].raw, key);
                let eol = eol_of(&self.segments[last].raw);
                self.segments[last].raw =
                    format!("{}{separator}{}{eol}", escape_key(key), escape_value(value));
                self.segments[last].kind = SegmentKind::Entry {
                    key: key.to_string(),
                    value: value.to_string(),
                };
                for &index in earlier.iter().rev() {
                    self.segments.remove(index);
                }
            }
            None => {
                let eol = self.dominant_eol();
                if let Some(last) = self.segments.last_mut() {
                    if !last.raw.ends_with('\n') {
                        last.raw.push_str(eol);
                    }
                    // A last line ending in a continuation backslash would swallow
                    // the new line: a blank line ends it (its value is unchanged).
                    let last_line = strip_eol(last.raw.lines().last().unwrap_or_default());
                    if matches!(
                        last.kind,
                        SegmentKind::Entry { .. } | SegmentKind::Malformed { .. }
                    ) && ends_with_continuation(last_line)
                    {
                        last.raw.push_str(eol);
                    }
                }
                let line = self
                    .segments
                    .iter()
                    .map(|s| s.raw.matches('\n').count())
                    .sum::<usize>()
                    + 1;
                self.segments.push(Segment {
                    raw: format!("{}={}{eol}", escape_key(key), escape_value(value)),
                    line,
                    kind: SegmentKind::Entry {
                        key: key.to_string(),
                        value: value.to_string(),
                    },
                });
            }
        }
    }

    /// Removes every line that defines `key`; true when there was one.
    pub fn remove(&mut self, key: &str) -> bool {
        let positions = self.positions_of(key);
        for &index in positions.iter().rev() {
            self.segments.remove(index);
        }
        !positions.is_empty()
    }

    fn positions_of(&self, key: &str) -> Vec<usize> {
        self.segments
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(&s.kind, SegmentKind::Entry { key: k, .. } if k == key))
            .map(|(i, _)| i)
            .collect()
    }

    fn dominant_eol(&self) -> &'static str {
        if self.segments.iter().any(|s| s.raw.ends_with("\r\n")) {
            "\r\n"
        } else {
            "\n"
        }
    }
}

impl fmt::Display for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.segments.iter().try_for_each(|s| f.write_str(&s.raw))
    }
}

fn strip_eol(line: &str) -> &str {
    line.strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(line)
}

fn eol_of(raw: &str) -> &'static str {
    if raw.ends_with("\r\n") {
        "\r\n"
    } else if raw.ends_with('\n') {
        "\n"
    } else {
        ""
    }
}

/// An odd number of trailing backslashes continues the line.
fn ends_with_continuation(logical: &str) -> bool {
    logical.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1
}

fn parse_entry(logical: &str) -> SegmentKind {
    let chars: Vec<char> = logical.chars().collect();
    let mut key_end = chars.len();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '=' | ':' | ' ' | '\t' | '\x0c' => {
                key_end = i;
                break;
            }
            _ => i += 1,
        }
    }
    let key_raw: String = chars[..key_end.min(chars.len())].iter().collect();
    let mut j = key_end;
    while j < chars.len() && matches!(chars[j], ' ' | '\t' | '\x0c') {
        j += 1;
    }
    let has_separator = j < chars.len() && matches!(chars[j], '=' | ':');
    if has_separator {
        j += 1;
        while j < chars.len() && matches!(chars[j], ' ' | '\t' | '\x0c') {
            j += 1;
        }
    }
    let value_raw: String = chars[j.min(chars.len())..].iter().collect();
    if !has_separator && !value_raw.is_empty() {
        return SegmentKind::Malformed {
            reason: format!(
                "no '=' between the name '{}' and its value",
                unescape(&key_raw).unwrap_or(key_raw)
            ),
        };
    }
    match (unescape(&key_raw), unescape(&value_raw)) {
        (Ok(key), Ok(value)) => SegmentKind::Entry { key, value },
        (Err(reason), _) | (_, Err(reason)) => SegmentKind::Malformed { reason },
    }
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\x0c'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let code = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4)
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("malformed \\u escape '\\u{hex}'"))?;
                out.push(code);
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Ok(out)
}

fn escape_key(key: &str) -> String {
    escape(key, true)
}

fn escape_value(value: &str) -> String {
    escape(value, false)
}

fn escape(s: &str, is_key: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\x0c' => out.push_str("\\f"),
            '=' | ':' if is_key => {
                out.push('\\');
                out.push(c);
            }
            ' ' if is_key || i == 0 => out.push_str("\\ "),
            '#' | '!' if is_key && i == 0 => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The separator text the existing line used between key and value (`=`, ` = `, `: `).
fn separator_of(raw: &str, _key: &str) -> String {
    let line = strip_eol(raw.lines().next().unwrap_or(raw)).trim_start();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() && !matches!(chars[i], '=' | ':' | ' ' | '\t') {
        i += if chars[i] == '\\' { 2 } else { 1 };
    }
    let start = i.min(chars.len());
    let mut end = start;
    while end < chars.len() && matches!(chars[end], ' ' | '\t') {
        end += 1;
    }
    if end < chars.len() && matches!(chars[end], '=' | ':') {
        end += 1;
        while end < chars.len() && matches!(chars[end], ' ' | '\t') {
            end += 1;
        }
    }
    let separator: String = chars[start..end].iter().collect();
    // Only white space (`key ` with an empty value): `key value` would be malformed.
    if !separator.contains(['=', ':']) {
        "=".into()
    } else {
        separator
    }
}

/// The largest data size Trino accepts (its `DataSize` holds bytes in a Java `long`).
#[cfg(any(fuzzing, test))] // only the fuzz hooks (src/fuzzing.rs) use it
pub(crate) const MAX_DATA_SIZE: u64 = i64::MAX as u64;

/// Trino's data sizes (`8GB`, `512MB`, `1.5GB`): units are powers of 1024,
/// written in airlift's case (`kB`, `MB`, `GB`, `TB`, `PB`; `KB` and `gb` are
/// refused), read exactly as airlift's `DataSize.valueOf`
/// ([`crate::platform::trino::values::units::data_size`]). `None` for text that
/// is not a size and for sizes Trino itself rejects (above [`MAX_DATA_SIZE`]),
/// so no caller ever computes with an absurd value.
pub fn parse_data_size(text: &str) -> Option<u64> {
    match crate::platform::trino::values::units::data_size(text.trim()) {
        crate::platform::trino::values::units::Reading::Value(bytes) => Some(bytes),
        _ => None,
    }
}

/// Bytes as a person reads a Trino data size in a message: to one decimal in
/// the largest unit (`7.2GB`, `27.2GB`, `8GB`, `900B`). Values written into a
/// file use [`format_data_size`], which is exact.
pub(crate) fn readable_data_size(bytes: u64) -> String {
    super::quantity::readable_in(
        bytes,
        &[
            ("PB", 1 << 50),
            ("TB", 1 << 40),
            ("GB", 1 << 30),
            ("MB", 1 << 20),
            ("kB", 1 << 10),
        ],
    )
}

/// Renders bytes as a Trino data size, exact where the value allows (`8GB`, `1536MB`).
pub fn format_data_size(bytes: u64) -> String {
    super::quantity::exact_binary_size(bytes, ["TB", "GB", "MB", "kB"])
        .unwrap_or_else(|| format!("{bytes}B"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# Trino coordinator\n\
coordinator=true\n\
http-server.http.port = 8080\n\
discovery.uri: http://trino:8080\n\
\n\
! bang comment\n\
query.max-memory=50GB\n\
long.value=first \\\n    second\n\
escaped\\=key=a\\tb\n\
unicode=caf\\u00e9\n\
no-newline-at-end=yes";

    #[test]
    fn round_trips_byte_for_byte() {
        for text in [
            SAMPLE,
            "",
            "\n",
            "a=b\r\nc=d\r\n",
            "k=v\\\n",
            "  indented = x  \n",
        ] {
            assert_eq!(Properties::parse(text).to_string(), text);
        }
    }

    #[test]
    fn reads_values_like_java() {
        let p = Properties::parse(SAMPLE);
        assert_eq!(p.get("coordinator"), Some("true"));
        assert_eq!(p.get("http-server.http.port"), Some("8080"));
        assert_eq!(p.get("discovery.uri"), Some("http://trino:8080"));
        assert_eq!(p.get("long.value"), Some("first second"));
        assert_eq!(p.get("escaped=key"), Some("a\tb"));
        assert_eq!(p.get("unicode"), Some("café"));
        assert_eq!(p.get("no-newline-at-end"), Some("yes"));
        assert_eq!(p.line_of("query.max-memory"), Some(7));
        assert!(p.problems().is_empty());
    }

    #[test]
    fn garbage_is_a_problem_with_its_line() {
        let p = Properties::parse("a=1\nthis is not a property\nb=\\u12\n");
        let problems = p.problems();
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].line, 2);
        assert!(
            problems[0].reason.contains("no '='"),
            "{}",
            problems[0].reason
        );
        assert_eq!(problems[1].line, 3);
        // A bare key with no value is legal Java and means the empty string.
        assert_eq!(Properties::parse("flag\n").get("flag"), Some(""));
    }

    #[test]
    fn set_changes_only_its_line_and_keeps_the_separator() {
        let mut p = Properties::parse(SAMPLE);
        p.set("http-server.http.port", "8443");
        p.set("query.max-memory", "60GB");
        let out = p.to_string();
        assert!(out.contains("http-server.http.port = 8443\n"));
        assert!(out.contains("query.max-memory=60GB\n"));
        assert_eq!(out.lines().count(), SAMPLE.lines().count());
        assert!(out.starts_with("# Trino coordinator\n"));
    }

    #[test]
    fn set_appends_with_a_newline_and_remove_drops_duplicates() {
        let mut p = Properties::parse("a=1\na=2");
        p.set("b", "x y");
        assert_eq!(p.to_string(), "a=1\na=2\nb=x y\n");
        assert!(p.remove("a"));
        assert_eq!(p.to_string(), "b=x y\n");
        assert!(!p.remove("missing"));
        let mut crlf = Properties::parse("a=1\r\n");
        crlf.set("b", "2");
        assert_eq!(crlf.to_string(), "a=1\r\nb=2\r\n");
    }

    #[test]
    fn set_reads_back_after_edge_cases() {
        // A last line ending in a continuation swallowed the appended key (found
        // while writing the fuzz targets); `key ` (empty value, white space as
        // separator) was rewritten as `key value`, a malformed line (found by
        // the fuzzer, the last case is its input).
        for (file, key, value, written) in [
            ("a=b\\", "c", "d", "a=b\\\n\nc=d\n"),
            ("a=b\\\n", "c", "d", "a=b\\\n\nc=d\n"),
            ("k \n", "k", "v", "k=v\n"),
            (
                "\r\n\r\n\u{1} ",
                "\u{1}",
                "\0\0\0\0\0\u{1} ",
                "\r\n\r\n\u{1}=\0\0\0\0\0\u{1} ",
            ),
        ] {
            let mut p = Properties::parse(file);
            p.set(key, value);
            assert_eq!(p.to_string(), written, "{file:?}");
            let reread = Properties::parse(&p.to_string());
            assert_eq!(reread.get(key), Some(value), "{file:?}");
            assert_eq!(reread.get("a"), Properties::parse(file).get("a"));
        }
    }

    #[test]
    fn data_sizes() {
        assert_eq!(parse_data_size("8GB"), Some(8 << 30));
        assert_eq!(parse_data_size("1.5GB"), Some(1536 << 20));
        assert_eq!(parse_data_size("512MB"), Some(512 << 20));
        assert_eq!(parse_data_size("20 GB"), Some(20 << 30));
        assert_eq!(parse_data_size("lots"), None);
        // Absurd but well-formed sizes are not sizes (Trino rejects them too).
        assert_eq!(parse_data_size("99999999999999PB"), None);
        assert_eq!(parse_data_size("8192PB"), None);
        assert_eq!(parse_data_size("8191PB"), Some(8191 << 50));
        assert_eq!(parse_data_size("1e400GB"), None);
        assert_eq!(format_data_size(8 << 30), "8GB");
        assert_eq!(format_data_size(1536 << 20), "1536MB");
        assert_eq!(format_data_size(3 << 10), "3kB");
        assert_eq!(format_data_size(1500), "1500B");
        assert_eq!(format_data_size(512), "512B");
        // Messages: issue 19's headroom of a 24G heap, and its sum with 20GB.
        assert_eq!(readable_data_size(7_730_941_132), "7.2GB");
        assert_eq!(readable_data_size(29_205_777_612), "27.2GB");
        assert_eq!(readable_data_size(8 << 30), "8GB");
        assert_eq!(readable_data_size(900), "900B");
    }
}
