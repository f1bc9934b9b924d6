//! What every `kubectl-dp-<command>` launcher does: kubectl finds `kubectl dp
//! status` as `kubectl-dp-status` on PATH, and the launcher hands over to the one
//! suite binary, `kubectl-dp status`, so the whole stack ships once. It uses only
//! the standard library, which keeps each launcher a few hundred kilobytes.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Replaces this process with `kubectl-dp <command> ARGS...` (on Unix; elsewhere
/// runs it and passes its exit code on).
pub fn hand_over(command: &str) -> ExitCode {
    let Some(suite) = suite_binary() else {
        eprintln!(
            "error: kubectl-dp-{command} hands over to kubectl-dp, which is neither beside it nor on PATH; reinstall the suite (cargo install --locked kubectl-dp, or kubectl krew install dp)"
        );
        return ExitCode::from(2);
    };
    let mut child = Command::new(&suite);
    child.arg(command).args(std::env::args_os().skip(1));
    run(child, &suite)
}

#[cfg(unix)]
fn run(mut child: Command, suite: &Path) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let error = child.exec();
    eprintln!("error: could not run {}: {error}", suite.display());
    ExitCode::from(2)
}

#[cfg(not(unix))]
fn run(mut child: Command, suite: &Path) -> ExitCode {
    match child.status() {
        Ok(status) => ExitCode::from(status.code().map_or(2, |c| c.clamp(0, 255) as u8)),
        Err(error) => {
            eprintln!("error: could not run {}: {error}", suite.display());
            ExitCode::from(2)
        }
    }
}

/// `kubectl-dp` beside this launcher (following links, as krew's are), then on PATH.
fn suite_binary() -> Option<PathBuf> {
    let name = format!("kubectl-dp{}", std::env::consts::EXE_SUFFIX);
    let here = std::env::current_exe().ok();
    let beside = |exe: &Path| exe.parent().map(|dir| dir.join(&name));
    let candidates = here
        .iter()
        .flat_map(|exe| {
            [
                exe.canonicalize().ok().and_then(|e| beside(&e)),
                beside(exe),
            ]
        })
        .flatten()
        .chain(
            std::env::var_os("PATH")
                .map(|path| {
                    std::env::split_paths(&path)
                        .map(|dir| dir.join(&name))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        );
    candidates.into_iter().find(|path| path.is_file())
}
