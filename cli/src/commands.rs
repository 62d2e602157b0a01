//! Groovy, FlexibleSearch and ImpEx: read the input, call the library, print the result.
//! Each returns the exit code; errors the library reports are returned as errors.

use std::io::{Read, Write};

use anyhow::{Context, Result};
use hac_client::{
    FlexibleSearch, GroovyScript, HacClient, ImpexImport, ImpexResult, ImpexUpload, RowLimit,
    ScriptType, ValidationMode,
};

use crate::args::{
    DEFAULT_MAX, FlexsearchArgs, GroovyArgs, ImpexArgs, MaxRows, ScriptLanguage, TableFormat,
    TextFormat, Validation,
};
use crate::failure::{Exit, usage};
use crate::output::{self, Out};

/// Reads a script: from FILE, or from standard input for `-` or no FILE. An empty script
/// is a usage error; HAC would only answer it with an unhelpful message.
pub fn read_input(file: Option<&str>, what: &str, stdin_taken: bool) -> Result<String> {
    let (text, source) = match file {
        None | Some("-") => {
            if stdin_taken {
                return Err(usage(format!(
                    "the {what} and --password-stdin cannot both come from standard input"
                )));
            }
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| usage(format!("reading the {what} from standard input: {e}")))?;
            (text, "standard input".to_owned())
        }
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| usage(format!("cannot read {what} file {path}: {e}")))?;
            (text, path.to_owned())
        }
    };
    if text.trim().is_empty() {
        return Err(usage(format!("the {what} from {source} is empty")));
    }
    Ok(text)
}

/// The ImpEx to import: a file is streamed from disk when it is sent (never read whole
/// into memory); standard input is read first.
pub fn impex_input(file: Option<&str>, stdin_taken: bool) -> Result<ImpexImport> {
    match file {
        None | Some("-") => Ok(ImpexImport::new(read_input(None, "ImpEx", stdin_taken)?)),
        Some(path) => {
            let meta = std::fs::metadata(path)
                .and_then(|m| std::fs::File::open(path).map(|_| m))
                .map_err(|e| usage(format!("cannot read ImpEx file {path}: {e}")))?;
            if !meta.is_file() {
                return Err(usage(format!("ImpEx file {path} is not a file")));
            }
            if meta.len() == 0 {
                return Err(usage(format!("the ImpEx from {path} is empty")));
            }
            Ok(ImpexImport::from_file(path))
        }
    }
}

pub fn groovy(hac: &HacClient, out: &mut Out, script: String, args: &GroovyArgs) -> Result<Exit> {
    let (commit, format) = (args.commit, args.format);
    let script = GroovyScript::new(script)
        .commit(commit)
        .script_type(match args.script_type {
            ScriptLanguage::Groovy => ScriptType::Groovy,
            ScriptLanguage::Beanshell => ScriptType::Beanshell,
            ScriptLanguage::Javascript => ScriptType::Javascript,
        });
    let r = hac.execute_groovy(script).context("running the script")?;
    match format {
        TextFormat::Json => out.json(&r)?,
        TextFormat::Text => {
            let w = out.stdout();
            w.write_all(r.output.as_bytes())?;
            if !r.result.is_empty() {
                if !r.output.is_empty() && !r.output.ends_with('\n') {
                    writeln!(w)?;
                }
                writeln!(w, "{}", r.result)?;
            }
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
        if format == TextFormat::Text {
            out.problem(r.stacktrace.trim_end());
        }
        out.problem("hac: the Groovy script failed on the server");
        Ok(Exit::OperationFailed)
    }
}

pub fn flexsearch(
    hac: &HacClient,
    out: &mut Out,
    args: &FlexsearchArgs,
    query: &str,
) -> Result<Exit> {
    let limit = match (args.all, args.max.unwrap_or(DEFAULT_MAX)) {
        (true, _) | (_, MaxRows::All) => RowLimit::Unlimited,
        (false, MaxRows::Rows(n)) => RowLimit::Rows(n),
    };
    let mut q = if args.sql {
        FlexibleSearch::sql(query)
    } else {
        FlexibleSearch::new(query)
    }
    .max_count(limit)
    .commit(args.commit);
    if let Some(l) = &args.locale {
        q = q.locale(l.clone());
    }
    if let Some(u) = &args.as_user {
        q = q.user(u.clone());
    }
    if let Some(d) = &args.data_source {
        q = q.data_source(d.clone());
    }
    let r = hac.flexible_search(q).context("running the query")?;
    if let Some(exception) = &r.exception {
        if args.format == TableFormat::Json {
            out.json(&r)?;
        }
        out.problem(format_args!(
            "hac: the query failed on the server: {exception}"
        ));
        return Ok(Exit::OperationFailed);
    }
    match args.format {
        TableFormat::Table => output::write_table(out.stdout(), &r)?,
        TableFormat::Csv => output::write_csv(out.stdout(), &r)?,
        TableFormat::Json => out.json(&r)?,
        TableFormat::Jsonl => {
            if output::write_jsonl(out.stdout(), &r)? {
                out.note(format_args!(
                    "hac: columns with the same name were renamed for JSON: {}",
                    r.unique_headers().0.join(", ")
                ));
            }
        }
    }
    let more = if r.count > r.len() as u64 {
        format!(" of {}", r.count)
    } else {
        String::new()
    };
    out.note(format_args!(
        "{} row{}{more} in {:.0} ms",
        r.len(),
        if r.len() == 1 { "" } else { "s" },
        r.execution_time.as_secs_f64() * 1000.0
    ));
    if r.is_truncated() {
        let warning = format_args!(
            "hac: warning: the result stops at the limit of {} rows; more rows may match \
             (raise it with --max N, or lift it with --all)",
            r.len()
        );
        // A limit the user did not choose is shown even with --quiet: a script must not
        // take 200 rows for the whole table unawares.
        if args.max.is_none() && !args.all {
            out.problem(warning);
        } else {
            out.note(warning);
        }
    }
    Ok(Exit::Success)
}

pub fn impex(
    hac: &HacClient,
    out: &mut Out,
    args: &ImpexArgs,
    import: ImpexImport,
    validate_only: bool,
) -> Result<Exit> {
    let mut import = import
        .validation(match args.validation {
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
    let r: ImpexResult = if validate_only {
        hac.validate_impex(import).context("validating the ImpEx")?
    } else {
        hac.import_impex(import).context("importing the ImpEx")?
    };
    match args.format {
        TextFormat::Json => out.json(&r)?,
        TextFormat::Text if r.success => writeln!(out.stdout(), "{}", r.summary)?,
        TextFormat::Text => {}
    }
    if r.success {
        return Ok(Exit::Success);
    }
    if args.format == TextFormat::Text {
        out.problem(&r.summary);
        for line in &r.lines {
            out.problem(&line.raw);
        }
    }
    out.problem(if validate_only {
        "hac: the ImpEx did not validate"
    } else {
        "hac: the ImpEx import failed on the server"
    });
    Ok(Exit::OperationFailed)
}
