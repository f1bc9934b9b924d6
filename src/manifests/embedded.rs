//! A line of a file held in one YAML value (a `jvm.config` in a ConfigMap, a
//! lifecycle document in a claim) resolved to its place in the YAML file,
//! whatever way the value was written: a `|` or `>` block, a plain or quoted
//! scalar, or a JSON string with `\n` escapes.
//!
//! Each line of the value, up to the one asked for, is looked up in the
//! scalar's source text in order, written as that style writes it (a `"`
//! string escapes `\` and `"`, a `'` string doubles `'`): the search never goes
//! back, so repeated lines resolve to their own places.

use granit_parser::ScalarStyle;

use super::position::{Node, Pos};

/// Where line `line` (1-based) of `node`'s value is in `text`, the file the node
/// was read from; `None` when the node is not a scalar or has fewer lines.
pub(crate) fn line_position(text: &str, node: &Node, line: usize) -> Option<Pos> {
    let value = node.scalar.as_deref()?;
    let (start, end) = node.bytes?;
    let style = node.style?;
    let source = text.get(start..end)?;
    let mut cursor = 0usize;
    let mut found = None;
    for (number, content) in value.split('\n').enumerate().take(line) {
        let content = content.trim_start_matches([' ', '\t']);
        let needle = written(first_word(content), style);
        if needle.is_empty() {
            continue;
        }
        let at = cursor + source.get(cursor..)?.find(&needle)?;
        cursor = at + needle.len();
        if number + 1 == line {
            found = Some(at);
        }
    }
    // An empty line has no text to find: no position.
    let at = found?;
    Some(advance(node.value, &source[..at]))
}

/// The leading run of a line up to its first blank (folding may break a
/// line at a blank, never inside a word), at most 80 bytes.
fn first_word(content: &str) -> &str {
    let end = content
        .find([' ', '\t'])
        .unwrap_or(content.len())
        .min(floor_boundary(content, 80));
    &content[..end]
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `text` as a scalar of `style` writes it.
fn written(text: &str, style: ScalarStyle) -> String {
    match style {
        ScalarStyle::DoubleQuoted => {
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if c.is_control() => return out,
                    c => out.push(c),
                }
            }
            out
        }
        ScalarStyle::SingleQuoted => text.replace('\'', "''"),
        _ => text.to_string(),
    }
}

/// `from` moved over `passed`: lines and columns counted in characters.
fn advance(from: Pos, passed: &str) -> Pos {
    match passed.rfind('\n') {
        Some(last) => Pos {
            line: from.line + passed.matches('\n').count(),
            column: passed[last + 1..].chars().count() + 1,
        },
        None => Pos {
            line: from.line,
            column: from.column + passed.chars().count(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifests::position::FileIndex;

    fn locate(text: &str, key: &str, line: usize) -> Option<Pos> {
        let index = FileIndex::of(text);
        let path = vec!["data".to_string(), key.to_string()];
        let node = index.objects[0].node(&path).unwrap();
        line_position(text, node, line)
    }

    #[test]
    fn every_way_of_writing_a_file_in_a_configmap() {
        let literal =
            "kind: ConfigMap\ndata:\n  jvm.config: |\n    -server\n\n    -Xmx8G\n    -server\n";
        assert_eq!(
            locate(literal, "jvm.config", 1),
            Some(Pos { line: 4, column: 5 })
        );
        assert_eq!(
            locate(literal, "jvm.config", 3),
            Some(Pos { line: 6, column: 5 })
        );
        // A repeated line resolves to its own place.
        assert_eq!(
            locate(literal, "jvm.config", 4),
            Some(Pos { line: 7, column: 5 })
        );
        let folded = "kind: ConfigMap\ndata:\n  a: >-\n    x=1\n\n    y=2 and\n    more\n";
        assert_eq!(locate(folded, "a", 2), Some(Pos { line: 6, column: 5 }));
        let quoted = "kind: ConfigMap\ndata:\n  a: \"x=1\\n  y=\\\"2\\\"\\nz=3\"\n";
        assert_eq!(
            locate(quoted, "a", 2),
            Some(Pos {
                line: 3,
                column: 14
            })
        );
        assert_eq!(
            locate(quoted, "a", 3),
            Some(Pos {
                line: 3,
                column: 23
            })
        );
        let multiline_quoted = "kind: ConfigMap\ndata:\n  a: \"x=1\n\n    y=2\"\n";
        assert_eq!(
            locate(multiline_quoted, "a", 2),
            Some(Pos { line: 5, column: 5 })
        );
        let single = "kind: ConfigMap\ndata:\n  a: 'it''s=1\n\n    y=2'\n";
        assert_eq!(locate(single, "a", 2), Some(Pos { line: 5, column: 5 }));
        let json = "{\"kind\": \"ConfigMap\", \"data\": {\"a\": \"x=1\\ny=2\\n\"}}";
        assert_eq!(
            locate(json, "a", 2),
            Some(Pos {
                line: 1,
                column: 43
            })
        );
        assert_eq!(locate(json, "a", 9), None);
    }
}
