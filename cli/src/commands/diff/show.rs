//! A diff as text (colour on a terminal), JSON or GitHub annotations.

use std::io::Write;

use anyhow::Result;
use serde_json::Value;

use super::compare::Section;
use super::{DiffFormat, Outcome};
use crate::output::Out;
use crate::output::ci::{escape_data, escape_property};
use crate::output::safe_text::{Escape, escape, neutralize_line};

/// The most annotations one run writes (GitHub shows a few per step anyway); a last one
/// says how many more there are.
const MAX_ANNOTATIONS: usize = 50;

pub fn show(out: &mut Out, outcome: &Outcome, format: DiffFormat) -> Result<()> {
    match format {
        DiffFormat::Json => out.json(outcome),
        DiffFormat::Github => github(out, outcome),
        DiffFormat::Text => text(out, outcome),
    }
}

/// A value as one line: text as it is, rows and structures as compact JSON.
fn one_line(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn text(out: &mut Out, o: &Outcome) -> Result<()> {
    let colour = out.colour();
    for (b, section) in &o.sections {
        let lines = lines(&o.a, b, section);
        let heading = format!("=== {}: {} and {} ===", o.what, o.a, b);
        write_line(out, colour, "1", &heading)?;
        for (mark, line) in lines {
            let code = match mark {
                '-' => "31",
                '+' => "32",
                _ => "33",
            };
            write_line(out, colour, code, &format!("{mark} {line}"))?;
        }
        let summary = if section.is_equal() {
            "the same".to_owned()
        } else {
            format!(
                "{} only in {}, {} only in {}, {} changed",
                section.only_a.len(),
                o.a,
                section.only_b.len(),
                b,
                section.changed.len()
            )
        };
        writeln!(out.stdout(), "{summary}")?;
        if !section.masked_by_hac.is_empty() {
            writeln!(
                out.stdout(),
                "not compared ({} masked by HAC on both sides): {}",
                section.masked_by_hac.len(),
                section.masked_by_hac.join(", ")
            )?;
        }
    }
    if let Some(agree) = &o.agree {
        writeln!(out.stdout(), "agree with {}: {}", o.a, agree.join(", "))?;
    }
    Ok(())
}

/// The lines of one section, marked `-` (only in A), `+` (only in B), `~` (changed).
fn lines(a: &str, b: &str, s: &Section) -> Vec<(char, String)> {
    let mut out = Vec::new();
    for i in &s.only_a {
        out.push((
            '-',
            format!("{} = {}  (only in {a})", i.key, one_line(&i.value)),
        ));
    }
    for i in &s.only_b {
        out.push((
            '+',
            format!("{} = {}  (only in {b})", i.key, one_line(&i.value)),
        ));
    }
    for c in &s.changed {
        out.push((
            '~',
            format!("{}: {} -> {}", c.key, one_line(&c.a), one_line(&c.b)),
        ));
    }
    out
}

/// One line; on a terminal in colour (`code` an SGR code), the text made safe first.
fn write_line(out: &mut Out, colour: bool, code: &str, line: &str) -> Result<()> {
    if !colour {
        writeln!(out.stdout(), "{line}")?;
        return Ok(());
    }
    let safe = escape(line, Escape::Text);
    let safe = neutralize_line(&safe, true);
    out.write_own(&format!("\x1b[{code}m{safe}\x1b[0m\n"))?;
    Ok(())
}

fn github(out: &mut Out, o: &Outcome) -> Result<()> {
    let mut written = 0;
    let mut total = 0;
    for (b, section) in &o.sections {
        let title = escape_property(&format!("hac diff {}: {} and {b}", o.what, o.a));
        for (mark, line) in lines(&o.a, b, section) {
            total += 1;
            if written >= MAX_ANNOTATIONS {
                continue;
            }
            let kind = match mark {
                '-' => "only in the first",
                '+' => "only in the second",
                _ => "changed",
            };
            // Server text goes into the message, escaped as GitHub documents.
            let message = escape_data(&escape(&format!("{kind}: {line}"), Escape::Text));
            out.write_own(&format!("::error title={title}::{message}\n"))?;
            written += 1;
        }
    }
    if total > written {
        out.write_own(&format!(
            "::error title=hac diff {}::{} more differences (see -o json)\n",
            escape_property(&o.what),
            total - written
        ))?;
    }
    if total == 0 {
        out.write_own(&format!(
            "::notice title=hac diff {}::{} and {} agree\n",
            escape_property(&o.what),
            escape_data(&o.a),
            escape_data(&o.b.join(", "))
        ))?;
    }
    Ok(())
}
