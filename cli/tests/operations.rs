//! `hac` beyond the consoles: server operations, `hac wait`, `hac doctor`, paging with
//! `--all`, and one command on many nodes or profiles. Real processes against the fake.

mod common;

use std::time::Duration;

use common::*;
use hac_fake::{FakeHac, HealthMode, TlsMode};
use tempfile::TempDir;

fn ok(cmd: &mut std::process::Command) -> String {
    let o = run(cmd, "");
    assert_exit(&o, 0);
    stdout(&o)
}

#[test]
fn every_operation_in_text_and_json() {
    let fake = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .running_cron_job("solr-full", "solrIndexerJob", true)
        .start();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let h = || with_password(hac(&url, dir.path()));

    assert!(ok(h().arg("health")).starts_with("healthy"));
    assert_eq!(
        json(&run(h().args(["health", "-o", "json"]), ""))["status"],
        "healthy"
    );
    assert!(ok(h().arg("about")).contains("2211.38"));
    assert_eq!(
        json(&run(h().args(["about", "-o", "json"]), ""))["platform"],
        "2211.38"
    );
    assert!(ok(h().arg("extensions")).contains("hac "));
    let v = json(&run(h().args(["extensions", "-o", "json"]), ""));
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "backoffice")
    );

    // Logging: list, read one, set, refuse an unknown level locally.
    let list = ok(h().args(["log-level", "--list", "hybris"]));
    assert!(list.contains("de.hybris.platform.jalo") && !list.contains("springframework"));
    assert!(ok(h().args(["log-level", "root"])).starts_with("root"));
    let set = run(
        h().args(["log-level", "de.hybris.platform.jalo", "debug"]),
        "",
    );
    assert_exit(&set, 0);
    assert_eq!(stdout(&set), "de.hybris.platform.jalo: WARN -> DEBUG\n");
    assert!(stderr(&set).contains("until it restarts"));
    assert_eq!(
        fake.log_level("node-a", "de.hybris.platform.jalo")
            .as_deref(),
        Some("DEBUG")
    );
    let new = run(h().args(["log-level", "com.acme.Checkout", "TRACE"]), "");
    assert_exit(&new, 0);
    assert!(stderr(&new).contains("creates it"), "{}", stderr(&new));
    let before = fake.stats().requests;
    let bad = run(h().args(["log-level", "de.hybris", "LOUD"]), "");
    assert_exit(&bad, 2);
    assert_one_error_line(&bad, "unknown log level \"LOUD\"");
    assert_eq!(
        fake.stats().requests,
        before,
        "refused before anything was sent"
    );
    let missing = run(h().args(["log-level", "not.configured"]), "");
    assert_exit(&missing, 2);

    // Caches.
    assert!(ok(h().args(["cache", "stats"])).contains("typesystemCacheRegion"));
    let clear = run(h().args(["cache", "clear", "-o", "json"]), "");
    assert_exit(&clear, 0);
    assert_eq!(json(&clear)["regions"][0]["cache_statistics"]["hits"], 0);
    assert!(stderr(&clear).contains("no per-region clear"));

    // Cron jobs.
    assert!(ok(h().arg("cronjobs")).contains("solr-full"));
    let abort = run(h().args(["cronjobs", "abort", "-o", "json"]), "");
    assert_exit(&abort, 0);
    assert_eq!(json(&abort)["solr-full"], true);
    assert!(fake.running_cron_jobs().is_empty());

    // Configuration.
    assert_eq!(ok(h().args(["config", "get", "db.password"])), "*****\n");
    let grep = run(
        h().args(["config", "get", "--grep", "DB.", "-o", "json"]),
        "",
    );
    assert_exit(&grep, 0);
    assert_eq!(json(&grep).as_array().unwrap().len(), 3);
    assert!(stderr(&grep).contains("many secrets"));
    assert_exit(&run(h().args(["config", "get", "no.such.key"]), ""), 2);
    let set = run(h().args(["config", "set", "my.flag", "on"]), "");
    assert_exit(&set, 0);
    assert!(stderr(&set).contains("set on the node that answered (no routing cookie"));

    // Types and PKs.
    assert!(
        ok(h().args(["type", "product"]))
            .lines()
            .any(|l| l == "code")
    );
    assert_exit(&run(h().args(["type", "Prodcut"]), ""), 2);
    assert_exit(&run(h().args(["type", "Prod%"]), ""), 2);
    assert_eq!(
        ok(h().args(["types", "Product"])),
        "Product\nProductFeature\nProductReference\n"
    );
    assert!(ok(h().args(["pk", "8796093054977"])).contains("Product"));
    let bad_pk = run(h().args(["pk", "nope"]), "");
    assert_exit(&bad_pk, 2);
    assert_one_error_line(&bad_pk, "not valid");

    // Monitoring.
    assert!(ok(h().arg("cluster")).contains("<- answered"));
    let db = json(&run(h().args(["db", "-o", "json"]), ""));
    assert_eq!(db["table_sizes"]["products"], 6);
    assert_eq!(
        json(&run(h().args(["memory", "-o", "json"]), ""))["heap_committed"],
        4096
    );
    assert!(ok(h().arg("threaddump")).starts_with("Full thread dump"));
    let file = dir.path().join("dump.txt");
    ok(h().args(["threaddump", "-o"]).arg(&file));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("java.lang.Thread.State")
    );
}

#[test]
fn impex_export_unpacks_into_a_directory() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let target = dir.path().join("export");
    let script = "INSERT_UPDATE Product;code[unique=true];name\n\"#% impex.exportItems(\"\"Product\"\", false);\"\n";
    let o = run(
        with_password(hac(&url, dir.path()))
            .args(["impex", "export", "-", "-o"])
            .arg(&target),
        script,
    );
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("importscript.impex"));
    let csv = std::fs::read_to_string(target.join("Product.csv")).unwrap();
    assert!(csv.contains("中文名称"), "{csv}");
    let failed = run(
        with_password(hac(&url, dir.path()))
            .args(["impex", "export", "-", "-o"])
            .arg(&target),
        "INSERT_UPDATE Nonsense;code\n",
    );
    assert_exit(&failed, 1);
    assert!(stderr(&failed).contains("Export has encountered problems"));
}

#[test]
fn health_maps_to_exit_codes_without_a_login() {
    let fake = FakeHac::builder().health(HealthMode::Unhealthy).start();
    let dir = TempDir::new().unwrap();
    let o = run(hac(&fake.url(), dir.path()).arg("health"), "");
    assert_exit(&o, 1);
    assert!(stdout(&o).contains("FAIL databaseHealthCheck"));
    fake.set_health(HealthMode::NoChecks);
    assert_exit(&run(hac(&fake.url(), dir.path()).arg("health"), ""), 0);
    assert_eq!(fake.stats().login_attempts, 0, "no password was needed");
    drop(fake);
    let refused = run(hac("http://127.0.0.1:9", dir.path()).arg("health"), "");
    assert_exit(&refused, 4);
}

#[test]
fn wait_ready_polls_until_up_and_gives_up_in_time() {
    let fake = FakeHac::builder()
        .user(USER, PASSWORD)
        .ready_after(Duration::from_millis(1500))
        .start();
    let dir = TempDir::new().unwrap();
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "wait",
            "--ready",
            "--interval",
            "300ms",
            "--wait-timeout",
            "20s",
        ]),
        "",
    );
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("waiting for HAC"), "{}", stderr(&o));
    assert!(stderr(&o).contains("ready after"));
    assert_eq!(fake.stats().logins, 1);

    // Unhealthy for good: exit 1 after the wait's own bound, not the request timeout.
    fake.set_health(HealthMode::Unhealthy);
    let started = std::time::Instant::now();
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "wait",
            "--ready",
            "--interval",
            "200ms",
            "--wait-timeout",
            "1s",
        ]),
        "",
    );
    assert_exit(&o, 1);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(stderr(&o).contains("--wait-timeout"));
    // A wrong password does not get better by waiting: exit 3 at once.
    fake.set_health(HealthMode::Healthy);
    let o = run(
        hac(&fake.url(), dir.path())
            .env("HAC_PASSWORD", "wrong")
            .args([
                "--no-session-cache",
                "wait",
                "--ready",
                "--wait-timeout",
                "1m",
            ]),
        "",
    );
    assert_exit(&o, 3);
    // Nobody listening: exit 4.
    let o = run(
        hac("http://127.0.0.1:9", dir.path()).args([
            "wait",
            "--ready",
            "--interval",
            "100ms",
            "--wait-timeout",
            "500ms",
        ]),
        "",
    );
    assert_exit(&o, 4);
    // `--ready` is the only mode, and the default.
    assert_exit(
        &run(with_password(hac(&fake.url(), dir.path())).arg("wait"), ""),
        0,
    );
}

#[test]
fn doctor_names_each_broken_setup() {
    let dir = TempDir::new().unwrap();
    let doctor = |url: &str, extra: &[&str]| {
        let mut c = with_password(hac(url, dir.path()));
        c.args(extra).args(["doctor", "-o", "json"]);
        let o = run(&mut c, "");
        let v = json(&o);
        assert_eq!(v["exit_code"], code(&o));
        let text = serde_json::to_string(&v).unwrap();
        assert!(!text.contains(PASSWORD));
        let failed = v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["status"] == "fail")
            .cloned();
        (code(&o), failed)
    };
    // All well.
    let good = fake();
    let (c, failed) = doctor(&good.url(), &[]);
    assert_eq!((c, failed), (0, None));

    // No scheme.
    let (c, f) = doctor("localhost:9002", &[]);
    assert_eq!(c, 2);
    assert!(
        f.unwrap()["fix"]
            .as_str()
            .unwrap()
            .contains("https://localhost:9002")
    );

    // Nothing listening.
    let (c, f) = doctor("http://127.0.0.1:9", &[]);
    assert_eq!(c, 4);
    assert_eq!(f.unwrap()["step"], "tcp");

    // Plain HTTP to the TLS port.
    let tls = FakeHac::builder()
        .tls(TlsMode::SelfSigned)
        .user(USER, PASSWORD)
        .start();
    let plain = tls.url().replace("https://localhost", "http://127.0.0.1");
    let (c, f) = doctor(&plain, &[]);
    assert_eq!(c, 4);
    let f = f.unwrap();
    assert_eq!(f["step"], "scheme", "{f}");
    assert!(f["fix"].as_str().unwrap().contains("https://"));

    // Plain HTTP that HAC redirects to HTTPS (9001 → 9002). The health check is outside
    // Spring Security and answers on plain HTTP; the redirect shows on a secured page.
    let redirecting = FakeHac::builder()
        .tls(TlsMode::CaSigned)
        .http_redirect(true)
        .user(USER, PASSWORD)
        .start();
    let ca = dir.path().join("redirecting-ca.pem");
    std::fs::write(&ca, &redirecting.certs().unwrap().ca_pem).unwrap();
    let http = redirecting.http_url().unwrap();
    let mut c = with_password(hac(&http, dir.path()));
    c.args(["--ca-cert", ca.to_str().unwrap(), "doctor", "-o", "json"]);
    let o = run(&mut c, "");
    assert_exit(&o, 0);
    let v = json(&o);
    let step = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "redirect")
        .unwrap_or_else(|| panic!("no redirect step: {v}"))
        .clone();
    assert_eq!(step["status"], "warn", "{step}");
    let https = redirecting.url();
    assert!(
        step["fix"]
            .as_str()
            .unwrap()
            .contains(&format!("use {https} directly")),
        "{step}"
    );

    // An untrusted (self-signed) certificate: suggests --ca-cert.
    let (c, f) = doctor(&tls.url(), &[]);
    assert_eq!(c, 4);
    let f = f.unwrap();
    assert_eq!(f["step"], "tls", "{f}");
    assert!(f["fix"].as_str().unwrap().contains("--ca-cert"), "{f}");

    // A trusted CA, but an expired certificate, or one for another name.
    for (fake, expected) in [
        (
            FakeHac::builder()
                .tls(TlsMode::CaSigned)
                .user(USER, PASSWORD)
                .cert_expired(true)
                .start(),
            "renew the certificate",
        ),
        (
            FakeHac::builder()
                .tls(TlsMode::CaSigned)
                .user(USER, PASSWORD)
                .cert_names(&["hac.example.com"])
                .start(),
            "by a name its certificate names",
        ),
    ] {
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, &fake.certs().unwrap().ca_pem).unwrap();
        let (c, f) = doctor(&fake.url(), &["--ca-cert", ca.to_str().unwrap()]);
        assert_eq!(c, 4);
        let f = f.unwrap();
        assert_eq!(f["step"], "tls", "{f}");
        assert!(f["fix"].as_str().unwrap().contains(expected), "{f}");
    }

    // The wrong context path: names where HAC is.
    let (c, f) = doctor(&good.url(), &["--context-path", "/wrong"]);
    assert_eq!(c, 4);
    let f = f.unwrap();
    assert_eq!(f["step"], "context");
    assert!(f["fix"].as_str().unwrap().contains("/hac"), "{f}");

    // A bad password.
    let o = run(
        hac(&good.url(), dir.path())
            .env("HAC_PASSWORD", "wrong")
            .args(["doctor"]),
        "",
    );
    assert_exit(&o, 3);
    assert!(stdout(&o).contains("FAIL  login"), "{}", stdout(&o));

    // A user who may log in but use no console.
    let restricted = FakeHac::builder()
        .context_path("/hac")
        .restricted_user(USER, PASSWORD)
        .start();
    let (c, f) = doctor(&restricted.url(), &[]);
    assert_eq!(c, 3);
    assert_eq!(f.unwrap()["step"], "roles");

    // A skewed clock is a warning, not a failure.
    let skewed = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .clock_skew(-600)
        .start();
    let o = run(
        with_password(hac(&skewed.url(), dir.path())).arg("doctor"),
        "",
    );
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("ahead of the server"), "{}", stdout(&o));
}

/// The proxy `hac doctor` names is the one the requests go through: the environment
/// variables in the transport's order (ALL_PROXY first), skipping values that are no proxy
/// URL, with the password hidden.
#[test]
fn doctor_names_the_proxy_the_requests_use() {
    let dir = TempDir::new().unwrap();
    let proxy_step = |vars: &[(&str, &str)]| {
        let mut c = with_password(hac("http://127.0.0.1:9", dir.path()));
        for k in [
            "ALL_PROXY",
            "all_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            c.env_remove(k);
        }
        c.envs(vars.iter().copied()).args(["doctor", "-o", "json"]);
        let o = run(&mut c, "");
        let v = json(&o);
        let step = v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["step"] == "proxy")
            .cloned()
            .unwrap();
        step["detail"].as_str().unwrap().to_owned()
    };
    let shown = proxy_step(&[
        ("HTTPS_PROXY", "http://127.0.0.1:8"),
        ("ALL_PROXY", "http://me:s3cret@127.0.0.1:7"),
    ]);
    assert!(shown.contains("(from ALL_PROXY)"), "{shown}");
    assert!(shown.contains("me:***@127.0.0.1:7"), "{shown}");
    assert!(!shown.contains("s3cret"), "{shown}");
    let shown = proxy_step(&[
        ("ALL_PROXY", "http://[not a proxy"),
        ("https_proxy", "http://127.0.0.1:8"),
    ]);
    assert!(shown.contains("(from https_proxy)"), "{shown}");
    let shown = proxy_step(&[]);
    assert!(shown.starts_with("none"), "{shown}");
}

#[test]
fn all_rows_in_pages_as_they_arrive() {
    let fake = FakeHac::builder()
        .user(USER, PASSWORD)
        .generated_rows(2_345)
        .start();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let q = "SELECT {pk}, {code}, {name} FROM {Generated}";
    for (format, check) in [("csv", 2_346usize), ("jsonl", 2_345), ("table", 2_347)] {
        let o = run(
            with_password(hac(&url, dir.path())).args([
                "flexsearch",
                q,
                "--all",
                "--page-size",
                "500",
                "-o",
                format,
            ]),
            "",
        );
        assert_exit(&o, 0);
        assert_eq!(stdout(&o).lines().count(), check, "{format}");
        assert!(
            stderr(&o).contains("2345 rows in 5 pages"),
            "{}",
            stderr(&o)
        );
    }
    let o = run(
        with_password(hac(&url, dir.path())).args(["flexsearch", q, "--all", "-o", "json"]),
        "",
    );
    let rows = json(&o);
    assert_eq!(rows.as_array().unwrap().len(), 2_345);
    assert_eq!(rows[2_344]["p_code"], "code-0002344");
    // Queries that cannot be paged are refused before anything is sent.
    for bad in [
        "SELECT {code} FROM {Generated}",
        "SELECT {pk} FROM {Generated} ORDER BY {code}",
    ] {
        let o = run(
            with_password(hac(&url, dir.path())).args(["flexsearch", bad, "--all"]),
            "",
        );
        assert_exit(&o, 2);
        assert_one_error_line(&o, "cannot be read in pages");
    }
    let o = run(
        with_password(hac(&url, dir.path())).args(["flexsearch", q, "--all", "-o", "json-result"]),
        "",
    );
    assert_exit(&o, 2);
    let o = run(
        with_password(hac(&url, dir.path())).args([
            "flexsearch",
            "SELECT PK FROM x",
            "--all",
            "--sql",
        ]),
        "",
    );
    assert_exit(&o, 2);
}

#[test]
fn one_command_on_many_nodes() {
    let fake = FakeHac::builder()
        .user(USER, PASSWORD)
        .nodes(&["n1", "n2", "n3"])
        .start();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let h = || with_password(hac(&url, dir.path()));

    // Pin one node.
    let o = run(h().args(["--node", ".n2", "cluster", "-o", "json"]), "");
    assert_exit(&o, 0);
    assert_eq!(json(&o)["cluster_node_id"], 1);

    // Fan out: every node in order, labelled, each with its own session.
    let o = run(
        h().args(["--nodes", ".n3,.n1,.n2", "cluster", "-o", "json"]),
        "",
    );
    assert_exit(&o, 0);
    let v = json(&o);
    let seen: Vec<(String, i64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["node"].as_str().unwrap().to_owned(),
                x["cluster_node_id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [(".n3".into(), 2), (".n1".into(), 0), (".n2".into(), 1)]
    );
    assert_eq!(fake.stats().logins, 3);

    // A node-local change on every node.
    let o = run(
        h().args(["--nodes", ".n1,.n2,.n3", "log-level", "com.acme", "DEBUG"]),
        "",
    );
    assert_exit(&o, 0);
    for n in ["n1", "n2", "n3"] {
        assert_eq!(
            fake.log_level(n, "com.acme").as_deref(),
            Some("DEBUG"),
            "{n}"
        );
    }
    let text = stdout(&o);
    assert!(text.find("== .n1 ==").unwrap() < text.find("== .n3 ==").unwrap());

    // Groovy on every node, jsonl rows labelled.
    let o = run(
        h().args(["--nodes", ".n1,.n2", "groovy", "-"]),
        "println 'hi'",
    );
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "== .n1 ==\nhi\n== .n2 ==\nhi\n");
    let o = run(
        h().args([
            "--nodes",
            ".n1,.n2",
            "flexsearch",
            "SELECT {pk} FROM {Product}",
            "-o",
            "jsonl",
            "--max",
            "1",
        ]),
        "",
    );
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["node"], ".n2");

    // One node down: the others still answer; the exit code is the worst.
    fake.set_node_down("n2", true);
    let o = run(
        h().args(["--nodes", ".n1,.n2,.n3", "memory", "-o", "json"]),
        "",
    );
    assert_exit(&o, 4);
    // Stdout carries the data of the nodes that answered; the failure is on stderr, once.
    let v = json(&o);
    assert_eq!(v.as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v[0]["heap_committed"], 4096);
    assert_eq!(v[1]["node"], ".n3");
    assert!(!stdout(&o).contains("did not answer"), "{}", stdout(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("did not answer").count(), 1, "{err}");
    assert!(err.contains("hac: [.n2]"), "{err}");
    let o = run(h().args(["--nodes", ".n1,.n2", "memory"]), "");
    assert_exit(&o, 4);
    assert!(
        !stdout(&o).contains(".n2") && !stdout(&o).contains("error"),
        "{}",
        stdout(&o)
    );

    // Commands that run once refuse --nodes.
    let o = run(h().args(["--nodes", ".n1,.n3", "update", "run"]), "");
    assert_exit(&o, 2);

    // In parallel, not one after the other: scripts of 0.7 s each on the two nodes that
    // are up are answered at the same time (the fake counts the requests it is answering
    // at once).
    fake.reset_stats();
    let o = run(
        h().args(["--nodes", ".n1,.n3", "groovy", "-"]),
        "Thread.sleep(700)\nreturn 1",
    );
    assert_exit(&o, 0);
    assert!(
        fake.stats().max_in_flight >= 2,
        "{:?}",
        fake.stats().max_in_flight
    );
}

#[test]
fn one_command_on_many_profiles() {
    let dev = fake();
    let staging = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .profile(hac_fake::Profile::V2211_1)
        .start();
    let dir = TempDir::new().unwrap();
    let config = dir.path().join("config.toml");
    write_config(&config,
        format!(
            "[profiles.dev]\nurl = \"{}\"\nuser = \"{USER}\"\npassword_command = \"echo {PASSWORD}\"\n\n[profiles.staging]\nurl = \"{}\"\nuser = \"{USER}\"\nprotected = true\npassword_command = \"echo {PASSWORD}\"\n",
            dev.url(),
            staging.url()
        ),
    )
    .unwrap();
    let mut c = with_password(hac(&dev.url(), dir.path()));
    c.env_remove("HAC_URL").env("HAC_CONFIG", &config);
    let o = run(
        c.args(["--profiles", "dev,staging", "about", "-o", "json"]),
        "",
    );
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(v[0]["profile"], "dev");
    assert_eq!(v[1]["platform"], "2211.1");
    // A write is guarded per profile, before anything is sent.
    let before = staging.stats().requests + dev.stats().requests;
    let mut c = with_password(hac(&dev.url(), dir.path()));
    c.env_remove("HAC_URL").env("HAC_CONFIG", &config);
    let o = run(c.args(["--profiles", "dev,staging", "cache", "clear"]), "");
    assert_exit(&o, 5);
    assert_eq!(staging.stats().requests + dev.stats().requests, before);
}

#[test]
fn profile_node_and_nodes() {
    let fake = FakeHac::builder()
        .user(USER, PASSWORD)
        .nodes(&["n1", "n2", "n3"])
        .start();
    let dir = TempDir::new().unwrap();
    let config = dir.path().join("config.toml");
    write_config(&config,
        format!(
            "[profiles.one]\nurl = \"{url}\"\nuser = \"{USER}\"\nnode = \".n3\"\n\n[profiles.all]\nurl = \"{url}\"\nuser = \"{USER}\"\nnodes = [\".n1\", \".n2\"]\nroute_cookie = \"ROUTE\"\n",
            url = fake.url()
        ),
    )
    .unwrap();
    let h = |profile: &str| {
        let mut c = with_password(hac(&fake.url(), dir.path()));
        c.env_remove("HAC_URL")
            .env("HAC_CONFIG", &config)
            .args(["--profile", profile]);
        c
    };
    let o = run(h("one").args(["cluster", "-o", "json"]), "");
    assert_exit(&o, 0);
    assert_eq!(json(&o)["cluster_node_id"], 2);
    // The profile's nodes fan out; --node picks one of them instead.
    let o = run(h("all").args(["cluster", "-o", "json"]), "");
    assert_exit(&o, 0);
    let ids: Vec<i64> = json(&o)
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["cluster_node_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [0, 1]);
    let o = run(
        h("all").args(["--node", ".n2", "cluster", "-o", "json"]),
        "",
    );
    assert_eq!(json(&o)["cluster_node_id"], 1);
    // The shared database is queried once, not once per node of the profile; an
    // explicit --nodes asks for each.
    let o = run(
        h("all").args(["flexsearch", "SELECT {pk} FROM {Product}", "-o", "json"]),
        "",
    );
    assert_exit(&o, 0);
    let rows = json(&o);
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r.get("node").is_none()),
        "{rows}"
    );
    let once = rows.as_array().unwrap().len();
    let o = run(
        h("all").args([
            "--nodes",
            ".n1,.n2",
            "flexsearch",
            "SELECT {pk} FROM {Product}",
            "-o",
            "json",
        ]),
        "",
    );
    assert_eq!(json(&o).as_array().unwrap().len(), once * 2);
    // Commands that run once just run once on a profile with nodes.
    let o = run(h("all").arg("login"), "");
    assert_exit(&o, 0);
    let shown = run(h("all").args(["profiles", "show", "-o", "json"]), "");
    assert!(stdout(&shown).contains(".n1"), "{}", stdout(&shown));
}

#[test]
fn each_operation_fails_with_its_exit_code() {
    let fake = FakeHac::builder()
        .context_path("/hac")
        .restricted_user(USER, PASSWORD)
        .start();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let h = || with_password(hac(&url, dir.path()));
    // A user without the roles: a permission error (3), one line, for each command that
    // needs a role; the version and the type list are for any HAC user.
    for args in [
        &["extensions"][..],
        &["log-level", "--list"],
        &["log-level", "root", "INFO"],
        &["cache", "stats"],
        &["cache", "clear"],
        &["cronjobs"],
        &["cronjobs", "abort"],
        &["config", "get", "--grep", "db"],
        &["config", "set", "a", "b"],
        &["pk", "8796093054977"],
        &["cluster"],
        &["db"],
        &["memory"],
        &["threaddump"],
    ] {
        let o = run(h().args(args), "");
        assert_exit(&o, 3);
        assert_one_error_line(&o, "hac: ");
    }
    assert_exit(&run(h().arg("about"), ""), 0);
    assert_exit(&run(h().args(["types", "Prod"]), ""), 0);

    // A server error: the operation failed (1), one line naming the status.
    let admin = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .start();
    let url = admin.url();
    for (path, args) in [
        ("/platform/about", &["about"][..]),
        ("/monitoring/memory/data", &["memory"]),
        ("/monitoring/cluster/data", &["cluster"]),
        ("/platform/log4j", &["log-level", "--list"]),
        ("/monitoring/cache/regionCache/data", &["cache", "stats"]),
    ] {
        let _ = run(with_password(hac(&url, dir.path())).arg("login"), "");
        admin.push_override(
            path,
            hac_fake::Response::new(500, "text/html", "<html><body>Internal error</body></html>"),
        );
        let o = run(with_password(hac(&url, dir.path())).args(args), "");
        assert_exit(&o, 1);
        assert_one_error_line(&o, "500");
    }
}

/// What people fetch with `openssl s_client -showcerts` is a usable --ca-cert; `hac
/// doctor` gives one verdict about the certificate, with the real host and port.
#[test]
fn certificates_as_people_fetch_them_and_one_tls_verdict() {
    let fake = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .tls(TlsMode::SelfSigned)
        .cert_names(&["localhost"])
        .start();
    let dir = TempDir::new().unwrap();
    let pem = &fake.certs().unwrap().leaf_pem;
    let bundle = dir.path().join("server.pem");
    std::fs::write(
        &bundle,
        format!(
            "CONNECTED(00000003)\ndepth=0 CN = localhost\nverify error:num=18:self-signed certificate\n---\nCertificate chain\n 0 s:CN = localhost\n   i:CN = localhost\n{pem}---\nServer certificate\nsubject=CN = localhost\n---\nDONE\n"
        ),
    )
    .unwrap();
    let by_name = fake.url_with_host("localhost");
    let o = run(
        with_password(hac(&by_name, dir.path()))
            .arg("--ca-cert")
            .arg(&bundle)
            .arg("about"),
        "",
    );
    assert_exit(&o, 0);
    // Untrusted: the advice is the command to run, for this host and port.
    let port = fake.addr().port();
    let o = run(with_password(hac(&by_name, dir.path())).arg("about"), "");
    assert_exit(&o, 4);
    assert_one_error_line(
        &o,
        &format!("openssl s_client -showcerts -connect localhost:{port}"),
    );
    // By address, with a certificate that names only localhost: one verdict, the real
    // address in the advice, no library names.
    let by_ip = fake.url_with_host("127.0.0.1");
    let o = run(
        with_password(hac(&by_ip, dir.path()))
            .arg("--ca-cert")
            .arg(&bundle)
            .arg("doctor"),
        "",
    );
    assert_exit(&o, 4);
    let text = stdout(&o);
    let tls: Vec<&str> = text.lines().filter(|l| l.contains(" tls ")).collect();
    assert_eq!(tls.len(), 1, "one verdict: {text}");
    assert!(tls[0].starts_with("FAIL"), "{text}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(
        !text.contains("add_root_certificate") && !text.contains("host:9002"),
        "{text}"
    );
    // Trusted and named: one ok.
    let o = run(
        with_password(hac(&by_name, dir.path()))
            .arg("--ca-cert")
            .arg(&bundle)
            .arg("doctor"),
        "",
    );
    assert_exit(&o, 0);
    let text = stdout(&o);
    let tls: Vec<&str> = text.lines().filter(|l| l.contains(" tls ")).collect();
    assert_eq!(tls.len(), 1, "{text}");
    assert!(tls[0].starts_with("ok"), "{text}");
}

/// `hac nodes` finds the balancer's ROUTE values and the cluster node each reaches; --node
/// then takes a node id too, and a near miss gets a suggestion.
#[test]
fn nodes_are_discovered_and_named() {
    let fake = FakeHac::builder()
        .user(USER, PASSWORD)
        .nodes(&["n1", "n2", "n3"])
        .start();
    let dir = TempDir::new().unwrap();
    let h = || with_password(hac(&fake.url(), dir.path()));
    let o = run(h().args(["nodes", "-o", "json"]), "");
    assert_exit(&o, 0);
    let nodes = json(&o);
    let found: Vec<(String, i64)> = nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["route"].as_str().unwrap().to_owned(),
                n["node_id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (".n1".to_owned(), 0),
            (".n2".to_owned(), 1),
            (".n3".to_owned(), 2)
        ]
    );
    assert_eq!(nodes[1]["ip"], "10.0.0.6");
    // A node id, or an address, stands for its route.
    let o = run(h().args(["--node", "2", "cluster", "-o", "json"]), "");
    assert_exit(&o, 0);
    assert_eq!(json(&o)["cluster_node_id"], 2);
    let o = run(
        h().args(["--node", "10.0.0.5", "cluster", "-o", "json"]),
        "",
    );
    assert_eq!(json(&o)["cluster_node_id"], 0);
    // A near miss: a suggestion, nothing sent.
    let before = fake.stats().requests;
    let o = run(h().args(["--node", "n2", "cluster"]), "");
    assert_exit(&o, 2);
    assert_one_error_line(&o, "did you mean .n2?");
    assert_eq!(fake.stats().requests, before);
}

/// Small things people notice: the node a node-local change reached, each session's node,
/// "1 row", and elapsed times without float noise.
#[test]
fn papercuts() {
    let fake = FakeHac::builder()
        .user(USER, PASSWORD)
        .nodes(&["n1", "n2"])
        .start();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let h = || with_password(hac(&url, dir.path()));

    let o = run(
        h().args([
            "--node",
            ".n2",
            "log-level",
            "de.hybris.platform.jalo",
            "debug",
        ]),
        "",
    );
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("the level is set on node .n2 (--node .n2 reaches it again)"),
        "{}",
        stderr(&o)
    );
    let o = run(
        h().args(["--node", ".n1", "config", "set", "my.flag", "on"]),
        "",
    );
    assert!(stderr(&o).contains("set on node .n1 "), "{}", stderr(&o));
    let o = run(h().args(["--node", ".n1", "cache", "clear"]), "");
    assert!(stderr(&o).contains("region of node .n1 "), "{}", stderr(&o));

    let o = run(hac(&url, dir.path()).args(["sessions", "list"]), "");
    assert_exit(&o, 0);
    let list = stdout(&o);
    let mut nodes: Vec<&str> = list
        .lines()
        .map(|l| l.split('\t').nth(4).unwrap())
        .collect();
    nodes.sort();
    assert_eq!(nodes, ["node .n1", "node .n2"], "{}", stdout(&o));
    assert!(stderr(&o).contains("2 sessions cached"), "{}", stderr(&o));

    let o = run(
        h().args(["flexsearch", "SELECT {pk} FROM {Generated}", "--max", "1"]),
        "",
    );
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("the limit of 1 row;"), "{}", stderr(&o));

    let o = run(h().args(["groovy", "-", "-o", "json"]), "return 1");
    let raw = stdout(&o);
    let elapsed = raw
        .split("\"elapsed_ms\":")
        .nth(1)
        .unwrap()
        .split([',', '}'])
        .next()
        .unwrap()
        .trim();
    let decimals = elapsed.split('.').nth(1).map_or(0, str::len);
    assert!(decimals <= 3, "{elapsed}");
}
