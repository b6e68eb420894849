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
use crate::model::text;
use tui_big_text::{BigText, PixelSize};

/// How much a line of the pane matters: when rows run short, the least
/// important go first, and the element's value stays to the last.
type Ranked = (u8, Line<'static>);

/// The pane's lines, before wrapping, each with its rank.
fn lines(app: &App, width: u16, ctx: &Ctx) -> Vec<Ranked> {
    let id = app.focus();
    let info = id.info();
    let s = &app.stepper;
    let label = |l: &str| Span::styled(format!("{l:<9}"), ctx.theme.dim);
    let mut out = vec![
        (
            2,
            Line::styled(ctx.t(&text::capitalise(info.meaning)), ctx.theme.base),
        ),
        (
            7,
            Line::from(vec![
                label("formula"),
                Span::styled(ctx.t(info.formula), ctx.theme.heading),
            ]),
        ),
        (
            1,
            Line::from(vec![
                label("shapes"),
                Span::styled(ctx.t(&shapes(id, s.data(), s.hidden())), ctx.theme.base),
            ]),
        ),
    ];
    let (r, c) = app.selection();
    let Some(e) = s.explain(id, r, c) else {
        let next = format!("press space to compute {} from {}", info.symbol, reads_text(id));
        out.push((
            8,
            Line::from(vec![label("next"), Span::styled(ctx.t(&next), ctx.theme.key)]),
        ));
        return out;
    };
    let head = format!("{} = {}", e.element, e.rule);
    // A rule too long to share a line with its element gets its own line,
    // so it wraps under the numbers rather than back to the margin.
    let heads = if head.chars().count() + 9 <= width as usize {
        vec![("element", head)]
    } else {
        vec![("element", e.element.clone()), ("", format!("= {}", e.rule))]
    };
    for (l, h) in heads {
        out.push((
            5,
            Line::from(vec![label(l), Span::styled(ctx.t(&h), ctx.theme.feeds)]),
        ));
    }
    let mut terms = e.terms.clone();
    if e.more > 0 {
        terms.push(format!("⋯ ({} more)", e.more));
    }
    let one = format!("= {}", terms.join(" + "));
    // A sum too long for one line gets a line per term, aligned.
    let sums = if one.chars().count() + 9 <= width as usize {
        vec![one]
    } else {
        let sign = |i| if i == 0 { "=" } else { "+" };
        terms
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{} {t}", sign(i)))
            .collect()
    };
    for sum in sums {
        out.push((
            3,
            Line::from(vec![label(""), Span::styled(ctx.t(&sum), ctx.theme.base)]),
        ));
    }
    let value = format!("= {}", num(e.value));
    out.push((
        9,
        Line::from(vec![label(""), Span::styled(ctx.t(&value), ctx.theme.selected)]),
    ));
    out
}

/// Rows a line takes when wrapped to `width`.
fn rows(line: &Line, width: u16) -> usize {
    line.width().div_ceil(width.max(1) as usize).max(1)
}

/// The lines that fit in `height` rows, dropping the least important first.
fn fitting(mut ranked: Vec<Ranked>, width: u16, height: u16) -> Vec<Line<'static>> {
    while ranked.iter().map(|(_, l)| rows(l, width)).sum::<usize>() > height as usize {
        let Some(i) = ranked
            .iter()
            .enumerate()
            .min_by_key(|(_, (rank, _))| *rank)
            .map(|(i, _)| i)
        else {
            break;
        };
        ranked.remove(i);
    }
    ranked.into_iter().map(|(_, l)| l).collect()
}

fn reads_text(id: LinkId) -> String {
    id.info()
        .reads
        .iter()
        .map(|t| t.symbol())
        .collect::<Vec<_>>()
        .join(", ")
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

/// The pane's usual height, border included: most links need no more.
pub const MIN_HEIGHT: u16 = 8;

/// The pane, worked out once per frame: its height decides the layout and
/// its lines are then drawn.
pub struct Pane {
    title: Line<'static>,
    lines: Vec<Ranked>,
    width: u16,
}

impl Pane {
    pub fn new(app: &App, width: u16, ctx: &Ctx) -> Pane {
        Pane {
            title: title(app, ctx),
            lines: lines(app, width, ctx),
            width,
        }
    }

    /// Rows the pane needs, border included.
    pub fn height(&self) -> u16 {
        let rows: usize = self.lines.iter().map(|(_, l)| rows(l, self.width)).sum();
        rows as u16 + 1
    }

    pub fn render(self, area: Rect, buf: &mut Buffer, ctx: &Ctx) {
        let block = Block::new()
            .borders(Borders::TOP)
            .border_set(ctx.border())
            .border_style(ctx.theme.dim)
            .title(self.title);
        let lines = fitting(self.lines, area.width, area.height.saturating_sub(1));
        Paragraph::new(Text::from(lines))
            .block(block)
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}

/// Zoom, for projectors: the link pane, the worked element's value in large
/// type, then only the current link and what it reads.
pub fn render_zoom(app: &App, area: Rect, buf: &mut Buffer, ctx: &Ctx) {
    let pane = Pane::new(app, area.width, ctx);
    let h = pane.height().min(area.height / 2);
    let big = big_size(ctx, area.height.saturating_sub(h + 1));
    let [top, value, bottom] = Layout::vertical([
        Constraint::Length(h + 1),
        Constraint::Length(big.map_or(0, |b| b.1)),
        Constraint::Fill(1),
    ])
    .areas(area);
    pane.render(top, buf, ctx);
    if let Some((size, _)) = big {
        big_value(app, value, buf, ctx, size);
    }
    Terms {
        app,
        only_focus: true,
    }
    .render(bottom, buf, ctx);
}

/// How large the value can be drawn in `rows`, and the rows it takes. ASCII
/// terminals get whole-cell pixels, which become `#`; below eight spare rows
/// they get no large value.
fn big_size(ctx: &Ctx, rows: u16) -> Option<(PixelSize, u16)> {
    match (ctx.ascii, rows) {
        (_, r) if r >= 8 + 6 => Some((PixelSize::Full, 8)),
        (false, r) if r >= 4 + 4 => Some((PixelSize::HalfHeight, 4)),
        _ => None,
    }
}

fn big_value(app: &App, area: Rect, buf: &mut Buffer, ctx: &Ctx, size: PixelSize) {
    let (r, c) = app.selection();
    let Some(e) = app.stepper.explain(app.focus(), r, c) else {
        return;
    };
    // The 8×8 font has ASCII glyphs only.
    let text = text::ascii(&format!("= {}", num(e.value)));
    BigText::builder()
        .pixel_size(size)
        .style(ctx.theme.selected)
        .lines(vec![Line::from(text)])
        .build()
        .render(area, buf);
    if ctx.ascii {
        for pos in area.positions() {
            if buf[pos].symbol() == "█" {
                buf[pos].set_symbol("#");
            }
        }
    }
}
