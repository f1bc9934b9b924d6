//! `kubectl dp`: lists the suite, prints versions, dispatches to `kubectl-dp-<cmd>`.

use std::io::Write;

use kubectl_dp::{Exit, cli, suite};

fn main() -> std::process::ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    // kubectl stops its plugin lookup at the first flag, so `kubectl dp -n x status`
    // arrives here: find the command word after the flags.
    let command =
        suite::command_position(&args).map(|i| args.remove(i).to_string_lossy().into_owned());
    if command.as_deref() == Some("__complete") {
        // Synchronous: value completers start their own short-lived runtime.
        let mut out = std::io::stdout().lock();
        return match suite::complete(args, &mut out) {
            Ok(exit) => exit.into(),
            Err(_) => Exit::Failed.into(),
        };
    }
    cli::execute(|mut out| async move {
        let exit = match command.as_deref() {
            None if args.iter().any(|a| a == "--version" || a == "-V") => suite::version(&mut out)?,
            None => {
                suite::usage(&mut out)?;
                Exit::Ok
            }
            Some("help") => {
                suite::usage(&mut out)?;
                Exit::Ok
            }
            Some("version") => suite::version(&mut out)?,
            Some("completion") => suite::completion(args, &mut out)?,
            Some(name) => {
                out.flush()?;
                suite::dispatch(name, args)?
            }
        };
        out.flush()?;
        Ok(exit)
    })
}
