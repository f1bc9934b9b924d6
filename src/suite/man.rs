//! Man pages generated from the clap definitions, so `man kubectl-dp-status` and
//! `kubectl dp status --help` never disagree: one page per command and subcommand
//! (`kubectl-dp-tune-plan.1`), plus `kubectl-dp.1` for the suite.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{Error, Exit, Result};

/// The pages: file name and roff text.
pub fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut pages = Vec::new();
    let suite = super::complete::suite_command();
    render(&suite, "kubectl-dp", &mut pages)?;
    for (name, command) in super::command_definitions() {
        render(&command, &format!("kubectl-dp-{name}"), &mut pages)?;
    }
    Ok(pages)
}

/// One page for `command`, then one per subcommand, named `<file_stem>-<sub>`.
fn render(
    command: &clap::Command,
    file_stem: &str,
    pages: &mut Vec<(String, Vec<u8>)>,
) -> Result<()> {
    let title = file_stem.to_string();
    let mut command = command.clone().name(title.clone());
    command.build();
    let mut roff = Vec::new();
    clap_mangen::Man::new(command.clone())
        .title(title.to_uppercase())
        .section("1")
        .source(format!("kubectl-dp {}", super::VERSION))
        .manual("kubectl dp")
        .render(&mut roff)?;
    pages.push((format!("{title}.1"), roff));
    if file_stem == "kubectl-dp" {
        // The suite page lists the commands; each command has its own page.
        return Ok(());
    }
    for sub in command.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        render(sub, &format!("{file_stem}-{}", sub.get_name()), pages)?;
    }
    Ok(())
}

/// `kubectl dp __man DIR`: writes every page into DIR (used by scripts/dist).
pub(crate) fn write_command(args: Vec<OsString>) -> Result<Exit> {
    let dir = args.first().map(PathBuf::from).ok_or_else(|| {
        Error::Usage("usage: kubectl-dp __man DIR (writes the man pages into DIR)".into())
    })?;
    write(&dir)?;
    Ok(Exit::Ok)
}

/// Writes every page into `dir`, creating it.
pub fn write(dir: &Path) -> Result<()> {
    let io_error = |path: &Path, e: std::io::Error| Error::Input {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    for (name, roff) in pages()? {
        let path = dir.join(name);
        std::fs::write(&path, roff).map_err(|e| io_error(&path, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_per_command_and_subcommand_with_the_same_options_as_help() {
        let pages = pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for expected in [
            "kubectl-dp.1",
            "kubectl-dp-status.1",
            "kubectl-dp-tune-plan.1",
            "kubectl-dp-quota-check.1",
            "kubectl-dp-buckets-delete.1",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        let status = &pages
            .iter()
            .find(|(n, _)| n == "kubectl-dp-status.1")
            .unwrap()
            .1;
        let status = String::from_utf8_lossy(status);
        // Every long flag `--help` shows is on the page too (roff escapes '-').
        use clap::CommandFactory;
        for arg in crate::status::Args::command().get_arguments() {
            if let Some(long) = arg.get_long() {
                let roff = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(
                    status.contains(&roff),
                    "--{long} missing from the status page"
                );
            }
        }
    }
}
