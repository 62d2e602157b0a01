//! `cargo bench -p hac-cli --bench operations`: the targets for reading past
//! `maxCount` and for fan-out, measured on the real `hac` process against the fake, and
//! printed as ratios of one run (numbers vary by machine; ratios should not).
//!
//! * `flexsearch --all`: peak resident memory at 100,000 and 1,000,000 rows (flat: the
//!   ratio should be near 1), and the time for 1,000,000 rows in pages against the same
//!   rows in one answer (`--max all`; target: at most 1.5x).
//! * `--nodes`: one Groovy call on 8 nodes against one node (target: at most 1.5x).
//!
//! Linux only for the memory part (`/proc/PID/status`, `VmHWM`).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hac_fake::FakeHac;

const HAC: &str = env!("CARGO_BIN_EXE_hac");

fn hac(url: &str, cache: &std::path::Path) -> Command {
    let mut c = Command::new(HAC);
    c.env_clear()
        .env("HAC_URL", url)
        .env("HAC_PASSWORD", hac_fake::ADMIN.1)
        .env("HAC_CACHE_DIR", cache)
        .env("HAC_CONFIG", "/dev/null")
        .stdin(Stdio::piped())
        .stderr(Stdio::null());
    c
}

/// Runs `cmd`, draining its stdout; returns the wall time, the bytes written and the
/// highest `VmHWM` seen while it ran (KiB; 0 where /proc is missing).
fn measure(cmd: &mut Command, stdin: &str) -> (Duration, u64, u64) {
    let started = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).spawn().expect("spawn hac");
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        let _ = input.write_all(stdin.as_bytes());
    }
    let mut out = child.stdout.take().unwrap();
    let status = format!("/proc/{}/status", child.id());
    let (mut bytes, mut peak) = (0u64, 0u64);
    let mut buf = vec![0u8; 1 << 16];
    let mut since_check = 0u64;
    loop {
        let n = out.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        bytes += n as u64;
        since_check += n as u64;
        if since_check > (1 << 20) {
            since_check = 0;
            peak = peak.max(hwm(&status));
        }
    }
    peak = peak.max(hwm(&status));
    assert!(child.wait().unwrap().success(), "{cmd:?}");
    (started.elapsed(), bytes, peak)
}

fn hwm(status: &str) -> u64 {
    std::fs::read_to_string(status)
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn paging() {
    let query = "SELECT {pk}, {code}, {name} FROM {Generated}";
    let mut peaks = Vec::new();
    for rows in [100_000u64, 1_000_000] {
        let fake = FakeHac::builder().generated_rows(rows).start();
        let cache = tempfile::tempdir().unwrap();
        let (t, bytes, peak) = measure(
            hac(&fake.url(), cache.path()).args(["flexsearch", query, "--all", "-o", "csv"]),
            "",
        );
        println!(
            "flexsearch --all, {rows:>9} rows: {:>6.2} s, {:>5} MB of csv, peak RSS {:>7} KiB",
            t.as_secs_f64(),
            bytes / 1_000_000,
            peak
        );
        peaks.push(peak);
        if rows == 1_000_000 {
            let (one, one_bytes, one_peak) = measure(
                hac(&fake.url(), cache.path()).args([
                    "flexsearch",
                    query,
                    "--max",
                    "all",
                    "-o",
                    "csv",
                ]),
                "",
            );
            assert_eq!(one_bytes, bytes, "the same rows either way");
            println!(
                "one answer (--max all), {rows} rows: {:>6.2} s, peak RSS {one_peak} KiB",
                one.as_secs_f64()
            );
            println!(
                "  paged / one answer: time {:.2}x (target <= 1.5x), peak memory {:.2}x",
                t.as_secs_f64() / one.as_secs_f64(),
                peak as f64 / one_peak.max(1) as f64
            );
        }
    }
    if peaks[0] > 0 {
        println!(
            "  peak RSS 1,000,000 / 100,000 rows: {:.2}x (flat = 1.0)",
            peaks[1] as f64 / peaks[0] as f64
        );
    }
}

fn fan_out() {
    let names: Vec<String> = (1..=8).map(|i| format!("n{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let fake = FakeHac::builder().nodes(&refs).start();
    let cache = tempfile::tempdir().unwrap();
    let all: Vec<String> = names.iter().map(|n| format!(".{n}")).collect();
    let all = all.join(",");
    let script = "Thread.sleep(200)\nprintln 'done'\n";
    // Sessions first: the measured runs resume them, as a second run in CI would.
    measure(
        hac(&fake.url(), cache.path()).args(["--nodes", &all, "groovy", "-"]),
        script,
    );
    let one: Vec<Duration> = (0..5)
        .map(|_| {
            measure(
                hac(&fake.url(), cache.path()).args(["--node", ".n1", "groovy", "-"]),
                script,
            )
            .0
        })
        .collect();
    let eight: Vec<Duration> = (0..5)
        .map(|_| {
            measure(
                hac(&fake.url(), cache.path()).args(["--nodes", &all, "groovy", "-"]),
                script,
            )
            .0
        })
        .collect();
    let (one, eight) = (median(one), median(eight));
    println!(
        "groovy (200 ms on the server): one node {:.0} ms, 8 nodes {:.0} ms: {:.2}x (target <= 1.5x)",
        one.as_secs_f64() * 1000.0,
        eight.as_secs_f64() * 1000.0,
        eight.as_secs_f64() / one.as_secs_f64()
    );
}

fn main() {
    // `cargo test --benches` runs this with --test-ish flags: a quick pass is enough there.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    fan_out();
    paging();
}
