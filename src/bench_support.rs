//! Entry points for the criterion benches and the memory example: the parsers, called on
//! in-memory bodies. Not part of the supported API (hidden from the docs, may change).

use crate::error::Result;
use crate::html::PageInfo;
use crate::transport::HttpResponse;
use crate::{FlexSearchResult, ImpexResult};

/// The CSRF token of a page, as the client reads it after login.
pub fn csrf_token(html: &str) -> Option<String> {
    PageInfo::parse(html).csrf
}

/// A FlexibleSearch answer body into the typed result.
pub fn flexsearch(body: String) -> Result<FlexSearchResult> {
    crate::flexsearch::parse(&HttpResponse::ok(body), crate::RowLimit::Unlimited)
}

/// An ImpEx result page into the typed result.
pub fn impex(body: String) -> Result<ImpexResult> {
    crate::impex::parse(&HttpResponse::ok(body), false)
}
