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

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod blocking_client {
            $(#[test] fn $name() { super::sync_cases::cases::$name() })*
        }
        #[cfg(feature = "async")]
        mod async_client {
            $(#[test] fn $name() { futures_lite::future::block_on(super::async_cases::cases::$name()) })*
        }
    };
}

both!(
    every_operation,
    relogin_after_each_expiry_answer,
    failures_are_typed,
    resumes_a_stored_session_with_one_request,
);
