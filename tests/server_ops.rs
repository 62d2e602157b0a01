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
);
