//! `hac flexsearch --format table` must not hold much more memory than `--format csv`
//! (it held about three times as much: every cell copied to size the columns).
//!
//! The peak of the `hac` process is read from `/proc/PID/status` (`VmHWM`) once its output
//! has begun: the result is parsed and the column widths computed by then, and the process
//! stays alive, blocked on the full pipe, until the test drains it. Linux only.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::process::{Child, ChildStdout, Command, Stdio};

use hac_fake::FakeHac;

const ROWS: &str = "100000";

/// The peak resident memory of process `pid` so far, in KiB (`VmHWM`).
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// `hac` for `fake` with a clean environment and its own session cache.
fn hac(fake: &FakeHac, cache: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hac"));
    c.env_clear()
        .env("HAC_URL", fake.url())
        .env("HAC_PASSWORD", hac_fake::ADMIN.1)
        .env("HAC_CACHE_DIR", cache);
    c
}

/// Starts `cmd` with nothing on stdin and its stderr dropped; its stdout is for the caller
/// to drain.
fn spawn_reading(cmd: &mut Command) -> (Child, ChildStdout) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn hac");
    let out = child.stdout.take().unwrap();
    (child, out)
}

/// Peak resident memory of `hac flexsearch --format FORMAT` in KiB, and its output size.
fn peak_kib(fake: &FakeHac, cache: &std::path::Path, format: &str) -> (u64, usize) {
    let (mut child, mut out) = spawn_reading(hac(fake, cache).args([
        "flexsearch",
        "SELECT {pk}, {code} FROM {Generated}",
        "--max",
        ROWS,
        "--format",
        format,
    ]));
    let mut first = [0u8; 1];
    out.read_exact(&mut first).expect("output begins");
    let peak = vm_hwm_kib(child.id()).expect("VmHWM");
    let mut rest = Vec::new();
    out.read_to_end(&mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "hac --format {format}");
    (peak, rest.len() + 1)
}

#[test]
fn a_table_costs_about_what_csv_costs() {
    let fake = FakeHac::start();
    let cache = tempfile::tempdir().unwrap();
    // Log in once, so that both runs below do the same work.
    let login = hac(&fake, cache.path()).arg("login").status().unwrap();
    assert!(login.success());
    let (csv, csv_bytes) = peak_kib(&fake, cache.path(), "csv");
    let (table, _) = peak_kib(&fake, cache.path(), "table");
    println!("peak: csv {csv} KiB, table {table} KiB ({csv_bytes} bytes of csv)");
    assert!(
        table * 4 <= csv * 5,
        "table {table} KiB against csv {csv} KiB"
    );
}

/// Peak resident memory (KiB) of `hac flexsearch --all` over `rows` generated rows, read
/// while its output is drained (the process is alive until the last page is written).
fn paged_peak_kib(rows: u64) -> u64 {
    let fake = FakeHac::builder().generated_rows(rows).start();
    let cache = tempfile::tempdir().unwrap();
    let (mut child, mut out) = spawn_reading(hac(&fake, cache.path()).args([
        "flexsearch",
        "SELECT {pk}, {code}, {name} FROM {Generated}",
        "--all",
        "--page-size",
        "2000",
        "-o",
        "csv",
    ]));
    let mut peak = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    let mut lines = 0usize;
    loop {
        let n = out.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|b| **b == b'\n').count();
        if let Some(kib) = vm_hwm_kib(child.id()) {
            peak = peak.max(kib);
        }
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(lines as u64, rows + 1, "every row and the header");
    peak
}

#[test]
fn paging_with_all_runs_in_flat_memory() {
    let small = paged_peak_kib(20_000);
    let large = paged_peak_kib(200_000);
    println!("peak of --all: {small} KiB at 20,000 rows, {large} KiB at 200,000 rows");
    // Ten times the rows, about the same memory (a whole answer would be ten times larger).
    assert!(large * 4 <= small * 5, "{large} KiB against {small} KiB");
}
