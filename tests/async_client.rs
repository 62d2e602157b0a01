//! The async client: same source as the blocking one, driven by an executor.
#![cfg(feature = "async")]

mod common;

use futures_lite::future::block_on;
use hac_client::{Error, MemoryStore, nonblocking};
use hac_fake::{ExpiryAnswer, FakeHac};

fn client(hac: &FakeHac) -> nonblocking::HacClient {
    nonblocking::HacClient::new(common::config(hac).build().unwrap()).unwrap()
}

#[test]
fn async_operations_and_relogin() {
    let hac = FakeHac::builder()
        .expiry_answer(ExpiryAnswer::Unauthorized)
        .start();
    let c = client(&hac);
    block_on(async {
        let r = c.execute_groovy("println 'a'\nreturn 1").await.unwrap();
        assert_eq!(r.output, "a\n");
        let q = c
            .flexible_search("SELECT {pk} FROM {Product}")
            .await
            .unwrap();
        assert_eq!(q.len(), 6);
        let i = c
            .import_impex("INSERT Language;isocode\n;de")
            .await
            .unwrap();
        assert!(i.is_success());
        let d = c.update_data().await.unwrap();
        assert_eq!(d.project_data.len(), 3);
        hac.expire_sessions();
        let r = c.execute_groovy("return 2").await.unwrap();
        assert_eq!(r.result, "2");
    });
    assert_eq!(hac.stats().logins, 2);
}

#[test]
fn both_clients_in_one_binary_share_a_store() {
    let hac = FakeHac::start();
    let store = std::sync::Arc::new(MemoryStore::new());
    let sync_client = hac_client::blocking::HacClient::new(
        common::config(&hac)
            .session_store(store.clone())
            .build()
            .unwrap(),
    )
    .unwrap();
    sync_client
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let async_client =
        nonblocking::HacClient::new(common::config(&hac).session_store(store).build().unwrap())
            .unwrap();
    block_on(async_client.execute_groovy("return 1"))
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(
        hac.stats().logins,
        1,
        "the async client resumed the blocking client's session"
    );
}

#[test]
fn async_errors_are_the_same_types() {
    let hac = FakeHac::start();
    let c = nonblocking::HacClient::new(
        common::config(&hac)
            .credentials(hac_client::BasicCredentials::new("admin", "bad"))
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = block_on(c.login()).unwrap_err();
    assert!(matches!(e, Error::BadCredentials { .. }), "{e:?}");
}

#[test]
fn futures_are_send() {
    fn assert_send<T: Send>(_: T) {}
    let hac = FakeHac::start();
    let c = client(&hac);
    assert_send(c.execute_groovy("return 1"));
    assert_send(c.flexible_search("SELECT 1"));
    assert_send(c.login());
    assert_send(c.wait_for_update(std::time::Duration::ZERO, std::time::Duration::ZERO));
}
