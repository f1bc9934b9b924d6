//! Manifests as kubectl reads them (`-f FILE|DIR|-`, `-R`, `-k DIR`), with
//! where each object came from: shared by `quota check` (will it fit?),
//! `status -f/-k` (is it right?) and `tune plan -f/-k` (what to change).
//! Positions are found only for what a report points at ([`locate`]).

pub mod embedded;
pub mod kustomize;
pub mod locate;
pub mod position;
pub mod read;

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

pub use kustomize::kubectl_binary;
pub use locate::Locator;
pub use read::{parse_documents, read_paths};

/// One object read from a manifest, with where it came from.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The file (or `<stdin>`, or the kustomization directory) it was read from.
    pub source: PathBuf,
    /// The object as parsed.
    pub value: Value,
    /// Which object of the file it is (empty documents skipped, a `List`'s
    /// items counted one by one); `None` for a kustomization's build.
    pub document: Option<usize>,
    /// The file's text (shared by its objects), to locate fields later.
    pub text: Option<Arc<str>>,
}

/// The manifests `-f`/`-R`/`-k` name, and how to find their objects in the files.
pub struct Read {
    /// Every object, files first (in the order given), then the kustomization's.
    pub manifests: Vec<Manifest>,
    /// Where each object (and field) is written.
    pub locator: Locator,
}

/// Reads `-f` paths (with `recursive`: kubectl's `-R`) and a `-k` directory.
pub fn read(
    files: &[PathBuf],
    recursive: bool,
    kustomization: Option<&std::path::Path>,
    stdin: &mut dyn std::io::Read,
) -> crate::error::Result<Read> {
    let mut manifests = read_paths(files, recursive, stdin)?;
    let mut locator = Locator::of_files(&manifests);
    if let Some(dir) = kustomization {
        let built = kustomize::build(dir)?;
        let traced = Locator::of_kustomization(&built, kustomize::Provenance::of(dir));
        locator.merge(traced);
        manifests.extend(built);
    }
    Ok(Read { manifests, locator })
}
