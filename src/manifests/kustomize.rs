//! `-k DIR`: the kustomization built as `kubectl kustomize` builds it (no API
//! access), and where each built object came from in the files of the tree:
//! the resource that defines it, the strategic-merge patches that change it
//! (overlays after their bases, as kustomize applies them), and for generated
//! ConfigMaps and Secrets the file or literal each key was read from.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::Manifest;
use super::read::parse_documents;
use crate::error::{Error, Result};

/// The kubectl that builds kustomizations: `$KUBECTL` when set, else `kubectl` on PATH.
pub fn kubectl_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("KUBECTL").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    which::which("kubectl")
        .map_err(|_| Error::Usage("-k needs kubectl to build the kustomization: put kubectl on PATH or set KUBECTL=/path/to/kubectl".into()))
}

/// The line of `name: NAME` in a kustomization (a generator's name).
fn name_line(text: &str, name: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim().trim_start_matches("- ").trim();
            l.strip_prefix("name:")
                .is_some_and(|v| v.trim().trim_matches(['"', '\'']) == name)
        })
        .map(|i| i + 1)
}

/// The reason in kubectl's first error line, without klog's prefix
/// (`E1206 07:33:37.95 10511 run.go:72] "command failed" err="REASON"`).
fn kustomize_error(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message")
        .trim();
    match line.split_once(" err=\"") {
        Some((_, reason)) => reason
            .strip_suffix('"')
            .unwrap_or(reason)
            .replace("\\\"", "\"")
            .replace("\\n", " "),
        None => line.strip_prefix("error: ").unwrap_or(line).to_string(),
    }
}

/// Builds a kustomization with `kubectl kustomize DIR` (no API access).
pub fn build(dir: &Path) -> Result<Vec<Manifest>> {
    let kubectl = kubectl_binary()?;
    let output = std::process::Command::new(&kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .map_err(|e| {
            Error::Usage(format!(
                "could not run {} kustomize: {e}",
                kubectl.display()
            ))
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Error::Input {
            path: dir.to_path_buf(),
            reason: format!("kubectl kustomize failed: {}", kustomize_error(&stderr)),
        });
    }
    let mut built = parse_documents(dir, &String::from_utf8_lossy(&output.stdout))?;
    // The build's output is no file a person edits: positions come from the tree.
    for m in &mut built {
        m.document = None;
        m.text = None;
    }
    Ok(built)
}

/// What a document of the tree is to the objects kustomize builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A resource: it defines the object.
    Resource,
    /// A strategic-merge patch: the fields it holds win over the resource's.
    Patch,
}

/// One object document of a file in the tree.
#[derive(Debug, Clone)]
pub(crate) struct SourceDoc {
    /// The file.
    pub file: PathBuf,
    /// Its text.
    pub text: Arc<str>,
    /// Which object of the file (as [`Manifest::document`]).
    pub document: usize,
    /// Resource or patch.
    pub role: Role,
    /// The object's kind (for a patch with a target: the target's).
    pub kind: String,
    /// The object's name (for a patch with a target: the target's, if it names one).
    pub name: Option<String>,
}

/// Where a key of a generated ConfigMap or Secret was read from.
#[derive(Debug, Clone)]
pub(crate) struct GeneratedKey {
    /// `ConfigMap` or `Secret`.
    pub kind: &'static str,
    /// The generator's name (kustomize may add a hash suffix).
    pub name: String,
    /// The key.
    pub key: String,
    /// The file holding its value (`files:`), or the kustomization (`literals:`)
    /// or env file (`envs:`) holding its line.
    pub file: PathBuf,
    /// For a literal or env line: that line; for a whole file: `None` (line 1 is the file's first).
    pub line: Option<usize>,
}

/// Where the objects of a kustomization tree come from, in the order
/// kustomize applies them (a base before the overlay that uses it).
#[derive(Debug, Clone, Default)]
pub(crate) struct Provenance {
    /// Resources and patches.
    pub docs: Vec<SourceDoc>,
    /// Keys of generated ConfigMaps and Secrets.
    pub keys: Vec<GeneratedKey>,
    /// Each generator: its kind and name, and the line of its `name:` in its kustomization.
    pub generators: Vec<GeneratedKey>,
}

/// The names kustomize accepts for a kustomization file.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.is_file())
}

impl Provenance {
    /// Walks the kustomization at `dir` and every local base and component it
    /// names. Remote bases, unreadable files and documents that are not
    /// objects are skipped: they only cost a place to point at, never the build.
    pub fn of(dir: &Path) -> Provenance {
        let mut provenance = Provenance::default();
        let mut seen = Vec::new();
        provenance.walk(dir, &mut seen, 0);
        provenance
    }

    fn walk(&mut self, dir: &Path, seen: &mut Vec<PathBuf>, depth: usize) {
        let Some(file) = kustomization_file(dir) else {
            return;
        };
        let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if depth > 32 || seen.contains(&canonical) {
            return;
        }
        seen.push(canonical);
        let Ok(text) = std::fs::read_to_string(&file) else {
            return;
        };
        let Ok(k) = serde_saphyr::from_str::<Value>(&text) else {
            return;
        };
        let list = |key: &str| -> Vec<Value> {
            k.get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        for entry in list("resources")
            .iter()
            .chain(list("bases").iter())
            .chain(list("components").iter())
            .filter_map(Value::as_str)
        {
            if entry.contains("://") || entry.starts_with("github.com/") {
                continue;
            }
            let path = dir.join(entry);
            if path.is_dir() {
                self.walk(&path, seen, depth + 1);
            } else {
                self.add_file(&path, Role::Resource, None);
            }
        }
        for (generator, kind) in [
            ("configMapGenerator", "ConfigMap"),
            ("secretGenerator", "Secret"),
        ] {
            for g in list(generator) {
                self.add_generator(dir, &file, &text, &g, kind);
            }
        }
        for entry in list("patchesStrategicMerge")
            .iter()
            .filter_map(Value::as_str)
        {
            let path = dir.join(entry);
            if path.is_file() {
                self.add_file(&path, Role::Patch, None);
            }
        }
        for patch in list("patches") {
            let Some(path) = patch.get("path").and_then(Value::as_str) else {
                continue;
            };
            let target = patch.get("target").map(|t| {
                (
                    t.get("kind")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    t.get("name").and_then(Value::as_str).map(String::from),
                )
            });
            self.add_file(&dir.join(path), Role::Patch, target);
        }
    }

    fn add_file(&mut self, path: &Path, role: Role, target: Option<(String, Option<String>)>) {
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        // A JSON 6902 patch (a list of operations) is no object: nothing to point at.
        let Ok(found) = parse_documents(path, &text) else {
            return;
        };
        for m in found {
            let (kind, name) = match &target {
                Some((kind, name)) if !kind.is_empty() => (kind.clone(), name.clone()),
                _ => (
                    m.value["kind"].as_str().unwrap_or("").to_string(),
                    m.value["metadata"]["name"].as_str().map(String::from),
                ),
            };
            self.docs.push(SourceDoc {
                file: path.to_path_buf(),
                text: m.text.clone().unwrap_or_else(|| Arc::from("")),
                document: m.document.unwrap_or(0),
                role,
                kind,
                name,
            });
        }
    }

    fn add_generator(
        &mut self,
        dir: &Path,
        file: &Path,
        text: &str,
        g: &Value,
        kind: &'static str,
    ) {
        let Some(name) = g.get("name").and_then(Value::as_str) else {
            return;
        };
        self.generators.push(GeneratedKey {
            kind,
            name: name.to_string(),
            key: String::new(),
            file: file.to_path_buf(),
            line: name_line(text, name),
        });
        let strings = |key: &str| -> Vec<String> {
            g.get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        };
        for entry in strings("files") {
            let (key, path) = match entry.split_once('=') {
                Some((key, path)) => (key.to_string(), path.to_string()),
                None => (
                    Path::new(&entry)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    entry.clone(),
                ),
            };
            self.keys.push(GeneratedKey {
                kind,
                name: name.to_string(),
                key,
                file: dir.join(path),
                line: None,
            });
        }
        for literal in strings("literals") {
            let Some((key, _)) = literal.split_once('=') else {
                continue;
            };
            let line = text
                .lines()
                .position(|l| l.contains(&format!("{key}=")))
                .map(|i| i + 1);
            self.keys.push(GeneratedKey {
                kind,
                name: name.to_string(),
                key: key.to_string(),
                file: file.to_path_buf(),
                line,
            });
        }
        let mut envs = strings("envs");
        envs.extend(g.get("env").and_then(Value::as_str).map(String::from));
        for env in envs {
            self.add_env_file(&dir.join(&env), kind, name);
        }
    }

    /// The keys of an env file (`KEY=value` lines) of generator `kind`/`name`.
    fn add_env_file(&mut self, path: &Path, kind: &'static str, name: &str) {
        let Ok(content) = std::fs::read_to_string(path) else {
            return;
        };
        for (i, line) in content.lines().enumerate() {
            let line_text = line.trim();
            if line_text.starts_with('#') {
                continue;
            }
            if let Some((key, _)) = line_text.split_once('=') {
                self.keys.push(GeneratedKey {
                    kind,
                    name: name.to_string(),
                    key: key.trim().to_string(),
                    file: path.to_path_buf(),
                    line: Some(i + 1),
                });
            }
        }
    }
}

/// Whether a built name is the source's, perhaps with a prefix, suffix or hash.
pub(crate) fn name_matches(built: &str, source: &str) -> bool {
    built == source || (!source.is_empty() && built.contains(source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_errors_lose_klog_prefixes() {
        let klog = "E1206 07:33:37.950706   10511 run.go:72] \"command failed\" err=\"unable to find one of 'kustomization.yaml' in directory '/x'\"\n";
        assert_eq!(
            kustomize_error(klog),
            "unable to find one of 'kustomization.yaml' in directory '/x'"
        );
        assert_eq!(kustomize_error("error: no such dir\n"), "no such dir");
    }

    #[test]
    fn the_broken_overlay_traces_to_its_files() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken");
        let p = Provenance::of(&root);
        // The overlay's jvm.config wins over the base's: it comes later.
        let jvm: Vec<&GeneratedKey> = p
            .keys
            .iter()
            .filter(|k| k.name == "trino-worker" && k.key == "jvm.config")
            .collect();
        assert_eq!(jvm.len(), 2);
        assert!(jvm[1].file.ends_with("broken/trino-worker/jvm.config"));
        assert!(jvm[0].file.ends_with("platform/trino/worker/jvm.config"));
        let patch = p
            .docs
            .iter()
            .find(|d| d.role == Role::Patch && d.name.as_deref() == Some("daily-ingest"))
            .unwrap();
        assert!(patch.file.ends_with("daily-ingest-jars-packages.yaml"));
        assert!(p.docs.iter().any(|d| d.role == Role::Resource
            && d.kind == "Secret"
            && d.file.ends_with("trino-db-password.yaml")));
    }
}
