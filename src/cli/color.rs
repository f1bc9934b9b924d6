//! Colour decisions, made once from `--color`, the terminal and `NO_COLOR`.

use std::io::IsTerminal;

use clap::ValueEnum;
use owo_colors::{OwoColorize, Style};

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

/// Paints text when colour is on and passes it through untouched when off.
#[derive(Debug, Clone, Copy, Default)]
pub struct Palette {
    enabled: bool,
}

impl Palette {
    /// A palette that paints when `enabled`.
    pub fn new(enabled: bool) -> Self {
        Palette { enabled }
    }

    /// Whether it paints.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    fn paint(&self, text: &str, style: Style) -> String {
        if self.enabled {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }

    /// Green: healthy, added, proposed.
    pub fn good(&self, text: &str) -> String {
        self.paint(text, Style::new().green())
    }

    /// Cyan: information.
    pub fn info(&self, text: &str) -> String {
        self.paint(text, Style::new().cyan())
    }

    /// Bold yellow: warnings.
    pub fn warning(&self, text: &str) -> String {
        self.paint(text, Style::new().yellow().bold())
    }

    /// Bold red: critical problems, removed lines.
    pub fn critical(&self, text: &str) -> String {
        self.paint(text, Style::new().red().bold())
    }

    /// Dimmed: secondary text (codes, hints).
    pub fn dim(&self, text: &str) -> String {
        self.paint(text, Style::new().dimmed())
    }

    /// Bold: headings and object names.
    pub fn bold(&self, text: &str) -> String {
        self.paint(text, Style::new().bold())
    }
}
