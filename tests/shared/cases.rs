// Test bodies written once as async code and compiled twice (see tests/both_clients.rs):
// as blocking code with `must_be_sync`, and as async code with `must_be_async`. Each runs
// against every version profile of the fake HAC.
// `.await` must not sit inside a macro call: bind results first.

use super::{Client, maybe};
use hac_client::{
    BasicCredentials, Error, FlexibleSearch, GroovyScript, HacConfig, ImpexImport, MemoryStore,
    RowLimit, UpdateRequest,
};
use hac_fake::{ExpiryAnswer, FakeHac, Profile, Response, TlsMode};
use std::sync::Arc;
use std::time::Duration;

fn client(hac: &FakeHac) -> Client {
    Client::new(
        HacConfig::builder(hac.url())
            .credentials(BasicCredentials::new("admin", "nimda"))
            .session_persistence(false)
            .build()
            .unwrap(),
    )
    .unwrap()
}

fn fakes() -> Vec<FakeHac> {
    Profile::ALL
        .into_iter()
        .flat_map(|p| {
            [
                FakeHac::builder().profile(p).generated_rows(2_000).start(),
                FakeHac::builder()
                    .profile(p)
                    .context_path("/hac")
                    .generated_rows(2_000)
                    .start(),
            ]
        })
        .collect()
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Product {
    pk: u64,
    code: String,
    name: Option<String>,
}

#[maybe(AFIT)]
pub async fn every_operation() {
    for hac in fakes() {
        let p = hac.profile();
        let c = client(&hac);
        let g = c.execute_groovy("println 'x'\nreturn 7").await.unwrap();
        assert_eq!(
            (g.output.as_str(), g.result.as_str(), g.is_success()),
            ("x\n", "7", true),
            "{p}"
        );
        let g = c
            .execute_groovy(GroovyScript::new("throw new IllegalStateException('no')").commit(true))
            .await
            .unwrap();
        assert!(!g.is_success());
        assert_eq!(g.stacktrace, "java.lang.IllegalStateException: no\r\n");
        let blank = c.execute_groovy("  ").await.unwrap();
        assert!(blank.is_success() && blank.output.is_empty());
        // Cells come back as they are in the database, not as HAC escaped them.
        let q = c
            .flexible_search("SELECT {pk}, {code}, {name} FROM {Product}")
            .await
            .unwrap();
        assert_eq!(q.headers, ["PK", "p_code", "p_name"]);
        let names: Vec<Option<&str>> = q.rows().map(|r| r.get("name")).collect();
        assert_eq!(
            names,
            [
                Some("Camera"),
                None,
                Some("Lens \"50mm\" <pro>"),
                Some("Café Müller & Co"),
                Some("中文名称"),
                Some("two\nlines"),
            ],
            "{p}"
        );
        let products: Vec<Product> = q.deserialize().unwrap();
        assert_eq!(products[3].code, "0004");
        assert_eq!(products[3].name.as_deref(), Some("Café Müller & Co"));
        let limited = c
            .flexible_search(FlexibleSearch::new("SELECT {pk} FROM {Generated}").max_rows(5))
            .await
            .unwrap();
        assert_eq!(limited.len(), 5);
        assert!(limited.is_truncated());
        // A limit the query chose: cut there, as asked.
        assert_eq!(limited.deserialize::<(u64,)>().unwrap().len(), 5);
        // HAC's default quietly applied to a plain query: not passed off as every row.
        let plain = c
            .flexible_search("SELECT {pk} FROM {Generated}")
            .await
            .unwrap();
        assert_eq!(plain.len(), 200);
        match plain.deserialize::<(u64,)>().unwrap_err() {
            Error::Truncated { limit, .. } => assert_eq!(limit, 200),
            e => panic!("{e:?}"),
        }
        let query = String::from("SELECT {pk} FROM {Generated}");
        let two_hundred = c
            .flexible_search(FlexibleSearch::new(&query).max_rows(200))
            .await
            .unwrap();
        assert_eq!(two_hundred.deserialize::<(u64,)>().unwrap().len(), 200);
        // Or HAC's default, accepted by name.
        let accepted = c
            .flexible_search(FlexibleSearch::new(&query).allow_truncated())
            .await
            .unwrap();
        assert!(accepted.is_truncated());
        assert_eq!(accepted.deserialize::<(u64,)>().unwrap().len(), 200);
        // (maybe-async leaves an `.await` inside a macro alone: bound first.)
        let from_a_string = c.flexible_search(&query).await.unwrap();
        assert!(from_a_string.is_truncated());
        let all = c
            .flexible_search(
                FlexibleSearch::new("SELECT {pk} FROM {Generated} WHERE {pk} > 8796093054977")
                    .max_rows(RowLimit::Unlimited)
                    .timeout(Duration::from_secs(120)),
            )
            .await
            .unwrap();
        assert_eq!(all.len(), 1_999);
        assert!(!all.is_truncated());
        let bad = c.flexible_search("SELECT {pk} FROM {Nope}").await.unwrap();
        assert_eq!(bad.exception.as_deref(), Some("type code 'Nope' invalid"));
        assert!(bad.exception_stacktrace.is_some());
        let i = c
            .import_impex(ImpexImport::new("INSERT Language;isocode\n;de"))
            .await
            .unwrap();
        assert!(i.is_success(), "{p}: {i:?}");
        assert_eq!(i.level, "notice");
        let i = c.import_impex(";orphan").await.unwrap();
        assert!(!i.is_success());
        let v = c
            .validate_impex("INSERT Language;isocode\n;de")
            .await
            .unwrap();
        assert!(v.is_success());
        assert_eq!(v.summary, "Import script is valid");
        let v = c.validate_impex("colour").await.unwrap();
        assert!(!v.is_success());
        let d = c.update_data().await.unwrap();
        let patches = c.pending_patches().await.unwrap();
        let o = c
            .execute_update(&UpdateRequest::from_current(&d, &patches))
            .await
            .unwrap();
        assert!(o.is_success());
        let log = c
            .wait_for_update(Duration::from_millis(5), Duration::from_secs(5))
            .await
            .unwrap();
        assert!(log.finished);
        assert_eq!(c.context_path(), Some(hac.context_path()));
        assert_eq!(hac.stats().logins, 1, "{p}");
    }
}

#[maybe(AFIT)]
pub async fn relogin_after_each_dead_session_answer() {
    for profile in Profile::ALL {
        for answer in [
            ExpiryAnswer::Realistic,
            ExpiryAnswer::RelativeRedirect,
            ExpiryAnswer::LoginPage,
            ExpiryAnswer::Unauthorized,
            ExpiryAnswer::Forbidden,
            ExpiryAnswer::MethodNotAllowed,
        ] {
            let hac = FakeHac::builder()
                .profile(profile)
                .expiry_answer(answer)
                .route_cookie(true)
                .start();
            let c = client(&hac);
            c.login().await.unwrap();
            hac.restart();
            hac.reset_stats();
            let r = c.execute_groovy("return 3").await.unwrap();
            assert_eq!(r.result, "3");
            assert_eq!(hac.stats().logins, 1, "{profile} {answer:?}");
            let calls = hac
                .requests()
                .iter()
                .filter(|r| r.path.contains("scripting"))
                .count();
            assert_eq!(calls, 2, "{profile} {answer:?}");
            // A GET console call, too.
            hac.expire_sessions();
            hac.reset_stats();
            c.pending_patches().await.unwrap();
            assert_eq!(hac.stats().logins, 1, "{profile} {answer:?}");
        }
    }
}

#[maybe(AFIT)]
pub async fn failures_are_typed() {
    for profile in Profile::ALL {
        let hac = FakeHac::builder().profile(profile).start();
        let bad = Client::new(
            HacConfig::builder(hac.url())
                .credentials(BasicCredentials::new("admin", "wrong"))
                .session_persistence(false)
                .build()
                .unwrap(),
        )
        .unwrap();
        let e = bad.login().await.unwrap_err();
        assert!(matches!(e, Error::BadCredentials { .. }), "{e:?}");

        let c = client(&hac);
        hac.push_override("/console/flexsearch/execute", Response::json("<html>"));
        let e = c
            .flexible_search("SELECT {pk} FROM {Product}")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
        let e = c.import_impex("  ").await.unwrap_err();
        match e {
            Error::FormRejected { messages, .. } => {
                assert_eq!(messages, ["Script content should not be empty"])
            }
            e => panic!("{e:?}"),
        }
        hac.push_override(
            "/console/impex/import",
            Response::new(
                500,
                "text/html",
                "<html><body>NullPointerException</body></html>",
            ),
        );
        let e = c
            .import_impex("INSERT Language;isocode\n;x")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::HttpStatus { status: 500, .. }), "{e:?}");

        let slow = Client::new(
            HacConfig::builder(hac.url())
                .credentials(BasicCredentials::new("admin", "nimda"))
                .session_persistence(false)
                .timeout(Duration::from_millis(500))
                .build()
                .unwrap(),
        )
        .unwrap();
        let e = slow.execute_groovy("Thread.sleep(3000)").await.unwrap_err();
        assert!(e.is_timeout(), "{e:?}");
    }

    let tls = FakeHac::builder().tls(TlsMode::SelfSigned).start();
    let c = client(&tls);
    let e = c.login().await.unwrap_err();
    assert!(matches!(e, Error::Tls { .. }), "{e:?}");
    let pinned = Client::new(
        HacConfig::builder(tls.url())
            .credentials(BasicCredentials::new("admin", "nimda"))
            .session_persistence(false)
            .trust_only_certificate(&tls.certs().unwrap().leaf_pem)
            .build()
            .unwrap(),
    )
    .unwrap();
    pinned.login().await.unwrap();
    drop(tls);
    // Refused, or (when the closing listener still accepted it) reset.
    let e = c.login().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Tls { .. } | Error::Connect { .. } | Error::AnswerLost { .. }
        ),
        "{e:?}"
    );
}

#[maybe(AFIT)]
pub async fn moves_to_https_when_redirected() {
    let hac = FakeHac::builder()
        .tls(TlsMode::SelfSigned)
        .http_redirect(true)
        .start();
    let store = Arc::new(MemoryStore::new());
    let config = || {
        HacConfig::builder(hac.http_url().unwrap())
            .credentials(BasicCredentials::new("admin", "nimda"))
            .trust_only_certificate(&hac.certs().unwrap().leaf_pem)
            .session_store(store.clone())
            .build()
            .unwrap()
    };
    let c = Client::new(config()).unwrap();
    let r = c.execute_groovy("return 1").await.unwrap();
    assert_eq!(r.result, "1");
    assert_eq!(c.base_url(), hac.url());
    // The password went to HTTPS only: the login POST never reached the plain port.
    let http_port = url::Url::parse(&hac.http_url().unwrap())
        .unwrap()
        .port()
        .unwrap();
    let plain_host = format!("localhost:{http_port}");
    let plain: Vec<_> = hac
        .requests()
        .into_iter()
        .filter(|r| r.header("host") == Some(plain_host.as_str()))
        .collect();
    assert_eq!(
        plain.len(),
        1,
        "only the first GET: {:?}",
        plain.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    assert_eq!(plain[0].method, "GET");
    // A new client resumes straight on HTTPS.
    hac.reset_stats();
    let again = Client::new(config()).unwrap();
    again
        .execute_groovy("return 2")
        .await
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().requests, 1);
    assert_eq!(hac.stats().channel_redirects, 0);
}

#[maybe(AFIT)]
pub async fn resumes_a_stored_session_with_one_request() {
    for profile in Profile::ALL {
        let hac = FakeHac::builder().profile(profile).start();
        let store = Arc::new(MemoryStore::new());
        let config = || {
            HacConfig::builder(hac.url())
                .credentials(BasicCredentials::new("admin", "nimda"))
                .session_store(store.clone())
                .build()
                .unwrap()
        };
        Client::new(config()).unwrap().login().await.unwrap();
        hac.reset_stats();
        let second = Client::new(config()).unwrap();
        let r = second.execute_groovy("return 1").await.unwrap();
        assert!(r.is_success());
        assert_eq!(hac.stats().requests, 1, "{profile}");
        second.logout().await.unwrap();
        assert_eq!(
            hac.session_count(),
            0,
            "{profile}: logged out on the server"
        );
        let listed = second.sessions().unwrap().list().unwrap();
        assert!(listed.is_empty());
    }
}

#[maybe(AFIT)]
pub async fn update_log_needs_no_session() {
    let hac = FakeHac::builder()
        .update_duration(Duration::from_millis(400))
        .start();
    let c = client(&hac);
    c.execute_update(&UpdateRequest::new())
        .await
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    hac.expire_sessions();
    hac.reset_stats();
    let log = c
        .wait_for_update(Duration::from_millis(5), Duration::from_secs(5))
        .await
        .unwrap();
    assert!(log.finished);
    assert_eq!(hac.stats().logins, 0, "the log is read without logging in");
    // A client that never logged in reads it too, when it knows the context path.
    let fresh = Client::new(
        HacConfig::builder(hac.url())
            .credentials(BasicCredentials::new("admin", "nimda"))
            .context_path("")
            .session_persistence(false)
            .build()
            .unwrap(),
    )
    .unwrap();
    let log = fresh.update_log().await.unwrap();
    assert!(log.finished);
    assert_eq!(hac.stats().logins, 0);
}

#[maybe(AFIT)]
pub async fn failures_are_errors_on_the_question_mark_path() {
    let hac = FakeHac::builder().generated_rows(50).start();
    let c = client(&hac);

    // A failed query never deserializes into an empty list.
    let r = c
        .flexible_search("SELECT {pk} FROM {Prodcut}")
        .await
        .unwrap();
    assert!(!r.is_success());
    match r.deserialize::<Product>().unwrap_err() {
        Error::Query {
            message,
            stacktrace,
            ..
        } => {
            assert!(message.contains("Prodcut"), "{message}");
            assert!(stacktrace.is_some_and(|s| s.contains("Prodcut")));
        }
        e => panic!("{e:?}"),
    }
    assert!(matches!(
        r.error_for_failure_ref(),
        Err(Error::Query { .. })
    ));
    let e = r.into_result().unwrap_err();
    assert!(
        e.to_string().starts_with("the query failed on the server"),
        "{e}"
    );

    // Rows into a struct with fields `pk` and `code`: `PK` and `p_code` match.
    let r = c
        .flexible_search("SELECT {pk}, {code} FROM {Product} ORDER BY {pk}")
        .await
        .unwrap();
    #[derive(serde::Deserialize)]
    struct PkCode {
        pk: u64,
        code: String,
    }
    let rows: Vec<PkCode> = r.deserialize().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|p| p.pk > 0 && !p.code.is_empty()));

    // A type that does not fit is not a server error: row, field and columns are named.
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Wrong {
        code: bool,
    }
    match r.deserialize::<Wrong>().unwrap_err() {
        Error::Deserialize {
            row,
            field,
            columns,
            message,
            ..
        } => {
            assert_eq!(row, 0);
            assert_eq!(field.as_deref(), Some("code"));
            assert_eq!(columns.len(), 2, "{columns:?}");
            assert!(message.contains("bool"), "{message}");
        }
        e => panic!("{e:?}"),
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Missing {
        description: String,
    }
    match r.deserialize::<Missing>().unwrap_err() {
        Error::Deserialize { field, .. } => assert_eq!(field.as_deref(), Some("description")),
        e => panic!("{e:?}"),
    }

    // Groovy: a script that threw.
    let g = c
        .execute_groovy("println 'before'\nthrow new IllegalStateException('boom')")
        .await
        .unwrap();
    assert!(g.error_for_failure_ref().is_err());
    match g.into_result().unwrap_err() {
        Error::Script {
            message, output, ..
        } => {
            assert_eq!(message, "java.lang.IllegalStateException: boom");
            assert_eq!(output, "before\n");
        }
        e => panic!("{e:?}"),
    }
    let ok = c.execute_groovy("return 1").await.unwrap();
    assert_eq!(ok.into_result().unwrap().result, "1");

    // ImpEx: problems with the script lines they are about.
    let script = "INSERT_UPDATE Product;code[unique=true];catalogVersion\n;p1;unknownCatalog:Staged\n;p2;unknownCatalog:Online";
    let i = c.import_impex(script).await.unwrap();
    assert_eq!(i.level, hac_client::ImpexLevel::Error);
    match i.clone().into_result().unwrap_err() {
        Error::Import { summary, lines, .. } => {
            assert!(!summary.is_empty());
            let numbered: Vec<u32> = lines.iter().filter_map(|l| l.line).collect();
            assert_eq!(numbered, [2, 3], "{lines:?}");
            assert!(lines[1].message.contains("cannot resolve"), "{lines:?}");
        }
        e => panic!("{e:?}"),
    }
    let v = c.validate_impex(script).await.unwrap();
    assert!(matches!(v.into_result(), Err(Error::Import { .. })));
    let ok = c
        .import_impex("INSERT_UPDATE Language;isocode[unique=true]\n;de")
        .await
        .unwrap();
    assert!(ok.into_result().is_ok());
}

#[maybe(AFIT)]
pub async fn truncation_is_visible() {
    let hac = FakeHac::builder().generated_rows(300).start();
    let c = client(&hac);
    let q = |limit: RowLimit| FlexibleSearch::new("SELECT {pk} FROM {Generated}").max_rows(limit);
    let exactly = c.flexible_search(q(RowLimit::Rows(300))).await.unwrap();
    assert_eq!(exactly.len(), 300);
    assert!(
        exactly.is_truncated(),
        "as many rows as the limit: there may be more"
    );
    let under = c.flexible_search(q(RowLimit::Rows(301))).await.unwrap();
    assert!(!under.is_truncated());
    let all = c.flexible_search(q(RowLimit::Unlimited)).await.unwrap();
    assert_eq!(all.len(), 300);
    assert!(!all.is_truncated(), "never for an unlimited query");
    // The `&str` shortcut: HAC's default of 200 rows.
    let short = c
        .flexible_search("SELECT {pk} FROM {Generated}")
        .await
        .unwrap();
    assert_eq!(short.len(), hac_client::DEFAULT_MAX_ROWS as usize);
    assert!(short.is_truncated());
}

#[maybe(AFIT)]
pub async fn connect_resumes_a_stored_session_without_a_request() {
    let hac = FakeHac::start();
    let store = Arc::new(MemoryStore::new());
    let config = || {
        HacConfig::builder(hac.url())
            .credentials(BasicCredentials::new("admin", "nimda"))
            .session_store(store.clone())
            .build()
            .unwrap()
    };
    // Nothing stored: connect logs in, once.
    let first = Client::new(config()).unwrap();
    assert!(!first.is_logged_in());
    first.connect().await.unwrap();
    first.connect().await.unwrap();
    assert_eq!(hac.stats().logins, 1);
    assert!(first.is_logged_in());
    // Stored: a new client takes it without a single request.
    hac.reset_stats();
    let second = Client::new(config()).unwrap();
    assert!(second.is_logged_in());
    second.connect().await.unwrap();
    assert_eq!(hac.stats().requests, 0);
    let r = second.execute_groovy("return 1").await.unwrap();
    assert!(r.is_success());
    assert_eq!(hac.stats().requests, 1);
    // login() is the explicit fresh session.
    second.login().await.unwrap();
    assert_eq!(hac.stats().logins, 1);
}

#[maybe(AFIT)]
pub async fn clones_share_one_session() {
    let hac = FakeHac::start();
    let c = client(&hac);
    let copy = c.clone();
    copy.execute_groovy("return 1")
        .await
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    c.execute_groovy("return 2")
        .await
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 1);
    // A handle with its own timeout, on the same session.
    let impatient = c.with_timeout(Duration::from_millis(300));
    let e = impatient
        .execute_groovy("Thread.sleep(2000)")
        .await
        .unwrap_err();
    assert!(e.is_timeout() && e.may_have_run(), "{e:?}");
    assert!(e.to_string().contains("may still be running"), "{e}");
    let data = impatient.update_data().await;
    assert!(data.is_ok());
    // A per-call timeout wins over the handle's.
    let g = impatient
        .execute_groovy(
            GroovyScript::new("Thread.sleep(600)\nreturn 3").timeout(Duration::from_secs(5)),
        )
        .await
        .unwrap();
    assert_eq!(g.result, "3");
    assert_eq!(hac.stats().logins, 1);
}

#[maybe(AFIT)]
pub async fn built_in_one_step_with_network_options() {
    let hac = FakeHac::builder().tls(TlsMode::SelfSignedCa).start();
    let certs = hac.certs().unwrap().clone();
    let pin = hac_client::public_key_pin(certs.leaf_pem.as_bytes()).unwrap();
    let c = Client::builder(hac.url())
        .credentials(BasicCredentials::new("admin", "nimda"))
        .session_persistence(false)
        .add_root_certificate(&certs.leaf_pem)
        .pin_public_key_sha256(&pin)
        .proxy_from_env(false)
        .connect_timeout(Duration::from_secs(5))
        .default_header("X-Team", "commerce-ops")
        .build()
        .unwrap();
    let r = c.execute_groovy("return 5").await.unwrap();
    assert_eq!(r.into_result().unwrap().result, "5");
    assert!(
        hac.requests()
            .iter()
            .all(|r| r.header("x-team") == Some("commerce-ops"))
    );
}
