//! Every style the screen uses, in one struct per theme.

use clap::ValueEnum;
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ThemeKind {
    Dark,
    Light,
    HighContrast,
    Mono,
}

impl ThemeKind {
    pub const ALL: [ThemeKind; 4] = [
        ThemeKind::Dark,
        ThemeKind::Light,
        ThemeKind::HighContrast,
        ThemeKind::Mono,
    ];

    pub fn next(self) -> ThemeKind {
        let i = ThemeKind::ALL.iter().position(|&t| t == self).unwrap_or(0);
        ThemeKind::ALL[(i + 1) % ThemeKind::ALL.len()]
    }

    pub fn name(self) -> &'static str {
        match self {
            ThemeKind::Dark => "dark",
            ThemeKind::Light => "light",
            ThemeKind::HighContrast => "high-contrast",
            ThemeKind::Mono => "mono",
        }
    }

    /// The theme to start with: the one asked for, else monochrome when
    /// NO_COLOR is set (see no-color.org), else dark.
    pub fn choose(asked: Option<ThemeKind>, no_color: bool) -> ThemeKind {
        asked.unwrap_or(if no_color {
            ThemeKind::Mono
        } else {
            ThemeKind::Dark
        })
    }

    pub fn theme(self) -> Theme {
        match self {
            ThemeKind::Dark => Theme::colored(
                Color::Gray,
                Color::DarkGray,
                Color::Cyan,
                Color::Yellow,
                Color::LightRed,
            ),
            ThemeKind::Light => Theme::colored(
                Color::Black,
                Color::DarkGray,
                Color::Blue,
                Color::Magenta,
                Color::Red,
            ),
            ThemeKind::HighContrast => Theme::high_contrast(),
            ThemeKind::Mono => Theme::mono(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Ordinary text and numbers.
    pub base: Style,
    /// Row and column labels, shapes, uncomputed `·`.
    pub dim: Style,
    /// Pane titles and section headings.
    pub heading: Style,
    /// The current link: its name on the chain and its matrix title.
    pub current: Style,
    /// The element being worked out.
    pub selected: Style,
    /// Names of the terms the current link reads.
    pub reads: Style,
    /// The numbers the worked element is computed from.
    pub feeds: Style,
    /// The status bar.
    pub bar: Style,
    /// Key names in the footer and help.
    pub key: Style,
    /// Divergence and notices.
    pub warn: Style,
    /// The loss chart and training gauge.
    pub chart: Style,
}

impl Theme {
    fn colored(fg: Color, dim: Color, accent: Color, hot: Color, warn: Color) -> Theme {
        let b = Style::new().fg(fg);
        Theme {
            base: b,
            dim: Style::new().fg(dim),
            heading: Style::new().fg(accent).add_modifier(Modifier::BOLD),
            current: Style::new()
                .fg(hot)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
            selected: Style::new()
                .fg(hot)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
            reads: Style::new()
                .fg(accent)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            feeds: Style::new().fg(accent).add_modifier(Modifier::BOLD),
            bar: b.add_modifier(Modifier::REVERSED),
            key: Style::new().fg(hot).add_modifier(Modifier::BOLD),
            warn: Style::new().fg(warn).add_modifier(Modifier::BOLD),
            chart: Style::new().fg(accent),
        }
    }

    fn high_contrast() -> Theme {
        let b = Style::new().fg(Color::White).bg(Color::Black);
        let hot = Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD);
        Theme {
            base: b,
            dim: b,
            heading: b.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            current: hot,
            selected: hot.add_modifier(Modifier::UNDERLINED),
            reads: b
                .fg(Color::LightCyan)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            feeds: b.fg(Color::LightCyan).add_modifier(Modifier::BOLD),
            bar: Style::new()
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(Modifier::BOLD),
            key: b.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            warn: b.fg(Color::LightRed).add_modifier(Modifier::BOLD),
            chart: b.fg(Color::LightCyan),
        }
    }

    /// No colour at all: every highlight is bold, reverse or underline, so
    /// it survives NO_COLOR terminals and black-and-white projectors.
    fn mono() -> Theme {
        let b = Style::new();
        Theme {
            base: b,
            dim: b,
            heading: b.add_modifier(Modifier::BOLD),
            current: b.add_modifier(Modifier::BOLD | Modifier::REVERSED),
            selected: b.add_modifier(Modifier::BOLD | Modifier::REVERSED | Modifier::UNDERLINED),
            reads: b.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            feeds: b.add_modifier(Modifier::UNDERLINED),
            bar: b.add_modifier(Modifier::REVERSED),
            key: b.add_modifier(Modifier::BOLD),
            warn: b.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            chart: b,
        }
    }
}
