//! The real binary in a real terminal: tmux (on the machines already), read
//! back with capture-pane. Each test has its own tmux server on a private
//! socket, with a shell in the pane so the pane outlives chainstep and the
//! shell can print its exit status; the server is killed when the test ends,
//! pass or fail.
//!
//! Every wait polls for a whole condition with a deadline instead of
//! sleeping, so the tests are as fast as the machine and patient on a slow
//! one.

use std::process::{Command, Output};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The notebook's printed O[1,1] and ∂E/∂W_ho[1,1].
const NOTEBOOK_O: f64 = 0.71156082;
const NOTEBOOK_DE_DWHO: f64 = 0.03829313;

const DEADLINE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

/// A tmux server of the test's own, killed on drop.
struct Tmux {
    socket: String,
    /// The socket file, removed on drop (tmux leaves it behind).
    path: Option<String>,
}

impl Tmux {
    /// A 100×30 session running a plain shell in a UTF-8 locale, without
    /// the environment's NO_COLOR or locale overrides.
    fn new(test: &str) -> Tmux {
        let socket = format!("chainstep-e2e-{}-{test}", std::process::id());
        let mut tmux = Tmux { socket, path: None };
        let shell = "env -u NO_COLOR -u LC_ALL -u LC_CTYPE LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile";
        let size = ["-x", "100", "-y", "30"];
        tmux.run(
            &[
                &["-f", "/dev/null", "new-session", "-d", "-s", "t"][..],
                &size,
                &[shell],
            ]
            .concat(),
        );
        tmux.path = Some(tmux.show("#{socket_path}"));
        tmux
    }

    fn output(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-u"])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("tmux could not run ({e}); the end-to-end tests need tmux"))
    }

    fn run(&self, args: &[&str]) -> String {
        let out = self.output(args);
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types a command line into the shell and runs it.
    fn type_line(&self, line: &str) {
        self.run(&["send-keys", "-t", "t", "-l", line]);
        self.run(&["send-keys", "-t", "t", "Enter"]);
    }

    /// Runs chainstep (with `env` before it, if any) and waits for its
    /// first screen; the shell prints the exit status when it ends.
    fn start(&self, env: &str) {
        let bin = env!("CARGO_BIN_EXE_chainstep");
        self.type_line(&format!("{env} '{bin}'; echo EXIT=$?"));
        self.wait("the start of epoch 1", |s| {
            s.contains("epoch 1") && s.contains("nothing computed yet")
        });
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    /// The screen with its escape sequences (colours and attributes).
    fn screen_escaped(&self) -> String {
        self.run(&["capture-pane", "-p", "-e", "-t", "t"])
    }

    fn show(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", "t", format])
            .trim()
            .to_string()
    }

    fn resize(&self, w: u16, h: u16) {
        self.run(&[
            "resize-window",
            "-t",
            "t",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
    }

    /// Polls `get` until `ok` holds, or fails with what was last seen.
    fn poll<T: std::fmt::Display>(&self, what: &str, get: impl Fn() -> T, ok: impl Fn(&T) -> bool) -> T {
        let end = Instant::now() + DEADLINE;
        loop {
            let v = get();
            if ok(&v) {
                return v;
            }
            if Instant::now() > end {
                panic!("waited {DEADLINE:?} for {what}; last seen:\n{v}");
            }
            sleep(POLL);
        }
    }

    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.poll(what, || self.screen(), |s| ok(s))
    }

    /// Waits for the shell to print chainstep's exit status, and returns it.
    fn exit_status(&self) -> i32 {
        let s = self.wait("the shell to print EXIT=", |s| exit_line(s).is_some());
        exit_line(&s).expect("just seen")
    }

    /// chainstep's pid: the child of the pane's shell.
    fn chainstep_pid(&self) -> String {
        let shell = self.show("#{pane_pid}");
        self.poll(
            "chainstep under the pane's shell",
            || {
                let out = Command::new("pgrep")
                    .args(["-P", &shell])
                    .output()
                    .expect("pgrep runs");
                String::from_utf8_lossy(&out.stdout).trim().to_string()
            },
            |pid| !pid.is_empty() && !pid.contains('\n'),
        )
    }

    /// The terminal is back as the shell left it: main screen, cursor shown.
    fn assert_restored(&self, after: &str) {
        let state = self.poll(
            "the main screen and a visible cursor",
            || self.show("#{alternate_on} #{cursor_flag}"),
            |s| s == "0 1",
        );
        assert_eq!(state, "0 1", "after {after}: alternate screen off, cursor shown");
        let screen = self.screen();
        assert!(
            screen.contains("; echo EXIT=$?"),
            "after {after}, the shell's screen is back:\n{screen}"
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.output(&["kill-server"]);
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn exit_line(screen: &str) -> Option<i32> {
    screen
        .lines()
        .find_map(|l| l.trim().strip_prefix("EXIT=")?.parse().ok())
}

fn space(n: usize) -> Vec<&'static str> {
    vec!["Space"; n]
}

/// The link pane: from its title (which names the link) to the screen's end.
fn link_pane<'a>(screen: &'a str, title: &str) -> Option<&'a str> {
    screen.find(title).map(|i| &screen[i..])
}

/// Whether the link pane for link `n` works out `= value` to four decimals.
fn link_pane_shows(screen: &str, n: usize, value: f64) -> bool {
    let title = format!("link {n} of 15");
    link_pane(screen, &title).is_some_and(|pane| pane.contains(&format!("= {value:.4}")))
}

/// Every SGR sequence in an escaped capture: its parameters, and the text
/// after it up to the next escape.
fn sgrs(escaped: &str) -> Vec<(Vec<String>, &str)> {
    escaped
        .split("\x1b[")
        .skip(1)
        .filter_map(|s| {
            let end = s.find(|c: char| c.is_ascii_alphabetic())?;
            let params = s[..end].split(';').map(String::from).collect();
            (s.as_bytes()[end] == b'm').then_some((params, &s[end + 1..]))
        })
        .collect()
}

fn sgr_params(escaped: &str) -> Vec<Vec<String>> {
    sgrs(escaped).into_iter().map(|(p, _)| p).collect()
}

#[test]
fn steps_show_the_notebooks_numbers_and_q_restores_the_terminal() {
    let tmux = Tmux::new("steps");
    tmux.start("");
    assert_eq!(
        tmux.show("#{alternate_on} #{cursor_flag}"),
        "1 0",
        "the lesson runs on the alternate screen, no cursor"
    );
    tmux.keys(&space(4));
    let s = tmux.wait("O worked out at link 4", |s| link_pane_shows(s, 4, NOTEBOOK_O));
    assert!(s.contains("O = σ(Z2)"), "the link pane names O's formula:\n{s}");
    tmux.keys(&space(5));
    let s = tmux.wait("∂E/∂W_ho worked out at link 9", |s| {
        link_pane_shows(s, 9, NOTEBOOK_DE_DWHO)
    });
    assert!(s.contains("∂E/∂W_ho"), "the link is named in Unicode:\n{s}");
    tmux.keys(&["q"]);
    assert_eq!(tmux.exit_status(), 0, "q exits with status 0");
    tmux.assert_restored("q");
}

/// Starts chainstep, steps a little, sends `signal` and checks the terminal.
fn restored_after(signal: &str) {
    let tmux = Tmux::new(signal);
    tmux.start("");
    tmux.keys(&space(4));
    tmux.wait("link 4", |s| link_pane_shows(s, 4, NOTEBOOK_O));
    let pid = tmux.chainstep_pid();
    let killed = Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success(), "kill -{signal} {pid}");
    let status = tmux.exit_status();
    tmux.assert_restored(&format!("SIG{signal} (exit status {status})"));
}

#[test]
fn sighup_restores_the_terminal() {
    restored_after("HUP");
}

#[test]
fn sigterm_restores_the_terminal() {
    restored_after("TERM");
}

#[test]
fn too_small_says_so_and_resizing_back_shows_the_lesson() {
    let tmux = Tmux::new("resize");
    tmux.start("");
    tmux.keys(&space(4));
    tmux.wait("link 4", |s| link_pane_shows(s, 4, NOTEBOOK_O));
    tmux.resize(70, 20);
    let s = tmux.wait("the enlarge message", |s| {
        let words = s.split_whitespace().collect::<Vec<_>>().join(" ");
        words.contains("at least 80×24") && words.contains("70×20")
    });
    assert!(
        !s.contains("link 4 of 15"),
        "no broken layout beside the message:\n{s}"
    );
    tmux.resize(100, 30);
    tmux.wait("the lesson again, where it was", |s| {
        link_pane_shows(s, 4, NOTEBOOK_O)
    });
    tmux.keys(&["q"]);
    assert_eq!(tmux.exit_status(), 0);
    tmux.assert_restored("q after resizing");
}

#[test]
fn no_color_still_shows_highlights_in_reverse_video() {
    let tmux = Tmux::new("nocolor");
    tmux.start("NO_COLOR=1");
    tmux.keys(&space(9));
    tmux.wait("link 9", |s| link_pane_shows(s, 9, NOTEBOOK_DE_DWHO));
    let escaped = tmux.poll(
        "reverse video on screen",
        || tmux.screen_escaped(),
        |e| sgr_params(e).iter().any(|p| p.iter().any(|c| c == "7")),
    );
    let params = sgr_params(&escaped);
    let has = |code: &str| params.iter().any(|p| p.iter().any(|c| c == code));
    let current_reversed = sgrs(&escaped)
        .iter()
        .any(|(p, text)| p.iter().any(|c| c == "7") && text.starts_with("∂E/∂W_ho"));
    assert!(
        current_reversed,
        "the current link, ∂E/∂W_ho, is in reverse video:\n{escaped:?}"
    );
    assert!(has("1"), "bold survives NO_COLOR:\n{escaped:?}");
    assert!(has("4"), "underline survives NO_COLOR:\n{escaped:?}");
    // NO_COLOR picks the mono theme: no colour at all.
    let colours: Vec<_> = params
        .iter()
        .filter(|p| {
            p.iter().any(|c| {
                let n: u32 = c.parse().unwrap_or(0);
                (30..=37).contains(&n)
                    || (40..=47).contains(&n)
                    || (90..=107).contains(&n)
                    || n == 38
                    || n == 48
            })
        })
        .collect();
    assert!(colours.is_empty(), "NO_COLOR shows no colour: {colours:?}");
    tmux.keys(&["q"]);
    assert_eq!(tmux.exit_status(), 0);
    tmux.assert_restored("q with NO_COLOR");
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let tmux = Tmux::new("ctrlc");
    tmux.start("");
    tmux.keys(&space(2));
    tmux.wait("link 2", |s| s.contains("link 2 of 15"));
    tmux.keys(&["C-c"]);
    assert_eq!(
        tmux.exit_status(),
        0,
        "Ctrl-C is a key in raw mode: it quits like q"
    );
    tmux.assert_restored("Ctrl-C");
}
