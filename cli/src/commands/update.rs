//! `hac update ...`: update data, pending patches, running an update, and the log, which
//! can be followed until the update finishes.

use std::io::Write;
use std::time::Instant;

use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use hac_client::{HacClient, UpdateLog, UpdateRequest};

use crate::failure::{Exit, still_running, usage};
use crate::fanout::Shape;
use crate::global::parse_duration;
use crate::output::Out;
use crate::output::format::TextFormat;
use crate::safety::{Intent, Operation};

/// `hac update ...`.
#[derive(Debug, Subcommand)]
pub enum UpdateCommand {
    /// Extensions with project data and their parameters
    #[command(after_help = "Examples:\n  hac update data\n  hac update data -o json")]
    Data {
        /// Output format
        #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Patches waiting to be applied
    #[command(after_help = "Examples:\n  hac update pending\n  hac update pending -o json")]
    Pending {
        /// Output format
        #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Run a system update (never an initialization)
    #[command(
        after_help = "Examples:\n  hac update run --current --dry-run\n  hac update run --current --follow --yes\n  hac update run --project-data --param myextension_sample=yes --yes"
    )]
    Run(UpdateRunArgs),
    /// Show the update log
    #[command(after_help = "Examples:\n  hac update log\n  hac update log --follow")]
    Log {
        /// Keep reading until the log says the update finished
        #[arg(long)]
        follow: bool,
        #[command(flatten)]
        follow_opts: FollowOpts,
        /// Output format
        #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
}

/// Options of `update run`.
#[derive(Debug, Args)]
pub struct UpdateRunArgs {
    /// Start from what HAC currently selects (parameters and required patches)
    #[arg(long)]
    pub current: bool,
    /// Do not create essential data
    #[arg(long)]
    pub no_essential_data: bool,
    /// Create project data
    #[arg(long)]
    pub project_data: bool,
    /// Do not localize types
    #[arg(long)]
    pub no_localize_types: bool,
    /// Clear the HMC configuration
    #[arg(long)]
    pub clear_hmc: bool,
    /// Drop tables (destroys data; needs --yes on every profile)
    #[arg(long)]
    pub drop_tables: bool,
    /// Project-data parameter, repeatable: NAME=VALUE[,VALUE...]
    #[arg(long = "param", value_name = "NAME=VALUES")]
    pub params: Vec<String>,
    /// Patch to apply, repeatable: CATEGORY:HASH
    #[arg(long = "patch", value_name = "CATEGORY:HASH")]
    pub patches: Vec<String>,
    /// Print the request that would be sent, and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// After starting, follow the log until the update finishes
    #[arg(long)]
    pub follow: bool,
    #[command(flatten)]
    pub follow_opts: FollowOpts,
    /// Output format
    #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

/// How the update log is followed.
#[derive(Debug, Args)]
pub struct FollowOpts {
    /// Seconds between reads of the log while following
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2s")]
    pub interval: Duration,
    /// Give up following after this long (exit code 6: the update is still running)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2h")]
    pub wait_timeout: Duration,
}

impl UpdateCommand {
    pub fn intent(&self) -> Intent {
        match self {
            UpdateCommand::Data { .. } => Intent::new(Operation::UpdateData),
            UpdateCommand::Pending { .. } => Intent::new(Operation::UpdatePending),
            UpdateCommand::Log { .. } => Intent::new(Operation::UpdateLog),
            // A dry run reads what it needs for the request and sends nothing else.
            UpdateCommand::Run(a) if a.dry_run => Intent::new(Operation::UpdateData),
            UpdateCommand::Run(a) => Intent {
                drop_tables: a.drop_tables,
                ..Intent::new(Operation::UpdateRun)
            },
        }
    }

    /// Reading update data can be labelled per target; running and following run once.
    pub fn shape(&self) -> Option<Shape> {
        let shape = |f: &TextFormat| match f {
            TextFormat::Text => Shape::Text,
            TextFormat::Json => Shape::Json,
        };
        match self {
            UpdateCommand::Data { format } | UpdateCommand::Pending { format } => {
                Some(shape(format))
            }
            _ => None,
        }
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        run(hac, out, self)
    }
}

fn run(hac: &HacClient, out: &mut Out, command: &UpdateCommand) -> Result<Exit> {
    match command {
        UpdateCommand::Data { format } => {
            let data = hac.update_data().context("reading the update data")?;
            if *format == TextFormat::Json {
                out.json(&data)?;
                return Ok(Exit::Success);
            }
            let w = out.stdout();
            if data.is_initializing {
                writeln!(w, "an update or initialization is running")?;
            }
            // Parameters are shown under the key `--param` takes: `{extension}_{name}`.
            for ext in &data.project_data {
                writeln!(w, "{}", ext.name)?;
                for p in &ext.parameters {
                    let key = format!("{}_{}", ext.name, p.name);
                    if p.is_text() {
                        let default = p.default.as_deref().unwrap_or("");
                        writeln!(w, "  {key} = {default:?} (text)")?;
                        continue;
                    }
                    let choices: Vec<String> = p
                        .values
                        .iter()
                        .map(|(v, on)| if *on { format!("[{v}]") } else { v.clone() })
                        .collect();
                    writeln!(w, "  {key} = {}", choices.join(" "))?;
                }
            }
            Ok(Exit::Success)
        }
        UpdateCommand::Pending { format } => {
            let patches = hac
                .pending_patches()
                .context("reading the pending patches")?;
            if *format == TextFormat::Json {
                out.json(&patches)?;
                return Ok(Exit::Success);
            }
            let w = out.stdout();
            for (category, list) in patches.iter() {
                for p in list {
                    let name = p.name.as_deref().unwrap_or("");
                    let required = if p.required { "required" } else { "optional" };
                    let process = p.process.as_ref().map_or("", |p| p.as_str());
                    writeln!(w, "{category}\t{}\t{required}\t{process}\t{name}", p.hash)?;
                }
            }
            out.note(format_args!("{} pending patch(es)", patches.len()));
            Ok(Exit::Success)
        }
        UpdateCommand::Run(args) => run_update(hac, out, args),
        UpdateCommand::Log {
            follow,
            follow_opts,
            format,
        } => {
            let log = if *follow {
                follow_log(hac, out, follow_opts, *format, Until::Finished)?
            } else {
                let log = hac.update_log().context("reading the update log")?;
                match format {
                    TextFormat::Json => out.json(&log)?,
                    TextFormat::Text => print_text(out, &log.text)?,
                }
                log
            };
            Ok(verdict(&log, *follow))
        }
    }
}

fn run_update(hac: &HacClient, out: &mut Out, args: &UpdateRunArgs) -> Result<Exit> {
    let mut req = if args.current {
        let data = hac.update_data().context("reading the update data")?;
        let patches = hac
            .pending_patches()
            .context("reading the pending patches")?;
        UpdateRequest::from_current(&data, &patches)
    } else {
        UpdateRequest::new()
    };
    req = req
        .create_essential_data(!args.no_essential_data)
        .create_project_data(args.project_data)
        .localize_types(!args.no_localize_types)
        .clear_hmc(args.clear_hmc)
        .drop_tables(args.drop_tables);
    for p in &args.params {
        let (name, values) = p
            .split_once('=')
            .filter(|(n, _)| !n.trim().is_empty())
            .ok_or_else(|| usage(format!("--param {p:?}: expected NAME=VALUE[,VALUE...]")))?;
        req = req.parameter(name.trim(), values.split(',').map(str::trim));
    }
    for p in &args.patches {
        let (category, hash) = p
            .split_once(':')
            .filter(|(c, h)| !c.trim().is_empty() && !h.trim().is_empty())
            .ok_or_else(|| usage(format!("--patch {p:?}: expected CATEGORY:HASH")))?;
        req = req.patch(category.trim(), hash.trim());
    }
    if args.dry_run {
        // A cached session knows the context path (taking it sends nothing); without one
        // it is only found at the first login.
        hac.is_logged_in();
        let ctx = hac.context_path().unwrap_or_else(|| {
            out.note("hac: the context path is detected at the first login; {context path} stands for it");
            "{context path}".into()
        });
        writeln!(
            out.stdout(),
            "POST {}{ctx}/platform/init/execute",
            hac.base_url()
        )?;
        writeln!(out.stdout(), "{}", req.to_json())?;
        out.note("hac: dry run: nothing was sent");
        return Ok(Exit::Success);
    }
    if args.drop_tables {
        out.problem("hac: WARNING: --drop-tables: the update drops tables");
    }
    if !args.follow {
        let outcome = hac.execute_update(&req).context("running the update")?;
        if args.format == TextFormat::Json {
            out.json(&outcome)?;
        } else {
            print_text(out, &outcome.log_text)?;
        }
        if outcome.is_success() {
            return Ok(Exit::Success);
        }
        out.problem("hac: the update failed on the server");
        return Ok(Exit::OperationFailed);
    }
    // HAC answers the update request only when the update is done: the log is followed
    // meanwhile, from this thread, while another one waits for that answer. That thread is
    // not joined when following gives up (--wait-timeout): the process ends, the server
    // goes on.
    // The log still shows the previous run until the server starts this one.
    let previous = hac.update_log().context("reading the update log")?.text;
    let running = {
        let hac = hac.clone();
        std::thread::spawn(move || hac.execute_update(&req))
    };
    let until = Until::Answered {
        answered: &|| running.is_finished(),
        previous,
    };
    let log = follow_log(hac, out, &args.follow_opts, args.format, until)?;
    let outcome = running
        .join()
        .map_err(|_| anyhow::anyhow!("the update thread failed"))?
        .context("running the update")?;
    if !outcome.is_success() {
        print_text(out, &outcome.log_text)?;
        out.problem("hac: the update failed on the server");
        return Ok(Exit::OperationFailed);
    }
    Ok(verdict(&log, true))
}

/// When following the log ends.
enum Until<'a> {
    /// When the log says the update finished.
    Finished,
    /// With the read after the update request was answered; until the log changes, it is
    /// still `previous`'s and not shown.
    Answered {
        answered: &'a dyn Fn() -> bool,
        previous: String,
    },
}

/// Reads the log until `until`, printing what is new as it arrives (text) or the final
/// log (JSON), with a progress line on stderr.
fn follow_log(
    hac: &HacClient,
    out: &mut Out,
    opts: &FollowOpts,
    format: TextFormat,
    mut until: Until,
) -> Result<UpdateLog> {
    let started = Instant::now();
    let mut printed = String::new();
    let mut last_state = None;
    loop {
        let last_read = match &until {
            Until::Finished => false,
            Until::Answered { answered, .. } => answered(),
        };
        let log = hac.update_log().context("reading the update log")?;
        let stale = match &mut until {
            Until::Answered { previous, .. } if *previous == log.text && !last_read => true,
            Until::Answered { previous, .. } => {
                previous.clear();
                false
            }
            Until::Finished => false,
        };
        let ends = match until {
            Until::Finished => log.finished,
            Until::Answered { .. } => last_read,
        };
        if format == TextFormat::Text && !stale {
            // While it runs, only complete lines; the rest once it has finished.
            let shown = if ends {
                log.text.as_str()
            } else {
                &log.text[..log.text.rfind('\n').map_or(0, |i| i + 1)]
            };
            let new = unseen(&printed, shown);
            if !new.is_empty() {
                out.clear_progress();
                out.stdout().write_all(new.as_bytes())?;
                out.stdout().flush()?;
                printed = shown.to_owned();
            }
        }
        let state = if log.finished { "finished" } else { "running" };
        let elapsed = started.elapsed().as_secs();
        if ends {
            out.clear_progress();
            if format == TextFormat::Json {
                out.json(&log)?;
            } else if !printed.is_empty() && !printed.ends_with('\n') {
                writeln!(out.stdout())?;
            }
            out.note(format_args!(
                "update: finished after {elapsed} s{}",
                if log.has_errors { ", with errors" } else { "" }
            ));
            return Ok(log);
        }
        // On a terminal the line ticks every read; in a log file only changes are written.
        if last_state != Some(state) || std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            out.progress(&format!(
                "update: running, {elapsed} s, {} log lines",
                log.text.lines().count()
            ));
            last_state = Some(state);
        }
        if started.elapsed() + opts.interval > opts.wait_timeout {
            out.clear_progress();
            return Err(still_running(format!(
                "gave up following after {} s (--wait-timeout): the update is still running \
                 on the server; follow it again with `hac update log --follow`",
                opts.wait_timeout.as_secs()
            )));
        }
        std::thread::sleep(opts.interval);
    }
}

/// The part of `now` not yet printed. The log grows at the end, but its last line may be
/// rewritten while it runs ("data for core…" becomes "data for core"), so whole lines are
/// compared: everything from the first line that differs is new. A log replaced by a new
/// run shares no lines and is printed whole.
fn unseen<'a>(printed: &str, now: &'a str) -> &'a str {
    let mut offset = 0;
    let mut old = printed.split_inclusive('\n');
    for line in now.split_inclusive('\n') {
        // A line counts as seen only when it was printed complete, newline included.
        if old.next() != Some(line) || !line.ends_with('\n') {
            break;
        }
        offset += line.len();
    }
    &now[offset..]
}

fn print_text(out: &mut Out, text: &str) -> Result<()> {
    let w = out.stdout();
    w.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        writeln!(w)?;
    }
    Ok(())
}

/// A finished log with errors fails the command; a log read once without `--follow` only
/// fails if it already reports errors.
fn verdict(log: &UpdateLog, followed: bool) -> Exit {
    if log.has_errors && (followed || log.finished) {
        crate::output::stderr_line("hac: the update log reports errors");
        Exit::OperationFailed
    } else {
        Exit::Success
    }
}

#[cfg(test)]
mod tests {
    use super::unseen;

    #[test]
    fn only_new_lines_are_printed() {
        assert_eq!(unseen("", "a\nb\n"), "a\nb\n");
        assert_eq!(unseen("a\nb\n", "a\nb\nc\n"), "c\n");
        assert_eq!(unseen("a\nb\n", "a\nb\n"), "");
        // The last line was rewritten: it is printed again, nothing before it.
        assert_eq!(unseen("a\nb…\n", "a\nb\nc\n"), "b\nc\n");
        // A new run.
        assert_eq!(unseen("x\ny\n", "a\n"), "a\n");
    }
}
