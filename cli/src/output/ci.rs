//! CI reports of Groovy and ImpEx runs: GitHub Actions annotations on stdout
//! (`--format github`) and JUnit XML files (`--report junit=FILE`), from the library's
//! structured results (ImpEx problems with their script line numbers).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use hac_client::{GroovyResult, ImpexResult};
use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use crate::failure::usage;

/// A report file to write besides the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// JUnit XML at this path.
    Junit(PathBuf),
}

pub fn parse_report(text: &str) -> Result<Report, String> {
    match text.split_once('=') {
        Some(("junit", path)) if !path.trim().is_empty() => Ok(Report::Junit(PathBuf::from(path))),
        _ => Err(format!("{text:?}: expected junit=FILE")),
    }
}

/// One problem to report: where (a script line, when known) and what.
pub struct Problem {
    pub line: Option<u32>,
    pub message: String,
}

/// The problems of an ImpEx result: each line HAC names a script line for, or the summary
/// when it names none.
pub fn impex_problems(r: &ImpexResult) -> Vec<Problem> {
    if r.is_success() {
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
    if r.is_success() {
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
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping of an annotation's properties (`file=`).
pub fn escape_property(s: &str) -> String {
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
                crate::output::safe_text::neutralize_commands(text).trim_end_matches('\n')
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

/// Checks a report's destination before anything is sent: its directory is created when
/// missing, and a file can be created there; so that a run's outcome is never lost to a
/// report path that cannot be written after the server has worked.
pub fn prepare_report(path: &Path) -> Result<()> {
    crate::output::destination::prepare_file(path, &format!("--report junit={}", path.display()))
}

/// What happened to one file (or script) of a run, for its test cases.
pub struct CaseOutcome {
    /// The file's label.
    pub name: String,
    /// Its problems (none: it passed); `None`: it was not run (an earlier one failed).
    pub problems: Option<Vec<Problem>>,
    pub elapsed: Duration,
}

/// Writes a JUnit XML report: one suite for the run; for each file, one passing test case,
/// or one failing case per problem (`file:line`), or one skipped case when it was not run.
pub fn write_junit_cases(path: &Path, suite_name: &str, cases: &[CaseOutcome]) -> Result<()> {
    let mut suite = TestSuite::new(suite_name);
    suite.set_time(cases.iter().map(|c| c.elapsed).sum());
    for c in cases {
        match &c.problems {
            None => {
                let mut status = TestCaseStatus::skipped();
                status.set_message("not run: an earlier file failed (--keep-going runs it)");
                let mut case = TestCase::new(c.name.as_str(), status);
                case.set_classname("hac");
                suite.add_test_case(case);
            }
            Some(problems) if problems.is_empty() => {
                let mut case = TestCase::new(c.name.as_str(), TestCaseStatus::success());
                case.set_classname("hac").set_time(c.elapsed);
                suite.add_test_case(case);
            }
            Some(problems) => {
                for p in problems {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    // XML 1.0 cannot hold most control characters, and the text is the
                    // server's.
                    let message = crate::output::safe_text::escape(
                        &p.message,
                        crate::output::safe_text::Escape::Text,
                    );
                    status.set_message(message.as_ref());
                    let name = match p.line {
                        Some(line) => format!("{}:{line}", c.name),
                        None => c.name.clone(),
                    };
                    let mut case = TestCase::new(name, status);
                    case.set_classname("hac");
                    suite.add_test_case(case);
                }
            }
        }
    }
    save(path, suite)
}

/// Writes a JUnit XML report of one script or file (see [`write_junit_cases`]).
pub fn write_junit(
    path: &Path,
    suite_name: &str,
    file: &str,
    problems: &[Problem],
    elapsed: Duration,
) -> Result<()> {
    let problems = problems
        .iter()
        .map(|p| Problem {
            line: p.line,
            message: p.message.clone(),
        })
        .collect();
    write_junit_cases(
        path,
        suite_name,
        &[CaseOutcome {
            name: file.to_owned(),
            problems: Some(problems),
            elapsed,
        }],
    )
}

/// A JUnit report for a run that failed before any result (connection, TLS, login,
/// usage, refusal): one failed test case named after the class of failure.
pub fn write_junit_failure(
    path: &Path,
    suite_name: &str,
    name: &str,
    class: &str,
    message: &str,
) -> Result<()> {
    let mut suite = TestSuite::new(suite_name);
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    let message = crate::output::safe_text::escape(message, crate::output::safe_text::Escape::Text);
    status.set_message(message.as_ref()).set_type(class);
    let mut case = TestCase::new(format!("{name} ({class})"), status);
    case.set_classname("hac");
    suite.add_test_case(case);
    save(path, suite)
}

/// Set by a command that has reported its own failure for CI (a multi-file import that
/// failed at one file writes that file's case beside the others'): `main` then does not
/// write its one-case report over it.
static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Marks this run's failure as reported for CI by the command itself.
pub fn mark_reported() {
    REPORTED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Whether the command reported its failure for CI itself.
pub fn reported() -> bool {
    REPORTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Where a run reports for CI: GitHub annotations on stdout, a JUnit file. Every failure is
/// reported there too (a connection refused, a login, a usage error), not only a script's
/// or an import's own problems: a CI job reads these, not stderr.
#[derive(Debug, Default, Clone)]
pub struct CiTargets {
    pub github: bool,
    pub junit: Option<PathBuf>,
    /// The suite name ("groovy", "impex import").
    pub suite: String,
    /// The file the run was about.
    pub file: String,
}

impl CiTargets {
    /// Best effort from the raw arguments, for a command line clap refused (the parsed
    /// options are not there to ask).
    pub fn from_argv(args: &[String]) -> CiTargets {
        let mut t = CiTargets {
            suite: "hac".into(),
            file: "hac".into(),
            ..CiTargets::default()
        };
        let mut it = args.iter().peekable();
        while let Some(a) = it.next() {
            let value =
                |flag: &str, it: &mut std::iter::Peekable<std::slice::Iter<'_, String>>| match a
                    .strip_prefix(flag)
                {
                    Some("") => it.next().cloned(),
                    Some(rest) => rest.strip_prefix('=').map(str::to_owned),
                    None => None,
                };
            if let Some(v) = value("--report", &mut it) {
                if let Ok(Report::Junit(path)) = parse_report(&v) {
                    t.junit = Some(path);
                }
            } else if let Some(v) = value("--format", &mut it)
                .or_else(|| value("--output", &mut it))
                .or_else(|| value("-o", &mut it))
            {
                t.github |= v == "github";
            }
        }
        t
    }

    /// Reports a run that failed before (or instead of) a result: one annotation, one
    /// failed test case named after the class of failure. A report that cannot be written
    /// is passed over; the failure's own exit code stands.
    pub fn failure(&self, class: &str, message: &str, stdout: &mut impl std::io::Write) {
        if self.github {
            let file = (self.file != "hac").then_some(self.file.as_str());
            let _ = stdout.write_all(github_failure(file, class, message).as_bytes());
        }
        if let Some(path) = &self.junit {
            // Best effort: when the report itself cannot be written, the run's own error
            // (printed next) already says so, or says what matters more.
            let _ = std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")));
            let _ = write_junit_failure(path, &self.suite, &self.file, class, message);
        }
    }
}

/// `::error title=hac: CLASS::message` for a run that failed before any result.
pub fn github_failure(file: Option<&str>, class: &str, message: &str) -> String {
    let mut out = String::from("::error ");
    if let Some(file) = file.filter(|f| *f != "stdin") {
        out.push_str("file=");
        out.push_str(&escape_property(file));
        out.push(',');
    }
    out.push_str("title=");
    out.push_str(&escape_property(&format!("hac: {class}")));
    out.push_str("::");
    out.push_str(&escape_data(&crate::output::safe_text::escape(
        message,
        crate::output::safe_text::Escape::Text,
    )));
    out.push('\n');
    out
}

fn save(path: &Path, suite: TestSuite) -> Result<()> {
    let mut report = JunitReport::new("hac");
    report.add_test_suite(suite);
    let xml = report.to_string().context("writing the JUnit report")?;
    std::fs::write(path, xml).map_err(|e| usage(format!("--report junit={}: {e}", path.display())))
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
