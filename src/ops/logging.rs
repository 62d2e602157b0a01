//! Log levels: the loggers from `/platform/log4j` (HTML: there is no JSON list) and a
//! change through `/platform/log4j/changeLevel`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::http::transport::HttpResponse;

/// A log4j 2 level. Checked before sending: HAC quietly turns an unknown name into "inherit
/// the parent's level".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum LogLevel {
    /// `ALL`
    All,
    /// `TRACE`
    Trace,
    /// `DEBUG`
    Debug,
    /// `INFO`
    Info,
    /// `WARN`
    Warn,
    /// `ERROR`
    Error,
    /// `FATAL`
    Fatal,
    /// `OFF`
    Off,
}

impl LogLevel {
    /// Every level, from the most to the least verbose.
    pub const ALL: [LogLevel; 8] = [
        LogLevel::All,
        LogLevel::Trace,
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warn,
        LogLevel::Error,
        LogLevel::Fatal,
        LogLevel::Off,
    ];

    /// The name HAC takes: `DEBUG`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::All => "ALL",
            LogLevel::Trace => "TRACE",
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warn => "WARN",
            LogLevel::Error => "ERROR",
            LogLevel::Fatal => "FATAL",
            LogLevel::Off => "OFF",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LogLevel {
    type Err = Error;

    /// Case-insensitive; anything else is [`Error::InvalidArgument`] naming the levels.
    fn from_str(s: &str) -> Result<LogLevel> {
        LogLevel::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| Error::InvalidArgument {
                message: format!(
                    "unknown log level {s:?}: use one of {}",
                    LogLevel::ALL.map(LogLevel::as_str).join(", ")
                ),
            })
    }
}

/// A configured logger and its effective level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Logger {
    /// Its name (`root` for the root logger).
    pub name: String,
    /// Its parent's name (`None` for root).
    pub parent: Option<String>,
    /// Its effective level; `None` when HAC shows none of log4j 2's eight levels.
    pub level: Option<LogLevel>,
}

/// Reads `table#loggers` of `/platform/log4j`: name, parent, and the selected level (or the
/// level text for users who may only look).
pub(crate) fn parse_page(resp: &HttpResponse) -> Result<Vec<Logger>> {
    crate::http::call::expect_ok(resp)?;
    let rows = crate::page::html::table_rows(&resp.body, "loggers");
    if rows.is_empty() && !resp.body.contains("id=\"loggers\"") {
        return Err(Error::invalid(
            &resp.path,
            "the logging page with table#loggers",
            resp.excerpt(),
        ));
    }
    Ok(rows
        .iter()
        .filter(|cells| cells.first().is_some_and(|c| c.name == "td"))
        .map(|cells| {
            let text = |i: usize| cells.get(i).map(|c| c.text.clone()).unwrap_or_default();
            let level = cells
                .get(2)
                .and_then(|c| c.attr("selected").map(str::to_owned))
                .unwrap_or_else(|| text(2));
            Logger {
                name: text(0),
                parent: Some(text(1)).filter(|p| !p.is_empty()),
                level: level.parse().ok(),
            }
        })
        .collect())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangeWire {
    #[serde(default)]
    validation_error: bool,
    loggers: Option<Vec<WireLogger>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireLogger {
    name: String,
    parent_name: Option<String>,
    effective_level: Option<WireLevel>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireLevel {
    standard_level: Option<String>,
}

/// Reads the answer of `changeLevel`: every configured logger after the change.
pub(crate) fn parse_change(resp: &HttpResponse, logger: &str) -> Result<Vec<Logger>> {
    let wire: ChangeWire =
        crate::http::call::parse_json("changeLevel JSON (loggers, levels)", resp)?;
    if wire.validation_error {
        return Err(Error::InvalidArgument {
            message: format!(
                "HAC refused the logger name {logger:?} (it must not contain whitespace)"
            ),
        });
    }
    let loggers = wire
        .loggers
        .ok_or_else(|| Error::invalid(&resp.path, "changeLevel JSON with loggers", "no loggers"))?;
    Ok(loggers
        .into_iter()
        .map(|l| Logger {
            name: l.name,
            parent: l.parent_name,
            level: l
                .effective_level
                .and_then(|e| e.standard_level)
                .and_then(|s| s.parse().ok()),
        })
        .collect())
}
