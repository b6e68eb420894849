//! A class under load: `chainstep serve` (the release binary) with 100
//! concurrent SSH sessions on loopback, driven by russh's client. Every
//! session connects, then all step through a full epoch (15 links) at once,
//! one key at a time, waiting for each key's frame. A few more clients
//! start training runs and never read their channel, as stalled students
//! would. Reports the connect time, the keypress-to-frame latency (p50,
//! p99) and the server's peak RSS (VmHWM).
//!
//! ```sh
//! cargo bench --bench serve_load                      # 100 sessions, 5 stalled
//! cargo bench --bench serve_load -- --sessions 200 --stalled 10 --head-start 15
//! ```

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use russh::client::{self, Handle};
use russh::keys::PublicKeyOrCertificate;
use russh::{ChannelMsg, Disconnect};
use tokio::sync::Barrier;

/// Every frame the server draws ends with this: synchronized output ends.
const FRAME_END: &[u8] = b"\x1b[?2026l";
/// Links in an epoch: one key each.
const LINKS: usize = 15;
const TIMEOUT: Duration = Duration::from_secs(30);
/// How long the stalled clients train, unread, before the class connects
/// (seconds; --head-start changes it).
const STALL_HEAD_START: usize = 4;

struct Client;

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _key: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// The server, killed on drop.
struct Server {
    child: Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Server {
    fn start(max: usize) -> Server {
        let dir = std::env::temp_dir().join(format!("chainstep-serve-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_chainstep"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--idle-timeout",
                "10m",
                "--max-sessions",
            ])
            .arg(max.to_string())
            .arg("--host-key")
            .arg(dir.join("host_key"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chainstep serve starts");
        let mut out = BufReader::new(child.stdout.take().expect("piped"));
        let mut first = String::new();
        out.read_line(&mut first).expect("the server's first line");
        let port = first
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("listening on ADDR:PORT");
        std::thread::spawn(move || for _ in out.lines() {});
        Server { child, port, dir }
    }

    /// (VmHWM, VmRSS) in KiB.
    fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
                .unwrap_or(0)
        };
        (field("VmHWM:"), field("VmRSS:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

struct Session {
    handle: Handle<Client>,
    channel: russh::Channel<client::Msg>,
    /// The tail of the last data, so a marker split across two reads is seen.
    tail: Vec<u8>,
}

impl Session {
    /// Connects, asks for a 100×30 pty and the lesson.
    async fn open(port: u16) -> Result<Session, String> {
        let config = Arc::new(client::Config {
            nodelay: true,
            ..Default::default()
        });
        let mut handle = client::connect(config, ("127.0.0.1", port), Client)
            .await
            .map_err(|e| e.to_string())?;
        let auth = handle
            .authenticate_none("student")
            .await
            .map_err(|e| e.to_string())?;
        if !auth.success() {
            return Err("the student was not let in".into());
        }
        let channel = handle.channel_open_session().await.map_err(|e| e.to_string())?;
        channel
            .request_pty(false, "xterm-256color", 100, 30, 0, 0, &[])
            .await
            .map_err(|e| e.to_string())?;
        channel.request_shell(false).await.map_err(|e| e.to_string())?;
        Ok(Session {
            handle,
            channel,
            tail: Vec::new(),
        })
    }

    /// Waits for the end of the next frame.
    async fn frame(&mut self) -> Result<(), String> {
        loop {
            let msg = tokio::time::timeout(TIMEOUT, self.channel.wait())
                .await
                .map_err(|_| "no frame in 30 s")?;
            match msg {
                Some(ChannelMsg::Data { data }) => {
                    self.tail.extend_from_slice(&data);
                    let found = self.tail.windows(FRAME_END.len()).any(|w| w == FRAME_END);
                    let keep = self.tail.len().saturating_sub(FRAME_END.len() - 1);
                    self.tail.drain(..keep);
                    if found {
                        return Ok(());
                    }
                }
                Some(_) => {}
                None => return Err("the channel closed".into()),
            }
        }
    }

    async fn key(&mut self, key: &[u8]) -> Result<Duration, String> {
        let t = Instant::now();
        self.channel
            .data_bytes(key.to_vec())
            .await
            .map_err(|e| e.to_string())?;
        self.frame().await?;
        Ok(t.elapsed())
    }

    async fn close(self) {
        let _ = self.channel.data_bytes(&b"q"[..]).await;
        let _ = self.handle.disconnect(Disconnect::ByApplication, "", "").await;
    }
}

/// One student: connect, wait for everyone, step through an epoch.
async fn student(port: u16, ready: Arc<Barrier>) -> Result<(Duration, Vec<Duration>), String> {
    let t = Instant::now();
    let mut s = Session::open(port).await;
    if let Ok(s) = &mut s {
        s.frame().await?;
    }
    let connect = t.elapsed();
    ready.wait().await;
    let mut s = s?;
    let mut latencies = Vec::with_capacity(LINKS);
    for _ in 0..LINKS {
        latencies.push(s.key(b" ").await?);
    }
    s.close().await;
    Ok((connect, latencies))
}

/// A client that starts training runs and never reads what comes back.
async fn stalled(port: u16, stop: Arc<tokio::sync::Notify>) -> Result<(), String> {
    let s = Session::open(port).await?;
    let stopped = stop.notified();
    tokio::pin!(stopped);
    loop {
        // Each `t` trains 1000 epochs, drawing a frame every 25 ms.
        let send = tokio::time::timeout(Duration::from_millis(500), s.channel.data_bytes(&b"t"[..]));
        let _ = send.await;
        tokio::select! {
            _ = &mut stopped => break,
            _ = tokio::time::sleep(Duration::from_millis(1500)) => {}
        }
    }
    // Dropping the session without reading: the server must cope.
    drop(s);
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sessions = arg(&args, "--sessions", 100);
    let stalls = arg(&args, "--stalled", 5);
    let head_start = arg(&args, "--head-start", STALL_HEAD_START);
    let server = Server::start(sessions + stalls + 10);
    let port = server.port;
    let (_, idle_rss) = server.memory();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (results, wall) = runtime.block_on(async move {
        let stop = Arc::new(tokio::sync::Notify::new());
        let stuck: Vec<_> = (0..stalls)
            .map(|_| tokio::spawn(stalled(port, stop.clone())))
            .collect();
        // Let the stalled ones fall behind first: their client stops taking
        // data after 100 unread messages, then TCP backs up to the server.
        tokio::time::sleep(Duration::from_secs(head_start as u64)).await;
        let ready = Arc::new(Barrier::new(sessions));
        let t = Instant::now();
        let tasks: Vec<_> = (0..sessions)
            .map(|_| tokio::spawn(student(port, ready.clone())))
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap_or_else(|e| Err(e.to_string())));
        }
        let wall = t.elapsed();
        stop.notify_waiters();
        for s in stuck {
            if let Ok(Err(e)) = s.await {
                eprintln!("a stalled client: {e}");
            }
        }
        (results, wall)
    });
    let (peak, rss) = server.memory();

    let mut connects = Vec::new();
    let mut latencies = Vec::new();
    let mut failed = 0;
    for r in results {
        match r {
            Ok((c, l)) => {
                connects.push(c);
                latencies.extend(l);
            }
            Err(e) => {
                failed += 1;
                eprintln!("a session failed: {e}");
            }
        }
    }
    connects.sort();
    latencies.sort();
    println!(
        "chainstep serve under load: {sessions} sessions stepping through an epoch ({LINKS} links) at once,"
    );
    println!(
        "{stalls} more clients training without reading (for {head_start} s before); loopback, release build, {wall:.1?} in all"
    );
    println!(
        "  connect (TCP to first frame)  p50 {}  p99 {}  max {}",
        ms(percentile(&connects, 0.5)),
        ms(percentile(&connects, 0.99)),
        ms(connects.last().copied().unwrap_or_default())
    );
    println!(
        "  keypress to frame             p50 {}  p99 {}  max {}  ({} keys)",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
        latencies.len()
    );
    println!(
        "  server memory                 peak RSS {:.1} MiB (VmHWM), {:.1} MiB at the end, {:.1} MiB before the clients",
        peak as f64 / 1024.0,
        rss as f64 / 1024.0,
        idle_rss as f64 / 1024.0
    );
    if failed > 0 {
        println!("  {failed} sessions failed");
        std::process::exit(1);
    }
}
