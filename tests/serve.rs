//! `chainstep serve` end to end: the real binary's SSH server, the real
//! OpenSSH client, in tmux panes, read back with capture-pane.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long anything may take to show on a screen.
const DEADLINE: Duration = Duration::from_secs(10);

/// A running `chainstep serve` on a free loopback port; killed on drop.
struct Server {
    child: Child,
    port: u16,
    dir: PathBuf,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(name: &str, extra: &[&str]) -> Server {
        let dir = std::env::temp_dir().join(format!("chainstep-serve-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Server::start_in(dir, extra)
    }

    fn start_in(dir: PathBuf, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chainstep"))
            .args(["serve", "--listen", "127.0.0.1:0", "--host-key"])
            .arg(dir.join("host_key"))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chainstep starts");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let port = first
            .trim()
            .strip_prefix("chainstep serve: listening on 127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "the server says where it listens, not {first:?}; log: {}",
                    log.lock().unwrap()
                )
            });
        // Keep reading, so the server never blocks on a full pipe.
        thread::spawn(move || for _ in stdout.lines() {});
        Server {
            child,
            port,
            dir,
            log,
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The ssh command line for this server, with `args` before the host.
    fn ssh(&self, args: &str, user_host: &str) -> String {
        format!(
            "ssh -F /dev/null -p {} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
             -o LogLevel=ERROR -o BatchMode=yes -o ConnectTimeout=5 {args} {user_host}",
            self.port
        )
    }

    /// Runs ssh outside tmux, without a terminal, for at most 15 s.
    fn ssh_output(&self, args: &str, rest: &str) -> Output {
        let cmd = format!("timeout 15 {} {rest}", self.ssh(args, "127.0.0.1"));
        Command::new("sh")
            .args(["-c", &cmd])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn wait_log(&self, what: &str) -> String {
        let end = Instant::now() + DEADLINE;
        loop {
            let log = self.log();
            if log.contains(what) {
                return log;
            }
            assert!(
                Instant::now() < end,
                "the server's log never said {what:?}:\n{log}"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A tmux server of the test's own; killed, with its panes and its socket
/// file, on drop.
struct Tmux {
    socket: String,
    path: Mutex<Option<PathBuf>>,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("chainstep-serve-test-{}-{name}", std::process::id()),
            path: Mutex::new(None),
        }
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A 100×30 pane running `ssh`; it says how ssh exited and stays.
    fn open(&self, pane: &str, ssh: &str) {
        let cmd = format!("env LANG=C.UTF-8 {ssh} -tt; echo \"ssh exited $?\"; sleep 600");
        self.run(&[
            "-u",
            "new-session",
            "-d",
            "-s",
            pane,
            "-x",
            "100",
            "-y",
            "30",
            &cmd,
        ]);
        let path = self.show(pane, "#{socket_path}");
        self.path.lock().unwrap().get_or_insert(PathBuf::from(path));
    }

    fn keys(&self, pane: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", pane];
        args.extend(keys);
        self.run(&args);
    }

    fn screen(&self, pane: &str) -> String {
        self.run(&["capture-pane", "-p", "-t", pane])
    }

    fn show(&self, pane: &str, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", pane, format])
            .trim()
            .to_string()
    }

    fn resize(&self, pane: &str, cols: u16, rows: u16) {
        self.run(&[
            "resize-window",
            "-t",
            pane,
            "-x",
            &cols.to_string(),
            "-y",
            &rows.to_string(),
        ]);
    }

    /// Polls the pane until `ok` holds of its screen; panics with the
    /// screen after the deadline.
    fn wait(&self, pane: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + DEADLINE;
        loop {
            let screen = self.screen(pane);
            if ok(&screen) {
                return screen;
            }
            assert!(Instant::now() < end, "pane {pane} never showed {what}:\n{screen}");
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for(&self, pane: &str, text: &str) -> String {
        self.wait(pane, &format!("{text:?}"), |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
        if let Some(path) = self.path.lock().unwrap().take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn space(n: usize) -> Vec<&'static str> {
    vec!["Space"; n]
}

#[test]
fn a_student_steps_through_the_notebook_resizes_and_quits() {
    let server = Server::start("student", &[]);
    let tmux = Tmux::new("student");
    tmux.open("s", &server.ssh("", "127.0.0.1"));
    tmux.wait_for("s", "epoch 1");

    tmux.keys("s", &space(4));
    tmux.wait_for("s", "0.7116");
    tmux.keys("s", &space(5));
    tmux.wait_for("s", "0.0383");

    // Too small, then larger than at first: the screen is laid out anew.
    tmux.resize("s", 70, 20);
    tmux.wait_for("s", "at least 80");
    tmux.resize("s", 120, 40);
    let big = tmux.wait("s", "the lesson at 120×40", |s| {
        s.contains("0.0383") && !s.contains("at least")
    });
    assert!(
        big.lines().any(|l| l.chars().count() > 100),
        "lines use the new width:\n{big}"
    );
    assert_eq!(big.lines().count(), 40);

    tmux.keys("s", &["q"]);
    let after = tmux.wait_for("s", "ssh exited 0");
    assert!(
        !after.contains("epoch"),
        "the student's own screen is back:\n{after}"
    );
    assert_eq!(
        tmux.show("s", "#{alternate_on} #{cursor_flag}"),
        "0 1",
        "main screen, cursor shown"
    );

    let log = server.wait_log("disconnected (quit)");
    assert!(log.contains("connected · 1 session"), "{log}");
    assert!(log.contains("· 0 sessions"), "{log}");
}

#[test]
fn without_a_terminal_or_with_a_command_or_a_forward_nothing_runs() {
    let server = Server::start("refuse", &[]);
    let out = server.ssh_output("-T", "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("needs a terminal"), "{text}");
    assert_eq!(text.lines().count(), 1, "one line of explanation: {text}");
    assert_eq!(out.status.code(), Some(1));

    let out = server.ssh_output("-T", "ls /");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("takes no commands") && !text.contains("bin"),
        "{text}"
    );
    assert_ne!(out.status.code(), Some(0));

    let out = server.ssh_output("-W 127.0.0.1:22", "");
    assert!(!out.status.success(), "stdio forwarding is refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("prohibited") || err.contains("failed"), "{err}");

    let out = server.ssh_output("-s", "sftp");
    assert!(!out.status.success(), "subsystems are refused");

    let log = server.wait_log("(command refused)");
    assert!(log.contains("(no pty)"), "{log}");
}

#[test]
fn students_follow_the_presenter_until_they_press_f() {
    let dir = std::env::temp_dir().join(format!("chainstep-serve-{}-class", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("presenter");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen runs");
    assert!(made.success());
    let public = path_str(&dir.join("presenter.pub"));
    let server = Server::start_in(dir, &["--presenter-key", &public]);
    let tmux = Tmux::new("class");

    let presenter = server.ssh(
        &format!("-i {} -o IdentitiesOnly=yes", path_str(&key)),
        "presenter@127.0.0.1",
    );
    tmux.open("p", &presenter);
    tmux.wait_for("p", "epoch 1");
    server.wait_log("is the presenter");
    tmux.keys("p", &space(4));
    tmux.wait_for("p", "4/15");

    // A late joiner lands on the presenter's link, and follows.
    tmux.open("s", &server.ssh("", "127.0.0.1"));
    // (Each condition waited for whole: a frame can be captured half drawn.)
    tmux.wait("s", "the presenter's link, following", |s| {
        s.contains("4/15") && s.contains("0.7116") && s.contains("following presenter")
    });
    tmux.keys("s", &space(1));
    tmux.keys("p", &space(5));
    tmux.wait("s", "link 9", |s| s.contains("9/15") && s.contains("0.0383"));

    // F: on one's own; the presenter's steps no longer move this screen.
    tmux.keys("s", &["F"]);
    tmux.wait_for("s", "on your own");
    tmux.keys("p", &space(2));
    tmux.wait_for("p", "11/15");
    let watch_until = Instant::now() + Duration::from_millis(300);
    while Instant::now() < watch_until {
        let s = tmux.screen("s");
        assert!(!s.contains("11/15"), "a detached student does not follow:\n{s}");
        thread::sleep(Duration::from_millis(30));
    }
    tmux.wait_for("s", "9/15");
    tmux.keys("s", &["Left"]);
    tmux.wait_for("s", "8/15");

    // F again: back with the class.
    tmux.keys("s", &["F"]);
    tmux.wait("s", "the class's link again", |s| {
        s.contains("11/15") && s.contains("following presenter")
    });
}

#[test]
fn a_full_class_turns_students_away_and_idle_sessions_close() {
    let server = Server::start("limits", &["--max-sessions", "1", "--idle-timeout", "3s"]);
    let tmux = Tmux::new("limits");
    tmux.open("a", &server.ssh("", "127.0.0.1"));
    tmux.wait_for("a", "epoch 1");

    tmux.keys("a", &space(1));
    let out = server.ssh_output("-tt", "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("the class is full (1 session)"), "{text}");

    let a = tmux.wait_for("a", "ssh exited");
    assert!(a.contains("closed after 3s without a key press"), "{a}");
    server.wait_log("disconnected (idle)");
    assert!(server.log().contains("(class full)"));
}

fn path_str(p: &Path) -> String {
    p.to_str().expect("temp paths are UTF-8").to_string()
}

/// A russh client, for what OpenSSH cannot be scripted to do here
/// (passwords without a terminal, absurd pty sizes).
mod raw {
    use std::sync::Arc;

    use russh::client::{self, Handle};
    use russh::keys::PublicKeyOrCertificate;

    pub struct Client;

    impl client::Handler for Client {
        type Error = russh::Error;

        async fn check_server_key(&mut self, _key: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
            Ok(true)
        }
    }

    pub async fn connect(port: u16) -> Handle<Client> {
        let config = Arc::new(client::Config::default());
        client::connect(config, ("127.0.0.1", port), Client)
            .await
            .expect("connects")
    }
}

#[test]
fn only_presenter_at_with_the_password_presents_and_pty_sizes_are_bounded() {
    use russh::ChannelMsg;

    let server = Server::start("password", &["--presenter-password", "s3cret"]);
    let port = server.port;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let mut h = raw::connect(port).await;
        assert!(
            !h.authenticate_none("presenter").await.unwrap().success(),
            "presenter@ must authenticate"
        );
        assert!(
            !h.authenticate_password("presenter", "wrong")
                .await
                .unwrap()
                .success()
        );
        assert!(
            h.authenticate_password("presenter", "s3cret")
                .await
                .unwrap()
                .success()
        );

        let mut h = raw::connect(port).await;
        assert!(
            h.authenticate_none("alice").await.unwrap().success(),
            "students need nothing"
        );
        let mut ch = h.channel_open_session().await.unwrap();
        ch.request_pty(false, "xterm", 60_000, 60_000, 0, 0, &[])
            .await
            .unwrap();
        ch.request_shell(false).await.unwrap();
        let mut got = Vec::new();
        while !got.windows(8).any(|w| w == b"\x1b[?2026l") {
            match tokio::time::timeout(DEADLINE, ch.wait())
                .await
                .expect("a frame comes")
            {
                Some(ChannelMsg::Data { data }) => got.extend_from_slice(&data),
                Some(_) => {}
                None => panic!("the channel closed"),
            }
        }
        assert!(
            got.len() < 4 << 20,
            "a 60000×60000 pty is drawn clamped, not in full: {} bytes",
            got.len()
        );
    });
    let log = server.wait_log("is the presenter");
    assert_eq!(log.matches("is the presenter").count(), 1, "{log}");
}
