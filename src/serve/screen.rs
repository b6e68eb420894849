//! A session's screen: a ratatui Terminal over a `CrosstermBackend` that
//! writes into the session's [`Frames`], sized by the client's pty request
//! and window changes instead of by the server's own terminal.

use std::io::{self, Write};
use std::sync::Arc;

use ratatui::Terminal;
use ratatui::crossterm::queue;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::layout::Size;

use super::channel::{ChannelWriter, Frames};
use crate::app::App;
use crate::coalesce::Coalesce;
use crate::fixed_size::FixedSize;

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

/// A session's backend: sized by the client's pty request and window changes.
pub type SshBackend = FixedSize<ChannelWriter>;

pub struct Screen {
    terminal: Terminal<Coalesce<SshBackend>>,
    frames: Arc<Frames>,
    /// The next frame must be drawn in full (the first one, after a resize).
    full: bool,
}

impl Screen {
    pub fn new(frames: Arc<Frames>, size: (u16, u16)) -> io::Result<Screen> {
        let terminal = Terminal::new(Coalesce::new(FixedSize::new(
            ChannelWriter::new(frames.clone()),
            size,
        )))?;
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
