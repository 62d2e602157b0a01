//! HAC's consoles, each an operation described as a call (`http::call`) and an answer
//! read into a typed result: Groovy and the other script languages (`groovy`),
//! FlexibleSearch and SQL (`flexsearch`, with the compact table of cells in `row_table`,
//! rows into your types in `row_deserialize`, and reading past `maxCount` by PK in
//! `pk_paging`), ImpEx import and validation (`impex`, its result in `impex_result`), and the
//! system update (`update`).
//!
//! Depends on `http/` and `page/`; never on the client, which runs these calls.

pub(crate) mod flexsearch;
pub(crate) mod groovy;
pub(crate) mod impex;
pub(crate) mod impex_result;
pub(crate) mod pk_paging;
pub(crate) mod row_deserialize;
pub(crate) mod row_table;
pub(crate) mod update;
