//! One term drawn as a labelled matrix block, or collapsed to one line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::Ctx;
use crate::model::link::{Axis, Part, axes};
use crate::model::number::{WIDTH, num};
use crate::model::{Mat, Term};

/// Characters per cell: a number and one space before it.
pub const CELL: u16 = WIDTH as u16 + 1;
/// Characters for row labels such as `hid3`.
pub const LABEL: u16 = 4;
/// Most rows an expanded block shows before eliding.
pub const MAX_ROWS: usize = 8;

/// How a block relates to the current link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Plain,
    /// The current link; the element being explained is marked.
    Current((usize, usize)),
    /// A term the current link reads; the part its worked element uses is marked.
    Reads(Part),
}

pub struct MatrixView<'a> {
    pub term: Term,
    pub shape: (usize, usize),
    pub value: Option<&'a Mat>,
    pub role: Role,
}

fn short(a: Axis) -> &'static str {
    match a {
        Axis::Input => "in",
        Axis::Hidden => "hid",
        Axis::Output => "out",
        Axis::Sample => "s",
    }
}

impl MatrixView<'_> {
    pub fn title(&self, ctx: &Ctx) -> String {
        let name = match self.term {
            Term::Link(id) => id.info().symbol,
            t => t.symbol(),
        };
        ctx.t(&format!("{name} ({}×{})", self.shape.0, self.shape.1))
    }

    /// Lines the block takes when expanded: title, column labels, rows.
    pub fn full_height(&self) -> u16 {
        2 + self.shape.0.min(MAX_ROWS + 1) as u16
    }

    /// Width that shows every column.
    pub fn full_width(&self, ctx: &Ctx) -> u16 {
        let cells = LABEL + CELL * self.shape.1 as u16;
        cells.max(self.title(ctx).chars().count() as u16)
    }

    fn title_style(&self, ctx: &Ctx) -> Style {
        match self.role {
            Role::Current(_) => ctx.theme.current,
            Role::Reads(_) => ctx.theme.reads,
            Role::Plain => ctx.theme.heading,
        }
    }

    /// Width of the one-line form: one-row values are written inline.
    pub fn line_width(&self, ctx: &Ctx) -> u16 {
        let title = self.title(ctx).chars().count() as u16;
        match self.value {
            Some(m) if m.nrows() == 1 => title + (CELL) * m.ncols() as u16,
            // The elision mark is `..` in ASCII: room for all of it, or it
            // is cut to `.`, which reads as "not computed yet".
            Some(_) => title + 1 + ctx.t("⋯").chars().count() as u16,
            None => title + 1 + ctx.blank().chars().count() as u16,
        }
    }

    /// One line: the title, then (for one-row values) the numbers inline.
    pub fn render_collapsed(&self, area: Rect, buf: &mut Buffer, ctx: &Ctx) {
        let title = self.title(ctx);
        let (x, _) = buf.set_stringn(area.x, area.y, &title, area.width as usize, self.title_style(ctx));
        let rest = area.right().saturating_sub(x + 1) as usize;
        let tail = match self.value {
            None => ctx.blank().to_string(),
            Some(m) if m.nrows() == 1 => m
                .iter()
                .map(|&v| format!("{:>w$}", ctx.t(&num(v)), w = WIDTH))
                .collect::<Vec<_>>()
                .join(" "),
            Some(_) => ctx.t("⋯"),
        };
        let tail = if tail.chars().count() > rest {
            ctx.t("⋯")
        } else {
            tail
        };
        buf.set_stringn(x + 1, area.y, tail, rest, ctx.theme.dim);
    }

    pub fn render_full(&self, area: Rect, buf: &mut Buffer, ctx: &Ctx) {
        let title = self.title(ctx);
        buf.set_stringn(area.x, area.y, &title, area.width as usize, self.title_style(ctx));
        let (ra, ca) = axes(self.term);
        let cols = window(
            self.shape.1,
            ((area.width.saturating_sub(LABEL)) / CELL) as usize,
            self.focus().1,
        );
        let rows = window(self.shape.0, MAX_ROWS, self.focus().0);
        let y0 = area.y + 1;
        for (i, c) in cols.iter().enumerate() {
            let x = area.x + LABEL + CELL * i as u16;
            let label = c.map_or(ctx.t("⋯"), |c| format!("{}{}", short(ca), c + 1));
            buf.set_stringn(
                x,
                y0,
                format!("{label:>w$}", w = CELL as usize),
                CELL as usize,
                ctx.theme.dim,
            );
        }
        for (j, r) in rows.iter().enumerate() {
            let y = y0 + 1 + j as u16;
            if y >= area.bottom() {
                break;
            }
            let label = r.map_or(ctx.t("⋯"), |r| format!("{}{}", short(ra), r + 1));
            buf.set_stringn(area.x, y, label, LABEL as usize, ctx.theme.dim);
            for (i, c) in cols.iter().enumerate() {
                let x = area.x + LABEL + CELL * i as u16;
                let (text, style) = self.cell(*r, *c, ctx);
                buf.set_stringn(
                    x,
                    y,
                    format!("{text:>w$}", w = CELL as usize),
                    CELL as usize,
                    style,
                );
            }
        }
    }

    fn focus(&self) -> (usize, usize) {
        match self.role {
            Role::Current(rc) => rc,
            Role::Reads(Part::Cell(r, c)) => (r, c),
            Role::Reads(Part::Row(r)) => (r, 0),
            Role::Reads(Part::Col(c)) => (0, c),
            _ => (0, 0),
        }
    }

    fn cell(&self, r: Option<usize>, c: Option<usize>, ctx: &Ctx) -> (String, Style) {
        let (Some(r), Some(c)) = (r, c) else {
            return (ctx.t("⋯"), ctx.theme.dim);
        };
        let Some(m) = self.value else {
            return (ctx.blank().to_string(), ctx.theme.dim);
        };
        let style = match self.role {
            Role::Current(sel) if sel == (r, c) => ctx.theme.selected,
            Role::Reads(p) if p.contains(r, c) => ctx.theme.feeds,
            _ => ctx.theme.base,
        };
        (ctx.t(&num(m[(r, c)])), style)
    }
}

/// Which of `n` indices to show in `room` slots so that `focus` is visible:
/// `None` marks an elided run (`⋯`).
pub fn window(n: usize, room: usize, focus: usize) -> Vec<Option<usize>> {
    let focus = focus.min(n.saturating_sub(1));
    if n <= room {
        return (0..n).map(Some).collect();
    }
    if room < 3 {
        return [Some(focus), None].into_iter().take(room).collect();
    }
    let shown = room - 1;
    if focus < shown {
        return (0..shown).map(Some).chain([None]).collect();
    }
    if focus >= n - shown {
        return [None].into_iter().chain((n - shown..n).map(Some)).collect();
    }
    let k = room - 2;
    let start = focus + 1 - k.div_ceil(2).max(1);
    [None]
        .into_iter()
        .chain((start..start + k).map(Some))
        .chain([None])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn small_matrices_show_whole() {
        assert_eq!(window(3, 5, 2), vec![Some(0), Some(1), Some(2)]);
    }

    #[test]
    fn large_matrices_keep_the_focus_in_view() {
        let w = window(10, 4, 9);
        assert!(w.contains(&Some(9)));
        assert!(w.contains(&None));
        assert_eq!(w.len(), 4);
        assert_eq!(window(10, 4, 9), vec![None, Some(7), Some(8), Some(9)]);
        assert_eq!(window(10, 4, 0), vec![Some(0), Some(1), Some(2), None]);
        assert_eq!(window(10, 4, 5), vec![None, Some(5), Some(6), None]);
        for room in 0..12 {
            for focus in 0..10 {
                let w = window(10, room, focus);
                assert!(w.len() <= room);
                assert!(room == 0 || w.contains(&Some(focus)), "{room} {focus} {w:?}");
            }
        }
    }
}
