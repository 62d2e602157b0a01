//! Where output goes: results to stdout (buffered, written once), diagnostics to stderr
//! unless `--quiet`. Query results in table, CSV, JSON or JSON-lines form.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use hac_client::{FlexSearchResult, Row};

use crate::safe_text::{Escape, SafeWriter};
use serde::Serialize;
use serde::ser::SerializeMap;

/// Writes one line to stderr. A closed stderr (`hac ... 2>&1 | grep -q x` after grep
/// exits) is ignored: the exit code must still report the operation, and `eprintln!` would
/// panic instead.
pub fn stderr_line(line: impl std::fmt::Display) {
    // Diagnostics quote server text: made safe for a terminal and a CI log.
    let text = line.to_string();
    let _ = writeln!(
        io::stderr().lock(),
        "{}",
        crate::safe_text::neutralize_commands(&text)
    );
}

/// What a command writes to stdout, for [`Out::protect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdoutKind {
    /// For reading: text, tables, GitHub annotations.
    Text,
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
        self.stdout.set_style(match kind {
            StdoutKind::Text => Escape::Text,
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

/// Aligned columns; NULL is shown as `null` (`NULL` by default), control characters as
/// escapes so that one row stays one line. Widths are computed over the result's own cells
/// in a first pass, then rows are written one by one: nothing is copied per cell.
pub fn write_table(w: &mut impl Write, r: &FlexSearchResult, null: &str) -> io::Result<()> {
    write_table_rows(w, r, &table_widths(r, null), null, true)
}

/// The column widths of a table, from one page (with `--all`, later pages keep them; a
/// wider cell pushes its line out rather than the page being held back).
pub fn table_widths(r: &FlexSearchResult, null: &str) -> Vec<usize> {
    let mut widths: Vec<usize> = r.headers.iter().map(|h| shown_width(h)).collect();
    for row in r.rows() {
        for (i, cell) in row.cells().enumerate() {
            if i >= widths.len() {
                widths.push(0);
            }
            widths[i] = widths[i].max(shown_width(cell.unwrap_or(null)));
        }
    }
    widths
}

/// One page of a table: the header and rule first when `header`.
pub fn write_table_rows(
    w: &mut impl Write,
    r: &FlexSearchResult,
    widths: &[usize],
    null: &str,
    header: bool,
) -> io::Result<()> {
    if header {
        write_line(w, widths, r.headers.iter().map(|h| Some(h.as_str())), null)?;
        let rule: Vec<String> = widths.iter().map(|n| "-".repeat(*n)).collect();
        writeln!(w, "{}", rule.join("-+-"))?;
    }
    for row in r.rows() {
        write_line(w, widths, row.cells(), null)?;
    }
    Ok(())
}

/// One page of CSV: the header row first when `header`.
pub fn write_csv_rows(
    w: &mut impl Write,
    r: &FlexSearchResult,
    csv: &Csv,
    header: bool,
) -> io::Result<()> {
    if header {
        csv_record(w, r.headers.iter().map(|h| Some(h.as_str())), csv)?;
    }
    for row in r.rows() {
        csv_record(w, row.cells(), csv)?;
    }
    Ok(())
}

/// One page of a JSON array of row objects: the caller writes `[` and `]`.
pub fn write_json_row_items(w: &mut impl Write, r: &FlexSearchResult, first: bool) -> Result<()> {
    let (keys, _) = r.unique_headers();
    for (i, row) in r.rows().enumerate() {
        w.write_all(if first && i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *w, &RowObject { keys: &keys, row })?;
    }
    Ok(())
}

fn write_line<'a>(
    w: &mut impl Write,
    widths: &[usize],
    cells: impl Iterator<Item = Option<&'a str>>,
    null: &str,
) -> io::Result<()> {
    let mut cells = cells;
    let mut line = String::new();
    for (i, width) in widths.iter().enumerate() {
        if i > 0 {
            line.push_str(" | ");
        }
        // No cell at all (a short row): blank; a NULL cell: `NULL`.
        let shown = match cells.next() {
            None => "",
            Some(None) => null,
            Some(Some(c)) => c,
        };
        push_one_line(&mut line, shown);
        if i + 1 < widths.len() {
            let pad = width.saturating_sub(shown_width(shown));
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    writeln!(w, "{}", line.trim_end())
}

fn escape_of(c: char) -> Option<String> {
    match c {
        '\n' => Some("\\n".into()),
        '\r' => Some("\\r".into()),
        '\t' => Some("\\t".into()),
        c if c.is_control() => Some(format!("\\u{{{:x}}}", c as u32)),
        _ => None,
    }
}

/// Width of a cell as shown (characters, control characters as their escapes).
fn shown_width(s: &str) -> usize {
    s.chars().map(|c| escape_of(c).map_or(1, |e| e.len())).sum()
}

fn push_one_line(out: &mut String, s: &str) {
    for c in s.chars() {
        match escape_of(c) {
            Some(e) => out.push_str(&e),
            None => out.push(c),
        }
    }
}

/// How CSV is written.
#[derive(Debug, Clone, Default)]
pub struct Csv {
    /// What NULL is written as (empty by default).
    pub null: String,
    /// `--csv-safe`: a cell a spreadsheet would run as a formula (starting with `=`, `+`,
    /// `-`, `@`, TAB or CR) gets a leading `'`, as OWASP advises. Off by default: it
    /// changes the data (`-5` becomes `'-5`), and psql and csvkit write cells as they are.
    pub safe: bool,
}

/// CSV with a header row. Fields with a comma, quote, line break or surrounding space are
/// quoted, quotes doubled; NULL is an empty field unless `csv.null` says otherwise.
pub fn write_csv(w: &mut impl Write, r: &FlexSearchResult, csv: &Csv) -> io::Result<()> {
    write_csv_rows(w, r, csv, true)
}

fn csv_record<'a>(
    w: &mut impl Write,
    cells: impl Iterator<Item = Option<&'a str>>,
    csv: &Csv,
) -> io::Result<()> {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        match cell {
            None => write_csv_field(w, &csv.null)?,
            Some(c) if csv.safe && c.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
                write_csv_field(w, &format!("'{c}"))?
            }
            Some(c) => write_csv_field(w, c)?,
        }
    }
    w.write_all(b"\n")
}

/// One CSV field: quoted (quotes doubled) when it holds a comma, quote or line break, or
/// starts or ends with a space.
pub fn write_csv_field(w: &mut impl Write, cell: &str) -> io::Result<()> {
    let quote =
        cell.contains([',', '"', '\n', '\r']) || cell.starts_with(' ') || cell.ends_with(' ');
    if quote {
        write!(w, "\"{}\"", cell.replace('"', "\"\""))
    } else {
        w.write_all(cell.as_bytes())
    }
}

/// One JSON object per row, keys in column order; NULL is `null`. Column names that
/// repeat (a join) get `_2`, `_3`, ... so that no value is lost; returns whether any did.
pub fn write_jsonl(w: &mut impl Write, r: &FlexSearchResult) -> Result<bool> {
    let (keys, renamed) = r.unique_headers();
    for row in r.rows() {
        serde_json::to_writer(&mut *w, &RowObject { keys: &keys, row })?;
        w.write_all(b"\n")?;
    }
    Ok(renamed)
}

/// A JSON array of row objects (as `write_jsonl`'s objects), written row by row.
pub fn write_json_rows(w: &mut impl Write, r: &FlexSearchResult) -> Result<bool> {
    let (keys, renamed) = r.unique_headers();
    w.write_all(b"[")?;
    for (i, row) in r.rows().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *w, &RowObject { keys: &keys, row })?;
    }
    w.write_all(if r.is_empty() { b"]\n" } else { b"\n]\n" })?;
    Ok(renamed)
}

struct RowObject<'a> {
    keys: &'a [String],
    row: Row<'a>,
}

impl Serialize for RowObject<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.keys.len()))?;
        for (i, k) in self.keys.iter().enumerate() {
            map.serialize_entry(k, &self.row.get_index(i))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result() -> FlexSearchResult {
        FlexSearchResult::from_rows(
            vec!["PK".into(), "name".into()],
            vec![
                vec![Some("1".into()), Some("a, \"b\"".into())],
                vec![Some("22".into()), None],
                vec![Some("3".into()), Some("two\nlines".into())],
            ],
        )
    }

    fn text(f: impl Fn(&mut Vec<u8>)) -> String {
        let mut v = Vec::new();
        f(&mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn table() {
        let t = text(|w| write_table(w, &result(), "NULL").unwrap());
        assert_eq!(
            t,
            "PK | name\n---+-----------\n1  | a, \"b\"\n22 | NULL\n3  | two\\nlines\n"
        );
    }

    #[test]
    fn csv() {
        let t = text(|w| write_csv(w, &result(), &Csv::default()).unwrap());
        assert_eq!(t, "PK,name\n1,\"a, \"\"b\"\"\"\n22,\n3,\"two\nlines\"\n");
        let csv = Csv {
            null: "\\N".into(),
            safe: false,
        };
        let t = text(|w| write_csv(w, &result(), &csv).unwrap());
        assert!(t.contains("22,\\N\n"), "{t}");
        let t = text(|w| write_table(w, &result(), "(null)").unwrap());
        assert!(t.contains("22 | (null)\n"), "{t}");
    }

    #[test]
    fn json_rows_are_an_array_of_objects() {
        let t = text(|w| {
            write_json_rows(w, &result()).unwrap();
        });
        let v: serde_json::Value = serde_json::from_str(&t).unwrap();
        assert_eq!(v[1]["PK"], "22");
        assert!(v[1]["name"].is_null());
        let empty = FlexSearchResult::from_rows(vec!["PK".into()], vec![]);
        let t = text(|w| {
            write_json_rows(w, &empty).unwrap();
        });
        assert_eq!(t, "[]\n");
    }

    #[test]
    fn jsonl_keeps_columns_with_the_same_name() {
        let r = FlexSearchResult::from_rows(
            vec!["p_code".into(), "p_code".into(), "p_code_2".into()],
            vec![vec![Some("a".into()), Some("b".into()), Some("c".into())]],
        );
        let mut v = Vec::new();
        assert!(write_jsonl(&mut v, &r).unwrap());
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "{\"p_code\":\"a\",\"p_code_2\":\"b\",\"p_code_2_2\":\"c\"}\n"
        );
    }

    #[test]
    fn jsonl() {
        let t = text(|w| {
            write_jsonl(w, &result()).unwrap();
        });
        assert_eq!(
            t,
            "{\"PK\":\"1\",\"name\":\"a, \\\"b\\\"\"}\n{\"PK\":\"22\",\"name\":null}\n{\"PK\":\"3\",\"name\":\"two\\nlines\"}\n"
        );
    }
}
