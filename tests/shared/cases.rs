// Test bodies written once as async code and compiled twice (see tests/both_clients.rs):
// as blocking code with `must_be_sync`, and as async code with `must_be_async`.
// `.await` must not sit inside a macro call: bind results first.

use super::{Client, maybe};
use fake_hac::{ExpiryAnswer, FakeHac, Response, TlsMode};
use hac_client::{
    BasicCredentials, Error, FlexibleSearch, HacConfig, ImpexImport, MemoryStore, UpdateRequest,
};
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

#[maybe(AFIT)]
pub async fn every_operation() {
    let hac = FakeHac::builder().context_path("").start();
    let c = client(&hac);
    let g = c
        .execute_groovy("println 'x'\nreturn 7", false)
        .await
        .unwrap();
    assert_eq!(
        (g.output.as_str(), g.result.as_str(), g.success),
        ("x\n", "7", true)
    );
    let g = c
        .execute_groovy("throw new Exception()", false)
        .await
        .unwrap();
    assert!(!g.success);
    let q = c
        .flexible_search(FlexibleSearch::new("SELECT {pk} FROM {Product}").max_count(2))
        .await
        .unwrap();
    assert_eq!(q.len(), 2);
    let q = c.flexible_search("SELECT {pk} FROM {Nope}").await.unwrap();
    assert!(q.exception.is_some());
    let i = c
        .import_impex(ImpexImport::new("INSERT Language;isocode\n;de"))
        .await
        .unwrap();
    assert!(i.success);
    let i = c.validate_impex("colour").await.unwrap();
    assert!(!i.success);
    let d = c.update_data().await.unwrap();
    let p = c.pending_patches().await.unwrap();
    let o = c
        .execute_update(&UpdateRequest::from_current(&d, &p))
        .await
        .unwrap();
    assert!(o.success);
    let log = c
        .wait_for_update(Duration::from_millis(5), Duration::from_secs(5))
        .await
        .unwrap();
    assert!(log.finished);
    assert_eq!(c.context_path().as_deref(), Some(""));
    assert_eq!(hac.stats().logins, 1);
}

#[maybe(AFIT)]
pub async fn relogin_after_each_expiry_answer() {
    for answer in [
        ExpiryAnswer::Realistic,
        ExpiryAnswer::Redirect,
        ExpiryAnswer::LoginPage,
        ExpiryAnswer::Unauthorized,
        ExpiryAnswer::Forbidden,
    ] {
        let hac = FakeHac::builder()
            .expiry_answer(answer)
            .route_cookie(true)
            .start();
        let c = client(&hac);
        c.login().await.unwrap();
        hac.restart();
        hac.reset_stats();
        let r = c.execute_groovy("return 3", false).await.unwrap();
        assert_eq!(r.result, "3");
        assert_eq!(hac.stats().logins, 1, "{answer:?}");
        let calls = hac
            .requests()
            .iter()
            .filter(|r| r.path.contains("scripting"))
            .count();
        assert_eq!(calls, 2, "{answer:?}");
    }
}

#[maybe(AFIT)]
pub async fn failures_are_typed() {
    let hac = FakeHac::start();
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

    let slow = Client::new(
        HacConfig::builder(hac.url())
            .credentials(BasicCredentials::new("admin", "nimda"))
            .session_persistence(false)
            .timeout(Duration::from_millis(500))
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = slow
        .execute_groovy("Thread.sleep(3000)", false)
        .await
        .unwrap_err();
    assert!(e.is_timeout(), "{e:?}");

    let tls = FakeHac::builder().tls(TlsMode::SelfSigned).start();
    let c = client(&tls);
    let e = c.login().await.unwrap_err();
    assert!(matches!(e, Error::Tls { .. }), "{e:?}");
    let pinned = Client::new(
        HacConfig::builder(tls.url())
            .credentials(BasicCredentials::new("admin", "nimda"))
            .session_persistence(false)
            .pin_certificate_pem(&tls.certs().unwrap().leaf_pem)
            .build()
            .unwrap(),
    )
    .unwrap();
    pinned.login().await.unwrap();

    drop(hac);
    let e = c.login().await.unwrap_err();
    assert!(
        matches!(e, Error::Tls { .. } | Error::Connect { .. }),
        "{e:?}"
    );
}

#[maybe(AFIT)]
pub async fn resumes_a_stored_session_with_one_request() {
    let hac = FakeHac::start();
    let store = Arc::new(MemoryStore::new());
    let config = || {
        HacConfig::builder(hac.url())
            .credentials(BasicCredentials::new("admin", "nimda"))
            .session_store_arc(store.clone())
            .build()
            .unwrap()
    };
    Client::new(config()).unwrap().login().await.unwrap();
    hac.reset_stats();
    let second = Client::new(config()).unwrap();
    let r = second.execute_groovy("return 1", false).await.unwrap();
    assert!(r.success);
    assert_eq!(hac.stats().requests, 1);
    second.logout().await.unwrap();
    let listed = second.sessions().unwrap().list().unwrap();
    assert!(listed.is_empty());
}
