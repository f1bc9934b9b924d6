//! `--color`: the decision, made once from the flag, the terminal and `NO_COLOR`;
//! the [`crate::render::Palette`] it yields paints the output.

use std::io::IsTerminal;

use clap::ValueEnum;

/// `--color`: when to paint output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour only when writing to a terminal and NO_COLOR is unset
    #[default]
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

impl ColorChoice {
    /// Resolves `auto` against stdout and `NO_COLOR` (https://no-color.org).
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}
