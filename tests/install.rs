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

    // No "./" member: unpacking must never change the mode of the directory it lands in.
    let listing = check(
        &run(Command::new("tar").args(["-tzvf", path_str(&archive)])),
        "tar -t",
    );
    assert!(!listing.lines().any(|l| l.ends_with(" ./")), "{listing}");
    for member in [
        "kubectl-dp",
        "kubectl-dp-status",
        "LICENSE",
        "README.md",
        "kubectl_complete-dp-status",
        "man/kubectl-dp-status.1",
    ] {
        assert!(
            listing.lines().any(|l| l.ends_with(&format!(" {member}"))),
            "{member} missing from the archive:\n{listing}"
        );
    }

    let krew_root = work.join("krew-root");
    let krew = |args: &[&str]| {
        run(Command::new(tools.join("krew"))
            .args(args)
            .env("KREW_ROOT", &krew_root)
            .env("KREW_NO_UPGRADE_CHECK", "1"))
    };
    let manifest_flag = format!("--manifest={}", manifest.display());
    let archive_flag = format!("--archive={}", archive.display());
    check(
        &krew(&["install", &manifest_flag, &archive_flag]),
        "krew install",
    );

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

    // Completion: krew cannot put the helpers on PATH; `completion install` does.
    let before = kubectl(&["__complete", "dp", "status", "--namespace", ""]);
    assert!(!stdout(&before).contains(&ns.name), "{}", stdout(&before));
    let installed = check(
        &kubectl(&["dp", "completion", "install"]),
        "completion install",
    );
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
    check(
        &kubectl(&["dp", "completion", "uninstall"]),
        "completion uninstall",
    );
    check(&krew(&["uninstall", "dp"]), "krew uninstall");
    let left: Vec<String> = std::fs::read_dir(krew_root.join("bin"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        left.iter().all(|n| !n.contains("dp")),
        "left behind in bin: {left:?}"
    );
    assert!(!krew_root.join("store/dp").exists(), "store/dp left behind");
    assert!(
        !krew_root.join("receipts/dp.yaml").exists(),
        "receipt left behind"
    );
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

/// A fresh directory under target/, removed when the test passes.
fn tempdir(what: &str) -> PathBuf {
    let dir = repo_root()
        .join("target/test-tmp")
        .join(format!("{what}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
