//! `--watch`: read again every `--interval` and redraw when what the report says
//! changed (not on every poll, not for times and ages), until Ctrl-C. The same
//! for every command that has it (docs/flags.md).

use std::hash::{Hash, Hasher};
use std::io::{IsTerminal, Write};
use std::time::Duration;

use clap::Args;

use crate::error::{Exit, Result};
use crate::render::{Metadata, Output, OutputFormat, Report};

/// `--watch` and `--interval`, flattened into the commands that keep watching.
#[derive(Debug, Clone, Default, Args)]
pub struct WatchArgs {
    /// Keep running and redraw when what the report says changes (Ctrl-C ends it)
    #[arg(short = 'w', long)]
    pub watch: bool,

    /// How often --watch reads again
    #[arg(long, default_value = "5s", value_parser = super::parse_duration, requires = "watch", hide_short_help = true, value_name = "DURATION")]
    pub interval: Duration,
}

/// One watch: remembers what was drawn last and the exit code it had.
#[derive(Debug)]
pub(crate) struct Watch {
    interval: Duration,
    last: Option<u64>,
    exit: Exit,
}

impl Watch {
    /// A watch that reads again every `interval`.
    pub fn new(interval: Duration) -> Watch {
        Watch {
            interval,
            last: None,
            exit: Exit::Ok,
        }
    }

    /// Draws `report` when it differs from the last one drawn: on a terminal
    /// the table replaces the screen; redirected, reports follow one another
    /// after a `---` line, never terminal codes.
    pub fn show<R: Report>(
        &mut self,
        out: &mut dyn Write,
        output: &Output,
        metadata: Metadata,
        report: &R,
    ) -> Result<()> {
        let fingerprint = {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            report.fingerprint().to_string().hash(&mut hasher);
            hasher.finish()
        };
        if self.last == Some(fingerprint) {
            return Ok(());
        }
        let human = matches!(output.format, OutputFormat::Table | OutputFormat::Wide);
        if human && std::io::stdout().is_terminal() {
            write!(out, "{}", crate::render::terminal::CLEAR_SCREEN)?;
        } else if self.last.is_some() && output.format != OutputFormat::Json {
            writeln!(out, "---")?;
        }
        crate::render::report::write(out, output, metadata, report)?;
        out.flush()?;
        self.last = Some(fingerprint);
        self.exit = crate::render::exit_for(report, output.fail_on);
        Ok(())
    }

    /// Waits for the next read; `false` when the user pressed Ctrl-C.
    pub async fn next(&self) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(self.interval) => true,
            _ = tokio::signal::ctrl_c() => false,
        }
    }

    /// The exit code of the last report drawn.
    pub fn exit(&self) -> Exit {
        self.exit
    }
}
