//! `chainstep serve`: a whole class on one SSH port.
//!
//! Every connection gets its own App, drawn on the student's terminal over
//! SSH (russh); students follow the presenter's steps unless they detach
//! with F. The only thing a connection can do is the lesson.
//!
//! - [`keys`]: bytes from the channel to crossterm key events.
//! - [`channel`]: a session's frames on their way out, newest first.
//! - [`screen`]: the ratatui Terminal sized by the client's pty.
//! - [`class`]: the presenter's lesson, shared with those following.
//! - [`session`]: one session's App task.
//! - [`server`]: the russh handler and the accept loop.
//! - [`hostkey`]: the server's host key file.

pub mod channel;
pub mod class;
pub mod hostkey;
pub mod keys;
pub mod screen;
pub mod server;
pub mod session;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::cli::ServeArgs;
use server::{PRESENTER_USER, Presenter, Shared};

/// How long a stopping server waits for its sessions to restore their
/// students' terminals.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// Parses a duration such as `90s`, `30m`, `2h` or `1h30m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("{text:?} is not a duration: write it like 90s, 30m, 2h or 1h30m");
    let mut total = 0u64;
    let mut num = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        num.clear();
    }
    if !num.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// Runs the server until Ctrl-C or SIGTERM. The error is the message to
/// print before exiting with status 2.
pub fn run(args: ServeArgs) -> Result<(), String> {
    let lesson = args.net.lesson()?;
    let mut presenter = Presenter {
        keys: Vec::new(),
        password: args.presenter_password.clone(),
    };
    if let Some(path) = &args.presenter_key {
        presenter.keys = hostkey::read_public_keys(path)?;
    }
    if presenter.password.as_deref() == Some("") {
        return Err("--presenter-password must not be empty".into());
    }
    let key_path = args.host_key.clone().unwrap_or_else(hostkey::default_path);
    let (host_key, new) = hostkey::load_or_create(&key_path)?;
    let fingerprint = hostkey::fingerprint(host_key.public_key());
    crate::term::keep_attributes();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the server: {e}"))?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(&args.listen)
            .await
            .map_err(|e| format!("listening on {}: {e}", args.listen))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("listening on {}: {e}", args.listen))?;
        let (stop_tx, stop_rx) = watch::channel(false);
        let shared = Shared::new(
            server::config(host_key),
            lesson,
            args.theme,
            args.ascii,
            presenter,
            args.max_sessions as usize,
            args.idle_timeout,
            addr.port(),
            stop_rx,
        );
        greet(&args, addr, &key_path, &fingerprint, new, &shared);
        server::accept_loop(listener, shared.clone(), stop_signal()).await;

        eprintln!(
            "chainstep: stopping: closing {}",
            server::sessions(shared.connections.load(Ordering::SeqCst))
        );
        let _ = stop_tx.send(true);
        let deadline = tokio::time::Instant::now() + STOP_GRACE;
        while shared.lessons.load(Ordering::SeqCst) > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Let the last frames and closes go out.
        tokio::time::sleep(Duration::from_millis(200)).await;
        Ok::<(), String>(())
    })?;
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}

async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let hup = signal(SignalKind::hangup());
    match (term, hup) {
        (Ok(mut term), Ok(mut hup)) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// What the teacher needs: where, which key, the commands to share.
fn greet(
    args: &ServeArgs,
    addr: SocketAddr,
    key_path: &std::path::Path,
    fingerprint: &str,
    new: bool,
    shared: &Shared,
) {
    let host = if addr.ip().is_loopback() {
        "localhost".to_string()
    } else if addr.ip().is_unspecified() {
        "HOST".to_string()
    } else {
        addr.ip().to_string()
    };
    let port = addr.port();
    let port_flag = if port == 22 {
        String::new()
    } else {
        format!("-p {port} ")
    };
    let kept = if new { "new, kept in" } else { "from" };
    println!("chainstep serve: listening on {addr}");
    println!("  host key   {fingerprint} ({kept} {})", key_path.display());
    println!("  students   ssh {port_flag}{host}");
    if let Some(path) = &args.presenter_key {
        let private: PathBuf = if path.extension().is_some_and(|e| e == "pub") {
            path.with_extension("")
        } else {
            "YOUR_KEY".into()
        };
        println!(
            "  presenter  ssh {port_flag}-i {} {PRESENTER_USER}@{host}",
            private.display()
        );
    } else if args.presenter_password.is_some() {
        println!("  presenter  ssh {port_flag}{PRESENTER_USER}@{host}   (asks for the presenter password)");
    } else {
        println!("  no presenter: every student steps on their own (--presenter-key to lead the class)");
    }
    println!(
        "  up to {} sessions; idle ones close after {}",
        shared.max_sessions,
        session::show_duration(shared.idle)
    );
    if addr.ip().is_loopback() {
        println!("  only this machine can connect: --listen 0.0.0.0:{port} lets the class in");
    } else if addr.ip().is_unspecified() {
        println!("  HOST is this machine's name or address on the class's network");
    }
    println!("  Ctrl-C ends the class");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        for bad in ["", "30", "m", "0s", "3x", "-5m", "99999999999999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }
}
