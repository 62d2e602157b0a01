//! Server text made safe to show. What HAC sends (a script's output, an error page, a
//! property's value, a file name) may hold escape sequences that rewrite a terminal (CSI,
//! OSC: titles, hyperlinks, clearing the screen), BEL and backspace, C1 controls, and
//! bidirectional-text overrides (U+202E) that make text read other than it is.
//!
//! The rule, per stream:
//! * stderr (diagnostics, for people): always made safe;
//! * stdout in a text format (text, table, github): always made safe: these formats are
//!   for reading;
//! * stdout in a data format (json, jsonl, json-result, csv): the data as it is when stdout
//!   is a file or a pipe (a program reads it); on a terminal, JSON gets `\uXXXX` escapes
//!   (the same data, still valid JSON) and CSV visible escapes.
//!
//! "Made safe" keeps `\n`, `\t` and `\r\n` and writes every other control character, every
//! C1 control, the bidirectional controls and bytes that are not UTF-8 as visible escapes
//! (`\u{1b}`, `\u{202e}`, `\x9b`). On stderr, nothing can read as a CI runner's workflow
//! command (see [`neutralize_commands`]).
//!
//! Written by hand: the crates that strip ANSI sequences drop them silently (a reader
//! should see that something was there) and leave bidirectional controls alone.

use std::borrow::Cow;
use std::io::{self, Write};

/// How text is made safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// As it is.
    None,
    /// Visible escapes: `\u{1b}`.
    Text,
    /// JSON escapes: `\u001b` (inside JSON strings: the same data).
    Json,
}

/// Whether `c` must not reach a terminal as it is (`\n` and `\t` may; `\r` is decided by
/// what follows it).
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

fn push_escaped(out: &mut String, c: char, style: Escape) {
    match style {
        Escape::Json => {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
        _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// `text` made safe in `style` (see the module documentation).
pub fn escape(text: &str, style: Escape) -> Cow<'_, str> {
    let needed = text
        .char_indices()
        .any(|(i, c)| unsafe_char(c) && !(c == '\r' && text[i + 1..].starts_with('\n')));
    if style == Escape::None || !needed {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if unsafe_char(c) {
            push_escaped(&mut out, c, style);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for stderr: made safe, and no line can be read by a CI runner as a workflow
/// command (see [`neutralize_line`]). Server text can then neither annotate, mask, set
/// variables nor switch off `hac`'s own annotations with `::stop-commands::`.
pub fn neutralize_commands(text: &str) -> Cow<'_, str> {
    let safe = escape(text, Escape::Text);
    if !safe
        .split('\n')
        .any(|l| matches!(neutralize_line(l, true), Cow::Owned(_)))
    {
        return safe;
    }
    let lines: Vec<Cow<'_, str>> = safe.split('\n').map(|l| neutralize_line(l, true)).collect();
    Cow::Owned(lines.join("\n"))
}

/// One line (without its `\n`) that no CI runner reads as a workflow command: GitHub's
/// `::command::` at the start of a line after any spaces (the runner trims Unicode spaces
/// too) gets `: :`, and anywhere in the line GitHub's older `##[command]` and Azure
/// Pipelines' `##vso[command]` (any case) lose their `##` pairing (`# #[`, `# #vso[`).
/// `at_start`: the line's start is in this piece (not a line continued from earlier).
pub fn neutralize_line(line: &str, at_start: bool) -> Cow<'_, str> {
    let lower_has = |needle: &str| line.to_ascii_lowercase().contains(needle);
    let command_start = at_start && line.trim_start().starts_with("::");
    if !command_start && !line.contains("##[") && !lower_has("##vso[") {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 4);
    let mut rest = line;
    if command_start {
        let indent = line.len() - line.trim_start().len();
        out.push_str(&line[..indent]);
        out.push_str(": :");
        rest = &line[indent + 2..];
    }
    let mut i = 0;
    while i < rest.len() {
        let tail = &rest[i..];
        if tail.starts_with("##[")
            || tail
                .get(..6)
                .is_some_and(|t| t.eq_ignore_ascii_case("##vso["))
        {
            out.push_str("# #");
            i += 2;
            continue;
        }
        let c = tail.chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8().max(1);
    }
    Cow::Owned(out)
}

/// A writer that makes what passes through it safe, however the bytes are split between
/// writes (a character or a `\r\n` may span two).
pub struct SafeWriter<W: Write> {
    inner: W,
    style: Escape,
    /// Bytes of an incomplete character, or a `\r` waiting to see what follows.
    pending: Vec<u8>,
    /// Lines are also kept from reading as CI workflow commands (text formats; not `-o
    /// github`, whose own annotations must reach the runner and which fences server text).
    commands: bool,
    /// The current line's escaped text not written yet (held until its end, or a bound).
    line: String,
    /// The current line began in text already written.
    continued: bool,
}

/// How much of one line is held back to be checked whole: the part a command can hide in
/// is its start and a few bytes at any point, so a longer line is written in pieces.
const LINE_HOLD: usize = 64 * 1024;

impl<W: Write> SafeWriter<W> {
    pub fn new(inner: W, style: Escape) -> SafeWriter<W> {
        SafeWriter {
            inner,
            style,
            pending: Vec::new(),
            commands: false,
            line: String::new(),
            continued: false,
        }
    }

    pub fn set_style(&mut self, style: Escape) {
        self.style = style;
    }

    pub fn style(&self) -> Escape {
        self.style
    }

    /// Whether lines are also kept from reading as CI workflow commands.
    pub fn set_neutralize_commands(&mut self, on: bool) {
        self.commands = on;
    }

    /// Escaped text on its way out: through the line check when it is on.
    fn emit(&mut self, text: &str) -> io::Result<()> {
        if !self.commands {
            return self.inner.write_all(text.as_bytes());
        }
        self.line.push_str(text);
        while let Some(end) = self.line.find('\n') {
            let rest = self.line.split_off(end + 1);
            let whole = std::mem::replace(&mut self.line, rest);
            let safe = neutralize_line(&whole[..end], !self.continued).into_owned();
            self.continued = false;
            self.inner.write_all(safe.as_bytes())?;
            self.inner.write_all(b"\n")?;
        }
        if self.line.len() > LINE_HOLD {
            // Written but for its last bytes, which may start a `##vso[` with what follows.
            let mut cut = self.line.len() - 8;
            while !self.line.is_char_boundary(cut) {
                cut -= 1;
            }
            let tail = self.line.split_off(cut);
            let head = std::mem::replace(&mut self.line, tail);
            let safe = neutralize_line(&head, !self.continued).into_owned();
            self.continued = true;
            self.inner.write_all(safe.as_bytes())?;
        }
        Ok(())
    }

    /// The held part of a line, written as it stands (at a flush or the end).
    fn emit_held(&mut self) -> io::Result<()> {
        if self.line.is_empty() {
            return Ok(());
        }
        let held = std::mem::take(&mut self.line);
        let safe = neutralize_line(&held, !self.continued).into_owned();
        self.continued = true;
        self.inner.write_all(safe.as_bytes())
    }

    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The writer, after what is held back is written (as a flush would).
    pub fn into_inner(mut self) -> W {
        let _ = self.drain();
        let _ = self.emit_held();
        self.inner
    }

    /// Writes what is pending as it stands (at the end: a lone `\r`, a cut character).
    fn drain(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rest = std::mem::take(&mut self.pending);
        let text = match std::str::from_utf8(&rest) {
            Ok(t) => escape(t, self.style).into_owned(),
            Err(_) => rest.iter().map(|b| format!("\\x{b:02x}")).collect(),
        };
        let text = if text == "\r" && self.style != Escape::None {
            "\\u{d}".to_owned()
        } else {
            text
        };
        self.emit(&text)
    }

    fn filter(&mut self, buf: &[u8]) -> io::Result<()> {
        self.pending.extend_from_slice(buf);
        let data = std::mem::take(&mut self.pending);
        let mut at = 0;
        let mut out = String::new();
        while at < data.len() {
            match std::str::from_utf8(&data[at..]) {
                Ok(text) => {
                    // Keep a trailing `\r` until we know whether `\n` follows.
                    let (text, keep) = match text.strip_suffix('\r') {
                        Some(t) => (t, true),
                        None => (text, false),
                    };
                    out.push_str(&escape(text, self.style));
                    if keep {
                        self.pending.push(b'\r');
                    }
                    at = data.len();
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    let text = std::str::from_utf8(&data[at..at + good]).unwrap_or("");
                    out.push_str(&escape(text, self.style));
                    at += good;
                    match e.error_len() {
                        // Cut at the end of this write: the rest comes with the next.
                        None => {
                            self.pending.extend_from_slice(&data[at..]);
                            at = data.len();
                        }
                        Some(n) => {
                            for b in &data[at..at + n] {
                                out.push_str(&format!("\\x{b:02x}"));
                            }
                            at += n;
                        }
                    }
                }
            }
        }
        self.emit(&out)
    }
}

impl<W: Write> Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.style == Escape::None {
            self.drain()?;
            self.emit_held()?;
            return self.inner.write(buf);
        }
        self.filter(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain()?;
        self.emit_held()?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str =
        "ok\x1b]0;pwned\x07\x1b[2J\x08\u{202e}txt.exe\u{9b}31m\r\nline\rover\ttab\n";

    #[test]
    fn escapes_are_visible_and_lines_stay() {
        let t = escape(HOSTILE, Escape::Text);
        assert_eq!(
            t,
            "ok\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{8}\\u{202e}txt.exe\\u{9b}31m\r\nline\\u{d}over\ttab\n"
        );
        let j = escape(HOSTILE, Escape::Json);
        assert!(
            j.contains("\\u001b]0;pwned\\u0007") && j.contains("\\u202e"),
            "{j}"
        );
        assert!(matches!(
            escape("plain\ttext\r\n", Escape::Text),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_writer_handles_any_split() {
        let whole = escape(HOSTILE, Escape::Text).into_owned();
        let bytes = HOSTILE.as_bytes();
        for split in 0..bytes.len() {
            let mut w = SafeWriter::new(Vec::new(), Escape::Text);
            w.write_all(&bytes[..split]).unwrap();
            w.write_all(&bytes[split..]).unwrap();
            w.flush().unwrap();
            assert_eq!(
                String::from_utf8(w.into_inner()).unwrap(),
                whole,
                "split {split}"
            );
        }
        let mut w = SafeWriter::new(Vec::new(), Escape::Text);
        w.write_all(b"bad \x9b byte\r").unwrap();
        w.flush().unwrap();
        assert_eq!(
            String::from_utf8(w.into_inner()).unwrap(),
            "bad \\x9b byte\\u{d}"
        );
    }

    #[test]
    fn ci_commands_in_server_text_are_neutralized() {
        let t =
            neutralize_commands("hac: failed\n::stop-commands::tok\n  ::error::x\nsee ##[error]y");
        assert_eq!(
            t,
            "hac: failed\n: :stop-commands::tok\n  : :error::x\nsee # #[error]y"
        );
        // Azure Pipelines' commands anywhere in a line, any case; Unicode spaces before `::`.
        assert_eq!(
            neutralize_commands("x ##vso[task.setvariable variable=a]1\n##VSO[x]"),
            "x # #vso[task.setvariable variable=a]1\n# #VSO[x]"
        );
        assert_eq!(
            neutralize_commands("\u{a0}::add-mask::s"),
            "\u{a0}: :add-mask::s"
        );
    }

    /// On stdout, in text formats, however the text is split between writes.
    #[test]
    fn the_writer_neutralizes_commands_across_writes() {
        let server = "output\n::add-mask::secret\n  ::error file=x::forged\n\u{a0}::warning::w\nsee ##vso[task.complete result=Failed]\n##[error]old\nend";
        let expected = "output\n: :add-mask::secret\n  : :error file=x::forged\n\u{a0}: :warning::w\nsee # #vso[task.complete result=Failed]\n# #[error]old\nend";
        for split in 1..server.len() {
            if !server.is_char_boundary(split) {
                continue;
            }
            let mut w = SafeWriter::new(Vec::new(), Escape::Text);
            w.set_neutralize_commands(true);
            w.write_all(&server.as_bytes()[..split]).unwrap();
            w.write_all(&server.as_bytes()[split..]).unwrap();
            w.flush().unwrap();
            assert_eq!(
                String::from_utf8(w.get_mut().clone()).unwrap(),
                expected,
                "split at {split}"
            );
        }
        // A line longer than what is held: its start was judged, the rest is passed on.
        let long = format!("::x::{}\n", "a".repeat(LINE_HOLD * 2));
        let mut w = SafeWriter::new(Vec::new(), Escape::Text);
        w.set_neutralize_commands(true);
        w.write_all(long.as_bytes()).unwrap();
        w.flush().unwrap();
        let got = String::from_utf8(w.get_mut().clone()).unwrap();
        assert!(
            got.starts_with(": :x::") && got.len() == long.len() + 1,
            "{}",
            &got[..20]
        );
    }
}
