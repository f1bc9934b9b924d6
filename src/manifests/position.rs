//! Where each node of a YAML (or JSON) file is: a second, lazy pass over the
//! text with `granit-parser` (the parser serde-saphyr reads with, so both see
//! the same documents) that records, for every key path of every object, the
//! line and column of its key and of its value. Only files that have findings
//! are indexed, so reading a large repository costs one parse, not two.

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle};

/// A place in a file: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

/// One node of an object: where its key and its value are.
#[derive(Debug, Clone)]
pub struct Node {
    /// The key's place, for an entry of a mapping.
    pub key: Option<Pos>,
    /// Where the value starts.
    pub value: Pos,
    /// The value's byte range in the file, for scalars.
    pub bytes: Option<(usize, usize)>,
    /// How a scalar was written (plain, quoted, `|`, `>`); `None` for collections.
    pub style: Option<ScalarStyle>,
    /// A scalar's value.
    pub scalar: Option<String>,
}

/// The nodes of one object, by path (keys and sequence indexes joined by `/`).
#[derive(Debug, Clone, Default)]
pub struct Object {
    nodes: HashMap<String, Node>,
}

impl Object {
    /// The node at `path` (`["data", "jvm.config"]`; `[]` is the object itself).
    pub fn node(&self, path: &[String]) -> Option<&Node> {
        self.nodes.get(&join(path))
    }

    /// A scalar's text at `path`.
    pub fn scalar(&self, path: &[&str]) -> Option<&str> {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        self.node(&path)?.scalar.as_deref()
    }

    /// The object's `kind`.
    pub fn kind(&self) -> Option<&str> {
        self.scalar(&["kind"])
    }

    /// The object's `metadata.name`.
    pub fn name(&self) -> Option<&str> {
        self.scalar(&["metadata", "name"])
    }
}

fn join(path: &[String]) -> String {
    path.join("\u{1f}")
}

/// Every object of a file, in the order [`super::read::parse_documents`] reads them
/// (empty documents skipped, a `List`'s items one by one).
#[derive(Debug, Clone, Default)]
pub(crate) struct FileIndex {
    /// The objects.
    pub objects: Vec<Object>,
}

/// Frames of the walk: a mapping (waiting for a key or for the value of `key`)
/// or a sequence (with the index of its next item).
enum Frame {
    Map { key: Option<(String, Pos)> },
    Seq { next: usize },
}

impl FileIndex {
    /// Indexes `text`; a file that does not parse gives what was read before the error.
    pub fn of(text: &str) -> FileIndex {
        let mut walk = Walk::default();
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let start = Pos {
                line: span.start.line(),
                column: span.start.col() + 1,
            };
            let bytes = span.start.byte_offset().zip(span.end.byte_offset());
            walk.step(event, start, bytes);
        }
        let mut objects = Vec::new();
        for doc in walk.documents {
            if doc.kind() == Some("List") {
                objects.extend(list_items(&doc));
            } else {
                objects.push(doc);
            }
        }
        FileIndex { objects }
    }
}

/// The state of one walk over the parser's events: the documents read so far,
/// the one being read, the stack of open mappings and sequences and the path
/// to the current node.
#[derive(Default)]
struct Walk {
    documents: Vec<Object>,
    current: Object,
    stack: Vec<Frame>,
    path: Vec<String>,
    has_root: bool,
}

impl Walk {
    /// Takes in one event that starts at `start` (a scalar's byte range: `bytes`).
    fn step(&mut self, event: Event, start: Pos, bytes: Option<(usize, usize)>) {
        match event {
            Event::DocumentStart(..) => {
                self.current = Object::default();
                self.stack.clear();
                self.path.clear();
                self.has_root = false;
            }
            Event::DocumentEnd if self.has_root => {
                self.documents.push(std::mem::take(&mut self.current));
            }
            Event::DocumentEnd => {}
            Event::Scalar(value, style, ..) => {
                // A key of a mapping: remember it; its value comes next.
                if self.awaits_key() {
                    self.set_key(value.into_owned(), start);
                    return;
                }
                let key = enter(&mut self.stack, &mut self.path);
                let is_null_root = self.stack.is_empty()
                    && style == ScalarStyle::Plain
                    && matches!(value.as_ref(), "" | "~" | "null" | "Null" | "NULL");
                if is_null_root {
                    return;
                }
                self.has_root = true;
                self.record(Node {
                    key,
                    value: start,
                    bytes,
                    style: Some(style),
                    scalar: Some(value.into_owned()),
                });
                leave(&mut self.stack, &mut self.path);
            }
            Event::Alias(_) => {
                if self.awaits_key() {
                    self.set_key(String::new(), start);
                    return;
                }
                let key = enter(&mut self.stack, &mut self.path);
                self.record(Node::collection(key, start));
                leave(&mut self.stack, &mut self.path);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if self.awaits_key() {
                    // A complex key: record nothing under it.
                    self.set_key(String::new(), start);
                }
                let key = enter(&mut self.stack, &mut self.path);
                self.has_root = true;
                self.record(Node::collection(key, start));
                self.stack
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Map { key: None }
                    } else {
                        Frame::Seq { next: 0 }
                    });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                leave(&mut self.stack, &mut self.path);
            }
            _ => {}
        }
    }

    /// Whether the innermost open node is a mapping waiting for a key.
    fn awaits_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None }))
    }

    /// Sets the key the innermost mapping waits for.
    fn set_key(&mut self, name: String, start: Pos) {
        if let Some(Frame::Map { key }) = self.stack.last_mut() {
            *key = Some((name, start));
        }
    }

    /// Records `node` at the current path.
    fn record(&mut self, node: Node) {
        self.current.nodes.insert(join(&self.path), node);
    }
}

impl Node {
    /// A node with no scalar: a mapping, a sequence or an alias.
    fn collection(key: Option<Pos>, value: Pos) -> Node {
        Node {
            key,
            value,
            bytes: None,
            style: None,
            scalar: None,
        }
    }
}

/// Pushes the path segment of the node that starts now; returns its key's place.
fn enter(stack: &mut [Frame], path: &mut Vec<String>) -> Option<Pos> {
    match stack.last_mut() {
        Some(Frame::Map { key }) => {
            let (name, pos) = key.clone().unwrap_or_default();
            path.push(name);
            Some(pos)
        }
        Some(Frame::Seq { next }) => {
            path.push(next.to_string());
            *next += 1;
            None
        }
        None => None,
    }
}

/// Pops the finished node's segment; the enclosing mapping waits for its next key.
fn leave(stack: &mut [Frame], path: &mut Vec<String>) {
    match stack.last_mut() {
        Some(Frame::Map { key }) => {
            *key = None;
            path.pop();
        }
        Some(Frame::Seq { .. }) => {
            path.pop();
        }
        None => {}
    }
}

/// The items of a `List` as objects of their own.
fn list_items(list: &Object) -> Vec<Object> {
    let mut items: Vec<Object> = Vec::new();
    let prefix = format!("items{}", '\u{1f}');
    for (path, node) in &list.nodes {
        let Some(rest) = path.strip_prefix(&prefix) else {
            continue;
        };
        let (index, inner) = rest.split_once('\u{1f}').unwrap_or((rest, ""));
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        if items.len() <= index {
            items.resize_with(index + 1, Object::default);
        }
        items[index].nodes.insert(inner.to_string(), node.clone());
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keys_and_values_of_every_document() {
        let text = "---\n# empty\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: trino\ndata:\n  jvm.config: |\n    -server\n    -Xmx8G\n---\nkind: List\nitems:\n- kind: Secret\n  metadata: {name: s}\n  stringData: [a, b]\n";
        let index = FileIndex::of(text);
        assert_eq!(index.objects.len(), 2);
        let cm = &index.objects[0];
        assert_eq!(cm.kind(), Some("ConfigMap"));
        assert_eq!(cm.name(), Some("trino"));
        let jvm = cm.node(&path(&["data", "jvm.config"])).unwrap();
        assert_eq!(jvm.key, Some(Pos { line: 9, column: 3 }));
        assert_eq!(jvm.style, Some(ScalarStyle::Literal));
        assert_eq!(jvm.scalar.as_deref(), Some("-server\n-Xmx8G\n"));
        let secret = &index.objects[1];
        assert_eq!(secret.kind(), Some("Secret"));
        assert_eq!(secret.name(), Some("s"));
        let b = secret.node(&path(&["stringData", "1"])).unwrap();
        assert_eq!(
            b.value,
            Pos {
                line: 17,
                column: 19
            }
        );
        assert_eq!(
            secret.node(&path(&["metadata", "name"])).unwrap().key,
            Some(Pos {
                line: 16,
                column: 14
            })
        );
    }

    #[test]
    fn json_files_too() {
        let text = "{\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"c\"},\n  \"data\": {\"a\": \"x=1\\ny=2\"}\n}\n";
        let index = FileIndex::of(text);
        let a = index.objects[0].node(&path(&["data", "a"])).unwrap();
        assert_eq!(
            a.key,
            Some(Pos {
                line: 4,
                column: 12
            })
        );
        assert_eq!(a.style, Some(ScalarStyle::DoubleQuoted));
        let (start, end) = a.bytes.unwrap();
        assert_eq!(&text[start..end], "\"x=1\\ny=2\"");
    }
}
