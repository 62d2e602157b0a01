//! `hac diff`: two fakes that differ (configuration, extensions, type system, patches,
//! data) and two that do not, the nodes of one cluster after a node-local change, secrets
//! compared but never shown, a large query merged in pages, and the exit codes (0 equal,
//! 7 different) on guarded profiles without a confirmation.

mod common;

use common::*;
use hac_fake::FakeHac;

fn builder() -> hac_fake::Builder {
    FakeHac::builder().context_path("/hac").user(USER, PASSWORD)
}

/// A profile per fake (guarded: a diff reads only), with the password from a command.
fn setup(fakes: &[(&str, &FakeHac, &str)]) -> Setup {
    let mut toml = String::new();
    for (name, fake, flags) in fakes {
        toml.push_str(&format!(
            "[profiles.{name}]\nurl = \"{}\"\nuser = \"{USER}\"\npassword_command = \"echo {PASSWORD}\"\n{flags}\n\n",
            fake.url()
        ));
    }
    Setup::new(&toml)
}

fn diff(setup: &Setup, args: &[&str]) -> std::process::Output {
    run(setup.hac().arg("diff").args(args), "")
}

fn keys(section: &serde_json::Value, part: &str) -> Vec<String> {
    section[part]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn two_environments_that_differ_and_two_that_do_not() {
    let a = builder().start();
    let b = builder()
        .config_property("my.flag", "on")
        .config_property("payment.secret", "b-side-secret-value")
        .extension("electronicsstore", "2211.40")
        .extension("myextension", "1.0")
        .composed_type("MyType", &[("code", "java.lang.String")])
        .composed_type(
            "Product",
            &[("code", "java.lang.String"), ("ean", "java.lang.String")],
        )
        .initialized(false)
        .start();
    let same = builder().start();
    let s = setup(&[
        ("staging", &a, "protected = true"),
        ("prod", &b, "read_only = true"),
        ("twin", &same, ""),
    ]);

    // Configuration: only in B, a secret compared but never shown.
    let o = diff(&s, &["staging", "prod", "config", "-o", "json"]);
    assert_exit(&o, 7);
    let v = json(&o);
    assert_eq!(
        (v["a"].as_str(), v["equal"].as_bool()),
        (Some("staging"), Some(false))
    );
    let section = &v["sections"]["prod"];
    assert_eq!(keys(section, "only_b"), ["my.flag", "payment.secret"]);
    assert_eq!(section["only_b"][1]["value"], "(hidden: differs)");
    assert!(!stdout(&o).contains("b-side-secret-value"));
    assert!(keys(section, "only_a").is_empty() && keys(section, "changed").is_empty());

    // Extensions, type system (by FlexibleSearch), patches.
    let o = diff(&s, &["staging", "prod", "extensions", "-o", "json"]);
    assert_exit(&o, 7);
    let section = &json(&o)["sections"]["prod"];
    assert_eq!(keys(section, "only_b"), ["myextension"]);
    assert_eq!(keys(section, "changed"), ["electronicsstore"]);
    assert_eq!(section["changed"][0]["b"], "2211.40");

    let o = diff(&s, &["staging", "prod", "types", "-o", "json"]);
    assert_exit(&o, 7);
    let section = &json(&o)["sections"]["prod"];
    assert_eq!(
        keys(section, "only_b"),
        ["MyType", "MyType.code", "Product.ean"]
    );
    assert_eq!(
        keys(section, "only_a"),
        [
            "Product.catalogVersion",
            "Product.description",
            "Product.name"
        ]
    );
    let o = diff(&s, &["staging", "prod", "types", "Cat", "-o", "json"]);
    assert_exit(&o, 0);

    let o = diff(&s, &["staging", "prod", "patches", "-o", "json"]);
    assert_exit(&o, 7);
    let only_a = keys(&json(&o)["sections"]["prod"], "only_a");
    assert!(
        !only_a.is_empty() && only_a.iter().all(|k| k.starts_with("patch ")),
        "{only_a:?}"
    );

    // Project data one side has (an extension with a SystemSetup only in staging): B's
    // update data answered without `acmeimport`, once.
    let mut data: serde_json::Value =
        serde_json::from_str(include_str!("../../hac-fake/fixtures/update_data.json")).unwrap();
    data["projectDatas"]
        .as_array_mut()
        .unwrap()
        .retain(|p| p["name"] != "acmeimport");
    b.push_override(
        "/platform/init/data",
        hac_fake::Response::json(data.to_string()),
    );
    let o = diff(&s, &["staging", "prod", "patches", "-o", "json"]);
    assert_exit(&o, 7);
    let only_a = keys(&json(&o)["sections"]["prod"], "only_a");
    assert!(
        only_a.iter().any(|k| k == "project data acmeimport"),
        "{only_a:?}"
    );

    // Identical environments: the "equal" exit code, in every section.
    for what in ["config", "extensions", "types", "patches"] {
        let o = diff(&s, &["staging", "twin", what]);
        assert_exit(&o, 0);
        assert!(stdout(&o).contains("the same"), "{what}: {}", stdout(&o));
    }

    // Text, with both sides named; GitHub annotations for a drift check.
    let o = diff(&s, &["staging", "prod", "config"]);
    assert!(
        stdout(&o).contains("=== config: staging and prod ==="),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("+ my.flag = on  (only in prod)"),
        "{}",
        stdout(&o)
    );
    let o = diff(&s, &["staging", "prod", "extensions", "-o", "github"]);
    assert_exit(&o, 7);
    let text = stdout(&o);
    let annotations: Vec<&str> = text.lines().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(annotations.len(), 2, "{}", stdout(&o));
    let o = diff(&s, &["staging", "twin", "config", "-o", "github"]);
    assert!(stdout(&o).starts_with("::notice "), "{}", stdout(&o));

    // Usage: a clear line and exit 2, nothing sent.
    for (args, why) in [
        (&["staging", "config"][..], "name two profiles"),
        (&["staging", "prod", "colours"], "not compared"),
        (&["staging", "nowhere", "config"], "neither a profile"),
        (
            &["staging", "prod", "query", "SELECT {code} FROM {Product}"],
            "--key",
        ),
    ] {
        let o = diff(&s, args);
        assert_exit(&o, 2);
        assert_one_error_line(&o, why);
    }
}

#[test]
fn rows_by_a_business_key() {
    let a = builder().generated_rows(30_000).start();
    let b = builder().generated_rows(30_000).start();
    let s = setup(&[("a", &a, "read_only = true"), ("b", &b, "protected = true")]);
    // Changes B's data (its own, unguarded way in).
    let change_b = |sql: &str| {
        let o = run(
            with_password(hac(&b.url(), s.dir.path())).args([
                "flexsearch",
                "--sql",
                sql,
                "--commit",
            ]),
            "",
        );
        assert_exit(&o, 0);
    };
    change_b("UPDATE products SET p_name = 'Kamera X' WHERE p_code = '0001'");
    change_b("DELETE FROM products WHERE p_code = '0002'");
    let o = diff(
        &s,
        &[
            "a",
            "b",
            "query",
            "SELECT {code}, {name} FROM {Product}",
            "--key",
            "code",
            "-o",
            "json",
        ],
    );
    assert_exit(&o, 7);
    let section = &json(&o)["sections"]["b"];
    assert_eq!(keys(section, "only_a"), ["0002"]);
    assert_eq!(keys(section, "changed"), ["0001"]);
    assert_eq!(section["changed"][0]["b"]["p_name"], "Kamera X");

    // A large table in pages ordered by the key, merged as they come: equal, 30 pages a side.
    a.reset_stats();
    let o = diff(
        &s,
        &[
            "a",
            "b",
            "query",
            "SELECT {code}, {name} FROM {Generated}",
            "--key",
            "code",
            "--page-size",
            "1000",
        ],
    );
    assert_exit(&o, 0);
    let pages = a
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/console/flexsearch/execute"))
        .count();
    assert_eq!(pages, 31, "30 full pages and the one that ends the table");

    // Several key columns: in memory, within a bound, or a refusal that says why.
    let o = diff(
        &s,
        &[
            "a",
            "b",
            "query",
            "SELECT {code}, {name} FROM {Generated}",
            "--key",
            "code,name",
            "--max-rows",
            "100",
        ],
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "more than 100 rows");

    // A key value from the server's data goes into the next page's query only if that
    // query is still a read: a backslash (an escape on MySQL) stops the diff.
    change_b("UPDATE products SET p_code = '0001\\' WHERE p_code = '0003'");
    let o = diff(
        &s,
        &[
            "a",
            "b",
            "query",
            "SELECT {code}, {name} FROM {Product}",
            "--key",
            "code",
            "--page-size",
            "2",
        ],
    );
    assert_ne!(code(&o), 0, "{}", stderr(&o));
    assert_ne!(code(&o), 7, "{}", stderr(&o));
    assert_one_error_line(&o, "cannot be put in the next page's query");

    // A query that is not a read is not a diff: refused on the read-only side, nothing sent.
    a.reset_stats();
    let o = diff(
        &s,
        &[
            "a",
            "b",
            "query",
            "SELECT {code} FROM {Product} WHERE \"setval\"('s', 1) > 0",
            "--key",
            "code",
        ],
    );
    assert_exit(&o, 5);
    assert_eq!(a.stats().requests, 0);
}

#[test]
fn the_nodes_of_one_cluster_drift() {
    let fake = builder().nodes(&["n1", "n2", "n3"]).start();
    let s = setup(&[(
        "prod",
        &fake,
        "protected = true\nnodes = [\".n1\", \".n2\", \".n3\"]",
    )]);
    let h = || {
        let mut c = s.hac();
        c.args(["--profile", "prod"]);
        c
    };
    let o = run(
        h().args(["--node", ".n2", "--yes", "config", "set", "my.flag", "on"]),
        "",
    );
    assert_exit(&o, 0);
    let o = run(
        h().args(["--node", ".n3", "--yes", "log-level", "de.hybris", "DEBUG"]),
        "",
    );
    assert_exit(&o, 0);

    let o = run(
        h().args(["--nodes", ".n1,.n2,.n3", "diff", "config", "-o", "json"]),
        "",
    );
    assert_exit(&o, 7);
    let v = json(&o);
    assert_eq!(keys(&v["sections"][".n2"], "only_b"), ["my.flag"]);
    assert!(keys(&v["sections"][".n3"], "only_b").is_empty());
    assert_eq!(v["agree"], serde_json::json!([".n1", ".n3"]));

    // The profile's nodes, without a list.
    let o = run(
        h().args(["diff", "--nodes", "log-levels", "-o", "json"]),
        "",
    );
    assert_exit(&o, 7);
    let v = json(&o);
    assert_eq!(keys(&v["sections"][".n3"], "changed"), ["de.hybris"]);
    assert_eq!(v["agree"], serde_json::json!([".n1", ".n2"]));

    // Counters drift with traffic (here: cleared on one node); the settings compared do not.
    let o = run(h().args(["--node", ".n2", "--yes", "cache", "clear"]), "");
    assert_exit(&o, 0);
    let hits = |node: &str| {
        let o = run(
            h().args(["--node", node, "cache", "stats", "-o", "json"]),
            "",
        );
        assert_exit(&o, 0);
        json(&o).to_string()
    };
    assert_ne!(hits(".n1"), hits(".n2"), "the counters differ");
    for what in ["caches", "health"] {
        let o = run(h().args(["--nodes", ".n1,.n2,.n3", "diff", what]), "");
        assert_exit(&o, 0);
    }
    let o = run(h().args(["--nodes", ".n1,.n2", "diff", "types"]), "");
    assert_exit(&o, 2);
    assert_one_error_line(&o, "not compared between nodes");
}

/// URL targets: each uses its own cached session (or a prompt); one password on standard
/// input cannot serve two servers, and is refused before anything is sent.
#[test]
fn urls_as_targets() {
    let a = builder().start();
    let b = builder().start();
    let s = setup(&[]);
    let (ua, ub) = (a.url(), b.url());
    // --password-stdin names one password for two servers: a usage error, nothing sent.
    let o = run(
        s.hac()
            .args(["--password-stdin", "diff", &ua, &ub, "config"]),
        &format!("{PASSWORD}\n"),
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "--password-stdin gives one password");
    assert_eq!(a.stats().requests + b.stats().requests, 0);
    // No session and no terminal: the advice fits several targets (no HAC_PASSWORD).
    let o = run(
        s.hac()
            .env("HAC_PASSWORD", PASSWORD)
            .args(["diff", &ua, &ub, "config"]),
        "",
    );
    assert_exit(&o, 3);
    assert_one_error_line(&o, "log in to it first");
    assert_eq!(a.stats().logins + b.stats().logins, 0);
    // Logged in to each first: the diff uses those sessions.
    for u in [&ua, &ub] {
        let o = run(
            s.hac()
                .env("HAC_PASSWORD", PASSWORD)
                .args(["--url", u, "--user", USER, "login"]),
            "",
        );
        assert_exit(&o, 0);
    }
    let o = run(
        s.hac()
            .args(["--user", USER, "diff", &ua, &ub, "extensions"]),
        "",
    );
    assert_exit(&o, 0);
    assert_eq!((a.stats().logins, b.stats().logins), (1, 1));
    // The nodes of one server share one password from standard input.
    let c = builder().nodes(&["n1", "n2"]).start();
    let o = run(
        s.hac().args([
            "--url",
            &c.url(),
            "--user",
            USER,
            "--password-stdin",
            "--nodes",
            ".n1,.n2",
            "diff",
            "config",
        ]),
        &format!("{PASSWORD}\n"),
    );
    assert_exit(&o, 0);
}

/// Colour on a terminal (a pty from util-linux `script`), none with `NO_COLOR`, none in a
/// pipe; the same differences in each.
#[test]
fn colour_on_a_terminal_unless_no_color() {
    if !have(
        std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_ok(),
        "util-linux `script` (a terminal)",
    ) {
        return;
    }
    let a = builder().start();
    let b = builder().config_property("my.flag", "on").start();
    let s = setup(&[("staging", &a, ""), ("prod", &b, "")]);
    let on_a_terminal = |no_color: bool| {
        let template = s.hac();
        let mut c = std::process::Command::new("script");
        for (k, v) in template.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        let line = format!("{} diff staging prod config my.", env!("CARGO_BIN_EXE_hac"));
        c.args(["-qec", &line, "/dev/null"]);
        let o = run(&mut c, "");
        assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let coloured = on_a_terminal(false);
    assert!(
        coloured.contains("\u{1b}[32m+ my.flag = on"),
        "{coloured:?}"
    );
    let plain = on_a_terminal(true);
    assert!(
        plain.contains("+ my.flag = on") && !plain.contains('\u{1b}'),
        "{plain:?}"
    );
    let piped = diff(&s, &["staging", "prod", "config", "my."]);
    assert_exit(&piped, 7);
    assert!(!stdout(&piped).contains('\u{1b}'), "{}", stdout(&piped));
}

/// Both sides are read at the same time: two profiles of one slow fake, whose requests
/// overlap (the fake counts the requests it is answering at once).
#[test]
fn both_sides_are_read_in_parallel() {
    let fake = builder().start();
    let s = setup(&[("left", &fake, ""), ("right", &fake, "")]);
    // Logged in first, so that the diff's own requests are the reads.
    assert_exit(&run(s.hac().args(["--profile", "left", "login"]), ""), 0);
    fake.set_delay(std::time::Duration::from_millis(300));
    fake.reset_stats();
    let o = diff(&s, &["left", "right", "extensions"]);
    assert_exit(&o, 0);
    assert!(
        fake.stats().max_in_flight >= 2,
        "one side after the other: {:?}",
        fake.stats().max_in_flight
    );
}
