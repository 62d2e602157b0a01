//! `hac impex import|validate|export`: send ImpEx (one file or several, in order), print
//! HAC's verdict and its problem lines; run an export and unpack what it produced.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use hac_client::{HacClient, ImpexImport, ImpexResult, ImpexUpload, ValidationMode};
use serde::Serialize;

use super::Input;
use crate::failure::{Exit, usage};
use crate::global::parse_size;
use crate::output::Out;
use crate::output::ci::{self, CaseOutcome, Report, parse_report};
use crate::output::format::ReportFormat;
use crate::safety::{Intent, Operation};

/// `hac impex ...`.
#[derive(Debug, Subcommand)]
pub enum ImpexCommand {
    /// Import ImpEx: one file, or several in the order given (standard input for "-" or
    /// no file)
    #[command(after_help = "Examples:
  hac impex import data.impex --validation relaxed --threads 4
  hac impex import 01-base.impex 02-products.impex --validate-first --report junit=impex.xml
  hac impex import *.impex --keep-going -o github")]
    Import(ImpexArgs),
    /// Validate ImpEx without importing it (one file or several)
    #[command(after_help = "Examples:
  hac impex validate data.impex
  hac impex validate *.impex -o github --report junit=impex.xml")]
    Validate(ImpexArgs),
    /// Export data with an export script and unpack the result into a directory
    #[command(after_help = "Examples:
  hac impex export export.impex -o out/
  hac impex export - -o out/ --max-unpacked 4G < export.impex")]
    Export(ExportArgs),
}

/// Options of `impex import` and `impex validate`.
#[derive(Debug, Args)]
pub struct ImpexArgs {
    /// ImpEx files, in order; "-" (once) or none for standard input
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
    /// Validation mode
    #[arg(long, value_enum, default_value_t = Validation::Strict)]
    pub validation: Validation,
    /// Legacy (Jalo) mode
    #[arg(long)]
    pub legacy: bool,
    /// Run BeanShell/Groovy code in the ImpEx (code execution, guarded as such)
    #[arg(long)]
    pub code_execution: bool,
    /// Distributed mode
    #[arg(long)]
    pub distributed: bool,
    /// Direct persistence (HAC's "sldEnabled")
    #[arg(long)]
    pub direct_persistence: bool,
    /// Send the script as a file upload even when the form would do (scripts over HAC's
    /// 6 MiB form limit, or with text HAC's XSS filter strips, always go that way)
    #[arg(long)]
    pub upload: bool,
    /// Worker threads on the server
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
    /// With several files: go on after a file fails (the default stops at the first)
    #[arg(long)]
    pub keep_going: bool,
    /// With import: validate every file first and import none unless all are valid
    #[arg(long)]
    pub validate_first: bool,
    /// Output format
    #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Also write a CI report of the run: junit=FILE (JUnit XML, a test case per file);
    /// its directory is created, and checked before anything is sent
    #[arg(long, value_name = "junit=FILE", value_parser = parse_report)]
    pub report: Option<Report>,
}

/// ImpEx validation mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Validation {
    /// Strict
    Strict,
    /// Relaxed
    Relaxed,
}

/// `hac impex export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export script file, or "-" for standard input
    pub file: Option<String>,
    /// Directory to unpack the exported files into (created if missing)
    #[arg(short = 'o', long, value_name = "DIR")]
    pub output: PathBuf,
    /// Validation of the exported data
    #[arg(long, value_enum, default_value_t = ExportValidation::ExportOnly)]
    pub validation: ExportValidation,
    /// The most the export may unpack to, in all (and no file over 1 MiB above 200 times
    /// its compressed size, which only a zip bomb reaches): 1G, 500M
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1G")]
    pub max_unpacked: u64,
}

/// Export validation modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportValidation {
    /// Export only
    ExportOnly,
    /// Check the export can be re-imported, relaxed
    ReimportRelaxed,
    /// Check the export can be re-imported, strict
    ReimportStrict,
}

impl ImpexCommand {
    /// Standard input is read before connecting (a script given as "-"); files are
    /// checked now and streamed from disk when sent.
    pub fn read_input(&self, stdin_taken: bool) -> Result<Input> {
        match self {
            ImpexCommand::Export(a) => Ok(Input::Text(crate::input::read_input(
                a.file.as_deref(),
                "export script",
                stdin_taken,
            )?)),
            ImpexCommand::Import(a) | ImpexCommand::Validate(a) => {
                let stdin = a.files.is_empty() || a.files.iter().any(|f| f == "-");
                if a.files.iter().filter(|f| *f == "-").count() > 1 {
                    return Err(usage("standard input (\"-\") can be given once"));
                }
                for f in a.files.iter().filter(|f| *f != "-") {
                    crate::input::check_file(f, "ImpEx")?;
                }
                if let Some(Report::Junit(path)) = &a.report {
                    ci::prepare_report(path)?;
                }
                Ok(if stdin {
                    Input::Text(crate::input::read_input(None, "ImpEx", stdin_taken)?)
                } else {
                    Input::None
                })
            }
        }
    }

    pub fn intent(&self, input: &Input) -> Intent {
        match self {
            ImpexCommand::Import(a) => Intent::new(if a.code_execution {
                Operation::ImpexImportWithCode
            } else {
                Operation::ImpexImport
            }),
            ImpexCommand::Validate(a) => Intent::new(if a.code_execution {
                Operation::ImpexValidateWithCode
            } else {
                Operation::ImpexValidate
            }),
            ImpexCommand::Export(_) => {
                match crate::safety::impex::first_code_marker(input.text()) {
                    Some(line) => Intent::with_detail(
                        Operation::ImpexExportWithCode,
                        format!(
                            "its script has BeanShell/Groovy on line {line}, which the export runs"
                        ),
                    ),
                    None => Intent::new(Operation::ImpexExportResult),
                }
            }
        }
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out, input: &Input) -> Result<Exit> {
        match self {
            ImpexCommand::Import(a) => run_files(hac, out, a, input, false),
            ImpexCommand::Validate(a) => run_files(hac, out, a, input, true),
            ImpexCommand::Export(a) => export(hac, out, a, input.text()),
        }
    }
}

/// One file of the run: where it comes from, and what happened to it.
struct Run {
    label: String,
    source: Option<String>,
    result: Option<ImpexResult>,
    elapsed: Duration,
}

/// A result in JSON with the file it is for (several files: an array of these).
#[derive(Serialize)]
struct Labelled<'a> {
    file: &'a str,
    #[serde(flatten)]
    result: &'a ImpexResult,
}

/// Imports (or with `validate_only`, validates) each file in order; stops at the first
/// that fails unless `--keep-going`; with `--validate-first`, validates all before
/// importing any. One report for the run, a test case per file.
fn run_files(
    hac: &HacClient,
    out: &mut Out,
    args: &ImpexArgs,
    input: &Input,
    validate_only: bool,
) -> Result<Exit> {
    let sources: Vec<Option<String>> = if args.files.is_empty() {
        vec![None]
    } else {
        args.files
            .iter()
            .map(|f| (f != "-").then(|| f.clone()))
            .collect()
    };
    let make = |source: &Option<String>| -> ImpexImport {
        let import = match source {
            Some(path) => ImpexImport::from_file(path),
            None => ImpexImport::new(input.text().to_owned()),
        };
        options(import, args)
    };
    let mut runs: Vec<Run> = sources
        .iter()
        .map(|s| Run {
            label: super::label(s.as_deref()),
            source: s.clone(),
            result: None,
            elapsed: Duration::ZERO,
        })
        .collect();
    let several = runs.len() > 1;
    let mut failed = false;
    if args.validate_first && !validate_only {
        let mut checks: Vec<Run> = Vec::new();
        for r in &runs {
            let started = Instant::now();
            let result = hac
                .validate_impex(make(&r.source))
                .with_context(|| format!("validating {}", r.label))?;
            failed |= !result.is_success();
            checks.push(Run {
                label: r.label.clone(),
                source: r.source.clone(),
                result: Some(result),
                elapsed: started.elapsed(),
            });
        }
        if failed {
            out.problem("hac: --validate-first: a file did not validate, nothing was imported");
            return finish(out, args, &checks, true, several);
        }
    }
    for i in 0..runs.len() {
        if failed && !args.keep_going {
            break;
        }
        let started = Instant::now();
        let source = runs[i].source.clone();
        let label = runs[i].label.clone();
        let result = if validate_only {
            hac.validate_impex(make(&source))
                .with_context(|| format!("validating {label}"))
        } else {
            hac.import_impex(make(&source))
                .with_context(|| format!("importing {label}"))
        };
        let result = match result {
            Ok(result) => result,
            // What ran before is printed and reported, and this file's failure joins the
            // report as its failed case (hac's own CI report of the error, which knows no
            // files, is then not written over it).
            Err(e) => {
                runs[i].elapsed = started.elapsed();
                let class = crate::failure::exit_for(&e).class();
                let message = crate::failure::one_line(&e);
                let _ = print_outcomes(out, args, &runs, several);
                if args.format == ReportFormat::Github {
                    let _ = out
                        .stdout()
                        .write_all(ci::github_failure(Some(&label), class, &message).as_bytes());
                }
                let _ = write_report(args, &runs, validate_only, Some((i, class, &message)));
                ci::mark_reported();
                return Err(e);
            }
        };
        runs[i].elapsed = started.elapsed();
        failed |= !result.is_success();
        runs[i].result = Some(result);
    }
    finish(out, args, &runs, validate_only, several)
}

fn options(import: ImpexImport, args: &ImpexArgs) -> ImpexImport {
    let mut import = import
        .validation_mode(match args.validation {
            Validation::Strict => ValidationMode::Strict,
            Validation::Relaxed => ValidationMode::Relaxed,
        })
        .legacy_mode(args.legacy)
        .enable_code_execution(args.code_execution)
        .distributed_mode(args.distributed)
        .direct_persistence(args.direct_persistence);
    if args.upload {
        import = import.upload(ImpexUpload::Always);
    }
    if let Some(n) = args.threads {
        import = import.max_threads(n);
    }
    import
}

/// The JUnit report of the files so far; `failed`: the file whose request failed (its
/// index, the class of failure and the message), a failed case of its own.
fn write_report(
    args: &ImpexArgs,
    runs: &[Run],
    validate_only: bool,
    failed: Option<(usize, &str, &str)>,
) -> Result<()> {
    let Some(Report::Junit(path)) = &args.report else {
        return Ok(());
    };
    let suite = if validate_only {
        "impex validate"
    } else {
        "impex import"
    };
    let cases: Vec<CaseOutcome> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| CaseOutcome {
            // The failed file's case names the class of failure, as a run's failure does.
            name: match failed {
                Some((at, class, _)) if at == i => format!("{} ({class})", r.label),
                _ => r.label.clone(),
            },
            problems: match failed {
                Some((at, class, message)) if at == i => Some(vec![ci::Problem {
                    line: None,
                    message: format!("{class}: {message}"),
                }]),
                _ => r.result.as_ref().map(ci::impex_problems),
            },
            elapsed: r.elapsed,
        })
        .collect();
    ci::write_junit_cases(path, suite, &cases)
}

/// Prints every file's outcome that came back: data on stdout when every file succeeded
/// (or for `json-result`, `github` and text), failures on stderr.
fn print_outcomes(out: &mut Out, args: &ImpexArgs, runs: &[Run], several: bool) -> Result<()> {
    let done: Vec<&Run> = runs.iter().filter(|r| r.result.is_some()).collect();
    let all_ok = done.len() == runs.len()
        && done
            .iter()
            .all(|r| r.result.as_ref().is_some_and(|x| x.is_success()));
    match args.format {
        ReportFormat::Json | ReportFormat::JsonResult
            if all_ok || args.format == ReportFormat::JsonResult =>
        {
            if several {
                let items: Vec<Labelled> = done
                    .iter()
                    .filter_map(|r| {
                        Some(Labelled {
                            file: &r.label,
                            result: r.result.as_ref()?,
                        })
                    })
                    .collect();
                out.json(&items)?;
            } else if let Some(r) = done.first().and_then(|r| r.result.as_ref()) {
                out.json(r)?;
            }
        }
        ReportFormat::Json | ReportFormat::JsonResult => {}
        ReportFormat::Github => {
            for r in &done {
                let Some(result) = &r.result else { continue };
                if result.is_success() {
                    out.stdout()
                        .write_all(ci::github_quoted(&result.summary).as_bytes())?;
                }
                out.stdout().write_all(
                    ci::github_annotations(&r.label, &ci::impex_problems(result)).as_bytes(),
                )?;
            }
        }
        ReportFormat::Text => {
            for r in &done {
                let Some(result) = &r.result else { continue };
                if result.is_success() {
                    if several {
                        writeln!(out.stdout(), "{}: {}", r.label, result.summary)?;
                    } else {
                        writeln!(out.stdout(), "{}", result.summary)?;
                    }
                }
            }
        }
    }
    if matches!(args.format, ReportFormat::Text | ReportFormat::Json) {
        for r in &done {
            let Some(result) = r.result.as_ref().filter(|x| !x.is_success()) else {
                continue;
            };
            let prefix = if several {
                format!("{}: ", r.label)
            } else {
                String::new()
            };
            out.problem(format_args!("{prefix}{}", result.summary));
            for line in &result.lines {
                out.problem(format_args!("{prefix}{}", line.raw));
            }
        }
    }
    Ok(())
}

/// Prints every file's outcome (the server's answers are never lost), then writes the
/// report, then says how the run went.
fn finish(
    out: &mut Out,
    args: &ImpexArgs,
    runs: &[Run],
    validate_only: bool,
    several: bool,
) -> Result<Exit> {
    let done: Vec<&Run> = runs.iter().filter(|r| r.result.is_some()).collect();
    let all_ok = done.len() == runs.len()
        && done
            .iter()
            .all(|r| r.result.as_ref().is_some_and(|x| x.is_success()));
    print_outcomes(out, args, runs, several)?;
    let skipped = runs.len() - done.len();
    if skipped > 0 {
        out.problem(format_args!(
            "hac: {skipped} file(s) not sent after the first failure (--keep-going goes on)"
        ));
    }
    write_report(args, runs, validate_only, None)?;
    if all_ok {
        return Ok(Exit::Success);
    }
    out.problem(if validate_only {
        "hac: the ImpEx did not validate"
    } else {
        "hac: the ImpEx import failed on the server"
    });
    Ok(Exit::OperationFailed)
}

/// `hac impex export SCRIPT -o DIR`: runs the export, downloads the data zip HAC links to
/// (a media URL on the server's origin) and unpacks it into DIR.
fn export(hac: &HacClient, out: &mut Out, args: &ExportArgs, script: &str) -> Result<Exit> {
    use ExportValidation as V;
    use hac_client::ImpexExportMode as M;
    let mode = match args.validation {
        V::ExportOnly => M::ExportOnly,
        V::ReimportRelaxed => M::ReimportRelaxed,
        V::ReimportStrict => M::ReimportStrict,
    };
    crate::output::destination::prepare_dir(
        &args.output,
        &format!("-o {}", args.output.display()),
    )?;
    let export = hac
        .export_impex(hac_client::ImpexExport::new(script).mode(mode))
        .context("running the export")?;
    if !export.is_success() {
        out.problem(format_args!("hac: {}", export.summary));
        out.problem("hac: the export failed on the server (HAC gives no details: see the server's console log)");
        return Ok(Exit::OperationFailed);
    }
    let Some(href) = export.data_url.as_deref() else {
        out.problem("hac: the export finished but HAC linked no data file");
        return Ok(Exit::OperationFailed);
    };
    let zip = hac.download(href).context("downloading the export")?;
    let limits = hac_client::ZipLimits::default()
        .max_total_bytes(args.max_unpacked)
        .max_entry_bytes(args.max_unpacked);
    let files = hac_client::unpack_zip_within(&zip, &args.output, &limits)
        .context("unpacking the export (--max-unpacked)")?;
    let w = out.stdout();
    for f in &files {
        writeln!(w, "{}", f.display())?;
    }
    out.note(format_args!(
        "hac: {} ({} files, {} bytes zipped) unpacked into {}",
        export.data_name.as_deref().unwrap_or("the export"),
        files.len(),
        zip.len(),
        args.output.display()
    ));
    Ok(Exit::Success)
}
