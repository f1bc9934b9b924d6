//! Shell completion for the suite, two ways:
//!
//! - through kubectl (1.26+): for `kubectl dp status -n <TAB>` kubectl runs
//!   `kubectl_complete-dp-status` with the words typed so far and reads candidates
//!   from its stdout ([`kubectl_protocol`]). `kubectl dp completion install` writes
//!   those helpers beside the installed plugin, since krew cannot.
//!   `kubectl dp completion uninstall` removes them again (krew does not know them).
//! - typed directly (`kubectl-dp status <TAB>`): static scripts for bash, zsh,
//!   fish and PowerShell generated from the clap definitions
//!   (`kubectl dp completion <shell>`; scripts/dist packs them into the release
//!   archive). Only the small kubectl helpers are committed, in `completions/`.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueHint;

use super::{BUILTINS, COMMANDS, command_definitions};
use crate::error::{Error, Exit, Result};

/// cobra's directives: the shell completes file names (default) or does not.
const DIRECTIVE_DEFAULT: u8 = 0;
const DIRECTIVE_NO_FILES: u8 = 4;

/// `kubectl_complete-dp[-<command>] ARGS...`, also reachable as
/// `kubectl dp __complete <command> ARGS...`: one candidate per line,
/// `value<TAB>help`, then `:<directive>`. Never fails loudly: a completion that
/// cannot answer offers nothing.
pub(crate) fn kubectl_protocol(args: Vec<OsString>) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let (candidates, directive) = candidates(args);
    let mut text = String::new();
    for (value, help) in candidates {
        let help = help.lines().next().unwrap_or_default();
        if help.is_empty() {
            text.push_str(&format!("{value}\n"));
        } else {
            text.push_str(&format!("{value}\t{help}\n"));
        }
    }
    text.push_str(&format!(":{directive}\n"));
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Exit::Ok.into(),
        Err(_) => Exit::Failed.into(),
    }
}

/// The candidates for the words typed after `kubectl dp`, the last being the one
/// under the cursor.
fn candidates(args: Vec<OsString>) -> (Vec<(String, String)>, u8) {
    // Connection flags may come before the command (`kubectl dp -n NS buckets …`,
    // as the suite accepts them): they move behind it. Without a command word the
    // word under the cursor is a leading flag's value (`kubectl dp -n <TAB>`), which
    // any command's definition completes.
    let mut words = args;
    let first = match super::command_position(&words) {
        Some(at) => words.remove(at).to_string_lossy().into_owned(),
        None if words.len() > 1 => "status".to_string(),
        None => words
            .pop()
            .map(|w| w.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let Some((_, mut command)) = command_definitions()
        .into_iter()
        .find(|(name, _)| *name == first)
    else {
        // `kubectl dp <TAB>`: the word being typed is `first`.
        return (top_level_words(&first, on_path), DIRECTIVE_NO_FILES);
    };
    let mut argv = vec![OsString::from(format!("kubectl-dp-{first}"))];
    argv.extend(words);
    if argv.len() == 1 {
        argv.push(OsString::new());
    }
    if expects_path(&command, &argv[1..]) {
        // Let the shell complete file and directory names the way it always does.
        return (Vec::new(), DIRECTIVE_DEFAULT);
    }
    crate::cli::values::use_typed_connection(&argv[1..]);
    let index = argv.len() - 1;
    let candidates = clap_complete::engine::complete(&mut command, argv, index, None)
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            let help = c.get_help().map(|h| h.to_string()).unwrap_or_default();
            (c.get_value().to_string_lossy().into_owned(), help)
        })
        .collect();
    (candidates, DIRECTIVE_NO_FILES)
}

/// Whether a `kubectl-dp-<command>` launcher is on PATH (kubectl then lists that
/// command itself).
fn on_path(command: &str) -> bool {
    which::which(format!("kubectl-dp-{command}")).is_ok()
}

/// The words after `kubectl dp` that start with `prefix`. kubectl already offers
/// the commands whose `kubectl-dp-<command>` it finds on PATH; those are left out
/// so no word is offered twice.
fn top_level_words(prefix: &str, found_by_kubectl: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    COMMANDS
        .iter()
        .filter(|(name, _)| !found_by_kubectl(name))
        .chain(BUILTINS)
        .filter(|(name, _)| name.starts_with(prefix))
        .map(|(name, about)| (name.to_string(), about.to_string()))
        .collect()
}

/// Whether the last word is the value of a flag that takes a file or directory
/// (`--kubeconfig <TAB>`, `-f <TAB>`, `--dir=<TAB>`), looking in the subcommand the
/// earlier words chose.
fn expects_path(root: &clap::Command, words: &[OsString]) -> bool {
    let words: Vec<String> = words
        .iter()
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    let Some((current, before)) = words.split_last() else {
        return false;
    };
    let mut command = root;
    for word in before {
        if let Some(sub) = command.find_subcommand(word) {
            command = sub;
        }
    }
    let arg_for = |flag: &str| {
        command.get_arguments().find(|a| {
            if let Some(long) = flag.strip_prefix("--") {
                a.get_long() == Some(long)
            } else if let Some(short) = flag.strip_prefix('-') {
                short.len() == 1 && a.get_short().map(String::from).as_deref() == Some(short)
            } else {
                false
            }
        })
    };
    let is_path = |arg: &clap::Arg| {
        arg.get_action().takes_values()
            && matches!(
                arg.get_value_hint(),
                ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath
            )
    };
    if current.starts_with("--")
        && let Some((flag, _)) = current.split_once('=')
    {
        return arg_for(flag).is_some_and(is_path);
    }
    before
        .last()
        .and_then(|previous| arg_for(previous))
        .is_some_and(is_path)
}

/// The whole suite as one clap command, `kubectl-dp <command> ...`, for the static
/// shell scripts.
pub(crate) fn suite_command() -> clap::Command {
    let mut suite = clap::Command::new("kubectl-dp")
        .about("Run a Trino/Iceberg/Spark data platform on Kubernetes")
        .version(super::VERSION);
    for (name, command) in command_definitions() {
        suite = suite.subcommand(command.name(name).bin_name(format!("kubectl-dp {name}")));
    }
    // clap adds `help` itself.
    for (name, about) in BUILTINS.iter().filter(|(name, _)| *name != "help") {
        suite = suite.subcommand(clap::Command::new(*name).about(*about));
    }
    suite
}

/// A static completion script for `kubectl-dp` in one shell.
pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut suite_command(), "kubectl-dp", &mut out);
    out
}

/// The kubectl completion helpers: file name and contents, one per command plus
/// `kubectl_complete-dp` for the first word.
pub(crate) fn kubectl_helpers() -> Vec<(String, String)> {
    let mut helpers = vec![(
        "kubectl_complete-dp".to_string(),
        helper_script("kubectl dp", ""),
    )];
    for (name, _) in COMMANDS {
        helpers.push((
            format!("kubectl_complete-dp-{name}"),
            helper_script(&format!("kubectl dp {name}"), name),
        ));
    }
    helpers
}

/// The line that marks a helper as ours, so `uninstall` removes nothing else.
const HELPER_MARK: &str = "Written by `kubectl dp completion install`";

fn helper_script(what: &str, command: &str) -> String {
    let command = if command.is_empty() {
        String::new()
    } else {
        format!(" {command}")
    };
    format!(
        "#!/bin/sh\n# kubectl runs this for `{what} <TAB>` (kubectl >= 1.26 plugin completion).\n# {HELPER_MARK}.\nexec kubectl-dp __complete{command} \"$@\"\n"
    )
}

/// `kubectl dp completion <shell>` prints a script; `kubectl dp completion install
/// [--dir DIR]` writes the kubectl helpers, `uninstall [--dir DIR]` removes them.
pub fn completion(args: Vec<OsString>, out: &mut dyn Write) -> Result<Exit> {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match words.first().map(String::as_str) {
        Some(action @ ("install" | "uninstall")) => {
            let dir = match words.get(1).map(String::as_str) {
                Some("--dir") => Some(words.get(2).map(PathBuf::from).ok_or_else(|| {
                    Error::Usage(format!(
                        "--dir needs a directory: kubectl dp completion {action} --dir DIR"
                    ))
                })?),
                Some(flag) if flag.starts_with("--dir=") => {
                    Some(PathBuf::from(&flag["--dir=".len()..]))
                }
                Some(other) => {
                    return Err(Error::Usage(format!(
                        "unexpected '{other}'; usage: kubectl dp completion {action} [--dir DIR]"
                    )));
                }
                None => None,
            };
            if action == "install" {
                install(&dir.map_or_else(plugin_dir, Ok)?, out)
            } else {
                let dirs = match dir {
                    Some(dir) => vec![dir],
                    None => helper_dirs(plugin_dir().ok(), std::env::var_os("PATH")),
                };
                uninstall(&dirs, out)
            }
        }
        Some(shell_name) => {
            let shell: clap_complete::Shell = shell_name.parse().map_err(|_| {
                Error::Usage(format!(
                    "'{shell_name}' is not a shell I can complete; use: kubectl dp completion bash|zsh|fish|powershell|elvish, or `kubectl dp completion install`"
                ))
            })?;
            out.write_all(&script(shell))?;
            Ok(Exit::Ok)
        }
        None => Err(Error::Usage(
            "name a shell or `install`: kubectl dp completion bash|zsh|fish|powershell|elvish|install|uninstall".into(),
        )),
    }
}

/// Where `uninstall` looks without `--dir`: the plugin's directory, where
/// `install` writes by default, and every directory on PATH, the only places
/// kubectl runs helpers from (so wherever `install --dir` put working ones).
fn helper_dirs(plugin_dir: Option<PathBuf>, path: Option<OsString>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let candidates = plugin_dir
        .into_iter()
        .chain(path.iter().flat_map(std::env::split_paths));
    for dir in candidates {
        let same = |known: &PathBuf| {
            known == &dir
                || matches!(
                    (known.canonicalize(), dir.canonicalize()),
                    (Ok(a), Ok(b)) if a == b
                )
        };
        if !dir.as_os_str().is_empty() && !dirs.iter().any(same) {
            dirs.push(dir);
        }
    }
    dirs
}

/// Where the helpers go by default: beside the `kubectl-dp` kubectl runs (krew's
/// bin directory, or cargo's), since kubectl looks for them on PATH.
fn plugin_dir() -> Result<PathBuf> {
    let found = which::which("kubectl-dp")
        .ok()
        .or_else(|| std::env::current_exe().ok());
    found
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            Error::Usage(
                "could not tell where kubectl-dp is installed; pass --dir with a directory on PATH"
                    .into(),
            )
        })
}

fn install(dir: &Path, out: &mut dyn Write) -> Result<Exit> {
    let io_error = |path: &Path, e: std::io::Error| Error::Input {
        path: path.to_path_buf(),
        reason: format!("{e}; pass --dir with a writable directory on PATH"),
    };
    for (name, contents) in kubectl_helpers() {
        let path = dir.join(&name);
        std::fs::write(&path, contents).map_err(|e| io_error(&path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| io_error(&path, e))?;
        }
    }
    writeln!(
        out,
        "wrote {} kubectl completion helpers (kubectl_complete-dp*) to {}",
        COMMANDS.len() + 1,
        dir.display()
    )?;
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d == dir))
        .unwrap_or(false);
    if !on_path {
        writeln!(
            out,
            "note: {} is not on PATH; kubectl finds the helpers only on PATH",
            dir.display()
        )?;
    }
    writeln!(
        out,
        "kubectl's own completion now completes `kubectl dp`; enable it once per shell:\n  bash: source <(kubectl completion bash)\n  zsh:  source <(kubectl completion zsh)\n  fish: kubectl completion fish | source\n  PowerShell: kubectl completion powershell | Out-String | Invoke-Expression\nRemove the helpers with `kubectl dp completion uninstall` (before `kubectl krew uninstall dp`)."
    )?;
    Ok(Exit::Ok)
}

/// Removes the helpers `install` wrote from `dirs` (only files it wrote: they
/// carry its mark), e.g. before `kubectl krew uninstall dp`, which does not know them.
fn uninstall(dirs: &[PathBuf], out: &mut dyn Write) -> Result<Exit> {
    let mut removed_from = Vec::new();
    let mut removed = 0;
    for dir in dirs {
        let before = removed;
        for (name, _) in kubectl_helpers() {
            let path = dir.join(&name);
            let ours = std::fs::read_to_string(&path).is_ok_and(|text| text.contains(HELPER_MARK));
            if ours {
                std::fs::remove_file(&path).map_err(|e| Error::Input {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
                removed += 1;
            }
        }
        if removed > before {
            removed_from.push(dir.display().to_string());
        }
    }
    if removed_from.is_empty() {
        writeln!(
            out,
            "no kubectl completion helpers of kubectl dp found (looked in {})",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    } else {
        writeln!(
            out,
            "removed {removed} kubectl completion helpers from {}",
            removed_from.join(", ")
        )?;
    }
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn first_word_offers_commands_and_builtins_once() {
        let all = top_level_words("", |_| false);
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"status") && names.contains(&"version"));
        assert!(names.contains(&"completion") && names.contains(&"help"));
        // kubectl lists launchers it finds on PATH itself: not again.
        let some = top_level_words("", |name| name == "status");
        assert!(!some.iter().any(|(n, _)| n == "status"));
        let prefixed = top_level_words("qu", |_| false);
        assert_eq!(prefixed.len(), 1);
        assert_eq!(prefixed[0].0, "quota");
    }

    #[test]
    fn paths_are_left_to_the_shell() {
        let (quota, tune) = {
            let defs = command_definitions();
            let find = |n: &str| defs.iter().find(|(name, _)| *name == n).unwrap().1.clone();
            (find("quota"), find("tune"))
        };
        assert!(expects_path(&quota, &words(&["--kubeconfig", ""])));
        assert!(expects_path(&quota, &words(&["--kubeconfig=/tm"])));
        assert!(expects_path(&quota, &words(&["check", "-f", ""])));
        assert!(!expects_path(&quota, &words(&["-n", ""])));
        assert!(!expects_path(&tune, &words(&["plan", ""])));
        let (candidates, directive) = candidates(words(&["quota", "--kubeconfig", ""]));
        assert!(candidates.is_empty());
        assert_eq!(directive, DIRECTIVE_DEFAULT);
    }

    #[test]
    fn connection_flags_may_come_before_the_command() {
        for (typed, offered) in [
            (&["-n", "team-a", "qu"][..], "quota"),
            (&["--namespace=team-a", "status", "--fail"][..], "--fail-on"),
            (&["--kubeconfig", "/dev/null", "--conte"][..], "--context"),
        ] {
            let (found, _) = candidates(words(typed));
            assert!(
                found.iter().any(|(v, _)| v == offered),
                "{typed:?}: {found:?}"
            );
        }
    }

    #[test]
    fn flags_are_completed_without_files() {
        let (candidates, directive) = candidates(words(&["status", "--fail"]));
        assert!(
            candidates.iter().any(|(v, _)| v == "--fail-on"),
            "{candidates:?}"
        );
        assert_eq!(directive, DIRECTIVE_NO_FILES);
    }

    #[test]
    fn committed_helpers_are_current() {
        // Regenerate with scripts/gen-completions when this fails. The shell
        // scripts are not committed: scripts/dist generates them.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
        let mut committed: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        committed.sort();
        let mut expected: Vec<String> = kubectl_helpers().into_iter().map(|(n, _)| n).collect();
        expected.sort();
        assert_eq!(
            committed, expected,
            "completions/ holds only the kubectl helpers"
        );
        for (name, contents) in kubectl_helpers() {
            let committed = std::fs::read_to_string(dir.join(&name)).unwrap_or_default();
            assert_eq!(
                committed, contents,
                "completions/{name} is stale: run scripts/gen-completions"
            );
        }
    }

    #[test]
    fn uninstall_looks_where_install_can_have_written() {
        let base = std::env::temp_dir().join(format!("dp-complete-{}", std::process::id()));
        let (plugin, other, empty) = (base.join("plugin"), base.join("other"), base.join("empty"));
        for dir in [&plugin, &other, &empty] {
            std::fs::create_dir_all(dir).unwrap();
        }
        let path = std::env::join_paths([&other, &plugin, &empty, &other]).unwrap();
        let dirs = helper_dirs(Some(plugin.clone()), Some(path));
        assert_eq!(dirs, vec![plugin.clone(), other.clone(), empty.clone()]);

        let mut sink = Vec::new();
        install(&plugin, &mut sink).unwrap();
        install(&other, &mut sink).unwrap();
        // A file of the same name that install did not write stays.
        std::fs::write(empty.join("kubectl_complete-dp"), "#!/bin/sh\necho mine\n").unwrap();
        let mut said = Vec::new();
        uninstall(&dirs, &mut said).unwrap();
        let said = String::from_utf8(said).unwrap();
        let helpers = kubectl_helpers().len();
        assert!(
            said.starts_with(&format!("removed {} ", 2 * helpers)),
            "{said}"
        );
        for dir in [&plugin, &other] {
            assert_eq!(
                std::fs::read_dir(dir).unwrap().count(),
                0,
                "{}",
                dir.display()
            );
        }
        assert!(empty.join("kubectl_complete-dp").exists());
        let mut again = Vec::new();
        uninstall(&dirs, &mut again).unwrap();
        assert!(
            String::from_utf8(again)
                .unwrap()
                .starts_with("no kubectl completion helpers")
        );
        std::fs::remove_dir_all(&base).unwrap();
    }
}
