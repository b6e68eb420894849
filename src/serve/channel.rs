//! A session's output: frames handed from its App task to the task that
//! writes them to the SSH channel, newest frame first.
//!
//! At most one finished frame waits for the channel. A client that reads
//! slower than the lesson draws makes the App task drop the waiting frame;
//! since ratatui's frames only hold the cells that changed, the frame that
//! replaces it is then drawn in full ([`Frames::commit`] says when). So a
//! stalled client costs one frame of memory, and never holds up anything
//! but its own output task.

use std::io::{self, Write};
use std::mem;
use std::sync::{Arc, Mutex, MutexGuard};

use russh::ChannelId;
use russh::server::Handle;
use tokio::sync::Notify;

/// Puts a student's terminal back: end synchronized output, reset colours
/// and attributes, blank the lesson's screen (tmux can otherwise pull its
/// lines into the student's own screen after a resize), show the cursor,
/// leave the alternate screen.
pub const RESTORE: &[u8] = b"\x1b[?2026l\x1b[0m\x1b[H\x1b[J\x1b[?25h\x1b[?1049l";

#[derive(Debug, Default)]
struct Slot {
    /// Bytes that go out before the next frame and are never dropped
    /// (entering the alternate screen, which must be sent exactly once).
    once: Vec<u8>,
    /// The frame being drawn.
    building: Vec<u8>,
    /// The newest finished frame, not yet taken by the output task.
    ready: Option<Vec<u8>>,
    /// No frame comes after the ready one: the channel is to be closed.
    finished: bool,
    /// Frames dropped because the client was behind, for the record.
    dropped: u64,
    /// The exit status the client gets when the channel closes.
    exit_status: u32,
}

#[derive(Debug, Default)]
pub struct Frames {
    slot: Mutex<Slot>,
    wake: Notify,
}

impl Frames {
    pub fn new() -> Arc<Frames> {
        Arc::default()
    }

    fn lock(&self) -> MutexGuard<'_, Slot> {
        // A panic while holding this lock leaves plain bytes behind: still usable.
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn append(&self, bytes: &[u8]) {
        let mut s = self.lock();
        if !s.finished {
            s.building.extend_from_slice(bytes);
        }
    }

    /// Ends the frame being drawn. A `full` frame (one that redraws the
    /// whole screen) always replaces the waiting one. A partial frame can
    /// only follow the frame it was drawn against: if that one is still
    /// waiting, the client is behind, both are dropped, and this returns
    /// false — the caller must draw the next frame in full.
    pub fn commit(&self, full: bool) -> bool {
        let mut s = self.lock();
        if s.finished {
            return true;
        }
        let frame = mem::take(&mut s.building);
        if s.ready.is_some() && !full {
            s.ready = None;
            s.dropped += 1;
            return false;
        }
        s.ready = Some(frame);
        drop(s);
        self.wake.notify_one();
        true
    }

    /// Bytes to send before the next frame, whatever is dropped.
    pub fn send_once(&self, bytes: &[u8]) {
        let mut s = self.lock();
        if !s.finished {
            s.once.extend_from_slice(bytes);
        }
    }

    /// The last bytes of the session (after the frame that is waiting, if
    /// any); the output task then closes the channel.
    pub fn finish(&self, last: &[u8], exit_status: u32) {
        let mut s = self.lock();
        if s.finished {
            return;
        }
        s.exit_status = exit_status;
        s.building.clear();
        s.ready.get_or_insert_with(Vec::new).extend_from_slice(last);
        s.finished = true;
        drop(s);
        self.wake.notify_one();
    }

    pub fn is_finished(&self) -> bool {
        self.lock().finished
    }

    pub fn exit_status(&self) -> u32 {
        self.lock().exit_status
    }

    /// How many frames were dropped because the client was behind.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }

    /// The next frame to send, waiting for one; None once the session is
    /// over and everything was taken.
    pub async fn next(&self) -> Option<Vec<u8>> {
        loop {
            {
                let mut s = self.lock();
                let once = mem::take(&mut s.once);
                match s.ready.take() {
                    Some(f) if once.is_empty() => return Some(f),
                    Some(f) => return Some([once, f].concat()),
                    None if !once.is_empty() => return Some(once),
                    None => {}
                }
                if s.finished {
                    return None;
                }
            }
            self.wake.notified().await;
        }
    }
}

/// The writer under a session's `CrosstermBackend`: it gathers what the
/// backend writes; `flush` adds it to the frame being drawn, which only
/// [`Frames::commit`] hands on.
pub struct ChannelWriter {
    buf: Vec<u8>,
    frames: Arc<Frames>,
}

impl ChannelWriter {
    pub fn new(frames: Arc<Frames>) -> ChannelWriter {
        ChannelWriter {
            buf: Vec::with_capacity(8 << 10),
            frames,
        }
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.frames.append(&self.buf);
        self.buf.clear();
        Ok(())
    }
}

/// Sends the session's frames to its channel until the session is over,
/// then the exit status, and closes the channel. Waiting on a slow client
/// here holds up nothing else.
pub async fn pump(frames: Arc<Frames>, handle: Handle, channel: ChannelId) {
    while let Some(frame) = frames.next().await {
        if handle.data(channel, frame).await.is_err() {
            return;
        }
    }
    let _ = handle.exit_status_request(channel, frames.exit_status()).await;
    let _ = handle.eof(channel).await;
    let _ = handle.close(channel).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(f: &Frames, bytes: &[u8], full: bool) -> bool {
        f.append(bytes);
        f.commit(full)
    }

    #[tokio::test]
    async fn frames_go_out_in_order_when_the_client_keeps_up() {
        let f = Frames::new();
        assert!(frame(&f, b"one", true));
        assert_eq!(f.next().await.as_deref(), Some(&b"one"[..]));
        assert!(frame(&f, b"two", false));
        assert_eq!(f.next().await.as_deref(), Some(&b"two"[..]));
    }

    #[tokio::test]
    async fn a_client_behind_gets_the_newest_full_frame_only() {
        let f = Frames::new();
        assert!(frame(&f, b"full", true));
        assert!(
            !frame(&f, b"diff", false),
            "a diff cannot follow a frame the client has not had"
        );
        assert!(frame(&f, b"redrawn", true));
        assert_eq!(f.next().await.as_deref(), Some(&b"redrawn"[..]));
        assert_eq!(f.dropped(), 1);
    }

    #[tokio::test]
    async fn bytes_sent_once_are_never_dropped() {
        let f = Frames::new();
        f.send_once(b"setup;");
        assert!(frame(&f, b"full", true));
        assert!(frame(&f, b"newer", true));
        assert_eq!(f.next().await.as_deref(), Some(&b"setup;newer"[..]));
    }

    #[tokio::test]
    async fn finish_sends_the_waiting_frame_then_the_restore_bytes_then_stops() {
        let f = Frames::new();
        assert!(frame(&f, b"last", true));
        f.finish(RESTORE, 0);
        assert!(frame(&f, b"ignored", true));
        let mut want = b"last".to_vec();
        want.extend_from_slice(RESTORE);
        assert_eq!(f.next().await, Some(want));
        assert_eq!(f.next().await, None);
    }
}
