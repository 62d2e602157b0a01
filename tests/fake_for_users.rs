//! The README's "test your tool without SAP Commerce" example, as it is written there.

#[test]
fn report_fails_on_a_broken_query() {
    let hac = hac_fake::FakeHac::builder()
        .profile(hac_fake::Profile::V2211_1)
        .start();
    let client = hac_client::HacClient::builder(hac.url())
        .credentials(hac_client::BasicCredentials::new("admin", "nimda"))
        .session_persistence(false)
        .build()
        .unwrap();
    let result = client
        .flexible_search("SELECT {pk} FROM {Prodcut}")
        .unwrap();
    assert!(matches!(
        result.deserialize::<(u64,)>(),
        Err(hac_client::Error::Query { .. })
    ));
    hac.expire_sessions(); // the next call logs in again, once
    client
        .execute_groovy("return 1")
        .unwrap()
        .into_result()
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 2);
}
