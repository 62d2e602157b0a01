//! One HTTP exchange with HAC, and nothing about what the answer means: the request and
//! answer types and the blocking and async transports on ureq (`transport`), a console
//! call described as data (`call`), the cookie jar that follows Spring Security's session
//! rotation by hand (`cookies`), multipart uploads streamed from a file (`multipart`),
//! redirects that may be followed (`redirects`), the cached resolver (`resolver`) and the
//! filter that drops HAC's echo of an ImpEx script while the answer is read
//! (`textarea_filter`).
//!
//! Depends on `tls/` (the connector) and `config/`; never on `page/`, `console/` or the
//! client. Reading a page is `page/`'s job: this layer hands bodies up as they came.

pub(crate) mod call;
pub(crate) mod cookies;
pub(crate) mod multipart;
pub(crate) mod redirects;
pub(crate) mod resolver;
pub(crate) mod textarea_filter;
pub(crate) mod transport;
