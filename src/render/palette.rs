//! The colours of human output: a [`Palette`] paints text when colour is on
//! (`--color`, resolved once in `cli`) and passes it through untouched when off.

use owo_colors::{OwoColorize, Style};

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
    pub(crate) fn dim(&self, text: &str) -> String {
        self.paint(text, Style::new().dimmed())
    }

    /// Bold: headings and object names.
    pub(crate) fn bold(&self, text: &str) -> String {
        self.paint(text, Style::new().bold())
    }
}
