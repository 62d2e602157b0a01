//! `hac groovy`: run a script, print what it printed and returned.

use std::io::Write;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use hac_client::{GroovyScript, HacClient, ScriptType};

use super::Input;
use crate::failure::Exit;
use crate::fanout::Shape;
use crate::output::Out;
use crate::output::ci::{self as reports, Report, parse_report};
use crate::output::format::ReportFormat;
use crate::safety::{Intent, Operation};

/// `hac groovy`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac groovy script.groovy                    # rolled back; still code execution
  echo 'println 1+1' | hac groovy -            # from standard input
  hac --profile dev groovy fix.groovy --commit -o github --report junit=groovy.xml")]
pub struct GroovyArgs {
    /// Script file, or "-" for standard input
    pub file: Option<String>,
    /// Commit the script's database changes (default: roll back)
    #[arg(long)]
    pub commit: bool,
    /// Script language
    #[arg(long = "type", value_enum, default_value_t = ScriptLanguage::Groovy)]
    pub script_type: ScriptLanguage,
    /// Output format
    #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Also write a CI report of the run: junit=FILE (JUnit XML)
    #[arg(long, value_name = "junit=FILE", value_parser = parse_report)]
    pub report: Option<Report>,
}

/// Script languages of HAC's scripting console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScriptLanguage {
    /// Groovy
    Groovy,
    /// BeanShell
    Beanshell,
    /// JavaScript (where the server has an engine for it)
    Javascript,
}

impl GroovyArgs {
    pub fn read_input(&self, stdin_taken: bool) -> Result<Input> {
        // The report's place is checked before anything is sent.
        if let Some(Report::Junit(path)) = &self.report {
            reports::prepare_report(path)?;
        }
        Ok(Input::Text(crate::input::read_input(
            self.file.as_deref(),
            "script",
            stdin_taken,
        )?))
    }

    /// Any script, any language, with or without `--commit`: code execution.
    pub fn intent(&self) -> Intent {
        Intent::new(Operation::GroovyScript)
    }

    pub fn shape(&self) -> Shape {
        match self.format {
            ReportFormat::Json => Shape::Json,
            _ => Shape::Text,
        }
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out, input: &Input) -> Result<Exit> {
        run(
            hac,
            out,
            input.text().to_owned(),
            &super::label(self.file.as_deref()),
            self,
        )
    }
}

/// Runs `script` (read from `label`: a file name or "stdin").
fn run(
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
    // Data on stdout only when it worked; the whole result with json-result. What the
    // server answered is printed before the report is written: a report that fails then
    // cannot lose it.
    match args.format {
        ReportFormat::Json if r.is_success() => out.json(&r)?,
        ReportFormat::JsonResult => out.json(&r)?,
        ReportFormat::Json => {}
        ReportFormat::Text => {
            // What the script printed, then what it returned, apart (HAC's console shows
            // them in tabs of their own).
            let w = out.stdout();
            w.write_all(r.output.as_bytes())?;
            if !r.result.is_empty() {
                if !r.output.is_empty() {
                    if !r.output.ends_with('\n') {
                        writeln!(w)?;
                    }
                    writeln!(w, "--- result ---")?;
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
    if let Some(Report::Junit(path)) = &args.report {
        reports::write_junit(path, "groovy", label, &problems, r.elapsed)?;
    }
    if r.is_success() {
        out.note(format_args!(
            "groovy: done in {:.0} ms{}",
            r.elapsed.as_secs_f64() * 1000.0,
            if commit { " (committed)" } else { "" }
        ));
        Ok(Exit::Success)
    } else {
        if matches!(args.format, ReportFormat::Text | ReportFormat::Json) {
            out.problem(r.stacktrace.trim_end());
        }
        out.problem("hac: the Groovy script failed on the server");
        Ok(Exit::OperationFailed)
    }
}
