//! The SSH side: accepting connections, authenticating, and turning every
//! request but "a shell on a pty" away.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::keys::PublicKey;
use russh::server::{Auth, Config, Handler, Msg, PublicKeyOffer, Session, VerifiedPublicKey, run_stream};
use russh::{Channel, ChannelId, Disconnect, MethodKind, MethodSet, Pty};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep, timeout};

use super::channel::{Frames, pump};
use super::class::{Class, Role};
use super::screen::clamp_size;
use super::session::{self, End, Event, Start, show_duration};
use crate::app::{App, Look};
use crate::cli::{Lesson, is_utf8};
use crate::ui::theme::ThemeKind;

/// The user name the presenter connects as: `ssh -p 2222 presenter@HOST`.
pub const PRESENTER_USER: &str = "presenter";

/// How long a connection may take from its first byte to a running lesson
/// (the key exchange, a student answering ssh's host key question,
/// authentication, the pty and shell requests), as sshd's LoginGraceTime.
pub const LOGIN_GRACE: Duration = Duration::from_secs(120);

/// Connections allowed beyond --max-sessions: handshakes in progress, the
/// presenter (always let in), students being told the class is full.
pub const EXTRA_CONNECTIONS: usize = 16;

/// Input events queued for one session before its connection waits.
const EVENT_QUEUE: usize = 64;

/// Who may present.
#[derive(Default)]
pub struct Presenter {
    pub keys: Vec<PublicKey>,
    pub password: Option<String>,
}

impl Presenter {
    pub fn configured(&self) -> bool {
        !self.keys.is_empty() || self.password.is_some()
    }

    fn methods(&self) -> MethodSet {
        let mut m = MethodSet::empty();
        if !self.keys.is_empty() {
            m.push(MethodKind::PublicKey);
        }
        if self.password.is_some() {
            m.push(MethodKind::Password);
        }
        m
    }

    fn key_matches(&self, key: &PublicKey) -> bool {
        self.keys.iter().any(|k| k.key_data() == key.key_data())
    }

    fn password_matches(&self, given: &str) -> bool {
        self.password
            .as_deref()
            .is_some_and(|want| constant_time_eq(want.as_bytes(), given.as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for (i, &x) in a.iter().enumerate() {
        diff |= (x ^ b.get(i).copied().unwrap_or(!x)) as usize;
    }
    diff == 0
}

/// What every connection shares.
pub struct Shared {
    pub config: Arc<Config>,
    pub lesson: Lesson,
    pub theme: Option<ThemeKind>,
    pub ascii: bool,
    pub presenter: Presenter,
    pub class: Arc<Class>,
    pub max_sessions: usize,
    pub idle: Duration,
    pub port: u16,
    pub shutdown: watch::Receiver<bool>,
    /// Open SSH connections.
    pub connections: AtomicUsize,
    /// Lessons running.
    pub lessons: AtomicUsize,
    next_id: AtomicU64,
}

impl Shared {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: Config,
        lesson: Lesson,
        theme: Option<ThemeKind>,
        ascii: bool,
        presenter: Presenter,
        max_sessions: usize,
        idle: Duration,
        port: u16,
        shutdown: watch::Receiver<bool>,
    ) -> Arc<Shared> {
        Arc::new(Shared {
            config: Arc::new(config),
            lesson,
            theme,
            ascii,
            class: Class::new(presenter.configured()),
            presenter,
            max_sessions,
            idle,
            port,
            shutdown,
            connections: AtomicUsize::new(0),
            lessons: AtomicUsize::new(0),
            next_id: AtomicU64::new(1),
        })
    }
}

/// The russh settings: the host key, the auth methods, and the timeouts
/// that drop dead, silent or stalled peers.
pub fn config(host_key: russh::keys::PrivateKey) -> Config {
    Config {
        server_id: russh::SshId::Standard(format!("SSH-2.0-chainstep_{}", env!("CARGO_PKG_VERSION")).into()),
        methods: MethodSet::from(&[MethodKind::None, MethodKind::PublicKey, MethodKind::Password][..]),
        // A wrong presenter password or key costs a second; the `none`
        // probe every client starts with is answered at once.
        auth_rejection_time: Duration::from_secs(1),
        auth_rejection_time_initial: Some(Duration::ZERO),
        max_auth_attempts: 6,
        keys: vec![host_key],
        // Nothing heard for this long (keepalive replies count), or a write
        // stuck for this long on a client that stopped reading: drop it.
        inactivity_timeout: Some(LOGIN_GRACE),
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 3,
        nodelay: true,
        ..Default::default()
    }
}

/// Accepts connections until `stop` resolves.
pub async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        let (sock, addr) = tokio::select! {
            _ = &mut stop => return,
            r = listener.accept() => match r {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors, most likely: breathe.
                    eprintln!("chainstep: accept: {e}");
                    sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let open = shared.connections.load(Ordering::SeqCst);
        if open >= shared.max_sessions + EXTRA_CONNECTIONS {
            eprintln!(
                "chainstep: {addr} refused: too many connections · {}",
                sessions(open)
            );
            continue;
        }
        let _ = sock.set_nodelay(true);
        tokio::spawn(connection(shared.clone(), sock, addr));
    }
}

/// "1 session", "3 sessions": the count in the log lines.
pub(crate) fn sessions(n: usize) -> String {
    format!("{n} session{}", if n == 1 { "" } else { "s" })
}

/// Decrements a counter when dropped, however the task ends.
struct Counted<'a>(&'a AtomicUsize);

impl<'a> Counted<'a> {
    fn new(c: &'a AtomicUsize) -> (Counted<'a>, usize) {
        (Counted(c), c.fetch_add(1, Ordering::SeqCst) + 1)
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

type Outcome = Arc<Mutex<Option<String>>>;

fn set_outcome(o: &Outcome, what: impl Into<String>) {
    if let Ok(mut g) = o.lock() {
        g.get_or_insert(what.into());
    }
}

/// One connection, from its first byte to its last, with a log line at
/// each end.
async fn connection(shared: Arc<Shared>, sock: TcpStream, addr: SocketAddr) {
    let began = Instant::now();
    let (count, n) = Counted::new(&shared.connections);
    eprintln!("chainstep: {addr} connected · {}", sessions(n));
    let outcome: Outcome = Arc::default();
    let (started_tx, mut started) = oneshot::channel();
    let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
    let conn = Conn::new(shared.clone(), addr, id, started_tx, outcome.clone());
    let grace = sleep(LOGIN_GRACE);
    tokio::pin!(grace);
    let ended = tokio::select! {
        r = run_stream(shared.config.clone(), sock, conn) => match r {
            Err(e) => format!("handshake failed: {e}"),
            Ok(session) => {
                let handle = session.handle();
                tokio::pin!(session);
                let mut in_lesson = false;
                loop {
                    tokio::select! {
                        r = &mut session => break match r {
                            Ok(()) => "closed by the client".to_string(),
                            Err(e) => format!("{e}"),
                        },
                        r = &mut started, if !in_lesson => {
                            in_lesson = true;
                            // Err: the handler is gone, so is the session.
                            let _ = r;
                        }
                        _ = &mut grace, if !in_lesson => {
                            let _ = handle.disconnect(Disconnect::ByApplication, "login grace time over".into(), "en".into()).await;
                            let _ = timeout(Duration::from_secs(5), &mut session).await;
                            break "handshake timed out".to_string();
                        }
                    }
                }
            }
        },
        _ = &mut grace => "handshake timed out".to_string(),
    };
    let why = outcome.lock().ok().and_then(|mut o| o.take()).unwrap_or(ended);
    drop(count);
    let left = shared.connections.load(Ordering::SeqCst);
    let took = began.elapsed();
    let after = if took.as_secs() < 60 {
        format!("{:.1}s", took.as_secs_f64())
    } else {
        show_duration(Duration::from_secs(took.as_secs()))
    };
    eprintln!(
        "chainstep: {addr} disconnected ({why}) after {after} · {}",
        sessions(left)
    );
}

/// What the client's environment says about its terminal.
#[derive(Default)]
struct ClientEnv {
    lc_all: Option<String>,
    lc_ctype: Option<String>,
    lang: Option<String>,
    no_color: bool,
}

impl ClientEnv {
    /// Assumes UTF-8 unless the client's locale says otherwise: most
    /// terminals are, and OpenSSH sends the locale only when configured to.
    fn utf8(&self) -> bool {
        match self
            .lc_all
            .as_ref()
            .or(self.lc_ctype.as_ref())
            .or(self.lang.as_ref())
        {
            Some(l) => is_utf8(Some(l)),
            None => true,
        }
    }
}

/// The russh handler of one connection.
pub struct Conn {
    shared: Arc<Shared>,
    addr: SocketAddr,
    id: u64,
    role: Role,
    channel: Option<ChannelId>,
    pty: Option<(u16, u16)>,
    env: ClientEnv,
    events: Option<mpsc::Sender<Event>>,
    started: Option<oneshot::Sender<()>>,
    outcome: Outcome,
}

const NO_PTY: &str =
    "chainstep: this is a terminal lesson and needs a terminal; connect with ssh -t -p {port} HOST\r\n";
const NO_COMMANDS: &str = "chainstep: this server runs only the chainstep lesson and takes no commands; connect with ssh -p {port} HOST\r\n";
const FULL: &str = "chainstep: sorry, the class is full ({max}); please try again in a few minutes.\r\n";
const CLOSING: &str = "chainstep: the class is ending; no new sessions.\r\n";

impl Conn {
    fn new(
        shared: Arc<Shared>,
        addr: SocketAddr,
        id: u64,
        started: oneshot::Sender<()>,
        outcome: Outcome,
    ) -> Conn {
        Conn {
            shared,
            addr,
            id,
            role: Role::Student,
            channel: None,
            pty: None,
            env: ClientEnv::default(),
            events: None,
            started: Some(started),
            outcome,
        }
    }

    fn is_presenter_user(&self, user: &str) -> bool {
        user == PRESENTER_USER && self.shared.presenter.configured()
    }

    fn reject_presenter(&self) -> Auth {
        Auth::Reject {
            proceed_with_methods: Some(self.shared.presenter.methods()),
            partial_success: false,
        }
    }

    fn ours(&self, channel: ChannelId) -> bool {
        self.channel == Some(channel) && self.events.is_none()
    }

    fn text(&self, template: &str) -> String {
        template
            .replace("{port}", &self.shared.port.to_string())
            .replace("{max}", &sessions(self.shared.max_sessions))
    }

    /// Writes one line to the client and closes the channel.
    fn turn_away(
        &mut self,
        channel: ChannelId,
        message: &str,
        why: &str,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        set_outcome(&self.outcome, why);
        session.data(channel, self.text(message).into_bytes())?;
        session.exit_status_request(channel, 1)?;
        session.eof(channel)?;
        session.close(channel)
    }

    fn start_lesson(&mut self, channel: ChannelId, session: &mut Session) {
        let shared = &self.shared;
        let look = Look {
            theme: ThemeKind::choose(shared.theme, self.env.no_color),
            ascii: shared.ascii || !self.env.utf8(),
        };
        let frames = Frames::new();
        let (tx, rx) = mpsc::channel(EVENT_QUEUE);
        self.events = Some(tx);
        let start = Start {
            app: App::new(shared.lesson.clone(), look),
            role: self.role,
            id: self.id,
            size: self.pty.unwrap_or(super::screen::DEFAULT_SIZE),
            class: shared.class.clone(),
            idle: shared.idle,
            shutdown: shared.shutdown.clone(),
            frames: frames.clone(),
        };
        tokio::spawn(pump(frames, session.handle(), channel));
        let (shared, outcome, addr) = (shared.clone(), self.outcome.clone(), self.addr);
        tokio::spawn(async move {
            let (_lesson, _) = Counted::new(&shared.lessons);
            let end = session::run(start, rx).await;
            if end == End::Panic {
                eprintln!("chainstep: {addr}: the session panicked; it was closed, the others go on");
            }
            set_outcome(&outcome, end.describe());
        });
        if let Some(s) = self.started.take() {
            let _ = s.send(());
        }
    }
}

impl Handler for Conn {
    type Error = russh::Error;

    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        if self.is_presenter_user(user) {
            return Ok(self.reject_presenter());
        }
        Ok(Auth::Accept)
    }

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        if !self.is_presenter_user(user) {
            return Ok(Auth::Accept);
        }
        if self.shared.presenter.password_matches(password) {
            self.role = Role::Presenter;
            return Ok(Auth::Accept);
        }
        Ok(self.reject_presenter())
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        if self.is_presenter_user(user) && !self.shared.presenter.key_matches(offer.public_key) {
            return Ok(self.reject_presenter());
        }
        Ok(Auth::Accept)
    }

    async fn auth_publickey(&mut self, user: &str, key: VerifiedPublicKey<'_>) -> Result<Auth, Self::Error> {
        if !self.is_presenter_user(user) {
            return Ok(Auth::Accept);
        }
        if self.shared.presenter.key_matches(key.public_key) {
            self.role = Role::Presenter;
            return Ok(Auth::Accept);
        }
        Ok(self.reject_presenter())
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        Ok(Auth::UnsupportedMethod)
    }

    async fn auth_succeeded(&mut self, _session: &mut Session) -> Result<(), Self::Error> {
        if self.role == Role::Presenter {
            eprintln!("chainstep: {} is the presenter", self.addr);
        }
        Ok(())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // One lesson per connection; dropping the reply refuses the rest.
        if self.channel.is_none() {
            self.channel = Some(channel.id());
            reply.accept().await;
        }
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.ours(channel) {
            return session.channel_failure(channel);
        }
        self.pty = Some(clamp_size(cols, rows));
        session.channel_success(channel)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let value = Some(value.chars().take(64).collect());
        match name {
            "LC_ALL" => self.env.lc_all = value,
            "LC_CTYPE" => self.env.lc_ctype = value,
            "LANG" => self.env.lang = value,
            "NO_COLOR" => self.env.no_color = value.is_some_and(|v: String| !v.is_empty()),
            _ => return session.channel_failure(channel),
        }
        session.channel_success(channel)
    }

    async fn shell_request(&mut self, channel: ChannelId, session: &mut Session) -> Result<(), Self::Error> {
        if !self.ours(channel) {
            return session.channel_failure(channel);
        }
        session.channel_success(channel)?;
        if self.pty.is_none() {
            return self.turn_away(channel, NO_PTY, "no pty", session);
        }
        if *self.shared.shutdown.borrow() {
            return self.turn_away(channel, CLOSING, "server stopping", session);
        }
        let lessons = self.shared.lessons.load(Ordering::SeqCst);
        if self.role == Role::Student && lessons >= self.shared.max_sessions {
            return self.turn_away(channel, FULL, "class full", session);
        }
        self.start_lesson(channel, session);
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _command: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.ours(channel) {
            return session.channel_failure(channel);
        }
        session.channel_success(channel)?;
        self.turn_away(channel, NO_COMMANDS, "command refused", session)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        set_outcome(&self.outcome, "subsystem refused");
        session.channel_failure(channel)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single_connection: bool,
        _x11_auth_protocol: &str,
        _x11_auth_cookie: &str,
        _x11_screen_number: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn agent_request(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        Ok(false)
    }

    async fn tcpip_forward(
        &mut self,
        _address: &str,
        _port: &mut u32,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        Ok(false)
    }

    async fn streamlocal_forward(
        &mut self,
        _path: &str,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        Ok(false)
    }

    // Direct TCP/IP, streamlocal and X11 channels: the default handlers drop
    // the open request, which refuses it.

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel == Some(channel) {
            let size = clamp_size(cols, rows);
            self.pty = Some(size);
            if let Some(tx) = &self.events {
                let _ = tx.send(Event::Resize(size.0, size.1)).await;
            }
        }
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel == Some(channel)
            && let Some(tx) = &self.events
        {
            // Waits when the session is behind: this connection reads no
            // more until it catches up, the others carry on.
            let _ = tx.send(Event::Input(data.to_vec())).await;
        }
        Ok(())
    }

    async fn channel_eof(&mut self, channel: ChannelId, _session: &mut Session) -> Result<(), Self::Error> {
        self.closed(channel).await;
        Ok(())
    }

    async fn channel_close(&mut self, channel: ChannelId, _session: &mut Session) -> Result<(), Self::Error> {
        self.closed(channel).await;
        Ok(())
    }
}

impl Conn {
    async fn closed(&mut self, channel: ChannelId) {
        if self.channel == Some(channel)
            && let Some(tx) = self.events.take()
        {
            let _ = tx.send(Event::Closed).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_compare_whole() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"secret", b""));
    }

    #[test]
    fn the_client_locale_decides_ascii() {
        assert!(ClientEnv::default().utf8());
        let env = ClientEnv {
            lang: Some("C".into()),
            ..Default::default()
        };
        assert!(!env.utf8());
        let env = ClientEnv {
            lang: Some("C".into()),
            lc_all: Some("en_US.UTF-8".into()),
            ..Default::default()
        };
        assert!(env.utf8());
    }
}
