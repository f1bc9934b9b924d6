//! Installing and meeting kubectl-dp the way kubectl users do: the release archive
//! installed with the real krew (built by tests/tools/build), then used through the
//! real kubectl with only krew's bin directory on PATH; completion through
//! `kubectl __complete`; help and man pages; the release workflow linted.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

const SUITE: &str = env!("CARGO_BIN_EXE_kubectl-dp");

/// Where tests/tools/build put krew and actionlint (tests/run exports it).
fn tools_dir() -> PathBuf {
    let dir = std::env::var_os("KUBECTL_DP_TEST_TOOLS")
        .map(PathBuf::from)
        .expect("KUBECTL_DP_TEST_TOOLS is not set: run the tests with tests/run (it builds krew with tests/tools/build)");
    assert!(dir.join("krew").is_file(), "no krew in {}", dir.display());
    dir
}

fn run(command: &mut Command) -> Output {
    command.output().expect("spawn")
}

fn check(output: &Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what} failed ({:?}): {}{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
    stdout(output)
}

/// The debug binaries packed by scripts/dist, the manifest generated from them.
fn build_archive(dist: &Path) -> (PathBuf, PathBuf) {
    let target_dir = Path::new(SUITE).parent().unwrap().parent().unwrap();
    let output = run(Command::new(repo_root().join("scripts/dist"))
        .args([
            "--profile",
            "dev",
            "--no-build",
            "--fast",
            "--out",
            path_str(dist),
        ])
        .env("CARGO_TARGET_DIR", target_dir));
    let text = check(&output, "scripts/dist");
    let archive = PathBuf::from(text.lines().next().unwrap());
    let output = run(
        Command::new(repo_root().join("scripts/krew-manifest")).args([
            "--dist",
            path_str(dist),
            "--base-url",
            "https://example.invalid/{version}",
        ]),
    );
    let manifest = PathBuf::from(check(&output, "scripts/krew-manifest").trim());
    (archive, manifest)
}

#[test]
fn krew_installs_the_archive_and_kubectl_finds_everything() {
    let tools = tools_dir();
    let ns = TestNamespace::new("dp-krew");
    claim_and_limits(&ns.name);
    let work = tempdir("krew");
    let (archive, manifest) = build_archive(&work.join("dist"));

    check_archive_layout(&archive, &work);

    let krew_root = work.join("krew-root");
    let krew = |args: &[&str]| {
        run(Command::new(tools.join("krew"))
            .args(args)
            .env("KREW_ROOT", &krew_root)
            .env("KREW_NO_UPGRADE_CHECK", "1"))
    };
    let manifest_flag = format!("--manifest={}", manifest.display());
    let archive_flag = format!("--archive={}", archive.display());
    let installed = krew(&["install", &manifest_flag, &archive_flag]);
    check(&installed, "krew install");
    // krew prints the caveats: the commands that enable and remove completion.
    let caveats = caveats(&stderr(&installed));
    for command in [
        "kubectl dp completion install",
        "kubectl dp completion uninstall",
    ] {
        assert!(
            caveats.iter().any(|l| l.trim() == command),
            "{command} not in {caveats:?}"
        );
    }
    // krew keeps the binary, the man pages and the license; it links the binary.
    let store = krew_root.join(format!("store/dp/v{}", env!("CARGO_PKG_VERSION")));
    let mut kept = files_under(&store);
    kept.retain(|f| !f.starts_with("man/man1/"));
    assert_eq!(
        kept,
        ["LICENSE", "kubectl-dp"],
        "store: {:?}",
        files_under(&store)
    );
    assert_eq!(files_under(&krew_root.join("bin")), ["kubectl-dp"]);

    // Only krew's bin directory and kubectl: what a krew user has.
    let kubectl_dir = kubectl_path().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        krew_root.join("bin").display(),
        kubectl_dir.display()
    );
    let kubectl = |args: &[&str]| {
        run(Command::new(kubectl_path())
            .args(args)
            .env("PATH", &path)
            .env("KUBECONFIG", kubeconfig())
            .env("NO_COLOR", "1"))
    };
    let version = check(&kubectl(&["dp", "version"]), "kubectl dp version");
    assert!(version.starts_with("kubectl-dp 0."), "{version}");
    let status = check(
        &kubectl(&["dp", "status", "-n", &ns.name]),
        "kubectl dp status",
    );
    assert!(status.contains("Data platform status"), "{status}");
    let quota = kubectl(&["dp", "-n", &ns.name, "quota"]);
    assert!(
        quota.status.code() == Some(0),
        "{}{}",
        stdout(&quota),
        stderr(&quota)
    );

    check_caveats_manpath(&caveats, &path);

    // Completion: krew cannot put the helpers on PATH; the caveats' command does.
    let before = kubectl(&["__complete", "dp", "status", "--namespace", ""]);
    assert!(!stdout(&before).contains(&ns.name), "{}", stdout(&before));
    let enable: Vec<&str> = "kubectl dp completion install".split(' ').skip(1).collect();
    let installed = check(&kubectl(&enable), "completion install");
    assert!(
        installed.contains(path_str(&krew_root.join("bin"))),
        "{installed}"
    );
    let namespaces = check(
        &kubectl(&["__complete", "dp", "status", "--namespace", ""]),
        "kubectl __complete dp status --namespace",
    );
    assert!(namespaces.lines().any(|l| l == ns.name), "{namespaces}");
    // Contexts from the kubeconfig; claim names from the namespace typed with -n.
    let context = check(&kubectl(&["config", "current-context"]), "current-context");
    let contexts = check(
        &kubectl(&["__complete", "dp", "status", "--context", ""]),
        "kubectl __complete dp status --context",
    );
    assert!(contexts.lines().any(|l| l == context.trim()), "{contexts}");
    apply(&format!(
        "apiVersion: objectbucket.io/v1alpha1\nkind: ObjectBucketClaim\nmetadata: {{name: completed-claim, namespace: {}}}\nspec: {{generateBucketName: completed, storageClassName: rook-ceph-bucket}}\n",
        ns.name
    ));
    for words in [
        vec![
            "__complete",
            "dp",
            "buckets",
            "describe",
            "-n",
            &ns.name,
            "comp",
        ],
        vec![
            "__complete",
            "dp",
            "buckets",
            "--namespace",
            &ns.name,
            "check",
            "",
        ],
        vec![
            "__complete",
            "dp",
            &format!("--namespace={}", ns.name),
            "buckets",
            "delete",
            "",
        ],
    ] {
        let claims = check(&kubectl(&words), "kubectl __complete dp buckets");
        assert!(
            claims.lines().any(|l| l == "completed-claim"),
            "{words:?}: {claims}"
        );
    }
    let words = check(&kubectl(&["__complete", "dp", ""]), "kubectl __complete dp");
    for word in [
        "status",
        "tune",
        "perf",
        "quota",
        "buckets",
        "version",
        "completion",
    ] {
        let count = words
            .lines()
            .filter(|l| l.split('\t').next() == Some(word))
            .count();
        assert_eq!(count, 1, "'{word}' offered {count} times:\n{words}");
    }

    // Uninstall leaves nothing: first the helpers, then the plugin. krew refuses
    // to uninstall without a plugin index, which `krew update` clones from the
    // network: an empty local repository stands in for it.
    let index = krew_root.join("index/default");
    std::fs::create_dir_all(&index).unwrap();
    check(
        &run(Command::new("git").args(["init", "-q"]).current_dir(&index)),
        "git init",
    );
    let remove: Vec<&str> = "kubectl dp completion uninstall"
        .split(' ')
        .skip(1)
        .collect();
    let removed = check(&kubectl(&remove), "completion uninstall");
    assert!(removed.starts_with("removed 6 "), "{removed}");
    check(&krew(&["uninstall", "dp"]), "krew uninstall");
    let left: Vec<String> = files_under(&krew_root)
        .into_iter()
        .filter(|f| !f.starts_with("index/"))
        .collect();
    assert!(
        left.is_empty(),
        "left behind in {}: {left:?}",
        krew_root.display()
    );
}

/// The release archive: one binary (krew links only the one it runs), man pages
/// where MANPATH finds them, the generated shell scripts and the committed kubectl
/// helpers. No "./" member: unpacking must never change the mode of the directory
/// it lands in. The scripts are generated from this binary at packing time.
fn check_archive_layout(archive: &Path, work: &Path) {
    let listing = check(
        &run(Command::new("tar").args(["-tzf", path_str(archive)])),
        "tar -t",
    );
    let members: Vec<&str> = listing.lines().collect();
    assert!(!members.contains(&"./"), "{listing}");
    for member in [
        "kubectl-dp",
        "LICENSE",
        "README.md",
        "man/man1/kubectl-dp.1",
        "man/man1/kubectl-dp-status.1",
        "man/man1/kubectl-dp-tune-plan.1",
        "completions/kubectl-dp.bash",
        "completions/_kubectl-dp",
        "completions/kubectl-dp.fish",
        "completions/kubectl-dp.ps1",
        "completions/kubectl_complete-dp",
        "completions/kubectl_complete-dp-status",
    ] {
        assert!(
            members.contains(&member),
            "{member} missing from the archive:\n{listing}"
        );
    }
    let executables_at_top: Vec<&&str> = members
        .iter()
        .filter(|m| m.starts_with("kubectl") && !m.contains('/'))
        .collect();
    assert_eq!(executables_at_top, [&"kubectl-dp"], "{listing}");
    // The scripts are generated from this binary at packing time, not committed.
    let unpacked = work.join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    check(
        &run(Command::new("tar").args(["-xzf", path_str(archive), "-C", path_str(&unpacked)])),
        "tar -x",
    );
    let bash = check(
        &run(Command::new(SUITE).args(["completion", "bash"])),
        "completion bash",
    );
    assert_eq!(
        std::fs::read_to_string(unpacked.join("completions/kubectl-dp.bash")).unwrap(),
        bash
    );
}

/// The MANPATH line of krew's caveats, run in a POSIX shell with krew's bin
/// directory and the usual tools on PATH, finds the man pages (`man -w` too,
/// where man is installed).
fn check_caveats_manpath(caveats: &[String], path: &str) {
    let export = caveats
        .iter()
        .find(|l| l.trim().starts_with("export MANPATH="))
        .expect("a MANPATH line in the caveats");
    // In a POSIX shell with krew's bin directory and the usual tools on PATH.
    let manpath = check(
        &run(Command::new("/bin/sh")
            .args(["-c", &format!("{}; printf %s \"$MANPATH\"", export.trim())])
            .env("PATH", format!("{path}:/usr/bin:/bin"))),
        "the caveats' MANPATH line",
    );
    let man_dir = PathBuf::from(manpath.trim_end_matches(':'));
    assert!(
        man_dir.join("man1/kubectl-dp-status.1").is_file(),
        "{manpath}"
    );
    if Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let found = check(
            &run(Command::new("man")
                .args(["-w", "kubectl-dp-status"])
                .env("MANPATH", &manpath)),
            "man -w kubectl-dp-status",
        );
        assert!(
            found.trim().ends_with("man1/kubectl-dp-status.1"),
            "{found}"
        );
    }
}

/// The caveats krew printed, one line each, without krew's ` | ` indentation.
fn caveats(krew_output: &str) -> Vec<String> {
    krew_output
        .lines()
        .map(|l| l.trim_start_matches([' ', '|', '\\', '/']))
        .skip_while(|l| !l.starts_with("Caveats:"))
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// Every file and symlink under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(root, &path, found);
            } else {
                found.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, dir, &mut found);
    found.sort();
    found
}

#[test]
fn the_generated_manifest_follows_krews_rules() {
    let work = tempdir("manifest");
    let dist = work.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    for (platform, ext) in [
        ("linux-amd64", "tar.gz"),
        ("darwin-arm64", "tar.gz"),
        ("windows-amd64", "zip"),
    ] {
        let name = format!("kubectl-dp-v{version}-{platform}.{ext}");
        std::fs::write(
            dist.join(format!("{name}.sha256")),
            format!("{}  {name}\n", "ab".repeat(32)),
        )
        .unwrap();
    }
    let output =
        run(Command::new(repo_root().join("scripts/krew-manifest"))
            .args(["--dist", path_str(&dist)]));
    let manifest = std::fs::read_to_string(check(&output, "krew-manifest").trim()).unwrap();
    assert!(
        manifest.contains(&format!("version: \"v{version}\"")),
        "{manifest}"
    );
    assert!(manifest.contains("  name: dp\n"), "{manifest}");
    assert_eq!(manifest.matches("- selector:").count(), 3, "{manifest}");
    assert!(manifest.contains("bin: kubectl-dp.exe"), "{manifest}");
    assert_eq!(
        manifest.matches("bin: kubectl-dp\n").count(),
        2,
        "{manifest}"
    );
    // krew keeps what it needs: the binary it links, the man pages, the license.
    let kept: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- from: "))
        .collect();
    assert_eq!(
        kept,
        [
            "kubectl-dp",
            "man",
            "LICENSE",
            "kubectl-dp",
            "man",
            "LICENSE",
            "kubectl-dp.exe",
            "man",
            "LICENSE"
        ],
        "{manifest}"
    );
    let short = manifest
        .lines()
        .find(|l| l.contains("shortDescription:"))
        .unwrap();
    assert!(short.len() - "  shortDescription: ".len() <= 70, "{short}");

    // Two archives for one platform are refused, as krew would refuse the selectors.
    let name = format!("kubectl-dp-v{version}-linux-amd64.zip");
    std::fs::write(
        dist.join(format!("{name}.sha256")),
        format!("{}  {name}\n", "cd".repeat(32)),
    )
    .unwrap();
    let output =
        run(Command::new(repo_root().join("scripts/krew-manifest"))
            .args(["--dist", path_str(&dist)]));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("two archives for linux/amd64"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_release_workflow_passes_actionlint() {
    let tools = tools_dir();
    let output = run(Command::new(tools.join("actionlint"))
        .arg(".github/workflows/release.yml")
        .current_dir(repo_root()));
    check(&output, "actionlint");
}

#[test]
fn help_for_a_command_is_the_commands_own_help() {
    let help = check(
        &run(Command::new(SUITE).args(["help", "status"])),
        "kubectl dp help status",
    );
    let own = check(
        &run(Command::new(SUITE).args(["status", "--help"])),
        "kubectl dp status --help",
    );
    assert_eq!(help, own);
    assert!(help.contains("kubectl dp status"), "{help}");
    let unknown = run(Command::new(SUITE).args(["help", "nope"]));
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown command 'nope'"),
        "{}",
        stderr(&unknown)
    );
    // --version answers without running anything else.
    let version = check(&run(Command::new(SUITE).arg("--version")), "--version");
    assert_eq!(
        version.trim(),
        format!("kubectl-dp {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn man_pages_cover_every_command_and_subcommand() {
    let work = tempdir("man");
    check(
        &run(Command::new(SUITE).args(["__man", path_str(&work)])),
        "__man",
    );
    for page in [
        "kubectl-dp.1",
        "kubectl-dp-status.1",
        "kubectl-dp-quota.1",
        "kubectl-dp-quota-check.1",
        "kubectl-dp-tune-rollback.1",
        "kubectl-dp-buckets-create.1",
    ] {
        let text =
            std::fs::read_to_string(work.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(
            text.starts_with(".ie") || text.contains(".TH"),
            "{page} is not roff:\n{text}"
        );
    }
    // man(1) can render it, when man is installed here.
    if Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let rendered = run(Command::new("man")
            .arg(work.join("kubectl-dp-status.1"))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100"));
        assert!(
            stdout(&rendered).contains("--fail-on"),
            "{}",
            stderr(&rendered)
        );
    }
}

/// A fresh directory under target/, removed when the test passes (kept for
/// reading when it fails). An archive of the debug build is a few hundred MB.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn tempdir(what: &str) -> TempDir {
    let dir = repo_root()
        .join("target/test-tmp")
        .join(format!("{what}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}
