//! Profiles, the production guard and signing in beyond a password, with `hac` as a real
//! process against the fake HAC: precedence of flag > environment > profile > default,
//! every key, bad files, protected and read-only profiles (a terminal confirmation through
//! a pty), password_command, cookie import, gateway Basic auth, and exit code 5.

mod common;

use std::path::Path;
#[cfg(target_os = "linux")]
use std::process::Command;

use common::*;
use hac_fake::FakeHac;
use tempfile::TempDir;

fn show(setup: &Setup, args: &[&str]) -> serde_json::Value {
    let o = run(
        setup
            .hac()
            .args(args)
            .args(["profiles", "show", "-o", "json"]),
        "",
    );
    assert_exit(&o, 0);
    json(&o)
}

#[test]
fn precedence_flag_env_profile_default() {
    let a = fake();
    let b = fake();
    let setup = Setup::new(&format!(
        r#"
default_profile = "staging"
[profiles.staging]
url = "{}"
user = "{USER}"
timeout = "45s"
context_path = "/hac"
[profiles.other]
url = "{}"
user = "{USER}"
"#,
        a.url(),
        b.url()
    ));
    // The default profile.
    let v = show(&setup, &[]);
    assert_eq!(v["profile"]["value"], "staging");
    assert_eq!(v["url"]["value"], a.url().as_str());
    assert_eq!(v["url"]["source"], "profile");
    assert_eq!(v["user"]["source"], "profile");
    assert_eq!(v["timeout"]["value"], "45s");
    // A timeout given holds for imports and updates too.
    assert_eq!(v["long_timeout"]["value"], "45s");
    assert_eq!(
        v["environment"]["value"], "staging",
        "the cache tag is the profile's name"
    );
    assert_eq!(v["protected"]["source"], "default");
    // The environment beats the profile, the flag beats both.
    let mut c = setup.hac();
    c.env("HAC_TIMEOUT", "50s").env("HAC_PROFILE", "other");
    let o = run(c.args(["profiles", "show", "-o", "json"]), "");
    let v = json(&o);
    assert_eq!(v["profile"]["value"], "other");
    assert_eq!(v["timeout"]["value"], "50s");
    assert_eq!(v["timeout"]["source"]["env"], "HAC_TIMEOUT");
    let mut c = setup.hac();
    c.env("HAC_TIMEOUT", "50s");
    let o = run(
        c.args([
            "--timeout",
            "55s",
            "--profile",
            "other",
            "profiles",
            "show",
            "-o",
            "json",
        ]),
        "",
    );
    let v = json(&o);
    assert_eq!(v["timeout"]["value"], "55s");
    assert_eq!(v["timeout"]["source"], "flag");
    assert_eq!(v["user"]["value"], USER);
    // Built-in default when nothing says otherwise.
    let bare = Setup::new("");
    let v = show(&bare, &["--url", "http://x:1"]);
    assert_eq!(v["user"]["value"], "admin");
    assert_eq!(v["user"]["source"], "default");
    assert_eq!(v["environment"]["value"], "local");
    // And the calls go where the settings say.
    let o = run(with_password(setup.hac()).arg("groovy"), "return 1");
    assert_exit(&o, 0);
    assert_eq!(a.stats().console_calls, 1);
    let mut c = with_password(setup.hac());
    c.env("HAC_URL", b.url());
    assert_exit(&run(c.arg("groovy"), "return 1"), 0);
    assert_eq!(b.stats().console_calls, 1);
    // profiles list marks the default.
    let o = run(setup.hac().args(["profiles", "list"]), "");
    assert!(
        stdout(&o).contains("staging\t") && stdout(&o).contains("default"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn every_key_is_read_and_shown_without_secrets() {
    let setup = Setup::new(
        r#"
[profiles.full]
url = "https://hac.example.com"
user = "deployer"
context_path = "/hac"
ca_cert = "certs/ca.pem"
timeout = 20
long_timeout = "1h"
environment = "prod-eu"
protected = true
read_only = true
password_command = "pass show hac/prod"
keyring = true
node = "node1"
nodes = ["node1", "node2"]
proxy = "http://proxyuser:proxy-secret@proxy.example.com:3128"
gateway_user = "gw"
gateway_password_command = "pass show gw"
"#,
    );
    let v = show(&setup, &["--profile", "full"]);
    for key in [
        "url",
        "user",
        "context_path",
        "ca_cert",
        "timeout",
        "long_timeout",
        "environment",
        "protected",
        "read_only",
        "password_command",
        "keyring",
        "node",
        "nodes",
        "proxy",
        "gateway_user",
        "gateway_password_command",
    ] {
        assert_eq!(v[key]["source"], "profile", "{key}: {v}");
    }
    // A relative ca_cert is relative to the file.
    assert_eq!(
        v["ca_cert"]["value"],
        setup.dir.path().join("certs/ca.pem").display().to_string()
    );
    assert_eq!(v["long_timeout"]["value"], "1h");
    let o = run(setup.hac().args(["profiles", "show", "full"]), "");
    assert_exit(&o, 0);
    let text = stdout(&o);
    assert!(text.contains("pass show hac/prod"), "{text}");
    assert!(!text.contains("proxy-secret"), "{text}");
    assert!(!serde_json::to_string(&v).unwrap().contains("proxy-secret"));
}

#[test]
fn bad_files_name_the_file_and_line() {
    let cases = [
        (
            "[profiles.a]\nurl = \"http://x\"\npasword = \"x\"\n",
            3,
            "pasword",
        ),
        ("[profiles.a]\nprotected = \"yes\"\n", 2, "bool"),
        (
            "[profiles.a]\nurl = \"http://x\"\npassword = \"Pw-in-file-9\"\n",
            3,
            "password_command",
        ),
    ];
    for (toml, line, needle) in cases {
        let setup = Setup::new(toml);
        let o = run(setup.hac().args(["--profile", "a", "groovy"]), "return 1");
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{}:{line}:", setup.config.display())) && err.contains(needle),
            "{toml:?}: {err}"
        );
        assert!(!err.contains("Pw-in-file-9"), "{err}");
    }
    // An unknown profile names the file and the profiles there are.
    let setup = Setup::new("[profiles.dev]\nurl = \"http://x\"\n");
    let o = run(
        setup.hac().args(["--profile", "prod", "groovy"]),
        "return 1",
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "no profile \"prod\"");
    assert!(stderr(&o).contains("profiles: dev"));
    // An unreadable file (a directory), and a missing one that HAC_CONFIG names.
    for path in [
        setup.dir.path().to_owned(),
        setup.dir.path().join("missing.toml"),
    ] {
        let mut c = setup.hac();
        c.env("HAC_CONFIG", &path);
        let o = run(c.arg("groovy"), "return 1");
        assert_exit(&o, 2);
        assert_one_error_line(&o, "configuration file");
    }
}

fn guarded(fake: &FakeHac, flags: &str) -> Setup {
    Setup::new(&format!(
        "[profiles.prod]\nurl = \"{}\"\nuser = \"{USER}\"\n{flags}\n",
        fake.url()
    ))
}

#[test]
fn a_protected_profile_needs_yes_or_a_typed_confirmation() {
    let fake = fake();
    let setup = guarded(&fake, "protected = true");
    let writes: [&[&str]; 4] = [
        &["groovy", "--commit"],
        &["impex", "import", "-"],
        &["flexsearch", "--sql", "--commit", "UPDATE x SET y = 1"],
        &["update", "run"],
    ];
    for args in writes {
        let o = run(
            with_password(setup.hac())
                .args(["--profile", "prod"])
                .args(args),
            "return 1",
        );
        assert_exit(&o, 5);
        assert_one_error_line(&o, "protected");
        assert!(stderr(&o).contains("--yes"), "{}", stderr(&o));
    }
    assert_eq!(fake.stats().requests, 0, "refused before anything was sent");
    // Reads go through; so does a confirmed write.
    let o = run(
        with_password(setup.hac()).args(["--profile", "prod", "flexsearch", "-"]),
        "SELECT {pk} FROM {Product}",
    );
    assert_exit(&o, 0);
    let o = run(
        with_password(setup.hac()).args(["--profile", "prod", "--yes", "groovy", "--commit"]),
        "return 2",
    );
    assert_exit(&o, 0);
    assert_eq!(fake.stats().commits, 1);
}

/// The confirmation on a terminal, through a pty from util-linux `script`.
#[cfg(target_os = "linux")]
#[test]
fn the_confirmation_on_a_terminal() {
    if !have(
        Command::new("script").arg("--version").output().is_ok(),
        "util-linux `script` (a terminal)",
    ) {
        return;
    }
    let fake = fake();
    let setup = guarded(&fake, "protected = true");
    let script = setup.dir.path().join("s.groovy");
    std::fs::write(&script, "return 3").unwrap();
    let command = format!(
        "{} --profile prod groovy --commit {}",
        env!("CARGO_BIN_EXE_hac"),
        script.display()
    );
    for (typed, expected) in [("prod", 0), ("staging", 5)] {
        let mut c = Command::new("script");
        c.args(["-qec", &command, "/dev/null"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HAC_CONFIG", &setup.config)
            .env("HAC_CACHE_DIR", setup.cache())
            .env("HAC_PASSWORD", PASSWORD);
        let o = run(&mut c, &format!("{typed}\n"));
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(all.contains("type the profile name"), "{all}");
        assert_eq!(code(&o), expected, "{typed}: {all}");
    }
    assert_eq!(fake.stats().commits, 1);
}

#[test]
fn a_read_only_profile_refuses_every_write() {
    let fake = fake();
    let setup = guarded(&fake, "read_only = true");
    for args in [
        &["--yes", "groovy", "--commit"][..],
        &["groovy"],
        &["impex", "import", "-"],
    ] {
        let o = run(
            with_password(setup.hac())
                .args(["--profile", "prod"])
                .args(args),
            "x",
        );
        assert_exit(&o, 5);
        assert_one_error_line(&o, "read-only");
    }
    assert_eq!(fake.stats().requests, 0);
    // Reads run.
    let o = run(
        with_password(setup.hac()).args(["--profile", "prod", "flexsearch", "-"]),
        "SELECT {pk} FROM {Product}",
    );
    assert_exit(&o, 0);
    let o = run(
        with_password(setup.hac()).args(["--profile", "prod", "impex", "validate", "-"]),
        "INSERT_UPDATE Language;isocode[unique=true]\n;de",
    );
    assert_exit(&o, 0);
    assert_eq!(fake.stats().commits, 0);
}

#[test]
fn drop_tables_needs_yes_everywhere() {
    let fake = hac_fake::FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .update_duration(std::time::Duration::from_millis(50))
        .start();
    let cache = TempDir::new().unwrap();
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args(["update", "run", "--drop-tables"]),
        "",
    );
    assert_exit(&o, 5);
    assert_one_error_line(&o, "--drop-tables");
    assert_eq!(fake.stats().requests, 0);
    // A dry run sends nothing and shows the request.
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args([
            "update",
            "run",
            "--drop-tables",
            "--project-data",
            "--dry-run",
        ]),
        "",
    );
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("/platform/init/execute"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("\"dropTables\": true"),
        "{}",
        stdout(&o)
    );
    // No session yet: the context path is not known, and the placeholder says so.
    assert!(stdout(&o).contains("{context path}"), "{}", stdout(&o));
    assert!(stderr(&o).contains("detected at the first login"));
    assert_eq!(fake.stats().requests, 0);
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args([
            "--yes",
            "update",
            "run",
            "--drop-tables",
        ]),
        "",
    );
    assert_exit(&o, 0);
    // With a cached session the dry run names the real URL, still sending nothing.
    fake.reset_stats();
    let o = run(
        hac(&fake.url(), cache.path()).args(["update", "run", "--dry-run"]),
        "",
    );
    assert_exit(&o, 0);
    let first = stdout(&o).lines().next().unwrap_or_default().to_owned();
    assert_eq!(
        first,
        format!("POST {}/hac/platform/init/execute", fake.url())
    );
    assert_eq!(fake.stats().requests, 0);
}

#[test]
fn password_command_runs_only_when_a_login_needs_it() {
    let fake = fake();
    let setup = Setup::new("");
    let counter = setup.dir.path().join("runs");
    let ok = format!(
        "echo x >> {}; printf '%s\\n' '{PASSWORD}'",
        counter.display()
    );
    write_config(
        &setup.config,
        format!(
            "[profiles.ok]\nurl = \"{}\"\nuser = \"{USER}\"\npassword_command = \"{}\"\n\
             [profiles.broken]\nurl = \"{}\"\nuser = \"{USER}\"\nenvironment = \"b\"\n\
             password_command = \"echo Pw-leaked-by-cmd; exit 3\"\n",
            fake.url(),
            ok.replace('\\', "\\\\").replace('"', "\\\""),
            fake.url()
        ),
    )
    .unwrap();
    let runs = || {
        std::fs::read_to_string(&counter)
            .map(|s| s.lines().count())
            .unwrap_or(0)
    };
    let o = run(setup.hac().args(["--profile", "ok", "groovy"]), "return 1");
    assert_exit(&o, 0);
    assert_eq!(runs(), 1);
    // The next run resumes the cached session: the command is not run again.
    let o = run(setup.hac().args(["--profile", "ok", "groovy"]), "return 2");
    assert_exit(&o, 0);
    assert_eq!(runs(), 1);
    // A failing command: authentication class, named, its output never shown.
    let o = run(
        setup.hac().args(["--profile", "broken", "groovy"]),
        "return 1",
    );
    assert_exit(&o, 3);
    assert_one_error_line(
        &o,
        "the password_command of profile broken `echo Pw-leaked-by-cmd; exit 3` failed",
    );
    assert!(!stdout(&o).contains("Pw-leaked") && stderr(&o).matches("Pw-leaked").count() == 1);
}

/// A session id from a login through the library, as a browser would hold it.
fn browser_cookies(fake: &FakeHac) -> String {
    let store = std::sync::Arc::new(hac_client::MemoryStore::new());
    let client = hac_client::HacClient::builder(fake.url())
        .credentials(hac_client::BasicCredentials::new(USER, PASSWORD))
        .session_store(store.clone())
        .build()
        .unwrap();
    client.login().unwrap();
    let sessions = hac_client::SessionStore::list(store.as_ref()).unwrap();
    // The cookies from the session's serialized form, as a store keeps them.
    let stored = serde_json::to_value(&sessions[0]).unwrap();
    stored["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let raw = c["raw_cookie"].as_str().unwrap();
            raw.split(';').next().unwrap().to_owned()
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn a_browser_session_is_imported_checked_and_reported_when_it_ends() {
    let fake = fake();
    let cache = TempDir::new().unwrap();
    let cookies = browser_cookies(&fake);
    let login = |args: &[&str], stdin: &str| {
        run(
            hac(&fake.url(), cache.path()).arg("login").args(args),
            stdin,
        )
    };
    // Pasted on standard input: imported and checked (one request), then used with no
    // password anywhere, and nothing about the command line.
    let o = login(&["--cookie", "-"], &cookies);
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("imported the session"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let o = run(hac(&fake.url(), cache.path()).arg("groovy"), "return 5");
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "5\n");
    assert_eq!(fake.stats().logins, 1, "only the browser's own login");
    // From a file.
    let file = cache.path().join("cookie.txt");
    std::fs::write(&file, &cookies).unwrap();
    let o = login(&["--cookie-file", file.to_str().unwrap()], "");
    assert_exit(&o, 0);
    // On the command line it works, with a warning: every local user can read it.
    let o = login(&["--cookie", &cookies], "");
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("on the command line, where every local user can read it"),
        "{}",
        stderr(&o)
    );
    // When it dies: import a fresh one (no password login is tried).
    fake.expire_sessions();
    let o = run(
        with_password(hac(&fake.url(), cache.path())).arg("groovy"),
        "return 6",
    );
    assert_exit(&o, 3);
    assert_one_error_line(&o, "import a fresh one");
    assert_eq!(fake.stats().logins, 1);
    // A dead session is refused at import.
    let o = login(&["--cookie", "-"], &cookies);
    assert_exit(&o, 3);
    assert_one_error_line(&o, "not a logged-in HAC session");
    // Input that is not a cookie header: usage errors (2), nothing sent.
    let before = fake.stats().requests;
    for (bad, why) in [
        ("ROUTE=x", "JSESSIONID"),
        ("JSESSIONID=abc\r\nX-Injected: 1", "line break"),
        ("not a cookie", "name=value"),
    ] {
        let o = login(&["--cookie", "-"], bad);
        assert_exit(&o, 2);
        assert_one_error_line(&o, why);
    }
    assert_eq!(fake.stats().requests, before);
    // A server that is not HAC.
    let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", other.local_addr().unwrap());
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut s in other.incoming().flatten() {
            let _ = s.read(&mut [0; 4096]);
            let _ = s.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let o = run(
        hac(&url, cache.path()).args(["login", "--cookie", "-"]),
        &cookies,
    );
    assert_exit(&o, 4);
    assert_one_error_line(&o, "no HAC login page");
}

#[test]
fn gateway_basic_auth_beside_the_hac_login() {
    let fake = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .gateway_basic_auth("gwuser", "gw-pass-7d2")
        .start();
    let cache = TempDir::new().unwrap();
    // Without gateway credentials the gateway answers 401.
    let o = run(
        with_password(hac(&fake.url(), cache.path())).arg("groovy"),
        "return 1",
    );
    assert_ne!(code(&o), 0);
    assert!(fake.stats().gateway_refusals > 0);
    // From the environment.
    let mut c = with_password(hac(&fake.url(), cache.path()));
    c.env("HAC_GATEWAY_USER", "gwuser")
        .env("HAC_GATEWAY_PASSWORD", "gw-pass-7d2");
    let o = run(c.arg("groovy"), "return 7");
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "7\n");
    // From the profile, with a command for the password.
    let setup = Setup::new(&format!(
        "[profiles.gw]\nurl = \"{}\"\nuser = \"{USER}\"\ngateway_user = \"gwuser\"\n\
         gateway_password_command = \"echo gw-pass-7d2\"\n",
        fake.url()
    ));
    let o = run(
        with_password(setup.hac()).args(["--profile", "gw", "groovy"]),
        "return 8",
    );
    assert_exit(&o, 0);
    assert!(!stderr(&o).contains("gw-pass-7d2"));
}

#[test]
fn a_url_without_a_scheme_gets_a_suggestion() {
    let cache = TempDir::new().unwrap();
    let o = run(
        hac("localhost:9002", cache.path()).arg("groovy"),
        "return 1",
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "did you mean https://localhost:9002");
}

fn check_path(p: &Path) -> bool {
    p.exists()
}

#[test]
fn help_lists_exit_code_5_and_global_options_apart() {
    let cache = TempDir::new().unwrap();
    let o = run(hac("http://x", cache.path()).arg("--help"), "");
    assert_exit(&o, 0);
    let help = stdout(&o);
    assert!(help.contains("5 refused locally by the profile"), "{help}");
    // The options every command takes, once, under their own heading.
    let own = help.find("groovy").unwrap();
    let global = help
        .find("Global options:")
        .expect("a heading for global options");
    assert!(own < global, "the commands first:\n{help}");
    assert!(help.contains("[env: HAC_URL]"), "{help}");
    assert!(!help.contains("[env: HAC_YES"), "no env for --yes");
    assert!(check_path(cache.path()));
}

/// `hac profiles add|set|use|remove` edit the file in place: comments and layout kept,
/// mode kept, checked before writing, never a password.
#[test]
fn profiles_are_edited_without_an_editor() {
    let setup = Setup::new(
        "# my profiles\ndefault_profile = \"dev\"\n\n[profiles.dev]   # local\nurl = \"http://localhost:9001\"\n",
    );
    let edit = |args: &[&str]| run(setup.hac().arg("profiles").args(args), "");
    let o = edit(&[
        "add",
        "staging",
        "--url",
        "https://staging.example.com",
        "user=deployer",
        "protected=true",
        "nodes=.n1,.n2",
        "timeout=60s",
    ]);
    assert_exit(&o, 0);
    let text = std::fs::read_to_string(&setup.config).unwrap();
    assert!(text.starts_with("# my profiles\n"), "{text}");
    assert!(text.contains("[profiles.dev]   # local"), "{text}");
    let v = show(&setup, &["--profile", "staging"]);
    assert_eq!(v["protected"]["value"], true);
    assert_eq!(v["nodes"]["value"], serde_json::json!([".n1", ".n2"]));
    assert_eq!(v["user"]["value"], "deployer");
    // set, unset with KEY=, use, remove.
    assert_exit(&edit(&["set", "staging", "timeout=90s", "protected="]), 0);
    let v = show(&setup, &["--profile", "staging"]);
    assert_eq!(v["protected"]["value"], false);
    // Durations as people write them, not serde's {secs, nanos}.
    assert_eq!(v["timeout"]["value"], "1m 30s");
    assert_exit(&edit(&["use", "staging"]), 0);
    let v = show(&setup, &[]);
    assert_eq!(v["profile"]["value"], "staging");
    // Refused, and the file untouched: a password, an unknown key, a bad type.
    let before = std::fs::read_to_string(&setup.config).unwrap();
    for (args, why) in [
        (
            &["set", "staging", "password=hunter2"][..],
            "does not belong",
        ),
        (&["set", "staging", "colour=red"], "not a profile key"),
        (&["set", "staging", "protected=maybe"], "true or false"),
        (&["set", "staging", "timeout=soon"], "timeout"),
        (&["add", "staging", "--url", "https://x"], "exists"),
        (&["set", "nope", "user=x"], "no profile"),
    ] {
        let o = edit(args);
        assert_exit(&o, 2);
        assert_one_error_line(&o, why);
        assert!(!stderr(&o).contains("hunter2"));
    }
    assert_eq!(std::fs::read_to_string(&setup.config).unwrap(), before);
    assert_exit(&edit(&["remove", "staging"]), 0);
    let text = std::fs::read_to_string(&setup.config).unwrap();
    assert!(
        !text.contains("staging") && !text.contains("default_profile"),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&setup.config)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the mode is kept");
    }
    // A linked file stays linked, its target rewritten with its own mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new().unwrap();
        let real = dir.path().join("dotfiles-config.toml");
        std::fs::write(&real, "[profiles.dev]\nurl = \"http://localhost:9001\"\n").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut c = hac("unused", &dir.path().join("cache"));
        c.env("HAC_CONFIG", &link).args([
            "profiles",
            "add",
            "qa",
            "--url",
            "http://localhost:9002",
        ]);
        assert_exit(&run(&mut c, ""), 0);
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            std::fs::read_to_string(&real)
                .unwrap()
                .contains("[profiles.qa]")
        );
        assert_eq!(
            std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o640,
            "the mode is kept, not forced"
        );
    }
    // A file that does not exist yet is created private.
    let dir = TempDir::new().unwrap();
    let fresh = dir.path().join("new").join("config.toml");
    let mut c = hac("unused", &dir.path().join("cache"));
    c.env("HAC_CONFIG", &fresh)
        .args(["profiles", "add", "dev", "--url", "http://localhost:9001"]);
    assert_exit(&run(&mut c, ""), 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            std::fs::metadata(fresh.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o700
        );
    }
}

/// `profiles show` and `doctor` say where the password would come from (never the
/// password), in the order the sources are tried.
#[test]
fn the_password_source_in_effect_is_named() {
    let setup = Setup::new(
        "[profiles.cmd]\nurl = \"http://127.0.0.1:1\"\npassword_command = \"pass show hac\"\n\n[profiles.bare]\nurl = \"http://127.0.0.1:1\"\n",
    );
    let show = |env: Option<&str>, profile: &str, format: &str| {
        let mut c = setup.hac();
        if let Some(p) = env {
            c.env("HAC_PASSWORD", p);
        }
        let o = run(
            c.args(["--profile", profile, "profiles", "show", "-o", format]),
            "",
        );
        assert_exit(&o, 0);
        assert!(!stdout(&o).contains("Secret-9"), "{}", stdout(&o));
        stdout(&o)
    };
    let kind = |env, profile| {
        let v: serde_json::Value = serde_json::from_str(&show(env, profile, "json")).unwrap();
        v["password_source"]["kind"].as_str().unwrap().to_owned()
    };
    assert_eq!(kind(None, "cmd"), "command");
    assert_eq!(kind(Some("Secret-9"), "cmd"), "environment");
    assert_eq!(kind(None, "bare"), "prompt");
    assert!(show(None, "cmd", "text").contains("password_command: `pass show hac`"));
    assert!(show(Some("Secret-9"), "cmd", "text").contains("HAC_PASSWORD"));
    let bare = show(None, "bare", "text");
    assert!(bare.contains("no terminal"), "{bare}");
    let o = run(setup.hac().args(["--profile", "bare", "doctor"]), "");
    assert!(stdout(&o).contains("no terminal"), "{}", stdout(&o));
}
