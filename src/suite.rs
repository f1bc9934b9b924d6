//! `kubectl dp`: the suite's entry point. Lists the commands and which are
//! installed, prints versions, and runs `kubectl-dp-<cmd>` for `kubectl dp <cmd>`
//! (krew links only this binary onto PATH, so siblings are also looked for in its
//! own directory).

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Exit, Result};

/// The suite's commands, with one line each.
pub const COMMANDS: &[(&str, &str)] = &[
    (
        "status",
        "health of the whole platform, with GitOps and security findings",
    ),
    (
        "tune",
        "memory-safe JVM, Trino, Iceberg and Spark settings, explained and undoable",
    ),
    (
        "perf",
        "query latency, Spark job time, S3 throughput, regressions against a baseline",
    ),
    (
        "quota",
        "ResourceQuota and LimitRange usage, and whether a change would fit",
    ),
    (
        "buckets",
        "ObjectBucketClaims with lifecycle policies: list, create, check, delete",
    ),
];

/// The suite's version (every binary reports the same).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Shared flags that take a value in the next argument (`-n NAME`), so the value is
/// not mistaken for the command in `kubectl dp -n data-platform status`.
const FLAGS_WITH_VALUES: &[&str] = &[
    "-n",
    "--namespace",
    "--context",
    "--kubeconfig",
    "--cluster",
    "--user",
    "--as",
    "--as-group",
    "--as-uid",
    "--request-timeout",
    "-o",
    "--output",
    "--color",
    "--token",
    "-s",
    "--server",
    "--certificate-authority",
];

/// The index of the command word: the first argument that is neither a flag nor a flag's value.
pub fn command_position(args: &[OsString]) -> Option<usize> {
    let mut skip_next = false;
    for (i, arg) in args.iter().enumerate() {
        let arg = arg.to_string_lossy();
        if skip_next {
            skip_next = false;
        } else if arg.starts_with('-') {
            skip_next = FLAGS_WITH_VALUES.contains(&arg.as_ref());
        } else {
            return Some(i);
        }
    }
    None
}

/// Where `kubectl-dp-<command>` is: PATH first, then beside this executable.
pub fn locate(command: &str) -> Option<PathBuf> {
    let name = format!("kubectl-dp-{command}");
    which::which(&name).ok().or_else(|| {
        let here = std::env::current_exe().ok()?.canonicalize().ok()?;
        let sibling = here.parent()?.join(&name);
        sibling.is_file().then_some(sibling)
    })
}

/// `kubectl dp` without a command: what each command does.
pub fn usage(out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "kubectl dp: run a Trino/Iceberg/Spark data platform on Kubernetes\n"
    )?;
    writeln!(out, "Usage: kubectl dp <command> [flags]\n\nCommands:")?;
    for (name, about) in COMMANDS {
        let installed = if locate(name).is_some() {
            ""
        } else {
            "  (not installed)"
        };
        writeln!(out, "  {name:<9} {about}{installed}")?;
    }
    writeln!(
        out,
        "  {:<9} print the version of every installed command",
        "version"
    )?;
    writeln!(
        out,
        "  {:<9} print a shell completion script (bash, zsh, fish)",
        "completion"
    )?;
    writeln!(
        out,
        "\nEvery command takes kubectl's connection flags (--kubeconfig, --context, -n, -A, --as, ...)"
    )?;
    writeln!(
        out,
        "and -o table|wide|json|yaml. Run `kubectl dp <command> --help` for details."
    )?;
    writeln!(
        out,
        "Exit codes: 0 all good, 1 problems found, 2 could not run."
    )?;
    Ok(())
}

/// `kubectl dp version`: this binary's version and each installed command's.
pub fn version(out: &mut dyn Write) -> Result<Exit> {
    writeln!(out, "kubectl-dp {VERSION}")?;
    for (name, _) in COMMANDS {
        let line = match locate(name) {
            Some(path) => match std::process::Command::new(&path).arg("--version").output() {
                Ok(output) if output.status.success() => {
                    let text = String::from_utf8_lossy(&output.stdout);
                    let version = text
                        .split_whitespace()
                        .last()
                        .unwrap_or("unknown")
                        .to_string();
                    format!("kubectl-dp-{name} {version} ({})", path.display())
                }
                _ => format!("kubectl-dp-{name} (could not run {})", path.display()),
            },
            None => format!("kubectl-dp-{name} not installed"),
        };
        writeln!(out, "{line}")?;
    }
    Ok(Exit::Ok)
}

/// Replaces this process with `kubectl-dp-<command>` (on Unix), passing the rest
/// of the arguments and the environment through unchanged.
pub fn dispatch(command: &str, args: Vec<OsString>) -> Result<Exit> {
    let Some(path) = locate(command) else {
        let known = COMMANDS.iter().any(|(name, _)| *name == command);
        return Err(if known {
            Error::Usage(format!(
                "kubectl-dp-{command} is not installed: put it on PATH or beside kubectl-dp (cargo install --path . installs all)"
            ))
        } else {
            let names: Vec<&str> = COMMANDS.iter().map(|(n, _)| *n).collect();
            Error::Usage(format!(
                "unknown command '{command}'; try one of: {}",
                names.join(", ")
            ))
        });
    };
    run_child(&path, args)
}

#[cfg(unix)]
fn run_child(path: &Path, args: Vec<OsString>) -> Result<Exit> {
    use std::os::unix::process::CommandExt;
    let error = std::process::Command::new(path).args(args).exec();
    Err(Error::Usage(format!(
        "could not run {}: {error}",
        path.display()
    )))
}

#[cfg(not(unix))]
fn run_child(path: &Path, args: Vec<OsString>) -> Result<Exit> {
    let status = std::process::Command::new(path)
        .args(args)
        .status()
        .map_err(|e| Error::Usage(format!("could not run {}: {e}", path.display())))?;
    Ok(match status.code() {
        Some(0) => Exit::Ok,
        Some(1) => Exit::Problems,
        _ => Exit::Failed,
    })
}

/// The clap definition of every command the library implements, by name.
fn commands() -> Vec<(&'static str, clap::Command)> {
    use clap::CommandFactory;
    vec![
        ("status", crate::status::Args::command()),
        ("buckets", crate::buckets::Args::command()),
        ("quota", crate::quota::Args::command()),
        ("tune", crate::tune::Args::command()),
        ("perf", crate::perf::Args::command()),
    ]
}

/// `kubectl dp __complete <command> ARGS...`: kubectl's plugin completion protocol
/// (kubectl runs `kubectl_complete-dp-<command>` with the words typed so far, the
/// last being the one under the cursor): one candidate per line, `value<TAB>help`,
/// then `:4` (no file completion).
pub fn complete(args: Vec<OsString>, out: &mut dyn Write) -> Result<Exit> {
    let mut args = args.into_iter();
    let command = args
        .next()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default();
    let words: Vec<OsString> = args.collect();
    let candidates: Vec<(String, String)> =
        match commands().into_iter().find(|(name, _)| *name == command) {
            Some((name, mut cmd)) => {
                let mut argv = vec![OsString::from(format!("kubectl-dp-{name}"))];
                argv.extend(words);
                if argv.len() == 1 {
                    argv.push(OsString::new());
                }
                let index = argv.len() - 1;
                clap_complete::engine::complete(&mut cmd, argv, index, None)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| {
                        let help = c.get_help().map(|h| h.to_string()).unwrap_or_default();
                        (c.get_value().to_string_lossy().into_owned(), help)
                    })
                    .collect()
            }
            // `kubectl dp <TAB>`: the command names (the word being typed is `command`).
            None => COMMANDS
                .iter()
                .filter(|(name, _)| name.starts_with(&command))
                .map(|(name, about)| (name.to_string(), about.to_string()))
                .collect(),
        };
    for (value, help) in candidates {
        let help = help.lines().next().unwrap_or_default().to_string();
        if help.is_empty() {
            writeln!(out, "{value}")?;
        } else {
            writeln!(out, "{value}\t{help}")?;
        }
    }
    writeln!(out, ":4")?;
    Ok(Exit::Ok)
}

/// `kubectl dp completion <shell>`: completion scripts for every command the
/// library defines, so `kubectl-dp-status <TAB>` completes flags.
pub fn completion(args: Vec<OsString>, out: &mut dyn Write) -> Result<Exit> {
    use clap_complete::Shell;
    let shell_name = args
        .first()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default();
    let shell: Shell = shell_name.parse().map_err(|_| {
        Error::Usage(format!(
            "'{shell_name}' is not a shell I can complete; use: kubectl dp completion bash|zsh|fish|powershell|elvish"
        ))
    })?;
    for (_, command) in &mut commands() {
        let name = command.get_name().to_string();
        clap_complete::generate(shell, command, name, out);
    }
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(args: &[&str]) -> Option<usize> {
        command_position(&args.iter().map(OsString::from).collect::<Vec<_>>())
    }

    #[test]
    fn finds_the_command_after_flags_and_their_values() {
        assert_eq!(position(&["status"]), Some(0));
        assert_eq!(position(&["-n", "data-platform", "status"]), Some(2));
        assert_eq!(position(&["--namespace=dp", "status"]), Some(1));
        assert_eq!(position(&["-A", "quota", "-o", "json"]), Some(1));
        assert_eq!(
            position(&["--context", "prod", "-v", "buckets", "list"]),
            Some(3)
        );
        assert_eq!(position(&["--version"]), None);
    }
}
