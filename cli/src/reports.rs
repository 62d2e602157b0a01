//! CI reports of Groovy and ImpEx runs: GitHub Actions annotations on stdout
//! (`--format github`) and JUnit XML files (`--report junit=FILE`), from the library's
//! structured results (ImpEx problems with their script line numbers).

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use hac_client::{GroovyResult, ImpexResult};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

/// One problem to report: where (a script line, when known) and what.
pub struct Problem {
    pub line: Option<u32>,
    pub message: String,
}

/// The problems of an ImpEx result: each line HAC names a script line for, or the summary
/// when it names none.
pub fn impex_problems(r: &ImpexResult) -> Vec<Problem> {
    if r.success {
        return Vec::new();
    }
    let numbered: Vec<Problem> = r
        .lines
        .iter()
        .filter(|l| l.line.is_some())
        .map(|l| Problem {
            line: l.line,
            message: l.message.clone(),
        })
        .collect();
    if numbered.is_empty() {
        vec![Problem {
            line: None,
            message: r.summary.clone(),
        }]
    } else {
        numbered
    }
}

/// The problem of a failed script, with the script line when Groovy names one
/// (`Script1.groovy: 3: unexpected token`, `at Script1.run(Script1.groovy:3)`).
pub fn groovy_problems(r: &GroovyResult) -> Vec<Problem> {
    if r.success {
        return Vec::new();
    }
    let message = r
        .stacktrace
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("the script failed")
        .to_owned();
    vec![Problem {
        line: groovy_line(&r.stacktrace),
        message,
    }]
}

fn groovy_line(trace: &str) -> Option<u32> {
    let at = trace.find(".groovy:")? + ".groovy:".len();
    let digits: String = trace[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// GitHub's escaping of an annotation's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping of an annotation's properties (`file=`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Server text (a script's output, HAC's summary) for a GitHub Actions log, where it
/// cannot be read as a workflow command: between `::stop-commands::TOKEN` and `::TOKEN::`,
/// with a random token the server cannot guess, as GitHub documents for untrusted output.
pub fn github_quoted(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let mut bytes = [0u8; 16];
    // Without randomness the text is still printed, only without the fence around it
    // (every line that could be a command is then broken up instead).
    let token = match getrandom::getrandom(&mut bytes) {
        Ok(()) => bytes.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        Err(_) => {
            return format!(
                "{}\n",
                crate::safe_text::neutralize_commands(text).trim_end_matches('\n')
            );
        }
    };
    let body = text.trim_end_matches('\n');
    format!("::stop-commands::{token}\n{body}\n::{token}::\n")
}

/// `::error file=F,line=N::message` lines, one per problem.
pub fn github_annotations(file: &str, problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems {
        out.push_str("::error file=");
        out.push_str(&escape_property(file));
        if let Some(line) = p.line {
            out.push_str(&format!(",line={line}"));
        }
        out.push_str("::");
        out.push_str(&escape_data(&p.message));
        out.push('\n');
    }
    out
}

/// Writes a JUnit XML report: one suite for the run, one test case per problem (or one
/// passing case when there was none).
pub fn write_junit(
    path: &Path,
    suite_name: &str,
    file: &str,
    problems: &[Problem],
    elapsed: Duration,
) -> Result<()> {
    let mut suite = TestSuite::new(suite_name);
    suite.set_time(elapsed);
    if problems.is_empty() {
        let mut case = TestCase::new(file, TestCaseStatus::success());
        case.set_classname("hac").set_time(elapsed);
        suite.add_test_case(case);
    }
    for p in problems {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        // XML 1.0 cannot hold most control characters, and the text is the server's.
        let message = crate::safe_text::escape(&p.message, crate::safe_text::Escape::Text);
        status.set_message(message.as_ref());
        let name = match p.line {
            Some(line) => format!("{file}:{line}"),
            None => file.to_owned(),
        };
        let mut case = TestCase::new(name, status);
        case.set_classname("hac");
        suite.add_test_case(case);
    }
    let mut report = Report::new("hac");
    report.add_test_suite(suite);
    let xml = report.to_string().context("writing the JUnit report")?;
    std::fs::write(path, xml)
        .map_err(|e| crate::failure::usage(format!("--report junit={}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_escaped() {
        let a = github_annotations(
            "dir,x:/a.impex",
            &[Problem {
                line: Some(3),
                message: "100% bad\nsecond".into(),
            }],
        );
        assert_eq!(
            a,
            "::error file=dir%2Cx%3A/a.impex,line=3::100%25 bad%0Asecond\n"
        );
    }

    #[test]
    fn groovy_lines() {
        assert_eq!(
            groovy_line("startup failed:\r\nScript1.groovy: 2: unexpected token: x"),
            Some(2)
        );
        assert_eq!(groovy_line("at Script1.run(Script1.groovy:14)"), Some(14));
        assert_eq!(groovy_line("java.lang.IllegalStateException: boom"), None);
    }
}
