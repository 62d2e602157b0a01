// Operation test bodies written once as async code and compiled twice (see
// tests/both_clients.rs). `.await` must not sit inside a macro call: bind results first.

use super::{Client, maybe};
use hac_client::{
    BasicCredentials, Error, FlexibleSearch, HacConfig, HealthStatus, LogLevel, MemoryStore,
    PkPager,
};
use hac_fake::{FakeHac, HealthMode, Profile};
use std::sync::Arc;

fn client_as(hac: &FakeHac, user: &str, password: &str) -> Client {
    Client::new(
        HacConfig::builder(hac.url())
            .credentials(BasicCredentials::new(user, password))
            .session_persistence(false)
            .build()
            .unwrap(),
    )
    .unwrap()
}

fn client(hac: &FakeHac) -> Client {
    client_as(hac, "admin", "nimda")
}

fn pinned(hac: &FakeHac, node: &str, store: Option<Arc<MemoryStore>>) -> Client {
    let b = HacConfig::builder(hac.url())
        .credentials(BasicCredentials::new("admin", "nimda"))
        .node(node);
    let b = match store {
        Some(s) => b.session_store(s),
        None => b.session_persistence(false),
    };
    Client::new(b.build().unwrap()).unwrap()
}

#[maybe(AFIT)]
pub async fn reads_and_changes_every_operation() {
    for profile in Profile::ALL {
        let hac = FakeHac::builder()
            .profile(profile)
            .context_path("/hac")
            .running_cron_job("full-solr-index", "solrIndexerJob", true)
            .running_cron_job("catalog-sync", "syncJob", false)
            .start();
        let c = client(&hac);
        let about = c.about().await.unwrap();
        assert_eq!(about.platform, profile.name());
        let extensions = c.extensions().await.unwrap();
        let hac_ext = extensions.iter().find(|e| e.name == "hac").unwrap();
        assert_eq!(hac_ext.web_root.as_deref(), Some("/hac"));
        assert!(hac_ext.core);

        let loggers = c.loggers().await.unwrap();
        let jalo = loggers
            .iter()
            .find(|l| l.name == "de.hybris.platform.jalo")
            .unwrap();
        assert_eq!(
            (jalo.parent.as_deref(), jalo.level),
            (Some("de.hybris"), Some(LogLevel::Warn))
        );
        let after = c
            .set_log_level("de.hybris.platform.jalo", LogLevel::Debug)
            .await
            .unwrap();
        assert!(
            after
                .iter()
                .any(|l| l.name == "de.hybris.platform.jalo" && l.level == Some(LogLevel::Debug))
        );
        assert_eq!(
            hac.log_level("node-a", "de.hybris.platform.jalo")
                .as_deref(),
            Some("DEBUG")
        );
        let err = c
            .set_log_level("has space", LogLevel::Info)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");

        let stats = c.cache_stats().await.unwrap();
        assert_eq!(stats.regions.len(), 3);
        assert!(stats.regions[0].cache_statistics.hits > 0);
        let cleared = c.clear_cache().await.unwrap();
        assert_eq!(cleared.regions[0].cache_statistics.hits, 0);

        let jobs = c.cron_jobs().await.unwrap();
        assert_eq!(jobs.len(), 2);
        assert!(jobs[0].progress.contains("elapsed"));
        let aborted = c.abort_cron_jobs().await.unwrap();
        assert_eq!(aborted.get("full-solr-index"), Some(&true));
        assert_eq!(aborted.get("catalog-sync"), Some(&false));
        assert_eq!(hac.running_cron_jobs(), ["catalog-sync"]);

        let props = c.config_properties().await.unwrap();
        let password = props.iter().find(|p| p.key == "db.password").unwrap();
        assert!(password.is_masked());
        let url = props
            .iter()
            .find(|p| p.key == "website.electronics.http")
            .unwrap();
        assert_eq!(
            url.value, "http://localhost:9001/<store>&co",
            "entities decoded"
        );
        let change = c.set_config("my.flag", "on").await.unwrap();
        assert_eq!(change.action, hac_client::ConfigAction::Create);
        let change = c.set_config("my.flag", "off").await.unwrap();
        assert_eq!(change.action, hac_client::ConfigAction::Update);

        let types = c.types("Product").await.unwrap();
        assert_eq!(types, ["Product", "ProductFeature", "ProductReference"]);
        let none = c.types("Nope").await.unwrap();
        assert!(none.is_empty());
        let attrs = c.type_attributes("product").await.unwrap().unwrap();
        assert!(attrs.contains(&"code".to_owned()));
        let missing = c.type_attributes("Prodcut").await.unwrap();
        assert_eq!(missing, None);

        let pk = c.analyze_pk("8796093054977").await.unwrap();
        assert_eq!(pk.pk_composed_type_code.as_deref(), Some("Product"));
        let bad = c.analyze_pk("not-a-pk").await.unwrap_err();
        assert!(matches!(bad, Error::InvalidArgument { .. }), "{bad:?}");

        let cluster = c.cluster().await.unwrap();
        assert_eq!(cluster.cluster_node_id, 0);
        let ds = c.data_sources().await.unwrap();
        assert!(ds.contains_key("master"));
        let sizes = c.table_sizes().await.unwrap();
        assert_eq!(sizes.get("products"), Some(&6));
        let mem = c.memory().await.unwrap();
        assert_eq!(mem.heap_committed, 4096);
        let dump = c.thread_dump().await.unwrap();
        assert!(dump.starts_with("Full thread dump"), "{dump}");
    }
}

#[maybe(AFIT)]
pub async fn health_needs_no_login() {
    let hac = FakeHac::builder().context_path("/hac").start();
    let c = client(&hac);
    let h = c.health().await.unwrap();
    assert_eq!(h.status, HealthStatus::Healthy);
    assert_eq!(h.system_status.as_deref(), Some("RUNNING"));
    assert!(h.checks.iter().all(|c| c.healthy));
    hac.set_health(HealthMode::Unhealthy);
    let h = c.health().await.unwrap();
    assert_eq!(h.status, HealthStatus::Unhealthy);
    assert!(h.checks.iter().any(|c| !c.healthy && c.message.is_some()));
    hac.set_health(HealthMode::NoChecks);
    let h = c.health().await.unwrap();
    assert_eq!(h.status, HealthStatus::NoChecks);
    assert_eq!(hac.stats().login_attempts, 0, "health logs in never");

    // A server still starting behind a balancer: a 503, not "no HAC here".
    let starting = FakeHac::builder()
        .ready_after(std::time::Duration::from_secs(60))
        .start();
    let err = client(&starting).health().await.unwrap_err();
    assert!(
        matches!(err, Error::HttpStatus { status: 503, .. }),
        "{err:?}"
    );
}

#[maybe(AFIT)]
pub async fn roles_limit_what_a_user_may_do() {
    let hac = FakeHac::builder()
        .user_with_roles("support", "s3cret", &["HAC_PLATFORM_LOGGING_LIMITED"])
        .restricted_user("viewer", "v1ew")
        .start();
    let support = client_as(&hac, "support", "s3cret");
    let loggers = support.loggers().await.unwrap();
    assert!(
        loggers
            .iter()
            .any(|l| l.name == "root" && l.level == Some(LogLevel::Info)),
        "level as text"
    );
    let err = support
        .set_log_level("root", LogLevel::Debug)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    let err = support.cache_stats().await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    // Any HAC role may read the version and the type list.
    let viewer = client_as(&hac, "viewer", "v1ew");
    let about = viewer.about().await.unwrap();
    assert_eq!(about.platform, "2211.38");
    let types = viewer.types("User").await.unwrap();
    assert_eq!(types, ["User"]);
    let err = viewer.cluster().await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
}

#[maybe(AFIT)]
pub async fn a_pinned_node_answers_alone() {
    let hac = FakeHac::builder()
        .nodes(&["node-a", "node-b", "node-c"])
        .start();
    let store = Arc::new(MemoryStore::new());
    for (i, node) in ["node-a", "node-b", "node-c"].iter().enumerate() {
        let c = pinned(&hac, &format!(".{node}"), Some(store.clone()));
        let cluster = c.cluster().await.unwrap();
        assert_eq!(cluster.cluster_node_id, i as i64, "{node}");
    }
    assert_eq!(hac.stats().logins, 3, "one session per node");
    // Node-local changes stay on their node.
    let b = pinned(&hac, ".node-b", Some(store.clone()));
    let _ = b.set_log_level("com.acme", LogLevel::Trace).await.unwrap();
    assert_eq!(
        hac.log_level("node-b", "com.acme").as_deref(),
        Some("TRACE")
    );
    assert_eq!(hac.log_level("node-a", "com.acme"), None);
    // Each node's stored session is resumed: no more logins.
    for node in ["node-a", "node-b", "node-c"] {
        let c = pinned(&hac, &format!(".{node}"), Some(store.clone()));
        let _ = c.memory().await.unwrap();
    }
    assert_eq!(hac.stats().logins, 3);
}

#[maybe(AFIT)]
pub async fn a_pinned_node_that_is_down_fails_typed() {
    let hac = FakeHac::builder()
        .nodes(&["node-a", "node-b"])
        .node_down("node-b")
        .start();
    let err = pinned(&hac, ".node-b", None).memory().await.unwrap_err();
    match err {
        Error::NodeUnavailable {
            node, answered_by, ..
        } => {
            assert_eq!(
                (node.as_str(), answered_by.as_str()),
                (".node-b", ".node-a")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(hac.stats().console_calls, 0, "nothing ran elsewhere");
    let err = pinned(&hac, ".node-x", None).about().await.unwrap_err();
    assert!(matches!(err, Error::NodeUnavailable { .. }), "{err:?}");
    let ok = pinned(&hac, ".node-a", None).about().await.unwrap();
    assert_eq!(ok.platform, "2211.38");
    // A value that cannot be a cookie value is a configuration error.
    let bad = HacConfig::builder(hac.url())
        .credentials(BasicCredentials::new("admin", "nimda"))
        .node("a b;c")
        .build();
    assert!(matches!(bad, Err(Error::Config { .. })));
}

#[maybe(AFIT)]
pub async fn export_downloads_and_unpacks() {
    let hac = FakeHac::builder().context_path("/hac").start();
    let c = client(&hac);
    let export = c
        .export_impex("INSERT_UPDATE Product;code[unique=true];name\n\"#% impex.exportItems(\"\"Product\"\", false);\"")
        .await
        .unwrap();
    assert!(export.is_success(), "{export:?}");
    let href = export.data_url.clone().unwrap();
    assert!(
        href.starts_with("/medias/"),
        "outside the context path: {href}"
    );
    let zip = c.download(&href).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = hac_client::unpack_zip(&zip, dir.path()).unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.contains(&"importscript.impex".to_owned()),
        "{names:?}"
    );
    let csv = std::fs::read_to_string(dir.path().join("Product.csv")).unwrap();
    assert!(csv.contains("Café Müller & Co"), "{csv}");

    let failed = c.export_impex("INSERT_UPDATE Nonsense;code").await.unwrap();
    assert!(!failed.is_success());
    assert_eq!(failed.data_url, None);
    let err = c.export_impex("   ").await.unwrap_err();
    assert!(matches!(err, Error::FormRejected { .. }), "{err:?}");
    // Links to another origin are never fetched with the session.
    let err = c
        .download("https://elsewhere.example.com/medias/x.zip")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ForeignRedirect { .. }), "{err:?}");
}

#[maybe(AFIT)]
pub async fn pages_through_a_result_by_pk() {
    let hac = FakeHac::builder().generated_rows(2_000).start();
    let c = client(&hac);
    let all = c
        .flexible_search(
            FlexibleSearch::new(
                "SELECT {pk}, {code} FROM {Generated} WHERE {code} >= 'code-0000100'",
            )
            .unlimited(),
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 1_900);
    let mut pager = PkPager::new(
        FlexibleSearch::new("SELECT {code}, {pk} FROM {Generated} WHERE {code} >= 'code-0000100'"),
        300,
    )
    .unwrap();
    let mut codes = Vec::new();
    let mut pages = 0;
    loop {
        let page = c.flexible_search_page(&mut pager).await.unwrap();
        let Some(page) = page else { break };
        pages += 1;
        codes.extend(page.rows().map(|r| r.get_index(0).unwrap().to_owned()));
    }
    assert_eq!(pages, 7);
    let expected: Vec<String> = all
        .rows()
        .map(|r| r.get_index(1).unwrap().to_owned())
        .collect();
    assert_eq!(codes, expected, "every row once, in PK order");
    // A server-side failure ends the paging with a typed error.
    let mut bad = PkPager::new(FlexibleSearch::new("SELECT {pk} FROM {Prodcut}"), 10).unwrap();
    let err = c.flexible_search_page(&mut bad).await.unwrap_err();
    assert!(matches!(err, Error::Query { .. }), "{err:?}");
    let after = c.flexible_search_page(&mut bad).await.unwrap();
    assert!(after.is_none());
}

/// The type system, read with FlexibleSearch only (so a read-only user reads it): types,
/// their supertypes and the attributes each declares, by prefix.
#[maybe(AFIT)]
pub async fn reads_the_type_system() {
    let hac = FakeHac::builder()
        .composed_type("MyType", &[("code", "java.lang.String"), ("owner", "User")])
        .start();
    let c = client(&hac);
    let all = c.type_system("").await.unwrap();
    let codes: Vec<&str> = all.iter().map(|t| t.code.as_str()).collect();
    assert!(
        codes.contains(&"Product") && codes.contains(&"MyType"),
        "{codes:?}"
    );
    assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted: {codes:?}");
    let mine = c.type_system("mytype").await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].super_type.as_deref(), Some("Item"));
    let attrs: Vec<(&str, &str)> = mine[0]
        .attributes
        .iter()
        .map(|a| (a.qualifier.as_str(), a.attribute_type.as_str()))
        .collect();
    assert_eq!(attrs, [("code", "java.lang.String"), ("owner", "User")]);
    let product = c.type_system("Product").await.unwrap();
    let code = product[0]
        .attributes
        .iter()
        .find(|a| a.qualifier == "code")
        .unwrap();
    assert_eq!((code.optional, code.unique), (Some(false), Some(true)));
    // Only FlexibleSearch was sent: no script ran.
    assert!(
        hac.requests().iter().all(|r| !r.path.contains("scripting")),
        "no Groovy"
    );
}
