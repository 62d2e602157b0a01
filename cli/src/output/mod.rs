//! Where output goes: results to stdout (buffered, written once), diagnostics to stderr
//! unless `--quiet`. Query results in table, CSV, JSON or JSON-lines form (`rows`), the
//! output formats and their contract (`format`), CI reports (JUnit files and GitHub
//! annotations, `ci`), files to write checked before a request (`destination`), and server
//! text made safe for terminals and CI logs (`safe_text`).

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
pub mod ci;
pub mod destination;
pub mod format;
mod rows;
pub mod safe_text;

pub use rows::*;
use safe_text::{Escape, SafeWriter};
use serde::Serialize;

/// Writes one line to stderr. A closed stderr (`hac ... 2>&1 | grep -q x` after grep
/// exits) is ignored: the exit code must still report the operation, and `eprintln!` would
/// panic instead.
pub fn stderr_line(line: impl std::fmt::Display) {
    // Diagnostics quote server text: made safe for a terminal and a CI log.
    let text = line.to_string();
    let _ = writeln!(
        io::stderr().lock(),
        "{}",
        crate::output::safe_text::neutralize_commands(&text)
    );
}

/// What a command writes to stdout, for [`Out::protect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdoutKind {
    /// For reading: text and tables.
    Text,
    /// GitHub annotations (`-o github`): our own workflow commands reach the runner, and
    /// server text is fenced off with `::stop-commands::` by the writers themselves.
    Github,
    /// JSON or JSON lines.
    Json,
    /// CSV.
    Csv,
    /// Our own bytes (completions, the man page, help): as they are.
    Raw,
}

/// Where results go: the process's stdout, or a buffer (one target of a fan-out, printed
/// with its label when all are done).
enum Sink {
    Stdout(io::BufWriter<io::Stdout>),
    Buffer(Vec<u8>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::Buffer(b) => b.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(buf),
            Sink::Buffer(b) => b.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::Buffer(_) => Ok(()),
        }
    }
}

/// What a captured `Out` collected: the result bytes and the stderr lines (`true` for a
/// problem, shown even with `--quiet`).
pub struct Captured {
    pub stdout: Vec<u8>,
    pub stderr: Vec<(bool, String)>,
}

/// The two streams of the tool.
pub struct Out {
    /// Server text on stdout is made safe as the format and the terminal decide (see
    /// `safe_text`); a captured `Out` keeps it as it is (the real one makes it safe).
    stdout: SafeWriter<Sink>,
    quiet: bool,
    /// A progress line is on stderr and must be cleared before anything else is printed.
    progress_shown: bool,
    /// Diagnostics kept back (fan-out) instead of printed.
    held: Option<Vec<(bool, String)>>,
}

impl Out {
    pub fn new(quiet: bool) -> Self {
        Out {
            stdout: SafeWriter::new(Sink::Stdout(io::BufWriter::new(io::stdout())), Escape::Text),
            quiet,
            progress_shown: false,
            held: None,
        }
    }

    /// An `Out` that keeps everything for later (one target of a fan-out).
    pub fn captured(quiet: bool) -> Self {
        Out {
            stdout: SafeWriter::new(Sink::Buffer(Vec::new()), Escape::None),
            quiet,
            progress_shown: false,
            held: Some(Vec::new()),
        }
    }

    /// What a captured `Out` collected.
    pub fn into_captured(self) -> Captured {
        Captured {
            stdout: match self.stdout.into_inner() {
                Sink::Buffer(b) => b,
                Sink::Stdout(_) => Vec::new(),
            },
            stderr: self.held.unwrap_or_default(),
        }
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// How server text on stdout is made safe, for a command whose output is of `kind`
    /// (see `safe_text`). A captured `Out` keeps everything as it is.
    pub fn protect(&mut self, kind: StdoutKind) {
        if matches!(self.stdout.get_mut(), Sink::Buffer(_)) {
            return;
        }
        let terminal = io::stdout().is_terminal();
        // Text for reading never carries a workflow command of the server's.
        self.stdout
            .set_neutralize_commands(kind == StdoutKind::Text);
        self.stdout.set_style(match kind {
            StdoutKind::Text | StdoutKind::Github => Escape::Text,
            StdoutKind::Json if terminal => Escape::Json,
            StdoutKind::Csv if terminal => Escape::Text,
            StdoutKind::Json | StdoutKind::Csv | StdoutKind::Raw => Escape::None,
        });
    }

    /// The result stream.
    pub fn stdout(&mut self) -> &mut impl Write {
        &mut self.stdout
    }

    /// A diagnostic line on stderr (suppressed by `--quiet`).
    pub fn note(&mut self, line: impl std::fmt::Display) {
        if self.quiet {
            return;
        }
        if let Some(held) = &mut self.held {
            held.push((false, line.to_string()));
            return;
        }
        self.clear_progress();
        stderr_line(line);
    }

    /// A failure report on stderr; shown even with `--quiet`, because the exit code alone
    /// does not say what the server complained about.
    pub fn problem(&mut self, line: impl std::fmt::Display) {
        if let Some(held) = &mut self.held {
            held.push((true, line.to_string()));
            return;
        }
        self.clear_progress();
        stderr_line(line);
    }

    /// A progress line: rewritten in place on a terminal; elsewhere (CI logs) printed as
    /// an ordinary line, and the caller only calls it when the state changes.
    pub fn progress(&mut self, line: &str) {
        if self.quiet || self.held.is_some() {
            return;
        }
        let mut err = io::stderr().lock();
        if err.is_terminal() {
            let _ = write!(err, "\r\x1b[2K{line}");
            let _ = err.flush();
            self.progress_shown = true;
        } else {
            let _ = writeln!(err, "{line}");
        }
    }

    pub fn clear_progress(&mut self) {
        if self.progress_shown {
            let _ = write!(io::stderr(), "\r\x1b[2K");
            self.progress_shown = false;
        }
    }

    /// Writes text of `hac`'s own as it is (colour codes around server text the caller
    /// made safe with `safe_text`), whatever the stream's protection.
    pub fn write_own(&mut self, text: &str) -> io::Result<()> {
        let style = self.stdout.style();
        self.stdout.set_style(Escape::None);
        let written = self.stdout.write_all(text.as_bytes());
        self.stdout.set_style(style);
        written
    }

    /// Whether stdout is a terminal that may get colour (`NO_COLOR` unset).
    pub fn colour(&self) -> bool {
        matches!(self.stdout.get_ref(), Sink::Stdout(_))
            && io::stdout().is_terminal()
            && crate::config::env::var("NO_COLOR").is_none()
    }

    /// Writes a value as one pretty JSON document.
    pub fn json<T: Serialize>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer_pretty(&mut self.stdout, value)?;
        writeln!(self.stdout)?;
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.clear_progress();
        self.stdout.flush()
    }
}
