//! Peak memory of a large FlexibleSearch result, relative to the size of its JSON body.
//!
//! ```text
//! cargo run --release --example parse_memory [rows]     # default 100000 rows x 5 columns
//! ```
//!
//! The fake HAC runs in a child process (this example started again with `--serve`), so
//! that only the client's memory is in this process. Around one `flexible_search` call the
//! example resets the kernel's peak-RSS mark (`/proc/self/clear_refs`) and reads the peak
//! afterwards (`VmHWM`); the difference to the RSS before the call is what the call needed
//! at its worst: the body as received, the parse, and the result. Linux only.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use hac_client::{BasicCredentials, FlexibleSearch, HacClient, HacConfig};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let first = args.next();
    if first.as_deref() == Some("--serve") {
        let rows: usize = args.next().context("rows")?.parse()?;
        return serve(rows);
    }
    let rows: usize = first.map(|a| a.parse()).transpose()?.unwrap_or(100_000);

    let mut child = Command::new(std::env::current_exe()?)
        .args(["--serve", &rows.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().context("stdout")?).lines();
    let url = lines.next().context("child URL")??;
    let body_len: u64 = lines.next().context("child body size")??.parse()?;

    let hac = HacClient::new(
        HacConfig::builder(url)
            .credentials(BasicCredentials::new(hac_fake::ADMIN.0, hac_fake::ADMIN.1))
            .context_path("")
            .session_persistence(false)
            .build()?,
    )?;
    hac.login()?;

    let before = status_kb("VmRSS")?;
    reset_peak()?;
    let result = hac
        .flexible_search(FlexibleSearch::new("SELECT {pk} FROM {Product}").max_rows(rows as u32))?;
    let peak = status_kb("VmHWM")?;
    let after = status_kb("VmRSS")?;
    if result.len() != rows {
        bail!("expected {rows} rows, got {}", result.len());
    }

    let mb = |kb: u64| kb as f64 / 1024.0;
    let body_kb = body_len / 1024;
    println!(
        "rows:                 {rows} x {} columns",
        result.headers.len()
    );
    println!("JSON body:            {:.1} MiB", mb(body_kb));
    println!(
        "peak during the call: {:.1} MiB = {:.2}x the body   (target: under 3x)",
        mb(peak.saturating_sub(before)),
        peak.saturating_sub(before) as f64 / body_kb as f64
    );
    println!(
        "held by the result:   {:.1} MiB = {:.2}x the body",
        mb(after.saturating_sub(before)),
        after.saturating_sub(before) as f64 / body_kb as f64
    );
    drop(result);
    drop(child.stdin.take());
    child.wait()?;
    Ok(())
}

/// The child: a fake HAC whose next FlexibleSearch answer is the generated body.
fn serve(rows: usize) -> Result<()> {
    let fake = hac_fake::FakeHac::start();
    let body = hac_fake::flexsearch_body(rows);
    let len = body.len();
    fake.push_override(
        "/console/flexsearch/execute",
        hac_fake::Response::json(body),
    );
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", fake.url())?;
    writeln!(out, "{len}")?;
    out.flush()?;
    drop(out);
    // Serve until the parent closes our stdin.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    Ok(())
}

fn status_kb(field: &str) -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status").context("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("{field} in /proc/self/status"))
}

/// Resets VmHWM to the current RSS (Linux 4.0+).
fn reset_peak() -> Result<()> {
    std::fs::write("/proc/self/clear_refs", "5").context("resetting the peak RSS mark")
}
