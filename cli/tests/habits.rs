//! The parts of `hac` that fit people's habits and CI: completions that bash accepts, a man
//! page, JUnit XML and GitHub annotations from ImpEx and Groovy failures, `-o`, `--null`,
//! the timeout for imports, and `--wait-timeout`'s own exit code.

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;
use hac_fake::FakeHac;
use tempfile::TempDir;

#[test]
fn completions_parse_in_bash_and_the_man_page_renders() {
    let cache = TempDir::new().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = run(
            hac("http://x", cache.path()).args(["completions", shell]),
            "",
        );
        assert_exit(&o, 0);
        assert!(stdout(&o).contains("hac"), "{shell}");
    }
    let o = run(
        hac("http://x", cache.path()).args(["completions", "bash"]),
        "",
    );
    let script = cache.path().join("hac.bash");
    std::fs::write(&script, stdout(&o)).unwrap();
    if Command::new("bash").arg("--version").output().is_ok() {
        // Loaded by bash, the script registers a completion for `hac`.
        let check = Command::new("bash")
            .arg("-c")
            .arg(format!("source {} && complete -p hac", script.display()))
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
        assert!(String::from_utf8_lossy(&check.stdout).contains("hac"));
    }
    let o = run(hac("http://x", cache.path()).arg("man"), "");
    assert_exit(&o, 0);
    assert!(
        stdout(&o).starts_with(".ie") || stdout(&o).contains(".TH hac"),
        "{}",
        &stdout(&o)[..80]
    );
    let o = run(
        hac("http://x", cache.path()).args(["completions", "tcsh"]),
        "",
    );
    assert_exit(&o, 2);
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

#[cfg(feature = "keyring")]
#[test]
fn save_password_uses_the_keyring_or_says_why_not() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args(["login", "--save-password"]),
        "",
    );
    if code(&o) != 0 {
        // No usable keyring here (containers often block the kernel keyring): a local
        // error that points at password_command.
        assert_exit(&o, 2);
        assert_one_error_line(&o, "password_command");
        return;
    }
    // Stored: a profile with keyring = true logs in without any other password source.
    let config = dir.path().join("config.toml");
    write_config(
        &config,
        format!(
            "[profiles.k]\nurl = \"{}\"\nuser = \"{USER}\"\nkeyring = true\nenvironment = \"kr\"\n",
            fake.url()
        ),
    )
    .unwrap();
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
