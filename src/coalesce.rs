//! A backend that sends a few unchanged cells rather than a cursor move.
//!
//! ratatui sends only the cells that changed, and a jump between two of
//! them costs a cursor move of six to eight bytes. When a short run of
//! unchanged cells in the same style lies between two changes, sending the
//! run is cheaper and draws the same screen. To know what those cells hold,
//! this backend keeps a copy of what it has drawn since the last clear.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::{Position, Rect, Size};
use unicode_width::UnicodeWidthStr;

pub struct Coalesce<B> {
    inner: B,
    /// What the screen shows; None until a clear makes that known.
    shown: Option<Buffer>,
}

impl<B: Backend> Coalesce<B> {
    pub fn new(inner: B) -> Coalesce<B> {
        Coalesce { inner, shown: None }
    }

    pub fn inner(&self) -> &B {
        &self.inner
    }

    pub fn inner_mut(&mut self) -> &mut B {
        &mut self.inner
    }

    fn blank(&self) -> Result<Option<Buffer>, B::Error> {
        let s = self.inner.size()?;
        Ok(Some(Buffer::empty(Rect::new(0, 0, s.width, s.height))))
    }
}

/// The bytes a cursor move to (x, y) costs.
fn move_cost(x: u16, y: u16) -> usize {
    format!("\x1b[{};{}H", y + 1, x + 1).len()
}

/// The unchanged cells worth sending between `a` (just sent, ending at
/// column `end`) and the next change at column `next` of row `y`.
fn filler<'a>(shown: &'a Buffer, a: &Cell, end: u16, next: u16, y: u16) -> Option<Vec<(u16, u16, &'a Cell)>> {
    if next <= end {
        return None;
    }
    let gap: Vec<(u16, u16, &Cell)> = (end..next)
        .map(|x| (x, y, shown.cell((x, y))))
        .map(|(x, y, c)| Some((x, y, c?)))
        .collect::<Option<_>>()?;
    let plain = gap.iter().all(|(_, _, c)| {
        c.symbol().width() == 1 && c.diff_option == CellDiffOption::None && c.style() == a.style()
    });
    let bytes: usize = gap.iter().map(|(_, _, c)| c.symbol().len()).sum();
    (plain && bytes < move_cost(next, y)).then_some(gap)
}

impl<B: Backend> Backend for Coalesce<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), B::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let Some(shown) = &mut self.shown else {
            return self.inner.draw(content);
        };
        let changed: Vec<(u16, u16, &Cell)> = content.collect();
        for &(x, y, c) in &changed {
            if let Some(s) = shown.cell_mut((x, y)) {
                *s = c.clone();
            }
        }
        let mut out = Vec::with_capacity(changed.len());
        for (i, &(x, y, c)) in changed.iter().enumerate() {
            out.push((x, y, c));
            let Some(&(nx, ny, _)) = changed.get(i + 1) else {
                break;
            };
            let end = x.saturating_add(c.symbol().width().max(1) as u16);
            if ny == y
                && let Some(gap) = filler(shown, c, end, nx, y)
            {
                out.extend(gap);
            }
        }
        self.inner.draw(out.into_iter())
    }

    fn append_lines(&mut self, n: u16) -> Result<(), B::Error> {
        self.shown = None;
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), B::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), B::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, B::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), B::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), B::Error> {
        self.inner.clear()?;
        self.shown = self.blank()?;
        Ok(())
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), B::Error> {
        self.inner.clear_region(clear_type)?;
        // Only a whole clear leaves a screen whose every cell is known.
        self.shown = if clear_type == ClearType::All {
            self.blank()?
        } else {
            None
        };
        Ok(())
    }

    fn size(&self) -> Result<Size, B::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, B::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), B::Error> {
        self.inner.flush()
    }
}

impl<B: Write> Write for Coalesce<B> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
