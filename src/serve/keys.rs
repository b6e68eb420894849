//! Bytes from an SSH channel turned into crossterm [`KeyEvent`]s, so remote
//! keys go through the same [`keymap`](crate::action::keymap) as local ones.
//!
//! The parser is a state machine over the byte stream: a sequence split
//! across packets parses exactly as if it had come in one. The one
//! ambiguity of a terminal's input is ESC: alone it is the Esc key, and it
//! also starts the escape sequences of arrows, Home, End and the rest, and
//! prefixes Alt-keys. An ESC whose sequence is not complete yet is held;
//! the caller resolves it with [`KeyParser::flush`] once [`ESC_TIMEOUT`] has
//! passed without more bytes (an Esc pressed alone then counts as Esc).
//! Ending a packet resolves nothing, so splits never change the keys.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// How long an incomplete escape sequence waits for its next byte before
/// counting as a lone Esc. Terminals write a whole sequence at once, so its
/// bytes come in one packet, or at worst back to back.
pub const ESC_TIMEOUT: Duration = Duration::from_millis(50);

/// The longest escape sequence kept while waiting for its end; longer ones
/// are dropped, so a peer cannot make the parser hold unbounded input.
pub const MAX_SEQUENCE: usize = 32;

const ESC: u8 = 0x1b;

#[derive(Debug, Default)]
pub struct KeyParser {
    /// Bytes of a sequence not complete yet, at most [`MAX_SEQUENCE`].
    pending: Vec<u8>,
}

/// What the front of the input is.
enum Parse {
    /// `len` bytes make up one key, or nothing the lesson knows (`None`).
    Done(Option<KeyEvent>, usize),
    /// More bytes are needed to tell.
    Incomplete,
}

impl KeyParser {
    pub fn new() -> KeyParser {
        KeyParser::default()
    }

    /// Parses `bytes`, appending the keys they complete to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<KeyEvent>) {
        for &b in bytes {
            self.pending.push(b);
            self.drain(false, out);
        }
    }

    /// Whether bytes are held, waiting for the rest of a sequence; the
    /// caller then calls [`flush`](Self::flush) after [`ESC_TIMEOUT`].
    pub fn is_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The timeout passed: resolves whatever is held (a lone ESC is Esc).
    pub fn flush(&mut self, out: &mut Vec<KeyEvent>) {
        self.drain(true, out);
        self.pending.clear();
    }

    fn drain(&mut self, eof: bool, out: &mut Vec<KeyEvent>) {
        let mut start = 0;
        while start < self.pending.len() {
            match parse(&self.pending[start..], eof) {
                Parse::Done(key, len) => {
                    out.extend(key);
                    start += len.max(1);
                }
                Parse::Incomplete if self.pending.len() - start >= MAX_SEQUENCE => {
                    // Never ends: drop it rather than hold it.
                    start = self.pending.len();
                }
                Parse::Incomplete => break,
            }
        }
        self.pending.drain(..start);
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Option<KeyEvent> {
    Some(KeyEvent::new(code, modifiers))
}

/// The key at the front of `b` (not empty). With `eof`, nothing more is
/// coming, so the answer is never Incomplete.
fn parse(b: &[u8], eof: bool) -> Parse {
    if b[0] != ESC {
        return parse_plain(b, eof);
    }
    let Some(&second) = b.get(1) else {
        return done_or_wait(eof, key(KeyCode::Esc, KeyModifiers::NONE), 1);
    };
    match second {
        b'[' => parse_csi(b, eof),
        b'O' => parse_ss3(b, eof),
        // ESC ESC: the first is an Esc key; the second starts afresh.
        ESC => Parse::Done(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        // ESC and a key: that key with Alt, as terminals send Meta.
        _ => match parse_plain(&b[1..], eof) {
            Parse::Done(k, len) => Parse::Done(k.map(with(KeyModifiers::ALT)), len + 1),
            Parse::Incomplete => Parse::Incomplete,
        },
    }
}

fn done_or_wait(eof: bool, key: Option<KeyEvent>, len: usize) -> Parse {
    if eof {
        Parse::Done(key, len)
    } else {
        Parse::Incomplete
    }
}

fn with(m: KeyModifiers) -> impl Fn(KeyEvent) -> KeyEvent {
    move |mut k| {
        k.modifiers |= m;
        k
    }
}

/// A byte that is not ESC, or a UTF-8 character.
fn parse_plain(b: &[u8], eof: bool) -> Parse {
    let c = b[0];
    let k = match c {
        b'\r' | b'\n' => key(KeyCode::Enter, KeyModifiers::NONE),
        b'\t' => key(KeyCode::Tab, KeyModifiers::NONE),
        0x7f | 0x08 => key(KeyCode::Backspace, KeyModifiers::NONE),
        0x00 => key(KeyCode::Char(' '), KeyModifiers::CONTROL),
        0x01..=0x1a => key(KeyCode::Char((b'a' + c - 1) as char), KeyModifiers::CONTROL),
        0x1c..=0x1f => key(KeyCode::Char((b'4' + c - 0x1c) as char), KeyModifiers::CONTROL),
        b'A'..=b'Z' => key(KeyCode::Char(c as char), KeyModifiers::SHIFT),
        0x20..=0x7e => key(KeyCode::Char(c as char), KeyModifiers::NONE),
        _ => return parse_utf8(b, eof),
    };
    Parse::Done(k, 1)
}

fn parse_utf8(b: &[u8], eof: bool) -> Parse {
    let len = match b[0] {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        // A continuation byte or an invalid lead byte: skip it.
        _ => return Parse::Done(None, 1),
    };
    // Stop at the first byte that cannot continue the character.
    let avail = b.len().min(len);
    if let Some(bad) = (1..avail).find(|&i| b[i] & 0xc0 != 0x80) {
        return Parse::Done(None, bad);
    }
    if avail < len {
        return done_or_wait(eof, None, avail);
    }
    match std::str::from_utf8(&b[..len]).ok().and_then(|s| s.chars().next()) {
        Some(ch) => Parse::Done(key(KeyCode::Char(ch), KeyModifiers::NONE), len),
        None => Parse::Done(None, len),
    }
}

/// ESC O and one letter: cursor keys in application mode, Home, End, F1–F4.
fn parse_ss3(b: &[u8], eof: bool) -> Parse {
    let Some(&c) = b.get(2) else {
        // ESC O alone is Alt-O once nothing follows.
        return done_or_wait(
            eof,
            key(KeyCode::Char('O'), KeyModifiers::ALT | KeyModifiers::SHIFT),
            2,
        );
    };
    let code = match c {
        b'M' => Some(KeyCode::Enter),
        _ => final_key(c),
    };
    Parse::Done(code.and_then(|k| key(k, KeyModifiers::NONE)), 3)
}

/// ESC [ parameters intermediates final (ECMA-48 CSI).
fn parse_csi(b: &[u8], eof: bool) -> Parse {
    // The Linux console's F1–F5: ESC [ [ A…E.
    if b.get(2) == Some(&b'[') {
        return match b.get(3) {
            Some(&c @ b'A'..=b'E') => Parse::Done(key(KeyCode::F(c - b'A' + 1), KeyModifiers::NONE), 4),
            Some(_) => Parse::Done(None, 3),
            None => done_or_wait(eof, None, 3),
        };
    }
    let mut i = 2;
    while let Some(&c) = b.get(i) {
        match c {
            0x20..=0x3f => i += 1,
            0x40..=0x7e => return Parse::Done(csi_key(&b[2..i], c), i + 1),
            // Not part of a sequence: drop what came so far, and parse
            // this byte afresh.
            _ => return Parse::Done(None, i),
        }
    }
    // Cut short by the timeout: the ESC was a lone Esc, and what follows
    // it is read as typed.
    done_or_wait(eof, key(KeyCode::Esc, KeyModifiers::NONE), 1)
}

fn csi_key(params: &[u8], fin: u8) -> Option<KeyEvent> {
    let text = std::str::from_utf8(params).ok()?;
    let nums: Vec<Option<u16>> = text.split(';').map(|p| p.parse().ok()).collect();
    let first = nums.first().copied().flatten();
    let modifiers = modifiers(nums.get(1).copied().flatten());
    let code = match fin {
        b'Z' => return key(KeyCode::BackTab, KeyModifiers::SHIFT | modifiers),
        b'~' => match first? {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            n @ 11..=15 => KeyCode::F((n - 10) as u8),
            n @ 17..=21 => KeyCode::F((n - 11) as u8),
            n @ 23..=24 => KeyCode::F((n - 12) as u8),
            _ => return None,
        },
        f => final_key(f)?,
    };
    key(code, modifiers)
}

/// The keys that SS3 and CSI sequences name by their final byte alone.
fn final_key(c: u8) -> Option<KeyCode> {
    Some(match c {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(c - b'P' + 1),
        _ => return None,
    })
}

/// xterm's modifier parameter: 1 + (shift 1, alt 2, ctrl 4).
fn modifiers(param: Option<u16>) -> KeyModifiers {
    let bits = param.unwrap_or(1).saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys(chunks: &[&[u8]]) -> Vec<KeyEvent> {
        let mut p = KeyParser::new();
        let mut out = Vec::new();
        for c in chunks {
            p.feed(c, &mut out);
        }
        p.flush(&mut out);
        out
    }

    fn codes(chunks: &[&[u8]]) -> Vec<KeyCode> {
        keys(chunks).into_iter().map(|k| k.code).collect()
    }

    fn k(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn plain_keys_and_controls() {
        use KeyCode::*;
        assert_eq!(
            codes(&[b" lq\r\t\x7f"]),
            [Char(' '), Char('l'), Char('q'), Enter, Tab, Backspace]
        );
        assert_eq!(keys(&[b"\x03"]), [k(Char('c'), KeyModifiers::CONTROL)]);
        assert_eq!(keys(&[b"F"]), [k(Char('F'), KeyModifiers::SHIFT)]);
    }

    #[test]
    fn arrows_home_end_in_every_spelling() {
        use KeyCode::*;
        let all: &[&[u8]] = &[b"\x1b[A", b"\x1b[B", b"\x1b[C", b"\x1b[D", b"\x1bOA", b"\x1bOD"];
        assert_eq!(codes(all), [Up, Down, Right, Left, Up, Left]);
        let home_end: &[&[u8]] = &[
            b"\x1b[H", b"\x1b[F", b"\x1bOH", b"\x1bOF", b"\x1b[1~", b"\x1b[4~", b"\x1b[7~", b"\x1b[8~",
        ];
        assert_eq!(codes(home_end), [Home, End, Home, End, Home, End, Home, End]);
        assert_eq!(keys(&[b"\x1b[1;5C"]), [k(Right, KeyModifiers::CONTROL)]);
    }

    #[test]
    fn shift_tab_is_backtab() {
        assert_eq!(keys(&[b"\x1b[Z"]), [k(KeyCode::BackTab, KeyModifiers::SHIFT)]);
    }

    #[test]
    fn lone_esc_waits_for_the_timeout() {
        let mut p = KeyParser::new();
        let mut out = Vec::new();
        p.feed(b"\x1b", &mut out);
        assert!(
            out.is_empty() && p.is_pending(),
            "an ESC at the end of a packet is held"
        );
        p.flush(&mut out);
        assert_eq!(out, [k(KeyCode::Esc, KeyModifiers::NONE)]);
        assert!(!p.is_pending());
    }

    #[test]
    fn esc_prefix_is_alt_and_double_esc_is_esc() {
        assert_eq!(keys(&[b"\x1bq"]), [k(KeyCode::Char('q'), KeyModifiers::ALT)]);
        assert_eq!(codes(&[b"\x1b\x1b[A"]), [KeyCode::Esc, KeyCode::Up]);
    }

    #[test]
    fn split_sequences_parse_whole() {
        assert_eq!(codes(&[b"\x1b", b"[", b"A"]), [KeyCode::Up]);
        assert_eq!(codes(&[b"\x1b[1", b";2", b"D"]), [KeyCode::Left]);
        assert_eq!(
            codes(&["é".as_bytes()[..1].as_ref(), &"é".as_bytes()[1..]]),
            [KeyCode::Char('é')]
        );
    }

    #[test]
    fn a_timeout_inside_a_sequence_gives_esc_then_the_rest_as_typed() {
        let mut p = KeyParser::new();
        let mut out = Vec::new();
        p.feed(b"\x1b[", &mut out);
        p.flush(&mut out);
        p.feed(b"A", &mut out);
        assert_eq!(
            out,
            [
                k(KeyCode::Esc, KeyModifiers::NONE),
                k(KeyCode::Char('['), KeyModifiers::NONE),
                k(KeyCode::Char('A'), KeyModifiers::SHIFT)
            ]
        );
    }

    #[test]
    fn unknown_and_runaway_sequences_are_dropped() {
        assert_eq!(codes(&[b"\x1b[?1;2cq"]), [KeyCode::Char('q')]);
        let mut long = b"\x1b[".to_vec();
        long.extend([b'1'; 100]);
        long.push(b'q');
        let mut p = KeyParser::new();
        let mut out = Vec::new();
        p.feed(&long, &mut out);
        assert!(p.pending.len() < MAX_SEQUENCE);
    }

    /// The keys a terminal can send, with their bytes; no lone Esc, which
    /// needs the timeout.
    fn encoded_key() -> impl Strategy<Value = (Vec<u8>, KeyCode)> {
        use KeyCode::*;
        let table: Vec<(&[u8], KeyCode)> = vec![
            (b" ", Char(' ')),
            (b"q", Char('q')),
            (b"F", Char('F')),
            (b"\r", Enter),
            (b"\t", Tab),
            (b"\x7f", Backspace),
            (b"\x1b[A", Up),
            (b"\x1b[B", Down),
            (b"\x1b[C", Right),
            (b"\x1b[D", Left),
            (b"\x1bOA", Up),
            (b"\x1b[H", Home),
            (b"\x1b[F", End),
            (b"\x1b[1~", Home),
            (b"\x1b[4~", End),
            (b"\x1b[Z", BackTab),
            (b"\x1b[1;5C", Right),
            (b"\x1b[15~", F(5)),
            ("σ".as_bytes(), Char('σ')),
            ("∂".as_bytes(), Char('∂')),
        ];
        proptest::sample::select(table).prop_map(|(b, c)| (b.to_vec(), c))
    }

    /// `bytes` cut at the given points (taken modulo its length).
    fn split(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort();
        let mut parts = Vec::new();
        let mut last = 0;
        for c in cuts.into_iter().chain([bytes.len()]) {
            parts.push(bytes[last..c].to_vec());
            last = c;
        }
        parts
    }

    fn feed_all(parts: &[Vec<u8>]) -> (Vec<KeyEvent>, usize) {
        let mut p = KeyParser::new();
        let mut out = Vec::new();
        let mut most = 0;
        for part in parts {
            p.feed(part, &mut out);
            most = most.max(p.pending.len());
        }
        p.flush(&mut out);
        (out, most)
    }

    proptest! {
        #[test]
        fn any_split_of_any_bytes_gives_the_same_keys(
            bytes in proptest::collection::vec(any::<u8>(), 0..200),
            cuts in proptest::collection::vec(any::<usize>(), 0..12),
        ) {
            let (whole, _) = feed_all(std::slice::from_ref(&bytes));
            let (parts, most) = feed_all(&split(&bytes, &cuts));
            prop_assert_eq!(whole, parts);
            prop_assert!(most < MAX_SEQUENCE, "held at most one short sequence");
        }

        #[test]
        fn typed_keys_come_back_whatever_the_packets(
            typed in proptest::collection::vec(encoded_key(), 0..40),
            cuts in proptest::collection::vec(any::<usize>(), 0..12),
        ) {
            let bytes: Vec<u8> = typed.iter().flat_map(|(b, _)| b.clone()).collect();
            let want: Vec<KeyCode> = typed.iter().map(|(_, c)| *c).collect();
            let (got, _) = feed_all(&split(&bytes, &cuts));
            prop_assert_eq!(got.into_iter().map(|k| k.code).collect::<Vec<_>>(), want);
        }
    }
}
