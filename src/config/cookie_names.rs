//! Cookie names: HAC's session cookie, and what a cookie name may be. Here, below the
//! transport, because the configuration checks the routing cookie's name with them and the
//! cookie jar reads cookies with them.

/// The Java servlet session cookie.
pub(crate) const JSESSIONID: &str = "JSESSIONID";

/// Whether `name` can be a cookie's name: an RFC 6265 token (visible ASCII, none of the
/// separators). cookie_store accepts more, and a name it would mangle must be refused
/// where a user typed it.
pub(crate) fn is_cookie_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}
