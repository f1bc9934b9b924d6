//! The one place every mutating command decides whether to write: the shared
//! `--yes` and `--dry-run` flags, and the prompt on a terminal. Without a
//! terminal and without `--yes` a write is refused with one line, exit 2.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};

use crate::error::{Error, Result};

/// `--dry-run`: whether a mutating command writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DryRun {
    /// Do not dry-run: write (after the diff and the confirmation)
    #[default]
    None,
    /// Send every write to the API server as a dry run (validation, admission); persist nothing
    Server,
}

/// The flags every mutating command shares (`tune apply`, `tune rollback`,
/// `buckets create`, `buckets delete`).
#[derive(Debug, Clone, Default, Args)]
pub struct WriteArgs {
    /// Do not ask for confirmation (needed without a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// `server`: show the diff and send every write as a server-side dry run; nothing is persisted
    #[arg(long, value_enum, value_name = "MODE", default_value_t = DryRun::None, num_args = 0..=1, default_missing_value = "server", require_equals = true)]
    pub dry_run: DryRun,
}

impl WriteArgs {
    /// Whether the writes are server dry runs.
    pub(crate) fn server_dry_run(&self) -> bool {
        self.dry_run == DryRun::Server
    }

    /// Decides whether to write, after the command has shown its diff:
    /// see [`go_ahead`].
    pub fn go_ahead(&self, question: &str) -> Result<Go> {
        go_ahead(question, self.yes, self.server_dry_run())
    }
}

/// What a mutating command does once it has shown what it would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Go {
    /// `--dry-run=server`: send the writes as dry runs, persist nothing.
    DryRun,
    /// Confirmed (on the terminal, or by `--yes`): write.
    Write,
    /// The user answered no: write nothing.
    Declined,
}

/// Decides whether to write: a server dry run needs no confirmation; `--yes`
/// confirms; otherwise the user is asked `question [y/N]` on the terminal, and
/// without one the write is refused with one line naming `--yes`.
pub fn go_ahead(question: &str, yes: bool, dry_run: bool) -> Result<Go> {
    decide(question, yes, dry_run, std::io::stdin().is_terminal())
}

fn decide(question: &str, yes: bool, dry_run: bool, terminal: bool) -> Result<Go> {
    if dry_run {
        return Ok(Go::DryRun);
    }
    if yes {
        return Ok(Go::Write);
    }
    if !terminal {
        return Err(not_a_terminal());
    }
    Ok(if confirm(question, false)? {
        Go::Write
    } else {
        Go::Declined
    })
}

fn not_a_terminal() -> Error {
    Error::Usage(
        "stdin is not a terminal, so I cannot ask for confirmation: nothing was written; pass --yes to write without asking"
            .into(),
    )
}

/// Asks `question [y/N]` on stderr (stdout stays machine-readable) and reads the
/// answer; `yes` (`--yes`) answers for the user. Without a terminal to ask on,
/// refuses with one line that names `--yes`.
pub fn confirm(question: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    let answer = ask(&format!("{question} [y/N] "))?;
    Ok(matches!(answer.as_str(), "y" | "Y" | "yes"))
}

/// Asks the user to type `expected` (a name) to go ahead with something that
/// loses data; the prompt goes to stderr. `yes` answers for the user.
pub fn confirm_typed(question: &str, expected: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    Ok(ask(&format!("{question} "))? == expected)
}

fn ask(prompt: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        return Err(not_a_terminal());
    }
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(answer.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dry_run_never_asks_and_yes_never_asks() {
        assert_eq!(decide("q", false, true, false).unwrap(), Go::DryRun);
        assert_eq!(decide("q", true, true, false).unwrap(), Go::DryRun);
        assert_eq!(decide("q", true, false, false).unwrap(), Go::Write);
    }

    #[test]
    fn without_a_terminal_it_refuses_naming_yes() {
        let error = decide("q", false, false, false).unwrap_err().to_string();
        assert!(error.contains("pass --yes"), "{error}");
        assert!(!error.contains('\n'), "{error}");
    }
}
