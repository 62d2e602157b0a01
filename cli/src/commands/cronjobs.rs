//! `hac cronjobs` and `hac cronjobs abort`.

use std::io::Write;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use hac_client::HacClient;

use crate::failure::Exit;
use crate::fanout::Shape;
use crate::output::Out;
use crate::output::format::TextFormat;
use crate::safety::{Intent, Operation};

/// `hac cronjobs`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  hac cronjobs\n  hac cronjobs -o json\n  hac cronjobs abort --yes"
)]
pub struct CronjobsArgs {
    #[command(subcommand)]
    pub command: Option<CronjobsCommand>,
    /// Output format
    #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = TextFormat::Text, global = true)]
    pub format: TextFormat,
}

/// `hac cronjobs ...`.
#[derive(Debug, Subcommand)]
pub enum CronjobsCommand {
    /// Request an abort of EVERY running cron job (HAC has no per-job abort); needs
    /// --yes or a typed confirmation
    #[command(
        after_help = "Examples:\n  hac cronjobs abort\n  hac --profile staging cronjobs abort --yes"
    )]
    Abort,
}

impl CronjobsArgs {
    pub fn intent(&self) -> Intent {
        Intent::new(match self.command {
            Some(CronjobsCommand::Abort) => Operation::CronjobsAbort,
            None => Operation::CronjobsList,
        })
    }

    /// Listing can be labelled per target; an abort runs once per server.
    pub fn shape(&self) -> Option<Shape> {
        match (self.command.is_none(), self.format) {
            (true, TextFormat::Text) => Some(Shape::Text),
            (true, TextFormat::Json) => Some(Shape::Json),
            (false, _) => None,
        }
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        run(hac, out, self)
    }
}

fn run(hac: &HacClient, out: &mut Out, args: &CronjobsArgs) -> Result<Exit> {
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
