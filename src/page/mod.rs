//! Reading what HAC sends back, without I/O: every server text is read here. Pages with
//! html5ever (`html`; the facts every page carries, such as the CSRF token and whether it is
//! the login page, in `facts`), what an answer means for the session (`dead_session`: the
//! redirect, the login page, 401/403/405), FlexibleSearch cells unescaped (`unescape`),
//! HAC's XSS filter on request parameters (`xss_filter`), and excerpts of server text for
//! error messages with every secret masked (`redact`).
//!
//! Depends on `http/` for the answer type only. What a console's answer holds is read by
//! the console's own module in `console/` or `ops/`, with these readers.

pub(crate) mod dead_session;
pub(crate) mod facts;
pub(crate) mod html;
pub(crate) mod redact;
pub(crate) mod unescape;
pub(crate) mod xss_filter;
