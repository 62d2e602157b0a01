//! `hac impex import|validate`: send ImpEx, print HAC's verdict and its problem lines.

use std::io::Write;
use std::time::Instant;

use anyhow::{Context, Result};
use hac_client::{HacClient, ImpexImport, ImpexResult, ImpexUpload, ValidationMode};

use crate::args::{ImpexArgs, Report, ReportFormat, Validation};
use crate::failure::Exit;
use crate::output::Out;
use crate::reports;

/// Imports (or with `validate_only`, validates) `import`, read from `label`.
pub fn run(
    hac: &HacClient,
    out: &mut Out,
    args: &ImpexArgs,
    import: ImpexImport,
    label: &str,
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
    let started = Instant::now();
    let r: ImpexResult = if validate_only {
        hac.validate_impex(import).context("validating the ImpEx")?
    } else {
        hac.import_impex(import).context("importing the ImpEx")?
    };
    let problems = reports::impex_problems(&r);
    if let Some(Report::Junit(path)) = &args.report {
        let suite = if validate_only {
            "impex validate"
        } else {
            "impex import"
        };
        reports::write_junit(path, suite, label, &problems, started.elapsed())?;
    }
    match args.format {
        ReportFormat::Json => out.json(&r)?,
        ReportFormat::Github => {
            if r.success {
                out.stdout()
                    .write_all(reports::github_quoted(&r.summary).as_bytes())?;
            }
            out.stdout()
                .write_all(reports::github_annotations(label, &problems).as_bytes())?;
        }
        ReportFormat::Text if r.success => writeln!(out.stdout(), "{}", r.summary)?,
        ReportFormat::Text => {}
    }
    if r.success {
        return Ok(Exit::Success);
    }
    if args.format == ReportFormat::Text {
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

/// `hac impex export SCRIPT -o DIR`: runs the export, downloads the data zip HAC links to
/// (a media URL on the server's origin) and unpacks it into DIR.
pub fn export(
    hac: &HacClient,
    out: &mut Out,
    args: &crate::args::ExportArgs,
    script: &str,
) -> Result<Exit> {
    use crate::args::ExportValidation as V;
    use hac_client::ImpexExportMode as M;
    let mode = match args.validation {
        V::ExportOnly => M::ExportOnly,
        V::ReimportRelaxed => M::ReimportRelaxed,
        V::ReimportStrict => M::ReimportStrict,
    };
    let export = hac
        .export_impex(script, mode)
        .context("running the export")?;
    if !export.success {
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
