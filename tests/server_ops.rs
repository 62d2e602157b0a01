//! Server operations beyond the consoles (tests/shared/ops.rs), against the blocking
//! client and, with the `async` feature, the async client.

#[path = "shared"]
mod sync_ops {
    pub(crate) use hac_client::blocking::HacClient as Client;
    pub(crate) use maybe_async::must_be_sync as maybe;
    pub mod ops;
}

#[cfg(feature = "async")]
#[path = "shared"]
#[allow(clippy::duplicate_mod)] // the same file, compiled a second time as async code
mod async_ops {
    pub(crate) use hac_client::nonblocking::HacClient as Client;
    pub(crate) use maybe_async::must_be_async as maybe;
    pub mod ops;
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod blocking_client {
            $(#[test] fn $name() { super::sync_ops::ops::$name() })*
        }
        #[cfg(feature = "async")]
        mod async_client {
            $(#[test] fn $name() { futures_lite::future::block_on(super::async_ops::ops::$name()) })*
        }
    };
}

both!(
    reads_and_changes_every_operation,
    health_needs_no_login,
    roles_limit_what_a_user_may_do,
    a_pinned_node_answers_alone,
    a_pinned_node_that_is_down_fails_typed,
    export_downloads_and_unpacks,
    pages_through_a_result_by_pk,
);

#[test]
fn blocking_pages_are_an_iterator() {
    let hac = hac_fake::FakeHac::builder().generated_rows(1_001).start();
    let c = hac_client::HacClient::new(
        hac_client::HacConfig::builder(hac.url())
            .credentials(hac_client::BasicCredentials::new("admin", "nimda"))
            .session_persistence(false)
            .build()
            .unwrap(),
    )
    .unwrap();
    let sizes: Vec<usize> = c
        .flexible_search_pages("SELECT {pk} FROM {Generated}", 250)
        .unwrap()
        .map(|p| p.unwrap().len())
        .collect();
    assert_eq!(sizes, [250, 250, 250, 250, 1]);
    let refused = c.flexible_search_pages("SELECT {code} FROM {Generated}", 250);
    assert!(matches!(
        refused,
        Err(hac_client::Error::InvalidArgument { .. })
    ));
}
