//! The same test bodies (tests/shared/cases.rs) run against the blocking client and,
//! with the `async` feature, against the async client.

#[path = "shared"]
mod sync_cases {
    pub(crate) use hac_client::blocking::HacClient as Client;
    pub(crate) use maybe_async::must_be_sync as maybe;
    pub mod cases;
}

#[cfg(feature = "async")]
#[path = "shared"]
#[allow(clippy::duplicate_mod)] // the same file, compiled a second time as async code
mod async_cases {
    pub(crate) use hac_client::nonblocking::HacClient as Client;
    pub(crate) use maybe_async::must_be_async as maybe;
    pub mod cases;
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
    ($($name:ident),* $(,)?) => {
        mod blocking_client {
            $(#[test] fn $name() { super::sync_cases::cases::$name() })*
        }
        // Runtime-less: a bare `block_on` on the test thread.
        #[cfg(feature = "async")]
        mod async_client {
            $(#[test] fn $name() { futures_lite::future::block_on(super::async_cases::cases::$name()) })*
        }
        // Under a multi-threaded tokio runtime, as a spawned task (which also needs `Send`).
        #[cfg(feature = "async")]
        mod async_client_on_tokio {
            $(#[test] fn $name() { super::on_tokio(super::async_cases::cases::$name()) })*
        }
    };
}

both!(
    every_operation,
    relogin_after_each_dead_session_answer,
    failures_are_typed,
    moves_to_https_when_redirected,
    resumes_a_stored_session_with_one_request,
    update_log_needs_no_session,
    failures_are_errors_on_the_question_mark_path,
    truncation_is_visible,
    connect_resumes_a_stored_session_without_a_request,
    clones_share_one_session,
    built_in_one_step_with_network_options,
);
