//! The `?` overlay: every key, and how to read the screen.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::Ctx;
use crate::action::KEYS;

const READING: &[&str] = &[
    "Each key press computes one link of the chain rule.",
    "Reversed: the current link and the element worked out.",
    "Underlined: the terms it reads; bold: the numbers used.",
];

pub fn render(area: Rect, buf: &mut Buffer, ctx: &Ctx) {
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{:>10}  ", ctx.t(k)), ctx.theme.key),
                Span::styled(ctx.t(what), ctx.theme.base),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.extend(READING.iter().map(|l| Line::styled(ctx.t(l), ctx.theme.dim)));
    let blank = format!("{} marks a term not computed yet in this epoch.", ctx.blank());
    lines.push(Line::styled(blank, ctx.theme.dim));
    let h = (lines.len() as u16 + 2).min(area.height);
    let w = 62.min(area.width);
    let [_, mid, _] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(h), Constraint::Fill(1)]).areas(area);
    let [_, rect, _] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(w), Constraint::Fill(1)]).areas(mid);
    Clear.render(rect, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_set(ctx.border())
        .border_style(ctx.theme.heading)
        .title(Span::styled(ctx.t(" keys — esc or ? closes "), ctx.theme.heading))
        .style(ctx.theme.base);
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .render(rect, buf);
}
