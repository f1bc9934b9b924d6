//! Reading `-f` arguments as kubectl does: a file, a directory (its
//! `.yaml`/`.yml`/`.json` files in name order; with `-R` its subdirectories
//! too), or `-` for standard input; multi-document YAML and JSON `List`s.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::Manifest;
use crate::error::{Error, Result};

/// The name a manifest read from standard input is reported under.
pub(crate) const STDIN: &str = "<stdin>";

/// Parses a multi-document YAML (or JSON) text; a malformed one names the file.
/// Empty documents are skipped, a `List` gives its items; each object keeps
/// its place in the file ([`Manifest::document`]) for locating it later.
pub fn parse_documents(source: &Path, text: &str) -> Result<Vec<Manifest>> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|e| Error::Input {
        path: source.to_path_buf(),
        reason: format!(
            "not valid YAML: {}",
            e.to_string().lines().next().unwrap_or("parse error")
        ),
    })?;
    let shared: Arc<str> = Arc::from(text);
    let mut out = Vec::new();
    let mut push = |value: Value| {
        let document = out.len();
        out.push(Manifest {
            source: source.to_path_buf(),
            value,
            document: Some(document),
            text: Some(shared.clone()),
        });
    };
    for doc in docs {
        match doc {
            Value::Null => {}
            Value::Object(ref map) if map.get("kind").and_then(Value::as_str) == Some("List") => {
                for item in map
                    .get("items")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    push(item.clone());
                }
            }
            Value::Object(_) => push(doc),
            _ => {
                return Err(Error::Input {
                    path: source.to_path_buf(),
                    reason: "a YAML document is not a Kubernetes object (expected a mapping with kind and metadata)".into(),
                });
            }
        }
    }
    Ok(out)
}

/// Reads `-f` arguments: a file, the .yaml/.yml/.json files of a directory
/// (with `recursive`, of its subdirectories too; kubectl's `-R`), in name
/// order, or `-` for stdin. Kustomization files in a directory are skipped
/// (`-k` builds them).
pub fn read_paths(
    paths: &[PathBuf],
    recursive: bool,
    stdin: &mut dyn std::io::Read,
) -> Result<Vec<Manifest>> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            stdin.read_to_string(&mut text).map_err(|e| Error::Input {
                path: path.clone(),
                reason: format!("could not read stdin: {e}"),
            })?;
            out.extend(parse_documents(Path::new(STDIN), &text)?);
            continue;
        }
        let mut files = Vec::new();
        collect_files(path, recursive, true, &mut files)?;
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|e| Error::Input {
                path: file.clone(),
                reason: format!("could not read: {e}"),
            })?;
            out.extend(parse_documents(&file, &text)?);
        }
    }
    Ok(out)
}

fn collect_files(path: &Path, recursive: bool, top: bool, files: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        reason: format!("cannot read it: {e}"),
    })?;
    if !meta.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    if !top && !recursive {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Error::Input {
            path: path.to_path_buf(),
            reason: format!("cannot list the directory: {e}"),
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_files(&entry, recursive, false, files)?;
        } else if is_manifest_file(&entry) {
            files.push(entry);
        }
    }
    Ok(())
}

/// A `.yaml`, `.yml` or `.json` file that is not a kustomization.
fn is_manifest_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        && !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("kustomization."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_yaml_names_the_file() {
        let err = parse_documents(Path::new("bad.yaml"), "kind: [unclosed").unwrap_err();
        assert!(
            err.to_string().starts_with("bad.yaml: not valid YAML"),
            "{err}"
        );
        let err = parse_documents(Path::new("list.yaml"), "- a\n- b\n").unwrap_err();
        assert!(err.to_string().contains("not a Kubernetes object"));
    }

    #[test]
    fn documents_lists_and_empty_documents_keep_their_place() {
        let text = "---\n---\nkind: A\nmetadata: {name: a}\n---\n{\"kind\": \"List\", \"items\": [{\"kind\": \"B\"}, {\"kind\": \"C\"}]}\n";
        let found = parse_documents(Path::new("m.yaml"), text).unwrap();
        let kinds: Vec<(&str, Option<usize>)> = found
            .iter()
            .map(|m| (m.value["kind"].as_str().unwrap(), m.document))
            .collect();
        assert_eq!(kinds, [("A", Some(0)), ("B", Some(1)), ("C", Some(2))]);
    }

    #[test]
    fn directories_are_read_flat_unless_recursive() {
        let dir = std::env::temp_dir().join(format!("dp-read-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("a.yaml"), "kind: A\n").unwrap();
        std::fs::write(dir.join("notes.txt"), "not yaml").unwrap();
        std::fs::write(dir.join("kustomization.yaml"), "resources: []\n").unwrap();
        std::fs::write(dir.join("sub/b.json"), "{\"kind\": \"B\"}").unwrap();
        let kinds = |recursive| -> Vec<String> {
            read_paths(std::slice::from_ref(&dir), recursive, &mut std::io::empty())
                .unwrap()
                .iter()
                .map(|m| m.value["kind"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(kinds(false), ["A"]);
        assert_eq!(kinds(true), ["A", "B"]);
        let stdin = read_paths(&["-".into()], false, &mut "kind: S\n".as_bytes()).unwrap();
        assert_eq!(stdin[0].source, Path::new(STDIN));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
