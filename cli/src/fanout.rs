//! One command on several targets at once (`--nodes a,b,c`, `--profiles dev,staging`):
//! every target runs in its own thread with its own client and session, its output held
//! back, then all are printed in the order given, each labelled: a heading in text, a
//! `node` (or `profile`) field in JSON and JSON lines, a first column in CSV. A failing
//! target is reported on stderr (`hac: [label] ...`), never on stdout, which carries the
//! data of the targets that worked; it does not hide the others; the exit code is the
//! highest of all.

use std::io::Write;

use anyhow::Result;
use serde_json::{Map, Value};

use crate::failure::{Exit, exit_for, one_line};
use crate::output::{Captured, Out, write_csv_field};

/// How the command's output can be labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Free text: a heading per target.
    Text,
    /// One JSON document per target: merged into one array.
    Json,
    /// JSON lines.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

/// One target of a fan-out.
pub struct Target<T> {
    /// The label shown (node value or profile name).
    pub label: String,
    /// What the runner needs for it (its settings, its node).
    pub spec: T,
}

/// Runs `run` on every target in parallel and prints the results in target order.
pub fn run<T: Sync>(
    targets: &[Target<T>],
    field: &str,
    shape: Shape,
    out: &mut Out,
    run: impl Fn(&T, &mut Out) -> Result<Exit> + Sync,
) -> Result<Exit> {
    let quiet = out.is_quiet();
    let results: Vec<(Result<Exit>, Captured)> = std::thread::scope(|scope| {
        let handles: Vec<_> = targets
            .iter()
            .map(|t| {
                let run = &run;
                scope.spawn(move || {
                    let mut o = Out::captured(quiet);
                    let r = run(&t.spec, &mut o);
                    (r, o.into_captured())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    (
                        Err(anyhow::anyhow!("internal error: the worker panicked")),
                        Out::captured(quiet).into_captured(),
                    )
                })
            })
            .collect()
    });

    let mut worst = Exit::Success;
    let mut merged: Vec<Value> = Vec::new();
    let mut csv_header_written = false;
    for (t, (result, captured)) in targets.iter().zip(results) {
        let label = &t.label;
        for (problem, line) in &captured.stderr {
            let line = line.strip_prefix("hac: ").unwrap_or(line);
            if *problem || !quiet {
                out.problem(format_args!("hac: [{label}] {line}"));
            }
        }
        let exit = match result {
            Ok(code) => code,
            Err(e) => {
                out.problem(format_args!("hac: [{label}] {}", one_line(&e)));
                exit_for(&e)
            }
        };
        if exit as u8 > worst as u8 {
            worst = exit;
        }
        // Stdout carries data: what a target that failed printed (nothing, by the output
        // contract) is not labelled as if it were.
        let text = String::from_utf8_lossy(&captured.stdout);
        if text.trim().is_empty() {
            continue;
        }
        match shape {
            Shape::Text => {
                let w = out.stdout();
                writeln!(w, "== {label} ==")?;
                w.write_all(text.as_bytes())?;
                if !text.ends_with('\n') {
                    writeln!(w)?;
                }
            }
            Shape::Json => {
                if let Ok(value) = serde_json::from_str::<Value>(&text) {
                    merged.extend(labelled(value, field, label));
                }
            }
            Shape::Jsonl => {
                let w = out.stdout();
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    let value = serde_json::from_str::<Value>(line)
                        .unwrap_or_else(|_| Value::String(line.to_owned()));
                    for v in labelled(value, field, label) {
                        writeln!(w, "{v}")?;
                    }
                }
            }
            Shape::Csv => {
                let w = out.stdout();
                let mut lines = text.split_inclusive('\n');
                if let Some(header) = lines.next()
                    && !csv_header_written
                {
                    write!(w, "{field},{header}")?;
                    csv_header_written = true;
                }
                // Rows may span lines (quoted line breaks): the label goes before each
                // record, so only at the start of lines outside quotes.
                let mut in_quotes = false;
                for line in lines {
                    if !in_quotes {
                        write_csv_field(w, label)?;
                        w.write_all(b",")?;
                    }
                    w.write_all(line.as_bytes())?;
                    if line.matches('"').count() % 2 == 1 {
                        in_quotes = !in_quotes;
                    }
                }
            }
        }
    }
    if shape == Shape::Json {
        out.json(&merged)?;
    }
    Ok(worst)
}

/// The value with the label as its first field; an array's objects each get it.
fn labelled(value: Value, field: &str, label: &str) -> Vec<Value> {
    let with_label = |v: Value| -> Value {
        let mut m = Map::new();
        m.insert(field.to_owned(), Value::String(label.to_owned()));
        match v {
            Value::Object(o) => {
                for (k, v) in o {
                    if k != field {
                        m.insert(k, v);
                    }
                }
            }
            other => {
                m.insert("value".into(), other);
            }
        }
        Value::Object(m)
    };
    match value {
        Value::Array(items) => items.into_iter().map(with_label).collect(),
        other => vec![with_label(other)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_go_first() {
        let v = labelled(serde_json::json!({"b": 1, "a": 2}), "node", "n1");
        assert_eq!(v[0].to_string(), r#"{"node":"n1","b":1,"a":2}"#);
        let v = labelled(serde_json::json!([{"x": 1}, 2]), "node", "n2");
        assert_eq!(v[1].to_string(), r#"{"node":"n2","value":2}"#);
    }
}
