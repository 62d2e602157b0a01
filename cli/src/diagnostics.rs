//! The library's log records on stderr: warnings by default (a session that could not be
//! saved, an unusable session file removed), more with `-v`, none with `--quiet`.
//!
//! Only hac-client's own records are shown. Its dependencies log at debug level what
//! must not reach a CI log: html5ever the pages it parses (CSRF tokens included),
//! cookie_store the cookies it stores.

use log::{Level, LevelFilter, Log, Metadata, Record};

struct Stderr {
    level: LevelFilter,
}

impl Log for Stderr {
    fn enabled(&self, m: &Metadata) -> bool {
        m.level() <= self.level && m.target().starts_with("hac_client")
    }

    fn log(&self, r: &Record) {
        if !self.enabled(r.metadata()) {
            return;
        }
        // `--insecure` prints its own, louder warning (even with --quiet); the library's
        // note about the same thing would only repeat it.
        if r.target() == "hac_client::insecure" {
            return;
        }
        let level = match r.level() {
            Level::Error => "error",
            Level::Warn => "warning",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        };
        crate::output::stderr_line(format_args!("hac: {level}: {}", r.args()));
    }

    fn flush(&self) {}
}

/// Installs the logger: `quiet` silences it, each `-v` shows one level more.
pub fn init(quiet: bool, verbose: u8) {
    let level = match (quiet, verbose) {
        (true, _) => LevelFilter::Off,
        (false, 0) => LevelFilter::Warn,
        (false, 1) => LevelFilter::Info,
        (false, _) => LevelFilter::Debug,
    };
    // Leaked on purpose: the logger lives as long as the process.
    let logger: &'static Stderr = Box::leak(Box::new(Stderr { level }));
    if log::set_logger(logger).is_ok() {
        log::set_max_level(level);
    }
}
