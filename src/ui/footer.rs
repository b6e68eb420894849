//! The footer: the keys that matter most, as many as fit.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::Ctx;
use crate::app::App;

const SHORT: &[(&str, &str)] = &[
    ("space", "next"),
    ("←", "back"),
    ("↑↓tab", "element"),
    ("f b u", "passes"),
    ("n", "epoch"),
    ("t", "train"),
    ("z", "zoom"),
    ("?", "help"),
    ("q", "quit"),
    ("r R", "reset/reroll"),
    ("c", "theme"),
];

pub fn render(app: &App, area: Rect, buf: &mut Buffer, ctx: &Ctx) {
    let mut spans = Vec::new();
    let mut used = 0usize;
    let follow = match app.follow {
        Some(true) => Some("following presenter │ F: step alone "),
        Some(false) => Some("on your own │ F: follow presenter "),
        None => None,
    };
    let diverged = app
        .stepper
        .diverged()
        .then_some("diverged: a number became NaN or inf; r resets, or lower --lr");
    for msg in [follow, diverged, app.notice.as_deref()].into_iter().flatten() {
        let msg = ctx.t(&format!("{msg}  "));
        used += msg.chars().count();
        spans.push(Span::styled(msg, ctx.theme.warn));
    }
    for (k, what) in SHORT {
        let (k, what) = (ctx.t(k), ctx.t(what));
        let w = k.chars().count() + what.chars().count() + 3;
        if used + w > area.width as usize {
            break;
        }
        used += w;
        spans.push(Span::styled(k, ctx.theme.key));
        spans.push(Span::styled(format!(" {what}  "), ctx.theme.dim));
    }
    Line::from(spans).render(area, buf);
}
