//! Sessions between calls and between runs: what a stored session is and whose it is
//! (`stored`), the one persistence trait with its file and memory backends (`store`), the
//! owner-only cache directory, its key and atomic writes (`cache_dir`), listing and
//! pruning (`manager`), and where user names and passwords come from (`credentials`).
//!
//! Stands alone: it depends on nothing but `error` and `json_out`. Secrets (passwords,
//! session cookies, CSRF tokens) live here and in requests only: never in `Debug`, logs,
//! errors, or any file but the owner-only session files, and never the password there.

pub(crate) mod cache_dir;
pub(crate) mod credentials;
pub(crate) mod manager;
pub(crate) mod store;
pub(crate) mod stored;
