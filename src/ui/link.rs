//! The link pane: the current link's symbol, meaning, formula and shapes,
//! and one element worked out with the real numbers.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::Ctx;
use super::terms::Terms;
use crate::app::App;
use crate::model::LinkId;
use crate::model::link::shapes;
use crate::model::number::num;

/// The pane's lines, before wrapping.
fn lines(app: &App, ctx: &Ctx) -> Vec<Line<'static>> {
    let id = app.focus();
    let info = id.info();
    let s = &app.stepper;
    let label = |l: &str| Span::styled(format!("{l:<9}"), ctx.theme.dim);
    let mut out = vec![
        Line::from(Span::styled(ctx.t(&capitalise(info.meaning)), ctx.theme.base)),
        Line::from(vec![label("formula"), Span::styled(ctx.t(info.formula), ctx.theme.heading)]),
        Line::from(vec![label("shapes"), Span::styled(ctx.t(&shapes(id, s.data(), s.hidden())), ctx.theme.base)]),
    ];
    let (r, c) = app.selected;
    match s.explain(id, r, c) {
        Some(e) => {
            let head = format!("{} = {}", e.element, e.rule);
            out.push(Line::from(vec![label("element"), Span::styled(ctx.t(&head), ctx.theme.feeds)]));
            let mut sum = format!("= {}", e.terms.join(" + "));
            if e.more > 0 {
                sum.push_str(&format!(" + ⋯ ({} more)", e.more));
            }
            out.push(Line::from(vec![label(""), Span::styled(ctx.t(&sum), ctx.theme.base)]));
            let value = format!("= {}", num(e.value));
            out.push(Line::from(vec![label(""), Span::styled(ctx.t(&value), ctx.theme.selected)]));
        }
        None => out.push(Line::from(vec![
            label("next"),
            Span::styled(
                ctx.t(&format!("press space to compute {} from {}", info.symbol, reads_text(id))),
                ctx.theme.key,
            ),
        ])),
    }
    out
}

fn reads_text(id: LinkId) -> String {
    id.info().reads.iter().map(|t| t.symbol()).collect::<Vec<_>>().join(", ")
}

fn title(app: &App, ctx: &Ctx) -> Line<'static> {
    let id = app.focus();
    let info = id.info();
    let where_ = if app.current().is_some() {
        format!("link {} of 15, {} pass", id.index() + 1, info.phase.name())
    } else {
        format!("epoch {} starts: nothing computed yet", app.stepper.epoch())
    };
    let hint = "  ↑↓ tab: another element";
    Line::from(vec![
        Span::styled(ctx.t(&format!(" {} ", info.symbol)), ctx.theme.current),
        Span::styled(ctx.t(&format!(" {where_}{hint} ")), ctx.theme.heading),
    ])
}

/// Rows the pane needs at this width, border included.
pub fn height(app: &App, width: u16, ctx: &Ctx) -> u16 {
    let inner = width.max(1) as usize;
    let rows: usize = lines(app, ctx).iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    rows as u16 + 1
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer, ctx: &Ctx) {
    let block = Block::new().borders(Borders::TOP).border_set(ctx.border()).border_style(ctx.theme.dim).title(title(app, ctx));
    Paragraph::new(Text::from(lines(app, ctx))).block(block).wrap(Wrap { trim: false }).render(area, buf);
}

/// Zoom: the link pane on top, then only the current link and what it reads.
pub fn render_zoom(app: &App, area: Rect, buf: &mut Buffer, ctx: &Ctx) {
    let h = height(app, area.width, ctx).min(area.height / 2);
    let [top, bottom] = Layout::vertical([Constraint::Length(h + 1), Constraint::Fill(1)]).areas(area);
    render(app, top, buf, ctx);
    Terms { app, only_focus: true }.render(bottom, buf, ctx);
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
