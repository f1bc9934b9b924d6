//! `kubectl dp`: the suite's entry point, one multi-call binary.
//!
//! `kubectl-dp` runs every command in its own process: `kubectl dp status` arrives
//! here as `kubectl-dp status` (krew links only this binary onto PATH) or through the
//! small `kubectl-dp-status` launcher that kubectl finds first when it is on PATH.
//! The binary also answers to its other names (`kubectl-dp-status`,
//! `kubectl_complete-dp-status`), so a hard link or symlink works as well as a
//! launcher. It lists the commands, prints the version, completes for kubectl and
//! the shells ([`complete`]), and writes man pages ([`man`]).
//!
//! The suite is the dispatcher, not a command: it is the one module that names
//! every command, to list their clap `Args` for completion and man pages. The
//! rule that no command module imports another does not apply here.

pub mod complete;
pub mod man;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use crate::error::{Error, Exit, Result};

/// The suite's commands, with one line each.
pub(crate) const COMMANDS: &[(&str, &str)] = &[
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

/// The suite's own words after `kubectl dp`, beside the commands.
pub(crate) const BUILTINS: &[(&str, &str)] = &[
    ("version", "print the suite's version"),
    (
        "completion",
        "shell completion: a script for bash|zsh|fish|powershell, or `install` for kubectl",
    ),
    ("help", "help for the suite or for one command"),
];

/// The suite's version (every command shares it: they are one binary).
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

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
pub(crate) fn command_position(args: &[OsString]) -> Option<usize> {
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

/// What the name this binary was started under asks for.
#[derive(Debug, PartialEq, Eq)]
enum Invocation {
    /// `kubectl-dp`: the command is in the arguments.
    Suite,
    /// `kubectl-dp-<command>`: that command.
    Command(String),
    /// `kubectl_complete-dp[-<command>]`: kubectl's completion protocol.
    Complete(Option<String>),
}

fn invocation(argv0: &std::path::Path) -> Invocation {
    let name = argv0
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(rest) = name.strip_prefix("kubectl_complete-dp") {
        return Invocation::Complete(rest.strip_prefix('-').map(str::to_string));
    }
    match name.strip_prefix("kubectl-dp-") {
        Some(command) if is_command(command) => Invocation::Command(command.to_string()),
        _ => Invocation::Suite,
    }
}

fn is_command(name: &str) -> bool {
    COMMANDS.iter().any(|(command, _)| *command == name)
}

/// The `main` of `kubectl-dp`: reads what it was called as and what it was asked,
/// and runs it. `argv` is the whole command line, program name first.
pub fn main(argv: Vec<OsString>) -> ExitCode {
    let mut argv = argv.into_iter();
    let argv0 = std::path::PathBuf::from(argv.next().unwrap_or_default());
    let mut args: Vec<OsString> = argv.collect();
    match invocation(&argv0) {
        Invocation::Command(command) => return run_command(&command, args),
        Invocation::Complete(command) => {
            if let Some(command) = command {
                args.insert(0, command.into());
            }
            return complete::kubectl_protocol(args);
        }
        Invocation::Suite => {}
    }
    // kubectl stops its plugin lookup at the first flag, so `kubectl dp -n x status`
    // arrives here: find the command word after the flags.
    let command = command_position(&args).map(|i| args.remove(i).to_string_lossy().into_owned());
    match command.as_deref() {
        Some(name) if is_command(name) => run_command(name, args),
        Some("__complete") => complete::kubectl_protocol(args),
        Some("help") => match args.first().map(|a| a.to_string_lossy().into_owned()) {
            Some(name) if is_command(&name) => run_command(&name, vec![OsString::from("--help")]),
            Some(name) => finish(Err(unknown_command(&name)), &mut std::io::stdout()),
            None => finish(usage(&mut std::io::stdout()), &mut std::io::stdout()),
        },
        Some("version") => finish(version(&mut std::io::stdout()), &mut std::io::stdout()),
        Some("completion") => {
            let mut out = std::io::stdout();
            let result = complete::completion(args, &mut out);
            finish(result, &mut out)
        }
        Some("__man") => finish(man::write_command(args), &mut std::io::stdout()),
        Some(name) => finish(Err(unknown_command(name)), &mut std::io::stdout()),
        None if args.iter().any(|a| a == "--version" || a == "-V") => {
            let mut out = std::io::stdout();
            finish(
                writeln!(out, "kubectl-dp {VERSION}")
                    .map(|_| Exit::Ok)
                    .map_err(Error::from),
                &mut out,
            )
        }
        None => {
            let mut out = std::io::stdout();
            finish(usage(&mut out), &mut out)
        }
    }
}

/// Flushes, then maps the outcome to the exit code as every command does
/// ([`crate::cli::exit_code`]).
fn finish(result: Result<Exit>, out: &mut dyn Write) -> ExitCode {
    crate::cli::exit_code(result.and_then(|exit| out.flush().map(|_| exit).map_err(Error::from)))
}

fn unknown_command(name: &str) -> Error {
    let names: Vec<&str> = COMMANDS
        .iter()
        .chain(BUILTINS)
        .map(|(name, _)| *name)
        .collect();
    Error::Usage(format!(
        "unknown command '{name}'; try one of: {} (kubectl dp help lists them)",
        names.join(", ")
    ))
}

/// Parses one command's flags and runs it on the shared runtime; clap prints its
/// own help, version and usage errors (exit 2 for a bad flag, as everywhere).
macro_rules! run_parsed {
    ($module:ident, $args:expr) => {{
        use clap::Parser;
        let argv = std::iter::once(OsString::from(concat!("kubectl-dp-", stringify!($module))))
            .chain($args);
        let args = crate::$module::Args::parse_from(crate::cli::normalize_args(argv));
        crate::kube::set_command_name(concat!("kubectl-dp-", stringify!($module)));
        crate::cli::execute(|mut out| async move {
            let exit = crate::$module::run(args, &mut out).await?;
            out.flush()?;
            Ok(exit)
        })
    }};
}

/// Runs `kubectl dp <command> ARGS...` in this process.
pub(crate) fn run_command(command: &str, args: Vec<OsString>) -> ExitCode {
    match command {
        "status" => run_parsed!(status, args),
        "quota" => run_parsed!(quota, args),
        "buckets" => run_parsed!(buckets, args),
        "tune" => run_parsed!(tune, args),
        "perf" => run_parsed!(perf, args),
        other => finish(Err(unknown_command(other)), &mut std::io::stdout()),
    }
}

/// `kubectl dp` alone: the commands, the shared flags and the exit codes.
pub fn usage(out: &mut dyn Write) -> Result<Exit> {
    writeln!(
        out,
        "kubectl dp: run a Trino/Iceberg/Spark data platform on Kubernetes\n"
    )?;
    writeln!(out, "Usage: kubectl dp <command> [flags]\n\nCommands:")?;
    for (name, about) in COMMANDS.iter().chain(BUILTINS) {
        writeln!(out, "  {name:<11} {about}")?;
    }
    writeln!(
        out,
        "\nEvery command takes kubectl's connection flags (--kubeconfig, --context, -n, -A, --as, ...)"
    )?;
    writeln!(
        out,
        "and -o table|wide|json|yaml. Run `kubectl dp help <command>` for details; `man kubectl-dp-<command>`"
    )?;
    writeln!(out, "where the man pages are installed.")?;
    writeln!(
        out,
        "Exit codes: 0 all good, 1 problems found, 2 could not run."
    )?;
    Ok(Exit::Ok)
}

/// `kubectl dp version`: the suite's version, and where this binary runs from.
pub fn version(out: &mut dyn Write) -> Result<Exit> {
    writeln!(out, "kubectl-dp {VERSION}")?;
    let names: Vec<&str> = COMMANDS.iter().map(|(name, _)| *name).collect();
    writeln!(out, "commands: {} (one binary)", names.join(", "))?;
    if let Ok(path) = std::env::current_exe() {
        writeln!(out, "binary: {}", path.display())?;
    }
    Ok(Exit::Ok)
}

/// The clap definition of every command the library implements, by name, with
/// the name users type (`kubectl dp status`) as its binary name.
pub fn command_definitions() -> Vec<(&'static str, clap::Command)> {
    use clap::CommandFactory;
    vec![
        ("status", crate::status::Args::command()),
        ("tune", crate::tune::Args::command()),
        ("quota", crate::quota::Args::command()),
        ("buckets", crate::buckets::Args::command()),
        ("perf", crate::perf::Args::command()),
    ]
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

    #[test]
    fn answers_to_the_names_it_is_linked_under() {
        use std::path::Path;
        assert_eq!(
            invocation(Path::new("/usr/bin/kubectl-dp")),
            Invocation::Suite
        );
        assert_eq!(
            invocation(Path::new("kubectl-dp-status")),
            Invocation::Command("status".into())
        );
        assert_eq!(
            invocation(Path::new("kubectl-dp-quota.exe")),
            Invocation::Command("quota".into())
        );
        // A name that is not a command is the suite itself (e.g. a renamed copy).
        assert_eq!(invocation(Path::new("kubectl-dp-old")), Invocation::Suite);
        assert_eq!(
            invocation(Path::new("kubectl_complete-dp-buckets")),
            Invocation::Complete(Some("buckets".into()))
        );
        assert_eq!(
            invocation(Path::new("kubectl_complete-dp")),
            Invocation::Complete(None)
        );
    }

    #[test]
    fn every_command_has_a_definition() {
        let defined: Vec<&str> = command_definitions().iter().map(|(n, _)| *n).collect();
        for (name, _) in COMMANDS {
            assert!(defined.contains(name), "{name}");
        }
    }
}
