//! One student's (or the presenter's) lesson: its own App, run in its own
//! task, fed by the SSH handler's events, drawing into its own Frames.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep_until};

use super::channel::{Frames, RESTORE};
use super::class::{Class, Role};
use super::keys::{ESC_TIMEOUT, KeyParser};
use super::screen::Screen;
use crate::action::keymap;
use crate::app::App;
use crate::term::TRAIN_FRAME;

/// What the SSH handler passes on to a session.
#[derive(Debug)]
pub enum Event {
    /// Bytes the client typed.
    Input(Vec<u8>),
    /// The client's window changed (columns, rows), already clamped.
    Resize(u16, u16),
    /// The client closed the channel or sent EOF.
    Closed,
}

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Quit,
    ClientClosed,
    Idle,
    Shutdown,
    Panic,
}

impl End {
    pub fn describe(self) -> &'static str {
        match self {
            End::Quit => "quit",
            End::ClientClosed => "closed by the client",
            End::Idle => "idle",
            End::Shutdown => "server stopped",
            End::Panic => "session panicked",
        }
    }

    /// The line left on the student's terminal after it is restored.
    fn farewell(self, idle: Duration) -> String {
        match self {
            End::Quit | End::ClientClosed => String::new(),
            End::Idle => format!(
                "chainstep: closed after {} without a key press.\r\n",
                show_duration(idle)
            ),
            End::Shutdown => "chainstep: the class is over: the server was stopped.\r\n".into(),
            End::Panic => {
                "chainstep: this session hit a bug and was closed; please connect again.\r\n".into()
            }
        }
    }

    fn exit_status(self) -> u32 {
        match self {
            End::Quit => 0,
            _ => 1,
        }
    }
}

/// "30m", "90s", "2h", "1h30m".
pub fn show_duration(d: Duration) -> String {
    let s = d.as_secs();
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            out += &format!("{n}{unit}");
        }
    }
    if out.is_empty() {
        format!("{}ms", d.as_millis())
    } else {
        out
    }
}

pub struct Start {
    pub app: App,
    pub role: Role,
    /// Unique among the server's sessions.
    pub id: u64,
    pub size: (u16, u16),
    pub class: Arc<Class>,
    /// Close the session after this long without a key or, while following,
    /// a step of the presenter.
    pub idle: Duration,
    pub shutdown: watch::Receiver<bool>,
    pub frames: Arc<Frames>,
}

/// Restores the student's terminal however the session task ends, even by
/// a panic that got past [`guarded`].
struct RestoreOnDrop(Arc<Frames>);

impl Drop for RestoreOnDrop {
    fn drop(&mut self) {
        self.0.finish(RESTORE, 1);
    }
}

/// Runs `f`, turning a panic into an error, so a bug ends only this session.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, End> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| End::Panic)
}

/// Runs the session until it quits, its client leaves, it idles out or the
/// server stops. Never waits on the client's output.
pub async fn run(start: Start, mut events: mpsc::Receiver<Event>) -> End {
    let Start {
        mut app,
        role,
        id,
        size,
        class,
        idle,
        mut shutdown,
        frames,
    } = start;
    let _restore = RestoreOnDrop(frames.clone());
    let end = match guarded(|| Screen::new(frames.clone(), size)) {
        Ok(Ok(mut screen)) => {
            let mut class_rx = class.subscribe();
            class_rx.mark_unchanged();
            let mut seat = class.seat(role, id, &mut app);
            let mut parser = KeyParser::new();
            let mut keys = Vec::new();
            let mut esc_deadline: Option<Instant> = None;
            let mut next_tick = Instant::now();
            let mut idle_at = Instant::now() + idle;
            let mut draw = guarded(|| screen.draw(&app).is_ok()).unwrap_or(false);
            loop {
                if !draw {
                    break End::Panic;
                }
                let mut tick = false;
                let mut dirty = false;
                tokio::select! {
                    _ = shutdown.changed() => break End::Shutdown,
                    ev = events.recv() => match ev {
                        None | Some(Event::Closed) => break End::ClientClosed,
                        Some(Event::Input(bytes)) => {
                            parser.feed(&bytes, &mut keys);
                            let now = Instant::now();
                            esc_deadline = parser.is_pending().then(|| now + ESC_TIMEOUT);
                            idle_at = now + idle;
                            dirty = true;
                        }
                        Some(Event::Resize(cols, rows)) => {
                            screen.resize((cols, rows));
                            dirty = true;
                        }
                    },
                    _ = sleep_until(esc_deadline.unwrap_or(next_tick)), if esc_deadline.is_some() => {
                        parser.flush(&mut keys);
                        esc_deadline = None;
                        dirty = true;
                    }
                    _ = sleep_until(next_tick), if app.training.is_some() => tick = true,
                    _ = class_rx.changed() => {}
                    _ = sleep_until(idle_at) => break End::Idle,
                }
                let step = guarded(|| {
                    for k in keys.drain(..) {
                        if let Some(a) = keymap(k) {
                            seat.act(&mut app, a);
                        }
                    }
                    if tick {
                        app.tick();
                    }
                    let followed = seat.sync(&mut app);
                    (followed, app.quit)
                });
                let Ok((followed, quit)) = step else {
                    break End::Panic;
                };
                if quit {
                    break End::Quit;
                }
                if tick {
                    next_tick = Instant::now() + TRAIN_FRAME;
                }
                if followed {
                    idle_at = Instant::now() + idle;
                }
                if dirty || tick || followed {
                    draw = guarded(|| screen.draw(&app).is_ok()).unwrap_or(false);
                }
            }
        }
        _ => End::Panic,
    };
    frames.finish(
        &[RESTORE, end.farewell(idle).as_bytes()].concat(),
        end.exit_status(),
    );
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Look;
    use crate::cli::NetArgs;
    use crate::ui::theme::ThemeKind;

    fn start(frames: Arc<Frames>, idle: Duration) -> (Start, watch::Sender<bool>) {
        let lesson = NetArgs {
            preset: "notebook".into(),
            ..Default::default()
        }
        .lesson()
        .unwrap();
        let app = App::new(
            lesson,
            Look {
                theme: ThemeKind::Dark,
                ascii: false,
            },
        );
        let (tx, shutdown) = watch::channel(false);
        let s = Start {
            app,
            role: Role::Student,
            id: 1,
            size: (100, 30),
            class: Class::new(false),
            idle,
            shutdown,
            frames,
        };
        (s, tx)
    }

    async fn text(frames: &Frames) -> String {
        let mut all = Vec::new();
        while let Some(f) = frames.next().await {
            all.extend(f);
        }
        String::from_utf8_lossy(&all).into_owned()
    }

    #[tokio::test]
    async fn keys_step_and_q_quits_with_the_terminal_restored() {
        let frames = Frames::new();
        let (s, _tx) = start(frames.clone(), Duration::from_secs(60));
        let (events, rx) = mpsc::channel(8);
        let task = tokio::spawn(run(s, rx));
        events.send(Event::Input(b"    ".to_vec())).await.unwrap();
        events.send(Event::Input(b"q".to_vec())).await.unwrap();
        assert_eq!(task.await.unwrap(), End::Quit);
        let out = text(&frames).await;
        assert!(out.contains("0.7116"), "four steps show O");
        assert!(out.ends_with(std::str::from_utf8(RESTORE).unwrap()));
        assert_eq!(frames.exit_status(), 0);
    }

    #[tokio::test]
    async fn an_idle_session_closes_with_a_message() {
        let frames = Frames::new();
        let (s, _tx) = start(frames.clone(), Duration::from_millis(200));
        let (_events, rx) = mpsc::channel(8);
        assert_eq!(run(s, rx).await, End::Idle);
        assert!(
            text(&frames)
                .await
                .contains("closed after 200ms without a key press")
        );
    }

    #[tokio::test]
    async fn a_lone_esc_quits_after_the_timeout() {
        let frames = Frames::new();
        let (s, _tx) = start(frames.clone(), Duration::from_secs(60));
        let (events, rx) = mpsc::channel(8);
        events.send(Event::Input(b"\x1b".to_vec())).await.unwrap();
        assert_eq!(run(s, rx).await, End::Quit);
    }

    #[tokio::test]
    async fn shutdown_ends_the_session() {
        let frames = Frames::new();
        let (s, tx) = start(frames.clone(), Duration::from_secs(60));
        let (_events, rx) = mpsc::channel(8);
        let task = tokio::spawn(run(s, rx));
        tx.send(true).unwrap();
        assert_eq!(task.await.unwrap(), End::Shutdown);
        assert!(text(&frames).await.contains("the class is over"));
    }

    #[test]
    fn durations_show_compactly() {
        assert_eq!(show_duration(Duration::from_secs(1800)), "30m");
        assert_eq!(show_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(show_duration(Duration::from_secs(90)), "1m30s");
    }
}
