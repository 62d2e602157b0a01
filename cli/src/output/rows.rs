//! Query results as rows: aligned tables, CSV, JSON and JSON lines, written row by row
//! (a page at a time with `--all`), nothing copied per cell.

use std::io::{self, Write};

use anyhow::Result;
use hac_client::{FlexibleSearchResult, Row};
use serde::Serialize;
use serde::ser::SerializeMap;

/// Aligned columns; NULL is shown as `null` (`NULL` by default), control characters as
/// escapes so that one row stays one line. Widths are computed over the result's own cells
/// in a first pass, then rows are written one by one: nothing is copied per cell.
pub fn write_table(w: &mut impl Write, r: &FlexibleSearchResult, null: &str) -> io::Result<()> {
    write_table_rows(w, r, &table_widths(r, null), null, true)
}

/// The column widths of a table, from one page (with `--all`, later pages keep them; a
/// wider cell pushes its line out rather than the page being held back).
pub fn table_widths(r: &FlexibleSearchResult, null: &str) -> Vec<usize> {
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
    r: &FlexibleSearchResult,
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
    r: &FlexibleSearchResult,
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
pub fn write_json_row_items(
    w: &mut impl Write,
    r: &FlexibleSearchResult,
    first: bool,
) -> Result<()> {
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
pub fn write_csv(w: &mut impl Write, r: &FlexibleSearchResult, csv: &Csv) -> io::Result<()> {
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
pub fn write_jsonl(w: &mut impl Write, r: &FlexibleSearchResult) -> Result<bool> {
    let (keys, renamed) = r.unique_headers();
    for row in r.rows() {
        serde_json::to_writer(&mut *w, &RowObject { keys: &keys, row })?;
        w.write_all(b"\n")?;
    }
    Ok(renamed)
}

/// A JSON array of row objects (as `write_jsonl`'s objects), written row by row.
pub fn write_json_rows(w: &mut impl Write, r: &FlexibleSearchResult) -> Result<bool> {
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

    fn result() -> FlexibleSearchResult {
        FlexibleSearchResult::from_rows(
            vec!["PK".into(), "name".into()],
            vec![
                vec![Some("1".into()), Some("a, \"b\"".into())],
                vec![Some("22".into()), None],
                vec![Some("3".into()), Some("two\nlines".into())],
            ],
        )
        .unwrap()
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
        let empty = FlexibleSearchResult::from_rows(vec!["PK".into()], vec![]).unwrap();
        let t = text(|w| {
            write_json_rows(w, &empty).unwrap();
        });
        assert_eq!(t, "[]\n");
    }

    #[test]
    fn jsonl_keeps_columns_with_the_same_name() {
        let r = FlexibleSearchResult::from_rows(
            vec!["p_code".into(), "p_code".into(), "p_code_2".into()],
            vec![vec![Some("a".into()), Some("b".into()), Some("c".into())]],
        )
        .unwrap();
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
