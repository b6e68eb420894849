//! A session's screen: a ratatui Terminal over a `CrosstermBackend` that
//! writes into the session's [`Frames`], sized by the client's pty request
//! and window changes instead of by the server's own terminal.

use std::io::{self, Write};
use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::queue;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::layout::{Position, Size};

use super::channel::{ChannelWriter, Frames};
use crate::app::App;
use crate::coalesce::Coalesce;

/// The size used when a client asks for a pty of size 0.
pub const DEFAULT_SIZE: (u16, u16) = (80, 24);
/// The largest screen drawn: a client asking for more gets this much, so a
/// pty request cannot make the server allocate without bound.
pub const MAX_COLS: u16 = 500;
pub const MAX_ROWS: u16 = 200;

/// A pty size from a client, made safe to draw on.
pub fn clamp_size(cols: u32, rows: u32) -> (u16, u16) {
    if cols == 0 || rows == 0 {
        return DEFAULT_SIZE;
    }
    (cols.min(MAX_COLS as u32) as u16, rows.min(MAX_ROWS as u32) as u16)
}

/// Sent once, first: the lesson takes the alternate screen, so the
/// student's own screen comes back when it ends. Sending it again would
/// make some terminals (tmux among them) save the lesson's screen instead.
const ENTER: &[u8] = b"\x1b[?1049h";

/// Starts every frame drawn in full, so that frame stands on its own:
/// cursor hidden, attributes reset (the screen is then cleared).
const SETUP: &[u8] = b"\x1b[?25l\x1b[0m";

/// `CrosstermBackend` with everything it would ask the local terminal
/// (its size, the cursor position) answered from what the client told us.
pub struct SshBackend {
    inner: CrosstermBackend<ChannelWriter>,
    size: Size,
    cursor: Position,
}

impl SshBackend {
    pub fn new(frames: Arc<Frames>, (cols, rows): (u16, u16)) -> SshBackend {
        SshBackend {
            inner: CrosstermBackend::new(ChannelWriter::new(frames)),
            size: Size::new(cols, rows),
            cursor: Position::ORIGIN,
        }
    }
}

impl Write for SshBackend {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl Backend for SshBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.cursor = position.into();
        self.inner.set_cursor_position(self.cursor)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size,
            pixels: Size::default(),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

pub struct Screen {
    terminal: Terminal<Coalesce<SshBackend>>,
    frames: Arc<Frames>,
    /// The next frame must be drawn in full (the first one, after a resize).
    full: bool,
}

impl Screen {
    pub fn new(frames: Arc<Frames>, size: (u16, u16)) -> io::Result<Screen> {
        let terminal = Terminal::new(Coalesce::new(SshBackend::new(frames.clone(), size)))?;
        frames.send_once(ENTER);
        Ok(Screen {
            terminal,
            frames,
            full: true,
        })
    }

    pub fn size(&self) -> (u16, u16) {
        let s = self.terminal.backend().inner().size;
        (s.width, s.height)
    }

    /// The client's window changed: the next frame is laid out for it.
    pub fn resize(&mut self, size: (u16, u16)) {
        let s = Size::new(size.0, size.1);
        if self.terminal.backend().inner().size != s {
            self.terminal.backend_mut().inner_mut().size = s;
            self.full = true;
        }
    }

    /// Draws the App and hands the frame on, in full when the client is
    /// behind. Each frame is wrapped in synchronized output (DEC mode
    /// 2026), as [`crate::term::draw_synced`] does for the local terminal.
    pub fn draw(&mut self, app: &App) -> io::Result<()> {
        let full = std::mem::take(&mut self.full);
        self.frame(app, full)?;
        if !self.frames.commit(full) {
            self.frame(app, true)?;
            self.frames.commit(true);
        }
        Ok(())
    }

    fn frame(&mut self, app: &App, full: bool) -> io::Result<()> {
        if full {
            self.terminal.backend_mut().write_all(SETUP)?;
            self.terminal.clear()?;
        }
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        self.terminal.draw(|f| f.render_widget(app, f.area()))?;
        let backend = self.terminal.backend_mut();
        queue!(backend, EndSynchronizedUpdate)?;
        Write::flush(backend)
    }
}
