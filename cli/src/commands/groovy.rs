//! `hac groovy`: run a script, print what it printed and returned.

use std::io::Write;

use anyhow::{Context, Result};
use hac_client::{GroovyScript, HacClient, ScriptType};

use crate::args::{GroovyArgs, Report, ReportFormat, ScriptLanguage};
use crate::failure::Exit;
use crate::output::Out;
use crate::reports;

/// Runs `script` (read from `label`: a file name or "stdin").
pub fn run(
    hac: &HacClient,
    out: &mut Out,
    script: String,
    label: &str,
    args: &GroovyArgs,
) -> Result<Exit> {
    let commit = args.commit;
    let script = GroovyScript::new(script)
        .commit(commit)
        .script_type(match args.script_type {
            ScriptLanguage::Groovy => ScriptType::Groovy,
            ScriptLanguage::Beanshell => ScriptType::Beanshell,
            ScriptLanguage::Javascript => ScriptType::Javascript,
        });
    let r = hac.execute_groovy(script).context("running the script")?;
    let problems = reports::groovy_problems(&r);
    if let Some(Report::Junit(path)) = &args.report {
        reports::write_junit(path, "groovy", label, &problems, r.elapsed)?;
    }
    match args.format {
        ReportFormat::Json => out.json(&r)?,
        ReportFormat::Text => {
            let w = out.stdout();
            w.write_all(r.output.as_bytes())?;
            if !r.result.is_empty() {
                if !r.output.is_empty() && !r.output.ends_with('\n') {
                    writeln!(w)?;
                }
                writeln!(w, "{}", r.result)?;
            }
        }
        ReportFormat::Github => {
            // The server's text can hold workflow commands: fenced off from the runner.
            let mut text = r.output.clone();
            if !r.result.is_empty() {
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(&r.result);
            }
            let w = out.stdout();
            w.write_all(reports::github_quoted(&text).as_bytes())?;
            w.write_all(reports::github_annotations(label, &problems).as_bytes())?;
        }
    }
    if r.success {
        out.note(format_args!(
            "groovy: done in {:.0} ms{}",
            r.elapsed.as_secs_f64() * 1000.0,
            if commit { " (committed)" } else { "" }
        ));
        Ok(Exit::Success)
    } else {
        if args.format == ReportFormat::Text {
            out.problem(r.stacktrace.trim_end());
        }
        out.problem("hac: the Groovy script failed on the server");
        Ok(Exit::OperationFailed)
    }
}
