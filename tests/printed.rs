//! Every command the suite prints for the user to run is run here, the way the
//! user would (`kubectl dp ...` through kubectl's plugin lookup), and must do what
//! it says: `tune plan`'s apply command (with the plan's profile, and
//! `--force-conflicts` when the objects were applied with plain `kubectl apply`,
//! said before the first apply fails), and `tune apply`'s rollback command (this
//! backup, restoring exactly what was there).

mod common;

use std::process::Output;

use common::*;

const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");

/// The command between the backticks after `marker` in `text`.
fn printed_after(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("no `{marker}` in:\n{text}"))
        + marker.len();
    let rest = &text[start..];
    rest[..rest.find('`').expect("closing backtick")].to_string()
}

/// Runs a printed `kubectl dp ...` command as a shell would, with kubectl and the
/// suite's binaries on PATH, plus `extra` (`--yes`: the test has no terminal).
fn run_printed(command: &str, extra: &str) -> Output {
    assert!(command.starts_with("kubectl dp "), "{command}");
    let bin_dir = std::path::Path::new(TUNE).parent().unwrap();
    let kubectl_dir = kubectl_path()
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    let path = format!(
        "{kubectl_dir}:{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::process::Command::new("sh")
        .args(["-c", &format!("{command} {extra}")])
        .env("PATH", path)
        .env("KUBECONFIG", kubeconfig())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn data_of(namespace: &str, config_map: &str) -> String {
    kubectl(&[
        "get",
        "configmap",
        config_map,
        "-n",
        namespace,
        "-o",
        "jsonpath={.data}",
    ])
}

#[test]
fn the_printed_apply_and_rollback_commands_do_what_they_say() {
    let ns = TestNamespace::new("dp-printed");
    let n = ns.name.as_str();
    // Applied with plain kubectl apply: kubectl-client-side-apply owns the files.
    let applied = kubectl_output(&["apply", "-n", n, "-f", "-"], Some(HOT_TRINO_WORKER));
    assert!(applied.status.success(), "{}", stderr(&applied));
    let before = data_of(n, "trino-worker");

    let plan = dp(TUNE, &["plan", "-n", n, "--profile", "throughput"]);
    assert_eq!(plan.status.code(), Some(1), "{}", stderr(&plan));
    let text = stdout(&plan);
    // Said before anyone applies: which fields another manager owns, and the flag.
    assert!(
        text.contains("warning: apply needs --force-conflicts: kubectl-client-side-apply manages configmap/trino-worker .data.jvm.config"),
        "{text}"
    );
    let apply = printed_after(&text, "apply with `");
    assert_eq!(
        apply,
        format!("kubectl dp tune apply -n {n} --profile throughput --force-conflicts")
    );

    // The warning is true: without the flag the apply stops before writing anything.
    let without = apply.replace(" --force-conflicts", "");
    let refused = run_printed(&without, "--yes");
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    assert!(
        stderr(&refused).contains("kubectl-client-side-apply"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(data_of(n, "trino-worker"), before, "nothing was written");

    // The printed command applies the plan that was shown: afterwards the same
    // profile has nothing left to change.
    let applied = run_printed(&apply, "--yes");
    assert_eq!(
        applied.status.code(),
        Some(0),
        "{}{}",
        stdout(&applied),
        stderr(&applied)
    );
    let again = dp(TUNE, &["plan", "-n", n, "--profile", "throughput"]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    assert!(
        stdout(&again).contains("nothing to change"),
        "{}",
        stdout(&again)
    );
    assert_ne!(data_of(n, "trino-worker"), before);

    // The rollback it prints names this backup and restores exactly what was there.
    let rollback = printed_after(&stdout(&applied), "(undo with `");
    assert!(
        rollback.starts_with(&format!(
            "kubectl dp tune rollback -n {n} --backup kubectl-dp-tune-backup-"
        )),
        "{rollback}"
    );
    let restored = run_printed(&rollback, "--yes");
    assert_eq!(
        restored.status.code(),
        Some(0),
        "{}{}",
        stdout(&restored),
        stderr(&restored)
    );
    assert_eq!(data_of(n, "trino-worker"), before);
}

#[test]
fn the_apply_command_of_the_default_profile_carries_no_flags_it_does_not_need() {
    let ns = TestNamespace::new("dp-printed-plain");
    let n = ns.name.as_str();
    // Written by kubectl-dp itself (server-side, our field manager): no conflict.
    let applied = kubectl_output(
        &[
            "apply",
            "--server-side",
            "--field-manager",
            "kubectl-dp",
            "-n",
            n,
            "-f",
            "-",
        ],
        Some(HOT_TRINO_WORKER),
    );
    assert!(applied.status.success(), "{}", stderr(&applied));
    let plan = stdout(&dp(TUNE, &["plan", "-n", n]));
    assert!(!plan.contains("--force-conflicts"), "{plan}");
    let apply = printed_after(&plan, "apply with `");
    assert_eq!(apply, format!("kubectl dp tune apply -n {n}"));
    let done = run_printed(&apply, "--yes");
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}{}",
        stdout(&done),
        stderr(&done)
    );
    assert!(stdout(&dp(TUNE, &["plan", "-n", n])).contains("nothing to change"));
}

#[test]
fn the_commands_in_hints_and_errors_do_what_they_say() {
    let ns = TestNamespace::new("dp-printed-hints");
    let n = ns.name.as_str();
    pending_claim(n, "scratch");
    // status: a namespace without a ResourceQuota; the fix names the command
    // that proposes one, for this namespace.
    const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");
    let report: serde_json::Value =
        serde_json::from_slice(&dp(STATUS, &["-n", n, "-o", "json"]).stdout).unwrap();
    let hints: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["hint"].as_str())
        .filter(|h| h.contains("`kubectl dp quota plan"))
        .map(str::to_string)
        .collect();
    assert!(!hints.is_empty(), "{report:#}");
    let plan = printed_after(&hints[0], "`");
    assert_eq!(plan, format!("kubectl dp quota plan -n {n}"));
    let proposed = run_printed(&plan, "");
    assert_eq!(proposed.status.code(), Some(0), "{}", stderr(&proposed));
    let yaml = stdout(&proposed);
    assert!(
        yaml.contains("kind: ResourceQuota") && yaml.contains(&format!("namespace: {n}")),
        "{yaml}"
    );

    // A mistyped claim: the error names the command that lists the real ones.
    const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");
    let missing = dp(BUCKETS, &["describe", "scratc", "-n", n]);
    assert_eq!(missing.status.code(), Some(2));
    let err = stderr(&missing);
    assert!(err.contains("did you mean scratch?"), "{err}");
    let list = printed_after(&err, "(`");
    assert_eq!(list, format!("kubectl dp buckets list -n {n}"));
    let listed = run_printed(&list, "-o name");
    assert_eq!(
        stdout(&listed),
        "objectbucketclaim.objectbucket.io/scratch\n",
        "{}",
        stderr(&listed)
    );
}
