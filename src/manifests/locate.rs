//! From a finding to its place in the files: the object's document, the
//! field's key, or the line of a file a field holds, through the layers
//! kustomize stacks (the last patch that sets a field is where it is written).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use super::Manifest;
use super::embedded::line_position;
use super::kustomize::{GeneratedKey, Provenance, Role, SourceDoc, name_matches};
use super::position::{FileIndex, Object, Pos};
use crate::findings::{FieldRef, Finding, ObjectRef, SourceLocation};

/// One document an object is made of.
#[derive(Debug, Clone)]
struct Layer {
    file: PathBuf,
    text: Arc<str>,
    document: usize,
}

/// An object of the manifests and the documents it is made of, base first.
#[derive(Debug, Clone)]
struct Entry {
    kind: String,
    name: String,
    namespace: Option<String>,
    layers: Vec<Layer>,
}

/// Finds where findings are in the files the manifests were read from.
#[derive(Debug, Default)]
pub struct Locator {
    entries: Vec<Entry>,
    keys: Vec<GeneratedKey>,
    generators: Vec<GeneratedKey>,
    /// Objects a controller writes from an object of the manifests (the
    /// Secret an ExternalSecret syncs), with their writer.
    written: Vec<(ObjectRef, ObjectRef)>,
    indexes: RefCell<HashMap<PathBuf, Rc<FileIndex>>>,
}

fn identity(m: &Manifest) -> (String, String, Option<String>) {
    let text = |pointer: &str| m.value.pointer(pointer).and_then(|v| v.as_str());
    (
        text("/kind").unwrap_or_default().to_string(),
        text("/metadata/name").unwrap_or_default().to_string(),
        text("/metadata/namespace").map(String::from),
    )
}

impl Locator {
    /// For manifests read from files (`-f`): each object is one document.
    pub(crate) fn of_files(manifests: &[Manifest]) -> Locator {
        let entries = manifests
            .iter()
            .filter_map(|m| {
                let (kind, name, namespace) = identity(m);
                Some(Entry {
                    kind,
                    name,
                    namespace,
                    layers: vec![Layer {
                        file: m.source.clone(),
                        text: m.text.clone()?,
                        document: m.document?,
                    }],
                })
            })
            .collect();
        Locator {
            entries,
            ..Locator::default()
        }
    }

    /// For a kustomization's build (`-k`): each built object is traced to its
    /// resource and the patches that change it, through `provenance`.
    pub(crate) fn of_kustomization(built: &[Manifest], provenance: Provenance) -> Locator {
        let mut entries = Vec::new();
        for m in built {
            let (kind, name, namespace) = identity(m);
            let docs = &provenance.docs;
            // The exact name first: with prefixes two sources may match.
            let resource = matching(docs, Role::Resource, &kind, &name)
                .find(|d| d.name.as_deref() == Some(name.as_str()))
                .or_else(|| matching(docs, Role::Resource, &kind, &name).next());
            let layers = resource
                .into_iter()
                .chain(matching(docs, Role::Patch, &kind, &name))
                .map(|d| Layer {
                    file: d.file.clone(),
                    text: d.text.clone(),
                    document: d.document,
                })
                .collect();
            entries.push(Entry {
                kind: kind.clone(),
                name: name.clone(),
                namespace,
                layers,
            });
        }
        Locator {
            entries,
            keys: provenance.keys,
            generators: provenance.generators,
            written: Vec::new(),
            indexes: RefCell::default(),
        }
    }

    /// Adds what `other` knows (files and a kustomization read together).
    pub fn merge(&mut self, other: Locator) {
        self.entries.extend(other.entries);
        self.keys.extend(other.keys);
        self.generators.extend(other.generators);
        self.written.extend(other.written);
    }

    /// Objects controllers write, each with the object of the manifests it is
    /// written from (`(Secret, ExternalSecret)`): a finding about one that the
    /// files do not hold points at its writer, which is what one edits.
    pub(crate) fn written_by(&mut self, written: impl IntoIterator<Item = (ObjectRef, ObjectRef)>) {
        self.written.extend(written);
    }

    /// For `object`, written by a controller from an object of the manifests:
    /// where the writer says what it writes (an ExternalSecret's `spec.data`).
    fn writer(&self, object: &ObjectRef) -> Option<SourceLocation> {
        let (_, writer) = self.written.iter().find(|(o, _)| o == object)?;
        let fields: &[&[&str]] = match writer.kind.as_str() {
            "ExternalSecret" => &[&["spec", "data"], &["spec", "dataFrom"]],
            _ => &[],
        };
        let mut found = fields
            .iter()
            .find_map(|path| {
                let found = self.locate(writer, Some(&FieldRef::at(path)))?;
                found.field.is_some().then_some(found)
            })
            .or_else(|| self.locate(writer, None))?;
        let at = found
            .field
            .take()
            .map(|f| format!(" ({f})"))
            .unwrap_or_default();
        found.field = Some(format!("{object} is written by {writer}{at}"));
        Some(found)
    }

    /// Sets every finding's `source`: where its object (or field) is, or for
    /// an object the manifests lack (no LimitRange, no PrometheusRule for
    /// Nessie) a stand-in, so that code review shows every finding in a file.
    pub(crate) fn locate_all(&self, findings: &mut [Finding]) {
        for finding in findings {
            finding.source = self
                .locate(&finding.object, finding.field.as_ref())
                .or_else(|| {
                    let about = finding.field.as_ref().and_then(|f| f.object.as_ref());
                    self.writer(about.unwrap_or(&finding.object))
                })
                .or_else(|| {
                    finding
                        .chain
                        .iter()
                        .find_map(|link| self.locate(&link.object, None))
                })
                .or_else(|| self.stand_in(&finding.object));
        }
    }

    /// For `object`, absent from the manifests: the workload of the component
    /// it is about (`PrometheusRule/(nessie)`), else the first object of its
    /// namespace (or of the Namespace it is), else the first object read.
    fn stand_in(&self, object: &ObjectRef) -> Option<SourceLocation> {
        let component = object
            .name
            .strip_prefix('(')
            .and_then(|n| n.strip_suffix(')'));
        let namespace = match object.kind.as_str() {
            "Namespace" => Some(object.name.as_str()),
            _ => object.namespace.as_deref(),
        };
        let workloads = ["Deployment", "StatefulSet", "SparkApplication"];
        let placed = || self.entries.iter().filter(|e| !e.layers.is_empty());
        let entry = component
            .and_then(|c| {
                placed().find(|e| workloads.contains(&e.kind.as_str()) && e.name.contains(c))
            })
            .or_else(|| {
                namespace.and_then(|ns| placed().find(|e| e.namespace.as_deref() == Some(ns)))
            })
            .or_else(|| placed().next())?;
        let mut found = self.locate(
            &ObjectRef::new(&entry.kind, entry.namespace.as_deref(), &entry.name),
            None,
        )?;
        found.field = Some(format!(
            "{object} is not in the manifests; shown at {}/{}",
            entry.kind, entry.name
        ));
        Some(found)
    }

    /// Where `object` (or its `field`) is.
    pub(crate) fn locate(
        &self,
        object: &ObjectRef,
        field: Option<&FieldRef>,
    ) -> Option<SourceLocation> {
        let target = field.and_then(|f| f.object.as_ref()).unwrap_or(object);
        let entry = self.entry(target);
        if let Some(field) = field {
            if let Some(found) = self.generated(target, field) {
                return Some(found);
            }
            if let Some(entry) = entry {
                for layer in entry.layers.iter().rev() {
                    if let Some(found) = self.in_layer(layer, entry, field) {
                        return Some(found);
                    }
                }
            }
        }
        // The object itself: the line of its name (of its generator's, when generated).
        let Some(entry) = self.entry(object).or(entry) else {
            return self.generator(object);
        };
        let layer = entry.layers.first()?;
        let index = self.index(layer);
        let doc = find_object(&index, layer.document, entry)?;
        let node = doc
            .node(&["metadata".to_string(), "name".to_string()])
            .or_else(|| doc.node(&[]))?;
        Some(location(&layer.file, node.key.unwrap_or(node.value), None))
    }

    fn entry(&self, object: &ObjectRef) -> Option<&Entry> {
        let candidates = || {
            self.entries
                .iter()
                .filter(|e| e.kind == object.kind && e.name == object.name && !e.layers.is_empty())
        };
        candidates()
            .find(|e| e.namespace == object.namespace)
            .or_else(|| candidates().find(|e| e.namespace.is_none()))
            .or_else(|| candidates().next())
    }

    /// The `name:` line of the generator that makes `object`.
    fn generator(&self, object: &ObjectRef) -> Option<SourceLocation> {
        let generator = self
            .generators
            .iter()
            .rev()
            .find(|g| g.kind == object.kind && name_matches(&object.name, &g.name))?;
        let pos = Pos {
            line: generator.line.unwrap_or(1),
            column: 1,
        };
        Some(location(&generator.file, pos, None))
    }

    /// A key of a generated ConfigMap or Secret: the file (or line) it was read from.
    fn generated(&self, target: &ObjectRef, field: &FieldRef) -> Option<SourceLocation> {
        let [data, key] = field.path.as_slice() else {
            return None;
        };
        if !matches!(data.as_str(), "data" | "binaryData" | "stringData") {
            return None;
        }
        let generated = self.keys.iter().rev().find(|k| {
            k.kind == target.kind && &k.key == key && name_matches(&target.name, &k.name)
        })?;
        let described = describe(field);
        match generated.line {
            Some(line) => Some(location(
                &generated.file,
                Pos { line, column: 1 },
                described,
            )),
            None => {
                let line = field.line.unwrap_or(1);
                let text = std::fs::read_to_string(&generated.file).ok()?;
                let column = text
                    .lines()
                    .nth(line - 1)
                    .map(|l| l.len() - l.trim_start().len() + 1)
                    .unwrap_or(1);
                Some(location(&generated.file, Pos { line, column }, described))
            }
        }
    }

    fn in_layer(&self, layer: &Layer, entry: &Entry, field: &FieldRef) -> Option<SourceLocation> {
        let index = self.index(layer);
        let doc = find_object(&index, layer.document, entry)?;
        let mut path = resolve(doc, &field.path)?;
        // A Secret's key written as text is under stringData, which the API
        // server moves into data.
        if doc.node(&path).is_none() && path.first().is_some_and(|p| p == "data") {
            path[0] = "stringData".into();
        }
        let node = doc.node(&path)?;
        let pos = match field.line {
            Some(line) => line_position(&layer.text, node, line)?,
            None => node.key.unwrap_or(node.value),
        };
        Some(location(&layer.file, pos, describe(field)))
    }

    fn index(&self, layer: &Layer) -> Rc<FileIndex> {
        self.indexes
            .borrow_mut()
            .entry(layer.file.clone())
            .or_insert_with(|| Rc::new(FileIndex::of(&layer.text)))
            .clone()
    }
}

/// The documents of `role` that make the built object `kind`/`name`.
fn matching<'a>(
    docs: &'a [SourceDoc],
    role: Role,
    kind: &'a str,
    name: &'a str,
) -> impl Iterator<Item = &'a SourceDoc> + 'a {
    docs.iter().filter(move |d| {
        d.role == role
            && d.kind == kind
            && match &d.name {
                Some(source) => name_matches(name, source),
                None => role == Role::Patch,
            }
    })
}

/// The object of `index` at `document`, when it is the entry's; else the
/// document of the same kind and name.
fn find_object<'a>(index: &'a FileIndex, document: usize, entry: &Entry) -> Option<&'a Object> {
    let fits = |o: &Object| o.kind() == Some(entry.kind.as_str());
    match index.objects.get(document) {
        Some(doc) if fits(doc) => Some(doc),
        _ => index
            .objects
            .iter()
            .find(|o| fits(o) && o.name().is_some_and(|n| name_matches(&entry.name, n))),
    }
}

/// `path` with each `name=NAME` segment turned into the index of the item so named.
fn resolve(doc: &Object, path: &[String]) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(path.len());
    for segment in path {
        match segment.strip_prefix("name=") {
            Some(wanted) => {
                let index = (0..10_000).find(|i| {
                    let mut probe = out.clone();
                    probe.push(i.to_string());
                    probe.push("name".into());
                    doc.node(&probe)
                        .and_then(|n| n.scalar.as_deref())
                        .is_some_and(|n| n == wanted)
                })?;
                out.push(index.to_string());
            }
            None => out.push(segment.clone()),
        }
    }
    Some(out)
}

fn describe(field: &FieldRef) -> Option<String> {
    let path = field
        .path
        .iter()
        .map(|s| s.strip_prefix("name=").unwrap_or(s))
        .collect::<Vec<_>>()
        .join(".");
    Some(match field.line {
        Some(line) => format!("{path}, line {line}"),
        None => path,
    })
}

fn location(file: &Path, pos: Pos, field: Option<String>) -> SourceLocation {
    SourceLocation {
        file: tidy(file).display().to_string(),
        line: pos.line.max(1),
        column: pos.column.max(1),
        field,
    }
}

/// `a/b/../c` as `a/c`, `./a` as `a`: the path a person would write.
pub(crate) fn tidy(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifests::read::parse_documents;

    const FILE: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: trino-worker\n  namespace: dp\nspec:\n  template:\n    spec:\n      containers:\n      - name: sidecar\n      - name: trino-worker\n        resources:\n          limits: {memory: 16Gi}\n---\nkind: ConfigMap\nmetadata:\n  name: trino-worker\n  namespace: dp\ndata:\n  jvm.config: |\n    -server\n    -Xmx24G\n";

    #[test]
    fn objects_fields_and_lines_of_embedded_files() {
        let manifests = parse_documents(Path::new("./repo/../trino.yaml"), FILE).unwrap();
        let locator = Locator::of_files(&manifests);
        let deployment = ObjectRef::namespaced("Deployment", "dp", "trino-worker");
        let at = locator.locate(&deployment, None).unwrap();
        assert_eq!((at.file.as_str(), at.line, at.column), ("trino.yaml", 4, 3));
        let limit = FieldRef::at(&[
            "spec",
            "template",
            "spec",
            "containers",
            "name=trino-worker",
            "resources",
            "limits",
            "memory",
        ]);
        let at = locator.locate(&deployment, Some(&limit)).unwrap();
        assert_eq!((at.line, at.column), (13, 20));
        assert_eq!(
            at.field.as_deref(),
            Some("spec.template.spec.containers.trino-worker.resources.limits.memory")
        );
        let config_map = ObjectRef::namespaced("ConfigMap", "dp", "trino-worker");
        let heap = FieldRef::config_map_line(&config_map, "jvm.config", 2);
        let at = locator.locate(&deployment, Some(&heap)).unwrap();
        assert_eq!((at.line, at.column), (22, 5));
        assert_eq!(at.to_string(), "trino.yaml:22:5");
        // A field that is not there: the object.
        let missing = FieldRef::at(&["spec", "nothing"]);
        assert_eq!(locator.locate(&deployment, Some(&missing)).unwrap().line, 4);
        assert!(
            locator
                .locate(&ObjectRef::namespaced("Secret", "dp", "x"), None)
                .is_none()
        );
    }

    #[test]
    fn paths_are_tidied() {
        assert_eq!(tidy(Path::new("./a/b/../c")), Path::new("a/c"));
        assert_eq!(tidy(Path::new("../a")), Path::new("../a"));
    }
}
