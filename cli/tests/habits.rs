//! The parts of `hac` that fit people's habits and CI: completions that bash accepts, a man
//! page, JUnit XML and GitHub annotations from ImpEx and Groovy failures, `-o`, `--null`,
//! the timeout for imports, and `--wait-timeout`'s own exit code.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::*;
use hac_fake::FakeHac;
use tempfile::TempDir;

/// What bash's completion function offers for `words` (the last one being completed),
/// with `hac` found on PATH as the installed script expects.
fn bash_completes(script: &Path, setup: &Setup, words: &[&str]) -> Vec<String> {
    let bin = Path::new(env!("CARGO_BIN_EXE_hac")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let body = format!(
        "source '{}' && COMP_WORDS=({}) && COMP_CWORD={} && COMP_TYPE=9 && _clap_complete_hac hac '{}' '{}' && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let o = setup
        .hac()
        .env("PATH", path)
        .env_remove("COMPLETE")
        .stdout(std::process::Stdio::piped())
        .output_of("bash", &["-c", &body]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A command like `cmd` (its environment), but running `program` instead.
trait OutputOf {
    fn output_of(&mut self, program: &str, args: &[&str]) -> std::process::Output;
}

impl OutputOf for Command {
    fn output_of(&mut self, program: &str, args: &[&str]) -> std::process::Output {
        let mut c = Command::new(program);
        c.args(args);
        for (k, v) in self.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c.output().unwrap()
    }
}

/// Completions: a registration script every shell loads, answered by hac itself at each
/// TAB with the profiles of the configuration file and the nodes of the profiles and of
/// `hac nodes`; `--static` for packagers; a closed pipe ends quietly.
#[test]
fn completions_are_dynamic_and_bash_loads_them() {
    let setup = Setup::new(
        "default_profile = \"dev\"\n[profiles.dev]\nurl = \"https://dev.example.com\"\n[profiles.staging]\nurl = \"https://staging.example.com\"\nprotected = true\nnodes = [\"aa1\", \"bb2\"]\n",
    );
    std::fs::create_dir_all(setup.cache()).unwrap();
    std::fs::write(
        setup.cache().join("nodes-0123456789abcdef.json"),
        r#"{"url":"https://prod.example.com","nodes":[{"route":"cc3","node_id":7,"ip":"10.0.0.7"}]}"#,
    )
    .unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(setup.hac().args(["completions", shell]), "");
        assert_exit(&o, 0);
        assert!(stdout(&o).contains("COMPLETE"), "{shell}: {}", stdout(&o));
        let o = run(setup.hac().args(["completions", shell, "--static"]), "");
        assert_exit(&o, 0);
        assert!(!stdout(&o).contains("COMPLETE="), "{shell}");
    }
    let o = run(setup.hac().args(["completions", "tcsh"]), "");
    assert_exit(&o, 2);

    let o = run(setup.hac().args(["completions", "bash"]), "");
    let script = setup.dir.path().join("hac.bash");
    std::fs::write(&script, stdout(&o)).unwrap();
    if !have(
        Command::new("bash").arg("--version").output().is_ok(),
        "bash",
    ) {
        return;
    }
    let check = setup.hac().output_of(
        "bash",
        &[
            "-c",
            &format!("source '{}' && complete -p hac", script.display()),
        ],
    );
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).contains("hac"));

    assert_eq!(
        bash_completes(&script, &setup, &["hac", "--profile", ""]),
        ["dev", "staging"]
    );
    assert_eq!(
        bash_completes(&script, &setup, &["hac", "groovy", "--profiles", "dev,st"]),
        ["dev,staging"]
    );
    assert_eq!(
        bash_completes(&script, &setup, &["hac", "about", "--node", ""]),
        ["aa1", "bb2", "cc3"]
    );
    assert_eq!(
        bash_completes(&script, &setup, &["hac", "flexsearch", "-o", "js"]),
        ["json", "jsonl", "json-result"]
    );
    // Global options are offered after a command too, though its help leaves them out.
    let offered = bash_completes(&script, &setup, &["hac", "groovy", "--prof"]);
    assert!(offered.contains(&"--profile".to_owned()), "{offered:?}");
}

/// `hac completions zsh | head -1` and friends: the reader going away ends hac quietly.
#[test]
fn generated_text_survives_a_closed_pipe() {
    let cache = TempDir::new().unwrap();
    for args in [
        &["completions", "zsh", "--static"][..],
        &["completions", "zsh"],
        &["man"],
        &["help", "options"],
        &["--help"],
    ] {
        let mut child = hac("http://x", cache.path())
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 1];
        std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
        drop(stdout);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
    }
}

/// Help that fits a screen: a command's help has its own options and examples and points
/// to the options every command takes, which `hac --help` and `hac help options` list once.
#[test]
fn help_shows_a_commands_own_options() {
    let cache = TempDir::new().unwrap();
    let o = run(
        hac("http://x", cache.path()).args(["help", "flexsearch"]),
        "",
    );
    assert_exit(&o, 0);
    let help = stdout(&o);
    assert!(
        help.lines().count() < 80,
        "{} lines:\n{help}",
        help.lines().count()
    );
    assert!(
        help.contains("--sql") && help.contains("Examples:"),
        "{help}"
    );
    assert!(
        !help.contains("--profile <") && !help.contains("--timeout <"),
        "{help}"
    );
    assert!(help.contains("hac help options"), "{help}");
    let o = run(
        hac("http://x", cache.path()).args(["flexsearch", "--help"]),
        "",
    );
    assert_eq!(stdout(&o), help);
    for args in [&["help", "options"][..], &["--help"]] {
        let o = run(hac("http://x", cache.path()).args(args), "");
        assert_exit(&o, 0);
        let text = stdout(&o);
        assert_eq!(
            text.matches("--profile <PROFILE>").count(),
            1,
            "{args:?}: {text}"
        );
        assert!(text.contains("[env: HAC_TIMEOUT]"), "{text}");
    }
    // Hidden from the help, still accepted after the command.
    let o = run(
        hac("http://127.0.0.1:1", cache.path()).args(["flexsearch", "--timeout", "1s", "SELECT 1"]),
        "",
    );
    assert_exit(&o, 4);
}

/// Manual pages: hac(1) with an ENVIRONMENT section, and with --dir one page per command,
/// so that every page hac(1) refers to exists.
#[test]
fn a_manual_page_per_command() {
    let cache = TempDir::new().unwrap();
    let o = run(hac("http://x", cache.path()).arg("man"), "");
    assert_exit(&o, 0);
    let page = stdout(&o);
    assert!(page.contains(".TH hac"), "{}", &page[..80]);
    let env = &page[page
        .find(".SH ENVIRONMENT")
        .expect("an ENVIRONMENT section")..];
    for var in [
        "HAC_PROFILE",
        "HAC_URL",
        "HAC_PASSWORD",
        "HAC_PASSWORD_COMMAND",
        "HAC_CONFIG",
        "HAC_NODES",
        "HAC_MCP_AUDIT_LOG",
    ] {
        assert!(
            env.contains(&format!("\\fB{var}\\fR")),
            "{var} missing:\n{env}"
        );
    }
    let dir = cache.path().join("man/man1");
    let o = run(
        hac("http://x", cache.path())
            .args(["man", "--dir"])
            .arg(&dir),
        "",
    );
    assert_exit(&o, 0);
    let pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for name in [
        "hac.1",
        "hac-groovy.1",
        "hac-impex-import.1",
        "hac-profiles-add.1",
    ] {
        assert!(pages.contains(&name.to_owned()), "{name} in {pages:?}");
    }
    for name in &pages {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        for reference in text.split("(1)").map(|before| {
            before
                .rsplit(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("")
                .replace("\\-", "-")
        }) {
            if reference.starts_with("hac") {
                assert!(
                    pages.contains(&format!("{reference}.1")),
                    "{name} refers to {reference}(1)"
                );
            }
        }
    }
}

/// The test cases of a JUnit file: (name, failure message).
fn junit_cases(xml: &str) -> Vec<(String, Option<String>)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut cases = Vec::new();
    let mut roots = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let attr = |key: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == key.as_bytes())
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned()
                        })
                };
                match name.as_str() {
                    "testcase" => cases.push((attr("name").unwrap(), None)),
                    "failure" => cases.last_mut().unwrap().1 = attr("message"),
                    _ => {}
                }
                roots.push(name);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(roots.first().map(String::as_str), Some("testsuites"));
    assert!(roots.iter().any(|r| r == "testsuite"));
    cases
}

#[test]
fn junit_reports_and_github_annotations_for_impex_and_groovy() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let impex = dir.path().join("products.impex");
    std::fs::write(
        &impex,
        "INSERT_UPDATE Product;code[unique=true];catalogVersion\n;p1;unknownCatalog:Staged\n;p2;ok\n;p3;unknownCatalog:Online\n",
    )
    .unwrap();
    let report = dir.path().join("junit.xml");
    let o = run(
        with_password(hac(&fake.url(), dir.path()))
            .args([
                "impex",
                "import",
                "--format",
                "github",
                "--report",
                &format!("junit={}", report.display()),
            ])
            .arg(&impex),
        "",
    );
    assert_exit(&o, 1);
    let out = stdout(&o);
    let annotations: Vec<&str> = out.lines().filter(|l| l.starts_with("::error")).collect();
    let file = impex
        .display()
        .to_string()
        .replace(':', "%3A")
        .replace(',', "%2C");
    assert_eq!(annotations.len(), 2, "{}", stdout(&o));
    assert!(
        annotations[0].starts_with(&format!("::error file={file},line=2::")),
        "{annotations:?}"
    );
    assert!(
        annotations[1].starts_with(&format!("::error file={file},line=4::")),
        "{annotations:?}"
    );
    assert!(annotations[0].contains("cannot resolve"), "{annotations:?}");
    let cases = junit_cases(&std::fs::read_to_string(&report).unwrap());
    assert_eq!(cases.len(), 2, "{cases:?}");
    assert!(cases[0].0.ends_with("products.impex:2"), "{cases:?}");
    assert!(
        cases[0]
            .1
            .as_deref()
            .is_some_and(|m| m.contains("cannot resolve"))
    );

    // A passing import: one passing case, no annotation.
    std::fs::write(&impex, "INSERT_UPDATE Language;isocode[unique=true]\n;de\n").unwrap();
    let o = run(
        with_password(hac(&fake.url(), dir.path()))
            .args(["impex", "import", "-o", "github", "--report"])
            .arg(format!("junit={}", report.display()))
            .arg(&impex),
        "",
    );
    assert_exit(&o, 0);
    assert!(!stdout(&o).contains("::error"));
    let cases = junit_cases(&std::fs::read_to_string(&report).unwrap());
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].1, None);

    // Groovy: the script line when Groovy names one.
    let script = dir.path().join("fix.groovy");
    std::fs::write(
        &script,
        "println 'a'\nthrow new IllegalStateException('boom')",
    )
    .unwrap();
    let o = run(
        with_password(hac(&fake.url(), dir.path()))
            .args(["groovy", "-o", "github", "--report"])
            .arg(format!("junit={}", report.display()))
            .arg(&script),
        "",
    );
    assert_exit(&o, 1);
    assert!(stdout(&o).contains("::error file="), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("::java.lang.IllegalStateException: boom"),
        "{}",
        stdout(&o)
    );
    let cases = junit_cases(&std::fs::read_to_string(&report).unwrap());
    assert_eq!(cases.len(), 1);
    assert!(cases[0].1.as_deref().unwrap().contains("boom"));
    // A report that cannot be written is a local error, found before anything is sent.
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "").unwrap();
    let before = fake.stats().requests;
    for (cmd, input) in [
        (&["groovy"][..], script.to_str().unwrap()),
        (&["impex", "import"][..], impex.to_str().unwrap()),
    ] {
        let o = run(
            with_password(hac(&fake.url(), dir.path()))
                .args(cmd)
                .arg("--report")
                .arg(format!("junit={}/sub/x.xml", blocker.display()))
                .arg(input),
            "",
        );
        assert_exit(&o, 2);
        assert_one_error_line(&o, "cannot create its directory");
    }
    assert_eq!(fake.stats().requests, before, "nothing was sent");
    // A missing directory is created.
    let nested = dir.path().join("reports/ci/impex.xml");
    let o = run(
        with_password(hac(&fake.url(), dir.path()))
            .args(["impex", "import", "--report"])
            .arg(format!("junit={}", nested.display()))
            .arg(&impex),
        "",
    );
    assert_exit(&o, 0);
    assert_eq!(
        junit_cases(&std::fs::read_to_string(&nested).unwrap()).len(),
        1
    );
}

/// Every failure, not only a script's or an import's own, reaches CI's formats: an
/// annotation and a JUnit file with a failed case naming the class of failure.
#[test]
fn ci_formats_report_every_failure() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let report = dir.path().join("r.xml");
    let impex = dir.path().join("x.impex");
    std::fs::write(&impex, "INSERT_UPDATE Language;isocode[unique=true]\n;de\n").unwrap();
    let junit = format!("junit={}", report.display());
    let cases = |class: &str| {
        let xml = std::fs::read_to_string(&report).unwrap();
        let cases = junit_cases(&xml);
        assert_eq!(cases.len(), 1, "{xml}");
        assert!(cases[0].0.contains(class), "{cases:?}");
        assert!(cases[0].1.is_some(), "a failure: {cases:?}");
        std::fs::remove_file(&report).unwrap();
    };
    // Connection.
    let o = run(
        with_password(hac("http://127.0.0.1:9", dir.path()))
            .args(["impex", "import", "-o", "github", "--report", &junit])
            .arg(&impex),
        "",
    );
    assert_exit(&o, 4);
    assert!(stdout(&o).starts_with("::error file="), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("title=hac%3A connection%2C TLS or timeout::"),
        "{}",
        stdout(&o)
    );
    cases("connection");
    // Authentication.
    let o = run(
        hac(&fake.url(), dir.path())
            .env("HAC_PASSWORD", "wrong")
            .args(["groovy", "-o", "github", "--report", &junit, "-"]),
        "return 1",
    );
    assert_exit(&o, 3);
    assert!(
        stdout(&o).contains("::error title=hac%3A authentication::"),
        "{}",
        stdout(&o)
    );
    cases("authentication");
    // Usage: our own (an empty script) and clap's (an unknown option).
    let o = run(
        with_password(hac(&fake.url(), dir.path()))
            .args(["groovy", "-o", "github", "--report", &junit, "-"]),
        "  ",
    );
    assert_exit(&o, 2);
    assert!(
        stdout(&o).contains("title=hac%3A usage or local error::"),
        "{}",
        stdout(&o)
    );
    cases("usage");
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "groovy",
            "-o",
            "github",
            "--report",
            &junit,
            "--no-such-flag",
        ]),
        "",
    );
    assert_exit(&o, 2);
    assert!(
        stdout(&o).contains("title=hac%3A usage or local error::"),
        "{}",
        stdout(&o)
    );
    cases("usage");
}

/// Several ImpEx files in one run: in order, stopping at the first failure unless
/// --keep-going, validated first on request, one report with a case per file.
#[test]
fn several_impex_files_in_one_run() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let a = write(
        "a.impex",
        "INSERT_UPDATE Language;isocode[unique=true]\n;de\n",
    );
    let b = write(
        "b.impex",
        "INSERT_UPDATE Product;code[unique=true];colour\n;x;red\n",
    );
    let c = write(
        "c.impex",
        "INSERT_UPDATE Language;isocode[unique=true]\n;fr\n",
    );
    let report = dir.path().join("r.xml");
    let junit = format!("junit={}", report.display());
    let imports = || {
        fake.requests()
            .iter()
            .filter(|r| r.path.ends_with("/console/impex/import"))
            .count()
    };
    let o = run(
        with_password(hac(&fake.url(), dir.path()))
            .args(["impex", "import", &a, &b, &c, "--report", &junit]),
        "",
    );
    assert_exit(&o, 1);
    assert_eq!(imports(), 2, "stopped after b");
    assert!(stdout(&o).contains("a.impex: "), "{}", stdout(&o));
    assert!(stderr(&o).contains("1 file(s) not sent"), "{}", stderr(&o));
    let cases = junit_cases(&std::fs::read_to_string(&report).unwrap());
    let names: Vec<&str> = cases.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names[0].ends_with("a.impex") && cases[0].1.is_none(),
        "{cases:?}"
    );
    assert!(
        names[1].contains("b.impex") && cases[1].1.is_some(),
        "{cases:?}"
    );
    assert!(names.last().unwrap().ends_with("c.impex"), "{cases:?}");
    // --keep-going: c too.
    let before = imports();
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "impex",
            "import",
            &a,
            &b,
            &c,
            "--keep-going",
        ]),
        "",
    );
    assert_exit(&o, 1);
    assert_eq!(imports() - before, 3);
    // --validate-first: b does not validate, nothing is imported.
    let before = imports();
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "impex",
            "import",
            &a,
            &b,
            "--validate-first",
        ]),
        "",
    );
    assert_exit(&o, 1);
    assert_eq!(imports(), before, "nothing imported");
    assert!(
        stderr(&o).contains("nothing was imported"),
        "{}",
        stderr(&o)
    );
    // A file that fails at its turn (not UTF-8: read only then) after one that was
    // imported: the import's result is printed, and the report and annotation name both.
    let fire = dir.path().join("fire.impex");
    std::fs::write(
        &fire,
        b"INSERT_UPDATE Language;isocode[unique=true]\n;\xff\xfe\n",
    )
    .unwrap();
    let fire = fire.to_str().unwrap().to_owned();
    let gone = write(
        "gone.impex",
        "INSERT_UPDATE Language;isocode[unique=true]\n;it\n",
    );
    let before = imports();
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "impex", "import", &a, &fire, &gone, "--report", &junit, "-o", "github",
        ]),
        "",
    );
    assert_exit(&o, 2);
    assert_eq!(imports() - before, 1, "a only");
    let out = stdout(&o);
    assert!(out.contains("Import finished successfully"), "{out}");
    let annotations: Vec<&str> = out.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(annotations.len(), 1, "{out}");
    assert!(
        annotations[0].contains("file=") && annotations[0].contains("fire.impex"),
        "{out}"
    );
    assert!(!annotations[0].contains("gone.impex"), "{out}");
    let cases = junit_cases(&std::fs::read_to_string(&report).unwrap());
    assert_eq!(cases.len(), 3, "{cases:?}");
    assert!(
        cases[0].0.ends_with("a.impex") && cases[0].1.is_none(),
        "{cases:?}"
    );
    assert!(
        cases[1].0.ends_with("fire.impex (usage or local error)") && cases[1].1.is_some(),
        "{cases:?}"
    );
    assert!(cases[2].0.ends_with("gone.impex"), "{cases:?}");
    // The same in text: the imported file's line is on stdout.
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args(["impex", "import", &a, &fire]),
        "",
    );
    assert_exit(&o, 2);
    assert!(stdout(&o).contains("a.impex: "), "{}", stdout(&o));
    // JSON: an array with the file of each result.
    let o = run(
        with_password(hac(&fake.url(), dir.path()))
            .args(["impex", "validate", &a, &c, "-o", "json"]),
        "",
    );
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert!(v[1]["file"].as_str().unwrap().ends_with("c.impex"));
}

#[test]
fn null_strings_and_short_format() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let q = "SELECT {pk}, {code}, {name}, {description} FROM {Product}";
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "flexsearch",
            q,
            "-o",
            "csv",
            "--null",
            "\\N",
        ]),
        "",
    );
    assert_exit(&o, 0);
    assert!(stdout(&o).contains(",\\N"), "{}", stdout(&o));
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args(["flexsearch", q, "--null", "(null)"]),
        "",
    );
    assert!(stdout(&o).contains("(null)"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("NULL"), "{}", stdout(&o));
}

#[test]
fn the_timeout_holds_for_imports_and_wait_timeout_exits_6() {
    let fake = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .update_duration(Duration::from_secs(5))
        .start();
    let dir = TempDir::new().unwrap();
    // A slow server: --timeout cuts an import off too (exit 4), no 30-minute wait.
    fake.set_delay(Duration::from_millis(1500));
    let started = std::time::Instant::now();
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "--no-session-cache",
            "--timeout",
            "1s",
            "impex",
            "import",
            "-",
        ]),
        "INSERT_UPDATE Language;isocode[unique=true]\n;de",
    );
    assert_exit(&o, 4);
    assert!(started.elapsed() < Duration::from_secs(10));
    // --long-timeout keeps imports apart.
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "--timeout",
            "5s",
            "--long-timeout",
            "20s",
            "impex",
            "import",
            "-",
        ]),
        "INSERT_UPDATE Language;isocode[unique=true]\n;de",
    );
    assert_exit(&o, 0);
    fake.set_delay(Duration::ZERO);
    // Following an update gives up after --wait-timeout: exit 6, the update goes on.
    let started = std::time::Instant::now();
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "update",
            "run",
            "--follow",
            "--interval",
            "200ms",
            "--wait-timeout",
            "1s",
        ]),
        "",
    );
    assert_exit(&o, 6);
    assert_one_error_line(&o, "still running");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "not waiting for the update: {:?}",
        started.elapsed()
    );
}

/// A configuration with one profile, `k`, whose password comes from the keyring.
#[cfg(feature = "keyring")]
fn keyring_profile(dir: &std::path::Path, url: &str) -> std::path::PathBuf {
    let config = dir.join("config.toml");
    write_config(
        &config,
        format!(
            "[profiles.k]\nurl = \"{url}\"\nuser = \"{USER}\"\nkeyring = true\nenvironment = \"kr\"\n"
        ),
    )
    .unwrap();
    config
}

/// The kernel keyring, kept apart from the user's: every `hac` of the test runs inside one
/// wrapper process that first joins a new, empty session keyring (keyctl has no safe Rust
/// binding, and this crate forbids `unsafe`: Python's ctypes does the two system calls).
/// Before it exits, the wrapper reports whether hac left the entry behind, then removes it
/// (the key, wherever it is linked, the user's persistent keyring included).
#[cfg(all(feature = "keyring", target_os = "linux"))]
const KEYRING_WRAPPER: &str = r#"
import ctypes, json, os, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.syscall(250, 1, None) < 0:  # KEYCTL_JOIN_SESSION_KEYRING, anonymous
    sys.exit("cannot join a new session keyring")
desc = sys.argv[1].encode()
def find():  # KEYCTL_SEARCH from the session keyring, as its possessor
    return libc.syscall(250, 10, ctypes.c_long(-3), b"user", desc, 0)
results = []
for spec in map(json.loads, sys.argv[2:]):
    env = dict(os.environ)
    for k in spec["remove"]:
        env.pop(k, None)
    env.update(spec["set"])
    p = subprocess.run(spec["args"], input=spec["stdin"].encode(), capture_output=True, env=env)
    results.append({"code": p.returncode, "stderr": p.stderr.decode(errors="replace"), "stored": find() > 0})
key = find()
if key > 0:
    libc.syscall(250, 21, ctypes.c_long(key))  # KEYCTL_INVALIDATE
print(json.dumps(results))
"#;

/// `hac login --save-password` stores the password in the system keyring, and a profile
/// with `keyring = true` logs in with it; where the keyring refuses, the refusal names
/// password_command and nothing is left in the keyring. On Linux the test's keyring is
/// its own (see [`KEYRING_WRAPPER`]); `HAC_TEST_KEYRING` makes a working keyring mandatory.
#[cfg(all(feature = "keyring", target_os = "linux"))]
#[test]
fn save_password_uses_the_keyring_or_says_why_not() {
    if !have(
        Command::new("python3").arg("--version").output().is_ok(),
        "python3 (to give the test a keyring of its own)",
    ) {
        return;
    }
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let config = keyring_profile(dir.path(), &fake.url());
    // Each command as the wrapper runs it: the environment `hac()` sets, and what it removes.
    let spec = |c: &Command, stdin: &str| {
        let mut set = serde_json::Map::new();
        let mut remove = Vec::new();
        for (k, v) in c.get_envs() {
            let k = k.to_string_lossy().into_owned();
            match v {
                Some(v) => {
                    set.insert(k, v.to_string_lossy().into_owned().into());
                }
                None => remove.push(k),
            }
        }
        let mut args = vec![c.get_program().to_string_lossy().into_owned()];
        args.extend(c.get_args().map(|a| a.to_string_lossy().into_owned()));
        serde_json::json!({"args": args, "set": set, "remove": remove, "stdin": stdin}).to_string()
    };
    let mut save = with_password(hac(&fake.url(), dir.path()));
    save.args(["login", "--save-password"]);
    let mut use_it = hac(&fake.url(), dir.path());
    use_it
        .env_remove("HAC_URL")
        .env("HAC_CONFIG", &config)
        .args(["--profile", "k", "groovy"]);
    let description = format!("keyring-rs:{USER}@hac:{}", fake.url());
    let o = Command::new("python3")
        .args(["-c", KEYRING_WRAPPER, &description])
        .arg(spec(&save, ""))
        .arg(spec(&use_it, "return 1"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let results: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let (saved, used) = (&results[0], &results[1]);
    if saved["code"] != 0 {
        // The keyring refused (this kernel keyring takes the key, then refuses to link it
        // to the persistent keyring): the refusal names password_command, and the half
        // stored password was taken back.
        assert!(
            std::env::var_os("HAC_TEST_KEYRING").is_none(),
            "HAC_TEST_KEYRING: the keyring is unusable: {}",
            saved["stderr"]
        );
        assert_eq!(saved["code"], 2, "{}", saved["stderr"]);
        let stderr = saved["stderr"].as_str().unwrap();
        assert!(stderr.contains("password_command"), "{stderr}");
        assert_eq!(
            saved["stored"], false,
            "a password reported as not stored was left behind"
        );
        eprintln!("the keyring is not usable here: the refusal and the clean-up were checked");
        return;
    }
    assert_eq!(saved["stored"], true);
    assert_eq!(used["code"], 0, "{}", used["stderr"]);
}

/// Elsewhere the system's keyring is used, and the entry removed however the test ends.
#[cfg(all(feature = "keyring", not(target_os = "linux")))]
#[test]
fn save_password_uses_the_keyring_or_says_why_not() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    struct Forget(String);
    impl Drop for Forget {
        fn drop(&mut self) {
            if let Ok(entry) = keyring::Entry::new(&self.0, USER) {
                let _ = entry.delete_credential();
            }
        }
    }
    let _forget = Forget(format!("hac:{}", fake.url()));
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args(["login", "--save-password"]),
        "",
    );
    if code(&o) != 0 {
        assert!(
            std::env::var_os("HAC_TEST_KEYRING").is_none(),
            "HAC_TEST_KEYRING: the keyring is unusable: {}",
            stderr(&o)
        );
        assert_exit(&o, 2);
        assert_one_error_line(&o, "password_command");
        return;
    }
    let config = keyring_profile(dir.path(), &fake.url());
    let mut c = hac(&fake.url(), dir.path());
    c.env_remove("HAC_URL").env("HAC_CONFIG", &config);
    let o = run(c.args(["--profile", "k", "groovy"]), "return 1");
    assert_exit(&o, 0);
}

/// Flags people guess: `--output` is the long form of `-o` everywhere, `--limit` is
/// `--max`, and a mistyped flag never gets a write flag suggested.
#[test]
fn flags_people_guess() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args(["health", "--output", "json"]),
        "",
    );
    assert_exit(&o, 0);
    assert!(json(&o).get("status").is_some());
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "flexsearch",
            "SELECT {pk} FROM {Product}",
            "--limit",
            "1",
            "--output",
            "json",
        ]),
        "",
    );
    assert_exit(&o, 0);
    assert_eq!(json(&o).as_array().unwrap().len(), 1);
    for typo in ["--comit", "--commt", "--ye", "--drop-table"] {
        let o = run(
            hac(&fake.url(), dir.path()).args(["flexsearch", typo, "x"]),
            "",
        );
        assert_exit(&o, 2);
        for write in ["--commit", "--yes", "--drop-tables"] {
            assert!(!stderr(&o).contains(write), "{typo}: {}", stderr(&o));
        }
    }
    // A harmless suggestion stays.
    let o = run(
        hac(&fake.url(), dir.path()).args(["flexsearch", "--limt", "5", "x"]),
        "",
    );
    assert!(stderr(&o).contains("--limit"), "{}", stderr(&o));
}

/// Files and directories a command writes are checked before anything is sent: a missing
/// directory is created, one that cannot be made is a usage error with zero requests.
#[test]
fn output_destinations_are_checked_before_a_request() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let under_file = blocker.join("dump.txt");
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "threaddump",
            "-o",
            under_file.to_str().unwrap(),
        ]),
        "",
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "cannot create its directory");
    assert_eq!(fake.stats().requests, 0);
    let script = dir.path().join("export.impex");
    std::fs::write(&script, "INSERT_UPDATE Language;isocode[unique=true]\n\"#% impex.exportItems(\"\"Language\"\", false);\"\n").unwrap();
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "impex",
            "export",
            script.to_str().unwrap(),
            "-o",
            blocker.join("out").to_str().unwrap(),
        ]),
        "",
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "cannot create its directory");
    assert_eq!(fake.stats().requests, 0);
    // A missing directory is created, and the dump lands there.
    let nested = dir.path().join("new/dir/dump.txt");
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "threaddump",
            "-o",
            nested.to_str().unwrap(),
        ]),
        "",
    );
    assert_exit(&o, 0);
    assert!(std::fs::metadata(&nested).unwrap().len() > 0);
}
