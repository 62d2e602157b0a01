//! `hac cronjobs` and `hac cronjobs abort`.

use std::io::Write;

use anyhow::{Context, Result};
use hac_client::HacClient;

use crate::args::{CronjobsArgs, CronjobsCommand, TextFormat};
use crate::failure::Exit;
use crate::output::Out;

pub fn run(hac: &HacClient, out: &mut Out, args: &CronjobsArgs) -> Result<Exit> {
    match args.command {
        None => {
            let jobs = hac.cron_jobs().context("reading the running cron jobs")?;
            if args.format == TextFormat::Json {
                out.json(&jobs)?;
                return Ok(Exit::Success);
            }
            if jobs.is_empty() {
                out.note("hac: no cron job is running");
            }
            let width = jobs
                .iter()
                .map(|j| j.cron_job_code.len())
                .max()
                .unwrap_or(0);
            let jwidth = jobs.iter().map(|j| j.job_code.len()).max().unwrap_or(0);
            let w = out.stdout();
            for j in &jobs {
                writeln!(
                    w,
                    "{:width$}  {:jwidth$}  {}",
                    j.cron_job_code, j.job_code, j.progress
                )?;
            }
            Ok(Exit::Success)
        }
        Some(CronjobsCommand::Abort) => {
            let answers = hac.abort_cron_jobs().context("aborting the cron jobs")?;
            if args.format == TextFormat::Json {
                out.json(&answers)?;
            } else {
                let w = out.stdout();
                for (code, accepted) in &answers {
                    let what = if *accepted {
                        "abort requested"
                    } else {
                        "not abortable (still running)"
                    };
                    writeln!(w, "{code}: {what}")?;
                }
            }
            if answers.is_empty() {
                out.note("hac: no cron job was running");
            }
            if answers.values().any(|a| !a) {
                out.problem("hac: some cron jobs are not abortable and keep running");
                return Ok(Exit::OperationFailed);
            }
            Ok(Exit::Success)
        }
    }
}
