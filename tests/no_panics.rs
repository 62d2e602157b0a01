//! No panic on caller input: arbitrary strings, bytes, numbers and durations go into every
//! public constructor, builder method and operation that takes them. Each may answer with
//! an error; none may panic (a panic in a library takes its caller's process down).

mod common;

use std::sync::OnceLock;
use std::time::Duration;

use hac_client::{
    BasicCredentials, FlexibleSearch, FlexibleSearchResult, GroovyScript, HacClient, HacConfig,
    ImpexImport, LogLevel, PkPager, RowLimit, SessionKey, UpdateRequest, ZipLimits,
};
use hac_fake::FakeHac;
use proptest::prelude::*;

/// Any duration, the extremes included.
fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        Just(Duration::MAX),
        Just(Duration::from_secs(u64::MAX)),
        any::<u64>().prop_map(Duration::from_nanos),
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
    ]
}

/// Any text: arbitrary Unicode, and the characters that break headers, URLs and forms.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~\r\n\t\u{0}\u{7f}\u{85}\u{2028}é中]{0,40}",
        Just("/ééé SELECT {pk} FROM {Product}".to_owned()),
        Just("x\r\nSet-Cookie: a=b".to_owned()),
    ]
}

/// A client whose requests go nowhere (a closed loopback port: refused at once).
fn nowhere(b: hac_client::HacConfigBuilder<HacClient>) -> hac_client::Result<HacClient> {
    b.credentials(BasicCredentials::new("admin", "nimda"))
        .build()
}

/// One fake HAC and one logged-in client for every case.
fn live() -> &'static HacClient {
    static LIVE: OnceLock<(FakeHac, HacClient)> = OnceLock::new();
    &LIVE
        .get_or_init(|| {
            let fake = FakeHac::start();
            let client = common::client(&fake);
            client.login().unwrap();
            (fake, client)
        })
        .1
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Every builder setting, then `build()` and one request: an error at most.
    #[test]
    fn builder_settings(
        url in text(), ctx in text(), env in text(), ua in text(), header in (text(), text()),
        proxy in text(), no_proxy in text(), node in text(), cookie in text(), pin in text(),
        cert in proptest::collection::vec(any::<u8>(), 0..64),
        timeouts in (duration(), duration(), duration(), duration(), duration()),
        limit in any::<u64>(),
    ) {
        let (timeout, long, connect, idle, age) = timeouts;
        let b = HacClient::builder(url)
            .context_path(ctx)
            .environment(env)
            .user_agent(ua)
            .default_header(header.0, header.1)
            .proxy(proxy)
            .no_proxy(no_proxy)
            .node(node)
            .route_cookie_name(cookie)
            .pin_public_key_sha256(pin)
            .add_root_certificate(&cert)
            .trust_only_certificate(&cert)
            .client_certificate(&cert, &cert)
            .timeout(timeout)
            .long_timeout(long)
            .connect_timeout(connect)
            .session_idle_limit(idle)
            .session_max_age(age)
            .max_response_bytes(limit);
        let _ = nowhere(b);
    }

    /// The settings a program is likely to get from its user, with a client that is built
    /// and makes requests (to a closed port): the user agent and every timeout.
    #[test]
    fn requests_with_any_user_agent_and_timeout(
        ua in text(), timeout in duration(), call in duration(), interval in duration(),
    ) {
        let b = HacClient::builder("http://127.0.0.1:1")
            .user_agent(ua)
            .timeout(timeout)
            .long_timeout(timeout)
            .connect_timeout(timeout);
        if let Ok(c) = nowhere(b) {
            let _ = c.with_timeout(call).update_data();
            let _ = c.execute_groovy(GroovyScript::new("return 1").timeout(call));
            let _ = c.wait_for_update(interval, call);
        }
    }

    /// Per-call timeouts of any length on a client that builds (the case above rarely
    /// builds with its random timeouts): capped, never an overflow.
    #[test]
    fn per_call_timeouts_of_any_length(call in duration(), interval in duration()) {
        let c = nowhere(HacClient::builder("http://127.0.0.1:1").timeout(Duration::from_secs(1)))
            .unwrap();
        let _ = c.with_timeout(call).update_data();
        let _ = c.with_timeout(call).execute_groovy("return 1");
        let _ = c.execute_groovy(GroovyScript::new("return 1").timeout(call));
        let _ = c.flexible_search(FlexibleSearch::new("SELECT 1").timeout(call));
        let _ = c.wait_for_update(interval, call);
    }

    /// Queries, scripts and imports as values: any text, any limit.
    #[test]
    fn request_values(q in text(), n in any::<u32>(), size in any::<u32>(), t in duration()) {
        let query = FlexibleSearch::new(q.clone()).max_rows(n).locale(q.clone()).user(q.clone())
            .data_source(q.clone()).timeout(t);
        let _ = PkPager::new(query.clone(), size);
        let _ = PkPager::new(FlexibleSearch::new(q.clone()).max_rows(RowLimit::Unlimited), size);
        let _ = GroovyScript::new(q.clone()).commit(true).timeout(t);
        let _ = ImpexImport::new(q.clone()).encoding(q.clone()).max_threads(n).timeout(t);
        let _ = UpdateRequest::new().parameter(q.clone(), [q.clone()]).parameter_text(q.clone(), q.clone())
            .patch(q.clone(), q.clone()).project_data(&q).timeout(t).to_json();
        let _ = q.parse::<LogLevel>();
        let _ = FlexibleSearchResult::from_json(q.clone());
        let _ = SessionKey::new(q.clone(), q.clone(), q.clone()).with_node(Some(q)).id();
    }

    /// Arbitrary bytes as a certificate, a pin source and a zip.
    #[test]
    fn bytes(data in proptest::collection::vec(any::<u8>(), 0..512), limit in any::<u64>()) {
        let _ = hac_client::public_key_pin(&data);
        let dir = tempfile::tempdir().unwrap();
        let limits = ZipLimits::default().max_total_bytes(limit).max_entry_bytes(limit).max_ratio(limit);
        let _ = hac_client::unpack_zip_within(&data, dir.path(), &limits);
        let _ = HacConfig::builder("https://localhost:9002")
            .credentials(BasicCredentials::new("admin", "nimda"))
            .add_root_certificate(&data)
            .build();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The operations that take text of the caller's, against a live (fake) HAC.
    #[test]
    fn operations_with_any_text(s in text()) {
        let c = live();
        let _ = c.set_config(&s, &s);
        let _ = c.set_log_level(&s, LogLevel::Info);
        let _ = c.types(&s);
        let _ = c.type_attributes(&s);
        let _ = c.analyze_pk(&s);
        let _ = c.download(&s);
        let _ = c.export_impex(&s);
        let _ = c.flexible_search(FlexibleSearch::new(s.clone()).max_rows(3));
        let _ = c.validate_impex(s.clone());
        let fresh = common::build(common::config_for(c.base_url()));
        let _ = fresh.import_session(&s);
    }
}
