//! The output formats, shared by the commands that take `-o`/`--format` (`--output`).
//!
//! One contract for all of them: stdout carries data only when the operation succeeded;
//! when it failed, stdout stays empty and the failure goes to stderr with its exit code.
//! `-o json-result` is the exception asked for by name: the whole result, a failure
//! included. `-o github` writes annotations, which report failures. Commands whose result
//! is a verdict print it whatever it says, and the exit code carries it: `health` (and
//! `doctor`) print the checks of an unhealthy server with exit 1, `cronjobs abort` each
//! job's answer with exit 1 when one could not be aborted.

use clap::ValueEnum;

/// Output of commands whose result is not a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// Human-readable text
    Text,
    /// The library's typed result as one JSON document
    Json,
}

/// Output of query results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Aligned columns with a header
    Table,
    /// CSV with a header row (fields quoted as RFC 4180 says); NULL is an empty field
    Csv,
    /// An array of row objects keyed by column name (jq: .[].p_code)
    Json,
    /// One JSON object per row, keyed by column name
    Jsonl,
    /// The library's whole result as one JSON document, failure included: headers, rows
    /// as arrays, counts, timing, the translated SQL, the exception
    JsonResult,
}

/// Output of Groovy and ImpEx runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Human-readable text
    Text,
    /// The library's typed result as one JSON document, when it succeeded
    Json,
    /// The library's typed result as one JSON document, failure included
    JsonResult,
    /// GitHub Actions annotations (::error file=...,line=...::) for each problem
    Github,
}
