//! The same test bodies (tests/shared/cases.rs for the consoles and sessions,
//! tests/shared/ops.rs for the server operations) run against the blocking client and,
//! with the `async` feature, against the async client.

#[path = "shared"]
mod sync_cases {
    pub(crate) use hac_client::blocking::HacClient as Client;
    pub(crate) use maybe_async::must_be_sync as maybe;
    pub mod cases;
    pub mod ops;
}

#[cfg(feature = "async")]
#[path = "shared"]
#[allow(clippy::duplicate_mod)] // the same file, compiled a second time as async code
mod async_cases {
    pub(crate) use hac_client::nonblocking::HacClient as Client;
    pub(crate) use maybe_async::must_be_async as maybe;
    pub mod cases;
    pub mod ops;
}

#[cfg(feature = "async")]
fn on_tokio<F: std::future::Future<Output = ()> + Send + 'static>(case: F) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("tokio runtime");
    // A panic inside the task surfaces as a JoinError; re-raise it so the test fails.
    if let Err(e) = rt.block_on(rt.spawn(case)) {
        std::panic::resume_unwind(e.into_panic());
    }
}

macro_rules! both {
    ($($file:ident :: $name:ident),* $(,)?) => {
        mod blocking_client {
            $(#[test] fn $name() { super::sync_cases::$file::$name() })*
        }
        // Runtime-less: a bare `block_on` on the test thread.
        #[cfg(feature = "async")]
        mod async_client {
            $(#[test] fn $name() { futures_lite::future::block_on(super::async_cases::$file::$name()) })*
        }
        // Under a multi-threaded tokio runtime, as a spawned task (which also needs `Send`).
        #[cfg(feature = "async")]
        mod async_client_on_tokio {
            $(#[test] fn $name() { super::on_tokio(super::async_cases::$file::$name()) })*
        }
    };
}

both!(
    cases::every_operation,
    cases::relogin_after_each_dead_session_answer,
    cases::failures_are_typed,
    cases::moves_to_https_when_redirected,
    cases::resumes_a_stored_session_with_one_request,
    cases::update_log_needs_no_session,
    cases::failures_are_errors_on_the_question_mark_path,
    cases::truncation_is_visible,
    cases::connect_resumes_a_stored_session_without_a_request,
    cases::clones_share_one_session,
    cases::built_in_one_step_with_network_options,
    ops::reads_and_changes_every_operation,
    ops::health_needs_no_login,
    ops::roles_limit_what_a_user_may_do,
    ops::a_pinned_node_answers_alone,
    ops::a_pinned_node_that_is_down_fails_typed,
    ops::export_downloads_and_unpacks,
    ops::pages_through_a_result_by_pk,
    ops::reads_the_type_system,
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
