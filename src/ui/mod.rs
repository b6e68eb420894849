//! Rendering only: everything here reads the App and draws it.

pub mod chain;
pub mod footer;
pub mod help;
pub mod link;
pub mod matrix;
pub mod terms;
pub mod theme;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::border;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::App;
use crate::model::text::ascii;
use theme::Theme;

/// The smallest screen the full layout is drawn on.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// What every pane needs to draw: the styles and the glyph set.
pub struct Ctx {
    pub theme: Theme,
    pub ascii: bool,
}

impl Ctx {
    pub fn new(app: &App) -> Ctx {
        Ctx {
            theme: app.look.theme.theme(),
            ascii: app.look.ascii,
        }
    }

    /// `s` in the glyphs this terminal can show.
    pub fn t(&self, s: &str) -> String {
        if self.ascii { ascii(s) } else { s.to_string() }
    }

    /// The mark for a number not computed yet.
    pub fn blank(&self) -> &'static str {
        if self.ascii { "." } else { "·" }
    }

    pub fn border(&self) -> border::Set<'static> {
        if self.ascii {
            border::Set {
                top_left: "+",
                top_right: "+",
                bottom_left: "+",
                bottom_right: "+",
                vertical_left: "|",
                vertical_right: "|",
                horizontal_top: "-",
                horizontal_bottom: "-",
            }
        } else {
            border::PLAIN
        }
    }
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let ctx = Ctx::new(self);
        buf.set_style(area, ctx.theme.base);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return too_small(area, buf, &ctx);
        }
        let chain_h = chain::height(area.width, &ctx);
        let [status, chain_area, main, footer_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(chain_h),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        chain::render_status(self, status, buf, &ctx);
        chain::render_chain(self, chain_area, buf, &ctx);
        footer::render(self, footer_area, buf, &ctx);
        if self.zoom {
            link::render_zoom(self, main, buf, &ctx);
        } else {
            // A floor on the pane's height keeps the panes above from
            // reflowing (and resending) as links with shorter texts come by.
            let pane = link::Pane::new(self, main.width, &ctx);
            let link_h = pane.height().max(link::MIN_HEIGHT).min(main.height / 2);
            let [terms_area, link_area] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(link_h)]).areas(main);
            terms::Terms {
                app: self,
                only_focus: false,
            }
            .render(terms_area, buf, &ctx);
            pane.render(link_area, buf, &ctx);
        }
        if self.help {
            help::render(area, buf, &ctx);
        }
    }
}

fn too_small(area: Rect, buf: &mut Buffer, ctx: &Ctx) {
    let msg = format!(
        "chainstep needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}; this one is {}×{}. Enlarge it, or press q to quit.",
        area.width, area.height
    );
    let text = Line::styled(ctx.t(&msg), ctx.theme.warn);
    Paragraph::new(text).wrap(Wrap { trim: true }).render(area, buf);
}
