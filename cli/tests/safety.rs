//! The safety model, attacked as issue 20 did: every write and code-execution operation on
//! guarded profiles (exit 5 and nothing sent), the reads that still pass, SQL and export
//! scripts classified by their text, the guard following the server however it is
//! addressed, configuration files others could change, and passwords that go only where
//! they are meant. `hac` runs as a real process against the fake HAC.

mod common;

use std::process::{Command, Output};

use common::*;
use hac_fake::FakeHac;

/// One guarded operation: the arguments after the profile, and standard input.
struct Op {
    args: &'static [&'static str],
    stdin: &'static str,
    /// What the refusal must name.
    why: &'static str,
}

const EXPORT_WITH_CODE: &str =
    "INSERT_UPDATE Product;code[unique=true]\n\"#% impex.exportItems(\"\"Product\"\", false);\"\n";

/// Every write and code-execution operation of the table, as a user would type it.
fn guarded_ops() -> Vec<Op> {
    let op = |args, stdin, why| Op { args, stdin, why };
    vec![
        op(&["groovy"], "return 1", "database transaction only"),
        op(&["groovy", "--commit"], "return 1", "runs code"),
        op(&["groovy", "--type", "beanshell"], "return 1;", "runs code"),
        op(
            &["flexsearch", "--sql", "DROP TABLE products"],
            "",
            "DROP TABLE",
        ),
        op(
            &["flexsearch", "--sql", "TRUNCATE TABLE products"],
            "",
            "TRUNCATE",
        ),
        op(
            &["flexsearch", "--sql", "DELETE FROM products"],
            "",
            "DELETE",
        ),
        op(
            &[
                "flexsearch",
                "--sql",
                "WITH x AS (SELECT 1) DELETE FROM products",
            ],
            "",
            "DELETE",
        ),
        op(
            &["flexsearch", "--sql", "SELECT 1; DROP TABLE products"],
            "",
            "statements",
        ),
        // SQL Server runs a second statement without `;`.
        op(
            &[
                "flexsearch",
                "SELECT {pk} FROM {Product} DROP TABLE products",
            ],
            "",
            "second statement",
        ),
        op(
            &[
                "flexsearch",
                "--sql",
                "SELECT p_code FROM products SHUTDOWN",
            ],
            "",
            "SHUTDOWN",
        ),
        op(
            &[
                "flexsearch",
                "--sql",
                "SELECT * FROM products INTO OUTFILE '/tmp/x'",
            ],
            "",
            "INTO",
        ),
        op(
            &["flexsearch", "--sql", "SELECT pg_terminate_backend(1)"],
            "",
            "pg_terminate_backend",
        ),
        op(
            &["flexsearch", "--sql", "SELEC broken"],
            "",
            "does not parse",
        ),
        op(
            &[
                "flexsearch",
                "--sql",
                "--commit",
                "SELECT p_code FROM products",
            ],
            "",
            "--commit",
        ),
        op(
            &["impex", "import", "-"],
            "INSERT_UPDATE Language;isocode[unique=true]\n;de\n",
            "write",
        ),
        op(
            &["impex", "import", "--code-execution", "-"],
            "INSERT_UPDATE Language;isocode[unique=true]\n;de\n",
            "code execution",
        ),
        op(
            &["impex", "validate", "--code-execution", "-"],
            "INSERT_UPDATE Language;isocode[unique=true]\n;de\n",
            "code execution",
        ),
        op(
            &["impex", "export", "-", "-o", "unused-export-dir"],
            EXPORT_WITH_CODE,
            "line 2",
        ),
        // An adversarial pass's findings: text HAC's XSS filter rewrites on the way in
        // (into a TRUNCATE, a second statement, BeanShell), SQL Server's bracketed names
        // hiding a batch, a Unicode space after `--`, quoted function names, FlexibleSearch
        // that is no SELECT.
        op(
            &[
                "flexsearch",
                "--sql",
                "/*<script*/ SELECT '>*/ TRUNCATE TABLE products --' AS a",
            ],
            "",
            "XSS filter",
        ),
        op(
            &[
                "flexsearch",
                "--sql",
                "SELECT 'eval(' AS a, upper('x') AS b, '; DROP TABLE products; SELECT 1 --' AS c",
            ],
            "",
            "XSS filter",
        ),
        op(
            &["flexsearch", "--sql", "-"],
            "SELECT 1 [x-- ]; DELETE FROM products; COMMIT; SELECT 1 [y\n]",
            "bracketed",
        ),
        op(
            &["flexsearch", "--sql", "-"],
            "SELECT 1 --\u{a0} INTO OUTFILE '/tmp/x'\nFROM (SELECT 1 AS \"\u{a0}\") t",
            "ASCII space",
        ),
        op(
            &[
                "flexsearch",
                "SELECT {pk} FROM {Product} WHERE \"setval\"('seq',1) > 0",
            ],
            "",
            "setval",
        ),
        op(&["flexsearch", "TRUNCATE TABLE products"], "", "SELECT"),
        op(
            &["impex", "export", "-", "-o", "unused-export-dir"],
            "INSERT_UPDATE Product;code[unique=true]\n#eval()% new java.io.File(\"/tmp/pwned\").createNewFile();\n",
            "line 2",
        ),
        op(&["update", "run"], "", "write"),
        op(&["log-level", "de.hybris", "DEBUG"], "", "write"),
        op(&["config", "set", "my.flag", "true"], "", "write"),
        op(&["cache", "clear"], "", "write"),
        op(&["cronjobs", "abort"], "", "write"),
    ]
}

fn guarded(fake: &FakeHac, flags: &str) -> Setup {
    Setup::new(&format!(
        "[profiles.prod]\nurl = \"{}\"\nuser = \"{USER}\"\n{flags}\n",
        fake.url()
    ))
}

fn on(setup: &Setup, extra: &[&str], op: &Op) -> Output {
    let mut c = with_password(setup.hac());
    c.current_dir(setup.dir.path())
        .args(["--profile", "prod"])
        .args(extra)
        .args(op.args);
    run(&mut c, op.stdin)
}

/// Issue 25's table: every write and code-execution operation × read_only / protected /
/// `--yes` / no terminal, asserting the exit code and that nothing was sent.
#[test]
fn every_write_and_code_execution_is_guarded() {
    let fake = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .update_duration(std::time::Duration::from_millis(10))
        .running_cron_job("job-1", "syncJob", true)
        .start();
    let read_only = guarded(&fake, "read_only = true");
    let protected = guarded(&fake, "protected = true");
    for op in guarded_ops() {
        for (setup, extra, kind) in [
            (&read_only, &[][..], "read-only"),
            (&read_only, &["--yes"][..], "read-only"),
            (&protected, &[][..], "protected"),
        ] {
            let before = fake.stats().requests;
            let o = on(setup, extra, &op);
            assert_exit(&o, 5);
            assert_one_error_line(&o, kind);
            assert_one_error_line(&o, op.why);
            assert_one_error_line(&o, "nothing was sent");
            assert_eq!(
                fake.stats().requests,
                before,
                "{:?} {extra:?}: sent",
                op.args
            );
        }
        // Confirmed on a protected profile, it is sent.
        let before = fake.stats().requests;
        let o = on(&protected, &["--yes"], &op);
        assert_ne!(code(&o), 5, "{:?}: {}", op.args, stderr(&o));
        assert!(
            fake.stats().requests > before,
            "{:?}: --yes sends it",
            op.args
        );
    }
    assert!(!read_only.dir.path().join("unused-export-dir").exists());
}

/// What cannot change the server passes a read-only profile without a question.
#[test]
fn reads_pass_a_read_only_profile() {
    let fake = fake();
    let setup = guarded(&fake, "read_only = true");
    let reads: [(&[&str], &str); 12] = [
        (&["flexsearch", "SELECT {pk} FROM {Product}"], ""),
        (&["flexsearch", "--sql", "SELECT p_code FROM products"], ""),
        (
            &[
                "flexsearch",
                "--sql",
                "WITH x AS (SELECT p_code FROM products) SELECT * FROM x",
            ],
            "",
        ),
        (
            &["impex", "validate", "-"],
            "INSERT_UPDATE Language;isocode[unique=true]\n;de\n",
        ),
        (
            &["impex", "export", "-", "-o", "out"],
            "INSERT_UPDATE Product;code[unique=true]\n",
        ),
        (&["update", "data"], ""),
        (&["update", "run", "--dry-run"], ""),
        (&["log-level", "de.hybris"], ""),
        (&["config", "get", "build.version"], ""),
        (&["cache", "stats"], ""),
        (&["cronjobs"], ""),
        (&["about"], ""),
    ];
    for (args, stdin) in reads {
        let mut c = with_password(setup.hac());
        c.current_dir(setup.dir.path())
            .args(["--profile", "prod"])
            .args(args);
        let o = run(&mut c, stdin);
        assert_ne!(code(&o), 5, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("refused"), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(fake.stats().commits, 0);
}

/// `--commit` means SQL; a FlexibleSearch query only reads.
#[test]
fn commit_without_sql_is_a_usage_error() {
    let fake = fake();
    let cache = tempfile::TempDir::new().unwrap();
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args([
            "flexsearch",
            "--commit",
            "SELECT {pk} FROM {Product}",
        ]),
        "",
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "--commit commits SQL");
    assert_eq!(fake.stats().requests, 0);
}

/// A marked profile protects its server however it is reached: --url, HAC_URL, another
/// profile without marks, a URL written differently, after its session was cached.
#[test]
fn the_guard_follows_the_server() {
    let fake = fake();
    let url = fake.url();
    let setup = Setup::new(&format!(
        "[profiles.prod]\nurl = \"{url}\"\nuser = \"{USER}\"\nread_only = true\n\n\
         [profiles.alias]\nurl = \"{url}/\"\nuser = \"{USER}\"\n\n\
         [profiles.admin]\nurl = \"{url}\"\nuser = \"{USER}\"\nread_only = false\n\n\
         [profiles.break-glass]\nurl = \"{url}\"\nuser = \"{USER}\"\nread_only = false\nprotected = false\n\n\
         [profiles.dev]\nurl = \"http://127.0.0.1:1\"\nuser = \"{USER}\"\n"
    ));
    // The guarded profile logs in; its session is cached.
    let o = run(
        with_password(setup.hac()).args(["--profile", "prod", "login"]),
        "",
    );
    assert_exit(&o, 0);
    let before = fake.stats().requests;
    let refused = |c: &mut Command, why: &str| {
        let o = run(c, "return 1");
        assert_exit(&o, 5);
        assert_one_error_line(&o, why);
    };
    for variant in [
        url.clone(),
        format!("{url}/"),
        format!("{url}/hac"),
        url.replace("127.0.0.1", "127.0.0.1."),
        // This machine, however it is named (a port-forward to production is on it).
        url.replace("127.0.0.1", "0"),
        url.replace("127.0.0.1", "0.0.0.0"),
        url.replace("127.0.0.1", "localhost"),
        url.replace("127.0.0.1", "[::ffff:127.0.0.1]"),
        url.replace("127.0.0.1", "127.1"),
    ] {
        refused(
            with_password(setup.hac()).args(["--url", &variant, "groovy", "--commit"]),
            "guarded by the profile prod",
        );
    }
    // The machine's own network address (a forward listening on 0.0.0.0 answers there).
    let own = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("198.51.100.1:9").map(|()| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    if let Some(own) = own {
        refused(
            with_password(setup.hac()).args([
                "--url",
                &url.replace("127.0.0.1", &own.to_string()),
                "groovy",
                "--commit",
            ]),
            "guarded by the profile prod",
        );
    }
    // The machine's own host name is this machine too (no lookup needed to refuse).
    #[cfg(target_os = "linux")]
    if let Ok(host) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
        refused(
            with_password(setup.hac()).args([
                "--url",
                &url.replace("127.0.0.1", host.trim()),
                "groovy",
                "--commit",
            ]),
            "guarded by the profile prod",
        );
    }
    refused(
        with_password(setup.hac())
            .env("HAC_URL", &url)
            .args(["--env", "prod", "groovy", "--commit"]),
        "guarded by the profile prod",
    );
    // The cached session of prod is not a way around it.
    refused(
        setup
            .hac()
            .args(["--url", &url, "--env", "prod", "groovy", "--commit"]),
        "read-only",
    );
    refused(
        with_password(setup.hac()).args(["--profile", "alias", "groovy"]),
        "guarded by the profile prod",
    );
    // Another profile's URL replaced by --url: only its own `true`s count, not its `false`s.
    refused(
        with_password(setup.hac()).args(["--profile", "dev", "--url", &url, "cache", "clear"]),
        "read-only",
    );
    refused(
        with_password(setup.hac()).args([
            "--profile",
            "break-glass",
            "--url",
            &url,
            "cache",
            "clear",
        ]),
        "read-only",
    );
    // The refusal names the profile whose mark applies, here the read-only one.
    let o = run(
        with_password(setup.hac()).args(["--profile", "alias", "--url", &url, "cache", "clear"]),
        "",
    );
    assert_exit(&o, 5);
    assert_one_error_line(&o, "guarded by the profile prod, which is read-only");
    // A profile that opts out of read_only itself is still protected by prod's mark.
    refused(
        with_password(setup.hac()).args(["--profile", "admin", "cache", "clear"]),
        "protected",
    );
    assert_eq!(fake.stats().requests, before, "nothing was sent");
    // profiles show says where the mark comes from.
    let o = run(
        setup
            .hac()
            .args(["--url", &url, "profiles", "show", "-o", "json"]),
        "",
    );
    let v = json(&o);
    assert_eq!(v["read_only"]["value"], true);
    assert_eq!(v["guarded_by"], "prod");
    // The deliberately unguarded profile, and the confirmed one, run.
    let o = run(
        with_password(setup.hac()).args(["--profile", "break-glass", "cache", "clear"]),
        "",
    );
    assert_exit(&o, 0);
    let o = run(
        with_password(setup.hac()).args(["--profile", "admin", "--yes", "cache", "clear"]),
        "",
    );
    assert_exit(&o, 0);
}

/// The HTTP port of a server redirects to its HTTPS port, and the client follows: a
/// profile marked for the HTTPS address guards the HTTP one too (any port of the host).
#[test]
fn the_guard_holds_across_the_redirect_to_https() {
    let fake = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .tls(hac_fake::TlsMode::SelfSigned)
        .http_redirect(true)
        .start();
    let https = fake.url_with_host("localhost");
    let http = fake.http_url().expect("a plain-HTTP port");
    let setup = Setup::new(&format!(
        "[profiles.prod]\nurl = \"{https}/hac\"\nuser = \"{USER}\"\nread_only = true\n"
    ));
    for args in [
        &["--url", &format!("{http}/hac"), "groovy", "-"][..],
        &[
            "--url",
            &format!("{http}/hac"),
            "log-level",
            "de.hybris",
            "DEBUG",
        ],
    ] {
        let o = run(with_password(setup.hac()).args(args), "println 'ran'");
        assert_exit(&o, 5);
        assert_one_error_line(&o, "guarded by the profile prod");
    }
    assert_eq!(fake.stats().requests, 0, "nothing reached either port");
}

/// `hac doctor` checks each console with a read: no script runs, even rolled back.
#[test]
fn doctor_runs_no_code() {
    let fake = fake();
    let setup = guarded(&fake, "read_only = true");
    let o = run(
        with_password(setup.hac()).args(["--profile", "prod", "doctor"]),
        "",
    );
    assert_exit(&o, 0);
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert!(
        paths.iter().any(|p| p.ends_with("/console/scripting")),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.contains("/scripting/execute")),
        "{paths:?}"
    );
}

/// A profile's password sources stay with its server: `--url` elsewhere does not take them.
#[test]
fn a_profile_s_password_stays_with_its_server() {
    let home = fake();
    let other = FakeHac::builder()
        .context_path("/hac")
        .user(USER, "other-pw")
        .start();
    let setup = Setup::new(&format!(
        "[profiles.prod]\nurl = \"{}\"\nuser = \"{USER}\"\npassword_command = \"echo {PASSWORD}\"\n",
        home.url()
    ));
    let o = run(
        setup
            .hac()
            .env("HAC_PROFILE", "prod")
            .args(["--url", &other.url(), "about"]),
        "",
    );
    assert_exit(&o, 3);
    assert!(
        stderr(&o).contains("not the server of profile prod"),
        "{}",
        stderr(&o)
    );
    for r in other.requests() {
        assert!(
            !String::from_utf8_lossy(&r.body).contains(PASSWORD),
            "{} got the password",
            r.path
        );
    }
    assert_eq!(
        other.stats().login_attempts,
        0,
        "no password to send: no login"
    );
    // At home it is used.
    let o = run(setup.hac().args(["--profile", "prod", "about"]), "");
    assert_exit(&o, 0);
}

#[cfg(unix)]
fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Whether this process may give files away (root).
#[cfg(unix)]
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A configuration file that someone else could change is refused before any of its
/// commands runs (OpenSSH's StrictModes).
#[cfg(unix)]
#[test]
fn config_files_others_could_change_are_refused() {
    let fake = fake();
    let dir = tempfile::TempDir::new().unwrap();
    let ran = dir.path().join("password_command-ran");
    let profile = format!(
        "[profiles.p]\nurl = \"{}\"\nuser = \"{USER}\"\npassword_command = \"touch {} && echo {PASSWORD}\"\n",
        fake.url(),
        ran.display()
    );
    let attempt = |config: &std::path::Path| {
        let mut c = hac("unused", &dir.path().join("cache"));
        c.env_remove("HAC_URL").env("HAC_CONFIG", config).args([
            "--profile",
            "p",
            "flexsearch",
            "SELECT {pk} FROM {Product}",
        ]);
        run(&mut c, "")
    };
    let config = dir.path().join("config.toml");
    write_config(&config, &profile).unwrap();

    chmod(&config, 0o666);
    let o = attempt(&config);
    assert_exit(&o, 2);
    assert_one_error_line(&o, "writable by group and others");
    assert_one_error_line(&o, "chmod go-w");
    chmod(&config, 0o620);
    assert_one_error_line(&attempt(&config), "writable by its group");
    chmod(&config, 0o600);

    // In a directory anyone can write to: refused; sticky (as /tmp) and ours: fine.
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let in_shared = shared.join("config.toml");
    write_config(&in_shared, &profile).unwrap();
    chmod(&shared, 0o777);
    let o = attempt(&in_shared);
    assert_exit(&o, 2);
    assert_one_error_line(&o, "not sticky");
    // A link to it, from a safe place, is refused as well.
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink(&in_shared, &link).unwrap();
    assert_exit(&attempt(&link), 2);
    assert_eq!(fake.stats().requests, 0, "refused files send nothing");
    chmod(&shared, 0o1777);
    assert_exit(&attempt(&link), 0);
    let sent = fake.stats().requests;
    assert!(ran.exists(), "a trusted file's command runs");
    std::fs::remove_file(&ran).unwrap();
    chmod(&shared, 0o777);

    // Owned by another user, or reached through another user's link: needs root.
    if is_root() {
        let link_dir = dir.path().join("via");
        let real_dir = dir.path().join("real");
        std::fs::create_dir(&real_dir).unwrap();
        chmod(&real_dir, 0o700);
        write_config(real_dir.join("config.toml"), &profile).unwrap();
        std::os::unix::fs::symlink(&real_dir, &link_dir).unwrap();
        assert!(
            Command::new("chown")
                .args(["-h", "65534", link_dir.to_str().unwrap()])
                .status()
                .unwrap()
                .success()
        );
        let o = attempt(&link_dir.join("config.toml"));
        assert_exit(&o, 2);
        assert_one_error_line(&o, "a link owned by another user (uid 65534)");
        let theirs = dir.path().join("theirs.toml");
        write_config(&theirs, &profile).unwrap();
        Command::new("chown")
            .args(["65534", theirs.to_str().unwrap()])
            .status()
            .unwrap();
        let o = attempt(&theirs);
        assert_exit(&o, 2);
        assert_one_error_line(&o, "belongs to another user (uid 65534)");
    } else {
        assert!(
            std::env::var_os("HAC_TEST_STRICT").is_none(),
            "HAC_TEST_STRICT: the other-owner case needs root"
        );
        eprintln!("skipped the other-owner case: not root");
    }
    assert!(!ran.exists(), "no command of a refused file ran");
    assert_eq!(
        fake.stats().requests,
        sent,
        "only the trusted run sent anything"
    );

    // Not a regular file: refused at once, never read until memory runs out or hung on.
    for special in ["/dev/zero", "/dev/urandom"] {
        let o = attempt(std::path::Path::new(special));
        assert_exit(&o, 2);
        assert_one_error_line(&o, "not a regular file");
    }
    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    chmod(&fifo, 0o600);
    let o = attempt(&fifo);
    assert_exit(&o, 2);
    let big = dir.path().join("big.toml");
    write_config(&big, format!("# {}\n", "x".repeat(2 << 20))).unwrap();
    assert_one_error_line(&attempt(&big), "larger than");
}

/// `--password-stdin` and `HAC_PASSWORD` name one password for one server: never sent to
/// several, and never taken for script text.
#[test]
fn passwords_go_only_where_they_are_meant() {
    let one = fake();
    let other_password = "Other-pw-9b1e";
    let two = FakeHac::builder()
        .context_path("/hac")
        .user(USER, other_password)
        .start();
    let setup = Setup::new(&format!(
        "[profiles.one]\nurl = \"{}\"\nuser = \"{USER}\"\npassword_command = \"echo {PASSWORD}\"\n\n\
         [profiles.two]\nurl = \"{}\"\nuser = \"{USER}\"\npassword_command = \"echo {other_password}\"\n",
        one.url(),
        two.url()
    ));
    // Sessions cached on both, so that no login would read a password line.
    for p in ["one", "two"] {
        let o = run(setup.hac().args(["--profile", p, "login"]), "");
        assert_exit(&o, 0);
    }
    let before = one.stats().requests + two.stats().requests;
    let o = run(
        setup
            .hac()
            .args(["--profiles", "one,two", "--password-stdin", "groovy"]),
        &format!("{PASSWORD}\nprintln 1\n"),
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "--password-stdin");
    assert_eq!(
        one.stats().requests + two.stats().requests,
        before,
        "nothing was sent"
    );

    // HAC_PASSWORD is not sent to every profile: each logs in with its own command.
    one.expire_sessions();
    two.expire_sessions();
    let o = run(
        setup
            .hac()
            .env("HAC_PASSWORD", "Env-pw-must-stay-home")
            .args(["--profiles", "one,two", "about", "-o", "json"]),
        "",
    );
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("HAC_PASSWORD is not used with --profiles"),
        "{}",
        stderr(&o)
    );
    for fake in [&one, &two] {
        assert_eq!(
            fake.stats().logins,
            2,
            "each logged in again with its own password"
        );
        for r in fake.requests() {
            let body = String::from_utf8_lossy(&r.body);
            assert!(
                !body.contains("Env-pw-must-stay-home"),
                "{} got HAC_PASSWORD",
                r.path
            );
            if !r.path.ends_with("j_spring_security_check") {
                assert!(
                    !body.contains(PASSWORD) && !body.contains(other_password),
                    "{}: a password outside the login form",
                    r.path
                );
            }
        }
    }
    // The password is read before the script: the script is never the password line.
    let o = run(
        setup
            .hac()
            .args(["--profile", "one", "--password-stdin", "groovy", "-"]),
        &format!("{PASSWORD}\nprintln 'script'\n"),
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "cannot both come from standard input");
}

/// The refusal names the profile whose mark refuses: a read-only profile of a server that
/// another profile protects is refused as itself read-only.
#[test]
fn the_refusal_names_the_mark_that_refuses() {
    let fake = fake();
    let setup = Setup::new(&format!(
        "[profiles.guarded]\nurl = \"{0}\"\nuser = \"{USER}\"\nprotected = true\n\n\
         [profiles.reads]\nurl = \"{0}\"\nuser = \"{USER}\"\nread_only = true\n",
        fake.url()
    ));
    let o = run(
        with_password(setup.hac()).args(["--profile", "reads", "--yes", "groovy"]),
        "return 1",
    );
    assert_exit(&o, 5);
    assert_one_error_line(&o, "the profile reads is read-only");
    assert_eq!(fake.stats().requests, 0);
}
